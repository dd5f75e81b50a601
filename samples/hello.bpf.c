// SPDX-License-Identifier: GPL-2.0
/* hello: a tracepoint at the entry of dup(2) that says who called it. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("tracepoint/syscalls/sys_enter_dup")
int hello(void *ctx)
{
	bpf_printk("triggered from PID %d", (int)(bpf_get_current_pid_tgid() >> 32));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
