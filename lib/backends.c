// SPDX-License-Identifier: GPL-2.0
/*
 * Backends: what this kernel and user can use (kprobe + override,
 * sleepable fmod_ret, seccomp user notification), and which one serves
 * each syscall of the rules (ei_plan_make). lib/engine.c then loads and
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

#include "liberrinj.h"
#include "seccomp.h"

static const char *const names[EI_NR_BACKENDS] = { "kprobe", "fmod_ret", "seccomp" };

const char *ei_backend_name(int b)
{
	return b >= 0 && b < EI_NR_BACKENDS ? names[b] : "none";
}

int ei_backend_parse(const char *s)
{
	if (!strcmp(s, "auto"))
		return EI_BACKEND_AUTO;
	for (int b = 0; b < EI_NR_BACKENDS; b++)
		if (!strcmp(s, names[b]))
			return b;
	return -2;
}

/* The running kernel's BTF, loaded once (NULL if it has none). */
static struct btf *vmlinux_btf(void)
{
	static struct btf *btf;
	static bool tried;

	if (!tried) {
		tried = true;
		btf = btf__load_vmlinux_btf();
		if (libbpf_get_error(btf))
			btf = NULL;
	}
	return btf;
}

static int entry_btf_id(const char *entry)
{
	char fn[128];
	struct btf *btf = vmlinux_btf();

	snprintf(fn, sizeof(fn), "__x64_sys_%s", entry);
	return btf ? btf__find_by_name_kind(btf, fn, BTF_KIND_FUNC) : -1;
}

bool ei_fmod_ret_btf(int nr)
{
	const struct ei_syscall_entry *e = ei_syscall_info(nr);

	return e && entry_btf_id(e->entry) > 0;
}

bool ei_kernel_has_kfunc(const char *name)
{
	struct btf *btf = vmlinux_btf();

	return btf && btf__find_by_name_kind(btf, name, BTF_KIND_FUNC) > 0;
}

/* BPF exceptions: bpf_throw in the kernel's BTF (6.7+), and a JIT that
 * can unwind through it (x86-64's needs the ORC unwinder), which only a
 * load tells: a sleepable syscall program that throws at once (no attach
 * target needed). Needs the privilege to load programs; false without. */
bool ei_bpf_exceptions(void)
{
	static int known = -1;
	struct btf *btf;
	int id, fd;

	if (known >= 0)
		return known;
	known = 0;
	btf = vmlinux_btf();
	id = btf ? btf__find_by_name_kind(btf, "bpf_throw", BTF_KIND_FUNC) : -1;
	if (id > 0 && ei_has_bpf_caps()) {
		struct bpf_insn insns[] = {
			{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_1, .imm = 0 },
			{ .code = BPF_JMP | BPF_CALL, .src_reg = BPF_PSEUDO_KFUNC_CALL, .imm = id },
			{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
			{ .code = BPF_JMP | BPF_EXIT },
		};
		LIBBPF_OPTS(bpf_prog_load_opts, po, .prog_flags = BPF_F_SLEEPABLE);

		fd = bpf_prog_load(BPF_PROG_TYPE_SYSCALL, "errinj_throws", "GPL", insns,
				   sizeof(insns) / sizeof(insns[0]), &po);
		if (fd >= 0) {
			close(fd);
			known = 1;
		}
	}
	return known;
}

static char *kernel_config(void);
static const char *config_value(const char *cfg, const char *opt, char *buf, size_t len);

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
	if (!vmlinux_btf())
		return ei_fail(err, len, "this kernel has no BTF (CONFIG_DEBUG_INFO_BTF), which fmod_ret needs");
	id = entry_btf_id("close");
	if (id <= 0)
		return ei_fail(err, len, "this kernel's BTF has no syscall entry functions (__x64_sys_close)");
	LIBBPF_OPTS(bpf_prog_load_opts, popts, .expected_attach_type = BPF_MODIFY_RETURN, .attach_btf_id = id,
		    .prog_flags = BPF_F_SLEEPABLE);
	prog = bpf_prog_load(BPF_PROG_TYPE_TRACING, NULL, "GPL", insns, 2, &popts);
	if (prog < 0 && errno == ENOSYS)
		return ei_fail(err, len, "this kernel has no bpf() system call (CONFIG_BPF_SYSCALL)");
	if (prog < 0) {
		int e = errno;
		char *cfg = kernel_config(), val[64];
		bool no_list = e == EINVAL || (cfg && !strcmp(config_value(cfg, "CONFIG_FUNCTION_ERROR_INJECTION", val,
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

#define BIT(set, nr) ((set)[(nr) / 64] & (1ULL << ((nr) % 64)))

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
		if (!BIT(sp->syscalls, nr))
			continue;
		if (n.rule < 0)
			n.rule = i;
		n.seccomp_only |= (sp->actions & (EI_ACT_DELAY | EI_ACT_POKE)) != 0 || sp->site[0];
		if (sp->site[0] && !n.site) {
			n.site = true;
			n.rule = i;
		}
		n.retval0 |= (sp->actions & EI_ACT_RETVAL) && sp->retval == 0;
		n.named |= BIT(sp->named, nr) != 0;
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
				wl += snprintf(whys + wl, sizeof(whys) - wl, "%s%s: %s", wl ? "; " : "", names[b], why);
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
			if (BIT(o->specs[i].syscalls, nr))
				p->syscalls[i][nr / 64] |= 1ULL << (nr % 64);
	}
	/* fmod_ret verifies one load of its program per syscall (slow:
	 * doc/design.md, Backends), kprobe.multi
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
		bool any = false;
		for (int w = 0; w < EI_NR_SYSCALLS / 64; w++)
			any |= p->syscalls[i][w] != 0;
		/* A set that selects nothing (none, ?unknown), or a rule that later
		 * ones replaced for all its syscalls (ei_spec_supersede), fails
		 * nothing. */
		if (!any && o->specs[i].nsyscalls) {
			/* Say why for the first of its syscalls. */
			for (int nr = 0; nr < EI_NR_SYSCALLS; nr++)
				if (BIT(o->specs[i].syscalls, nr)) {
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

/* The kernel's build options, where readable: /proc/config.gz (IKCONFIG)
 * or /boot/config-RELEASE (Debian). NULL if neither. */
static char *kernel_config(void)
{
	struct utsname u;
	char cmd[512], *buf = NULL;
	size_t cap = 0, n = 0;
	FILE *f = NULL;

	if (!access("/proc/config.gz", R_OK))
		f = popen("gzip -dc /proc/config.gz 2>/dev/null", "re");
	else if (!uname(&u)) {
		snprintf(cmd, sizeof(cmd), "/boot/config-%s", u.release);
		f = fopen(cmd, "re");
	}
	if (!f)
		return NULL;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			char *nb = realloc(buf, cap = cap * 2 + 8192);
			if (!nb)
				break;
			buf = nb;
		}
		size_t r = fread(buf + n, 1, 4096, f);
		if (!r)
			break;
		n += r;
	}
	if (buf)
		buf[n] = '\0';
	if (!access("/proc/config.gz", R_OK))
		pclose(f);
	else
		fclose(f);
	return buf;
}

static const char *config_value(const char *cfg, const char *opt, char *buf, size_t len)
{
	char key[96];
	const char *p;

	if (!cfg)
		return "unknown (no /proc/config.gz or /boot/config-*)";
	snprintf(key, sizeof(key), "\n%s=", opt);
	p = strstr(cfg, key);
	if (!p)
		return "not set";
	p += strlen(key);
	snprintf(buf, len, "%.*s", (int)strcspn(p, "\n"), p);
	return buf;
}

void ei_features(FILE *f)
{
	static const char *const opts[] = { "CONFIG_BPF_SYSCALL",     "CONFIG_DEBUG_INFO_BTF",
					    "CONFIG_KPROBES",         "CONFIG_FPROBE",
					    "CONFIG_FUNCTION_ERROR_INJECTION", "CONFIG_BPF_KPROBE_OVERRIDE",
					    "CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS", "CONFIG_SECCOMP_FILTER" };
	static const char *const cost[EI_NR_BACKENDS] = {
		"a kprobe on each syscall's entry: every caller pays it",
		"a BPF trampoline on each syscall's entry: every caller pays it, less than a kprobe",
		"a seccomp filter in the command only: a trapped call is a round trip to errinj",
	};
	struct utsname u;
	char why[512], val[64], *cfg = kernel_config();
	const char *exc = "no";
	int n = 0;

	uname(&u);
	fprintf(f, "kernel %s, uid %d\n\nbackend   usable  \n", u.release, (int)getuid());
	for (int b = 0; b < EI_NR_BACKENDS; b++) {
		static const int order[] = { EI_BACKEND_FMOD_RET, EI_BACKEND_KPROBE, EI_BACKEND_SECCOMP };
		int k = order[b];
		bool ok = !ei_backend_check(k, why, sizeof(why));
		fprintf(f, "%-9s %-7s %s\n", ei_backend_name(k), ok ? "yes" : "no", ok ? cost[k] : why);
	}
	fprintf(f, "\nkprobe.multi (one link for many syscalls): %s\n",
		ei_has_bpf_caps() ? (ei_kprobe_multi_supported() ? "yes" : "no") : "unknown (needs root)");
	fprintf(f, "BTF (/sys/kernel/btf/vmlinux): %s\n", vmlinux_btf() ? "yes" : "no");
	if (ei_bpf_exceptions() && ei_kernel_has_kfunc("bpf_copy_from_user_str"))
		exc = "yes (the fmod_ret program throws on a broken invariant)";
	else if (ei_bpf_exceptions())
		exc = "yes, unused (errinj's kfunc build also needs bpf_copy_from_user_str, Linux 6.12)";
	else if (!ei_has_bpf_caps())
		exc = "unknown (needs root)";
	else if (vmlinux_btf() && btf__find_by_name_kind(vmlinux_btf(), "bpf_throw", BTF_KIND_FUNC) > 0)
		exc = "no (the kernel has bpf_throw, but its JIT refused it: x86-64's needs CONFIG_UNWINDER_ORC)";
	fprintf(f, "BPF exceptions (bpf_throw, Linux 6.7+): %s\n", exc);
	fprintf(f, "string copies from user memory (bpf_copy_from_user_str, Linux 6.12): %s\n",
		ei_kernel_has_kfunc("bpf_copy_from_user_str") ? "yes (fmod_ret reads paths with it)" : "no");
	for (size_t i = 0; i < EI_NR_SYSCALLS; i++)
		n += ei_syscall_injectable((int)i) == 1;
	if (access("/sys/kernel/debug/error_injection/list", R_OK))
		fprintf(f, "error injection list: unreadable (debugfs, as root)\n");
	else
		fprintf(f, "error injection list: %d syscalls\n", n);
	fprintf(f, "capabilities: BPF tracing %s, ptrace any process %s\n", ei_has_bpf_caps() ? "yes" : "no",
		ei_may_ptrace_all() ? "yes" : "no");
	fprintf(f, "\nkernel options:\n");
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		fprintf(f, "  %-42s %s\n", opts[i], config_value(cfg, opts[i], val, sizeof(val)));
	free(cfg);
}
