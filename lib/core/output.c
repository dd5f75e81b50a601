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
	struct ei_jw w;

	gmtime_r(&secs, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	ei_jw_init(&w, f);
	ei_jw_object(&w);
	ei_jw_key(&w, "time");
	ei_jw_stringf(&w, "%s.%06lldZ", ts, (ns % 1000000000LL) / 1000);
	ei_jw_key(&w, "pid");
	ei_jw_uint(&w, e->pid);
	ei_jw_key(&w, "tid");
	ei_jw_uint(&w, e->tid);
	ei_jw_key(&w, "comm");
	ei_jw_stringn(&w, e->comm, EI_COMM_LEN);
	ei_jw_key(&w, "syscall");
	ei_jw_string(&w, name ? name : "?");
	ei_jw_key(&w, "nr");
	ei_jw_uint(&w, e->nr);
	ei_jw_key(&w, "rule");
	ei_jw_uint(&w, e->rule + 1);
	ei_jw_key(&w, "path");
	if (e->path_len >= 0) {
		ei_jw_stringn(&w, e->path, path_bytes(e));
		ei_jw_key(&w, "path_truncated");
		ei_jw_bool(&w, e->path_truncated);
	} else {
		ei_jw_null(&w);
	}
	ei_jw_key(&w, "fd");
	if (info && info->fd_first)
		ei_jw_int(&w, (int)e->args[0]);
	else
		ei_jw_null(&w);
	ei_jw_key(&w, "result");
	if (e->actions & EI_ACT_ERROR) {
		errno_text((int)-e->result, res, sizeof(res));
		ei_jw_int(&w, -1);
		ei_jw_key(&w, "error");
		ei_jw_string(&w, res);
	} else {
		if (e->actions & EI_ACT_RETVAL)
			ei_jw_int(&w, (long long)e->result);
		else
			ei_jw_null(&w);
		ei_jw_key(&w, "error");
		ei_jw_null(&w);
	}
	ei_jw_key(&w, "signal");
	ei_jw_string(&w, sig);
	ei_jw_key(&w, "delay_ns");
	if (e->actions & EI_ACT_DELAY)
		ei_jw_uint(&w, (unsigned long long)e->delay_ns);
	else
		ei_jw_null(&w);
	/* "poke": all written; "poke_failed": one or more could not be. */
	ei_jw_key(&w, "poke");
	ei_jw_bool(&w, (e->actions & EI_ACT_POKE) && !(e->actions & EI_ACT_POKE_FAILED));
	if (e->actions & EI_ACT_POKE_FAILED) {
		ei_jw_key(&w, "poke_failed");
		ei_jw_bool(&w, true);
	}
	ei_jw_key(&w, "backend");
	ei_jw_string(&w, ei_backend_name((int)e->backend));
	ei_jw_object_end(&w);
	fputc('\n', f);
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

static void json_summary(FILE *f, const struct ei_summary_row *rows, int n)
{
	unsigned long long calls = 0, injected = 0;
	struct ei_jw w;

	ei_jw_init(&w, f);
	ei_jw_object(&w);
	ei_jw_key(&w, "summary");
	ei_jw_array(&w);
	for (int i = 0; i < n; i++) {
		calls += rows[i].calls;
		injected += rows[i].injected;
		ei_jw_object(&w);
		ei_jw_key(&w, "syscall");
		ei_jw_string(&w, rows[i].syscall);
		ei_jw_key(&w, "calls");
		ei_jw_uint(&w, rows[i].calls);
		ei_jw_key(&w, "injected");
		ei_jw_uint(&w, rows[i].injected);
		ei_jw_object_end(&w);
	}
	ei_jw_array_end(&w);
	ei_jw_key(&w, "calls");
	ei_jw_uint(&w, calls);
	ei_jw_key(&w, "injected");
	ei_jw_uint(&w, injected);
	ei_jw_object_end(&w);
	fputc('\n', f);
}

void ei_write_summary(FILE *f, const struct ei_summary_row *rows, int n, enum ei_format fmt)
{
	unsigned long long calls = 0, injected = 0;

	if (fmt == EI_JSON) {
		json_summary(f, rows, n);
		return;
	}
	fprintf(f, "%-20s %12s %12s\n", "syscall", "calls", "injected");
	fprintf(f, "%-20s %12s %12s\n", "--------------------", "------------", "------------");
	for (int i = 0; i < n; i++) {
		calls += rows[i].calls;
		injected += rows[i].injected;
		fprintf(f, "%-20s %12llu %12llu\n", rows[i].syscall, (unsigned long long)rows[i].calls,
			(unsigned long long)rows[i].injected);
	}
	fprintf(f, "%-20s %12llu %12llu\n", "total", calls, injected);
}
