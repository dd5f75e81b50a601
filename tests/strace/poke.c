// SPDX-License-Identifier: GPL-2.0
/*
 * poke [enter]: what strace 6.1's poke.c checks (run by poke.test,
 * poke-ptrace.test and poke-unaligned.test), written anew: chdir(2) on a buffer of PATH_MAX '/' that ends where an
 * inaccessible page begins, at its start, one byte in (the byte before
 * must stay), on the inaccessible page (aligned and not), and one and
 * eight bytes before its end; each line says the call's result and the
 * bytes at the argument afterwards, as far as they are accessible (did a
 * poke_enter= land, and how much of it?); then, but with "enter",
 * getcwd(2) and the string it left (poke_exit=).
 */
#include <limits.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "sprogs.h"

static char *hex(const char *p, size_t n)
{
	static char buf[2 * PATH_MAX + 1];

	for (size_t i = 0; i < n; i++)
		snprintf(buf + 2 * i, 3, "%02x", (unsigned char)p[i]);
	buf[2 * n] = 0;
	return buf;
}

/* One chdir on P; END is where the accessible bytes end. */
static void one(const char *what, char *p, char *end, char *from)
{
	long r;
	int e;
	size_t n;

	errno = 0;
	r = syscall(SYS_chdir, p);
	e = errno;
	n = p < end ? (size_t)(end - from) : 0;
	if (n > 16)
		n = 16;
	say("chdir(%s) %s, bytes %s\n", what, result(r, e), n ? hex(from, n) : "inaccessible");
}

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE);
	char *m, *buf, *end;

	if (argc > 2 || (argc == 2 && strcmp(argv[1], "enter"))) {
		say_fd(2, "usage: poke [enter]\n");
		return 2;
	}
	m = mmap(NULL, (size_t)(PATH_MAX + page), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED || mprotect(m + PATH_MAX, (size_t)page, PROT_NONE)) {
		say_fd(2, "poke: mmap: %s\n", ename(errno));
		return 1;
	}
	buf = m;
	end = m + PATH_MAX;
	memset(buf, '/', PATH_MAX);
	one("aligned", buf, end, buf);
	memset(buf, '/', PATH_MAX);
	buf[PATH_MAX - 1] = 0;
	/* From the byte before: it must stay '/'. */
	one("unaligned", buf + 1, end, buf);
	one("inaccessible aligned", end, end, end);
	one("inaccessible unaligned", end + 1, end, end + 1);
	memset(buf, '/', PATH_MAX);
	one("1 byte accessible", end - 1, end, end - 1);
	memset(buf, '/', PATH_MAX);
	one("8 bytes accessible", end - 8, end, end - 8);
	if (argc == 1) {
		long r = syscall(SYS_getcwd, buf, PATH_MAX);

		say("getcwd() %s, \"%.*s\"\n", result(r, errno), r > 0 ? (int)strnlen(buf, PATH_MAX) : 0, buf);
	}
	return 0;
}
