// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the library's checks that need no kernel support: which
 * pids may be -p targets, where userapp is.
 */
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "core/core.h"
#include "test.h"

static char err[512];

static void test_pid_self(void)
{
	ASSERT_EQ(ei_pid_check(getpid(), err, sizeof(err)), EI_EXIT_USAGE);
	ASSERT(strstr(err, "errinj itself"), "%s", err);
}

static void test_pid_none(void)
{
	ASSERT_EQ(ei_pid_check(INT_MAX, err, sizeof(err)), EI_EXIT_USAGE);
	ASSERT(strstr(err, "no process with pid"), "%s", err);
}

/* A child that has exited and is not reaped yet is refused. */
static void test_pid_zombie(void)
{
	pid_t p = fork();
	siginfo_t si;

	if (p == 0)
		_exit(0);
	/* Wait for its exit without reaping it. */
	if (!ASSERT(waitid(P_PID, (id_t)p, &si, WEXITED | WNOWAIT) == 0, "waitid"))
		return;
	ASSERT_EQ(ei_pid_check(p, err, sizeof(err)), EI_EXIT_USAGE);
	ASSERT(strstr(err, "has exited"), "%s", err);
	waitpid(p, NULL, 0);
}

static void test_pid_alive(void)
{
	pid_t p = fork();

	if (p == 0) {
		pause();
		_exit(0);
	}
	ASSERT_EQ(ei_pid_check(p, err, sizeof(err)), 0);
	kill(p, SIGKILL);
	waitpid(p, NULL, 0);
}

/* The unit tests live in build/tests/unit: no userapp beside them. */
static void test_userapp_not_found(void)
{
	char path[PATH_MAX];

	ASSERT_EQ(ei_userapp_path(path, sizeof(path)), -1);
}

/* A capture file loses no line that threads write at once: a plain
 * memfd (no f_pos lock) loses many of these. */
static int capture;

static void *write_lines(void *arg)
{
	char line[32];
	int n = snprintf(line, sizeof(line), "thread %ld\n", (long)arg);

	for (int i = 0; i < 2000; i++)
		if (write(capture, line, (size_t)n) != n)
			return (void *)1;
	return NULL;
}

static void test_capture_threads(void)
{
	pthread_t t[8];
	void *bad = NULL, *r;
	size_t len = 0;
	char *all;

	capture = ei_capture_fd("test");
	if (!ASSERT(capture >= 0, "ei_capture_fd"))
		return;
	for (long i = 0; i < 8; i++)
		pthread_create(&t[i], NULL, write_lines, (void *)i);
	for (int i = 0; i < 8; i++)
		if (!pthread_join(t[i], &r) && r)
			bad = r;
	ASSERT(!bad, "a write failed or was short");
	all = ei_read_whole(capture, &len);
	ASSERT_EQ(len, (size_t)8 * 2000 * strlen("thread 0\n"));
	free(all);
	close(capture);
}

int main(void)
{
	SUBTEST(pid_self);
	SUBTEST(pid_none);
	SUBTEST(pid_zombie);
	SUBTEST(pid_alive);
	SUBTEST(userapp_not_found);
	SUBTEST(capture_threads);
	return t_failed ? 1 : 0;
}
