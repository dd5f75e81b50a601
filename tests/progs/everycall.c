// SPDX-License-Identifier: GPL-2.0
/*
 * everycall [-r]: make every syscall of errinj's table once, with
 * arguments that make it fail or do nothing (-1 everywhere, or what the
 * kernel refuses at once), then print "NR NAME" for each on stdout; with
 * -r, print instead the name of each call that failed with
 * ENOTRECOVERABLE (what the test has errinj inject), as it returns. For
 * tests/host/strace_classes.sh: what strace -e trace=%CLASS shows of it
 * is strace's class, what errinj fails of it errinj's. The calls that
 * end, stop or split the caller (exit, rt_sigreturn, vfork, pause,
 * setsid...) are made in a child of their own. Each call of the table is
 * made by make_call, and only there: errinj's site=make_call fails those
 * and none of the dynamic loader's, fork's or the report's.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/core.h"
#include "syscall_table.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static int report; /* -r */

/* -r: the call's name if errinj failed it (unbuffered: children too). */
static void said(const struct ei_syscall_entry *e, long r)
{
	if (report && r == -1 && errno == ENOTRECOVERABLE)
		dprintf(1, "%s\n", e->name);
}

/* vfork's child shares the stack: it exits in the same asm block,
 * without touching memory. */
static long vfork_and_exit(void)
{
	long r;

	__asm__ volatile("syscall\n\t"
			 "test %%rax, %%rax\n\t"
			 "jnz 1f\n\t"
			 "mov %[exit], %%eax\n\t"
			 "xor %%edi, %%edi\n\t"
			 "syscall\n"
			 "1:"
			 : "=a"(r)
			 : "0"((long)SYS_vfork), [exit] "i"(SYS_exit)
			 : "rdi", "rcx", "r11", "memory");
	if (r < 0) {
		errno = (int)-r;
		r = -1;
	}
	return r;
}

/* The table's call, on the stack for site= under its own name (never a
 * tail call, never a clone renamed make_call.constprop.0 by gcc). */
#if defined(__GNUC__) && !defined(__clang__)
#define SITE __attribute__((noipa))
#else
#define SITE __attribute__((noinline))
#endif
static SITE long make_call(const struct ei_syscall_entry *e, long a0, long a1, long a2)
{
	long r = e->nr == SYS_vfork ? vfork_and_exit() : syscall(e->nr, a0, a1, a2, -1L, -1L, -1L);

	__asm__ volatile("" ::: "memory");
	return r;
}

/* A pause that nobody fails sleeps for good: the child is killed once
 * it sleeps in the kernel's pause, never while errinj holds the call (a
 * timer could end it there, before the failure it waits for). */
static void end_pause(pid_t pid)
{
	char path[64], w[128];
	int i;

	snprintf(path, sizeof(path), "/proc/%d/wchan", (int)pid);
	for (i = 0; i < 10000; i++) {
		FILE *f;
		size_t n = 0;

		if (waitpid(pid, NULL, WNOHANG) == pid) /* failed, said, exited */
			return;
		if ((f = fopen(path, "re"))) {
			n = fread(w, 1, sizeof(w) - 1, f);
			fclose(f);
		}
		w[n] = '\0';
		if (strstr(w, "pause")) {
			kill(pid, SIGKILL);
			break;
		}
		usleep(1000);
	}
	if (i == 10000) {
		fprintf(stderr, "everycall: pause's child is in neither pause nor exit after 10 s (wchan '%s')\n", w);
		kill(pid, SIGKILL);
		exit(1);
	}
	while (waitpid(pid, NULL, 0) < 0)
		;
}

/* The calls made in a child: it may end there (exit, a signal). */
static void in_child(const struct ei_syscall_entry *e)
{
	pid_t pid = fork();

	if (pid < 0) {
		perror("everycall: fork");
		exit(1);
	}
	if (pid == 0) {
		long r;

		if (e->nr == SYS_fork) {
			if ((r = make_call(e, -1L, -1L, -1L)) == 0)
				_exit(0);
		} else if (e->nr == SYS_vhangup) {
			/* Without a controlling terminal, nothing to hang up. */
			setsid();
			r = make_call(e, -1L, -1L, -1L);
		} else if (e->nr == SYS_exit || e->nr == SYS_exit_group) {
			r = make_call(e, 0L, -1L, -1L);
		} else {
			/* vfork, setsid, set_tid_address, rt_sigreturn
			 * (SIGSEGV), uretprobe (SIGILL outside a uretprobe). */
			r = make_call(e, -1L, -1L, -1L);
		}
		said(e, r);
		_exit(0);
	}
	if (e->nr == SYS_pause)
		end_pause(pid);
	else
		while (waitpid(pid, NULL, 0) < 0)
			;
}

int main(int argc, char **argv)
{
	/* rt_sigreturn and uretprobe kill their child: no core file. */
	struct rlimit core = { 0, 0 };
	size_t i;

	report = argc > 1 && !strcmp(argv[1], "-r");
	setrlimit(RLIMIT_CORE, &core);
	for (i = 0; i < ARRAY_SIZE(ei_syscall_table); i++) {
		const struct ei_syscall_entry *e = &ei_syscall_table[i];
		const char *n = e->name;

		if (e->nr == SYS_exit || e->nr == SYS_exit_group || e->nr == SYS_rt_sigreturn ||
		    e->nr == SYS_fork || e->nr == SYS_vfork || e->nr == SYS_pause || e->nr == SYS_setsid ||
		    e->nr == SYS_vhangup || e->nr == SYS_set_tid_address || !strcmp(n, "uretprobe"))
			in_child(e);
		else if (e->nr == SYS_msgget) /* IPC_CREAT would make a queue */
			said(e, make_call(e, -1L, 0L, -1L));
		else if (e->nr == SYS_kill) /* no such process, no such signal */
			said(e, make_call(e, 0x7fffffffL, -1L, -1L));
		else if (e->nr == SYS_init_module) /* a length the kernel refuses unread */
			said(e, make_call(e, -1L, 0L, -1L));
		else
			said(e, make_call(e, -1L, -1L, -1L));
	}
	if (report)
		return 0;
	for (i = 0; i < ARRAY_SIZE(ei_syscall_table); i++)
		printf("%d %s\n", ei_syscall_table[i].nr, ei_syscall_table[i].name);
	return fflush(stdout) ? 1 : 0;
}
