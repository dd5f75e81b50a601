// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the seccomp filter generator (lib/core/cbpf.c) that
 * the seccomp backend and explore's tracer share: each filter is run
 * here, by a small interpreter of the instructions it uses, on every
 * syscall number of x86_64, x32 and i386.
 */
#include <stddef.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "core/cbpf.h"
#include "core/core.h"
#include "test.h"

/* Runs filter f on d; RET's value, or 0xdead on an instruction it does
 * not know or a jump out of the filter. */
static __u32 run(const struct sock_filter *f, int len, const struct seccomp_data *d)
{
	__u32 a = 0;

	for (int pc = 0; pc >= 0 && pc < len; pc++) {
		const struct sock_filter *i = &f[pc];
		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (i->k + 4 > sizeof(*d))
				return 0xdead;
			memcpy(&a, (const char *)d + i->k, 4);
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += a == i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += a >= i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += a & i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JA:
			pc += (int)i->k;
			break;
		case BPF_RET | BPF_K:
			return i->k;
		default:
			return 0xdead;
		}
	}
	return 0xdead;
}

/* A filter for the numbers nrs, checked on every number and arch. */
static void check(const __u32 *nrs, int n, const struct ei_cbpf *o)
{
	static struct sock_filter f[BPF_MAXINSNS];
	int size = ei_cbpf_size(nrs, n, o), len;
	bool listed[EI_NR_SYSCALLS] = { false };
	int bad = 0;

	if (!ASSERT(size <= BPF_MAXINSNS, "%d instructions", size))
		return;
	len = ei_cbpf_build(nrs, n, o, f);
	ASSERT_EQ(len, size);
	for (int i = 0; i < n; i++)
		listed[nrs[i]] = true;
	for (__u32 nr = 0; nr < EI_NR_SYSCALLS + 8; nr++) {
		struct seccomp_data d = { .nr = (int)nr, .arch = AUDIT_ARCH_X86_64 };
		__u32 want = nr < EI_NR_SYSCALLS && listed[nr] ? o->action : SECCOMP_RET_ALLOW;
		__u32 got;

		if ((int)nr == o->cond_nr) {
			/* Only its two argument values take the action. */
			d.args[0] = 0xffffffff00000000ULL | o->cond_arg[1];
			got = run(f, len, &d);
			bad += !ASSERT(got == o->action, "nr %u arg %u: %#x", nr, o->cond_arg[1], got);
			d.args[0] = o->cond_arg[0] + 1000;
			want = SECCOMP_RET_ALLOW;
		}
		got = run(f, len, &d);
		bad += !ASSERT(got == want, "nr %u: %#x, want %#x", nr, got, want);
		/* x32's and i386's numbers are not x86_64's: always allowed. */
		d.nr = (int)(nr | __X32_SYSCALL_BIT);
		got = run(f, len, &d);
		bad += !ASSERT(got == SECCOMP_RET_ALLOW, "x32 nr %u: %#x", nr, got);
		d.nr = (int)nr;
		d.arch = AUDIT_ARCH_I386;
		got = run(f, len, &d);
		bad += !ASSERT(got == SECCOMP_RET_ALLOW, "i386 nr %u: %#x", nr, got);
		if (bad > 5)
			return;
	}
}

static void test_small_sets(void)
{
	const struct ei_cbpf trace = { .action = SECCOMP_RET_TRACE, .cond_nr = -1 };
	const __u32 one[] = { SYS_dup }, five[] = { 0, 1, 2, 32, 511 };

	check(one, 0, &trace);
	check(one, 1, &trace);
	check(five, 5, &trace);
}

/* Many numbers: subtrees farther than an 8-bit jump. */
static void test_large_sets(void)
{
	const struct ei_cbpf trace = { .action = SECCOMP_RET_TRACE, .cond_nr = -1 };
	__u32 all[EI_NR_SYSCALLS], odd[EI_NR_SYSCALLS];
	int n = 0;

	for (int nr = 0; nr < EI_NR_SYSCALLS; nr++) {
		all[nr] = (__u32)nr;
		if (nr % 2)
			odd[n++] = (__u32)nr;
	}
	check(all, EI_NR_SYSCALLS, &trace);
	check(odd, n, &trace);
	check(all, 300, &trace);
}

/* The seccomp backend's: prctl only for PR_SET_SECCOMP and PR_GET_SECCOMP. */
static void test_cond(void)
{
	const struct ei_cbpf notif = { .action = SECCOMP_RET_USER_NOTIF,
				       .cond_nr = SYS_prctl,
				       .cond_arg = { PR_SET_SECCOMP, PR_GET_SECCOMP } };
	__u32 few[] = { SYS_dup, SYS_prctl, SYS_seccomp }, all[EI_NR_SYSCALLS];

	check(few, 3, &notif);
	for (int nr = 0; nr < EI_NR_SYSCALLS; nr++)
		all[nr] = (__u32)nr;
	check(all, EI_NR_SYSCALLS, &notif);
	/* The first value too. */
	{
		static struct sock_filter f[BPF_MAXINSNS];
		int len = ei_cbpf_build(few, 3, &notif, f);
		struct seccomp_data d = { .nr = SYS_prctl, .arch = AUDIT_ARCH_X86_64, .args = { PR_SET_SECCOMP } };
		ASSERT(run(f, len, &d) == SECCOMP_RET_USER_NOTIF, "PR_SET_SECCOMP");
	}
}

int main(void)
{
	SUBTEST(small_sets);
	SUBTEST(large_sets);
	SUBTEST(cond);
	return t_failed ? 1 : 0;
}
