// SPDX-License-Identifier: GPL-2.0
/*
 * errinj explore's suppressions (--suppress FILE): findings set aside as
 * known, in the spirit of valgrind's and the sanitizers' suppression
 * files. One pattern a line, '#' to the end of a line a comment:
 *
 *   # the dynamic loader's own start-up, when its first mmap fails
 *   class=crashed syscall=mmap module=ld-linux-*.so.*
 *
 * A line is fields FIELD=GLOB separated by blanks, each a shell pattern
 * (fnmatch(3)); it suppresses a finding when every field matches it:
 *   class=    crashed, hung or lost
 *   syscall=  the syscall failed
 *   errno=    one of the errnos that gave the finding
 *   frame=    a frame of its stack: its function's name (with or without
 *             a version, memcpy@@GLIBC_2.14), or MODULE+0xOFFSET where
 *             MODULE is the module's file name (a frame without a name)
 *   module=   a frame of its stack in that module: its file name, or its
 *             path when the pattern has a '/'
 * A suppressed finding is still run, confirmed and listed (apart, with
 * the line that suppressed it), but does not make the exit status 3.
 *
 * Also here: which call sites are the dynamic loader's own start-up,
 * left out of the exploration unless --loader asks for them.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explore/internal.h"

enum field { F_CLASS, F_SYSCALL, F_ERRNO, F_FRAME, F_MODULE, F_COUNT };
static const char *const field_name[F_COUNT] = { "class", "syscall", "errno", "frame", "module" };

struct pattern {
	enum field field;
	char *glob;
};

struct rule {
	char *where; /* "FILE:LINE" */
	struct pattern *p;
	int n;
};

struct ei_suppressions {
	struct rule *rules;
	int n;
};

static const char *base(const char *p)
{
	const char *s = p ? strrchr(p, '/') : NULL;
	return s ? s + 1 : p;
}

static bool is_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* A known value for a field that is not a pattern: a typo said, not a
 * line that silently never matches. NULL if fine, else what is wrong. */
static const char *check_value(enum field f, const char *v)
{
	if (is_glob(v))
		return NULL;
	switch (f) {
	case F_CLASS:
		for (int c = 0; c <= C_LOST; c++)
			if (!strcmp(v, ei_cls_name[c]))
				return NULL;
		return "unknown class (crashed, hung or lost)";
	case F_SYSCALL:
		return ei_syscall_nr(v) < 0 ? "unknown syscall" : NULL;
	case F_ERRNO:
		return ei_errno_parse(v) < 0 || (v[0] >= '0' && v[0] <= '9') ? "unknown errno name" : NULL;
	default:
		return NULL;
	}
}

/* One field FIELD=GLOB of a line into r. -1 with the reason in err. */
static int parse_field(struct rule *r, char *tok, const char *where, char *err, size_t len)
{
	char *eq = strchr(tok, '='), q[96];
	struct pattern *p;
	const char *bad;
	int f;

	if (!eq)
		return ei_fail(err, len, "%s: expected FIELD=PATTERN, got '%s'", where, ei_quote(tok, q, sizeof(q)));
	*eq = 0;
	for (f = 0; f < F_COUNT; f++)
		if (!strcmp(tok, field_name[f]))
			break;
	if (f == F_COUNT)
		return ei_fail(err, len, "%s: unknown field '%s' (class, syscall, errno, frame or module)", where,
			       ei_quote(tok, q, sizeof(q)));
	if (!eq[1])
		return ei_fail(err, len, "%s: empty pattern for %s=", where, field_name[f]);
	if ((bad = check_value((enum field)f, eq + 1)))
		return ei_fail(err, len, "%s: %s '%s'", where, bad, ei_quote(eq + 1, q, sizeof(q)));
	if (!(p = realloc(r->p, (size_t)(r->n + 1) * sizeof(*p))))
		return ei_fail(err, len, "out of memory");
	r->p = p;
	p[r->n].field = (enum field)f;
	if (!(p[r->n].glob = strdup(eq + 1)))
		return ei_fail(err, len, "out of memory");
	r->n++;
	return 0;
}

/* Line lineno of file, its comment cut: a rule appended to s, or none
 * for a blank line. -1 with the reason in err. */
static int parse_line(struct ei_suppressions *s, char *line, const char *file, int lineno, char *err, size_t len)
{
	struct rule r = { 0 }, *rules;
	char *save = NULL, where[4200], q[4096];
	char *hash = strchr(line, '#');

	if (hash)
		*hash = 0;
	snprintf(where, sizeof(where), "%s:%d", ei_quote(file, q, sizeof(q)), lineno);
	for (char *tok = strtok_r(line, " \t\r\n", &save); tok; tok = strtok_r(NULL, " \t\r\n", &save))
		if (parse_field(&r, tok, where, err, len))
			goto fail;
	if (!r.n)
		return 0;
	if (!(r.where = strdup(where)) || !(rules = realloc(s->rules, (size_t)(s->n + 1) * sizeof(*rules)))) {
		ei_fail(err, len, "out of memory");
		goto fail;
	}
	s->rules = rules;
	s->rules[s->n++] = r;
	return 0;
fail:
	for (int i = 0; i < r.n; i++)
		free(r.p[i].glob);
	free(r.p);
	free(r.where);
	return -1;
}

int ei_suppress_load(struct ei_suppressions **sp, const char *file, char *err, size_t len)
{
	char *line = NULL, q[4096];
	size_t cap = 0;
	int lineno = 0, ret = 0;
	FILE *f;

	if (!*sp && !(*sp = calloc(1, sizeof(**sp))))
		return ei_fail(err, len, "out of memory");
	if (!(f = fopen(file, "re")))
		return ei_fail(err, len, "cannot read the suppressions %s: %s", ei_quote(file, q, sizeof(q)),
			       strerror(errno));
	while (!ret && getline(&line, &cap, f) >= 0)
		ret = parse_line(*sp, line, file, ++lineno, err, len);
	/* A directory opens, and fails at its first read. */
	if (!ret && ferror(f))
		ret = ei_fail(err, len, "cannot read the suppressions %s: %s", ei_quote(file, q, sizeof(q)),
			      strerror(errno));
	free(line);
	fclose(f);
	return ret;
}

void ei_suppress_free(struct ei_suppressions *s)
{
	for (int i = 0; s && i < s->n; i++) {
		for (int k = 0; k < s->rules[i].n; k++)
			free(s->rules[i].p[k].glob);
		free(s->rules[i].p);
		free(s->rules[i].where);
	}
	if (s)
		free(s->rules);
	free(s);
}

static bool frame_matches(const struct ei_frame *fr, enum field f, const char *glob)
{
	char at[4200];

	if (f == F_MODULE)
		return fr->module && !fnmatch(glob, strchr(glob, '/') ? fr->module : base(fr->module), 0);
	if (fr->func) {
		size_t n = strcspn(fr->func, "@");
		if (!fnmatch(glob, fr->func, 0))
			return true;
		snprintf(at, sizeof(at), "%.*s", (int)n, fr->func);
		if (!fnmatch(glob, at, 0))
			return true;
	}
	snprintf(at, sizeof(at), "%s+0x%llx", fr->module ? base(fr->module) : "?", (unsigned long long)fr->offset);
	return !fnmatch(glob, at, 0);
}

static bool pattern_matches(const struct pattern *p, const struct ei_rfinding *r)
{
	switch (p->field) {
	case F_CLASS:
		return !fnmatch(p->glob, ei_cls_name[r->cls], 0);
	case F_SYSCALL:
		return r->syscall && !fnmatch(p->glob, r->syscall, 0);
	case F_ERRNO:
		for (int k = 0; k < r->nerrs; k++)
			if (r->errs[k] && !fnmatch(p->glob, r->errs[k], 0))
				return true;
		return r->err && !fnmatch(p->glob, r->err, 0);
	default:
		for (int k = 0; k < r->nframes; k++)
			if (frame_matches(&r->frames[k], p->field, p->glob))
				return true;
		return false;
	}
}

const char *ei_suppressed_by(const struct ei_suppressions *s, const struct ei_rfinding *r)
{
	for (int i = 0; s && i < s->n; i++) {
		int k;
		for (k = 0; k < s->rules[i].n; k++)
			if (!pattern_matches(&s->rules[i].p[k], r))
				break;
		if (k == s->rules[i].n)
			return s->rules[i].where;
	}
	return NULL;
}

/* The file names of the dynamic loaders: glibc's (ld-linux-x86-64.so.2,
 * ld-linux.so.2, ld64.so.1...) and musl's. */
static bool is_loader(const char *module)
{
	static const char *const names[] = { "ld-linux*.so*", "ld64.so*", "ld.so*", "ld-[0-9]*.so", "ld-musl-*.so*" };
	const char *b = base(module);

	for (size_t i = 0; b && i < sizeof(names) / sizeof(names[0]); i++)
		if (!fnmatch(names[i], b, 0))
			return true;
	return false;
}

bool ei_site_in_loader(const struct ei_site *s)
{
	if (!s->nframes)
		return false;
	/* Every frame in the loader: its own start-up (loading the
	 * libraries, relocating), before any code of the program runs. A
	 * dlopen's calls have the caller's frames outside it. */
	for (int k = 0; k < s->nframes; k++)
		if (!is_loader(s->frames[k].module))
			return false;
	return true;
}

int ei_suppressed_count(const struct ei_rfinding *fs, int nf)
{
	int n = 0;

	for (int i = 0; i < nf; i++)
		n += fs[i].suppressed != NULL;
	return n;
}

void ei_suppressed_text(FILE *f, const struct ei_rfinding *fs, int nf)
{
	int n = ei_suppressed_count(fs, nf);

	if (!n)
		return;
	fprintf(f, "\nsuppressed: %d finding%s, not counted in the exit status\n", n, n == 1 ? "" : "s");
	for (int i = 0; i < nf; i++) {
		const struct ei_rfinding *r = &fs[i];
		if (!r->suppressed)
			continue;
		fprintf(f, "  %s%s%s%s: %s %s in ", ei_cls_name[r->cls], r->signal ? " (" : "", r->signal ? r->signal : "",
			r->signal ? ")" : "", r->syscall, r->err);
		ei_label_text(f, r);
		fprintf(f, " (%s)\n", r->suppressed);
	}
}
