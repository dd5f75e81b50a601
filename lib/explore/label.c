// SPDX-License-Identifier: GPL-2.0
/*
 * The label of each finding of a report (its headline's "in ..."): the
 * frame shown (the first in the process's own executable), and as many
 * of its callers as it takes to tell it from every other finding whose
 * stack differs. One helper failing for two callers is two findings:
 * with the same innermost own frame they would read alike, and without
 * names (Debian's stripped executables) both "?? (cmp+0x2531)". A call
 * made from no code of the executable but its entry point (stdio's
 * buffers flushed by exit) is labelled by its whole chain, from the
 * syscall's wrapper out: "_start" alone says nothing of it. Where there
 * is no name, module+offset is said, and the module's path and build-id,
 * so that eu-addr2line -e MODULE OFFSET with the debug package installed
 * gives the line.
 */
#include <stdio.h>
#include <string.h>

#include "explore/internal.h"

static const char *base(const char *p)
{
	const char *s = p ? strrchr(p, '/') : NULL;
	return s ? s + 1 : p;
}

/* The index of the frame shown in r's stack, -1 if none (a merge reads
 * it as a frame of its own). */
static int shown_index(const struct ei_rfinding *r)
{
	if (!r->site || !r->nframes)
		return -1;
	if (r->site >= r->frames && r->site < r->frames + r->nframes)
		return (int)(r->site - r->frames);
	for (int k = 0; k < r->nframes; k++)
		if (r->frames[k].offset == r->site->offset && r->frames[k].module && r->site->module &&
		    !strcmp(r->frames[k].module, r->site->module))
			return k;
	return -1;
}

static bool same_frame(const struct ei_frame *a, const struct ei_frame *b)
{
	const char *x = a->build_id ? a->build_id : a->module, *y = b->build_id ? b->build_id : b->module;

	return a->offset == b->offset && x && y && !strcmp(x, y);
}

static bool same_label(const struct ei_rfinding *a, const struct ei_rfinding *b)
{
	if (a->label_lo < 0 || b->label_lo < 0 || a->label_hi - a->label_lo != b->label_hi - b->label_lo)
		return false;
	for (int k = 0; k <= a->label_hi - a->label_lo; k++)
		if (!same_frame(&a->frames[a->label_lo + k], &b->frames[b->label_lo + k]))
			return false;
	return true;
}

/* One more frame in r's label: a caller, else (the outermost reached) a
 * callee. false if the label is the whole stack already. */
static bool extend(struct ei_rfinding *r)
{
	if (r->label_lo < 0)
		return false;
	if (r->label_hi < r->nframes - 1)
		r->label_hi++;
	else if (r->label_lo > 0)
		r->label_lo--;
	else
		return false;
	return true;
}

void ei_label_findings(struct ei_rfinding *fs, int nf)
{
	bool changed = true;

	for (int i = 0; i < nf; i++) {
		struct ei_rfinding *r = &fs[i];
		int s = shown_index(r);

		r->label_lo = r->label_hi = s;
		/* Called from the entry point alone: the whole chain. */
		if (s > 0 && s == r->nframes - 1 && r->frames[s].own)
			r->label_lo = 0;
	}
	while (changed) {
		changed = false;
		for (int i = 0; i < nf; i++)
			for (int j = i + 1; j < nf; j++) {
				if (!strcmp(fs[i].site_key, fs[j].site_key) || !same_label(&fs[i], &fs[j]))
					continue;
				/* Both, so that neither label depends on the
				 * other's order. */
				changed |= extend(&fs[i]);
				changed |= extend(&fs[j]);
			}
	}
}

static void frame_text(FILE *f, const struct ei_frame *fr)
{
	fprintf(f, "%s", fr->func ? fr->func : "??");
	if (fr->file)
		fprintf(f, " at %s:%d", fr->file, fr->line);
	fprintf(f, " (%s+0x%llx)", base(fr->module), (unsigned long long)fr->offset);
}

void ei_label_text(FILE *f, const struct ei_rfinding *r)
{
	if (r->label_lo < 0) {
		if (r->site)
			frame_text(f, r->site);
		else
			fputs("(stack not unwound)", f);
		return;
	}
	frame_text(f, &r->frames[r->label_lo]);
	for (int k = r->label_lo + 1; k <= r->label_hi; k++) {
		const struct ei_frame *fr = &r->frames[k];
		if (fr->func)
			fprintf(f, " <- %s", fr->func);
		else
			fprintf(f, " <- %s+0x%llx", base(fr->module), (unsigned long long)fr->offset);
	}
}

/* For each module of the label's frames: its path, build-id and the
 * offsets, as an eu-addr2line line. */
void ei_label_where(FILE *f, const struct ei_rfinding *r)
{
	for (int k = r->label_lo; k >= 0 && k <= r->label_hi; k++) {
		const struct ei_frame *fr = &r->frames[k];
		int i;

		if (!fr->module || !strcmp(fr->module, "?"))
			continue;
		for (i = r->label_lo; i < k; i++)
			if (r->frames[i].module && !strcmp(r->frames[i].module, fr->module))
				break;
		if (i < k)
			continue; /* said with the first */
		fprintf(f, "  eu-addr2line -e %s", fr->module);
		for (i = k; i <= r->label_hi; i++)
			if (r->frames[i].module && !strcmp(r->frames[i].module, fr->module))
				fprintf(f, " 0x%llx", (unsigned long long)r->frames[i].offset);
		fprintf(f, "   # build-id %s\n", fr->build_id ? fr->build_id : "none");
	}
}
