// SPDX-License-Identifier: GPL-2.0
/* errinj --features: what this kernel and user can use, and why not. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/utsname.h>
#include <bpf/btf.h>

#include "engine/engine.h"
#include "cli.h"

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
	char why[512], val[64], *cfg = ei_kernel_config();
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
	fprintf(f, "BTF (/sys/kernel/btf/vmlinux): %s\n", ei_vmlinux_btf() ? "yes" : "no");
	if (ei_bpf_exceptions() && ei_kernel_has_kfunc("bpf_copy_from_user_str"))
		exc = "yes (the fmod_ret program throws on a broken invariant)";
	else if (ei_bpf_exceptions())
		exc = "yes, unused (errinj's kfunc build also needs bpf_copy_from_user_str, Linux 6.12)";
	else if (!ei_has_bpf_caps())
		exc = "unknown (needs root)";
	else if (ei_vmlinux_btf() && btf__find_by_name_kind(ei_vmlinux_btf(), "bpf_throw", BTF_KIND_FUNC) > 0)
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
		fprintf(f, "  %-42s %s\n", opts[i], ei_config_value(cfg, opts[i], val, sizeof(val)));
	free(cfg);
}
