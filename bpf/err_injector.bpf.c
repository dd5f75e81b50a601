// SPDX-License-Identifier: GPL-2.0
/*
 * The original course design: a kprobe at a syscall's entry that makes it
 * fail with a chosen errno when the caller is the target process, from
 * the target's own execve on. Attached by tools/loader.c to the syscall
 * named on its command line.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "may_ptrace.bpf.h"

/* Set by the loader when its user lacks CAP_SYS_PTRACE: the target is
 * failed only while that user could ptrace it (not once it has exec'd a
 * setuid program, say). */
const volatile bool owner_only = false;
const volatile __u32 owner_uid = 0;
const volatile __u32 owner_gid = 0;

/* The loader's pid namespace (a container's, say): target_pid is a pid
 * of that namespace, as the child read it with getpid(). */
const volatile __u64 pidns_dev = 0;
const volatile __u64 pidns_ino = 0;

/* Key 0: the target's process id (tgid), written by the loader's child. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} target_pid SEC(".maps");

/* Key 0: the positive errno to inject. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} inject_errno SEC(".maps");

/* Set once the target has called execve: the loader's own code in the
 * child (its execve of the command) is never failed. */
bool armed = false;

/* Whether the caller is the target: its process id in the loader's pid
 * namespace is the stored one (never true of a process of another
 * namespace, whatever its pid there). */
static __always_inline bool is_target(void)
{
	struct bpf_pidns_info ns = {};
	__u32 key = 0, *pid = bpf_map_lookup_elem(&target_pid, &key);

	if (!pid || !*pid || bpf_get_ns_current_pid_tgid(pidns_dev, pidns_ino, &ns, sizeof(ns)))
		return false;
	return ns.tgid == *pid;
}

SEC("ksyscall")
int err_injector(struct pt_regs *ctx)
{
	__u32 key = 0, *err;

	if (!armed || !is_target())
		return 0;
	if (owner_only && !may_ptrace_current(owner_uid, owner_gid))
		return 0;
	err = bpf_map_lookup_elem(&inject_errno, &key);
	if (!err || !*err)
		return 0;
	bpf_override_return(ctx, -(long)*err);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(err_injector_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	if (is_target())
		armed = true;
	return 0;
}

/* bpf_override_return is GPL-only. */
char LICENSE[] SEC("license") = "GPL";
