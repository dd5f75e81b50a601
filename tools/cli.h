/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the command-line tools (errinj, the loader) share and the library
 * must not do: leave the process.
 */
#ifndef ERRINJ_CLI_H
#define ERRINJ_CLI_H

#include <stdarg.h>
#include <stdlib.h>

#include <stdio.h>

#include "core/core.h"

/* Bad input: one line on stderr, then exit status 2. */
static inline __attribute__((format(printf, 1, 2), noreturn)) void ei_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ei_vmsg(fmt, ap);
	va_end(ap);
	exit(EI_EXIT_USAGE);
}

/* Installed setuid or setgid, a tool would let any user fail any
 * process's syscalls: refuse before anything else. */
static inline void ei_refuse_setid(void)
{
	if (ei_running_setid()) {
		ei_msg("refusing to run setuid or setgid: run it as root (or with CAP_BPF and CAP_PERFMON) instead");
		exit(EI_EXIT_FAIL);
	}
}

/* errinj --features: what this kernel and user can use, and why not. */
void ei_features(FILE *f);

#endif
