// SPDX-License-Identifier: GPL-2.0
/* errno and syscall lookups over the tables generated at build time. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/core.h"
#include "errno_table.h"
#include "syscall_table.h"
#include "signal_table.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* As strace reads error=: a decimal number 1..4095 (ei_read_decimal),
 * else a name in any case. */
int ei_errno_parse(const char *s)
{
	size_t i;
	__u64 v;

	if (!s)
		return -1;
	if (ei_read_decimal(s, EI_ERRNO_MAX, NULL, NULL, &v))
		return v >= 1 ? (int)v : -1;
	for (i = 0; i < ARRAY_SIZE(ei_errno_canon); i++)
		if (!strcasecmp(s, ei_errno_canon[i].name))
			return ei_errno_canon[i].value;
	for (i = 0; i < ARRAY_SIZE(ei_errno_alias); i++)
		if (!strcasecmp(s, ei_errno_alias[i].name))
			return ei_errno_alias[i].value;
	return -1;
}

const char *ei_errno_name(int err)
{
	for (size_t i = 0; i < ARRAY_SIZE(ei_errno_canon); i++)
		if (ei_errno_canon[i].value == err)
			return ei_errno_canon[i].name;
	return NULL;
}

int ei_syscall_nr(const char *name)
{
	if (!name)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(ei_syscall_table); i++)
		if (!strcmp(name, ei_syscall_table[i].name))
			return ei_syscall_table[i].nr;
	return -1;
}

const struct ei_syscall_entry *ei_syscall_info(int nr)
{
	/* The table follows syscall_64.tbl: up to its first gap, entry nr
	 * is syscall nr (the seccomp supervisor asks for every trapped
	 * call). */
	if (nr >= 0 && (size_t)nr < ARRAY_SIZE(ei_syscall_table) && ei_syscall_table[nr].nr == nr)
		return &ei_syscall_table[nr];
	for (size_t i = 0; i < ARRAY_SIZE(ei_syscall_table); i++)
		if (ei_syscall_table[i].nr == nr)
			return &ei_syscall_table[i];
	return NULL;
}

const char *ei_syscall_name(int nr)
{
	const struct ei_syscall_entry *e = ei_syscall_info(nr);

	return e ? e->name : NULL;
}

/* strace's class names (basic_filters.c of strace 6.1), case-sensitive as
 * there: the %names, then the legacy ones without '%' that it still takes. */
static const struct {
	const char *name;
	int cls;
} classes[] = {
	{ "%desc", EI_CLASS_DESC },
	{ "%file", EI_CLASS_FILE },
	{ "%memory", EI_CLASS_MEMORY },
	{ "%process", EI_CLASS_PROCESS },
	{ "%creds", EI_CLASS_CREDS },
	{ "%signal", EI_CLASS_SIGNAL },
	{ "%ipc", EI_CLASS_IPC },
	{ "%net", EI_CLASS_NET },
	{ "%network", EI_CLASS_NET },
	{ "%stat", EI_CLASS_STAT },
	{ "%lstat", EI_CLASS_LSTAT },
	{ "%fstat", EI_CLASS_FSTAT },
	{ "%%stat", EI_CLASS_STAT_LIKE },
	{ "%statfs", EI_CLASS_STATFS },
	{ "%fstatfs", EI_CLASS_FSTATFS },
	{ "%%statfs", EI_CLASS_STATFS_LIKE },
	{ "%pure", EI_CLASS_PURE },
	{ "%clock", EI_CLASS_CLOCK },
	{ "desc", EI_CLASS_DESC },
	{ "file", EI_CLASS_FILE },
	{ "memory", EI_CLASS_MEMORY },
	{ "process", EI_CLASS_PROCESS },
	{ "signal", EI_CLASS_SIGNAL },
	{ "ipc", EI_CLASS_IPC },
	{ "network", EI_CLASS_NET },
};

int ei_class_parse(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(classes); i++)
		if (!strcmp(name, classes[i].name))
			return classes[i].cls;
	return 0;
}

const char *ei_class_name(size_t i)
{
	return i < ARRAY_SIZE(classes) ? classes[i].name : NULL;
}

int ei_syscall_max(void)
{
	/* The table is sorted by number. */
	return ei_syscall_table[ARRAY_SIZE(ei_syscall_table) - 1].nr + 1;
}

const struct ei_syscall_entry *ei_syscall_at(size_t i)
{
	return i < ARRAY_SIZE(ei_syscall_table) ? &ei_syscall_table[i] : NULL;
}

/* Levenshtein distance, bounded to names of sane length. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[65], i, j;

	if (la > 64 || lb > 64)
		return (size_t)-1;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

const char *ei_syscall_suggest(const char *name)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1, len = strlen(name);

	for (size_t i = 0; i < ARRAY_SIZE(ei_syscall_table); i++) {
		size_t d = edit_distance(name, ei_syscall_table[i].name);
		if (d < best_d) {
			best_d = d;
			best = ei_syscall_table[i].name;
		}
	}
	/* Suggest only what looks like a typo, not any name at all. */
	if (best_d > 2 && best_d > len / 3)
		return NULL;
	return best;
}

/* As strace reads signal=: a decimal number if it starts with a digit;
 * else a name in any case, SIG optional: the kernel's (RTMIN is 32, not
 * glibc's 34) and RT_1..RT_32 for 33..64, as strace names them. */
int ei_signal_parse(const char *s)
{
	__u64 v;

	if (!s)
		return -1;
	if (*s >= '0' && *s <= '9')
		return ei_read_decimal(s, 255, NULL, NULL, &v) && v >= 1 && v <= 64 ? (int)v : -1;
	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	if (!strcasecmp(s, "RTMIN"))
		return 32;
	if (!strncasecmp(s, "RT_", 3) && s[3] >= '1' && s[3] <= '9' && all_digits(s + 3) && strlen(s) <= 5) {
		int n = atoi(s + 3);
		return n <= 32 ? 32 + n : -1;
	}
	for (size_t i = 0; i < ARRAY_SIZE(ei_signal_table); i++)
		if (!strcasecmp(s, ei_signal_table[i].name + 3))
			return ei_signal_table[i].value;
	return -1;
}

const char *ei_signal_name(int sig)
{
	static char rt[33][sizeof("SIGRT_32")];

	/* Sorted so that the canonical name of a number comes first. */
	for (size_t i = 0; i < ARRAY_SIZE(ei_signal_table); i++)
		if (ei_signal_table[i].value == sig)
			return ei_signal_table[i].name;
	/* The real-time signals as strace names them (ei_signal_parse). */
	if (sig < 32 || sig > 64)
		return NULL;
	if (!rt[sig - 32][0])
		snprintf(rt[sig - 32], sizeof(rt[0]), sig == 32 ? "SIGRTMIN" : "SIGRT_%d", sig - 32);
	return rt[sig - 32];
}

static const char *const names[EI_NR_BACKENDS] = { "kprobe", "fmod_ret", "seccomp" };

const char *ei_backend_name(int b)
{
	return b >= 0 && b < EI_NR_BACKENDS ? names[b] : "none";
}

int ei_backend_parse(const char *s)
{
	if (!strcmp(s, "auto"))
		return EI_BACKEND_AUTO;
	for (int b = 0; b < EI_NR_BACKENDS; b++)
		if (!strcmp(s, names[b]))
			return b;
	return -2;
}
