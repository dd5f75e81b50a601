#!/usr/bin/env bash
# The loader and userapp on the test kernel (kprobe + bpf_override_return).
. "$(dirname "$0")/../lib.sh"

USERAPP_SET="dup openat read write close getppid socket mkdir unlink"

# userapp's stdout when every call but $1 succeeds.
ok_lines_except() {
    local s
    for s in $USERAPP_SET; do [ "$s" = "$1" ] || echo "$s: ok"; done
}

loader_dup_einval() {
    run "$B/loader" dup 22
    assert_eq "exit status" "$RC" 1 &&
        assert_eq "stderr" "$ERR" "dup: Invalid argument" &&
        assert_eq "stdout" "$OUT" "$(ok_lines_except dup)"
}
subtest loader_dup_22 loader_dup_einval

# Each injectable call of userapp's set, by name, with several errnos
# given as names and as numbers; the perror text comes from perl.
loader_matrix() {
    local s=$1 e n
    for e in EPERM ENOENT EIO 95 ENOSPC 4095; do
        n=$(errno_num "$e")
        run "$B/loader" "$s" "$e"
        assert_eq "$s $e exit status" "$RC" 1 &&
            assert_eq "$s $e stderr" "$ERR" "$s: $(strerror "$n")" &&
            assert_eq "$s $e stdout" "$OUT" "$(ok_lines_except "$s")" || return 1
    done
}
for s in $USERAPP_SET; do
    subtest "loader_matrix_$s" loader_matrix "$s"
done

# A syscall the kernel does not let a kprobe override: acct, compiled out
# of the test kernel, whose entry is then a weak stub off the error
# injection list. The loader must say so instead of attaching.
loader_refuses_acct() {
    grep -q ' W __x64_sys_acct$' /proc/kallsyms || { why "acct is built into this kernel"; return 1; }
    run "$B/loader" acct EPERM
    assert_eq "exit status" "$RC" 1 &&
        assert_eq "stderr" "$ERR" "loader: the kernel does not allow overriding acct (it is not on its error injection list)" &&
        assert_eq "stdout" "$OUT" ""
}
subtest loader_refuses_acct loader_refuses_acct

loader_runs_command() {
    run "$B/loader" openat ENOENT -- "$B/userapp" openat read
    assert_eq "exit status" "$RC" 1 &&
        assert_eq "stderr" "$ERR" "openat: No such file or directory" &&
        assert_eq "stdout" "$OUT" "read: ok"
}
subtest loader_runs_command loader_runs_command

loader_exit_status() {
    run "$B/loader" dup 22 -- sh -c 'exit 7'
    assert_eq "exit status of 'exit 7'" "$RC" 7 || return 1
    run "$B/loader" dup 22 -- sh -c 'kill -SEGV $$'
    assert_eq "exit status when killed by SIGSEGV" "$RC" 139 || return 1
    run "$B/loader" dup 22 -- /nonexistent/cmd
    assert_eq "exit status of a missing command" "$RC" 127 &&
        assert_match "stderr" "$ERR" '^loader: cannot run /nonexistent/cmd: No such file or directory$'
}
subtest loader_exit_status loader_exit_status

# A bystander calling dup during the whole injection never sees an error.
loader_bystander() {
    "$B/tests/hammer" dup -u "$T/stop" >"$T/by.out" &
    local bp=$! i
    for i in $(seq 100); do [ -e "$T/stop.ready" ] && break; sleep 0.1; done
    [ -e "$T/stop.ready" ] || { why "bystander did not start"; kill $bp; return 1; }
    run "$B/loader" dup EINVAL -- "$B/tests/hammer" dup 20000
    touch "$T/stop"
    wait $bp
    local by
    by=$(cat "$T/by.out")
    assert_eq "target" "$OUT" "calls=20000 errors=20000 errno=22" &&
        assert_match "bystander" "$by" '^calls=[1-9][0-9]* errors=0 errno=0$'
}
subtest loader_bystander loader_bystander

wait_for_ours() {
    local i
    for i in $(seq 100); do [ -n "$(ours)" ] && return 0; sleep 0.1; done
    return 1
}

loader_leaves_nothing() {
    # While it runs, the check sees it (so the check can fail)... The
    # command waits for the snapshot to be taken: a fixed sleep could end
    # midway through it under a slow emulator (the link seen, the kprobe
    # already gone).
    "$B/loader" dup 22 -- sh -c 'while [ ! -e "$1" ]; do sleep 0.1; done' sh "$T/taken" &
    local lp=$!
    wait_for_ours || { why "nothing of ours seen while the loader runs"; touch "$T/taken"; return 1; }
    local during i
    # Loaded first, then attached: wait for the kprobe (at most 10 s).
    for i in $(seq 100); do during=$(ours); grep -q '^kprobe: ' <<<"$during" && break; sleep 0.1; done
    touch "$T/taken"
    assert_match "while running" "$during" 'prog: .*err_injector' &&
        assert_match "while running" "$during" 'kprobe: .*__x64_sys_dup' || return 1
    wait $lp
    # ...and after it exits nothing remains.
    assert_eq "left after exit" "$(ours_gone)" ""
}
subtest loader_leaves_nothing loader_leaves_nothing

loader_killed_leaves_nothing() {
    "$B/loader" dup 22 -- "$B/tests/hammer" dup -u "$T/never" >"$T/h.out" &
    local lp=$! hp i
    wait_file "$T/never.ready" || { kill -KILL $lp; return 1; }
    hp=$(pgrep -P $lp -x hammer)
    [ -n "$hp" ] || { why "no hammer under the loader"; kill -KILL $lp; return 1; }
    wait_for_ours || { why "the loader did not attach"; kill -KILL $lp $hp; return 1; }
    sleep 0.3
    kill -KILL $lp
    wait $lp 2>/dev/null
    for i in $(seq 50); do [ -z "$(ours)" ] && break; sleep 0.1; done
    assert_eq "left after SIGKILL" "$(ours)" "" || { kill -KILL $hp; return 1; }
    # The orphaned target keeps running, now without injected errors: its
    # counts up to here (hammer's SIGUSR1 window) had errors, the counts
    # from here to its end have none.
    kill -USR1 $hp
    for i in $(seq 50); do grep -q '^window ' "$T/h.out" && break; sleep 0.1; done
    sleep 0.5
    touch "$T/never"
    for i in $(seq 100); do grep -q '^calls=' "$T/h.out" && break; sleep 0.1; done
    kill -0 $hp 2>/dev/null && kill -KILL $hp
    assert_match "before the loader was killed" "$(grep '^window ' "$T/h.out")" \
        '^window calls=[1-9][0-9]* errors=[1-9][0-9]* errno=22$' &&
        assert_match "after" "$(grep '^calls=' "$T/h.out")" '^calls=[1-9][0-9]* errors=0 errno=0$'
}
subtest loader_killed_leaves_nothing loader_killed_leaves_nothing

# SIGTERM to the loader goes to the command (lib.sh's sigterm_*).
subtest loader_forwards_sigterm sigterm_handled "$B/loader" dup 22 --
subtest loader_forwards_sigterm_kills sigterm_kills "$B/loader" dup 22 --
done_testing
