// SPDX-License-Identifier: GPL-2.0
/*
 * fidelity OUTDIR MODE [ARGS]: the programs of the fidelity test
 * (tests/host/fidelity.sh), which runs each natively, under strace and
 * under errinj with a rule that never fires, and compares what they saw.
 * Each process writes what it observes, one fact a line, to OUTDIR/r/ROLE
 * (through writev, which the test's rule does not trap, on a descriptor
 * opened at its start): results of calls (errno names from glibc), the
 * signal state it started with, its parentage said relatively ("the
 * reaper", "the shell"), the signals it received and from whom, never a
 * pid or a time, so that the same behaviour gives the same text. The
 * handshakes with the test go through FIFOs in OUTDIR, never through
 * sleeps. MODEs:
 *   reaper CMD...     a child subreaper in a new session: runs CMD, reaps
 *                     everything until no child is left, says how CMD
 *                     ended and what else it reaped; OUTDIR/child holds
 *                     CMD's pid, OUTDIR/child-exited appears when it ends
 *   gen ROLE N SHPID  prints 1..N (a round of calls every 50 lines)
 *   filter ROLE K SHPID  passes the lines of stdin divisible by K
 *   sum ROLE SHPID    prints the count and sum of the lines of stdin
 *   daemon            forks, the child calls setsid and forks the daemon,
 *                     then exits; the daemon makes 100 rounds of calls,
 *                     starts a thread making a round every 10 ms, says
 *                     "ready" into OUTDIR/ready, waits for a line in
 *                     OUTDIR/go, joins the thread, makes 100 rounds again
 *   timer             a 500 us SIGALRM interval timer, the handler
 *                     without SA_RESTART; rounds of calls on a regular
 *                     file until 200 alarms or 20000 rounds
 *   threads N M       N threads released together, M rounds each, joined
 *   orphan            forks a child and exits; the child waits for its
 *                     parent's end, then says who its parent is
 *   sigwait SIG R count|senders  blocks SIG; R rounds of: "ready PGID"
 *                     into OUTDIR/ready, SIG awaited (60 s at most), then
 *                     100 ms more; says how many times it came in all
 *                     (count) and from whom
 * A round is openat of /proc/self/exe, read of a byte, dup, two closes.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "progs.h"

static const char *outdir;
static int rep = -1;

/* One line to the report, in one writev. */
__attribute__((format(printf, 1, 2))) static void say(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	struct iovec iov;

	va_start(ap, fmt);
	iov.iov_len = (size_t)vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (iov.iov_len >= sizeof(buf) - 1)
		iov.iov_len = sizeof(buf) - 2;
	buf[iov.iov_len++] = '\n';
	iov.iov_base = buf;
	if (writev(rep, &iov, 1) < 0)
		_exit(3);
}

static void die(const char *what)
{
	fprintf(stderr, "fidelity: %s: %s\n", what, strerror(errno));
	exit(3);
}

/* The report of this process: OUTDIR/r/ROLE (a forked process opens its
 * own, after closing the one it inherited). */
static void report_as(const char *role)
{
	char path[4096];

	if (rep >= 0)
		close(rep);
	snprintf(path, sizeof(path), "%s/r/%s", outdir, role);
	rep = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (rep < 0)
		die(path);
}

static const char *signame(int sig)
{
	static char buf[16];
	const char *n = sigabbrev_np(sig);

	if (n && sig < SIGRTMIN)
		return n;
	snprintf(buf, sizeof(buf), "%d", sig);
	return buf;
}

/* The comm of a process, or "gone". */
static const char *comm_of(pid_t pid)
{
	static char buf[64];
	char path[64];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return "gone";
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return "gone";
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

static pid_t env_pid(const char *name)
{
	const char *v = getenv(name);

	return v ? (pid_t)atoi(v) : 0;
}

/* Who PID is, relative to what the test set up. */
static const char *who(pid_t pid)
{
	static char buf[96];

	if (pid == env_pid("FID_REAPER"))
		return "the reaper";
	if (pid == 1)
		return "init";
	snprintf(buf, sizeof(buf), "another process (%s)", comm_of(pid));
	return buf;
}

/* What a process starts with that a tool in between could change: its
 * signal mask and ignored signals, its descriptors, its descriptor
 * limit, no_new_privs and seccomp mode, its group and session. */
static void start_state(void)
{
	char line[900], path[64];
	sigset_t mask;
	struct rlimit rl;
	DIR *d;
	struct dirent *e;
	FILE *f;
	int len;

	sigprocmask(SIG_SETMASK, NULL, &mask);
	len = snprintf(line, sizeof(line), "blocked:");
	for (int s = 1; s < NSIG; s++)
		if (sigismember(&mask, s) == 1)
			len += snprintf(line + len, sizeof(line) - (size_t)len, " %s", signame(s));
	say("%s", line);
	len = snprintf(line, sizeof(line), "ignored:");
	for (int s = 1; s < NSIG; s++) {
		struct sigaction sa;
		if (!sigaction(s, NULL, &sa) && sa.sa_handler == SIG_IGN)
			len += snprintf(line + len, sizeof(line) - (size_t)len, " %s", signame(s));
	}
	say("%s", line);
	/* Descriptor numbers in order, less the report's and the listing's. */
	d = opendir("/proc/self/fd");
	if (!d)
		die("/proc/self/fd");
	int fds[256], n = 0;
	while ((e = readdir(d)) && n < 256) {
		int fd = atoi(e->d_name);
		if (e->d_name[0] != '.' && fd != dirfd(d) && fd != rep)
			fds[n++] = fd;
	}
	closedir(d);
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && fds[j - 1] > fds[j]; j--) {
			int t = fds[j];
			fds[j] = fds[j - 1];
			fds[j - 1] = t;
		}
	len = snprintf(line, sizeof(line), "fds:");
	for (int i = 0; i < n; i++)
		len += snprintf(line + len, sizeof(line) - (size_t)len, " %d", fds[i]);
	say("%s", line);
	getrlimit(RLIMIT_NOFILE, &rl);
	say("nofile: soft %llu hard %llu", (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max);
	say("no_new_privs: %d", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	snprintf(path, sizeof(path), "/proc/%d/status", (int)getpid());
	f = fopen(path, "re");
	if (!f)
		die(path);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "Seccomp:", 8))
			say("seccomp mode:%.*s", (int)strcspn(line + 8, "\n"), line + 8);
	fclose(f);
	say("group: %s", getpgrp() == getpid()		   ? "leader"
			 : getpgrp() == getpgid(getppid()) ? "the parent's"
							   : "another");
	say("session: %s", getsid(0) == getpid() ? "leader" : getsid(0) == getsid(getppid()) ? "the parent's" : "another");
}

/* ---- rounds of calls, and what failed ---- */

enum { C_OPENAT, C_READ, C_DUP, C_CLOSE, NCALLS };
static const char *const call_names[NCALLS] = { "openat", "read", "dup", "close" };

struct tally {
	long calls[NCALLS];
	/* Failures per call and errno; one errno is enough to tell. */
	long failed[NCALLS][134];
};

static void count(struct tally *t, int c, long r, int e)
{
	t->calls[c]++;
	if (r < 0)
		t->failed[c][e > 0 && e < 134 ? e : 0]++;
}

static void round_of_calls(struct tally *t)
{
	char c;
	long r;
	int fd, d;

	fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	count(t, C_OPENAT, fd, errno);
	if (fd < 0)
		return;
	r = read(fd, &c, 1);
	count(t, C_READ, r, errno);
	d = dup(fd);
	count(t, C_DUP, d, errno);
	if (d >= 0) {
		r = close(d);
		count(t, C_CLOSE, r, errno);
	}
	r = close(fd);
	count(t, C_CLOSE, r, errno);
}

static void add(struct tally *to, const struct tally *t)
{
	for (int c = 0; c < NCALLS; c++) {
		to->calls[c] += t->calls[c];
		for (int e = 0; e < 134; e++)
			to->failed[c][e] += t->failed[c][e];
	}
}

/* "WHAT openat: N calls, failed: none" (or "EINTR 37 ENOSYS 2"); without
 * the number of calls where it depends on time (calls=0). */
static void say_tally(const char *what, const struct tally *t, int with_calls)
{
	for (int c = 0; c < NCALLS; c++) {
		char line[600];
		int len = 0;
		for (int e = 0; e < 134; e++)
			if (t->failed[c][e])
				len += snprintf(line + len, sizeof(line) - (size_t)len, " %s %ld",
						e ? ename(e) : "other", t->failed[c][e]);
		if (with_calls)
			say("%s %s: %ld calls, failed:%s", what, call_names[c], t->calls[c], len ? line : " none");
		else
			say("%s %s failed:%s", what, call_names[c], len ? line : " none");
	}
}

/* ---- reaper ---- */

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static void status_text(char *buf, size_t len, int st)
{
	if (WIFEXITED(st))
		snprintf(buf, len, "exit %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, len, "killed by SIG%s", signame(WTERMSIG(st)));
	else
		snprintf(buf, len, "status %#x", st);
}

static int reaper(char **cmd)
{
	char path[4096], buf[64], line[900];
	int others[256], nothers = 0, st, fd, len;
	pid_t child, w;

	report_as("reaper");
	if (prctl(PR_SET_CHILD_SUBREAPER, 1))
		die("PR_SET_CHILD_SUBREAPER");
	if (setsid() < 0)
		die("setsid");
	/* The test signals the whole group (kill -INT -- -PGID): the
	 * reaper must live on to say what happened. */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	snprintf(buf, sizeof(buf), "%d", (int)getpid());
	setenv("FID_REAPER", buf, 1);
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		/* The command starts with every signal at its default (the
		 * test's shell runs it with SIGINT and SIGQUIT ignored). */
		for (int s = 1; s < NSIG; s++) {
			struct sigaction sa;
			if (!sigaction(s, NULL, &sa) && sa.sa_handler == SIG_IGN)
				signal(s, SIG_DFL);
		}
		close(rep);
		execvp(cmd[0], cmd);
		die(cmd[0]);
	}
	/* Whole or absent: written aside, then renamed. */
	char tmp[4200];
	snprintf(path, sizeof(path), "%s/child", outdir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || dprintf(fd, "%d\n", (int)child) < 0 || close(fd) || rename(tmp, path))
		die(path);
	while ((w = wait(&st)) > 0) {
		if (w == child) {
			status_text(buf, sizeof(buf), st);
			say("command: %s", buf);
			snprintf(path, sizeof(path), "%s/child-exited", outdir);
			fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
			if (fd < 0)
				die(path);
			close(fd);
		} else if (nothers < 256) {
			others[nothers++] = st;
		}
	}
	/* Orphans in no set order: their statuses sorted. */
	qsort(others, (size_t)nothers, sizeof(int), cmp_int);
	len = snprintf(line, sizeof(line), "orphans reaped: %d", nothers);
	for (int i = 0; i < nothers && len < (int)sizeof(line) - 64; i++) {
		status_text(buf, sizeof(buf), others[i]);
		len += snprintf(line + len, sizeof(line) - (size_t)len, "%s%s", i ? ", " : " (", buf);
	}
	say("%s%s", line, nothers ? ")" : "");
	return 0;
}

/* ---- pipeline stages ---- */

static void stage_start(const char *role, const char *shell)
{
	report_as(role);
	start_state();
	say("parent: %s", getppid() == (pid_t)atoi(shell) ? "the shell" : who(getppid()));
}

static int gen(const char *role, long n, const char *shell)
{
	struct tally t = { 0 };

	stage_start(role, shell);
	for (long i = 1; i <= n; i++) {
		printf("%ld\n", i);
		if (i % 50 == 0)
			round_of_calls(&t);
	}
	if (fflush(stdout))
		say("stdout: %s", ename(errno));
	say_tally(role, &t, 1);
	return 0;
}

static int filter(const char *role, long k, const char *shell)
{
	struct tally t = { 0 };
	char line[64];
	long i = 0;

	stage_start(role, shell);
	while (fgets(line, sizeof(line), stdin)) {
		if (atol(line) % k == 0)
			fputs(line, stdout);
		if (++i % 50 == 0)
			round_of_calls(&t);
	}
	if (fflush(stdout))
		say("stdout: %s", ename(errno));
	say("lines in: %ld", i);
	say_tally(role, &t, 1);
	return 0;
}

static int sum(const char *role, const char *shell)
{
	char line[64];
	long n = 0, s = 0;

	stage_start(role, shell);
	while (fgets(line, sizeof(line), stdin)) {
		n++;
		s += atol(line);
	}
	printf("count %ld sum %ld\n", n, s);
	return 0;
}

/* ---- daemon and orphan ---- */

/* Until the process of PIDFD has ended (its children are reparented by
 * then): bounded, 60 s. */
static void wait_gone(int pidfd, const char *what)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	if (poll(&p, 1, 60000) != 1)
		say("%s: still there after 60 s", what);
	close(pidfd);
}

static int pidfd_self(void)
{
	int fd = (int)syscall(SYS_pidfd_open, getpid(), 0);

	if (fd < 0)
		die("pidfd_open");
	return fd;
}

/* Writes LINE into the FIFO OUTDIR/NAME (blocks until the test reads). */
static void tell(const char *name, const char *line)
{
	char path[4096];
	struct iovec iov = { .iov_base = (void *)line, .iov_len = strlen(line) };
	int fd;

	snprintf(path, sizeof(path), "%s/%s", outdir, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || writev(fd, &iov, 1) < 0)
		say("%s: %s", name, ename(errno));
	if (fd >= 0)
		close(fd);
}

static volatile int released;
static struct tally t_busy;

/* Rounds of calls, one every 10 ms, until released (faster, they kept
 * strace and the test's shell from running under the VM's emulation). */
static void *busy(void *arg)
{
	struct timespec ms = { 0, 10000000 };

	(void)arg;
	while (!released) {
		round_of_calls(&t_busy);
		clock_nanosleep(CLOCK_MONOTONIC, 0, &ms, NULL);
	}
	return NULL;
}

static int daemon_mode(void)
{
	struct tally t1 = { 0 }, t2 = { 0 };
	char path[4096];
	pid_t mid;
	int st, self, go;

	report_as("cmd");
	start_state();
	self = pidfd_self();
	mid = fork();
	if (mid < 0)
		die("fork");
	if (mid == 0) {
		/* The middle process: a new session, the daemon, gone. */
		close(self);
		self = pidfd_self();
		if (setsid() < 0)
			_exit(4);
		pid_t d = fork();
		if (d < 0)
			_exit(5);
		if (d > 0)
			_exit(0);
		/* The daemon. */
		report_as("daemon");
		wait_gone(self, "the middle process");
		say("parent: %s", who(getppid()));
		say("session: %s", getsid(0) == getsid(env_pid("FID_REAPER")) ? "the reaper's" : "a new one");
		snprintf(path, sizeof(path), "%s/go", outdir);
		go = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (go < 0)
			die(path);
		for (int i = 0; i < 100; i++)
			round_of_calls(&t1);
		say_tally("before", &t1, 1);
		/* Calls go on in a thread while the test does what it does
		 * (kills the tool, say), until released. */
		pthread_t th;
		if (pthread_create(&th, NULL, busy, NULL))
			die("pthread_create");
		tell("ready", "ready\n");
		/* Released by a line in OUTDIR/go (poll, which the rule does
		 * not trap). */
		struct pollfd p = { .fd = go, .events = POLLIN };
		int r = poll(&p, 1, 120000);
		say("released: %s", r == 1 ? "yes" : r == 0 ? "no, 120 s passed" : ename(errno));
		released = 1;
		pthread_join(th, NULL);
		say_tally("during", &t_busy, 0);
		for (int i = 0; i < 100; i++)
			round_of_calls(&t2);
		say_tally("after", &t2, 1);
		return 0;
	}
	close(self);
	if (waitpid(mid, &st, 0) != mid)
		die("waitpid");
	status_text(path, sizeof(path), st);
	say("middle process: %s", path);
	return 0;
}

static int orphan(void)
{
	struct tally t = { 0 };
	pid_t c;
	int self;

	report_as("cmd");
	start_state();
	self = pidfd_self();
	c = fork();
	if (c < 0)
		die("fork");
	if (c > 0)
		return 0;
	report_as("orphan");
	wait_gone(self, "the parent");
	say("parent: %s", who(getppid()));
	for (int i = 0; i < 100; i++)
		round_of_calls(&t);
	say_tally("orphan", &t, 1);
	return 0;
}

/* ---- timer ---- */

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

static int timer(void)
{
	struct sigaction sa = { .sa_handler = on_alarm }; /* no SA_RESTART */
	struct itimerval it = { { 0, 500 }, { 0, 500 } }, off = { 0 };
	struct tally t = { 0 };
	long rounds = 0;

	report_as("timer");
	start_state();
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL) || setitimer(ITIMER_REAL, &it, NULL))
		die("timer");
	while (alarms < 200 && rounds++ < 20000)
		round_of_calls(&t);
	setitimer(ITIMER_REAL, &off, NULL);
	say("alarms: %s", alarms ? "received" : "none");
	say_tally("timer", &t, 0);
	return 0;
}

/* ---- threads ---- */

static pthread_barrier_t barrier;
static long rounds_per_thread;

static void *thread_main(void *arg)
{
	struct tally *t = arg;

	pthread_barrier_wait(&barrier);
	for (long i = 0; i < rounds_per_thread; i++)
		round_of_calls(t);
	return NULL;
}

static int threads(int n, long m)
{
	static struct tally t[64], all;
	pthread_t th[64];
	int joined = 0;

	report_as("threads");
	start_state();
	if (n < 1 || n > 64)
		n = 64;
	rounds_per_thread = m;
	pthread_barrier_init(&barrier, NULL, (unsigned)n);
	for (int i = 0; i < n; i++)
		if (pthread_create(&th[i], NULL, thread_main, &t[i]))
			die("pthread_create");
	for (int i = 0; i < n; i++) {
		joined += !pthread_join(th[i], NULL);
		add(&all, &t[i]);
	}
	say("threads joined: %d of %d", joined, n);
	say_tally("threads", &all, 1);
	return 0;
}

/* ---- signals ---- */

static int sigwait_mode(const char *name, int rounds, const char *how)
{
	int sig = 0, n = 0, nsenders = 0, fd;
	char senders[8][64], line[900], path[4096];
	sigset_t set;
	siginfo_t si;
	int len;

	for (int s = 1; s < NSIG; s++)
		if (sigabbrev_np(s) && !strcmp(sigabbrev_np(s), name))
			sig = s;
	if (!sig) {
		fprintf(stderr, "fidelity: unknown signal %s\n", name);
		return 2;
	}
	report_as("sig");
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_BLOCK, &set, NULL);
	start_state();
	snprintf(path, sizeof(path), "%s/ready", outdir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		die(path);
	/* Each round: "ready PGID", then the signal (60 s at most), then
	 * any more within 100 ms; the next round's line only after that, so
	 * that natively each signal sent is taken before the next. */
	for (int r = 0; r < rounds; r++) {
		struct timespec to = { 60, 0 };
		char ready[64];
		struct iovec iov = { ready, (size_t)snprintf(ready, sizeof(ready), "ready %d\n", (int)getpgrp()) };
		if (writev(fd, &iov, 1) < 0)
			die("ready");
		while (sigtimedwait(&set, &si, &to) == sig) {
			const char *from = si.si_code == SI_KERNEL ? "the kernel" : comm_of(si.si_pid);
			int k;
			n++;
			for (k = 0; k < nsenders && strcmp(senders[k], from); k++)
				;
			if (k == nsenders && nsenders < 8)
				snprintf(senders[nsenders++], sizeof(senders[0]), "%s", from);
			to = (struct timespec){ 0, 100000000 };
		}
	}
	close(fd);
	if (!strcmp(how, "count"))
		say("SIG%s received: %d time%s in %d round%s", name, n, n == 1 ? "" : "s", rounds,
		    rounds == 1 ? "" : "s");
	len = snprintf(line, sizeof(line), "SIG%s from:", name);
	for (int k = 0; k < nsenders; k++)
		len += snprintf(line + len, sizeof(line) - (size_t)len, " %s", senders[k]);
	say("%s%s", line, nsenders ? "" : " nobody");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: fidelity OUTDIR MODE [ARGS...]\n");
		return 2;
	}
	outdir = argv[1];
	const char *m = argv[2];
	if (!strcmp(m, "reaper") && argc > 3)
		return reaper(argv + 3);
	if (!strcmp(m, "gen") && argc == 6)
		return gen(argv[3], atol(argv[4]), argv[5]);
	if (!strcmp(m, "filter") && argc == 6)
		return filter(argv[3], atol(argv[4]), argv[5]);
	if (!strcmp(m, "sum") && argc == 5)
		return sum(argv[3], argv[4]);
	if (!strcmp(m, "daemon"))
		return daemon_mode();
	if (!strcmp(m, "orphan"))
		return orphan();
	if (!strcmp(m, "timer"))
		return timer();
	if (!strcmp(m, "threads") && argc == 5)
		return threads(atoi(argv[3]), atol(argv[4]));
	if (!strcmp(m, "sigwait") && argc == 6)
		return sigwait_mode(argv[3], atoi(argv[4]), argv[5]);
	fprintf(stderr, "fidelity: unknown mode or arguments: %s\n", m);
	return 2;
}
