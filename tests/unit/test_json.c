// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of lib/core/json.c and jsonw.c: the writer (commas, nesting,
 * escapes), and what errinj writes reads back (ei_json_string's
 * escapes, the lone surrogates of bytes that are not UTF-8, integers past
 * int64 as errinj explore's seeds may be), and malformed inputs are
 * refused with where and why.
 */
#include <stdint.h>

#include "core/core.h"
#include "test.h"

static char err[256];

static struct ei_json *parse(const char *s)
{
	err[0] = 0;
	return ei_json_parse(s, strlen(s), err, sizeof(err));
}

static void test_scalars(void)
{
	struct ei_json *v = parse(" [true, false, null, 0, -12, 3.5, 1e3, -0.25E-2, 9223372036854775807,"
				  " 18446744073709551615, 18446744073709551616, -9223372036854775808] ");
	long long x;

	if (!ASSERT(v, "%s", err))
		return;
	ASSERT_EQ(v->type, EI_JSON_ARRAY);
	ASSERT_EQ(v->n, 12);
	ASSERT(v->items[0].type == EI_JSON_BOOL && v->items[0].b, "true");
	ASSERT(v->items[1].type == EI_JSON_BOOL && !v->items[1].b, "false");
	ASSERT_EQ(v->items[2].type, EI_JSON_NULL);
	ASSERT(v->items[3].type == EI_JSON_INT && v->items[3].i == 0, "0");
	ASSERT(ei_json_int(&v->items[4], -100, 100, &x) && x == -12, "-12");
	ASSERT(!ei_json_int(&v->items[4], 0, 100, &x), "-12 out of range");
	ASSERT(v->items[5].type == EI_JSON_DOUBLE && v->items[5].d == 3.5, "3.5");
	ASSERT(v->items[6].type == EI_JSON_DOUBLE && v->items[6].d == 1000, "1e3");
	ASSERT(v->items[7].type == EI_JSON_DOUBLE && v->items[7].d == -0.0025, "-0.25E-2");
	ASSERT(v->items[8].type == EI_JSON_INT && v->items[8].i == INT64_MAX && !v->items[8].big, "INT64_MAX");
	ASSERT(v->items[9].type == EI_JSON_INT && v->items[9].big && v->items[9].u == UINT64_MAX, "UINT64_MAX");
	ASSERT(!ei_json_int(&v->items[9], 0, INT64_MAX, &x), "big is not an int64");
	ASSERT(v->items[10].type == EI_JSON_DOUBLE && v->items[10].d > 1.8e19, "past uint64: a double");
	ASSERT(v->items[11].type == EI_JSON_INT && v->items[11].i == INT64_MIN, "INT64_MIN");
	ei_json_free(v);
}

static void test_objects(void)
{
	struct ei_json *v = parse("{\"a\":{\"b\":[1,{\"c\":\"d\"}],\"e\":{}},\"f\":[],\"a\":2}");
	const struct ei_json *a, *b;

	if (!ASSERT(v, "%s", err))
		return;
	ASSERT_EQ(v->n, 3);
	a = ei_json_get(v, "a");
	ASSERT(a && a->type == EI_JSON_OBJECT, "a");
	b = ei_json_get(a, "b");
	ASSERT(b && b->type == EI_JSON_ARRAY && b->n == 2, "a.b");
	ASSERT_STR(ei_json_str(ei_json_get(&b->items[1], "c")), "d");
	ASSERT(ei_json_get(a, "e") && ei_json_get(a, "e")->n == 0, "empty object");
	ASSERT(ei_json_get(v, "f")->type == EI_JSON_ARRAY && ei_json_get(v, "f")->n == 0, "empty array");
	ASSERT(!ei_json_get(v, "g"), "no key g");
	ASSERT(!ei_json_get(b, "c"), "an array has no keys");
	ASSERT(!ei_json_str(ei_json_get(v, "f")), "not a string");
	ei_json_free(v);
}

static void test_escapes(void)
{
	struct ei_json *v = parse("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u0041\\u00e9\\u20ac \\ud83d\\ude00 \\uDC80\\udcff\"");

	if (!ASSERT(v, "%s", err))
		return;
	ASSERT_STR(v->s, "q\" b\\ s/ \b\f\n\r\t A\xc3\xa9\xe2\x82\xac \xf0\x9f\x98\x80 \x80\xff");
	ASSERT_EQ(v->len, strlen(v->s));
	ei_json_free(v);
}

/* What ei_json_string writes reads back as the bytes it was given. */
static void test_round_trip(void)
{
	const char *in = "tab\t nl\n \"quoted\" back\\slash \x01\x7f caf\xc3\xa9 bad\xff\xfe \xc3 end";
	char buf[512], *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct ei_json *v;

	if (!ASSERT(f, "open_memstream"))
		return;
	ei_json_string(f, in, 4096);
	fclose(f);
	snprintf(buf, sizeof(buf), "{\"s\":%s}", text);
	free(text);
	v = parse(buf);
	if (!ASSERT(v, "%s in %s", err, buf))
		return;
	ASSERT_STR(ei_json_str(ei_json_get(v, "s")), in);
	ei_json_free(v);
}

static void test_raw_utf8(void)
{
	struct ei_json *v = parse("[\"caf\xc3\xa9 \xe2\x82\xac\"]");

	if (!ASSERT(v, "%s", err))
		return;
	ASSERT_STR(v->items[0].s, "caf\xc3\xa9 \xe2\x82\xac");
	ei_json_free(v);
}

/* Each malformed input: NULL, and the sentence says where and why. */
static void test_malformed(void)
{
	static const struct {
		const char *text, *why;
	} bad[] = {
		{ "", "at byte 0: unexpected end" },
		{ "   ", "at byte 3: unexpected end" },
		{ "{", "at byte 1: unexpected end" },
		{ "[1,", "at byte 3: unexpected end" },
		{ "[1 2]", "at byte 3: expected ',' or ']'" },
		{ "[1,]", "at byte 3: bad number" },
		{ "{\"a\":1,}", "at byte 7: expected a key" },
		{ "{\"a\" 1}", "at byte 5: expected ':'" },
		{ "{1:2}", "at byte 1: expected a key" },
		{ "{\"a\":1]", "at byte 6: expected ',' or '}'" },
		{ "[1] x", "at byte 4: trailing characters" },
		{ "{}{}", "at byte 2: trailing characters" },
		{ "tru", "at byte 0: unexpected character" },
		{ "nul", "at byte 0: unexpected character" },
		{ "True", "at byte 0: bad number" },
		{ "01", "at byte 1: trailing characters" },
		{ "-", "at byte 1: bad number" },
		{ "1.", "at byte 2: bad number" },
		{ ".5", "at byte 0: bad number" },
		{ "1e", "at byte 2: bad number" },
		{ "+1", "at byte 0: bad number" },
		{ "\"abc", "at byte 0: unterminated string" },
		{ "\"abc\\\"", "at byte 0: unterminated string" },
		{ "\"a\nb\"", "at byte 2: control character in a string" },
		{ "\"\\x41\"", "at byte 2: bad escape" },
		{ "\"\\u12\"", "at byte 3: truncated \\u escape" },
		{ "\"\\u12g4\"", "at byte 5: bad \\u escape" },
		{ "\"\\u0000\"", "at byte 7: \\u0000 in a string" },
		{ "\"\\ud83d\"", "at byte 7: lone high surrogate" },
		{ "\"\\ud83dx\"", "at byte 7: lone high surrogate" },
		{ "\"\\ud83d\\u0041\"", "at byte 13: high surrogate without its low one" },
		{ "\"\\udc41\"", "at byte 7: lone low surrogate" },
		{ "\"\\ude00\"", "at byte 7: lone low surrogate" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ei_json *v = parse(bad[i].text);
		ASSERT(!v, "'%s' parsed", bad[i].text);
		ASSERT(!strcmp(err, bad[i].why), "'%s': \"%s\", want \"%s\"", bad[i].text, err, bad[i].why);
		ei_json_free(v);
	}
}

/* Nesting is bounded: deep input is refused, not a stack overflow. */
static void test_too_deep(void)
{
	static char deep[100001];
	struct ei_json *v;

	memset(deep, '[', sizeof(deep) - 1);
	v = parse(deep);
	ASSERT(!v, "100000 brackets parsed");
	ASSERT(strstr(err, "nested too deep"), "%s", err);
	ei_json_free(v);
	/* 200 levels are fine. */
	memset(deep, 0, sizeof(deep));
	memset(deep, '[', 200);
	memset(deep + 200, ']', 200);
	v = parse(deep);
	ASSERT(v, "%s", err);
	ei_json_free(v);
}

/* The length given is the end: a NUL inside, or text after it, is not read. */
static void test_length_bound(void)
{
	struct ei_json *v;

	err[0] = 0;
	v = ei_json_parse("[1]garbage", 3, err, sizeof(err));
	ASSERT(v && v->n == 1, "%s", err);
	ei_json_free(v);
	v = ei_json_parse("[1]\0[2]", 7, err, sizeof(err));
	ASSERT(!v, "NUL parsed");
	ASSERT_STR(err, "at byte 3: trailing characters");
	ei_json_free(v);
	v = ei_json_parse("\"ab", 2, err, sizeof(err));
	ASSERT(!v, "string past the length");
	ei_json_free(v);
}

/* The writer: what one sequence of calls writes. */
static char wbuf[1024];

static struct ei_jw *writer(void)
{
	static struct ei_jw w;
	FILE *f = fmemopen(wbuf, sizeof(wbuf), "w");

	ei_jw_init(&w, f);
	return &w;
}

static const char *written(struct ei_jw *w)
{
	fclose(w->f);
	ASSERT(!w->misused, "the writer says it was misused");
	ASSERT_EQ(w->depth, 0);
	return wbuf;
}

/* Commas between items at every depth, none after a key, none between
 * containers' openings and their first items. */
static void test_writer_nesting(void)
{
	struct ei_jw *w = writer();

	ei_jw_object(w);
	ei_jw_key(w, "a");
	ei_jw_array(w);
	ei_jw_int(w, -1);
	ei_jw_array(w);
	ei_jw_array_end(w);
	ei_jw_object(w);
	ei_jw_object_end(w);
	ei_jw_object(w);
	ei_jw_key(w, "b");
	ei_jw_uint(w, 18446744073709551615ULL);
	ei_jw_key(w, "c");
	ei_jw_array(w);
	ei_jw_null(w);
	ei_jw_array_end(w);
	ei_jw_object_end(w);
	ei_jw_bool(w, true);
	ei_jw_array_end(w);
	ei_jw_key(w, "d");
	ei_jw_bool(w, false);
	ei_jw_object_end(w);
	ASSERT_STR(written(w), "{\"a\":[-1,[],{},{\"b\":18446744073709551615,\"c\":[null]},true],\"d\":false}");
}

/* Two records at depth 0 take no comma (JSON Lines: the caller puts the
 * newline). */
static void test_writer_top_level(void)
{
	struct ei_jw *w = writer();

	ei_jw_object(w);
	ei_jw_object_end(w);
	fputc('\n', w->f);
	ei_jw_int(w, 7);
	ASSERT_STR(written(w), "{}\n7");
}

static void test_writer_scalars(void)
{
	struct ei_jw *w = writer();

	ei_jw_array(w);
	ei_jw_string(w, NULL);
	ei_jw_stringn(w, "abcdef", 3);
	ei_jw_stringf(w, "0x%llx", 255ULL);
	ei_jw_double(w, 2.5, -1);
	ei_jw_double(w, 1.0 / 3, 3);
	ei_jw_double(w, 1.0 / 0.0, 2);
	ei_jw_int(w, -9223372036854775807LL - 1);
	ei_jw_array_end(w);
	ASSERT_STR(written(w), "[null,\"abc\",\"0xff\",2.5,0.333,null,-9223372036854775808]");
}

/* Keys and strings escaped alike; bytes that are not UTF-8 as \udcXX;
 * and what is written reads back as what was given. */
static void test_writer_escaping(void)
{
	const char *key = "k\"\\\n\xff";
	const char *val = "caf\xc3\xa9 \x01\x7f \xed\xa0\x80 \xc3";
	struct ei_jw *w = writer();
	struct ei_json *v;

	ei_jw_object(w);
	ei_jw_key(w, key);
	ei_jw_string(w, val);
	ei_jw_object_end(w);
	ASSERT_STR(written(w), "{\"k\\\"\\\\\\u000a\\udcff\":\"caf\xc3\xa9 \\u0001\\u007f \\udced\\udca0\\udc80 \\udcc3\"}");
	v = parse(wbuf);
	if (!ASSERT(v, "%s in %s", err, wbuf))
		return;
	ASSERT_STR(v->n == 1 ? v->keys[0] : NULL, key);
	ASSERT_STR(ei_json_str(ei_json_get(v, key)), val);
	ei_json_free(v);
}

/* Closing what was not opened, or a key without its value, is flagged. */
static void test_writer_misuse(void)
{
	struct ei_jw *w = writer();

	ei_jw_array_end(w);
	fclose(w->f);
	ASSERT(w->misused, "a close with nothing open");
	w = writer();
	ei_jw_object(w);
	ei_jw_key(w, "a");
	ei_jw_object_end(w);
	fclose(w->f);
	ASSERT(w->misused, "a key without a value");
	w = writer();
	for (int i = 0; i <= EI_JW_DEPTH; i++)
		ei_jw_array(w);
	fclose(w->f);
	ASSERT(w->misused, "nesting past EI_JW_DEPTH");
}

int main(void)
{
	SUBTEST(scalars);
	SUBTEST(objects);
	SUBTEST(escapes);
	SUBTEST(round_trip);
	SUBTEST(raw_utf8);
	SUBTEST(malformed);
	SUBTEST(too_deep);
	SUBTEST(length_bound);
	SUBTEST(writer_nesting);
	SUBTEST(writer_top_level);
	SUBTEST(writer_scalars);
	SUBTEST(writer_escaping);
	SUBTEST(writer_misuse);
	return t_failed ? 1 : 0;
}
