// SPDX-License-Identifier: GPL-2.0
/*
 * nobpf CMD [ARGS...]: runs CMD with bpf(2) forbidden by a seccomp filter
 * that kills the process making the call (SECCOMP_RET_KILL_PROCESS), for
 * it and every process it starts. The tests' witness that a command made
 * no bpf(2) call (tests/lib.sh run_traced): the kernel's own, without a
 * ptrace stop per call (strace -f cost about a second a run in the test
 * VM) and without running the command twice. A process that calls bpf(2)
 * dies of SIGSYS: a shell sees status 159. No core is dumped.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#else
#error "nobpf: add this architecture's AUDIT_ARCH"
#endif

int main(int argc, char **argv)
{
	/* A call of another ABI (a 32-bit bpf) is killed too: the filter does
	 * not know its number, and errinj has no reason to make one. */
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_bpf, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };
	struct rlimit nocore = { 0, 0 };

	if (argc < 2) {
		fprintf(stderr, "usage: nobpf CMD [ARGS...]\n");
		return 2;
	}
	if (setrlimit(RLIMIT_CORE, &nocore) || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog)) {
		fprintf(stderr, "nobpf: cannot install the filter: %s\n", strerror(errno));
		return 126;
	}
	execvp(argv[1], argv + 1);
	fprintf(stderr, "nobpf: %s: %s\n", argv[1], strerror(errno));
	return 127;
}
