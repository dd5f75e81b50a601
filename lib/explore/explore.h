/* SPDX-License-Identifier: GPL-2.0 */
/*
 * errinj explore: a reference run under ptrace that records every call of
 * the selected syscalls with its user call stack (lib/explore/trace.c, libdwfl),
 * then one injection run per (call site, syscall, errno) through the
 * library's session (lib/explore/run.c), each classified and reported.
 */
#ifndef ERRINJ_EXPLORE_H
#define ERRINJ_EXPLORE_H

#include <stdbool.h>
#include <stdio.h>

#include "core/core.h"

#define EI_EXPLORE_MAX_ERRNOS 8
#define EI_EXPLORE_MAX_FRAMES 32

/* One frame of a call stack: the module (its path and, when it has one,
 * its build-id) and the offset in it, which stay the same from run to run
 * whatever the load address; then what debug information or the symbol
 * table says of it. */
struct ei_frame {
	char *module;
	char *build_id; /* hex, NULL if none */
	__u64 offset;   /* pc - the module's load base */
	char *func;     /* NULL if unknown */
	char *file;     /* NULL if no line information */
	int line;
	bool own;       /* in the calling process's main executable */
};

/* A call site: one syscall made from one user call stack. */
struct ei_site {
	char *key;              /* the stack as (module id, offset) frames, and the syscall */
	int nr;
	struct ei_frame *frames;
	int nframes;
	int shown;              /* the frame shown: the first in the process's own executable, else 0 */
	int calls;              /* calls made from it in the reference run */
	int first;              /* index of its first call */
};

/* One call of the reference run. */
struct ei_call {
	int proc;      /* index of the process in order of appearance, 0 the command */
	int nr;
	__u64 n;       /* the process's n-th call of nr (1-based), as when= counts */
	long long ret; /* its result: -errno on failure */
	int site;
};

struct ei_trace {
	struct ei_call *calls;
	int ncalls;
	struct ei_site *sites;
	int nsites;
	int nprocs;
	char **lineage;  /* per process: "1", "1.2" (the command's second child) */
	__u64 *ncalls_of; /* per process, nprocs x EI_NR_SYSCALLS: how many calls
			   * of each syscall it made */
	__u64 *key;      /* per process: its lineage as errinj's backends compute it
			  * for seed= (lib/core/decide.h) */
	int status;      /* the command's wait status */
	char *out;       /* its stdout and stderr */
	size_t outlen;
	char *errout;
	size_t errlen;
	double seconds;
	bool unwind_failed; /* some stack could not be unwound at all */
};

/* Runs argv under ptrace, stopping only on the syscalls of set (a seccomp
 * filter returning SECCOMP_RET_TRACE), stdin /dev/null, stdout and stderr
 * captured; -1 with a sentence on failure. */
int ei_trace_run(char *const argv[], const __u64 *set, struct ei_trace *t, char *err, size_t len);
void ei_trace_free(struct ei_trace *t);

/* The errnos explored for syscall nr: the project's table (lib/explore/errnos.c),
 * else one by its classes. Returns how many, at most EI_EXPLORE_MAX_ERRNOS. */
int ei_explore_errnos(int nr, int *errs);

struct ei_explore_opts {
	char **cmd;
	__u64 set[EI_NR_SYSCALLS / 64];
	const char *set_text;
	/* --errno: nerr[nr] > 0 replaces the table's list for nr. */
	int nerr[EI_NR_SYSCALLS];
	int err[EI_NR_SYSCALLS][EI_EXPLORE_MAX_ERRNOS];
	bool by_call;
	long max_runs;     /* 0: no limit */
	int shard, nshards; /* --shard K/N: the planned runs i with i % N == K - 1; 0/0: all */
	int jobs;
	double timeout;    /* seconds */
	__u64 seed;
	bool json;
	bool progress;     /* a progress line on stderr */
	int backend;       /* EI_BACKEND_* or EI_BACKEND_AUTO */
	FILE *out;
};

/* The whole exploration. Returns 0 (no crash, hang or lost output), 3
 * (some), or EI_EXIT_FAIL after a sentence on stderr. */
int ei_explore(const struct ei_explore_opts *o);

/* errinj explore --merge: the JSON reports of the shards of one
 * exploration, joined into the report the unsharded exploration would
 * have written (lib/explore/report.c). Returns 0 or 3 as ei_explore, or
 * EI_EXIT_USAGE (reports that are not of one exploration, a shard given
 * twice, a file that is not such a report) or EI_EXIT_FAIL after a
 * sentence on stderr. */
int ei_explore_merge(char *const files[], int nfiles, bool json, FILE *out);

#endif
