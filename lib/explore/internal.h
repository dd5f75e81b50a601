/* SPDX-License-Identifier: GPL-2.0 */
/*
 * errinj explore's internals, for its files alone (the tools include
 * explore.h). Dependencies point one way: run.c (the runs) and merge.c
 * (the merge of shards' reports) write their report through report.c
 * (and export.c, its SARIF and JUnit XML);
 * run.c plans from the reference run of trace.c (trace.h) and the errnos
 * of errnos.c; the tracer and the report know nothing of the runs.
 */
#ifndef ERRINJ_EXPLORE_INTERNAL_H
#define ERRINJ_EXPLORE_INTERNAL_H

#include <stdbool.h>
#include <stdio.h>

#include "explore/explore.h"
#include "explore/trace.h"

/* The errnos explored for reference call c: those of the project's table
 * (errnos.c) the kernel can give for that call (its descriptor's kind,
 * flags, arguments), else one by its syscall's classes; persist[k]: errs[k]
 * persists (every later call fails too, when=N+), else it fails once.
 * Returns how many, at most EI_EXPLORE_MAX_ERRNOS. */
int ei_explore_errnos(const struct ei_call *c, int *errs, bool *persist);
/* Whether err persists for syscall nr (--errno's errnos): the table's
 * entry for both, else its first entry for err; false if none. */
bool ei_explore_persists(int nr, int err);

/* Outputs that differ yet lost nothing (alike.c). Whether the run's
 * stdout (run, n) holds every line of the reference's (ref, rn) in order,
 * and more: it gained lines, a warning. */
bool ei_out_gained(const char *ref, size_t rn, const char *run, size_t n);
/* Whether the environment selects, for some category, a locale glibc
 * loads from files (neither C nor POSIX): a failed call can then leave
 * the command in the C locale. */
bool ei_env_locale(void);

/* ---- the report (report.c), of a run or of a merge of shards' ---- */

/* The findings' classes first, up to C_LOST. */
enum ei_cls { C_CRASHED, C_HUNG, C_LOST, C_CHANGED, C_ABSORBED, C_HANDLED, C_UNREACHED, C_ERROR, C_NCLASSES };
extern const char *const ei_cls_name[C_NCLASSES];

/* The errnos of a finding's runs: at most this many. */
#define EI_FINDING_MAX_ERRNOS (EI_EXPLORE_MAX_ERRNOS * 4)

struct ei_rfinding {
	int cls, confirmed;        /* enum ei_cls */
	bool flaky;
	const char *signal;        /* NULL: none */
	int exit;                  /* -1: none (killed or timed out) */
	char status[64];           /* "exit 1", "killed by SIGSEGV", "timed out" */
	const char *syscall;
	const char *err;           /* the errno of its first run */
	const char *errs[EI_FINDING_MAX_ERRNOS];
	int err_runs[EI_FINDING_MAX_ERRNOS]; /* the planned run of each */
	int nerrs;
	const char *process;       /* lineage, "1.2" */
	unsigned long long when;
	int others;
	bool picked, sanitizer;
	unsigned long long failed;  /* calls its first run failed: 1 unless others were hit too */
	const char *site_key;      /* (module build-id or path + offset) frames, syscall */
	struct ei_frame *frames;
	int nframes;
	const struct ei_frame *site; /* the frame shown, NULL if not unwound */
	const char *errtail;
	const char *lost_output;   /* lost: what differs, "stdout" or files' paths; else NULL */
	const char *repro;         /* owned in a run's report, not in a merge's */
	int call;                  /* the reference call: the report's order */
	int run;                   /* the planned index of its first run */
	int label_lo, label_hi;    /* the frames of its label, -1: none (label.c) */
	const char *suppressed;    /* the suppression's "FILE:LINE", NULL if none */
};

/* One run made, for the per-run view (text with -v, always in JSON). */
struct ei_rrun {
	int run;                   /* its planned index */
	int cls;                   /* enum ei_cls */
	char status[64];           /* as a finding's; for an error, why it was not made */
	const char *syscall, *err;
	const char *process;       /* lineage of the call's process in the reference */
	unsigned long long when;
	const char *errtail;       /* the last lines of its stderr, NULL if none */
};

struct ei_rhead {
	char *const *cmd;
	const char *set, *by, *backend;
	unsigned long long seed;
	double timeout;
	long max_runs;             /* 0: none */
	/* The reference run */
	int ref_exit;              /* -1: killed */
	const char *ref_signal;
	int calls, sites, procs;
	double ref_seconds;
	char stdout_hash[17], stderr_hash[17];
	bool stable;
	/* The plan, and which part of it this report covers */
	int planned;
	char plan[17];             /* a hash of the planned runs */
	int shard, nshards;        /* shard 0: a merge of nshards' reports */
	const bool *merged;        /* a merge: merged[k - 1] for shard k */
	const int *runs;           /* the planned indices of the runs made */
	int nruns;
	int shared_runs;           /* of them, served by the injector kept loaded */
	int path_runs;             /* of them, with a path= rule (an injector of their own) */
	double seconds;            /* the exploration's wall time (a merge: the shards' summed) */
	double runs_seconds;       /* of it, the runs' alone */
	int counts[C_NCLASSES];
	int loader_sites;          /* the loader's start-up sites not explored */
	const struct ei_explore_export *export; /* NULL: none */
	const struct ei_rrun *rruns; /* every run made, in planned order */
	int nrruns;
	bool verbose;              /* the text lists every run */
};

/* The report as SARIF and JUnit XML, to the streams of h->export that are
 * open (export.c). */
void ei_export(const struct ei_rhead *h, const struct ei_rfinding *fs, int nf);

/* The findings' labels (label.c): the frame shown and as many callers as
 * tell it from the others; then the label as text, and where its frames
 * are (module, offsets, build-id) as an eu-addr2line line per module. */
void ei_label_findings(struct ei_rfinding *fs, int nf);
void ei_label_text(FILE *f, const struct ei_rfinding *r);
void ei_label_where(FILE *f, const struct ei_rfinding *r);

/* The "FILE:LINE" of the first suppression matching r, NULL if none
 * (suppress.c). */
const char *ei_suppressed_by(const struct ei_suppressions *s, const struct ei_rfinding *r);
/* How many of the findings are suppressed; their list, one a line. */
int ei_suppressed_count(const struct ei_rfinding *fs, int nf);
void ei_suppressed_text(FILE *f, const struct ei_rfinding *fs, int nf);
/* Whether a site is the dynamic loader's own start-up: every frame in it. */
bool ei_site_in_loader(const struct ei_site *s);

/* Writes the report, text or JSON, findings sorted, and h->export's. */
void ei_report(FILE *f, bool json, const struct ei_rhead *h, struct ei_rfinding *fs, int nf);

#endif
