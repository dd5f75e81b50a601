// SPDX-License-Identifier: GPL-2.0
/*
 * The seccomp backend (lib/seccomp/supervisor.c) end to end: this test is the
 * supervisor, as errinj's engine would be (ei_sup_new, fork, ei_sup_child
 * and execvp in the child, ei_sup_start, then poll/ei_sup_handle until the
 * command is reaped and the listener hangs up), and the command is
 * build/tests/seccomp_target, which prints what its calls returned.
 * No privilege is needed: tests/host/seccomp_backend.sh runs this again
 * as nobody.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <dirent.h>
#include <fnmatch.h>
#include <libgen.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "engine/engine.h"
#include "seccomp/seccomp.h"
#include "test.h"

#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#else
#define RUNNING_ON_VALGRIND 0
#endif

static char target[PATH_MAX];

struct opts {
	bool follow;
	const char *argv0;   /* instead of the target's full path: found through PATH */
	const char *path;    /* PATH for execvp */
	int kill_when_seen;  /* SIGKILL the command once the supervisor has this
			      * syscall's call (0: never) */
	bool free_at_wait0;  /* ei_sup_free once the supervisor has let the command's
			      * wait0 (readv of fd 0) run, then release it */
	void (*tweak)(struct ei_spec *specs, int n); /* rules changed before encoding */
	__u64 wait_on_fd;    /* until the supervisor has seen this many getppid, wait
			      * on ei_sup_fd for up to 10 s (not 5 ms), as errinj's
			      * loop waits on it (its exit is not waited for so: the
			      * pidfd may say it before waitpid can reap it) */
};

struct result {
	int start_rc;
	char err[512];
	int exec_errno;
	int status;          /* wait status; -1: not reaped */
	char out[16384];
	struct ei_event ev[64];
	int nev;
	struct ei_stat st[EI_NR_SYSCALLS];
	__u64 undecided;
	__u64 hits[EI_MAX_RULES];
	long long elapsed_ms;
	int fds_before;      /* the supervisor's open descriptors before the session */
	int fds_at_getuid;   /* and when it decided the command's first getuid */
	__u64 t0, t1;        /* CLOCK_MONOTONIC around the run */
	__u64 first_event;   /* when the first event came */
};

static struct result R, R2;
static struct ei_spec specs[EI_MAX_RULES];

static __u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static int on_event(const struct ei_event *e, void *ctx)
{
	struct result *r = ctx;

	if (!r->nev)
		r->first_event = mono_ns();
	if (r->nev < (int)(sizeof(r->ev) / sizeof(r->ev[0])))
		r->ev[r->nev++] = *e;
	if (e->nr == SYS_getuid && !r->fds_at_getuid)
		r->fds_at_getuid = count_fds();
	return 0;
}

/* Runs the target with ops under the rules; false (and an assertion
 * failure) if the session itself could not run. */
static bool session(const char *const *rules, const char *const *ops, const struct opts *o, struct result *r)
{
	static const struct opts none;
	struct ei_rule enc[EI_MAX_RULES];
	struct ei_sysset trap = { 0 };
	char *argv[64];
	int n = 0, na = 0, rep[2], hs[2] = { -1, -1 }, outfd, devnull, st;
	struct ei_sup *s;
	pid_t pid;
	bool reaped = false, killed = false;
	__u64 deadline;

	if (!o)
		o = &none;
	memset(r, 0, sizeof(*r));
	r->status = -1;
	r->fds_before = count_fds();
	for (; rules[n]; n++)
		if (!ASSERT(ei_spec_parse(rules[n], &specs[n], r->err, sizeof(r->err)) == 0, "'%s': %s", rules[n],
			    r->err))
			return false;
	if (o->tweak)
		o->tweak(specs, n);
	for (int i = 0; i < n; i++) {
		ei_rule_encode(&specs[i], &enc[i]);
		ei_sysset_or(&trap, &enc[i].syscalls);
	}
	struct ei_sup_options so = { .rules = enc, .specs = specs, .nrules = n, .trap = &trap, .follow = o->follow,
				     .rule_hits = r->hits, .fn = on_event, .ctx = r };
	s = ei_sup_new(&so, r->err, sizeof(r->err));
	if (!ASSERT(s, "ei_sup_new: %s", r->err))
		return false;
	argv[na++] = (char *)(o->argv0 ? o->argv0 : target);
	for (int i = 0; ops[i] && na < 63; i++)
		argv[na++] = (char *)ops[i];
	argv[na] = NULL;
	outfd = ei_capture_fd("out");
	devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (!ASSERT(outfd >= 0 && devnull >= 0 && !pipe2(rep, O_CLOEXEC), "memfd, /dev/null, pipe") ||
	    (o->free_at_wait0 && !ASSERT(!pipe2(hs, O_CLOEXEC), "handshake pipe"))) {
		ei_sup_free(s);
		return false;
	}
	r->t0 = mono_ns();
	pid = fork();
	if (pid == 0) {
		int e;
		dup2(o->free_at_wait0 ? hs[0] : devnull, 0);
		dup2(outfd, 1);
		if (o->path)
			setenv("PATH", o->path, 1);
		e = -ei_sup_child(s);
		if (!e) {
			execvp(argv[0], argv);
			e = errno;
		}
		/* A write(2), which a rule may trap: answered in the window. */
		if (write(rep[1], &e, sizeof(e)) != sizeof(e))
			_exit(125);
		_exit(127);
	}
	close(rep[1]);
	close(devnull);
	if (hs[0] >= 0)
		close(hs[0]);
	if (!ASSERT(pid > 0, "fork")) {
		close(rep[0]);
		close(outfd);
		ei_sup_free(s);
		return false;
	}
	r->start_rc = ei_sup_start(s, pid, rep[0], &r->exec_errno, r->err, sizeof(r->err));
	close(rep[0]);
	if (r->start_rc) {
		kill(pid, SIGKILL);
		waitpid(pid, &r->status, 0);
		close(outfd);
		ei_sup_free(s);
		return ASSERT(0, "ei_sup_start: %s", r->err);
	}
	/* Serve until the command is reaped and nothing holds the filter. */
	deadline = mono_ns() + 60000000000ULL;
	for (;;) {
		__u64 now = mono_ns();
		if (!reaped && waitpid(pid, &st, WNOHANG) == pid) {
			reaped = true;
			r->status = st;
		}
		if (reaped && !ei_sup_alive(s))
			break;
		struct ei_stat w = { 0 };
		if (o->free_at_wait0 && !ei_sup_stat(s, SYS_readv, &w) && w.seen) {
			/* The command is in its readv, let run: no supervisor
			 * from here on, then the byte it waits for. */
			ei_sup_free(s);
			s = NULL;
			if (write(hs[1], "x", 1) != 1)
				ASSERT(0, "handshake write: %s", strerror(errno));
			if (!reaped)
				waitpid(pid, &r->status, 0);
			break;
		}
		struct ei_stat k = { 0 };
		if (o->kill_when_seen && !killed && !ei_sup_stat(s, o->kill_when_seen, &k) && k.seen) {
			kill(pid, SIGKILL);
			killed = true;
		}
		if (now > deadline) {
			ASSERT(0, "the session did not end within 60 s (reaped %d)", reaped);
			kill(pid, SIGKILL);
			if (!reaped)
				waitpid(pid, &r->status, 0);
			break;
		}
		struct ei_stat g = { 0 };
		bool strict = o->wait_on_fd && !ei_sup_stat(s, SYS_getppid, &g) && g.seen < o->wait_on_fd;
		int t = ei_sup_timeout_ms(s), cap = strict ? 10000 : 5;
		struct pollfd pf = { .fd = ei_sup_fd(s), .events = POLLIN };
		if (t < 0 || t > cap)
			t = cap;
		poll(&pf, 1, t);
		ei_sup_handle(s);
	}
	if (hs[1] >= 0)
		close(hs[1]);
	r->t1 = mono_ns();
	r->elapsed_ms = (long long)(r->t1 - r->t0) / 1000000;
	if (s) {
		for (int nr = 0; nr < EI_NR_SYSCALLS; nr++)
			ei_sup_stat(s, nr, &r->st[nr]);
		r->undecided = ei_sup_undecided(s);
		ei_sup_free(s);
	}
	ssize_t got = pread(outfd, r->out, sizeof(r->out) - 1, 0);
	r->out[got > 0 ? got : 0] = 0;
	close(outfd);
	return true;
}

#define RULES(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define OPS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static bool exited_ok(const struct result *r)
{
	return ASSERT(r->status >= 0 && WIFEXITED(r->status) && WEXITSTATUS(r->status) == 0,
		      "the command's wait status is %#x (output: %s)", r->status, r->out);
}

static void test_check(void)
{
	char err[256] = "";

	ASSERT(ei_sup_check(err, sizeof(err)) == 0, "ei_sup_check: %s", err);
}

/* A trapped call fails while an untrapped one (dup here) and a trapped
 * one the rule does not select run. */
static void test_error_and_untrapped(void)
{
	char want[256];

	if (!session(RULES("openat:error=ENOENT:path=/"), OPS("openat:/", "openat:/tmp", "getuid", "dup"), NULL, &R))
		return;
	snprintf(want, sizeof(want), "openat:/ = -1 ENOENT\nopenat:/tmp = 3\ngetuid = %d\ndup = 3\n", (int)getuid());
	exited_ok(&R);
	ASSERT_STR(R.out, want);
	ASSERT_EQ(R.st[SYS_openat].injected, 1);
	/* The dynamic loader's openat calls, and the target's two. */
	ASSERT(R.st[SYS_openat].seen >= 2, "openat seen %llu", (unsigned long long)R.st[SYS_openat].seen);
	ASSERT_EQ(R.st[SYS_dup].seen, 0);
	ASSERT_EQ(R.hits[0], 1);
}

static void test_retval(void)
{
	if (!session(RULES("dup:retval=7"), OPS("dup", "getuid"), NULL, &R))
		return;
	exited_ok(&R);
	ASSERT(!strncmp(R.out, "dup = 7\n", 8), "output: %s", R.out);
	ASSERT_EQ(R.st[SYS_dup].injected, 1);
	if (ASSERT_EQ(R.nev, 1)) {
		ASSERT_EQ(R.ev[0].result, 7);
		ASSERT_EQ(R.ev[0].path_len, -1); /* dup takes no path */
	}
}

/* signal= alone: the call runs, and the handler has run by the time it
 * returns (the signal was pending at the return, as the kernel side's). */
static void test_signal(void)
{
	char want[64];

	if (!session(RULES("dup:signal=SIGUSR1"), OPS("catch:SIGUSR1", "sigdup"), NULL, &R))
		return;
	exited_ok(&R);
	snprintf(want, sizeof(want), "sigdup = 3 caught=%d\n", SIGUSR1);
	ASSERT_STR(R.out, want);
	ASSERT_EQ(R.nev, 1);
	ASSERT_EQ(R.ev[0].signal, SIGUSR1);
}

/* A fatal signal with error=: the process dies of it, the call failed. */
static void test_signal_fatal(void)
{
	if (!session(RULES("dup:error=EIO:signal=SIGTERM"), OPS("dup", "getuid"), NULL, &R))
		return;
	ASSERT(R.status >= 0 && WIFSIGNALED(R.status) && WTERMSIG(R.status) == SIGTERM, "wait status %#x",
	       R.status);
	ASSERT_STR(R.out, "");
	/* signal= alone, the default action: the process dies of it before
	 * the call returns to it (nothing printed). */
	if (!session(RULES("dup:signal=SIGUSR1"), OPS("dup", "getuid"), NULL, &R))
		return;
	ASSERT(R.status >= 0 && WIFSIGNALED(R.status) && WTERMSIG(R.status) == SIGUSR1, "wait status %#x",
	       R.status);
	ASSERT_STR(R.out, "");
	ASSERT_EQ(R.nev, 1);
}

/* when= counts per process: a forked child counts from 1 again. */
static void test_when_per_process(void)
{
	const struct opts o = { .follow = true };

	if (!session(RULES("dup:error=EBADF:when=2..3"), OPS("repeat:4:dup", "fork:repeat:4:dup", "repeat:2:dup"), &o,
		     &R))
		return;
	exited_ok(&R);
	ASSERT_STR(R.out, "dup = 3\ndup = -1 EBADF\ndup = -1 EBADF\ndup = 3\n"
			  "dup = 3\ndup = -1 EBADF\ndup = -1 EBADF\ndup = 3\n"
			  "dup = 3\ndup = 3\n");
	ASSERT_EQ(R.st[SYS_dup].seen, 10);
	ASSERT_EQ(R.st[SYS_dup].injected, 4);
}

/* Threads are the process; a child is a target only with follow. */
static void test_follow(void)
{
	const struct opts o = { .follow = true };

	if (!session(RULES("dup:error=EIO"), OPS("dup", "fork:dup", "thread:dup"), &o, &R))
		return;
	exited_ok(&R);
	ASSERT_STR(R.out, "dup = -1 EIO\ndup = -1 EIO\ndup = -1 EIO\n");
	ASSERT_EQ(R.st[SYS_dup].seen, 3);
}

static void test_no_follow(void)
{
	if (!session(RULES("dup:error=EIO"), OPS("dup", "fork:dup", "thread:dup", "fork:repeat:3:dup"), NULL, &R))
		return;
	exited_ok(&R);
	ASSERT_STR(R.out, "dup = -1 EIO\ndup = 3\ndup = -1 EIO\ndup = 3\ndup = 3\ndup = 3\n");
	/* The child's calls are not the targets': not seen. */
	ASSERT_EQ(R.st[SYS_dup].seen, 2);
	ASSERT_EQ(R.st[SYS_dup].injected, 2);
}

static bool temp_file(char *name, size_t len, const char *text)
{
	int fd;

	snprintf(name, len, "/tmp/errinj-seccomp.XXXXXX");
	fd = mkstemp(name);
	if (!ASSERT(fd >= 0, "mkstemp: %s", strerror(errno)))
		return false;
	bool ok = write(fd, text, strlen(text) + 1) == (ssize_t)strlen(text) + 1;
	fchmod(fd, 0644);
	close(fd);
	return ASSERT(ok, "write %s", name);
}

/* path= reads the path from the target, even from a page it never
 * touched (a fresh private mapping of a file). */
static void test_path_untouched_page(void)
{
	char f1[64], f2[64], a1[80], a2[80];

	if (!temp_file(f1, sizeof(f1), "/nonexistent/seccomp-x") || !temp_file(f2, sizeof(f2), "/nonexistent/other"))
		return;
	snprintf(a1, sizeof(a1), "mmapopen:%s", f1);
	snprintf(a2, sizeof(a2), "mmapopen:%s", f2);
	if (session(RULES("openat:error=EACCES:path=/nonexistent/seccomp-*"), OPS(a1, a2), NULL, &R)) {
		exited_ok(&R);
		ASSERT_STR(R.out, "mmapopen = -1 EACCES\nmmapopen = -1 ENOENT\n");
		ASSERT_EQ(R.undecided, 0);
		if (ASSERT_EQ(R.nev, 1)) {
			ASSERT_STR(R.ev[0].path, "/nonexistent/seccomp-x");
			ASSERT_EQ(R.ev[0].path_len, strlen("/nonexistent/seccomp-x"));
		}
	}
	unlink(f1);
	unlink(f2);
}

/* path= globs as the kernel side: '*' any run of bytes, '/' included,
 * '?' one byte; fnmatch(3) without flags (and without '[' or '\\') is
 * the oracle. Every pattern starts with /n, so that the dynamic
 * loader's openat calls are not failed. */
static void test_path_glob(void)
{
	static const char *const pats[] = { "/nonexistent/*b*", "/nonexistent/*/x?z", "/n*t/a*b*c", "/nonexistent/???",
					    "/nonexistent*",    "/n*e*/*z",           "/n*/*/*/*",  "/nonexistent/a*a" };
	static const char *const paths[] = { "/nonexistent/xyz", "/nonexistent/a/b/xyz", "/nonexistent/abc",
					     "/nonexistent/aXbYc", "/nonexistent/acb", "/nonexistent/b",
					     "/nonexistent/xz", "/nonexistent/aaaa", "/nonexistent/a", "/nonexistent" };
	const int np = sizeof(paths) / sizeof(paths[0]);

	for (size_t i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
		char rule[160], ops[16][64], want[2048] = "";
		const char *opv[17];
		size_t o = 0;

		snprintf(rule, sizeof(rule), "openat:error=EACCES:path=%s", pats[i]);
		for (int k = 0; k < np; k++) {
			snprintf(ops[k], sizeof(ops[k]), "openat:%s", paths[k]);
			opv[k] = ops[k];
			o += (size_t)snprintf(want + o, sizeof(want) - o, "openat:%s = -1 %s\n", paths[k],
					      fnmatch(pats[i], paths[k], 0) ? "ENOENT" : "EACCES");
		}
		opv[np] = NULL;
		if (!session((const char *const[]){ rule, NULL }, opv, NULL, &R))
			return;
		exited_ok(&R);
		ASSERT(!strcmp(R.out, want), "path=%s: got\n%swant\n%s", pats[i], R.out, want);
	}
}

/* Calls made at once by many threads of a process, and by many
 * processes, each counted in its process. */
static void test_concurrent(void)
{
	const struct opts o = { .follow = true };
	int ok = 0, err = 0, lines = 0;

	if (!session(RULES("dup:error=EIO:when=2+2"), OPS("threads:8:countdup:100"), NULL, &R))
		return;
	exited_ok(&R);
	for (const char *p = R.out; (p = strstr(p, "countdup: ")); p++) {
		int a, b;
		if (sscanf(p, "countdup: ok=%d err=%d", &a, &b) == 2)
			ok += a, err += b, lines++;
	}
	ASSERT_EQ(lines, 8);
	ASSERT_EQ(ok, 400);
	ASSERT_EQ(err, 400);
	ASSERT_EQ(R.st[SYS_dup].seen, 800);
	if (!session(RULES("dup:error=EIO:when=2+2"), OPS("forks:8:countdup:20"), &o, &R))
		return;
	exited_ok(&R);
	ASSERT_STR(R.out, "countdup: ok=10 err=10\ncountdup: ok=10 err=10\ncountdup: ok=10 err=10\n"
			  "countdup: ok=10 err=10\ncountdup: ok=10 err=10\ncountdup: ok=10 err=10\n"
			  "countdup: ok=10 err=10\ncountdup: ok=10 err=10\n");
}

/* A path that ends just before an unmapped page reads (the remote side
 * is read page by page). */
static void test_path_before_hole(void)
{
	if (!session(RULES("openat:error=EACCES:path=/nonexistent/edge*"), OPS("edgepath:/nonexistent/edge", "edgepath:/x"),
		     NULL, &R))
		return;
	exited_ok(&R);
	ASSERT_STR(R.out, "edgepath = -1 EACCES\nedgepath = -1 ENOENT\n");
	ASSERT_EQ(R.undecided, 0);
}

/* An unreadable path: neither failed nor counted, but said. */
static void test_path_unreadable(void)
{
	if (!session(RULES("openat:error=EACCES:path=/x*:when=1"), OPS("badptr", "openat:/x"), NULL, &R))
		return;
	exited_ok(&R);
	/* The second is the first call the rule counts. */
	ASSERT_STR(R.out, "badptr = -1 EFAULT\nopenat:/x = -1 EACCES\n");
	ASSERT_EQ(R.undecided, 1);
}

/* The first EI_PATH_MAX - 1 bytes: a path that long is whole, a longer
 * one truncated, which only a pattern ending with '*' can match. */
static void test_path_truncated(void)
{
	if (session(RULES("openat:error=EACCES:path=/tmp/*a"), OPS("longpath:255", "longpath:256", "longpath:300"),
		    NULL, &R)) {
		exited_ok(&R);
		ASSERT_STR(R.out, "longpath:255 = -1 EACCES\nlongpath:256 = -1 ENOENT\nlongpath:300 = -1 ENAMETOOLONG\n");
	}
	if (session(RULES("openat:error=EACCES:path=/tmp/a*"), OPS("longpath:255", "longpath:256", "longpath:300"), NULL,
		    &R)) {
		exited_ok(&R);
		ASSERT_STR(R.out, "longpath:255 = -1 EACCES\nlongpath:256 = -1 EACCES\nlongpath:300 = -1 EACCES\n");
		if (ASSERT_EQ(R.nev, 3)) {
			ASSERT_EQ(R.ev[0].path_truncated, 0);
			ASSERT_EQ(R.ev[0].path_len, 255);
			ASSERT_EQ(R.ev[1].path_truncated, 1);
			ASSERT_EQ(R.ev[1].path_len, 255);
		}
	}
}

/* poke_enter= writes the caller's buffer before the call runs: the pipe
 * gets the poked bytes. */
static void test_poke(void)
{
	if (!session(RULES("write:poke_enter=@arg2=48454c4c4f"), OPS("poke"), NULL, &R))
		return;
	exited_ok(&R);
	ASSERT_STR(R.out, "poke: write = 5 buf=HELLO pipe=HELLO\n");
}

/* Into read-only memory (a string literal) too, through /proc/PID/mem as
 * strace's ptrace does; a poke that cannot be written (an unmapped
 * address) is said in the event, not claimed; an argument the syscall
 * does not take (getppid, brought in by a regular expression) is not
 * poked. */
static void test_poke_ro_and_failed(void)
{
	if (session(RULES("write:poke_enter=@arg2=48454c4c4f"), OPS("pokero"), NULL, &R)) {
		exited_ok(&R);
		ASSERT_STR(R.out, "pokero: write = 5 lit=HELLO pipe=HELLO\n");
		if (ASSERT_EQ(R.nev, 1))
			ASSERT_EQ(R.ev[0].actions, EI_ACT_POKE);
	}
	if (session(RULES("write:poke_enter=@arg2=48454c4c4f"), OPS("pokefault"), NULL, &R)) {
		exited_ok(&R);
		ASSERT_STR(R.out, "pokefault: write = -14\n");
		if (ASSERT_EQ(R.nev, 1))
			ASSERT_EQ(R.ev[0].actions, EI_ACT_POKE | EI_ACT_POKE_FAILED);
	}
	if (session(RULES("/^(getppid|write)$:poke_enter=@arg2=48454c4c4f"), OPS("getppid", "poke"), NULL, &R)) {
		exited_ok(&R);
		ASSERT(strstr(R.out, "poke: write = 5 buf=HELLO pipe=HELLO\n") != NULL, "output: %s", R.out);
		ASSERT_EQ(R.nev, 2);
		for (int i = 0; i < R.nev; i++)
			ASSERT(R.ev[i].actions == (R.ev[i].nr == SYS_getppid ? EI_ACT_POKE | EI_ACT_POKE_FAILED : EI_ACT_POKE),
			       "%s: actions %#x", ei_syscall_name((int)R.ev[i].nr), R.ev[i].actions);
	}
}

/* One thread's call is held while the other's are answered at once. (The
 * hold is long against the other thread's round trips: once in about 25
 * runs at a load of 10 on two CPUs, 20 of them ended after a 400 ms hold.) */
static void test_delay(void)
{
	int a_ms = -1, b_ms = -1, before = -1, ok = -1;

	if (!session(RULES("getppid:delay_enter=1000ms", "getuid:retval=777"), OPS("delaypair:10"), NULL, &R))
		return;
	exited_ok(&R);
	if (!ASSERT(sscanf(R.out, "delaypair: a_ms=%d b_ms=%d b_before_a=%d b_ok=%d", &a_ms, &b_ms, &before, &ok) == 4,
		    "output: %s", R.out))
		return;
	ASSERT(a_ms >= 1000, "the held call took %d ms", a_ms);
	ASSERT_EQ(before, 1);
	ASSERT_EQ(ok, 10);
	ASSERT(b_ms < a_ms, "the other thread's calls took %d ms, the held one %d ms", b_ms, a_ms);
	int held = -1;
	for (int i = 0; i < R.nev; i++)
		if (R.ev[i].nr == SYS_getppid)
			held = i;
	if (ASSERT(held >= 0, "no getppid event"))
		ASSERT(R.ev[held].delay_ns >= 1000000000ULL, "delay_ns %llu", (unsigned long long)R.ev[held].delay_ns);
}

/* A command killed while its call is held (once the supervisor has it):
 * the session ends, nothing hangs. */
static void test_killed_while_held(void)
{
	const struct opts o = { .kill_when_seen = SYS_getppid };

	if (!session(RULES("getppid:delay_enter=5s"), OPS("getppid", "getppid"), &o, &R))
		return;
	ASSERT(R.status >= 0 && WIFSIGNALED(R.status) && WTERMSIG(R.status) == SIGKILL, "wait status %#x", R.status);
	ASSERT(R.elapsed_ms < 4000, "the session took %lld ms", R.elapsed_ms);
	ASSERT_STR(R.out, "");
}

/* argK= compares only the bits of an int argument that the kernel uses:
 * dup(0x100000000) is dup(0). */
static void test_arg_int_bits(void)
{
	if (!session(RULES("dup:error=EIO:arg0=0"), OPS("sys:32:0x100000000", "sys:32:1", "sys:32:0"), NULL, &R))
		return;
	exited_ok(&R);
	ASSERT_STR(R.out, "sys:32:0x100000000 = -1 EIO\nsys:32:1 = 3\nsys:32:0 = -1 EIO\n");
}

static void test_max(void)
{
	if (!session(RULES("dup:error=EIO:max=2"), OPS("repeat:4:dup"), NULL, &R))
		return;
	exited_ok(&R);
	ASSERT_STR(R.out, "dup = -1 EIO\ndup = -1 EIO\ndup = 3\ndup = 3\n");
	ASSERT_EQ(R.st[SYS_dup].injected, 2);
}

/* The supervisor's answers against the decision it shares with the
 * kernel side (lib/core/decide.h, tested alone by test_decide.c): here
 * what is tested is that the supervisor numbers the calls and places the
 * processes as the kernel side does. */
static void expect_seeded(char *buf, size_t len, __u64 seed, double prob, int calls, __u64 lineage)
{
	__u64 p = (__u64)(prob * 4294967296.0);
	size_t o = strlen(buf);

	for (int n = 1; n <= calls; n++) {
		bool fire = ei_prob_fires(ei_draw(seed, 0, SYS_dup, (__u64)n, lineage), p);
		o += (size_t)snprintf(buf + o, len - o, fire ? "dup = -1 EIO\n" : "dup = 3\n");
	}
}

/* seed=: the same calls fail on every run, those the kernel side's
 * formula picks, in the command (lineage 0) and in its first child. */
static void test_seeded_prob(void)
{
	const struct opts o = { .follow = true };
	static char want[8192];

	want[0] = 0;
	expect_seeded(want, sizeof(want), 42, 0.5, 30, 0);
	expect_seeded(want, sizeof(want), 42, 0.5, 30, ei_lineage_child(EI_LINEAGE_COMMAND, 1));
	/* The second child's child; the second child makes no trapped call
	 * itself (it is made known through its child's). */
	expect_seeded(want, sizeof(want), 42, 0.5, 30, ei_lineage_child(ei_lineage_child(EI_LINEAGE_COMMAND, 2), 1));
	if (!session(RULES("dup:error=EIO:prob=0.5:seed=42"),
		     OPS("repeat:30:dup", "fork:repeat:30:dup", "fork:fork:repeat:30:dup"), &o, &R) ||
	    !session(RULES("dup:error=EIO:prob=0.5:seed=42"),
		     OPS("repeat:30:dup", "fork:repeat:30:dup", "fork:fork:repeat:30:dup"), &o, &R2))
		return;
	exited_ok(&R);
	ASSERT_STR(R.out, want);
	ASSERT_STR(R2.out, R.out);
	ASSERT(R.st[SYS_dup].injected > 10 && R.st[SYS_dup].injected < 80, "injected %llu of 90",
	       (unsigned long long)R.st[SYS_dup].injected);
}

/* The fields of an event, as the kernel side's emit() fills them. */
static void test_event(void)
{
	const struct ei_event *e;

	if (!session(RULES("openat:error=ENOENT:path=/etc/hostname*"), OPS("openat:/etc/hostname"), NULL, &R))
		return;
	exited_ok(&R);
	if (!ASSERT_EQ(R.nev, 1))
		return;
	e = &R.ev[0];
	ASSERT(e->ts_ns >= R.t0 && e->ts_ns <= R.t1, "ts_ns %llu outside the run", (unsigned long long)e->ts_ns);
	ASSERT_EQ(e->pid, e->tid);
	ASSERT(e->pid > 0 && (pid_t)e->pid != getpid(), "pid %u", e->pid);
	ASSERT_EQ(e->nr, SYS_openat);
	ASSERT_EQ(e->rule, 0);
	ASSERT_EQ(e->actions, EI_ACT_ERROR);
	ASSERT_EQ(e->result, -ENOENT);
	ASSERT_EQ((int)e->args[0], AT_FDCWD);
	ASSERT(e->args[1] != 0, "args[1] 0");
	ASSERT_EQ(e->path_len, strlen("/etc/hostname"));
	ASSERT_EQ(e->path_truncated, 0);
	ASSERT_STR(e->path, "/etc/hostname");
	ASSERT_EQ(e->backend, EI_BACKEND_SECCOMP);
	ASSERT_EQ(e->delay_ns, 0);
	ASSERT_STR(e->comm, "seccomp_target");
}

/* A rule on execve: the launcher's own execve runs (the command starts),
 * the command's fails. */
static void test_exec_rule(void)
{
	if (!session(RULES("execve:error=EPERM"), OPS("exec:/bin/true", "dup"), NULL, &R))
		return;
	exited_ok(&R);
	ASSERT_EQ(R.exec_errno, 0);
	ASSERT_STR(R.out, "exec:/bin/true = -1 EPERM\ndup = 3\n");
	ASSERT_EQ(R.st[SYS_execve].seen, 1);
	ASSERT_EQ(R.st[SYS_execve].injected, 1);
	/* No path= rule read it: the event reads it. */
	if (ASSERT_EQ(R.nev, 1))
		ASSERT_STR(R.ev[0].path, "/bin/true");
}

/* The launcher's execve calls (execvp tries every PATH entry) are not
 * counted: the command's own first execve is call 1. */
static void test_exec_window_uncounted(void)
{
	char path[PATH_MAX + 64], dir[PATH_MAX];
	struct opts o = { .argv0 = "seccomp_target" };

	snprintf(dir, sizeof(dir), "%s", target);
	snprintf(path, sizeof(path), "/nonexistent-a:/nonexistent-b:%s", dirname(dir));
	o.path = path;
	if (!session(RULES("execve:error=EPERM:when=1"), OPS("exec:/bin/true", "exec:/nonexistent"), &o, &R))
		return;
	exited_ok(&R);
	ASSERT_STR(R.out, "exec:/bin/true = -1 EPERM\nexec:/nonexistent = -1 ENOENT\n");
	ASSERT_EQ(R.st[SYS_execve].seen, 2);
}

/* A rule on write does not hold up the launcher: its report of a failed
 * execve is a write(2), answered untouched, and not counted. */
static void test_exec_failure_report(void)
{
	const struct opts o = { .argv0 = "/nonexistent/seccomp_target" };

	if (!session(RULES("write:error=EIO"), OPS("dup"), &o, &R))
		return;
	ASSERT_EQ(R.exec_errno, ENOENT);
	ASSERT(R.status >= 0 && WIFEXITED(R.status) && WEXITSTATUS(R.status) == 127, "wait status %#x", R.status);
	ASSERT_EQ(R.st[SYS_write].seen, 0);
	ASSERT(R.elapsed_ms < 10000, "took %lld ms", R.elapsed_ms);
	/* And once the command runs, its writes are served. */
	if (!session(RULES("write:error=EIO"), OPS("poke"), NULL, &R))
		return;
	exited_ok(&R);
	ASSERT_STR(R.out, "poke: write = -1 EIO buf=hello pipe=\n");
	ASSERT_EQ(R.st[SYS_write].seen, 1);
}

/* Rule 0 traps nearly every syscall (a filter of hundreds of numbers,
 * its search tree deeper than a conditional jump reaches) and never
 * fires; getuid, getgid, getcpu and faccessat2 are left out, low and
 * high in the tree, their neighbours in. */
static void trap_nearly_all(struct ei_spec *sp, int n)
{
	const struct ei_syscall_entry *e;

	(void)n;
	for (size_t i = 0; (e = ei_syscall_at(i)); i++)
		if (e->nr < EI_NR_SYSCALLS && e->nr != SYS_getuid && e->nr != SYS_getgid && e->nr != SYS_getcpu &&
		    e->nr != SYS_faccessat2)
			ei_sysset_add(&sp[0].syscalls, e->nr);
	sp[0].filters |= EI_FILTER_ARG(5);
	sp[0].arg_mask[5] = ~0ULL;
	sp[0].arg_value[5] = 0x5eccdeadbeef1234ULL;
}

static void test_filter_large_set(void)
{
	const struct opts o = { .tweak = trap_nearly_all };
	int top = 0;
	char last[32];
	const struct ei_syscall_entry *e;

	for (size_t i = 0; (e = ei_syscall_at(i)); i++)
		if (e->nr < EI_NR_SYSCALLS && e->nr > top)
			top = e->nr;
	/* The highest: called with a bad address or flags, it only fails. */
	snprintf(last, sizeof(last), "sys:%d:-1", top);
	if (!session(RULES("dup:error=EIO", "getppid:retval=4242"),
		     OPS("getppid", "sys:102", "sys:104", "sys:107", "sys:108", "sys:0:-1", "sys:308:-1", "sys:309",
			 "sys:310", "sys:438:-1", "sys:439:-1", "sys:440:-1", last),
		     &o, &R))
		return;
	exited_ok(&R);
	ASSERT(!strncmp(R.out, "getppid = 4242\n", 15), "output: %s", R.out);
	ASSERT_EQ(R.st[SYS_getuid].seen, 0);
	ASSERT_EQ(R.st[SYS_getgid].seen, 0);
	ASSERT_EQ(R.st[SYS_getcpu].seen, 0);
	ASSERT_EQ(R.st[SYS_faccessat2].seen, 0);
	ASSERT_EQ(R.st[SYS_setns].seen, 1);
	ASSERT_EQ(R.st[SYS_process_vm_readv].seen, 1);
	ASSERT_EQ(R.st[SYS_pidfd_getfd].seen, 1);
	ASSERT_EQ(R.st[SYS_process_madvise].seen, 1);
	ASSERT_EQ(R.st[SYS_getppid].seen, 1);
	ASSERT(R.st[SYS_geteuid].seen >= 1, "geteuid not trapped");
	ASSERT(R.st[SYS_getegid].seen >= 1, "getegid not trapped");
	ASSERT(R.st[SYS_read].seen >= 1, "read (0) not trapped");
	ASSERT(R.st[top].seen >= 1, "%s (%d) not trapped", ei_syscall_name(top), top);
	ASSERT(R.st[SYS_mmap].seen >= 1, "mmap not trapped");
	ASSERT_EQ(R.st[SYS_getppid].injected, 1);
}


/* Many processes, each watched by a pidfd while it lives: those gone
 * are dropped while the session runs (30 children have exited when the
 * command calls getuid), and nothing is left open once it is freed. */
static void test_processes_dropped(void)
{
	const struct opts o = { .follow = true };
	int before = count_fds();

	if (!session(RULES("dup:error=EIO:when=2", "getuid:retval=5"), OPS("repeat:30:fork:repeat:2:dup", "getuid"), &o,
		     &R))
		return;
	exited_ok(&R);
	ASSERT_EQ(R.st[SYS_dup].injected, 30);
	/* The epoll set, the timer, the listener, the command's pidfd, the
	 * keeper's pipe and the test's own output file. */
	ASSERT(R.fds_at_getuid > 0 && R.fds_at_getuid <= R.fds_before + 6,
	       "%d descriptors open when the command called getuid, %d before the session", R.fds_at_getuid,
	       R.fds_before);
	ASSERT_EQ(count_fds(), before);
}

/* The filter traps exactly the served syscalls: those the command needs
 * to report and to exit are left out, and getuid, getgid, getcpu and
 * faccessat2 (which trap_nearly_all leaves out). */
static void trap_nearly_all_but_io(struct ei_spec *sp, int n)
{
	static const int keep[] = { SYS_writev, SYS_exit, SYS_exit_group, SYS_clock_nanosleep, SYS_nanosleep,
				    SYS_munmap };

	trap_nearly_all(sp, n);
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		ei_sysset_del(&sp[0].syscalls, keep[i]);
}

#define EXACT_OPS(last) "dup", "wait0", "dup", "sys:0:-1", "sys:102", "sys:104", "sys:107", "sys:308:-1", \
	"sys:309", "sys:310:-1", "sys:438:-1", "sys:439:-1", "sys:440:-1", last

static void top_call(char *last, size_t len)
{
	const struct ei_syscall_entry *e;
	int top = 0;

	for (size_t i = 0; (e = ei_syscall_at(i)); i++)
		if (e->nr < EI_NR_SYSCALLS && e->nr > top)
			top = e->nr;
	snprintf(last, len, "sys:%d:-1", top);
}

static void test_filter_exact_set(void)
{
	const struct opts o = { .tweak = trap_nearly_all_but_io };
	static const int trapped[] = { SYS_read, SYS_geteuid, SYS_setns, SYS_process_vm_readv, SYS_pidfd_getfd,
				       SYS_process_madvise };
	static const int left[] = { SYS_getuid, SYS_getgid, SYS_getcpu, SYS_faccessat2, SYS_writev, SYS_nanosleep,
				    SYS_clock_nanosleep };
	char last[32];

	top_call(last, sizeof(last));
	if (!session(RULES("getppid:error=EIO", "dup:error=EIO"), OPS(EXACT_OPS(last)), &o, &R))
		return;
	exited_ok(&R);
	ASSERT_EQ(R.st[SYS_dup].seen, 2);
	for (size_t i = 0; i < sizeof(trapped) / sizeof(trapped[0]); i++)
		ASSERT(R.st[trapped[i]].seen >= 1, "%s not trapped", ei_syscall_name(trapped[i]));
	ASSERT(R.st[atoi(last + 4)].seen >= 1, "%s not trapped", last);
	for (size_t i = 0; i < sizeof(left) / sizeof(left[0]); i++)
		ASSERT_EQ(R.st[left[i]].seen, 0);
}

/* The command's output run natively, into out. */
static void run_native(const char *const *ops, char *out, size_t len)
{
	char *argv[64];
	int na = 0, fd = memfd_create("native", MFD_CLOEXEC);
	pid_t pid;

	argv[na++] = target;
	for (int i = 0; ops[i] && na < 63; i++)
		argv[na++] = (char *)ops[i];
	argv[na] = NULL;
	out[0] = 0;
	if (fd < 0)
		return;
	pid = fork();
	if (pid == 0) {
		/* wait0 reads end of file at once. */
		int null = open("/dev/null", O_RDONLY);

		dup2(null, 0);
		dup2(fd, 1);
		execv(argv[0], argv);
		_exit(127);
	}
	waitpid(pid, NULL, 0);
	ssize_t got = pread(fd, out, len - 1, 0);
	out[got > 0 ? got : 0] = 0;
	close(fd);
}

/* Once the supervisor is gone (ei_sup_free while the command waits in
 * its readv, after its first dup, which it is let out of only then), the
 * keeper lets every trapped call run: each gets what it gets natively
 * (they got ENOSYS, the kernel's answer when no supervisor listens). */
static void test_keeper_after_free(void)
{
	const struct opts o = { .tweak = trap_nearly_all_but_io, .free_at_wait0 = true };
	char last[32], native[2048], want[2048];
	const char *rest;

	top_call(last, sizeof(last));
	run_native(OPS(EXACT_OPS(last)), native, sizeof(native));
	/* All as natively but the first dup, injected. */
	rest = strchr(native, '\n');
	if (!ASSERT(!strncmp(native, "dup = 3\n", 8) && rest && strstr(native, last), "native run: %s", native))
		return;
	snprintf(want, sizeof(want), "dup = -1 EIO%s", rest);
	if (!session(RULES("getppid:error=EIO", "dup:error=EIO:when=1"), OPS(EXACT_OPS(last)), &o, &R))
		return;
	exited_ok(&R);
	ASSERT_STR(R.out, want);
}

/* Trapped calls that no rule fails (when= past them) run and are each
 * counted once; the untrapped ones are not seen. What they cost is
 * bench/seccomp-cost's. */
static void test_trapped_untouched_counted(void)
{
	long long trapped = -1, untrapped = -1;

	if (!session(RULES("getppid:error=EIO:when=2001"), OPS("cost:2000"), NULL, &R))
		return;
	exited_ok(&R);
	ASSERT(sscanf(R.out, "cost: trapped_ns=%lld untrapped_ns=%lld", &trapped, &untrapped) == 2, "output: %s",
	       R.out);
	ASSERT_EQ(R.st[SYS_getppid].seen, 2000);
	ASSERT_EQ(R.st[SYS_getppid].injected, 0);
	ASSERT_EQ(R.st[SYS_getuid].seen, 0);
}

/* Every trapped call makes ei_sup_fd readable, however the calls before
 * it were received (the listener is one-shot in the supervisor's set,
 * armed again by ei_sup_handle): waited on alone, 2000 calls take
 * milliseconds; a call that did not wake it would hold the session 10 s. */
static void test_fd_wakes(void)
{
	struct opts o = { .wait_on_fd = 2000 };

	if (!session(RULES("getppid:error=EIO:when=2001"), OPS("cost:2000"), &o, &R))
		return;
	exited_ok(&R);
	ASSERT_EQ(R.st[SYS_getppid].seen, 2000);
	ASSERT(R.elapsed_ms < 5000, "2000 trapped calls took %lld ms", R.elapsed_ms);
}

/* The target beside this binary: build/tests/unit/test_seccomp and
 * build/tests/seccomp_target, or build/asan/test_seccomp. */
static void find_target(void)
{
	char self[PATH_MAX], *dir;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	const char *env = getenv("SECCOMP_TARGET");

	if (env) {
		snprintf(target, sizeof(target), "%s", env);
		return;
	}
	if (n <= 0)
		return;
	self[n] = 0;
	dir = dirname(self);
	snprintf(target, sizeof(target), "%s/../seccomp_target", dir);
	if (access(target, X_OK))
		snprintf(target, sizeof(target), "%s/../tests/seccomp_target", dir);
	char *real = realpath(target, NULL);
	if (real) {
		snprintf(target, sizeof(target), "%s", real);
		free(real);
	}
}

#define ACTIONS_AVAIL "/proc/sys/kernel/seccomp/actions_avail"

/* Whether the kernel has SECCOMP_RET_USER_NOTIF, asked of the kernel's
 * list of actions, not of the supervisor's own check (test_check runs
 * that): a regression there fails, not skips. */
static bool kernel_has_user_notif(void)
{
	char buf[256] = " ";
	FILE *f = fopen(ACTIONS_AVAIL, "re");
	size_t n;

	if (!f)
		return false;
	n = fread(buf + 1, 1, sizeof(buf) - 3, f);
	fclose(f);
	buf[n + 1] = 0;
	buf[strcspn(buf, "\n")] = 0;
	strcat(buf, " ");
	return strstr(buf, " user_notif ") != NULL;
}

/* Where this kernel (or valgrind, which has no seccomp(2)) cannot
 * supervise: every subtest says so. */
static char skip_why[256];
#undef SUBTEST
#define SUBTEST(fn)                                                                                         \
	(skip_why[0] ? t_result("SKIP", #fn, skip_why) : run_subtest(#fn, test_##fn))

int main(void)
{
	find_target();
	if (RUNNING_ON_VALGRIND)
		snprintf(skip_why, sizeof(skip_why),
			 "valgrind does not run seccomp(2) (\"unhandled amd64-linux syscall: 317\"), which both "
			 "the supervisor and the command's filter need");
	else if (!kernel_has_user_notif())
		snprintf(skip_why, sizeof(skip_why),
			 "the kernel has no seccomp user notification (user_notif not in %s)", ACTIONS_AVAIL);
	SUBTEST(check);
	SUBTEST(error_and_untrapped);
	SUBTEST(retval);
	SUBTEST(signal);
	SUBTEST(signal_fatal);
	SUBTEST(when_per_process);
	SUBTEST(follow);
	SUBTEST(no_follow);
	SUBTEST(path_untouched_page);
	SUBTEST(path_glob);
	SUBTEST(path_before_hole);
	SUBTEST(path_unreadable);
	SUBTEST(path_truncated);
	SUBTEST(poke);
	SUBTEST(poke_ro_and_failed);
	SUBTEST(delay);
	SUBTEST(killed_while_held);
	SUBTEST(arg_int_bits);
	SUBTEST(concurrent);
	SUBTEST(max);
	SUBTEST(seeded_prob);
	SUBTEST(event);
	SUBTEST(exec_rule);
	SUBTEST(exec_window_uncounted);
	SUBTEST(exec_failure_report);
	SUBTEST(filter_large_set);
	SUBTEST(filter_exact_set);
	SUBTEST(keeper_after_free);
	SUBTEST(processes_dropped);
	SUBTEST(trapped_untouched_counted);
	SUBTEST(fd_wakes);
	return t_failed ? 1 : 0;
}
