// SPDX-License-Identifier: GPL-2.0
/* Host unit tests of the errno and syscall tables (lib/core/tables.c). */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "core/core.h"
#include "test.h"

static void test_errno_names(void)
{
	ASSERT_EQ(ei_errno_parse("EINVAL"), EINVAL);
	ASSERT_EQ(ei_errno_parse("ENOENT"), ENOENT);
	ASSERT_EQ(ei_errno_parse("EPERM"), EPERM);
	ASSERT_EQ(ei_errno_parse("EHWPOISON"), EHWPOISON);
	/* aliases parse to the value they stand for */
	ASSERT_EQ(ei_errno_parse("EWOULDBLOCK"), EAGAIN);
	ASSERT_EQ(ei_errno_parse("EDEADLOCK"), EDEADLK);
	ASSERT_EQ(ei_errno_parse("ENOTSUP"), EOPNOTSUPP);
}

static void test_errno_numbers(void)
{
	ASSERT_EQ(ei_errno_parse("1"), 1);
	ASSERT_EQ(ei_errno_parse("22"), 22);
	ASSERT_EQ(ei_errno_parse("4095"), 4095);
}

static void test_errno_rejects(void)
{
	/* As strace reads error=: "+1", "022" (22), " 22" and "einval" are
	 * numbers and names (test_errno_strace). */
	const char *bad[] = { "0", "-0", "4096", "99999", "-1", "", "EFOO", "EINVAL ", "22x", "0x16",
			      "1e3", "99999999999999999999" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ASSERT(ei_errno_parse(bad[i]) == -1, "'%s' accepted", bad[i]);
	ASSERT(ei_errno_parse(NULL) == -1, "NULL accepted");
}

/* strace 6.1's error=: strtoll's decimal (sign and white space may lead,
 * 010 is ten), names in any case. */
static void test_errno_strace(void)
{
	ASSERT_EQ(ei_errno_parse("+1"), 1);
	ASSERT_EQ(ei_errno_parse("022"), 22);
	ASSERT_EQ(ei_errno_parse(" 22"), 22);
	ASSERT_EQ(ei_errno_parse("einval"), EINVAL);
	ASSERT_EQ(ei_errno_parse("eNoEnT"), ENOENT);
	ASSERT_EQ(ei_errno_parse("enotsup"), EOPNOTSUPP);
	/* The kernel's own names, from its include/linux/errno.h (strace's
	 * errnoent has them). */
	ASSERT_EQ(ei_errno_parse("ERESTARTSYS"), 512);
	ASSERT_EQ(ei_errno_parse("erestart_restartblock"), 516);
	ASSERT_EQ(ei_errno_parse("ENOTSUPP"), 524);
	ASSERT_STR(ei_errno_name(512), "ERESTARTSYS");
}

/* strace's signal names: SIG optional, any case, RTMIN (32) and RT_N. */
static void test_signals(void)
{
	static const struct {
		const char *s;
		int sig;
	} cases[] = { { "SIGUSR1", 10 }, { "USR1", 10 },   { "usr1", 10 },   { "sIgTeRm", 15 }, { "10", 10 },
		      { "010", 10 },     { "64", 64 },     { "RTMIN", 32 },  { "sigrtmin", 32 }, { "RT_1", 33 },
		      { "SIGRT_32", 64 }, { "RT_33", -1 }, { "RT_0", -1 },   { "RT_01", -1 },   { "RTMIN+2", -1 },
		      { "0", -1 },       { "65", -1 },     { "+10", -1 },    { " 10", -1 },     { "SIG", -1 },
		      { "0x0a", -1 },    { "SIGRTMAX", -1 }, { "", -1 } };
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ASSERT(ei_signal_parse(cases[i].s) == cases[i].sig, "'%s': %d, want %d", cases[i].s,
		       ei_signal_parse(cases[i].s), cases[i].sig);
	ASSERT_STR(ei_signal_name(10), "SIGUSR1");
	ASSERT_STR(ei_signal_name(32), "SIGRTMIN");
	ASSERT_STR(ei_signal_name(34), "SIGRT_2");
	ASSERT_STR(ei_signal_name(64), "SIGRT_32");
	ASSERT(ei_signal_name(65) == NULL, "65 has a name");
	for (int sig = 1; sig <= 64; sig++) /* every name reads back */
		ASSERT(ei_signal_name(sig) && ei_signal_parse(ei_signal_name(sig)) == sig, "signal %d", sig);
}

static void test_errno_canonical_name(void)
{
	ASSERT_STR(ei_errno_name(EINVAL), "EINVAL");
	ASSERT_STR(ei_errno_name(EAGAIN), "EAGAIN");
	ASSERT_STR(ei_errno_name(EDEADLK), "EDEADLK");
	ASSERT_STR(ei_errno_name(EOPNOTSUPP), "EOPNOTSUPP");
	ASSERT(ei_errno_name(4000) == NULL, "4000 has a name");
}

static void test_errno_roundtrip(void)
{
	for (int e = 1; e < 134; e++) {
		const char *n = ei_errno_name(e);
		if (n)
			ASSERT(ei_errno_parse(n) == e, "%s -> %d", n, ei_errno_parse(n));
	}
}

static void test_syscall_numbers(void)
{
	ASSERT_EQ(ei_syscall_nr("read"), SYS_read);
	ASSERT_EQ(ei_syscall_nr("dup"), SYS_dup);
	ASSERT_EQ(ei_syscall_nr("openat"), SYS_openat);
	ASSERT_EQ(ei_syscall_nr("getppid"), SYS_getppid);
	ASSERT_EQ(ei_syscall_nr("close_range"), SYS_close_range);
	ASSERT_EQ(ei_syscall_nr("nosuchcall"), -1);
	ASSERT_EQ(ei_syscall_nr(""), -1);
	ASSERT_STR(ei_syscall_name(SYS_write), "write");
	ASSERT(ei_syscall_name(-1) == NULL, "-1 has a name");
	ASSERT(ei_syscall_max() > SYS_close_range, "max %d", ei_syscall_max());
	/* The table is Linux 6.12's, past the 6.1 headers of the build host. */
	ASSERT(ei_syscall_nr("fchmodat2") > SYS_set_mempolicy_home_node, "fchmodat2 %d", ei_syscall_nr("fchmodat2"));
	ASSERT(ei_syscall_nr("mseal") > SYS_set_mempolicy_home_node, "mseal %d", ei_syscall_nr("mseal"));
	ASSERT_STR(ei_syscall_name(ei_syscall_nr("cachestat")), "cachestat");
}

/* Argument widths from the kernel's prototypes: what argK= compares. */
static void test_syscall_arg_bytes(void)
{
	/* openat(int dfd, const char __user *filename, int flags, umode_t mode) */
	const struct ei_syscall_entry *e = ei_syscall_info(SYS_openat);
	static const unsigned char openat[6] = { 4, 8, 4, 2, 8, 8 };
	/* read(unsigned int fd, char __user *buf, size_t count) */
	static const unsigned char rd[6] = { 4, 8, 8, 8, 8, 8 };
	/* kill(pid_t pid, int sig) */
	static const unsigned char kl[6] = { 4, 4, 8, 8, 8, 8 };

	if (ASSERT(e, "no openat"))
		ASSERT(!memcmp(e->arg_bytes, openat, 6), "openat %d %d %d %d", e->arg_bytes[0], e->arg_bytes[1],
		       e->arg_bytes[2], e->arg_bytes[3]);
	e = ei_syscall_info(SYS_read);
	if (ASSERT(e, "no read"))
		ASSERT(!memcmp(e->arg_bytes, rd, 6), "read %d %d %d", e->arg_bytes[0], e->arg_bytes[1],
		       e->arg_bytes[2]);
	e = ei_syscall_info(SYS_kill);
	if (ASSERT(e, "no kill"))
		ASSERT(!memcmp(e->arg_bytes, kl, 6), "kill %d %d", e->arg_bytes[0], e->arg_bytes[1]);
}

static void test_syscall_table_sorted_unique(void)
{
	const struct ei_syscall_entry *e, *prev = NULL;
	size_t n = 0;
	for (size_t i = 0; (e = ei_syscall_at(i)); i++, n++) {
		if (prev)
			ASSERT(e->nr > prev->nr, "%s after %s", e->name, prev->name);
		ASSERT(ei_syscall_nr(e->name) == e->nr, "%s", e->name);
		prev = e;
	}
	ASSERT(n > 300, "only %zu syscalls", n);
}

/* build_open REL: BUILD/REL, BUILD being the build directory of this
 * binary (build/tests/unit/test_tables or build/asan/test_tables). */
static FILE *build_open(const char *rel)
{
	static const char *const up[] = { "../..", ".." };
	char self[PATH_MAX], path[PATH_MAX + 64];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	const char *dir;
	FILE *f;

	if (n <= 0)
		return NULL;
	self[n] = 0;
	dir = dirname(self);
	for (size_t i = 0; i < sizeof(up) / sizeof(up[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s/%s", dir, up[i], rel);
		if ((f = fopen(path, "re")))
			return f;
	}
	return NULL;
}

/*
 * The syscall table against the kernel's own list, read here line by line
 * (not by lib/core/gen-syscalls.awk): every x86-64 entry ("common" or "64")
 * with an entry point other than sys_ni_syscall (not implemented) is in
 * the table under its number, and the table has no other entry. An empty
 * or short table fails.
 */
static void test_syscall_table_complete(void)
{
	FILE *f = build_open("ksrc/arch/x86/entry/syscalls/syscall_64.tbl");
	char line[256], abi[32], name[64], entry[128];
	size_t want = 0, got = 0;
	int nr;

	if (!ASSERT(f, "no build/ksrc/arch/x86/entry/syscalls/syscall_64.tbl (make builds it)"))
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%d %31s %63s %127s", &nr, abi, name, entry) != 4 ||
		    (strcmp(abi, "common") && strcmp(abi, "64")) || !strcmp(entry, "sys_ni_syscall"))
			continue;
		want++;
		ASSERT(ei_syscall_nr(name) == nr, "%s: %d, want %d", name, ei_syscall_nr(name), nr);
	}
	fclose(f);
	while (ei_syscall_at(got))
		got++;
	ASSERT(want > 0, "no x86-64 entry read from syscall_64.tbl");
	ASSERT(got == want, "%zu syscalls in the table, %zu in syscall_64.tbl", got, want);
}

/* read_errnos FILE NAMES VALUES N: the "#define ENAME VALUE" lines of a
 * header, an alias (#define EWOULDBLOCK EAGAIN) resolved among those read
 * before it. */
static void read_errnos(FILE *f, char names[][32], int *values, size_t *n, size_t max)
{
	char line[256], name[32], val[32];

	while (fgets(line, sizeof(line), f) && *n < max) {
		if (sscanf(line, "#define %31s %31s", name, val) != 2 || name[0] != 'E')
			continue;
		values[*n] = -1;
		if (val[0] >= '0' && val[0] <= '9')
			values[*n] = atoi(val);
		for (size_t i = 0; i < *n && values[*n] < 0; i++)
			if (!strcmp(names[i], val))
				values[*n] = values[i];
		if (values[*n] < 0)
			continue;
		snprintf(names[*n], 32, "%s", name);
		(*n)++;
	}
}

/*
 * The errno table against the headers, read here as text (not through the
 * compiler, as lib/core/gen-tables.sh does): the C library's asm-generic names
 * and the kernel's own (build/kernel-errno.h). Each parses to its value;
 * each value named has a name, and no other value has one.
 */
static void test_errno_table_complete(void)
{
	static const char *const files[] = { "/usr/include/asm-generic/errno-base.h",
					      "/usr/include/asm-generic/errno.h" };
	static char names[512][32];
	static int values[512];
	size_t n = 0, named = 0, want = 0;
	FILE *f;

	for (size_t i = 0; i < 2; i++) {
		if (!ASSERT((f = fopen(files[i], "re")), "cannot read %s", files[i]))
			return;
		read_errnos(f, names, values, &n, 512);
		fclose(f);
	}
	if (!ASSERT((f = build_open("kernel-errno.h")), "no build/kernel-errno.h (make builds it)"))
		return;
	read_errnos(f, names, values, &n, 512);
	fclose(f);
	ASSERT(n > 130, "only %zu errno names read from the headers", n);
	for (size_t i = 0; i < n; i++)
		ASSERT(ei_errno_parse(names[i]) == values[i], "%s: %d, want %d", names[i],
		       ei_errno_parse(names[i]), values[i]);
	for (int e = 1; e < 4096; e++) {
		bool in_headers = false;

		for (size_t i = 0; i < n && !in_headers; i++)
			in_headers = values[i] == e;
		want += in_headers;
		named += ei_errno_name(e) != NULL;
		ASSERT(in_headers == (ei_errno_name(e) != NULL), "errno %d: named '%s', %sin the headers", e,
		       ei_errno_name(e) ? ei_errno_name(e) : "(none)", in_headers ? "" : "not ");
	}
	ASSERT(named == want, "%zu errnos named, %zu in the headers", named, want);
}

static void test_syscall_suggest(void)
{
	ASSERT_STR(ei_syscall_suggest("dupp"), "dup");
	ASSERT_STR(ei_syscall_suggest("opnat"), "openat");
	ASSERT_STR(ei_syscall_suggest("getppi"), "getppid");
	ASSERT(ei_syscall_suggest("xyzzyplugh") == NULL, "suggests '%s'",
	       ei_syscall_suggest("xyzzyplugh"));
}

int main(void)
{
	SUBTEST(errno_names);
	SUBTEST(errno_numbers);
	SUBTEST(errno_rejects);
	SUBTEST(errno_strace);
	SUBTEST(signals);
	SUBTEST(errno_canonical_name);
	SUBTEST(errno_roundtrip);
	SUBTEST(syscall_numbers);
	SUBTEST(syscall_arg_bytes);
	SUBTEST(syscall_table_sorted_unique);
	SUBTEST(syscall_suggest);
	SUBTEST(syscall_table_complete);
	SUBTEST(errno_table_complete);
	return t_failed ? 1 : 0;
}
