// SPDX-License-Identifier: GPL-2.0
/*
 * delay US: what strace 6.1's delay.c checks, written anew, for one call:
 * how long one gettimeofday(2) system call took, measured on
 * CLOCK_MONOTONIC (the vDSO, no system call), against US microseconds:
 * at least US, and less than 2*US + 0.5 s (a loaded machine is slow,
 * never fast).
 */
#include <stdlib.h>
#include <time.h>
#include <sys/syscall.h>
#include <sys/time.h>

#include "sprogs.h"

static long long us_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

int main(int argc, char **argv)
{
	struct timeval tv;
	long long want, t0, took;
	long r;

	if (argc != 2) {
		say_fd(2, "usage: delay US\n");
		return 2;
	}
	want = atoll(argv[1]);
	t0 = us_now();
	r = syscall(SYS_gettimeofday, &tv, NULL);
	took = us_now() - t0;
	say("gettimeofday() %s, held at least %lld us: %s, less than twice that and 0.5 s: %s\n",
	    result(r, errno), want, took >= want ? "yes" : "no", took < 2 * want + 500000 ? "yes" : "no");
	return 0;
}
