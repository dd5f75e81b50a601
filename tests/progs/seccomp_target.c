// SPDX-License-Identifier: GPL-2.0
/*
 * seccomp_target OP...: the command that tests/unit/test_seccomp.c runs
 * under the seccomp backend. It makes the calls the test asks for, in
 * order, and prints each result on stdout ("OP = R" or "OP = -1 ENAME")
 * through writev, so that a failed write(2) does not hide the report.
 * Nothing of errinj's: an oracle. OPs:
 *   dup  getppid  getuid            the call itself (dup of fd 0, closed again)
 *   openat:PATH                     openat(AT_FDCWD, PATH, O_RDONLY)
 *   mmapopen:FILE                   openat of the path FILE holds, passed from a
 *                                   private mapping of FILE never touched
 *   badptr                          openat of a path in a PROT_NONE page
 *   edgepath:PATH                   openat of PATH placed at the very end of a
 *                                   page that an unmapped page follows
 *   longpath:N                      openat of "/tmp/" and 'a's, N bytes in all
 *   sys:NR[:A0]                     syscall NR (A0, 0, 0, 0, 0, 0)
 *   exec:PATH                       execve(PATH), printed if it returns
 *   sleep:MS                        clock_nanosleep
 *   wait0                           readv of one byte from fd 0, nothing printed
 *                                   (a handshake: the test writes it when ready)
 *   poke                            write "hello" from a stack buffer to a pipe,
 *                                   print what the buffer and the pipe then hold
 *   pokero                          the same from a string literal (read-only
 *                                   memory), then what the literal holds
 *   pokefault                       write 5 bytes from address 8 (unmapped)
 *   catch:SIG                       install a handler for SIG
 *   sigdup                          dup, and whether the handler had run
 *                                   when dup returned
 *   delaypair:N                     thread A: getppid; thread B, once A is in
 *                                   its call: N getuid; print how long each took
 *   cost:N                          N getppid and N getuid: ns per call of each, and
 *                                   how many getppid failed
 *   countdup:N                      N dups, then "countdup: ok=A err=B"
 *   repeat:N:OP                     OP N times
 *   threads:N:OP                    OP in N threads at once (joined)
 *   forks:N:OP                      OP in N child processes at once (waited for)
 *   fork:OP                         OP in a child process (waited for)
 *   thread:OP                       OP in a second thread (joined)
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "progs.h"

extern char **environ;

static void report(const char *op, long r)
{
	if (r < 0)
		out("%s = -1 %s\n", op, ename((int)-r));
	else
		out("%s = %ld\n", op, r);
}

static long ret(long r)
{
	return r < 0 ? -errno : r;
}

static long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static volatile sig_atomic_t caught;

static void on_signal(int sig)
{
	caught = sig;
}

static void run(const char *op);

static void *thread_main(void *op)
{
	run(op);
	return NULL;
}

/* delaypair: A's call is held; B's calls must be answered meanwhile. */
static volatile int a_started;
static long long a_begin, a_end;

static void *pair_a(void *unused)
{
	(void)unused;
	a_begin = mono_ns();
	__atomic_store_n(&a_started, 1, __ATOMIC_RELEASE);
	syscall(SYS_getppid);
	a_end = mono_ns();
	return NULL;
}

static void delaypair(long n)
{
	pthread_t a;
	long ok = 0;
	long long b_begin, b_end;
	struct timespec pause = { 0, 50 * 1000000 };

	if (pthread_create(&a, NULL, pair_a, NULL)) {
		out("delaypair: pthread_create failed\n");
		return;
	}
	while (!__atomic_load_n(&a_started, __ATOMIC_ACQUIRE))
		;
	nanosleep(&pause, NULL); /* A is in its getppid by now */
	b_begin = mono_ns();
	for (long i = 0; i < n; i++)
		ok += syscall(SYS_getuid) == 777;
	b_end = mono_ns();
	/* a_end is written by A: read only after the join. */
	pthread_join(a, NULL);
	out("delaypair: a_ms=%lld b_ms=%lld b_before_a=%d b_ok=%ld\n", (a_end - a_begin) / 1000000,
	    (b_end - b_begin) / 1000000, b_end < a_end, ok);
}

static void openat_ptr(const char *op, const char *path)
{
	long r = ret(syscall(SYS_openat, AT_FDCWD, path, O_RDONLY));

	report(op, r);
	if (r >= 0)
		close((int)r);
}

static void run(const char *op)
{
	const char *arg = strchr(op, ':');
	long r;

	arg = arg ? arg + 1 : "";
	if (!strncmp(op, "repeat:", 7)) {
		char *end;
		long n = strtol(arg, &end, 10);
		for (long i = 0; i < n; i++)
			run(end + 1);
	} else if (!strncmp(op, "threads:", 8) || !strncmp(op, "forks:", 6)) {
		char *end;
		long n = strtol(arg, &end, 10);
		pthread_t t[64];
		pid_t p[64];
		if (n > 64)
			n = 64;
		for (long i = 0; i < n; i++) {
			if (op[1] == 'h') {
				if (pthread_create(&t[i], NULL, thread_main, end + 1))
					out("threads: failed\n");
			} else if ((p[i] = fork()) == 0) {
				run(end + 1);
				exit(0);
			}
		}
		for (long i = 0; i < n; i++)
			if (op[1] == 'h' ? pthread_join(t[i], NULL) != 0 : waitpid(p[i], NULL, 0) != p[i])
				out("%s: failed\n", op[1] == 'h' ? "threads" : "forks");
	} else if (!strncmp(op, "countdup:", 9)) {
		long n = atol(arg), ok = 0, err = 0;
		for (long i = 0; i < n; i++) {
			r = syscall(SYS_dup, 0);
			r < 0 ? err++ : ok++;
			if (r >= 0)
				close((int)r);
		}
		out("countdup: ok=%ld err=%ld\n", ok, err);
	} else if (!strncmp(op, "fork:", 5)) {
		pid_t p = fork();
		if (p == 0) {
			run(arg);
			exit(0);
		}
		if (p < 0 || waitpid(p, NULL, 0) != p)
			out("fork: failed\n");
	} else if (!strncmp(op, "thread:", 7)) {
		pthread_t t;
		if (pthread_create(&t, NULL, thread_main, (void *)arg) || pthread_join(t, NULL))
			out("thread: failed\n");
	} else if (!strcmp(op, "dup") || !strcmp(op, "sigdup")) {
		r = ret(syscall(SYS_dup, 0));
		int c = caught;
		if (op[0] == 's')
			out("sigdup = %ld caught=%d\n", r < 0 ? -1 : r, c);
		else
			report(op, r);
		if (r >= 0)
			close((int)r);
	} else if (!strcmp(op, "getppid")) {
		report(op, ret(syscall(SYS_getppid)));
	} else if (!strcmp(op, "getuid")) {
		report(op, ret(syscall(SYS_getuid)));
	} else if (!strncmp(op, "openat:", 7)) {
		openat_ptr(op, arg);
	} else if (!strncmp(op, "mmapopen:", 9)) {
		int fd = open(arg, O_RDONLY | O_CLOEXEC);
		void *m = fd < 0 ? MAP_FAILED : mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
		if (fd >= 0)
			close(fd);
		if (m == MAP_FAILED) {
			out("mmapopen: cannot map %s\n", arg);
			return;
		}
		openat_ptr("mmapopen", m); /* the first touch of the page is the supervisor's */
		munmap(m, 4096);
	} else if (!strcmp(op, "badptr")) {
		void *m = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		openat_ptr(op, m);
		munmap(m, 4096);
	} else if (!strncmp(op, "edgepath:", 9)) {
		size_t n = strlen(arg) + 1;
		char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED || munmap(m + 4096, 4096) || n > 4096) {
			out("edgepath: cannot map\n");
			return;
		}
		memcpy(m + 4096 - n, arg, n);
		openat_ptr("edgepath", m + 4096 - n);
		munmap(m, 4096);
	} else if (!strncmp(op, "longpath:", 9)) {
		char path[4096];
		long n = atol(arg);
		if (n < 6 || n >= (long)sizeof(path))
			n = 6;
		memset(path, 'a', (size_t)n);
		memcpy(path, "/tmp/", 5);
		path[n] = 0;
		openat_ptr(op, path);
	} else if (!strncmp(op, "sys:", 4)) {
		char *end;
		long nr = strtol(arg, &end, 10), a0 = *end == ':' ? strtol(end + 1, NULL, 0) : 0;
		report(op, ret(syscall(nr, a0, 0, 0, 0, 0, 0)));
	} else if (!strncmp(op, "exec:", 5)) {
		char *argv[] = { (char *)arg, NULL };
		report(op, ret(syscall(SYS_execve, arg, argv, environ)));
	} else if (!strcmp(op, "wait0")) {
		char c;
		struct iovec iov = { &c, 1 };
		while (readv(0, &iov, 1) < 0 && errno == EINTR)
			;
	} else if (!strncmp(op, "sleep:", 6)) {
		long ms = atol(arg);
		struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
		while (clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts) == EINTR)
			;
	} else if (!strcmp(op, "poke")) {
		char buf[6] = "hello", got[6] = "";
		int p[2];
		if (pipe(p)) {
			out("poke: pipe failed\n");
			return;
		}
		r = ret(syscall(SYS_write, p[1], buf, 5));
		if (r > 0 && read(p[0], got, 5) != r)
			got[0] = 0;
		if (r < 0)
			out("poke: write = -1 %s buf=%s pipe=%s\n", ename((int)-r), buf, got);
		else
			out("poke: write = %ld buf=%s pipe=%s\n", r, buf, got);
		close(p[0]);
		close(p[1]);
	} else if (!strcmp(op, "pokero")) {
		static const char lit[] = "hello"; /* .rodata */
		char got[6] = "";
		int p[2];
		if (pipe(p)) {
			out("pokero: pipe failed\n");
			return;
		}
		r = ret(syscall(SYS_write, p[1], lit, 5));
		if (r > 0 && read(p[0], got, 5) != r)
			got[0] = 0;
		out("pokero: write = %ld lit=%s pipe=%s\n", r, lit, got);
		close(p[0]);
		close(p[1]);
	} else if (!strcmp(op, "pokefault")) {
		r = ret(syscall(SYS_write, 1, (void *)8, 5));
		out("pokefault: write = %ld\n", r);
	} else if (!strncmp(op, "catch:", 6)) {
		struct sigaction sa = { .sa_handler = on_signal };
		int sig = atoi(arg);
		if (!strcmp(arg, "SIGUSR1"))
			sig = SIGUSR1;
		else if (!strcmp(arg, "SIGUSR2"))
			sig = SIGUSR2;
		sigaction(sig, &sa, NULL);
	} else if (!strncmp(op, "delaypair:", 10)) {
		delaypair(atol(arg));
	} else if (!strncmp(op, "cost:", 5)) {
		long n = atol(arg);
		long long t0 = mono_ns(), t1, t2;
		long failed = 0;
		for (long i = 0; i < n; i++)
			failed += syscall(SYS_getppid) < 0;
		t1 = mono_ns();
		for (long i = 0; i < n; i++)
			syscall(SYS_getuid);
		t2 = mono_ns();
		out("cost: trapped_ns=%lld untrapped_ns=%lld failed=%ld\n", (t1 - t0) / (n ? n : 1), (t2 - t1) / (n ? n : 1),
		    failed);
	} else {
		out("seccomp_target: unknown op '%s'\n", op);
		exit(2);
	}
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		run(argv[i]);
	return 0;
}
