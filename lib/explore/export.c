// SPDX-License-Identifier: GPL-2.0
/*
 * errinj explore's report for CI (--sarif, --junit), of an exploration or
 * of a merge, from the same header and findings as report.c's: SARIF
 * 2.1.0 (one run; a rule per finding class; a result per finding, at its
 * site's file:line where the debug information gives one, else at its
 * module + offset), which code scanning shows on the code, and JUnit XML
 * (a test case per finding, failed, and one per other run made, passed),
 * which CI shows as a test report.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explore/internal.h"

#define SARIF_SCHEMA "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

/* The finding classes (enum ei_cls, up to C_LOST): SARIF's rules. */
#define NRULES (C_LOST + 1)
static const char *const rule_text[NRULES] = {
	[C_CRASHED] = "A failed system call made the program crash (SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL "
		      "or a sanitizer report).",
	[C_HUNG] = "A failed system call made the program hang: it ran past the timeout.",
	[C_LOST] = "A failed system call went unreported: the program exited with the status of the run where "
		   "nothing failed, but its output differs.",
};

static const char *base(const char *p)
{
	const char *s = p ? strrchr(p, '/') : NULL;
	return s ? s + 1 : p;
}

/* The site as the text report says it: "func at file:line (module+0xoff)". */
static void site_text(FILE *f, const struct ei_frame *fr)
{
	if (!fr) {
		fputs("(stack not unwound)", f);
		return;
	}
	fprintf(f, "%s", fr->func ? fr->func : "??");
	if (fr->file)
		fprintf(f, " at %s:%d", fr->file, fr->line);
	fprintf(f, " (%s+0x%llx)", base(fr->module), (unsigned long long)fr->offset);
}

/* "crashed (SIGSEGV): openat ENOENT/EACCES in SITE", the text report's headline. */
static void headline(FILE *f, const struct ei_rfinding *r)
{
	fprintf(f, "%s%s%s%s: %s %s", ei_cls_name[r->cls], r->signal ? " (" : "", r->signal ? r->signal : "",
		r->signal ? ")" : "", r->syscall, r->err);
	for (int k = 0; k < r->nerrs; k++)
		if (strcmp(r->errs[k], r->err))
			fprintf(f, "/%s", r->errs[k]);
	fputs(" in ", f);
	site_text(f, r->site);
}

/* The text of a finding: the headline, where and how its run ended, the
 * reproduction line. Malloc'd; NULL when out of memory. */
static char *finding_text(const struct ei_rfinding *r)
{
	char *s = NULL;
	size_t len;
	FILE *f = open_memstream(&s, &len);

	if (!f)
		return NULL;
	headline(f, r);
	fprintf(f, "%s: call %llu of %s in process %s; %s; confirmed: %s. Reproduce: %s",
		r->flaky ? " [flaky]" : "", r->when, r->syscall, r->process, r->status, ei_cls_name[r->confirmed],
		r->repro ? r->repro : "");
	if (fclose(f)) {
		free(s);
		return NULL;
	}
	return s;
}

/* ---- SARIF ---- */

/* path as a URI reference: file:///... when absolute, else relative;
 * every byte but the unreserved ones and '/' percent-encoded. */
static void jw_uri(struct ei_jw *w, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(path), o = 0;
	char *u = malloc(n * 3 + sizeof("file://"));

	if (!u) {
		ei_jw_string(w, "");
		return;
	}
	if (path[0] == '/')
		o = (size_t)sprintf(u, "file://");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~/", *p)) {
			u[o++] = (char)*p;
			continue;
		}
		u[o++] = '%';
		u[o++] = hex[*p >> 4];
		u[o++] = hex[*p & 15];
	}
	u[o] = 0;
	ei_jw_string(w, u);
	free(u);
}

static void jw_text(struct ei_jw *w, const char *key, const char *text)
{
	ei_jw_key(w, key);
	ei_jw_object(w);
	ei_jw_key(w, "text");
	ei_jw_string(w, text);
	ei_jw_object_end(w);
}

/* A frame as a SARIF location: the source file and line where known,
 * else the module; the function (or module+offset) as a logical
 * location; module, offset and build-id in its properties. */
static void sarif_location(struct ei_jw *w, const struct ei_frame *fr)
{
	ei_jw_object(w);
	ei_jw_key(w, "physicalLocation");
	ei_jw_object(w);
	ei_jw_key(w, "artifactLocation");
	ei_jw_object(w);
	ei_jw_key(w, "uri");
	jw_uri(w, fr->file && fr->line > 0 ? fr->file : fr->module);
	ei_jw_object_end(w);
	if (fr->file && fr->line > 0) {
		ei_jw_key(w, "region");
		ei_jw_object(w);
		ei_jw_key(w, "startLine");
		ei_jw_int(w, fr->line);
		ei_jw_object_end(w);
	}
	ei_jw_object_end(w);
	ei_jw_key(w, "logicalLocations");
	ei_jw_array(w);
	ei_jw_object(w);
	ei_jw_key(w, "name");
	if (fr->func)
		ei_jw_string(w, fr->func);
	else
		ei_jw_stringf(w, "%s+0x%llx", base(fr->module), (unsigned long long)fr->offset);
	ei_jw_key(w, "fullyQualifiedName");
	ei_jw_stringf(w, "%s+0x%llx", base(fr->module), (unsigned long long)fr->offset);
	ei_jw_key(w, "kind");
	ei_jw_string(w, "function");
	ei_jw_object_end(w);
	ei_jw_array_end(w);
	ei_jw_key(w, "properties");
	ei_jw_object(w);
	ei_jw_key(w, "module");
	ei_jw_string(w, fr->module);
	ei_jw_key(w, "offset");
	ei_jw_stringf(w, "0x%llx", (unsigned long long)fr->offset);
	ei_jw_key(w, "build_id");
	ei_jw_string(w, fr->build_id);
	ei_jw_object_end(w);
	ei_jw_object_end(w);
}

static void sarif_rules(struct ei_jw *w)
{
	ei_jw_key(w, "rules");
	ei_jw_array(w);
	for (int c = 0; c < NRULES; c++) {
		ei_jw_object(w);
		ei_jw_key(w, "id");
		ei_jw_string(w, ei_cls_name[c]);
		ei_jw_key(w, "name");
		ei_jw_string(w, ei_cls_name[c]);
		jw_text(w, "shortDescription", rule_text[c]);
		ei_jw_key(w, "defaultConfiguration");
		ei_jw_object(w);
		ei_jw_key(w, "level");
		ei_jw_string(w, "error");
		ei_jw_object_end(w);
		ei_jw_object_end(w);
	}
	ei_jw_array_end(w);
}

/* The finding's facts, as in the JSON report. */
static void sarif_properties(struct ei_jw *w, const struct ei_rfinding *r)
{
	ei_jw_key(w, "properties");
	ei_jw_object(w);
	ei_jw_key(w, "reproduce");
	ei_jw_stringn(w, r->repro ? r->repro : "", 8192);
	ei_jw_key(w, "syscall");
	ei_jw_string(w, r->syscall);
	ei_jw_key(w, "errno");
	ei_jw_string(w, r->err);
	ei_jw_key(w, "errnos");
	ei_jw_array(w);
	for (int k = 0; k < r->nerrs; k++)
		ei_jw_string(w, r->errs[k]);
	ei_jw_array_end(w);
	ei_jw_key(w, "signal");
	ei_jw_string(w, r->signal);
	ei_jw_key(w, "status");
	ei_jw_string(w, r->status);
	ei_jw_key(w, "process");
	ei_jw_string(w, r->process);
	ei_jw_key(w, "when");
	ei_jw_uint(w, r->when);
	ei_jw_key(w, "confirmed");
	ei_jw_string(w, ei_cls_name[r->confirmed]);
	ei_jw_key(w, "flaky");
	ei_jw_bool(w, r->flaky);
	ei_jw_key(w, "stderr");
	ei_jw_stringn(w, r->errtail ? r->errtail : "", 4096);
	ei_jw_key(w, "site_key");
	ei_jw_stringn(w, r->site_key, 65536);
	ei_jw_object_end(w);
}

/* One result: a flaky finding (it did not recur) is a warning. */
static void sarif_result(struct ei_jw *w, const struct ei_rfinding *r)
{
	char *text = finding_text(r);

	ei_jw_object(w);
	ei_jw_key(w, "ruleId");
	ei_jw_string(w, ei_cls_name[r->cls]);
	/* A merge reads the class from a file: a rule's index only if it is one. */
	if (r->cls < NRULES) {
		ei_jw_key(w, "ruleIndex");
		ei_jw_int(w, r->cls);
	}
	ei_jw_key(w, "level");
	ei_jw_string(w, r->flaky ? "warning" : "error");
	jw_text(w, "message", text ? text : ei_cls_name[r->cls]);
	free(text);
	ei_jw_key(w, "locations");
	ei_jw_array(w);
	if (r->site)
		sarif_location(w, r->site);
	ei_jw_array_end(w);
	if (r->nframes) {
		ei_jw_key(w, "stacks");
		ei_jw_array(w);
		ei_jw_object(w);
		jw_text(w, "message", "the call stack of the call failed");
		ei_jw_key(w, "frames");
		ei_jw_array(w);
		for (int k = 0; k < r->nframes; k++) {
			ei_jw_object(w);
			ei_jw_key(w, "location");
			sarif_location(w, &r->frames[k]);
			ei_jw_key(w, "module");
			ei_jw_string(w, r->frames[k].module);
			ei_jw_object_end(w);
		}
		ei_jw_array_end(w);
		ei_jw_object_end(w);
		ei_jw_array_end(w);
	}
	/* The same site, class and signal: the same finding in another run
	 * of explore (the key names modules by build-id). */
	ei_jw_key(w, "partialFingerprints");
	ei_jw_object(w);
	ei_jw_key(w, "errinjSite/v1");
	ei_jw_stringf(w, "%s/%s/%.400s", ei_cls_name[r->cls], r->signal ? r->signal : "", r->site_key);
	ei_jw_object_end(w);
	/* A suppressed finding is still a result, marked as SARIF marks one
	 * set aside outside the code (code scanning shows it dismissed). */
	if (r->suppressed) {
		ei_jw_key(w, "suppressions");
		ei_jw_array(w);
		ei_jw_object(w);
		ei_jw_key(w, "kind");
		ei_jw_string(w, "external");
		ei_jw_key(w, "justification");
		ei_jw_stringf(w, "errinj explore --suppress %.400s", r->suppressed);
		ei_jw_object_end(w);
		ei_jw_array_end(w);
	}
	sarif_properties(w, r);
	ei_jw_object_end(w);
}

/* The exploration, in the run's properties. */
static void sarif_run_properties(struct ei_jw *w, const struct ei_rhead *h)
{
	ei_jw_key(w, "properties");
	ei_jw_object(w);
	ei_jw_key(w, "command");
	ei_jw_array(w);
	for (char *const *a = h->cmd; *a; a++)
		ei_jw_stringn(w, *a, 4096);
	ei_jw_array_end(w);
	ei_jw_key(w, "set");
	ei_jw_stringn(w, h->set, 4096);
	ei_jw_key(w, "backend");
	ei_jw_string(w, h->backend);
	ei_jw_key(w, "planned");
	ei_jw_int(w, h->planned);
	ei_jw_key(w, "runs");
	ei_jw_int(w, h->nruns);
	ei_jw_key(w, "classes");
	ei_jw_object(w);
	for (int c = 0; c < C_NCLASSES; c++) {
		ei_jw_key(w, ei_cls_name[c]);
		ei_jw_int(w, h->counts[c]);
	}
	ei_jw_object_end(w);
	ei_jw_object_end(w);
}

static void sarif(FILE *f, const struct ei_rhead *h, const struct ei_rfinding *fs, int nf)
{
	struct ei_jw w;

	ei_jw_init(&w, f);
	ei_jw_object(&w);
	ei_jw_key(&w, "$schema");
	ei_jw_string(&w, SARIF_SCHEMA);
	ei_jw_key(&w, "version");
	ei_jw_string(&w, "2.1.0");
	ei_jw_key(&w, "runs");
	ei_jw_array(&w);
	ei_jw_object(&w);
	ei_jw_key(&w, "tool");
	ei_jw_object(&w);
	ei_jw_key(&w, "driver");
	ei_jw_object(&w);
	ei_jw_key(&w, "name");
	ei_jw_string(&w, "errinj");
	ei_jw_key(&w, "version");
	ei_jw_string(&w, h->export->version ? h->export->version : "unknown");
	sarif_rules(&w);
	ei_jw_object_end(&w);
	ei_jw_object_end(&w);
	ei_jw_key(&w, "results");
	ei_jw_array(&w);
	for (int i = 0; i < nf; i++)
		sarif_result(&w, &fs[i]);
	ei_jw_array_end(&w);
	sarif_run_properties(&w, h);
	ei_jw_object_end(&w);
	ei_jw_array_end(&w);
	ei_jw_object_end(&w);
	fputc('\n', f);
}

/* ---- JUnit XML ---- */

/* At most max bytes of s as XML character data, in an attribute's value
 * when attr (its white space as references, which attribute
 * normalisation would otherwise turn into spaces). A byte XML 1.0 cannot
 * hold (control characters, bytes that are not UTF-8, U+FFFE, U+FFFF)
 * is written as the text \xNN. */
static void xml_text(FILE *f, const char *s, size_t max, bool attr)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strnlen(s, max);

	for (size_t i = 0; i < n;) {
		size_t l = ei_utf8_len(u + i, n - i);
		if (l > 1 && !(l == 3 && u[i] == 0xef && u[i + 1] == 0xbf && u[i + 2] >= 0xbe)) {
			fwrite(u + i, 1, l, f);
			i += l;
			continue;
		}
		if (u[i] == '&')
			fputs("&amp;", f);
		else if (u[i] == '<')
			fputs("&lt;", f);
		else if (u[i] == '>')
			fputs("&gt;", f);
		else if (u[i] == '"')
			fputs("&quot;", f);
		else if (u[i] == '\r' || (attr && (u[i] == '\n' || u[i] == '\t')))
			fprintf(f, "&#%d;", u[i]);
		else if (l == 0 || l > 1 || (u[i] < 0x20 && u[i] != '\n' && u[i] != '\t'))
			fprintf(f, "\\x%02x", u[i]);
		else
			fputc(u[i], f);
		i++;
	}
}

static void xml_attr(FILE *f, const char *name, const char *value)
{
	fprintf(f, " %s=\"", name);
	xml_text(f, value ? value : "", (size_t)-1, true);
	fputc('"', f);
}

/* A finding's test case, failed: its type the class, its text the stack,
 * the stderr's last lines and the reproduction line. */
static void junit_finding(FILE *f, const struct ei_rfinding *r)
{
	char *text = finding_text(r), *name = NULL, cn[64];
	size_t len;
	FILE *m = open_memstream(&name, &len);

	/* Named by its first run and headline: unique in the report. */
	if (m) {
		fprintf(m, "run %d: ", r->run);
		headline(m, r);
	}
	if (!m || fclose(m)) {
		free(name);
		name = NULL;
	}
	fputs("    <testcase", f);
	snprintf(cn, sizeof(cn), "errinj.explore.%s", ei_cls_name[r->cls]);
	xml_attr(f, "classname", cn);
	xml_attr(f, "name", name ? name : ei_cls_name[r->cls]);
	free(name);
	/* A suppressed finding is a skipped test, with the same text. */
	fputs(r->suppressed ? ">\n      <skipped" : ">\n      <failure", f);
	xml_attr(f, "type", ei_cls_name[r->cls]);
	xml_attr(f, "message", text ? text : ei_cls_name[r->cls]);
	fputs(">", f);
	for (int k = 0; k < r->nframes; k++) {
		char *s = NULL;
		size_t len;
		FILE *m = open_memstream(&s, &len);
		if (m) {
			fprintf(m, "#%d ", k);
			site_text(m, &r->frames[k]);
			fputc('\n', m);
		}
		if (m && !fclose(m))
			xml_text(f, s, len, false);
		free(s);
	}
	if (r->errtail && *r->errtail) {
		fputs("stderr:\n", f);
		xml_text(f, r->errtail, 4096, false);
		fputc('\n', f);
	}
	fputs("reproduce: ", f);
	xml_text(f, r->repro ? r->repro : "", 8192, false);
	if (r->suppressed) {
		fputs("\nsuppressed by: ", f);
		xml_text(f, r->suppressed, 4096, false);
	}
	fputs(r->suppressed ? "\n</skipped>\n    </testcase>\n" : "\n</failure>\n    </testcase>\n", f);
	free(text);
}

static int int_cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return x < y ? -1 : x > y;
}

/* The runs made that no finding lists, sorted, into *out: how many, or
 * -1 when out of memory. */
static int other_runs(const struct ei_rhead *h, const struct ei_rfinding *fs, int nf, int **out)
{
	int *in = NULL, nin = 0, n = 0;

	for (int i = 0; i < nf; i++)
		nin += fs[i].nerrs;
	if (!(*out = calloc((size_t)h->nruns + 1, sizeof(int))) || !(in = calloc((size_t)nin + 1, sizeof(int)))) {
		free(*out);
		*out = NULL;
		return -1;
	}
	nin = 0;
	for (int i = 0; i < nf; i++)
		for (int k = 0; k < fs[i].nerrs; k++)
			in[nin++] = fs[i].err_runs[k];
	qsort(in, (size_t)nin, sizeof(int), int_cmp);
	for (int i = 0; i < h->nruns; i++)
		if (!bsearch(&h->runs[i], in, (size_t)nin, sizeof(int), int_cmp))
			(*out)[n++] = h->runs[i];
	free(in);
	qsort(*out, (size_t)n, sizeof(int), int_cmp);
	return n;
}

static void junit(FILE *f, const struct ei_rhead *h, const struct ei_rfinding *fs, int nf)
{
	int *others = NULL, nothers = other_runs(h, fs, nf, &others);
	char num[32];

	if (nothers < 0) {
		ei_msg("out of memory");
		nothers = 0;
	}
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"errinj explore", f);
	for (char *const *a = h->cmd; *a; a++) {
		fputc(' ', f);
		xml_text(f, *a, 4096, true);
	}
	fprintf(f, "\" tests=\"%d\" failures=\"%d\" errors=\"0\" skipped=\"%d\" time=\"%.3f\">\n", nf + nothers,
		nf - ei_suppressed_count(fs, nf), ei_suppressed_count(fs, nf), h->seconds);
	fputs("    <properties>\n", f);
	fputs("      <property", f);
	xml_attr(f, "name", "set");
	xml_attr(f, "value", h->set);
	fputs("/>\n      <property", f);
	xml_attr(f, "name", "backend");
	xml_attr(f, "value", h->backend);
	snprintf(num, sizeof(num), "%d", h->nruns);
	fputs("/>\n      <property", f);
	xml_attr(f, "name", "runs");
	xml_attr(f, "value", num);
	fputs("/>\n    </properties>\n", f);
	for (int i = 0; i < nf; i++)
		junit_finding(f, &fs[i]);
	for (int i = 0; i < nothers; i++)
		fprintf(f, "    <testcase classname=\"errinj.explore\" name=\"run %d\"/>\n", others[i]);
	fputs("  </testsuite>\n</testsuites>\n", f);
	free(others);
}

void ei_export(const struct ei_rhead *h, const struct ei_rfinding *fs, int nf)
{
	if (h->export->sarif) {
		sarif(h->export->sarif, h, fs, nf);
		fflush(h->export->sarif);
	}
	if (h->export->junit) {
		junit(h->export->junit, h, fs, nf);
		fflush(h->export->junit);
	}
}
