// SPDX-License-Identifier: GPL-2.0
/*
 * explore_steps N NONE OPEN -- CMD [ARGS...]: N rounds of runs of CMD,
 * one at a time, each round one run of each step below in turn (a burst
 * of other work on the machine falls on every step alike), each run
 * timed; prints "STEP=RUNS_PER_SECOND" for each (N over the summed time
 * of its runs), one a line (bench/explore-cost). The steps, each made as
 * far as an `errinj explore` run goes:
 *   native   fork, execvp and waitpid from C: stdin and stdout /dev/null
 *   none     the run's injector (the seccomp backend) for rule NONE (on a
 *            syscall CMD never makes), opened and closed: its filter
 *            built, the command launched through it (the launcher's fork
 *            and filter, the listener taken and handed to the keeper,
 *            forked once, at the first run, as in explore's worker),
 *            waited for as explore's worker waits (a signalfd for SIGCHLD
 *            and the session's events, epoll), the session closed
 *   open     the same for rule OPEN (when= past the end: CMD's calls it
 *            names trapped and let run)
 *   capture  open, and the command's stdout and stderr captured in
 *            memory files (ei_capture_fd), read back, hashed and
 *            compared with the first run's
 *   own      open with a keeper forked per run, ended and reaped at its
 *            end (errinj's own launch; explore's before)
 * Every run must exit 0 (and, capturing, give the first run's output):
 * else a sentence on stderr and exit 1. Bad arguments: exit 2.
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

enum kind { NATIVE, SESSION, CAPTURE };

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
static int session_run(char **cmd, const struct ei_spec *spec, struct ei_sup_keeper *keeper, const sigset_t *old,
		       int sfd, int ofd, int efd)
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
static int capture_run(char **cmd, const struct ei_spec *spec, struct ei_sup_keeper *keeper, const sigset_t *old,
		       int sfd, __u64 *h)
{
	int ofd = ei_capture_fd("steps-out"), efd = ei_capture_fd("steps-err"), st;
	size_t n, m;
	char *out, *errs;

	if (ofd < 0 || efd < 0) {
		dprintf(err_fd, "explore_steps: %s\n", strerror(errno));
		exit(1);
	}
	st = session_run(cmd, spec, keeper, old, sfd, ofd, efd);
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

struct step {
	const char *name;
	enum kind kind;
	const struct ei_spec *spec;
	struct ei_sup_keeper *keeper; /* NULL: one per run */
	double secs;
};

/* Run i of step st, its time added to st->secs; exits 1 if it failed. */
static void one(struct step *st, long i, char **cmd, const sigset_t *old, int sfd, __u64 *first)
{
	double t0 = now();
	__u64 h = 0;
	int ws = st->kind == NATIVE  ? native_run(cmd)
		 : st->kind == SESSION ? session_run(cmd, st->spec, st->keeper, old, sfd, -1, -1)
				       : capture_run(cmd, st->spec, st->keeper, old, sfd, &h);

	bool differs;

	st->secs += now() - t0;
	if (!i && st->kind == CAPTURE)
		*first = h;
	differs = st->kind == CAPTURE && h != *first;
	if (ws < 0 || !WIFEXITED(ws) || WEXITSTATUS(ws) || differs) {
		dprintf(err_fd, "explore_steps: %s: run %ld of %s: %s\n", st->name, i + 1, cmd[0],
			differs ? "its output is not the first run's" : "it did not exit 0");
		exit(1);
	}
}

int main(int argc, char **argv)
{
	struct ei_spec none, open_;
	struct ei_sup_keeper *k;
	sigset_t mask, old;
	char err[256];
	__u64 first = 0;
	long n;
	int sfd;

	out_fd = fcntl(1, F_DUPFD_CLOEXEC, 3);
	err_fd = fcntl(2, F_DUPFD_CLOEXEC, 3);
	if (out_fd < 0 || err_fd < 0)
		return 1;
	if (argc < 6 || (n = strtol(argv[1], NULL, 10)) < 1 || strcmp(argv[4], "--"))
		goto usage;
	if (ei_spec_parse(argv[2], &none, err, sizeof(err)) || ei_spec_parse(argv[3], &open_, err, sizeof(err))) {
		fprintf(stderr, "explore_steps: %s\n", err);
		return 2;
	}
	if (!(k = ei_sup_keeper_new()))
		return 1;
	/* As explore's worker: a run's large blocks mapped afresh; SIGCHLD
	 * read from a signalfd, the command given the mask we had. */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, &old);
	sigdelset(&old, SIGCHLD);
	if ((sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK)) < 0)
		return 1;
	struct step steps[] = {
		{ "native", NATIVE, NULL, NULL, 0 }, { "none", SESSION, &none, k, 0 },
		{ "open", SESSION, &open_, k, 0 },   { "capture", CAPTURE, &open_, k, 0 },
		{ "own", SESSION, &open_, NULL, 0 },
	};
	for (long i = 0; i < n; i++)
		for (size_t s = 0; s < sizeof(steps) / sizeof(steps[0]); s++)
			one(&steps[s], i, argv + 5, &old, sfd, &first);
	for (size_t s = 0; s < sizeof(steps) / sizeof(steps[0]); s++)
		dprintf(out_fd, "%s=%.1f\n", steps[s].name, (double)n / steps[s].secs);
	ei_sup_keeper_free(k);
	return 0;
usage:
	fprintf(stderr, "usage: explore_steps N NONE-RULE OPEN-RULE -- CMD [ARGS...]\n");
	return 2;
}
