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

const char *const ei_cls_name[C_NCLASSES] = { "crashed", "hung", "lost", "absorbed", "handled", "unreached", "error" };

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

static void json_str_or_null(FILE *f, const char *s)
{
	if (s)
		ei_json_string(f, s, 4096);
	else
		fputs("null", f);
}

static void json_frame(FILE *f, const struct ei_frame *fr)
{
	fputs("{\"function\":", f);
	json_str_or_null(f, fr->func);
	fputs(",\"file\":", f);
	json_str_or_null(f, fr->file);
	fprintf(f, ",\"line\":%d,\"module\":", fr->line);
	ei_json_string(f, fr->module, 4096);
	fprintf(f, ",\"offset\":\"0x%llx\",\"build_id\":", (unsigned long long)fr->offset);
	json_str_or_null(f, fr->build_id);
	fprintf(f, ",\"own\":%s}", fr->own ? "true" : "false");
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

static void json_runs(FILE *f, const int *runs, int n)
{
	fputc('[', f);
	for (int i = 0; i < n; i++)
		fprintf(f, "%s%d", i ? "," : "", runs[i]);
	fputc(']', f);
}

/* The exploration: command, options, and the reference run. */
static void json_head(FILE *f, const struct ei_rhead *h)
{
	fputs("{\"command\":[", f);
	for (char *const *a = h->cmd; *a; a++) {
		if (a != h->cmd)
			fputc(',', f);
		ei_json_string(f, *a, 4096);
	}
	fputs("],\"set\":", f);
	ei_json_string(f, h->set, 4096);
	fputs(",\"by\":", f);
	ei_json_string(f, h->by, 64);
	fputs(",\"backend\":", f);
	ei_json_string(f, h->backend, 64);
	fprintf(f, ",\"seed\":%llu,\"timeout\":%g,\"max_runs\":", h->seed, h->timeout);
	if (h->max_runs)
		fprintf(f, "%ld", h->max_runs);
	else
		fputs("null", f);
	fprintf(f, ",\"reference\":{\"exit\":");
	if (h->ref_exit >= 0)
		fprintf(f, "%d,\"signal\":null", h->ref_exit);
	else {
		fputs("null,\"signal\":", f);
		json_str_or_null(f, h->ref_signal);
	}
	fprintf(f, ",\"calls\":%d,\"sites\":%d,\"processes\":%d,\"seconds\":%.3f,\"stdout_hash\":\"%s\","
		"\"stderr_hash\":\"%s\",\"stable\":%s},", h->calls, h->sites, h->procs, h->ref_seconds,
		h->stdout_hash, h->stderr_hash, h->stable ? "true" : "false");
}

/* The plan and the part of it run: a shard's index, or a merge's shards. */
static void json_plan(FILE *f, const struct ei_rhead *h)
{
	double rate = h->seconds > 0 ? h->nruns / h->seconds : 0;

	fprintf(f, "\"planned\":%d,\"plan\":\"%s\",\"shard\":{\"index\":", h->planned, h->plan);
	if (h->shard)
		fprintf(f, "%d,\"count\":%d", h->shard, h->nshards);
	else {
		fprintf(f, "null,\"count\":%d,\"merged\":[", h->nshards);
		for (int k = 0, n = 0; k < h->nshards; k++)
			if (h->merged[k])
				fprintf(f, "%s%d", n++ ? "," : "", k + 1);
		fputs("],\"missing\":[", f);
		for (int k = 0, n = 0; k < h->nshards; k++)
			if (!h->merged[k])
				fprintf(f, "%s%d", n++ ? "," : "", k + 1);
		fputc(']', f);
	}
	fputs(",\"runs\":", f);
	json_runs(f, h->runs, h->nruns);
	fprintf(f, "},\"runs\":%d,\"seconds\":%.3f,\"runs_per_second\":%.2f,\"shared_injector_runs\":%d,\"classes\":{",
		h->nruns, h->seconds, rate, h->shared_runs);
	for (int c = 0; c < C_NCLASSES; c++)
		fprintf(f, "%s\"%s\":%d", c ? "," : "", ei_cls_name[c], h->counts[c]);
	fputs("}", f);
}

static void json_finding(FILE *f, const struct ei_rfinding *r)
{
	fprintf(f, "{\"class\":\"%s\",\"signal\":", ei_cls_name[r->cls]);
	json_str_or_null(f, r->signal);
	fprintf(f, ",\"exit\":");
	if (r->exit >= 0)
		fprintf(f, "%d", r->exit);
	else
		fputs("null", f);
	fputs(",\"status\":", f);
	ei_json_string(f, r->status, sizeof(r->status));
	fputs(",\"syscall\":", f);
	ei_json_string(f, r->syscall, 64);
	fputs(",\"errno\":", f);
	ei_json_string(f, r->err, 64);
	fputs(",\"errnos\":[", f);
	for (int k = 0; k < r->nerrs; k++) {
		if (k)
			fputc(',', f);
		ei_json_string(f, r->errs[k], 64);
	}
	fputs("],\"errno_runs\":", f);
	json_runs(f, r->err_runs, r->nerrs);
	fputs(",\"process\":", f);
	ei_json_string(f, r->process, 4096);
	fprintf(f, ",\"when\":%llu,\"other_processes\":%d,\"process_picked\":%s,\"sanitizer\":%s,\"call\":%d,"
		"\"run\":%d,\"failed_calls\":%llu,\"site_key\":", r->when, r->others, r->picked ? "true" : "false",
		r->sanitizer ? "true" : "false", r->call, r->run, r->failed);
	ei_json_string(f, r->site_key, 65536);
	fputs(",\"site\":", f);
	if (r->site)
		json_frame(f, r->site);
	else
		fputs("null", f);
	fputs(",\"stack\":[", f);
	for (int k = 0; k < r->nframes; k++) {
		if (k)
			fputc(',', f);
		json_frame(f, &r->frames[k]);
	}
	fputs("],\"stderr\":", f);
	ei_json_string(f, r->errtail ? r->errtail : "", 4096);
	fputs(",\"reproduce\":", f);
	ei_json_string(f, r->repro ? r->repro : "", 8192);
	fprintf(f, ",\"confirmed\":\"%s\",\"flaky\":%s}", ei_cls_name[r->confirmed], r->flaky ? "true" : "false");
}

static void json_report(FILE *f, const struct ei_rhead *h, const struct ei_rfinding *fs, int nf)
{
	json_head(f, h);
	json_plan(f, h);
	fputs(",\"findings\":[", f);
	for (int i = 0; i < nf; i++) {
		if (i)
			fputc(',', f);
		json_finding(f, &fs[i]);
	}
	fputs("]}\n", f);
}

static void text_report(FILE *f, const struct ei_rhead *h, const struct ei_rfinding *fs, int nf)
{
	double rate = h->seconds > 0 ? h->nruns / h->seconds : 0;

	fprintf(f, "errinj explore: %d runs in %.1f s (%.2f runs/s, %d on one injector kept loaded); reference: %d calls "
		"at %d sites in %d process%s, ",
		h->nruns, h->seconds, rate, h->shared_runs, h->calls, h->sites, h->procs, h->procs == 1 ? "" : "es");
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
	if (!nf)
		fputs("no crash, hang or lost output found\n", f);
	for (int i = 0; i < nf; i++) {
		const struct ei_rfinding *r = &fs[i];
		int k;
		fprintf(f, "\n%s%s%s%s: %s %s", ei_cls_name[r->cls], r->signal ? " (" : "", r->signal ? r->signal : "",
			r->signal ? ")" : "", r->syscall, r->err);
		for (k = 0; k < r->nerrs; k++)
			if (strcmp(r->errs[k], r->err))
				fprintf(f, "/%s", r->errs[k]);
		fputs(" in ", f);
		if (r->site)
			frame_text(f, r->site);
		else
			fputs("(stack not unwound)", f);
		fprintf(f, "%s\n", r->flaky ? " [flaky]" : "");
		fprintf(f, "  call %llu of %s in process %s; %s; confirmed: %s\n", r->when, r->syscall, r->process,
			r->status, ei_cls_name[r->confirmed]);
		for (k = 0; k < r->nframes; k++) {
			fprintf(f, "  #%d ", k);
			frame_text(f, &r->frames[k]);
			fputc('\n', f);
		}
		if (r->errtail && *r->errtail) {
			char *save = NULL, *dup = strdup(r->errtail);
			for (char *l = dup ? strtok_r(dup, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save))
				fprintf(f, "  stderr: %s\n", l);
			free(dup);
		}
		fprintf(f, "  reproduce: %s\n", r->repro ? r->repro : "");
		if (r->others && r->picked)
			fprintf(f, "  (when= counts per process: the seed picks process %s's call %llu, not that of the %d "
				   "other process%s that make one)\n",
				r->process, r->when, r->others, r->others == 1 ? "" : "es");
		else if (r->others)
			fprintf(f, "  (when= counts per process: this line also fails call %llu of %s in %d other process%s)\n",
				r->when, r->syscall, r->others, r->others == 1 ? "" : "es");
	}
}

void ei_report(FILE *f, bool json, const struct ei_rhead *h, struct ei_rfinding *fs, int nf)
{
	qsort(fs, (size_t)nf, sizeof(*fs), rfinding_cmp);
	if (json)
		json_report(f, h, fs, nf);
	else
		text_report(f, h, fs, nf);
	fflush(f);
}
