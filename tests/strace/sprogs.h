/* SPDX-License-Identifier: GPL-2.0 */
/* What the programs of the strace port share. They are oracles: nothing
 * of errinj's, nothing of strace's. Output goes through write(2) only:
 * qual_fault's cases fail writev. */
#ifndef ERRINJ_STRACE_PROGS_H
#define ERRINJ_STRACE_PROGS_H

#include <errno.h>

#include "../progs/progs.h" /* ename() */

/* printf to FD in one write(2), cut to the buffer; exits 3 if it fails. */
__attribute__((format(printf, 2, 3))) static inline void say_fd(int fd, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = (size_t)vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n >= sizeof(buf))
		n = sizeof(buf) - 1;
	if (write(fd, buf, n) != (ssize_t)n)
		_exit(3);
}
#define say(...) say_fd(1, __VA_ARGS__)

/* "= R" or "= -1 ENAME" for a call's result R (errno when R is -1). */
static inline const char *result(long r, int err)
{
	static char buf[64];

	if (r == -1)
		snprintf(buf, sizeof(buf), "= -1 %s", ename(err));
	else
		snprintf(buf, sizeof(buf), "= %ld", r);
	return buf;
}

#endif
