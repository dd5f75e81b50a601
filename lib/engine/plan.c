// SPDX-License-Identifier: GPL-2.0
/*
 * Backends: what this kernel and user can use (kprobe + override,
 * sleepable fmod_ret, seccomp user notification), and which one serves
 * each syscall of the rules (ei_plan_make). lib/engine/session.c then loads and
 * attaches what the plan says.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "engine/engine.h"
#include "seccomp/seccomp.h"


/* Loads a do-nothing sleepable fmod_ret program on close's entry and
 * attaches it for an instant (returning 0, it changes nothing): the
 * load needs the error injection list, the attach BPF trampolines. */
static int fmod_ret_probe(char *err, size_t len)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int id, prog, link;

	if (!ei_has_bpf_caps())
		return ei_fail(err, len, "fmod_ret needs root: loading eBPF programs requires CAP_SYS_ADMIN "
					 "(or CAP_BPF and CAP_PERFMON)");
	if (!ei_vmlinux_btf())
		return ei_fail(err, len, "this kernel has no BTF (CONFIG_DEBUG_INFO_BTF), which fmod_ret needs");
	id = ei_entry_btf_id("close");
	if (id <= 0)
		return ei_fail(err, len, "this kernel's BTF has no syscall entry functions (__x64_sys_close)");
	LIBBPF_OPTS(bpf_prog_load_opts, popts, .expected_attach_type = BPF_MODIFY_RETURN, .attach_btf_id = id,
		    .prog_flags = BPF_F_SLEEPABLE);
	prog = bpf_prog_load(BPF_PROG_TYPE_TRACING, NULL, "GPL", insns, 2, &popts);
	if (prog < 0 && errno == ENOSYS)
		return ei_fail(err, len, "this kernel has no bpf() system call (CONFIG_BPF_SYSCALL)");
	if (prog < 0) {
		int e = errno;
		char *cfg = ei_kernel_config(), val[64];
		bool no_list = e == EINVAL || (cfg && !strcmp(ei_config_value(cfg, "CONFIG_FUNCTION_ERROR_INJECTION", val,
									     sizeof(val)), "not set"));
		free(cfg);
		if (no_list)
			return ei_fail(err, len, "this kernel refuses fmod_ret on syscalls: they are not on its error "
						 "injection list (CONFIG_FUNCTION_ERROR_INJECTION is not set)");
		return ei_fail(err, len, "this kernel refuses fmod_ret programs: %s", strerror(e));
	}
	link = bpf_link_create(prog, 0, BPF_MODIFY_RETURN, NULL);
	if (link < 0) {
		int e = errno;
		close(prog);
		return ei_fail(err, len, "this kernel cannot attach BPF trampolines (%s: CONFIG_BPF_JIT and "
					 "CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS are needed)", strerror(e));
	}
	close(link);
	close(prog);
	return 0;
}

int ei_backend_check(int b, char *err, size_t len)
{
	/* Probed once each: the answer does not change while we run. */
	static int state[EI_NR_BACKENDS] = { 1, 1, 1 }; /* 1: not yet */
	static char why[EI_NR_BACKENDS][512];
	enum ei_support sup;

	if (b < 0 || b >= EI_NR_BACKENDS)
		return ei_fail(err, len, "no such backend");
	if (state[b] == 1) {
		switch (b) {
		case EI_BACKEND_KPROBE:
			sup = ei_check_kprobe_override();
			state[b] = sup == EI_SUPPORTED ? 0 : ei_fail(why[b], sizeof(why[b]), "%s", ei_support_message(sup));
			break;
		case EI_BACKEND_FMOD_RET:
			state[b] = fmod_ret_probe(why[b], sizeof(why[b]));
			break;
		default:
			state[b] = ei_sup_check(why[b], sizeof(why[b]));
			break;
		}
	}
	if (state[b])
		ei_fail(err, len, "%s", why[b]);
	return state[b];
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
		n.seccomp_only |= ei_spec_backends(sp) == 1u << EI_BACKEND_SECCOMP;
		if (sp->site[0] && !n.site) {
			n.site = true;
			n.rule = i;
		}
		n.retval0 |= (sp->actions & EI_ACT_RETVAL) && sp->retval == 0;
		n.named |= ei_sysset_has(&sp->named, nr);
	}
	return n;
}

/* Whether backend b can serve nr for rules with these needs; if not and
 * why is set, the sentence saying so. bpf_any: some BPF backend is usable
 * in this session (then seccomp takes a syscall of a class only where
 * the rules need it). */
static bool can_serve(const struct ei_options *o, int b, int nr, const struct needs *n, bool forced, bool bpf_any,
		      char *why, size_t len)
{
	const char *name = ei_syscall_name(nr);

	if (ei_backend_check(b, why, len))
		return false;
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
	/* site= would need the caller's stack in the kernel: without frame
	 * pointers (Debian builds none) a BPF program cannot find the
	 * callers, which only .eh_frame describes. */
	if (n->seccomp_only && n->site)
		return ei_fail(why, len, "rule %d: site= needs the seccomp backend (it unwinds the caller's stack)",
			       n->rule + 1),
		       false;
	if (n->seccomp_only)
		return ei_fail(why, len, "rule %d: delay_enter= and poke_enter= need the seccomp backend", n->rule + 1),
		       false;
	if (ei_kernel_has_syscall(nr) == 0) {
		struct utsname u;
		uname(&u);
		return ei_fail(why, len, "this kernel (%s) has no %s syscall: only the seccomp backend can fail it, "
				       "before the kernel sees the call", u.release, name),
		       false;
	}
	if (ei_syscall_injectable(nr) == 0)
		return ei_fail(why, len, "the kernel does not allow overriding %s (it is not on its error injection list)",
			       name),
		       false;
	if (b == EI_BACKEND_FMOD_RET) {
		if (n->retval0)
			return ei_fail(why, len, "%s: retval=0 cannot be served by fmod_ret (a zero return lets the call run)",
				       name),
			       false;
		if (!ei_fmod_ret_btf(nr))
			return ei_fail(why, len, "%s: its entry function has no BTF, which fmod_ret needs", name), false;
	}
	return true;
}

int ei_plan_make(const struct ei_options *o, struct ei_plan *p, char *err, size_t len)
{
	static const int order[] = { EI_BACKEND_FMOD_RET, EI_BACKEND_KPROBE, EI_BACKEND_SECCOMP };
	bool bpf_any = false;
	char why[512] = "";

	memset(p, 0, sizeof(*p));
	memset(p->backend, -1, sizeof(p->backend));
	if (o->nspecs < 1 || o->nspecs > EI_MAX_RULES)
		return ei_fail(err, len, "between 1 and %d inject rules are allowed", EI_MAX_RULES);
	if (o->backend == EI_BACKEND_AUTO)
		bpf_any = !ei_backend_check(EI_BACKEND_FMOD_RET, why, sizeof(why)) ||
			  !ei_backend_check(EI_BACKEND_KPROBE, why, sizeof(why));
	for (int nr = 0; nr < EI_NR_SYSCALLS; nr++) {
		struct needs n = needs_of(o, nr);
		char whys[1536] = "";
		size_t wl = 0;
		int chosen = -1;

		if (n.rule < 0)
			continue;
		for (size_t k = 0; k < sizeof(order) / sizeof(order[0]) && chosen < 0; k++) {
			int b = order[k];
			if (o->backend != EI_BACKEND_AUTO && b != o->backend)
				continue;
			/* explore's shared injector: what BPF cannot serve is
			 * left to runs of their own. */
			if (o->explore && b == EI_BACKEND_SECCOMP)
				continue;
			if (can_serve(o, b, nr, &n, o->backend != EI_BACKEND_AUTO, bpf_any, why, sizeof(why)))
				chosen = b;
			else if (o->backend != EI_BACKEND_AUTO)
				snprintf(whys, sizeof(whys), "%s", why);
			else if (wl < sizeof(whys))
				/* Automatic: what each backend lacks. */
				wl += snprintf(whys + wl, sizeof(whys) - wl, "%s%s: %s", wl ? "; " : "", ei_backend_name(b), why);
		}
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
	/* fmod_ret verifies one load of its program per syscall (about a
	 * third of a second each on the emulated test machine), kprobe.multi
	 * attaches any number with one link: past a few syscalls the start-up
	 * outweighs what fmod_ret saves per call. */
	if (o->backend == EI_BACKEND_AUTO && !ei_backend_check(EI_BACKEND_KPROBE, why, sizeof(why))) {
		int n = 0;
		for (int nr = 0; nr < EI_NR_SYSCALLS; nr++)
			n += p->backend[nr] == EI_BACKEND_FMOD_RET;
		if (n > EI_FMOD_AUTO_MAX) {
			for (int nr = 0; nr < EI_NR_SYSCALLS; nr++)
				if (p->backend[nr] == EI_BACKEND_FMOD_RET)
					p->backend[nr] = EI_BACKEND_KPROBE;
			p->used = (p->used & ~(1u << EI_BACKEND_FMOD_RET)) | 1u << EI_BACKEND_KPROBE;
		}
	}
	for (int i = 0; i < o->nspecs; i++) {
		bool any = !ei_sysset_empty(&p->syscalls[i]);

		/* A set that selects nothing (none, ?unknown), or a rule that later
		 * ones replaced for all its syscalls (ei_spec_supersede), fails
		 * nothing. */
		if (!any && o->specs[i].nsyscalls) {
			/* Say why for the first of its syscalls. */
			for (int nr = 0; nr < EI_NR_SYSCALLS; nr++)
				if (ei_sysset_has(&o->specs[i].syscalls, nr)) {
					struct needs n = needs_of(o, nr);
					int b = o->backend != EI_BACKEND_AUTO ? o->backend
						: !ei_backend_check(EI_BACKEND_FMOD_RET, why, sizeof(why)) ? EI_BACKEND_FMOD_RET
						: EI_BACKEND_KPROBE;
					can_serve(o, b, nr, &n, true, bpf_any, why, sizeof(why));
					break;
				}
			return ei_fail(err, len, "rule %d: errinj can fail none of its syscalls here (%s)", i + 1, why);
		}
	}
	return 0;
}
