// SPDX-License-Identifier: GPL-2.0
/* Host unit tests of the inject spec parser (lib/spec.c). */
#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>

#include "liberrinj.h"
#include "test.h"

static bool has(const struct ei_spec *s, int nr)
{
	return s->rule.syscalls[nr / 64] & (1ULL << (nr % 64));
}

static struct ei_spec sp;
static char err[512];

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
		ASSERT_EQ(sp.rule.actions, EI_ACT_ERROR);
		ASSERT_EQ(sp.rule.error, EINVAL);
		/* defaults: every call, always, no limit */
		ASSERT_EQ(sp.rule.first, 1);
		ASSERT_EQ(sp.rule.last, 0);
		ASSERT_EQ(sp.rule.step, 1);
		ASSERT_EQ(sp.rule.prob, 1ULL << 32);
		ASSERT_EQ(sp.rule.max, 0);
	}
	if (ok("openat,read,write:error=5")) {
		ASSERT(has(&sp, SYS_openat) && has(&sp, SYS_read) && has(&sp, SYS_write), "set");
		ASSERT(!has(&sp, SYS_dup), "dup in set");
		ASSERT_EQ(sp.nsyscalls, 3);
		ASSERT_EQ(sp.rule.error, 5);
	}
	if (ok("dup,dup:error=EIO"))
		ASSERT_EQ(sp.nsyscalls, 1);
}

static void test_retval_signal(void)
{
	if (ok("dup:retval=0")) {
		ASSERT_EQ(sp.rule.actions, EI_ACT_RETVAL);
		ASSERT_EQ(sp.rule.retval, 0);
	}
	if (ok("dup:retval=9223372036854775807"))
		ASSERT_EQ(sp.rule.retval, 9223372036854775807LL);
	if (ok("dup:signal=SIGUSR1")) {
		ASSERT_EQ(sp.rule.actions, EI_ACT_SIGNAL);
		ASSERT_EQ(sp.rule.signal, SIGUSR1);
	}
	if (ok("dup:error=EIO:signal=9"))
		ASSERT_EQ(sp.rule.actions, EI_ACT_ERROR | EI_ACT_SIGNAL);
	if (ok("dup:signal=SIGIO:retval=3"))
		ASSERT_EQ(sp.rule.signal, SIGIO);
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
		ASSERT(sp.rule.first == cases[i].first && sp.rule.last == cases[i].last &&
			       sp.rule.step == cases[i].step,
		       "%s: first %llu last %llu step %llu", cases[i].text,
		       (unsigned long long)sp.rule.first, (unsigned long long)sp.rule.last,
		       (unsigned long long)sp.rule.step);
	}
}

static void test_prob_seed_max(void)
{
	if (ok("dup:error=EIO:prob=0.5")) {
		ASSERT_EQ(sp.rule.prob, 1ULL << 31);
		ASSERT_EQ(sp.rule.has_seed, 0);
	}
	if (ok("dup:error=EIO:prob=1"))
		ASSERT_EQ(sp.rule.prob, 1ULL << 32);
	if (ok("dup:error=EIO:prob=.25:seed=18446744073709551615")) {
		ASSERT_EQ(sp.rule.prob, 1ULL << 30);
		ASSERT(sp.rule.seed == 18446744073709551615ULL && sp.rule.has_seed, "seed");
	}
	if (ok("dup:error=EIO:max=3"))
		ASSERT_EQ(sp.rule.max, 3);
}

/* Each bad spec is rejected with a message that names the problem. */
static void test_rejects(void)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{ "", "empty inject spec" },
		{ ":error=EIO", "empty syscall set" },
		{ "dup", "add :error=ERRNO" },
		{ "dup:", "add :error=ERRNO" },
		{ "nosuch:error=EIO", "unknown syscall 'nosuch'" },
		{ "dupp:error=EIO", "did you mean 'dup'" },
		{ "dup,:error=EIO", "empty syscall name" },
		{ ",dup:error=EIO", "empty syscall name" },
		{ "dup,,read:error=EIO", "empty syscall name" },
		{ "dup:error=0", "error=0" },
		{ "dup:error=4096", "error=4096" },
		{ "dup:error=-1", "error=-1" },
		{ "dup:error=EFOO", "error=EFOO" },
		{ "dup:error=", "empty value for 'error'" },
		{ "dup:error", "not key=value" },
		{ "dup:foo=1", "unknown key 'foo'" },
		{ "dup:error=EIO:error=EIO", "duplicate key 'error'" },
		{ "dup:error=EIO:retval=1", "mutually exclusive" },
		{ "dup:retval=-1", "retval=-1" },
		{ "dup:retval=9223372036854775808", "retval=" },
		{ "dup:signal=SIGFOO", "signal=SIGFOO" },
		{ "dup:signal=0", "signal=0" },
		{ "dup:signal=65", "signal=65" },
		{ "dup:when=3", "no action" },
		{ "dup:error=EIO:when=0", "when=0" },
		{ "dup:error=EIO:when=5..3", "last (3) is before first (5)" },
		{ "dup:error=EIO:when=2+0", "step must be" },
		{ "dup:error=EIO:when=2..", "after '..'" },
		{ "dup:error=EIO:when=x", "when=x" },
		{ "dup:error=EIO:when=3x", "unexpected 'x'" },
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
		{ "dup:error=EIO::max=1", "empty field" },
		{ "dup:error=EIO:", "empty field" },
		{ "d\xffp:error=EIO", "unknown syscall 'd\\xffp'" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = '\0';
		int r = ei_spec_parse(cases[i].text, &sp, err, sizeof(err));
		ASSERT(r == -1, "'%s' accepted", cases[i].text);
		ASSERT(strstr(err, cases[i].msg) != NULL, "'%s': message '%s' lacks '%s'", cases[i].text,
		       err, cases[i].msg);
		ASSERT(!strchr(err, '\n'), "'%s': message has a newline", cases[i].text);
	}
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

static void test_quote(void)
{
	char b[16];

	ASSERT_STR(ei_quote("abc", b, sizeof(b)), "abc");
	ASSERT_STR(ei_quote("a\nb", b, sizeof(b)), "a\\x0ab");
	ASSERT_STR(ei_quote("abcdefghijklmnopqrstuvwxyz", b, sizeof(b)), "abcdefghijkl...");
}

int main(void)
{
	SUBTEST(error_field);
	SUBTEST(retval_signal);
	SUBTEST(when);
	SUBTEST(prob_seed_max);
	SUBTEST(rejects);
	SUBTEST(long_spec);
	SUBTEST(quote);
	return t_failed ? 1 : 0;
}
