/* SPDX-License-Identifier: GPL-2.0 */
/* What the test programs share. They are oracles: nothing of errinj's. */
#ifndef ERRINJ_TEST_PROGS_H
#define ERRINJ_TEST_PROGS_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/uio.h>

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

/* printf to stdout in one writev (not write, which a test may fail),
 * cut to the buffer; exits 3 if even that fails. */
__attribute__((format(printf, 1, 2))) static inline void out(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	struct iovec iov;

	va_start(ap, fmt);
	iov.iov_len = (size_t)vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (iov.iov_len >= sizeof(buf))
		iov.iov_len = sizeof(buf) - 1;
	iov.iov_base = buf;
	if (writev(1, &iov, 1) < 0)
		_exit(3);
}

#endif
