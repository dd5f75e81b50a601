// SPDX-License-Identifier: GPL-2.0
/*
 * lifecycle OP ARGS: what a supervisor must leave as it would be without
 * it (tests/vm/lifecycle.sh), each printing one line:
 *   daemon DIR      leaves a double-forked daemon (setsid) and exits; the
 *                   daemon writes its pid to DIR/pid, waits for DIR/go,
 *                   then makes a dup and a fork+execve of /bin/true and
 *                   writes "dup=R exec=S" to DIR/result (R dup's result
 *                   or errno name, S the child's exit status or the
 *                   errno name of fork or execve)
 *   dups DIR        dup, "dup1=R"; waits for DIR/go; dup, dup, fork+execve of
 *                   /bin/true: "dup2=R dup3=R exec=S"
 *   stopexec        stops its parent (errinj) with SIGSTOP, forks and execs
 *                   /bin/true, waits up to 3 s for it, continues errinj:
 *                   "stopexec: exec ran, status 0" if the exec did not
 *                   wait for errinj
 *   orphan          a grandchild whose parent exits: "orphan ppid=P", P
 *                   its getppid() once its parent has gone
 *   signals DIR     counts the signals a shell user may send (a handler
 *                   each, without SA_RESTART), writes DIR/ready, waits for
 *                   DIR/done: "signals INT=N ..." (those counted)
 *   eintr N USEC    SIGALRM every USEC microseconds to a handler without
 *                   SA_RESTART, N opens of /proc/self/exe (this program, a
 *                   regular file): "eintr K of N" (K failed with EINTR)
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
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>

#include "progs.h"

static char dir[512];

static void nap(void)
{
	struct timespec ts = { 0, 2000000 };

	nanosleep(&ts, NULL);
}

static int exists(const char *name)
{
	char p[600];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return stat(p, &st) == 0;
}

static void put(const char *name, const char *text)
{
	char p[600], tmp[620];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s.tmp", p);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, text, strlen(text)) < 0 || close(fd) || rename(tmp, p))
		_exit(3);
}

static void dup_result(char *r1, size_t len)
{
	long r = syscall(SYS_dup, 0);

	if (r < 0)
		snprintf(r1, len, "%s", ename(errno));
	else
		snprintf(r1, len, "%ld", r);
}

static void exec_result(char *r2, size_t len)
{
	pid_t pid;
	int st;

	pid = fork();
	if (pid == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(errno);
	}
	if (pid < 0)
		snprintf(r2, len, "fork:%s", ename(errno));
	else if (waitpid(pid, &st, 0) != pid)
		snprintf(r2, len, "wait:%s", ename(errno));
	else if (WIFEXITED(st) && WEXITSTATUS(st))
		snprintf(r2, len, "%s", ename(WEXITSTATUS(st)));
	else
		snprintf(r2, len, "%d", WIFEXITED(st) ? 0 : 128 + WTERMSIG(st));
}

static void daemon_main(void)
{
	char buf[128], r1[32], r2[32];

	snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	put("pid", buf);
	while (!exists("go"))
		nap();
	dup_result(r1, sizeof(r1));
	exec_result(r2, sizeof(r2));
	snprintf(buf, sizeof(buf), "dup=%s exec=%s\n", r1, r2);
	put("result", buf);
	_exit(0);
}

static volatile sig_atomic_t counts[65];

static void count(int sig)
{
	counts[sig]++;
}

static void tick(int sig)
{
	(void)sig;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "daemon")) {
		snprintf(dir, sizeof(dir), "%s", argv[2]);
		pid_t pid = fork();
		if (pid == 0) {
			setsid();
			if (fork() == 0)
				daemon_main();
			_exit(0);
		}
		waitpid(pid, NULL, 0);
		out("daemon started\n");
		return 0;
	}
	if (argc >= 3 && !strcmp(argv[1], "dups")) {
		char r1[32], r2[32], r3[32];
		snprintf(dir, sizeof(dir), "%s", argv[2]);
		dup_result(r1, sizeof(r1));
		out("dup1=%s\n", r1);
		while (!exists("go"))
			nap();
		dup_result(r1, sizeof(r1));
		dup_result(r2, sizeof(r2));
		exec_result(r3, sizeof(r3));
		out("dup2=%s dup3=%s exec=%s\n", r1, r2, r3);
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "stopexec")) {
		pid_t sup = getppid(), pid;
		int st, waited = 1;
		kill(sup, SIGSTOP);
		pid = fork();
		if (pid == 0) {
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		}
		/* Up to 3 s for the child's exec and exit with errinj stopped. */
		for (int i = 0; i < 1500; i++) {
			if (waitpid(pid, &st, WNOHANG) == pid) {
				waited = 0;
				break;
			}
			nap();
		}
		kill(sup, SIGCONT);
		if (waited)
			waitpid(pid, &st, 0);
		out("stopexec: %s, status %d\n", waited ? "exec waited for errinj" : "exec ran", WEXITSTATUS(st));
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "orphan")) {
		int p[2];
		char c;
		if (pipe(p))
			return 3;
		pid_t pid = fork();
		if (pid == 0) {
			pid_t parent = getpid();
			if (fork() == 0) {
				close(p[0]);
				/* The parent is gone when its end closes... and
				 * then getppid() changes once reparented. */
				while (getppid() == parent)
					nap();
				out("orphan ppid=%d\n", (int)getppid());
				_exit(0);
			}
			_exit(0);
		}
		close(p[1]);
		waitpid(pid, NULL, 0);
		/* EOF once the grandchild has printed and exited. */
		while (read(p[0], &c, 1) > 0)
			;
		return 0;
	}
	if (argc >= 3 && !strcmp(argv[1], "signals")) {
		static const int sigs[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM, SIGPIPE, 0 };
		struct sigaction sa = { .sa_handler = count };
		char line[512];
		int n;
		snprintf(dir, sizeof(dir), "%s", argv[2]);
		for (int i = 0; sigs[i]; i++)
			sigaction(sigs[i], &sa, NULL);
		sigaction(SIGRTMIN + 2, &sa, NULL);
		put("ready", "");
		while (!exists("done"))
			nap();
		n = snprintf(line, sizeof(line), "signals");
		for (int s = 1; s < 65; s++)
			if (counts[s])
				n += snprintf(line + n, sizeof(line) - (size_t)n, " %s=%d",
					      s == SIGRTMIN + 2 ? "RTMIN+2" : sigabbrev_np(s), (int)counts[s]);
		out("%s\n", line);
		return 0;
	}
	if (argc >= 4 && !strcmp(argv[1], "eintr")) {
		struct sigaction sa = { .sa_handler = tick };
		long n = atol(argv[2]), usec = atol(argv[3]), k = 0;
		struct itimerval it = { { 0, usec }, { 0, usec } };
		sigaction(SIGALRM, &sa, NULL);
		setitimer(ITIMER_REAL, &it, NULL);
		for (long i = 0; i < n; i++) {
			int fd = open("/proc/self/exe", O_RDONLY);
			if (fd >= 0)
				close(fd);
			else if (errno == EINTR)
				k++;
		}
		out("eintr %ld of %ld\n", k, n);
		return 0;
	}
	out("lifecycle: unknown op\n");
	return 2;
}
