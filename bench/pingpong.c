// SPDX-License-Identifier: GPL-2.0
/*
 * pingpong MODE N: the floor of a seccomp user-notification round trip on
 * this machine: N round trips, and prints "ns_per_round_trip=X rounds=R"
 * (R: the round trips the other side saw, which must be N). MODEs:
 *   futex       a token passed to and fro between two threads through a
 *               futex: two wake-ups, two context switches, nothing else
 *   futex-proc  the same between two processes (a futex in shared
 *               memory), as errinj and its command are
 *   notif       a child process makes N getppid, trapped by its filter
 *               (SECCOMP_RET_USER_NOTIF); its parent takes the listener
 *               (pidfd_getfd, as errinj) and lets each call run
 *               (SECCOMP_USER_NOTIF_FLAG_CONTINUE), blocked in
 *               SECCOMP_IOCTL_NOTIF_RECV and doing nothing else
 *   notif-sync  the same, the listener set SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
 *               (the caller's wake-up of the receiver on the caller's CPU,
 *               and the answer's on the receiver's)
 *   notif-epoll notif-sync, but the receiver waits in epoll_wait on an
 *               epoll set holding the listener before each receive
 *   notif-nested notif-sync, the receiver as errinj's: that set nested in
 *               two others, asked without waiting before each receive
 *               (the outermost waited on only when it has nothing)
 *   notif-poll  notif-sync, the listener in no epoll set: asked with
 *               poll(2) without waiting before each receive (waited on
 *               with poll only when it has nothing)
 *   notif-oneshot notif-sync, the receiver as errinj's since #26: the
 *               listener one-shot in an epoll set nested in two others;
 *               once the set reports it, the listener and the set asked
 *               together (one poll(2), both without waiting) before each
 *               receive, the listener armed again after 64 rounds or when
 *               it has nothing, and then the outermost set waited on
 *   notif-thread notif-sync, the receiver a thread of its own blocked in
 *               the receive, which asks a set without waiting before
 *               each answer (as it would to see a process's exit first);
 *               that set holds the listener for its hang-up only
 *               (EPOLLIN not asked: a notification wakes no epoll) and
 *               is nested in two others, the outermost waited on by the
 *               process's main thread
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
#include <poll.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

/* Shared by the two sides (MAP_SHARED, made before any fork). */
struct shared {
	int tok;       /* futex*: 1 the other side's turn, 0 the timed side's */
	int state;     /* notif*: 1 the child's listener is in fd, 2 taken */
	int fd;        /* notif*: the listener's number in the child */
	long seen;     /* round trips the other side saw */
	long long ns;  /* notif*: the child's time for its N calls */
};

static long n;
static struct shared *sh;

static long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Waits, never spinning, until *addr is not val. Shared futexes: the
 * sides may be processes. */
static void wait_while(int *addr, int val)
{
	while (__atomic_load_n(addr, __ATOMIC_ACQUIRE) == val)
		syscall(SYS_futex, addr, FUTEX_WAIT, val, NULL, NULL, 0);
}

static void pass(int *addr, int val)
{
	__atomic_store_n(addr, val, __ATOMIC_RELEASE);
	syscall(SYS_futex, addr, FUTEX_WAKE, 1, NULL, NULL, 0);
}

static void *futex_peer(void *arg)
{
	(void)arg;
	for (long i = 0; i < n; i++) {
		wait_while(&sh->tok, 0);
		sh->seen++;
		pass(&sh->tok, 0);
	}
	return NULL;
}

static long long futex_side(void)
{
	long long t0 = mono_ns();

	for (long i = 0; i < n; i++) {
		pass(&sh->tok, 1);
		wait_while(&sh->tok, 1);
	}
	return mono_ns() - t0;
}

static void let_run(int listener)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;

	memset(&req, 0, sizeof(req));
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req))
		return;
	sh->seen++;
	memset(&resp, 0, sizeof(resp));
	resp.id = req.id;
	resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
}

/* notif-oneshot's receiver (lib/seccomp/supervisor.c's ei_sup_handle). */
static int receive_oneshot(int listener)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLONESHOT };
	int ep[3];

	for (int k = 0; k < 3; k++) {
		ep[k] = epoll_create1(EPOLL_CLOEXEC);
		if (ep[k] < 0 || epoll_ctl(ep[k], EPOLL_CTL_ADD, k ? ep[k - 1] : listener, &ev))
			return -1;
		ev.events = EPOLLIN;
	}
	while (sh->seen < n) {
		bool armed = true;

		epoll_wait(ep[2], &ev, 1, -1);
		for (int round = 0; round < 64 && sh->seen < n; round++) {
			struct pollfd pf[2] = { { .fd = listener, .events = POLLIN }, { .fd = ep[0], .events = POLLIN } };
			bool lis = false;

			if (!armed)
				poll(pf, 2, 0);
			if (armed || (pf[1].revents & POLLIN)) {
				if (epoll_wait(ep[0], &ev, 1, 0) > 0) {
					armed = false;
					lis = ev.events & EPOLLIN;
					if (!lis && (ev.events & EPOLLHUP))
						return -1; /* the caller died */
				}
			}
			lis |= (pf[0].revents & POLLIN) != 0;
			if (!lis)
				break;
			let_run(listener);
		}
		ev.events = EPOLLIN | EPOLLONESHOT;
		if (epoll_ctl(ep[0], EPOLL_CTL_MOD, listener, &ev))
			return -1;
	}
	return 0;
}

/* The receiver: every call let run, until n were. levels: 0 blocks in
 * the receive; 1 waits on an epoll set holding the listener first; more
 * nests that set in levels - 1 others and, as errinj (its supervisor's
 * set in the session's, in its main loop's), before each receive asks
 * the innermost set without waiting, and waits on the outermost only if
 * that has nothing. */
static int receive(int listener, int levels)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	struct epoll_event ev;
	int ep[3];

	for (int k = 0; k < levels && k < 3; k++) {
		ev.events = EPOLLIN;
		ep[k] = epoll_create1(EPOLL_CLOEXEC);
		if (ep[k] < 0 || epoll_ctl(ep[k], EPOLL_CTL_ADD, k ? ep[k - 1] : listener, &ev))
			return -1;
	}
	if (levels == -2)
		return receive_oneshot(listener);
	while (sh->seen < n) {
		if (levels < 0) {
			struct pollfd pf = { .fd = listener, .events = POLLIN };
			if (poll(&pf, 1, 0) <= 0) {
				poll(&pf, 1, -1);
				continue;
			}
		}
		if (levels == 1 && epoll_wait(ep[0], &ev, 1, -1) < 0)
			continue;
		if (levels > 1 && epoll_wait(ep[0], &ev, 1, 0) <= 0) {
			epoll_wait(ep[levels - 1], &ev, 1, -1);
			continue;
		}
		memset(&req, 0, sizeof(req));
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req)) {
			if (errno == EINTR || errno == ENOENT)
				continue;
			return -1;
		}
		sh->seen++;
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	}
	return 0;
}

/* notif-thread's receiver. */
struct rthread {
	int listener, ep;
};

static void *receive_thread(void *arg)
{
	struct rthread *t = arg;
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	struct epoll_event ev;

	while (sh->seen < n) {
		memset(&req, 0, sizeof(req));
		if (ioctl(t->listener, SECCOMP_IOCTL_NOTIF_RECV, &req)) {
			struct pollfd pf = { .fd = t->listener, .events = POLLIN };
			/* No process holds the filter (the caller died): the
			 * receive fails at once from then on. */
			if (errno == EINTR || (errno == ENOENT && !(poll(&pf, 1, 0) > 0 && (pf.revents & POLLHUP))))
				continue;
			break;
		}
		epoll_wait(t->ep, &ev, 1, 0);
		__atomic_fetch_add(&sh->seen, 1, __ATOMIC_RELAXED);
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		ioctl(t->listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	}
	return NULL;
}

/* notif-thread: the main thread waits on the outermost of three nested
 * sets (the innermost holding the listener for its hang-up: events 0)
 * until the receiver thread is done or the listener hangs up. */
static int receive_threaded(int listener)
{
	struct epoll_event ev = { .events = 0 };
	struct rthread t = { .listener = listener };
	int ep[3];
	pthread_t th;

	for (int k = 0; k < 3; k++) {
		ep[k] = epoll_create1(EPOLL_CLOEXEC);
		if (ep[k] < 0 || epoll_ctl(ep[k], EPOLL_CTL_ADD, k ? ep[k - 1] : listener, &ev))
			return -1;
		ev.events = EPOLLIN;
	}
	t.ep = ep[0];
	if (pthread_create(&th, NULL, receive_thread, &t))
		return -1;
	while (__atomic_load_n(&sh->seen, __ATOMIC_RELAXED) < n)
		if (epoll_wait(ep[2], &ev, 1, 100) > 0 && epoll_wait(ep[0], &ev, 1, 0) > 0 && (ev.events & EPOLLHUP))
			break;
	pthread_join(th, NULL);
	return 0;
}

/* The caller (a child): a filter that traps getppid, its listener handed
 * to the parent, then the n timed calls. */
static void __attribute__((noreturn)) caller(void)
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
	long long t0;
	int fd;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    (fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog)) < 0) {
		fprintf(stderr, "pingpong: cannot trap getppid with a seccomp listener: %s\n", strerror(errno));
		_exit(1);
	}
	sh->fd = fd;
	pass(&sh->state, 1);
	wait_while(&sh->state, 1);
	t0 = mono_ns();
	for (long i = 0; i < n; i++)
		if (syscall(SYS_getppid) <= 0)
			_exit(1);
	sh->ns = mono_ns() - t0;
	_exit(0);
}

static long long notif_side(bool sync, int levels)
{
	__u64 flags = SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP;
	int pidfd, listener = -1, st = 0;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid)
		caller();
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	wait_while(&sh->state, 0);
	if (pidfd >= 0)
		listener = (int)syscall(SYS_pidfd_getfd, pidfd, sh->fd, 0);
	if (listener < 0 || (sync && ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, flags))) {
		fprintf(stderr, "pingpong: cannot take the child's listener: %s\n", strerror(errno));
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return -1;
	}
	pass(&sh->state, 2);
	if (levels == 9 ? receive_threaded(listener) : receive(listener, levels))
		kill(pid, SIGKILL);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		return -1;
	return sh->ns;
}

/* futex-proc: the peer a child process. */
static long long futex_procs(void)
{
	long long ns;
	int st = 0;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid) {
		futex_peer(NULL);
		_exit(0);
	}
	ns = futex_side();
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		return -1;
	return ns;
}

int main(int argc, char **argv)
{
	const char *mode = argc == 3 ? argv[1] : "";
	long long ns = -1;
	pthread_t th;
	char *end = NULL;

	n = argc == 3 ? strtol(argv[2], &end, 10) : 0;
	if (n <= 0 || *end) {
		fprintf(stderr, "usage: pingpong futex|futex-proc|notif|notif-sync|notif-epoll|notif-nested|notif-oneshot|notif-poll|notif-thread N (N > 0)\n");
		return 2;
	}
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		fprintf(stderr, "pingpong: mmap: %s\n", strerror(errno));
		return 1;
	}
	if (!strcmp(mode, "futex")) {
		if ((errno = pthread_create(&th, NULL, futex_peer, NULL))) {
			fprintf(stderr, "pingpong: pthread_create: %s\n", strerror(errno));
			return 1;
		}
		ns = futex_side();
		pthread_join(th, NULL);
	} else if (!strcmp(mode, "futex-proc")) {
		ns = futex_procs();
	} else if (!strcmp(mode, "notif") || !strcmp(mode, "notif-sync")) {
		ns = notif_side(strcmp(mode, "notif") != 0, 0);
	} else if (!strcmp(mode, "notif-epoll")) {
		ns = notif_side(true, 1);
	} else if (!strcmp(mode, "notif-nested")) {
		ns = notif_side(true, 3);
	} else if (!strcmp(mode, "notif-oneshot")) {
		ns = notif_side(true, -2);
	} else if (!strcmp(mode, "notif-poll")) {
		ns = notif_side(true, -1);
	} else if (!strcmp(mode, "notif-thread")) {
		ns = notif_side(true, 9);
	} else {
		fprintf(stderr, "usage: pingpong futex|futex-proc|notif|notif-sync|notif-epoll|notif-nested|notif-oneshot|notif-poll|notif-thread N (N > 0)\n");
		return 2;
	}
	if (ns < 0)
		return 1;
	printf("ns_per_round_trip=%lld rounds=%ld\n", ns / n, sh->seen);
	return sh->seen == n ? 0 : 1;
}
