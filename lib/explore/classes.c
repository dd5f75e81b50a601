// SPDX-License-Identifier: GPL-2.0
/*
 * The names of the classes of a run, which the report (report.c), the
 * merge (merge.c) and the suppressions (suppress.c) share: a file of
 * its own, so that none of them depends on another for it.
 */
#include "explore/internal.h"

const char *const ei_cls_name[C_NCLASSES] = { "crashed", "hung", "lost", "changed", "absorbed", "handled",
						  "unreached", "error" };
