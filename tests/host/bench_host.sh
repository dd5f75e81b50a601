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
# and the steps' table: its seven rows, each rate above 0; an exploration
# with a run in the error class stops it.
explore_cost() {
    BENCH_RUNS=1 BENCH_NATIVE=20 run "$TOP/bench/explore-cost"
    assert_eq "exit status" "$RC" 0 || { why "$ERR"; return 1; }
    awk -F' *\\| *' '$2 ~ /^seccomp backend/ && $3 > 0 && $4 > 0 && $5 > 0 && $6 > 0 { ok = 1 } END { exit !ok }' \
        <<<"$OUT" || { why "no seccomp row with rates above 0 in: $OUT"; return 1; }
    assert_eq "the steps' rows with a rate above 0" \
        "$(awk -F' *\\| *' '/step by step/ { t = 1; next } t && $2 ~ /^(native|\+|explore|\()/ && $3 > 0 && $4 > 0 { n++ } END { print n + 0 }' <<<"$OUT")" 7
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

# build/bench/explore_steps (the steps' runs): a run that does not exit 0,
# or whose captured output is not the first run's, stops it; else a rate
# per step; bad arguments exit 2.
explore_steps_checks() {
    local S=$B/bench/explore_steps none=syncfs:error=EIO:when=4000000000 open=openat:error=EIO:when=4000000000
    run "$S" 3 "$none" "$open" -- false
    assert_eq "false: exit status" "$RC" 1 &&
        assert_match "stderr" "$ERR" '^explore_steps: native: run 1 of false: it did not exit 0$' || return 1
    run "$S" 3 "$none" "$open" -- sh -c 'echo $$'
    assert_eq "another output each run: exit status" "$RC" 1 &&
        assert_match "stderr" "$ERR" "^explore_steps: capture: run 2 of sh: its output is not the first run's$" || return 1
    run "$S" 3 "$none" "$open" -- echo same
    assert_eq "the same output: exit status" "$RC" 0 &&
        assert_eq "the steps" "$(echo $(sed 's/=[0-9]*\.[0-9]$//' <<<"$OUT"))" "native none open capture own" || return 1
    run "$S" 3 nosuchcall:error=EIO "$open" -- true
    assert_eq "a bad rule: exit status" "$RC" 2
}
subtest explore_steps_checks explore_steps_checks
# bench/to-doc: make bench's figures into README.md's Cost section and
# doc/bench.md, between the markers, headed by the date, machine and
# commit; the rest of each file untouched; the same twice; no figures, or
# no markers, stop it.
to_doc() {
    local d=$T/tree f
    mkdir -p "$d/bench" "$d/doc" "$T/fig"
    cp "$TOP/bench/to-doc" "$d/bench/"
    printf '# R\n\nabove\n<!-- make bench: begin -->\nold\n<!-- make bench: end -->\nbelow\n' >"$d/README.md"
    cp "$d/README.md" "$d/doc/bench.md"
    printf '| scenario | getppid ns | x native |\n|---|---:|---:|\n| native | 100.0 | 1.00 |\n| kprobe-unmatched | 150.0 | 1.50 |\n' \
        >"$T/fig/table.md"
    echo '| HOSTFIGURE | 7 |' >"$T/fig/host.md"
    echo 'guest=6.1.test cpus=2 runs=5' >"$T/fig/meta"
    run "$d/bench/to-doc" "$T/fig"
    assert_eq "exit status" "$RC" 0 || { why "$ERR"; return 1; }
    for f in "$d/README.md" "$d/doc/bench.md"; do
        assert_eq "$f: its head" "$(head -n 4 "$f" | tr '\n' '/')" "# R//above/<!-- make bench: begin -->/" &&
            assert_match "$f: the block's first line" "$(sed -n 5p "$f")" \
                '^Measured by `make bench` at an unknown commit, finished [0-9-]+ [0-9:]+ UTC, on [0-9]+ CPU\(s\)' &&
            assert_match "$f: the guest" "$(cat "$f")" 'one boot of the test kernel 6\.1\.test under QEMU' &&
            assert_match "$f: the rows" "$(cat "$f")" '^\| kprobe-unmatched \| 150\.0 \| 1\.50 \|$' &&
            assert_eq "$f: its tail" "$(tail -n 2 "$f" | tr '\n' '/')" "<!-- make bench: end -->/below/" || return 1
        ! grep -qx old "$f" || { why "$f still has the old block"; return 1; }
    done
    grep -q HOSTFIGURE "$d/doc/bench.md" || { why "doc/bench.md lacks the host rows"; return 1; }
    ! grep -q HOSTFIGURE "$d/README.md" || { why "README.md has the host rows"; return 1; }
    cp "$d/README.md" "$T/once"
    run "$d/bench/to-doc" "$T/fig"
    assert_eq "exit status (again)" "$RC" 0 && assert_eq "README.md written twice" "$(cat "$d/README.md")" "$(cat "$T/once")" ||
        return 1
    rm "$T/fig/meta"
    run "$d/bench/to-doc" "$T/fig"
    assert_eq "exit status (no meta)" "$RC" 1 && assert_match "stderr" "$ERR" '^to-doc: .*/meta is missing or empty: run make bench$' ||
        return 1
    echo 'guest=x cpus=2 runs=5' >"$T/fig/meta"
    echo '# no markers' >"$d/README.md"
    run "$d/bench/to-doc" "$T/fig"
    assert_eq "exit status (no markers)" "$RC" 1 && assert_match "stderr" "$ERR" "^to-doc: .*README.md has no '<!-- make bench: begin -->'"
}
subtest to_doc to_doc
done_testing
