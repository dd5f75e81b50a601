// SPDX-License-Identifier: GPL-2.0
/*
 * fault N PROCS FIRST LAST STEP ERRNO: what strace 6.1's qual_fault.test
 * (and qual_fault-syscall.test) check with its qual_fault.c, written anew.
 * PROCS child processes, forked together, each make N writev calls of a
 * few bytes on fd 100 (/dev/null); each says, in runs, which calls
 * returned what, and whether that is what strace's test expects of
 * when=FIRST..LAST+STEP with error number ERRNO (LAST -1: no end). The
 * children report through pipes, the parent prints the reports in order,
 * all with write(2): no writev but the counted ones, and no call on fd 100
 * but them (errinj's cases narrow `desc` with fd=100 where strace narrows
 * with -e trace=writev).
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "sprogs.h"

#define FD 100
#define MAXPROCS 8

struct run {
	char what[32];
	int from, to;
};

/* Appends call i's result to the runs in s. */
static void add(char *s, size_t size, struct run *cur, int i, const char *what)
{
	if (i > 1 && !strcmp(cur->what, what)) {
		cur->to = i;
		return;
	}
	if (i > 1) {
		size_t l = strlen(s);
		if (cur->from == cur->to)
			snprintf(s + l, size - l, "%s%s %d", l ? ", " : "", cur->what, cur->from);
		else
			snprintf(s + l, size - l, "%s%s %d-%d", l ? ", " : "", cur->what, cur->from, cur->to);
	}
	snprintf(cur->what, sizeof(cur->what), "%s", what);
	cur->from = cur->to = i;
}

static void child(int out, int n, int first, int last, int step, int err)
{
	char got[2048] = "", want[2048] = "", ok[32];
	struct run g = { "", 0, 0 }, w = { "", 0, 0 };
	char buf[16];

	for (int i = 1; i <= n + 1; i++) {
		const char *gw = "", *ww = "";
		if (i <= n) {
			struct iovec io = { buf, (size_t)snprintf(buf, sizeof(buf), "%d.", i) };
			long r;

			errno = 0;
			r = writev(FD, &io, 1);
			snprintf(ok, sizeof(ok), "%ld", r);
			gw = r == -1 ? ename(errno) : (r == (long)io.iov_len ? "ok" : ok);
			ww = i >= first && (last < 0 || i <= last) && (i - first) % step == 0 ? ename(err) : "ok";
		}
		add(got, sizeof(got), &g, i, gw);
		add(want, sizeof(want), &w, i, ww);
	}
	if (!strcmp(got, want))
		say_fd(out, "%s (what strace's test expects)\n", got);
	else
		say_fd(out, "%s (strace's test expects %s)\n", got, want);
	_exit(0);
}

int main(int argc, char **argv)
{
	int n, procs, first, last, step, err, fd, pipes[MAXPROCS];
	int rc = 0;

	if (argc != 7) {
		say_fd(2, "usage: fault N PROCS FIRST LAST STEP ERRNO\n");
		return 2;
	}
	n = atoi(argv[1]);
	procs = atoi(argv[2]);
	first = atoi(argv[3]);
	last = atoi(argv[4]);
	step = atoi(argv[5]);
	err = atoi(argv[6]);
	if (n < 1 || procs < 1 || procs > MAXPROCS || first < 1 || step < 1) {
		say_fd(2, "fault: bad arguments\n");
		return 2;
	}
	fd = open("/dev/null", O_WRONLY);
	if (fd < 0 || dup2(fd, FD) != FD) {
		say_fd(2, "fault: /dev/null: %s\n", ename(errno));
		return 1;
	}
	close(fd);
	for (int p = 0; p < procs; p++) {
		int pp[2];

		if (pipe(pp)) {
			say_fd(2, "fault: pipe: %s\n", ename(errno));
			return 1;
		}
		switch (fork()) {
		case -1:
			say_fd(2, "fault: fork: %s\n", ename(errno));
			return 1;
		case 0:
			close(pp[0]);
			child(pp[1], n, first, last, step, err);
		}
		close(pp[1]);
		pipes[p] = pp[0];
	}
	for (int p = 0; p < procs; p++) {
		char line[4096];
		size_t len = 0;
		ssize_t r;

		while (len < sizeof(line) - 1 && (r = read(pipes[p], line + len, sizeof(line) - 1 - len)) > 0)
			len += (size_t)r;
		line[len] = 0;
		say("proc %d: writev: %s", p, len ? line : "no report\n");
	}
	for (int p = 0; p < procs; p++) {
		int st;

		if (wait(&st) < 0 || st)
			rc = 1;
	}
	return rc;
}
