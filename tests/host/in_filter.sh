#!/usr/bin/env bash
# errinj --in-filter (seccomp backend): a syscall whose rules are error=
# alone, with argK=/fd= on values, is failed by the seccomp filter itself
# (SECCOMP_RET_ERRNO). Each call must get what the supervisor would have
# given it (build/tests/seccomp_target, the oracle program, run both
# ways, and against the native errnos where no rule applies); the
# decision must be the filter's (it goes on once errinj is killed, where
# the supervisor's keeper lets calls run); rules it cannot decide go to
# the supervisor; and bench/seccomp-cost refuses an errinj that fails
# nothing in the filter, and a strace that traces nothing.
. "$(dirname "$0")/../lib.sh"

E=$BIN/errinj
ST=$B/tests/seccomp_target
NOSECCOMP=$(seccomp_unusable)
# munmap(0x100000000, 0): EINVAL natively (length 0); a 64-bit argument
# whose high word the filter must test.
HI=0x100000000

# sec_subtest NAME FUNC: skipped, with the kernel's reason, where seccomp
# user notification is missing.
sec_subtest() {
    if [ -n "$NOSECCOMP" ]; then
        skip "$1" "$NOSECCOMP"
    else
        subtest "$@"
    fi
}

# both WANT RULES... -- OPS...: the same rules with and without
# --in-filter give the same output, WANT.
both() {
    local want=$1 rules=() f
    shift
    while [ "$1" != -- ]; do rules+=(-e "inject=$1"); shift; done
    shift
    for f in --in-filter ""; do
        run "$E" --backend=seccomp -q $f "${rules[@]}" -- "$ST" "$@"
        assert_eq "exit status${f:+ with $f}" "$RC" 0 || { why "$ERR"; return 1; }
        assert_eq "output${f:+ with $f} of ${rules[*]}" "$(echo $OUT)" "$want" || return 1
    done
}

same_results() {
    # fd= and argK= in rule order, the first that holds deciding; a rule
    # with no test ends the list; an unnamed value runs natively.
    both "sys:32:1 = -1 EMFILE sys:32:7 = -1 EIO sys:32:99 = -1 EBADF" \
        dup:error=EMFILE:fd=1 dup:error=EIO:arg0=7 -- sys:32:1 sys:32:7 sys:32:99 &&
        both "sys:32:1 = -1 EMFILE sys:32:99 = -1 ENFILE sys:32:5 = -1 EMFILE" \
            dup:error=ENFILE:arg0=99 dup:error=EMFILE dup:error=EIO:fd=1 -- sys:32:1 sys:32:99 sys:32:5 &&
        # A later strace-style rule supersedes an earlier one (strace's
        # rule); one with errinj's keys (fd=) keeps its place.
        both "sys:32:1 = -1 EMFILE sys:32:99 = -1 EIO" \
            dup:error=EMFILE:fd=1 dup:error=ENFILE dup:error=EIO -- sys:32:1 sys:32:99 &&
        both "sys:11:$HI = -1 ENOMEM sys:11:0 = -1 EINVAL sys:11:0x200000000 = -1 EINVAL" \
            "munmap:error=ENOMEM:arg0=$HI" -- "sys:11:$HI" sys:11:0 sys:11:0x200000000 &&
        # An int argument is its low 32 bits: the high word is not the
        # kernel's, in the filter as in the supervisor.
        both "sys:32:0x100000001 = -1 EMFILE" dup:error=EMFILE:fd=1 -- sys:32:0x100000001 &&
        # Children and threads hold the filter (follow-forks).
        both "sys:32:1 = -1 EMFILE sys:32:1 = -1 EMFILE" dup:error=EMFILE:fd=1 -- fork:sys:32:1 thread:sys:32:1 &&
        # when= needs counting: the supervisor decides, as without the flag.
        both "dup = 3 dup = -1 EIO dup = 3" dup:error=EIO:when=2 -- dup dup dup &&
        # The calls the child makes before its execve are not failed in
        # the filter: the command starts.
        both "getuid = $(id -u)" execve:error=EACCES:when=9 futex:error=EAGAIN write:error=EIO:when=99 -- getuid
}
sec_subtest same_results same_results

# The filter decides: once errinj is killed, a rule it holds still fails
# the command's calls, where the supervisor's keeper lets them run.
after_kill() {
    local f=$1 want=$2 i
    mkfifo "$T/in"
    "$E" --backend=seccomp -q $f -e inject=dup:error=EMFILE:fd=1 -- "$ST" sys:32:1 wait0 sys:32:1 <"$T/in" >"$T/out" 2>"$T/err" &
    local ep=$!
    exec 7>"$T/in"
    for i in $(seq 300); do grep -q . "$T/out" && break; sleep 0.1; done
    kill -KILL "$ep"
    wait "$ep" 2>/dev/null
    echo x >&7
    exec 7>&-
    for i in $(seq 300); do [ "$(wc -l <"$T/out")" -ge 2 ] && break; sleep 0.1; done
    assert_eq "output after errinj was killed" "$(echo $(cat "$T/out"))" "sys:32:1 = -1 EMFILE sys:32:1 = $want"
}
sec_subtest in_filter_outlives_errinj after_kill --in-filter "-1 EMFILE"
# The number a dup of 1 gets: the lowest free descriptor after 0-2 and 7.
sec_subtest supervisor_lets_run_after_kill after_kill "" 3

usage() {
    local args
    for args in "--in-filter" "--in-filter -q -c" "--in-filter -q --no-follow"; do
        run "$E" $args -e inject=dup:error=EIO -- true
        assert_usage_error '^errinj: --in-filter needs -q, and takes neither -c nor --no-follow' || return 1
    done
}
subtest in_filter_usage usage

# bench/seccomp-cost: the in-filter row is native speed, under a quarter of
# a round trip; the floor's, the steps' and strace's rows are there; an "errinj" that
# runs the command without failing anything stops it, and so does a
# "strace" that runs it untraced.
cost() {
    command -v strace >/dev/null || { why "strace is not installed (scripts/setup installs it)"; return 1; }
    BENCH_RUNS=1 run "$TOP/bench/seccomp-cost" 2000
    assert_eq "exit status" "$RC" 0 || { why "$ERR"; return 1; }
    local t i r
    t=$(awk -F' *\\| *' '$2 == "getppid, trapped, let run" { print $3 }' <<<"$OUT")
    i=$(awk -F' *\\| *' '$2 == "getppid, failed in the filter (--in-filter)" { print $3 }' <<<"$OUT")
    [ -n "$t" ] && [ -n "$i" ] && [ $((i * 4)) -lt "$t" ] || { why "in-filter '$i' ns not a quarter of trapped '$t' ns: $OUT"; return 1; }
    for r in "floor: two context switches (a futex round trip between two processes on one CPU)" \
        "floor: a user notification let run by a process doing nothing else" "getppid, strace -e trace=getppid" \
        "getppid, strace --seccomp-bpf -e trace=getppid" "getppid, strace --seccomp-bpf -e trace=getppid, on one CPU" \
        "step 1: the floor, the listener asked with poll(2) before each receive" \
        "step 2: the floor, waiting as errinj (listener one-shot in nested epoll sets; it and the set asked in one poll)" \
        "(errinj's trapped row: step 2 and errinj's decision and bookkeeping)" \
        "other design: the floor, waiting as errinj before #26 (an epoll_wait on nested sets before each receive)" \
        "other design: the floor, a receiver thread blocked in the receive, asking a set before each answer"; do
        awk -F' *\\| *' -v r="$r" '$2 == r && $3 + 0 > 0 { ok = 1 } END { exit !ok }' <<<"$OUT" ||
            { why "no row '$r' in: $OUT"; return 1; }
    done
}
sec_subtest seccomp_cost cost

cost_refuses() {
    mkdir -p "$T/x/build/tests" "$T/x/build/bench" "$T/x/bench"
    cp "$TOP/bench/seccomp-cost" "$T/x/bench/" && cp "$ST" "$T/x/build/tests/" &&
        cp "$B/bench/pingpong" "$T/x/build/bench/" || return 1
    # Runs the command, and for -c prints a summary row that passes.
    cat >"$T/x/build/errinj" <<'SH'
#!/bin/bash
c=
while [ "$1" != -- ]; do [ "$1" = -c ] && c=1; shift; done
shift
"$@"
[ -z "$c" ] || echo "getppid 2000 0" >&2
SH
    chmod +x "$T/x/build/errinj"
    BENCH_RUNS=1 run "$T/x/bench/seccomp-cost" 2000
    assert_eq "exit status" "$RC" 1 && assert_match "stderr" "$ERR" '^seccomp-cost: --in-filter: 0 of 2000 getppid failed$'
}
subtest seccomp_cost_refuses_no_injection cost_refuses

cost_refuses_untraced() {
    mkdir -p "$T/bin"
    cat >"$T/bin/strace" <<'SH'
#!/bin/sh
while [ "$1" != -- ]; do shift; done
shift
exec "$@"
SH
    chmod +x "$T/bin/strace"
    BENCH_RUNS=1 PATH=$T/bin:$PATH run "$TOP/bench/seccomp-cost" 2000
    assert_eq "exit status" "$RC" 1 &&
        assert_match "stderr" "$ERR" '^seccomp-cost: strace: not 2000 getppid seen, or some failed: $'
}
sec_subtest seccomp_cost_refuses_untraced cost_refuses_untraced
done_testing
