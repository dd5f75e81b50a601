// SPDX-License-Identifier: GPL-2.0
/*
 * errinj's kernel side: a kprobe program attached at the entry of every
 * syscall named by a rule (the BPF cookie is the syscall number), plus
 * scheduler tracepoints that keep the set of target processes: children
 * join at fork, a launcher's child turns active at its own execve, and
 * processes leave at exit (so a reused pid is never a target).
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "errinj.h"
#include "may_ptrace.bpf.h"

/* Set by user space between open and load. */
const volatile __u32 nr_rules = 0;
const volatile bool follow_forks = true;
const volatile bool cgroup_mode = false;
const volatile bool emit_events = true; /* false with -q: no ring buffer work */
/* A user who could not ptrace every process (no CAP_SYS_PTRACE) fails
 * only the calls of processes that user could ptrace: whatever a cgroup
 * holds, and whatever a followed child becomes by exec'ing a setuid
 * program. */
const volatile bool owner_only = false;
const volatile __u32 owner_uid = 0;
const volatile __u32 owner_gid = 0;

/* Read by user space at exit. */
__u64 dropped_events = 0;
__u32 next_serial = 1 << 20; /* user space numbers its own targets below */
__u64 refused_calls = 0;     /* calls left alone by owner_only */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, EI_MAX_RULES);
	__type(key, __u32);
	__type(value, struct ei_rule);
} rules SEC(".maps");

/* Injections made per rule, for max=. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, EI_MAX_RULES);
	__type(key, __u32);
	__type(value, __u64);
} rule_hits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32); /* tgid */
	__type(value, struct ei_target);
} targets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct ei_count_key);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, EI_NR_SYSCALLS);
	__type(key, __u32);
	__type(value, struct ei_stat);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} cgroup SEC(".maps");

/* Which argument of each syscall is a path (from the generated table). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, EI_NR_SYSCALLS);
	__type(key, __u32);
	__type(value, struct ei_sysinfo);
} sysinfo SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ei_scratch);
} scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* splitmix64: a seeded decision that depends only on (seed, rule,
 * syscall, call number), so a rerun of the same program fails the same
 * calls. */
static __always_inline __u64 mix(__u64 x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static __always_inline bool when_matches(const struct ei_rule *r, __u64 n)
{
	if (n < r->first || (r->last && n > r->last))
		return false;
	if (!r->step)
		return n == r->first;
	return (n - r->first) % r->step == 0;
}

static __always_inline struct ei_target *current_target(__u32 tgid)
{
	struct ei_target *t = bpf_map_lookup_elem(&targets, &tgid);

	if (t || !cgroup_mode)
		return t;
	if (bpf_current_task_under_cgroup(&cgroup, 0) != 1)
		return NULL;
	/* First call seen from this process of the cgroup: enroll it. */
	struct ei_target nt = {
		.serial = __sync_fetch_and_add(&next_serial, 1),
		.state = EI_TARGET_ACTIVE,
	};
	bpf_map_update_elem(&targets, &tgid, &nt, BPF_NOEXIST);
	return bpf_map_lookup_elem(&targets, &tgid);
}

/* The syscall's own arguments: __x64_sys_* take a struct pt_regs *. */
static __always_inline void read_args(struct pt_regs *ctx, struct ei_scratch *sc)
{
	struct pt_regs *regs = (struct pt_regs *)PT_REGS_PARM1(ctx);

	sc->args[0] = BPF_CORE_READ(regs, di);
	sc->args[1] = BPF_CORE_READ(regs, si);
	sc->args[2] = BPF_CORE_READ(regs, dx);
	sc->args[3] = BPF_CORE_READ(regs, r10);
	sc->args[4] = BPF_CORE_READ(regs, r8);
	sc->args[5] = BPF_CORE_READ(regs, r9);
}

/* Reads the path argument into sc->path: its first EI_PATH_MAX - 1 bytes;
 * a path that fills them may go on (truncated). */
static __always_inline void read_path(struct ei_scratch *sc, __u32 nr)
{
	struct ei_sysinfo *si = bpf_map_lookup_elem(&sysinfo, &nr);
	long n;

	sc->len = -1;
	sc->truncated = 0;
	if (!si || si->path_arg >= 6)
		return;
	n = bpf_probe_read_user_str(sc->path, EI_PATH_MAX, (void *)sc->args[si->path_arg & 7]);
	if (n <= 0)
		return;
	sc->len = n - 1;
	sc->truncated = n == EI_PATH_MAX;
}

struct glob_state {
	__s32 p, s, star_p, star_s, result;
};

/* One step of glob matching of sc->pat against sc->path ('*' any run of
 * bytes, '/' included; '?' one byte), run by bpf_loop so that the
 * verifier checks one step, not every path and pattern length. On a
 * truncated path, a match needs the rest of the pattern to be '*'s. */
static long glob_step(__u32 i, struct glob_state *g)
{
	__u32 zero = 0;
	struct ei_scratch *sc = bpf_map_lookup_elem(&scratch, &zero);
	char pc;

	if (!sc || g->p < 0 || g->p >= EI_PATTERN_MAX || g->s < 0 || g->s >= EI_PATH_MAX) {
		g->result = 0;
		return 1;
	}
	pc = sc->pat[g->p];
	if (g->s < sc->len) {
		if (pc == '*') {
			g->star_p = g->p++;
			g->star_s = g->s;
			return 0;
		}
		if (pc && (pc == '?' || pc == sc->path[g->s])) {
			g->p++;
			g->s++;
			return 0;
		}
		if (g->star_p >= 0) {
			g->p = g->star_p + 1;
			g->s = ++g->star_s;
			return 0;
		}
		g->result = 0;
		return 1;
	}
	if (pc == '*') {
		g->p++;
		return 0;
	}
	g->result = pc == 0;
	return 1;
}

static __always_inline bool path_matches(struct ei_scratch *sc, const struct ei_rule *r)
{
	struct glob_state g = { .star_p = -1, .result = 0 };

	if (sc->len < 0)
		return false;
	__builtin_memcpy(sc->pat, r->pattern, EI_PATTERN_MAX);
	/* Enough steps for any pattern against any path; more is a no. */
	bpf_loop(EI_PATH_MAX * EI_PATTERN_MAX, glob_step, &g, 0);
	return g.result == 1;
}

static __always_inline void emit(__u64 id, __u32 nr, __u32 rule, const struct ei_rule *r,
				 struct ei_scratch *sc, bool have_path)
{
	struct ei_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e) {
		__sync_fetch_and_add(&dropped_events, 1);
		return;
	}
	e->ts_ns = bpf_ktime_get_ns();
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->nr = nr;
	e->rule = rule;
	e->actions = r->actions;
	e->signal = r->signal;
	e->result = r->actions & EI_ACT_ERROR ? -(__s64)r->error : r->retval;
	__builtin_memcpy(e->args, sc->args, sizeof(e->args));
	if (!have_path)
		read_path(sc, nr);
	e->path_len = sc->len;
	e->path_truncated = sc->truncated;
	if (sc->len >= 0)
		bpf_probe_read_kernel(e->path, EI_PATH_MAX, sc->path);
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
}

static __always_inline bool args_match(const struct ei_rule *r, const struct ei_scratch *sc)
{
	for (int k = 0; k < 6; k++)
		if ((r->filters & EI_FILTER_ARG(k)) && (sc->args[k] & r->arg_mask[k]) != r->arg_value[k])
			return false;
	return true;
}

static __always_inline int on_syscall(struct pt_regs *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 nr = (__u32)bpf_get_attach_cookie(ctx), i, zero = 0, fired = EI_MAX_RULES;
	bool have_path = false;
	struct ei_scratch *sc;
	struct ei_target *t;
	struct ei_stat *st;

	t = current_target(id >> 32);
	if (!t || t->state != EI_TARGET_ACTIVE || nr >= EI_NR_SYSCALLS)
		return 0;
	if (owner_only && !may_ptrace_current(owner_uid, owner_gid)) {
		__sync_fetch_and_add(&refused_calls, 1);
		return 0;
	}
	sc = bpf_map_lookup_elem(&scratch, &zero);
	if (!sc)
		return 0;
	st = bpf_map_lookup_elem(&stats, &nr);
	if (st)
		st->seen++;
	read_args(ctx, sc);

	for (i = 0; i < EI_MAX_RULES && i < nr_rules; i++) {
		__u32 key = i;
		struct ei_rule *r = bpf_map_lookup_elem(&rules, &key);
		struct ei_count_key ck = { .serial = t->serial, .nr = nr, .rule = i };
		__u64 *cnt, n = 1, *hits;

		if (!r || !(r->syscalls[(nr / 64) & (EI_NR_SYSCALLS / 64 - 1)] & (1ULL << (nr % 64))))
			continue;
		/* Filters first: when= counts the calls that pass them. */
		if (!args_match(r, sc))
			continue;
		if (r->filters & EI_FILTER_PATH) {
			if (!have_path) {
				read_path(sc, nr);
				have_path = true;
			}
			if (!path_matches(sc, r))
				continue;
		}
		/* Every rule counts every call it selects, fired or not. */
		cnt = bpf_map_lookup_elem(&counts, &ck);
		if (cnt)
			n = __sync_fetch_and_add(cnt, 1) + 1;
		else
			bpf_map_update_elem(&counts, &ck, &n, BPF_ANY);
		if (fired < EI_MAX_RULES || !when_matches(r, n))
			continue;
		if (r->prob < (1ULL << 32)) {
			__u64 x = r->has_seed ? mix(r->seed ^ mix(((__u64)i << 48) ^ ((__u64)nr << 32) ^ n))
					      : bpf_get_prandom_u32();
			if ((x & 0xffffffffULL) >= r->prob)
				continue;
		}
		hits = bpf_map_lookup_elem(&rule_hits, &key);
		if (!hits)
			continue;
		if (r->max && __sync_fetch_and_add(hits, 1) >= r->max)
			continue;
		if (!r->max)
			__sync_fetch_and_add(hits, 1);
		fired = i;
		if (r->actions & EI_ACT_ERROR)
			bpf_override_return(ctx, -(long)r->error);
		else if (r->actions & EI_ACT_RETVAL)
			bpf_override_return(ctx, r->retval);
		if (r->actions & EI_ACT_SIGNAL)
			bpf_send_signal_thread(r->signal);
		if (st)
			st->injected++;
		if (emit_events)
			emit(id, nr, i, r, sc, have_path);
	}
	return 0;
}

/* One kprobe per syscall, or one kprobe.multi link (fprobe) for all of
 * them where the kernel has it: the same program either way, the syscall
 * number its cookie. */
SEC("ksyscall")
int errinj_syscall(struct pt_regs *ctx)
{
	return on_syscall(ctx);
}

SEC("kprobe.multi")
int errinj_multi(struct pt_regs *ctx)
{
	return on_syscall(ctx);
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(errinj_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = BPF_CORE_READ(parent, tgid), ctgid = BPF_CORE_READ(child, tgid);
	struct ei_target *pt, nt;

	/* Threads share their process's entry; only new processes join. */
	if (!follow_forks || ctgid == ptgid || BPF_CORE_READ(child, pid) != ctgid)
		return 0;
	pt = bpf_map_lookup_elem(&targets, &ptgid);
	if (!pt)
		return 0;
	nt.serial = __sync_fetch_and_add(&next_serial, 1);
	nt.state = pt->state;
	bpf_map_update_elem(&targets, &ctgid, &nt, BPF_ANY);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(errinj_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	__u32 tgid = BPF_CORE_READ(p, tgid);
	struct ei_target *t = bpf_map_lookup_elem(&targets, &tgid);

	if (t)
		t->state = EI_TARGET_ACTIVE;
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(errinj_exit, struct task_struct *p)
{
	__u32 tgid = BPF_CORE_READ(p, tgid);

	/* The last thread of the process: its pid may be reused from now on. */
	if (BPF_CORE_READ(p, signal, live.counter) == 0)
		bpf_map_delete_elem(&targets, &tgid);
	return 0;
}

/* bpf_override_return and bpf_send_signal_thread are GPL-only. */
char LICENSE[] SEC("license") = "GPL";
