// SPDX-License-Identifier: GPL-2.0
/* Host unit tests of the inject spec parser (lib/core/spec.c). */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>

#include "core/core.h"
#include "test.h"

static bool has(const struct ei_spec *s, int nr)
{
	return ei_sysset_has(&s->syscalls, nr);
}

static struct ei_spec sp;
static char err[512];

/* known_nr NR: NR is a syscall of the table. */
static bool known_nr(int nr)
{
	return ei_syscall_name(nr) != NULL;
}

/*
 * set_is WHAT S EXCEPT: S's syscalls are every syscall of the table but
 * EXCEPT (-1: none), S's named set is empty, over all EI_NR_SYSCALLS
 * bits; the first wrong bit is said.
 */
static bool set_is(const char *what, const struct ei_spec *s, int except)
{
	for (int nr = 0; nr < EI_NR_SYSCALLS; nr++) {
		bool want = known_nr(nr) && nr != except;

		if (!ASSERT(has(s, nr) == want, "%s: syscall %d %s", what, nr, want ? "missing" : "in the set"))
			return false;
		if (!ASSERT(!ei_sysset_has(&s->named, nr), "%s: syscall %d counts as named", what, nr))
			return false;
	}
	return true;
}

static bool ok(const char *text)
{
	err[0] = '\0';
	return ASSERT(ei_spec_parse(text, &sp, err, sizeof(err)) == 0, "'%s' rejected: %s", text, err);
}

static void test_error_field(void)
{
	if (ok("dup:error=EINVAL")) {
		ASSERT(has(&sp, SYS_dup), "dup not in set");
		ASSERT_EQ(sp.nsyscalls, 1);
		ASSERT_EQ(sp.actions, EI_ACT_ERROR);
		ASSERT_EQ(sp.error, EINVAL);
		/* defaults: every call, always, no limit */
		ASSERT_EQ(sp.first, 1);
		ASSERT_EQ(sp.last, 0);
		ASSERT_EQ(sp.step, 1);
		ASSERT(sp.prob == 1, "prob %g", sp.prob);
		ASSERT_EQ(sp.max, 0);
	}
	if (ok("openat,read,write:error=5")) {
		ASSERT(has(&sp, SYS_openat) && has(&sp, SYS_read) && has(&sp, SYS_write), "set");
		ASSERT(!has(&sp, SYS_dup), "dup in set");
		ASSERT_EQ(sp.nsyscalls, 3);
		ASSERT_EQ(sp.error, 5);
	}
	if (ok("dup,dup:error=EIO"))
		ASSERT_EQ(sp.nsyscalls, 1);
}

static void test_retval_signal(void)
{
	if (ok("dup:retval=0")) {
		ASSERT_EQ(sp.actions, EI_ACT_RETVAL);
		ASSERT_EQ(sp.retval, 0);
	}
	if (ok("dup:retval=9223372036854775807"))
		ASSERT_EQ(sp.retval, 9223372036854775807LL);
	if (ok("dup:signal=SIGUSR1")) {
		ASSERT_EQ(sp.actions, EI_ACT_SIGNAL);
		ASSERT_EQ(sp.signal, SIGUSR1);
	}
	if (ok("dup:error=EIO:signal=9"))
		ASSERT_EQ(sp.actions, EI_ACT_ERROR | EI_ACT_SIGNAL);
	if (ok("dup:signal=SIGIO:retval=3"))
		ASSERT_EQ(sp.signal, SIGIO);
}

static void test_when(void)
{
	static const struct {
		const char *text;
		__u64 first, last, step;
	} cases[] = {
		{ "dup:error=EIO:when=3", 3, 0, 0 },
		{ "dup:error=EIO:when=2+", 2, 0, 1 },
		{ "dup:error=EIO:when=2+3", 2, 0, 3 },
		{ "dup:error=EIO:when=2..8", 2, 8, 1 },
		{ "dup:error=EIO:when=2..8+", 2, 8, 1 },
		{ "dup:error=EIO:when=2..8+3", 2, 8, 3 },
		{ "dup:error=EIO:when=5..5", 5, 5, 1 },
		{ "dup:error=EIO:when=4294967295", 4294967295ULL, 0, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (!ok(cases[i].text))
			continue;
		ASSERT(sp.first == cases[i].first && sp.last == cases[i].last &&
			       sp.step == cases[i].step,
		       "%s: first %llu last %llu step %llu", cases[i].text,
		       (unsigned long long)sp.first, (unsigned long long)sp.last,
		       (unsigned long long)sp.step);
	}
}

static void test_prob_seed_max(void)
{
	if (ok("dup:error=EIO:prob=0.5")) {
		ASSERT(sp.prob == 0.5, "prob %g", sp.prob);
		ASSERT_EQ(sp.has_seed, 0);
	}
	if (ok("dup:error=EIO:prob=1"))
		ASSERT(sp.prob == 1, "prob %g", sp.prob);
	if (ok("dup:error=EIO:prob=.25:seed=18446744073709551615")) {
		ASSERT(sp.prob == 0.25, "prob %g", sp.prob);
		ASSERT(sp.seed == 18446744073709551615ULL && sp.has_seed, "seed");
	}
	if (ok("dup:error=EIO:max=3"))
		ASSERT_EQ(sp.max, 3);
}

/* Numbers, signals, errno names and delays as strace 6.1 reads them
 * (src/filter_qualify.c, string_to_uint.c, util.c parse_ts; each case
 * checked against /usr/bin/strace): C notation for retval= and argK=,
 * strtoll's decimal for when=, error= and signal numbers. */
static void test_strace_numbers(void)
{
	static const struct {
		const char *spec;
		__u64 got;
	} retvals[] = {
		{ "dup:retval=0x7fffffff", 0x7fffffff },  { "dup:retval=010", 8 },
		{ "dup:retval=0X10", 16 },                { "dup:retval= 5", 5 },
		{ "dup:retval=+5", 5 },                   { "dup:retval=-1", ~0ULL },
		{ "dup:retval=9223372036854775808", 1ULL << 63 },
		{ "dup:retval=18446744073709551615", ~0ULL },
	}, errors[] = {
		{ "dup:error=einval", EINVAL }, { "dup:error=Enoent", ENOENT }, { "dup:error=010", 10 },
		{ "dup:error=+22", 22 },        { "dup:error= 22", 22 },        { "dup:error=ewouldblock", EAGAIN },
	}, signals[] = {
		{ "dup:signal=USR1", SIGUSR1 },   { "dup:signal=usr1", SIGUSR1 },  { "dup:signal=sigusr2", SIGUSR2 },
		{ "dup:signal=SiGtErM", SIGTERM }, { "dup:signal=RTMIN", 32 },      { "dup:signal=rtmin", 32 },
		{ "dup:signal=RT_2", 34 },         { "dup:signal=SIGRT_32", 64 },   { "dup:signal=010", 10 },
		{ "dup:signal=64", 64 },
	}, whens[] = {
		/* first, last, step packed as first << 32 | last << 16 | step */
		{ "dup:error=EIO:when=010", 10ULL << 32 },
		{ "dup:error=EIO:when=+3", 3ULL << 32 },
		{ "dup:error=EIO:when=2..+5", 2ULL << 32 | 5 << 16 | 1 },
		{ "dup:error=EIO:when=1..-0", 0 },
		{ "dup:error=EIO:when=2++3", 2ULL << 32 | 3 },
		{ "dup:error=EIO:when=3:when=4", 4ULL << 32 },
		{ "dup:error=EIO:when=3..9+2:when=5+", 5ULL << 32 | 1 },
		{ "dup:error=EIO:when=2.. 7+ 3", 2ULL << 32 | 7 << 16 | 3 },
	}, delays[] = {
		{ "dup:delay_enter=+8e8ns", 800000000 }, { "dup:delay_enter=8e8ns", 800000000 },
		{ "dup:delay_enter=+1", 1000 },           { "dup:delay_enter= 1", 1000 },
		{ "dup:delay_enter=-0", 0 },              { "dup:delay_enter=.5", 500 },
		{ "dup:delay_enter=9223372036854775807ns", 9223372036854775807ULL },
		{ "dup:delay_enter=1.5e-3s", 1500000 },   { "dup:delay_enter=010ms", 10000000 },
		/* strace's delay.test: its four spellings of 0.8 s and 1.6 s */
		{ "dup:delay_enter=800000", 800000000 },  { "dup:delay_enter=8e5", 800000000 },
		{ "dup:delay_enter=800ms", 800000000 },   { "dup:delay_enter=1600000", 1600000000 },
		{ "dup:delay_enter=1.6s", 1600000000 },   { "dup:delay_enter=1.6e+6us", 1600000000 },
		{ "dup:delay_enter=.16E7", 1600000000 },
	}, argvals[] = {
		{ "write:error=EIO:arg2=010", 8 }, { "write:error=EIO:arg2=-1", ~0ULL }, { "write:error=EIO:arg2= 0x10", 16 },
	};

	for (size_t i = 0; i < sizeof(retvals) / sizeof(retvals[0]); i++)
		if (ok(retvals[i].spec))
			ASSERT((__u64)sp.retval == retvals[i].got, "%s: %lld", retvals[i].spec, (long long)sp.retval);
	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++)
		if (ok(errors[i].spec))
			ASSERT((__u64)sp.error == errors[i].got, "%s: %d", errors[i].spec, sp.error);
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (ok(signals[i].spec))
			ASSERT((__u64)sp.signal == signals[i].got, "%s: %d", signals[i].spec, sp.signal);
	for (size_t i = 0; i < sizeof(whens) / sizeof(whens[0]); i++) {
		__u64 w = whens[i].got;
		if (!w) {
			ASSERT(ei_spec_parse(whens[i].spec, &sp, err, sizeof(err)) == -1, "'%s' accepted", whens[i].spec);
			continue;
		}
		if (ok(whens[i].spec))
			ASSERT(sp.first == w >> 32 && sp.last == (w >> 16 & 0xffff) && sp.step == (w & 0xffff),
			       "%s: first %llu last %llu step %llu", whens[i].spec, (unsigned long long)sp.first,
			       (unsigned long long)sp.last, (unsigned long long)sp.step);
	}
	for (size_t i = 0; i < sizeof(delays) / sizeof(delays[0]); i++)
		if (ok(delays[i].spec))
			ASSERT(sp.delay_ns == delays[i].got, "%s: %llu ns", delays[i].spec, (unsigned long long)sp.delay_ns);
	for (size_t i = 0; i < sizeof(argvals) / sizeof(argvals[0]); i++)
		if (ok(argvals[i].spec))
			ASSERT(sp.arg_value[2] == argvals[i].got, "%s: %llu", argvals[i].spec,
			       (unsigned long long)sp.arg_value[2]);
	/* A class or all keeps its syscalls with fewer arguments: the
	 * supervisor pokes only the arguments a call has. */
	if (ok("all:poke_enter=@arg3=00"))
		ASSERT(has(&sp, SYS_chdir) && has(&sp, SYS_write), "all lost syscalls");
	/* Empty fields are skipped, as strace's strtok_r skips them. */
	if (ok("dup::error=EIO::when=2:"))
		ASSERT(sp.error == EIO && sp.first == 2, "error %d first %llu", sp.error, (unsigned long long)sp.first);
	ASSERT(ei_fault_parse("dup:", &sp, err, sizeof(err)) == 0 && sp.error == ENOSYS, "fault=dup: %s", err);
}

/* strace's precedence: a later rule replaces an earlier one for the
 * syscalls both name, between rules with strace's keys only. */
static void test_supersede(void)
{
	struct ei_spec a, b;

	if (!ASSERT(!ei_spec_parse("dup,getppid:error=EIO", &a, err, sizeof(err)) &&
			    !ei_spec_parse("dup:retval=2:when=2", &b, err, sizeof(err)),
		    "%s", err))
		return;
	ASSERT_EQ(ei_spec_supersede(&a, &b), 1);
	ASSERT(!has(&a, SYS_dup) && has(&a, SYS_getppid) && a.nsyscalls == 1, "dup left in the earlier rule");
	ASSERT(!ei_sysset_has(&a.named, SYS_dup), "dup still named");
	ASSERT(has(&b, SYS_dup), "the later rule lost dup");
	ASSERT_EQ(ei_spec_supersede(&b, &a), 0); /* no syscall in common now */
	/* Left with none: it never acts. */
	if (!ei_spec_parse("getppid:signal=USR1", &b, err, sizeof(err)))
		ASSERT(ei_spec_supersede(&a, &b) == 1 && a.nsyscalls == 0, "nsyscalls %d", a.nsyscalls);
	/* errinj's own keys, on either side: first fires, as given. */
	static const char *const own[] = { "dup:error=EIO:prob=0.5", "dup:error=EIO:prob=1", "dup:error=EIO:max=1", "write:error=EIO:fd=1",
					   "openat:error=EIO:path=/x", "write:error=EIO:arg2=0",
					   "dup:error=EIO:site=main", "dup:error=EIO:when=65536",
					   "dup:error=EIO:when=1..65535", "dup:error=EIO:when=1+65536" };
	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++) {
		struct ei_spec x, y;
		ASSERT(!ei_spec_parse(own[i], &x, err, sizeof(err)), "%s: %s", own[i], err);
		ASSERT(!ei_spec_strace_only(&x), "%s taken for strace's", own[i]);
		ASSERT(!ei_spec_parse("dup,write,openat:error=EPERM", &y, err, sizeof(err)), "%s", err);
		ASSERT(ei_spec_supersede(&x, &y) == 0 && x.nsyscalls == 1, "%s lost its syscall", own[i]);
		ASSERT(ei_spec_supersede(&y, &x) == 0 && y.nsyscalls == 3, "%s took a syscall", own[i]);
	}
}

/* Which keys are strace's, and which backends serve a rule's keys: the
 * spec keys' table. */
static void test_key_table(void)
{
	static const char *const strace[] = { "dup:error=EIO:when=2..3", "dup:retval=1:signal=USR1",
					      "dup:delay_enter=1ms:error=EIO", "dup:poke_enter=@arg1=00:error=EIO" };
	const unsigned all = 1u << EI_BACKEND_KPROBE | 1u << EI_BACKEND_FMOD_RET | 1u << EI_BACKEND_SECCOMP;
	const struct ei_spec_key *k;
	size_t n = 0;

	for (size_t i = 0; i < sizeof(strace) / sizeof(strace[0]); i++)
		if (ASSERT(!ei_spec_parse(strace[i], &sp, err, sizeof(err)), "%s: %s", strace[i], err))
			ASSERT(ei_spec_strace_only(&sp), "%s not taken for strace's", strace[i]);
	if (ok("openat:error=EIO:prob=0.5:path=/x*"))
		ASSERT_EQ(ei_spec_backends(&sp), all);
	if (ok("dup:error=EIO:site=main"))
		ASSERT_EQ(ei_spec_backends(&sp), 1u << EI_BACKEND_SECCOMP);
	if (ok("dup:delay_enter=1:when=2"))
		ASSERT_EQ(ei_spec_backends(&sp), 1u << EI_BACKEND_SECCOMP);
	if (ok("dup:signal=USR1:arg0=1"))
		ASSERT_EQ(ei_spec_backends(&sp), all);
	/* Each served key's name is refused nowhere but where a value is bad. */
	for (size_t i = 0; (k = ei_spec_key_at(i)); i++, n++) {
		char spec[64];

		ASSERT(k->name && k->takes && *k->takes, "key %zu", i);
		snprintf(spec, sizeof(spec), "dup:error=EIO:%s=", k->name);
		ASSERT(ei_spec_parse(spec, &sp, err, sizeof(err)) && !strstr(err, "unknown key"), "%s: %s", spec, err);
	}
	ASSERT(n >= 16, "%zu keys", n);
}

struct bad_spec {
	const char *text, *msg;
};
typedef int (*parse_fn)(const char *, struct ei_spec *, char *, size_t);

/* Each is rejected with one line that names the problem (holds msg). */
static void rejected(parse_fn parse, const struct bad_spec *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		err[0] = '\0';
		if (!ASSERT(parse(c[i].text, &sp, err, sizeof(err)) == -1, "'%s' accepted", c[i].text))
			continue;
		ASSERT(strstr(err, c[i].msg) != NULL, "'%s': message '%s' lacks '%s'", c[i].text, err, c[i].msg);
		ASSERT(!strchr(err, '\n'), "'%s': message has a newline", c[i].text);
	}
}
#define REJECTED(parse, cases) rejected(parse, cases, sizeof(cases) / sizeof(cases[0]))

/* Each bad spec is rejected with a message that names the problem. */
static void test_rejects(void)
{
	static const struct bad_spec cases[] = {
		{ "", "empty inject spec" },
		{ ":error=EIO", "empty syscall set" },
		{ "dup", "add :error=ERRNO" },
		{ "dup:", "add :error=ERRNO" },
		{ "nosuch:error=EIO", "unknown syscall 'nosuch'" },
		{ "dupp:error=EIO", "did you mean 'dup'" },
		{ "dup:error=0", "error=0" },
		{ "dup:error=4096", "error=4096" },
		{ "dup:error=-1", "error=-1" },
		{ "dup:error=EFOO", "error=EFOO" },
		{ "dup:error=", "empty value for 'error'" },
		{ "dup:error", "not key=value" },
		{ "dup:foo=1", "unknown key 'foo'" },
		{ "dup:error=EIO:error=EIO", "duplicate key 'error'" },
		{ "dup:error=EIO:retval=1", "mutually exclusive" },
		{ "dup:retval=18446744073709551616", "retval=18446744073709551616" },
		{ "dup:retval=0b", "retval=0b" },
		{ "dup:retval=08", "retval=08" },
		{ "dup:signal=SIGFOO", "signal=SIGFOO" },
		{ "dup:signal=0", "signal=0" },
		{ "dup:signal=65", "signal=65" },
		{ "dup:when=3", "no action" },
		{ "dup:error=EIO:when=0", "when=0" },
		{ "dup:error=EIO:when=5..3", "last (3) is before first (5)" },
		{ "dup:error=EIO:when=2+0", "step must be" },
		{ "dup:error=EIO:when=2..", "after '..'" },
		{ "dup:error=EIO:when=x", "when=x" },
		{ "dup:error=EIO:when=3x", "when=3x" },
		{ "dup:error=EIO:when=4294967296", "when=4294967296" },
		{ "dup:error=EIO:prob=0", "prob=0" },
		{ "dup:error=EIO:prob=1.5", "prob=1.5" },
		{ "dup:error=EIO:prob=-0.5", "prob=-0.5" },
		{ "dup:error=EIO:prob=nan", "prob=nan" },
		{ "dup:error=EIO:prob=1e-1", "prob=1e-1" },
		{ "dup:error=EIO:prob=.", "prob=." },
		{ "dup:error=EIO:seed=1", "seed= needs prob=" },
		{ "dup:error=EIO:prob=0.5:seed=-1", "seed=-1" },
		{ "dup:error=EIO:max=0", "max=0" },
		{ "d\xffp:error=EIO", "unknown syscall 'd\\xffp'" },
		{ "read:error=EIO:path=/x", "path= does not apply to read, which takes no path" },
		{ "openat,read:error=EIO:path=/x", "path= does not apply to read" },
		{ "socket:error=EIO:fd=1", "fd= does not apply to socket" },
		{ "getpid:error=EIO:arg0=1", "arg0 does not apply to getpid, which takes 0 arguments" },
		{ "close:error=EIO:arg1=1", "arg1 does not apply to close, which takes 1 argument" },
		{ "write:error=EIO:fd=1:arg0=1", "duplicate filter on arg0" },
		{ "write:error=EIO:arg0=1:fd=1", "fd= and arg0 both test the first argument" },
		{ "write:error=EIO:arg6=1", "arg0..arg5" },
		{ "write:error=EIO:argx=1", "arg0..arg5" },
		{ "write:error=EIO:arg1&0=0", "non-zero integer MASK" },
		{ "write:error=EIO:arg1&3=4", "bits outside the mask" },
		{ "write:error=EIO:arg1=zz", "arg1=zz: expected an integer" },
		{ "write:error=EIO:fd=-1", "fd=-1" },
		{ "dup:signal=RTMIN+2", "write RT_N" },
		{ "dup:signal=RT_33", "signal=RT_33" },
		{ "dup:signal=RT_0", "signal=RT_0" },
		{ "dup:signal=+10", "signal=+10" },
		{ "dup:signal=0x0a", "signal=0x0a" },
		{ "dup:signal=SIGRTMAX", "signal=SIGRTMAX" },
		{ "dup:error=0x16", "error=0x16" },
		{ "dup:error=-0", "error=-0" },
		{ "dup:delay_enter=5e", "delay_enter=5e" },
		{ "dup:delay_enter=1MS", "delay_enter=1MS" },
		{ "dup:delay_enter=0x10", "delay_enter=0x10" },
		{ "dup:delay_enter=1s2", "delay_enter=1s2" },
		{ "dup:delay_enter=1e30s", "at most 2^63-1 ns" },
		{ "dup:delay_enter=18446744073709552s", "delay_enter=18446744073709552s" },
		{ "dup:delay_enter=9223372036854775808ns", "at most 2^63-1 ns" },
		{ "dup:delay_enter=9223372036854776us", "at most 2^63-1 ns" },
		{ "write:poke_enter=@arg2=0x41", "'x' is not a hex digit" },
		/* strace: "has only 1 arguments", at every call */
		{ "chdir:poke_enter=@arg2=00", "poke_enter=@arg2: chdir has only 1 argument" },
		{ "chdir,write:poke_enter=@arg1=00,@arg3=00", "poke_enter=@arg3: chdir has only 1 argument" },
		{ "getppid:poke_enter=@arg1=00", "getppid has only 0 arguments" },
		{ "/^getppid$:poke_enter=@arg1=00", "no syscall of the set takes argument 1" },
		{ "openat:error=EIO:path=", "empty value for 'path'" },
		{ "%foo:error=EIO", "unknown class '%foo'" },
		{ "/(:error=EIO", "invalid regular expression" },
		{ "/^zzz:error=EIO", "matches no syscall" },
		{ "/4+++++++++++++++++++++++++++++++++++++++++++:error=EIO", "too complex" },
		{ "/a{1000}{1000}:error=EIO", "too complex" },
		{ "%memory:error=EIO:path=/x", "no syscall of the set takes" },
	};
	REJECTED(ei_spec_parse, cases);
}

static void test_long_spec(void)
{
	char big[5000];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	err[0] = '\0';
	ASSERT(ei_spec_parse(big, &sp, err, sizeof(err)) == -1, "accepted");
	ASSERT(strstr(err, "longer than") != NULL, "message '%s'", err);
	memcpy(big, "dup:error=", 10);
	big[200] = '\0';
	err[0] = '\0';
	ASSERT(ei_spec_parse(big, &sp, err, sizeof(err)) == -1, "accepted");
	ASSERT(strlen(err) < 200, "message of %zu bytes", strlen(err));
}

static void test_filters(void)
{
	if (ok("openat:error=ENOENT:path=/etc/*")) {
		ASSERT_EQ(sp.filters, EI_FILTER_PATH);
		ASSERT_STR(sp.pattern, "/etc/*");
	}
	if (ok("write:error=EIO:fd=1")) {
		ASSERT_EQ(sp.filters, EI_FILTER_ARG(0));
		ASSERT_EQ(sp.arg_mask[0], 0xffffffffULL);
		ASSERT_EQ(sp.arg_value[0], 1);
	}
	if (ok("openat:error=EROFS:arg2&0100=0100")) {
		ASSERT_EQ(sp.filters, EI_FILTER_ARG(2));
		ASSERT_EQ(sp.arg_mask[2], 64);
		ASSERT_EQ(sp.arg_value[2], 64);
	}
	if (ok("openat:error=EROFS:arg0=-100:arg2&0x3=0x1")) {
		ASSERT_EQ(sp.arg_value[0], (__u64)-100);
		ASSERT_EQ(sp.arg_mask[0], ~0ULL);
		ASSERT_EQ(sp.arg_mask[2], 3);
	}
}

/* Classes and regexes expand to the right syscalls; a filter drops the
 * members it does not apply to. */
static void test_sets(void)
{
	if (ok("%file:error=EIO")) {
		ASSERT(has(&sp, SYS_openat) && has(&sp, SYS_unlink) && has(&sp, SYS_mkdir) &&
			       has(&sp, SYS_execve) && has(&sp, SYS_stat) && has(&sp, SYS_rename),
		       "%%file lacks a path syscall");
		ASSERT(!has(&sp, SYS_read) && !has(&sp, SYS_close) && !has(&sp, SYS_getpid), "%%file too wide");
	}
	if (ok("%desc:error=EIO")) {
		ASSERT(has(&sp, SYS_read) && has(&sp, SYS_write) && has(&sp, SYS_close) &&
			       has(&sp, SYS_dup) && has(&sp, SYS_fstat) && has(&sp, SYS_pipe2) &&
			       has(&sp, SYS_pipe) && has(&sp, SYS_eventfd) && has(&sp, SYS_epoll_create) &&
			       has(&sp, SYS_mmap) && has(&sp, SYS_openat),
		       "%%desc lacks a descriptor syscall");
		/* strace's %desc: sockets are %net only. */
		ASSERT(!has(&sp, SYS_getpid) && !has(&sp, SYS_mkdir) && !has(&sp, SYS_brk) &&
			       !has(&sp, SYS_sendto) && !has(&sp, SYS_socket),
		       "%%desc too wide");
	}
	if (ok("%net:error=EIO")) {
		ASSERT(has(&sp, SYS_socket) && has(&sp, SYS_connect) && has(&sp, SYS_sendto) &&
			       has(&sp, SYS_recvmsg) && has(&sp, SYS_accept4) && has(&sp, SYS_sendmmsg),
		       "%%net lacks a socket syscall");
		ASSERT(!has(&sp, SYS_read) && !has(&sp, SYS_openat), "%%net too wide");
	}
	if (ok("%process:error=EIO")) {
		ASSERT(has(&sp, SYS_clone) && has(&sp, SYS_execve) && has(&sp, SYS_exit_group) &&
			       has(&sp, SYS_wait4) && has(&sp, SYS_kill) && has(&sp, SYS_fork),
		       "%%process lacks a process syscall");
		ASSERT(!has(&sp, SYS_read) && !has(&sp, SYS_mmap), "%%process too wide");
	}
	if (ok("%memory:error=EIO")) {
		ASSERT(has(&sp, SYS_mmap) && has(&sp, SYS_munmap) && has(&sp, SYS_brk) &&
			       has(&sp, SYS_mprotect) && has(&sp, SYS_madvise) && has(&sp, SYS_mlock) &&
			       has(&sp, SYS_munlock) && has(&sp, SYS_msync) && has(&sp, SYS_mincore),
		       "%%memory lacks a memory syscall");
		ASSERT(!has(&sp, SYS_read) && !has(&sp, SYS_clone), "%%memory too wide");
	}
	/* strace's other classes (a sample of each; tests/host/strace_classes.sh
	 * compares them whole with the installed strace). */
	if (ok("%signal:error=EIO"))
		ASSERT(has(&sp, SYS_rt_sigaction) && has(&sp, SYS_kill) && has(&sp, SYS_signalfd4) &&
			       !has(&sp, SYS_read) && !has(&sp, SYS_clone),
		       "%%signal");
	if (ok("%ipc:error=EIO"))
		ASSERT(has(&sp, SYS_shmget) && has(&sp, SYS_semop) && has(&sp, SYS_msgrcv) && !has(&sp, SYS_mq_open),
		       "%%ipc");
	if (ok("%creds:error=EIO"))
		ASSERT(has(&sp, SYS_setuid) && has(&sp, SYS_getresgid) && has(&sp, SYS_capset) && !has(&sp, SYS_getpid),
		       "%%creds");
	if (ok("%clock:error=EIO"))
		ASSERT(has(&sp, SYS_clock_gettime) && has(&sp, SYS_gettimeofday) && has(&sp, SYS_adjtimex) &&
			       !has(&sp, SYS_nanosleep),
		       "%%clock");
	if (ok("%pure:error=EIO"))
		ASSERT(has(&sp, SYS_getpid) && has(&sp, SYS_gettid) && has(&sp, SYS_getuid) && !has(&sp, SYS_getcwd),
		       "%%pure");
	if (ok("%stat:error=EIO"))
		ASSERT(has(&sp, SYS_stat) && !has(&sp, SYS_lstat) && !has(&sp, SYS_fstat), "%%stat");
	if (ok("%lstat:error=EIO"))
		ASSERT(has(&sp, SYS_lstat) && !has(&sp, SYS_stat), "%%lstat");
	if (ok("%fstat:error=EIO"))
		ASSERT(has(&sp, SYS_fstat) && has(&sp, SYS_newfstatat) && has(&sp, SYS_statx) && !has(&sp, SYS_stat),
		       "%%fstat");
	if (ok("%%stat:error=EIO"))
		ASSERT(has(&sp, SYS_stat) && has(&sp, SYS_lstat) && has(&sp, SYS_fstat) && has(&sp, SYS_statx) &&
			       !has(&sp, SYS_statfs),
		       "%%%%stat");
	if (ok("%statfs:error=EIO"))
		ASSERT(has(&sp, SYS_statfs) && !has(&sp, SYS_fstatfs), "%%statfs");
	if (ok("%fstatfs:error=EIO"))
		ASSERT(has(&sp, SYS_fstatfs) && !has(&sp, SYS_statfs), "%%fstatfs");
	if (ok("%%statfs:error=EIO"))
		ASSERT(has(&sp, SYS_statfs) && has(&sp, SYS_fstatfs) && has(&sp, SYS_ustat) && !has(&sp, SYS_stat),
		       "%%%%statfs");
	/* strace's legacy names without '%', and %network, are the same sets. */
	static const char *const legacy[][2] = {
		{ "desc", "%desc" },	   { "file", "%file" },	    { "memory", "%memory" }, { "process", "%process" },
		{ "signal", "%signal" },   { "ipc", "%ipc" },	    { "network", "%net" },   { "%network", "%net" },
	};
	for (size_t i = 0; i < sizeof(legacy) / sizeof(legacy[0]); i++) {
		struct ei_spec a;
		char t[64];

		snprintf(t, sizeof(t), "%s:error=EIO", legacy[i][1]);
		if (!ok(t))
			continue;
		a = sp;
		snprintf(t, sizeof(t), "%s:error=EIO", legacy[i][0]);
		if (ok(t))
			ASSERT(a.nsyscalls > 0 && !memcmp(&a.syscalls, &sp.syscalls, sizeof(a.syscalls)), "%s is not %s",
			       legacy[i][0], legacy[i][1]);
	}
	if (ok("/^mkdir:error=EIO")) {
		ASSERT(has(&sp, SYS_mkdir) && has(&sp, SYS_mkdirat), "regex");
		ASSERT_EQ(sp.nsyscalls, 2);
		ASSERT(ei_sysset_empty(&sp.named), "regex members counted as named");
	}
	if (ok("%desc:error=EIO:fd=1")) {
		ASSERT(has(&sp, SYS_write) && has(&sp, SYS_close), "fd= kept");
		ASSERT(!has(&sp, SYS_pipe2) && !has(&sp, SYS_openat), "fd= did not drop pipe2/openat");
	}
	if (ok("%file:error=EIO:path=/x"))
		ASSERT(has(&sp, SYS_openat) && has(&sp, SYS_execve), "path= kept");
}

/* The generated table: entry points, path arguments, descriptors. */
static void test_table(void)
{
	const struct ei_syscall_entry *e;

	e = ei_syscall_info(SYS_fstat);
	ASSERT(e && !strcmp(e->entry, "newfstat") && e->fd_first, "fstat");
	e = ei_syscall_info(SYS_openat);
	ASSERT(e && e->path_arg == 1 && !e->fd_first && e->nargs == 4, "openat");
	e = ei_syscall_info(SYS_open);
	ASSERT(e && e->path_arg == 0, "open");
	e = ei_syscall_info(SYS_umount2);
	ASSERT(e && !strcmp(e->entry, "umount") && e->path_arg == 0, "umount2");
	e = ei_syscall_info(SYS_read);
	ASSERT(e && e->path_arg == -1 && e->fd_first && e->nargs == 3, "read");
	e = ei_syscall_info(SYS_sendto);
	ASSERT(e && e->fd_first && e->nargs == 6, "sendto");
	e = ei_syscall_info(SYS_socket);
	ASSERT(e && !e->fd_first, "socket");
	e = ei_syscall_info(SYS_dup2);
	ASSERT(e && e->fd_first, "dup2");
	e = ei_syscall_info(SYS_pipe2);
	ASSERT(e && !e->fd_first, "pipe2 takes a pointer");
}

static void test_quote(void)
{
	char b[16];

	ASSERT_STR(ei_quote("abc", b, sizeof(b)), "abc");
	ASSERT_STR(ei_quote("a\nb", b, sizeof(b)), "a\\x0ab");
	ASSERT_STR(ei_quote("abcdefghijklmnopqrstuvwxyz", b, sizeof(b)), "abcdefghijkl...");
}

/* strace's -e fault=: inject= with error=ENOSYS by default. */
static void test_fault(void)
{
	static const struct bad_spec bad[] = {
		{ "dup:retval=1", "fault= takes error=, not retval=, signal=" },
		{ "dup:signal=SIGUSR1", "fault= takes error=, not retval=, signal=" },
		{ "dup:error=EIO:signal=9", "fault= takes error=, not retval=, signal=" },
		{ "", "empty inject spec" },
		{ "nosuch", "unknown syscall 'nosuch'" },
		{ "dup:when=0", "when=0" },
	};

	if (ASSERT(ei_fault_parse("dup", &sp, err, sizeof(err)) == 0, "'dup' rejected: %s", err)) {
		ASSERT(has(&sp, SYS_dup), "dup not in set");
		ASSERT_EQ(sp.actions, EI_ACT_ERROR);
		ASSERT_EQ(sp.error, ENOSYS);
	}
	if (ASSERT(ei_fault_parse("dup,close:when=2+", &sp, err, sizeof(err)) == 0, "rejected: %s", err)) {
		ASSERT_EQ(sp.error, ENOSYS);
		ASSERT_EQ(sp.first, 2);
		ASSERT_EQ(sp.nsyscalls, 2);
	}
	if (ASSERT(ei_fault_parse("dup:error=EIO", &sp, err, sizeof(err)) == 0, "rejected: %s", err))
		ASSERT_EQ(sp.error, EIO);
	REJECTED(ei_fault_parse, bad);
	/* inject= still wants an action. */
	ASSERT(ei_spec_parse("dup", &sp, err, sizeof(err)) == -1, "inject 'dup' accepted");
}

/* strace's set syntax: all, a leading '!', and '?' before an element. */
static void test_set_syntax(void)
{
	const struct ei_syscall_entry *e;
	int known = 0;

	for (size_t i = 0; (e = ei_syscall_at(i)); i++)
		known += e->nr < EI_NR_SYSCALLS;
	if (ok("all:error=EIO")) {
		ASSERT_EQ(sp.nsyscalls, known);
		set_is("all", &sp, -1);
	}
	if (ok("!dup:error=EIO")) {
		ASSERT_EQ(sp.nsyscalls, known - 1);
		set_is("!dup", &sp, SYS_dup);
	}
	if (ok("!%file,dup:error=EIO"))
		ASSERT(!has(&sp, SYS_dup) && !has(&sp, SYS_openat) && has(&sp, SYS_read), "!%%file,dup");
	if (ok("?nosuch,dup:error=EIO")) {
		ASSERT_EQ(sp.nsyscalls, 1);
		ASSERT(has(&sp, SYS_dup), "dup");
	}
	if (ok("?%nosuch,?/^zzz,dup,?dup:error=EIO"))
		ASSERT_EQ(sp.nsyscalls, 1);
	/* As strace 6.1 reads them (its basic_filters.c; checked against
	 * /usr/bin/strace -e trace=): each '!' complements, none and !all
	 * select nothing, '?' silences any element, empty elements are
	 * skipped, a number is a syscall of the table, @64 is x86_64. */
	if (ok("!!dup:error=EIO"))
		ASSERT(sp.nsyscalls == 1 && has(&sp, SYS_dup), "!!dup");
	if (ok("!none:error=EIO"))
		ASSERT_EQ(sp.nsyscalls, known);
	if (ok("none:error=EIO"))
		ASSERT_EQ(sp.nsyscalls, 0);
	if (ok("!all:error=EIO"))
		ASSERT_EQ(sp.nsyscalls, 0);
	if (ok("?nosuch:error=EIO"))
		ASSERT_EQ(sp.nsyscalls, 0);
	if (ok("?:error=EIO"))
		ASSERT_EQ(sp.nsyscalls, 0);
	if (ok("??dup:error=EIO"))
		ASSERT(sp.nsyscalls == 1 && has(&sp, SYS_dup), "??dup");
	if (ok("dup,,read,:error=EIO"))
		ASSERT(sp.nsyscalls == 2 && has(&sp, SYS_dup) && has(&sp, SYS_read), "dup,,read,");
	if (ok(",dup:error=EIO"))
		ASSERT(sp.nsyscalls == 1 && has(&sp, SYS_dup), ",dup");
	if (ok("51,051:error=EIO")) {
		ASSERT(sp.nsyscalls == 1 && has(&sp, 51), "51");
		ASSERT(ei_sysset_has(&sp.named, 51), "a number does not count as named");
	}
	if (ok("?500,?99999999999999999999,dup:error=EIO"))
		ASSERT(sp.nsyscalls == 1 && has(&sp, SYS_dup), "?500");
	if (ok("dup@64,%pure@64,?nosuch@64:error=EIO"))
		ASSERT(has(&sp, SYS_dup) && has(&sp, SYS_getpid), "@64");
	if (ok("read,all:error=EIO"))
		ASSERT_EQ(sp.nsyscalls, known);
	static const struct bad_spec bad[] = {
		{ "!:error=EIO", "empty syscall set" },
		{ ",:error=EIO", "empty syscall set" },
		{ "!,,:error=EIO", "empty syscall set" },
		{ "dup,!read:error=EIO", "unknown syscall '!read'" },
		{ "dup,none:error=EIO", "unknown syscall 'none'" },
		{ "ALL:error=EIO", "unknown syscall 'ALL'" },
		{ "DESC:error=EIO", "unknown syscall 'DESC'" },
		{ "%DESC:error=EIO", "unknown class '%DESC'" },
		{ "%:error=EIO", "unknown class '%'" },
		{ "creds:error=EIO", "unknown syscall 'creds'" },
		{ "500:error=EIO", "unknown syscall number '500'" },
		{ "51x:error=EIO", "unknown syscall number '51x'" },
		{ "4294967296:error=EIO", "unknown syscall number" },
		{ "read@32:error=EIO", "only x86_64 syscalls" },
		{ "read@x32:error=EIO", "only x86_64 syscalls" },
		{ "?read@foo:error=EIO", "unknown personality 'foo'" },
		{ "/non_syscall:error=EIO", "matches no syscall" },
	};
	REJECTED(ei_spec_parse, bad);
}

/* strace's delay_enter= time and poke_enter= data, accepted as strace does. */
static void test_delay_poke(void)
{
	static const struct {
		const char *spec;
		__u64 ns;
	} delays[] = {
		{ "dup:delay_enter=800000", 800000000ULL }, { "dup:delay_enter=1.5ms", 1500000ULL },
		{ "dup:delay_enter=2s", 2000000000ULL },    { "dup:delay_enter=7ns", 7 },
		{ "dup:delay_enter=3us", 3000 },             { "dup:delay_enter=1e3", 1000000ULL },
		{ "dup:delay_enter=0", 0 },
	};
	for (size_t i = 0; i < sizeof(delays) / sizeof(delays[0]); i++)
		if (ok(delays[i].spec)) {
			ASSERT_EQ(sp.actions, EI_ACT_DELAY);
			ASSERT(sp.delay_ns == delays[i].ns, "%s: %llu ns", delays[i].spec, (unsigned long long)sp.delay_ns);
		}
	if (ok("read:error=EIO:delay_enter=10ms:signal=SIGUSR1"))
		ASSERT_EQ(sp.actions, EI_ACT_ERROR | EI_ACT_DELAY | EI_ACT_SIGNAL);
	if (ok("write:poke_enter=@arg2=0000DEAD0000BEEF,@arg1=ff")) {
		static const unsigned char want[] = { 0, 0, 0xde, 0xad, 0, 0, 0xbe, 0xef };
		ASSERT_EQ(sp.actions, EI_ACT_POKE);
		ASSERT_EQ(sp.poke_len[1], 8);
		ASSERT(!memcmp(sp.poke[1], want, sizeof(want)), "poked bytes of @arg2");
		ASSERT_EQ(sp.poke_len[0], 1);
		ASSERT_EQ(sp.poke[0][0], 0xff);
		ASSERT_EQ(sp.poke_len[2], 0);
	}
}

/* site=: one symbol name, kept as given; no filter bit (the BPF side
 * never sees it), and any syscall takes it. */
static void test_site(void)
{
	static const struct bad_spec bad[] = {
		{ "openat:error=EIO:site=", "empty value for 'site'" },
		{ "openat:error=EIO:site=a,b", "expected one function name" },
		{ "openat:error=EIO:site=a b", "expected one function name" },
		{ "openat:error=EIO:site=a\tb", "expected one function name" },
		{ "openat:error=EIO:site=\xc3\xa9", "expected one function name" },
		{ "openat:error=EIO:site=f:site=g", "duplicate key 'site'" },
	};
	char spec[600];

	if (ok("openat:error=ENOENT:site=func_a:when=2")) {
		ASSERT(!strcmp(sp.site, "func_a"), "site '%s'", sp.site);
		ASSERT_EQ(sp.filters, 0);
		ASSERT_EQ(sp.first, 2);
	}
	if (ok("dup,getppid:error=EIO:site=_ZN3foo3barEv"))
		ASSERT(!strcmp(sp.site, "_ZN3foo3barEv"), "site '%s'", sp.site);
	if (ASSERT(ei_fault_parse("openat:site=__libc_start_main@@GLIBC_2.34", &sp, err, sizeof(err)) == 0,
		   "fault= with site= rejected: %s", err))
		ASSERT(!strcmp(sp.site, "__libc_start_main@@GLIBC_2.34"), "site '%s'", sp.site);
	if (ok("openat:error=EIO:path=/x")) /* none unless given */
		ASSERT(!sp.site[0], "site '%s'", sp.site);
	/* 255 bytes are taken, 256 are not. */
	snprintf(spec, sizeof(spec), "openat:error=EIO:site=%0255d", 0);
	if (ok(spec))
		ASSERT_EQ(strlen(sp.site), EI_SITE_MAX - 1);
	snprintf(spec, sizeof(spec), "openat:error=EIO:site=%0256d", 0);
	ASSERT(ei_spec_parse(spec, &sp, err, sizeof(err)) && strstr(err, "longer than 255 bytes"), "256 bytes: '%s'",
	       err);
	REJECTED(ei_spec_parse, bad);
}

int main(void)
{
	SUBTEST(error_field);
	SUBTEST(retval_signal);
	SUBTEST(when);
	SUBTEST(prob_seed_max);
	SUBTEST(rejects);
	SUBTEST(long_spec);
	SUBTEST(filters);
	SUBTEST(sets);
	SUBTEST(table);
	SUBTEST(quote);
	SUBTEST(fault);
	SUBTEST(set_syntax);
	SUBTEST(delay_poke);
	SUBTEST(site);
	SUBTEST(strace_numbers);
	SUBTEST(supersede);
	SUBTEST(key_table);
	return t_failed ? 1 : 0;
}
