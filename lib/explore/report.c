// SPDX-License-Identifier: GPL-2.0
/*
 * errinj explore's report, text or JSON, of an exploration, of a shard of
 * one (run.c) or of a merge of shards' reports (merge.c): the same code
 * writes all three, so that a merge reads as the unsharded run would.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explore/internal.h"

static const char *base(const char *p)
{
	const char *s = p ? strrchr(p, '/') : NULL;
	return s ? s + 1 : p;
}

static void frame_text(FILE *f, const struct ei_frame *fr)
{
	fprintf(f, "%s", fr->func ? fr->func : "??");
	if (fr->file)
		fprintf(f, " at %s:%d", fr->file, fr->line);
	fprintf(f, " (%s+0x%llx)", base(fr->module), (unsigned long long)fr->offset);
}

/* A member: key, then its value (a string of at most max bytes, or null). */
static void kstr(struct ei_jw *w, const char *key, const char *s, size_t max)
{
	ei_jw_key(w, key);
	ei_jw_stringn(w, s, max);
}

static void kint(struct ei_jw *w, const char *key, long long v)
{
	ei_jw_key(w, key);
	ei_jw_int(w, v);
}

static void kbool(struct ei_jw *w, const char *key, bool v)
{
	ei_jw_key(w, key);
	ei_jw_bool(w, v);
}

static void json_frame(struct ei_jw *w, const struct ei_frame *fr)
{
	ei_jw_object(w);
	kstr(w, "function", fr->func, 4096);
	kstr(w, "file", fr->file, 4096);
	kint(w, "line", fr->line);
	kstr(w, "module", fr->module, 4096);
	ei_jw_key(w, "offset");
	ei_jw_stringf(w, "0x%llx", (unsigned long long)fr->offset);
	kstr(w, "build_id", fr->build_id, 4096);
	kbool(w, "own", fr->own);
	ei_jw_object_end(w);
}

/* Class, then the reference's call order, then the planned order: the
 * same order whichever shards found what. */
static int rfinding_cmp(const void *a, const void *b)
{
	const struct ei_rfinding *x = a, *y = b;

	if (x->cls != y->cls)
		return x->cls - y->cls;
	if (x->call != y->call)
		return x->call - y->call;
	return x->run - y->run;
}

static void json_runs(struct ei_jw *w, const char *key, const int *runs, int n)
{
	ei_jw_key(w, key);
	ei_jw_array(w);
	for (int i = 0; i < n; i++)
		ei_jw_int(w, runs[i]);
	ei_jw_array_end(w);
}

/* The shards k + 1 that a merge has (or lacks: merged false). */
static void json_shards(struct ei_jw *w, const char *key, const struct ei_rhead *h, bool merged)
{
	ei_jw_key(w, key);
	ei_jw_array(w);
	for (int k = 0; k < h->nshards; k++)
		if (h->merged[k] == merged)
			ei_jw_int(w, k + 1);
	ei_jw_array_end(w);
}

/* The exploration: command, options, and the reference run. */
static void json_head(struct ei_jw *w, const struct ei_rhead *h)
{
	ei_jw_key(w, "command");
	ei_jw_array(w);
	for (char *const *a = h->cmd; *a; a++)
		ei_jw_stringn(w, *a, 4096);
	ei_jw_array_end(w);
	kstr(w, "set", h->set, 4096);
	kstr(w, "by", h->by, 64);
	kstr(w, "backend", h->backend, 64);
	ei_jw_key(w, "seed");
	ei_jw_uint(w, h->seed);
	ei_jw_key(w, "timeout");
	ei_jw_double(w, h->timeout, -1);
	ei_jw_key(w, "max_runs");
	if (h->max_runs)
		ei_jw_int(w, h->max_runs);
	else
		ei_jw_null(w);
	ei_jw_key(w, "reference");
	ei_jw_object(w);
	ei_jw_key(w, "exit");
	if (h->ref_exit >= 0)
		ei_jw_int(w, h->ref_exit);
	else
		ei_jw_null(w);
	kstr(w, "signal", h->ref_exit >= 0 ? NULL : h->ref_signal, 4096);
	kint(w, "calls", h->calls);
	kint(w, "sites", h->sites);
	kint(w, "loader_sites", h->loader_sites);
	kint(w, "processes", h->procs);
	ei_jw_key(w, "seconds");
	ei_jw_double(w, h->ref_seconds, 3);
	kstr(w, "stdout_hash", h->stdout_hash, sizeof(h->stdout_hash));
	kstr(w, "stderr_hash", h->stderr_hash, sizeof(h->stderr_hash));
	kbool(w, "stable", h->stable);
	ei_jw_object_end(w);
}

/* The plan and the part of it run: a shard's index, or a merge's shards. */
static void json_plan(struct ei_jw *w, const struct ei_rhead *h)
{
	double rate = h->seconds > 0 ? h->nruns / h->seconds : 0;

	kint(w, "planned", h->planned);
	kstr(w, "plan", h->plan, sizeof(h->plan));
	ei_jw_key(w, "shard");
	ei_jw_object(w);
	ei_jw_key(w, "index");
	if (h->shard)
		ei_jw_int(w, h->shard);
	else
		ei_jw_null(w);
	kint(w, "count", h->nshards);
	if (!h->shard) {
		json_shards(w, "merged", h, true);
		json_shards(w, "missing", h, false);
	}
	json_runs(w, "runs", h->runs, h->nruns);
	ei_jw_object_end(w);
	kint(w, "runs", h->nruns);
	ei_jw_key(w, "seconds");
	ei_jw_double(w, h->seconds, 3);
	ei_jw_key(w, "runs_per_second");
	ei_jw_double(w, rate, 2);
	ei_jw_key(w, "runs_seconds");
	ei_jw_double(w, h->runs_seconds, 3);
	kint(w, "shared_injector_runs", h->shared_runs);
	kint(w, "path_runs", h->path_runs);
	ei_jw_key(w, "classes");
	ei_jw_object(w);
	for (int c = 0; c < C_NCLASSES; c++)
		kint(w, ei_cls_name[c], h->counts[c]);
	ei_jw_object_end(w);
}

static void json_finding(struct ei_jw *w, const struct ei_rfinding *r)
{
	ei_jw_object(w);
	kstr(w, "class", ei_cls_name[r->cls], 64);
	kstr(w, "signal", r->signal, 4096);
	ei_jw_key(w, "exit");
	if (r->exit >= 0)
		ei_jw_int(w, r->exit);
	else
		ei_jw_null(w);
	kstr(w, "status", r->status, sizeof(r->status));
	kstr(w, "syscall", r->syscall, 64);
	kstr(w, "errno", r->err, 64);
	ei_jw_key(w, "errnos");
	ei_jw_array(w);
	for (int k = 0; k < r->nerrs; k++)
		ei_jw_stringn(w, r->errs[k], 64);
	ei_jw_array_end(w);
	json_runs(w, "errno_runs", r->err_runs, r->nerrs);
	kstr(w, "process", r->process, 4096);
	ei_jw_key(w, "when");
	ei_jw_uint(w, r->when);
	kint(w, "other_processes", r->others);
	kbool(w, "process_picked", r->picked);
	kbool(w, "sanitizer", r->sanitizer);
	kint(w, "call", r->call);
	kint(w, "run", r->run);
	ei_jw_key(w, "failed_calls");
	ei_jw_uint(w, r->failed);
	kstr(w, "site_key", r->site_key, 65536);
	ei_jw_key(w, "site");
	if (r->site)
		json_frame(w, r->site);
	else
		ei_jw_null(w);
	ei_jw_key(w, "stack");
	ei_jw_array(w);
	for (int k = 0; k < r->nframes; k++)
		json_frame(w, &r->frames[k]);
	ei_jw_array_end(w);
	kstr(w, "stderr", r->errtail ? r->errtail : "", 4096);
	kstr(w, "lost_output", r->lost_output, 8192);
	kstr(w, "reproduce", r->repro ? r->repro : "", 8192);
	kstr(w, "confirmed", ei_cls_name[r->confirmed], 64);
	kbool(w, "flaky", r->flaky);
	kstr(w, "suppressed", r->suppressed, 4096);
	ei_jw_object_end(w);
}

static void json_rruns(struct ei_jw *w, const struct ei_rhead *h)
{
	ei_jw_key(w, "results");
	ei_jw_array(w);
	for (int i = 0; i < h->nrruns; i++) {
		const struct ei_rrun *r = &h->rruns[i];
		ei_jw_object(w);
		kint(w, "run", r->run);
		kstr(w, "class", ei_cls_name[r->cls], 64);
		kstr(w, "status", r->status, sizeof(r->status));
		kstr(w, "syscall", r->syscall, 64);
		kstr(w, "errno", r->err, 64);
		kstr(w, "process", r->process, 4096);
		ei_jw_key(w, "when");
		ei_jw_uint(w, r->when);
		kstr(w, "stderr", r->errtail ? r->errtail : "", 4096);
		ei_jw_object_end(w);
	}
	ei_jw_array_end(w);
}

static void json_report(FILE *f, const struct ei_rhead *h, const struct ei_rfinding *fs, int nf)
{
	struct ei_jw w;

	ei_jw_init(&w, f);
	ei_jw_object(&w);
	json_head(&w, h);
	json_plan(&w, h);
	ei_jw_key(&w, "findings");
	ei_jw_array(&w);
	for (int i = 0; i < nf; i++)
		json_finding(&w, &fs[i]);
	ei_jw_array_end(&w);
	json_rruns(&w, h);
	ei_jw_object_end(&w);
	fputc('\n', f);
}

/* The stderr tail, a line each, indented. */
static void text_stderr(FILE *f, const char *indent, const char *errtail)
{
	char *save = NULL, *dup;

	if (!errtail || !*errtail)
		return;
	dup = strdup(errtail);
	for (char *l = dup ? strtok_r(dup, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save))
		fprintf(f, "%sstderr: %s\n", indent, l);
	free(dup);
}

/* -v: every run made, in planned order. */
static void text_rruns(FILE *f, const struct ei_rhead *h)
{
	fprintf(f, "\nevery run (%d):\n", h->nrruns);
	for (int i = 0; i < h->nrruns; i++) {
		const struct ei_rrun *r = &h->rruns[i];
		fprintf(f, "run %d: %s: %s %s, call %llu of %s in process %s; %s\n", r->run, ei_cls_name[r->cls],
			r->syscall, r->err, r->when, r->syscall, r->process, r->status);
		text_stderr(f, "  ", r->errtail);
	}
}

static void text_report(FILE *f, const struct ei_rhead *h, const struct ei_rfinding *fs, int nf)
{
	double rate = h->seconds > 0 ? h->nruns / h->seconds : 0;

	fprintf(f, "errinj explore: %d run%s in %.1f s (%.2f runs/s", h->nruns, h->nruns == 1 ? "" : "s", h->seconds,
		rate);
	/* Said only where an injector was kept loaded (a BPF backend). */
	if (h->shared_runs)
		fprintf(f, ", %d on one injector kept loaded", h->shared_runs);
	fprintf(f, "); reference: %d call%s at %d site%s in %d process%s, ", h->calls, h->calls == 1 ? "" : "s",
		h->sites, h->sites == 1 ? "" : "s", h->procs, h->procs == 1 ? "" : "es");
	if (h->ref_exit >= 0)
		fprintf(f, "exit %d\n", h->ref_exit);
	else
		fprintf(f, "killed by %s\n", h->ref_signal ? h->ref_signal : "a signal");
	if (h->shard && h->nshards > 1)
		fprintf(f, "shard %d/%d: %d of the %d planned runs\n", h->shard, h->nshards, h->nruns, h->planned);
	if (!h->shard && h->nruns < h->planned) {
		fputs("warning: shard", f);
		for (int k = 0, n = 0; k < h->nshards; k++)
			if (!h->merged[k])
				fprintf(f, "%s %d", n++ ? "," : "", k + 1);
		fprintf(f, " of %d missing: %d of the %d planned runs\n", h->nshards, h->nruns, h->planned);
	}
	if (!h->stable)
		fputs("warning: a run with nothing failed did not give the reference's status and stdout: "
		      "lost and absorbed are unreliable\n", f);
	for (int c = 0; c < C_NCLASSES; c++)
		fprintf(f, "%s%s %d", c ? ", " : "runs: ", ei_cls_name[c], h->counts[c]);
	fputc('\n', f);
	if (h->loader_sites)
		fprintf(f, "not explored: %d call site%s of the dynamic loader's start-up (--loader explores them)\n",
			h->loader_sites, h->loader_sites == 1 ? "" : "s");
	if (ei_suppressed_count(fs, nf) == nf)
		fputs("no crash, hang or lost output found\n", f);
	for (int i = 0; i < nf; i++) {
		const struct ei_rfinding *r = &fs[i];
		int k;
		if (r->suppressed)
			continue;
		fprintf(f, "\n%s%s%s%s: %s %s", ei_cls_name[r->cls], r->signal ? " (" : "", r->signal ? r->signal : "",
			r->signal ? ")" : "", r->syscall, r->err);
		for (k = 0; k < r->nerrs; k++)
			if (strcmp(r->errs[k], r->err))
				fprintf(f, "/%s", r->errs[k]);
		fputs(" in ", f);
		ei_label_text(f, r);
		fprintf(f, "%s\n", r->flaky ? " [flaky]" : "");
		fprintf(f, "  call %llu of %s in process %s; %s; confirmed: %s\n", r->when, r->syscall, r->process,
			r->status, ei_cls_name[r->confirmed]);
		if (r->lost_output)
			fprintf(f, "  output changed: %s\n", r->lost_output);
		for (k = 0; k < r->nframes; k++) {
			fprintf(f, "  #%d ", k);
			frame_text(f, &r->frames[k]);
			fputc('\n', f);
		}
		ei_label_where(f, r);
		text_stderr(f, "  ", r->errtail);
		fprintf(f, "  reproduce: %s\n", r->repro ? r->repro : "");
		if (r->flaky)
			fprintf(f, "  (run as printed, this line gave %s%s: the finding is marked flaky)\n",
				ei_cls_name[r->confirmed], r->confirmed == r->cls ? " with another signal" : "");
		if (r->others && r->picked)
			fprintf(f, "  (when= counts per process: the seed picks process %s's call %llu, not that of the %d "
				   "other process%s that make%s one)\n",
				r->process, r->when, r->others, r->others == 1 ? "" : "es", r->others == 1 ? "s" : "");
		else if (r->others)
			fprintf(f, "  (when= counts per process: this line also fails call %llu of %s in %d other process%s)\n",
				r->when, r->syscall, r->others, r->others == 1 ? "" : "es");
	}
	ei_suppressed_text(f, fs, nf);
	if (h->verbose)
		text_rruns(f, h);
}

void ei_report(FILE *f, bool json, const struct ei_rhead *h, struct ei_rfinding *fs, int nf)
{
	qsort(fs, (size_t)nf, sizeof(*fs), rfinding_cmp);
	ei_label_findings(fs, nf);
	if (json)
		json_report(f, h, fs, nf);
	else
		text_report(f, h, fs, nf);
	fflush(f);
	if (h->export)
		ei_export(h, fs, nf);
}
