// SPDX-License-Identifier: GPL-2.0
/*
 * scenario OP...: the situations of the correctness tests, each printing
 * one line with its results (errno names from glibc, not from errinj):
 *   dup                 dup(0): "dup = 3" or "dup = -1 EIO"
 *   threads:N           N threads, released together, each dup(0) once:
 *                       "threads: K of N failed"
 *   children:N          N child processes alive together (each dup(0)
 *                       once, then waits for the others): "children: K of
 *                       N failed"
 *   untouched:PATH      openat of PATH read from a file mapping no one has
 *                       touched yet (a kprobe cannot read it)
 *   racers:N            N processes one after another, each with two
 *                       threads that call dup(0) once at the same moment:
 *                       "racers: K failed calls in N processes"
 *   spawn:N:PROG        run PROG N times, one after another: "spawn: N"
 *   openat32:PATH       openat(AT_FDCWD, PATH) with AT_FDCWD passed as a
 *                       32-bit value (upper half of the register zero)
 *   openat:PATH         openat(AT_FDCWD, PATH) as glibc passes it
 *   waitfile:PATH       wait until PATH exists
 *   cgmove:DIR          move this process into cgroup DIR
 *   overlap:MS          two threads on CPUs 0 and 1 read CLOCK_MONOTONIC
 *                       in a loop for MS ms: "overlap: K" with K the
 *                       second's readings made while the first ran (between
 *                       two of its readings less than 1 ms apart); two
 *                       CPUs taken in turns give none
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "progs.h"

static void result(const char *op, long r, int e)
{
	if (r < 0)
		printf("%s = -1 %s\n", op, ename(e));
	else
		printf("%s = %ld\n", op, r);
	fflush(stdout);
}

static long dup0(void)
{
	long r = syscall(SYS_dup, 0);

	if (r >= 0)
		close((int)r);
	return r;
}

static pthread_barrier_t barrier;
static int thread_failed[1024];

static void *thread_main(void *arg)
{
	long i = (long)arg;

	pthread_barrier_wait(&barrier);
	thread_failed[i] = dup0() < 0;
	return NULL;
}

static void threads(int n)
{
	pthread_t t[1024];
	int failed = 0;

	pthread_barrier_init(&barrier, NULL, (unsigned)n);
	for (long i = 0; i < n; i++)
		pthread_create(&t[i], NULL, thread_main, (void *)i);
	for (int i = 0; i < n; i++) {
		pthread_join(t[i], NULL);
		failed += thread_failed[i];
	}
	pthread_barrier_destroy(&barrier);
	printf("threads: %d of %d failed\n", failed, n);
	fflush(stdout);
}

static void racers(int n)
{
	int failed = 0, st;

	for (int i = 0; i < n; i++) {
		pid_t p = fork();
		if (p < 0)
			exit(3);
		if (p == 0) {
			pthread_t t[2];
			pthread_barrier_init(&barrier, NULL, 2);
			for (long k = 0; k < 2; k++)
				pthread_create(&t[k], NULL, thread_main, (void *)k);
			for (int k = 0; k < 2; k++)
				pthread_join(t[k], NULL);
			_exit(thread_failed[0] + thread_failed[1]);
		}
		if (waitpid(p, &st, 0) != p || !WIFEXITED(st))
			exit(3);
		failed += WEXITSTATUS(st);
	}
	printf("racers: %d failed calls in %d processes\n", failed, n);
	fflush(stdout);
}

#define OVERLAP_MAX (1 << 20)
struct spinner {
	int cpu;
	long ms;
	size_t n;
	uint64_t *at;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void *spin_main(void *arg)
{
	struct spinner *s = arg;
	cpu_set_t set;
	uint64_t end;

	CPU_ZERO(&set);
	CPU_SET(s->cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		exit(3);
	pthread_barrier_wait(&barrier);
	end = now_ns() + (uint64_t)s->ms * 1000000ULL;
	do
		s->at[s->n] = now_ns();
	while (s->at[s->n++] < end && s->n < OVERLAP_MAX);
	return NULL;
}

/* Two threads at once or in turns: in turns, a CPU's readings stop while
 * the other's run, so none of the second's falls between two of the
 * first's that are close together. */
static void overlap(long ms)
{
	struct spinner s[2] = { { .cpu = 0, .ms = ms }, { .cpu = 1, .ms = ms } };
	pthread_t t[2];
	size_t k = 0, i = 0;

	for (int c = 0; c < 2; c++)
		if (!(s[c].at = malloc(OVERLAP_MAX * sizeof(uint64_t))))
			exit(3);
	pthread_barrier_init(&barrier, NULL, 2);
	for (int c = 0; c < 2; c++)
		pthread_create(&t[c], NULL, spin_main, &s[c]);
	for (int c = 0; c < 2; c++)
		pthread_join(t[c], NULL);
	/* Both sorted: one pass, i the first's reading at or before b. */
	for (size_t j = 0; j < s[1].n; j++) {
		uint64_t b = s[1].at[j];

		while (i + 1 < s[0].n && s[0].at[i + 1] <= b)
			i++;
		k += i + 1 < s[0].n && s[0].at[i] < b && s[0].at[i + 1] - s[0].at[i] < 1000000ULL;
	}
	printf("overlap: %zu\n", k);
	fflush(stdout);
	free(s[0].at);
	free(s[1].at);
}

/* N children alive at once: each reports through a pipe, then waits for
 * the parent to close the other pipe. */
static void children(int n)
{
	int rep[2], hold[2], failed = 0;
	char c;

	if (pipe(rep) || pipe(hold))
		exit(3);
	for (int i = 0; i < n; i++) {
		pid_t p = fork();
		if (p < 0) {
			perror("fork");
			exit(3);
		}
		if (p == 0) {
			close(hold[1]);
			c = dup0() < 0 ? 'F' : 'o';
			if (write(rep[1], &c, 1) != 1)
				_exit(3);
			while (read(hold[0], &c, 1) > 0)
				;
			_exit(0);
		}
	}
	close(rep[1]);
	for (int i = 0; i < n; i++) {
		if (read(rep[0], &c, 1) != 1)
			exit(3);
		failed += c == 'F';
	}
	close(hold[1]);
	close(hold[0]);
	close(rep[0]);
	while (wait(NULL) > 0)
		;
	printf("children: %d of %d failed\n", failed, n);
	fflush(stdout);
}

/* The path is read from a fresh private mapping of a file holding it:
 * its page is not in this process's page tables until touched, and the
 * kernel's getname() is the first to touch it. */
static void untouched(const char *op, const char *path)
{
	char tmp[] = "/tmp/scenario.XXXXXX";
	int fd = mkstemp(tmp);
	size_t len = strlen(path) + 1;
	char *m;
	long r;

	if (fd < 0 || write(fd, path, len) != (ssize_t)len)
		exit(3);
	m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED)
		exit(3);
	unlink(tmp);
	close(fd);
	r = syscall(SYS_openat, AT_FDCWD, m, O_RDONLY | O_CLOEXEC);
	result(op, r, errno);
	if (r >= 0)
		close((int)r);
	munmap(m, len);
}

static void run(const char *op)
{
	const char *arg = strchr(op, ':');
	long r;

	arg = arg ? arg + 1 : "";
	if (!strcmp(op, "dup")) {
		r = dup0();
		result(op, r, errno);
	} else if (!strncmp(op, "threads:", 8)) {
		threads(atoi(arg));
	} else if (!strncmp(op, "racers:", 7)) {
		racers(atoi(arg));
	} else if (!strncmp(op, "spawn:", 6)) {
		char *prog = strchr(arg, ':');
		int n = atoi(arg), st;
		if (!prog)
			exit(2);
		for (int i = 0; i < n; i++) {
			pid_t p = fork();
			if (p == 0) {
				execl(prog + 1, prog + 1, (char *)NULL);
				_exit(127);
			}
			if (p < 0 || waitpid(p, &st, 0) != p || !WIFEXITED(st) || WEXITSTATUS(st))
				exit(3);
		}
		printf("spawn: %d\n", n);
		fflush(stdout);
	} else if (!strncmp(op, "children:", 9)) {
		children(atoi(arg));
	} else if (!strncmp(op, "untouched:", 10)) {
		untouched("untouched", arg);
	} else if (!strncmp(op, "openat32:", 9)) {
		/* What a caller that passes an int in a 64-bit register without
		 * sign extension does: the kernel uses the low 32 bits. */
		r = syscall(SYS_openat, (unsigned long)(unsigned int)AT_FDCWD, arg, O_RDONLY | O_CLOEXEC);
		result("openat32", r, errno);
		if (r >= 0)
			close((int)r);
	} else if (!strncmp(op, "openat:", 7)) {
		r = openat(AT_FDCWD, arg, O_RDONLY | O_CLOEXEC);
		result("openat", r, errno);
		if (r >= 0)
			close((int)r);
	} else if (!strncmp(op, "waitfile:", 9)) {
		while (access(arg, F_OK))
			usleep(10000);
	} else if (!strncmp(op, "overlap:", 8)) {
		overlap(atol(arg));
	} else if (!strncmp(op, "cgmove:", 7)) {
		char p[4096];
		FILE *f;
		snprintf(p, sizeof(p), "%s/cgroup.procs", arg);
		f = fopen(p, "w");
		if (!f || fprintf(f, "%d\n", getpid()) < 0 || fclose(f)) {
			perror(p);
			exit(3);
		}
	} else {
		fprintf(stderr, "scenario: unknown op '%s'\n", op);
		exit(2);
	}
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		run(argv[i]);
	return 0;
}
