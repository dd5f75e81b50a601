// SPDX-License-Identifier: GPL-2.0
/*
 * A small JSON reader (lib/core/json.h): RFC 8259's grammar by recursive
 * descent, nesting bounded so that a hostile file cannot exhaust the
 * stack.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"

#define MAX_DEPTH 256

struct parser {
	const char *p, *start, *end;
	int depth;
	char *err;
	size_t errlen;
	bool failed;
};

static __attribute__((format(printf, 2, 3))) void fail(struct parser *ps, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (ps->failed)
		return;
	ps->failed = true;
	n = snprintf(ps->err, ps->errlen, "at byte %zu: ", (size_t)(ps->p - ps->start));
	if (n < 0 || (size_t)n >= ps->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static bool literal(struct parser *ps, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n)) {
		fail(ps, "unexpected character");
		return false;
	}
	ps->p += n;
	return true;
}

static int hex4(struct parser *ps)
{
	int v = 0;

	if (ps->end - ps->p < 4) {
		fail(ps, "truncated \\u escape");
		return -1;
	}
	for (int i = 0; i < 4; i++) {
		char c = *ps->p++;
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else {
			ps->p--;
			fail(ps, "bad \\u escape");
			return -1;
		}
	}
	return v;
}

static size_t put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* At the opening quote. The decoded string is never longer than its
 * text, so one buffer of that size holds it. */
static char *string(struct parser *ps, size_t *lenp)
{
	const char *q = ps->p + 1;
	char *out, *o;

	while (q < ps->end && *q != '"') {
		if (*q == '\\' && q + 1 < ps->end)
			q++;
		q++;
	}
	if (q >= ps->end) {
		fail(ps, "unterminated string");
		return NULL;
	}
	ps->p++;
	if (!(out = o = malloc((size_t)(q - ps->p) + 1))) {
		fail(ps, "out of memory");
		return NULL;
	}
	while (*ps->p != '"') {
		unsigned char c = (unsigned char)*ps->p;
		int cp, lo;
		if (c < 0x20) {
			fail(ps, "control character in a string");
			goto bad;
		}
		if (c != '\\') {
			*o++ = (char)c;
			ps->p++;
			continue;
		}
		ps->p++;
		switch (*ps->p++) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '/': *o++ = '/'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u':
			if ((cp = hex4(ps)) < 0)
				goto bad;
			if (cp == 0) {
				fail(ps, "\\u0000 in a string");
				goto bad;
			}
			if (cp >= 0xd800 && cp <= 0xdbff) {
				/* A high surrogate: its low one must follow. */
				if (ps->end - ps->p < 2 || ps->p[0] != '\\' || ps->p[1] != 'u') {
					fail(ps, "lone high surrogate");
					goto bad;
				}
				ps->p += 2;
				if ((lo = hex4(ps)) < 0)
					goto bad;
				if (lo < 0xdc00 || lo > 0xdfff) {
					fail(ps, "high surrogate without its low one");
					goto bad;
				}
				o += put_utf8(o, 0x10000 + ((unsigned)(cp - 0xd800) << 10) + (unsigned)(lo - 0xdc00));
			} else if (cp >= 0xdc00 && cp <= 0xdfff) {
				/* A lone low one: a byte that was not UTF-8. */
				if (cp < 0xdc80 || cp > 0xdcff) {
					fail(ps, "lone low surrogate");
					goto bad;
				}
				*o++ = (char)(cp - 0xdc00);
			} else {
				o += put_utf8(o, (unsigned)cp);
			}
			break;
		default:
			ps->p--;
			fail(ps, "bad escape");
			goto bad;
		}
	}
	ps->p++;
	*o = 0;
	*lenp = (size_t)(o - out);
	return out;
bad:
	free(out);
	return NULL;
}

static bool number(struct parser *ps, struct ei_json *v)
{
	const char *s = ps->p, *q = s;
	char buf[128], *end;
	bool integer = true;

	if (q < ps->end && *q == '-')
		q++;
	if (q < ps->end && *q == '0')
		q++;
	else if (q < ps->end && *q >= '1' && *q <= '9')
		while (q < ps->end && *q >= '0' && *q <= '9')
			q++;
	else
		goto bad;
	if (q < ps->end && *q == '.') {
		integer = false;
		if (++q >= ps->end || *q < '0' || *q > '9')
			goto bad;
		while (q < ps->end && *q >= '0' && *q <= '9')
			q++;
	}
	if (q < ps->end && (*q == 'e' || *q == 'E')) {
		integer = false;
		if (++q < ps->end && (*q == '+' || *q == '-'))
			q++;
		if (q >= ps->end || *q < '0' || *q > '9')
			goto bad;
		while (q < ps->end && *q >= '0' && *q <= '9')
			q++;
	}
	if ((size_t)(q - s) >= sizeof(buf)) {
		fail(ps, "number too long");
		return false;
	}
	memcpy(buf, s, (size_t)(q - s));
	buf[q - s] = 0;
	ps->p = q;
	v->d = strtod(buf, NULL);
	v->type = EI_JSON_DOUBLE;
	if (!integer)
		return true;
	errno = 0;
	v->i = strtoll(buf, &end, 10);
	if (!errno) {
		v->type = EI_JSON_INT;
		v->u = v->i >= 0 ? (unsigned long long)v->i : 0;
		return true;
	}
	if (buf[0] != '-') {
		errno = 0;
		v->u = strtoull(buf, &end, 10);
		if (!errno) {
			v->type = EI_JSON_INT;
			v->big = true;
		}
	}
	return true;
bad:
	ps->p = q;
	fail(ps, "bad number");
	return false;
}

static bool value(struct parser *ps, struct ei_json *v);

/* Appends one zeroed item to v's items (and a key slot for objects). */
static struct ei_json *add_item(struct parser *ps, struct ei_json *v, size_t *cap)
{
	if (v->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 4;
		struct ei_json *items = realloc(v->items, ncap * sizeof(*items));
		if (!items)
			goto oom;
		v->items = items;
		if (v->type == EI_JSON_OBJECT) {
			char **keys = realloc(v->keys, ncap * sizeof(*keys));
			if (!keys)
				goto oom;
			v->keys = keys;
		}
		*cap = ncap;
	}
	memset(&v->items[v->n], 0, sizeof(v->items[0]));
	if (v->type == EI_JSON_OBJECT)
		v->keys[v->n] = NULL;
	return &v->items[v->n++];
oom:
	fail(ps, "out of memory");
	return NULL;
}

/* An array or object, at its opening bracket. */
static bool container(struct parser *ps, struct ei_json *v, char close)
{
	size_t cap = 0;

	if (++ps->depth > MAX_DEPTH) {
		fail(ps, "nested too deep");
		return false;
	}
	v->type = close == ']' ? EI_JSON_ARRAY : EI_JSON_OBJECT;
	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		ps->depth--;
		return true;
	}
	for (;;) {
		struct ei_json *item;
		skip_ws(ps);
		if (!(item = add_item(ps, v, &cap)))
			return false;
		if (v->type == EI_JSON_OBJECT) {
			size_t klen;
			if (ps->p >= ps->end || *ps->p != '"') {
				fail(ps, ps->p >= ps->end ? "unexpected end" : "expected a key");
				return false;
			}
			if (!(v->keys[v->n - 1] = string(ps, &klen)))
				return false;
			skip_ws(ps);
			if (ps->p >= ps->end || *ps->p != ':') {
				fail(ps, "expected ':'");
				return false;
			}
			ps->p++;
		}
		if (!value(ps, item))
			return false;
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == close) {
			ps->p++;
			ps->depth--;
			return true;
		}
		fail(ps, ps->p >= ps->end ? "unexpected end" : close == ']' ? "expected ',' or ']'" : "expected ',' or '}'");
		return false;
	}
}

static bool value(struct parser *ps, struct ei_json *v)
{
	skip_ws(ps);
	if (ps->p >= ps->end) {
		fail(ps, "unexpected end");
		return false;
	}
	switch (*ps->p) {
	case '{':
		return container(ps, v, '}');
	case '[':
		return container(ps, v, ']');
	case '"':
		v->type = EI_JSON_STRING;
		return (v->s = string(ps, &v->len)) != NULL;
	case 't':
		v->type = EI_JSON_BOOL;
		v->b = true;
		return literal(ps, "true");
	case 'f':
		v->type = EI_JSON_BOOL;
		return literal(ps, "false");
	case 'n':
		v->type = EI_JSON_NULL;
		return literal(ps, "null");
	default:
		return number(ps, v);
	}
}

static void free_inner(struct ei_json *v)
{
	for (size_t i = 0; i < v->n; i++) {
		free_inner(&v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->s);
}

struct ei_json *ei_json_parse(const char *text, size_t len, char *err, size_t errlen)
{
	struct parser ps = { .p = text, .start = text, .end = text + len, .err = err, .errlen = errlen };
	struct ei_json *v = calloc(1, sizeof(*v));

	if (!v) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (value(&ps, v)) {
		skip_ws(&ps);
		if (ps.p == ps.end)
			return v;
		fail(&ps, "trailing characters");
	}
	ei_json_free(v);
	return NULL;
}

void ei_json_free(struct ei_json *v)
{
	if (!v)
		return;
	free_inner(v);
	free(v);
}

const struct ei_json *ei_json_get(const struct ei_json *v, const char *key)
{
	if (!v || v->type != EI_JSON_OBJECT)
		return NULL;
	for (size_t i = 0; i < v->n; i++)
		if (!strcmp(v->keys[i], key))
			return &v->items[i];
	return NULL;
}

const char *ei_json_str(const struct ei_json *v)
{
	return v && v->type == EI_JSON_STRING ? v->s : NULL;
}

bool ei_json_int(const struct ei_json *v, long long min, long long max, long long *out)
{
	if (!v || v->type != EI_JSON_INT || v->big || v->i < min || v->i > max)
		return false;
	*out = v->i;
	return true;
}
