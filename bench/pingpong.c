// SPDX-License-Identifier: GPL-2.0
/*
 * pingpong MODE N: the floor of a seccomp user-notification round trip on
 * this machine, N round trips between two threads of this process, and
 * prints "ns_per_round_trip=X rounds=R" (R: the round trips the other
 * thread saw, which must be N). MODEs:
 *   futex       a token passed to and fro through a futex: two wake-ups,
 *               two context switches (on one CPU), nothing else
 *   notif       N getppid trapped by a filter of the calling thread's
 *               (SECCOMP_RET_USER_NOTIF), each received and let run
 *               (SECCOMP_USER_NOTIF_FLAG_CONTINUE) by a thread that
 *               blocks in SECCOMP_IOCTL_NOTIF_RECV and does nothing else
 *   notif-sync  the same, the listener set SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
 *               (the caller's wake-up of the receiver on the caller's CPU,
 *               and the answer's on the receiver's)
 *   notif-epoll notif-sync, but the receiver waits in epoll_wait on an
 *               epoll set holding the listener (as errinj's supervisor)
 * Pin it with taskset to see what moving between CPUs costs.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/seccomp.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

static long n;
static long seen;
static int tok; /* futex: 1 the other thread's turn, 0 the main thread's */
static int listener = -1;
static bool use_epoll;

static long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void futex(int *addr, int op, int val)
{
	syscall(SYS_futex, addr, op, val, NULL, NULL, 0);
}

/* Waits, never spinning, until *addr is not val. */
static void wait_while(int *addr, int val)
{
	while (__atomic_load_n(addr, __ATOMIC_ACQUIRE) == val)
		futex(addr, FUTEX_WAIT_PRIVATE, val);
}

static void pass(int *addr, int val)
{
	__atomic_store_n(addr, val, __ATOMIC_RELEASE);
	futex(addr, FUTEX_WAKE_PRIVATE, 1);
}

static void *futex_peer(void *arg)
{
	(void)arg;
	for (long i = 0; i < n; i++) {
		wait_while(&tok, 0);
		seen++;
		pass(&tok, 0);
	}
	return NULL;
}

static void *notif_peer(void *arg)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	struct epoll_event ev = { .events = EPOLLIN };
	int ep = -1;

	(void)arg;
	if (use_epoll) {
		ep = epoll_create1(EPOLL_CLOEXEC);
		if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, listener, &ev))
			return (void *)1;
	}
	while (seen < n) {
		if (ep >= 0 && epoll_wait(ep, &ev, 1, -1) < 0)
			continue;
		memset(&req, 0, sizeof(req));
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req))
			continue;
		seen++;
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	}
	return NULL;
}

/* A filter that traps getppid (the receiver, started after it, has it
 * too, and makes no getppid). */
static int trap_getppid(bool sync)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };
	__u64 flags = SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	listener = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	if (listener < 0)
		return -1;
	if (sync && ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, flags))
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc == 3 ? argv[1] : "";
	bool notif = !strncmp(mode, "notif", 5);
	long long t0, t1;
	pthread_t th;
	char *end;

	n = argc == 3 ? strtol(argv[2], &end, 10) : 0;
	if (n <= 0 || *end || (strcmp(mode, "futex") && strcmp(mode, "notif") && strcmp(mode, "notif-sync") &&
			       strcmp(mode, "notif-epoll"))) {
		fprintf(stderr, "usage: pingpong futex|notif|notif-sync|notif-epoll N (N > 0)\n");
		return 2;
	}
	use_epoll = !strcmp(mode, "notif-epoll");
	if (notif && trap_getppid(strcmp(mode, "notif"))) {
		fprintf(stderr, "pingpong: cannot trap getppid with a seccomp listener: %s\n", strerror(errno));
		return 1;
	}
	if ((errno = pthread_create(&th, NULL, notif ? notif_peer : futex_peer, NULL))) {
		fprintf(stderr, "pingpong: pthread_create: %s\n", strerror(errno));
		return 1;
	}
	t0 = mono_ns();
	for (long i = 0; i < n; i++) {
		if (notif) {
			if (syscall(SYS_getppid) <= 0)
				break;
			continue;
		}
		pass(&tok, 1);
		wait_while(&tok, 1);
	}
	t1 = mono_ns();
	pthread_join(th, NULL);
	printf("ns_per_round_trip=%lld rounds=%ld\n", (t1 - t0) / n, seen);
	return seen == n ? 0 : 1;
}
