// SPDX-License-Identifier: GPL-2.0
/*
 * The injection engine: runs the plan (lib/engine/plan.c) of which backend
 * serves each syscall. The BPF backends share one load of
 * bpf/errinj.bpf.c (rules, targets, counters, events): kprobe attaches
 * its syscalls with one kprobe.multi link or one kprobe each, the
 * syscall number as BPF cookie; fmod_ret loads its program once per
 * syscall (a trampoline program is verified for one attach target),
 * every copy using the first load's maps. The seccomp backend
 * (lib/seccomp/supervisor.c) serves the rest from user space. The engine keeps the
 * targets, starts the command and delivers the events.
 * Everything is held by file descriptors and nothing is pinned, so the
 * kernel detaches all of it when the process exits, however it exits.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "engine/engine.h"
#include "seccomp/seccomp.h"
#include "errinj.skel.h"
#include "errinj_kf.skel.h"


struct ei_session {
	struct ei_plan plan;
	struct errinj_bpf *skel;       /* NULL when no BPF backend serves */
	struct bpf_link *links[EI_NR_SYSCALLS];
	int nlinks;
	struct ei_sup *sup;            /* the seccomp backend, or NULL */
	__u64 local_hits[EI_MAX_RULES]; /* max= counts when there is no BPF side */
	int epfd;                      /* ring buffer and supervisor, for the caller's loop */
	bool sup_watched;
	struct bpf_link *add_iter; /* errinj_add: makes a pid a target */
	struct ring_buffer *rb;
	ei_event_fn fn;
	void *ctx;
	__u64 nroots; /* targets added by user space, for their lineage */
	bool test_slow_add; /* ei_options.test_slow_add: see ei_session_launch */
	bool kfuncs;        /* fmod_ret loads the kfunc build (errinj_kf) */
	/* explore: the session is shared with forked workers, which add
	 * targets under this lock (the iterator's arguments and the blank
	 * template are one for all); each launches with its own job. */
	pthread_mutex_t *add_lock;
	__u32 launch_job;
};

/* The targets map: room for every pid where pid_max is small, and for
 * EI_MAX_TARGETS live processes otherwise (allocated as they join). */
static __u32 targets_size(const struct ei_options *o)
{
	long pid_max = 0;
	FILE *f;

	if (o->test_max_targets)
		return o->test_max_targets;
	f = fopen("/proc/sys/kernel/pid_max", "re");
	if (f) {
		if (fscanf(f, "%ld", &pid_max) != 1)
			pid_max = 0;
		fclose(f);
	}
	if (pid_max <= 0 || pid_max > EI_MAX_TARGETS)
		return EI_MAX_TARGETS;
	return pid_max < 1024 ? 1024 : (__u32)pid_max;
}

static int on_sample(void *ctx, void *data, size_t len)
{
	struct ei_session *s = ctx;

	if (len < sizeof(struct ei_event) || !s->fn)
		return 0;
	return s->fn(data, s->ctx);
}

static bool named(const struct ei_options *o, int nr)
{
	for (int i = 0; i < o->nspecs; i++)
		if (ei_sysset_has(&o->specs[i].named, nr))
			return true;
	return false;
}

/* A syscall the kernel refused to let us fail, which came from a class:
 * it leaves the plan. */
static void unplan(struct ei_session *s, int nr)
{
	s->plan.backend[nr] = -1;
	for (int i = 0; i < EI_MAX_RULES; i++)
		ei_sysset_del(&s->plan.syscalls[i], nr);
}

/* One kprobe.multi link for every kprobe syscall, the syscall number as
 * each one's cookie. The kernel refuses the whole link if one of them is
 * off its error injection list: -1 then, and the caller attaches one by
 * one, which tells which. */
static int attach_multi(struct ei_session *s)
{
	char names[EI_NR_SYSCALLS][64];
	const char *syms[EI_NR_SYSCALLS];
	__u64 cookies[EI_NR_SYSCALLS];
	size_t n = 0;

	for (int nr = 0; nr < EI_NR_SYSCALLS; nr++) {
		if (s->plan.backend[nr] != EI_BACKEND_KPROBE)
			continue;
		snprintf(names[n], sizeof(names[n]), "__x64_sys_%s", ei_syscall_info(nr)->entry);
		syms[n] = names[n];
		cookies[n++] = nr;
	}
	LIBBPF_OPTS(bpf_kprobe_multi_opts, mopts, .syms = syms, .cnt = n, .cookies = cookies);
	struct bpf_link *l = bpf_program__attach_kprobe_multi_opts(s->skel->progs.errinj_multi, NULL, &mopts);
	if (!l)
		return -1;
	s->links[s->nlinks++] = l;
	return 0;
}

/* One kprobe per syscall, the syscall number as its cookie. The kernel
 * refuses an override kprobe on a function off its error injection
 * list: fatal for a syscall named one by one, a syscall less for a
 * class. */
static int attach_each(struct ei_session *s, const struct ei_options *o, char *err, size_t len)
{
	for (int nr = 0; nr < EI_NR_SYSCALLS; nr++) {
		bool refused;
		if (s->plan.backend[nr] != EI_BACKEND_KPROBE)
			continue;
		struct bpf_link *l =
			ei_attach_syscall(s->skel->progs.errinj_syscall, nr, nr, o->verbose, &refused, err, len);
		if (!l && refused && !named(o, nr)) {
			unplan(s, nr);
			continue;
		}
		if (!l)
			return -1;
		s->links[s->nlinks++] = l;
	}
	return 0;
}

/* The fmod_ret program for syscall nr: a load of its own (the verifier
 * checks a trampoline program against one function), from the same
 * object file, every map of it the main load's. Only its link is kept:
 * the link holds the program and the program its maps, and an object per
 * syscall would hold a dozen descriptors each (285 syscalls would pass
 * the usual limit of 1024). */
static int attach_fmod(struct ei_session *s, const struct ei_options *o, int nr, char *err, size_t len)
{
	LIBBPF_OPTS(bpf_object_open_opts, oopts, .object_name = bpf_object__name(s->skel->obj));
	const struct ei_syscall_entry *e = ei_syscall_info(nr);
	struct bpf_object *obj;
	struct bpf_program *p, *prog = NULL;
	struct bpf_map *m;
	struct bpf_link *l;
	const void *elf;
	size_t sz;
	char fn[96];
	int r = -1;

	elf = s->kfuncs ? errinj_kf_bpf__elf_bytes(&sz) : errinj_bpf__elf_bytes(&sz);
	obj = bpf_object__open_mem(elf, sz, &oopts);
	if (!obj)
		return ei_fail(err, len, "cannot open the eBPF program: %s", strerror(errno));
	bpf_object__for_each_program(p, obj) {
		bool mine = !strcmp(bpf_program__name(p), "errinj_fmod");
		bpf_program__set_autoload(p, mine);
		if (mine)
			prog = p;
	}
	bpf_object__for_each_map(m, obj) {
		struct bpf_map *main = bpf_object__find_map_by_name(s->skel->obj, bpf_map__name(m));
		if (!main || bpf_map__reuse_fd(m, bpf_map__fd(main))) {
			ei_fail(err, len, "cannot share map %s with the fmod_ret program: %s", bpf_map__name(m),
				strerror(errno));
			goto out;
		}
	}
	snprintf(fn, sizeof(fn), "__x64_sys_%s", e->entry);
	if (!prog || bpf_program__set_attach_target(prog, 0, fn)) {
		ei_fail(err, len, "cannot aim the fmod_ret program at %s: %s", fn, strerror(errno));
		goto out;
	}
	if (bpf_object__load(obj)) {
		/* EINVAL for a function off the error injection list (a list
		 * we could not read): as a refused kprobe. */
		if (errno == EINVAL && !named(o, nr)) {
			unplan(s, nr);
			r = 0;
		} else if (errno == EINVAL) {
			/* The list was unreadable (not root): the kernel's
			 * refusal says it. */
			ei_fail(err, len,
				"the kernel does not allow overriding %s (it refused the fmod_ret program: "
				"the syscall is not on its error injection list)",
				ei_syscall_name(nr));
		} else {
			ei_fail(err, len, "cannot load the fmod_ret program for %s: %s%s", ei_syscall_name(nr),
				strerror(errno), o->verbose ? "" : " (-v shows libbpf's log)");
		}
		goto out;
	}
	l = bpf_program__attach_trace(prog);
	if (!l) {
		ei_fail(err, len, "cannot attach the fmod_ret program to %s: %s", fn, strerror(errno));
		goto out;
	}
	s->links[s->nlinks++] = l;
	r = 0;
out:
	bpf_object__close(obj);
	return r;
}

/* The kprobe syscalls (one kprobe.multi link where the kernel has them,
 * else, or if it refuses it, one kprobe each) and the fmod_ret ones; then
 * every rule must still have a syscall. */
static int attach_all(struct ei_session *s, const struct ei_options *o, bool multi, char *err, size_t len)
{
	if ((s->plan.used & (1u << EI_BACKEND_KPROBE)) && (!multi || attach_multi(s)) && attach_each(s, o, err, len))
		return -1;
	for (int nr = 0; nr < EI_NR_SYSCALLS; nr++)
		if (s->plan.backend[nr] == EI_BACKEND_FMOD_RET && attach_fmod(s, o, nr, err, len))
			return -1;
	for (int i = 0; i < o->nspecs; i++) {
		bool any = !ei_sysset_empty(&s->plan.syscalls[i]);

		/* A rule later ones replaced for all its syscalls (as strace's
		 * -e inject=) has none to attach. */
		if (!any && o->specs[i].nsyscalls)
			return ei_fail(err, len, "rule %d: this kernel lets errinj fail none of its syscalls", i + 1);
	}
	return 0;
}

/* The blank template's state and run (the rest stays zero). */
static int set_blank_state(struct ei_session *s, __u32 state, __u32 job)
{
	size_t sz = bpf_map__value_size(s->skel->maps.blank);
	struct ei_target *v = calloc(1, sz);
	__u32 zero = 0;
	int r;

	if (!v)
		return -1;
	v->state = state;
	v->job = job;
	r = bpf_map__update_elem(s->skel->maps.blank, &zero, sizeof(zero), v, sz, BPF_ANY);
	free(v);
	return r;
}

/* Runs the errinj_add iterator once: it visits every task, in errinj's
 * own context. Returns its result (EI_ADD_*), -1 with errno on failure. */
static int do_add_iter(struct ei_session *s, pid_t pid, __u32 state, __u64 lineage)
{
	char buf[64];
	int fd;
	ssize_t n;

	/* The iterator creates the entry from the blank template and then
	 * sets its state: a target pending its execve must not be active
	 * (state 0) in between, or a call of the launcher's counts. */
	if (set_blank_state(s, state, s->launch_job))
		return -1;
	s->skel->bss->want_pid = (__u32)pid;
	s->skel->bss->want_state = state;
	s->skel->bss->want_lineage = lineage;
	s->skel->bss->want_job = s->launch_job;
	s->skel->bss->add_result = EI_ADD_NONE;
	fd = bpf_iter_create(bpf_link__fd(s->add_iter));
	if (fd < 0)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		;
	close(fd);
	if (set_blank_state(s, EI_TARGET_ACTIVE, 0) || n < 0)
		return -1;
	return (int)s->skel->bss->add_result;
}

static int run_add_iter(struct ei_session *s, pid_t pid, __u32 state, __u64 lineage)
{
	int r, e;

	if (!s->add_lock)
		return do_add_iter(s, pid, state, lineage);
	/* A worker killed while holding it leaves it to the next one. */
	r = pthread_mutex_lock(s->add_lock);
	if (r == EOWNERDEAD)
		pthread_mutex_consistent(s->add_lock);
	else if (r) {
		errno = r;
		return -1;
	}
	r = do_add_iter(s, pid, state, lineage);
	e = errno;
	pthread_mutex_unlock(s->add_lock);
	errno = e;
	return r;
}

/* --cgroup: the directory's cgroup id, which on a 64-bit kernel is its
 * kernfs inode number (not name_to_handle_at: CONFIG_FHANDLE may be off). */
static int cgroup_id(int fd, __u64 *id)
{
	struct stat st;

	if (fstat(fd, &st))
		return -1;
	*id = st.st_ino;
	return 0;
}

/* The rules as the kernel side reads them, each cut to the syscalls of
 * the BPF backends, and their counter slots: the number of slots, or -1
 * with a sentence if there are more than a target's counters. */
static int encode_rules(struct ei_session *s, const struct ei_options *o, struct ei_rule *rules,
			__u32 (*slot)[EI_NR_SYSCALLS], char *err, size_t len)
{
	__u32 nslots;

	for (int i = 0; i < o->nspecs; i++) {
		ei_rule_encode(&o->specs[i], &rules[i]);
		/* The kernel side decides only the calls of its backends. */
		for (int nr = 0; nr < EI_NR_SYSCALLS; nr++)
			if (s->plan.backend[nr] != EI_BACKEND_KPROBE && s->plan.backend[nr] != EI_BACKEND_FMOD_RET)
				ei_sysset_del(&rules[i].syscalls, nr);
	}
	nslots = ei_assign_slots(rules, o->nspecs, NULL, slot);
	/* A target's counters are one allocation when it joins (at fork,
	 * where it may not sleep): at most EI_MAX_COUNTERS of them, 64 KiB,
	 * as many as 16 counting rules on every syscall. */
	if (nslots > EI_MAX_COUNTERS)
		return ei_fail(err, len,
			       "the rules count the calls of %u (rule, syscall) pairs, more than the %d counters errinj "
			       "keeps per process: name fewer syscalls in the rules with when= or seed=",
			       nslots, EI_MAX_COUNTERS);
	return (int)nslots;
}

/* Per syscall, the rules that name it, in order, with their counters,
 * and which argument is a path (for path= and for the events). */
static void write_syscalls(struct ei_session *s, const struct ei_options *o, const struct ei_rule *rules,
			   __u32 (*slot)[EI_NR_SYSCALLS])
{
	for (int nr = 0; nr < EI_NR_SYSCALLS; nr++) {
		const struct ei_syscall_entry *e = ei_syscall_info(nr);
		struct ei_sysinfo si = { .path_arg = EI_NO_ARG };
		__u8 n = 0;

		for (int i = 0; i < o->nspecs; i++)
			if (ei_sysset_has(&rules[i].syscalls, nr)) {
				s->skel->rodata->sys_rule[nr][n] = (__u8)i;
				s->skel->rodata->sys_slot[nr][n] = (__u16)slot[i][nr];
				n++;
			}
		s->skel->rodata->sys_nrules[nr] = n;
		if (!e)
			continue;
		if (e->path_arg >= 0)
			si.path_arg = e->path_arg;
		si.fd_first = e->fd_first;
		for (int k = 0; k < 6; k++)
			si.arg_bits[k] = ei_arg_bits(e->arg_bytes[k]);
		memcpy((void *)&s->skel->rodata->sysinfo[nr], &si, sizeof(si));
	}
}

/* The session's settings in the read-only data: targets, events, the
 * owner the kernel side may fail, the kfuncs, the tests' hooks. */
static int write_settings(struct ei_session *s, const struct ei_options *o, bool with_events, char *err, size_t len)
{
	struct ei_owner own = ei_owner_get();

	s->skel->rodata->follow_forks = o->follow;
	s->skel->rodata->cgroup_mode = o->cgroup_fd >= 0;
	s->skel->rodata->emit_events = with_events && !o->explore;
	s->skel->rodata->explore_mode = o->explore;
	s->skel->rodata->count_stats = o->stats;
	if (o->cgroup_fd >= 0 && cgroup_id(o->cgroup_fd, (__u64 *)&s->skel->rodata->cgroup_id))
		return ei_fail(err, len, "cannot read the cgroup's id: %s", strerror(errno));
	s->skel->rodata->owner_only = own.only;
	s->skel->rodata->owner_uid = own.uid;
	s->skel->rodata->owner_gid = own.gid;
	/* The kfunc build of the program serves fmod_ret where the kernel's
	 * BTF has both kfuncs (see bpf/errinj.bpf.c). */
	s->kfuncs = ei_kernel_has_kfunc("bpf_copy_from_user_str") && ei_kernel_has_kfunc("bpf_throw");
	s->skel->rodata->have_throw = s->kfuncs && ei_bpf_exceptions();
	s->skel->rodata->have_copy_str = s->kfuncs;
	s->skel->rodata->test_fail_check = o->test_fail_check;
	s->test_slow_add = o->test_slow_add;
	if (s->test_slow_add)
		s->skel->rodata->test_add_spin = 1 << 23; /* bpf_loop's most */
	return 0;
}

/* Loads the object, then starts what keeps the targets: the ring
 * buffer, the iterator that adds them, the scheduler tracepoints. */
static int load_and_track(struct ei_session *s, const struct ei_options *o, bool multi, char *err, size_t len)
{
	bool kprobe = s->plan.used & (1u << EI_BACKEND_KPROBE);

	/* Attached by attach_all, not by the skeleton. The kprobe programs
	 * are loaded only for the kprobe backend (bpf_override_return exists
	 * only with CONFIG_BPF_KPROBE_OVERRIDE), the kprobe.multi one only
	 * where the kernel has such links; fmod_ret is loaded per syscall. */
	bpf_program__set_autoload(s->skel->progs.errinj_multi, multi);
	bpf_program__set_autoload(s->skel->progs.errinj_syscall, kprobe);
	bpf_program__set_autoload(s->skel->progs.errinj_fmod, false);
	bpf_program__set_autoattach(s->skel->progs.errinj_multi, false);
	bpf_program__set_autoattach(s->skel->progs.errinj_syscall, false);
	bpf_program__set_autoattach(s->skel->progs.errinj_fmod, false);
	bpf_program__set_autoattach(s->skel->progs.errinj_add, false);
	if (errinj_bpf__load(s->skel))
		return ei_fail(err, len, "cannot load the eBPF program: %s%s", strerror(errno),
			       o->verbose ? "" : " (-v shows libbpf's log)");
	s->rb = ring_buffer__new(bpf_map__fd(s->skel->maps.events), on_sample, s, NULL);
	if (!s->rb)
		return ei_fail(err, len, "cannot open the event ring buffer: %s", strerror(errno));
	/* The iterator that adds targets; a first run tells the kernel side
	 * which process is errinj's own (never a target). */
	s->add_iter = bpf_program__attach_iter(s->skel->progs.errinj_add, NULL);
	if (!s->add_iter || run_add_iter(s, 0, 0, 0) < 0)
		return ei_fail(err, len, "cannot run the task iterator: %s%s", strerror(errno),
			       o->verbose ? "" : " (-v shows libbpf's log)");
	/* The scheduler tracepoints first: targets must be tracked before
	 * the first injection can happen. */
	if (errinj_bpf__attach(s->skel))
		return ei_fail(err, len, "cannot attach the scheduler tracepoints: %s%s", strerror(errno),
			       o->verbose ? "" : " (-v shows libbpf's log)");
	return 0;
}

/* The BPF side: one load of the object, the rules, the syscall table,
 * the iterator and tracepoints that keep the targets, then the kprobe
 * and fmod_ret attachments. */
static int open_bpf(struct ei_session *s, const struct ei_options *o, bool with_events, char *err, size_t len)
{
	struct ei_rule rules[EI_MAX_RULES];
	static __u32 slot[EI_MAX_RULES][EI_NR_SYSCALLS];
	int nslots = encode_rules(s, o, rules, slot, err, len);
	__u32 value_size;
	bool multi;

	if (nslots < 0)
		return -1;
	value_size = sizeof(struct ei_target) + (__u32)nslots * sizeof(__u64);
	s->skel = errinj_bpf__open();
	if (!s->skel)
		return ei_fail(err, len, "cannot open the eBPF program: %s", strerror(errno));
	s->skel->rodata->nr_rules = o->nspecs;
	s->skel->rodata->nr_slots = (__u32)nslots;
	/* The rules: read-only data, written before load. */
	memcpy((void *)s->skel->rodata->rules, rules, o->nspecs * sizeof(rules[0]));
	write_syscalls(s, o, rules, slot);
	if (write_settings(s, o, with_events, err, len))
		return -1;
	if (bpf_map__set_value_size(s->skel->maps.targets, value_size) ||
	    bpf_map__set_value_size(s->skel->maps.blank, value_size) ||
	    bpf_map__set_max_entries(s->skel->maps.targets, targets_size(o)))
		return ei_fail(err, len, "cannot size the targets table: %s", strerror(errno));
	multi = (s->plan.used & (1u << EI_BACKEND_KPROBE)) && !o->single_kprobes && ei_kprobe_multi_supported();
	if (load_and_track(s, o, multi, err, len))
		return -1;
	return attach_all(s, o, multi, err, len);
}

static int watch(int epfd, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

struct ei_session *ei_session_open(const struct ei_options *o, ei_event_fn fn, void *ctx, char *err,
				   size_t len)
{
	struct ei_facts facts;
	struct ei_session *s;

	s = calloc(1, sizeof(*s));
	if (!s) {
		ei_fail(err, len, "out of memory");
		return NULL;
	}
	s->fn = fn;
	s->ctx = ctx;
	s->epfd = -1;
	ei_facts_gather(o, &facts);
	if (ei_plan_make(o, &facts, &s->plan, err, len))
		goto fail;
	if (o->explore) {
		pthread_mutexattr_t a;
		if (s->plan.used & ~(1u << EI_BACKEND_KPROBE | 1u << EI_BACKEND_FMOD_RET)) {
			ei_fail(err, len, "a shared injector needs a BPF backend");
			goto fail;
		}
		s->add_lock = mmap(NULL, sizeof(*s->add_lock), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (s->add_lock == MAP_FAILED) {
			s->add_lock = NULL;
			ei_fail(err, len, "mmap: %s", strerror(errno));
			goto fail;
		}
		pthread_mutexattr_init(&a);
		pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
		pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
		pthread_mutex_init(s->add_lock, &a);
		pthread_mutexattr_destroy(&a);
	}
	if ((s->plan.used & (1u << EI_BACKEND_KPROBE | 1u << EI_BACKEND_FMOD_RET)) && open_bpf(s, o, fn != NULL, err, len))
		goto fail;
	if (s->plan.used & (1u << EI_BACKEND_SECCOMP)) {
		struct ei_rule rules[EI_MAX_RULES];
		struct ei_sysset trap = {};
		for (int i = 0; i < o->nspecs; i++)
			ei_rule_encode(&o->specs[i], &rules[i]);
		for (int nr = 0; nr < EI_NR_SYSCALLS; nr++)
			if (s->plan.backend[nr] == EI_BACKEND_SECCOMP)
				ei_sysset_add(&trap, nr);
		struct ei_sup_options so = {
			.rules = rules,
			.specs = o->specs,
			.nrules = o->nspecs,
			.trap = &trap,
			.follow = o->follow,
			/* max= counts injections by any backend. */
			.rule_hits = s->skel ? s->skel->bss->rule_hits : s->local_hits,
			.fn = fn,
			.ctx = ctx,
			.in_filter = o->in_filter && !o->stats,
			.keeper = o->keeper,
		};
		s->sup = ei_sup_new(&so, err, len);
		if (!s->sup)
			goto fail;
	}
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (s->epfd < 0 || (s->rb && watch(s->epfd, ring_buffer__epoll_fd(s->rb)))) {
		ei_fail(err, len, "epoll: %s", strerror(errno));
		goto fail;
	}
	return s;
fail:
	ei_session_close(s);
	return NULL;
}

/* pid is a pid of errinj's own pid namespace (a container's, say): the
 * kernel side finds that process and keys it by its global tgid. */
int ei_session_add_target(struct ei_session *s, pid_t pid, bool pending_exec)
{
	/* The launched command is the root of the process tree; -p
	 * processes are numbered. */
	__u64 lineage = pending_exec ? EI_LINEAGE_COMMAND : ei_lineage_root(++s->nroots);
	int r;

	if (!s->skel)
		return 0; /* the seccomp backend's targets are who holds its filter */
	r = run_add_iter(s, pid, pending_exec ? EI_TARGET_PENDING : EI_TARGET_ACTIVE, lineage);
	switch (r) {
	case EI_ADD_OK:
		return 0;
	case EI_ADD_NONE:
		errno = ESRCH;
		return -1;
	case EI_ADD_EXITED:
		errno = ECHILD;
		return -1;
	case EI_ADD_FULL:
		errno = ENOSPC;
		return -1;
	default:
		return -1;
	}
}

static void close_fds(int *fds, int n)
{
	for (int i = 0; i < n; i++)
		if (fds[i] >= 0) {
			close(fds[i]);
			fds[i] = -1;
		}
}

pid_t ei_session_launch(struct ei_session *s, char *const argv[], const sigset_t *child_mask, int *exec_errno,
			char *err, size_t len)
{
	int p[4] = { -1, -1, -1, -1 }; /* go[2], report[2] */
	int e = 0;
	pid_t pid;
	char c;

	*exec_errno = 0;
	if (pipe2(p, O_CLOEXEC) || pipe2(p + 2, O_CLOEXEC)) {
		ei_fail(err, len, "cannot start %s: pipe: %s", argv[0], strerror(errno));
		close_fds(p, 4);
		return -1;
	}
	/* No target to add first (the seccomp backend's targets are who
	 * holds its filter): the child goes on at once, no wake-up. */
	if (!s->skel && write(p[1], "g", 1) != 1) {
		ei_fail(err, len, "cannot start %s: pipe: %s", argv[0], strerror(errno));
		close_fds(p, 4);
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		ei_fail(err, len, "cannot start %s: fork: %s", argv[0], strerror(errno));
		close_fds(p, 4);
		return -1;
	}
	if (pid == 0) {
		sigprocmask(SIG_SETMASK, child_mask, NULL);
		close(p[1]);
		close(p[2]);
		/* Tests only: enter the read below while the add iterator
		 * spins between creating this process's entry and setting
		 * its state. */
		if (s->test_slow_add)
			usleep(20000);
		if (read(p[0], &c, 1) != 1)
			_exit(EI_EXIT_FAIL);
		/* The filter last: after it, any call may be trapped. */
		if (s->sup && (e = -ei_sup_child(s->sup)) != 0) {
			if (write(p[3], &e, sizeof(e)) != sizeof(e))
				_exit(EI_EXIT_FAIL);
			_exit(126);
		}
		execvp(argv[0], argv);
		e = errno;
		if (write(p[3], &e, sizeof(e)) != sizeof(e))
			_exit(EI_EXIT_FAIL);
		_exit(e == ENOENT ? 127 : 126);
	}
	close(p[0]);
	close(p[3]);
	p[0] = p[3] = -1;
	/* A target (pending its execve) before it execs, so that injection
	 * starts with its own program, never in this launcher. */
	if (ei_session_add_target(s, pid, true)) {
		ei_fail(err, len, "cannot add the command as a target: %s",
			errno == ENOSPC ? "the targets table is full" : strerror(errno));
		goto kill;
	}
	/* The child reads "g", or EOF if we could not write it, and then
	 * execs or exits: either way the report below settles it. */
	if (s->skel && write(p[1], "g", 1) != 1)
		kill(pid, SIGKILL);
	close_fds(p, 2);
	if (s->sup) {
		/* The supervisor answers the launcher's own calls until the
		 * report says how its execve went. */
		if (ei_sup_start(s->sup, pid, p[2], exec_errno, err, len))
			goto kill;
		if (!s->sup_watched && watch(s->epfd, ei_sup_fd(s->sup))) {
			ei_fail(err, len, "epoll: %s", strerror(errno));
			goto kill;
		}
		s->sup_watched = true;
	} else if (read(p[2], &e, sizeof(e)) == sizeof(e)) {
		/* EOF: execve succeeded (the pipe was close-on-exec). */
		*exec_errno = e;
	}
	close_fds(p, 4);
	return pid;
kill:
	kill(pid, SIGKILL);
	close_fds(p, 4);
	waitpid(pid, NULL, 0);
	return -1;
}

bool ei_session_has_targets(struct ei_session *s)
{
	__u32 key;

	return (s->skel && bpf_map__get_next_key(s->skel->maps.targets, NULL, &key, sizeof(key)) == 0) ||
	       ei_session_serving(s);
}

bool ei_session_serving(struct ei_session *s)
{
	return s->sup && s->sup_watched && ei_sup_alive(s->sup);
}

int ei_session_events_fd(struct ei_session *s)
{
	return s->epfd;
}

int ei_session_timeout_ms(struct ei_session *s)
{
	return s->sup ? ei_sup_timeout_ms(s->sup) : -1;
}

int ei_session_consume(struct ei_session *s)
{
	int n = 0;

	if (s->rb)
		n = ring_buffer__consume(s->rb);
	if (s->sup && s->sup_watched)
		ei_sup_handle(s->sup);
	return n;
}

__u64 ei_session_dropped(struct ei_session *s)
{
	return s->skel ? __atomic_load_n(&s->skel->bss->dropped_events, __ATOMIC_RELAXED) : 0;
}

__u64 ei_session_refused(struct ei_session *s)
{
	return s->skel ? __atomic_load_n(&s->skel->bss->refused_calls, __ATOMIC_RELAXED) : 0;
}

__u64 ei_session_lost_targets(struct ei_session *s)
{
	return s->skel ? __atomic_load_n(&s->skel->bss->lost_targets, __ATOMIC_RELAXED) : 0;
}

__u64 ei_session_undecided(struct ei_session *s, int b)
{
	switch (b) {
	case EI_BACKEND_KPROBE:
		return s->skel ? __atomic_load_n(&s->skel->bss->undecided_calls, __ATOMIC_RELAXED) : 0;
	case EI_BACKEND_FMOD_RET:
		return s->skel ? __atomic_load_n(&s->skel->bss->undecided_fmod_calls, __ATOMIC_RELAXED) : 0;
	case EI_BACKEND_SECCOMP:
		return s->sup ? ei_sup_undecided(s->sup) : 0;
	default:
		return 0;
	}
}

__u64 ei_session_unfollowed(struct ei_session *s, int *err)
{
	*err = 0;
	return s->sup ? ei_sup_unfollowed(s->sup, err) : 0;
}

__u64 ei_session_unwind_failed(struct ei_session *s)
{
	return s->sup ? ei_sup_unwind_failed(s->sup) : 0;
}

unsigned ei_session_own_seccomp(struct ei_session *s, pid_t *pid)
{
	*pid = 0;
	return s->sup ? ei_sup_own_seccomp(s->sup, pid) : 0;
}

__u64 ei_session_failed_checks(struct ei_session *s, __u64 *thrown)
{
	*thrown = s->skel ? __atomic_load_n(&s->skel->bss->thrown_checks, __ATOMIC_RELAXED) : 0;
	return s->skel ? __atomic_load_n(&s->skel->bss->failed_checks, __ATOMIC_RELAXED) : 0;
}

int ei_session_stat(struct ei_session *s, int nr, struct ei_stat *out)
{
	int ncpu = libbpf_num_possible_cpus();
	struct ei_stat *per;
	__u32 key = nr;

	memset(out, 0, sizeof(*out));
	if (nr < 0 || nr >= EI_NR_SYSCALLS)
		return -1;
	if (s->plan.backend[nr] == EI_BACKEND_SECCOMP)
		return s->sup ? ei_sup_stat(s->sup, nr, out) : -1;
	if (!s->skel || ncpu <= 0 || !s->skel->rodata->count_stats)
		return -1;
	per = calloc(ncpu, sizeof(*per));
	if (!per)
		return -1;
	if (bpf_map__lookup_elem(s->skel->maps.stats, &key, sizeof(key), per, ncpu * sizeof(*per), 0)) {
		free(per);
		return -1;
	}
	for (int c = 0; c < ncpu; c++) {
		out->seen += per[c].seen;
		out->injected += per[c].injected;
	}
	free(per);
	return 0;
}

bool ei_session_attached(struct ei_session *s, int nr)
{
	return ei_session_backend(s, nr) >= 0;
}

int ei_session_backend(struct ei_session *s, int nr)
{
	return nr >= 0 && nr < EI_NR_SYSCALLS ? s->plan.backend[nr] : -1;
}

const struct ei_sysset *ei_session_rule_syscalls(struct ei_session *s, int rule)
{
	return rule >= 0 && rule < EI_MAX_RULES ? &s->plan.syscalls[rule] : NULL;
}

void ei_session_close(struct ei_session *s)
{
	if (!s)
		return;
	/* Attachments first, so no injection happens while the rest goes. */
	for (int i = 0; i < s->nlinks; i++)
		bpf_link__destroy(s->links[i]);
	bpf_link__destroy(s->add_iter);
	ring_buffer__free(s->rb);
	errinj_bpf__destroy(s->skel);
	ei_sup_free(s->sup);
	if (s->epfd >= 0)
		close(s->epfd);
	if (s->add_lock)
		munmap(s->add_lock, sizeof(*s->add_lock));
	free(s);
}

/* ---- explore's shared injector ---- */

static struct ei_xjob *xjob(struct ei_session *s, int job)
{
	if (!s->skel || !s->add_lock || job < 1 || job > EI_MAX_JOBS)
		return NULL;
	return &s->skel->bss->xjobs[job - 1];
}

int ei_session_explore_set(struct ei_session *s, int job, int nr, int error, __u64 n, __u64 lineage, bool persist)
{
	struct ei_xjob *x = xjob(s, job);

	if (!x) {
		errno = EINVAL;
		return -1;
	}
	/* No process of the job's last run is left (its worker waited for
	 * them): the fields change while nothing reads them. */
	x->nr = nr >= 0 && nr < EI_NR_SYSCALLS ? (__u32)nr : EI_NR_SYSCALLS;
	x->error = error;
	x->n = n;
	x->lineage = lineage;
	x->persist = persist;
	__atomic_store_n(&x->hits, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&x->live, 0, __ATOMIC_RELAXED);
	s->launch_job = (__u32)job;
	return 0;
}

__u64 ei_session_explore_hits(struct ei_session *s, int job)
{
	struct ei_xjob *x = xjob(s, job);

	return x ? __atomic_load_n(&x->hits, __ATOMIC_RELAXED) : 0;
}

long long ei_session_explore_live(struct ei_session *s, int job)
{
	struct ei_xjob *x = xjob(s, job);

	return x ? __atomic_load_n(&x->live, __ATOMIC_RELAXED) : 0;
}
