// SPDX-License-Identifier: GPL-2.0
/*
 * syscall_cost N: calls getppid(2) N times and prints
 * "ns_per_call=X ok=A err=B". getppid does almost nothing in the kernel,
 * so what an injector adds per call shows at its largest. Raw syscall(2):
 * no libc caching between us and the kernel.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

int main(int argc, char **argv)
{
	struct timespec a, b;
	long n, ok = 0, err = 0;
	char *end;

	if (argc != 2 || (n = strtol(argv[1], &end, 10)) <= 0 || *end) {
		fprintf(stderr, "usage: syscall_cost N\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid) < 0 ? err++ : ok++;
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("ns_per_call=%.1f ok=%ld err=%ld\n",
	       ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n, ok, err);
	return 0;
}
