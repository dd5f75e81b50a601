// SPDX-License-Identifier: GPL-2.0
/*
 * The JSON writer (lib/core/json.h): every JSON errinj prints goes
 * through it, so that commas, nesting and the escaping of strings are
 * written once.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/json.h"

size_t ei_utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len;
	unsigned char lo = 0x80, hi = 0xbf;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

void ei_json_string(FILE *f, const char *s, size_t max)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strnlen(s, max);

	fputc('"', f);
	for (size_t i = 0; i < n;) {
		size_t l = ei_utf8_len(u + i, n - i);
		if (l > 1) {
			fwrite(u + i, 1, l, f);
			i += l;
			continue;
		}
		if (l == 0)
			/* Not UTF-8: the byte as a lone low surrogate U+DC00+byte
			 * (Python's surrogateescape), which loses nothing. */
			fprintf(f, "\\u%04x", 0xdc00 + u[i]);
		else if (u[i] == '"' || u[i] == '\\')
			fprintf(f, "\\%c", u[i]);
		else if (u[i] < 0x20 || u[i] == 0x7f)
			fprintf(f, "\\u%04x", u[i]);
		else
			fputc(u[i], f);
		i++;
	}
	fputc('"', f);
}

void ei_jw_init(struct ei_jw *w, FILE *f)
{
	*w = (struct ei_jw){ .f = f };
}

/* Before a value or a key: the comma after the previous item, unless a
 * key precedes this value. */
static void item(struct ei_jw *w)
{
	if (w->keyed) {
		w->keyed = false;
		return;
	}
	if (w->depth > 0 && w->more[w->depth - 1])
		fputc(',', w->f);
	if (w->depth > 0)
		w->more[w->depth - 1] = true;
}

static void open_(struct ei_jw *w, char c)
{
	item(w);
	fputc(c, w->f);
	if (w->depth == EI_JW_DEPTH) {
		w->misused = true;
		return;
	}
	w->more[w->depth++] = false;
}

static void close_(struct ei_jw *w, char c)
{
	fputc(c, w->f);
	if (w->depth == 0 || w->keyed)
		w->misused = true;
	else
		w->depth--;
	w->keyed = false;
}

void ei_jw_object(struct ei_jw *w)
{
	open_(w, '{');
}

void ei_jw_object_end(struct ei_jw *w)
{
	close_(w, '}');
}

void ei_jw_array(struct ei_jw *w)
{
	open_(w, '[');
}

void ei_jw_array_end(struct ei_jw *w)
{
	close_(w, ']');
}

void ei_jw_key(struct ei_jw *w, const char *key)
{
	if (w->keyed)
		w->misused = true;
	item(w);
	ei_json_string(w->f, key, (size_t)-1);
	fputc(':', w->f);
	w->keyed = true;
}

void ei_jw_stringn(struct ei_jw *w, const char *s, size_t max)
{
	if (!s) {
		ei_jw_null(w);
		return;
	}
	item(w);
	ei_json_string(w->f, s, max);
}

void ei_jw_string(struct ei_jw *w, const char *s)
{
	ei_jw_stringn(w, s, (size_t)-1);
}

void ei_jw_stringf(struct ei_jw *w, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ei_jw_string(w, buf);
}

void ei_jw_int(struct ei_jw *w, long long v)
{
	item(w);
	fprintf(w->f, "%lld", v);
}

void ei_jw_uint(struct ei_jw *w, unsigned long long v)
{
	item(w);
	fprintf(w->f, "%llu", v);
}

void ei_jw_double(struct ei_jw *w, double v, int prec)
{
	if (!isfinite(v)) {
		ei_jw_null(w);
		return;
	}
	item(w);
	if (prec < 0)
		fprintf(w->f, "%g", v);
	else
		fprintf(w->f, "%.*f", prec, v);
}

void ei_jw_bool(struct ei_jw *w, bool v)
{
	item(w);
	fputs(v ? "true" : "false", w->f);
}

void ei_jw_null(struct ei_jw *w)
{
	item(w);
	fputs("null", w->f);
}
