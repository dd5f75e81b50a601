// SPDX-License-Identifier: GPL-2.0
/*
 * family: one static helper whose write fails for two callers, each
 * losing output (the result is ignored, the exit status stays 0), and a
 * last line left in stdio's buffer for exit to flush. Built as usual and
 * as a copy stripped of its symbols and debug information
 * (build/tests/family-stripped, as Debian ships its programs), for
 * explore's tests of the labels (tests/host/explore_sites.sh): the two
 * findings share their innermost frame of the executable, and must
 * still read apart. The lines the test looks for are marked
 * "FAMILY: name".
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define NOINLINE __attribute__((noinline))

static NOINLINE void emit(const char *s)
{
	/* A symbol without a size inside emit, exported (the Makefile):
	 * the stripped copy's .dynsym has it, and it must not name emit's
	 * frame (it is no function's start). */
	__asm__ volatile(".globl family_label\nfamily_label:");
	/* The bug: the result is ignored. */
	if (write(1, s, strlen(s))) /* FAMILY: emit */
		__asm__ volatile("");
}

static NOINLINE void header(void)
{
	emit("header\n"); /* FAMILY: header */
	__asm__ volatile("" : : : "memory");
}

static NOINLINE void footer(void)
{
	emit("footer\n"); /* FAMILY: footer */
	__asm__ volatile("" : : : "memory");
}

int main(void)
{
	header();
	footer();
	/* Flushed by exit: a write made from libc alone. */
	fputs("trailer\n", stdout);
	return 0;
}
