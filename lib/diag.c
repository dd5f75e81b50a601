// SPDX-License-Identifier: GPL-2.0
/* Messages, libbpf's log, and what the running kernel and user can do. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "liberrinj.h"

static const char *progname = "errinj";

void ei_set_progname(const char *name)
{
	const char *slash = strrchr(name, '/');

	progname = slash ? slash + 1 : name;
}

const char *ei_progname(void)
{
	return progname;
}

static void vmsg(const char *fmt, va_list ap)
{
	/* One write, so that concurrent messages do not interleave. */
	char line[1024];
	int n = snprintf(line, sizeof(line), "%s: ", progname);

	if (n < 0)
		return;
	vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	fprintf(stderr, "%s\n", line);
}

void ei_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void ei_vmsg(const char *fmt, va_list ap)
{
	vmsg(fmt, ap);
}

static int print_all(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	return vfprintf(stderr, fmt, ap);
}

void ei_libbpf_log(bool verbose)
{
	/* Without -v libbpf says nothing: errors are explained by our own
	 * one-line messages instead of its debug log. */
	libbpf_set_print(verbose ? print_all : NULL);
}

/* The effective capability set; a failing capget counts as root's. */
static uint64_t effective_caps(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = {};

	if (syscall(SYS_capget, &hdr, data))
		return geteuid() == 0 ? ~0ULL : 0;
	return (uint64_t)data[1].effective << 32 | data[0].effective;
}

bool ei_has_bpf_caps(void)
{
	uint64_t eff = effective_caps();
#define CAP(c) (eff & (1ULL << (c)))
	return CAP(CAP_SYS_ADMIN) || (CAP(CAP_BPF) && CAP(CAP_PERFMON));
#undef CAP
}

bool ei_kprobe_multi_supported(void)
{
	/* r0 = 0; exit */
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, popts, .expected_attach_type = BPF_TRACE_KPROBE_MULTI);
	LIBBPF_OPTS(bpf_link_create_opts, lopts);
	int prog, link, e;

	prog = bpf_prog_load(BPF_PROG_TYPE_KPROBE, NULL, "GPL", insns, 2, &popts);
	if (prog < 0)
		return false;
	/* No function at all: a kernel with kprobe.multi says EINVAL, one
	 * without fprobe EOPNOTSUPP. Nothing gets attached. */
	link = bpf_link_create(prog, 0, BPF_TRACE_KPROBE_MULTI, &lopts);
	e = errno;
	if (link >= 0)
		close(link);
	close(prog);
	return link >= 0 || e == EINVAL;
}

bool ei_may_ptrace_all(void)
{
	return effective_caps() & (1ULL << CAP_SYS_PTRACE);
}

static bool path_exists(const char *p)
{
	return access(p, F_OK) == 0;
}

/* Whether a kprobe program calling bpf_override_return loads, which it
 * does only with CONFIG_BPF_KPROBE_OVERRIDE. libbpf_probe_bpf_helper
 * cannot tell on every kernel: libbpf 1.1 (Debian 12) takes a refusal for
 * one only when the verifier's log says "unknown func" or "invalid func",
 * and Linux 6.12 says "program of this type cannot use helper", so it
 * answered yes there and errinj chose a backend that could not load. */
static bool override_helper_loads(void)
{
	/* r2 = 0; bpf_override_return(r1: the context, r2); r0 = 0; exit */
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_2, .imm = 0 },
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_override_return },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int prog = bpf_prog_load(BPF_PROG_TYPE_KPROBE, NULL, "GPL", insns, sizeof(insns) / sizeof(insns[0]), NULL);

	if (prog < 0)
		return false;
	close(prog);
	return true;
}

enum ei_support ei_check_kprobe_override(void)
{
	if (!ei_has_bpf_caps())
		return EI_NO_PRIVILEGE;
	if (libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_KPROBE, NULL) <= 0)
		return errno == ENOSYS ? EI_NO_BPF : EI_NO_KPROBES;
	/* libbpf attaches through the kprobe PMU, or through tracefs on old
	 * kernels; either one means CONFIG_KPROBE_EVENTS is there. */
	if (!path_exists("/sys/bus/event_source/devices/kprobe/type") &&
	    !path_exists("/sys/kernel/tracing/kprobe_events") &&
	    !path_exists("/sys/kernel/debug/tracing/kprobe_events"))
		return EI_NO_KPROBES;
	if (!override_helper_loads())
		return EI_NO_OVERRIDE;
	return EI_SUPPORTED;
}

const char *ei_support_message(enum ei_support s)
{
	switch (s) {
	case EI_SUPPORTED:
		return "the kernel supports kprobe override injection";
	case EI_NO_PRIVILEGE:
		return "needs root: loading eBPF programs and attaching kprobes requires "
		       "CAP_SYS_ADMIN (or CAP_BPF and CAP_PERFMON)";
	case EI_NO_BPF:
		return "this kernel lacks kprobe override support: it has no bpf() system call "
		       "(CONFIG_BPF_SYSCALL is not set); scripts/vm-run runs errinj on the "
		       "project's test kernel";
	case EI_NO_KPROBES:
		return "this kernel lacks kprobe override support: it has no kprobes "
		       "(CONFIG_KPROBES and CONFIG_KPROBE_EVENTS are not set; injection also needs "
		       "CONFIG_FUNCTION_ERROR_INJECTION and CONFIG_BPF_KPROBE_OVERRIDE); "
		       "scripts/vm-run runs errinj on the project's test kernel";
	case EI_NO_OVERRIDE:
		return "this kernel lacks kprobe override support: bpf_override_return is not "
		       "available (CONFIG_BPF_KPROBE_OVERRIDE is not set; it needs "
		       "CONFIG_FUNCTION_ERROR_INJECTION); scripts/vm-run runs errinj on the "
		       "project's test kernel";
	}
	return "unknown kernel support state";
}

int ei_syscall_injectable(int nr)
{
	const struct ei_syscall_entry *e = ei_syscall_info(nr);
	char want[128], alias[128], line[256];
	int found = 0;
	FILE *f;

	if (!e)
		return 0;
	f = fopen("/sys/kernel/debug/error_injection/list", "re");
	if (!f)
		return -1;
	/* The kernel knows the entry point: __x64_sys_newfstat for fstat.
	 * The list names each function by the symbol at its address, and
	 * SYSCALL_DEFINE0 makes __x64_sys_getppid an alias of
	 * __do_sys_getppid, which is the name the list shows (no other kind
	 * of syscall puts a __do_sys_ name on it). */
	snprintf(want, sizeof(want), "__x64_sys_%s", e->entry);
	snprintf(alias, sizeof(alias), "__do_sys_%s", e->entry);
	while (fgets(line, sizeof(line), f)) {
		size_t n = strcspn(line, " \t\n");
		if ((n == strlen(want) && !strncmp(line, want, n)) ||
		    (n == strlen(alias) && !strncmp(line, alias, n))) {
			found = 1;
			break;
		}
	}
	fclose(f);
	return found;
}

int ei_kernel_has_syscall(int nr)
{
	/* Read once: the entry points of the table's syscalls that the
	 * kernel has (kallsyms shows names to anyone, addresses or not). */
	static signed char has[EI_NR_SYSCALLS];
	static int state; /* 0 not read, 1 read, -1 unreadable */
	const struct ei_syscall_entry *e;
	char line[512];
	FILE *f;

	if (!state) {
		state = -1;
		if ((f = fopen("/proc/kallsyms", "re"))) {
			while (fgets(line, sizeof(line), f)) {
				char *sym = strstr(line, " __x64_sys_");
				size_t n;

				if (!sym)
					continue;
				sym += strlen(" __x64_sys_");
				n = strcspn(sym, " \t\n");
				for (size_t i = 0; (e = ei_syscall_at(i)); i++)
					if (e->nr < EI_NR_SYSCALLS && strlen(e->entry) == n && !strncmp(sym, e->entry, n))
						has[e->nr] = 1;
			}
			/* A kernel with none is one whose symbols are hidden. */
			for (int i = 0; i < EI_NR_SYSCALLS && state < 0; i++)
				if (has[i])
					state = 1;
			fclose(f);
		}
	}
	if (state < 0 || nr < 0 || nr >= EI_NR_SYSCALLS || !ei_syscall_info(nr))
		return -1;
	return has[nr];
}

bool ei_forward_signal(int si_code, pid_t cmd)
{
	return si_code != SI_KERNEL || getpgid(cmd) != getpgrp();
}

bool ei_running_setid(void)
{
	return getuid() != geteuid() || getgid() != getegid();
}

/* Process state from /proc/PID/stat: the letter after the command name
 * (which may itself hold ") "); 0 if unreadable. */
static char proc_state(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

/* The process (thread group) of thread tid, from /proc/TID/status; 0 if
 * unreadable. */
static pid_t proc_tgid(pid_t tid)
{
	char path[64], line[128];
	pid_t tgid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Tgid: %d", &tgid) == 1)
			break;
	fclose(f);
	return tgid;
}

int ei_pid_check(pid_t pid, char *err, size_t len)
{
	char mem[64], st;
	pid_t tgid;
	int fd;

	if (pid == getpid())
		return ei_fail(err, len, "pid %d is errinj itself", (int)pid), EI_EXIT_USAGE;
	if (kill(pid, 0) && errno == ESRCH)
		return ei_fail(err, len, "no process with pid %d", (int)pid), EI_EXIT_USAGE;
	/* A thread's id passes the checks above (the kernel takes it for
	 * kill and /proc) but names no process: strace -p TID attaches to
	 * that one thread, errinj's targets are whole processes. The user
	 * says which. */
	tgid = proc_tgid(pid);
	if (tgid > 0 && tgid != pid)
		return ei_fail(err, len, "pid %d is a thread of process %d: errinj injects into whole processes; give -p %d",
			       (int)pid, (int)tgid, (int)tgid),
		       EI_EXIT_USAGE;
	st = proc_state(pid);
	if (st == 'Z' || st == 'X')
		return ei_fail(err, len, "pid %d has exited (a zombie, not yet reaped): it makes no more calls",
			       (int)pid),
		       EI_EXIT_USAGE;
	/* Only a process we could ptrace: opening its memory asks the
	 * kernel's own ptrace access check (PTRACE_MODE_ATTACH), Yama and
	 * LSMs included. */
	snprintf(mem, sizeof(mem), "/proc/%d/mem", (int)pid);
	fd = open(mem, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && (errno == EACCES || errno == EPERM))
		return ei_fail(err, len, "not allowed to inject into pid %d: you could not ptrace it", (int)pid),
		       EI_EXIT_FAIL;
	if (fd >= 0)
		close(fd);
	return 0;
}

int ei_userapp_path(char *buf, size_t len)
{
	char self[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n < 0)
		return -1;
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	/* Beside the tool in the build tree; in ../libexec/errinj once
	 * installed (make install). */
	if ((size_t)snprintf(buf, len, "%s/userapp", self) < len && access(buf, X_OK) == 0)
		return 0;
	if ((size_t)snprintf(buf, len, "%s/../libexec/errinj/userapp", self) < len && access(buf, X_OK) == 0)
		return 0;
	return -1;
}
