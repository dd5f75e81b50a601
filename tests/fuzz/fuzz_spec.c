// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the spec parsers, inject= and fault= (make fuzz). Besides the
 * sanitizers' checks it asserts the parser's contract: an accepted spec
 * is a usable rule, a rejected one comes with exactly one line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

static void check_rule(const struct ei_spec *sp, int fault)
{
	const struct ei_spec *r = sp;
	/* A set may select nothing (none, ?unknown), as strace's; the count
	 * is the bitmap's. */
	int n = ei_sysset_count(&sp->syscalls);

	if (sp->nsyscalls != n || !r->actions || r->first < 1 || (r->last && r->last < r->first) ||
	    ((r->actions & EI_ACT_ERROR) && (r->error < 1 || r->error > EI_ERRNO_MAX)) ||
	    ((r->actions & EI_ACT_ERROR) && (r->actions & EI_ACT_RETVAL)) ||
	    (fault && r->actions != EI_ACT_ERROR) || !(r->prob > 0 && r->prob <= 1) ||
	    ((r->filters & EI_FILTER_PATH) && strlen(r->pattern) >= EI_PATTERN_MAX))
		abort();
}

static void check_error(const char *err)
{
	size_t n = strlen(err);

	if (n == 0 || memchr(err, '\n', n))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[8192], err[512];
	struct ei_spec sp;

	if (size >= sizeof(text))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	/* inject= and fault= (which defaults error= and refuses retval=). */
	for (int fault = 0; fault < 2; fault++) {
		err[0] = '\0';
		int r = (fault ? ei_fault_parse : ei_spec_parse)(text, &sp, err, sizeof(err));
		if (r == 0)
			check_rule(&sp, fault);
		else if (r == -1)
			check_error(err);
		else
			abort();
	}
	/* The smaller parsers on the same bytes. */
	/* when=: 0 and a usable range (first >= 1, last 0 for open-ended or
	 * >= first), or -1 and one line. */
	__u64 f, l, s;
	err[0] = '\0';
	int w = ei_when_parse(text, &f, &l, &s, err, sizeof(err));
	if (w == 0) {
		if (f < 1 || (l != 0 && l < f))
			abort();
	} else if (w == -1) {
		check_error(err);
	} else {
		abort();
	}
	int e = ei_errno_parse(text);
	if (e != -1 && (e < 1 || e > EI_ERRNO_MAX))
		abort();
	return 0;
}
