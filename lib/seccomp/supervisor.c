// SPDX-License-Identifier: GPL-2.0
/*
 * The seccomp backend: errinj supervises the command through seccomp user
 * notification (SECCOMP_RET_USER_NOTIF). The command installs, just before
 * its execve, a classic BPF filter that traps the served syscalls; errinj
 * takes the filter's listener with pidfd_getfd and answers each trapped
 * call: fail it, fake its result, signal, delay, poke, or let it run.
 *
 * The decisions are the kernel side's (bpf/errinj.bpf.c: rule_step,
 * count_call, path_matches, read_path; the draw, when= and argK= are
 * lib/core/decide.h's, which both call), made from the same encoded rules, so that a rule fails the same calls
 * whichever backend serves it. Differences, all of them forced by where
 * this runs:
 *  - A descendant's place in the process tree (its lineage, for seed=) is
 *    its rank among its parent's children in the order the supervisor
 *    first sees them make a trapped call (or be the parent of one that
 *    does), not the order they were forked: the supervisor learns of a
 *    process only from its calls. Children that race to their first
 *    trapped call may swap ranks from one run to the next. A process
 *    whose parent had gone (reparented) before it was first seen gets
 *    ei_lineage_unknown(tgid), as the kernel side does for a process it enrolls late.
 *  - The path argument is read with process_vm_readv, which faults pages
 *    in: a path on a page never touched reads fine (the kernel side
 *    counts it undecided). Unreadable is an unmapped address, or a target
 *    the user may not ptrace (one that made itself undumpable).
 *  - The listener is close-on-exec: the launcher, once its filter is in
 *    place, waits on a futex in the shared memory until errinj holds the
 *    listener, and then execs. execve and execveat are trapped only when
 *    a rule serves them or a site= rule needs to know that a process's
 *    modules change (then answered "continue", uncounted, unless a rule
 *    serves them): a trapped call can fail with EINTR until errinj has
 *    received it (the kernel's wait is interruptible until then), which
 *    an execve never does natively.
 *  - The filter also traps seccomp(2), and prctl for PR_SET_SECCOMP and
 *    PR_GET_SECCOMP, answered "continue" (uncounted) unless a rule serves
 *    them: the command's own use of seccomp does not get what it would
 *    natively (a filter of its with a listener fails with EBUSY, strict
 *    mode with EINVAL, PR_GET_SECCOMP says 2, and its filters' TRACE and
 *    LOG actions lose to errinj's USER_NOTIF), which errinj says at exit.
 *  - no_new_privs is set for the command (the kernel requires it of an
 *    unprivileged filter): setuid programs do not gain privileges under
 *    this backend.
 * And one filter is this backend's alone: site=FUNCTION, decided by
 * unwinding the trapped thread's user stack before the answer
 * (lib/unwind/unwind.c). The BPF backends cannot: without frame pointers
 * (Debian builds none) only the modules' CFI finds a caller's frame,
 * which a BPF program cannot read; so a site= rule takes seccomp for its
 * syscalls (lib/engine/plan.c). A call whose stack yields no frame at all
 * (its process made itself undumpable) is undecided, as an unreadable
 * path.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
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
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "core/cbpf.h"
#include "seccomp/seccomp.h"
#include "unwind/unwind.h"

/* Newer than some headers (Debian 12's lack the last two). */
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5) /* Linux 5.19 */
#endif
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64) /* Linux 6.6 */
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif
#ifndef __X32_SYSCALL_BIT
#define __X32_SYSCALL_BIT 0x40000000
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

#define TAG_LISTENER 1 /* epoll data of the listener; 2 the timer; else a struct proc * */
#define TAG_TIMER 2
#define NO_COUNT (~0ULL) /* count_call: the rule counts, but could not */
#define CHAIN_MAX 256    /* ancestors looked up for a new process's lineage */
#define DRAIN_ROUNDS 64  /* epoll rounds per ei_sup_handle */

/* The handshake, in memory the child shares (MAP_SHARED, made before the
 * fork): the child writes, the parent reads. */
struct shared {
	int state;       /* 0: not yet; 1: listener published; -errno: the filter failed */
	int fd;          /* the listener's number in the child */
	int no_killable; /* the kernel refused SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV */
	/* For the keeper (below), written by errinj: the ids of the calls it
	 * received (the kernel numbers them in sequence per filter) and may
	 * not have answered lie in [lo, hi + 1]: hi the last id received (one
	 * more may have been received but not yet written here), lo the
	 * first received since no delayed answer was held. */
	__u64 lo, hi;
	int received;    /* lo and hi are set */
	int taken;       /* errinj holds the listener: the launcher may exec (a futex) */
};

/* The head of an entry of a table by pid (a process's or a thread's). */
struct hent {
	pid_t key;
	struct hent *next;
};

struct table {
	struct hent **b;
	size_t nb, n;
};

/* A process (thread group) seen making a trapped call, or an ancestor of
 * one. Dropped when its pidfd says it has exited, so a pid used again is
 * a new process. */
struct proc {
	struct hent h; /* key: tgid */
	pid_t tgid;
	int pidfd;        /* -1: none could be had (no exit watch) */
	bool target;
	bool root;        /* the command's own process */
	__u64 lineage;    /* its place in the process tree, for seed= */
	__u64 nchildren;  /* children ranked so far */
	__u64 *counts;    /* per counter slot (rule, syscall), targets only */
	struct ei_stack *stack; /* its modules for site=, once a rule needed them */
	pid_t *tids;      /* its threads in the thread table */
	int ntids, captids, sweep_at;
};

struct thr {
	struct hent h; /* key: tid */
	struct proc *p;
};

/* A decided call whose answer is held (delay_enter=). */
struct delayed {
	__u64 due;       /* CLOCK_MONOTONIC ns */
	__u64 id;
	__u64 received;  /* when the call was received */
	pid_t tgid, tid;
	int nr, rule;
	__u64 args[6];
	struct ei_event ev;
};

struct extra { /* the parts of a rule struct ei_rule does not hold */
	__u64 delay_ns;
	char site[EI_SITE_MAX];
	__u16 poke_len[6];
	unsigned char poke[6][EI_POKE_MAX];
};

/* ei_sup_keeper_new: a keeper forked once and handed each session's
 * listener in turn (explore's worker makes a run per session), sharing a
 * page with them all, which each session's handshake uses as its own. */
struct ei_sup_keeper {
	pid_t pid; /* 0: none running yet */
	int sock;  /* our end: 'L' with a listener, 'D' drop it; EOF: take over */
	struct shared *sh;
};

struct ei_sup {
	struct ei_rule rules[EI_MAX_RULES];
	struct extra extra[EI_MAX_RULES];
	int nrules;
	struct ei_sysset serve; /* trapped and named by a rule */
	struct ei_sysset fast;  /* named by a rule, failed by the filter itself */
	__u32 slot[EI_MAX_RULES][EI_NR_SYSCALLS]; /* 1 + counter index, 0: none */
	__u32 nslots;
	bool follow;
	bool trap_exec; /* a site= rule: execve and execveat are trapped */
	__u64 *rule_hits;
	__u64 own_hits[EI_MAX_RULES]; /* when the options give none */
	ei_event_fn fn;
	void *ctx;

	struct sock_filter *filter;
	unsigned short filter_len;
	struct shared *sh;

	struct seccomp_notif_sizes sizes;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	int listener, epfd, timerfd, pidfd; /* pidfd: the command's, until its proc owns it */
	int keeper_fd;  /* the keeper's socket: it takes over when this closes */
	pid_t child, self, keeper;
	struct ei_sup_keeper *pool; /* a keeper serving the caller's sessions in turn, or NULL */
	bool pooled;                /* the pool's keeper holds our listener */
	bool killable; /* the filter has WAIT_KILLABLE_RECV */
	bool hup;      /* no process holds the filter any more */
	bool armed;    /* the listener is armed in the epoll set (listener_arm) */
	long pagesize;
	__u64 rng;

	struct ei_stat stats[EI_NR_SYSCALLS];
	__u64 undecided;
	__u64 unwind_failed; /* calls a site= rule could not decide */
	__u64 unfollowed;    /* calls of processes that could not be followed */
	int unfollowed_errno;
	unsigned own_seccomp; /* EI_OWN_SECCOMP_*: what the command did with seccomp */
	pid_t own_seccomp_pid; /* the first process that did */

	struct table procs; /* struct proc by tgid */
	struct table thrs;  /* struct thr by tid */

	struct delayed **heap; /* min-heap by due */
	int nheap, capheap;
};

/* ---- the kernel side's decision, in user space ---- */

/* The bits of each argument the kernel uses (as the kernel side's
 * sysinfo), for ei_args_match. */
static void arg_bits(const struct ei_syscall_entry *e, __u64 *bits)
{
	for (int k = 0; k < 6; k++)
		bits[k] = e ? ei_arg_bits(e->arg_bytes[k]) : ~0ULL;
}

struct path {
	char s[EI_PATH_MAX];
	int len;        /* bytes, without the NUL; -1: unreadable or none */
	bool truncated; /* it goes on past the EI_PATH_MAX - 1 bytes read */
};

/* glob_step and path_matches of the kernel side, step for step: '*' any
 * run of bytes, '/' included; '?' one byte; a truncated path only for a
 * pattern that ends with '*'. */
static bool path_matches(const struct path *ph, const struct ei_rule *r)
{
	int p = 0, s = 0, star_p = -1, star_s = 0;

	if (ph->len < 0)
		return false;
	if (ph->truncated && !(r->filters & EI_FILTER_PATH_OPEN))
		return false;
	for (long step = 0; step < (long)EI_PATH_MAX * EI_PATTERN_MAX; step++) {
		char pc;

		if (p < 0 || p >= EI_PATTERN_MAX || s < 0 || s >= EI_PATH_MAX)
			return false;
		pc = r->pattern[p];
		if (s < ph->len) {
			if (pc == '*') {
				star_p = p++;
				star_s = s;
				continue;
			}
			if (pc && (pc == '?' || pc == ph->s[s])) {
				p++;
				s++;
				continue;
			}
			if (star_p >= 0) {
				p = star_p + 1;
				s = ++star_s;
				continue;
			}
			return false;
		}
		if (pc == '*') {
			p++;
			continue;
		}
		return pc == 0;
	}
	return false;
}

/* The path argument at addr in the target, as the kernel side's
 * read_path: its first EI_PATH_MAX - 1 bytes, truncated when it goes on.
 * process_vm_readv is documented not to split an iovec element (recent
 * kernels do), so the remote side is cut at page boundaries: a string
 * that ends just before an unmapped page reads on any kernel. */
static void read_path(struct ei_sup *s, pid_t tid, __u64 addr, struct path *ph)
{
	char buf[EI_PATH_MAX];
	struct iovec local = { buf, sizeof(buf) }, remote[EI_PATH_MAX / 512 + 2];
	unsigned long a = (unsigned long)addr;
	size_t want = sizeof(buf);
	int n = 0, i;
	ssize_t got;

	ph->len = -1;
	ph->truncated = false;
	while (want && n < (int)(sizeof(remote) / sizeof(remote[0]))) {
		size_t room = (size_t)s->pagesize - a % (size_t)s->pagesize;
		if (room > want)
			room = want;
		remote[n].iov_base = (void *)a;
		remote[n++].iov_len = room;
		a += room;
		want -= room;
	}
	got = process_vm_readv(tid, &local, 1, remote, n, 0);
	if (got <= 0)
		return;
	for (i = 0; i < got && i < EI_PATH_MAX - 1 && buf[i]; i++)
		;
	if (i < got && i < EI_PATH_MAX - 1) {
		ph->len = i;
	} else if (got >= EI_PATH_MAX - 1) {
		/* EI_PATH_MAX - 1 bytes and no NUL: whole only if the next
		 * byte is the NUL. */
		ph->len = EI_PATH_MAX - 1;
		ph->truncated = !(got >= EI_PATH_MAX && buf[EI_PATH_MAX - 1] == 0);
	} else {
		return; /* runs into memory that cannot be read */
	}
	memcpy(ph->s, buf, (size_t)ph->len);
	ph->s[ph->len] = 0;
}

/* ---- the filter ---- */

/* The command's own use of seccomp is trapped whatever the rules (and
 * answered "continue"): under this backend it does not get what it would
 * natively (its listener EBUSY, strict mode EINVAL, PR_GET_SECCOMP 2),
 * which errinj says at exit. */
static bool own_seccomp_nr(int nr)
{
	return nr == SYS_seccomp || nr == SYS_prctl;
}

/* Whether the filter alone can decide rule i: it fails every call it
 * selects by its arguments' values with an errno, and counts nothing. */
static bool rule_in_filter(const struct ei_sup *s, int i)
{
	const struct ei_rule *r = &s->rules[i];

	return r->actions == EI_ACT_ERROR && r->error > 0 && r->error <= (int)SECCOMP_RET_DATA && r->first == 1 &&
	       !r->last && r->step == 1 && r->prob >= (1ULL << 32) && !r->max && !(r->filters & ~0x3fu) &&
	       !s->extra[i].site[0];
}

/* The syscalls the filter decides (in_filter): those whose rules it can
 * all decide, but for the calls the command's child makes between the
 * filter and its execve (futex, execve, and write and exit_group when the
 * execve fails), which must run, and the command's own seccomp calls. */
static void choose_fast(struct ei_sup *s)
{
	static const int keep[] = { SYS_futex, SYS_execve, SYS_execveat, SYS_write, SYS_exit, SYS_exit_group,
				    SYS_seccomp, SYS_prctl };

	for (int nr = 0; nr < EI_NR_SYSCALLS; nr++) {
		bool ok = ei_sysset_has(&s->serve, nr);

		for (size_t k = 0; k < sizeof(keep) / sizeof(keep[0]); k++)
			ok &= nr != keep[k];
		for (int i = 0; ok && i < s->nrules; i++)
			ok = !ei_sysset_has(&s->rules[i].syscalls, nr) || rule_in_filter(s, i);
		if (ok) {
			ei_sysset_add(&s->fast, nr);
			ei_sysset_del(&s->serve, nr);
		}
	}
}

/* The filter's test for rule i on syscall nr: each filtered argument's
 * used bits, as two 32-bit words (little-endian). */
static void fast_test(const struct ei_sup *s, int i, int nr, struct ei_cbpf_errno *e)
{
	const struct ei_rule *r = &s->rules[i];
	__u64 bits[6];

	arg_bits(ei_syscall_info(nr), bits);
	*e = (struct ei_cbpf_errno){ .nr = (__u32)nr, .error = (__u32)r->error };
	for (int k = 0; k < 6; k++) {
		__u64 m = r->arg_mask[k] & bits[k], v = r->arg_value[k] & bits[k];

		if (!(r->filters & EI_FILTER_ARG(k)))
			continue;
		for (int h = 0; h < 2; h++) {
			__u32 mw = (__u32)(m >> (32 * h)), vw = (__u32)(v >> (32 * h));

			/* A value bit outside the mask never matches, as in
			 * ei_args_match. */
			if (mw || vw)
				e->w[e->nwords++] = (typeof(e->w[0])){
					(__u32)(offsetof(struct seccomp_data, args[k]) + 4 * h), mw, vw
				};
		}
	}
}

/* prctl, when no rule names it, is trapped only for PR_SET_SECCOMP and
 * PR_GET_SECCOMP (an argument test in the filter), so that the command's
 * other prctl calls pay no round trip (seccomp_seen). */
static int build_filter(struct ei_sup *s, char *err, size_t len)
{
	struct ei_cbpf o = { .action = SECCOMP_RET_USER_NOTIF,
			     .cond_nr = ei_sysset_has(&s->serve, SYS_prctl) ? -1 : SYS_prctl,
			     .cond_arg = { PR_SET_SECCOMP, PR_GET_SECCOMP } };
	__u32 a[EI_NR_SYSCALLS];
	static struct ei_cbpf_errno fast[EI_NR_SYSCALLS];
	int n = 0, size;

	/* In rule order, as serve_target decides; a rule with no argument
	 * test ends its syscall's list. */
	o.errnos = fast;
	for (int nr = 0; nr < EI_NR_SYSCALLS; nr++)
		for (int i = 0; ei_sysset_has(&s->fast, nr) && i < s->nrules; i++) {
			if (!ei_sysset_has(&s->rules[i].syscalls, nr) || o.nerrnos == EI_NR_SYSCALLS)
				continue;
			fast_test(s, i, nr, &fast[o.nerrnos]);
			if (!fast[o.nerrnos++].nwords)
				break;
		}

	for (int nr = 0; nr < EI_NR_SYSCALLS; nr++)
		if (ei_sysset_has(&s->serve, nr) || ((nr == SYS_execve || nr == SYS_execveat) && s->trap_exec) ||
		    own_seccomp_nr(nr))
			a[n++] = (__u32)nr;
	size = ei_cbpf_size(a, n, &o);
	if (size > BPF_MAXINSNS)
		return ei_fail(err, len, "the seccomp filter would take %d instructions (at most %d)", size, BPF_MAXINSNS);
	s->filter = calloc((size_t)size, sizeof(*s->filter));
	if (!s->filter)
		return ei_fail(err, len, "out of memory");
	s->filter_len = (unsigned short)ei_cbpf_build(a, n, &o, s->filter);
	return 0;
}

/* ---- small helpers ---- */

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
}

static int pidfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* A descriptor held in reserve: out of descriptors (the command's many
 * processes each take a pidfd), it is given up for the moment a /proc
 * file is read, so that a process is still followed (unwatched: its pid
 * is not known to be gone) rather than let run untouched. */
static int spare_fd = -1;

static ssize_t read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), e;
	bool spent = false;
	ssize_t n = -1;

	if (fd < 0 && (errno == EMFILE || errno == ENFILE) && spare_fd >= 0) {
		close(spare_fd);
		spare_fd = -1;
		spent = true;
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (fd >= 0) {
		do
			n = read(fd, buf, len);
		while (n < 0 && errno == EINTR);
		e = errno;
		close(fd);
		errno = e;
	}
	if (spent) {
		e = errno;
		spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		errno = e;
	}
	return n;
}

/* Tgid and PPid of a thread, from /proc/<tid>/status (read_file: even
 * out of descriptors). */
static int read_status(pid_t tid, pid_t *tgid, pid_t *ppid)
{
	char path[40], buf[4096];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	n = read_file(path, buf, sizeof(buf) - 1);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return ei_proc_status_parse(buf, tgid, ppid);
}

static void read_comm(pid_t tid, char *comm)
{
	char path[40], buf[EI_COMM_LEN + 1];
	ssize_t n;

	memset(comm, 0, EI_COMM_LEN);
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)tid);
	n = read_file(path, buf, EI_COMM_LEN);
	if (n <= 0)
		return;
	if (buf[n - 1] == '\n')
		n--;
	if (n > EI_COMM_LEN - 1)
		n = EI_COMM_LEN - 1;
	memcpy(comm, buf, (size_t)n);
}

static int epoll_add(struct ei_sup *s, int fd, __u64 tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = tag };

	return epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev);
}

/* The listener is in the epoll set one-shot: a notification wakes the
 * set (and those it is nested in: the session's, the main loop's) only
 * while errinj waits for one. Once reported, ei_sup_handle receives the
 * calls that follow after asking the listener and the set in one poll(2)
 * (each notification's wake-up no longer carried through the nested
 * sets), and arms it again before it returns (a call pending then makes the set
 * ready at once). */
static int listener_arm(struct ei_sup *s, int op)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLONESHOT, .data.u64 = TAG_LISTENER };

	s->armed = !epoll_ctl(s->epfd, op, s->listener, &ev);
	return s->armed ? 0 : -1;
}

static size_t hash_pid(pid_t pid, size_t nb)
{
	return ((__u32)pid * 2654435761u) & (nb - 1);
}

/* ---- tables by pid ---- */

static struct hent **tab_slot(struct table *t, pid_t key)
{
	struct hent **e = &t->b[hash_pid(key, t->nb)];

	while (*e && (*e)->key != key)
		e = &(*e)->next;
	return e;
}

static struct hent *tab_find(struct table *t, pid_t key)
{
	return t->nb ? *tab_slot(t, key) : NULL;
}

static int tab_add(struct table *t, struct hent *e)
{
	if (t->n >= t->nb) {
		size_t nn = t->nb ? 2 * t->nb : 64;
		struct hent **nb = calloc(nn, sizeof(*nb));
		if (!nb)
			return -1;
		for (size_t i = 0; i < t->nb; i++)
			for (struct hent *x = t->b[i], *next; x; x = next) {
				next = x->next;
				x->next = nb[hash_pid(x->key, nn)];
				nb[hash_pid(x->key, nn)] = x;
			}
		free(t->b);
		t->b = nb;
		t->nb = nn;
	}
	struct hent **slot = &t->b[hash_pid(e->key, t->nb)];
	e->next = *slot;
	*slot = e;
	t->n++;
	return 0;
}

static void tab_del(struct table *t, struct hent *e)
{
	struct hent **x;

	if (!t->nb)
		return;
	for (x = &t->b[hash_pid(e->key, t->nb)]; *x && *x != e; x = &(*x)->next)
		;
	if (*x) {
		*x = e->next;
		t->n--;
	}
}

/* ---- processes and threads ---- */

static struct proc *proc_find(struct ei_sup *s, pid_t tgid)
{
	return (struct proc *)tab_find(&s->procs, tgid);
}

/* Forgets p's j-th thread. */
static void thr_forget(struct ei_sup *s, struct proc *p, int j)
{
	struct hent *t = tab_find(&s->thrs, p->tids[j]);

	if (t && ((struct thr *)t)->p == p) {
		tab_del(&s->thrs, t);
		free(t);
	}
	p->tids[j] = p->tids[--p->ntids];
}

/* Threads that have exited leave no pidfd event (only processes do):
 * every so often, those of p that are gone are forgotten. */
static void thr_sweep(struct ei_sup *s, struct proc *p)
{
	for (int j = 0; j < p->ntids;) {
		pid_t tid = p->tids[j];
		if (tid != p->tgid && syscall(SYS_tgkill, p->tgid, tid, 0) && errno == ESRCH)
			thr_forget(s, p, j);
		else
			j++;
	}
	p->sweep_at = 2 * p->ntids + 64;
}

static int thr_add(struct ei_sup *s, pid_t tid, struct proc *p)
{
	struct thr *t;

	if (p->ntids >= p->sweep_at)
		thr_sweep(s, p);
	if (p->ntids == p->captids) {
		int cap = p->captids ? 2 * p->captids : 4;
		pid_t *n = realloc(p->tids, (size_t)cap * sizeof(*n));
		if (!n)
			return -1;
		p->tids = n;
		p->captids = cap;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return -1;
	t->h.key = tid;
	t->p = p;
	if (tab_add(&s->thrs, &t->h)) {
		free(t);
		return -1;
	}
	p->tids[p->ntids++] = tid;
	return 0;
}

static void proc_free(struct ei_sup *s, struct proc *p)
{
	tab_del(&s->procs, &p->h);
	while (p->ntids)
		thr_forget(s, p, p->ntids - 1);
	if (p->pidfd >= 0) {
		epoll_ctl(s->epfd, EPOLL_CTL_DEL, p->pidfd, NULL);
		close(p->pidfd);
	}
	free(p->tids);
	free(p->counts);
	ei_stack_free(p->stack);
	free(p);
}

/* A new process: watched by a pidfd in our epoll set, so that its state
 * goes when it exits. pidfd may be given (the command's). */
static struct proc *proc_add(struct ei_sup *s, pid_t tgid, bool target, __u64 lineage, int pidfd)
{
	struct proc *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->h.key = p->tgid = tgid;
	p->target = target;
	p->lineage = lineage;
	p->sweep_at = 64;
	p->pidfd = pidfd >= 0 ? pidfd : pidfd_open(tgid);
	if (p->pidfd < 0 && errno == ESRCH) {
		free(p); /* gone already */
		return NULL;
	}
	if (tab_add(&s->procs, &p->h)) {
		if (pidfd < 0 && p->pidfd >= 0)
			close(p->pidfd);
		free(p);
		return NULL;
	}
	/* Out of descriptors: kept unwatched (never dropped; a pid used
	 * again would be taken for it). */
	if (p->pidfd >= 0 && epoll_add(s, p->pidfd, (__u64)(uintptr_t)p)) {
		close(p->pidfd);
		p->pidfd = -1;
	}
	return p;
}

/* A process seen for the first time, ppid its parent. With follow, every
 * process that holds the filter is a target (the filter is inherited
 * only by the command's descendants); its lineage comes from its parent,
 * which is looked up (and, if not yet known, made known) up to a known
 * process. */
static struct proc *proc_new(struct ei_sup *s, pid_t tgid, pid_t ppid)
{
	pid_t chain[CHAIN_MAX], cur = ppid, t, pp;
	struct proc *anc = NULL;
	int n = 0;

	if (!s->follow)
		return proc_add(s, tgid, false, 0, -1);
	while (n < CHAIN_MAX && !(anc = proc_find(s, cur))) {
		if (cur <= 1 || cur == s->self || read_status(cur, &t, &pp))
			break;
		chain[n++] = cur;
		cur = pp;
	}
	if (anc && anc->target) {
		while (anc && n > 0) {
			anc->nchildren++;
			anc = proc_add(s, chain[--n], true, ei_lineage_child(anc->lineage, anc->nchildren), -1);
		}
		if (anc) {
			anc->nchildren++;
			return proc_add(s, tgid, true, ei_lineage_child(anc->lineage, anc->nchildren), -1);
		}
	}
	/* Its parent had gone before we saw it: its place is unknown. */
	return proc_add(s, tgid, true, ei_lineage_unknown((__u32)tgid), -1);
}

/* The process of thread tid (notif.pid), made known at first sight. NULL
 * if it cannot be told (it has gone). */
static struct proc *proc_of(struct ei_sup *s, pid_t tid)
{
	struct thr *t = (struct thr *)tab_find(&s->thrs, tid);
	struct proc *p;
	pid_t tgid, ppid;

	if (t) {
		p = t->p;
		/* A leader lives as long as its process (the pidfd tells);
		 * another thread may have gone and its tid be another's. */
		if (tid == p->tgid || !syscall(SYS_tgkill, p->tgid, tid, 0) || errno != ESRCH)
			return p;
		for (int j = 0; j < p->ntids; j++)
			if (p->tids[j] == tid) {
				thr_forget(s, p, j);
				break;
			}
	}
	if (read_status(tid, &tgid, &ppid))
		goto lost;
	p = proc_find(s, tgid);
	if (!p)
		p = proc_new(s, tgid, ppid);
	if (!p || thr_add(s, tid, p))
		goto lost;
	return p;
lost:
	/* Gone (its call with it), or not followed: counted, and said. */
	if (errno != ESRCH && errno != ENOENT) {
		s->unfollowed++;
		s->unfollowed_errno = errno;
	}
	return NULL;
}

static __u64 count_call(struct ei_sup *s, struct proc *p, int i, int nr, __u64 *lineage)
{
	__u32 sl = s->slot[i][nr];

	if (!sl)
		return 0;
	if (!p->counts && !(p->counts = calloc(s->nslots, sizeof(*p->counts))))
		return NO_COUNT;
	*lineage = p->lineage;
	return ++p->counts[sl - 1];
}

/* ---- answers ---- */

static bool id_valid(struct ei_sup *s, __u64 id)
{
	return ioctl(s->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

static void send_resp(struct ei_sup *s, __u64 id, __s64 val, int error, __u32 flags)
{
	memset(s->resp, 0, s->sizes.seccomp_notif_resp);
	s->resp->id = id;
	s->resp->val = val;
	s->resp->error = error;
	s->resp->flags = flags;
	/* ENOENT: the caller is gone (killed, or its call interrupted). */
	while (ioctl(s->listener, SECCOMP_IOCTL_NOTIF_SEND, s->resp) && errno == EINTR)
		;
}

static void send_continue(struct ei_sup *s, __u64 id)
{
	send_resp(s, id, 0, 0, SECCOMP_USER_NOTIF_FLAG_CONTINUE);
}

/* poke_enter=: each argument's bytes where it points. As strace: with
 * process_vm_writev, and where that cannot (a read-only private page,
 * such as a string literal's) through /proc/TID/mem, which writes it as
 * ptrace does (a private copy of the page). An argument the syscall does
 * not take is not poked: a class, a regular expression or all may bring
 * such syscalls in (strace says "has only N arguments"). Whether every
 * poke was written. */
static bool poke(pid_t tid, int nr, const struct extra *x, const __u64 *args)
{
	const struct ei_syscall_entry *e = ei_syscall_info(nr);
	bool all = true;
	int mem = -1;

	for (int k = 0; k < 6; k++) {
		size_t n = x->poke_len[k];
		if (!n)
			continue;
		if (e && e->nargs >= 0 && k >= e->nargs) {
			all = false;
			continue;
		}
		struct iovec l = { (void *)x->poke[k], n };
		struct iovec rm = { (void *)(uintptr_t)args[k], n };
		if (process_vm_writev(tid, &l, 1, &rm, 1, 0) == (ssize_t)n)
			continue;
		if (mem < 0) {
			char path[32];
			snprintf(path, sizeof(path), "/proc/%d/mem", (int)tid);
			mem = open(path, O_RDWR | O_CLOEXEC);
		}
		if (mem < 0 || args[k] > (__u64)INT64_MAX || pwrite(mem, x->poke[k], n, (off_t)args[k]) != (ssize_t)n)
			all = false;
	}
	if (mem >= 0)
		close(mem);
	return all;
}

/* Carries out what rule i decided for the call: poke, signal, answer,
 * event. */
static void answer(struct ei_sup *s, __u64 id, pid_t tgid, pid_t tid, int nr, int i, const __u64 *args,
		   __u64 received, struct ei_event *ev)
{
	const struct ei_rule *r = &s->rules[i];
	const struct extra *x = &s->extra[i];
	bool live = true;

	if (r->actions & (EI_ACT_POKE | EI_ACT_SIGNAL))
		live = id_valid(s, id); /* else tid may be another's now */
	/* A poke not made is said in the event, not claimed. */
	if ((r->actions & EI_ACT_POKE) && (!live || !poke(tid, nr, x, args)) && ev)
		ev->actions |= EI_ACT_POKE_FAILED;
	/* Pending when the call returns, as bpf_send_signal_thread's: sent
	 * while the caller waits, which (WAIT_KILLABLE_RECV) a signal that
	 * does not kill cannot interrupt. Without it, the signal would
	 * restart the call: sent after the answer. */
	if ((r->actions & EI_ACT_SIGNAL) && live && s->killable)
		syscall(SYS_tgkill, tgid, tid, (int)r->signal);
	if (r->actions & EI_ACT_ERROR)
		send_resp(s, id, 0, -r->error, 0);
	else if (r->actions & EI_ACT_RETVAL)
		send_resp(s, id, r->retval, 0, 0);
	else
		send_continue(s, id);
	if ((r->actions & EI_ACT_SIGNAL) && live && !s->killable)
		syscall(SYS_tgkill, tgid, tid, (int)r->signal);
	if (ev) {
		if (r->actions & EI_ACT_DELAY)
			ev->delay_ns = now_ns() - received;
		s->fn(ev, s->ctx);
	}
}

/* ---- delayed answers: a min-heap by due time, a timerfd for the first ---- */

static void arm_timer(struct ei_sup *s)
{
	struct itimerspec its = { 0 };

	if (s->nheap) {
		__u64 due = s->heap[0]->due ? s->heap[0]->due : 1;
		its.it_value.tv_sec = (time_t)(due / 1000000000ULL);
		its.it_value.tv_nsec = (long)(due % 1000000000ULL);
	}
	timerfd_settime(s->timerfd, TFD_TIMER_ABSTIME, &its, NULL);
}

static int heap_push(struct ei_sup *s, struct delayed *d)
{
	int i;

	if (s->nheap == s->capheap) {
		int cap = s->capheap ? 2 * s->capheap : 16;
		struct delayed **h = realloc(s->heap, (size_t)cap * sizeof(*h));
		if (!h)
			return -1;
		s->heap = h;
		s->capheap = cap;
	}
	for (i = s->nheap++; i > 0 && s->heap[(i - 1) / 2]->due > d->due; i = (i - 1) / 2)
		s->heap[i] = s->heap[(i - 1) / 2];
	s->heap[i] = d;
	return 0;
}

static struct delayed *heap_pop(struct ei_sup *s)
{
	struct delayed *top = s->heap[0], *last = s->heap[--s->nheap];
	int i = 0;

	for (;;) {
		int c = 2 * i + 1;
		if (c >= s->nheap)
			break;
		if (c + 1 < s->nheap && s->heap[c + 1]->due < s->heap[c]->due)
			c++;
		if (s->heap[c]->due >= last->due)
			break;
		s->heap[i] = s->heap[c];
		i = c;
	}
	if (s->nheap)
		s->heap[i] = last;
	return top;
}

/* Answers the delayed calls that are due (all of them if all). */
static void fire_due(struct ei_sup *s, bool all)
{
	__u64 now;
	bool popped = false;

	if (!s->nheap)
		return; /* the common case: no clock read */
	now = now_ns();
	while (s->nheap && (all || s->heap[0]->due <= now)) {
		struct delayed *d = heap_pop(s);
		answer(s, d->id, d->tgid, d->tid, d->nr, d->rule, d->args, d->received, s->fn ? &d->ev : NULL);
		free(d);
		popped = true;
	}
	if (popped)
		arm_timer(s);
}

/* ---- serving a trapped call ---- */

/* What the rules of a call look at: its path (ph->len -1 if none or
 * unreadable) and its caller's stack (*nframes, 0 if none). Read before
 * anything is counted, and false if the call went meanwhile (its pid
 * may then be another's). */
static bool read_inputs(struct ei_sup *s, struct proc *p, const struct seccomp_notif *n, bool want_path,
			bool want_site, struct path *ph, int *nframes)
{
	const struct ei_syscall_entry *e = ei_syscall_info(n->data.nr);
	const __u64 *args = (const __u64 *)n->data.args;

	if (want_path && e && e->path_arg >= 0 && e->path_arg < 6)
		read_path(s, (pid_t)n->pid, args[e->path_arg], ph);
	if (want_site) {
		/* Only the processes a site= rule looks at pay for it; their
		 * modules are read once (lib/unwind/unwind.c). */
		if (!p->stack)
			p->stack = ei_stack_new(p->tgid);
		if (p->stack)
			*nframes = ei_stack_unwind(p->stack, (pid_t)n->pid, n->data.nr);
	}
	return !(want_path || want_site) || id_valid(s, n->id);
}

/* The injection event of rule fired's answer to call n, as the kernel
 * side's emit(); the path read now if no rule has read it. */
static void fill_event(struct ei_sup *s, struct proc *p, const struct seccomp_notif *n, int fired, bool have_path,
		       struct path *ph, __u64 received, struct ei_event *ev)
{
	const struct ei_rule *r = &s->rules[fired];
	int nr = n->data.nr;
	const struct ei_syscall_entry *e = ei_syscall_info(nr);
	const __u64 *args = (const __u64 *)n->data.args;

	memset(ev, 0, sizeof(*ev));
	ev->ts_ns = received;
	ev->pid = (__u32)p->tgid;
	ev->tid = n->pid;
	ev->nr = (__u32)nr;
	ev->rule = (__u32)fired;
	ev->actions = r->actions;
	ev->signal = r->signal;
	ev->result = r->actions & EI_ACT_ERROR ? -(__s64)r->error : r->retval;
	memcpy(ev->args, args, sizeof(ev->args));
	if (!have_path && e && e->path_arg >= 0 && e->path_arg < 6)
		read_path(s, (pid_t)n->pid, args[e->path_arg], ph);
	ev->path_len = ph->len;
	ev->path_truncated = ph->truncated;
	if (ph->len >= 0)
		memcpy(ev->path, ph->s, (size_t)ph->len + 1);
	ev->backend = EI_BACKEND_SECCOMP;
	read_comm((pid_t)n->pid, ev->comm);
}

/* Rule fired fails call n: answered now, or kept until its delay_enter=
 * is due. */
static void inject(struct ei_sup *s, struct proc *p, const struct seccomp_notif *n, int fired, bool have_path,
		   struct path *ph, __u64 received)
{
	const struct ei_rule *r = &s->rules[fired];
	const __u64 *args = (const __u64 *)n->data.args;
	int nr = n->data.nr;
	struct delayed *d = NULL, local;
	struct ei_event *ev = NULL;

	/* Out of memory, the delay is not kept. */
	if ((r->actions & EI_ACT_DELAY) && s->extra[fired].delay_ns)
		d = calloc(1, sizeof(*d));
	if (!d)
		d = &local;
	if (s->fn) {
		ev = &d->ev;
		fill_event(s, p, n, fired, have_path, ph, received, ev);
	}
	if (d != &local) {
		d->due = received + s->extra[fired].delay_ns;
		d->id = n->id;
		d->received = received;
		d->tgid = p->tgid;
		d->tid = (pid_t)n->pid;
		d->nr = nr;
		d->rule = fired;
		memcpy(d->args, args, sizeof(d->args));
		if (heap_push(s, d)) {
			free(d);
			answer(s, n->id, p->tgid, (pid_t)n->pid, nr, fired, args, received, ev);
			return;
		}
		if (s->heap[0] == d)
			arm_timer(s);
		return;
	}
	answer(s, n->id, p->tgid, (pid_t)n->pid, nr, fired, args, received, ev);
}

/* A target's call: the rules in order, as rule_step. */
static void serve_target(struct ei_sup *s, struct proc *p, const struct seccomp_notif *n, __u64 received)
{
	int nr = n->data.nr, fired = -1;
	const struct ei_syscall_entry *e = ei_syscall_info(nr);
	const __u64 *args = (const __u64 *)n->data.args;
	__u64 bits[6];
	struct path ph = { .len = -1 };
	bool want_path = false, want_site = false;
	int nframes = 0;

	arg_bits(e, bits);
	/* The path and the stack first, if a rule may look at them: the
	 * call must still be there once they are read (else its pid may be
	 * another's), and nothing may be counted for a call that goes. */
	for (int i = 0; i < s->nrules; i++) {
		if (!ei_sysset_has(&s->rules[i].syscalls, nr) || !ei_args_match(&s->rules[i], args, bits))
			continue;
		want_path |= (s->rules[i].filters & EI_FILTER_PATH) != 0;
		want_site |= s->extra[i].site[0] != 0;
	}
	if (!read_inputs(s, p, n, want_path, want_site, &ph, &nframes))
		return;
	s->stats[nr].seen++;
	for (int i = 0; i < s->nrules; i++) {
		const struct ei_rule *r = &s->rules[i];
		__u64 cnt, lineage = 0;

		if (!ei_sysset_has(&r->syscalls, nr) || !ei_args_match(r, args, bits))
			continue;
		if (r->filters & EI_FILTER_PATH) {
			if (ph.len < 0) {
				/* Not decidable: neither failed nor counted. */
				s->undecided++;
				continue;
			}
			if (!path_matches(&ph, r))
				continue;
		}
		if (s->extra[i].site[0]) {
			if (!nframes) {
				/* No stack at all: undecided, as an unreadable path. */
				s->unwind_failed++;
				continue;
			}
			if (!ei_stack_has(p->stack, s->extra[i].site))
				continue;
		}
		/* Every rule counts every call it selects, fired or not. */
		cnt = count_call(s, p, i, nr, &lineage);
		if (cnt == NO_COUNT || fired >= 0 || (cnt && !ei_when_matches(r->first, r->last, r->step, cnt)))
			continue;
		if (r->prob < (1ULL << 32)) {
			__u64 x = r->has_seed ? ei_draw(r->seed, (__u32)i, (__u32)nr, cnt, lineage) : ei_mix64(s->rng++);
			if (!ei_prob_fires(x, r->prob))
				continue;
		}
		__u64 *hits = &s->rule_hits[i];
		if (r->max && __atomic_fetch_add(hits, 1, __ATOMIC_RELAXED) >= r->max)
			continue;
		if (!r->max)
			__atomic_fetch_add(hits, 1, __ATOMIC_RELAXED);
		fired = i;
	}
	if (fired < 0) {
		send_continue(s, n->id);
		return;
	}
	s->stats[nr].injected++;
	inject(s, p, n, fired, want_path, &ph, received);
}

/* A seccomp(2) or prctl call of the command's (own_seccomp_nr): what it
 * asks, for the report at exit; it is then answered as any call. */
static void seccomp_seen(struct ei_sup *s, const struct seccomp_notif *n)
{
	__u64 a0 = n->data.args[0], a1 = n->data.args[1];
	unsigned what = 0;
	pid_t tgid, ppid;

	if (n->data.nr == SYS_prctl) { /* option an int, the mode an unsigned long */
		if ((int)a0 == PR_GET_SECCOMP)
			what = EI_OWN_SECCOMP_GET;
		else if ((int)a0 == PR_SET_SECCOMP && a1 == SECCOMP_MODE_STRICT)
			what = EI_OWN_SECCOMP_STRICT;
		else if ((int)a0 == PR_SET_SECCOMP && a1 == SECCOMP_MODE_FILTER)
			what = EI_OWN_SECCOMP_FILTER;
	} else if ((unsigned)a0 == SECCOMP_SET_MODE_STRICT) {
		what = EI_OWN_SECCOMP_STRICT;
	} else if ((unsigned)a0 == SECCOMP_SET_MODE_FILTER) {
		what = (unsigned)a1 & SECCOMP_FILTER_FLAG_NEW_LISTENER ? EI_OWN_SECCOMP_LISTENER : EI_OWN_SECCOMP_FILTER;
	} /* else a question (GET_ACTION_AVAIL, GET_NOTIF_SIZES): answered as natively */
	if (!what)
		return;
	if (!s->own_seccomp)
		s->own_seccomp_pid = read_status((pid_t)n->pid, &tgid, &ppid) ? (pid_t)n->pid : tgid;
	s->own_seccomp |= what;
}

/* A received notification (s->req), from a process past the command's
 * execve. */
static void serve(struct ei_sup *s)
{
	const struct seccomp_notif *n = s->req;
	__u64 received = now_ns();
	int nr = n->data.nr;
	struct proc *p;

	if (n->data.arch == AUDIT_ARCH_X86_64 && (nr == SYS_execve || nr == SYS_execveat)) {
		/* The modules site= knows of the caller's process are about
		 * to be another program's. */
		struct thr *t = (struct thr *)tab_find(&s->thrs, (pid_t)n->pid);
		struct proc *ex = t ? t->p : NULL;
		pid_t tgid, ppid;
		/* A thread not seen before: its process may be known. */
		if (!ex && !read_status((pid_t)n->pid, &tgid, &ppid))
			ex = proc_find(s, tgid);
		if (ex && ex->stack) {
			ei_stack_free(ex->stack);
			ex->stack = NULL;
		}
	}
	if (n->data.arch == AUDIT_ARCH_X86_64 && own_seccomp_nr(nr))
		seccomp_seen(s, n);
	if (n->data.arch != AUDIT_ARCH_X86_64 || !ei_sysset_has(&s->serve, nr)) {
		send_continue(s, n->id); /* execve, execveat, seccomp, prctl: see the top */
		return;
	}
	p = proc_of(s, (pid_t)n->pid);
	if (!p || !p->target) {
		send_continue(s, n->id);
		return;
	}
	serve_target(s, p, n, received);
}

/* Receives one notification into s->req: 0, or -1 if there was none
 * after all (the caller died meanwhile: ENOENT). */
static int recv_notif(struct ei_sup *s)
{
	int r;

	memset(s->req, 0, s->sizes.seccomp_notif);
	do
		r = ioctl(s->listener, SECCOMP_IOCTL_NOTIF_RECV, s->req);
	while (r && errno == EINTR);
	if (r)
		return -1;
	/* For the keeper, before the call is served. */
	if (!s->nheap || !s->sh->received)
		__atomic_store_n(&s->sh->lo, s->req->id, __ATOMIC_RELAXED);
	__atomic_store_n(&s->sh->hi, s->req->id, __ATOMIC_RELAXED);
	__atomic_store_n(&s->sh->received, 1, __ATOMIC_RELEASE);
	return 0;
}

/* The listener hung up: no process holds the filter. Calls still held
 * belonged to processes now gone: their events are still told. */
static void on_hup(struct ei_sup *s)
{
	if (s->hup)
		return;
	s->hup = true;
	epoll_ctl(s->epfd, EPOLL_CTL_DEL, s->listener, NULL);
	fire_due(s, true);
	/* Every process we know held the filter: all gone. */
	for (size_t b = 0; b < s->procs.nb; b++)
		while (s->procs.b[b])
			proc_free(s, (struct proc *)s->procs.b[b]);
}

/* ---- the API ---- */

int ei_sup_check(char *err, size_t len)
{
	__u32 action = SECCOMP_RET_USER_NOTIF;
	struct seccomp_notif_sizes sz;
	struct utsname u;
	int fd, major = 0, minor = 0;

	if (syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) ||
	    syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz)) {
		/* A sandbox around errinj may forbid seccomp(2) itself. */
		if (errno == EPERM || errno == EACCES)
			return ei_fail(err, len, "seccomp(2) is not allowed here (%s): a sandbox forbids it",
				       strerror(errno));
		return ei_fail(err, len, "this kernel lacks seccomp user notification (CONFIG_SECCOMP_FILTER, Linux 5.0+)");
	}
	fd = pidfd_open(getpid());
	if (fd < 0 && errno == ENOSYS)
		return ei_fail(err, len, "this kernel lacks pidfd_open and pidfd_getfd (Linux 5.6+), which the "
					 "seccomp backend needs to take its listener");
	if (fd < 0)
		return ei_fail(err, len, "pidfd_open: %s", strerror(errno));
	if (syscall(SYS_pidfd_getfd, fd, -1, 0) < 0 && errno == ENOSYS) {
		close(fd);
		return ei_fail(err, len, "this kernel lacks pidfd_getfd (Linux 5.6+), which the seccomp backend "
					 "needs to take its listener");
	}
	close(fd);
	/* The listener hangs up when the last process holding the filter is
	 * gone since 5.8: before, nothing would say when to stop. */
	if (!uname(&u) && sscanf(u.release, "%d.%d", &major, &minor) == 2 && (major < 5 || (major == 5 && minor < 8)))
		return ei_fail(err, len,
			       "this kernel (%s) does not tell a seccomp supervisor when its processes are gone "
			       "(Linux 5.8+)",
			       u.release);
	return 0;
}

struct ei_sup *ei_sup_new(const struct ei_sup_options *o, char *err, size_t len)
{
	struct ei_sup *s;

	if (!o || !o->rules || o->nrules < 1 || o->nrules > EI_MAX_RULES || !o->trap) {
		ei_fail(err, len, "between 1 and %d inject rules are allowed", EI_MAX_RULES);
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		ei_fail(err, len, "out of memory");
		return NULL;
	}
	s->listener = s->epfd = s->timerfd = s->pidfd = s->keeper_fd = -1;
	s->nrules = o->nrules;
	s->follow = o->follow;
	s->fn = o->fn;
	s->ctx = o->ctx;
	s->rule_hits = o->rule_hits ? o->rule_hits : s->own_hits;
	s->self = getpid();
	s->pagesize = sysconf(_SC_PAGESIZE);
	if (s->pagesize <= 0)
		s->pagesize = 4096;
	memcpy(s->rules, o->rules, (size_t)o->nrules * sizeof(*o->rules));
	for (int i = 0; i < o->nrules; i++) {
		const struct ei_rule *r = &s->rules[i];
		if (o->specs) {
			s->extra[i].delay_ns = o->specs[i].delay_ns;
			memcpy(s->extra[i].poke_len, o->specs[i].poke_len, sizeof(s->extra[i].poke_len));
			memcpy(s->extra[i].poke, o->specs[i].poke, sizeof(s->extra[i].poke));
			memcpy(s->extra[i].site, o->specs[i].site, sizeof(s->extra[i].site));
			s->trap_exec |= s->extra[i].site[0] != 0;
		}
		struct ei_sysset served = r->syscalls;

		ei_sysset_and(&served, o->trap);
		ei_sysset_or(&s->serve, &served);
	}
	if (o->in_filter && o->follow && !o->fn)
		choose_fast(s);
	/* Counters, as the kernel side's, for the served syscalls. */
	s->nslots = ei_assign_slots(s->rules, o->nrules, &s->serve, s->slot);
	if (build_filter(s, err, len))
		goto fail;
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &s->sizes)) {
		ei_fail(err, len, "this kernel lacks seccomp user notification (CONFIG_SECCOMP_FILTER, Linux 5.0+)");
		goto fail;
	}
	if (s->sizes.seccomp_notif < sizeof(*s->req))
		s->sizes.seccomp_notif = sizeof(*s->req);
	if (s->sizes.seccomp_notif_resp < sizeof(*s->resp))
		s->sizes.seccomp_notif_resp = sizeof(*s->resp);
	s->req = calloc(1, s->sizes.seccomp_notif);
	s->resp = calloc(1, s->sizes.seccomp_notif_resp);
	if (!s->req || !s->resp) {
		ei_fail(err, len, "out of memory");
		goto fail;
	}
	s->pool = o->keeper;
	if (s->pool)
		memset(s->sh = s->pool->sh, 0, sizeof(*s->sh));
	else
		s->sh = mmap(NULL, sizeof(*s->sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s->sh == MAP_FAILED) {
		s->sh = NULL;
		ei_fail(err, len, "cannot map memory shared with the command: %s", strerror(errno));
		goto fail;
	}
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	s->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (s->epfd < 0 || s->timerfd < 0 || epoll_add(s, s->timerfd, TAG_TIMER)) {
		ei_fail(err, len, "cannot set up the seccomp supervisor: %s", strerror(errno));
		goto fail;
	}
	if (spare_fd < 0)
		spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (getrandom(&s->rng, sizeof(s->rng), GRND_NONBLOCK) != sizeof(s->rng))
		s->rng = now_ns() ^ ((__u64)s->self << 32);
	return s;
fail:
	ei_sup_free(s);
	return NULL;
}

int ei_sup_child(struct ei_sup *s)
{
	struct sock_fprog prog = { .len = s->filter_len, .filter = s->filter };
	long fd;
	int e;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		goto fail;
	fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
		     SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, &prog);
	if (fd < 0 && errno == EINVAL) {
		/* Before Linux 5.19. */
		s->sh->no_killable = 1;
		fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	}
	if (fd < 0)
		goto fail;
	/* From here on, only futexes and the execve: all may be trapped,
	 * and the futex's wait ends once the parent holds the listener. */
	s->sh->fd = (int)fd;
	__atomic_store_n(&s->sh->state, 1, __ATOMIC_RELEASE);
	syscall(SYS_futex, &s->sh->state, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
	while (!__atomic_load_n(&s->sh->taken, __ATOMIC_ACQUIRE))
		syscall(SYS_futex, &s->sh->taken, FUTEX_WAIT, 0, NULL, NULL, 0);
	return 0;
fail:
	e = errno;
	__atomic_store_n(&s->sh->state, -e, __ATOMIC_RELEASE);
	syscall(SYS_futex, &s->sh->state, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
	return -e;
}

static bool readable(int fd)
{
	struct pollfd pf = { .fd = fd, .events = POLLIN };

	return poll(&pf, 1, 0) > 0 && (pf.revents & (POLLIN | POLLHUP | POLLERR));
}

/* The command's report: 1 its execve succeeded (EOF), 2 it failed
 * (*e its errno), -1 a read error. */
static int read_report(int fd, int *e)
{
	ssize_t n;

	do
		n = read(fd, e, sizeof(*e));
	while (n < 0 && errno == EINTR);
	if (n == 0)
		return 1;
	if (n == (ssize_t)sizeof(*e))
		return 2;
	if (n > 0)
		*e = EIO;
	return n > 0 ? 2 : -1;
}

/* The listener, from the child once it has published it. */
static int take_listener(struct ei_sup *s, int report_fd, int *exec_errno, char *err, size_t len)
{
	int st, e = 0;

	for (;;) {
		/* The child wakes us once it has published; the timeout
		 * sees it exit before, or its wake-up trapped (a rule on
		 * futex: answered once we hold the listener). */
		struct timespec ts = { 0, 1000000 };

		st = __atomic_load_n(&s->sh->state, __ATOMIC_ACQUIRE);
		if (st)
			break;
		syscall(SYS_futex, &s->sh->state, FUTEX_WAIT, 0, &ts, NULL, 0);
		if (__atomic_load_n(&s->sh->state, __ATOMIC_ACQUIRE))
			continue;
		if (readable(s->pidfd)) {
			/* It exited: with a filter or not? */
			st = __atomic_load_n(&s->sh->state, __ATOMIC_ACQUIRE);
			if (st)
				break;
			if (readable(report_fd) && read_report(report_fd, &e) == 2) {
				*exec_errno = e; /* it failed before its filter */
				return 1;
			}
			return ei_fail(err, len, "the command exited before its seccomp filter was in place");
		}
	}
	if (st < 0)
		return ei_fail(err, len, "cannot install the seccomp filter in the command: %s", strerror(-st));
	s->killable = !__atomic_load_n(&s->sh->no_killable, __ATOMIC_RELAXED);
	s->listener = (int)syscall(SYS_pidfd_getfd, s->pidfd, s->sh->fd, 0);
	if (s->listener < 0) {
		e = errno;
		if (e == EPERM || e == EACCES)
			return ei_fail(err, len,
				       "cannot take the command's seccomp listener (pidfd_getfd: %s): "
				       "kernel.yama.ptrace_scope must be at most 1",
				       strerror(e));
		return ei_fail(err, len, "cannot take the command's seccomp listener (pidfd_getfd: %s)", strerror(e));
	}
	/* The launcher may exec now. */
	__atomic_store_n(&s->sh->taken, 1, __ATOMIC_RELEASE);
	syscall(SYS_futex, &s->sh->taken, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
	/* The caller's wake-up on our CPU and ours on its (6.6+). */
	__u64 flags = SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP;
	ioctl(s->listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, flags);
	if (listener_arm(s, EPOLL_CTL_ADD))
		return ei_fail(err, len, "epoll: %s", strerror(errno));
	return 0;
}

/* ---- the keeper ---- */

/* The filter outlives errinj: once the last listener closes, the kernel
 * fails every trapped call with ENOSYS, for as long as a process holds
 * the filter (a daemon of the command's, say). So a process of its own
 * session, that no signal but SIGKILL stops and that no kill of errinj's
 * process group reaches, holds the listener too and, once errinj has gone
 * (its socket closes however errinj stops, SIGKILL included),
 * lets every call run: first those errinj had received and not answered,
 * then every new one, until no process holds the filter. It receives
 * nothing while errinj lives. */
/* The keeper's process: no signal but SIGKILL, a session of its own, /
 * its directory, /dev/null on 0 to 2, listener (if any) on 3 and sock on
 * 4, nothing else. */
static void keeper_setup(struct ei_sup *s, int listener, int sock)
{
	sigset_t all;
	int fd;

	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	setsid();
	prctl(PR_SET_NAME, "errinj-keeper", 0, 0, 0);
	if (chdir("/")) {
		/* holding errinj's directory would only keep it busy */
	}
	/* errinj's descriptors but two: a pipe's reader would never see EOF
	 * while the keeper held a writer, nor a file system be unmounted. */
	fd = open("/dev/null", O_RDWR);
	for (int i = 0; i < 3; i++)
		if (fd >= 0 && fd != i)
			dup2(fd, i);
	if (listener >= 0 && ((fd = fcntl(listener, F_DUPFD_CLOEXEC, 10)) < 0 || dup2(fd, 3) != 3))
		_exit(1);
	if ((fd = fcntl(sock, F_DUPFD_CLOEXEC, 10)) < 0 || dup2(fd, 4) != 4)
		_exit(1);
	s->listener = 3;
	syscall(SYS_close_range, 5U, ~0U, 0U);
}

/* errinj has gone: every call it received and did not answer, then every
 * new one, let run until no process holds the filter. */
static void __attribute__((noreturn)) take_over(struct ei_sup *s)
{
	struct pollfd pf = { .fd = s->listener, .events = POLLIN };

	if (__atomic_load_n(&s->sh->received, __ATOMIC_ACQUIRE)) {
		__u64 lo = __atomic_load_n(&s->sh->lo, __ATOMIC_RELAXED);
		__u64 hi = __atomic_load_n(&s->sh->hi, __ATOMIC_RELAXED);
		/* An id not pending fails with ENOENT, one not yet received
		 * with EINPROGRESS (it comes below). */
		for (__u64 id = lo; id != hi + 2; id++)
			send_continue(s, id);
	}
	for (;;) {
		if (poll(&pf, 1, -1) < 0)
			continue;
		if (pf.revents & POLLIN) {
			memset(s->req, 0, s->sizes.seccomp_notif);
			if (!ioctl(s->listener, SECCOMP_IOCTL_NOTIF_RECV, s->req))
				send_continue(s, s->req->id);
		} else if (pf.revents & (POLLHUP | POLLERR)) {
			_exit(0);
		}
	}
}

/* The filter outlives errinj: once the last listener closes, the kernel
 * fails every trapped call with ENOSYS, for as long as a process holds
 * the filter (a daemon of the command's, say). So a process of its own
 * session, that no signal but SIGKILL stops and that no kill of errinj's
 * process group reaches, holds the listener too and, once errinj has gone
 * (its socket closes however errinj stops, SIGKILL included),
 * lets every call run: first those errinj had received and not answered,
 * then every new one, until no process holds the filter. It receives
 * nothing while errinj lives. */
static void __attribute__((noreturn)) keeper(struct ei_sup *s, int sock)
{
	struct pollfd pf = { .fd = 4, .events = POLLIN };
	char c;

	keeper_setup(s, s->listener, sock);
	while (poll(&pf, 1, -1) < 0 || !(pf.revents & (POLLIN | POLLHUP | POLLERR)))
		;
	if (read(pf.fd, &c, 1) == 1)
		_exit(0); /* errinj says: no process holds the filter */
	take_over(s);
}

/* The pool's keeper: the same, for each session's listener in turn ('L'
 * hands it over, 'D' drops it once no process holds its filter); at EOF
 * it takes over the one it holds, if any. The shared page is the pool's,
 * the one of the session it holds. */
static void __attribute__((noreturn)) pool_keeper(struct ei_sup *s, int sock)
{
	bool held = false;

	keeper_setup(s, -1, sock);
	for (;;) {
		char c, ctl[CMSG_SPACE(sizeof(int))];
		struct iovec iov = { .iov_base = &c, .iov_len = 1 };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof(ctl) };
		struct cmsghdr *cm;
		ssize_t n = recvmsg(4, &m, MSG_CMSG_CLOEXEC);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		cm = CMSG_FIRSTHDR(&m);
		if (c == 'L' && cm && cm->cmsg_type == SCM_RIGHTS) {
			int fd;
			memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
			dup3(fd, 3, O_CLOEXEC);
			close(fd);
			held = true;
		} else if (c == 'D' && held) {
			close(3);
			held = false;
		}
	}
	if (held)
		take_over(s);
	_exit(0);
}

/* The pool's keeper told of our listener, forked first if it has none
 * (or it has gone): sent once it holds the listener or not at all. */
static int pool_hand(struct ei_sup *s, char *err, size_t len)
{
	struct ei_sup_keeper *k = s->pool;

	for (int tries = 0; tries < 2; tries++) {
		char ctl[CMSG_SPACE(sizeof(int))] = { 0 };
		struct iovec iov = { .iov_base = "L", .iov_len = 1 };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof(ctl) };
		struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
		int p[2];

		if (k->pid <= 0) {
			if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, p))
				return ei_fail(err, len, "cannot start the seccomp keeper: socketpair: %s", strerror(errno));
			if ((k->pid = fork()) < 0) {
				close(p[0]);
				close(p[1]);
				k->pid = 0;
				return ei_fail(err, len, "cannot start the seccomp keeper: fork: %s", strerror(errno));
			}
			if (k->pid == 0)
				pool_keeper(s, p[0]);
			close(p[0]);
			k->sock = p[1];
		}
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &s->listener, sizeof(int));
		if (sendmsg(k->sock, &m, MSG_NOSIGNAL) == 1) {
			s->pooled = true;
			return 0;
		}
		/* It has gone (killed by the caller's clean-up): another. */
		close(k->sock);
		waitpid(k->pid, NULL, 0);
		k->pid = 0;
	}
	return ei_fail(err, len, "cannot start the seccomp keeper: %s", strerror(errno));
}

struct ei_sup_keeper *ei_sup_keeper_new(void)
{
	struct ei_sup_keeper *k = calloc(1, sizeof(*k));

	if (!k)
		return NULL;
	k->sock = -1;
	k->sh = mmap(NULL, sizeof(*k->sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (k->sh == MAP_FAILED) {
		free(k);
		return NULL;
	}
	return k;
}

pid_t ei_sup_keeper_pid(const struct ei_sup_keeper *k)
{
	return k ? k->pid : 0;
}

void ei_sup_keeper_free(struct ei_sup_keeper *k)
{
	if (!k)
		return;
	if (k->pid > 0) {
		close(k->sock);
		waitpid(k->pid, NULL, 0);
	}
	munmap(k->sh, sizeof(*k->sh));
	free(k);
}

static int start_keeper(struct ei_sup *s, char *err, size_t len)
{
	int p[2];

	/* A socket, not a pipe: sending on it once the keeper is gone (a
	 * caller's own clean-up killed it) raises no SIGPIPE. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p))
		return ei_fail(err, len, "cannot start the seccomp keeper: socketpair: %s", strerror(errno));
	s->keeper = fork();
	if (s->keeper < 0) {
		close(p[0]);
		close(p[1]);
		return ei_fail(err, len, "cannot start the seccomp keeper: fork: %s", strerror(errno));
	}
	if (s->keeper == 0)
		keeper(s, p[0]);
	close(p[0]);
	s->keeper_fd = p[1];
	return 0;
}

int ei_sup_start(struct ei_sup *s, pid_t child, int report_fd, int *exec_errno, char *err, size_t len)
{
	int state = 0, e = 0, r; /* state: 0 until the report, 1 exec'd, 2 failed */

	*exec_errno = 0;
	if (s->listener >= 0 || s->pidfd >= 0)
		return ei_fail(err, len, "the seccomp supervisor has already started");
	s->child = child;
	s->pidfd = pidfd_open(child);
	if (s->pidfd < 0)
		return ei_fail(err, len, "cannot watch the command (pidfd_open: %s)", strerror(errno));
	r = take_listener(s, report_fd, exec_errno, err, len);
	if (r)
		return r < 0 ? -1 : 0;
	if (s->pool ? pool_hand(s, err, len) : start_keeper(s, err, len))
		return -1;
	/* Many processes mean many pidfds: as many as we may. */
	struct rlimit rl;
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	/* The launcher's window: its calls run untouched until its execve
	 * has succeeded (the report pipe, close-on-exec, reads EOF) or failed
	 * (it reads the errno). A call received while the report is not yet
	 * readable was made before the execve completed. */
	while (!state) {
		struct pollfd pf[2] = { { .fd = s->listener, .events = POLLIN }, { .fd = report_fd, .events = POLLIN } };
		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return ei_fail(err, len, "poll: %s", strerror(errno));
		}
		if (pf[0].revents & POLLIN) {
			if (recv_notif(s))
				continue;
			if (readable(report_fd) && (state = read_report(report_fd, &e)) < 0)
				return ei_fail(err, len, "cannot read the command's exec report: %s", strerror(errno));
			if (state == 1) {
				if (!proc_add(s, child, true, 0, s->pidfd))
					return ei_fail(err, len, "cannot follow the command: %s", strerror(errno));
				s->pidfd = -1; /* its proc's now */
				serve(s);
			} else {
				send_continue(s, s->req->id);
			}
			continue;
		}
		if (pf[1].revents) {
			if ((state = read_report(report_fd, &e)) < 0)
				return ei_fail(err, len, "cannot read the command's exec report: %s", strerror(errno));
			if (state == 1) {
				if (!proc_add(s, child, true, 0, s->pidfd))
					return ei_fail(err, len, "cannot follow the command: %s", strerror(errno));
				s->pidfd = -1;
			}
		} else if (pf[0].revents & (POLLHUP | POLLERR)) {
			return ei_fail(err, len, "the command exited before its execve");
		}
	}
	if (state == 2) {
		/* Its execve failed: what it does until it exits is the
		 * launcher's, and runs untouched (the caller then reaps it). */
		*exec_errno = e;
		for (;;) {
			struct pollfd pf[2] = { { .fd = s->listener, .events = POLLIN }, { .fd = s->pidfd, .events = POLLIN } };
			if (poll(pf, 2, -1) < 0 && errno != EINTR)
				break;
			if (pf[0].revents & POLLIN) {
				if (!recv_notif(s))
					send_continue(s, s->req->id);
				continue;
			}
			if (pf[1].revents || (pf[0].revents & (POLLHUP | POLLERR)))
				break;
		}
	}
	return 0;
}

int ei_sup_fd(struct ei_sup *s)
{
	return s ? s->epfd : -1;
}

int ei_sup_handle(struct ei_sup *s)
{
	struct epoll_event evs[16];
	int rc = 0;

	if (!s || s->listener < 0)
		return 0;
	for (int round = 0; round < DRAIN_ROUNDS; round++) {
		bool lis = false, hup = false, look = s->armed || s->hup;
		int n = 0;

		if (!look) {
			/* The listener disarmed: it and the set in one call;
			 * the set waited on only if it has something. */
			struct pollfd pf[2] = { { .fd = s->listener, .events = POLLIN }, { .fd = s->epfd, .events = POLLIN } };
			if (poll(pf, 2, 0) < 0 && errno != EINTR) {
				rc = -1;
				break;
			}
			lis = pf[0].revents & POLLIN;
			hup = pf[0].revents & (POLLHUP | POLLERR);
			look = pf[1].revents & POLLIN;
		}
		if (look && (n = epoll_wait(s->epfd, evs, 16, 0)) < 0) {
			if (errno == EINTR)
				continue;
			rc = -1;
			break;
		}
		/* Processes gone first: a pid they leave may be in a call below. */
		for (int i = 0; i < n; i++) {
			__u64 tag = evs[i].data.u64;
			if (tag == TAG_LISTENER) {
				s->armed = false; /* one-shot */
				lis = evs[i].events & EPOLLIN;
				hup = evs[i].events & (EPOLLHUP | EPOLLERR);
			} else if (tag == TAG_TIMER) {
				__u64 ticks;
				if (read(s->timerfd, &ticks, sizeof(ticks)) < 0) {
					/* EAGAIN: re-armed meanwhile */
				}
			} else {
				struct proc *p = (struct proc *)(uintptr_t)tag;
				proc_free(s, p);
			}
		}
		if (lis && !recv_notif(s))
			serve(s);
		fire_due(s, false);
		if (hup && !lis)
			on_hup(s);
		if (!n && !lis)
			break;
	}
	/* Whatever failed above: a call to come must wake the loop. */
	if (!s->armed && !s->hup && listener_arm(s, EPOLL_CTL_MOD))
		rc = -1;
	return rc;
}

int ei_sup_timeout_ms(struct ei_sup *s)
{
	__u64 now, due;

	if (!s || !s->nheap)
		return -1;
	now = now_ns();
	due = s->heap[0]->due;
	if (due <= now)
		return 0;
	due = (due - now + 999999) / 1000000;
	return due > INT_MAX ? INT_MAX : (int)due;
}

bool ei_sup_alive(struct ei_sup *s)
{
	struct pollfd pf;

	if (!s || s->listener < 0 || s->hup)
		return false;
	pf.fd = s->listener;
	pf.events = POLLIN;
	if (poll(&pf, 1, 0) > 0 && (pf.revents & (POLLHUP | POLLERR)) && !(pf.revents & POLLIN))
		on_hup(s);
	return !s->hup;
}

int ei_sup_stat(struct ei_sup *s, int nr, struct ei_stat *out)
{
	memset(out, 0, sizeof(*out));
	if (!s || nr < 0 || nr >= EI_NR_SYSCALLS)
		return -1;
	*out = s->stats[nr];
	return 0;
}

__u64 ei_sup_undecided(struct ei_sup *s)
{
	return s ? s->undecided : 0;
}

__u64 ei_sup_unwind_failed(struct ei_sup *s)
{
	return s ? s->unwind_failed : 0;
}

__u64 ei_sup_unfollowed(struct ei_sup *s, int *err)
{
	if (s && err)
		*err = s->unfollowed_errno;
	return s ? s->unfollowed : 0;
}

unsigned ei_sup_own_seccomp(struct ei_sup *s, pid_t *pid)
{
	*pid = s ? s->own_seccomp_pid : 0;
	return s ? s->own_seccomp : 0;
}

void ei_sup_free(struct ei_sup *s)
{
	if (!s)
		return;
	/* Calls held for a delay get their answer now (without events: the
	 * caller may be tearing down what its callback uses). */
	while (s->listener >= 0 && s->nheap) {
		struct delayed *d = heap_pop(s);
		answer(s, d->id, d->tgid, d->tid, d->nr, d->rule, d->args, d->received, NULL);
		free(d);
	}
	/* Then the listener: the keeper lets the calls still to come run
	 * (it ends at once if no process holds the filter: none will). */
	if ((s->keeper_fd >= 0 || s->pooled) && s->listener >= 0 && !s->hup)
		ei_sup_alive(s);
	if (s->pooled) {
		/* Dropped, or, processes holding the filter still, the keeper
		 * left to them: it takes over now (a new one serves the next). */
		if (!s->hup || send(s->pool->sock, "D", 1, MSG_NOSIGNAL) != 1) {
			close(s->pool->sock);
			s->pool->pid = 0;
		}
	}
	if (s->keeper_fd >= 0) {
		if (s->hup && send(s->keeper_fd, "", 1, MSG_NOSIGNAL) != 1) {
			/* it takes over, and finds no process */
		}
		close(s->keeper_fd);
		if (s->hup)
			waitpid(s->keeper, NULL, 0);
	}
	if (s->listener >= 0)
		close(s->listener);
	for (size_t b = 0; b < s->procs.nb; b++)
		while (s->procs.b[b])
			proc_free(s, (struct proc *)s->procs.b[b]);
	free(s->procs.b);
	free(s->thrs.b);
	for (int i = 0; i < s->nheap; i++)
		free(s->heap[i]);
	free(s->heap);
	if (s->pidfd >= 0)
		close(s->pidfd);
	if (s->timerfd >= 0)
		close(s->timerfd);
	if (s->epfd >= 0)
		close(s->epfd);
	if (s->sh && !s->pool)
		munmap(s->sh, sizeof(*s->sh));
	free(s->filter);
	free(s->req);
	free(s->resp);
	free(s);
}
