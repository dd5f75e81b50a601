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
		case BPF_ALU | BPF_AND | BPF_K:
			a &= i->k;
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

/* What o->errnos says of d, read apart from the generator: the first
 * entry for d's number whose words all hold, or 0. */
static __u32 errno_of(const struct ei_cbpf *o, const struct seccomp_data *d)
{
	for (int i = 0; i < o->nerrnos; i++) {
		const struct ei_cbpf_errno *e = &o->errnos[i];
		bool hold = e->nr == (__u32)d->nr;

		for (int w = 0; hold && w < e->nwords; w++) {
			__u32 word;

			memcpy(&word, (const char *)d + e->w[w].off, 4);
			hold = (word & e->w[w].mask) == e->w[w].value;
		}
		if (hold)
			return SECCOMP_RET_ERRNO | e->error;
	}
	return 0;
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

		if (errno_of(o, &d))
			want = errno_of(o, &d);

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

/* The calls the filter fails itself (the seccomp backend's in-filter
 * rules), before the search; others as without them. */
static void test_errnos(void)
{
	const struct ei_cbpf_errno e[] = {
		{ .nr = SYS_openat, .error = 2 },
		/* fd=7: the low word of args[0] */
		{ .nr = SYS_dup, .error = 9, .nwords = 1, .w = { { offsetof(struct seccomp_data, args[0]), ~0U, 7 } } },
		{ .nr = SYS_dup, .error = 24 },
		/* a 64-bit count and a masked flag, both words */
		{ .nr = SYS_read,
		  .error = 5,
		  .nwords = 3,
		  .w = { { offsetof(struct seccomp_data, args[2]), ~0U, 1 },
			 { offsetof(struct seccomp_data, args[2]) + 4, ~0U, 1 },
			 { offsetof(struct seccomp_data, args[0]), 0x3, 0x2 } } },
	};
	const struct ei_cbpf notif = { .action = SECCOMP_RET_USER_NOTIF, .cond_nr = -1, .errnos = e, .nerrnos = 4 };
	__u32 few[] = { SYS_read, SYS_dup, SYS_close }, all[EI_NR_SYSCALLS];
	static struct sock_filter f[BPF_MAXINSNS];
	struct {
		int nr;
		__u64 a0, a2;
		__u32 want;
	} c[] = {
		{ SYS_openat, 5, 0, SECCOMP_RET_ERRNO | 2 },	{ SYS_dup, 7, 0, SECCOMP_RET_ERRNO | 9 },
		{ SYS_dup, 0xffffffff00000007ULL, 0, SECCOMP_RET_ERRNO | 9 },
		{ SYS_dup, 8, 0, SECCOMP_RET_ERRNO | 24 },	{ SYS_read, 6, 0x100000001ULL, SECCOMP_RET_ERRNO | 5 },
		{ SYS_read, 6, 1, SECCOMP_RET_USER_NOTIF },	{ SYS_read, 5, 0x100000001ULL, SECCOMP_RET_USER_NOTIF },
		{ SYS_close, 7, 0, SECCOMP_RET_USER_NOTIF },	{ SYS_getpid, 7, 0, SECCOMP_RET_ALLOW },
	};
	int len = ei_cbpf_build(few, 3, &notif, f);

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct seccomp_data d = { .nr = c[i].nr, .arch = AUDIT_ARCH_X86_64, .args = { c[i].a0, 0, c[i].a2 } };
		__u32 got = run(f, len, &d);

		ASSERT(got == c[i].want, "case %zu (nr %d): %#x, want %#x", i, c[i].nr, got, c[i].want);
		/* and the reference check() relies on agrees with the table */
		ASSERT(errno_of(&notif, &d) == ((c[i].want & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ERRNO ? c[i].want : 0),
		       "reference, case %zu", i);
	}
	check(few, 3, &notif);
	for (int nr = 0; nr < EI_NR_SYSCALLS; nr++)
		all[nr] = (__u32)nr;
	/* Past an 8-bit jump from the prefix to the tree's far leaves. */
	check(all, EI_NR_SYSCALLS, &notif);
}

int main(void)
{
	SUBTEST(small_sets);
	SUBTEST(large_sets);
	SUBTEST(cond);
	SUBTEST(errnos);
	return t_failed ? 1 : 0;
}
