/* SPDX-License-Identifier: GPL-2.0 */
/*
 * JSON for every tool: a writer (struct ei_jw: the events, the summary,
 * the session line, explore's report) and a small reader, recursive
 * descent into a tree, enough to read back what errinj writes (errinj
 * explore --merge reads the shards' reports). Strings may hold bytes that
 * are not UTF-8: errinj writes such a byte as the lone low surrogate
 * \udc80..\udcff (Python's surrogateescape), which is read back as the byte.
 */
#ifndef ERRINJ_JSON_H
#define ERRINJ_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* ---- writer ---- */
#define EI_JW_DEPTH 32

/* Writes one JSON value into f, with the commas between items: open an
 * object or array, give each member's key then its value, close it. No
 * white space; the caller ends a JSON Lines record with its newline. */
struct ei_jw {
	FILE *f;
	int depth;                /* containers open */
	bool more[EI_JW_DEPTH];   /* an item was written at this depth */
	bool keyed;               /* a key was written: its value comes next */
	bool misused;             /* nesting past EI_JW_DEPTH, or a close unopened */
};

void ei_jw_init(struct ei_jw *w, FILE *f);
void ei_jw_object(struct ei_jw *w);
void ei_jw_object_end(struct ei_jw *w);
void ei_jw_array(struct ei_jw *w);
void ei_jw_array_end(struct ei_jw *w);
/* An object member's key; its value is the next call. */
void ei_jw_key(struct ei_jw *w, const char *key);
/* s as a JSON string (see ei_json_string), or null when s is NULL. */
void ei_jw_string(struct ei_jw *w, const char *s);
/* At most max bytes of s (up to a NUL). */
void ei_jw_stringn(struct ei_jw *w, const char *s, size_t max);
void ei_jw_stringf(struct ei_jw *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ei_jw_int(struct ei_jw *w, long long v);
void ei_jw_uint(struct ei_jw *w, unsigned long long v);
/* v with prec digits after the point, or as %g when prec < 0; null when
 * v is not finite (JSON has no infinity or NaN). */
void ei_jw_double(struct ei_jw *w, double v, int prec);
void ei_jw_bool(struct ei_jw *w, bool v);
void ei_jw_null(struct ei_jw *w);

/* At most max bytes of s (up to a NUL) as a JSON string: valid UTF-8 as
 * it is; a byte that is not part of valid UTF-8 as the lone surrogate
 * \udcXX (XX the byte, Python's surrogateescape), which loses nothing. */
void ei_json_string(FILE *f, const char *s, size_t max);

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if the
 * bytes there are not one (overlong forms and surrogates included). */
size_t ei_utf8_len(const unsigned char *s, size_t n);

/* ---- reader ---- */

enum ei_json_type {
	EI_JSON_NULL,
	EI_JSON_BOOL,
	EI_JSON_INT,    /* an integer that fits in int64 or uint64 */
	EI_JSON_DOUBLE, /* any other number */
	EI_JSON_STRING,
	EI_JSON_ARRAY,
	EI_JSON_OBJECT,
};

struct ei_json {
	enum ei_json_type type;
	bool b;                 /* BOOL */
	long long i;            /* INT, unless big */
	unsigned long long u;   /* INT when >= 0 (and when big) */
	bool big;               /* INT past INT64_MAX: u alone */
	double d;               /* INT and DOUBLE: the value as a double */
	char *s;                /* STRING, NUL-terminated; no NUL inside */
	size_t len;
	struct ei_json *items;  /* ARRAY, OBJECT: the values */
	char **keys;            /* OBJECT: the keys, in order */
	size_t n;
};

/* Parses text[0..len): the tree, or NULL with a sentence in err ("at
 * byte N: ..."). Trailing white space only. */
struct ei_json *ei_json_parse(const char *text, size_t len, char *err, size_t errlen);
void ei_json_free(struct ei_json *v);

/* The value of key in object v (its first, if repeated): NULL if v is
 * not an object or has no such key. */
const struct ei_json *ei_json_get(const struct ei_json *v, const char *key);
/* The string, or NULL if v is not one (NULL included). */
const char *ei_json_str(const struct ei_json *v);
/* Whether v is an integer in [min, max]; if so *out is set. */
bool ei_json_int(const struct ei_json *v, long long min, long long max, long long *out);

#endif
