// SPDX-License-Identifier: GPL-2.0
/* Small helpers: the library's one-line messages, whole files, capture files. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "core/core.h"

int ei_fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

char *ei_quote(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	if (!len)
		return buf;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char tmp[8];
		size_t n;

		if (c >= 0x20 && c < 0x7f) {
			tmp[0] = (char)c;
			n = 1;
		} else {
			n = (size_t)snprintf(tmp, sizeof(tmp), "\\x%02x", c);
		}
		if (o + n + 3 >= len) { /* keep room for "..." */
			if (o + 3 < len) {
				memcpy(buf + o, "...", 3);
				o += 3;
			}
			break;
		}
		memcpy(buf + o, tmp, n);
		o += n;
	}
	buf[o] = '\0';
	return buf;
}

char *ei_read_whole(int fd, size_t *len)
{
	off_t end = lseek(fd, 0, SEEK_END);
	char *buf = malloc(end > 0 ? (size_t)end + 1 : 1);

	*len = 0;
	if (!buf)
		return NULL;
	if (end > 0 && pread(fd, buf, (size_t)end, 0) == end)
		*len = (size_t)end;
	buf[*len] = 0;
	return buf;
}

/* The decimal numbers of strace's specs (when=, error=, signal numbers,
 * -e read= descriptors) are read as strtoll(s, &end, 10) reads them:
 * leading white space and a sign allowed, leading zeros ignored (010 is
 * ten), a negative value refused but -0. A number past max is refused,
 * not clipped. */
bool ei_read_decimal(const char *s, __u64 max, const char *endings, const char **end, __u64 *out)
{
	bool neg = false, digits = false;
	__u64 v = 0;

	while (isspace((unsigned char)*s))
		s++;
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	for (; *s >= '0' && *s <= '9'; s++) {
		unsigned d = (unsigned)(*s - '0');
		if (v > (max - d) / 10)
			return false;
		v = v * 10 + d;
		digits = true;
	}
	if (!digits || (neg && v))
		return false;
	if (*s && (!endings || !strchr(endings, *s)))
		return false;
	if (end)
		*end = s;
	*out = v;
	return true;
}

int ei_capture_fd(const char *name)
{
	int fd = memfd_create(name, MFD_CLOEXEC);

	if (fd >= 0 && fcntl(fd, F_SETFL, O_APPEND)) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}
