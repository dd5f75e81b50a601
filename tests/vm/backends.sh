#!/usr/bin/env bash
# Backends on the test kernels: which one the automatic choice picks for
# each syscall (fmod_ret where the entry function has BTF and the rules
# allow it, kprobe where the kernel has the override option, seccomp for
# delay_enter= and poke_enter= and for what nothing else can serve), one
# session mixing them (max= shared), a path on a page the process never
# touched, and nothing left attached. The expectations follow from what
# the booted kernel has (/proc/config.gz), not from errinj.
# boots: main 6.12
. "$(dirname "$0")/../lib.sh"

E=$BIN/errinj
C=$B/tests/calls
S=$B/tests/scenario
unset ERRINJ_BACKEND
if zcat /proc/config.gz | grep -qx CONFIG_BPF_KPROBE_OVERRIDE=y; then
    OVERRIDE=yes NOBTF=kprobe # getppid's entry has no BTF: kprobe, else seccomp
else
    OVERRIDE=no NOBTF=seccomp
fi

# The JSON stream's first line: rule -> backend -> syscalls.
session_line() { printf '%s\n' "$ERR" | grep -m1 '^{"session"'; }

auto_choice() { # SPEC WANT-SESSION-RULE
    run "$E" --json -o "$T/ev" -e "inject=$1" -- "$C" getpid
    assert_eq "exit status" "$RC" 0 &&
        assert_eq "plan" "$(head -1 "$T/ev")" "{\"session\":{\"rules\":[{\"rule\":1,\"backends\":{$2}}]}}"
}
subtest backends_auto_openat auto_choice openat:error=ENOENT:path=/nonexistent '"fmod_ret":["openat"]'
subtest backends_auto_no_btf auto_choice getppid:error=EPERM "\"$NOBTF\":[\"getppid\"]"
subtest backends_auto_retval0 auto_choice read:retval=0:fd=0 "\"$NOBTF\":[\"read\"]"
subtest backends_auto_delay auto_choice read:delay_enter=1ms '"seccomp":["read"]'
subtest backends_auto_poke auto_choice read:poke_enter=@arg2=00 '"seccomp":["read"]'
# Named, and off the error injection list (compiled out): only seccomp can.
subtest backends_auto_not_injectable auto_choice acct:error=EIO '"seccomp":["acct"]'

# One session, three rules, each served where it is cheapest; every one
# fires, and the delayed call is held.
mixed_session() {
    local t0 t1
    t0=$(date +%s%N)
    run "$E" --json -e inject=openat:error=EACCES:path=/etc/hostname -e inject=getppid:error=EPERM \
        -e inject=read:delay_enter=300ms:fd=0 -- "$C" openat:/etc/hostname getppid read:0
    t1=$(date +%s%N)
    assert_eq "exit status" "$RC" 0 &&
        assert_eq "stdout" "$OUT" "$(printf 'openat:/etc/hostname = -1 EACCES\ngetppid = -1 EPERM\nread:0 = 0')" &&
        assert_eq "backends of the events" "$(printf '%s\n' "$ERR" | grep '"syscall"' |
            sed -E 's/.*"syscall":"([a-z]+)".*"backend":"([a-z_]+)".*/\1 \2/' | tr '\n' ' ')" \
            "openat fmod_ret getppid $NOBTF read seccomp " &&
        assert_match "the read event's delay (how long it was held, at least 300 ms)" \
            "$(printf '%s\n' "$ERR" | grep '"syscall":"read"' | sed -E 's/.*"delay_ns":([0-9]+).*/\1/')" \
            '^([3-9][0-9]{8}|[0-9]{10,})$' &&
        { [ $(((t1 - t0) / 1000000)) -ge 300 ] || { why "ran $(((t1 - t0) / 1000000)) ms, the read was held 300"; false; }; }
}
subtest backends_mixed_session mixed_session

# max= counts a rule's injections whichever backend made them: openat on
# fmod_ret, getppid on another. (userapp: static, so no dynamic loader's
# openat comes first; it calls openat, then getppid.)
shared_max() {
    run "$E" --json -e inject=openat,getppid:error=EPERM:max=1 -- "$B/userapp" openat getppid
    assert_eq "exit status" "$RC" 1 &&
        assert_eq "plan" "$(session_line)" \
            "{\"session\":{\"rules\":[{\"rule\":1,\"backends\":{$(
                [ $NOBTF = kprobe ] && echo '"kprobe":["getppid"],"fmod_ret":["openat"]' ||
                    echo '"fmod_ret":["openat"],"seccomp":["getppid"]')}}]}}" &&
        assert_eq "stdout" "$OUT" "getppid: ok" &&
        assert_match "stderr" "$ERR" '^openat: Operation not permitted$' &&
        assert_eq "events" "$(printf '%s\n' "$ERR" | grep -c '"syscall"')" 1
}
subtest backends_shared_max shared_max

# A path on a page the process has never touched: fmod_ret faults it in
# (bpf_copy_from_user), seccomp reads it (process_vm_readv); a kprobe
# cannot, and errinj says how many calls it could not decide.
cold_path() { # BACKEND
    run "$E" --backend="$1" -q -e inject=openat:error=EACCES:path=/etc/hostname -- "$S" untouched:/etc/hostname
    assert_eq "exit status" "$RC" 0 &&
        assert_eq "stdout" "$OUT" "untouched = -1 EACCES" &&
        assert_eq "stderr" "$ERR" ""
}
subtest backends_cold_path_fmod_ret cold_path fmod_ret
subtest backends_cold_path_seccomp cold_path seccomp
cold_path_kprobe() {
    run "$E" --backend=kprobe -q -e inject=openat:error=EACCES:path=/etc/hostname -- "$S" untouched:/etc/hostname
    assert_eq "exit status" "$RC" 0 &&
        assert_eq "stdout" "$OUT" "untouched = 3" &&
        assert_match "stderr" "$ERR" '^errinj: 1 calls were neither failed nor counted by a path= rule: their path could not be read by the kprobe backend \(a page not yet in memory'
}
no_kprobe_backend() {
    run "$E" --backend=kprobe -e inject=openat:error=EACCES -- "$C" openat:/etc/hostname
    assert_eq "exit status" "$RC" 1 &&
        assert_eq "stderr lines" "$(lines "$ERR")" 1 &&
        assert_match "stderr" "$ERR" '^errinj: this kernel lacks kprobe override support: .*CONFIG_BPF_KPROBE_OVERRIDE is not set' &&
        assert_eq "stdout (the command must not run)" "$OUT" ""
}
if [ $OVERRIDE = yes ]; then
    subtest backends_cold_path_kprobe cold_path_kprobe
else
    subtest backends_no_kprobe_backend no_kprobe_backend
fi

# fmod_ret cannot serve everything: said in one sentence, nothing loaded.
fmod_ret_refuses() { # SPEC REGEX
    run "$E" --backend=fmod_ret -e "inject=$1" -- "$C" getppid
    assert_eq "exit status" "$RC" 1 &&
        assert_eq "stderr lines" "$(lines "$ERR")" 1 &&
        assert_match "stderr" "$ERR" "$2" &&
        assert_eq "left attached" "$(ours_gone)" ""
}
subtest backends_fmod_ret_no_btf fmod_ret_refuses getppid:error=EPERM '^errinj: getppid: its entry function has no BTF, which fmod_ret needs$'

# A syscall of errinj's table (Linux 6.12's) that the booted kernel may
# lack: fchmodat2 (6.6). perl's syscall(2) makes it: ENOENT (2) for a
# missing directory where the kernel has it, ENOSYS (38) where not. Every
# backend that can fails it with EROFS (30); where the kernel lacks it,
# seccomp still does (before the kernel looks, as strace's injection
# would), and the BPF backends, which act on the kernel's entry point, say
# in one sentence that there is none.
missing_syscall() {
    local p='my $p = "/nonexistent/x"; my $r = syscall(452, -100, $p, 0644, 0); print "$r ", $!+0, "\n"'
    local native b bs=fmod_ret
    [ $OVERRIDE = yes ] && bs="fmod_ret kprobe"
    native=$(perl -e "$p")
    for b in auto seccomp; do
        run "$E" -q --backend=$b -e inject=fchmodat2:error=EROFS -- perl -e "$p"
        assert_eq "$b: exit status" "$RC" 0 && assert_eq "$b: fchmodat2" "$OUT" "-1 30" || return 1
    done
    case $native in
    "-1 2")
        for b in $bs; do
            run "$E" -q --backend=$b -e inject=fchmodat2:error=EROFS -- perl -e "$p"
            assert_eq "$b: exit status" "$RC" 0 && assert_eq "$b: fchmodat2" "$OUT" "-1 30" || return 1
        done
        ;;
    "-1 38")
        for b in $bs; do
            run "$E" -q --backend=$b -e inject=fchmodat2:error=EROFS -- perl -e "$p"
            assert_eq "$b: exit status" "$RC" 1 && assert_eq "$b: stderr lines" "$(lines "$ERR")" 1 &&
                assert_match "$b: stderr" "$ERR" "^errinj: this kernel \($(uname -r | sed 's/[.+]/\\&/g')\) has no fchmodat2 syscall: only the seccomp backend can fail it" &&
                assert_eq "$b: left attached" "$(ours_gone)" "" || return 1
        done
        ;;
    *) why "fchmodat2 without errinj: '$native'"; return 1 ;;
    esac
}
subtest backends_missing_syscall missing_syscall

# SIGKILL errinj while its fmod_ret programs are attached and firing:
# the kernel detaches them, and the command runs on, its calls untouched.
killed_fmod_ret() {
    "$E" --backend=fmod_ret -q -e inject=openat:error=EACCES:path=/etc/hostname -- \
        sh -c "while [ ! -e '$T/go' ]; do sleep 0.05; done; cat /etc/hostname >'$T/after' 2>&1; echo done >'$T/done'" &
    local ep=$! i
    for i in $(seq 100); do bpftool prog show | grep -q 'name errinj_fmod' && break; sleep 0.1; done
    assert_match "attached while running" "$(ours)" 'prog: .*name errinj_fmod' || { kill -KILL $ep; return 1; }
    kill -KILL $ep
    wait $ep 2>/dev/null
    sleep 0.5
    : >"$T/go"
    wait_file "$T/done" &&
        assert_eq "left attached" "$(ours_gone)" "" &&
        assert_eq "the orphan's cat" "$(cat "$T/after")" "$(cat /etc/hostname)"
}
subtest backends_killed_fmod_ret killed_fmod_ret
done_testing
