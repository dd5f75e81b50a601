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

/* Findings set aside as known (--suppress FILE, lib/explore/suppress.c). */
struct ei_suppressions;
/* Adds the patterns of file to *s (allocated on first use): 0, or
 * EI_EXIT_USAGE with one line in err (a file that cannot be read, a
 * malformed line, said with its FILE:LINE). */
int ei_suppress_load(struct ei_suppressions **s, const char *file, char *err, size_t len);
void ei_suppress_free(struct ei_suppressions *s);

/* The report again for CI (--sarif, --junit; lib/explore/export.c): each
 * stream NULL or open for writing. */
struct ei_explore_export {
	FILE *sarif;          /* SARIF 2.1.0, for code scanning */
	FILE *junit;          /* JUnit XML, for test reports */
	const char *version;  /* errinj's, SARIF's tool.driver.version */
};

struct ei_explore_opts {
	char **cmd;
	struct ei_sysset set;
	const char *set_text;
	/* --errno: nerr[nr] > 0 replaces the table's list for nr. */
	int nerr[EI_NR_SYSCALLS];
	int err[EI_NR_SYSCALLS][EI_EXPLORE_MAX_ERRNOS];
	bool by_call;
	const char *stdin_path; /* --stdin: the command's stdin; NULL: /dev/null */
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
	struct ei_suppressions *suppress; /* NULL: none */
	bool loader;       /* --loader: the dynamic loader's start-up explored too */
	struct ei_explore_export export;
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
int ei_explore_merge(char *const files[], int nfiles, bool json, bool verbose, const struct ei_explore_export *ex,
		     FILE *out);

#endif
