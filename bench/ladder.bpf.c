// SPDX-License-Identifier: GPL-2.0
/*
 * The steps between a mechanism's floor (bench/floor.bpf.c) and errinj's
 * program on a target's call that no rule fails, one program per step,
 * each doing what the one before does and one thing more, in the order
 * errinj's program (bpf/errinj.bpf.c, decide) does them. bench/ladder.c
 * attaches them to one syscall (all at once, or one: bench/run prices
 * each alone); the kernel times each program's runs (BPF statistics).
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "errinj.h"
#include "core/decide.h"

const volatile __u32 target = 0; /* tgid */
const volatile struct ei_rule rule = {};

__u64 sink = 0;
__u64 maybe_target[EI_PID_LIMIT / 64] = {};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 65536);
	__uint(key_size, sizeof(__u32));
	/* As errinj's: a target's entry with its counters (one here). */
	__uint(value_size, sizeof(struct ei_target) + sizeof(__u64));
} targets SEC(".maps");

/* The designs priced beside the hash lookup (steps 6-8). The same hash
 * preallocated: */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(struct ei_target) + sizeof(__u64));
} targets_pre SEC(".maps");

/* A slot per target in an array (its entry and counters) and an array
 * from pid to 1 + its slot (0: none): two lookups the verifier inlines
 * (an array's is a bounds check and an address, no helper call). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, EI_PID_LIMIT);
	__type(key, __u32);
	__type(value, __u32);
} pid_slot SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1024);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(struct ei_target) + sizeof(__u64));
} slots SEC(".maps");

enum design { HASH, HASH_PREALLOC, SLOTS };

static __always_inline struct ei_target *lookup(__u32 tgid, const enum design d)
{
	__u32 *i, k;

	if (d == HASH)
		return bpf_map_lookup_elem(&targets, &tgid);
	if (d == HASH_PREALLOC)
		return bpf_map_lookup_elem(&targets_pre, &tgid);
	i = bpf_map_lookup_elem(&pid_slot, &tgid);
	if (!i || !*i)
		return NULL;
	k = *i - 1;
	return bpf_map_lookup_elem(&slots, &k);
}

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, EI_NR_SYSCALLS);
	__type(key, __u32);
	__type(value, struct ei_stat);
} stats SEC(".maps");

/* Steps (cumulative):
 *  0 the floor: the caller against the target
 *  1 the syscall number (kprobe: the attach cookie; fmod_ret: orig_ax,
 *    read as errinj reads it) and the may-be-a-target bit
 *  2 the targets map lookup
 *  3 the leader's start time against the entry's, and its state
 *  4 the call counted in the entry (an atomic add) and when= tested
 *    (against the one rule, read-only data set before load)
 *  5 the per-syscall statistics (per-CPU; fmod_ret adds atomically):
 *    errinj's path with --summary
 * Other designs of step 2's lookup, each on its own:
 *  6 step 2, the hash preallocated
 *  7 step 2, a per-pid index to a slot array (two array lookups)
 *  8 step 4 with step 7's lookup
 * And 9-10 (errinj_step, below): step 4 as errinj makes it.
 */
static __always_inline int step(void *ctx, struct pt_regs *regs, const int level, const bool sleepable,
				const enum design d)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32, nr = 0;
	struct ei_target *t;
	struct ei_stat *st;
	__u64 n, start;

	if (tgid != target || level < 1)
		return 0;
	if (sleepable)
		nr = (__u32)regs->orig_ax;
	else
		nr = (__u32)bpf_get_attach_cookie(ctx);
	if (!(maybe_target[(tgid / 64) & (EI_PID_LIMIT / 64 - 1)] & (1ULL << (tgid & 63))) || level < 2)
		return 0;
	t = lookup(tgid, d);
	if (!t || level < 3)
		return 0;
	/* (The entry's start is 0 here: the leader's is read all the same.) */
	start = bpf_get_current_task_btf()->group_leader->start_time;
	if ((t->start && t->start != start) || t->state != EI_TARGET_ACTIVE || level < 4)
		return 0;
	nr &= EI_NR_SYSCALLS - 1;
	st = level >= 5 ? bpf_map_lookup_elem(&stats, &nr) : NULL;
	if (st && sleepable)
		__sync_fetch_and_add(&st->seen, 1);
	else if (st)
		st->seen++;
	if (rule.filters)
		return 0;
	n = __sync_fetch_and_add(&t->counts[0], 1) + 1;
	if (n >= rule.first && (!rule.last || n <= rule.last))
		sink += n;
	return 0;
}

/* errinj's tables and switches (bpf/errinj.bpf.c), set by bench/ladder.c
 * as errinj sets them for one rule on one syscall: read-only data. */
const volatile __u32 nr_rules = 0;
const volatile __u32 nr_slots = 0;
const volatile bool cgroup_mode = false;
const volatile bool owner_only = false;
const volatile bool test_fail_check = false;
const volatile bool count_stats = false;
const volatile bool explore_mode = false;
const volatile struct ei_rule rules[EI_MAX_RULES] = {};
const volatile __u8 sys_nrules[EI_NR_SYSCALLS] = {};
const volatile __u8 sys_rule[EI_NR_SYSCALLS][EI_MAX_RULES] = {};
const volatile __u16 sys_slot[EI_NR_SYSCALLS][EI_MAX_RULES] = {};
__u32 self_tgid = 0;

/* Steps 9 and 10: step 4 as errinj's decide() makes it, in its order.
 *  9 step 4 with errinj's own preamble: the syscall number bounded, the
 *    switches (errinj itself, --cgroup, owner-only, test, -c) tested, the
 *    call's record (struct ei_kcall) zeroed and filled
 * 10 step 9 with the rule found through errinj's per-syscall tables (the
 *    rules naming the syscall, the rule, its filters tested, its counter
 *    slot and the lineage) and errinj's when= (ei_when_matches) */
static __always_inline int errinj_step(void *ctx, struct pt_regs *regs, const int level, const bool sleepable)
{
	__u64 id = bpf_get_current_pid_tgid(), n, lineage, start;
	__u32 tgid = id >> 32, nr, i, slot, idx;
	const volatile struct ei_rule *r;
	struct ei_kcall c = {};
	struct ei_target *t;
	struct ei_stat *st;

	if (tgid != target)
		return 0;
	if (sleepable)
		nr = (__u32)regs->orig_ax;
	else
		nr = (__u32)bpf_get_attach_cookie(ctx);
	if (!(maybe_target[(tgid / 64) & (EI_PID_LIMIT / 64 - 1)] & (1ULL << (tgid & 63))))
		return 0;
	if (nr >= EI_NR_SYSCALLS || tgid == self_tgid || cgroup_mode)
		return 0;
	t = bpf_map_lookup_elem(&targets, &tgid);
	if (!t)
		return 0;
	start = bpf_get_current_task_btf()->group_leader->start_time;
	if ((t->start && t->start != start) || t->state != EI_TARGET_ACTIVE || owner_only || test_fail_check)
		return 0;
	st = count_stats ? bpf_map_lookup_elem(&stats, &nr) : NULL;
	if (st)
		st->seen++;
	c.regs = (__u64)regs;
	c.tgid = tgid;
	c.nr = nr;
	c.fired = EI_MAX_RULES;
	if (level < 10) {
		n = __sync_fetch_and_add(&t->counts[0], 1) + 1;
		if (n >= rule.first && (!rule.last || n <= rule.last))
			sink += n + c.nr;
		return 0;
	}
	nr &= EI_NR_SYSCALLS - 1;
	if (sys_nrules[nr] != 1)
		return 0;
	i = sys_rule[nr][0];
	if (i >= nr_rules || i >= EI_MAX_RULES)
		return 0;
	r = &rules[i];
	if ((r->filters & (EI_FILTER_ARG(6) - 1)) || (r->filters & EI_FILTER_PATH))
		return 0;
	slot = sys_slot[nr][0];
	if (!slot)
		return 0;
	idx = slot - 1;
	if (idx >= nr_slots || idx >= EI_MAX_SLOTS)
		return 0;
	lineage = t->lineage;
	n = __sync_fetch_and_add(&t->counts[idx], 1) + 1;
	if (explore_mode || c.fired < EI_MAX_RULES || (n && !ei_when_matches(r->first, r->last, r->step, n)))
		return 0;
	sink += n + lineage;
	return 0;
}

#define KPROBE_STEP(N, L, D)                                  \
	SEC("kprobe.multi")                                   \
	int ladder_k##N(struct pt_regs *ctx)                  \
	{                                                     \
		return step(ctx, (struct pt_regs *)PT_REGS_PARM1(ctx), L, false, D); \
	}
#define FMOD_STEP(N, L, D)                                    \
	SEC("fmod_ret.s/__x64_sys_openat")                    \
	long ladder_f##N(__u64 *ctx)                          \
	{                                                     \
		if (ctx[1])                                   \
			return ctx[1];                        \
		return step(ctx, (struct pt_regs *)ctx[0], L, true, D); \
	}

KPROBE_STEP(0, 0, HASH)
KPROBE_STEP(1, 1, HASH)
KPROBE_STEP(2, 2, HASH)
KPROBE_STEP(3, 3, HASH)
KPROBE_STEP(4, 4, HASH)
KPROBE_STEP(5, 5, HASH)
KPROBE_STEP(6, 2, HASH_PREALLOC)
KPROBE_STEP(7, 2, SLOTS)
KPROBE_STEP(8, 4, SLOTS)
SEC("kprobe.multi")
int ladder_k9(struct pt_regs *ctx)
{
	return errinj_step(ctx, (struct pt_regs *)PT_REGS_PARM1(ctx), 9, false);
}
SEC("kprobe.multi")
int ladder_k10(struct pt_regs *ctx)
{
	return errinj_step(ctx, (struct pt_regs *)PT_REGS_PARM1(ctx), 10, false);
}
FMOD_STEP(0, 0, HASH)
FMOD_STEP(1, 1, HASH)
FMOD_STEP(2, 2, HASH)
FMOD_STEP(3, 3, HASH)
FMOD_STEP(4, 4, HASH)
FMOD_STEP(5, 5, HASH)
FMOD_STEP(6, 2, HASH_PREALLOC)
FMOD_STEP(7, 2, SLOTS)
FMOD_STEP(8, 4, SLOTS)
SEC("fmod_ret.s/__x64_sys_openat")
long ladder_f9(__u64 *ctx)
{
	if (ctx[1])
		return ctx[1];
	return errinj_step(ctx, (struct pt_regs *)ctx[0], 9, true);
}
SEC("fmod_ret.s/__x64_sys_openat")
long ladder_f10(__u64 *ctx)
{
	if (ctx[1])
		return ctx[1];
	return errinj_step(ctx, (struct pt_regs *)ctx[0], 10, true);
}

char LICENSE[] SEC("license") = "GPL";
