// SPDX-License-Identifier: GPL-2.0
/*
 * gen NAME[,NAME...] N: the calls of strace 6.1's gen_tests.in cases that
 * inject (the *-success tests, prctl-success.sh), written anew: N rounds
 * of each NAME, made with syscall(2) and the arguments strace's tests
 * use, or harmless ones that fail (a call that runs must change nothing);
 * prints each NAME's results in runs: "NAME: R FROM-TO, ...", R the
 * return value or -1 and the errno's name.
 */
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/ioctl.h>
#include <linux/seccomp.h>

#include "sprogs.h"

#define MAXN 8

static long call(const char *name)
{
	if (!strcmp(name, "prctl"))
		return syscall(SYS_prctl, 0xffffffffUL, 0xfffffffeUL, 0xfffffffdUL, 0xfffffffcUL, 0xfffffffbUL);
	if (!strcmp(name, "arch_prctl"))
		return syscall(SYS_arch_prctl, 0xffffffffUL, 0xfffffffeUL);
	if (!strcmp(name, "ioctl"))
		return syscall(SYS_ioctl, -1, (unsigned long)SECCOMP_IOCTL_NOTIF_RECV, NULL);
	if (!strcmp(name, "prlimit64"))
		return syscall(SYS_prlimit64, 0, 0x10, NULL, NULL);
	if (!strcmp(name, "bpf"))
		return syscall(SYS_bpf, -1, NULL, 0);
	if (!strcmp(name, "clone3"))
		return syscall(SYS_clone3, NULL, 0);
	if (!strcmp(name, "io_uring_register"))
		return syscall(SYS_io_uring_register, -1, 0, NULL, 0);
	if (!strcmp(name, "landlock_create_ruleset"))
		return syscall(SYS_landlock_create_ruleset, NULL, 0, 0xffffffffUL);
	if (!strcmp(name, "memfd_secret"))
		return syscall(SYS_memfd_secret, 0xffffffffUL);
	if (!strcmp(name, "getsockopt"))
		return syscall(SYS_getsockopt, -1, 0, 0, NULL, NULL);
	if (!strcmp(name, "setsockopt"))
		return syscall(SYS_setsockopt, -1, 0, 0, NULL, 0);
	if (!strcmp(name, "quotactl"))
		return syscall(SYS_quotactl, 0, NULL, 0, NULL);
	if (!strcmp(name, "seccomp"))
		return syscall(SYS_seccomp, 0xffffffffUL, 0, NULL);
	say_fd(2, "gen: unknown call '%s'\n", name);
	exit(2);
}

int main(int argc, char **argv)
{
	char *names[MAXN], line[MAXN][4096], prev[MAXN][64], *s;
	int from[MAXN], n, k = 0;

	if (argc != 3) {
		say_fd(2, "usage: gen NAME[,NAME...] N\n");
		return 2;
	}
	for (s = strtok(argv[1], ","); s && k < MAXN; s = strtok(NULL, ","))
		names[k++] = s;
	n = atoi(argv[2]);
	for (int j = 0; j < k; j++)
		line[j][0] = prev[j][0] = 0;
	for (int i = 1; i <= n + 1; i++) {
		for (int j = 0; j < k; j++) {
			char now[64] = "";
			size_t l = strlen(line[j]);

			if (i <= n) {
				long r;

				errno = 0;
				r = call(names[j]);
				if (r == -1)
					snprintf(now, sizeof(now), "-1 %s", ename(errno));
				else
					snprintf(now, sizeof(now), "%ld", r);
			}
			if (i > 1 && !strcmp(now, prev[j]))
				continue;
			if (i > 1)
				snprintf(line[j] + l, sizeof(line[j]) - l, "%s%s %d-%d", l ? ", " : "", prev[j], from[j],
					 i - 1);
			snprintf(prev[j], sizeof(prev[j]), "%s", now);
			from[j] = i;
		}
	}
	for (int j = 0; j < k; j++)
		say("%s: %s\n", names[j], line[j]);
	return 0;
}
