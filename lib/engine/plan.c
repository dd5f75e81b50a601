// SPDX-License-Identifier: GPL-2.0
/*
 * The plan: which backend serves each syscall of the rules, a pure
 * function of the options and of what this kernel and user allow (struct
 * ei_facts, gathered by ei_facts_gather in probes.c). Its rules:
 *  - a syscall goes to the cheapest backend (fmod_ret, then kprobe, then
 *    seccomp) that can serve every rule naming it: all of them share it,
 *    so that they count and fire in order;
 *  - fmod_ret cannot return 0 (a zero return lets the call run), nor
 *    serve a syscall whose entry function has no BTF;
 *  - seccomp alone serves delay_enter=, poke_enter= and site=, and only
 *    a command errinj starts; BPF backends only what the kernel has and
 *    lets them override (its error injection list);
 *  - automatic: seccomp takes a syscall of a class only where the rules
 *    need it or no BPF backend is usable; past EI_FMOD_AUTO_MAX syscalls
 *    fmod_ret's go to kprobe;
 *  - a syscall named one by one that no backend can serve is an error; a
 *    class or regex drops what cannot be served; a rule left with none
 *    is an error;
 *  - a forced backend (--backend) is the only one tried;
 *  - explore's shared injector never takes seccomp.
 * lib/engine/session.c then loads and attaches what the plan says.
 */
#include <stdio.h>
#include <string.h>

#include "engine/engine.h"

const char *ei_rule_seccomp_only(const struct ei_spec *sp)
{
	/* The spec's key table says which backends serve each key. */
	const struct ei_spec_key *k;

	if (ei_spec_backends(sp) & ~(1u << EI_BACKEND_SECCOMP))
		return NULL;
	for (size_t i = 0; (k = ei_spec_key_at(i)); i++)
		if ((sp->keys & 1u << i) && k->backends == 1u << EI_BACKEND_SECCOMP)
			return k->name;
	return NULL;
}

bool ei_rule_retval0(const struct ei_spec *sp)
{
	return (sp->actions & EI_ACT_RETVAL) && sp->retval == 0;
}

/* Why a BPF program cannot do what the key asks. */
static const char *bpf_cannot(const char *key)
{
	/* site= would need the caller's stack in the kernel: without frame
	 * pointers (Debian builds none) a BPF program cannot find the
	 * callers, which only .eh_frame describes. */
	if (!strcmp(key, "site"))
		return "unwind a caller's stack that has no frame pointers";
	if (!strcmp(key, "delay_enter"))
		return "hold a call for a given time";
	return "write the caller's memory before the call";
}

int ei_rules_check(const struct ei_spec *specs, int n, int backend, const char *targets, char *err, size_t len)
{
	for (int i = 0; i < n; i++) {
		const char *what = ei_rule_seccomp_only(&specs[i]);
		if (!what)
			continue;
		if (targets)
			return ei_fail(err, len, "rule %d: %s= is served only by the seccomp backend, which serves only a "
						 "command errinj starts (not -p or --cgroup)", i + 1, what);
		if (backend != EI_BACKEND_AUTO && backend != EI_BACKEND_SECCOMP)
			return ei_fail(err, len, "rule %d: %s= needs the seccomp backend: a BPF program cannot %s", i + 1,
				       what, bpf_cannot(what));
	}
	if (backend == EI_BACKEND_SECCOMP && targets)
		return ei_fail(err, len, "--backend=seccomp cannot serve %s: a process installs a seccomp filter on "
					 "itself, so errinj installs it in the command it starts", targets);
	if (backend == EI_BACKEND_FMOD_RET)
		for (int i = 0; i < n; i++)
			if (ei_rule_retval0(&specs[i]))
				return ei_fail(err, len, "rule %d: retval=0 cannot be served by fmod_ret (a zero return "
							 "lets the call run): use kprobe or seccomp", i + 1);
	return 0;
}

/* At most this many syscalls on fmod_ret when kprobe could take them. */
#define EI_FMOD_AUTO_MAX 8


/* What the rules naming nr ask of a backend. */
struct needs {
	bool seccomp_only; /* delay_enter=, poke_enter= or site= */
	bool site;         /* site= (of rule `rule`) */
	bool retval0;      /* retval=0: a fmod_ret program cannot return it */
	bool named;        /* named one by one, not through a class */
	int rule;          /* the first rule naming it, for messages */
};

static struct needs needs_of(const struct ei_options *o, int nr)
{
	struct needs n = { .rule = -1 };

	for (int i = 0; i < o->nspecs; i++) {
		const struct ei_spec *sp = &o->specs[i];
		if (!ei_sysset_has(&sp->syscalls, nr))
			continue;
		if (n.rule < 0)
			n.rule = i;
		n.seccomp_only |= ei_rule_seccomp_only(sp) != NULL;
		if (sp->site[0] && !n.site) {
			n.site = true;
			n.rule = i;
		}
		n.retval0 |= ei_rule_retval0(sp);
		n.named |= ei_sysset_has(&sp->named, nr);
	}
	return n;
}

/* Whether backend b can serve nr for rules with these needs; if not and
 * why is set, the sentence saying so. bpf_any: some BPF backend is usable
 * in this session (then seccomp takes a syscall of a class only where
 * the rules need it). */
static bool can_serve(const struct ei_options *o, const struct ei_facts *f, int b, int nr, const struct needs *n,
		      bool forced, bool bpf_any, char *why, size_t len)
{
	const char *name = ei_syscall_name(nr);

	if (!f->usable[b])
		return ei_fail(why, len, "%s", f->why[b]), false;
	if (b == EI_BACKEND_SECCOMP) {
		if (!o->command)
			return ei_fail(why, len, "it serves only a command errinj starts (not -p or --cgroup)"), false;
		/* Linux 6.14 lets uretprobe past every seccomp filter (only
		 * the kernel's uretprobe trampoline makes it). */
		if (name && !strcmp(name, "uretprobe"))
			return ei_fail(why, len, "seccomp cannot fail uretprobe: the kernel lets it past seccomp filters"),
			       false;
		/* Automatic choice: a BPF backend is cheaper for every process
		 * but the trapped ones, and its "all" means what the kernel
		 * lets it fail. */
		return forced || n->seccomp_only || n->named || !bpf_any;
	}
	if (n->seccomp_only && n->site)
		return ei_fail(why, len, "rule %d: site= needs the seccomp backend (it unwinds the caller's stack)",
			       n->rule + 1),
		       false;
	if (n->seccomp_only)
		return ei_fail(why, len, "rule %d: delay_enter= and poke_enter= need the seccomp backend", n->rule + 1),
		       false;
	if (f->has_syscall[nr] == 0)
		return ei_fail(why, len, "this kernel (%s) has no %s syscall: only the seccomp backend can fail it, "
				       "before the kernel sees the call", f->release, name),
		       false;
	if (f->injectable[nr] == 0)
		return ei_fail(why, len, EI_NOT_ON_LIST, name), false;
	if (b == EI_BACKEND_FMOD_RET) {
		if (n->retval0)
			return ei_fail(why, len, "%s: retval=0 cannot be served by fmod_ret (a zero return lets the call run)",
				       name),
			       false;
		if (!f->fmod_btf[nr])
			return ei_fail(why, len, "%s: its entry function has no BTF, which fmod_ret needs", name), false;
	}
	return true;
}

/* The backend for nr, -1 if none can serve it: then whys says what each
 * one tried lacks. */
static int choose(const struct ei_options *o, const struct ei_facts *f, int nr, const struct needs *n, bool bpf_any,
		  char *whys, size_t len)
{
	static const int order[] = { EI_BACKEND_FMOD_RET, EI_BACKEND_KPROBE, EI_BACKEND_SECCOMP };
	bool forced = o->backend != EI_BACKEND_AUTO;
	char why[512] = "";
	size_t wl = 0;

	whys[0] = '\0';
	for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		int b = order[k];
		if (forced && b != o->backend)
			continue;
		/* explore's shared injector: what BPF cannot serve is left to
		 * runs of their own. */
		if (o->explore && b == EI_BACKEND_SECCOMP)
			continue;
		if (can_serve(o, f, b, nr, n, forced, bpf_any, why, sizeof(why)))
			return b;
		if (forced)
			snprintf(whys, len, "%s", why);
		else if (wl < len)
			/* Automatic: what each backend lacks. */
			wl += snprintf(whys + wl, len - wl, "%s%s: %s", wl ? "; " : "", ei_backend_name(b), why);
	}
	return -1;
}

/* fmod_ret verifies one load of its program per syscall, kprobe.multi
 * attaches any number with one link: past a few syscalls the start-up
 * outweighs what fmod_ret saves per call. */
static void fmod_ret_to_kprobe(const struct ei_options *o, const struct ei_facts *f, struct ei_plan *p)
{
	int n = 0;

	if (o->backend != EI_BACKEND_AUTO || !f->usable[EI_BACKEND_KPROBE])
		return;
	for (int nr = 0; nr < EI_NR_SYSCALLS; nr++)
		n += p->backend[nr] == EI_BACKEND_FMOD_RET;
	if (n <= EI_FMOD_AUTO_MAX)
		return;
	for (int nr = 0; nr < EI_NR_SYSCALLS; nr++)
		if (p->backend[nr] == EI_BACKEND_FMOD_RET)
			p->backend[nr] = EI_BACKEND_KPROBE;
	p->used = (p->used & ~(1u << EI_BACKEND_FMOD_RET)) | 1u << EI_BACKEND_KPROBE;
}

/* A set that selects nothing (none, ?unknown), or a rule that later ones
 * replaced for all its syscalls (ei_spec_supersede), fails nothing; a
 * rule whose syscalls were all dropped is an error, said for the first
 * of them. */
static int check_rules_served(const struct ei_options *o, const struct ei_facts *f, const struct ei_plan *p,
			      bool bpf_any, char *err, size_t len)
{
	char why[512] = "";

	for (int i = 0; i < o->nspecs; i++) {
		bool any = !ei_sysset_empty(&p->syscalls[i]);
		if (any || !o->specs[i].nsyscalls)
			continue;
		for (int nr = 0; nr < EI_NR_SYSCALLS; nr++)
			if (ei_sysset_has(&o->specs[i].syscalls, nr)) {
				struct needs n = needs_of(o, nr);
				int b = o->backend != EI_BACKEND_AUTO ? o->backend
					: f->usable[EI_BACKEND_FMOD_RET] ? EI_BACKEND_FMOD_RET
					: EI_BACKEND_KPROBE;
				can_serve(o, f, b, nr, &n, true, bpf_any, why, sizeof(why));
				break;
			}
		return ei_fail(err, len, "rule %d: errinj can fail none of its syscalls here (%s)", i + 1, why);
	}
	return 0;
}

int ei_plan_make(const struct ei_options *o, const struct ei_facts *f, struct ei_plan *p, char *err, size_t len)
{
	bool bpf_any = o->backend == EI_BACKEND_AUTO &&
		       (f->usable[EI_BACKEND_FMOD_RET] || f->usable[EI_BACKEND_KPROBE]);

	memset(p, 0, sizeof(*p));
	memset(p->backend, -1, sizeof(p->backend));
	if (o->nspecs < 1 || o->nspecs > EI_MAX_RULES)
		return ei_fail(err, len, "between 1 and %d inject rules are allowed", EI_MAX_RULES);
	for (int nr = 0; nr < EI_NR_SYSCALLS; nr++) {
		struct needs n = needs_of(o, nr);
		char whys[1536];
		int chosen;

		if (n.rule < 0)
			continue;
		chosen = choose(o, f, nr, &n, bpf_any, whys, sizeof(whys));
		if (chosen < 0 && n.named && o->backend != EI_BACKEND_AUTO)
			return ei_fail(err, len, "%s", whys);
		if (chosen < 0 && n.named)
			return ei_fail(err, len, "no backend can fail %s here: %s", ei_syscall_name(nr), whys);
		if (chosen < 0)
			continue; /* from a class or a regex: dropped, as the kernel cannot fail it */
		p->backend[nr] = (signed char)chosen;
		p->used |= 1u << chosen;
		for (int i = 0; i < o->nspecs; i++)
			if (ei_sysset_has(&o->specs[i].syscalls, nr))
				ei_sysset_add(&p->syscalls[i], nr);
	}
	fmod_ret_to_kprobe(o, f, p);
	return check_rules_served(o, f, p, bpf_any, err, len);
}
