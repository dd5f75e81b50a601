#!/usr/bin/env bash
# errinj's command-line contract: bad input exits 2 with one line naming
# the problem, before anything is loaded. Runs on the host and in the VM.
. "$(dirname "$0")/../lib.sh"

bad() { # expected-stderr-regex ARGS...
    local re=$1
    shift
    run_traced "$BIN/errinj" "$@"
    assert_usage_error "$re" && assert_eq "stdout" "$OUT" "" && assert_eq "bpf(2) calls" "$BPF" ""
}

subtest errinj_no_args       bad '^errinj: nothing to inject'
subtest errinj_missing_errno bad "^errinj: missing ERRNO after 'dup'" dup
subtest errinj_errno_zero    bad "^errinj: bad inject spec 'dup:error=0': error=0: expected" dup 0
subtest errinj_errno_big     bad "error=4096: expected" dup 4096
subtest errinj_unknown_call  bad "unknown syscall 'nosuch'$" nosuch EIO
subtest errinj_typo_hint     bad "unknown syscall 'opnat' \(did you mean 'openat'\?\)$" opnat EIO
subtest errinj_colon_short   bad "may not contain ':'" dup EIO:when=2
subtest errinj_unknown_opt   bad "^errinj: unknown option '--foo'" --foo
subtest errinj_unknown_short bad "^errinj: unknown option '-x'" -x dup EIO
subtest errinj_missing_value bad "^errinj: option '-p' needs a value$" -p
subtest errinj_e_not_inject  bad "^errinj: unsupported -e expression 'trace=dup'" -e trace=dup
subtest errinj_bad_when      bad "last \(3\) is before first \(5\)" -e inject=dup:error=EIO:when=5..3
subtest errinj_dup_key       bad "duplicate key 'error'" -e inject=dup:error=EIO:error=EIO
subtest errinj_bad_prob      bad "prob=1.5" --inject=dup:error=EIO:prob=1.5
subtest errinj_no_command    bad "^errinj: missing command after '--'$" dup EIO --
subtest errinj_bad_pid       bad "^errinj: invalid pid 'abc'" -p abc -e inject=dup:error=EIO
subtest errinj_zero_pid      bad "^errinj: invalid pid '0'" -p 0 -e inject=dup:error=EIO
subtest errinj_pid_list_junk bad "^errinj: invalid pid 'abc'" -p "1 abc" -e inject=dup:error=EIO
subtest errinj_pid_empty     bad "^errinj: invalid pid ''" -p "" -e inject=dup:error=EIO
subtest errinj_pid_list_gone bad "^errinj: no process with pid 2147483647$" -p "$$,2147483647" -e inject=dup:error=EIO
subtest errinj_no_such_pid   bad "^errinj: no process with pid 2147483647$" -p 2147483647 -e inject=dup:error=EIO
# A thread's id (#22 item 13c): strace -p TID attaches to that thread
# alone; errinj's targets are processes, so it names the process to give.
thread_id() {
    local p tid i r
    "$B/tests/seccomp_target" thread:sleep:60000 >/dev/null &
    p=$!
    for i in $(seq 200); do
        tid=$(ls "/proc/$p/task" 2>/dev/null | grep -vx "$p" | head -n 1)
        [ -n "$tid" ] && break
        sleep 0.05
    done
    if [ -z "$tid" ]; then
        why "no second thread in $p"
        r=1
    else
        bad "^errinj: pid $tid is a thread of process $p: errinj injects into whole processes; give -p $p\$" \
            -p "$tid" -e inject=dup:error=EIO
        r=$?
    fi
    kill "$p" && wait "$p"
    return $r
}
subtest errinj_thread_pid thread_id
subtest errinj_two_targets   bad "give only one of" -p 1 -e inject=dup:error=EIO -- true
subtest errinj_not_cgroup    bad "^errinj: --cgroup /: not a cgroup v2 directory$" --cgroup / -e inject=dup:error=EIO
subtest errinj_duration_cmd  bad "^errinj: -d applies to -p and --cgroup$" -d 3 dup EIO
subtest errinj_bad_duration  bad "^errinj: invalid duration '0'" -d 0 -p 1 -e inject=dup:error=EIO
subtest errinj_quiet_json    bad "^errinj: -q silences" -q --json dup EIO
subtest errinj_list_args     bad "^errinj: --list takes no other arguments$" --list dup EIO
subtest errinj_bad_bytes     bad "unknown syscall 'd\\\\xffp'" $'d\xffp' EIO
subtest errinj_newline       bad "unknown syscall 'a\\\\x0ab'" $'a\nb' EIO
subtest errinj_path_on_read  bad "path= does not apply to read, which takes no path$" -e inject=read:error=EIO:path=/x
subtest errinj_fd_on_socket  bad "fd= does not apply to socket" -e inject=socket:error=EIO:fd=3
subtest errinj_long_pattern  bad "longer than 127 bytes" -e inject=openat:error=EIO:path=/$(printf 'x%.0s' $(seq 130))
subtest errinj_bad_class     bad "unknown class '%fil'" -e inject=%fil:error=EIO
subtest errinj_too_many      bad "too many inject rules" $(for i in $(seq 129); do printf "%s\n" -e inject=dup:error=EIO; done)

errinj_help() {
    run "$BIN/errinj" --help
    assert_eq "exit status" "$RC" 0 &&
        assert_match "usage" "$OUT" '^usage: errinj' &&
        assert_eq "last section" "$(printf '%s\n' "$OUT" | grep -E '^[A-Z]+:$' | tail -1)" "EXAMPLES:"
}
subtest errinj_help errinj_help

errinj_non_root() {
    chmod 755 "$T" "$(dirname "$T")" && cp "$BIN/errinj" "$B/tests/calls" "$T/" && chmod 755 "$T/errinj" || return 1
    # A command of one's own: the seccomp backend needs no privilege.
    run setpriv --reuid=65534 --regid=65534 --clear-groups "$T/errinj" dup EIO -- "$T/calls" dup
    assert_eq "exit status" "$RC" 0 &&
        assert_eq "stdout" "$OUT" "dup = -1 EIO" &&
        assert_match "stderr" "$ERR" '^\[pid [0-9]+\] dup\(0\) = -1 EIO \(INJECTED\)$' || return 1
    # A running process needs a BPF backend: what each one lacks.
    setpriv --reuid=65534 --regid=65534 --clear-groups sleep 30 &
    local sp=$!
    run setpriv --reuid=65534 --regid=65534 --clear-groups "$T/errinj" -p $sp -d 1 dup EIO
    kill $sp
    assert_eq "exit status" "$RC" 1 &&
        assert_eq "stderr" "$ERR" "errinj: no backend can fail dup here: fmod_ret: fmod_ret needs root: loading eBPF programs requires CAP_SYS_ADMIN (or CAP_BPF and CAP_PERFMON); kprobe: needs root: loading eBPF programs and attaching kprobes requires CAP_SYS_ADMIN (or CAP_BPF and CAP_PERFMON); seccomp: it serves only a command errinj starts (not -p or --cgroup)"
}
subtest errinj_non_root errinj_non_root
done_testing
