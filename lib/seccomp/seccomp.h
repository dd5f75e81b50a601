/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The seccomp backend (lib/engine/session.c drives it): no BPF,
 * no privilege. The launched command installs, just before its execve, a
 * filter that traps the rules' syscalls with SECCOMP_RET_USER_NOTIF;
 * errinj is the supervisor and answers each trapped call: fail it, fake
 * its result, delay it, poke its memory, or let it run.
 */
#ifndef ERRINJ_SECCOMP_H
#define ERRINJ_SECCOMP_H

#include <stdbool.h>
#include <sys/types.h>
#include "core/core.h"

struct ei_sup;
struct ei_sup_keeper;

struct ei_sup_options {
	const struct ei_rule *rules; /* encoded rules (ei_rule_encode); index = rule number */
	const struct ei_spec *specs; /* the same rules as given: delay_ns, poke_len, poke */
	int nrules;
	const struct ei_sysset *trap; /* the syscalls this backend serves */
	bool follow;                 /* the command's descendants are targets too */
	__u64 *rule_hits;            /* per rule, injections made (max=): shared with the BPF
				      * backends, so updated with __atomic builtins */
	ei_event_fn fn;              /* every injection, or NULL */
	void *ctx;
	/* Decide in the filter itself (SECCOMP_RET_ERRNO, no round trip) each
	 * syscall whose rules all fail every call they select with error=
	 * alone (no when=, prob=, max=, path=, site=; argK=/fd= allowed). The
	 * caller asks it only with follow, no fn and no statistics wanted:
	 * such a call is neither counted nor reported, and the command keeps
	 * failing it after errinj has gone. */
	bool in_filter;
	/* A keeper that serves the caller's sessions in turn (one at a
	 * time), instead of one forked per session; NULL: one per session. */
	struct ei_sup_keeper *keeper;
};

/* Whether this kernel lets this process supervise with user notification:
 * 0, or -1 with a sentence naming what is missing. */
int ei_sup_check(char *err, size_t len);
/* Prepares (before fork: shared memory for the handshake). NULL with a
 * sentence on failure. */
struct ei_sup *ei_sup_new(const struct ei_sup_options *o, char *err, size_t len);
/* In the launched child, after fork and just before execve; only
 * async-signal-safe calls: no_new_privs, the filter with a listener, whose
 * number it publishes in the shared memory, then a futex wait until the
 * parent holds the listener (no other syscall after the filter is in
 * place). Returns 0 or -errno. */
int ei_sup_child(struct ei_sup *s);
/* In the parent once the child runs: waits for the listener to be
 * published (or the child to die), takes it (pidfd_getfd), then answers
 * every call the child makes, uncounted and untouched, until its execve
 * has succeeded or failed: report_fd (a pipe's read end, whose write end
 * the child holds close-on-exec) then reads EOF or the exec's errno,
 * which *exec_errno gets (0 on success). A call that arrives after that
 * moment is the command's and is served normally. 0, or -1 with a
 * sentence. */
int ei_sup_start(struct ei_sup *s, pid_t child, int report_fd, int *exec_errno, char *err, size_t len);
/* A descriptor to poll: readable when ei_sup_handle has work. */
int ei_sup_fd(struct ei_sup *s);
/* Answers what is ready: trapped calls, processes gone, delays due.
 * Never blocks on one trapped call while others wait. */
int ei_sup_handle(struct ei_sup *s);
/* Milliseconds until the next delayed answer is due (rounded up), -1 if none. */
int ei_sup_timeout_ms(struct ei_sup *s);
/* Whether some process still holds the filter (the listener has not hung up). */
bool ei_sup_alive(struct ei_sup *s);
int ei_sup_stat(struct ei_sup *s, int nr, struct ei_stat *out);
/* Calls a path= rule could not decide (the path could not be read). */
__u64 ei_sup_undecided(struct ei_sup *s);
/* Calls a site= rule could not decide (no frame of the stack was found). */
__u64 ei_sup_unwind_failed(struct ei_sup *s);
/* Calls let run untouched because their process could not be followed
 * (its state could not be had: *err says why). */
__u64 ei_sup_unfollowed(struct ei_sup *s, int *err);
/* What the command did with seccomp itself (EI_OWN_SECCOMP_* of
 * engine/engine.h), and in *pid the first process that did. */
unsigned ei_sup_own_seccomp(struct ei_sup *s, pid_t *pid);
/* Closes the listener and frees. Processes still holding the filter then
 * have their trapped calls run untouched by the keeper, a process
 * ei_sup_start forks that holds the listener too and takes over whenever
 * this process stops supervising (this call, exit, any signal). */
void ei_sup_free(struct ei_sup *s);

/* A keeper for sessions made one after another by one process (explore's
 * worker): forked at the first session's start, then handed each one's
 * listener, so that a session costs no fork of it. While a session's
 * processes live it keeps them as a session's own keeper does; a session
 * that ends with processes still holding its filter leaves it to them
 * (the next gets a new one). NULL when out of memory. */
struct ei_sup_keeper *ei_sup_keeper_new(void);
/* Its process, 0 if none runs now: the caller's clean-up must spare it. */
pid_t ei_sup_keeper_pid(const struct ei_sup_keeper *k);
/* Ends it (it takes over the session it holds, if any) and frees. */
void ei_sup_keeper_free(struct ei_sup_keeper *k);

#endif
