// SPDX-License-Identifier: GPL-2.0
/*
 * tracex5: a kprobe on __seccomp_filter, which seccomp runs for every
 * syscall of a process that has a filter; reports the syscall numbers it
 * checks for the target process through a ring buffer.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

const volatile __u32 target_tgid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

SEC("kprobe/__seccomp_filter")
int BPF_KPROBE(seccomp_check, int this_syscall)
{
	int *nr;

	if ((bpf_get_current_pid_tgid() >> 32) != target_tgid)
		return 0;
	nr = bpf_ringbuf_reserve(&events, sizeof(*nr), 0);
	if (!nr)
		return 0;
	*nr = this_syscall;
	bpf_ringbuf_submit(nr, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
