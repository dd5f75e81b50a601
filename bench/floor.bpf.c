// SPDX-License-Identifier: GPL-2.0
/*
 * The floor of each BPF mechanism errinj uses: the least a program on a
 * syscall's entry can do and still inject, one comparison of the caller
 * against the target. bench/floor.c loads one of them; bench/run times
 * calls under it next to errinj's own program on the same mechanism.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

const volatile __u32 target = 0; /* tgid */
const volatile bool fire = false; /* fail the target's calls, or only compare */
const volatile long retval = -1;  /* -EPERM */

/* kprobe.multi with bpf_override_return: errinj's kprobe backend. */
SEC("kprobe.multi")
int floor_kprobe(struct pt_regs *ctx)
{
	if (bpf_get_current_pid_tgid() >> 32 == target && fire)
		bpf_override_return(ctx, retval);
	return 0;
}

/* Sleepable BPF_MODIFY_RETURN: errinj's fmod_ret backend (the attach
 * target is set by user space). */
SEC("fmod_ret.s/__x64_sys_openat")
long floor_fmod(__u64 *ctx)
{
	if (bpf_get_current_pid_tgid() >> 32 == target && fire)
		return retval;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
