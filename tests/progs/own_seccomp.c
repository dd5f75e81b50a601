// SPDX-License-Identifier: GPL-2.0
/*
 * own_seccomp OP...: a command that uses seccomp itself, as a sandbox or
 * a supervisor would (tests/host/own_seccomp.sh runs it natively and
 * under errinj). It makes the calls in order and prints each result
 * ("OP = R" or "OP = -1 ENAME"). Nothing of errinj's: an oracle. OPs:
 *   get        prctl(PR_GET_SECCOMP): 0 none, 1 strict, 2 filter
 *   listener   seccomp(SECCOMP_SET_MODE_FILTER, NEW_LISTENER) of a filter
 *              that allows all (no_new_privs set first), the listener
 *              closed again
 *   filter     the same filter without a listener
 *   strict     seccomp(SECCOMP_SET_MODE_STRICT) in a child, which then
 *              reports through write(2) and leaves with exit(2), the calls
 *              strict mode allows
 *   prctlstrict  the same through prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT)
 *   name       prctl(PR_SET_NAME): a prctl that is not about seccomp
 *   OP*N       OP N times (get and name), one line for all: "OP*N = R"
 *              if each gave R, else the first that did not
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "progs.h"

static void report(const char *op, long r)
{
	if (r < 0)
		out("%s = -1 %s\n", op, ename(errno));
	else
		out("%s = %ld\n", op, r);
}

static long set_filter(unsigned long flags)
{
	struct sock_filter f[] = { BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW) };
	struct sock_fprog prog = { .len = 1, .filter = f };
	long r;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
	if (r > 0 && (flags & SECCOMP_FILTER_FLAG_NEW_LISTENER))
		close((int)r);
	return r > 0 ? 0 : r;
}

/* Strict mode in a child: past it only read, write, exit and sigreturn,
 * so the child writes its report itself and leaves with exit(2). */
static void strict(const char *op, int by_prctl)
{
	char line[64];
	pid_t pid = fork();
	int st;

	if (pid < 0) {
		report(op, -1);
		return;
	}
	if (!pid) {
		long r = by_prctl ? prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT, 0, 0, 0)
				  : syscall(SYS_seccomp, SECCOMP_SET_MODE_STRICT, 0, NULL);
		int n = r ? snprintf(line, sizeof(line), "%s = -1 %s\n", op, ename(errno))
			  : snprintf(line, sizeof(line), "%s = 0\n", op);
		if (write(1, line, (size_t)n) < 0)
			syscall(SYS_exit, 3);
		syscall(SYS_exit, 0);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		out("%s: the child ended with status %#x\n", op, st);
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *op = argv[i], *star = strchr(op, '*');

		if (star && (!strncmp(op, "get*", 4) || !strncmp(op, "name*", 5))) {
			long n = atol(star + 1), r = 0, r0 = 0;
			for (long k = 0; k < n && r == r0; k++) {
				r = *op == 'g' ? prctl(PR_GET_SECCOMP, 0, 0, 0, 0)
					       : prctl(PR_SET_NAME, "own_seccomp", 0, 0, 0);
				if (!k)
					r0 = r;
			}
			report(op, r);
		} else if (!strcmp(op, "get"))
			report(op, prctl(PR_GET_SECCOMP, 0, 0, 0, 0));
		else if (!strcmp(op, "listener"))
			report(op, set_filter(SECCOMP_FILTER_FLAG_NEW_LISTENER));
		else if (!strcmp(op, "filter"))
			report(op, set_filter(0));
		else if (!strcmp(op, "strict"))
			strict(op, 0);
		else if (!strcmp(op, "prctlstrict"))
			strict(op, 1);
		else if (!strcmp(op, "name"))
			report(op, prctl(PR_SET_NAME, "own_seccomp", 0, 0, 0));
		else {
			fprintf(stderr, "own_seccomp: unknown op '%s'\n", op);
			return 2;
		}
	}
	return 0;
}
