#!/usr/bin/env bash
# On the host: what the loader says about the running kernel. The build
# machines' kernels have no kprobes; the expectation follows from what
# this kernel has, read from sysfs, not from the loader.
. "$(dirname "$0")/../lib.sh"

no_support_message() {
    [ "$(id -u)" = 0 ] || { why "must run as root"; return 1; }
    run "$B/loader" dup 22
    assert_eq "exit status" "$RC" 1 &&
        assert_eq "stderr lines" "$(lines "$ERR")" 1 &&
        assert_match "stderr" "$ERR" "^loader: this kernel lacks kprobe override support: .*$1" &&
        assert_no_match "stderr" "$ERR" 'libbpf'
}

if [ ! -e /sys/bus/event_source/devices/kprobe/type ] && [ ! -e /sys/kernel/tracing/kprobe_events ]; then
    subtest loader_says_no_kprobes no_support_message 'CONFIG_KPROBES'
elif [ ! -e /sys/kernel/debug/error_injection/list ] && [ -d /sys/kernel/debug/tracing ]; then
    subtest loader_says_no_override no_support_message 'CONFIG_BPF_KPROBE_OVERRIDE'
else
    skip loader_says_no_support "this host kernel has kprobes and error injection"
fi

errinj_no_support() {
    run "$B/errinj" dup EIO -- true
    assert_eq "exit status" "$RC" 1 &&
        assert_eq "stderr lines" "$(lines "$ERR")" 1 &&
        assert_match "stderr" "$ERR" "^errinj: this kernel lacks kprobe override support: .*$1" &&
        assert_no_match "stderr" "$ERR" 'libbpf'
}
if [ ! -e /sys/bus/event_source/devices/kprobe/type ] && [ ! -e /sys/kernel/tracing/kprobe_events ]; then
    subtest errinj_says_no_kprobes errinj_no_support 'CONFIG_KPROBES'
elif [ ! -e /sys/kernel/debug/error_injection/list ] && [ -d /sys/kernel/debug/tracing ]; then
    subtest errinj_says_no_override errinj_no_support 'CONFIG_BPF_KPROBE_OVERRIDE'
else
    skip errinj_says_no_support "this host kernel has kprobes and error injection"
fi
