// SPDX-License-Identifier: GPL-2.0
/* Messages: one line "prog: message" on stderr, written whole. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"

static const char *progname = "errinj";

void ei_set_progname(const char *name)
{
	const char *slash = strrchr(name, '/');

	progname = slash ? slash + 1 : name;
}

const char *ei_progname(void)
{
	return progname;
}

static void vmsg(const char *fmt, va_list ap)
{
	/* One write, so that concurrent messages do not interleave. */
	char line[1024];
	int n = snprintf(line, sizeof(line), "%s: ", progname);

	if (n < 0)
		return;
	vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	fprintf(stderr, "%s\n", line);
}

void ei_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void ei_vmsg(const char *fmt, va_list ap)
{
	vmsg(fmt, ap);
}
