// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of lib/core/output.c on synthetic events: text lines as strace
 * shows them, JSON Lines (valid UTF-8 kept, other bytes escaped without
 * loss), the summary table.
 */
#include <sys/syscall.h>

#include "core/core.h"
#include "test.h"

static char buf[8192];

static const char *event(const struct ei_event *e, enum ei_format fmt, long long off)
{
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	ei_write_event(f, e, fmt, off);
	fclose(f);
	return buf;
}

static const char *json(const char *s, size_t max)
{
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	ei_json_string(f, s, max);
	fclose(f);
	return buf;
}

static struct ei_event ev(int nr, __u32 actions, __s64 result)
{
	struct ei_event e = { .ts_ns = 1500000000ULL, .pid = 40, .tid = 41, .nr = (__u32)nr,
			      .actions = actions, .result = result, .path_len = -1 };

	strcpy(e.comm, "prog");
	return e;
}

static void test_text_error_with_fd(void)
{
	struct ei_event e = ev(SYS_dup, EI_ACT_ERROR, -22);

	e.args[0] = 7;
	ASSERT_STR(event(&e, EI_TEXT, 0), "[pid 41] dup(7) = -1 EINVAL (INJECTED)\n");
}

static void test_text_path_escaped_and_truncated(void)
{
	struct ei_event e = ev(SYS_openat, EI_ACT_ERROR, -2);

	strcpy(e.path, "/a\"b\\c\n\xc3\xa9");
	e.path_len = (__s32)strlen(e.path);
	e.path_truncated = 1;
	ASSERT_STR(event(&e, EI_TEXT, 0),
		   "[pid 41] openat(\"/a\\\"b\\\\c\\x0a\\xc3\\xa9\"...) = -1 ENOENT (INJECTED)\n");
}

static void test_text_retval_signal_unnamed_errno(void)
{
	struct ei_event e = ev(SYS_getppid, EI_ACT_RETVAL | EI_ACT_SIGNAL, 5);

	e.signal = 10;
	ASSERT_STR(event(&e, EI_TEXT, 0), "[pid 41] getppid(...) = 5 (INJECTED SIGUSR1)\n");
	e = ev(SYS_dup, EI_ACT_ERROR, -4000);
	ASSERT_STR(event(&e, EI_TEXT, 0), "[pid 41] dup(0) = -1 4000 (INJECTED)\n");
	e = ev(SYS_dup, EI_ACT_SIGNAL, 0);
	e.signal = 12;
	ASSERT_STR(event(&e, EI_TEXT, 0), "[pid 41] dup(0) = ? (INJECTED SIGUSR2)\n");
}

static void test_json_event(void)
{
	struct ei_event e = ev(SYS_openat, EI_ACT_ERROR, -2);

	strcpy(e.path, "/etc/caf\xc3\xa9");
	e.path_len = (__s32)strlen(e.path);
	/* 1.5 s after the monotonic origin, which is 2026-11-30T00:00:00Z */
	ASSERT_STR(event(&e, EI_JSON, 1795996800LL * 1000000000LL),
		   "{\"time\":\"2026-11-30T00:00:01.500000Z\",\"pid\":40,\"tid\":41,\"comm\":\"prog\","
		   "\"syscall\":\"openat\",\"nr\":257,\"rule\":1,\"path\":\"/etc/caf\xc3\xa9\","
		   "\"path_truncated\":false,\"fd\":null,\"result\":-1,\"error\":\"ENOENT\",\"signal\":null,\"delay_ns\":null,\"poke\":false,\"backend\":\"kprobe\"}\n");
}

static void test_json_retval_and_signal(void)
{
	struct ei_event e = ev(SYS_write, EI_ACT_RETVAL | EI_ACT_SIGNAL, 3);

	e.signal = 10;
	e.args[0] = 1;
	e.rule = 2;
	const char *s = event(&e, EI_JSON, 0);
	ASSERT(strstr(s, "\"rule\":3,\"path\":null,\"fd\":1,\"result\":3,\"error\":null,\"signal\":\"SIGUSR1\",\"delay_ns\":null,\"poke\":false,\"backend\":\"kprobe\"}\n"),
	       "%s", s);
}

/* A poke that was not written is said, not claimed. */
static void test_poke_failed(void)
{
	struct ei_event e = ev(SYS_write, EI_ACT_POKE, 0);

	e.args[0] = 1;
	ASSERT_STR(event(&e, EI_TEXT, 0), "[pid 41] write(1) = ? (INJECTED poke_enter)\n");
	ASSERT(strstr(event(&e, EI_JSON, 0), "\"poke\":true,\"backend\""), "%s", event(&e, EI_JSON, 0));
	e.actions |= EI_ACT_POKE_FAILED;
	ASSERT_STR(event(&e, EI_TEXT, 0), "[pid 41] write(1) = ? (INJECTED poke_enter failed)\n");
	ASSERT(strstr(event(&e, EI_JSON, 0), "\"poke\":false,\"poke_failed\":true,\"backend\""), "%s",
	       event(&e, EI_JSON, 0));
}

static void test_json_utf8_kept(void)
{
	/* 2, 3 and 4-byte sequences, as they are */
	ASSERT_STR(json("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 64),
		   "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
}

static void test_json_invalid_bytes_escaped(void)
{
	/* a lone continuation byte, a cut sequence, an overlong '/', a UTF-16
	 * surrogate encoded, a byte never in UTF-8 */
	ASSERT_STR(json("\x80", 8), "\"\\udc80\"");
	ASSERT_STR(json("a\xc3", 8), "\"a\\udcc3\"");
	ASSERT_STR(json("\xc0\xaf", 8), "\"\\udcc0\\udcaf\"");
	ASSERT_STR(json("\xed\xa0\x80", 8), "\"\\udced\\udca0\\udc80\"");
	ASSERT_STR(json("\xff", 8), "\"\\udcff\"");
}

static void test_json_controls_and_quotes(void)
{
	ASSERT_STR(json("\"\\\n\x01\x7f", 8), "\"\\\"\\\\\\u000a\\u0001\\u007f\"");
}

static void test_json_max_bytes(void)
{
	/* a sequence cut by max is not UTF-8 */
	ASSERT_STR(json("ab\xc3\xa9", 3), "\"ab\\udcc3\"");
}

static void test_summary(void)
{
	struct ei_summary_row rows[] = { { "dup", 10, 4 }, { "openat", 5, 0 } };
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	ei_write_summary(f, rows, 2, EI_TEXT);
	fclose(f);
	ASSERT_STR(buf, "syscall                     calls     injected\n"
			"-------------------- ------------ ------------\n"
			"dup                            10            4\n"
			"openat                          5            0\n"
			"total                          15            4\n");
	f = fmemopen(buf, sizeof(buf), "w");
	ei_write_summary(f, rows, 2, EI_JSON);
	fclose(f);
	ASSERT_STR(buf, "{\"summary\":[{\"syscall\":\"dup\",\"calls\":10,\"injected\":4},"
			"{\"syscall\":\"openat\",\"calls\":5,\"injected\":0}],\"calls\":15,\"injected\":4}\n");
}

int main(void)
{
	SUBTEST(text_error_with_fd);
	SUBTEST(text_path_escaped_and_truncated);
	SUBTEST(text_retval_signal_unnamed_errno);
	SUBTEST(json_event);
	SUBTEST(json_retval_and_signal);
	SUBTEST(poke_failed);
	SUBTEST(json_utf8_kept);
	SUBTEST(json_invalid_bytes_escaped);
	SUBTEST(json_controls_and_quotes);
	SUBTEST(json_max_bytes);
	SUBTEST(summary);
	return t_failed ? 1 : 0;
}
