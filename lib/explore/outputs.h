/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The regular files explore's command writes or removes (lib/explore/
 * outputs.c): seen by the reference run's tracer before each call that
 * opens one for writing, truncates, removes or renames one, each file's
 * content kept as it was before the command first changed it. Every run
 * starts from those contents, and what a run leaves in them is compared
 * with what the reference run left.
 */
#ifndef ERRINJ_EXPLORE_OUTPUTS_H
#define ERRINJ_EXPLORE_OUTPUTS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/user.h>

#include "core/core.h"

struct ei_ofile {
	char *path;
	bool existed;   /* before the command changed it */
	char *data;     /* its content then */
	size_t len;
	mode_t mode;
	__u64 ref;      /* its state after the reference run (0: absent) */
	off_t ref_size; /* its size then */
	bool compared;  /* false: the control run changed it too */
};

struct ei_outputs {
	struct ei_ofile *f;
	int n, cap;
	size_t bytes;   /* kept, all files together */
	int too_big;    /* files not kept: over the limit */
};

/* The syscalls the tracer must stop at for ei_outputs_stop, added to s. */
void ei_outputs_syscalls(struct ei_sysset *s);
/* A seccomp stop of thread tid, before its call (regs): a file the call
 * may change, kept if new. -1 when out of memory. */
int ei_outputs_stop(struct ei_outputs *o, pid_t tid, const struct user_regs_struct *regs);
/* After the reference run: each file's state, the one runs must leave;
 * a note on stderr names the files (explore rewrites them) and a warning
 * says how many were too large to keep. */
void ei_outputs_reference(struct ei_outputs *o);
/* The files put back as they were before the command changed them; -1
 * with a sentence when one cannot be. */
int ei_outputs_restore(const struct ei_outputs *o, char *err, size_t len);
/* The state of the compared files now, as one hash; and the reference's. */
__u64 ei_outputs_state(const struct ei_outputs *o);
__u64 ei_outputs_ref_state(const struct ei_outputs *o);
/* Whether every compared file has the size the reference run left it
 * with (absent as it was, or a regular file as long). */
bool ei_outputs_same_sizes(const struct ei_outputs *o);
/* After the control run: files it left otherwise than the reference are
 * compared no more, each said on stderr. */
void ei_outputs_drop_unstable(struct ei_outputs *o);
/* What a lost run changed: "stdout" if stdout_differs, then the compared
 * files whose state now is not the reference's, ", " between (a few
 * named, then how many more); NULL when out of memory. */
char *ei_outputs_lost(const struct ei_outputs *o, bool stdout_differs);
void ei_outputs_free(struct ei_outputs *o);

#endif
