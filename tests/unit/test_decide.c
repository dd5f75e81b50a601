// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the decision every backend makes (lib/core/decide.h):
 * the kernel side, the seccomp supervisor and errinj explore call these
 * functions, so testing them here tests what each backend decides. The
 * expected values come from outside the header: splitmix64's published
 * outputs, and draws and lineages computed by an independent Python
 * implementation of the formulas (given with each).
 */
#include <sys/syscall.h>

#include "core/core.h"
#include "test.h"

static struct ei_rule rule_of(const char *text)
{
	struct ei_spec sp;
	struct ei_rule r;
	char err[256] = "";

	memset(&r, 0, sizeof(r));
	if (ASSERT(ei_spec_parse(text, &sp, err, sizeof(err)) == 0, "'%s' rejected: %s", text, err))
		ei_rule_encode(&sp, &r);
	return r;
}

/* splitmix64 from state 0: its first outputs as published (Vigna's
 * splitmix64.c); the k-th output is ei_mix64((k - 1) * increment). */
static void test_mix64_vectors(void)
{
	ASSERT(ei_mix64(0) == 0xe220a8397b1dcdafULL, "mix64(0) = %#llx", (unsigned long long)ei_mix64(0));
	ASSERT(ei_mix64(EI_GOLDEN) == 0x6e789e6aa1b965f4ULL, "second output %#llx",
	       (unsigned long long)ei_mix64(EI_GOLDEN));
	ASSERT(ei_mix64(2 * EI_GOLDEN) == 0x06c45d188009454fULL, "third output %#llx",
	       (unsigned long long)ei_mix64(2 * EI_GOLDEN));
}

/* The numbers 1..20 that when=TEXT selects, as "3 4 5". */
static const char *selected(const char *text)
{
	static char buf[128];
	struct ei_rule r = rule_of(text);
	size_t o = 0;

	buf[0] = 0;
	for (__u64 n = 1; n <= 20; n++)
		if (ei_when_matches(r.first, r.last, r.step, n))
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%llu", o ? " " : "", (unsigned long long)n);
	return buf;
}

static void test_when(void)
{
	char err[128];
	__u64 f, l, s;

	ASSERT_STR(selected("dup:error=EIO:when=3"), "3"); /* step 0: first alone */
	ASSERT_STR(selected("dup:error=EIO:when=1"), "1");
	ASSERT_STR(selected("dup:error=EIO:when=3..5"), "3 4 5");
	ASSERT_STR(selected("dup:error=EIO:when=4..4"), "4");
	ASSERT_STR(selected("dup:error=EIO:when=18+"), "18 19 20");
	ASSERT_STR(selected("dup:error=EIO:when=2+7"), "2 9 16");
	ASSERT_STR(selected("dup:error=EIO:when=2..15+3"), "2 5 8 11 14");
	ASSERT_STR(selected("dup:error=EIO:when=2..14+3"), "2 5 8 11 14"); /* last itself on the step */
	ASSERT_STR(selected("dup:error=EIO:when=5..6+10"), "5");
	ASSERT_STR(selected("dup:error=EIO"), "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20");
	/* A step of 0 is refused in the text: it is only the encoding of "first alone". */
	ASSERT(ei_when_parse("3+0", &f, &l, &s, err, sizeof(err)) < 0, "when=3+0 accepted");
	/* Past 32 bits, as the counters reach. */
	ASSERT(ei_when_matches(1ULL << 32, 0, 1ULL << 32, 3ULL << 32), "a 33-bit step");
	ASSERT(!ei_when_matches(1ULL << 32, 0, 0, (1ULL << 32) + 1), "first alone, 33 bits");
}

static void test_args_match(void)
{
	const struct ei_syscall_entry *e = ei_syscall_info(SYS_dup);
	struct ei_rule fd = rule_of("dup:error=EIO:fd=5");
	struct ei_rule a1 = rule_of("read:error=EIO:arg1=0x100000005");
	struct ei_rule m = rule_of("read:error=EIO:arg2&0xf0=0x30");
	struct ei_rule none = rule_of("dup:error=EIO");
	__u64 bits[6], wide[6], narrow[6], args[6] = { 0 };

	if (!ASSERT(e, "no dup in the table"))
		return;
	for (int k = 0; k < 6; k++)
		bits[k] = ei_arg_bits(e->arg_bytes[k]), wide[k] = ~0ULL, narrow[k] = 0xffffffffULL;
	ASSERT(bits[0] == 0xffffffffULL, "dup's fd is an int: %#llx", (unsigned long long)bits[0]);
	ASSERT(ei_arg_bits(8) == ~0ULL && ei_arg_bits(4) == 0xffffffffULL && ei_arg_bits(2) == 0xffff &&
		       ei_arg_bits(1) == 0xff && ei_arg_bits(0) == ~0ULL,
	       "ei_arg_bits");
	args[0] = 5;
	ASSERT(ei_args_match(&fd, args, bits), "fd=5 on 5");
	/* The upper half of an int's register is not the caller's. */
	args[0] = 0xdeadbeef00000005ULL;
	ASSERT(ei_args_match(&fd, args, bits), "fd=5, high bits set, 4-byte argument");
	ASSERT(ei_args_match(&fd, args, NULL), "fd= masks 32 bits itself");
	args[0] = 6;
	ASSERT(!ei_args_match(&fd, args, bits), "fd=5 on 6");
	ASSERT(ei_args_match(&none, args, bits), "no filter");
	/* An 8-byte argument is compared whole. */
	args[1] = 0x100000005ULL;
	ASSERT(ei_args_match(&a1, args, wide), "arg1 64-bit equal");
	args[1] = 5;
	ASSERT(!ei_args_match(&a1, args, wide), "arg1 high bits differ");
	/* Under a 4-byte width the high bits of both sides are ignored. */
	ASSERT(ei_args_match(&a1, args, narrow), "arg1 under 32 bits");
	args[2] = 0x3a;
	ASSERT(ei_args_match(&m, args, wide), "arg2&0xf0 on 0x3a");
	args[2] = 0x4a;
	ASSERT(!ei_args_match(&m, args, wide), "arg2&0xf0 on 0x4a");
	args[2] = 0x3a;
	args[1] = 6;
	ASSERT(!ei_args_match(&a1, args, wide) && ei_args_match(&m, args, wide), "each rule its own argument");
}

/* Fires of the seeded draw under prob for the calls 1..n of one rule. */
static long fires(__u64 seed, __u64 prob, long n, __u64 lineage)
{
	long c = 0;

	for (long i = 1; i <= n; i++)
		c += ei_prob_fires(ei_draw(seed, 0, SYS_dup, (__u64)i, lineage), prob);
	return c;
}

/* prob=0.25 over 10^6 calls: a fair draw fires Binomial(10^6, 0.25)
 * times, sigma 433; the bound is 6 sigma (a fair generator exceeds it
 * with probability 2e-9). The draws are deterministic, so the figure
 * never changes between runs: the bound says the formula is fair. */
static void test_draw_rate(void)
{
	struct ei_rule r = rule_of("dup:error=EIO:prob=0.25:seed=7");
	const long n = 1000000, want = n / 4, tol = 6 * 433;
	const __u64 lineages[] = { EI_LINEAGE_COMMAND, ei_lineage_child(EI_LINEAGE_COMMAND, 1), ei_lineage_root(3) };

	ASSERT(r.prob == 1ULL << 30, "prob=0.25 encodes as %#llx", (unsigned long long)r.prob);
	for (size_t l = 0; l < sizeof(lineages) / sizeof(lineages[0]); l++) {
		long c = fires(r.seed, r.prob, n, lineages[l]);
		ASSERT(c > want - tol && c < want + tol, "lineage %zu: %ld of %ld fired", l, c, n);
	}
	/* prob=1 (1 << 32) fires on every draw, 0 on none: exact. */
	ASSERT_EQ(fires(7, 1ULL << 32, 100000, 0), 100000);
	ASSERT_EQ(fires(7, 0, 100000, 0), 0);
	/* The bound itself: a draw fires below prob, never at it. */
	ASSERT(ei_prob_fires(0, 1) && !ei_prob_fires(1, 1) && ei_prob_fires(0xffffffffULL, 1ULL << 32) &&
		       !ei_prob_fires(0xffffffffULL, 0xffffffffULL),
	       "ei_prob_fires bounds");
}

/* The draw's formula, pinned: a seed names the same calls in every
 * version (values from a Python splitmix64, mix(seed ^ mix(rule << 48 ^
 * nr << 32 ^ n) ^ lineage) & 0xffffffff). */
static void test_draw_vectors(void)
{
	ASSERT(ei_draw(42, 0, 32, 1, 0) == 0x92402ec3u, "draw 1: %#x", ei_draw(42, 0, 32, 1, 0));
	ASSERT(ei_draw(42, 0, 32, 2, 0) == 0xe677fca9u, "draw 2: %#x", ei_draw(42, 0, 32, 2, 0));
	ASSERT(ei_draw(42, 0, 32, 3, 0) == 0xca744976u, "draw 3: %#x", ei_draw(42, 0, 32, 3, 0));
	ASSERT(ei_draw(0x123456789abcdef0ULL, 5, 257, 1000, ei_lineage_child(0, 1)) == 0xd03b3839u, "draw 4: %#x",
	       ei_draw(0x123456789abcdef0ULL, 5, 257, 1000, ei_lineage_child(0, 1)));
	/* The explorer's split of it: the call's part once, then per seed. */
	ASSERT(ei_draw_seeded(9, ei_draw_call(3, 4, 5), 6) == ei_draw(9, 3, 4, 5, 6), "ei_draw_call");
	/* Each input moves the draw. */
	__u32 d = ei_draw(1, 1, 1, 1, 1);
	ASSERT(d != ei_draw(2, 1, 1, 1, 1) && d != ei_draw(1, 2, 1, 1, 1) && d != ei_draw(1, 1, 2, 1, 1) &&
		       d != ei_draw(1, 1, 1, 2, 1) && d != ei_draw(1, 1, 1, 1, 2),
	       "an input that does not move the draw");
}

static int cmp_u64(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return x < y ? -1 : x > y;
}

static void test_lineage(void)
{
	enum { N = 1000 };
	static __u64 keys[3 * N + 1];
	int n = 0, dup = 0;

	/* Pinned (Python): the command's first child, its second child's
	 * first child, a late process. */
	ASSERT(ei_lineage_child(EI_LINEAGE_COMMAND, 1) == 0x5e41ab087439611eULL, "child 1: %#llx",
	       (unsigned long long)ei_lineage_child(EI_LINEAGE_COMMAND, 1));
	ASSERT(ei_lineage_child(ei_lineage_child(EI_LINEAGE_COMMAND, 2), 1) == 0x186a2de8268e9286ULL, "1.2.1");
	ASSERT(ei_lineage_unknown(1234) == 0xbb0cf61b2f181cdbULL, "unknown 1234");
	ASSERT(EI_LINEAGE_COMMAND == 0 && ei_lineage_root(3) == 3 * EI_GOLDEN, "roots");
	/* Siblings, the children of a sibling and the -p roots: all apart,
	 * and apart from the command. */
	keys[n++] = EI_LINEAGE_COMMAND;
	for (__u64 k = 1; k <= N; k++) {
		keys[n++] = ei_lineage_child(EI_LINEAGE_COMMAND, k);
		keys[n++] = ei_lineage_child(ei_lineage_child(EI_LINEAGE_COMMAND, 1), k);
		keys[n++] = ei_lineage_root(k);
	}
	qsort(keys, (size_t)n, sizeof(keys[0]), cmp_u64);
	for (int i = 1; i < n; i++)
		dup += keys[i] == keys[i - 1];
	ASSERT_EQ(dup, 0);
	/* Stable: a function of the place alone. */
	ASSERT(ei_lineage_child(77, 5) == ei_lineage_child(77, 5), "stable");
}

static void test_assign_slots(void)
{
	static struct ei_rule rules[4];
	static __u32 slot[EI_MAX_RULES][EI_NR_SYSCALLS];
	struct ei_sysset only = { 0 };
	int used = 0;

	rules[0] = rule_of("read,dup:error=EIO:when=2");             /* counts */
	rules[1] = rule_of("dup:error=EIO");                         /* does not */
	rules[2] = rule_of("write,dup:error=EIO:prob=0.5:seed=1");   /* counts: seeded */
	rules[3] = rule_of("write:error=EIO:prob=0.5");              /* does not: unseeded */
	ASSERT(ei_rule_counts(&rules[0]) && !ei_rule_counts(&rules[1]) && ei_rule_counts(&rules[2]) &&
		       !ei_rule_counts(&rules[3]),
	       "ei_rule_counts");
	ASSERT(ei_rule_counts(&(struct ei_rule){ .first = 1, .last = 0, .step = 0, .prob = 1ULL << 32 }),
	       "when=1 counts");
	/* Rule by rule, syscalls in number order (read 0, write 1, dup 32). */
	ASSERT_EQ(ei_assign_slots(rules, 4, NULL, slot), 4);
	ASSERT(slot[0][SYS_read] == 1 && slot[0][SYS_dup] == 2 && slot[2][SYS_write] == 3 && slot[2][SYS_dup] == 4,
	       "slots %u %u %u %u", slot[0][SYS_read], slot[0][SYS_dup], slot[2][SYS_write], slot[2][SYS_dup]);
	for (int i = 0; i < 4; i++)
		for (int nr = 0; nr < EI_NR_SYSCALLS; nr++)
			used += slot[i][nr] != 0;
	ASSERT_EQ(used, 4);
	/* Only the syscalls a backend serves (the supervisor's). */
	ei_sysset_add(&only, SYS_dup);
	ASSERT_EQ(ei_assign_slots(rules, 4, &only, slot), 2);
	ASSERT(slot[0][SYS_read] == 0 && slot[0][SYS_dup] == 1 && slot[2][SYS_write] == 0 && slot[2][SYS_dup] == 2,
	       "served slots %u %u %u %u", slot[0][SYS_read], slot[0][SYS_dup], slot[2][SYS_write], slot[2][SYS_dup]);
	ASSERT_EQ(ei_assign_slots(rules, 0, NULL, slot), 0);
}

int main(void)
{
	SUBTEST(mix64_vectors);
	SUBTEST(when);
	SUBTEST(args_match);
	SUBTEST(draw_rate);
	SUBTEST(draw_vectors);
	SUBTEST(lineage);
	SUBTEST(assign_slots);
	return t_failed ? 1 : 0;
}
