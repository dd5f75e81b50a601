// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel probes: what the running kernel and user can do (privileges,
 * kprobes and bpf_override_return, kprobe.multi, fmod_ret, the error
 * injection list, the syscalls in kallsyms, BTF and kfuncs, BPF
 * exceptions, the kernel's build options); libbpf's log; attaching one
 * kprobe. Each answer is the kernel's own, probed where it is cheap and
 * read once where it is not. facts.c turns them into what the plan needs.
 */
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
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <sys/utsname.h>
#include <zlib.h>

#include "engine/engine.h"

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

/* The running kernel's BTF, loaded once (NULL if it has none). */
struct btf *ei_vmlinux_btf(void)
{
	static struct btf *btf;
	static bool tried;

	if (!tried) {
		tried = true;
		btf = btf__load_vmlinux_btf();
		if (libbpf_get_error(btf))
			btf = NULL;
	}
	return btf;
}

int ei_entry_btf_id(const char *entry)
{
	char fn[128];
	struct btf *btf = ei_vmlinux_btf();

	snprintf(fn, sizeof(fn), "__x64_sys_%s", entry);
	return btf ? btf__find_by_name_kind(btf, fn, BTF_KIND_FUNC) : -1;
}

bool ei_fmod_ret_btf(int nr)
{
	const struct ei_syscall_entry *e = ei_syscall_info(nr);

	return e && ei_entry_btf_id(e->entry) > 0;
}

bool ei_kernel_has_kfunc(const char *name)
{
	struct btf *btf = ei_vmlinux_btf();

	return btf && btf__find_by_name_kind(btf, name, BTF_KIND_FUNC) > 0;
}

/* BPF exceptions: bpf_throw in the kernel's BTF (6.7+), and a JIT that
 * can unwind through it (x86-64's needs the ORC unwinder), which only a
 * load tells: a sleepable syscall program that throws at once (no attach
 * target needed). Needs the privilege to load programs; false without. */
bool ei_bpf_exceptions(void)
{
	static int known = -1;
	struct btf *btf;
	int id, fd;

	if (known >= 0)
		return known;
	known = 0;
	btf = ei_vmlinux_btf();
	id = btf ? btf__find_by_name_kind(btf, "bpf_throw", BTF_KIND_FUNC) : -1;
	if (id > 0 && ei_has_bpf_caps()) {
		struct bpf_insn insns[] = {
			{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_1, .imm = 0 },
			{ .code = BPF_JMP | BPF_CALL, .src_reg = BPF_PSEUDO_KFUNC_CALL, .imm = id },
			{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
			{ .code = BPF_JMP | BPF_EXIT },
		};
		LIBBPF_OPTS(bpf_prog_load_opts, po, .prog_flags = BPF_F_SLEEPABLE);

		fd = bpf_prog_load(BPF_PROG_TYPE_SYSCALL, "errinj_throws", "GPL", insns,
				   sizeof(insns) / sizeof(insns[0]), &po);
		if (fd >= 0) {
			close(fd);
			known = 1;
		}
	}
	return known;
}

/* The kernel's build options, where readable: /proc/config.gz (IKCONFIG)
 * or /boot/config-RELEASE (Debian). NULL if neither. */
char *ei_kernel_config(void)
{
	struct utsname u;
	char path[512], *buf = NULL;
	size_t cap = 0, n = 0;
	gzFile f = NULL;

	/* gzread reads a plain file as it is: one reader for both. */
	if (!access("/proc/config.gz", R_OK))
		f = gzopen("/proc/config.gz", "rb");
	else if (!uname(&u)) {
		snprintf(path, sizeof(path), "/boot/config-%s", u.release);
		f = gzopen(path, "rb");
	}
	if (!f)
		return NULL;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			char *nb = realloc(buf, cap = cap * 2 + 8192);
			if (!nb)
				break;
			buf = nb;
		}
		int r = gzread(f, buf + n, 4096);
		if (r <= 0)
			break;
		n += r;
	}
	if (buf)
		buf[n] = '\0';
	gzclose(f);
	return buf;
}

const char *ei_config_value(const char *cfg, const char *opt, char *buf, size_t len)
{
	char key[96];
	const char *p;

	if (!cfg)
		return "unknown (no /proc/config.gz or /boot/config-*)";
	snprintf(key, sizeof(key), "\n%s=", opt);
	p = strstr(cfg, key);
	if (!p)
		return "not set";
	p += strlen(key);
	snprintf(buf, len, "%.*s", (int)strcspn(p, "\n"), p);
	return buf;
}

int ei_kprobe_check(int nr, char *err, size_t len)
{
	enum ei_support sup = ei_check_kprobe_override();

	if (sup != EI_SUPPORTED)
		return ei_fail(err, len, "%s", ei_support_message(sup));
	if (ei_syscall_injectable(nr) == 0)
		return ei_fail(err, len, EI_NOT_ON_LIST, ei_syscall_name(nr));
	return 0;
}

struct bpf_link *ei_attach_syscall(struct bpf_program *prog, int nr, __u64 cookie, bool verbose, bool *refused,
				   char *err, size_t len)
{
	LIBBPF_OPTS(bpf_ksyscall_opts, kopts, .bpf_cookie = cookie);
	/* By entry point: fstat's kprobe is on __x64_sys_newfstat. */
	struct bpf_link *l = bpf_program__attach_ksyscall(prog, ei_syscall_info(nr)->entry, &kopts);

	*refused = !l && errno == EINVAL;
	if (*refused)
		/* The list was unreadable (not root): the kernel's refusal
		 * says it. */
		ei_fail(err, len,
			"the kernel does not allow overriding %s (it refused the kprobe: "
			"the syscall is not on its error injection list)",
			ei_syscall_name(nr));
	else if (!l)
		ei_fail(err, len, "cannot attach to %s: %s%s", ei_syscall_name(nr), strerror(errno),
			verbose ? "" : " (-v shows libbpf's log)");
	return l;
}

struct ei_owner ei_owner_get(void)
{
	return (struct ei_owner){ .only = !ei_may_ptrace_all(), .uid = getuid(), .gid = getgid() };
}

int ei_list_injectable(void (*fn)(const char *name, void *ctx), void *ctx)
{
	const struct ei_syscall_entry *e;
	int n = 0;

	for (size_t i = 0; (e = ei_syscall_at(i)); i++) {
		int r = ei_syscall_injectable(e->nr);
		if (r < 0)
			return -1;
		if (r && e->nr < EI_NR_SYSCALLS) {
			fn(e->name, ctx);
			n++;
		}
	}
	return n;
}

/* Loads a do-nothing sleepable fmod_ret program on close's entry and
 * attaches it for an instant (returning 0, it changes nothing): the
 * load needs the error injection list, the attach BPF trampolines. */
int ei_fmod_ret_check(char *err, size_t len)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int id, prog, link;

	if (!ei_has_bpf_caps())
		return ei_fail(err, len, "fmod_ret needs root: loading eBPF programs requires CAP_SYS_ADMIN "
					 "(or CAP_BPF and CAP_PERFMON)");
	if (!ei_vmlinux_btf())
		return ei_fail(err, len, "this kernel has no BTF (CONFIG_DEBUG_INFO_BTF), which fmod_ret needs");
	id = ei_entry_btf_id("close");
	if (id <= 0)
		return ei_fail(err, len, "this kernel's BTF has no syscall entry functions (__x64_sys_close)");
	LIBBPF_OPTS(bpf_prog_load_opts, popts, .expected_attach_type = BPF_MODIFY_RETURN, .attach_btf_id = id,
		    .prog_flags = BPF_F_SLEEPABLE);
	prog = bpf_prog_load(BPF_PROG_TYPE_TRACING, NULL, "GPL", insns, 2, &popts);
	if (prog < 0 && errno == ENOSYS)
		return ei_fail(err, len, "this kernel has no bpf() system call (CONFIG_BPF_SYSCALL)");
	if (prog < 0) {
		int e = errno;
		char *cfg = ei_kernel_config(), val[64];
		bool no_list = e == EINVAL || (cfg && !strcmp(ei_config_value(cfg, "CONFIG_FUNCTION_ERROR_INJECTION", val,
									     sizeof(val)), "not set"));
		free(cfg);
		if (no_list)
			return ei_fail(err, len, "this kernel refuses fmod_ret on syscalls: they are not on its error "
						 "injection list (CONFIG_FUNCTION_ERROR_INJECTION is not set)");
		return ei_fail(err, len, "this kernel refuses fmod_ret programs: %s", strerror(e));
	}
	link = bpf_link_create(prog, 0, BPF_MODIFY_RETURN, NULL);
	if (link < 0) {
		int e = errno;
		close(prog);
		return ei_fail(err, len, "this kernel cannot attach BPF trampolines (%s: CONFIG_BPF_JIT and "
					 "CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS are needed)", strerror(e));
	}
	close(link);
	close(prog);
	return 0;
}
