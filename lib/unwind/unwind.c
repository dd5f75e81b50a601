// SPDX-License-Identifier: GPL-2.0
/*
 * User call stacks with elfutils' libdwfl: what errinj explore's tracer
 * (lib/explore/trace.c) and the seccomp backend's site= (lib/seccomp/supervisor.c) share,
 * and the unwinder of a thread blocked in a seccomp notification.
 *
 * Such a thread is in the kernel, waiting for errinj's answer, and
 * nothing stops it: ptrace would (PTRACE_SEIZE, PTRACE_INTERRUPT), but an
 * interrupt withdraws the notification (or, with WAIT_KILLABLE_RECV,
 * waits for the answer that we have not given), and a process has one
 * tracer, which may be a debugger. What the kernel tells instead, while
 * the thread is blocked in a syscall, is /proc/PID/task/TID/syscall: the
 * number, the arguments, and the user stack pointer and pc (proc(5)).
 * From those two registers and the thread's memory (process_vm_readv)
 * libdwfl unwinds by the modules' CFI (.eh_frame, .debug_frame), as it
 * does for a core file. Debian builds without frame pointers, and CFI
 * mostly finds the caller's frame from the stack pointer alone; a frame
 * whose CFA is kept in %rbp, which the kernel does not show, ends the
 * unwinding there (the frames found so far still count).
 */
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/uio.h>

#include "unwind/unwind.h"

/* libdwfl loads libdebuginfod (and with it libcurl and a TLS stack: some
 * forty libraries, two hundred mappings) the first time a module's debug
 * information is not on this machine, even when DEBUGINFOD_URLS names no
 * server, when libdebuginfod does nothing (it returns ENOSYS before even
 * reading its cache). The mappings would stay, and make every later fork
 * and exec of this process dearer (explore forks a worker, a launcher and
 * a keeper per run). So with no server the library is not loaded:
 * libdwfl then finds the same debug information, the local one. */
void *dlopen(const char *file, int mode)
{
	static void *(*next)(const char *, int);
	const char *urls = getenv("DEBUGINFOD_URLS");

	if (file && !strncmp(file, "libdebuginfod", 13) && (!urls || !*urls))
		return NULL;
	if (!next)
		next = (void *(*)(const char *, int))dlsym(RTLD_NEXT, "dlopen");
	return next ? next(file, mode) : NULL;
}

static const Dwfl_Callbacks dwfl_callbacks = {
	.find_elf = dwfl_linux_proc_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
};

Dwfl *ei_dwfl_begin(void)
{
	return dwfl_begin(&dwfl_callbacks);
}

/* A module's separate debug information for site=: only where it is on
 * this machine by its build-id (/usr/lib/debug/.build-id/, as Debian's
 * -dbg and -dbgsym packages install it). dwfl_standard_find_debuginfo
 * would also ask the debuginfod servers of DEBUGINFOD_URLS, which may
 * take seconds (a download), while the trapped call waits for errinj. */
static int find_debuginfo_local(Dwfl_Module *mod, void **userdata, const char *modname, Dwarf_Addr base,
				const char *file_name, const char *debuglink_file, GElf_Word debuglink_crc,
				char **debuginfo_file_name)
{
	return dwfl_build_id_find_debuginfo(mod, userdata, modname, base, file_name, debuglink_file, debuglink_crc,
					    debuginfo_file_name);
}

static const Dwfl_Callbacks local_callbacks = {
	.find_elf = dwfl_linux_proc_find_elf,
	.find_debuginfo = find_debuginfo_local,
};

int ei_dwfl_report(Dwfl *dwfl, pid_t pid)
{
	dwfl_report_begin(dwfl);
	if (dwfl_linux_proc_report(dwfl, pid) || dwfl_report_end(dwfl, NULL, NULL))
		return -1;
	return 0;
}

bool ei_frame_pc(Dwfl_Frame *state, Dwarf_Addr *pc)
{
	bool activation;

	if (!dwfl_frame_pc(state, pc, &activation))
		return false;
	if (!activation)
		(*pc)--;
	return true;
}

/* ---- stacks of threads blocked in a syscall ---- */

#define WINDOW (32 * 1024) /* stack bytes read at once from the stack pointer up */
#define MAX_ALIASES 64     /* cached look-ups of a name in a module */
#define PC_CACHE 1024      /* symbols of pcs, direct-mapped (a power of 2) */

/* The addresses of the symbols called name in module m. */
struct alias {
	Dwfl_Module *m;
	char *name;
	Dwarf_Addr *addrs;
	int n;
};

/* What a pc's symbol is: libdwfl finds it by a scan of the whole symbol
 * table (libc's, with its debug information, has tens of thousands),
 * and the same few call sites come back call after call. */
struct pc_sym {
	Dwarf_Addr pc;     /* 0: empty */
	Dwarf_Addr start;  /* the symbol's address */
	const char *name;  /* libdwfl's, NULL if none */
	Dwfl_Module *m;
};

struct ei_stack {
	pid_t tgid;
	Dwfl *dwfl;
	bool attached;
	/* The architecture, for dwfl_attach_state: an ELF header of our own,
	 * not a module's, which goes when the process unloads it or execs
	 * (libdwfl keeps using it: it would then read freed memory). */
	Elf64_Ehdr ehdr;
	Elf *arch;
	char *maps; /* /proc/PID/maps as last reported */
	size_t maps_len;
	long pagesize;
	/* The thread being unwound: its registers, and its stack from sp. */
	pid_t tid;
	Dwarf_Word sp, pc;
	unsigned char win[WINDOW];
	size_t win_len;
	/* The frames found. */
	Dwarf_Addr pcs[EI_STACK_MAX_FRAMES];
	int n;
	struct alias aliases[MAX_ALIASES];
	int naliases;
	struct pc_sym syms[PC_CACHE];
};

static void forget_aliases(struct ei_stack *st)
{
	for (int i = 0; i < st->naliases; i++) {
		free(st->aliases[i].name);
		free(st->aliases[i].addrs);
	}
	st->naliases = 0;
}

struct ei_stack *ei_stack_new(pid_t tgid)
{
	struct ei_stack *st = calloc(1, sizeof(*st));

	if (!st)
		return NULL;
	st->tgid = tgid;
	st->pagesize = sysconf(_SC_PAGESIZE);
	if (st->pagesize <= 0)
		st->pagesize = 4096;
	return st;
}

void ei_stack_free(struct ei_stack *st)
{
	if (!st)
		return;
	forget_aliases(st);
	if (st->dwfl)
		dwfl_end(st->dwfl);
	if (st->arch)
		elf_end(st->arch);
	free(st->maps);
	free(st);
}

/* Reads len bytes at addr of the thread, cut at page boundaries (as
 * read_path in lib/seccomp/supervisor.c: a read that runs into an unmapped page
 * still returns what comes before it). How many bytes, -1 if none. */
static ssize_t read_mem(struct ei_stack *st, Dwarf_Addr addr, void *buf, size_t len)
{
	struct iovec local = { buf, len }, remote[WINDOW / 4096 + 2];
	size_t want = len;
	int n = 0;

	while (want && n < (int)(sizeof(remote) / sizeof(remote[0]))) {
		size_t room = (size_t)st->pagesize - addr % (size_t)st->pagesize;
		if (room > want)
			room = want;
		remote[n].iov_base = (void *)(uintptr_t)addr;
		remote[n++].iov_len = room;
		addr += room;
		want -= room;
	}
	return process_vm_readv(st->tid, &local, 1, remote, (unsigned long)n, 0);
}

static pid_t next_thread(Dwfl *dwfl, void *arg, void **thread_arg)
{
	struct ei_stack *st = arg;

	(void)dwfl;
	if (*thread_arg)
		return 0; /* one thread: the one in the call */
	*thread_arg = st;
	return st->tid;
}

static bool get_thread(Dwfl *dwfl, pid_t tid, void *arg, void **thread_arg)
{
	struct ei_stack *st = arg;

	(void)dwfl;
	*thread_arg = st;
	return tid == st->tid;
}

static bool memory_read(Dwfl *dwfl, Dwarf_Addr addr, Dwarf_Word *result, void *arg)
{
	struct ei_stack *st = arg;

	(void)dwfl;
	/* The stack from the window read at once; anything else a word at
	 * a time. */
	if (addr >= st->sp && addr - st->sp + sizeof(*result) <= st->win_len) {
		memcpy(result, st->win + (addr - st->sp), sizeof(*result));
		return true;
	}
	return read_mem(st, addr, result, sizeof(*result)) == (ssize_t)sizeof(*result);
}

static bool set_initial_registers(Dwfl_Thread *thread, void *arg)
{
	struct ei_stack *st = arg;
	Dwarf_Word sp = st->sp;

	/* x86-64's DWARF register 7 is %rsp; the pc (column 16) apart. */
	if (!dwfl_thread_state_registers(thread, 7, 1, &sp))
		return false;
	dwfl_thread_state_register_pc(thread, st->pc);
	return true;
}

static const Dwfl_Thread_Callbacks thread_callbacks = {
	.next_thread = next_thread,
	.get_thread = get_thread,
	.memory_read = memory_read,
	.set_initial_registers = set_initial_registers,
};

/* The thread's stack pointer and pc while it is blocked in syscall nr,
 * from /proc/PID/task/TID/syscall: "NR ARG1..ARG6 SP PC" in hex. The
 * notification reaches the supervisor before the thread has gone to
 * sleep waiting for its answer: until it has, the file says "running".
 * It will (it waits for us), so that is read again, for at most 2 s (a
 * thread killed meanwhile never sleeps there: the caller then finds the
 * notification gone). */
static int read_regs(struct ei_stack *st, pid_t tid, int nr)
{
	char path[64], buf[256];
	unsigned long long v[9];
	long got_nr;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/syscall", (int)st->tgid, (int)tid);
	for (int tries = 0;; tries++) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -1;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			return -1;
		buf[n] = 0;
		if (strncmp(buf, "running", 7) || tries == 2000)
			break;
		if (tries < 10)
			sched_yield();
		else
			usleep(1000);
	}
	if (sscanf(buf, "%ld %llx %llx %llx %llx %llx %llx %llx %llx", &got_nr, &v[0], &v[1], &v[2], &v[3], &v[4],
		   &v[5], &v[6], &v[7]) != 9 ||
	    got_nr != nr)
		return -1; /* "running", or another call */
	st->sp = v[6];
	st->pc = v[7];
	return 0;
}

/* /proc/PID/maps, whole. */
static char *read_maps(pid_t pid, size_t *len)
{
	char path[64], *buf = NULL;
	size_t cap = 0;
	ssize_t n;
	int fd;

	*len = 0;
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	for (;;) {
		if (*len + 4096 + 1 > cap) {
			char *nb = realloc(buf, cap = cap * 2 + 8192);
			if (!nb)
				goto fail;
			buf = nb;
		}
		n = read(fd, buf + *len, cap - *len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		if (!n)
			break;
		*len += (size_t)n;
	}
	close(fd);
	buf[*len] = 0;
	return buf;
fail:
	close(fd);
	free(buf);
	return NULL;
}

/* Keeps the lines of maps that map a file or the vDSO: what libdwfl makes
 * modules of. Anonymous memory (malloc's, a growing heap) comes and goes
 * without a module changing. */
static void keep_modules(char *maps, size_t *len)
{
	size_t out = 0;

	for (size_t at = 0; at < *len;) {
		char *nl = memchr(maps + at, '\n', *len - at);
		size_t n = nl ? (size_t)(nl - (maps + at)) + 1 : *len - at;

		if (memchr(maps + at, '/', n) || memmem(maps + at, n, "[vdso]", 6)) {
			memmove(maps + out, maps + at, n);
			out += n;
		}
		at += n;
	}
	*len = out;
	maps[out] = 0;
}

/* The process's modules, reported again only when its maps have changed
 * since (a library loaded or unloaded, an exec): one read of a small
 * file when they have not. */
static int update_modules(struct ei_stack *st)
{
	size_t len;
	char *maps = read_maps(st->tgid, &len);

	if (!maps)
		return -1;
	keep_modules(maps, &len);
	if (st->dwfl && st->maps && len == st->maps_len && !memcmp(maps, st->maps, len)) {
		free(maps);
		return 0;
	}
	if (!st->dwfl && !(st->dwfl = dwfl_begin(&local_callbacks)))
		goto fail;
	/* A module may go, and its address be another's: the look-ups by
	 * module and by pc start again. */
	forget_aliases(st);
	memset(st->syms, 0, sizeof(st->syms));
	/* Read again by libdwfl, which also finds the vDSO from there. */
	if (ei_dwfl_report(st->dwfl, st->tgid))
		goto fail;
	if (!st->attached) {
		if (!st->arch) {
			memcpy(st->ehdr.e_ident, ELFMAG, SELFMAG);
			st->ehdr.e_ident[EI_CLASS] = ELFCLASS64;
			st->ehdr.e_ident[EI_DATA] = ELFDATA2LSB;
			st->ehdr.e_ident[EI_VERSION] = EV_CURRENT;
			st->ehdr.e_type = ET_CORE;
			st->ehdr.e_machine = EM_X86_64;
			st->ehdr.e_version = EV_CURRENT;
			st->ehdr.e_ehsize = sizeof(st->ehdr);
			elf_version(EV_CURRENT);
			if (!(st->arch = elf_memory((char *)&st->ehdr, sizeof(st->ehdr))))
				goto fail;
		}
		if (!dwfl_attach_state(st->dwfl, st->arch, st->tgid, &thread_callbacks, st))
			goto fail;
		st->attached = true;
	}
	free(st->maps);
	st->maps = maps;
	st->maps_len = len;
	return 0;
fail:
	/* From scratch next time. */
	free(maps);
	free(st->maps);
	st->maps = NULL;
	if (st->dwfl)
		dwfl_end(st->dwfl);
	st->dwfl = NULL;
	st->attached = false;
	return -1;
}

static int frame_cb(Dwfl_Frame *state, void *arg)
{
	struct ei_stack *st = arg;
	Dwarf_Addr pc;

	if (!ei_frame_pc(state, &pc))
		return DWARF_CB_ABORT;
	st->pcs[st->n++] = pc;
	return st->n < EI_STACK_MAX_FRAMES ? DWARF_CB_OK : DWARF_CB_ABORT;
}

int ei_stack_unwind(struct ei_stack *st, pid_t tid, int nr)
{
	ssize_t got;

	st->n = 0;
	st->tid = tid;
	st->win_len = 0;
	if (read_regs(st, tid, nr) || update_modules(st))
		return 0;
	got = read_mem(st, st->sp, st->win, sizeof(st->win));
	st->win_len = got > 0 ? (size_t)got : 0;
	/* Its end (0), an error, or a frame it could not go past: the
	 * frames found are what is known either way. */
	dwfl_getthread_frames(st->dwfl, tid, frame_cb, st);
	return st->n;
}

/* Whether symbol sym is name: a symbol table's names may carry a
 * version (__libc_start_main@@GLIBC_2.34), which name need not. */
static bool same_name(const char *sym, const char *name)
{
	size_t n = strlen(name);

	return !strncmp(sym, name, n) && (sym[n] == 0 || (sym[n] == '@' && !strchr(name, '@')));
}

/* The addresses of the symbols called name in module m (several: static
 * functions of different files may share a name), looked up once per
 * module and name. NULL if out of memory. */
static struct alias *alias_of(struct ei_stack *st, Dwfl_Module *m, const char *name)
{
	struct alias *a;
	int nsyms;

	for (int i = 0; i < st->naliases; i++)
		if (st->aliases[i].m == m && !strcmp(st->aliases[i].name, name))
			return &st->aliases[i];
	if (st->naliases == MAX_ALIASES)
		forget_aliases(st);
	a = &st->aliases[st->naliases];
	memset(a, 0, sizeof(*a));
	if (!(a->name = strdup(name)))
		return NULL;
	a->m = m;
	nsyms = dwfl_module_getsymtab(m);
	for (int i = 1; i < nsyms; i++) {
		GElf_Sym sym;
		GElf_Addr addr;
		const char *s = dwfl_module_getsym_info(m, i, &sym, &addr, NULL, NULL, NULL);
		Dwarf_Addr *na;

		if (!s || !same_name(s, name) || sym.st_shndx == SHN_UNDEF)
			continue;
		if (!(na = realloc(a->addrs, (size_t)(a->n + 1) * sizeof(*na)))) {
			free(a->name);
			free(a->addrs);
			return NULL;
		}
		a->addrs = na;
		a->addrs[a->n++] = addr;
	}
	st->naliases++;
	return a;
}

static const struct pc_sym *sym_of(struct ei_stack *st, Dwarf_Addr pc)
{
	struct pc_sym *c = &st->syms[(pc ^ pc >> 12) & (PC_CACHE - 1)];
	GElf_Off off;
	GElf_Sym sym;

	if (c->pc == pc)
		return c;
	c->pc = pc;
	c->m = dwfl_addrmodule(st->dwfl, pc);
	c->name = c->m ? dwfl_module_addrinfo(c->m, pc, &off, &sym, NULL, NULL, NULL) : NULL;
	c->start = c->name ? pc - off : 0;
	return c;
}

bool ei_stack_has(struct ei_stack *st, const char *name)
{
	for (int i = 0; i < st->n; i++) {
		const struct pc_sym *c = sym_of(st, st->pcs[i]);
		struct alias *a;

		if (!c->name)
			continue;
		if (same_name(c->name, name))
			return true;
		/* Another name of the same function: a symbol called name
		 * that starts where this one does. */
		if (!(a = alias_of(st, c->m, name)))
			continue;
		for (int k = 0; k < a->n; k++)
			if (a->addrs[k] == c->start)
				return true;
	}
	return false;
}
