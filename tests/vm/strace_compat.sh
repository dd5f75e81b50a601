#!/usr/bin/env bash
# errinj against strace 6.1, the reference for inject semantics: for each
# program and spec below, `errinj -q -e inject=SPEC -- PROG` must give the
# same stdout, stderr and exit status as `strace -f -o /dev/null -e
# inject=SPEC PROG` (or both with -e fault=SPEC) (-f: errinj follows children by default; programs
# with one thread per process, as strace counts per thread and errinj per
# process). strace kills itself with the signal that killed its tracee,
# where errinj exits 128+N; the shell's report of that is left out.
# boots: main 6.12
# backends: auto kprobe seccomp
. "$(dirname "$0")/../lib.sh"

C=$B/tests/calls
cases=(
    "dup:error=EBADF:when=3|$C repeat:8:dup"
    "dup:error=EMFILE:when=2+|$C repeat:8:dup"
    "dup:error=EPERM:when=2..4|$C repeat:8:dup"
    "dup:error=EPERM:when=2..8+3|$C repeat:10:dup"
    "dup:error=EIO:when=1+2|$C repeat:8:dup"
    "dup:error=EIO:when=3..3|$C repeat:5:dup"
    "dup:retval=42:when=2|$C repeat:3:dup"
    "dup,socket:error=EACCES:when=2|$C dup socket socket dup dup"
    "dup:error=4095|$C dup"
    "dup:signal=SIGUSR1:when=2|$C repeat:3:dup"
    "dup:error=ENOSPC:signal=SIGUSR2:when=2|$C catch:SIGUSR2 repeat:3:dup"
    "write:error=ENOSPC:when=2|sh -c 'echo a; echo b; echo c'"
    "write:error=EIO:when=2+2|sh -c 'for i in 1 2 3 4 5 6; do echo \$i; done'"
    "read:error=EIO:when=2|sh -c 'cat /etc/hostname'"
    "openat:error=ENOENT:when=4|cat /etc/hostname /etc/os-release"
    "openat:error=EACCES:when=5+|ls -d / /etc"
    "mkdir:error=EEXIST|sh -c 'mkdir $T/x; echo \$?'"
    "dup:error=EINVAL|$B/userapp"
    "socket,unlink:error=EPERM:when=1|$B/userapp"
    "getppid:error=EACCES|$B/userapp getppid dup"
    "getpid:error=EPERM:when=1..2|$C repeat:2:getpid"
    "fault=dup:when=2|$C repeat:3:dup"
    "fault=dup,socket:error=EACCES:when=2+|$C dup socket dup socket"
    # Values as strace reads them (#23): C notation, strtoll's decimal,
    # names in any case, the last when=.
    "dup:retval=010|$C dup"
    "dup:retval=0x7fffffff|$C dup"
    "dup:error=einval:when=+2|$C repeat:3:dup"
    "dup:error=EIO:when=3:when=2|$C repeat:3:dup"
    "dup:error=ENOSPC:signal=usr2|$C catch:SIGUSR2 dup"
    # A later -e inject= replaces an earlier one for the syscalls both
    # name, as strace's (qual_fault-exit_group's case 3, on dup).
    "getppid:retval=1 -e inject=getppid:retval=2|$C getppid getppid"
    "dup:error=EIO -e inject=dup:error=EPERM:when=2|$C repeat:3:dup"
    "dup,getppid:error=EIO -e inject=dup:error=EPERM:when=2|$C dup dup getppid"
    "fault=dup:error=EIO -e fault=dup,socket:when=2|$C dup dup socket socket"
)

compare() {
    local spec=$1 prog=$2 so se sr
    # A spec is inject='s unless it says fault=.
    case $spec in fault=*) ;; *) spec=inject=$spec ;; esac
    ( cd "$T" && eval "strace -f -o /dev/null -e $spec $prog" ) >"$T/s.out" 2>"$T/s.err"
    sr=$?
    sed -i "/^${0//\//\\/}: line [0-9]*: *[0-9]* /d" "$T/s.err"
    ( cd "$T" && eval "\"$B/errinj\" -q -e $spec -- $prog" ) >"$T/e.out" 2>"$T/e.err"
    local er=$?
    so=$(cat "$T/s.out"); se=$(cat "$T/s.err")
    [ -n "$so$se" ] || [ "$sr" != 0 ] || { why "strace's run printed nothing"; return 1; }
    assert_eq "stdout" "$(cat "$T/e.out")" "$so" &&
        assert_eq "stderr" "$(cat "$T/e.err")" "$se" &&
        assert_eq "exit status" "$er" "$sr"
}

i=0
for c in "${cases[@]}"; do
    i=$((i + 1))
    subtest "strace_compat_$i:${c%%|*}" compare "${c%%|*}" "${c#*|}"
done
done_testing
