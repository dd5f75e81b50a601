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

struct ei_session {
	struct errinj_bpf *skel;
	struct bpf_link *links[EI_NR_SYSCALLS];
	int nlinks;
	struct ring_buffer *rb;
	ei_event_fn fn;
	void *ctx;
	__u32 next_serial;
};

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

		*r = sp->rule;
		for (int nr = 0; nr < EI_NR_SYSCALLS; nr++) {
			__u64 bit = 1ULL << (nr % 64);
			if (!(r->syscalls[nr / 64] & bit))
				continue;
			if (ei_syscall_injectable(nr) == 0) {
				if (sp->named[nr / 64] & bit)
					return ei_fail(err, len,
						    "the kernel does not allow overriding %s (it is not on its error injection list)",
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

/* One kprobe per syscall, the syscall number as its cookie. The kernel
 * refuses (EINVAL) an override kprobe on a function off its error
 * injection list: fatal for a syscall named one by one, a syscall less
 * for a class, as in check_injectable. */
static int attach_each(struct ei_session *s, const struct ei_options *o, const __u64 *all, __u64 *attached,
		       char *err, size_t len)
{
	for (int nr = 0; nr < EI_NR_SYSCALLS; nr++) {
		if (!(all[nr / 64] & (1ULL << (nr % 64))))
			continue;
		LIBBPF_OPTS(bpf_ksyscall_opts, kopts, .bpf_cookie = nr);
		/* By entry point: fstat's kprobe is on __x64_sys_newfstat. */
		struct bpf_link *l = bpf_program__attach_ksyscall(s->skel->progs.errinj_syscall,
								  ei_syscall_info(nr)->entry, &kopts);
		if (!l && errno == EINVAL && !named(o, nr))
			continue;
		if (!l && errno == EINVAL)
			return ei_fail(err, len,
				       "the kernel does not allow overriding %s (it refused the kprobe: "
				       "the syscall is not on its error injection list)",
				       ei_syscall_name(nr));
		if (!l)
			return ei_fail(err, len, "cannot attach to %s: %s%s", ei_syscall_name(nr), strerror(errno),
				       o->verbose ? "" : " (-v shows libbpf's log)");
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
	__u64 attached[EI_NR_SYSCALLS / 64] = {};

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

struct ei_session *ei_session_open(const struct ei_options *o, ei_event_fn fn, void *ctx, char *err,
				   size_t len)
{
	struct ei_session *s;
	__u64 all[EI_NR_SYSCALLS / 64];
	struct ei_rule rules[EI_MAX_RULES];
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

	s = calloc(1, sizeof(*s));
	if (!s) {
		ei_fail(err, len, "out of memory");
		return NULL;
	}
	s->fn = fn;
	s->ctx = ctx;
	s->next_serial = 1;
	s->skel = errinj_bpf__open();
	if (!s->skel) {
		ei_fail(err, len, "cannot open the eBPF program: %s", strerror(errno));
		goto fail;
	}
	s->skel->rodata->nr_rules = o->nspecs;
	s->skel->rodata->follow_forks = o->follow;
	s->skel->rodata->cgroup_mode = o->cgroup_fd >= 0;
	s->skel->rodata->emit_events = fn != NULL;
	s->skel->rodata->owner_only = !ei_may_ptrace_all();
	s->skel->rodata->owner_uid = getuid();
	s->skel->rodata->owner_gid = getgid();
	/* Attached by attach_all, not by the skeleton; the kprobe.multi
	 * program is loaded only where the kernel has such links. */
	multi = !o->single_kprobes && ei_kprobe_multi_supported();
	bpf_program__set_autoload(s->skel->progs.errinj_multi, multi);
	bpf_program__set_autoattach(s->skel->progs.errinj_multi, false);
	bpf_program__set_autoattach(s->skel->progs.errinj_syscall, false);
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

int ei_session_add_target(struct ei_session *s, pid_t pid, bool pending_exec)
{
	struct ei_target t = {
		.serial = s->next_serial++,
		.state = pending_exec ? EI_TARGET_PENDING : EI_TARGET_ACTIVE,
	};
	__u32 key = pid;

	return bpf_map__update_elem(s->skel->maps.targets, &key, sizeof(key), &t, sizeof(t), BPF_ANY);
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

void ei_session_close(struct ei_session *s)
{
	if (!s)
		return;
	/* Kprobes first, so no injection happens while the rest goes. */
	for (int i = 0; i < s->nlinks; i++)
		bpf_link__destroy(s->links[i]);
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
