#!/usr/bin/env bash
# A kernel without bpf_override_return: the nooverride boot (tests/run)
# runs this file on the test kernel built without CONFIG_BPF_KPROBE_OVERRIDE
# (scripts/build-kernel --variant nooverride), like the distribution
# kernels that keep the error-injection list but leave that option off.
# errinj has no other way to fail a call yet, so it must say which option
# is missing and run nothing; once its fmod_ret backend (BPF_MODIFY_RETURN)
# lands, it must pick that one by itself here.
# boots: nooverride
. "$(dirname "$0")/../lib.sh"

# The boot's kernel: vm-run says which variant it booted, and the kernel's
# own configuration has no override but still the error-injection list
# (what fmod_ret needs).
kernel_config() {
    local cfg
    cfg=$(zcat /proc/config.gz) || { why "cannot read /proc/config.gz"; return 1; }
    assert_eq "ERRINJ_KERNEL (from vm-run)" "${ERRINJ_KERNEL:-}" nooverride &&
        assert_match "CONFIG_BPF_KPROBE_OVERRIDE" \
            "$(printf '%s\n' "$cfg" | grep -E '^(# )?CONFIG_BPF_KPROBE_OVERRIDE[= ]' || echo absent)" \
            '^(# CONFIG_BPF_KPROBE_OVERRIDE is not set|absent)$' &&
        assert_match "CONFIG_FUNCTION_ERROR_INJECTION" "$cfg" '^CONFIG_FUNCTION_ERROR_INJECTION=y$' &&
        assert_match "error-injection list" "$(cat /sys/kernel/debug/error_injection/list 2>&1)" \
            '^__(x64|do)_sys_getpid[[:space:]]'
}
subtest nooverride_kernel_config kernel_config

# errinj --backend=kprobe on this kernel: exit 1, one sentence naming the missing option,
# no libbpf log, the command not run, nothing left attached.
errinj_says_no_override() {
    run "$BIN/errinj" --backend=kprobe -e inject=getpid:error=EPERM -- "$B/tests/calls" getpid
    assert_eq "exit status" "$RC" 1 &&
        assert_eq "stderr lines" "$(lines "$ERR")" 1 &&
        assert_match "stderr" "$ERR" '^errinj: this kernel lacks kprobe override support: .*CONFIG_BPF_KPROBE_OVERRIDE is not set' &&
        assert_no_match "stderr" "$ERR" 'libbpf' &&
        assert_eq "the command's output (it must not run)" "$OUT" "" &&
        assert_eq "left attached" "$(ours)" ""
}
subtest nooverride_errinj_says_so errinj_says_no_override
done_testing
