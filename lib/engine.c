// SPDX-License-Identifier: GPL-2.0
/*
 * The injection engine (kprobe + bpf_override_return backend): loads
 * bpf/errinj.bpf.c, writes the rules, attaches the syscalls (one
 * kprobe.multi link, or one kprobe each) with the syscall number as BPF
 * cookie, keeps the targets and delivers events.
 * Everything is held by file descriptors and nothing is pinned, so the
 * kernel detaches all of it when the process exits, however it exits.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "liberrinj.h"
#include "errinj.skel.h"

#define NOT_ON_LIST "the kernel does not allow overriding %s (it is not on its error injection list)"

struct ei_session {
	struct errinj_bpf *skel;
	struct bpf_link *links[EI_NR_SYSCALLS];
	int nlinks;
	struct bpf_link *add_iter; /* errinj_add: makes a pid a target */
	struct ring_buffer *rb;
	ei_event_fn fn;
	void *ctx;
	__u64 nroots; /* targets added by user space, for their lineage */
	__u64 attached[EI_NR_SYSCALLS / 64];
};

/* A rule numbers the calls it selects only if when= or a seeded prob=
 * looks at the number: the others need no counter. */
static bool rule_counts(const struct ei_rule *r)
{
	return r->first != 1 || r->last != 0 || r->step != 1 || (r->prob < (1ULL << 32) && r->has_seed);
}

/* One counter slot per (counting rule, syscall) pair; slot[i][nr] is 1 +
 * its index, 0 for none. Returns the number of slots. */
static __u32 assign_slots(const struct ei_rule *rules, int n, __u32 (*slot)[EI_NR_SYSCALLS])
{
	__u32 next = 0;

	for (int i = 0; i < n; i++)
		for (int nr = 0; nr < EI_NR_SYSCALLS; nr++)
			slot[i][nr] = rule_counts(&rules[i]) && (rules[i].syscalls[nr / 64] & (1ULL << (nr % 64)))
					      ? ++next
					      : 0;
	return next;
}

/* Bits of a syscall argument the kernel looks at: an int-typed argument
 * is the low 32 bits of its register (SYSCALL_DEFINE casts it). */
static __u64 arg_bits(int bytes)
{
	return bytes >= 8 || bytes <= 0 ? ~0ULL : (1ULL << (bytes * 8)) - 1;
}

/* The targets map: room for every pid where pid_max is small, and for
 * EI_MAX_TARGETS live processes otherwise (allocated as they join). */
static __u32 targets_size(void)
{
	long pid_max = 0;
	const char *t = getenv("ERRINJ_TEST_MAX_TARGETS"); /* tests only: a full map */
	FILE *f;

	if (t && atol(t) > 0)
		return (__u32)atol(t);
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


/* Every syscall named one by one must be one the kernel lets us override;
 * those that a %class or /regex brought in and that it does not are
 * dropped from the rules (written to rules[]). all: the union. Without
 * root the list may be unreadable (debugfs): then the kernel's refusal to
 * attach tells instead (attach_all). */
static int check_injectable(const struct ei_options *o, struct ei_rule *rules, __u64 *all, char *err,
			    size_t len)
{
	memset(all, 0, EI_NR_SYSCALLS / 8);
	for (int i = 0; i < o->nspecs; i++) {
		const struct ei_spec *sp = &o->specs[i];
		struct ei_rule *r = &rules[i];
		bool any = false;

		ei_rule_encode(sp, r);
		for (int nr = 0; nr < EI_NR_SYSCALLS; nr++) {
			__u64 bit = 1ULL << (nr % 64);
			if (!(r->syscalls[nr / 64] & bit))
				continue;
			if (ei_syscall_injectable(nr) == 0) {
				if (sp->named[nr / 64] & bit)
					return ei_fail(err, len,
						    NOT_ON_LIST,
						    ei_syscall_name(nr));
				r->syscalls[nr / 64] &= ~bit;
				continue;
			}
			any = true;
		}
		if (!any)
			return ei_fail(err, len, "rule %d: this kernel lets errinj fail none of its syscalls", i + 1);
		for (int w = 0; w < EI_NR_SYSCALLS / 64; w++)
			all[w] |= r->syscalls[w];
	}
	return 0;
}

static bool named(const struct ei_options *o, int nr)
{
	for (int i = 0; i < o->nspecs; i++)
		if (o->specs[i].named[nr / 64] & (1ULL << (nr % 64)))
			return true;
	return false;
}

/* One kprobe.multi link for every syscall of the rules, the syscall
 * number as each one's cookie. The kernel refuses the whole link if one
 * of them is off its error injection list: -1 then, and the caller
 * attaches one by one, which tells which. */
static int attach_multi(struct ei_session *s, const __u64 *all, __u64 *attached)
{
	char names[EI_NR_SYSCALLS][64];
	const char *syms[EI_NR_SYSCALLS];
	__u64 cookies[EI_NR_SYSCALLS];
	size_t n = 0;

	for (int nr = 0; nr < EI_NR_SYSCALLS; nr++) {
		if (!(all[nr / 64] & (1ULL << (nr % 64))))
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
	memcpy(attached, all, EI_NR_SYSCALLS / 8);
	return 0;
}

int ei_kprobe_check(int nr, char *err, size_t len)
{
	enum ei_support sup = ei_check_kprobe_override();

	if (sup != EI_SUPPORTED)
		return ei_fail(err, len, "%s", ei_support_message(sup));
	if (ei_syscall_injectable(nr) == 0)
		return ei_fail(err, len, NOT_ON_LIST,
			       ei_syscall_name(nr));
	return 0;
}

struct bpf_link *ei_attach_syscall(struct bpf_program *prog, int nr, __u64 cookie, bool verbose, bool *refused,
				   char *err, size_t len)
{
	LIBBPF_OPTS(bpf_ksyscall_opts, kopts, .bpf_cookie = cookie);
	/* By entry point: fstat's kprobe is on __x64_sys_newfstat. */
	struct bpf_link *l = bpf_program__attach_ksyscall(prog, ei_syscall_info(nr)->entry, &kopts);

	*refused = !l && errno == EINVAL;
	if (*refused)
		/* The list was unreadable (not root): the kernel's refusal
		 * says it. */
		ei_fail(err, len,
			"the kernel does not allow overriding %s (it refused the kprobe: "
			"the syscall is not on its error injection list)",
			ei_syscall_name(nr));
	else if (!l)
		ei_fail(err, len, "cannot attach to %s: %s%s", ei_syscall_name(nr), strerror(errno),
			verbose ? "" : " (-v shows libbpf's log)");
	return l;
}

struct ei_owner ei_owner_get(void)
{
	return (struct ei_owner){ .only = !ei_may_ptrace_all(), .uid = getuid(), .gid = getgid() };
}

/* One kprobe per syscall, the syscall number as its cookie. The kernel
 * refuses an override kprobe on a function off its error injection
 * list: fatal for a syscall named one by one, a syscall less for a
 * class, as in check_injectable. */
static int attach_each(struct ei_session *s, const struct ei_options *o, const __u64 *all, __u64 *attached,
		       char *err, size_t len)
{
	for (int nr = 0; nr < EI_NR_SYSCALLS; nr++) {
		bool refused;
		if (!(all[nr / 64] & (1ULL << (nr % 64))))
			continue;
		struct bpf_link *l =
			ei_attach_syscall(s->skel->progs.errinj_syscall, nr, nr, o->verbose, &refused, err, len);
		if (!l && refused && !named(o, nr))
			continue;
		if (!l)
			return -1;
		s->links[s->nlinks++] = l;
		attached[nr / 64] |= 1ULL << (nr % 64);
	}
	return 0;
}

/* One kprobe.multi link where the kernel has them, else (or if it refuses
 * it) one kprobe per syscall; then every rule must have a syscall. */
static int attach_all(struct ei_session *s, const struct ei_options *o, const struct ei_rule *rules,
		      const __u64 *all, bool multi, char *err, size_t len)
{
	__u64 *attached = s->attached;

	if ((!multi || attach_multi(s, all, attached)) && attach_each(s, o, all, attached, err, len))
		return -1;
	for (int i = 0; i < o->nspecs; i++) {
		bool any = false;
		for (int w = 0; w < EI_NR_SYSCALLS / 64; w++)
			any |= (rules[i].syscalls[w] & attached[w]) != 0;
		if (!any)
			return ei_fail(err, len, "rule %d: this kernel lets errinj fail none of its syscalls", i + 1);
	}
	return 0;
}

/* Runs the errinj_add iterator once: it visits every task, in errinj's
 * own context. Returns its result (EI_ADD_*), -1 with errno on failure. */
static int run_add_iter(struct ei_session *s, pid_t pid, __u32 state, __u64 lineage)
{
	char buf[64];
	int fd;
	ssize_t n;

	s->skel->bss->want_pid = (__u32)pid;
	s->skel->bss->want_state = state;
	s->skel->bss->want_lineage = lineage;
	s->skel->bss->add_result = EI_ADD_NONE;
	fd = bpf_iter_create(bpf_link__fd(s->add_iter));
	if (fd < 0)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		;
	close(fd);
	if (n < 0)
		return -1;
	return (int)s->skel->bss->add_result;
}

struct ei_session *ei_session_open(const struct ei_options *o, ei_event_fn fn, void *ctx, char *err,
				   size_t len)
{
	struct ei_session *s;
	__u64 all[EI_NR_SYSCALLS / 64];
	struct ei_rule rules[EI_MAX_RULES];
	static __u32 slot[EI_MAX_RULES][EI_NR_SYSCALLS];
	__u32 nslots, value_size;
	enum ei_support sup;
	bool multi;

	if (o->nspecs < 1 || o->nspecs > EI_MAX_RULES) {
		ei_fail(err, len, "between 1 and %d inject rules are allowed", EI_MAX_RULES);
		return NULL;
	}
	sup = ei_check_kprobe_override();
	if (sup != EI_SUPPORTED) {
		ei_fail(err, len, "%s", ei_support_message(sup));
		return NULL;
	}
	if (check_injectable(o, rules, all, err, len))
		return NULL;
	nslots = assign_slots(rules, o->nspecs, slot);
	value_size = sizeof(struct ei_target) + nslots * sizeof(__u64);

	s = calloc(1, sizeof(*s));
	if (!s) {
		ei_fail(err, len, "out of memory");
		return NULL;
	}
	s->fn = fn;
	s->ctx = ctx;
	s->skel = errinj_bpf__open();
	if (!s->skel) {
		ei_fail(err, len, "cannot open the eBPF program: %s", strerror(errno));
		goto fail;
	}
	s->skel->rodata->nr_rules = o->nspecs;
	s->skel->rodata->nr_slots = nslots;
	s->skel->rodata->follow_forks = o->follow;
	s->skel->rodata->cgroup_mode = o->cgroup_fd >= 0;
	s->skel->rodata->emit_events = fn != NULL;
	struct ei_owner own = ei_owner_get();
	s->skel->rodata->owner_only = own.only;
	s->skel->rodata->owner_uid = own.uid;
	s->skel->rodata->owner_gid = own.gid;
	if (bpf_map__set_value_size(s->skel->maps.targets, value_size) ||
	    bpf_map__set_value_size(s->skel->maps.blank, value_size) ||
	    bpf_map__set_max_entries(s->skel->maps.targets, targets_size())) {
		ei_fail(err, len, "cannot size the targets table: %s", strerror(errno));
		goto fail;
	}
	/* Attached by attach_all, not by the skeleton; the kprobe.multi
	 * program is loaded only where the kernel has such links. */
	multi = !o->single_kprobes && ei_kprobe_multi_supported();
	bpf_program__set_autoload(s->skel->progs.errinj_multi, multi);
	bpf_program__set_autoattach(s->skel->progs.errinj_multi, false);
	bpf_program__set_autoattach(s->skel->progs.errinj_syscall, false);
	bpf_program__set_autoattach(s->skel->progs.errinj_add, false);
	if (errinj_bpf__load(s->skel)) {
		ei_fail(err, len, "cannot load the eBPF program: %s%s", strerror(errno),
		     o->verbose ? "" : " (-v shows libbpf's log)");
		goto fail;
	}
	for (__u32 i = 0; i < (__u32)o->nspecs; i++) {
		if (bpf_map__update_elem(s->skel->maps.rules, &i, sizeof(i), &rules[i],
					 sizeof(struct ei_rule), BPF_ANY)) {
			ei_fail(err, len, "cannot write rule %u: %s", i + 1, strerror(errno));
			goto fail;
		}
		for (__u32 nr = 0; nr < EI_NR_SYSCALLS; nr++) {
			__u32 key = i * EI_NR_SYSCALLS + nr;
			if (slot[i][nr] && bpf_map__update_elem(s->skel->maps.slots, &key, sizeof(key),
								&slot[i][nr], sizeof(__u32), BPF_ANY)) {
				ei_fail(err, len, "cannot write rule %u's counters: %s", i + 1, strerror(errno));
				goto fail;
			}
		}
	}
	/* Which argument is a path, for path= and for the events. */
	for (__u32 nr = 0; nr < EI_NR_SYSCALLS; nr++) {
		const struct ei_syscall_entry *e = ei_syscall_info(nr);
		struct ei_sysinfo si = { .path_arg = EI_NO_ARG };
		if (!e)
			continue;
		if (e->path_arg >= 0)
			si.path_arg = e->path_arg;
		si.fd_first = e->fd_first;
		for (int k = 0; k < 6; k++)
			si.arg_bits[k] = arg_bits(e->arg_bytes[k]);
		if (bpf_map__update_elem(s->skel->maps.sysinfo, &nr, sizeof(nr), &si, sizeof(si), BPF_ANY)) {
			ei_fail(err, len, "cannot write the syscall table: %s", strerror(errno));
			goto fail;
		}
	}
	if (o->cgroup_fd >= 0) {
		__u32 zero = 0, fd = o->cgroup_fd;
		if (bpf_map__update_elem(s->skel->maps.cgroup, &zero, sizeof(zero), &fd, sizeof(fd), BPF_ANY)) {
			ei_fail(err, len, "cannot use the cgroup: %s", strerror(errno));
			goto fail;
		}
	}
	s->rb = ring_buffer__new(bpf_map__fd(s->skel->maps.events), on_sample, s, NULL);
	if (!s->rb) {
		ei_fail(err, len, "cannot open the event ring buffer: %s", strerror(errno));
		goto fail;
	}
	/* The iterator that adds targets; a first run tells the kernel side
	 * which process is errinj's own (never a target). */
	s->add_iter = bpf_program__attach_iter(s->skel->progs.errinj_add, NULL);
	if (!s->add_iter || run_add_iter(s, 0, 0, 0) < 0) {
		ei_fail(err, len, "cannot run the task iterator: %s%s", strerror(errno),
		     o->verbose ? "" : " (-v shows libbpf's log)");
		goto fail;
	}
	/* The scheduler tracepoints first: targets must be tracked before
	 * the first injection can happen. */
	if (errinj_bpf__attach(s->skel)) {
		ei_fail(err, len, "cannot attach the scheduler tracepoints: %s%s", strerror(errno),
		     o->verbose ? "" : " (-v shows libbpf's log)");
		goto fail;
	}
	if (attach_all(s, o, rules, all, multi, err, len))
		goto fail;
	return s;
fail:
	ei_session_close(s);
	return NULL;
}

/* pid is a pid of errinj's own pid namespace (a container's, say): the
 * kernel side finds that process and keys it by its global tgid. */
int ei_session_add_target(struct ei_session *s, pid_t pid, bool pending_exec)
{
	/* The launched command is the root of the process tree (lineage 0,
	 * so a seeded rule draws as it always did for it); -p processes
	 * are numbered. */
	__u64 lineage = pending_exec ? 0 : ++s->nroots * 0x9e3779b97f4a7c15ULL;
	int r = run_add_iter(s, pid, pending_exec ? EI_TARGET_PENDING : EI_TARGET_ACTIVE, lineage);

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

bool ei_session_has_targets(struct ei_session *s)
{
	__u32 key;

	return bpf_map__get_next_key(s->skel->maps.targets, NULL, &key, sizeof(key)) == 0;
}

int ei_session_events_fd(struct ei_session *s)
{
	return ring_buffer__epoll_fd(s->rb);
}

int ei_session_consume(struct ei_session *s)
{
	return ring_buffer__consume(s->rb);
}

__u64 ei_session_dropped(struct ei_session *s)
{
	return __atomic_load_n(&s->skel->bss->dropped_events, __ATOMIC_RELAXED);
}

__u64 ei_session_refused(struct ei_session *s)
{
	return __atomic_load_n(&s->skel->bss->refused_calls, __ATOMIC_RELAXED);
}

__u64 ei_session_lost_targets(struct ei_session *s)
{
	return __atomic_load_n(&s->skel->bss->lost_targets, __ATOMIC_RELAXED);
}

__u64 ei_session_undecided(struct ei_session *s)
{
	return __atomic_load_n(&s->skel->bss->undecided_calls, __ATOMIC_RELAXED);
}

int ei_session_stat(struct ei_session *s, int nr, struct ei_stat *out)
{
	int ncpu = libbpf_num_possible_cpus();
	struct ei_stat *per;
	__u32 key = nr;

	memset(out, 0, sizeof(*out));
	if (ncpu <= 0 || nr < 0 || nr >= EI_NR_SYSCALLS)
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
	return nr >= 0 && nr < EI_NR_SYSCALLS && (s->attached[nr / 64] & (1ULL << (nr % 64)));
}

void ei_session_close(struct ei_session *s)
{
	if (!s)
		return;
	/* Kprobes first, so no injection happens while the rest goes. */
	for (int i = 0; i < s->nlinks; i++)
		bpf_link__destroy(s->links[i]);
	bpf_link__destroy(s->add_iter);
	ring_buffer__free(s->rb);
	errinj_bpf__destroy(s->skel);
	free(s);
}

int ei_list_injectable(void (*fn)(const char *name, void *ctx), void *ctx)
{
	const struct ei_syscall_entry *e;
	int n = 0;

	for (size_t i = 0; (e = ei_syscall_at(i)); i++) {
		int r = ei_syscall_injectable(e->nr);
		if (r < 0)
			return -1;
		if (r && e->nr < EI_NR_SYSCALLS) {
			fn(e->name, ctx);
			n++;
		}
	}
	return n;
}
