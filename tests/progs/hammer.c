// SPDX-License-Identifier: GPL-2.0
/*
 * hammer SYSCALL COUNT       call SYSCALL COUNT times
 * hammer SYSCALL -u FILE     call it until FILE exists (a bystander)
 * Prints "calls=N errors=E errno=X" (X: the last error, 0 if none) and,
 * with -u, creates FILE.ready once it has started calling. On SIGUSR1 it
 * prints the counts so far and starts counting anew (a window).
 * SYSCALL is one of dup, getppid, getpid, close, openat.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

static long call(const char *name)
{
	long r;

	if (!strcmp(name, "dup")) {
		r = syscall(SYS_dup, 0);
		if (r >= 0)
			syscall(SYS_close_range, (unsigned)r, (unsigned)r, 0);
		return r;
	}
	if (!strcmp(name, "getppid"))
		return syscall(SYS_getppid);
	if (!strcmp(name, "getpid"))
		return syscall(SYS_getpid);
	if (!strcmp(name, "close"))
		return syscall(SYS_close, 999);
	if (!strcmp(name, "openat")) {
		r = syscall(SYS_openat, AT_FDCWD, "/dev/null", O_RDONLY | O_CLOEXEC);
		if (r >= 0)
			syscall(SYS_close_range, (unsigned)r, (unsigned)r, 0);
		return r;
	}
	fprintf(stderr, "hammer: unknown syscall '%s'\n", name);
	exit(2);
}

static volatile sig_atomic_t window;

static void on_usr1(int sig)
{
	(void)sig;
	window = 1;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	long n = 0, errors = 0, count = -1, last = 0;
	const char *until = NULL;
	char ready[4096];

	if (argc == 3)
		count = atol(argv[2]);
	else if (argc == 4 && !strcmp(argv[2], "-u"))
		until = argv[3];
	else {
		fprintf(stderr, "usage: hammer SYSCALL COUNT | hammer SYSCALL -u FILE\n");
		return 2;
	}
	/* close(999) fails with EBADF on its own: count only other errors. */
	int expected = !strcmp(argv[1], "close") ? EBADF : 0;
	sigaction(SIGUSR1, &sa, NULL);
	if (until) {
		snprintf(ready, sizeof(ready), "%s.ready", until);
		call(argv[1]);
		close(open(ready, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	}
	while (count < 0 ? access(until, F_OK) != 0 : n < count) {
		/* With -u, look for FILE only every 1000 calls. */
		for (int i = 0; i < (until ? 1000 : 1) && (count < 0 || n < count); i++, n++) {
			if (call(argv[1]) < 0 && errno != expected) {
				errors++;
				last = errno;
			}
			if (window) {
				printf("window calls=%ld errors=%ld errno=%ld\n", n, errors, last);
				fflush(stdout);
				window = 0;
				n = errors = last = 0;
			}
		}
	}
	printf("calls=%ld errors=%ld errno=%ld\n", n, errors, last);
	return 0;
}
