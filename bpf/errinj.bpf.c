// SPDX-License-Identifier: GPL-2.0
/*
 * errinj's kernel side: a kprobe program attached at the entry of every
 * syscall named by a rule (the BPF cookie is the syscall number), or a
 * sleepable fmod_ret program on each (the kprobe and fmod_ret backends:
 * one decision, two ways to act on it), plus scheduler tracepoints that
 * keep the set of target processes: children join at fork, a launcher's
 * child turns active at its own execve, and processes leave at exit (so a
 * reused pid is never a target).
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "errinj.h"
#include "core/decide.h"
#include "may_ptrace.bpf.h"

#define EEXIST 17

/* Set by user space between open and load. */
const volatile __u32 nr_rules = 0;
const volatile __u32 nr_slots = 0; /* counters per target (ei_target.counts) */
const volatile bool follow_forks = true;
const volatile bool cgroup_mode = false;
const volatile __u64 cgroup_id = 0; /* --cgroup: its id (a kernfs inode number) */
const volatile bool emit_events = true; /* false with -q: no ring buffer work */
/* A user who could not ptrace every process (no CAP_SYS_PTRACE) fails
 * only the calls of processes that user could ptrace: whatever a cgroup
 * holds, and whatever a followed child becomes by exec'ing a setuid
 * program. */
const volatile bool owner_only = false;
const volatile __u32 owner_uid = 0;
const volatile __u32 owner_gid = 0;
/* Tests only (ERRINJ_TEST_SLOW_ADD): iterations of an empty loop the add
 * iterator runs between creating an entry and setting its fields, so that
 * a test can land the launcher's calls in that window. */
const volatile __u32 test_add_spin = 0;

/* Invariants (every rule listed for a syscall below nr_rules, a target's
 * entry present while it makes a call, a counter for every counting
 * rule, the scratch space there) are checked where the code relies on
 * them. A broken one is a bug in errinj: the call it met runs untouched,
 * never a wrong injection, and the count is said at exit. The fmod_ret
 * program then also throws where the kernel has BPF exceptions (6.7+):
 * the kernel unwinds it and its default exception callback returns the
 * cookie, 0, which lets the call run. (No callback of our own: libbpf 1.1
 * drops a subprogram that nothing calls, and cannot load one.) kprobe
 * programs may not call bpf_throw, nor may bpf_loop callbacks: there the
 * check is a plain one, and a callback's broken invariant is thrown by the
 * program once the loop returns. */
/* The kfuncs are in a second build of this file (EI_KFUNCS, errinj_kf),
 * which user space loads for fmod_ret only where the kernel's own BTF has
 * both: libbpf 1.1 looks for a kfunc missing there in the modules' BTF,
 * which takes CAP_SYS_ADMIN, even for a weak one. Elsewhere the calls are
 * compiled out and the flags below stay false. */
#ifdef EI_KFUNCS
extern void bpf_throw(__u64 cookie) __ksym __weak;
#else
#define bpf_throw(cookie) ((void)(cookie))
#endif
/* Linux 6.12's string copy from user memory, for sleepable programs (set
 * by user space: the kfunc is in the kernel's BTF); before it, a probe
 * read that cannot fault pages in, retried after faulting them in. */
#ifdef EI_KFUNCS
extern int bpf_copy_from_user_str(void *dst, __u32 dst__sz, const void *unsafe_ptr__ign, __u64 flags) __ksym __weak;
#else
#define bpf_copy_from_user_str(dst, sz, p, flags) (-1)
#endif
const volatile bool have_copy_str = false;
const volatile bool have_throw = false; /* set by user space: bpf_throw is in the kernel's BTF */
/* Tests only (ERRINJ_TEST_FAIL_CHECK): an invariant check fails for
 * every call a rule's syscall makes in a target. */
const volatile bool test_fail_check = false;
/* errinj explore: a target's call fails only as its run (xjobs) says;
 * the session's one rule counts the calls and never fires itself. */
const volatile bool explore_mode = false;
/* Calls seen and injected per syscall (stats), for --summary only. */
const volatile bool count_stats = false;

/* Read by user space at exit. */
__u64 failed_checks = 0; /* invariants found broken */
__u64 thrown_checks = 0; /* of which the program threw */
__u64 dropped_events = 0;
__u64 refused_calls = 0;   /* calls left alone by owner_only */
__u64 lost_targets = 0;    /* processes not followed: the targets map was full */
/* path= could not read the path: from a kprobe (a page not resident, or a
 * bad address), from fmod_ret (a bad address). */
__u64 undecided_calls = 0;
__u64 undecided_fmod_calls = 0;
/* Injections made per rule, for max=: in .bss, which user space maps, so
 * that a backend in user space (seccomp) shares the count atomically. */
__u64 rule_hits[EI_MAX_RULES] = {};
/* 1 + the --cgroup directory's level in the hierarchy, found at the
 * first call from inside it (0: not yet). */
__u32 cgroup_level = 0;

/* The add-target iterator's arguments and result (ei_session_add_target). */
__u32 want_pid = 0; /* in errinj's pid namespace */
__u32 want_state = 0;
__u64 want_lineage = 0;
__u32 want_job = 0;
__u32 add_result = 0;
/* errinj's own process (global tgid), never a target: set by the first
 * run of the iterator, which runs in errinj's context. */
__u32 self_tgid = 0;
/* errinj's pid namespace: its level (0: the initial one, whose numbers
 * are the global ones) and address, set by the same run. */
__u32 self_level = 0;
__u64 self_ns = 0;
__u64 fence = 0;
/* Bit tgid: that process may be a target (set before its entry is made,
 * cleared when its entry goes at exit). A clear bit spares a bystander's
 * call the hash lookup: the test is a load, as cheap as the mechanism's
 * own least program. */
__u64 maybe_target[EI_PID_LIMIT / 64] = {};

static __always_inline bool may_be_target(__u32 tgid)
{
	return cgroup_mode || (maybe_target[(tgid / 64) & (EI_PID_LIMIT / 64 - 1)] & (1ULL << (tgid & 63)));
}

static __always_inline void mark_target(__u32 tgid, bool on)
{
	__u64 *w = &maybe_target[(tgid / 64) & (EI_PID_LIMIT / 64 - 1)];

	if (on)
		__sync_fetch_and_or(w, 1ULL << (tgid & 63));
	else
		__sync_fetch_and_and(w, ~(1ULL << (tgid & 63)));
}

/* explore's runs, written by user space before each run starts. */
struct ei_xjob xjobs[EI_MAX_JOBS] = {};

/* A target process of run job (1-based) came or went. */
static __always_inline void job_live(__u32 job, __s64 d)
{
	if (explore_mode && job)
		__sync_fetch_and_add(&xjobs[(job - 1) & (EI_MAX_JOBS - 1)].live, d);
}

/* The rules and the tables derived from them never change after load:
 * read-only data, which the verifier and the JIT see as such, rather than
 * maps looked up at every call. Per syscall, the rules that name it in
 * order (so that a call visits only those) and each one's counter. */
const volatile struct ei_rule rules[EI_MAX_RULES] = {};
const volatile __u8 sys_nrules[EI_NR_SYSCALLS] = {};
const volatile __u8 sys_rule[EI_NR_SYSCALLS][EI_MAX_RULES] = {};
/* 1 + the index of the rule's counter in ei_target.counts; 0 for a rule
 * that does not count. */
const volatile __u16 sys_slot[EI_NR_SYSCALLS][EI_MAX_RULES] = {};
/* Which argument of each syscall is a path (from the generated table). */
const volatile struct ei_sysinfo sysinfo[EI_NR_SYSCALLS] = {};

/* Target processes by global tgid, with their counters. No BTF value
 * type: user space sets the value size (nr_slots counters) and the size
 * (pid_max, bounded) before load; entries are allocated as processes
 * join, so a large table costs nothing until used. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 65536);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(struct ei_target));
} targets SEC(".maps");

/* A zeroed value of the targets map's size, to create entries from. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(struct ei_target));
} blank SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, EI_NR_SYSCALLS);
	__type(key, __u32);
	__type(value, struct ei_stat);
} stats SEC(".maps");

/* A path filter's buffers. Per CPU for the kprobe program, which runs
 * with preemption off; per task for the sleepable fmod_ret program, which
 * may sleep (a page fault in bpf_copy_from_user) while another task runs
 * on the same CPU. Only a call a path filter looks at touches them. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ei_scratch);
} scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct ei_scratch);
} task_scratch SEC(".maps");

/* NULL only if a task's could not be made (memory ran out). */
static __always_inline struct ei_scratch *get_scratch(const bool sleepable)
{
	__u32 zero = 0;

	if (sleepable)
		return bpf_task_storage_get(&task_scratch, bpf_get_current_task_btf(), 0,
					    BPF_LOCAL_STORAGE_GET_F_CREATE);
	return bpf_map_lookup_elem(&scratch, &zero);
}

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* Creates targets[tgid] from the zeroed template (or finds the entry
 * another thread has just made) and returns it; NULL when the map is
 * full. */
static __always_inline struct ei_target *new_target(__u32 tgid, __u64 flags)
{
	__u32 zero = 0;
	void *b = bpf_map_lookup_elem(&blank, &zero);
	long err;

	if (!b)
		return NULL;
	/* Before the entry exists: a call that finds the entry finds the bit. */
	mark_target(tgid, true);
	err = bpf_map_update_elem(&targets, &tgid, b, flags);
	if (err && err != -EEXIST)
		return NULL;
	return bpf_map_lookup_elem(&targets, &tgid);
}

/* A process that should have become a target and did not (map full). */
static __always_inline struct ei_target *follow(__u32 tgid, __u64 flags)
{
	struct ei_target *t = new_target(tgid, flags);

	if (!t)
		__sync_fetch_and_add(&lost_targets, 1);
	return t;
}

static __always_inline __u64 leader_start(struct task_struct *task)
{
	return BPF_CORE_READ(task, group_leader, start_time);
}

/* The same for the current task, by direct loads through its BTF
 * pointer (no helper calls): this runs at every call of a target. */
static __always_inline __u64 current_leader_start(void)
{
	return bpf_get_current_task_btf()->group_leader->start_time;
}

/* Whether the current task is in the --cgroup directory or below it: its
 * ancestor at that directory's level is that directory. (Not the cgroup
 * array map and bpf_current_task_under_cgroup: a sleepable program may
 * not use that map.) */
static __always_inline bool in_cgroup(void)
{
	__u32 lvl = cgroup_level;

	if (lvl)
		return bpf_get_current_ancestor_cgroup_id(lvl - 1) == cgroup_id;
	for (__u32 l = 0; l < 64; l++) {
		__u64 id = bpf_get_current_ancestor_cgroup_id(l);
		if (!id)
			return false;
		if (id == cgroup_id) {
			cgroup_level = l + 1;
			return true;
		}
	}
	return false;
}

/* The calling process's entry, NULL if it is not a target. */
static __always_inline struct ei_target *current_target(__u32 tgid)
{
	struct ei_target *t;
	__u64 start;

	/* errinj itself never: a cgroup may hold it. */
	if (tgid == self_tgid)
		return NULL;
	/* A cgroup's process is a target while it is in the cgroup. */
	if (cgroup_mode && !in_cgroup())
		return NULL;
	if (!may_be_target(tgid))
		return NULL; /* a bystander: a bit test */
	t = bpf_map_lookup_elem(&targets, &tgid);
	if (!t && !cgroup_mode)
		return NULL;
	start = current_leader_start();
	if (t && t->start && t->start != start) {
		/* Left behind by a process that has gone; its pid is now
		 * another's. */
		__u32 job = t->job;
		if (!bpf_map_delete_elem(&targets, &tgid))
			job_live(job, -1);
		t = NULL;
	}
	if (t || !cgroup_mode)
		return t;
	/* First call seen from this process of the cgroup: enroll it. Two
	 * threads may race here; one entry results and both use it. */
	t = follow(tgid, BPF_NOEXIST);
	if (t && !t->start) {
		t->lineage = ei_lineage_unknown(tgid);
		t->start = start;
	}
	return t;
}

/* The syscall's own arguments, from the struct pt_regs * that the
 * __x64_sys_* entry functions take. */
static __always_inline void read_args(struct ei_kcall *c)
{
	struct pt_regs *regs = (struct pt_regs *)c->regs;

	if (c->have_args)
		return;
	c->args[0] = BPF_CORE_READ(regs, di);
	c->args[1] = BPF_CORE_READ(regs, si);
	c->args[2] = BPF_CORE_READ(regs, dx);
	c->args[3] = BPF_CORE_READ(regs, r10);
	c->args[4] = BPF_CORE_READ(regs, r8);
	c->args[5] = BPF_CORE_READ(regs, r9);
	c->have_args = 1;
}

/* Reads the path argument into sc->path: its first EI_PATH_MAX - 1
 * bytes; truncated when it goes on past them. A kprobe cannot fault a
 * page in: a path on a page not yet resident reads as an error (len -1).
 * A sleepable program can: bpf_copy_from_user of one byte brings the
 * page in (and the next one, for a path that crosses into it). */
static __always_inline void read_path(struct ei_kcall *call, struct ei_scratch *sc, const volatile struct ei_sysinfo *si,
				      const bool sleepable)
{
	const char *p;
	long n;
	char c = 0;

	sc->len = -1;
	sc->truncated = 0;
	if (!si || si->path_arg >= 6)
		return;
	read_args(call);
	p = (const char *)call->args[si->path_arg & 7];
	if (sleepable && have_copy_str) {
		/* Linux 6.12: one copy that faults pages in as it goes. */
		n = bpf_copy_from_user_str(sc->path, EI_PATH_MAX, p, 0);
	} else {
		n = bpf_probe_read_user_str(sc->path, EI_PATH_MAX, p);
		if (n < 0 && sleepable && !bpf_copy_from_user(&c, 1, p)) {
			const char *next = (const char *)(((unsigned long)p | 4095) + 1);
			/* Where the path may go on into the next page, fault it
			 * in too (a failure there is a path that ends before). */
			if (next - p < EI_PATH_MAX)
				bpf_copy_from_user(&c, 1, next);
			n = bpf_probe_read_user_str(sc->path, EI_PATH_MAX, p);
		}
	}
	/* An empty path ("" with AT_EMPTY_PATH: glibc's fstat) reads as 0
	 * from bpf_probe_read_user_str (strncpy_from_user_nofault counts the
	 * NUL only after a byte before it; bpf_copy_from_user_str says 1):
	 * read, not unreadable, which is negative. */
	if (n == 0) {
		sc->path[0] = 0;
		n = 1;
	}
	if (n < 0)
		return;
	sc->len = n - 1;
	/* A full buffer: a path of exactly EI_PATH_MAX - 1 bytes ends there
	 * (its NUL may be on a page not yet in memory). */
	if (n == EI_PATH_MAX &&
	    ((sleepable ? bpf_copy_from_user(&c, 1, p + EI_PATH_MAX - 1)
			: bpf_probe_read_user(&c, 1, p + EI_PATH_MAX - 1)) ||
	     c))
		sc->truncated = 1;
}

struct glob_state {
	__s32 p, s, star_p, star_s, result;
};

/* One step of glob matching of sc->pat against sc->path ('*' any run of
 * bytes, '/' included; '?' one byte), run by bpf_loop so that the
 * verifier checks one step, not every path and pattern length. */
static __always_inline long do_glob_step(struct glob_state *g, const bool sleepable)
{
	struct ei_scratch *sc = get_scratch(sleepable);
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

static long glob_step(__u32 i, struct glob_state *g)
{
	return do_glob_step(g, false);
}

static long glob_step_s(__u32 i, struct glob_state *g)
{
	return do_glob_step(g, true);
}

/* Always 0, but not known to the verifier: see path_matches. */
__s32 glob_origin = 0;

static __always_inline bool path_matches(struct ei_scratch *sc, const volatile struct ei_rule *r, const bool sleepable)
{
	/* The matcher's positions start from a value the verifier cannot
	 * know, so that a step's state is the same at every step: a verifier
	 * that checks a bpf_loop callback until its states converge (6.7+)
	 * otherwise walks every position, one state each, past its limits. */
	struct glob_state g = { .p = glob_origin, .s = glob_origin, .star_p = -1, .result = 0 };

	if (sc->len < 0)
		return false;
	/* A truncated path goes on past what was read: only a pattern that
	 * ends with '*' can match it, that '*' taking the rest. */
	if (sc->truncated && !(r->filters & EI_FILTER_PATH_OPEN))
		return false;
	/* A helper's copy: rules[] is volatile (set by user space before
	 * load), which __builtin_memcpy may not read. */
	bpf_probe_read_kernel(sc->pat, EI_PATTERN_MAX, (const void *)r->pattern);
	/* Enough steps for any pattern against any path; more is a no. */
	bpf_loop(EI_PATH_MAX * EI_PATTERN_MAX, sleepable ? glob_step_s : glob_step, &g, 0);
	return g.result == 1;
}

/* The task's pid as the pid namespace at level lvl sees it (nr, ns);
 * false if the task is not in a namespace that deep. */
static __always_inline bool upid_at(struct task_struct *task, __u32 lvl, struct upid *up)
{
	struct pid *p = BPF_CORE_READ(task, thread_pid);

	if (!p || lvl > 32 || BPF_CORE_READ(p, level) < lvl)
		return false;
	return !bpf_probe_read_kernel(up, sizeof(*up),
				      (void *)p + bpf_core_field_offset(struct pid, numbers) +
					      lvl * bpf_core_type_size(struct upid));
}

/* The event's ids as errinj's own pid namespace sees them, where that
 * is not the initial one (a container's): the current thread's and its
 * leader's numbers at errinj's level, where the namespace there is
 * errinj's. Only an event pays for it. (A --cgroup member outside
 * errinj's namespace has no number there: it keeps its global ids.) */
static __always_inline void ns_ids(struct ei_event *e)
{
	struct task_struct *cur = bpf_get_current_task_btf();
	struct upid up = {};

	if (upid_at(cur, self_level, &up) && (__u64)up.ns == self_ns)
		e->tid = (__u32)up.nr;
	if (upid_at(cur->group_leader, self_level, &up) && (__u64)up.ns == self_ns)
		e->pid = (__u32)up.nr;
}

static __always_inline void emit(__u64 id, __u32 nr, __u32 rule, const volatile struct ei_rule *r,
				 struct ei_kcall *c, const volatile struct ei_sysinfo *si, const bool sleepable)
{
	struct ei_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	struct ei_scratch *sc;

	if (!e) {
		__sync_fetch_and_add(&dropped_events, 1);
		return;
	}
	e->ts_ns = bpf_ktime_get_ns();
	e->pid = id >> 32;
	e->tid = (__u32)id;
	if (self_level)
		ns_ids(e);
	e->nr = nr;
	e->rule = rule;
	e->actions = r->actions;
	e->signal = r->signal;
	e->result = r->actions & EI_ACT_ERROR ? -(__s64)r->error : r->retval;
	read_args(c);
	__builtin_memcpy(e->args, c->args, sizeof(e->args));
	e->path_len = -1;
	e->path_truncated = 0;
	sc = si && si->path_arg < 6 ? get_scratch(sleepable) : NULL;
	if (sc) {
		if (!c->have_path)
			read_path(c, sc, si, sleepable);
		e->path_len = sc->len;
		e->path_truncated = sc->truncated;
		if (sc->len >= 0)
			bpf_probe_read_kernel(e->path, EI_PATH_MAX, sc->path);
	}
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	e->backend = sleepable ? EI_BACKEND_FMOD_RET : EI_BACKEND_KPROBE;
	e->pad = 0;
	e->delay_ns = 0;
	bpf_ringbuf_submit(e, 0);
}

/* argK=: only the bits the kernel uses of the argument (an int is 32). */
static __always_inline bool args_match(const volatile struct ei_rule *r, struct ei_kcall *c,
				       const volatile struct ei_sysinfo *si)
{
	if (!(r->filters & (EI_FILTER_ARG(6) - 1)))
		return true;
	read_args(c);
	return ei_args_match(r, c->args, si ? si->arg_bits : NULL);
}

/* A broken invariant: counted, and thrown where the program may throw. */
static __always_inline void check_failed(const bool may_throw)
{
	__sync_fetch_and_add(&failed_checks, 1);
	if (may_throw && have_throw) {
		__sync_fetch_and_add(&thrown_checks, 1);
		bpf_throw(0);
	}
}

/* In a bpf_loop callback: counted, and left for the program to throw. */
static __always_inline void check_failed_in_step(struct ei_kcall *c)
{
	__sync_fetch_and_add(&failed_checks, 1);
	c->failed = 1;
}

#define EI_NO_COUNT (~0ULL) /* count_call: the rule counts, but could not */

/* The call number n of this call for rule i (1-based), counted in the
 * target's own counters; 0 for a rule that does not count; EI_NO_COUNT
 * if its counter cannot be had (then the rule must not fire). */
static __always_inline __u64 count_call(__u32 tgid, __u32 slot, __u64 *lineage, struct ei_target *t)
{
	__u32 idx;

	if (!slot)
		return 0;
	/* In a bpf_loop step the caller's entry is looked up again. */
	if (!t)
		t = bpf_map_lookup_elem(&targets, &tgid);
	idx = slot - 1;
	/* The caller is a target, and the rule's counter was made with it. */
	if (!t || idx >= nr_slots || idx >= EI_MAX_SLOTS)
		return EI_NO_COUNT;
	*lineage = t->lineage;
	return __sync_fetch_and_add(&t->counts[idx], 1) + 1;
}

/* The k-th rule that names the call's syscall against the call c:
 * filters, counting, when=, prob=, max=; the first rule that fires is
 * noted in c->fired. A bpf_loop step, so that the verifier checks one
 * rule, not all of them unrolled. */
static __always_inline long do_rule_step(__u32 k, const bool sleepable, struct ei_kcall *c, struct ei_target *t)
{
	const volatile struct ei_rule *r;
	const volatile struct ei_sysinfo *si;
	struct ei_scratch *sc;
	__u64 n, *hits, lineage = 0;
	__u32 nr, i;

	nr = c->nr & (EI_NR_SYSCALLS - 1);
	k &= EI_MAX_RULES - 1;
	i = sys_rule[nr][k];
	if (i >= nr_rules || i >= EI_MAX_RULES) {
		/* User space lists only rules it wrote. */
		check_failed_in_step(c);
		return 1;
	}
	r = &rules[i];
	si = &sysinfo[nr];
	/* Filters first: when= counts the calls that pass them. */
	if (!args_match(r, c, si))
		return 0;
	if (r->filters & EI_FILTER_PATH) {
		/* Per CPU it is always there; per task, unless memory ran
		 * out. */
		sc = get_scratch(sleepable);
		if (!sc) {
			check_failed_in_step(c);
			return 1;
		}
		if (!c->have_path) {
			read_path(c, sc, si, sleepable);
			c->have_path = 1;
		}
		if (sc->len < 0) {
			/* Not decidable here: neither failed nor counted, and
			 * said at exit. */
			__sync_fetch_and_add(sleepable ? &undecided_fmod_calls : &undecided_calls, 1);
			return 0;
		}
		if (!path_matches(sc, r, sleepable))
			return 0;
	}
	/* Every rule counts every call it selects, fired or not (a seeded
	 * rule always counts: its draw needs the number and the lineage). */
	n = count_call(c->tgid, sys_slot[nr][k], &lineage, t);
	if (n == EI_NO_COUNT) {
		check_failed_in_step(c);
		return 1;
	}
	if (explore_mode) {
		/* The one rule counts; the call fails if it is the one the
		 * caller's run fails (or, a persistent fault, a later one). */
		struct ei_xjob *x = &xjobs[(c->job - 1) & (EI_MAX_JOBS - 1)];
		/* when=N+ or when=N, as a rule's when= is decided. */
		bool hit = x->persist ? ei_when_matches(x->n, 0, 1, n) :
					ei_when_matches(x->n, 0, 0, n) && x->lineage == lineage;
		if (c->job && x->nr == nr && hit && c->fired >= EI_MAX_RULES) {
			c->x_err = x->error;
			c->fired = i;
			__sync_fetch_and_add(&x->hits, 1);
		}
		return 0;
	}
	if (c->fired < EI_MAX_RULES || (n && !ei_when_matches(r->first, r->last, r->step, n)))
		return 0;
	if (r->prob < (1ULL << 32)) {
		__u64 x = r->has_seed ? ei_draw(r->seed, i, nr, n, lineage) : bpf_get_prandom_u32();
		if (!ei_prob_fires(x, r->prob))
			return 0;
	}
	hits = &rule_hits[i & (EI_MAX_RULES - 1)];
	if (r->max && __sync_fetch_and_add(hits, 1) >= r->max)
		return 0;
	if (!r->max)
		__sync_fetch_and_add(hits, 1);
	c->fired = i;
	return 0;
}

static long rule_step(__u32 i, struct ei_kcall *c)
{
	return do_rule_step(i, false, c, NULL);
}

static long rule_step_s(__u32 i, struct ei_kcall *c)
{
	return do_rule_step(i, true, c, NULL);
}

/* The decision for a call of syscall nr, whose struct pt_regs is regs:
 * the rule that fires (its signal sent, its event made, the stats
 * counted); true with the value the call must return instead of running
 * in *ret, false if it runs. */
static __always_inline bool decide(struct pt_regs *regs, __u32 nr, long *ret, const bool sleepable)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct ei_kcall c = {};
	__u32 fired, nrules;
	struct ei_target *t;
	struct ei_stat *st;
	const volatile struct ei_rule *r;
	bool act = false;

	if (nr >= EI_NR_SYSCALLS)
		return false;
	t = current_target(id >> 32);
	if (!t || t->state != EI_TARGET_ACTIVE)
		return false;
	if (owner_only && !may_ptrace_current(owner_uid, owner_gid)) {
		__sync_fetch_and_add(&refused_calls, 1);
		return false;
	}
	if (test_fail_check) {
		check_failed(sleepable);
		return false;
	}
	st = count_stats ? bpf_map_lookup_elem(&stats, &nr) : NULL;
	/* Per CPU; a sleepable program may be preempted by another task's
	 * run on this CPU, so it adds atomically. */
	if (st && sleepable)
		__sync_fetch_and_add(&st->seen, 1);
	else if (st)
		st->seen++;
	c.regs = (__u64)regs;
	c.tgid = id >> 32;
	c.nr = nr;
	c.fired = EI_MAX_RULES;
	if (explore_mode)
		c.job = t->job;
	/* Only the rules that name this syscall. */
	nrules = sys_nrules[nr & (EI_NR_SYSCALLS - 1)];
	/* One rule, the usual case: decided here, with the entry in hand,
	 * without a loop's calls and lookups. */
	if (nrules == 1)
		do_rule_step(0, sleepable, &c, t);
	else
		bpf_loop(nrules < EI_MAX_RULES ? nrules : EI_MAX_RULES, sleepable ? rule_step_s : rule_step, &c, 0);
	if (c.failed) {
		/* Counted by the step; thrown here (a callback may not). */
		if (sleepable && have_throw) {
			__sync_fetch_and_add(&thrown_checks, 1);
			bpf_throw(0);
		}
		return false;
	}
	fired = c.fired;
	if (fired >= EI_MAX_RULES)
		return false;
	r = &rules[fired];
	if (explore_mode) {
		*ret = -(long)c.x_err;
		act = true;
	} else if (r->actions & EI_ACT_ERROR) {
		*ret = -(long)r->error;
		act = true;
	} else if (r->actions & EI_ACT_RETVAL) {
		*ret = r->retval;
		act = true;
	}
	if (!explore_mode && (r->actions & EI_ACT_SIGNAL))
		bpf_send_signal_thread(r->signal);
	if (st && sleepable)
		__sync_fetch_and_add(&st->injected, 1);
	else if (st)
		st->injected++;
	if (emit_events && !explore_mode)
		emit(id, nr, fired, r, &c, &sysinfo[nr & (EI_NR_SYSCALLS - 1)], sleepable);
	return act;
}

/* The kprobe backend: one kprobe per syscall, or one kprobe.multi link
 * (fprobe) for all of them where the kernel has it: the same program
 * either way, the syscall number its cookie. */
static __always_inline int on_kprobe(struct pt_regs *ctx)
{
	long ret;

	/* A bystander goes before anything else is read. */
	if (!may_be_target(bpf_get_current_pid_tgid() >> 32))
		return 0;
	if (decide((struct pt_regs *)PT_REGS_PARM1(ctx), (__u32)bpf_get_attach_cookie(ctx), &ret, false))
		bpf_override_return(ctx, ret);
	return 0;
}

SEC("ksyscall")
int errinj_syscall(struct pt_regs *ctx)
{
	return on_kprobe(ctx);
}

SEC("kprobe.multi")
int errinj_multi(struct pt_regs *ctx)
{
	return on_kprobe(ctx);
}

/* The fmod_ret backend: loaded once per syscall, its attach target set by
 * user space (the name here is a placeholder). A non-zero return skips
 * the syscall and is its result, so retval=0 is not this backend's. The
 * syscall number is the one the entry code saw (orig_ax). */
SEC("fmod_ret.s/__x64_sys_openat")
long errinj_fmod(__u64 *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)ctx[0];
	long prev = (long)ctx[1], ret = 0;

	/* Another fmod_ret program has already decided. */
	if (prev)
		return prev;
	if (!may_be_target(bpf_get_current_pid_tgid() >> 32))
		return 0;
	/* A plain load: ctx[0] is a typed kernel pointer to the verifier
	 * (the entry's argument), read without a helper's call (which costs
	 * much next to the mechanism's floor: doc/bench.md, the ladder). */
	if (decide(regs, (__u32)regs->orig_ax, &ret, true))
		return ret;
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(errinj_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = BPF_CORE_READ(parent, tgid), ctgid = BPF_CORE_READ(child, tgid);
	struct ei_target *pt, *ct;
	__u64 k;

	/* Threads share their process's entry; only new processes join. */
	if (!follow_forks || ctgid == ptgid || BPF_CORE_READ(child, pid) != ctgid)
		return 0;
	pt = bpf_map_lookup_elem(&targets, &ptgid);
	if (!pt)
		return 0;
	k = __sync_fetch_and_add(&pt->nchildren, 1) + 1;
	/* The child does not run before this returns: filling in the entry
	 * after creating it races with nothing. */
	ct = follow(ctgid, BPF_ANY);
	if (!ct)
		return 0;
	ct->state = pt->state;
	ct->start = BPF_CORE_READ(child, start_time);
	ct->lineage = ei_lineage_child(pt->lineage, k);
	ct->job = pt->job;
	job_live(ct->job, 1);
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
	__u32 tgid = BPF_CORE_READ(p, tgid), job = 0;
	struct ei_target *t;

	/* The last thread of the process: its pid may be reused from now on. */
	if (BPF_CORE_READ(p, signal, live.counter) != 0)
		return 0;
	if (explore_mode && (t = bpf_map_lookup_elem(&targets, &tgid)))
		job = t->job;
	/* Whoever deletes the entry (here or the add iterator) says the
	 * run lost a process: exactly once. */
	if (!bpf_map_delete_elem(&targets, &tgid)) {
		mark_target(tgid, false);
		job_live(job, -1);
	}
	return 0;
}

static long spin_step(__u32 i, void *unused)
{
	return 0;
}

/* Makes the process want_pid (a pid in errinj's own pid namespace, which
 * may be a container's) a target, keyed by its global tgid. User space
 * runs this task iterator, so the current task is errinj. */
SEC("iter/task")
int errinj_add(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task, *me = bpf_get_current_task_btf();
	struct upid mine = {}, theirs = {};
	struct ei_target *t;
	__u32 lvl, tgid;

	self_tgid = BPF_CORE_READ(me, tgid);
	/* errinj's own namespace is the deepest it is in. */
	lvl = BPF_CORE_READ(me, thread_pid, level);
	if (!upid_at(me, lvl, &mine))
		return 0;
	self_level = lvl;
	self_ns = (__u64)mine.ns;
	if (!task || !want_pid)
		return 0;
	tgid = BPF_CORE_READ(task, tgid);
	if (BPF_CORE_READ(task, pid) != tgid)
		return 0; /* one visit per process: its leader */
	if (!upid_at(task, lvl, &theirs) || theirs.ns != mine.ns ||
	    theirs.nr != (int)want_pid)
		return 0;
	if (BPF_CORE_READ(task, signal, live.counter) <= 0) {
		add_result = EI_ADD_EXITED;
		return 0;
	}
	/* The entry is born with its run's number (the blank template
	 * has it), counted before it is visible: the exit program may
	 * delete it at once. */
	job_live(want_job, 1);
	t = new_target(tgid, BPF_ANY);
	if (!t) {
		job_live(want_job, -1);
		add_result = EI_ADD_FULL;
		return 0;
	}
	if (test_add_spin)
		bpf_loop(test_add_spin, spin_step, NULL, 0);
	t->state = want_state;
	t->job = want_job;
	t->start = leader_start(task);
	t->lineage = want_lineage;
	/* It may have exited meanwhile, its exit program having found no
	 * entry to delete: look again after the entry is visible. */
	__sync_fetch_and_add(&fence, 1);
	if (BPF_CORE_READ(task, signal, live.counter) <= 0) {
		if (!bpf_map_delete_elem(&targets, &tgid))
			job_live(want_job, -1);
		add_result = EI_ADD_EXITED;
		return 0;
	}
	add_result = EI_ADD_OK;
	return 0;
}

/* bpf_override_return and bpf_send_signal_thread are GPL-only. */
char LICENSE[] SEC("license") = "GPL";
