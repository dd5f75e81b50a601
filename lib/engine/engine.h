/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The injection engine: what the running kernel and user allow (probes),
 * which backend serves each syscall (plan), and the session that loads
 * the BPF side or starts the seccomp supervisor and follows the targets.
 */
#ifndef ERRINJ_ENGINE_H
#define ERRINJ_ENGINE_H

#include <stdio.h>

#include "core/core.h"

/* ---- what this kernel and user can do ---- */
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
/* The sentence for a syscall (%s) not on that list. */
#define EI_NOT_ON_LIST "the kernel does not allow overriding %s (it is not on its error injection list)"
/* 1 if the running kernel has syscall nr (its __x64_sys_ entry point is
 * in /proc/kallsyms), 0 if not (a syscall newer than the kernel), -1 if
 * unknown. */
int ei_kernel_has_syscall(int nr);

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

struct ei_sup_keeper;

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
	bool in_filter;              /* seccomp: the rules that need nothing of errinj
				      * decided in the filter (ei_sup_options) */
	struct ei_sup_keeper *keeper; /* seccomp: a keeper serving sessions in turn
				      * (ei_sup_keeper_new), or NULL: one per session */
	bool stats;                  /* count calls seen and injected per syscall
				      * (ei_session_stat): a BPF backend's per-CPU
				      * lookup and add at every call of a target */
	/* Tests only (the tools set them from ERRINJ_TEST_* variables): */
	unsigned test_max_targets;   /* the targets map's size if not 0: a full map */
	bool test_fail_check;        /* a broken invariant at every call a rule selects */
	bool test_slow_add;          /* widen the window in which a launched command's
				      * entry exists but its state may not be set yet
				      * (see ei_session_launch) */
};

/* ---- backends: which one serves each syscall of the rules ---- */
/* Whether this kernel and user can use backend b at all (probed once;
 * lib/engine/facts.c): 0, or -1 with a sentence naming what is missing. */
int ei_backend_check(int b, char *err, size_t len);
/* Whether this kernel and user can use fmod_ret: a do-nothing program
 * loaded and attached for an instant. 0, or -1 with the sentence. */
int ei_fmod_ret_check(char *err, size_t len);
/* Whether syscall nr's entry function has BTF, which a fmod_ret program
 * needs (SYSCALL_DEFINE0 makes it an alias, which has none). */
bool ei_fmod_ret_btf(int nr);
/* Whether the running kernel's BTF has the kfunc NAME. */
bool ei_kernel_has_kfunc(const char *name);
/* Whether the running kernel has BPF exceptions: bpf_throw, and a JIT
 * that can unwind through it (a probe load; false without privilege). */
bool ei_bpf_exceptions(void);
/* What the planner needs to know of this kernel and user: per backend
 * whether it is usable and why not, per syscall of the rules what the
 * kernel has and allows. Syscalls no rule names, and all of them when no
 * BPF backend is usable, are left unknown (-1, no BTF). */
struct ei_facts {
	bool usable[EI_NR_BACKENDS];             /* ei_backend_check said yes */
	char why[EI_NR_BACKENDS][512];           /* if not, the sentence; "" if not probed */
	signed char has_syscall[EI_NR_SYSCALLS]; /* ei_kernel_has_syscall: 1, 0, -1 unknown */
	signed char injectable[EI_NR_SYSCALLS];  /* ei_syscall_injectable: 1, 0, -1 unknown */
	bool fmod_btf[EI_NR_SYSCALLS];           /* ei_fmod_ret_btf, probed where fmod_ret is usable */
	char release[65];                        /* uname -r, for messages */
};
/* Probes what the plan for options o needs: the backends o may use (the
 * forced one, or all but seccomp for explore, or all), the syscalls its
 * rules name. */
void ei_facts_gather(const struct ei_options *o, struct ei_facts *f);

/* What rule sp asks of the backends, decided here once for the plan and
 * for the tools' early checks: the key only the seccomp backend serves
 * (site=, delay_enter=, poke_enter=; NULL if none), and retval=0, which
 * fmod_ret cannot return. */
const char *ei_rule_seccomp_only(const struct ei_spec *sp);
bool ei_rule_retval0(const struct ei_spec *sp);
/* What the rules and the user's choice of backend and targets exclude
 * before anything is probed: targets is NULL for a command errinj
 * starts, else "-p" or "--cgroup". 0, or -1 with the sentence. */
int ei_rules_check(const struct ei_spec *specs, int n, int backend, const char *targets, char *err, size_t len);

/* Which backend serves each syscall: the cheapest that the facts allow
 * and that can serve every rule naming it (fmod_ret, then kprobe, then
 * seccomp; seccomp alone serves delay_enter=, poke_enter= and site=,
 * fmod_ret cannot return 0). All rules naming a syscall share its
 * backend, so that they count and fire in order. lib/engine/plan.c
 * states all the rules. */
struct ei_plan {
	signed char backend[EI_NR_SYSCALLS]; /* EI_BACKEND_*, -1: not attached */
	struct ei_sysset syscalls[EI_MAX_RULES]; /* each rule's, as served */
	unsigned used; /* bit 1 << EI_BACKEND_* for each backend in use */
};
/* A pure function of o and f. 0, or -1 with a sentence: a syscall named
 * one by one that no backend can serve, or a rule left with none. */
int ei_plan_make(const struct ei_options *o, const struct ei_facts *f, struct ei_plan *p, char *err, size_t len);

struct ei_session;

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
/* What the command did with seccomp itself (EI_OWN_SECCOMP_*); *pid the
 * first process that did. */
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
/* Rule i's syscalls as served, NULL past the rules. */
const struct ei_sysset *ei_session_rule_syscalls(struct ei_session *s, int rule);
/* explore's shared injector (ei_options.explore): the session may be
 * used by forked workers, each launching one run at a time as job
 * 1..EI_MAX_JOBS (distinct among the runs going on). Sets job's call to
 * fail (the lineage's n-th call of nr, with error; persist: every
 * process's n-th call of nr and every later one, as when=N+) and makes
 * this process's next launch a run of job; -1 if the session is not one. */
int ei_session_explore_set(struct ei_session *s, int job, int nr, int error, __u64 n, __u64 lineage, bool persist);
/* Calls job's run failed so far, and its target processes still alive. */
__u64 ei_session_explore_hits(struct ei_session *s, int job);
long long ei_session_explore_live(struct ei_session *s, int job);
/* Detaches and frees everything; NULL is fine. */
void ei_session_close(struct ei_session *s);
/* Calls fn for every syscall this kernel lets us fail; -1 if unknown. */
int ei_list_injectable(void (*fn)(const char *name, void *ctx), void *ctx);
/* The kernel's build options (/proc/config.gz or /boot/config-RELEASE),
 * malloc'd, NULL if unreadable; and the value of option opt in them. */
char *ei_kernel_config(void);
const char *ei_config_value(const char *cfg, const char *opt, char *buf, size_t len);
/* The running kernel's BTF, loaded once (NULL if it has none). */
struct btf *ei_vmlinux_btf(void);
/* The BTF id of syscall entry point __x64_sys_ENTRY, <= 0 if none. */
int ei_entry_btf_id(const char *entry);

#endif
