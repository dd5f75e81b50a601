/* SPDX-License-Identifier: GPL-2.0 */
/* What the test programs share. They are oracles: nothing of errinj's. */
#ifndef ERRINJ_TEST_PROGS_H
#define ERRINJ_TEST_PROGS_H

#include <stdio.h>
#include <string.h>

/* An errno's name from glibc ("EIO"), or its number. */
static inline const char *ename(int e)
{
	static char buf[16];
	const char *n = strerrorname_np(e);

	if (n)
		return n;
	snprintf(buf, sizeof(buf), "%d", e);
	return buf;
}

#endif
