// SPDX-License-Identifier: GPL-2.0
/*
 * explore's reference run: the command under ptrace (seized, following
 * forks, vforks, clones and execs), stopped only at the selected syscalls
 * by a seccomp filter that returns SECCOMP_RET_TRACE for them (as strace
 * --seccomp-bpf does), and at each such stop its user call stack unwound
 * with elfutils' libdwfl from the stopped thread itself (registers and
 * stack read through ptrace, as strace -k does): the stack at the call,
 * the same one a copy taken there would give. Debian's binaries have no
 * frame pointers, so the unwinder reads .eh_frame / .debug_frame.
 */
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>

#include "core/cbpf.h"
#include "explore/explore.h"
#include "explore/trace.h"
#include "unwind/unwind.h"

struct proc {
	pid_t tgid;
	bool gone;
	Dwfl *dwfl;
	bool attached;
	char exe[4096];
	__u64 counts[EI_NR_SYSCALLS];
};

struct thread {
	pid_t tid;
	int proc;
	bool in_call; /* between a seccomp stop and its syscall-exit stop */
	int call;     /* the call it is in */
};

struct tracer {
	struct ei_trace *t;
	struct proc *procs;
	int nprocs, cap_procs;
	struct thread *threads;
	int nthreads, cap_threads;
	int *nchildren; /* per process, for lineage names */
	int cap_calls, cap_sites;
	const struct ei_sysset *set; /* the calls recorded */
	pid_t pid;      /* the command */
	bool cmd_gone;  /* its status is in t->status */
	bool exec_seen; /* it has exec'd: its calls are recorded from then on */
};

static void *grow(void *p, int *cap, int need, size_t size)
{
	if (need <= *cap)
		return p;
	int n = *cap ? *cap * 2 : 64;
	while (n < need)
		n *= 2;
	void *q = realloc(p, (size_t)n * size);
	if (!q)
		return NULL;
	memset((char *)q + (size_t)*cap * size, 0, (size_t)(n - *cap) * size);
	*cap = n;
	return q;
}

static pid_t tgid_of(pid_t tid)
{
	pid_t tgid;

	return ei_proc_status(tid, &tgid, NULL) ? tid : tgid;
}

/* A new process, child of parent (-1 for the command). */
static int add_proc(struct tracer *tr, pid_t tgid, int parent)
{
	struct ei_trace *t = tr->t;
	int cap, i = tr->nprocs;
	struct proc *p = grow(tr->procs, &tr->cap_procs, i + 1, sizeof(*p));

	if (!p)
		return -1;
	tr->procs = p;
	cap = tr->cap_procs;
	{
		char **l = realloc(t->lineage, (size_t)cap * sizeof(*l));
		int *nc = realloc(tr->nchildren, (size_t)cap * sizeof(*nc));
		__u64 *k = realloc(t->key, (size_t)cap * sizeof(*k));
		if (l)
			t->lineage = l;
		if (nc)
			tr->nchildren = nc;
		if (k)
			t->key = k;
		if (!l || !nc || !k)
			return -1;
	}
	memset(&p[i], 0, sizeof(p[i]));
	p[i].tgid = tgid;
	tr->nchildren[i] = 0;
	if (parent < 0) {
		t->lineage[i] = strdup("1");
		t->key[i] = EI_LINEAGE_COMMAND;
	} else {
		int k = ++tr->nchildren[parent];
		if (asprintf(&t->lineage[i], "%s.%d", t->lineage[parent], k) < 0)
			t->lineage[i] = NULL;
		t->key[i] = ei_lineage_child(t->key[parent], (__u64)k);
	}
	if (!t->lineage[i])
		return -1;
	tr->nprocs = t->nprocs = i + 1;
	return i;
}

static int find_proc(struct tracer *tr, pid_t tgid)
{
	for (int i = tr->nprocs - 1; i >= 0; i--)
		if (tr->procs[i].tgid == tgid && !tr->procs[i].gone)
			return i;
	return -1;
}

static struct thread *find_thread(struct tracer *tr, pid_t tid)
{
	for (int i = 0; i < tr->nthreads; i++)
		if (tr->threads[i].tid == tid)
			return &tr->threads[i];
	return NULL;
}

static struct thread *add_thread(struct tracer *tr, pid_t tid, int proc)
{
	struct thread *th = grow(tr->threads, &tr->cap_threads, tr->nthreads + 1, sizeof(*th));

	if (!th)
		return NULL;
	tr->threads = th;
	th = &tr->threads[tr->nthreads++];
	*th = (struct thread){ .tid = tid, .proc = proc };
	return th;
}

static void drop_thread(struct tracer *tr, pid_t tid)
{
	for (int i = 0; i < tr->nthreads; i++)
		if (tr->threads[i].tid == tid) {
			tr->threads[i] = tr->threads[--tr->nthreads];
			return;
		}
}

/* The thread of tid, known or new: a new one's process is found by its
 * tgid (its creator's event may come after its first stop). */
static struct thread *thread_of(struct tracer *tr, pid_t tid)
{
	struct thread *th = find_thread(tr, tid);
	pid_t tgid;
	int p;

	if (th)
		return th;
	tgid = tgid_of(tid);
	p = find_proc(tr, tgid);
	if (p < 0) {
		/* A process whose fork event we have not seen yet: its parent
		 * is found from /proc. */
		pid_t ppid;
		if (ei_proc_status(tgid, NULL, &ppid))
			ppid = 0;
		p = add_proc(tr, tgid, find_proc(tr, ppid) >= 0 ? find_proc(tr, ppid) : 0);
		if (p < 0)
			return NULL;
	}
	return add_thread(tr, tid, p);
}

static void proc_forget(struct proc *p)
{
	if (p->dwfl)
		dwfl_end(p->dwfl);
	p->dwfl = NULL;
	p->attached = false;
}

/* The process's modules as they are now (a library mapped since the last
 * stop is reported; those already known are kept with what was read of
 * them), attached for unwinding. */
static Dwfl *proc_dwfl(struct proc *p)
{
	if (!p->dwfl) {
		char path[64];
		ssize_t n;
		if (!(p->dwfl = ei_dwfl_begin()))
			return NULL;
		snprintf(path, sizeof(path), "/proc/%d/exe", (int)p->tgid);
		n = readlink(path, p->exe, sizeof(p->exe) - 1);
		p->exe[n > 0 ? n : 0] = 0;
	}
	if (ei_dwfl_report(p->dwfl, p->tgid)) {
		proc_forget(p);
		return NULL;
	}
	if (!p->attached) {
		/* true: the thread is stopped by us already. */
		if (dwfl_linux_proc_attach(p->dwfl, p->tgid, true)) {
			proc_forget(p);
			return NULL;
		}
		p->attached = true;
	}
	return p->dwfl;
}

struct unwind {
	Dwfl *dwfl;
	Dwarf_Addr pcs[EI_EXPLORE_MAX_FRAMES];
	int n;
};

static int frame_cb(Dwfl_Frame *state, void *arg)
{
	struct unwind *u = arg;
	Dwarf_Addr pc;

	if (!ei_frame_pc(state, &pc))
		return DWARF_CB_ABORT;
	u->pcs[u->n++] = pc;
	return u->n < EI_EXPLORE_MAX_FRAMES ? DWARF_CB_OK : DWARF_CB_ABORT;
}

static char *hex(const unsigned char *b, int n)
{
	char *s = malloc((size_t)n * 2 + 1);

	if (!s)
		return NULL;
	for (int i = 0; i < n; i++)
		sprintf(s + 2 * i, "%02x", b[i]);
	s[2 * n] = 0;
	return s;
}

/* Module, offset and names of the frame at pc. */
static void describe(Dwfl *dwfl, Dwarf_Addr pc, const char *exe, struct ei_frame *f)
{
	Dwfl_Module *m = dwfl_addrmodule(dwfl, pc);
	const unsigned char *bits;
	const char *name, *sym, *src;
	Dwarf_Addr vaddr;
	Dwfl_Line *line;
	int n, lineno = 0;

	memset(f, 0, sizeof(*f));
	if (!m) {
		f->module = strdup("?");
		f->offset = pc;
		return;
	}
	name = dwfl_module_info(m, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
	f->module = strdup(name ? name : "?");
	f->offset = ei_frame_addr(m, pc);
	f->own = name && exe && !strcmp(name, exe);
	n = dwfl_module_build_id(m, &bits, &vaddr);
	if (n > 0)
		f->build_id = hex(bits, n);
	sym = ei_frame_func(m, pc);
	if (sym)
		f->func = strdup(sym);
	line = dwfl_module_getsrc(m, pc);
	if (line && (src = dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL))) {
		f->file = strdup(src);
		f->line = lineno;
	}
}

static void free_frames(struct ei_frame *f, int n)
{
	for (int i = 0; i < n && f; i++) {
		free(f[i].module);
		free(f[i].build_id);
		free(f[i].func);
		free(f[i].file);
	}
	free(f);
}

/* The site of a call of nr by thread th: its stack, unwound now. */
static int site_of(struct tracer *tr, struct thread *th, int nr)
{
	struct ei_trace *t = tr->t;
	struct proc *p = &tr->procs[th->proc];
	struct unwind u = { 0 };
	struct ei_frame *fr = NULL;
	char *key = NULL;
	size_t keylen = 0;
	FILE *k;
	int i, site = -1;

	u.dwfl = proc_dwfl(p);
	if (u.dwfl)
		dwfl_getthread_frames(u.dwfl, th->tid, frame_cb, &u);
	if (!u.n)
		t->unwind_failed = true;
	fr = calloc(u.n ? (size_t)u.n : 1, sizeof(*fr));
	if (!fr)
		return -1;
	for (i = 0; i < u.n; i++)
		describe(u.dwfl, u.pcs[i], p->exe, &fr[i]);
	/* The key: which module (build-id, else path) at which offset. */
	if (!(k = open_memstream(&key, &keylen)))
		goto cleanup;
	fprintf(k, "%d", nr);
	for (i = 0; i < u.n; i++)
		fprintf(k, ";%s+%llx", fr[i].build_id ? fr[i].build_id : fr[i].module, (unsigned long long)fr[i].offset);
	fclose(k);
	for (i = 0; i < t->nsites; i++)
		if (!strcmp(t->sites[i].key, key)) {
			site = i;
			goto cleanup;
		}
	{
		struct ei_site *s = grow(t->sites, &tr->cap_sites, t->nsites + 1, sizeof(*s));
		if (!s)
			goto cleanup;
		t->sites = s;
		s = &t->sites[t->nsites];
		*s = (struct ei_site){ .key = key, .nr = nr, .frames = fr, .nframes = u.n, .first = t->ncalls };
		for (i = 0; i < u.n; i++)
			if (fr[i].own) {
				s->shown = i;
				break;
			}
		key = NULL;
		fr = NULL;
		site = t->nsites++;
	}
cleanup:
	free(key);
	free_frames(fr, u.n);
	return site;
}

/* The filter: SECCOMP_RET_TRACE for the selected syscalls of x86_64,
 * everything else allowed. */
static int install_filter(const struct ei_sysset *set)
{
	const struct ei_cbpf o = { .action = SECCOMP_RET_TRACE, .cond_nr = -1 };
	struct sock_filter f[BPF_MAXINSNS];
	__u32 a[EI_NR_SYSCALLS];
	int n = 0;

	ei_sysset_for_each(nr, set)
		a[n++] = (__u32)nr;
	if (ei_cbpf_size(a, n, &o) > BPF_MAXINSNS)
		return -1;
	struct sock_fprog prog = { .len = (unsigned short)ei_cbpf_build(a, n, &o, f), .filter = f };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

/* Forks the command (*pid), stopped, its stdin the file in (else
 * /dev/null), stdout and stderr ofd and efd, then seizes it: it runs
 * under the filter from its exec on. -1 with a sentence on failure. */
static int start_command(char *const argv[], const struct ei_sysset *set, const char *input, int ofd, int efd,
			 pid_t *pid, char *err, size_t len)
{
	int st;

	*pid = fork();
	if (*pid < 0)
		return ei_fail(err, len, "fork: %s", strerror(errno));
	if (*pid == 0) {
		int in = open(input ? input : "/dev/null", O_RDONLY);
		/* Gone with us, whatever happens to us. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (in < 0 || dup2(in, 0) < 0 || dup2(ofd, 1) < 0 || dup2(efd, 2) < 0)
			_exit(126);
		raise(SIGSTOP);
		if (install_filter(set))
			_exit(126);
		execvp(argv[0], argv);
		_exit(errno == ENOENT ? 127 : 126);
	}
	if (waitpid(*pid, &st, WSTOPPED) != *pid || !WIFSTOPPED(st))
		return ei_fail(err, len, "the command stopped before it could be traced");
	if (ptrace(PTRACE_SEIZE, *pid, 0,
		   PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
			   PTRACE_O_TRACEEXEC | PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL))
		return ei_fail(err, len, "cannot trace the command (ptrace): %s", strerror(errno));
	return 0;
}

/* Thread tid has exited (wait status st). */
static void thread_gone(struct tracer *tr, pid_t tid, int st)
{
	struct thread *th = find_thread(tr, tid);

	if (tid == tr->pid) {
		tr->t->status = st;
		tr->cmd_gone = true;
	}
	if (th && tr->procs[th->proc].tgid == tid) {
		tr->procs[th->proc].gone = true;
		proc_forget(&tr->procs[th->proc]);
	}
	drop_thread(tr, tid);
}

/* The kind of an st_mode and st_rdev. */
static __u8 fd_kind(const struct stat *st)
{
	unsigned int major = major(st->st_rdev);

	switch (st->st_mode & S_IFMT) {
	case S_IFREG:
		return EI_FD_REG;
	case S_IFDIR:
		return EI_FD_DIR;
	case S_IFIFO:
		return EI_FD_FIFO;
	case S_IFSOCK:
		return EI_FD_SOCK;
	case S_IFBLK:
		return EI_FD_BLK;
	case S_IFCHR:
		/* The tty drivers' majors (Documentation/admin-guide/devices.txt):
		 * 4 ttys, 5 /dev/tty, console and ptmx, 136-143 the pts. */
		return major == 4 || major == 5 || (major >= 136 && major <= 143) ? EI_FD_TTY : EI_FD_CHR;
	default:
		return EI_FD_ANON;
	}
}

/* Whether bit sig - 1 is set in the hex mask after "key:\t" in a
 * /proc status file. */
static bool status_mask_has(const char *status, const char *key, int sig)
{
	const char *p = strstr(status, key);

	return p && (strtoull(p + strlen(key), NULL, 16) >> (sig - 1)) & 1;
}

/* What descriptor c->args[0] of thread tid (process tgid) is, if it is
 * one: the errors the kernel can give for the call depend on it. */
static void describe_fd(pid_t tgid, pid_t tid, struct ei_call *c)
{
	char path[64], buf[4096];
	struct stat st;
	ssize_t n;
	int fd;

	if (c->args[0] > INT32_MAX)
		return;
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)tgid, (int)c->args[0]);
	if (stat(path, &st))
		return;
	c->fd_kind = fd_kind(&st);
	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)tgid, (int)c->args[0]);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = 0;
		close(fd);
		const char *f = strstr(buf, "flags:\t");
		if (f)
			c->fd_flags = (int)strtol(f + 7, NULL, 8);
	}
	if (c->fd_kind != EI_FD_FIFO && c->fd_kind != EI_FD_SOCK)
		return;
	snprintf(path, sizeof(path), "/proc/%d/task/%d/status", (int)tgid, (int)tid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = 0;
		close(fd);
		c->sigpipe_off = status_mask_has(buf, "SigIgn:\t", SIGPIPE) ||
				 status_mask_has(buf, "SigBlk:\t", SIGPIPE);
	}
}

/* Whether syscall nr's first argument may be a descriptor: the table's
 * fd_first (read, write, and connect, sendto, recvfrom, which are %net,
 * not %desc) or an *at call's directory descriptor, its path second
 * (newfstatat's, glibc's fstat). Not mmap's or poll's address. */
static bool names_fd(int nr)
{
	const struct ei_syscall_entry *e = ei_syscall_info(nr);

	return e && (e->fd_first || e->path_arg == 1);
}

/* The path argument of call c of thread tid, at its entry, if it fits a
 * path= pattern: a persistent fault on it is then made for that path
 * alone (run.c). A read that stops at an unmapped page gives what it got. */
static void read_path(pid_t tid, struct ei_call *c)
{
	const struct ei_syscall_entry *e = ei_syscall_info(c->nr);
	char buf[EI_PATTERN_MAX];
	struct iovec local = { buf, sizeof(buf) }, remote[2];
	uintptr_t a, page = 4096;
	size_t first;
	ssize_t n;

	if (!e || e->path_arg < 0 || e->path_arg > 5 || !c->args[e->path_arg])
		return;
	/* Split at the page end: a transfer stops at the first iovec it
	 * cannot read whole. */
	a = (uintptr_t)c->args[e->path_arg];
	first = page - (a & (page - 1));
	if (first > sizeof(buf))
		first = sizeof(buf);
	remote[0] = (struct iovec){ (void *)a, first };
	remote[1] = (struct iovec){ (void *)(a + first), sizeof(buf) - first };
	n = process_vm_readv(tid, &local, 1, remote, first < sizeof(buf) ? 2 : 1, 0);
	if (n <= 0 || !memchr(buf, 0, (size_t)n))
		return;
	c->path = strdup(buf);
}

/* A seccomp stop of th: its call recorded, with its site, once the
 * command has exec'd. 1 if recorded (its result is to be seen), 0 if
 * not, -1 when out of memory. */
static int record_call(struct tracer *tr, struct thread *th)
{
	struct ei_trace *t = tr->t;
	struct user_regs_struct regs;
	struct proc *p = &tr->procs[th->proc];
	struct ei_call *c;
	int nr, site;

	if (ptrace(PTRACE_GETREGS, th->tid, 0, &regs))
		return 0;
	nr = (int)regs.orig_rax;
	if (tr->exec_seen && ei_outputs_stop(&tr->t->outputs, th->tid, &regs))
		return -1;
	if (nr < 0 || nr >= EI_NR_SYSCALLS || !tr->exec_seen || !ei_sysset_has(tr->set, nr))
		return 0;
	if (!(c = grow(t->calls, &tr->cap_calls, t->ncalls + 1, sizeof(*c))))
		return -1;
	t->calls = c;
	site = site_of(tr, th, nr);
	if (site < 0)
		return -1;
	c = &t->calls[t->ncalls];
	*c = (struct ei_call){ .proc = th->proc, .nr = nr, .n = ++p->counts[nr], .site = site,
			       .args = { regs.rdi, regs.rsi, regs.rdx, regs.r10, regs.r8, regs.r9 } };
	if (names_fd(nr))
		describe_fd(p->tgid, th->tid, c);
	read_path(th->tid, c);
	t->sites[site].calls++;
	th->in_call = true;
	th->call = t->ncalls++;
	return 1;
}

/* The syscall-exit stop of th: the result of the call it was in. */
static void record_result(struct tracer *tr, struct thread *th)
{
	struct user_regs_struct regs;

	if (!th->in_call)
		return;
	if (!ptrace(PTRACE_GETREGS, th->tid, 0, &regs))
		tr->t->calls[th->call].ret = (long long)regs.rax;
	th->in_call = false;
}

/* th has exec'd. The tgid stays; its modules are new. A thread that
 * exec'd took the tgid: its old tid is gone. */
static void on_exec(struct tracer *tr, struct thread *th)
{
	unsigned long old = 0;

	ptrace(PTRACE_GETEVENTMSG, th->tid, 0, &old);
	if ((pid_t)old != th->tid)
		drop_thread(tr, (pid_t)old);
	proc_forget(&tr->procs[th->proc]);
	if (th->proc == 0)
		tr->exec_seen = true;
}

/* th made a thread or a process: known from now on, unless its own
 * first stop came first. -1 when out of memory. */
static int on_fork(struct tracer *tr, struct thread *th)
{
	unsigned long child = 0;
	pid_t tg;
	int parent = th->proc, p;

	if (ptrace(PTRACE_GETEVENTMSG, th->tid, 0, &child) || find_thread(tr, (pid_t)child))
		return 0;
	tg = tgid_of((pid_t)child);
	p = tg == tr->procs[parent].tgid ? parent : add_proc(tr, (pid_t)child, parent);
	if (p < 0 || !add_thread(tr, (pid_t)child, p))
		return -1;
	return 0;
}

/* A ptrace stop of tid (wait status st): what it says recorded, then
 * tid resumed. -1 when out of memory. */
static int on_stop(struct tracer *tr, pid_t tid, int st)
{
	struct thread *th = thread_of(tr, tid);
	int sig = WSTOPSIG(st), event = (st >> 16) & 0xff, resume_sig = 0, r;
	enum __ptrace_request how = PTRACE_CONT;

	if (!th)
		return -1;
	if (event == PTRACE_EVENT_SECCOMP) {
		if ((r = record_call(tr, th)) < 0)
			return -1;
		if (r)
			how = PTRACE_SYSCALL; /* to see its result */
	} else if (sig == (SIGTRAP | 0x80)) {
		record_result(tr, th);
	} else if (event == PTRACE_EVENT_EXEC) {
		on_exec(tr, th);
	} else if (event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK || event == PTRACE_EVENT_CLONE) {
		if (on_fork(tr, th))
			return -1;
	} else if (event == PTRACE_EVENT_STOP || event) {
		/* A new thread's first stop, or a group-stop: go on. */
	} else {
		resume_sig = sig; /* a signal for the tracee */
	}
	ptrace(how, tid, 0, resume_sig);
	return 0;
}

/* The command and its descendants followed until none is left. -1 when
 * out of memory. */
static int follow(struct tracer *tr)
{
	for (;;) {
		int st;
		pid_t tid = waitpid(-1, &st, __WALL);
		if (tid < 0) {
			if (errno == EINTR)
				continue;
			return 0; /* no more children */
		}
		if (WIFEXITED(st) || WIFSIGNALED(st))
			thread_gone(tr, tid, st);
		else if (WIFSTOPPED(st) && on_stop(tr, tid, st))
			return -1;
	}
}

int ei_trace_run(char *const argv[], const struct ei_sysset *set, const char *in, struct ei_trace *t, char *err,
		 size_t len)
{
	struct tracer tr = { .t = t, .set = set };
	struct ei_sysset stops = *set;
	int ofd = -1, efd = -1, st, ret = -1;
	struct timespec t0, t1;
	pid_t pid = -1;

	memset(t, 0, sizeof(*t));
	ofd = ei_capture_fd("explore-out");
	efd = ei_capture_fd("explore-err");
	if (ofd < 0 || efd < 0) {
		ei_fail(err, len, "memfd_create: %s", strerror(errno));
		goto cleanup;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* Its calls that change files are seen too, not recorded. */
	ei_outputs_syscalls(&stops);
	if (start_command(argv, &stops, in, ofd, efd, &pid, err, len))
		goto cleanup;
	tr.pid = pid;
	if (add_proc(&tr, pid, -1) < 0 || !add_thread(&tr, pid, 0))
		goto oom;
	kill(pid, SIGCONT);
	if (follow(&tr))
		goto oom;
	if (!tr.cmd_gone) {
		ei_fail(err, len, "lost track of the command");
		goto cleanup;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	t->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	t->out = ei_read_whole(ofd, &t->outlen);
	t->errout = ei_read_whole(efd, &t->errlen);
	if (!t->out || !t->errout)
		goto oom;
	if (!tr.exec_seen) {
		ei_fail(err, len, "cannot run %s", argv[0]);
		goto cleanup;
	}
	if (!(t->ncalls_of = calloc((size_t)tr.nprocs * EI_NR_SYSCALLS, sizeof(*t->ncalls_of))))
		goto oom;
	for (int i = 0; i < tr.nprocs; i++)
		memcpy(&t->ncalls_of[(size_t)i * EI_NR_SYSCALLS], tr.procs[i].counts, sizeof(tr.procs[i].counts));
	ret = 0;
	goto cleanup;
oom:
	ei_fail(err, len, "out of memory");
cleanup:
	if (ret && pid > 0) {
		kill(pid, SIGKILL);
		while (waitpid(-1, &st, __WALL) > 0)
			;
	}
	for (int i = 0; i < tr.nprocs; i++)
		proc_forget(&tr.procs[i]);
	free(tr.procs);
	free(tr.threads);
	free(tr.nchildren);
	if (ofd >= 0)
		close(ofd);
	if (efd >= 0)
		close(efd);
	return ret;
}

void ei_trace_free(struct ei_trace *t)
{
	for (int i = 0; i < t->nsites; i++) {
		free(t->sites[i].key);
		free_frames(t->sites[i].frames, t->sites[i].nframes);
	}
	for (int i = 0; i < t->nprocs && t->lineage; i++)
		free(t->lineage[i]);
	free(t->lineage);
	free(t->key);
	free(t->ncalls_of);
	free(t->sites);
	for (int i = 0; i < t->ncalls; i++)
		free(t->calls[i].path);
	free(t->calls);
	free(t->out);
	free(t->errout);
	ei_outputs_free(&t->outputs);
	memset(t, 0, sizeof(*t));
}
