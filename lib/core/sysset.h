/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sets of syscall numbers (struct ei_sysset of errinj.h, as strace's
 * number_set): what a rule names, what a backend serves, what the
 * supervisor traps. Numbers outside 0..EI_NR_SYSCALLS-1 are never members.
 */
#ifndef ERRINJ_SYSSET_H
#define ERRINJ_SYSSET_H

#include <stdbool.h>
#include <string.h>

#include "errinj.h"

#define EI_SYSSET_WORDS (EI_NR_SYSCALLS / 64)

static inline bool ei_sysset_has(const struct ei_sysset *s, int nr)
{
	return nr >= 0 && nr < EI_NR_SYSCALLS && (s->w[nr / 64] & (1ULL << (nr % 64)));
}

static inline void ei_sysset_add(struct ei_sysset *s, int nr)
{
	if (nr >= 0 && nr < EI_NR_SYSCALLS)
		s->w[nr / 64] |= 1ULL << (nr % 64);
}

static inline void ei_sysset_del(struct ei_sysset *s, int nr)
{
	if (nr >= 0 && nr < EI_NR_SYSCALLS)
		s->w[nr / 64] &= ~(1ULL << (nr % 64));
}

static inline void ei_sysset_clear(struct ei_sysset *s)
{
	memset(s, 0, sizeof(*s));
}

static inline int ei_sysset_count(const struct ei_sysset *s)
{
	int n = 0;

	for (int i = 0; i < EI_SYSSET_WORDS; i++)
		n += __builtin_popcountll(s->w[i]);
	return n;
}

static inline bool ei_sysset_empty(const struct ei_sysset *s)
{
	for (int i = 0; i < EI_SYSSET_WORDS; i++)
		if (s->w[i])
			return false;
	return true;
}

/* d |= s */
static inline void ei_sysset_or(struct ei_sysset *d, const struct ei_sysset *s)
{
	for (int i = 0; i < EI_SYSSET_WORDS; i++)
		d->w[i] |= s->w[i];
}

/* d &= s */
static inline void ei_sysset_and(struct ei_sysset *d, const struct ei_sysset *s)
{
	for (int i = 0; i < EI_SYSSET_WORDS; i++)
		d->w[i] &= s->w[i];
}

/* d &= ~s */
static inline void ei_sysset_andnot(struct ei_sysset *d, const struct ei_sysset *s)
{
	for (int i = 0; i < EI_SYSSET_WORDS; i++)
		d->w[i] &= ~s->w[i];
}

/* The smallest member >= from, or EI_NR_SYSCALLS if none. */
static inline int ei_sysset_next(const struct ei_sysset *s, int from)
{
	if (from < 0)
		from = 0;
	for (int i = from / 64; i < EI_SYSSET_WORDS; i++) {
		__u64 w = s->w[i];

		if (i == from / 64)
			w &= ~0ULL << (from % 64);
		if (w)
			return i * 64 + __builtin_ctzll(w);
	}
	return EI_NR_SYSCALLS;
}

/* Each member in increasing order; the body may delete nr. */
#define ei_sysset_for_each(nr, s) \
	for (int nr = ei_sysset_next((s), 0); nr < EI_NR_SYSCALLS; nr = ei_sysset_next((s), nr + 1))

#endif
