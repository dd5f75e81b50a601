/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small JSON reader: recursive descent into a tree, enough to read back
 * what errinj writes (errinj explore --merge reads the shards' reports).
 * Strings may hold bytes that are not UTF-8: errinj writes such a byte as
 * the lone low surrogate \udc80..\udcff (Python's surrogateescape), which
 * is read back as the byte.
 */
#ifndef ERRINJ_JSON_H
#define ERRINJ_JSON_H

#include <stdbool.h>
#include <stddef.h>

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
