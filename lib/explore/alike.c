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

/* The next line of s[*k..n), newline included (a last one without); its
 * length, 0 at the end. */
static size_t next_line(const char *s, size_t n, size_t *k, const char **line)
{
	const char *e;
	size_t l;

	if (*k >= n)
		return 0;
	e = memchr(s + *k, '\n', n - *k);
	l = e ? (size_t)(e - s - *k) + 1 : n - *k;
	*line = s + *k;
	*k += l;
	return l;
}

static bool has_line(const char *s, size_t n, const char *line, size_t len)
{
	const char *l;
	size_t k = 0, ll;

	while ((ll = next_line(s, n, &k, &l)))
		if (ll == len && !memcmp(l, line, len))
			return true;
	return false;
}

/* A warning is a few lines of its own: at most this many gained lines,
 * none a copy of a reference line (data written twice is no message). */
#define MAX_GAINED 16

bool ei_out_gained(const char *ref, size_t rn, const char *run, size_t n)
{
	size_t i = 0, k = 0, len, l;
	const char *want = NULL, *got;
	int gained = 0;

	if (n <= rn)
		return false;
	/* Each reference line found in order as a whole line of the run's. */
	len = next_line(ref, rn, &i, &want);
	while ((l = next_line(run, n, &k, &got))) {
		if (len && l == len && !memcmp(got, want, len)) {
			len = next_line(ref, rn, &i, &want);
			continue;
		}
		if (++gained > MAX_GAINED || has_line(ref, rn, got, l))
			return false;
	}
	return len == 0;
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
