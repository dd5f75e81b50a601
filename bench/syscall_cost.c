// SPDX-License-Identifier: GPL-2.0
/*
 * syscall_cost OP N [FILE]: makes N calls of one kind and prints
 * "ns_per_call=X ok=A err=B" (err: the calls that failed). OPs:
 *   getppid  getppid(2), which does almost nothing in the kernel, so what
 *            an injector adds per call shows at its largest
 *   open     openat(2) of FILE, then close(2) of what it opened (timed
 *            with it; err counts the failed openat calls)
 *   read     a 4 KiB pread64(2) at offset 0 of FILE (in the page cache)
 * Through libc's wrappers, which do not cache any of these, so that
 * LD_PRELOAD injectors (libfiu) see the calls too.
 * syscall_cost hold READY: makes the directory READY and in it one named
 * by its pid, then sleeps until SIGUSR1: a target for the bystander
 * scenarios that makes none of the calls above (a shell would need openat
 * to start) and takes no CPU meanwhile (a target that woke up to poll
 * would slow the measured process: under TCG the vCPUs run in turns on
 * one host thread).
 * syscall_cost block: waits for a signal, making no call and taking no
 * CPU meanwhile (the many idle targets of the scaling scenario).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

static volatile sig_atomic_t released;

static void on_release(int sig)
{
	(void)sig;
	released = 1;
}

int main(int argc, char **argv)
{
	static char buf[4096];
	struct timespec a, b;
	long n, ok = 0, err = 0;
	const char *op = argc > 1 ? argv[1] : "", *file = argc > 3 ? argv[3] : NULL;
	char *end = NULL;
	int fd = -1, kind;

	if (!strcmp(op, "block") && argc == 2) {
		pause();
		return 0;
	}
	if (!strcmp(op, "hold") && argc == 3) {
		struct sigaction sa = { .sa_handler = on_release };
		sigset_t usr1, old;
		char d[4096];

		sigemptyset(&usr1);
		sigaddset(&usr1, SIGUSR1);
		sigprocmask(SIG_BLOCK, &usr1, &old);
		sigaction(SIGUSR1, &sa, NULL);
		snprintf(d, sizeof(d), "%s/%d", argv[2], (int)getpid());
		if (mkdir(argv[2], 0700) || mkdir(d, 0700))
			return 1;
		while (!released)
			sigsuspend(&old);
		return 0;
	}
	kind = !strcmp(op, "getppid") ? 0 : !strcmp(op, "open") ? 1 : !strcmp(op, "read") ? 2 : -1;
	if (kind < 0 || argc < 3 || argc > 4 || (n = strtol(argv[2], &end, 10)) <= 0 || *end || (kind && !file)) {
		fprintf(stderr, "usage: syscall_cost getppid N | open N FILE | read N FILE\n");
		return 2;
	}
	if (kind == 2 && (fd = open(file, O_RDONLY)) < 0) {
		fprintf(stderr, "syscall_cost: %s: %s\n", file, strerror(errno));
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++) {
		long r;

		if (kind == 0) {
			r = getppid();
		} else if (kind == 1) {
			r = open(file, O_RDONLY);
			if (r >= 0)
				close((int)r);
		} else {
			r = pread(fd, buf, sizeof(buf), 0);
		}
		r < 0 ? err++ : ok++;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("ns_per_call=%.1f ok=%ld err=%ld\n",
	       ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n, ok, err);
	return 0;
}
