/* SPDX-License-Identifier: GPL-2.0 */
/*
 * liberrinj: the core that errinj, the loader, the tests and the tools
 * share: errno and syscall tables, the inject spec parser, diagnostics
 * (privilege and kernel feature checks, libbpf's log) and the injection
 * engine.
 */
#ifndef ERRINJ_LIB_H
#define ERRINJ_LIB_H

#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include <sys/types.h>

#include "errinj.h" /* structures shared with the kernel side */

/* Exit statuses shared by every tool. */
#define EI_EXIT_USAGE 2   /* bad input: one line on stderr */
#define EI_EXIT_FAIL 1    /* missing privilege, kernel feature, or runtime error */

#define EI_ERRNO_MAX 4095 /* the kernel's MAX_ERRNO */

/* ---- errno names (table generated from <errno.h>) ---- */
struct ei_errno_entry {
	const char *name;
	int value;
};

/* Parses "EINVAL", "22" (1..EI_ERRNO_MAX). Returns the errno, or -1. */
int ei_errno_parse(const char *s);
/* Canonical name of an errno ("EAGAIN" for 11), or NULL if unnamed. */
const char *ei_errno_name(int err);

/* ---- syscalls of x86_64 (table generated from the kernel's syscall_64.tbl
 * and syscalls.h, and strace's classes from lib/syscall-classes, by
 * lib/gen-syscalls.awk) ---- */
#define EI_CLASS_FILE (1 << 0)         /* %file: takes a path */
#define EI_CLASS_DESC (1 << 1)         /* %desc: takes or makes a file descriptor */
#define EI_CLASS_NET (1 << 2)          /* %net, %network: sockets */
#define EI_CLASS_PROCESS (1 << 3)      /* %process: process lifetime */
#define EI_CLASS_MEMORY (1 << 4)       /* %memory: address space */
#define EI_CLASS_SIGNAL (1 << 5)       /* %signal */
#define EI_CLASS_IPC (1 << 6)          /* %ipc: SysV IPC */
#define EI_CLASS_CREDS (1 << 7)        /* %creds: user and group ids, capabilities */
#define EI_CLASS_CLOCK (1 << 8)        /* %clock: read or set clocks */
#define EI_CLASS_PURE (1 << 9)         /* %pure: getters without arguments that never fail */
#define EI_CLASS_STAT (1 << 10)        /* %stat */
#define EI_CLASS_LSTAT (1 << 11)       /* %lstat */
#define EI_CLASS_FSTAT (1 << 12)       /* %fstat */
#define EI_CLASS_STAT_LIKE (1 << 13)   /* %%stat: every stat variant */
#define EI_CLASS_STATFS (1 << 14)      /* %statfs */
#define EI_CLASS_FSTATFS (1 << 15)     /* %fstatfs */
#define EI_CLASS_STATFS_LIKE (1 << 16) /* %%statfs: every statfs variant */

struct ei_syscall_entry {
	const char *name;  /* as in <asm/unistd_64.h> */
	int nr;
	const char *entry; /* kernel entry point without sys_ ("newfstat" for fstat) */
	int path_arg;      /* index of the path argument, -1 if none */
	int fd_first;      /* the first argument is the descriptor operated on */
	int nargs;         /* -1 if the prototype is not in syscalls.h */
	int classes;       /* EI_CLASS_* */
	/* Bytes of each argument's type (4 for int, 8 for long and pointers):
	 * the kernel uses only that many low bytes of the register. */
	unsigned char arg_bytes[6];
};

int ei_syscall_nr(const char *name);          /* -1 if unknown */
const char *ei_syscall_name(int nr);          /* NULL if unknown */
const struct ei_syscall_entry *ei_syscall_info(int nr); /* NULL if unknown */
/* "%file" (or strace's legacy "file") -> EI_CLASS_FILE..., 0 if unknown. */
int ei_class_parse(const char *name);
/* The i-th class name strace accepts ("%desc"...), NULL past the last. */
const char *ei_class_name(size_t i);
int ei_syscall_max(void);                     /* highest number + 1 */
/* The known syscall name closest to name (edit distance), or NULL. */
const char *ei_syscall_suggest(const char *name);
/* i-th table entry in number order, NULL past the end. */
const struct ei_syscall_entry *ei_syscall_at(size_t i);

/* ---- signals (table generated from <signal.h>) ---- */
int ei_signal_parse(const char *s);           /* "SIGUSR1" or 1..64; -1 if bad */
const char *ei_signal_name(int sig);          /* NULL if unnamed */

/* ---- inject specs: SET:key=value[:key=value]... (strace's -e inject=) ---- */
#define EI_SITE_MAX 256 /* site=: a symbol name and its NUL */
struct ei_spec {
	/* The set: a bitmap of syscall numbers, and how many. */
	__u64 syscalls[EI_NR_SYSCALLS / 64];
	int nsyscalls;
	/* Syscalls named one by one (not through %class or /regex): an
	 * engine refuses these when the kernel cannot fail them, and drops
	 * the others. */
	__u64 named[EI_NR_SYSCALLS / 64];
	unsigned actions; /* EI_ACT_ERROR | EI_ACT_RETVAL | EI_ACT_SIGNAL */
	int error;        /* positive errno */
	__s64 retval;
	int signal;
	__u64 first, last, step; /* when=: last 0 for none, step 0 for first only */
	double prob;             /* 1 without prob= */
	bool has_seed;
	__u64 seed;
	__u64 max;               /* 0: no limit */
	unsigned filters;        /* EI_FILTER_ARG(k) | EI_FILTER_PATH */
	__u64 arg_mask[6], arg_value[6];
	char pattern[EI_PATTERN_MAX]; /* path= */
	bool fd_filter;               /* fd= was given (a filter on arg0) */
	/* Served by the seccomp backend only (EI_ACT_DELAY, EI_ACT_POKE). */
	__u64 delay_ns;               /* delay_enter= */
	__u16 poke_len[6];            /* poke_enter=@argN=HEX: bytes for args[N-1], 0 none */
	unsigned char poke[6][EI_POKE_MAX];
	/* site=: fail only calls with this function in the caller's user
	 * stack, "" for none. Seccomp only: it unwinds the trapped call. */
	char site[EI_SITE_MAX];
};

/* Parses the text after "inject=". Returns 0, or -1 with one line in err
 * naming the problem. */
int ei_spec_parse(const char *text, struct ei_spec *spec, char *err, size_t errlen);
/* The text after "fault=" (strace's): as inject=, error=ENOSYS unless
 * error= is given, and no retval= or signal=. */
int ei_fault_parse(const char *text, struct ei_spec *spec, char *err, size_t errlen);
/* Whether a rule has strace's keys only (no prob=, seed=, max=, path=,
 * fd=, argK= or site=) and values strace takes (when= below 65535). */
bool ei_spec_strace_only(const struct ei_spec *sp);
/* strace's precedence: a later -e inject= replaces an earlier one for the
 * syscalls both name. Between two rules with strace's keys only, takes
 * later's syscalls out of earlier (which may be left with none: it then
 * never acts); returns how many. Rules with errinj's own keys keep their
 * syscalls: a call goes through the rules in order, the first that fires
 * acts. */
int ei_spec_supersede(struct ei_spec *earlier, const struct ei_spec *later);
/* when=first[..last][+[step]]; returns 0 or -1 with a message. */
int ei_when_parse(const char *s, __u64 *first, __u64 *last, __u64 *step, char *err,
		  size_t errlen);
/* A rule as the kernel side evaluates it (struct ei_rule): prob= in
 * 32-bit fixed point, and whether the path pattern can match a
 * truncated path. Backends in user space decide from the same encoding,
 * so that a seeded rule fails the same calls whichever backend serves it. */
void ei_rule_encode(const struct ei_spec *sp, struct ei_rule *r);
/* Whether a rule numbers the calls it selects: only when= or a seeded
 * prob= looks at the number; the others need no counter. */
bool ei_rule_counts(const struct ei_rule *r);
/* The bits of a syscall argument the kernel uses, from its size in bytes
 * (an int is its register's low 32 bits: argK= compares only those). */
__u64 ei_arg_bits(int bytes);
/* Writes a one-line message into err; returns -1 (for "return ei_fail(...)"). */
int ei_fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A decimal number as strace reads one (strtoll's syntax: white space
 * and a sign may come first; -0 is 0, any other negative is refused) up
 * to max; then the end of s, or with endings a character of endings,
 * where *end (if not NULL) points. */
bool ei_read_decimal(const char *s, __u64 max, const char *endings, const char **end, __u64 *out);
/* Copies s into buf for a message: printable ASCII as is, other bytes as
 * \xNN, cut to fit with "...". Returns buf. */
char *ei_quote(const char *s, char *buf, size_t len);
/* The whole of the regular file fd (read from its start, whatever its
 * offset), NUL-terminated, its length in *len; malloc'd, NULL if out of
 * memory (an unreadable file reads as empty). */
char *ei_read_whole(int fd, size_t *len);

/* ---- diagnostics ---- */
/* Program name used as the prefix of every message. */
void ei_set_progname(const char *name);
const char *ei_progname(void);
/* One line "prog: message" on stderr. */
void ei_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ei_vmsg(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
/* Whether a signal sent to a tool should be passed on to its command:
 * not the terminal's (SI_KERNEL: Ctrl-C, Ctrl-\, a hangup), which went to
 * the whole foreground process group, the command included when it is in
 * the tool's. Async-signal-safe. */
bool ei_forward_signal(int si_code, pid_t cmd);
/* Whether the process runs setuid or setgid (the tools refuse to). */
bool ei_running_setid(void);
/* Whether pid may be a -p target: 0; EI_EXIT_USAGE for bad input (no
 * such process, a zombie, ourselves); EI_EXIT_FAIL when the user could
 * not ptrace it. With one line in err. */
int ei_pid_check(pid_t pid, char *err, size_t len);
/* userapp beside the running tool, or in ../libexec/errinj once
 * installed: 0 with its path in buf, -1 if not found. */
int ei_userapp_path(char *buf, size_t len);
/* Route libbpf's log: shown only when verbose (-v). */
void ei_libbpf_log(bool verbose);

/* Override-return support of the running kernel for the kprobe backend. */
enum ei_support {
	EI_SUPPORTED = 0,
	EI_NO_PRIVILEGE,      /* neither CAP_SYS_ADMIN nor CAP_BPF+CAP_PERFMON */
	EI_NO_BPF,            /* bpf() unavailable: CONFIG_BPF_SYSCALL */
	EI_NO_KPROBES,        /* CONFIG_KPROBES / kprobe PMU */
	EI_NO_OVERRIDE,       /* bpf_override_return: CONFIG_BPF_KPROBE_OVERRIDE */
};
enum ei_support ei_check_kprobe_override(void);
/* A sentence naming what is missing, for a result of the check above. */
const char *ei_support_message(enum ei_support s);
/* CAP_SYS_ADMIN, or CAP_BPF and CAP_PERFMON: what tracing programs need. */
bool ei_has_bpf_caps(void);
/* CAP_SYS_PTRACE: the user could ptrace any process. Without it, the
 * kernel side fails only the calls of processes the user could ptrace. */
bool ei_may_ptrace_all(void);
/* Whether the kernel has kprobe.multi links (fprobe): one link for many
 * syscalls, much faster to attach than one kprobe each. */
bool ei_kprobe_multi_supported(void);
/* Whether the kernel lets us override syscall nr's return (error injection
 * list), 1 yes, 0 no, -1 unknown (no debugfs). */
int ei_syscall_injectable(int nr);
/* 1 if the running kernel has syscall nr (its __x64_sys_ entry point is
 * in /proc/kallsyms), 0 if not (a syscall newer than the kernel), -1 if
 * unknown. */
int ei_kernel_has_syscall(int nr);

/* ---- output: injection events and the summary, text or JSON Lines ---- */
#include <stdio.h>

enum ei_format { EI_TEXT, EI_JSON };
/* One event as one line. realtime_offset_ns: CLOCK_REALTIME minus
 * CLOCK_MONOTONIC, for JSON's wall-clock time. */
void ei_write_event(FILE *f, const struct ei_event *e, enum ei_format fmt, long long realtime_offset_ns);
/* At most max bytes of s (up to a NUL) as a JSON string: valid UTF-8 as
 * it is; a byte that is not part of valid UTF-8 as the lone surrogate
 * \udcXX (XX the byte, Python's surrogateescape), which loses nothing. */
void ei_json_string(FILE *f, const char *s, size_t max);
struct ei_summary_row {
	const char *syscall;
	__u64 calls, injected;
};
void ei_write_summary(FILE *f, const struct ei_summary_row *rows, int n, enum ei_format fmt);

/* ---- the injection engine (kprobe override backend) ---- */
#include <sys/types.h>

struct bpf_program;
struct bpf_link;
/* Whether this kernel and user can fail syscall nr through a kprobe:
 * 0, or -1 with a sentence naming what is missing. */
int ei_kprobe_check(int nr, char *err, size_t len);
/* Attaches prog (a ksyscall program) at syscall nr's entry point with a
 * BPF cookie. NULL with a sentence on failure; *refused tells that the
 * kernel refused to override that syscall (not on its error injection
 * list), as it says when the list itself is unreadable. */
struct bpf_link *ei_attach_syscall(struct bpf_program *prog, int nr, __u64 cookie, bool verbose, bool *refused,
				   char *err, size_t len);
/* Whose calls the kernel side may fail: without CAP_SYS_PTRACE, only
 * those of processes the user could ptrace (owner_only, uid, gid). */
struct ei_owner {
	bool only;
	__u32 uid, gid;
};
struct ei_owner ei_owner_get(void);

struct ei_options {
	const struct ei_spec *specs; /* rules, first match wins */
	int nspecs;
	bool follow;                 /* children of targets become targets */
	int cgroup_fd;               /* a cgroup v2 directory, or -1 */
	bool verbose;                /* libbpf's log was asked for */
	bool single_kprobes;         /* one kprobe per syscall even with kprobe.multi */
	int backend;                 /* EI_BACKEND_* to force one, EI_BACKEND_AUTO to choose */
	bool command;                /* the targets are a command ei_session_launch starts
				      * (not -p or a cgroup): the seccomp backend can serve */
	bool explore;                /* errinj explore's shared injector: BPF backends
				      * only; the first rule counts the calls and never
				      * fires, each run says the one call it fails
				      * (ei_session_explore_set); no events */
	bool stats;                  /* count calls seen and injected per syscall
				      * (ei_session_stat): a BPF backend's per-CPU
				      * lookup and add at every call of a target */
};

/* ---- backends: which one serves each syscall of the rules ---- */
#define EI_BACKEND_AUTO (-1)
const char *ei_backend_name(int b); /* "kprobe", "fmod_ret", "seccomp" */
int ei_backend_parse(const char *s); /* EI_BACKEND_*, or -2 if unknown */
/* Whether this kernel and user can use backend b at all: 0, or -1 with a
 * sentence naming what is missing. */
int ei_backend_check(int b, char *err, size_t len);
/* Whether syscall nr's entry function has BTF, which a fmod_ret program
 * needs (SYSCALL_DEFINE0 makes it an alias, which has none). */
bool ei_fmod_ret_btf(int nr);
/* Whether the running kernel's BTF has the kfunc NAME. */
bool ei_kernel_has_kfunc(const char *name);
/* Whether the running kernel has BPF exceptions: bpf_throw, and a JIT
 * that can unwind through it (a probe load; false without privilege). */
bool ei_bpf_exceptions(void);
/* Which backend serves each syscall: the cheapest that this kernel and
 * user allow and that can serve every rule naming it (fmod_ret, then
 * kprobe, then seccomp; seccomp alone serves delay_enter= and
 * poke_enter=, fmod_ret cannot return 0). All rules naming a syscall
 * share its backend, so that they count and fire in order. */
struct ei_plan {
	signed char backend[EI_NR_SYSCALLS]; /* EI_BACKEND_*, -1: not attached */
	__u64 syscalls[EI_MAX_RULES][EI_NR_SYSCALLS / 64]; /* each rule's, as served */
	unsigned used; /* bit 1 << EI_BACKEND_* for each backend in use */
};
/* 0, or -1 with a sentence: a syscall named one by one that no backend
 * can serve, or a rule left with none. */
int ei_plan_make(const struct ei_options *o, struct ei_plan *p, char *err, size_t len);
/* errinj --features: what this kernel and user can use, and why not. */
void ei_features(FILE *f);

struct ei_session;
typedef int (*ei_event_fn)(const struct ei_event *e, void *ctx);

/* Checks privileges and kernel support, loads, writes the rules and
 * attaches. NULL with one sentence in err on failure (nothing stays
 * attached). fn gets every injection event from ei_session_consume; with
 * fn NULL the kernel side makes no events at all. */
struct ei_session *ei_session_open(const struct ei_options *o, ei_event_fn fn, void *ctx, char *err,
				   size_t errlen);
/* Makes pid (of the caller's pid namespace) a target; pending_exec: only
 * once it has called execve. -1 with errno ESRCH (no such process),
 * ECHILD (it has exited: a zombie), ENOSPC (targets table full). */
int ei_session_add_target(struct ei_session *s, pid_t pid, bool pending_exec);
/* Starts argv[0] (PATH searched) with signal mask child_mask, a target
 * from its own execve on (the launcher's calls are never failed). Its
 * pid, with *exec_errno set if it could not be run (it then exits 126 or
 * 127); -1 with a sentence if it could not be started. */
pid_t ei_session_launch(struct ei_session *s, char *const argv[], const sigset_t *child_mask, int *exec_errno,
			char *err, size_t len);
/* Readable when ei_session_consume has work (events, trapped calls). */
int ei_session_events_fd(struct ei_session *s);
/* Milliseconds until ei_session_consume must run again (a delayed
 * answer is due), -1 for no deadline. */
int ei_session_timeout_ms(struct ei_session *s);
/* Whether any target process is still alive (they leave at exit). */
bool ei_session_has_targets(struct ei_session *s);
/* Whether a process still holds the seccomp filter: errinj must keep
 * answering its calls (without it they would fail with ENOSYS), followed
 * or not. */
bool ei_session_serving(struct ei_session *s);
int ei_session_consume(struct ei_session *s);
__u64 ei_session_dropped(struct ei_session *s); /* events lost to a full ring buffer */
/* Calls of targets left alone because the user could not ptrace them. */
__u64 ei_session_refused(struct ei_session *s);
/* Processes not followed because the targets table was full. */
__u64 ei_session_lost_targets(struct ei_session *s);
/* Calls the seccomp backend let run untouched: their process could not be
 * followed (*err: why, an errno). */
__u64 ei_session_unfollowed(struct ei_session *s, int *err);
/* Calls a path= rule of backend b could not decide: the path was not
 * readable (a bad address; from a kprobe also a page not yet in memory);
 * neither failed nor counted. */
__u64 ei_session_undecided(struct ei_session *s, int b);
/* Calls a site= rule could not decide: no frame of the caller's stack
 * could be found (seccomp); neither failed nor counted. */
__u64 ei_session_unwind_failed(struct ei_session *s);
/* What the command did with seccomp itself, which the seccomp backend's
 * own filter changes (0: nothing, or another backend); *pid the first
 * process that did. */
#define EI_OWN_SECCOMP_GET 1u      /* prctl(PR_GET_SECCOMP): says 2 */
#define EI_OWN_SECCOMP_FILTER 2u   /* a filter: its TRACE and LOG lose to USER_NOTIF */
#define EI_OWN_SECCOMP_LISTENER 4u /* a filter with a listener: EBUSY */
#define EI_OWN_SECCOMP_STRICT 8u   /* strict mode: EINVAL */
unsigned ei_session_own_seccomp(struct ei_session *s, pid_t *pid);
/* Broken invariants the kernel side met (a bug in errinj; each call ran
 * untouched), and in *thrown how many of them threw a BPF exception. */
__u64 ei_session_failed_checks(struct ei_session *s, __u64 *thrown);
/* Calls of syscall nr seen and injected in targets (ei_options.stats on
 * a BPF backend: counted only when asked); 0, or -1. */
int ei_session_stat(struct ei_session *s, int nr, struct ei_stat *out);
/* Whether syscall nr is attached: some rule of the session can fail it. */
bool ei_session_attached(struct ei_session *s, int nr);
/* The backend serving syscall nr (EI_BACKEND_*), -1 if none. */
int ei_session_backend(struct ei_session *s, int nr);
/* Rule i's syscalls as served (EI_NR_SYSCALLS bits), NULL past the rules. */
const __u64 *ei_session_rule_syscalls(struct ei_session *s, int rule);
/* explore's shared injector (ei_options.explore): the session may be
 * used by forked workers, each launching one run at a time as job
 * 1..EI_MAX_JOBS (distinct among the runs going on). Sets job's call to
 * fail (the lineage's n-th call of nr, with error) and makes this
 * process's next launch a run of job; -1 if the session is not one. */
int ei_session_explore_set(struct ei_session *s, int job, int nr, int error, __u64 n, __u64 lineage);
/* Calls job's run failed so far, and its target processes still alive. */
__u64 ei_session_explore_hits(struct ei_session *s, int job);
long long ei_session_explore_live(struct ei_session *s, int job);
/* Detaches and frees everything; NULL is fine. */
void ei_session_close(struct ei_session *s);
/* Calls fn for every syscall this kernel lets us fail; -1 if unknown. */
int ei_list_injectable(void (*fn)(const char *name, void *ctx), void *ctx);

#endif
