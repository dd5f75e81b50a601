// SPDX-License-Identifier: GPL-2.0
/* The seccomp filter: the calls it fails itself, then a balanced search
 * over the trapped numbers. */
#include <stdbool.h>
#include <stddef.h>
#include <asm/unistd.h>
#include <linux/audit.h>
#include <linux/seccomp.h>

#include "core/cbpf.h"

#define LEAF 4 /* numbers compared one by one at a leaf of the search tree */

/* A leaf holding cond_nr ends with its argument test. */
static int tree_size(const __u32 *a, int n, int cond)
{
	int ls, extra = 0;

	if (n <= LEAF) {
		for (int i = 0; i < n; i++)
			extra |= (int)a[i] == cond;
		return n + 2 + 5 * extra;
	}
	ls = tree_size(a, n / 2, cond);
	return 1 + (ls > 255) + ls + tree_size(a + n / 2, n - n / 2, cond);
}

/* A subtree for the sorted numbers a[0..n): each internal node a JGE on
 * the right half's first number (and a JA when the left half is too far
 * for an 8-bit jump), each leaf a few JEQs and its own two returns, so
 * that no jump goes far and a call pays about log2(n) compares. The
 * number cond, in a leaf, jumps past the returns to its argument test. */
static void emit_tree(struct sock_filter *f, int *pc, const __u32 *a, int n, const struct ei_cbpf *o)
{
	if (n <= LEAF) {
		bool has_cond = false;

		for (int i = 0; i < n; i++) {
			bool c = (int)a[i] == o->cond_nr;
			f[(*pc)++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, a[i], (__u8)(n - i + c), 0);
			has_cond |= c;
		}
		f[(*pc)++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
		f[(*pc)++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, o->action);
		if (has_cond) {
			/* The low word of args[0] (an int argument). */
			f[(*pc)++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0]));
			f[(*pc)++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, o->cond_arg[0], 2, 0);
			f[(*pc)++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, o->cond_arg[1], 1, 0);
			f[(*pc)++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
			f[(*pc)++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, o->action);
		}
		return;
	}
	int l = n / 2, ls = tree_size(a, l, o->cond_nr);
	if (ls <= 255) {
		f[(*pc)++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, a[l], (__u8)ls, 0);
	} else {
		f[(*pc)++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, a[l], 0, 1);
		f[(*pc)++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA, (__u32)ls, 0, 0);
	}
	emit_tree(f, pc, a, l, o);
	emit_tree(f, pc, a + l, n - l, o);
}

/* A failed call's test: JEQ nr, then per word a load, an AND when the
 * mask is not all ones and a JEQ, the RET ERRNO, and the reload of nr
 * that every miss jumps to (the word tests overwrite A). */
static int errno_size(const struct ei_cbpf_errno *e)
{
	int n = 3;

	for (int i = 0; i < e->nwords; i++)
		n += 2 + (e->w[i].mask != ~0U);
	return n;
}

static void emit_errno(struct sock_filter *f, int *pc, const struct ei_cbpf_errno *e)
{
	int reload = *pc + errno_size(e) - 1;

	f[*pc] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, e->nr, 0, (__u8)(reload - *pc - 1));
	(*pc)++;
	for (int i = 0; i < e->nwords; i++) {
		f[(*pc)++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, e->w[i].off);
		if (e->w[i].mask != ~0U)
			f[(*pc)++] = (struct sock_filter)BPF_STMT(BPF_ALU | BPF_AND | BPF_K, e->w[i].mask);
		f[*pc] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, e->w[i].value, 0,
						      (__u8)(reload - *pc - 1));
		(*pc)++;
	}
	f[(*pc)++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (e->error & SECCOMP_RET_DATA));
	f[(*pc)++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
}

int ei_cbpf_size(const __u32 *nrs, int n, const struct ei_cbpf *o)
{
	int size = 6 + tree_size(nrs, n, o->cond_nr);

	for (int i = 0; i < o->nerrnos; i++)
		size += errno_size(&o->errnos[i]);
	return size;
}

int ei_cbpf_build(const __u32 *nrs, int n, const struct ei_cbpf *o, struct sock_filter *f)
{
	int pc = 0;

	/* Another architecture's calls (int 0x80) and x32's run untouched:
	 * the numbers are x86_64's. */
	f[pc++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	f[pc++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
	f[pc++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[pc++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	f[pc++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, __X32_SYSCALL_BIT, 0, 1);
	f[pc++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	for (int i = 0; i < o->nerrnos; i++)
		emit_errno(f, &pc, &o->errnos[i]);
	emit_tree(f, &pc, nrs, n, o);
	return pc;
}
