// SPDX-License-Identifier: GPL-2.0
/*
 * calls OP...: make the syscalls the tests ask for, in order, and print
 * each result on stdout: "OP = R" or "OP = -1 ENAME". Output goes through
 * writev (not write), so failing write(2) does not hide the report.
 * Deterministic, so that its output under errinj and under strace can be
 * compared. ENAME is glibc's name for the errno (strerrorname_np), not
 * errinj's: the tests use this program as an oracle. OPs:
 *   dup  getpid  socket            the call itself (dup of fd 0)
 *   openat:PATH  mkdir:PATH  close:FD  read:FD  write:FD
 *   repeat:N:OP                    OP N times
 *   count:N:OP                     OP N times, print "OP xN: ok=A err=B"
 *   thread:OP                      OP in a second thread
 *   fork:OP                        OP in a child process (waited for)
 *   nodump                         prctl(PR_SET_DUMPABLE, 0)
 *   waitfile:PATH                  wait until PATH exists
 *   catch:SIG                      print "caught SIG" when SIG arrives
 *   getppid                        the call itself (no arguments)
 *   fstat:FD                       newfstatat(FD, "", AT_EMPTY_PATH), glibc's fstat
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "progs.h"

/* Runs one plain call; returns its result or -errno. */
static long call(const char *op)
{
	const char *arg = strchr(op, ':');
	long r;

	arg = arg ? arg + 1 : "";
	if (!strcmp(op, "dup"))
		r = syscall(SYS_dup, 0);
	else if (!strcmp(op, "getpid"))
		r = syscall(SYS_getpid);
	else if (!strcmp(op, "getppid"))
		r = syscall(SYS_getppid);
	else if (!strcmp(op, "nodump"))
		r = prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	else if (!strcmp(op, "socket"))
		r = syscall(SYS_socket, 1 /* AF_UNIX */, 1 /* SOCK_STREAM */, 0);
	else if (!strncmp(op, "openat:", 7))
		r = syscall(SYS_openat, AT_FDCWD, arg, O_RDONLY);
	else if (!strncmp(op, "mkdir:", 6))
		r = syscall(SYS_mkdir, arg, 0700);
	else if (!strncmp(op, "close:", 6))
		r = syscall(SYS_close, atoi(arg));
	else if (!strncmp(op, "read:", 5)) {
		char c;
		r = syscall(SYS_read, atoi(arg), &c, 1);
	} else if (!strncmp(op, "fstat:", 6)) {
		struct stat st;
		r = syscall(SYS_newfstatat, atoi(arg), "", &st, AT_EMPTY_PATH);
	} else if (!strncmp(op, "write:", 6))
		r = syscall(SYS_write, atoi(arg), "w\n", 2);
	else {
		out("calls: unknown op '%s'\n", op);
		exit(2);
	}
	return r < 0 ? -errno : r;
}

static void report(const char *op, long r)
{
	if (r < 0)
		out("%s = -1 %s\n", op, ename((int)-r));
	else
		out("%s = %ld\n", op, r);
}

static void *thread_main(void *op)
{
	report(op, call(op));
	return NULL;
}

static volatile sig_atomic_t caught;

static void on_signal(int sig)
{
	caught = sig;
}

static void run(const char *op)
{
	if (!strncmp(op, "repeat:", 7) || !strncmp(op, "count:", 6)) {
		bool count = op[0] == 'c';
		char *end;
		long n = strtol(strchr(op, ':') + 1, &end, 10), ok = 0, err = 0;
		const char *sub = end + 1;
		for (long i = 0; i < n; i++) {
			long r = call(sub);
			if (!count)
				report(sub, r);
			r < 0 ? err++ : ok++;
			/* Keep fds from running out. */
			if (r > 2 && (!strcmp(sub, "dup") || !strncmp(sub, "openat:", 7) || !strcmp(sub, "socket")))
				syscall(SYS_close_range, (unsigned)r, (unsigned)r, 0);
		}
		if (count)
			out("%s x%ld: ok=%ld err=%ld\n", sub, n, ok, err);
	} else if (!strncmp(op, "thread:", 7)) {
		pthread_t t;
		pthread_create(&t, NULL, thread_main, (void *)(op + 7));
		pthread_join(t, NULL);
	} else if (!strncmp(op, "fork:", 5)) {
		pid_t p = fork();
		if (p == 0) {
			report(op + 5, call(op + 5));
			_exit(0);
		}
		waitpid(p, NULL, 0);
	} else if (!strncmp(op, "waitfile:", 9)) {
		while (access(op + 9, F_OK))
			usleep(10000);
	} else if (!strncmp(op, "catch:", 6)) {
		int sig = !strcmp(op + 6, "SIGUSR1") ? SIGUSR1 : !strcmp(op + 6, "SIGUSR2") ? SIGUSR2 : 0;
		struct sigaction sa = { .sa_handler = on_signal };
		if (!sig) {
			out("calls: unknown signal '%s'\n", op + 6);
			exit(2);
		}
		sigaction(sig, &sa, NULL);
	} else {
		report(op, call(op));
	}
	if (caught) {
		out("caught %s\n", caught == SIGUSR1 ? "SIGUSR1" : "SIGUSR2");
		caught = 0;
	}
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		run(argv[i]);
	return 0;
}
