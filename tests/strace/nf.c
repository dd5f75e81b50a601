// SPDX-License-Identifier: GPL-2.0
/*
 * nf [RETVAL]: what strace 6.1's inject-nf.c checks, written anew: one
 * geteuid(2), a call that never fails, made with the syscall instruction
 * so that no library reads an error into its result; prints the raw
 * return register, and whether it is RETVAL (a C number, as strace's
 * test passes it).
 */
#include <stdlib.h>
#include <sys/syscall.h>

#include "sprogs.h"

int main(int argc, char **argv)
{
	unsigned long r = SYS_geteuid;

	__asm__ volatile("syscall" : "+a"(r) : : "rcx", "r11", "memory");
	say("geteuid() = %lu (%#lx)\n", r, r);
	if (argc > 1)
		say("%s\n", r == strtoul(argv[1], NULL, 0) ? "as injected" : "not as injected");
	return 0;
}
