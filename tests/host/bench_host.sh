#!/usr/bin/env bash
# bench/strace-bound (make bench's part on the host's own kernel): it
# prints strace's cost per injected getppid against a native one, and a
# strace that injects nothing stops it. bench/explore-cost (the same):
# explore's runs/s against the command's own.
. "$(dirname "$0")/../lib.sh"

strace_bound() {
    command -v strace >/dev/null || { why "strace is not installed (scripts/setup installs it)"; return 1; }
    BENCH_RUNS=1 run "$TOP/bench/strace-bound" 20000
    assert_eq "exit status" "$RC" 0 || { why "$ERR"; return 1; }
    local r
    for r in strace-injected strace-seccomp-injected; do
        # strace stops the caller twice per call: dearer than native.
        awk -F' *\\| *' -v r="$r" '$2 == r && $4 + 0 > 1 { ok = 1 } END { exit !ok }' <<<"$OUT" ||
            { why "no $r row above 1.0x native in: $OUT"; return 1; }
    done
}
subtest strace_bound strace_bound

strace_bound_refuses_no_injection() {
    mkdir -p "$T/bin"
    cat >"$T/bin/strace" <<'SH'
#!/bin/sh
while [ $# -gt 0 ] && [ "${1#-}" != "$1" ]; do
    case $1 in -o|-e) shift ;; esac
    shift
done
exec "$@"
SH
    chmod +x "$T/bin/strace"
    BENCH_RUNS=1 PATH=$T/bin:$PATH run "$TOP/bench/strace-bound" 20000
    assert_eq "exit status" "$RC" 1 &&
        assert_match "stderr" "$ERR" '^strace-bound: strace .*: 1000 of 1000 calls should have failed, 0 did$'
}
subtest strace_bound_refuses_no_injection strace_bound_refuses_no_injection
# bench/explore-cost: a row for the seccomp backend, every rate above 0;
# an exploration with a run in the error class stops it.
explore_cost() {
    BENCH_RUNS=1 BENCH_NATIVE=20 run "$TOP/bench/explore-cost"
    assert_eq "exit status" "$RC" 0 || { why "$ERR"; return 1; }
    awk -F' *\\| *' '$2 ~ /^seccomp backend/ && $3 > 0 && $4 > 0 && $5 > 0 && $6 > 0 { ok = 1 } END { exit !ok }' \
        <<<"$OUT" || { why "no seccomp row with rates above 0 in: $OUT"; return 1; }
}
subtest explore_cost explore_cost

explore_cost_refuses_errors() {
    mkdir -p "$T/x/build" "$T/x/bench"
    cp "$TOP/bench/explore-cost" "$T/x/bench/" || return 1
    # A report whose runs were all made, one of them in the error class.
    cat >"$T/x/build/errinj" <<'SH'
#!/bin/sh
echo '{"planned":3,"runs":3,"runs_seconds":0.01,"classes":{"handled":2,"error":1}}'
SH
    chmod +x "$T/x/build/errinj"
    BENCH_RUNS=1 BENCH_NATIVE=2 run "$T/x/bench/explore-cost"
    assert_eq "exit status" "$RC" 1 &&
        assert_match "stderr" "$ERR" '^explore-cost: --backend=seccomp -j1: 1 runs in the error class'
}
subtest explore_cost_refuses_errors explore_cost_refuses_errors
done_testing
