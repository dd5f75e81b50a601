/* SPDX-License-Identifier: GPL-2.0 */
/*
 * errinj's core: the errno, syscall and signal tables, the inject spec
 * parser and its rules, messages, process checks, JSON and the event
 * formatter. Pure user space: no libbpf, no libdw; every other
 * subsystem (engine, seccomp, unwind, explore) and every tool builds on it.
 */
#ifndef ERRINJ_CORE_H
#define ERRINJ_CORE_H

#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include <sys/types.h>

#include "errinj.h" /* structures shared with the kernel side */
#include "core/sysset.h"
#include "core/decide.h" /* which call fails: every backend's decision */

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
 * and syscalls.h, and strace's classes from lib/core/syscall-classes, by
 * lib/core/gen-syscalls.awk) ---- */
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
	struct ei_sysset syscalls;
	int nsyscalls;
	/* Syscalls named one by one (not through %class or /regex): an
	 * engine refuses these when the kernel cannot fail them, and drops
	 * the others. */
	struct ei_sysset named;
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
	unsigned keys; /* bit i: ei_spec_key_at(i) was given */
};

/* A key of a spec (argK stands for arg0..arg5). */
struct ei_spec_key {
	const char *name;
	const char *takes;  /* its value, as the man page names it */
	bool strace;        /* strace's -e inject= has it */
	unsigned backends;  /* 1 << EI_BACKEND_* of each that serves it; 0:
			     * strace's, which errinj refuses */
};
/* The i-th key, NULL past the last. */
const struct ei_spec_key *ei_spec_key_at(size_t i);

/* Parses the text after "inject=". Returns 0, or -1 with one line in err
 * naming the problem. */
int ei_spec_parse(const char *text, struct ei_spec *spec, char *err, size_t errlen);
/* The text after "fault=" (strace's): as inject=, error=ENOSYS unless
 * error= is given, and no retval= or signal=. */
int ei_fault_parse(const char *text, struct ei_spec *spec, char *err, size_t errlen);
/* Whether a rule has strace's keys only (no prob=, seed=, max=, path=,
 * fd=, argK= or site=) and values strace takes (when= below 65535). */
bool ei_spec_strace_only(const struct ei_spec *sp);
/* The backends (1 << EI_BACKEND_*) that serve every key of a rule. */
unsigned ei_spec_backends(const struct ei_spec *sp);
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
/* A file in memory for a command's output (close-on-exec), opened for
 * appending: a memfd has no f_pos lock, so threads writing at once at a
 * shared offset would write over each other's lines. -1 with errno. */
int ei_capture_fd(const char *name);

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
/* A thread's process (Tgid) and that process's parent (PPid) from its
 * /proc/TID/status, either pointer NULL if not wanted: 0, or -1 with
 * errno (ESRCH or ENOENT: it has gone). ei_proc_status_parse reads them
 * from the file's text (for a caller that reads the file itself). */
int ei_proc_status(pid_t tid, pid_t *tgid, pid_t *ppid);
int ei_proc_status_parse(const char *text, pid_t *tgid, pid_t *ppid);
/* The file's text into buf (NUL-terminated): 0, or -1 with errno. */
int ei_proc_status_read(pid_t tid, char *buf, size_t len);
/* Where the value of field ("SigBlk") starts in the file's text, NULL
 * if it has none. */
const char *ei_proc_status_field(const char *text, const char *field);
/* userapp beside the running tool, or in ../libexec/errinj once
 * installed: 0 with its path in buf, -1 if not found. */
int ei_userapp_path(char *buf, size_t len);
/* Route libbpf's log: shown only when verbose (-v). */

/* ---- output: injection events and the summary, text or JSON Lines ---- */
#include <stdio.h>

enum ei_format { EI_TEXT, EI_JSON };
/* One event as one line. realtime_offset_ns: CLOCK_REALTIME minus
 * CLOCK_MONOTONIC, for JSON's wall-clock time. */
void ei_write_event(FILE *f, const struct ei_event *e, enum ei_format fmt, long long realtime_offset_ns);
struct ei_summary_row {
	const char *syscall;
	__u64 calls, injected;
};
void ei_write_summary(FILE *f, const struct ei_summary_row *rows, int n, enum ei_format fmt);

/* ---- what backends report ---- */
/* Every injection event, to the session's consumer. */
typedef int (*ei_event_fn)(const struct ei_event *e, void *ctx);
/* What the command did with seccomp itself, which the seccomp backend's
 * own filter changes (0: nothing, or another backend). */
#define EI_OWN_SECCOMP_GET 1u      /* prctl(PR_GET_SECCOMP): says 2 */
#define EI_OWN_SECCOMP_FILTER 2u   /* a filter: its TRACE and LOG lose to USER_NOTIF */
#define EI_OWN_SECCOMP_LISTENER 4u /* a filter with a listener: EBUSY */
#define EI_OWN_SECCOMP_STRICT 8u   /* strict mode: EINVAL */

/* ---- backends' names (EI_BACKEND_* of errinj.h) ---- */
#define EI_BACKEND_AUTO (-1)
const char *ei_backend_name(int b); /* "kprobe", "fmod_ret", "seccomp" */
int ei_backend_parse(const char *s); /* EI_BACKEND_*, or -2 if unknown */

#include "core/json.h"

#endif
