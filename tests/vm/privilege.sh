#!/usr/bin/env bash
# Privilege on the test kernel: errinj and the loader refuse to run setuid;
# a user with CAP_BPF and CAP_PERFMON but not CAP_SYS_PTRACE can fail the
# calls of processes that user could ptrace, and of no other: not a
# process given by -p, not the other users' processes of a cgroup, not a
# followed child once it has exec'd a setuid program or made itself
# undumpable. Root fails them all.
. "$(dirname "$0")/../lib.sh"

E=$B/errinj
NOBODY=65534

# The tools where user nobody can run them: copies in $T/bin, plus a
# setuid-root and a setgid-root copy of the test program.
setup_bin() {
    chmod 1777 "$T" && chmod 755 "$(dirname "$T")" && mkdir "$T/bin" || return 1
    cp "$E" "$B/loader" "$B/tests/calls" "$B/tests/hammer" "$T/bin/" &&
        cp "$B/tests/calls" "$T/bin/calls-suid" && chmod 4755 "$T/bin/calls-suid" &&
        cp "$B/tests/calls" "$T/bin/calls-sgid" && chmod 2755 "$T/bin/calls-sgid" &&
        chmod 755 "$T/bin" "$T/bin/errinj" "$T/bin/loader" "$T/bin/calls" "$T/bin/hammer"
}

# A command prefix: user nobody holding CAP_BPF and CAP_PERFMON (not
# CAP_SYS_PTRACE).
as_nobody=(setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups --inh-caps=+bpf,+perfmon
    --ambient-caps=+bpf,+perfmon)

refused_msg() { # N
    echo "errinj: $1 calls were not failed: they came from processes you could not ptrace (other users' or setuid programs); only root or CAP_SYS_PTRACE may fail those"
}

refuses_setuid() {
    setup_bin || return 1
    chmod 4755 "$T/bin/errinj" "$T/bin/loader" || return 1
    run setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups "$T/bin/errinj" dup EIO -- true
    assert_eq "errinj exit status" "$RC" 1 &&
        assert_eq "errinj stderr" "$ERR" "errinj: refusing to run setuid or setgid: run it as root (or with CAP_BPF and CAP_PERFMON) instead" || return 1
    run setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups "$T/bin/loader" dup 22
    assert_eq "loader exit status" "$RC" 1 &&
        assert_match "loader stderr" "$ERR" '^loader: refusing to run setuid'
}
subtest refuses_setuid refuses_setuid

# CAP_BPF and CAP_PERFMON are enough for one's own command.
unprivileged_own_command() {
    setup_bin || return 1
    run "${as_nobody[@]}" "$T/bin/errinj" -e inject=dup:error=EIO -- "$T/bin/calls" dup fork:dup
    assert_eq "exit status" "$RC" 0 &&
        assert_eq "stdout" "$OUT" "$(printf 'dup = -1 EIO\ndup = -1 EIO')" &&
        assert_eq "stderr" "$(sed -E 's/^\[pid +[0-9]+\]/[pid N]/' <<<"$ERR")" \
            "$(printf '[pid N] dup(0) = -1 EIO (INJECTED)\n[pid N] dup(0) = -1 EIO (INJECTED)')"
}
subtest unprivileged_own_command unprivileged_own_command

# A followed child that execs a setuid or setgid program leaves the
# user's reach: its calls are not failed, and errinj says so.
unprivileged_setuid_exec() {
    setup_bin || return 1
    run "${as_nobody[@]}" "$T/bin/errinj" -q -e inject=dup:error=EIO -- \
        sh -c "'$T/bin/calls' dup; '$T/bin/calls-suid' dup; '$T/bin/calls-sgid' dup; '$T/bin/calls' dup"
    assert_eq "exit status" "$RC" 0 &&
        assert_eq "stdout" "$OUT" "$(printf 'dup = -1 EIO\ndup = 3\ndup = 3\ndup = -1 EIO')" &&
        assert_eq "stderr" "$ERR" "$(refused_msg 2)"
}
subtest unprivileged_setuid_exec unprivileged_setuid_exec

# Nor after prctl(PR_SET_DUMPABLE, 0), as ptrace.
unprivileged_nodump() {
    setup_bin || return 1
    run "${as_nobody[@]}" "$T/bin/errinj" -q -e inject=dup:error=EIO -- "$T/bin/calls" dup nodump dup
    assert_eq "stdout" "$OUT" "$(printf 'dup = -1 EIO\nnodump = 0\ndup = 3')" &&
        assert_eq "stderr" "$ERR" "$(refused_msg 1)"
}
subtest unprivileged_nodump unprivileged_nodump

# --cgroup: of a cgroup holding a root process and one of the user's,
# only the user's own is failed.
unprivileged_cgroup() {
    setup_bin || return 1
    local cg=/sys/fs/cgroup/errinj-priv.$$ r u ep
    mkdir "$cg" || return 1
    sh -c "echo \$\$ >'$cg/cgroup.procs' && exec '$T/bin/hammer' dup -u '$T/root'" >"$T/root.out" &
    r=$!
    sh -c "echo \$\$ >'$cg/cgroup.procs' && exec setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups '$T/bin/hammer' dup -u '$T/user'" >"$T/user.out" &
    u=$!
    local i
    for i in $(seq 100); do [ -e "$T/root.ready" ] && [ -e "$T/user.ready" ] && break; sleep 0.1; done
    run "${as_nobody[@]}" "$T/bin/errinj" -q --cgroup "$cg" -d 2 -e inject=dup:error=EIO
    touch "$T/root" "$T/user"
    wait $r $u
    rmdir "$cg"
    assert_eq "errinj exit status" "$RC" 0 &&
        assert_match "root's process" "$(cat "$T/root.out")" '^calls=[1-9][0-9]* errors=0 errno=0$' &&
        assert_match "the user's process" "$(cat "$T/user.out")" '^calls=[1-9][0-9]* errors=[1-9][0-9]* errno=5$' &&
        assert_match "stderr" "$ERR" "^errinj: [1-9][0-9]* calls were not failed: they came from processes you could not ptrace"
}
subtest unprivileged_cgroup unprivileged_cgroup

# A cgroup the user may not open: a sentence and exit 1, not a usage error.
unprivileged_cgroup_closed() {
    setup_bin || return 1
    local cg=/sys/fs/cgroup/errinj-closed.$$
    mkdir "$cg" && chmod 700 "$cg" || return 1
    run "${as_nobody[@]}" "$T/bin/errinj" --cgroup "$cg" -d 1 -e inject=dup:error=EIO
    rmdir "$cg"
    assert_eq "exit status" "$RC" 1 &&
        assert_eq "stderr" "$ERR" "errinj: cannot open --cgroup $cg: Permission denied"
}
subtest unprivileged_cgroup_closed unprivileged_cgroup_closed

# -p: only a process the user could ptrace.
unprivileged_pid() {
    setup_bin || return 1
    sleep 30 &
    local sp=$!
    run "${as_nobody[@]}" "$T/bin/errinj" -p $sp -d 1 -e inject=dup:error=EIO
    kill $sp
    assert_eq "exit status" "$RC" 1 &&
        assert_eq "stderr" "$ERR" "errinj: not allowed to inject into pid $sp: you could not ptrace it"
}
subtest unprivileged_pid unprivileged_pid

# Without root the kernel's error injection list (debugfs) is unreadable:
# the kernel's refusal of the kprobe tells instead, fatal for a syscall
# named alone, a member less for a regex or class. (acct and msgget are
# compiled out of the test kernel: stubs off the list.)
unprivileged_not_injectable() {
    setup_bin || return 1
    local why_not="the kernel does not allow overriding acct (it refused the kprobe: the syscall is not on its error injection list)"
    # acct's stub has BTF: the automatic choice tries fmod_ret first.
    run "${as_nobody[@]}" "$T/bin/errinj" acct EIO -- true
    assert_eq "errinj exit status" "$RC" 1 &&
        assert_eq "errinj stderr" "$ERR" "errinj: ${why_not/the kprobe/the fmod_ret program}" || return 1
    run "${as_nobody[@]}" "$T/bin/errinj" --backend=kprobe acct EIO -- true
    assert_eq "errinj --backend=kprobe exit status" "$RC" 1 &&
        assert_eq "errinj --backend=kprobe stderr" "$ERR" "errinj: $why_not" || return 1
    run "${as_nobody[@]}" "$T/bin/loader" acct 22 -- true
    assert_eq "loader exit status" "$RC" 1 && assert_eq "loader stderr" "$ERR" "loader: $why_not" || return 1
    run "${as_nobody[@]}" "$T/bin/errinj" -q -e 'inject=/^(acct|dup)$:error=EIO' -- "$T/bin/calls" dup
    assert_eq "regex exit status" "$RC" 0 &&
        assert_eq "regex stdout" "$OUT" "dup = -1 EIO" || return 1
    run "${as_nobody[@]}" "$T/bin/errinj" -q -e 'inject=/^(acct|msgget)$:error=EIO' -- true
    assert_eq "regex of none exit status" "$RC" 1 &&
        assert_eq "regex of none stderr" "$ERR" "errinj: rule 1: this kernel lets errinj fail none of its syscalls"
}
subtest unprivileged_not_injectable unprivileged_not_injectable

# The loader obeys the same rule.
loader_unprivileged() {
    setup_bin || return 1
    run "${as_nobody[@]}" "$T/bin/loader" dup 22 -- "$T/bin/calls" dup
    assert_eq "own command" "$OUT" "dup = -1 EINVAL" || return 1
    run "${as_nobody[@]}" "$T/bin/loader" dup 22 -- "$T/bin/calls-suid" dup
    assert_eq "setuid command" "$OUT" "dup = 3"
}
subtest loader_unprivileged loader_unprivileged

# Root (CAP_SYS_PTRACE) fails any target, a setuid program included.
root_unrestricted() {
    setup_bin || return 1
    run "$E" -q -e inject=dup:error=EIO -- \
        setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups "$T/bin/calls-suid" dup
    assert_eq "stdout" "$OUT" "dup = -1 EIO" && assert_eq "stderr" "$ERR" ""
}
subtest root_unrestricted root_unrestricted
done_testing
