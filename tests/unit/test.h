/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal harness for host unit tests, in the manner of the kernel's
 * bpf selftests: assertions return bool and name what failed; each
 * subtest prints "PASS unit/NAME" or "FAIL unit/NAME: why", and writes it
 * to the results channel (t_result).
 */
#ifndef ERRINJ_TEST_H
#define ERRINJ_TEST_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool t_ok;
static int t_failed;

#define ASSERT(cond, ...)                                              \
	({                                                             \
		bool _c = (cond);                                      \
		if (!_c) {                                             \
			if (t_ok)                                      \
				printf(": ");                          \
			else                                           \
				printf("; ");                          \
			printf("%s:%d: ", __FILE__, __LINE__);         \
			printf(__VA_ARGS__);                           \
			t_ok = false;                                  \
		}                                                      \
		_c;                                                    \
	})

#define ASSERT_EQ(got, want)                                                      \
	ASSERT((long long)(got) == (long long)(want), "%s == %lld, want %lld", #got, \
	       (long long)(got), (long long)(want))

#define ASSERT_STR(got, want)                                                     \
	({                                                                        \
		const char *_g = (got), *_w = (want);                             \
		ASSERT(_g && _w && !strcmp(_g, _w), "%s == \"%s\", want \"%s\"", #got, \
		       _g ? _g : "(null)", _w ? _w : "(null)");                    \
	})

/* TEST_LAYER names the build (unit, or asan for the sanitized one). */
static inline const char *t_layer(void)
{
	return getenv("TEST_LAYER") ? getenv("TEST_LAYER") : "unit";
}

/*
 * One result, "KIND LAYER/NAME[: why]", on stdout for the reader and on
 * the results channel, the file TEST_RESULTS names (tests/run counts
 * that, so that a line a tested function prints is no result). WHY is
 * one line there.
 */
static inline void t_result(const char *kind, const char *name, const char *why)
{
	const char *path = getenv("TEST_RESULTS");
	FILE *f;

	printf("%s %s/%s%s%s\n", kind, t_layer(), name, *why ? ": " : "", why);
	fflush(stdout);
	if (!path || !(f = fopen(path, "a")))
		return;
	fprintf(f, "%s %s/%s%s", kind, t_layer(), name, *why ? ": " : "");
	for (; *why; why++)
		fputc(*why == '\n' ? ' ' : *why, f);
	fputc('\n', f);
	fclose(f);
}

/* Runs one subtest; its failures are gathered and printed after its name. */
static inline void run_subtest(const char *name, void (*fn)(void))
{
	char buf[8192] = "";
	FILE *old = stdout, *m;

	fflush(stdout);
	m = fmemopen(buf, sizeof(buf) - 1, "w");
	if (m)
		stdout = m;
	t_ok = true;
	fn();
	if (m) {
		fclose(m);
		stdout = old;
	}
	if (t_ok) {
		t_result("PASS", name, "");
	} else {
		/* ASSERT starts its first message with ": ". */
		t_result("FAIL", name, strncmp(buf, ": ", 2) ? buf : buf + 2);
		t_failed++;
	}
}
#define SUBTEST(fn) run_subtest(#fn, test_##fn)

#endif
