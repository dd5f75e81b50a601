// SPDX-License-Identifier: GPL-2.0
/*
 * Output: injection events and the summary table, as text lines (in
 * strace's manner) or JSON Lines. Pure formatting into a FILE, so that the
 * host unit tests check it on synthetic events.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/core.h"

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if the
 * bytes there are not one (overlong forms and surrogates included). */
static size_t utf8_len(const unsigned char *s, size_t n)
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
		size_t l = utf8_len(u + i, n - i);
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

/* A path in a text line, as strace shows strings: printable ASCII as is,
 * '"' and '\\' escaped, other bytes as \xNN. */
static void text_string(FILE *f, const char *s, size_t max)
{
	fputc('"', f);
	for (size_t i = 0; i < max && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void errno_text(int err, char *buf, size_t len)
{
	const char *n = ei_errno_name(err);

	if (n)
		snprintf(buf, len, "%s", n);
	else
		snprintf(buf, len, "%d", err);
}

static size_t path_bytes(const struct ei_event *e)
{
	return e->path_len < EI_PATH_MAX ? (size_t)e->path_len : EI_PATH_MAX;
}

static void json_event(FILE *f, const struct ei_event *e, long long realtime_offset_ns, const char *sig)
{
	const struct ei_syscall_entry *info = ei_syscall_info((int)e->nr);
	const char *name = ei_syscall_name((int)e->nr);
	long long ns = (long long)e->ts_ns + realtime_offset_ns;
	time_t secs = (time_t)(ns / 1000000000LL);
	struct tm tm;
	char ts[32], res[32];

	gmtime_r(&secs, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(f, "{\"time\":\"%s.%06lldZ\",\"pid\":%u,\"tid\":%u,\"comm\":", ts, (ns % 1000000000LL) / 1000,
		e->pid, e->tid);
	ei_json_string(f, e->comm, EI_COMM_LEN);
	fprintf(f, ",\"syscall\":\"%s\",\"nr\":%u,\"rule\":%u,\"path\":", name ? name : "?", e->nr, e->rule + 1);
	if (e->path_len >= 0) {
		ei_json_string(f, e->path, path_bytes(e));
		fprintf(f, ",\"path_truncated\":%s", e->path_truncated ? "true" : "false");
	} else {
		fprintf(f, "null");
	}
	if (info && info->fd_first)
		fprintf(f, ",\"fd\":%d", (int)e->args[0]);
	else
		fprintf(f, ",\"fd\":null");
	if (e->actions & EI_ACT_ERROR) {
		errno_text((int)-e->result, res, sizeof(res));
		fprintf(f, ",\"result\":-1,\"error\":\"%s\"", res);
	} else if (e->actions & EI_ACT_RETVAL) {
		fprintf(f, ",\"result\":%lld,\"error\":null", (long long)e->result);
	} else {
		fprintf(f, ",\"result\":null,\"error\":null");
	}
	if (sig)
		fprintf(f, ",\"signal\":\"%s\"", sig);
	else
		fprintf(f, ",\"signal\":null");
	if (e->actions & EI_ACT_DELAY)
		fprintf(f, ",\"delay_ns\":%llu", (unsigned long long)e->delay_ns);
	else
		fprintf(f, ",\"delay_ns\":null");
	/* "poke": all written; "poke_failed": one or more could not be. */
	fprintf(f, ",\"poke\":%s,", (e->actions & EI_ACT_POKE) && !(e->actions & EI_ACT_POKE_FAILED) ? "true" : "false");
	if (e->actions & EI_ACT_POKE_FAILED)
		fputs("\"poke_failed\":true,", f);
	fprintf(f, "\"backend\":\"%s\"}\n", ei_backend_name((int)e->backend));
}

static void text_event(FILE *f, const struct ei_event *e, const char *sig)
{
	const struct ei_syscall_entry *info = ei_syscall_info((int)e->nr);
	const char *name = ei_syscall_name((int)e->nr);
	char res[48], en[32];

	if (e->actions & EI_ACT_ERROR) {
		errno_text((int)-e->result, en, sizeof(en));
		snprintf(res, sizeof(res), "-1 %s", en);
	} else if (e->actions & EI_ACT_RETVAL) {
		snprintf(res, sizeof(res), "%lld", (long long)e->result);
	} else {
		snprintf(res, sizeof(res), "?");
	}
	/* The argument the filters look at: the path, or the descriptor. */
	fprintf(f, "[pid %u] %s(", e->tid, name ? name : "?");
	if (e->path_len >= 0) {
		text_string(f, e->path, path_bytes(e));
		if (e->path_truncated)
			fputs("...", f);
	} else if (info && info->fd_first) {
		fprintf(f, "%d", (int)e->args[0]);
	} else {
		fprintf(f, "...");
	}
	fprintf(f, ") = %s (INJECTED", res);
	if (e->actions & EI_ACT_DELAY)
		fprintf(f, " delay_enter=%lluus", (unsigned long long)(e->delay_ns / 1000));
	if (e->actions & EI_ACT_POKE)
		fputs(e->actions & EI_ACT_POKE_FAILED ? " poke_enter failed" : " poke_enter", f);
	fprintf(f, "%s%s)\n", sig ? " " : "", sig ? sig : "");
}

void ei_write_event(FILE *f, const struct ei_event *e, enum ei_format fmt, long long realtime_offset_ns)
{
	const char *sig = NULL;

	if (e->actions & EI_ACT_SIGNAL) {
		sig = ei_signal_name((int)e->signal);
		if (!sig)
			sig = "?";
	}
	if (fmt == EI_JSON)
		json_event(f, e, realtime_offset_ns, sig);
	else
		text_event(f, e, sig);
}

void ei_write_summary(FILE *f, const struct ei_summary_row *rows, int n, enum ei_format fmt)
{
	unsigned long long calls = 0, injected = 0;

	if (fmt == EI_JSON) {
		fprintf(f, "{\"summary\":[");
	} else {
		fprintf(f, "%-20s %12s %12s\n", "syscall", "calls", "injected");
		fprintf(f, "%-20s %12s %12s\n", "--------------------", "------------", "------------");
	}
	for (int i = 0; i < n; i++) {
		calls += rows[i].calls;
		injected += rows[i].injected;
		if (fmt == EI_JSON)
			fprintf(f, "%s{\"syscall\":\"%s\",\"calls\":%llu,\"injected\":%llu}", i ? "," : "",
				rows[i].syscall, (unsigned long long)rows[i].calls,
				(unsigned long long)rows[i].injected);
		else
			fprintf(f, "%-20s %12llu %12llu\n", rows[i].syscall, (unsigned long long)rows[i].calls,
				(unsigned long long)rows[i].injected);
	}
	if (fmt == EI_JSON)
		fprintf(f, "],\"calls\":%llu,\"injected\":%llu}\n", calls, injected);
	else
		fprintf(f, "%-20s %12llu %12llu\n", "total", calls, injected);
}
