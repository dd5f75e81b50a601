// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of lib/core/sysset.h: membership at the words' edges and
 * out of range, counting, iteration in order, and the set operations.
 */
#include "core/core.h"
#include "test.h"

static const int edge[] = { 0, 1, 63, 64, 127, 128, 300, EI_NR_SYSCALLS - 1 };
#define NEDGE ((int)(sizeof(edge) / sizeof(edge[0])))

static void test_add_has_del(void)
{
	struct ei_sysset s = {};

	ASSERT(ei_sysset_empty(&s), "a zeroed set is not empty");
	for (int i = 0; i < NEDGE; i++)
		ei_sysset_add(&s, edge[i]);
	ei_sysset_add(&s, 63); /* twice: still one member */
	ei_sysset_add(&s, -1);
	ei_sysset_add(&s, EI_NR_SYSCALLS);
	ASSERT_EQ(ei_sysset_count(&s), NEDGE);
	for (int nr = -2; nr < EI_NR_SYSCALLS + 2; nr++) {
		bool want = false;

		for (int i = 0; i < NEDGE; i++)
			want |= edge[i] == nr;
		if (!ASSERT(ei_sysset_has(&s, nr) == want, "has(%d) is %d", nr, !want))
			break;
	}
	ei_sysset_del(&s, 64);
	ei_sysset_del(&s, 65); /* not a member: nothing changes */
	ei_sysset_del(&s, -1);
	ASSERT(!ei_sysset_has(&s, 64) && ei_sysset_has(&s, 63), "del(64)");
	ASSERT_EQ(ei_sysset_count(&s), NEDGE - 1);
	ei_sysset_clear(&s);
	ASSERT(ei_sysset_empty(&s), "clear left members");
	ASSERT_EQ(ei_sysset_count(&s), 0);
}

/* for_each visits each member once, in increasing order, and the body
 * may delete the member it is at. */
static void test_for_each(void)
{
	struct ei_sysset s = {};
	int seen[NEDGE], n = 0;

	for (int i = NEDGE - 1; i >= 0; i--)
		ei_sysset_add(&s, edge[i]);
	ei_sysset_for_each(nr, &s) {
		if (n < NEDGE)
			seen[n] = nr;
		n++;
		ei_sysset_del(&s, nr);
	}
	ASSERT_EQ(n, NEDGE);
	for (int i = 0; i < n && i < NEDGE; i++)
		ASSERT(seen[i] == edge[i], "member %d is %d, want %d", i, seen[i], edge[i]);
	ASSERT(ei_sysset_empty(&s), "the body's deletions were lost");
	n = 0;
	ei_sysset_for_each(nr, &s)
		n++;
	ASSERT_EQ(n, 0);
	ASSERT_EQ(ei_sysset_next(&s, 0), EI_NR_SYSCALLS);
	ei_sysset_add(&s, 130);
	ASSERT_EQ(ei_sysset_next(&s, 64), 130);
	ASSERT_EQ(ei_sysset_next(&s, 130), 130);
	ASSERT_EQ(ei_sysset_next(&s, 131), EI_NR_SYSCALLS);
	ASSERT_EQ(ei_sysset_next(&s, EI_NR_SYSCALLS), EI_NR_SYSCALLS);
}

static void test_and_or_andnot(void)
{
	struct ei_sysset a = {}, b = {}, x;

	ei_sysset_add(&a, 1);
	ei_sysset_add(&a, 100);
	ei_sysset_add(&a, 400);
	ei_sysset_add(&b, 100);
	ei_sysset_add(&b, 200);
	x = a;
	ei_sysset_and(&x, &b);
	ASSERT(ei_sysset_count(&x) == 1 && ei_sysset_has(&x, 100), "and");
	x = a;
	ei_sysset_or(&x, &b);
	ASSERT(ei_sysset_count(&x) == 4 && ei_sysset_has(&x, 200) && ei_sysset_has(&x, 400), "or");
	x = a;
	ei_sysset_andnot(&x, &b);
	ASSERT(ei_sysset_count(&x) == 2 && ei_sysset_has(&x, 1) && !ei_sysset_has(&x, 100), "andnot");
}

int main(void)
{
	SUBTEST(add_has_del);
	SUBTEST(for_each);
	SUBTEST(and_or_andnot);
	return t_failed ? 1 : 0;
}
