// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the planner (lib/engine/plan.c): which backend serves
 * each syscall, a pure function of the options and of the facts, which
 * the tests write by hand (no kernel is asked).
 */
#include <sys/syscall.h>

#include "core/core.h"
#include "engine/engine.h"
#include "test.h"

static struct ei_spec specs[EI_MAX_RULES];
static struct ei_options o;
static struct ei_facts f;
static struct ei_plan p;
static char err[2048];

/* Everything usable and allowed: every syscall on the error injection
 * list, with BTF, in the kernel; a command errinj starts; automatic. */
static void setup(void)
{
	memset(&f, 0, sizeof(f));
	for (int b = 0; b < EI_NR_BACKENDS; b++)
		f.usable[b] = true;
	memset(f.has_syscall, 1, sizeof(f.has_syscall));
	memset(f.injectable, 1, sizeof(f.injectable));
	memset(f.fmod_btf, 1, sizeof(f.fmod_btf));
	snprintf(f.release, sizeof(f.release), "6.1.0-test");
	memset(&o, 0, sizeof(o));
	o.specs = specs;
	o.cgroup_fd = -1;
	o.backend = EI_BACKEND_AUTO;
	o.command = true;
}

static void unusable(int b, const char *why)
{
	f.usable[b] = false;
	snprintf(f.why[b], sizeof(f.why[b]), "%s", why);
}

static bool rule(const char *text)
{
	char e[512] = "";

	return ASSERT(o.nspecs < EI_MAX_RULES && ei_spec_parse(text, &specs[o.nspecs++], e, sizeof(e)) == 0,
		      "'%s' rejected: %s", text, e);
}

/* Makes the plan: 0, or -1 with its sentence in err. */
static int plan(void)
{
	err[0] = '\0';
	return ei_plan_make(&o, &f, &p, err, sizeof(err));
}

static bool served(int rule_i, int nr)
{
	return ei_sysset_has(&p.syscalls[rule_i], nr);
}

static void test_cheapest(void)
{
	setup();
	if (rule("dup:error=EIO") && ASSERT_EQ(plan(), 0)) {
		ASSERT_EQ(p.backend[SYS_dup], EI_BACKEND_FMOD_RET);
		ASSERT_EQ(p.backend[SYS_read], -1);
		ASSERT_EQ(p.used, 1u << EI_BACKEND_FMOD_RET);
		ASSERT(served(0, SYS_dup), "dup not served");
	}
	setup();
	unusable(EI_BACKEND_FMOD_RET, "no fmod_ret");
	if (rule("dup:error=EIO") && ASSERT_EQ(plan(), 0))
		ASSERT_EQ(p.backend[SYS_dup], EI_BACKEND_KPROBE);
	setup();
	unusable(EI_BACKEND_FMOD_RET, "no fmod_ret");
	unusable(EI_BACKEND_KPROBE, "no kprobe");
	if (rule("dup:error=EIO") && ASSERT_EQ(plan(), 0))
		ASSERT_EQ(p.backend[SYS_dup], EI_BACKEND_SECCOMP);
}

/* A zero return lets the call run: fmod_ret cannot fail with retval=0. */
static void test_fmod_ret_no_retval0(void)
{
	setup();
	if (rule("dup:retval=0") && ASSERT_EQ(plan(), 0))
		ASSERT_EQ(p.backend[SYS_dup], EI_BACKEND_KPROBE);
	setup();
	if (rule("dup:retval=3") && ASSERT_EQ(plan(), 0))
		ASSERT_EQ(p.backend[SYS_dup], EI_BACKEND_FMOD_RET);
	/* Any rule naming the syscall decides for all of them. */
	setup();
	if (rule("dup:error=EIO:when=1") && rule("dup:retval=0") && ASSERT_EQ(plan(), 0))
		ASSERT_EQ(p.backend[SYS_dup], EI_BACKEND_KPROBE);
}

static void test_fmod_ret_needs_btf(void)
{
	setup();
	f.fmod_btf[SYS_getppid] = false;
	if (rule("getppid,dup:error=EIO") && ASSERT_EQ(plan(), 0)) {
		ASSERT_EQ(p.backend[SYS_getppid], EI_BACKEND_KPROBE);
		ASSERT_EQ(p.backend[SYS_dup], EI_BACKEND_FMOD_RET);
		ASSERT_EQ(p.used, 1u << EI_BACKEND_FMOD_RET | 1u << EI_BACKEND_KPROBE);
	}
}

/* delay_enter=, poke_enter= and site= only seccomp serves, for every
 * rule naming the syscall. */
static void test_seccomp_alone(void)
{
	static const char *const only[] = {
		"read:delay_enter=1ms",
		"read:poke_enter=@arg2=00",
		"read:error=EIO:site=main",
	};

	for (size_t k = 0; k < sizeof(only) / sizeof(only[0]); k++) {
		setup();
		if (rule("read,dup:error=EIO:when=1") && rule(only[k]) && ASSERT_EQ(plan(), 0)) {
			ASSERT(p.backend[SYS_read] == EI_BACKEND_SECCOMP, "%s: read on %d", only[k], p.backend[SYS_read]);
			ASSERT(p.backend[SYS_dup] == EI_BACKEND_FMOD_RET, "%s: dup on %d", only[k], p.backend[SYS_dup]);
			ASSERT(served(0, SYS_read) && served(1, SYS_read), "%s: read not served for both", only[k]);
		}
	}
	/* Not for -p or --cgroup: then nothing serves it. */
	setup();
	o.command = false;
	if (rule("read:delay_enter=1ms") && ASSERT_EQ(plan(), -1))
		ASSERT(strstr(err, "no backend can fail read here") &&
		       strstr(err, "delay_enter= and poke_enter= need the seccomp backend") &&
		       strstr(err, "seccomp: it serves only a command errinj starts"), "%s", err);
}

/* A syscall named one by one that no backend can serve is an error that
 * says what each backend lacks. */
static void test_named_unserved(void)
{
	setup();
	o.command = false;
	f.injectable[SYS_dup] = 0;
	if (rule("dup:error=EIO") && ASSERT_EQ(plan(), -1))
		ASSERT_STR(err, "no backend can fail dup here: fmod_ret: the kernel does not allow overriding dup (it is "
				"not on its error injection list); kprobe: the kernel does not allow overriding dup (it is "
				"not on its error injection list); seccomp: it serves only a command errinj starts (not -p "
				"or --cgroup)");
	/* With the command, seccomp takes it. */
	setup();
	f.injectable[SYS_dup] = 0;
	if (rule("dup:error=EIO") && ASSERT_EQ(plan(), 0))
		ASSERT_EQ(p.backend[SYS_dup], EI_BACKEND_SECCOMP);
	/* Unknown (no debugfs) is not a refusal. */
	setup();
	f.injectable[SYS_dup] = -1;
	if (rule("dup:error=EIO") && ASSERT_EQ(plan(), 0))
		ASSERT_EQ(p.backend[SYS_dup], EI_BACKEND_FMOD_RET);
}

/* A syscall the kernel does not have: only seccomp fails it. */
static void test_kernel_lacks_syscall(void)
{
	setup();
	o.command = false;
	f.has_syscall[SYS_dup] = 0;
	if (rule("dup:error=EIO") && ASSERT_EQ(plan(), -1))
		ASSERT(strstr(err, "kprobe: this kernel (6.1.0-test) has no dup syscall"), "%s", err);
	setup();
	f.has_syscall[SYS_dup] = 0;
	if (rule("dup:error=EIO") && ASSERT_EQ(plan(), 0))
		ASSERT_EQ(p.backend[SYS_dup], EI_BACKEND_SECCOMP);
}

/* A class or regex drops what cannot be served; with a BPF backend
 * usable seccomp takes none of its syscalls. */
static void test_class_drops(void)
{
	setup();
	f.injectable[SYS_dup2] = 0;
	if (rule("/^dup[23]?$:error=EIO") && ASSERT_EQ(plan(), 0)) {
		ASSERT_EQ(p.backend[SYS_dup], EI_BACKEND_FMOD_RET);
		ASSERT_EQ(p.backend[SYS_dup2], -1);
		ASSERT_EQ(p.backend[SYS_dup3], EI_BACKEND_FMOD_RET);
		ASSERT(!served(0, SYS_dup2), "dup2 served");
	}
	/* No BPF backend at all: seccomp takes the class. */
	setup();
	unusable(EI_BACKEND_FMOD_RET, "no fmod_ret");
	unusable(EI_BACKEND_KPROBE, "no kprobe");
	f.injectable[SYS_dup2] = 0;
	if (rule("/^dup[23]?$:error=EIO") && ASSERT_EQ(plan(), 0))
		ASSERT_EQ(p.backend[SYS_dup2], EI_BACKEND_SECCOMP);
}

/* A rule left with none of its syscalls is an error, said for its first. */
static void test_rule_left_with_none(void)
{
	setup();
	o.command = false;
	f.injectable[SYS_dup] = f.injectable[SYS_dup2] = f.injectable[SYS_dup3] = 0;
	if (rule("read:error=EIO") && rule("/^dup[23]?$:error=EIO") && ASSERT_EQ(plan(), -1))
		ASSERT_STR(err, "rule 2: errinj can fail none of its syscalls here (the kernel does not allow overriding "
				"dup (it is not on its error injection list))");
}

/* A forced backend is the only one tried, and says its own reason. */
static void test_forced(void)
{
	setup();
	o.backend = EI_BACKEND_KPROBE;
	if (rule("dup:error=EIO") && ASSERT_EQ(plan(), 0))
		ASSERT_EQ(p.used, 1u << EI_BACKEND_KPROBE);
	setup();
	o.backend = EI_BACKEND_FMOD_RET;
	if (rule("dup:retval=0") && ASSERT_EQ(plan(), -1))
		ASSERT_STR(err, "dup: retval=0 cannot be served by fmod_ret (a zero return lets the call run)");
	setup();
	o.backend = EI_BACKEND_KPROBE;
	unusable(EI_BACKEND_KPROBE, "no kprobes here");
	if (rule("dup:error=EIO") && ASSERT_EQ(plan(), -1))
		ASSERT_STR(err, "no kprobes here");
	/* Forced seccomp takes every syscall of a class. */
	setup();
	o.backend = EI_BACKEND_SECCOMP;
	if (rule("/^dup[23]?$:error=EIO") && ASSERT_EQ(plan(), 0))
		ASSERT(p.backend[SYS_dup] == EI_BACKEND_SECCOMP && p.backend[SYS_dup2] == EI_BACKEND_SECCOMP &&
		       p.backend[SYS_dup3] == EI_BACKEND_SECCOMP, "not all on seccomp");
}

/* Past EI_FMOD_AUTO_MAX (8) syscalls, fmod_ret's go to kprobe when it
 * is usable. */
static void test_fmod_ret_few(void)
{
	setup();
	if (rule("read,write,dup,dup2,dup3,close,openat,getpid:error=EIO") && ASSERT_EQ(plan(), 0))
		ASSERT_EQ(p.used, 1u << EI_BACKEND_FMOD_RET);
	setup();
	if (rule("read,write,dup,dup2,dup3,close,openat,getpid,getppid:error=EIO") && ASSERT_EQ(plan(), 0)) {
		ASSERT_EQ(p.used, 1u << EI_BACKEND_KPROBE);
		ASSERT_EQ(p.backend[SYS_getppid], EI_BACKEND_KPROBE);
	}
	setup();
	unusable(EI_BACKEND_KPROBE, "no kprobe");
	if (rule("read,write,dup,dup2,dup3,close,openat,getpid,getppid:error=EIO") && ASSERT_EQ(plan(), 0))
		ASSERT_EQ(p.used, 1u << EI_BACKEND_FMOD_RET);
}

/* explore's shared injector never takes seccomp; seccomp never uretprobe. */
static void test_explore_and_uretprobe(void)
{
	setup();
	o.explore = true;
	f.injectable[SYS_dup] = 0;
	if (rule("dup,read:error=EIO") && ASSERT_EQ(plan(), -1))
		ASSERT(strstr(err, "no backend can fail dup here") && !strstr(err, "seccomp"), "%s", err);
	setup();
	o.backend = EI_BACKEND_SECCOMP;
	if (ASSERT(ei_syscall_nr("uretprobe") >= 0, "no uretprobe in the table") && rule("uretprobe:error=EIO") &&
	    ASSERT_EQ(plan(), -1))
		ASSERT_STR(err, "seccomp cannot fail uretprobe: the kernel lets it past seccomp filters");
}

static void test_rule_count(void)
{
	setup();
	ASSERT_EQ(plan(), -1);
	ASSERT(strstr(err, "inject rules are allowed"), "%s", err);
}

/* The early checks errinj makes before anything is probed. */
static void test_rules_check(void)
{
	setup();
	if (rule("read:delay_enter=1ms")) {
		ASSERT_EQ(ei_rules_check(specs, 1, EI_BACKEND_AUTO, NULL, err, sizeof(err)), 0);
		ASSERT_EQ(ei_rules_check(specs, 1, EI_BACKEND_AUTO, "-p", err, sizeof(err)), -1);
		ASSERT_STR(err, "rule 1: delay_enter= is served only by the seccomp backend, which serves only a "
				"command errinj starts (not -p or --cgroup)");
		ASSERT_EQ(ei_rules_check(specs, 1, EI_BACKEND_KPROBE, NULL, err, sizeof(err)), -1);
		ASSERT_STR(err, "rule 1: delay_enter= needs the seccomp backend: a BPF program cannot hold a call for a "
				"given time");
	}
	setup();
	if (rule("dup:retval=0")) {
		ASSERT_EQ(ei_rules_check(specs, 1, EI_BACKEND_KPROBE, NULL, err, sizeof(err)), 0);
		ASSERT_EQ(ei_rules_check(specs, 1, EI_BACKEND_FMOD_RET, NULL, err, sizeof(err)), -1);
		ASSERT_EQ(ei_rules_check(specs, 1, EI_BACKEND_SECCOMP, "--cgroup", err, sizeof(err)), -1);
		ASSERT(strstr(err, "--backend=seccomp cannot serve --cgroup"), "%s", err);
	}
}

int main(void)
{
	SUBTEST(cheapest);
	SUBTEST(fmod_ret_no_retval0);
	SUBTEST(fmod_ret_needs_btf);
	SUBTEST(seccomp_alone);
	SUBTEST(named_unserved);
	SUBTEST(kernel_lacks_syscall);
	SUBTEST(class_drops);
	SUBTEST(rule_left_with_none);
	SUBTEST(forced);
	SUBTEST(fmod_ret_few);
	SUBTEST(explore_and_uretprobe);
	SUBTEST(rule_count);
	SUBTEST(rules_check);
	return t_failed ? 1 : 0;
}
