// SPDX-License-Identifier: GPL-2.0
/*
 * chdir PATH...: what strace 6.1's qual_inject-retval.c,
 * qual_inject-signal.c and qual_inject-error-signal.c check (and chdir.c,
 * which poke-range.test runs), written anew: for each PATH (NULL: a null
 * pointer) one chdir(2), made with syscall(2), and what came of it: its
 * result, whether the working directory changed (did the call run?), and
 * any SIGUSR1 that arrived: its si_code, and whether it came before the
 * call returned (strace's handler exits from there).
 */
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "sprogs.h"

static volatile sig_atomic_t returned, got, got_before, code;

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	got++;
	code = si->si_code;
	got_before = !returned;
}

static const char *code_name(int c)
{
	static char buf[16];

	switch (c) {
	case SI_USER: return "SI_USER";
	case SI_KERNEL: return "SI_KERNEL";
	case SI_QUEUE: return "SI_QUEUE";
	case SI_TKILL: return "SI_TKILL";
	}
	snprintf(buf, sizeof(buf), "%d", c);
	return buf;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_sigaction = on_usr1, .sa_flags = SA_SIGINFO };
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	if (sigaction(SIGUSR1, &sa, NULL) || sigprocmask(SIG_UNBLOCK, &mask, NULL)) {
		say_fd(2, "chdir: sigaction: %s\n", ename(errno));
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		const char *p = strcmp(argv[i], "NULL") ? argv[i] : NULL;
		struct stat before, after;
		long r;
		int e;

		if (stat(".", &before)) {
			say_fd(2, "chdir: stat: %s\n", ename(errno));
			return 1;
		}
		got = 0;
		returned = 0;
		errno = 0;
		r = syscall(SYS_chdir, p);
		returned = 1;
		e = errno;
		if (stat(".", &after)) {
			say_fd(2, "chdir: stat: %s\n", ename(errno));
			return 1;
		}
		say("chdir(%s) %s, cwd %s\n", p ? p : "NULL", result(r, e),
		    before.st_dev == after.st_dev && before.st_ino == after.st_ino ? "unchanged" : "changed");
		if (got)
			say("SIGUSR1 x%d, si_code=%s, %s\n", (int)got, code_name(code),
			    got_before ? "before chdir returned" : "after chdir returned");
	}
	return 0;
}
