// SPDX-License-Identifier: GPL-2.0
/*
 * errinj explore: after the reference run (lib/explore/trace.c), one run per
 * (call site, syscall, errno) in which the first call made at that site
 * fails, through the library's own session (any backend), each in a
 * worker process (one per -j slot, serving its runs in turn) so that -j
 * runs go side by side and a run's leftovers die before the next. On a
 * BPF backend one session, opened before the workers are forked, serves
 * every run (ei_options.explore). Each run is classified, the findings
 * are deduplicated by (site, class, signal), and reported with a plain
 * errinj line that reproduces them, run as printed to confirm them.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "explore/internal.h"
#include "engine/engine.h"
#include "seccomp/seccomp.h"

/* What a worker sends back. */
struct outcome {
	int status;      /* wait status of the command */
	bool timed_out;
	bool started;
	bool last;       /* the worker ends after it */
	__u64 injected;  /* injection events, and events dropped */
	char error[256]; /* why the run could not be made */
};

/* A run's rules, one a line: at most XRULES, each a path= pattern and
 * the rest. */
#define XRULES 4
#define RULE_MAX (EI_PATTERN_MAX + 128)
#define SPEC_MAX (XRULES * RULE_MAX)

struct job {
	int call;   /* the reference call whose site is explored */
	int err;
	bool persist; /* the call and every later one of its syscall fail (when=N+) */
	bool pathed; /* ...on its path alone (path=P:when=K+) */
	bool unpathed; /* its path= rule failed nothing: made syscall-wide */
	__u64 when;  /* its when=: the call's number, among those on its path if pathed */
	int idx;    /* its index in the planned runs */
	char spec[SPEC_MAX];
	bool picked; /* the spec's seed picks the call's process alone */
	/* Results */
	struct outcome oc;
	__u64 out_hash;
	bool out_gained; /* stdout: the reference's with lines added (alike.c) */
	bool same_sizes; /* stdout and every file the reference's length */
	bool c_locale;  /* run with LC_ALL=C (the C-locale control) */
	__u64 files;    /* the state of the files the command changes (outputs.c) */
	bool said;      /* something on stderr */
	char *lost_output; /* lost: what differs (ei_outputs_lost) */
	char *errtail;
	bool sanitizer;
	enum ei_cls cls;
	int sig;
	bool line;  /* its reproduction line run as printed, through errinj */
	/* Running */
	int slot;   /* its job number in the shared injector, 1-based */
	bool kept;  /* the shared injector served it */
	pid_t worker;
	int rfd, ofd, efd;
	double started; /* when its worker was forked */
};

static volatile sig_atomic_t stopping;
/* A worker's seccomp keeper, serving its runs in turn (no fork of one per
 * run); spared when a run's processes are killed. */
static struct ei_sup_keeper *keeper;

/* The injector loaded once for the whole exploration (a BPF backend):
 * the workers, forked from us, launch their runs through it, and a run
 * says the one call it fails. NULL: each run loads its own (seccomp, or
 * a syscall that only a run of its own can fail). */
static struct ei_session *shared;
/* The control run with LC_ALL=C when its output is not the reference's,
 * else NULL: a run giving the same lost nothing, its locale unloadable. */
static const struct job *c_control;
/* What a run fails, for the shared injector. */
struct xrun {
	int nr; /* -1: nothing (the control run) */
	int err;
	__u64 n, lineage;
	bool persist;
};

static void on_stop(int sig)
{
	stopping = sig;
}

static __u64 fnv(const char *p, size_t n)
{
	__u64 h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 0x100000001b3ULL;
	return h;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the worker: one injection run ---- */

/* Reaps what died, the command's status kept when it is among them. */
static void reap(pid_t cmd, int *status, bool *cmd_done)
{
	for (;;) {
		int st;
		pid_t w = waitpid(-1, &st, WNOHANG);
		if (w <= 0)
			return;
		if (w == cmd && !*cmd_done) {
			*status = st;
			*cmd_done = true;
		}
	}
}

/* The processes whose children are still to be read. */
struct pids {
	pid_t pid[4096];
	int n;
};

/* Kills the children of thread tid of process p, pushing them on st:
 * how many. */
static int kill_task_children(pid_t p, const char *tid, struct pids *st)
{
	char path[320];
	FILE *f;
	int c, seen = 0;

	snprintf(path, sizeof(path), "/proc/%d/task/%s/children", (int)p, tid);
	if (!(f = fopen(path, "re")))
		return 0;
	while (fscanf(f, "%d", &c) == 1) {
		if (c == ei_sup_keeper_pid(keeper))
			continue;
		kill(c, SIGKILL);
		seen++;
		if (st->n < (int)(sizeof(st->pid) / sizeof(st->pid[0])))
			st->pid[st->n++] = c;
	}
	fclose(f);
	return seen;
}

/* Kills the children of every thread of p: how many. */
static int kill_children(pid_t p, struct pids *st)
{
	char path[64];
	struct dirent *e;
	DIR *d;
	int seen = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)p);
	if (!(d = opendir(path)))
		return 0;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			seen += kill_task_children(p, e->d_name, st);
	closedir(d);
	return seen;
}

/* Every live descendant of ours (we are their subreaper), killed until
 * none is left running, for at most a second; the command's status is
 * kept when it is reaped here. SIGCHLD is blocked (block_signals): each
 * death, or a dead orphan handed to us, raises it, so a round waits for
 * it rather than for a fixed sleep. */
static bool kill_descendants(pid_t self, pid_t cmd, int *status, bool *cmd_done)
{
	/* Static, not on the stack: a worker is one thread. */
	static struct pids st;
	double end = now() + 1;
	sigset_t chld;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	for (;;) {
		struct timespec ts = { 0, 5000000 };
		int seen = 0;

		/* Zombies first: they are still listed as children. */
		reap(cmd, status, cmd_done);
		st.n = 0;
		st.pid[st.n++] = self;
		while (st.n) {
			pid_t p = st.pid[--st.n];
			seen += kill_children(p, &st);
		}
		if (!seen)
			break;
		if (now() >= end)
			return false;
		sigtimedwait(&chld, NULL, &ts);
	}
	reap(cmd, status, cmd_done);
	return true;
}

static int count_event(const struct ei_event *e, void *ctx)
{
	(void)e;
	++*(__u64 *)ctx;
	return 0;
}

/* One run, in its worker process. */
struct wrun {
	const struct ei_explore_opts *o;
	int slot; /* its job in the shared injector; 0: an injector of its own */
	struct ei_session *s;
	/* An injector of its own: its rules and options */
	struct ei_spec spec[XRULES];
	struct ei_options opts;
	int sfd, ep;
	pid_t self, cmd;
	bool cmd_done, killed;
	struct outcome oc;
};

/* SIGCHLD and the signals that stop a run blocked (read from a
 * signalfd); *old the mask the command gets: the one explore had. */
static void block_signals(sigset_t *mask, sigset_t *old)
{
	sigemptyset(mask);
	sigaddset(mask, SIGCHLD);
	sigaddset(mask, SIGTERM);
	sigaddset(mask, SIGINT);
	sigaddset(mask, SIGHUP);
	sigprocmask(SIG_BLOCK, mask, old);
	/* Not blocked in the command: it gets the mask explore had. */
	sigdelset(old, SIGTERM);
	sigdelset(old, SIGINT);
	sigdelset(old, SIGHUP);
	sigdelset(old, SIGCHLD);
}

static int setup_error(struct wrun *w)
{
	snprintf(w->oc.error, sizeof(w->oc.error), "worker set-up: %s", strerror(errno));
	return -1;
}

/* The run's injector: the shared one, told the call it fails, else one
 * of its own for the rule spec_text. -1 with the reason in w->oc.error. */
static int open_injector(struct wrun *w, const char *spec_text, const struct xrun *x)
{
	if (w->slot) {
		/* The shared injector: only this run's job changes. */
		if (ei_session_explore_set(shared, w->slot, x->nr, x->err, x->n, x->lineage, x->persist))
			return setup_error(w);
		w->s = shared;
		return 0;
	}
	for (const char *r = spec_text; *r && w->opts.nspecs < XRULES; w->opts.nspecs++) {
		char rule[RULE_MAX];
		size_t len = strcspn(r, "\n");

		snprintf(rule, sizeof(rule), "%.*s", (int)len, r);
		if (ei_spec_parse(rule, &w->spec[w->opts.nspecs], w->oc.error, sizeof(w->oc.error)))
			return -1;
		r += len + (r[len] == '\n');
	}
	w->opts.specs = w->spec;
	w->opts.follow = true;
	w->opts.backend = w->o->backend;
	w->opts.command = true;
	w->opts.keeper = keeper;
	w->s = ei_session_open(&w->opts, count_event, &w->oc.injected, w->oc.error, sizeof(w->oc.error));
	return w->s ? 0 : -1;
}

/* What the run waits on: the signals (1, the worker's signalfd), and an
 * injector of its own's events (0); then stdin from --stdin (else
 * /dev/null), stdout and stderr to ofd and efd. */
static int set_up(struct wrun *w, const char *spec_text, const struct xrun *x, int ofd, int efd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = 1 };
	int in;

	if ((w->ep = epoll_create1(EPOLL_CLOEXEC)) < 0)
		return setup_error(w);
	if (open_injector(w, spec_text, x))
		return -1;
	epoll_ctl(w->ep, EPOLL_CTL_ADD, w->sfd, &ev);
	ev.data.u32 = 0;
	if (!w->slot)
		epoll_ctl(w->ep, EPOLL_CTL_ADD, ei_session_events_fd(w->s), &ev);
	in = open(w->o->stdin_path ? w->o->stdin_path : "/dev/null", O_RDONLY | O_CLOEXEC);
	if (in < 0 || dup2(in, 0) < 0 || dup2(ofd, 1) < 0 || dup2(efd, 2) < 0) {
		if (in >= 0)
			close(in);
		return setup_error(w);
	}
	close(in);
	return 0;
}

/* The command and every process of the run have gone. */
static bool run_over(const struct wrun *w)
{
	if (!w->cmd_done)
		return false;
	if (w->slot)
		return ei_session_explore_live(w->s, w->slot) <= 0;
	return !ei_session_serving(w->s) && !ei_session_has_targets(w->s);
}

/* An event: the injector's (0), or a signal (1). */
static void on_event(struct wrun *w, __u32 what)
{
	struct signalfd_siginfo si;

	if (what == 0) {
		ei_session_consume(w->s);
		return;
	}
	if (read(w->sfd, &si, sizeof(si)) != sizeof(si))
		return;
	if (si.ssi_signo != SIGCHLD) {
		stopping = 1;
		return;
	}
	reap(w->cmd, &w->oc.status, &w->cmd_done);
}

/* Until the run is over; a run past its timeout (or stopped) is killed
 * whole, and waited for at most 10 s more. */
static void wait_run(struct wrun *w)
{
	double deadline = now() + w->o->timeout, hard = deadline + 10;

	while (!run_over(w)) {
		struct epoll_event evs[4];
		double t = now();
		int timeout = ei_session_timeout_ms(w->s), n;
		if (!w->killed && (t >= deadline || stopping)) {
			/* Hung: everything of the run goes. */
			w->oc.timed_out = !stopping;
			w->killed = true;
			kill_descendants(w->self, w->cmd, &w->oc.status, &w->cmd_done);
		}
		if (t >= hard)
			break;
		if (timeout < 0 || timeout > 100)
			timeout = 100;
		n = epoll_wait(w->ep, evs, 4, timeout);
		if (n == 0 && !w->slot)
			ei_session_consume(w->s);
		for (int i = 0; i < n; i++)
			on_event(w, evs[i].data.u32);
	}
	if (w->slot) {
		w->oc.injected = ei_session_explore_hits(w->s, w->slot);
	} else {
		ei_session_consume(w->s);
		w->oc.injected += ei_session_dropped(w->s);
	}
}

/* A run for a worker: what it fails, and its outputs (sent beside it). */
struct wreq {
	struct xrun x;
	int slot;      /* its job in the shared injector; 0: an injector of its own */
	bool c_locale; /* run with LC_ALL=C */
	char spec[SPEC_MAX];
};

/* A worker serves the runs of one job slot in turn, one at a time, so
 * that a run costs no fork nor set-up of a worker. Each run has its own
 * injector and its own processes, all ended before the next starts; the
 * state the worker changes for a run (its descriptors 0 to 2, LC_ALL,
 * RLIMIT_NOFILE) is put back. explore's end of each worker's socket, so
 * that a worker forked later closes the others' (a worker ends when its
 * socket reads EOF). */
struct pool {
	pid_t pid;
	int sock;
};
static struct pool pool[EI_MAX_JOBS + 1];

static void close_pool(void)
{
	for (int i = 0; i <= EI_MAX_JOBS; i++)
		if (pool[i].pid > 0)
			close(pool[i].sock);
}

/* What a worker's state is between runs. */
struct wstate {
	int sfd;
	sigset_t old; /* the mask the command gets */
	pid_t self;
	struct rlimit nofile;
	char *lc_all; /* explore's LC_ALL, NULL if unset */
};

/* One run: its outcome in *oc. false: some of its processes were left
 * running, the worker must not serve another. */
static bool one_run(const struct ei_explore_opts *o, const struct wstate *ws, const struct wreq *rq, int ofd, int efd,
		    struct outcome *oc)
{
	struct wrun w = { .o = o, .slot = rq->slot, .opts = { .cgroup_fd = -1 }, .sfd = ws->sfd, .ep = -1,
			  .self = ws->self, .cmd = -1 };
	int exec_errno = 0, null;
	bool clean;

	if (rq->c_locale)
		setenv("LC_ALL", "C", 1);
	if (!set_up(&w, rq->spec, &rq->x, ofd, efd)) {
		w.cmd = ei_session_launch(w.s, o->cmd, &ws->old, &exec_errno, w.oc.error, sizeof(w.oc.error));
		if (w.cmd >= 0) {
			w.oc.started = true;
			wait_run(&w);
		}
	}
	clean = kill_descendants(w.self, w.cmd, &w.oc.status, &w.cmd_done);
	/* The shared injector stays: it is explore's (our copy of its
	 * descriptors goes with us). */
	if (!w.slot && w.s)
		ei_session_close(w.s);
	if (w.ep >= 0)
		close(w.ep);
	/* What the run changed, back for the next. */
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	for (int i = 0; i < 3; i++)
		if (null >= 0)
			dup2(null, i);
	if (null > 2)
		close(null);
	if (ws->lc_all)
		setenv("LC_ALL", ws->lc_all, 1);
	else
		unsetenv("LC_ALL");
	setrlimit(RLIMIT_NOFILE, &ws->nofile);
	*oc = w.oc;
	return clean;
}

/* The next run's request and its two descriptors: 1, 0 at EOF (explore
 * closed our socket), -1 on an error. */
static int recv_req(int sock, struct wreq *rq, int fds[2])
{
	char ctl[CMSG_SPACE(2 * sizeof(int))];
	struct iovec iov = { .iov_base = rq, .iov_len = sizeof(*rq) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	struct cmsghdr *c;
	ssize_t n;

	do
		n = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return n == 0 ? 0 : -1;
	c = CMSG_FIRSTHDR(&m);
	if (n != sizeof(*rq) || !c || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(2 * sizeof(int)))
		return -1;
	memcpy(fds, CMSG_DATA(c), 2 * sizeof(int));
	return 1;
}

static int send_req(int sock, const struct wreq *rq, int ofd, int efd)
{
	char ctl[CMSG_SPACE(2 * sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = (void *)rq, .iov_len = sizeof(*rq) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	int fds[2] = { ofd, efd };

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(fds));
	memcpy(CMSG_DATA(c), fds, sizeof(fds));
	return sendmsg(sock, &m, MSG_NOSIGNAL) == (ssize_t)sizeof(*rq) ? 0 : -1;
}

/* Until explore's request (true) or a signal that stops the worker;
 * SIGCHLD from a run's leftovers (all reaped) is let go. */
static bool wait_req(const struct wstate *ws, int sock)
{
	for (;;) {
		struct pollfd pf[2] = { { .fd = sock, .events = POLLIN }, { .fd = ws->sfd, .events = POLLIN } };
		struct signalfd_siginfo si;

		if (poll(pf, 2, -1) < 0)
			continue;
		if (pf[1].revents && read(ws->sfd, &si, sizeof(si)) == sizeof(si) && si.ssi_signo != SIGCHLD)
			stopping = 1;
		/* A run asked for is made, at once killed if stopping, to
		 * report as a worker stopped in its run does. */
		if (pf[0].revents)
			return true;
		if (stopping)
			return false;
	}
}

/* The worker ends: its keeper first (it holds no run's listener now,
 * unless a run's processes outlived it: it then keeps them). */
static void __attribute__((noreturn)) worker_end(void)
{
	ei_sup_keeper_free(keeper);
	_exit(0);
}

static void __attribute__((noreturn)) worker(const struct ei_explore_opts *o, int sock)
{
	struct wstate ws = { .self = getpid() };
	const char *lc = getenv("LC_ALL");
	sigset_t mask;

	/* Whatever happens to explore, the run ends: SIGTERM kills the
	 * command's processes below. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	block_signals(&mask, &ws.old);
	if (getppid() == 1)
		_exit(1);
	ws.lc_all = lc ? strdup(lc) : NULL;
	if ((ws.sfd = signalfd(-1, &mask, SFD_CLOEXEC)) < 0 || prctl(PR_SET_CHILD_SUBREAPER, 1) ||
	    getrlimit(RLIMIT_NOFILE, &ws.nofile) || (lc && !ws.lc_all))
		_exit(1);
	/* Out of memory: a keeper per run, as errinj's. */
	keeper = ei_sup_keeper_new();
	/* A run's large blocks (the seccomp supervisor's 1.1 MB, little of
	 * it touched) mapped afresh and unmapped at its end: malloc's
	 * adaptive threshold would take them from the heap after the first
	 * free, zeroed whole at each run (0.3 ms measured under load), and
	 * dirty pages that the launcher's fork copies and its execve drops. */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	while (wait_req(&ws, sock)) {
		struct wreq rq;
		struct outcome oc;
		int fds[2];
		bool clean;

		if (recv_req(sock, &rq, fds) != 1)
			worker_end();
		clean = one_run(o, &ws, &rq, fds[0], fds[1], &oc);
		close(fds[0]);
		close(fds[1]);
		oc.last = !clean || stopping;
		if (write(sock, &oc, sizeof(oc)) != sizeof(oc) || oc.last)
			worker_end();
	}
	worker_end();
}

/* ---- a reproduction line, run as printed ---- */

/* Rule k (0-based) of a job's spec, "inject=RULE", in inj; false past
 * the last. */
static bool rule_word(const struct job *j, int k, char inj[RULE_MAX + 8])
{
	const char *r = j->spec;
	size_t len;

	for (; k > 0 && (r = strchr(r, '\n')); k--)
		r++;
	if (!r || !*r)
		return false;
	len = strcspn(r, "\n");
	snprintf(inj, RULE_MAX + 8, "inject=%.*s", (int)len, r);
	return true;
}

/* The reproduction line's words, as repro_line prints them; be and inj
 * hold some of them. NULL when out of memory. */
static char **repro_argv(const struct ei_explore_opts *o, const struct job *j, char be[64],
			 char inj[XRULES][RULE_MAX + 8])
{
	int n = 0, k = 0;
	char **argv;

	while (o->cmd[n])
		n++;
	if (!(argv = calloc((size_t)n + 4 + 2 * XRULES, sizeof(*argv))))
		return NULL;
	argv[k++] = "errinj";
	if (o->backend != EI_BACKEND_AUTO) {
		snprintf(be, 64, "--backend=%s", ei_backend_name(o->backend));
		argv[k++] = be;
	}
	for (int r = 0; r < XRULES && rule_word(j, r, inj[r]); r++) {
		argv[k++] = "-e";
		argv[k++] = inj[r];
	}
	argv[k++] = "--";
	for (int i = 0; i < n; i++)
		argv[k++] = o->cmd[i];
	return argv;
}

/* errinj's child: stdin /dev/null or --stdin's file (the line's "< FILE"),
 * stdout and stderr captured, a process group of its own (killed whole at
 * the timeout). */
static void exec_line(const struct ei_explore_opts *o, char **argv, int ofd, int efd)
{
	int in = open(o->stdin_path ? o->stdin_path : "/dev/null", O_RDONLY);

	setpgid(0, 0);
	if (in >= 0 && dup2(in, 0) >= 0 && dup2(ofd, 1) >= 0 && dup2(efd, 2) >= 0)
		execv("/proc/self/exe", argv);
	_exit(127);
}

/* Waits for errinj (pid) until the timeout or a stop (explore's SIGTERM,
 * SIGINT or SIGHUP handler, inherited), then kills its process group.
 * errinj exits 128 + N for a command killed by signal N: the status is
 * made that signal's again. */
static void wait_line(const struct ei_explore_opts *o, pid_t pid, struct outcome *oc)
{
	double deadline = now() + o->timeout;
	int st = 0;

	while (waitpid(pid, &st, WNOHANG) == 0) {
		if (now() >= deadline || stopping) {
			oc->timed_out = !stopping;
			kill(-pid, SIGKILL);
			waitpid(pid, &st, 0);
			break;
		}
		usleep(10000);
	}
	kill(-pid, SIGKILL); /* what it left behind */
	if (WIFEXITED(st) && WEXITSTATUS(st) > 128 && WEXITSTATUS(st) <= 128 + 64)
		st = WEXITSTATUS(st) - 128;
	oc->status = st;
}

/* A worker that runs j's reproduction line as printed (errinj being
 * /proc/self/exe) instead of a run of the library's; finish_job counts
 * the injected calls from errinj's event lines. */
static void line_worker(const struct ei_explore_opts *o, const struct job *j, int rfd, int ofd, int efd)
{
	struct outcome oc = { 0 };
	char be[64], inj[XRULES][RULE_MAX + 8], **argv = repro_argv(o, j, be, inj);
	pid_t pid = -1;

	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() == 1)
		_exit(1);
	close_pool();
	if (argv && (pid = fork()) == 0)
		exec_line(o, argv, ofd, efd);
	if (pid < 0) {
		snprintf(oc.error, sizeof(oc.error), "cannot run the reproduction line: %s", strerror(errno));
	} else {
		setpgid(pid, pid);
		oc.started = true;
		wait_line(o, pid, &oc);
	}
	if (write(rfd, &oc, sizeof(oc)) != sizeof(oc))
		_exit(1);
	_exit(0);
}

/* ---- running jobs, -j at a time ---- */

/* Slot's worker, forked if it has none. */
static int pool_worker(const struct ei_explore_opts *o, int slot)
{
	int sv[2];
	pid_t pid;

	if (pool[slot].pid > 0)
		return 0;
	/* The memory freed since (libdw's decompressed debug sections, at
	 * the reference run) handed back first: the worker's forks of the
	 * launcher and the keeper copy the page tables of what it holds. */
	malloc_trim(0);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return -1;
	pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		close(sv[0]);
		close_pool();
		worker(o, sv[1]);
	}
	close(sv[1]);
	pool[slot] = (struct pool){ .pid = pid, .sock = sv[0] };
	return 0;
}

/* Slot's worker gone: told to end (EOF), or killed when it failed. */
static void pool_end(int slot, bool failed)
{
	if (pool[slot].pid <= 0)
		return;
	if (failed)
		kill(pool[slot].pid, SIGKILL);
	close(pool[slot].sock);
	waitpid(pool[slot].pid, NULL, 0);
	pool[slot].pid = 0;
}

/* A reproduction line's worker, forked for its run alone. */
static int start_line(const struct ei_explore_opts *o, struct job *j)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC))
		return -1;
	j->worker = fork();
	if (j->worker < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (j->worker == 0) {
		close(p[0]);
		if (j->c_locale)
			setenv("LC_ALL", "C", 1);
		line_worker(o, j, p[1], j->ofd, j->efd);
	}
	close(p[1]);
	j->rfd = p[0];
	return 0;
}

/* The run asked of slot's worker; a worker gone since its last run
 * (killed while it waited) is replaced once. */
static int start_pooled(const struct ei_explore_opts *o, struct job *j, const struct wreq *rq)
{
	for (int tries = 0;; tries++) {
		if (pool_worker(o, j->slot))
			return -1;
		if (!send_req(pool[j->slot].sock, rq, j->ofd, j->efd))
			break;
		pool_end(j->slot, true);
		if (tries)
			return -1;
	}
	j->worker = pool[j->slot].pid;
	j->rfd = pool[j->slot].sock;
	return 0;
}

static int start_job(const struct ei_explore_opts *o, const struct ei_trace *t, struct job *j, int slot)
{
	struct wreq rq = { .x = { .nr = -1 }, .c_locale = j->c_locale };

	/* The shared injector serves the run if it has the syscall (the
	 * control run fails nothing). */
	j->slot = slot;
	if (j->call >= 0 && shared && !j->pathed && ei_session_attached(shared, t->calls[j->call].nr)) {
		const struct ei_call *c = &t->calls[j->call];
		rq.x = (struct xrun){ .nr = c->nr, .err = j->err, .n = c->n, .lineage = t->key[c->proc], .persist = j->persist };
		rq.slot = slot;
	} else if (j->call < 0 && shared) {
		rq.slot = slot;
	}
	j->kept = rq.slot && j->call >= 0;
	memcpy(rq.spec, j->spec, sizeof(rq.spec));

	/* Each run finds the files the command changes as the reference
	 * run did (runs are then made one at a time). */
	if (ei_outputs_restore(&t->outputs, j->oc.error, sizeof(j->oc.error))) {
		ei_msg("%s", j->oc.error);
		errno = EIO;
		return -1;
	}
	j->ofd = ei_capture_fd("explore-out");
	j->efd = ei_capture_fd("explore-err");
	if (j->ofd < 0 || j->efd < 0 || (j->line ? start_line(o, j) : start_pooled(o, j, &rq)))
		return -1;
	j->started = now();
	return 0;
}

/* The last lines of stderr (at most max, 400 bytes). */
static char *tail(const char *s, size_t n, size_t max)
{
	size_t start = n, lines = 0;

	while (n && s[n - 1] == '\n')
		n--;
	start = n;
	while (start > 0 && lines < max) {
		start--;
		if (s[start] == '\n' && ++lines == max) {
			start++;
			break;
		}
	}
	if (n - start > 400)
		start = n - 400;
	return strndup(s + start, n - start);
}

static bool crash_signal(int sig)
{
	return sig == SIGSEGV || sig == SIGABRT || sig == SIGBUS || sig == SIGFPE || sig == SIGILL;
}

static void classify(struct job *j, const struct ei_trace *ref, __u64 ref_hash)
{
	int st = j->oc.status;

	j->sig = 0;
	if (j->oc.error[0] && !j->oc.started)
		j->cls = C_ERROR;
	else if (!j->oc.injected)
		j->cls = C_UNREACHED;
	else if (j->oc.timed_out)
		j->cls = C_HUNG;
	else if ((WIFSIGNALED(st) && crash_signal(WTERMSIG(st))) || j->sanitizer) {
		j->cls = C_CRASHED;
		j->sig = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
	} else if (WIFEXITED(st) && WIFEXITED(ref->status) && WEXITSTATUS(st) == WEXITSTATUS(ref->status)) {
		/* The reference's status although a call failed: other
		 * output (stdout, a file) is lost, unless it is the C
		 * locale's (c_control) or stdout only gained lines (a
		 * warning): handled; the same output is absorbed, unless
		 * the run said something on stderr where the reference did
		 * not (or the other way round). */
		bool files = j->files == ei_outputs_ref_state(&ref->outputs);
		if (c_control && st == c_control->oc.status && j->out_hash == c_control->out_hash &&
		    j->files == c_control->files)
			j->cls = C_HANDLED;
		else if (!files || (j->out_hash != ref_hash && !j->out_gained))
			/* Lost, unless every output kept its length: then
			 * changed, maybe the same data in another form (a
			 * compressor's frame without its content size): no
			 * finding. */
			j->cls = j->same_sizes ? C_CHANGED : C_LOST;
		else if (j->out_hash != ref_hash)
			j->cls = C_HANDLED;
		else
			j->cls = j->said == (ref->errlen > 0) ? C_ABSORBED : C_HANDLED;
	} else {
		j->cls = C_HANDLED;
		j->sig = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
	}
}

static void finish_job(struct job *j, const struct ei_trace *ref, __u64 ref_hash)
{
	size_t n;
	char *buf;
	ssize_t r = read(j->rfd, &j->oc, sizeof(j->oc));

	if (r != sizeof(j->oc)) {
		memset(&j->oc, 0, sizeof(j->oc));
		snprintf(j->oc.error, sizeof(j->oc.error), "the worker died");
	}
	if (j->line) {
		waitpid(j->worker, NULL, 0);
		close(j->rfd);
	} else if (r != sizeof(j->oc) || j->oc.last) {
		pool_end(j->slot, r != sizeof(j->oc));
	}
	j->worker = 0;
	buf = ei_read_whole(j->ofd, &n);
	j->out_hash = buf ? fnv(buf, n) : 0;
	j->out_gained = buf && ei_out_gained(ref->out, ref->outlen, buf, n);
	j->same_sizes = (buf ? n : 0) == ref->outlen && ei_outputs_same_sizes(&ref->outputs);
	free(buf);
	j->files = ei_outputs_state(&ref->outputs);
	buf = ei_read_whole(j->efd, &n);
	j->said = buf && n > 0;
	for (const char *p = buf; j->line && p && (p = strstr(p, " (INJECTED")); p++)
		j->oc.injected++;
	free(j->errtail);
	j->errtail = buf ? tail(buf, n, 3) : NULL;
	j->sanitizer = buf && (strstr(buf, "ERROR: AddressSanitizer") || strstr(buf, "ERROR: LeakSanitizer") ||
			       strstr(buf, "runtime error:") || strstr(buf, "WARNING: ThreadSanitizer"));
	free(buf);
	close(j->ofd);
	close(j->efd);
	classify(j, ref, ref_hash);
	free(j->lost_output);
	j->lost_output = j->cls == C_LOST ? ei_outputs_lost(&ref->outputs, j->out_hash != ref_hash) : NULL;
}

/* A phase of the runs, for the progress line: what it counts. */
struct phase {
	const char *what;   /* "run", "confirmation" */
	const char *found;  /* what its findings are: "with a finding", "confirmed" */
	double expect;      /* a run's expected seconds before any has ended */
	/* Under way */
	double t0, busy;    /* its start; the seconds its ended runs took */
	int done, total, par, found_n;
};

/* The seconds left: the runs not started at the mean duration of those
 * ended, and each running one at that mean too, unless it has run well
 * past it: then it is taken to wait out its timeout, as a hung run does. */
static double eta(const struct ei_explore_opts *o, const struct phase *ph, struct job *const *running, int nrun)
{
	double t = now(), d = ph->done ? ph->busy / ph->done : ph->expect, end = t;
	int queued = ph->total - ph->done - nrun;

	for (int i = 0; i < nrun; i++) {
		double el = t - running[i]->started, e = running[i]->started + d;
		if (el > 2 * d + 0.5)
			e = running[i]->started + o->timeout;
		if (e > end)
			end = e;
	}
	return end - t + (queued > 0 ? queued * d / ph->par : 0);
}

static void progress(const struct ei_explore_opts *o, const struct phase *ph, struct job *const *running, int nrun,
		     bool end)
{
	double el = now() - ph->t0, rate = el > 0 ? ph->done / el : 0;

	if (!o->progress)
		return;
	if (end) {
		fputs("\r\033[K", stderr);
		return;
	}
	fprintf(stderr, "\r\033[Kexplore: %s %d/%d, %.1f/s, ETA %.0f s, %d %s", ph->what, ph->done, ph->total, rate,
		eta(o, ph, running, nrun), ph->found_n, ph->found);
	fflush(stderr);
}

/* Runs jobs[0..n), o->jobs at a time. Returns -1 when stopped by a signal. */
static int run_jobs(const struct ei_explore_opts *o, struct job **jobs, int n, const struct ei_trace *ref,
		    __u64 ref_hash, struct phase *ph)
{
	struct job *running[256];
	struct pollfd pf[256];
	int next = 0, nrun = 0;
	/* Runs that write the same files go one at a time. */
	int par = o->jobs < 1 || ref->outputs.n ? 1 : o->jobs > 256 ? 256 : o->jobs;
	bool busy[EI_MAX_JOBS + 1] = { false };

	ph->t0 = now();
	ph->total = n;
	ph->par = par;

	while ((next < n || nrun) && !stopping) {
		while (nrun < par && next < n) {
			int slot = 1;
			/* A job number no running run has. */
			while (busy[slot])
				slot++;
			if (start_job(o, ref, jobs[next], slot)) {
				ei_msg("cannot start a run: %s", strerror(errno));
				stopping = SIGTERM;
				break;
			}
			busy[slot] = true;
			running[nrun++] = jobs[next++];
		}
		for (int i = 0; i < nrun; i++)
			pf[i] = (struct pollfd){ .fd = running[i]->rfd, .events = POLLIN };
		int r = poll(pf, (nfds_t)nrun, 250);
		if (r < 0 && errno != EINTR)
			break;
		for (int i = nrun - 1; r > 0 && i >= 0; i--) {
			if (!pf[i].revents)
				continue;
			finish_job(running[i], ref, ref_hash);
			busy[running[i]->slot] = false;
			ph->found_n += running[i]->cls <= C_LOST;
			ph->busy += now() - running[i]->started;
			running[i] = running[--nrun];
			ph->done++;
		}
		progress(o, ph, running, nrun, false);
	}
	if (stopping) {
		/* Each worker kills its run on SIGTERM and reports. */
		for (int i = 0; i < nrun; i++)
			kill(running[i]->worker, SIGTERM);
		for (int i = 0; i < nrun; i++)
			finish_job(running[i], ref, ref_hash);
	}
	for (int i = 0; i <= EI_MAX_JOBS; i++)
		pool_end(i, false);
	progress(o, ph, running, 0, true);
	return stopping ? -1 : 0;
}

/* ---- report ---- */

static void shell_quote(FILE *f, const char *s)
{
	if (*s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+=./,:%@") == strlen(s)) {
		fputs(s, f);
		return;
	}
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

static char *repro_line(const struct ei_explore_opts *o, const struct job *j)
{
	char inj[RULE_MAX + 8], *line = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&line, &len);

	if (!f)
		return NULL;
	fputs("errinj ", f);
	if (o->backend != EI_BACKEND_AUTO)
		fprintf(f, "--backend=%s ", ei_backend_name(o->backend));
	for (int r = 0; r < XRULES && rule_word(j, r, inj); r++) {
		fputs("-e ", f);
		shell_quote(f, inj);
		fputc(' ', f);
	}
	fputs("--", f);
	for (char **a = o->cmd; *a; a++) {
		fputc(' ', f);
		shell_quote(f, *a);
	}
	if (o->stdin_path) {
		fputs(" < ", f);
		shell_quote(f, o->stdin_path);
	}
	fclose(f);
	return line;
}

/* How many other processes of the reference made at least n calls of nr:
 * when=n counts per process, so the line fails their n-th call too. */
static int others(const struct ei_trace *t, int proc, int nr, __u64 n)
{
	int k = 0;
	for (int p = 0; p < t->nprocs; p++)
		k += p != proc && t->ncalls_of[(size_t)p * EI_NR_SYSCALLS + nr] >= n;
	return k;
}

/* A persistent fault's path= pattern for call c's path, in pat: the path
 * itself, a glob character or ':' (which would end the rule) made '?',
 * which matches it and any other byte there (path= has no escape); false
 * if c has no printable path. */
static bool path_pattern(const struct ei_call *c, char pat[EI_PATTERN_MAX])
{
	size_t n = 0;

	if (!c->path || !*c->path || strlen(c->path) >= EI_PATTERN_MAX)
		return false;
	for (const char *p = c->path; *p; p++) {
		if ((unsigned char)*p < ' ' || *p == 0x7f)
			return false;
		pat[n++] = strchr("*?:", *p) ? '?' : *p;
	}
	pat[n] = 0;
	return true;
}

/* Whether path= pattern pat (no '*') matches path. */
static bool pat_match(const char *pat, const char *path)
{
	if (!path)
		return false;
	for (; *pat && *path; pat++, path++)
		if (*pat != '?' && *pat != *path)
			return false;
	return !*pat && !*path;
}

/* Process proc's calls of nr on pat's paths up to call i (of the trace)
 * included: what when= counts under path=, its filters holding before
 * counting. */
static __u64 path_calls(const struct ei_trace *t, int i, int proc, int nr, const char *pat)
{
	__u64 k = 0;

	for (int m = 0; m <= i; m++)
		k += t->calls[m].proc == proc && t->calls[m].nr == nr && pat_match(pat, t->calls[m].path);
	return k;
}

/* others() for a rule on call i's path: the other processes that made at
 * least k calls of its syscall on that path. */
static int path_others(const struct ei_trace *t, int i, __u64 k)
{
	const struct ei_call *c = &t->calls[i];
	char pat[EI_PATTERN_MAX];
	int n = 0;

	if (!path_pattern(c, pat))
		return 0;
	for (int p = 0; p < t->nprocs; p++)
		n += p != c->proc && path_calls(t, t->ncalls - 1, p, c->nr, pat) >= k;
	return n;
}

/* Whether call c would create its path rather than fail with ENOENT
 * when the path is missing. */
static bool creates(const struct ei_call *c)
{
	switch (c->nr) {
#ifdef SYS_open
	case SYS_open:
		return c->args[1] & O_CREAT;
#endif
	case SYS_openat:
		return c->args[2] & O_CREAT;
#ifdef SYS_creat
	case SYS_creat:
	case SYS_mkdir:
	case SYS_mknod:
	case SYS_symlink:
#endif
	case SYS_mkdirat:
	case SYS_mknodat:
	case SYS_symlinkat:
	case SYS_openat2: /* its flags are in a struct the trace does not read */
		return true;
	}
	return false;
}

/* The rest of a missing (ENOENT) or forbidden (EACCES) path's state, as
 * the kernel would give it: from call i on, every later call on the same
 * path fails too, whatever its syscall, not the calls of i's syscall
 * alone (stat failing while open succeeds on one path is no state a
 * file can be in). A rule per other syscall that the reference made on
 * the path after i, in i's process, when= counting from its next call
 * there; a call that would create a missing path leaves its syscall out. */
static void path_state(const struct ei_trace *t, int i, const char *pat, int err, struct job *j)
{
	const struct ei_call *c = &t->calls[i];
	int nrs[XRULES - 1], n = 0;
	size_t len = strlen(j->spec);

	for (int m = i + 1; m < t->ncalls; m++) {
		const struct ei_call *d = &t->calls[m];
		int k;

		if (d->proc != c->proc || d->nr == c->nr || !pat_match(pat, d->path))
			continue;
		for (k = 0; k < n && nrs[k] != d->nr; k++)
			;
		if (k < n)
			continue;
		if (n == XRULES - 1)
			break;
		nrs[n++] = d->nr;
	}
	for (int k = 0; k < n && len < sizeof(j->spec); k++) {
		bool made = false;

		for (int m = i + 1; m < t->ncalls && err == ENOENT; m++)
			made |= t->calls[m].proc == c->proc && t->calls[m].nr == nrs[k] &&
				pat_match(pat, t->calls[m].path) && creates(&t->calls[m]);
		if (made)
			continue;
		len += (size_t)snprintf(j->spec + len, sizeof(j->spec) - len, "\n%s:error=%s:path=%s:when=%llu+",
					ei_syscall_name(nrs[k]), ei_errno_name(err), pat,
					(unsigned long long)path_calls(t, i, c->proc, nrs[k], pat) + 1);
	}
}

struct finding {
	struct job *j;       /* the first run of the group */
	int errs[EI_FINDING_MAX_ERRNOS];
	int runs[EI_FINDING_MAX_ERRNOS]; /* the planned index of each errno's run */
	int nerrs;
	struct job confirm;
	bool flaky;
};

static void status_text(char *buf, size_t len, int st, bool timed_out)
{
	if (timed_out)
		snprintf(buf, len, "timed out");
	else if (WIFSIGNALED(st))
		snprintf(buf, len, "killed by %s", ei_signal_name(WTERMSIG(st)) ? ei_signal_name(WTERMSIG(st)) : "a signal");
	else
		snprintf(buf, len, "exit %d", WEXITSTATUS(st));
}

/* A finding in the words of the report (lib/explore/internal.h). */
static void rfinding(const struct ei_explore_opts *o, const struct ei_trace *t, const struct finding *fd,
		     struct ei_rfinding *r)
{
	const struct job *j = fd->j;
	const struct ei_call *c = &t->calls[j->call];
	const struct ei_site *s = &t->sites[c->site];

	memset(r, 0, sizeof(*r));
	r->cls = (int)j->cls;
	r->confirmed = (int)fd->confirm.cls;
	r->flaky = fd->flaky;
	r->signal = j->sig ? ei_signal_name(j->sig) : NULL;
	r->exit = WIFEXITED(j->oc.status) && !j->oc.timed_out ? WEXITSTATUS(j->oc.status) : -1;
	status_text(r->status, sizeof(r->status), j->oc.status, j->oc.timed_out);
	r->syscall = ei_syscall_name(c->nr);
	r->err = ei_errno_name(j->err);
	for (int k = 0; k < fd->nerrs; k++) {
		r->errs[k] = ei_errno_name(fd->errs[k]);
		r->err_runs[k] = fd->runs[k];
	}
	r->nerrs = fd->nerrs;
	r->process = t->lineage[c->proc];
	r->when = c->n;
	r->others = j->pathed ? path_others(t, j->call, j->when) : others(t, c->proc, c->nr, c->n);
	r->picked = j->picked;
	r->sanitizer = j->sanitizer;
	r->failed = j->oc.injected;
	r->site_key = s->key;
	r->frames = s->frames;
	r->nframes = s->nframes;
	r->site = s->nframes ? &s->frames[s->shown] : NULL;
	r->errtail = j->errtail;
	r->lost_output = j->lost_output;
	r->repro = repro_line(o, j);
	r->call = j->call;
	r->run = j->idx;
}

/* ---- the exploration ---- */

/* The rule that fails call n of nr in the call's process alone. when=n
 * counts per process, so where other processes of the reference make an
 * n-th call of nr too, a seeded prob=0.5 tells them apart: every backend
 * draws ei_draw (lib/core/decide.h) and fires below prob, so a seed
 * under which only this process's draw fires fails only its call,
 * reproducibly and with plain errinj.
 * A persistent fault is when=n+: the call and every later call of nr.
 * when= counts per syscall and process, not per site, so the later calls
 * of other sites fail too, as a full disk fails them, and so do the n-th
 * and later calls of the other processes (the report counts them): a
 * draw per call cannot pick a process for all its later calls. On a
 * syscall that takes a path it is path=P:when=k+, k counting the calls on
 * P alone: a missing or forbidden file is so for its path only, not for
 * other files nor for a descriptor's fstat. */
static void make_spec(const struct ei_trace *t, const struct ei_call *c, int err, bool persist, struct job *j)
{
	__u64 others[64], call = ei_draw_call(0, (__u32)c->nr, c->n), half = 1ULL << 31;
	char pat[EI_PATTERN_MAX];
	int n = 0, p;

	j->picked = false;
	j->persist = persist;
	j->pathed = persist && !j->unpathed && path_pattern(c, pat);
	j->when = j->pathed ? path_calls(t, (int)(c - t->calls), c->proc, c->nr, pat) : c->n;
	if (j->pathed) {
		snprintf(j->spec, RULE_MAX, "%s:error=%s:path=%s:when=%llu+", ei_syscall_name(c->nr),
			 ei_errno_name(err), pat, (unsigned long long)j->when);
		if (err == ENOENT || err == EACCES)
			path_state(t, (int)(c - t->calls), pat, err, j);
		return;
	}
	snprintf(j->spec, sizeof(j->spec), "%s:error=%s:when=%llu%s", ei_syscall_name(c->nr), ei_errno_name(err),
		 (unsigned long long)c->n, persist ? "+" : "");
	if (persist)
		return;
	for (p = 0; p < t->nprocs; p++) {
		if (p == c->proc || t->ncalls_of[(size_t)p * EI_NR_SYSCALLS + c->nr] < c->n)
			continue;
		if (n == (int)(sizeof(others) / sizeof(others[0])))
			return; /* too many to tell apart: said in the report */
		others[n++] = t->key[p];
	}
	if (!n)
		return;
	/* Each other process is missed with probability 1/2: 2^(n+1)
	 * seeds on average; past 2^24, give up and say so. */
	for (__u64 seed = 1; seed < (1ULL << 24); seed++) {
		bool ok = ei_prob_fires(ei_draw_seeded(seed, call, t->key[c->proc]), half);
		for (int k = 0; ok && k < n; k++)
			ok = !ei_prob_fires(ei_draw_seeded(seed, call, others[k]), half);
		if (ok) {
			snprintf(j->spec, sizeof(j->spec), "%s:error=%s:when=%llu:prob=0.5:seed=%llu",
				 ei_syscall_name(c->nr), ei_errno_name(err), (unsigned long long)c->n,
				 (unsigned long long)seed);
			j->picked = true;
			return;
		}
	}
}

/* The injector for all the runs, on a BPF backend: one rule that
 * counts every call of the runs' syscalls per process and never fires
 * by itself (each run says which call fails). NULL where there is none
 * (--backend=seccomp, no BPF here): each run then loads its own. */
static struct ei_session *open_shared(const struct ei_explore_opts *o, const struct ei_trace *t, struct job **jobs,
				      int njobs)
{
	struct ei_options opts = { .cgroup_fd = -1, .nspecs = 1, .follow = true, .command = true, .explore = true };
	struct ei_spec spec;
	char err[512];
	struct ei_session *s;

	if (o->backend == EI_BACKEND_SECCOMP || !njobs)
		return NULL;
	memset(&spec, 0, sizeof(spec));
	for (int i = 0; i < njobs; i++) {
		int nr = t->calls[jobs[i]->call].nr;
		if (!ei_sysset_has(&spec.syscalls, nr))
			spec.nsyscalls++;
		ei_sysset_add(&spec.syscalls, nr);
	}
	spec.actions = EI_ACT_ERROR;
	spec.error = EIO;
	spec.first = 1ULL << 62; /* counts, never fires */
	spec.prob = 1;
	opts.specs = &spec;
	opts.backend = o->backend;
	s = ei_session_open(&opts, NULL, NULL, err, sizeof(err));
	if (!s && o->backend != EI_BACKEND_AUTO)
		ei_msg("warning: each run loads its own injector: %s", err);
	return s;
}

static int job_order(const void *a, const void *b)
{
	const struct job *x = a, *y = b;
	if (x->call != y->call)
		return x->call - y->call;
	return x->err - y->err;
}

/* An exploration under way. */
struct exploration {
	const struct ei_explore_opts *o;
	struct ei_trace t;
	__u64 ref_hash;
	struct job *jobs;    /* the planned runs */
	int njobs;
	__u64 plan;          /* their hash */
	struct job **jp;     /* this shard's runs, then the findings' confirmations */
	int *runs;           /* the planned index of each of this shard's runs */
	int nrun;
	struct job control;
	struct job c_ctl;    /* the control run with LC_ALL=C */
	bool stable;
	struct finding *fs;
	int nf;
	struct ei_rfinding *rf;
	struct ei_rrun *rr;  /* every run of this shard, for the report */
	int counts[C_NCLASSES], shared_runs, path_runs;
	int loader_sites;    /* the loader's start-up sites left out */
	double started;      /* before the reference run */
	double seconds;      /* the whole exploration's wall time */
	double runs_seconds; /* the runs alone */
};

/* The planned runs, *jobsp: per site its first call (or, --by=call,
 * every call), times the syscall's errnos. How many, or -1 when out of
 * memory. */
static int plan_runs(const struct ei_explore_opts *o, const struct ei_trace *t, struct job **jobsp, int *loader_sites)
{
	struct job *jobs;
	int njobs = 0, cap;

	*loader_sites = 0;

	cap = t->ncalls * EI_EXPLORE_MAX_ERRNOS + 1;
	if (!(*jobsp = jobs = calloc((size_t)cap, sizeof(*jobs))))
		return -1;
	for (int i = 0; i < t->ncalls; i++) {
		const struct ei_call *c = &t->calls[i];
		int errs[EI_EXPLORE_MAX_ERRNOS], ne;
		bool persist[EI_EXPLORE_MAX_ERRNOS];
		if (!o->by_call && t->sites[c->site].first != i)
			continue;
		/* The loader's own start-up fails as the loader does, whatever
		 * the program: not explored unless asked for. */
		if (!o->loader && ei_site_in_loader(&t->sites[c->site])) {
			*loader_sites += t->sites[c->site].first == i;
			continue;
		}
		if (o->nerr[c->nr]) {
			ne = o->nerr[c->nr];
			memcpy(errs, o->err[c->nr], sizeof(errs));
			for (int k = 0; k < ne; k++)
				persist[k] = ei_explore_persists(c->nr, errs[k]);
		} else {
			ne = ei_explore_errnos(c, errs, persist);
		}
		for (int k = 0; k < ne; k++) {
			struct job *j = &jobs[njobs++];
			j->call = i;
			j->err = errs[k];
			make_spec(t, c, errs[k], persist[k], j);
		}
	}
	/* --max-runs: a subset drawn by --seed, then run in call order. */
	if (o->max_runs && njobs > o->max_runs) {
		for (int i = njobs - 1; i > 0; i--) {
			int k = (int)(ei_mix64(o->seed ^ (__u64)i) % (__u64)(i + 1));
			struct job tmp = jobs[i];
			jobs[i] = jobs[k];
			jobs[k] = tmp;
		}
		njobs = (int)o->max_runs;
		qsort(jobs, (size_t)njobs, sizeof(*jobs), job_order);
	}
	return njobs;
}

/* Numbers the planned runs; their hash. The plan is the same on every
 * machine for the same command, selection and options; its hash lets
 * --merge tell explorations apart. */
static __u64 plan_hash(struct job *jobs, int njobs)
{
	__u64 plan = 0xcbf29ce484222325ULL;

	for (int i = 0; i < njobs; i++) {
		char line[160];
		int n = snprintf(line, sizeof(line), "%d %s\n", jobs[i].call, jobs[i].spec);
		jobs[i].idx = i;
		for (int k = 0; k < n && k < (int)sizeof(line); k++)
			plan = (plan ^ (unsigned char)line[k]) * 0x100000001b3ULL;
	}
	return plan;
}

/* This shard's runs (x->jp, x->runs): --shard K/N takes every Nth planned
 * run from the Kth, so that the shards' runs are disjoint and together
 * the whole plan. -1 when out of memory. */
static int take_shard(struct exploration *x, int shard, int nshards)
{
	if (!(x->jp = calloc((size_t)x->njobs + 1, sizeof(*x->jp))) ||
	    !(x->fs = calloc((size_t)x->njobs + 1, sizeof(*x->fs))) ||
	    !(x->runs = calloc((size_t)x->njobs + 1, sizeof(*x->runs))))
		return -1;
	for (int i = 0; i < x->njobs; i++)
		if (i % nshards == shard - 1) {
			x->runs[x->nrun] = i;
			x->jp[x->nrun++] = &x->jobs[i];
		}
	return 0;
}

/* The parent of each process of t (-1 for the command), from the
 * lineage names: a child's name is its parent's and ".k". */
static int *trace_parents(const struct ei_trace *t)
{
	int *parent = calloc((size_t)t->nprocs + 1, sizeof(*parent));

	for (int p = 0; parent && p < t->nprocs; p++) {
		const char *dot = strrchr(t->lineage[p], '.');
		parent[p] = -1;
		/* A parent appears before its children. */
		for (int q = p - 1; dot && q >= 0; q--)
			if (strlen(t->lineage[q]) == (size_t)(dot - t->lineage[p]) &&
			    !strncmp(t->lineage[q], t->lineage[p], (size_t)(dot - t->lineage[p]))) {
				parent[p] = q;
				break;
			}
	}
	return parent;
}

/* The lineage keys the seccomp supervisor gives the processes of a run
 * whose one rule traps nr alone: it learns of a process from its first
 * trapped call (or a descendant's), and ranks it among its parent's
 * children in that order, not in fork order as the trace and the BPF
 * backends do (lib/seccomp/supervisor.c, proc_new). Processes that never
 * make the call keep their trace key: no seed draws for them. */
static void seccomp_keys(const struct ei_trace *t, const int *parent, int nr, __u64 *key, int *nchildren,
			 int *chain)
{
	bool *seen = (bool *)(chain + t->nprocs);

	memcpy(key, t->key, (size_t)t->nprocs * sizeof(*key));
	memset(nchildren, 0, (size_t)t->nprocs * sizeof(*nchildren));
	memset(seen, 0, (size_t)t->nprocs * sizeof(*seen));
	seen[0] = true;
	for (int i = 0; i < t->ncalls; i++) {
		int n = 0, q = t->calls[i].proc;
		if (t->calls[i].nr != nr)
			continue;
		/* Its unseen ancestors, then each ranked from the top down. */
		for (; !seen[q] && parent[q] >= 0; q = parent[q])
			chain[n++] = q;
		while (n--) {
			q = chain[n];
			key[q] = ei_lineage_child(key[parent[q]], (__u64)++nchildren[parent[q]]);
			seen[q] = true;
		}
	}
}

/* With no injector kept loaded the runs go to the seccomp backend (on
 * its own or as auto's choice), whose lineages may differ from the
 * trace's: each run whose rule picks its process by seed gets the seed
 * drawn with the supervisor's keys, so that its run and its reproduction
 * line fail that process's call and no other's. The plan (and its hash,
 * which --merge compares) keeps the trace's. -2 when out of memory. */
static int seccomp_specs(struct exploration *x)
{
	const struct ei_trace *t = &x->t;
	struct ei_trace tt = *t;
	int *parent = trace_parents(t), *nch = calloc((size_t)t->nprocs + 1, sizeof(*nch)), ret = 0;
	__u64 *key = calloc((size_t)t->nprocs + 1, sizeof(*key));
	/* chain, then seen */
	int *chain = calloc((size_t)t->nprocs + 1, sizeof(*chain) + sizeof(bool));
	int last = -1;

	if (!parent || !nch || !key || !chain) {
		ret = -2;
		goto out;
	}
	tt.key = key;
	for (int i = 0; i < x->nrun; i++) {
		struct job *j = x->jp[i];
		const struct ei_call *c = &t->calls[j->call];
		/* Alone in making its n-th call: no seed to draw. */
		if (!others(t, c->proc, c->nr, c->n))
			continue;
		if (c->nr != last)
			seccomp_keys(t, parent, c->nr, key, nch, chain);
		last = c->nr;
		make_spec(&tt, c, j->err, j->persist, j);
	}
out:
	free(parent);
	free(nch);
	free(key);
	free(chain);
	return ret;
}

/* A control run, the injector in place and nothing failed: a command
 * whose status or stdout changes from run to run would make every run
 * look lost. -1 when stopped by a signal. */
static int control_run(struct exploration *x)
{
	const struct ei_trace *t = &x->t;
	struct job *c = &x->control, *cp = c;
	struct phase ph = { .what = "control run", .found = "with a finding", .expect = t->seconds };

	x->stable = true;
	if (!t->ncalls)
		return 0;
	snprintf(c->spec, sizeof(c->spec), "%s:error=EIO:when=4000000000", ei_syscall_name(t->calls[0].nr));
	if (run_jobs(x->o, &cp, 1, t, x->ref_hash, &ph))
		return -1;
	x->stable = !c->oc.error[0] && !c->oc.timed_out && c->oc.status == t->status && c->out_hash == x->ref_hash;
	if (!x->stable)
		ei_msg("warning: a run with nothing failed did not give the reference's status and stdout "
		       "(%s): lost and absorbed are unreliable",
		       c->oc.error[0] ? c->oc.error : "the command does not do the same each run");
	else if (c->said != (t->errlen > 0))
		ei_msg("warning: a run with nothing failed %s on stderr where the reference run did%s: "
		       "absorbed and handled are unreliable",
		       c->said ? "wrote" : "wrote nothing", c->said ? " not" : "");
	ei_outputs_drop_unstable(&x->t.outputs);
	return 0;
}

/* With a locale of the environment's, a control run with LC_ALL=C: a
 * failed call in glibc's locale loading leaves the command in the C
 * locale, whose output may differ (cmp's "char" for "byte"). When it
 * does, runs giving it are handled (c_control). -1 when stopped. */
static int locale_control(struct exploration *x)
{
	struct job *c = &x->c_ctl;
	struct phase ph = { .what = "C-locale control run", .found = "with a finding", .expect = x->t.seconds };

	c_control = NULL;
	if (!x->t.ncalls || !ei_env_locale())
		return 0;
	memcpy(c->spec, x->control.spec, sizeof(c->spec));
	c->call = -1;
	c->c_locale = true;
	if (run_jobs(x->o, &c, 1, &x->t, x->ref_hash, &ph))
		return -1;
	if (c->oc.error[0] || c->oc.timed_out ||
	    (c->oc.status == x->t.status && c->out_hash == x->ref_hash &&
	     c->files == ei_outputs_ref_state(&x->t.outputs)))
		return 0;
	c_control = c;
	ei_msg("note: with LC_ALL=C the command's output is not the reference's: runs giving the C locale's output "
	       "are handled (a locale that could not be loaded), not lost");
	return 0;
}

/* The runs counted by class, and those that crashed, hung or lost output
 * grouped into findings, one per (site, class, signal). */
static void group_runs(struct exploration *x)
{
	const struct ei_trace *t = &x->t;
	struct finding *fs = x->fs;

	for (int i = 0; i < x->nrun; i++) {
		struct job *j = x->jp[i];
		int site = t->calls[j->call].site, k;
		x->shared_runs += j->kept;
		x->path_runs += j->pathed;
		if (++x->counts[j->cls] == 1 && j->cls == C_ERROR)
			ei_msg("a run could not be made (%s): %s", j->spec, j->oc.error);
		if (j->cls > C_LOST)
			continue;
		for (k = 0; k < x->nf; k++)
			if (t->calls[fs[k].j->call].site == site && fs[k].j->cls == j->cls && fs[k].j->sig == j->sig)
				break;
		if (k == x->nf)
			fs[x->nf++].j = j;
		if (fs[k].nerrs < EI_FINDING_MAX_ERRNOS) {
			fs[k].runs[fs[k].nerrs] = j->idx;
			fs[k].errs[fs[k].nerrs++] = j->err;
		}
	}
}

/* Every run made, in the words of the report (x->rr), before the
 * confirmations take x->jp. -1 when out of memory. */
static int list_runs(struct exploration *x)
{
	const struct ei_trace *t = &x->t;

	if (!(x->rr = calloc((size_t)x->nrun + 1, sizeof(*x->rr))))
		return -1;
	for (int i = 0; i < x->nrun; i++) {
		const struct job *j = x->jp[i];
		const struct ei_call *c = &t->calls[j->call];
		struct ei_rrun *r = &x->rr[i];
		r->run = j->idx;
		r->cls = (int)j->cls;
		if (j->cls == C_ERROR)
			snprintf(r->status, sizeof(r->status), "not made: %.50s", j->oc.error);
		else
			status_text(r->status, sizeof(r->status), j->oc.status, j->oc.timed_out);
		r->syscall = ei_syscall_name(c->nr);
		r->err = ei_errno_name(j->err);
		r->process = t->lineage[c->proc];
		r->when = c->n;
		r->errtail = j->errtail;
	}
	return 0;
}

/* Each finding's reproduction line run as printed, before the report
 * gives it: a finding whose line does not give its class (and signal)
 * is marked flaky. Then the findings in the words of the report (x->rf).
 * -1 when stopped by a signal, -2 when out of memory. */
static int confirm_findings(struct exploration *x)
{
	struct finding *fs = x->fs;
	struct phase ph = { .what = "confirmation", .found = "recurred", .expect = x->t.seconds };

	for (int i = 0; i < x->nf; i++) {
		fs[i].confirm.call = fs[i].j->call;
		fs[i].confirm.err = fs[i].j->err;
		memcpy(fs[i].confirm.spec, fs[i].j->spec, sizeof(fs[i].confirm.spec));
		fs[i].confirm.picked = fs[i].j->picked;
		fs[i].confirm.line = true;
		fs[i].confirm.persist = fs[i].j->persist;
		fs[i].confirm.pathed = fs[i].j->pathed;
		fs[i].confirm.when = fs[i].j->when;
		x->jp[i] = &fs[i].confirm;
	}
	if (run_jobs(x->o, x->jp, x->nf, &x->t, x->ref_hash, &ph))
		return -1;
	if (!(x->rf = calloc((size_t)x->nf + 1, sizeof(*x->rf))))
		return -2;
	for (int i = 0; i < x->nf; i++) {
		fs[i].flaky = fs[i].confirm.cls != fs[i].j->cls || fs[i].confirm.sig != fs[i].j->sig;
		rfinding(x->o, &x->t, &fs[i], &x->rf[i]);
	}
	return 0;
}

/* The report's header: the exploration, its reference run and its plan. */
static void report_head(const struct exploration *x, int shard, int nshards, struct ei_rhead *h)
{
	const struct ei_explore_opts *o = x->o;
	const struct ei_trace *t = &x->t;

	h->cmd = o->cmd;
	h->set = o->set_text;
	h->by = o->by_call ? "call" : "site";
	h->backend = o->backend == EI_BACKEND_AUTO ? "auto" : ei_backend_name(o->backend);
	h->seed = o->seed;
	h->timeout = o->timeout;
	h->max_runs = o->max_runs;
	h->ref_exit = WIFEXITED(t->status) ? WEXITSTATUS(t->status) : -1;
	h->ref_signal = WIFSIGNALED(t->status) ? ei_signal_name(WTERMSIG(t->status)) : NULL;
	h->calls = t->ncalls;
	h->sites = t->nsites;
	h->procs = t->nprocs;
	h->ref_seconds = t->seconds;
	snprintf(h->stdout_hash, sizeof(h->stdout_hash), "%016llx", (unsigned long long)x->ref_hash);
	snprintf(h->stderr_hash, sizeof(h->stderr_hash), "%016llx", (unsigned long long)fnv(t->errout, t->errlen));
	h->stable = x->stable;
	h->planned = x->njobs;
	snprintf(h->plan, sizeof(h->plan), "%016llx", (unsigned long long)x->plan);
	h->shard = shard;
	h->nshards = nshards;
	h->runs = x->runs;
	h->nruns = x->nrun;
	h->shared_runs = x->shared_runs;
	h->path_runs = x->path_runs;
	h->seconds = x->seconds;
	h->runs_seconds = x->runs_seconds;
	h->rruns = x->rr;
	h->nrruns = x->nrun;
	h->verbose = o->verbose;
	memcpy(h->counts, x->counts, sizeof(x->counts));
	h->loader_sites = x->loader_sites;
	h->export = &o->export;
}

/* This shard's runs, their findings confirmed and reported. 0 or 3 as
 * ei_explore, -1 when stopped by a signal, -2 when out of memory. */
/* A path the reference made with a name of its own (a temporary file's
 * random one) is another in each run, so a persistent fault's path= rule
 * may fail nothing: such a run is made again with the syscall's rule
 * (when=N+, every later call of the syscall, as a full disk fails them). */
static int unpath_unreached(struct exploration *x)
{
	struct phase ph = { .what = "run", .found = "with a finding", .expect = x->t.seconds };
	struct job **again = calloc((size_t)x->nrun + 1, sizeof(*again));
	int n = 0, ret;

	if (!again)
		return -1;
	for (int i = 0; i < x->nrun; i++) {
		struct job *j = x->jp[i];

		if (j->pathed && j->cls == C_UNREACHED) {
			j->unpathed = true;
			make_spec(&x->t, &x->t.calls[j->call], j->err, j->persist, j);
			again[n++] = j;
		}
	}
	ret = n ? run_jobs(x->o, again, n, &x->t, x->ref_hash, &ph) : 0;
	free(again);
	return ret;
}

static int explore_runs(struct exploration *x, int shard, int nshards)
{
	struct ei_rhead h = { 0 };
	struct phase ph = { .what = "run", .found = "with a finding", .expect = x->t.seconds };
	double t0;
	int r, ret = 0;

	t0 = now();
	if (run_jobs(x->o, x->jp, x->nrun, &x->t, x->ref_hash, &ph) || unpath_unreached(x))
		return -1;
	x->runs_seconds = now() - t0;
	group_runs(x);
	if (list_runs(x))
		return -2;
	if ((r = confirm_findings(x)))
		return r;
	/* The headline's time is the whole exploration's, as a user waits
	 * it: the reference and control runs, the runs, the confirmations. */
	x->seconds = now() - x->started;
	report_head(x, shard, nshards, &h);
	for (int i = 0; i < x->nf; i++)
		x->rf[i].suppressed = ei_suppressed_by(x->o->suppress, &x->rf[i]);
	ei_report(x->o->out, x->o->json, &h, x->rf, x->nf);
	for (int i = 0; i < x->nf; i++)
		ret = x->rf[i].flaky || x->rf[i].suppressed ? ret : 3;
	return ret;
}

/* A reference that did not exit 0 is explored, each run compared with
 * it (cmp, diff and grep exit 1 by design), but said: a typo in the
 * command would otherwise be explored silently. */
static void warn_reference(const struct ei_trace *t)
{
	char st[64], *last;

	if (WIFEXITED(t->status) && !WEXITSTATUS(t->status))
		return;
	status_text(st, sizeof(st), t->status, false);
	last = t->errout ? tail(t->errout, t->errlen, 1) : NULL;
	if (last && *last)
		ei_msg("warning: the reference run ended with %s (its stderr: %s); every run is compared with it", st,
		       last);
	else
		ei_msg("warning: the reference run ended with %s; every run is compared with it", st);
	free(last);
}

static void free_exploration(struct exploration *x)
{
	for (int i = 0; x->jobs && i < x->njobs; i++) {
		free(x->jobs[i].errtail);
		free(x->jobs[i].lost_output);
	}
	for (int i = 0; x->fs && i < x->nf; i++) {
		free(x->fs[i].confirm.errtail);
		free(x->fs[i].confirm.lost_output);
	}
	free(x->control.lost_output);
	for (int i = 0; x->rf && i < x->nf; i++)
		free((char *)x->rf[i].repro);
	free(x->control.errtail);
	free(x->c_ctl.lost_output);
	free(x->c_ctl.errtail);
	c_control = NULL;
	free(x->jobs);
	free(x->jp);
	free(x->fs);
	free(x->rf);
	free(x->rr);
	free(x->runs);
	ei_trace_free(&x->t);
}

int ei_explore(const struct ei_explore_opts *o)
{
	struct exploration x = { .o = o, .control = { .call = -1 } };
	int shard = o->nshards ? o->shard : 1, nshards = o->nshards ? o->nshards : 1, ret;
	struct sigaction sa = { .sa_handler = on_stop }, old_int, old_term, old_hup;
	char err[512];

	x.started = now();
	if (ei_trace_run(o->cmd, &o->set, o->stdin_path, &x.t, err, sizeof(err))) {
		ei_msg("reference run: %s", err);
		return EI_EXIT_FAIL;
	}
	warn_reference(&x.t);
	if (x.t.unwind_failed)
		ei_msg("warning: some call stacks could not be unwound");
	x.ref_hash = fnv(x.t.out, x.t.outlen);
	ei_outputs_reference(&x.t.outputs);
	x.njobs = plan_runs(o, &x.t, &x.jobs, &x.loader_sites);
	if (x.njobs >= 0)
		x.plan = plan_hash(x.jobs, x.njobs);
	if (x.njobs < 0 || take_shard(&x, shard, nshards)) {
		ei_msg("out of memory");
		free_exploration(&x);
		return EI_EXIT_FAIL;
	}
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	shared = open_shared(o, &x.t, x.jp, x.nrun);
	ret = shared ? 0 : seccomp_specs(&x);
	if (!ret)
		ret = control_run(&x);
	if (!ret)
		ret = locale_control(&x);
	if (!ret)
		ret = explore_runs(&x, shard, nshards);
	if (ret == -1) {
		ei_msg("stopped by %s", ei_signal_name(stopping) ? ei_signal_name(stopping) : "a signal");
		ret = 128 + stopping;
	} else if (ret == -2) {
		ei_msg("out of memory");
		ret = EI_EXIT_FAIL;
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	ei_session_close(shared);
	shared = NULL;
	/* The files as explore found them. */
	if (ei_outputs_restore(&x.t.outputs, err, sizeof(err)))
		ei_msg("%s", err);
	free_exploration(&x);
	return ret;
}
