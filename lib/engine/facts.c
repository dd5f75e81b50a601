// SPDX-License-Identifier: GPL-2.0
/*
 * The facts the plan is made of: which backends this kernel and user can
 * use (the probes of probes.c, and the seccomp supervisor's check) and
 * what the kernel has and allows of each syscall the rules name. Apart
 * from probes.c because of the supervisor: the loader links probes.c
 * alone (engine and core, no seccomp and no libdw).
 */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "engine/engine.h"
#include "seccomp/seccomp.h"

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
			state[b] = ei_fmod_ret_check(why[b], sizeof(why[b]));
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


/* Whether backend b is one the plan for o may choose. */
static bool may_use(const struct ei_options *o, int b)
{
	if (o->backend != EI_BACKEND_AUTO)
		return b == o->backend;
	return !(o->explore && b == EI_BACKEND_SECCOMP);
}

void ei_facts_gather(const struct ei_options *o, struct ei_facts *f)
{
	struct utsname u;

	memset(f, 0, sizeof(*f));
	memset(f->has_syscall, -1, sizeof(f->has_syscall));
	memset(f->injectable, -1, sizeof(f->injectable));
	if (!uname(&u))
		snprintf(f->release, sizeof(f->release), "%s", u.release);
	for (int b = 0; b < EI_NR_BACKENDS; b++)
		if (may_use(o, b))
			f->usable[b] = !ei_backend_check(b, f->why[b], sizeof(f->why[b]));
	/* The syscalls' facts matter only to the BPF backends (and some of
	 * them cost a read of kallsyms or of the kernel's BTF). */
	if (!f->usable[EI_BACKEND_FMOD_RET] && !f->usable[EI_BACKEND_KPROBE])
		return;
	for (int nr = 0; nr < EI_NR_SYSCALLS; nr++) {
		bool named = false;
		for (int i = 0; i < o->nspecs && !named; i++)
			named = ei_sysset_has(&o->specs[i].syscalls, nr);
		if (!named)
			continue;
		f->has_syscall[nr] = (signed char)ei_kernel_has_syscall(nr);
		if (f->has_syscall[nr] == 0)
			continue;
		f->injectable[nr] = (signed char)ei_syscall_injectable(nr);
		if (f->usable[EI_BACKEND_FMOD_RET] && f->injectable[nr] != 0)
			f->fmod_btf[nr] = ei_fmod_ret_btf(nr);
	}
}
