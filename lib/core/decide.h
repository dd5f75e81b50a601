/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which call fails: the one definition of errinj's decision, shared by
 * every backend (bpf/errinj.bpf.c for kprobe and fmod_ret, the seccomp
 * supervisor) and by errinj explore, which predicts it. "A rule fails the
 * same calls whichever backend serves it" holds because all of them call
 * these functions.
 *
 * Pure functions only: no libc, no BPF helpers, fixed-size types. The
 * file is compiled by clang -target bpf (after vmlinux.h, which defines
 * the types) and by the host compiler (tests/unit/test_decide.c).
 */
#ifndef ERRINJ_DECIDE_H
#define ERRINJ_DECIDE_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#include <stdbool.h>
#endif
#include "errinj.h"

/* The kernel side's functions must all be inlined (the verifier checks
 * them in place). */
#define EI_DECIDE static inline __attribute__((always_inline))

/* splitmix64's increment, 2^64 / the golden ratio. */
#define EI_GOLDEN 0x9e3779b97f4a7c15ULL

/* splitmix64's output function: a draw that depends only on x. */
EI_DECIDE __u64 ei_mix64(__u64 x)
{
	x += EI_GOLDEN;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* ---- a process's place in the process tree (its lineage), for seed= ---- */

/* The launched command: 0, so a seeded rule draws for it as it always did. */
#define EI_LINEAGE_COMMAND 0ULL

/* The k-th process (1-based) given by -p: apart from the command and from
 * each other. */
EI_DECIDE __u64 ei_lineage_root(__u64 k)
{
	return k * EI_GOLDEN;
}

/* A parent's k-th child process (1-based, in the order it forked them). */
EI_DECIDE __u64 ei_lineage_child(__u64 parent, __u64 k)
{
	return ei_mix64(parent ^ ei_mix64(k));
}

/* A process whose place is unknown (enrolled late by --cgroup, or whose
 * parent had gone before it was seen): its tgid's. */
EI_DECIDE __u64 ei_lineage_unknown(__u32 tgid)
{
	return ei_mix64((__u64)tgid);
}

/* ---- prob= and seed= ---- */

/* The seeded draw's part that depends on the call alone: rule i's n-th
 * call of syscall nr (the explorer tries many seeds for one call). */
EI_DECIDE __u64 ei_draw_call(__u32 rule, __u32 nr, __u64 n)
{
	return ei_mix64(((__u64)rule << 48) ^ ((__u64)nr << 32) ^ n);
}

/* The seeded draw, a 32-bit value: reproducible from (seed, rule,
 * syscall, call number, lineage), so a rerun fails the same calls. */
EI_DECIDE __u32 ei_draw_seeded(__u64 seed, __u64 call, __u64 lineage)
{
	return (__u32)ei_mix64(seed ^ call ^ lineage);
}

EI_DECIDE __u32 ei_draw(__u64 seed, __u32 rule, __u32 nr, __u64 n, __u64 lineage)
{
	return ei_draw_seeded(seed, ei_draw_call(rule, nr, n), lineage);
}

/* prob= is a 32-bit fixed point fraction (ei_rule.prob, 1 << 32 for
 * always): a draw below it fires. */
EI_DECIDE bool ei_prob_fires(__u64 draw, __u64 prob)
{
	return (draw & 0xffffffffULL) < prob;
}

/* ---- when=, argK= and fd= ---- */

/* when=first..last+step: call n (1-based) is selected. last 0: no upper
 * bound; step 0: first alone. */
EI_DECIDE bool ei_when_matches(__u64 first, __u64 last, __u64 step, __u64 n)
{
	if (n < first || (last && n > last))
		return false;
	if (!step)
		return n == first;
	return (n - first) % step == 0;
}

/* argK= (and fd=, an arg0= mask): every filtered argument, compared in
 * the bits the kernel uses of it (bits[k]: an int argument is its
 * register's low 32 bits). */
EI_DECIDE bool ei_args_match(const volatile struct ei_rule *r, const __u64 *args, const volatile __u64 *bits)
{
	for (int k = 0; k < 6; k++) {
		__u64 b = bits ? bits[k] : ~0ULL;
		if ((r->filters & EI_FILTER_ARG(k)) && (args[k] & r->arg_mask[k] & b) != (r->arg_value[k] & b))
			return false;
	}
	return true;
}

/* The bits of a syscall argument the kernel uses, from its size in bytes. */
EI_DECIDE __u64 ei_arg_bits(int bytes)
{
	return bytes >= 8 || bytes <= 0 ? ~0ULL : (1ULL << (bytes * 8)) - 1;
}

/* ---- counters ---- */

/* A rule counts the calls it selects when when= is other than 1+ or its
 * prob= draws with a seed (the draw needs the call number). */
EI_DECIDE bool ei_rule_counts(const struct ei_rule *r)
{
	return r->first != 1 || r->last != 0 || r->step != 1 || (r->prob < (1ULL << 32) && r->has_seed);
}

#ifndef __bpf__
#include "core/sysset.h"

/* One counter slot per (counting rule, syscall) pair, for the syscalls of
 * only (NULL: all): slot[i][nr] is 1 + its index, 0 for none. Returns
 * the number of slots. User space only: the kernel side reads the slots
 * it is given. */
static inline __u32 ei_assign_slots(const struct ei_rule *rules, int n, const struct ei_sysset *only,
				    __u32 (*slot)[EI_NR_SYSCALLS])
{
	__u32 next = 0;

	for (int i = 0; i < n; i++)
		for (int nr = 0; nr < EI_NR_SYSCALLS; nr++) {
			bool on = ei_sysset_has(&rules[i].syscalls, nr) && (!only || ei_sysset_has(only, nr));
			slot[i][nr] = ei_rule_counts(&rules[i]) && on ? ++next : 0;
		}
	return next;
}
#endif

#endif
