// SPDX-License-Identifier: GPL-2.0
/*
 * planted FILE [clean]: a program with planted error-handling bugs, for
 * errinj explore's tests (tests/vm/explore.sh, tests/host/explore.sh).
 * Each opens FILE, which exists; each bug is reached only when one call
 * fails. The lines the tests look for are marked "PLANTED: name".
 *   crash     fopen's result not checked: fgets(NULL) dies of SIGSEGV
 *   hang      a failed open waited on, never retried: forever
 *   lost      write of the result not checked: exit 0, output changed
 *   handled   open checked: a message and exit 1
 *   helper    one helper, two callers: checked (handled) and not
 *             (fdopen(-1) gives NULL, fgets(NULL): SIGSEGV)
 * With "clean", only the correct paths run (handled and the checked
 * caller): explore must find nothing there.
 * Other modes, for the faults explore may inject (tests/host/explore_faults.sh):
 *   closepipe  its own pipe's write end closed, its result ignored, then
 *              read to the end: the kernel closes it whatever close
 *              returns, so no fault of close can make this wait
 *   kernel     calls the kernel cannot fail in their state, each checked
 *              with abort(): lseek of a regular file, fcntl F_GETFD,
 *              dup2 onto fd 0, a write to its own pipe (no EIO, and
 *              SIGPIPE not ignored); explore must find nothing
 *   retry      open retried while it fails: a persistent error (the file
 *              missing, forbidden) spins for ever (PLANTED: retry)
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NOINLINE __attribute__((noinline))

static const char *file;

static NOINLINE void crash_unchecked(void)
{
	char buf[64];
	FILE *f = fopen(file, "r"); /* PLANTED: crash */
	/* The bug: f is not checked. */
	if (fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
}

static NOINLINE void retry_forever(void)
{
	int fd = open(file, O_RDONLY); /* PLANTED: hang */
	/* The bug: the loop waits for the open to succeed but never
	 * retries it, so one failure spins forever. */
	while (fd < 0)
		usleep(1000);
	close(fd);
}

static NOINLINE void handled(void)
{
	int fd = open(file, O_RDONLY); /* PLANTED: handled */
	if (fd < 0) {
		perror("planted: open");
		exit(1);
	}
	close(fd);
}

/* Not a tail call: the helper stays on the stack. */
static NOINLINE int open_helper(const char *path)
{
	int fd = open(path, O_RDONLY); /* PLANTED: helper */
	__asm__ volatile("" : : "r"(fd) : "memory");
	return fd;
}

static NOINLINE void checked_caller(void)
{
	int fd = open_helper(file); /* PLANTED: checked_caller */
	if (fd < 0) {
		perror("planted: open_helper");
		exit(1);
	}
	close(fd);
}

static NOINLINE void unchecked_caller(void)
{
	char buf[64];
	/* The bug: the helper's result is not checked. */
	FILE *f = fdopen(open_helper(file), "r"); /* PLANTED: unchecked_caller */
	if (fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
}

static NOINLINE void report(void)
{
	static const char msg[] = "planted: all done\n";
	/* The bug: the write's result is ignored, and the exit status is 0. */
	if (write(1, msg, sizeof(msg) - 1)) /* PLANTED: lost */
		__asm__ volatile("");
}

static NOINLINE int close_pipe(void)
{
	char buf[16];
	int p[2];

	if (pipe(p) || write(p[1], "x", 1) != 1)
		return 1;
	close(p[1]); /* PLANTED: closepipe */
	while (read(p[0], buf, sizeof(buf)) > 0)
		;
	return 0;
}

static NOINLINE int kernel_cannot_fail(void)
{
	int fd = open(file, O_RDONLY), p[2];

	if (fd < 0 || pipe(p))
		return 1;
	if (lseek(fd, 0, SEEK_SET) < 0) /* PLANTED: lseek */
		abort();
	if (fcntl(fd, F_GETFD) < 0) /* PLANTED: fcntl */
		abort();
	if (dup2(fd, 0) < 0) /* PLANTED: dup2 */
		abort();
	if (write(p[1], "x", 1) != 1) /* PLANTED: pipe_write */
		abort();
	return 0;
}

static NOINLINE int retry_open(void)
{
	int fd;

	/* The bug: a permanent error is retried for ever. */
	while ((fd = open(file, O_RDONLY)) < 0) /* PLANTED: retry */
		;
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: planted FILE [clean]\n");
		return 2;
	}
	file = argv[1];
	if (argc > 2 && !strcmp(argv[2], "closepipe"))
		return close_pipe();
	if (argc > 2 && !strcmp(argv[2], "kernel"))
		return kernel_cannot_fail();
	if (argc > 2 && !strcmp(argv[2], "retry"))
		return retry_open();
	if (argc > 2 && !strcmp(argv[2], "clean")) {
		handled();
		checked_caller();
		return 0;
	}
	crash_unchecked();
	retry_forever();
	handled();
	checked_caller();
	unchecked_caller();
	report();
	return 0;
}
