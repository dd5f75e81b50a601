#!/usr/bin/env bash
# On the host: what the loader says about the running kernel. The build
# machines' kernels have no kprobes; the expectation follows from what
# this kernel has, read from sysfs, not from the loader.
. "$(dirname "$0")/../lib.sh"

# PROG ARGS...: one sentence naming the missing option ($EXPECT), no libbpf log.
no_support_message() {
    local prog=$1
    shift
    [ "$(id -u)" = 0 ] || { why "must run as root"; return 1; }
    run "$BIN/$prog" "$@"
    assert_eq "exit status" "$RC" 1 &&
        assert_eq "stderr lines" "$(lines "$ERR")" 1 &&
        assert_match "stderr" "$ERR" "^$prog: this kernel lacks kprobe override support: .*$EXPECT" &&
        assert_no_match "stderr" "$ERR" 'libbpf'
}

if [ ! -e /sys/bus/event_source/devices/kprobe/type ] && [ ! -e /sys/kernel/tracing/kprobe_events ]; then
    EXPECT=CONFIG_KPROBES what=no_kprobes
elif [ ! -e /sys/kernel/debug/error_injection/list ] && [ -d /sys/kernel/debug/tracing ]; then
    EXPECT=CONFIG_BPF_KPROBE_OVERRIDE what=no_override
fi
if [ -n "${EXPECT:-}" ]; then
    subtest "loader_says_$what" no_support_message loader dup 22
    # The automatic choice falls back to seccomp: the kprobe backend asked for.
    subtest "errinj_says_$what" no_support_message errinj --backend=kprobe dup EIO -- true
else
    skip says_no_support "this host kernel has kprobes and error injection"
fi
done_testing
