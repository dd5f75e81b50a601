// SPDX-License-Identifier: GPL-2.0
/*
 * Outputs that differ from the reference's yet lost nothing (run.c's
 * classes): stdout that only gained lines (a warning printed, the job
 * done), and the environment's locale, whose loading a failed call can
 * make glibc give up for the C locale (setlocale returns NULL, as
 * documented), output then the C locale's.
 */
#include <stdlib.h>
#include <string.h>

#include "explore/internal.h"

bool ei_out_gained(const char *ref, size_t rn, const char *run, size_t n)
{
	size_t i = 0, k = 0;

	if (n <= rn)
		return false;
	/* Each reference line, newline included, found in order as a whole
	 * line of the run's; a last line without newline, as the run's. */
	while (i < rn) {
		const char *e = memchr(ref + i, '\n', rn - i);
		size_t len = e ? (size_t)(e - ref - i) + 1 : rn - i;
		for (;;) {
			const char *f;
			size_t l;
			if (k >= n)
				return false;
			f = memchr(run + k, '\n', n - k);
			l = f ? (size_t)(f - run - k) + 1 : n - k;
			k += l;
			if (l == len && !memcmp(run + k - l, ref + i, len))
				break;
		}
		i += len;
	}
	return true;
}

/* What glibc takes for one category at setlocale(cat, ""): LC_ALL, then
 * the category's variable, then LANG; empty ones do not count. */
static const char *locale_of(const char *cat)
{
	const char *v = getenv("LC_ALL");

	if (v && *v)
		return v;
	if ((v = getenv(cat)) && *v)
		return v;
	return (v = getenv("LANG")) && *v ? v : "C";
}

bool ei_env_locale(void)
{
	static const char *const cats[] = { "LC_CTYPE", "LC_NUMERIC", "LC_TIME", "LC_COLLATE", "LC_MONETARY",
					    "LC_MESSAGES", "LC_PAPER", "LC_NAME", "LC_ADDRESS", "LC_TELEPHONE",
					    "LC_MEASUREMENT", "LC_IDENTIFICATION" };

	/* C and POSIX are built into glibc: nothing to load, nothing to fail. */
	for (size_t i = 0; i < sizeof(cats) / sizeof(cats[0]); i++) {
		const char *v = locale_of(cats[i]);
		if (strcmp(v, "C") && strcmp(v, "POSIX"))
			return true;
	}
	return false;
}
