/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User call stacks with elfutils' libdwfl (lib/unwind/unwind.c), for errinj
 * explore's reference run (lib/explore/trace.c: a thread stopped by ptrace) and
 * the seccomp backend's site= (lib/seccomp/supervisor.c: a thread blocked in a
 * seccomp notification, which nothing stops or traces).
 */
#ifndef ERRINJ_UNWIND_H
#define ERRINJ_UNWIND_H

#include <elfutils/libdwfl.h>
#include <stdbool.h>
#include <sys/types.h>

/* A Dwfl that finds a process's modules by their paths in /proc/PID/maps
 * and their debug information where elfutils looks for it. NULL if out
 * of memory. */
Dwfl *ei_dwfl_begin(void);
/* Reports pid's modules as they are now: a module mapped since the last
 * report is added, one gone is dropped, those unchanged are kept with
 * what was read of them. 0, or -1. */
int ei_dwfl_report(Dwfl *dwfl, pid_t pid);
/* The address to look a frame up by: a return address points after its
 * call, so one byte back (the call itself); the first frame's pc as is.
 * false if libdwfl has none. */
bool ei_frame_pc(Dwfl_Frame *state, Dwarf_Addr *pc);
/* The function at pc of module m by its symbol tables (lib/unwind/symname.c),
 * NULL where no symbol's extent holds pc: never the nearest other name. */
const char *ei_frame_func(Dwfl_Module *m, Dwarf_Addr pc);
/* pc as an address of the module's file, what addr2line -e FILE takes:
 * pc less the load bias. */
Dwarf_Addr ei_frame_addr(Dwfl_Module *m, Dwarf_Addr pc);

/* ---- stacks of threads blocked in a syscall (site=) ---- */
#define EI_STACK_MAX_FRAMES 256

struct ei_stack; /* one per process: its modules, read once */
/* NULL if out of memory. */
struct ei_stack *ei_stack_new(pid_t tgid);
void ei_stack_free(struct ei_stack *st);
/* Unwinds thread tid of the process, which must be blocked in syscall nr
 * (held by a seccomp notification): how many frames were found, 0 if
 * none (the thread is not in that call, its registers or memory cannot
 * be read, or its pc is in no module). The caller must check afterwards
 * that the thread is still in its call: else what was read may be
 * another's. */
int ei_stack_unwind(struct ei_stack *st, pid_t tid, int nr);
/* Whether a frame of the last unwinding is in a function named name
 * (or in one of the names of its address: fopen, fopen64 and _IO_fopen
 * are one function). */
bool ei_stack_has(struct ei_stack *st, const char *name);

#endif
