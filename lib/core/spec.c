// SPDX-License-Identifier: GPL-2.0
/*
 * The inject spec parser: SET:key=value[:key=value]..., as strace's
 * -e inject= where strace has the feature (error=, retval=, signal=,
 * when=), plus prob=, seed= and max=. Every error is one line naming the
 * problem; nothing is half-accepted.
 */
#include <errno.h>
#include <limits.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

#define SPEC_MAX_LEN 4096

/* strace's grammar and number syntax (ei_read_decimal: 010 is ten, white
 * space and '+' may lead each number): first, first+, first+step,
 * first..last, first..last+, first..last+step. Numbers up to 2^32-1,
 * where strace stops at 65535: an extension. */
int ei_when_parse(const char *s, __u64 *first, __u64 *last, __u64 *step, char *err, size_t len)
{
	char q[80];
	const char *p;

	ei_quote(s, q, sizeof(q));
	*last = 0;
	*step = 0;
	if (!ei_read_decimal(s, UINT32_MAX, "+.", &p, first) || *first == 0)
		return ei_fail(err, len, "when=%s: expected first[..last][+[step]] with first in 1..%u", q,
			    UINT32_MAX);
	if (p[0] == '.') {
		if (p[1] != '.')
			return ei_fail(err, len, "when=%s: unexpected '.' (expected first..last)", q);
		if (!ei_read_decimal(p + 2, UINT32_MAX, "+", &p, last) || *last == 0)
			return ei_fail(err, len, "when=%s: expected a number 1..%u after '..'", q, UINT32_MAX);
		if (*last < *first)
			return ei_fail(err, len, "when=%s: last (%llu) is before first (%llu)", q,
				    (unsigned long long)*last, (unsigned long long)*first);
		*step = 1;
	}
	if (*p == '+') {
		*step = 1;
		if (p[1] && (!ei_read_decimal(p + 1, UINT32_MAX, NULL, NULL, step) || *step == 0))
			return ei_fail(err, len, "when=%s: step must be in 1..%u", q, UINT32_MAX);
	}
	return 0;
}

/* Probability 0 < P <= 1 written as a plain decimal ("0.3", "1", ".5"). */
static bool parse_prob(const char *s, double *out)
{
	size_t n = strspn(s, "0123456789");
	char *end;

	if (s[n] == '.') {
		size_t m = strspn(s + n + 1, "0123456789");
		if (!n && !m)
			return false;
		n += 1 + m;
	}
	if (!n || s[n] || n > 32)
		return false;
	*out = strtod(s, &end);
	return *end == '\0' && *out > 0 && *out <= 1;
}

#define ALL_BACKENDS (1u << EI_BACKEND_KPROBE | 1u << EI_BACKEND_FMOD_RET | 1u << EI_BACKEND_SECCOMP)
#define SECCOMP_ONLY (1u << EI_BACKEND_SECCOMP)

/* Every key of a spec, once: the parser, errinj --names=keys (which the
 * bash completion asks), the "unknown key" message and
 * ei_spec_strace_only read it; the man page lists the same (tests/host/
 * names_cli.sh). In the order the message and --names give them. */
#define KEY_FD 10
#define KEY_ARG 12 /* argK: arg0..arg5, parsed by parse_arg_filter */
static const struct ei_spec_key spec_keys[] = {
	{ "error", "ERRNO", true, ALL_BACKENDS },
	{ "retval", "N", true, ALL_BACKENDS },
	{ "signal", "SIG", true, ALL_BACKENDS },
	{ "delay_enter", "TIME", true, SECCOMP_ONLY },
	{ "poke_enter", "@argN=HEX", true, SECCOMP_ONLY },
	{ "when", "EXPR", true, ALL_BACKENDS },
	{ "prob", "P", false, ALL_BACKENDS },
	{ "seed", "S", false, ALL_BACKENDS },
	{ "max", "N", false, ALL_BACKENDS },
	{ "path", "PATTERN", false, ALL_BACKENDS },
	[KEY_FD] = { "fd", "N", false, ALL_BACKENDS },
	{ "site", "FUNCTION", false, SECCOMP_ONLY },
	[KEY_ARG] = { "argK", "V", false, ALL_BACKENDS },
	/* strace's, which take ptrace: refused, saying so. */
	{ "delay_exit", "TIME", true, 0 },
	{ "poke_exit", "@argN=HEX", true, 0 },
	{ "syscall", "SYSCALL", true, 0 },
};
#define NKEYS (sizeof(spec_keys) / sizeof(spec_keys[0]))

const struct ei_spec_key *ei_spec_key_at(size_t i)
{
	return i < NKEYS ? &spec_keys[i] : NULL;
}

/* The key named field, argK for arg0..arg5 (and argK&MASK), or NULL. */
static const struct ei_spec_key *find_key(const char *field)
{
	if (!strncmp(field, "arg", 3) && field[3])
		return &spec_keys[KEY_ARG];
	for (size_t k = 0; k < NKEYS; k++)
		if (k != KEY_ARG && !strcmp(field, spec_keys[k].name))
			return &spec_keys[k];
	return NULL;
}

/* "unknown key 'x' (expected error, retval, ... or argK)": the keys
 * errinj serves. */
static int unknown_key(const char *field, char *err, size_t len)
{
	char list[256], q[80];
	size_t n = 0, last = 0;

	for (size_t k = 0; k < NKEYS; k++)
		if (spec_keys[k].backends)
			last = k;
	list[0] = '\0';
	for (size_t k = 0; k < NKEYS; k++)
		if (spec_keys[k].backends && n < sizeof(list))
			n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s", !n ? "" : k == last ? " or " : ", ",
					      spec_keys[k].name);
	return ei_fail(err, len, "unknown key '%s' (expected %s)", ei_quote(field, q, sizeof(q)), list);
}

static void add_syscall(struct ei_spec *sp, int nr, bool named)
{
	if (!ei_sysset_has(&sp->syscalls, nr))
		sp->nsyscalls++;
	ei_sysset_add(&sp->syscalls, nr);
	if (named)
		ei_sysset_add(&sp->named, nr);
}

/* The class names for messages: "%desc, %file, ... or %clock". */
static const char *class_list(char *buf, size_t len)
{
	const char *c, *last = NULL;
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; (c = ei_class_name(i)); i++) {
		if (c[0] != '%')
			continue;
		if (last)
			n += snprintf(buf + n, n < len ? len - n : 0, "%s%s", n ? ", " : "", last);
		last = c;
	}
	if (last)
		snprintf(buf + n, n < len ? len - n : 0, " or %s", last);
	return buf;
}

/* One element of SET, as strace's qualify_syscall reads it: leading '?'s
 * (then selecting nothing is no error), a personality suffix (@64), then
 * a number, a /regex, a class (%desc, or a legacy name: desc), all or a
 * name. Returns 0 or -1 after an error message. */
static int parse_element(char *name, struct ei_spec *sp, char *err, size_t len)
{
	const struct ei_syscall_entry *e;
	bool optional = false;
	char q[80], qa[40], *at;
	int cls;

	for (; *name == '?'; name++)
		optional = true;
	ei_quote(name, q, sizeof(q));
	if ((at = strrchr(name, '@'))) {
		if (!strcmp(at, "@32") || !strcmp(at, "@x32"))
			return ei_fail(err, len, "'%s': errinj injects only x86_64 syscalls (@64), not i386's or x32's", q);
		if (strcmp(at, "@64"))
			return ei_fail(err, len, "'%s': unknown personality '%s' (expected @64)", q,
				       ei_quote(at + 1, qa, sizeof(qa)));
		*at = '\0';
	}
	if (name[0] >= '0' && name[0] <= '9') {
		/* A number, decimal as strace's: one of the table's. */
		char *end;
		unsigned long v;

		errno = 0;
		v = strtoul(name, &end, 10);
		e = !*end && !errno && v < EI_NR_SYSCALLS ? ei_syscall_info((int)v) : NULL;
		if (!e && optional)
			return 0;
		if (!e)
			return ei_fail(err, len, "unknown syscall number '%s' (not in errinj's x86_64 table, 0..%d)", q,
				       ei_syscall_max() - 1);
		add_syscall(sp, e->nr, true);
		return 0;
	}
	if (name[0] == '/') {
		regex_t re;
		int n = 0;
		/* glibc's regcomp copies the operand of '+' and of {n,m}:
		 * stacked, they take exponential memory (found by the
		 * fuzzer). Names need neither braces nor many '+'. */
		int plus = 0;
		for (const char *c = name + 1; *c; c++)
			plus += *c == '+';
		if (strlen(name) > 128 || strchr(name, '{') || plus > 4)
			return ei_fail(err, len, "regular expression '%s' too complex: at most 128 bytes, "
					      "4 '+' and no '{'", q);
		if (!name[1] || regcomp(&re, name + 1, REG_EXTENDED | REG_NOSUB))
			return ei_fail(err, len, "invalid regular expression '%s'", q);
		for (size_t i = 0; (e = ei_syscall_at(i)); i++)
			if (e->nr < EI_NR_SYSCALLS && !regexec(&re, e->name, 0, NULL, 0)) {
				add_syscall(sp, e->nr, false);
				n++;
			}
		regfree(&re);
		if (!n && !optional)
			return ei_fail(err, len, "regular expression '%s' matches no syscall", q);
		return 0;
	}
	if (!strcmp(name, "all") || (cls = ei_class_parse(name))) {
		bool all = !strcmp(name, "all");
		for (size_t i = 0; (e = ei_syscall_at(i)); i++)
			if ((all || (e->classes & cls)) && e->nr < EI_NR_SYSCALLS)
				add_syscall(sp, e->nr, false);
		return 0;
	}
	int nr = ei_syscall_nr(name);
	if (nr < 0 && optional)
		return 0;
	if (nr < 0 && name[0] == '%') {
		char list[512];
		return ei_fail(err, len, "unknown class '%s' (expected %s)", q, class_list(list, sizeof(list)));
	}
	if (nr < 0) {
		const char *hint = ei_syscall_suggest(name);
		if (hint)
			return ei_fail(err, len, "unknown syscall '%s' (did you mean '%s'?)", q, hint);
		return ei_fail(err, len, "unknown syscall '%s'", q);
	}
	if (nr >= EI_NR_SYSCALLS)
		return ei_fail(err, len, "syscall '%s' (%d) is beyond the %d that errinj can inject", q, nr,
			       EI_NR_SYSCALLS);
	add_syscall(sp, nr, true);
	return 0;
}

/* SET, as strace's -e trace= reads it: each leading '!' complements what
 * follows; none, all, or a comma-separated list of elements (empty ones
 * skipped, as strace's strtok does). A set that selects nothing (none,
 * !all, ?unknown) is no error: the rule then fails no call, as strace's. */
static int parse_set(char *set, struct ei_spec *sp, char *err, size_t len)
{
	const struct ei_syscall_entry *e;
	char q[80];
	char *name, *save = NULL;
	bool negate = false, any = false;

	for (; *set == '!'; set++)
		negate = !negate;
	if (!strcmp(set, "all")) {
		set = "none";
		negate = !negate;
	}
	if (strcmp(set, "none")) {
		for (name = strtok_r(set, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
			any = true;
			if (parse_element(name, sp, err, len))
				return -1;
		}
		if (!any)
			return ei_fail(err, len, "empty syscall set '%s' (expected SET:error=... with SET a list of "
					      "syscalls)", ei_quote(set, q, sizeof(q)));
	}
	if (negate) {
		/* Every syscall errinj knows but those: none named one by one,
		 * so the ones the kernel cannot fail are dropped, not refused. */
		struct ei_sysset had = sp->syscalls;

		ei_sysset_clear(&sp->syscalls);
		ei_sysset_clear(&sp->named);
		sp->nsyscalls = 0;
		for (size_t i = 0; (e = ei_syscall_at(i)); i++)
			if (e->nr < EI_NR_SYSCALLS && !ei_sysset_has(&had, e->nr))
				add_syscall(sp, e->nr, false);
	}
	return 0;
}

/* strace's time specification (delay_enter=): a number and a unit s, ms,
 * us or ns (us without one). As strace: one made of digits and '+' only
 * is a decimal integer (ei_read_decimal); one with '.', 'e' or '-' too is
 * a floating point number as strtod reads it, and must not be negative
 * ("-0" is 0). Past 2^63-1 ns (292 years) is refused (strace would
 * wrap). */
static bool parse_delay(const char *s, __u64 *ns)
{
	static const struct {
		const char *suffix;
		__u64 scale;
	} units[] = { { "", 1000 }, { "s", 1000000000 }, { "ms", 1000000 }, { "us", 1000 }, { "ns", 1 } };
	size_t flen = strspn(s, "eE.-+0123456789"), ilen = strspn(s, "+0123456789");
	const char *end;
	double f = 0;
	__u64 n = 0;

	if (flen > ilen) {
		char *e;
		errno = 0;
		f = strtod(s, &e);
		if (e == s || errno || f != f || f < 0)
			return false;
		end = e;
	} else if (!ei_read_decimal(s, INT64_MAX, "smun", &end, &n)) {
		return false;
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].suffix))
			continue;
		if (flen > ilen) {
			f *= (double)units[i].scale;
			if (f >= 9.2e18) /* about INT64_MAX: a due time must not wrap */
				return false;
			*ns = (__u64)f;
		} else {
			if (n > INT64_MAX / units[i].scale)
				return false;
			*ns = n * units[i].scale;
		}
		return true;
	}
	return false;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* poke_enter=@argN=HEX[,@argM=HEX]...: N 1-based as strace's, HEX an even
 * number of hex digits, at most EI_POKE_MAX bytes. */
static int parse_poke(const char *val, struct ei_spec *sp, char *err, size_t len)
{
	char q[80];
	const char *p = val;

	while (*p) {
		const char *item = p, *hex;
		size_t n;
		int k;

		if (p[0] != '@' || strncmp(p + 1, "arg", 3) || p[4] < '1' || p[4] > '7' || p[5] != '=')
			return ei_fail(err, len, "poke_enter=%s: expected @argN=HEX[,@argM=HEX]... with N in 1..7",
				       ei_quote(val, q, sizeof(q)));
		k = p[4] - '1';
		if (k == 6)
			return ei_fail(err, len, "poke_enter=%s: x86_64 syscalls have 6 arguments (@arg1..@arg6)",
				       ei_quote(val, q, sizeof(q)));
		hex = p + 6;
		n = strcspn(hex, ",");
		/* No 0x: strace reads the pairs alone, "0x" as a zero byte. */
		for (size_t i = 0; i < n; i++)
			if (hexval(hex[i]) < 0)
				return ei_fail(err, len, "poke_enter=%s: '%c' is not a hex digit (HEX is the bytes' "
					       "digits, two a byte, with no 0x)",
					       ei_quote(val, q, sizeof(q)), hex[i] >= 0x20 && hex[i] < 0x7f ? hex[i] : '?');
		if (!n || n % 2)
			return ei_fail(err, len, "poke_enter=%s: expected an even number of hex digits after @arg%d=",
				       ei_quote(val, q, sizeof(q)), k + 1);
		if (n / 2 > EI_POKE_MAX)
			return ei_fail(err, len, "poke_enter: @arg%d: more than %d bytes", k + 1, EI_POKE_MAX);
		if (sp->poke_len[k])
			return ei_fail(err, len, "poke_enter: @arg%d given twice", k + 1);
		for (size_t i = 0; i < n / 2; i++)
			sp->poke[k][i] = (unsigned char)(hexval(hex[2 * i]) << 4 | hexval(hex[2 * i + 1]));
		sp->poke_len[k] = (__u16)(n / 2);
		p = hex + n;
		if (*p == ',' && !*++p)
			return ei_fail(err, len, "poke_enter=%s: nothing after the last ','", ei_quote(item, q, sizeof(q)));
	}
	sp->actions |= EI_ACT_POKE;
	return 0;
}

/* An integer in C notation as strace reads retval= (strtoull, base 0):
 * decimal, 0x hex or 0 octal (010 is eight), white space and a sign may
 * lead; a negative one is its two's complement (-1 is 2^64-1). */
static bool parse_c_integer(const char *s, __u64 *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (end == s || *end || (v == ULLONG_MAX && errno))
		return false;
	*out = v;
	return true;
}

static int parse_field(const char *key, const char *val, struct ei_spec *sp, char *err, size_t len)
{
	struct ei_spec *r = sp;
	char q[80];
	__u64 v;
	int x;

	ei_quote(val, q, sizeof(q));
	if (!strcmp(key, "error")) {
		if ((x = ei_errno_parse(val)) < 0)
			return ei_fail(err, len, "error=%s: expected an errno name (EINVAL, einval) or a number 1..%d",
				    q, EI_ERRNO_MAX);
		r->actions |= EI_ACT_ERROR;
		r->error = x;
	} else if (!strcmp(key, "retval")) {
		if (!parse_c_integer(val, &v))
			return ei_fail(err, len, "retval=%s: expected an integer (decimal, 0x hex or 0 octal) "
				       "0..%llu", q, (unsigned long long)UINT64_MAX);
		r->actions |= EI_ACT_RETVAL;
		r->retval = (__s64)v;
	} else if (!strcmp(key, "signal")) {
		if ((x = ei_signal_parse(val)) < 0 && strcasestr(val, "RTMIN+"))
			return ei_fail(err, len, "signal=%s: RTMIN+N is ambiguous (the kernel's SIGRTMIN is 32, "
				       "glibc's 34): write RT_N for 32+N, as strace, or the number", q);
		if (x < 0)
			return ei_fail(err, len, "signal=%s: expected a signal name (USR1, SIGUSR1, usr1; RTMIN, "
				       "RT_1..RT_32 for 33..64) or a number 1..64", q);
		r->actions |= EI_ACT_SIGNAL;
		r->signal = x;
	} else if (!strcmp(key, "when")) {
		return ei_when_parse(val, &r->first, &r->last, &r->step, err, len);
	} else if (!strcmp(key, "prob")) {
		if (!parse_prob(val, &sp->prob))
			return ei_fail(err, len, "prob=%s: expected a probability P with 0 < P <= 1 (e.g. 0.25)", q);
	} else if (!strcmp(key, "seed")) {
		if (!ei_read_decimal(val, UINT64_MAX, NULL, NULL, &r->seed))
			return ei_fail(err, len, "seed=%s: expected an integer 0..%llu", q,
				    (unsigned long long)UINT64_MAX);
		r->has_seed = 1;
	} else if (!strcmp(key, "max")) {
		if (!ei_read_decimal(val, UINT64_MAX, NULL, NULL, &r->max) || r->max == 0)
			return ei_fail(err, len, "max=%s: expected a positive integer", q);
	} else if (!strcmp(key, "path")) {
		if (strlen(val) >= EI_PATTERN_MAX)
			return ei_fail(err, len, "path=%s: longer than %d bytes", q, EI_PATTERN_MAX - 1);
		r->filters |= EI_FILTER_PATH;
		strcpy(r->pattern, val);
	} else if (!strcmp(key, "fd")) {
		if (!ei_read_decimal(val, INT_MAX, NULL, NULL, &v))
			return ei_fail(err, len, "fd=%s: expected a descriptor 0..%d", q, INT_MAX);
		if (r->filters & EI_FILTER_ARG(0))
			return ei_fail(err, len, "fd= and arg0 both test the first argument");
		/* int fd: the upper half of the register is not the caller's. */
		r->filters |= EI_FILTER_ARG(0);
		r->arg_mask[0] = 0xffffffffULL;
		r->arg_value[0] = v;
	} else if (!strcmp(key, "site")) {
		/* One symbol name, as the symbol table has it: what the
		 * unwinder compares with each frame's function. */
		if (strlen(val) >= EI_SITE_MAX)
			return ei_fail(err, len, "site=%s: longer than %d bytes", q, EI_SITE_MAX - 1);
		for (const char *c = val; *c; c++)
			if (*c <= ' ' || *c >= 0x7f || *c == ',')
				return ei_fail(err, len, "site=%s: expected one function name (a symbol: no spaces, "
						       "no ',' and printable ASCII)", q);
		strcpy(r->site, val);
	} else if (!strcmp(key, "delay_enter")) {
		if (!parse_delay(val, &r->delay_ns))
			return ei_fail(err, len,
				       "delay_enter=%s: expected a time: a number and s, ms, us or ns (us without one), "
				       "at most 2^63-1 ns", q);
		r->actions |= EI_ACT_DELAY;
	} else if (!strcmp(key, "poke_enter")) {
		return parse_poke(val, sp, err, len);
	} else if (!strcmp(key, "delay_exit") || !strcmp(key, "poke_exit")) {
		/* strace's own syntax, refused with what serves it. */
		return ei_fail(err, len,
			       "%s= acts after the call has run, which takes a ptrace stop at syscall exit: "
			       "strace -e inject= serves it (errinj serves %s_enter=)",
			       key, key[0] == 'd' ? "delay" : "poke");
	} else if (!strcmp(key, "syscall")) {
		return ei_fail(err, len,
			       "syscall= runs another syscall in place of this one, which takes ptrace to "
			       "rewrite the call: strace -e inject= serves it");
	}
	return 0;
}

/* argK=V or argK&MASK=V (K 0..5, 0-based as the kernel's prototypes). */
static int parse_arg_filter(const char *key, const char *val, struct ei_spec *sp, char *err, size_t len)
{
	char q[80], kq[80];
	const char *amp = strchr(key, '&');
	__u64 mask = ~0ULL, v;
	int k;

	ei_quote(key, kq, sizeof(kq));
	if (key[3] < '0' || key[3] > '5' || (key[4] && key[4] != '&'))
		return ei_fail(err, len, "unknown key '%s' (arguments are arg0..arg5)", kq);
	k = key[3] - '0';
	if (amp && (!parse_c_integer(amp + 1, &mask) || !mask))
		return ei_fail(err, len, "%s: expected argK&MASK=VALUE with a non-zero integer MASK", kq);
	if (sp->filters & EI_FILTER_ARG(k))
		return ei_fail(err, len, k ? "duplicate filter on arg%d" : "duplicate filter on arg%d (fd= tests it too)", k);
	if (!parse_c_integer(val, &v))
		return ei_fail(err, len, "%s=%s: expected an integer (decimal, 0x hex or 0 octal)", kq,
			    ei_quote(val, q, sizeof(q)));
	if (v & ~mask)
		return ei_fail(err, len, "%s=%s: the value has bits outside the mask, so it can never match", kq,
			       ei_quote(val, q, sizeof(q)));
	sp->filters |= EI_FILTER_ARG(k);
	sp->arg_mask[k] = mask;
	sp->arg_value[k] = v;
	return 0;
}

/* A filter must make sense for every syscall named in SET; syscalls that
 * came from a %class or /regex and take no such argument are dropped. */
static int check_filters(struct ei_spec *sp, char *err, size_t len)
{
	struct ei_spec *r = sp;

	if (!(r->filters) || !sp->nsyscalls)
		return 0;
	ei_sysset_for_each(nr, &r->syscalls) {
		const struct ei_syscall_entry *e = ei_syscall_info(nr);
		const char *why = NULL;
		char what[32];

		if ((r->filters & EI_FILTER_PATH) && e->path_arg < 0)
			why = "path=", snprintf(what, sizeof(what), "takes no path");
		for (int k = 0; !why && k < 6; k++) {
			if (!(r->filters & EI_FILTER_ARG(k)) || e->nargs < 0 || k < e->nargs)
				continue;
			snprintf(what, sizeof(what), "takes %d argument%s", e->nargs, e->nargs == 1 ? "" : "s");
			why = k == 0 ? "arg0" : k == 1 ? "arg1" : k == 2 ? "arg2" : k == 3 ? "arg3" : k == 4 ? "arg4" : "arg5";
		}
		if (!why && sp->fd_filter && !e->fd_first)
			why = "fd=", snprintf(what, sizeof(what), "takes no descriptor first");
		if (!why)
			continue;
		if (ei_sysset_has(&sp->named, nr))
			return ei_fail(err, len, "%s does not apply to %s, which %s", why, e->name, what);
		ei_sysset_del(&r->syscalls, nr);
		sp->nsyscalls--;
	}
	if (!sp->nsyscalls)
		return ei_fail(err, len, "no syscall of the set takes the arguments that the filters test");
	return 0;
}

/* poke_enter= of an argument a syscall named in SET does not take is
 * refused (strace pokes nothing there and says "has only N arguments" at
 * every call). Syscalls a class, a regular expression or all brought in
 * stay: their other actions act, and the supervisor pokes only the
 * arguments each call has. Argument counts are the kernel's prototypes'
 * (syscalls.h, at build time); where unknown, any argument is taken. */
static int check_poke(struct ei_spec *sp, char *err, size_t len)
{
	int top = -1;
	bool any = false;

	for (int k = 0; k < 6; k++)
		if (sp->poke_len[k])
			top = k;
	if (top < 0)
		return 0;
	ei_sysset_for_each(nr, &sp->syscalls) {
		const struct ei_syscall_entry *e = ei_syscall_info(nr);

		if (!e || e->nargs < 0 || e->nargs > top) {
			any = true;
			continue;
		}
		if (ei_sysset_has(&sp->named, nr))
			return ei_fail(err, len, "poke_enter=@arg%d: %s has only %d argument%s", top + 1, e->name,
				       e->nargs, e->nargs == 1 ? "" : "s");
	}
	if (!any)
		return ei_fail(err, len, "poke_enter=@arg%d: no syscall of the set takes argument %d", top + 1, top + 1);
	return 0;
}

/* fault: strace's -e fault=, inject= with error=ENOSYS unless given, and
 * no retval= or signal=. */
static int parse_spec(const char *text, struct ei_spec *sp, bool fault, char *err, size_t len)
{
	char buf[SPEC_MAX_LEN + 1], q[80];
	char *colon, *field, *save = NULL;

	memset(sp, 0, sizeof(*sp));
	sp->first = 1;
	sp->step = 1;
	sp->prob = 1;
	if (!text || !*text)
		return ei_fail(err, len, "empty inject spec (expected SET:error=ERRNO[:when=EXPR]...)");
	if (strlen(text) > SPEC_MAX_LEN)
		return ei_fail(err, len, "inject spec longer than %d bytes", SPEC_MAX_LEN);
	strcpy(buf, text);

	colon = strchr(buf, ':');
	if (colon)
		*colon = '\0';
	if (parse_set(buf, sp, err, len))
		return -1;
	/* Empty fields (dup::error=EIO, a trailing ':') are skipped, as
	 * strace's strtok_r skips them. */
	if (!fault && (!colon || !colon[1 + strspn(colon + 1, ":")]))
		return ei_fail(err, len, "'%s' says what to fail but not how: add :error=ERRNO, :retval=N or :signal=SIG",
			    ei_quote(text, q, sizeof(q)));

	for (field = colon ? strtok_r(colon + 1, ":", &save) : NULL; field; field = strtok_r(NULL, ":", &save)) {
		char *eq = strchr(field, '=');
		const struct ei_spec_key *key;
		unsigned bit;

		if (!eq)
			return ei_fail(err, len, "field '%s' is not key=value", ei_quote(field, q, sizeof(q)));
		*eq = '\0';
		key = find_key(field);
		if (!key)
			return unknown_key(field, err, len);
		bit = 1u << (key - spec_keys);
		if (key == &spec_keys[KEY_ARG]) {
			if (!eq[1])
				return ei_fail(err, len, "empty value for '%s'", ei_quote(field, q, sizeof(q)));
			if (parse_arg_filter(field, eq + 1, sp, err, len))
				return -1;
			sp->keys |= bit;
			continue;
		}
		/* strace takes the last when=; the other keys it refuses twice. */
		if ((sp->keys & bit) && strcmp(key->name, "when"))
			return ei_fail(err, len, "duplicate key '%s'", key->name);
		sp->keys |= bit;
		if (!eq[1])
			return ei_fail(err, len, "empty value for '%s'", key->name);
		if (parse_field(key->name, eq + 1, sp, err, len))
			return -1;
	}

	if (fault && (sp->actions & ~EI_ACT_ERROR))
		return ei_fail(err, len, "fault= takes error=, not retval=, signal=, delay_enter= or poke_enter= (use inject=)");
	if (fault && !sp->actions) {
		sp->actions = EI_ACT_ERROR;
		sp->error = ENOSYS;
	}
	if ((sp->actions & EI_ACT_ERROR) && (sp->actions & EI_ACT_RETVAL))
		return ei_fail(err, len, "error= and retval= are mutually exclusive");
	if (!sp->actions)
		return ei_fail(err, len, "no action: add error=ERRNO, retval=N, signal=SIG, delay_enter=TIME or "
				    "poke_enter=@argN=HEX");
	if (sp->has_seed && sp->prob >= 1)
		return ei_fail(err, len, "seed= needs prob= (it seeds the probabilistic choice)");
	sp->fd_filter = sp->keys & 1u << KEY_FD;
	if (check_poke(sp, err, len))
		return -1;
	return check_filters(sp, err, len);
}

int ei_spec_parse(const char *text, struct ei_spec *sp, char *err, size_t len)
{
	return parse_spec(text, sp, false, err, len);
}

int ei_fault_parse(const char *text, struct ei_spec *sp, char *err, size_t len)
{
	return parse_spec(text, sp, true, err, len);
}

bool ei_spec_strace_only(const struct ei_spec *sp)
{
	for (size_t k = 0; k < NKEYS; k++)
		if ((sp->keys & 1u << k) && !spec_keys[k].strace)
			return false;
	/* strace's when= stops at 65535 (and takes 65535 for "no last"). */
	return sp->first <= 65535 && sp->last < 65535 && sp->step <= 65535;
}

unsigned ei_spec_backends(const struct ei_spec *sp)
{
	unsigned b = ALL_BACKENDS;

	for (size_t k = 0; k < NKEYS; k++)
		if (sp->keys & 1u << k)
			b &= spec_keys[k].backends;
	return b;
}

int ei_spec_supersede(struct ei_spec *earlier, const struct ei_spec *later)
{
	struct ei_sysset both;
	int n;

	if (!ei_spec_strace_only(earlier) || !ei_spec_strace_only(later))
		return 0;
	both = earlier->syscalls;
	ei_sysset_and(&both, &later->syscalls);
	n = ei_sysset_count(&both);
	ei_sysset_andnot(&earlier->syscalls, &both);
	ei_sysset_andnot(&earlier->named, &both);
	earlier->nsyscalls -= n;
	return n;
}

void ei_rule_encode(const struct ei_spec *sp, struct ei_rule *r)
{
	size_t n = strlen(sp->pattern);

	memset(r, 0, sizeof(*r));
	r->syscalls = sp->syscalls;
	r->actions = sp->actions;
	r->error = sp->error;
	r->retval = sp->retval;
	r->signal = (__u32)sp->signal;
	r->first = sp->first;
	r->last = sp->last;
	r->step = sp->step;
	r->prob = sp->prob >= 1 ? 1ULL << 32 : (__u64)(sp->prob * 4294967296.0);
	if (r->prob == 0) /* tiny but positive: still possible */
		r->prob = 1;
	r->has_seed = sp->has_seed;
	r->seed = sp->seed;
	r->max = sp->max;
	r->filters = sp->filters;
	/* Only a pattern that ends with '*' can match a path longer than
	 * the kernel side reads: the '*' takes the rest. */
	if ((sp->filters & EI_FILTER_PATH) && n && sp->pattern[n - 1] == '*')
		r->filters |= EI_FILTER_PATH_OPEN;
	memcpy(r->arg_mask, sp->arg_mask, sizeof(r->arg_mask));
	memcpy(r->arg_value, sp->arg_value, sizeof(r->arg_value));
	memcpy(r->pattern, sp->pattern, sizeof(r->pattern));
}
