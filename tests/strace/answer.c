// SPDX-License-Identifier: GPL-2.0
/*
 * answer: what strace 6.1's qual_fault-exit_group.test runs (its
 * answer.c), written anew: exit_group(0xbadc0ded0000002a), then, if that
 * returns, exit() with the same, and if that returns too, a trap (SIGILL):
 * a failed exit ends the run at once. Freestanding (no libc, no start-up
 * calls): its only system calls are those two, the ones strace's test
 * traces (-e trace=exit,exit_group), so that errinj, which has no tracing
 * to narrow a spec by, takes the same specs as they are.
 */
#include <sys/syscall.h>

static long sys1(long nr, long a)
{
	long r = nr;

	__asm__ volatile("syscall" : "+a"(r) : "D"(a) : "rcx", "r11", "memory");
	return r;
}

__attribute__((noreturn)) void _start(void)
{
	sys1(SYS_exit_group, (long)0xbadc0ded0000002aULL);
	sys1(SYS_exit, (long)0xbadc0ded0000002aULL);
	__builtin_trap();
}
