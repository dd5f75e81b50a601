// SPDX-License-Identifier: GPL-2.0
/*
 * explore_steps STEP N [RULE] -- CMD [ARGS...]: N runs of CMD, one at a
 * time, each made as far as STEP of what an `errinj explore` run does,
 * and prints "runs_per_second=X runs=N" (bench/explore-cost). STEPs,
 * each one the one before and more:
 *   native   fork, execvp and waitpid from C: stdin and stdout /dev/null
 *   session  the run's injector (the seccomp backend) for RULE, opened
 *            and closed: its filter built, the command launched through
 *            it (the launcher's fork and filter, the listener taken and
 *            handed to the keeper, which is forked once, at the first
 *            run, as in explore's worker), waited for as explore's worker
 *            waits (a signalfd for SIGCHLD and the session's events,
 *            epoll), the session closed
 *   session-own-keeper  the same with a keeper forked per run, ended and
 *            reaped at its end (errinj's own launch; explore's before)
 *   capture  and the command's stdout and stderr captured in memory
 *            files (ei_capture_fd), read back, hashed and compared with
 *            the first run's
 * RULE (an inject= rule, with when= past the end so that it fails
 * nothing) says which of the command's calls are trapped. Every run must
 * exit 0 (and, capturing, give the first run's output): else a sentence
 * on stderr and exit 1. Bad arguments: exit 2.
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/wait.h>

#include "engine/engine.h"
#include "seccomp/seccomp.h"

enum step { NATIVE, SESSION, CAPTURE };

/* The runs' keeper, NULL: one per run. */
static struct ei_sup_keeper *keeper;

/* Our own stdout and stderr: 1 and 2 are the command's. */
static int out_fd, err_fd;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static __u64 fnv(const char *p, size_t n)
{
	__u64 h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 0x100000001b3ULL;
	return h;
}

static int count_event(const struct ei_event *e, void *ctx)
{
	(void)e;
	++*(__u64 *)ctx;
	return 0;
}

/* A native run: its wait status. */
static int native_run(char **cmd)
{
	int st = -1;
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0)
			_exit(126);
		execvp(cmd[0], cmd);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return st;
}

/* Until the command (pid) is reaped and no process holds the filter. */
static int wait_run(struct ei_session *s, int sfd, pid_t pid)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = 1 };
	int ep = epoll_create1(EPOLL_CLOEXEC), st = -1;
	bool done = false;

	if (ep < 0)
		return -1;
	epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev);
	ev.data.u32 = 0;
	epoll_ctl(ep, EPOLL_CTL_ADD, ei_session_events_fd(s), &ev);
	while (!done || ei_session_serving(s)) {
		struct epoll_event evs[4];
		int n = epoll_wait(ep, evs, 4, 100);

		ei_session_consume(s);
		for (int i = 0; i < n; i++) {
			struct signalfd_siginfo si;
			if (evs[i].data.u32 == 1 && read(sfd, &si, sizeof(si)) < 0)
				break;
		}
		if (!done && waitpid(pid, &st, WNOHANG) == pid)
			done = true;
	}
	close(ep);
	return st;
}

/* A run through an injector of its own for spec: its wait status; its
 * outputs in ofd and efd (-1: /dev/null and inherited). */
static int session_run(char **cmd, const struct ei_spec *spec, const sigset_t *old, int sfd, int ofd, int efd)
{
	struct ei_options o = { .specs = spec, .nspecs = 1, .follow = true, .cgroup_fd = -1,
				.backend = EI_BACKEND_SECCOMP, .command = true, .keeper = keeper };
	char err[256];
	__u64 events = 0;
	int exec_errno = 0, st = -1, null = open("/dev/null", O_RDWR | O_CLOEXEC);
	struct ei_session *s = ei_session_open(&o, count_event, &events, err, sizeof(err));
	pid_t pid;

	if (!s || null < 0) {
		dprintf(err_fd, "explore_steps: %s\n", s ? strerror(errno) : err);
		exit(1);
	}
	dup2(null, 0);
	dup2(ofd >= 0 ? ofd : null, 1);
	if (efd >= 0)
		dup2(efd, 2);
	pid = ei_session_launch(s, cmd, old, &exec_errno, err, sizeof(err));
	dup2(null, 1);
	if (pid >= 0)
		st = wait_run(s, sfd, pid);
	ei_session_close(s);
	close(null);
	if (pid < 0 || exec_errno || events) {
		dprintf(err_fd, "explore_steps: %s\n", pid < 0 ? err : exec_errno ? strerror(exec_errno) : "a call failed");
		exit(1);
	}
	return st;
}

/* A capturing run: its status; its outputs' hash in *h. */
static int capture_run(char **cmd, const struct ei_spec *spec, const sigset_t *old, int sfd, __u64 *h)
{
	int ofd = ei_capture_fd("steps-out"), efd = ei_capture_fd("steps-err"), st;
	size_t n, m;
	char *out, *errs;

	if (ofd < 0 || efd < 0) {
		dprintf(err_fd, "explore_steps: %s\n", strerror(errno));
		exit(1);
	}
	st = session_run(cmd, spec, old, sfd, ofd, efd);
	dup2(err_fd, 2);
	out = ei_read_whole(ofd, &n);
	errs = ei_read_whole(efd, &m);
	*h = (out ? fnv(out, n) : 0) ^ (errs ? fnv(errs, m) * 31 : 0);
	free(out);
	free(errs);
	close(ofd);
	close(efd);
	return st;
}

int main(int argc, char **argv)
{
	enum step step;
	struct ei_spec spec;
	sigset_t mask, old;
	char err[256], **cmd;
	__u64 first = 0, h = 0;
	long n;
	int a = 3, sfd;
	double t0;

	out_fd = fcntl(1, F_DUPFD_CLOEXEC, 3);
	err_fd = fcntl(2, F_DUPFD_CLOEXEC, 3);
	if (out_fd < 0 || err_fd < 0)
		return 1;
	if (argc < 4 || (n = strtol(argv[2], NULL, 10)) < 1)
		goto usage;
	if (!strcmp(argv[1], "native"))
		step = NATIVE;
	else if (!strcmp(argv[1], "session") || !strcmp(argv[1], "session-own-keeper"))
		step = SESSION;
	else if (!strcmp(argv[1], "capture"))
		step = CAPTURE;
	else
		goto usage;
	if (step != NATIVE && strcmp(argv[1], "session-own-keeper") && !(keeper = ei_sup_keeper_new()))
		return 1;
	/* As explore's worker: a run's large blocks mapped afresh. */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	if (step != NATIVE && ei_spec_parse(argv[a++], &spec, err, sizeof(err))) {
		fprintf(stderr, "explore_steps: %s\n", err);
		return 2;
	}
	if (a >= argc || strcmp(argv[a], "--") || a + 1 >= argc)
		goto usage;
	cmd = argv + a + 1;
	/* As explore's worker: SIGCHLD read from a signalfd, the command
	 * given the mask we had. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, &old);
	sigdelset(&old, SIGCHLD);
	if ((sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK)) < 0)
		return 1;
	t0 = now();
	for (long i = 0; i < n; i++) {
		int st = step == NATIVE	 ? native_run(cmd)
			 : step == SESSION ? session_run(cmd, &spec, &old, sfd, -1, -1)
					   : capture_run(cmd, &spec, &old, sfd, &h);
		if (!i)
			first = h;
		if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st) || h != first) {
			dprintf(err_fd, "explore_steps: run %ld of %s: %s\n", i + 1, cmd[0],
				h != first ? "its output is not the first run's" : "it did not exit 0");
			return 1;
		}
	}
	dprintf(out_fd, "runs_per_second=%.1f runs=%ld\n", (double)n / (now() - t0), n);
	ei_sup_keeper_free(keeper);
	return 0;
usage:
	fprintf(stderr, "usage: explore_steps native|session|session-own-keeper|capture N [RULE] -- CMD [ARGS...]\n");
	return 2;
}
