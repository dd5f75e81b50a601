/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel-side ptrace check shared by bpf/errinj.bpf.c and
 * bpf/err_injector.bpf.c: a user without CAP_SYS_PTRACE may only fail the
 * calls of processes that user could ptrace.
 */
#ifndef ERRINJ_MAY_PTRACE_BPF_H
#define ERRINJ_MAY_PTRACE_BPF_H

/* mm_struct.flags: an unsigned long in Linux 6.1, a bitmap struct
 * (mm_flags_t) in newer kernels; vmlinux.h may come from either. */
struct mm_struct___ulong {
	unsigned long flags;
} __attribute__((preserve_access_index));
struct ei_mm_bitmap {
	unsigned long __mm_flags[1];
};
struct mm_struct___bitmap {
	struct ei_mm_bitmap flags;
} __attribute__((preserve_access_index));

static __always_inline unsigned long mm_flags(struct mm_struct *mm)
{
	if (bpf_core_field_exists(struct mm_struct___ulong, flags))
		return BPF_CORE_READ((struct mm_struct___ulong *)mm, flags);
	return BPF_CORE_READ((struct mm_struct___bitmap *)mm, flags.__mm_flags[0]);
}

/* The kernel's __ptrace_may_access for a caller without CAP_SYS_PTRACE:
 * the caller's real uid and gid equal every uid and gid of the target's
 * objective credentials, and the target's mm is dumpable (SUID_DUMP_USER:
 * not after the exec of a setuid or
 * file-capability program, nor after prctl(PR_SET_DUMPABLE, 0)). */
static __always_inline bool may_ptrace_current(__u32 uid, __u32 gid)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	const struct cred *c = BPF_CORE_READ(task, real_cred);
	struct mm_struct *mm;

	if (BPF_CORE_READ(c, uid.val) != uid || BPF_CORE_READ(c, euid.val) != uid ||
	    BPF_CORE_READ(c, suid.val) != uid || BPF_CORE_READ(c, gid.val) != gid ||
	    BPF_CORE_READ(c, egid.val) != gid || BPF_CORE_READ(c, sgid.val) != gid)
		return false;
	mm = BPF_CORE_READ(task, mm);
	return !mm || (mm_flags(mm) & 3) == 1; /* MMF_DUMPABLE_MASK == SUID_DUMP_USER */
}

#endif
