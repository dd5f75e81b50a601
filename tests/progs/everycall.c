// SPDX-License-Identifier: GPL-2.0
/*
 * everycall: make every syscall of errinj's table once, with arguments
 * that make it fail or do nothing (-1 everywhere, or what the kernel
 * refuses at once), then print "NR NAME" for each on stdout. For
 * tests/host/strace_classes.sh: what strace -e trace=%CLASS shows of it
 * is strace's class, to compare with errinj's. The calls that end, stop
 * or split the caller (exit, rt_sigreturn, vfork, pause, setsid...) are
 * made in a child of their own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "liberrinj.h"
#include "syscall_table.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* vfork's child shares the stack: it exits in the same asm block,
 * without touching memory. */
static void vfork_and_exit(void)
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
	(void)r;
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
		if (e->nr == SYS_fork) {
			if (syscall(SYS_fork) == 0)
				_exit(0);
		} else if (e->nr == SYS_vfork) {
			vfork_and_exit();
		} else if (e->nr == SYS_pause) {
			/* SIGALRM's default action ends the pause and the child. */
			struct itimerval t = { .it_value = { .tv_usec = 10000 } };
			setitimer(ITIMER_REAL, &t, NULL);
			syscall(SYS_pause);
		} else if (e->nr == SYS_vhangup) {
			/* Without a controlling terminal, nothing to hang up. */
			syscall(SYS_setsid);
			syscall(SYS_vhangup);
		} else if (e->nr == SYS_exit || e->nr == SYS_exit_group) {
			syscall(e->nr, 0);
		} else {
			/* setsid, set_tid_address, rt_sigreturn (SIGSEGV),
			 * uretprobe (SIGILL outside a uretprobe). */
			syscall(e->nr, -1L, -1L, -1L, -1L, -1L, -1L);
		}
		_exit(0);
	}
	while (waitpid(pid, NULL, 0) < 0)
		;
}

int main(void)
{
	/* rt_sigreturn and uretprobe kill their child: no core file. */
	struct rlimit core = { 0, 0 };
	size_t i;

	setrlimit(RLIMIT_CORE, &core);
	for (i = 0; i < ARRAY_SIZE(ei_syscall_table); i++) {
		const struct ei_syscall_entry *e = &ei_syscall_table[i];
		const char *n = e->name;

		if (e->nr == SYS_exit || e->nr == SYS_exit_group || e->nr == SYS_rt_sigreturn ||
		    e->nr == SYS_fork || e->nr == SYS_vfork || e->nr == SYS_pause || e->nr == SYS_setsid ||
		    e->nr == SYS_vhangup || e->nr == SYS_set_tid_address || !strcmp(n, "uretprobe"))
			in_child(e);
		else if (e->nr == SYS_msgget) /* IPC_CREAT would make a queue */
			syscall(e->nr, -1L, 0L);
		else if (e->nr == SYS_kill) /* no such process, no such signal */
			syscall(e->nr, 0x7fffffffL, -1L);
		else if (e->nr == SYS_init_module) /* a length the kernel refuses unread */
			syscall(e->nr, -1L, 0L, -1L);
		else
			syscall(e->nr, -1L, -1L, -1L, -1L, -1L, -1L);
	}
	for (i = 0; i < ARRAY_SIZE(ei_syscall_table); i++)
		printf("%d %s\n", ei_syscall_table[i].nr, ei_syscall_table[i].name);
	return fflush(stdout) ? 1 : 0;
}
