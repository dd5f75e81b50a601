// SPDX-License-Identifier: GPL-2.0
/*
 * errinj explore --merge: the JSON reports of the shards of one
 * exploration (errinj explore --shard K/N on each machine), read back and
 * checked to be of one exploration, their findings joined by (site,
 * class, signal) as a single run joins its runs', so that the merged
 * report (written by report.c) is the one the unsharded exploration
 * would have printed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "explore/internal.h"

struct shard_report {
	const char *file;
	struct ei_json *root;
	int shard;
	struct ei_rfinding *fs;
	int nf;
};

/* Reading a report: the first field found wrong is said, with its file. */
struct reader {
	const char *file;
	const char *finding; /* "finding 3: ", or "" */
	bool bad;
};

static const struct ei_json *field(struct reader *rd, const struct ei_json *obj, const char *key,
				   enum ei_json_type type, bool nullable)
{
	const struct ei_json *v = ei_json_get(obj, key);
	static const char *const tname[] = { "null", "boolean", "integer", "number", "string", "array", "object" };

	if (v && (v->type == type || (nullable && v->type == EI_JSON_NULL) ||
		  (type == EI_JSON_DOUBLE && v->type == EI_JSON_INT)))
		return v;
	if (!rd->bad)
		ei_msg("%s: not an errinj explore report: %s\"%s\" %s %s%s", rd->file, rd->finding, key,
		       v ? "is not" : "is missing, expected", type == EI_JSON_INT ? "an " : "a ", tname[type]);
	rd->bad = true;
	return NULL;
}

static const char *field_str(struct reader *rd, const struct ei_json *obj, const char *key, bool nullable)
{
	const struct ei_json *v = field(rd, obj, key, EI_JSON_STRING, nullable);
	return v ? v->s : NULL;
}

static long long field_int(struct reader *rd, const struct ei_json *obj, const char *key, long long min,
			   long long max)
{
	const struct ei_json *v = field(rd, obj, key, EI_JSON_INT, false);
	long long x = 0;

	if (v && !ei_json_int(v, min, max, &x)) {
		if (!rd->bad)
			ei_msg("%s: not an errinj explore report: %s\"%s\" out of range", rd->file, rd->finding, key);
		rd->bad = true;
	}
	return x;
}

static bool field_bool(struct reader *rd, const struct ei_json *obj, const char *key)
{
	const struct ei_json *v = field(rd, obj, key, EI_JSON_BOOL, false);
	return v && v->b;
}

static int field_cls(struct reader *rd, const struct ei_json *obj, const char *key)
{
	const char *s = field_str(rd, obj, key, false);

	for (int c = 0; s && c < C_NCLASSES; c++)
		if (!strcmp(s, ei_cls_name[c]))
			return c;
	if (s && !rd->bad)
		ei_msg("%s: not an errinj explore report: %s\"%s\" is not a class", rd->file, rd->finding, key);
	rd->bad = true;
	return 0;
}

static void read_frame(struct reader *rd, const struct ei_json *v, struct ei_frame *fr)
{
	const char *off;
	char *end;

	if (!v || v->type != EI_JSON_OBJECT) {
		if (!rd->bad)
			ei_msg("%s: not an errinj explore report: %sa frame is not an object", rd->file, rd->finding);
		rd->bad = true;
		return;
	}
	fr->func = (char *)field_str(rd, v, "function", true);
	fr->file = (char *)field_str(rd, v, "file", true);
	fr->line = (int)field_int(rd, v, "line", -0x7fffffffLL - 1, 0x7fffffff);
	fr->module = (char *)field_str(rd, v, "module", false);
	fr->build_id = (char *)field_str(rd, v, "build_id", true);
	fr->own = field_bool(rd, v, "own");
	off = field_str(rd, v, "offset", false);
	if (off) {
		errno = 0;
		fr->offset = strtoull(off, &end, 16);
		if (errno || strncmp(off, "0x", 2) || *end) {
			if (!rd->bad)
				ei_msg("%s: not an errinj explore report: %sbad offset", rd->file, rd->finding);
			rd->bad = true;
		}
	}
}

/* The findings of one report, in the words of the report; their strings
 * stay in the report's tree. */
static int read_findings(struct reader *rd, struct shard_report *r, int planned)
{
	const struct ei_json *a = field(rd, r->root, "findings", EI_JSON_ARRAY, false);
	char where[64];

	if (!a)
		return -1;
	if (!(r->fs = calloc(a->n + 1, sizeof(*r->fs)))) {
		ei_msg("out of memory");
		return -1;
	}
	for (size_t i = 0; i < a->n && !rd->bad; i++) {
		const struct ei_json *v = &a->items[i], *errs, *runs, *stack, *site;
		struct ei_rfinding *f = &r->fs[r->nf++];
		snprintf(where, sizeof(where), "finding %zu: ", i + 1);
		rd->finding = where;
		if (v->type != EI_JSON_OBJECT) {
			ei_msg("%s: not an errinj explore report: finding %zu is not an object", rd->file, i + 1);
			rd->bad = true;
			break;
		}
		f->cls = field_cls(rd, v, "class");
		f->confirmed = field_cls(rd, v, "confirmed");
		f->flaky = field_bool(rd, v, "flaky");
		f->signal = field_str(rd, v, "signal", true);
		f->exit = field(rd, v, "exit", EI_JSON_INT, true) && ei_json_get(v, "exit")->type == EI_JSON_INT ?
				  (int)field_int(rd, v, "exit", 0, 255) : -1;
		snprintf(f->status, sizeof(f->status), "%s", field_str(rd, v, "status", false) ?: "");
		f->syscall = field_str(rd, v, "syscall", false);
		f->err = field_str(rd, v, "errno", false);
		f->process = field_str(rd, v, "process", false);
		f->when = (unsigned long long)field_int(rd, v, "when", 0, 0x7fffffffffffffffLL);
		f->others = (int)field_int(rd, v, "other_processes", 0, 0x7fffffff);
		f->picked = field_bool(rd, v, "process_picked");
		f->sanitizer = field_bool(rd, v, "sanitizer");
		f->failed = (unsigned long long)field_int(rd, v, "failed_calls", 0, 0x7fffffffffffffffLL);
		f->call = (int)field_int(rd, v, "call", 0, 0x7fffffff);
		f->run = (int)field_int(rd, v, "run", 0, planned - 1);
		f->site_key = field_str(rd, v, "site_key", false);
		f->errtail = field_str(rd, v, "stderr", false);
		f->repro = field_str(rd, v, "reproduce", false);
		f->lost_output = field_str(rd, v, "lost_output", true);
		/* Reports older than --suppress have none. */
		f->suppressed = ei_json_get(v, "suppressed") ? field_str(rd, v, "suppressed", true) : NULL;
		errs = field(rd, v, "errnos", EI_JSON_ARRAY, false);
		runs = field(rd, v, "errno_runs", EI_JSON_ARRAY, false);
		stack = field(rd, v, "stack", EI_JSON_ARRAY, false);
		site = field(rd, v, "site", EI_JSON_OBJECT, true);
		if (rd->bad)
			break;
		if (errs->n != runs->n || errs->n > EI_FINDING_MAX_ERRNOS || stack->n > EI_EXPLORE_MAX_FRAMES * 4) {
			ei_msg("%s: not an errinj explore report: %serrnos and errno_runs do not match", rd->file, where);
			rd->bad = true;
			break;
		}
		for (size_t k = 0; k < errs->n; k++) {
			long long run;
			f->errs[k] = ei_json_str(&errs->items[k]);
			if (!f->errs[k] || !ei_json_int(&runs->items[k], 0, planned - 1, &run)) {
				ei_msg("%s: not an errinj explore report: %sbad errnos", rd->file, where);
				rd->bad = true;
				break;
			}
			f->err_runs[k] = (int)run;
		}
		f->nerrs = (int)errs->n;
		/* The frames, then the frame shown at the end. */
		if (!(f->frames = calloc(stack->n + 1, sizeof(*f->frames)))) {
			ei_msg("out of memory");
			return -1;
		}
		f->nframes = (int)stack->n;
		for (size_t k = 0; k < stack->n; k++)
			read_frame(rd, &stack->items[k], &f->frames[k]);
		if (site->type == EI_JSON_OBJECT) {
			read_frame(rd, site, &f->frames[stack->n]);
			f->site = &f->frames[stack->n];
		}
	}
	rd->finding = "";
	return rd->bad ? -1 : 0;
}

static bool json_equal(const struct ei_json *a, const struct ei_json *b)
{
	if (!a || !b || a->type != b->type)
		return a == b;
	switch (a->type) {
	case EI_JSON_NULL:
		return true;
	case EI_JSON_BOOL:
		return a->b == b->b;
	case EI_JSON_INT:
		return a->big == b->big && a->i == b->i && a->u == b->u;
	case EI_JSON_DOUBLE:
		return a->d == b->d;
	case EI_JSON_STRING:
		return a->len == b->len && !memcmp(a->s, b->s, a->len);
	default:
		if (a->n != b->n)
			return false;
		for (size_t i = 0; i < a->n; i++)
			if ((a->keys && strcmp(a->keys[i], b->keys[i])) || !json_equal(&a->items[i], &b->items[i]))
				return false;
		return true;
	}
}

static bool same_group(const struct ei_rfinding *a, const struct ei_rfinding *b)
{
	return a->cls == b->cls && !strcmp(a->site_key, b->site_key) &&
	       (a->signal && b->signal ? !strcmp(a->signal, b->signal) : a->signal == b->signal);
}

static int int_cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return x < y ? -1 : x > y;
}

/* Joins finding f into group g as a single run would have: the errnos
 * of both in planned order, the first run's all else. */
static void join(struct ei_rfinding *g, const struct ei_rfinding *f)
{
	struct {
		int run;
		const char *err;
	} all[EI_FINDING_MAX_ERRNOS * 2];
	int n = 0;

	for (int k = 0; k < g->nerrs; k++)
		all[n].run = g->err_runs[k], all[n++].err = g->errs[k];
	for (int k = 0; k < f->nerrs; k++)
		all[n].run = f->err_runs[k], all[n++].err = f->errs[k];
	/* int_cmp on the run, the struct's first member. */
	qsort(all, (size_t)n, sizeof(all[0]), int_cmp);
	if (f->run < g->run)
		*g = *f;
	g->nerrs = n < EI_FINDING_MAX_ERRNOS ? n : EI_FINDING_MAX_ERRNOS;
	for (int k = 0; k < g->nerrs; k++) {
		g->err_runs[k] = all[k].run;
		g->errs[k] = all[k].err;
	}
}

static int shard_cmp(const void *a, const void *b)
{
	return ((const struct shard_report *)a)->shard - ((const struct shard_report *)b)->shard;
}


/* The report in file, parsed into r->root: 0, or EI_EXIT_USAGE after a
 * sentence (unreadable, not JSON, not a report of errinj explore). */
static int load_report(struct shard_report *r, const char *file)
{
	char err[256], q[128];
	size_t len;
	char *text;
	int fd = open(file, O_RDONLY | O_CLOEXEC);

	r->file = file;
	if (fd < 0 || !(text = ei_read_whole(fd, &len))) {
		ei_msg("cannot read %s: %s", ei_quote(file, q, sizeof(q)), strerror(errno));
		if (fd >= 0)
			close(fd);
		return EI_EXIT_USAGE;
	}
	close(fd);
	r->root = ei_json_parse(text, len, err, sizeof(err));
	free(text);
	if (!r->root) {
		ei_msg("%s: not JSON (%s)", ei_quote(file, q, sizeof(q)), err);
		return EI_EXIT_USAGE;
	}
	if (r->root->type != EI_JSON_OBJECT || !ei_json_get(r->root, "findings") || !ei_json_get(r->root, "plan")) {
		ei_msg("%s: not a JSON report of errinj explore", ei_quote(file, q, sizeof(q)));
		return EI_EXIT_USAGE;
	}
	return 0;
}

/* The header's fields, each of its type, in a shard's report (not a
 * merge's): false after a sentence. */
static bool check_header(struct reader *rd, const struct shard_report *r)
{
	const struct ei_json *sh, *ri, *ref;
	char q[128];

	sh = field(rd, r->root, "shard", EI_JSON_OBJECT, false);
	ri = field(rd, sh, "index", EI_JSON_INT, true);
	if (ri && ri->type == EI_JSON_NULL) {
		ei_msg("%s: a merged report, not a shard's", ei_quote(r->file, q, sizeof(q)));
		return false;
	}
	field(rd, r->root, "command", EI_JSON_ARRAY, false);
	field_str(rd, r->root, "set", false);
	field_str(rd, r->root, "by", false);
	field_str(rd, r->root, "backend", false);
	field(rd, r->root, "seed", EI_JSON_INT, false);
	field(rd, r->root, "timeout", EI_JSON_DOUBLE, false);
	field_int(rd, r->root, "planned", 0, 0x7fffffff);
	field_str(rd, r->root, "plan", false);
	ref = field(rd, r->root, "reference", EI_JSON_OBJECT, false);
	field_int(rd, ref, "calls", 0, 0x7fffffff);
	field_int(rd, ref, "sites", 0, 0x7fffffff);
	field_int(rd, ref, "processes", 0, 0x7fffffff);
	field(rd, ref, "seconds", EI_JSON_DOUBLE, false);
	field_str(rd, ref, "stdout_hash", false);
	field_str(rd, ref, "stderr_hash", false);
	field_bool(rd, ref, "stable");
	field(rd, r->root, "seconds", EI_JSON_DOUBLE, false);
	field(rd, r->root, "classes", EI_JSON_OBJECT, false);
	field(rd, sh, "runs", EI_JSON_ARRAY, false);
	return !rd->bad;
}

/* One exploration: r has the same command, selection, options and
 * reference as the first report, hence the same plan, cut into the same
 * N, and a shard of its own. False after a sentence. */
static bool same_exploration(const struct shard_report *rs, int i, int nshards)
{
	static const char *const same[] = { "command", "set", "by", "backend", "seed", "timeout", "max_runs",
					    "planned", "plan" };
	static const char *const same_ref[] = { "exit", "signal", "calls", "sites", "processes", "stdout_hash",
						"stderr_hash" };
	const struct shard_report *r = &rs[i];
	const struct ei_json *ref = ei_json_get(r->root, "reference"), *ref0 = ei_json_get(rs[0].root, "reference");

	for (int k = 0; i && k < (int)(sizeof(same) / sizeof(same[0])); k++)
		if (!json_equal(ei_json_get(r->root, same[k]), ei_json_get(rs[0].root, same[k]))) {
			ei_msg("%s and %s are not of the same exploration (%s differs)", r->file, rs[0].file, same[k]);
			return false;
		}
	for (int k = 0; i && k < (int)(sizeof(same_ref) / sizeof(same_ref[0])); k++)
		if (!json_equal(ei_json_get(ref, same_ref[k]), ei_json_get(ref0, same_ref[k]))) {
			ei_msg("%s and %s are not of the same exploration (the reference run's %s differs)", r->file,
			       rs[0].file, same_ref[k]);
			return false;
		}
	if (i && !json_equal(ei_json_get(ei_json_get(r->root, "shard"), "count"),
			     ei_json_get(ei_json_get(rs[0].root, "shard"), "count"))) {
		ei_msg("%s and %s are not of the same exploration (N of --shard K/N differs)", r->file, rs[0].file);
		return false;
	}
	for (int k = 0; k < i; k++)
		if (rs[k].shard == r->shard) {
			ei_msg("shard %d/%d given twice: %s and %s", r->shard, nshards, rs[k].file, r->file);
			return false;
		}
	return true;
}

/* How many runs the shard made (its planned indices checked), or -1
 * after a sentence. */
static int shard_runs(const struct shard_report *r, int planned)
{
	const struct ei_json *sr = ei_json_get(ei_json_get(r->root, "shard"), "runs");
	long long x;

	for (size_t k = 0; k < sr->n; k++)
		if (!ei_json_int(&sr->items[k], 0, planned - 1, &x)) {
			ei_msg("%s: not an errinj explore report: bad runs of the shard", r->file);
			return -1;
		}
	return (int)sr->n;
}

/* Reads and checks the i-th report into rs[i]; h gets the plan's size
 * and N, *total the runs made. 0, or EI_EXIT_USAGE after a sentence. */
static int read_shard(struct shard_report *rs, int i, const char *file, struct ei_rhead *h, int *total)
{
	struct shard_report *r = &rs[i];
	struct reader rd = { .file = file, .finding = "" };
	const struct ei_json *sh;
	int n;

	if (load_report(r, file) || !check_header(&rd, r))
		return EI_EXIT_USAGE;
	sh = ei_json_get(r->root, "shard");
	h->nshards = (int)field_int(&rd, sh, "count", 1, 1000000);
	r->shard = (int)field_int(&rd, sh, "index", 1, h->nshards);
	h->planned = (int)field_int(&rd, r->root, "planned", 0, 0x7fffffff);
	if (rd.bad || !same_exploration(rs, i, h->nshards) || read_findings(&rd, r, h->planned))
		return EI_EXIT_USAGE;
	if ((n = shard_runs(r, h->planned)) < 0)
		return EI_EXIT_USAGE;
	*total += n;
	return 0;
}

/* The header of the merge: the first shard's (rs[0]), *cmd its command.
 * 0, EI_EXIT_USAGE (a command not of strings) or EI_EXIT_FAIL after a
 * sentence. */
static int first_header(const struct shard_report *rs, struct ei_rhead *h, char ***cmd)
{
	const struct ei_json *root = rs[0].root, *c = ei_json_get(root, "command"), *ref, *v;

	if (!(*cmd = calloc(c->n + 1, sizeof(**cmd)))) {
		ei_msg("out of memory");
		return EI_EXIT_FAIL;
	}
	for (size_t k = 0; k < c->n; k++)
		if (!((*cmd)[k] = (char *)ei_json_str(&c->items[k]))) {
			ei_msg("%s: not an errinj explore report: the command is not strings", rs[0].file);
			return EI_EXIT_USAGE;
		}
	h->cmd = *cmd;
	h->set = ei_json_str(ei_json_get(root, "set"));
	h->by = ei_json_str(ei_json_get(root, "by"));
	h->backend = ei_json_str(ei_json_get(root, "backend"));
	h->seed = ei_json_get(root, "seed")->u;
	h->timeout = ei_json_get(root, "timeout")->d;
	v = ei_json_get(root, "max_runs");
	h->max_runs = v && v->type == EI_JSON_INT ? (long)v->i : 0;
	ref = ei_json_get(root, "reference");
	v = ei_json_get(ref, "exit");
	h->ref_exit = v && v->type == EI_JSON_INT ? (int)v->i : -1;
	h->ref_signal = ei_json_str(ei_json_get(ref, "signal"));
	h->calls = (int)ei_json_get(ref, "calls")->i;
	h->sites = (int)ei_json_get(ref, "sites")->i;
	v = ei_json_get(ref, "loader_sites");
	h->loader_sites = v && v->type == EI_JSON_INT ? (int)v->i : 0;
	h->procs = (int)ei_json_get(ref, "processes")->i;
	h->ref_seconds = ei_json_get(ref, "seconds")->d;
	snprintf(h->stdout_hash, sizeof(h->stdout_hash), "%s", ei_json_str(ei_json_get(ref, "stdout_hash")));
	snprintf(h->stderr_hash, sizeof(h->stderr_hash), "%s", ei_json_str(ei_json_get(ref, "stderr_hash")));
	snprintf(h->plan, sizeof(h->plan), "%s", ei_json_str(ei_json_get(root, "plan")));
	h->stable = true;
	return 0;
}

/* The shards' counts summed into h, the shards merged marked, and their
 * runs into runs (sorted), h->runs. */
static void sum_shards(const struct shard_report *rs, int nfiles, struct ei_rhead *h, bool *merged, int *runs)
{
	int nruns = 0;

	for (int i = 0; i < nfiles; i++) {
		const struct ei_json *root = rs[i].root, *cl = ei_json_get(root, "classes"),
				     *sr = ei_json_get(ei_json_get(root, "shard"), "runs"),
				     *sh = ei_json_get(root, "shared_injector_runs"),
				     *pr = ei_json_get(root, "path_runs"),
				     *rsec = ei_json_get(root, "runs_seconds");
		merged[rs[i].shard - 1] = true;
		h->stable = h->stable && ei_json_get(ei_json_get(root, "reference"), "stable")->b;
		h->seconds += ei_json_get(root, "seconds")->d;
		/* A report of an older errinj has no runs_seconds. */
		h->runs_seconds += rsec && rsec->type == EI_JSON_DOUBLE ? rsec->d : 0;
		h->shared_runs += sh && sh->type == EI_JSON_INT ? (int)sh->i : 0;
		h->path_runs += pr && pr->type == EI_JSON_INT ? (int)pr->i : 0;
		for (int c = 0; c < C_NCLASSES; c++) {
			const struct ei_json *n = ei_json_get(cl, ei_cls_name[c]);
			h->counts[c] += n && n->type == EI_JSON_INT ? (int)n->i : 0;
		}
		for (size_t k = 0; k < sr->n; k++)
			runs[nruns++] = (int)sr->items[k].i;
	}
	qsort(runs, (size_t)nruns, sizeof(*runs), int_cmp);
	h->merged = merged;
	h->runs = runs;
	h->nruns = nruns;
}

static void warn_missing(const struct ei_rhead *h, int nfiles)
{
	char list[256] = "";
	size_t o = 0;

	for (int k = 0; k < h->nshards && o < sizeof(list) - 16; k++)
		if (!h->merged[k])
			o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%d", o ? ", " : "", k + 1);
	ei_msg("warning: shard%s %s of %d missing: the report covers %d of the %d planned runs",
	       h->nshards - nfiles == 1 ? "" : "s", list, h->nshards, h->nruns, h->planned);
}

/* The findings of all shards joined by (site, class, signal) into *gs:
 * how many, or -1 when out of memory. */
static int group_findings(const struct shard_report *rs, int nfiles, struct ei_rfinding **gs)
{
	int ng = 0;

	for (int i = 0; i < nfiles; i++)
		ng += rs[i].nf;
	if (!(*gs = calloc((size_t)ng + 1, sizeof(**gs))))
		return -1;
	ng = 0;
	for (int i = 0; i < nfiles; i++)
		for (int k = 0; k < rs[i].nf; k++) {
			int g;
			for (g = 0; g < ng; g++)
				if (same_group(&(*gs)[g], &rs[i].fs[k]))
					break;
			if (g == ng)
				(*gs)[ng++] = rs[i].fs[k];
			else
				join(&(*gs)[g], &rs[i].fs[k]);
		}
	return ng;
}

static int rrun_cmp(const void *a, const void *b)
{
	const struct ei_rrun *x = a, *y = b;
	return x->run - y->run;
}

static void free_shards(struct shard_report *rs, int nfiles)
{
	for (int i = 0; i < nfiles; i++) {
		for (int k = 0; k < rs[i].nf; k++)
			free(rs[i].fs[k].frames);
		free(rs[i].fs);
		ei_json_free(rs[i].root);
	}
	free(rs);
}

/* The runs of all shards' "results" (none in a report of an older
 * errinj), in planned order, into *rr: how many, or -1 when out of memory. */
static int merge_rruns(const struct shard_report *rs, int nfiles, struct ei_rrun **rr)
{
	int n = 0;

	for (int i = 0; i < nfiles; i++) {
		const struct ei_json *a = ei_json_get(rs[i].root, "results");
		n += a && a->type == EI_JSON_ARRAY ? (int)a->n : 0;
	}
	if (!(*rr = calloc((size_t)n + 1, sizeof(**rr))))
		return -1;
	n = 0;
	for (int i = 0; i < nfiles; i++) {
		const struct ei_json *a = ei_json_get(rs[i].root, "results");
		for (size_t k = 0; a && a->type == EI_JSON_ARRAY && k < a->n; k++) {
			const struct ei_json *v = &a->items[k], *when = ei_json_get(v, "when"), *run = ei_json_get(v, "run");
			struct ei_rrun *r = &(*rr)[n];
			const char *cls = ei_json_str(ei_json_get(v, "class"));
			int c;
			for (c = 0; c < C_NCLASSES && (!cls || strcmp(cls, ei_cls_name[c])); c++)
				;
			if (c == C_NCLASSES || !ei_json_str(ei_json_get(v, "syscall")) || !run || run->type != EI_JSON_INT)
				continue; /* not a run of ours: left out */
			r->run = (int)run->i;
			r->cls = c;
			snprintf(r->status, sizeof(r->status), "%s", ei_json_str(ei_json_get(v, "status")) ?: "");
			r->syscall = ei_json_str(ei_json_get(v, "syscall"));
			r->err = ei_json_str(ei_json_get(v, "errno")) ?: "?";
			r->process = ei_json_str(ei_json_get(v, "process")) ?: "?";
			r->when = when && when->type == EI_JSON_INT ? (unsigned long long)when->i : 0;
			r->errtail = ei_json_str(ei_json_get(v, "stderr"));
			n++;
		}
	}
	qsort(*rr, (size_t)n, sizeof(**rr), rrun_cmp);
	return n;
}

int ei_explore_merge(char *const files[], int nfiles, bool json, bool verbose, const struct ei_explore_export *ex,
		      FILE *out)
{
	struct shard_report *rs = calloc((size_t)nfiles + 1, sizeof(*rs));
	struct ei_rfinding *gs = NULL;
	struct ei_rrun *rr = NULL;
	struct ei_rhead h = { .verbose = verbose };
	bool *merged = NULL;
	int *runs = NULL, ng = 0, total = 0, ret = 0;
	char **cmd = NULL;

	if (!rs) {
		ei_msg("out of memory");
		return EI_EXIT_FAIL;
	}
	for (int i = 0; i < nfiles && !ret; i++)
		ret = read_shard(rs, i, files[i], &h, &total);
	if (ret)
		goto cleanup;
	qsort(rs, (size_t)nfiles, sizeof(*rs), shard_cmp);
	ret = EI_EXIT_FAIL;
	if (!(merged = calloc((size_t)h.nshards, sizeof(*merged))) ||
	    !(runs = calloc((size_t)total + 1, sizeof(*runs))))
		goto oom;
	if ((ret = first_header(rs, &h, &cmd)))
		goto cleanup;
	ret = EI_EXIT_FAIL;
	sum_shards(rs, nfiles, &h, merged, runs);
	if (nfiles < h.nshards)
		warn_missing(&h, nfiles);
	if ((ng = group_findings(rs, nfiles, &gs)) < 0 || (h.nrruns = merge_rruns(rs, nfiles, &rr)) < 0)
		goto oom;
	h.export = ex;
	h.rruns = rr;
	ei_report(out, json, &h, gs, ng);
	ret = 0;
	for (int g = 0; g < ng; g++)
		ret = gs[g].flaky || gs[g].suppressed ? ret : 3;
	goto cleanup;
oom:
	ei_msg("out of memory");
cleanup:
	free_shards(rs, nfiles);
	free(gs);
	free(rr);
	free(cmd);
	free(merged);
	free(runs);
	return ret;
}
