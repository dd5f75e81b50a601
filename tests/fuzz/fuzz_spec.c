// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the inject spec parser (make fuzz). Besides the
 * sanitizers' checks it asserts the parser's contract: an accepted spec
 * is a usable rule, a rejected one comes with exactly one line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "liberrinj.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[8192], err[512];
	struct ei_spec sp;

	if (size >= sizeof(text))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	err[0] = '\0';
	if (ei_spec_parse(text, &sp, err, sizeof(err)) == 0) {
		const struct ei_rule *r = &sp.rule;
		if (sp.nsyscalls < 1 || !r->actions || r->first < 1 ||
		    (r->last && r->last < r->first) ||
		    ((r->actions & EI_ACT_ERROR) && (r->error < 1 || r->error > EI_ERRNO_MAX)) ||
		    ((r->actions & EI_ACT_ERROR) && (r->actions & EI_ACT_RETVAL)) ||
		    r->prob == 0 || r->prob > (1ULL << 32) ||
		    ((r->filters & EI_FILTER_PATH) && strlen(r->pattern) >= EI_PATTERN_MAX))
			abort();
	} else {
		size_t n = strlen(err);
		if (n == 0 || memchr(err, '\n', n))
			abort();
	}
	/* The smaller parsers on the same bytes. */
	__u64 f, l, s;
	ei_when_parse(text, &f, &l, &s, err, sizeof(err));
	int e = ei_errno_parse(text);
	if (e != -1 && (e < 1 || e > EI_ERRNO_MAX))
		abort();
	return 0;
}
