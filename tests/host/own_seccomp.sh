#!/usr/bin/env bash
# A command that uses seccomp itself, under the seccomp backend: errinj's
# filter is already in place, so the kernel gives such a command other
# answers than natively (measured on Linux 6.18: its listener EBUSY,
# strict mode EINVAL, PR_GET_SECCOMP 2). errinj cannot change that; it
# must say so at exit, and only when the command did such a thing.
# build/tests/own_seccomp is the command; each case runs it natively too,
# as the oracle of what it would get.
. "$(dirname "$0")/../lib.sh"

P=$B/tests/own_seccomp
MSG="errinj: the command used seccomp itself \\(pid [0-9]+\\), which errinj's seccomp backend changes"

under() { run "$BIN/errinj" --backend=seccomp -e inject=getppid:error=EIO -- "$P" "$@"; }

# What the command gets natively and under errinj, and the line that says so.
limits() {
    run "$P" strict get listener get
    assert_eq "exit status (native)" "$RC" 0 &&
        assert_eq "results (native)" "$OUT" "$(printf 'strict = 0\nget = 0\nlistener = 0\nget = 2')" || return 1
    under strict prctlstrict get listener
    assert_eq "exit status" "$RC" 0 &&
        assert_eq "results" "$OUT" "$(printf 'strict = -1 EINVAL\nprctlstrict = -1 EINVAL\nget = 2\nlistener = -1 EBUSY')" &&
        assert_eq "stderr lines" "$(lines "$ERR")" 1 &&
        assert_match "stderr" "$ERR" "^$MSG" &&
        assert_match "stderr" "$ERR" "PR_GET_SECCOMP says 2" &&
        assert_match "stderr" "$ERR" "listener fails with EBUSY" &&
        assert_match "stderr" "$ERR" "strict mode fails with EINVAL" &&
        assert_no_match "stderr" "$ERR" "SECCOMP_RET_TRACE"
}

# Only what it did is said; a plain filter (which stacks) names what it loses.
filter_only() {
    under filter get
    assert_eq "results" "$OUT" "$(printf 'filter = 0\nget = 2')" &&
        assert_match "stderr" "$ERR" "^$MSG: PR_GET_SECCOMP says 2 .*SECCOMP_RET_TRACE and SECCOMP_RET_LOG give way" &&
        assert_no_match "stderr" "$ERR" "EBUSY|EINVAL"
}

# A command that does not touch seccomp: no such line. Its other prctl
# calls are not trapped at all (filtered on the option in the kernel):
# errinj's supervisor receives none of 200 PR_SET_NAME, but each of 200
# PR_GET_SECCOMP (which shows the count can see them).
untouched() {
    local n
    under 'name*3'
    assert_eq "results" "$OUT" 'name*3 = 0' && assert_eq "stderr" "$ERR" "" || return 1
    for op in 'name*200' 'get*200'; do
        strace -f -qq --status=successful -e trace=ioctl -o "$T/st.$op" \
            "$BIN/errinj" --backend=seccomp -e inject=getppid:error=EIO -- "$P" "$op" >/dev/null 2>&1
    done
    n=$(grep -c 'SECCOMP_IOCTL_NOTIF_RECV.*nr=__NR_prctl,' "$T/st.name*200")
    assert_eq "prctl(PR_SET_NAME) calls received" "$n" 0 || return 1
    n=$(grep -c 'SECCOMP_IOCTL_NOTIF_RECV.*nr=__NR_prctl,' "$T/st.get*200")
    assert_eq "prctl(PR_GET_SECCOMP) calls received" "$n" 200
}

# A rule that names prctl or seccomp serves them whole, and the line is
# still said.
named() {
    run "$BIN/errinj" --backend=seccomp -e inject=prctl:error=EPERM:when=2 -e inject=seccomp:error=ENOSYS -- \
        "$P" name get listener name
    assert_eq "results" "$OUT" "$(printf 'name = 0\nget = -1 EPERM\nlistener = -1 ENOSYS\nname = 0')" &&
        assert_match "stderr" "$ERR" "^$MSG: PR_GET_SECCOMP says 2.*EBUSY" &&
        assert_eq "stderr lines but the events" "$(grep -vc INJECTED <<<"$ERR")" 1
}

# strace --seccomp-bpf installs a SECCOMP_RET_TRACE filter in its tracee:
# the calls errinj traps (execve always) never stop it, and errinj says so.
strace_bpf() {
    run "$BIN/errinj" --backend=seccomp -e inject=getppid:error=EIO -- \
        strace -f -qq -o /dev/null --seccomp-bpf -e trace=execve,getuid "$P" name
    assert_eq "exit status" "$RC" 0 &&
        assert_eq "results" "$OUT" 'name = 0' &&
        assert_match "stderr" "$ERR" "$MSG: its filters' SECCOMP_RET_TRACE .* give way .* execve always"
}

why_not=$(seccomp_unusable)
if [ -z "$why_not" ]; then
    subtest own_seccomp_limits limits
    subtest own_seccomp_filter filter_only
    subtest own_seccomp_untouched untouched
    subtest own_seccomp_named named
    subtest own_seccomp_strace strace_bpf
else
    skip own_seccomp "the seccomp backend is not usable here: $why_not"
fi
done_testing
