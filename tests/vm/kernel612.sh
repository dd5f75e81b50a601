#!/usr/bin/env bash
# The 6.12 kernel: the 6.12 boot (tests/run) runs this file on the test
# kernel built from Debian's linux-source-6.12 without
# CONFIG_BPF_KPROBE_OVERRIDE (scripts/build-kernel --variant 6.12), like
# the distribution kernels that keep the error-injection list, BTF and
# fprobes but leave that option off. errinj must find that out by itself:
# its automatic choice is fmod_ret (BPF_MODIFY_RETURN), and --backend=kprobe
# says which option is missing. What this kernel has and 6.1 has not
# (SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP, BPF exceptions, bpf_copy_from_user_str)
# must work: a failure, not a skip.
# boots: 6.12
. "$(dirname "$0")/../lib.sh"

E=$BIN/errinj
C=$B/tests/calls

# The boot's kernel: vm-run says which variant it booted; the kernel's own
# configuration has no override but the error-injection list, BTF and
# fprobes.
kernel_config() {
    local cfg
    cfg=$(zcat /proc/config.gz) || { why "cannot read /proc/config.gz"; return 1; }
    assert_eq "ERRINJ_KERNEL (from vm-run)" "${ERRINJ_KERNEL:-}" 6.12 &&
        assert_match "uname -r" "$(uname -r)" '^6\.12\.' &&
        assert_match "CONFIG_BPF_KPROBE_OVERRIDE" \
            "$(printf '%s\n' "$cfg" | grep -E '^(# )?CONFIG_BPF_KPROBE_OVERRIDE[= ]' || echo absent)" \
            '^(# CONFIG_BPF_KPROBE_OVERRIDE is not set|absent)$' &&
        assert_match "CONFIG_FUNCTION_ERROR_INJECTION" "$cfg" '^CONFIG_FUNCTION_ERROR_INJECTION=y$' &&
        assert_match "CONFIG_DEBUG_INFO_BTF" "$cfg" '^CONFIG_DEBUG_INFO_BTF=y$' &&
        assert_match "CONFIG_FPROBE" "$cfg" '^CONFIG_FPROBE=y$' &&
        { [ -s /sys/kernel/btf/vmlinux ] || { why "no /sys/kernel/btf/vmlinux"; false; }; } &&
        assert_match "error-injection list" "$(cat /sys/kernel/debug/error_injection/list 2>&1)" \
            '^__(x64|do)_sys_getpid[[:space:]]'
}
subtest kernel612_config kernel_config

# What errinj --features says here, as root: fmod_ret and seccomp usable,
# kprobe not (the option named), kprobe.multi and BTF there.
features() {
    run "$E" --features
    assert_eq "exit status" "$RC" 0 &&
        assert_match "fmod_ret" "$OUT" '^fmod_ret +yes ' &&
        assert_match "kprobe" "$OUT" '^kprobe +no .*CONFIG_BPF_KPROBE_OVERRIDE' &&
        assert_match "seccomp" "$OUT" '^seccomp +yes ' &&
        assert_match "kprobe.multi" "$OUT" 'kprobe\.multi \(one link for many syscalls\): yes' &&
        assert_match "BTF" "$OUT" 'BTF \(/sys/kernel/btf/vmlinux\): yes' &&
        assert_match "BPF exceptions" "$OUT" '^BPF exceptions \(bpf_throw, Linux 6\.7\+\): yes' &&
        assert_match "string copies" "$OUT" '^string copies from user memory \(bpf_copy_from_user_str, Linux 6\.12\): yes'
}
subtest kernel612_features features

# The automatic choice: fmod_ret for a syscall whose entry has BTF, and
# the call fails.
auto_fmod_ret() {
    run "$E" --json -o "$T/ev" -e inject=openat:error=EACCES:path=/etc/hostname -- "$C" openat:/etc/hostname
    assert_eq "exit status" "$RC" 0 &&
        assert_eq "plan" "$(head -1 "$T/ev")" '{"session":{"rules":[{"rule":1,"backends":{"fmod_ret":["openat"]}}]}}' &&
        assert_eq "stdout" "$OUT" "openat:/etc/hostname = -1 EACCES" &&
        assert_eq "left attached" "$(ours_gone)" ""
}
subtest kernel612_auto_fmod_ret auto_fmod_ret

# errinj --backend=kprobe on this kernel: exit 1, one sentence naming the
# missing option, no libbpf log, the command not run, nothing left attached.
errinj_says_no_override() {
    run "$E" --backend=kprobe -e inject=getpid:error=EPERM -- "$C" getpid
    assert_eq "exit status" "$RC" 1 &&
        assert_eq "stderr lines" "$(lines "$ERR")" 1 &&
        assert_match "stderr" "$ERR" '^errinj: this kernel lacks kprobe override support: .*CONFIG_BPF_KPROBE_OVERRIDE is not set' &&
        assert_no_match "stderr" "$ERR" 'libbpf' &&
        assert_eq "the command's output (it must not run)" "$OUT" "" &&
        assert_eq "left attached" "$(ours_gone)" ""
}
subtest kernel612_no_kprobe_backend errinj_says_no_override

# The seccomp backend asks for synchronous wake-ups on its listener
# (SECCOMP_IOCTL_NOTIF_SET_FLAGS with SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP,
# Linux 6.6): 6.12 has it, so the ioctl must succeed (errinj ignores a
# kernel's refusal, so only its trace shows it).
sync_wake_up() {
    run strace -qq -e trace=ioctl -o "$T/ioctl" "$E" --backend=seccomp -q -e inject=getpid:error=EPERM -- "$C" getpid
    local set
    set=$(grep -E 'SECCOMP_IOCTL_NOTIF_SET_FLAGS|_IOC\(_IOC_WRITE, 0x21, 0x4, 0x8\)' "$T/ioctl")
    assert_eq "exit status" "$RC" 0 &&
        assert_eq "stdout" "$OUT" "getpid = -1 EPERM" &&
        assert_match "the flags' ioctl (strace)" "$set" \
            '^ioctl\([0-9]+, (SECCOMP_IOCTL_NOTIF_SET_FLAGS|_IOC\(_IOC_WRITE, 0x21, 0x4, 0x8\)), (0x1|SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP)\) = 0$'
}
subtest kernel612_seccomp_sync_wake_up sync_wake_up
done_testing
