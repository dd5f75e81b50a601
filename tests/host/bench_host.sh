#!/usr/bin/env bash
# bench/strace-bound (make bench's part on the host's own kernel): it
# prints strace's cost per injected getppid against a native one, and a
# strace that injects nothing stops it.
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
done_testing
