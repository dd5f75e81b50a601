/* SPDX-License-Identifier: GPL-2.0 */
/*
 * explore's reference run (lib/explore/trace.c): the command under ptrace,
 * every call of the selected syscalls recorded with its user call stack.
 * The tracer knows nothing of the runs made from what it records.
 */
#ifndef ERRINJ_EXPLORE_TRACE_H
#define ERRINJ_EXPLORE_TRACE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/core.h"
#include "explore/outputs.h"

#define EI_EXPLORE_MAX_FRAMES 32

/* One frame of a call stack: the module (its path and, when it has one,
 * its build-id) and the offset in it, which stay the same from run to run
 * whatever the load address; then what debug information or the symbol
 * table says of it. */
struct ei_frame {
	char *module;
	char *build_id; /* hex, NULL if none */
	__u64 offset;   /* the address in the module's file (pc less its load bias), for addr2line */
	char *func;     /* NULL if unknown */
	char *file;     /* NULL if no line information */
	int line;
	bool own;       /* in the calling process's main executable */
};

/* A call site: one syscall made from one user call stack. */
struct ei_site {
	char *key;              /* the stack as (module id, offset) frames, and the syscall */
	int nr;
	struct ei_frame *frames;
	int nframes;
	int shown;              /* the frame shown: the first in the process's own executable, else 0 */
	int calls;              /* calls made from it in the reference run */
	int first;              /* index of its first call */
};

/* What the descriptor a call names in its first argument is, at the
 * call (stat of /proc/PID/fd/N): the errors the kernel can give depend
 * on it (lib/explore/errnos.c). */
enum ei_fd_kind {
	EI_FD_NONE,	/* the first argument is no open descriptor */
	EI_FD_REG,	/* a regular file (a memfd too) */
	EI_FD_DIR,
	EI_FD_FIFO,	/* a pipe or a FIFO */
	EI_FD_SOCK,
	EI_FD_TTY,	/* a terminal: major 4, 5 or 136-143 */
	EI_FD_CHR,	/* another character device (/dev/null...) */
	EI_FD_BLK,
	EI_FD_ANON,	/* an anonymous inode: eventfd, epoll, signalfd... */
};

/* One call of the reference run. */
struct ei_call {
	int proc;      /* index of the process in order of appearance, 0 the command */
	int nr;
	__u64 n;       /* the process's n-th call of nr (1-based), as when= counts */
	long long ret; /* its result: -errno on failure */
	int site;
	__u64 args[6];
	/* For a %desc syscall whose first argument is an open descriptor:
	 * its kind, its file status flags (O_NONBLOCK, O_APPEND...), and
	 * whether SIGPIPE is ignored or blocked in the calling thread (then a
	 * write to a pipe without readers returns EPIPE, else it kills). */
	__u8 fd_kind;  /* enum ei_fd_kind */
	bool sigpipe_off;
	int fd_flags;
	/* For a syscall that takes a path: the path as passed, if it fits a
	 * path= pattern (EI_PATTERN_MAX); NULL if none, longer or unreadable. */
	char *path;
};

struct ei_trace {
	struct ei_call *calls;
	int ncalls;
	struct ei_site *sites;
	int nsites;
	int nprocs;
	char **lineage;  /* per process: "1", "1.2" (the command's second child) */
	__u64 *ncalls_of; /* per process, nprocs x EI_NR_SYSCALLS: how many calls
			   * of each syscall it made */
	__u64 *key;      /* per process: its lineage as errinj's backends compute it
			  * for seed= (ei_lineage_key) */
	int status;      /* the command's wait status */
	char *out;       /* its stdout (stderr: errout) */
	size_t outlen;
	char *errout;
	size_t errlen;
	double seconds;
	bool unwind_failed; /* some stack could not be unwound at all */
	struct ei_outputs outputs; /* the regular files it changed (outputs.c) */
};

/* Runs argv under ptrace, stopping only on the syscalls of set and those
 * that change files (a seccomp filter returning SECCOMP_RET_TRACE), stdin
 * from the file in (NULL: /dev/null), stdout and stderr captured; -1 with
 * a sentence on failure. */
int ei_trace_run(char *const argv[], const struct ei_sysset *set, const char *in, struct ei_trace *t, char *err,
		 size_t len);
void ei_trace_free(struct ei_trace *t);

#endif
