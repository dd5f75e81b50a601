/* SPDX-License-Identifier: GPL-2.0 */
/*
 * errinj explore, as the tools see it (tools/explore_cmd.c): a reference
 * run under ptrace that records every call of the selected syscalls with
 * its user call stack, then one injection run per (call site, syscall,
 * errno) through the engine's session, each classified and reported; and
 * the merge of the shards' reports. The subsystem's own names are in
 * lib/explore/internal.h.
 */
#ifndef ERRINJ_EXPLORE_H
#define ERRINJ_EXPLORE_H

#include <stdbool.h>
#include <stdio.h>

#include "core/core.h"

#define EI_EXPLORE_MAX_ERRNOS 8


struct ei_explore_opts {
	char **cmd;
	struct ei_sysset set;
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
	bool verbose;      /* -v: the text report lists every run */
	bool progress;     /* a progress line on stderr */
	int backend;       /* EI_BACKEND_* or EI_BACKEND_AUTO */
	FILE *out;
};

/* The whole exploration. Returns 0 (no crash, hang or lost output), 3
 * (some), or EI_EXIT_FAIL after a sentence on stderr. */
int ei_explore(const struct ei_explore_opts *o);

/* errinj explore --merge: the JSON reports of the shards of one
 * exploration, joined into the report the unsharded exploration would
 * have written (lib/explore/merge.c). Returns 0 or 3 as ei_explore, or
 * EI_EXIT_USAGE (reports that are not of one exploration, a shard given
 * twice, a file that is not such a report) or EI_EXIT_FAIL after a
 * sentence on stderr. */
int ei_explore_merge(char *const files[], int nfiles, bool json, bool verbose, FILE *out);

#endif
