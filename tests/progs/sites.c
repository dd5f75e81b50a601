// SPDX-License-Identifier: GPL-2.0
/*
 * sites DIR [N] [thread]: the same openat of the same directory made from
 * two functions, for site= (tests/vm/site.sh). N rounds (1 without), each
 * func_a then func_b: func_a opens DIR with open(2) (glibc's openat),
 * func_b with opendir(3) through open_b, a helper of its own. One line
 * per call: "a 1 ok" or "b 2 ENOENT" (function, round, result). With
 * "thread", the rounds run in a second thread.
 *
 * opendir, not fopen: glibc's fopen tail-calls __fopen_internal, so that
 * fopen itself is on no stack; opendir uses the descriptor it gets.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "progs.h"

/* Not inlined, and their calls not tail calls (each uses the result),
 * so that each function keeps a frame of its own on the stack. */
#define NOINLINE __attribute__((noinline))

static const char *dir;
static int rounds = 1;

NOINLINE int func_a(int round)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	int e = errno;

	out("a %d %s\n", round, fd >= 0 ? "ok" : ename(e));
	if (fd >= 0)
		close(fd);
	return fd >= 0;
}

NOINLINE DIR *open_b(void)
{
	DIR *d = opendir(dir);

	__asm__ volatile("" ::: "memory"); /* no tail call */
	return d;
}

NOINLINE int func_b(int round)
{
	DIR *d = open_b();
	int e = errno;

	out("b %d %s\n", round, d ? "ok" : ename(e));
	if (d)
		closedir(d);
	return d != NULL;
}

static void *run(void *arg)
{
	(void)arg;
	for (int i = 1; i <= rounds; i++) {
		func_a(i);
		func_b(i);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t;

	if (argc < 2) {
		fprintf(stderr, "usage: sites DIR [N] [thread]\n");
		return 2;
	}
	dir = argv[1];
	if (argc > 2)
		rounds = atoi(argv[2]);
	if (argc > 3) {
		if (pthread_create(&t, NULL, run, NULL) || pthread_join(t, NULL))
			return 1;
		return 0;
	}
	run(NULL);
	return 0;
}
