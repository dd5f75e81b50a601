/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal harness for host unit tests, in the manner of the kernel's
 * bpf selftests: assertions return bool and name what failed; each
 * subtest prints "PASS unit/NAME" or "FAIL unit/NAME: why".
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
	/* TEST_LAYER names the build (unit, or asan for the sanitized one). */
	const char *layer = getenv("TEST_LAYER") ? getenv("TEST_LAYER") : "unit";
	if (t_ok) {
		printf("PASS %s/%s\n", layer, name);
	} else {
		printf("FAIL %s/%s%s\n", layer, name, buf);
		t_failed++;
	}
}
#define SUBTEST(fn) run_subtest(#fn, test_##fn)

#endif
