/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The benchmark loaders' command (bench/floor.c, bench/ladder.c): forked
 * first, so that its pid can be the programs' target, and held until the
 * programs are attached.
 */
#ifndef BENCH_HELD_H
#define BENCH_HELD_H

#include <signal.h>
#include <unistd.h>
#include <sys/wait.h>

struct held {
	pid_t pid; /* -1 once waited for */
	int go;    /* the write end the child waits on; -1 once released */
};

/* Forks argv[0] (searched in PATH), which execs only when released. */
static inline int held_start(struct held *h, char **argv)
{
	int go[2];
	char c;

	h->pid = -1;
	h->go = -1;
	if (pipe(go))
		return -1;
	h->pid = fork();
	if (h->pid < 0) {
		close(go[0]);
		close(go[1]);
		return -1;
	}
	if (h->pid == 0) {
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(go[0]);
	h->go = go[1];
	return 0;
}

/* Lets it exec and waits for it: its exit status (128+N if killed by
 * signal N), or -1. */
static inline int held_run(struct held *h)
{
	int status;
	char c = 'g';

	if (write(h->go, &c, 1) != 1)
		return -1;
	close(h->go);
	h->go = -1;
	if (waitpid(h->pid, &status, 0) != h->pid)
		return -1;
	h->pid = -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Whatever is left: a child never released is killed. */
static inline void held_end(struct held *h)
{
	if (h->pid > 0) {
		kill(h->pid, SIGKILL);
		waitpid(h->pid, NULL, 0);
	}
	if (h->go >= 0)
		close(h->go);
}

#endif
