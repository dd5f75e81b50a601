/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Structures shared by the kernel side (bpf/errinj.bpf.c) and user space
 * (lib/engine/session.c). Plain fixed-size types only: both compilers must agree
 * on the layout.
 */
#ifndef ERRINJ_BPF_SHARED_H
#define ERRINJ_BPF_SHARED_H

#define EI_MAX_RULES 128 /* a power of two: the kernel side masks rule indices */
#define EI_NR_SYSCALLS 512 /* syscall numbers below this can be injected */
#define EI_COMM_LEN 16
#define EI_PATH_MAX 256    /* bytes of a path argument that are compared */
#define EI_PATTERN_MAX 128 /* path= pattern, with its NUL */
#define EI_NO_ARG 255      /* ei_sysinfo.path_arg: the syscall takes no path */

/* Argument filters of a rule (ei_rule.filters). */
#define EI_FILTER_ARG(k) (1u << (k)) /* args[k] & arg_mask[k] == arg_value[k] */
#define EI_FILTER_PATH (1u << 8)     /* the path argument matches pattern */
#define EI_FILTER_PATH_OPEN (1u << 9) /* pattern ends with '*' (may match a truncated path) */

/* What a rule does when it fires (ei_rule.actions). */
#define EI_ACT_ERROR 1u  /* return -error */
#define EI_ACT_RETVAL 2u /* return retval without running the syscall */
#define EI_ACT_SIGNAL 4u /* send signal to the calling thread */
/* Served only by the seccomp backend (user space), never by the kernel side: */
#define EI_ACT_DELAY 8u  /* delay_enter=: hold the call that long before it runs or fails */
#define EI_ACT_POKE 16u  /* poke_enter=: write bytes where pointer arguments point, first */
#define EI_POKE_MAX 1024 /* bytes per poke_enter= argument, as strace */
#define EI_ACT_POKE_FAILED 32u /* in an event only: a poke_enter= could not be written */

/* Backends: what serves a syscall's rules (ei_event.backend). */
#define EI_BACKEND_KPROBE 0   /* kprobe or kprobe.multi + bpf_override_return */
#define EI_BACKEND_FMOD_RET 1 /* sleepable BPF_MODIFY_RETURN on the entry function */
#define EI_BACKEND_SECCOMP 2  /* seccomp user notification, errinj the supervisor */
#define EI_NR_BACKENDS 3

/* A target's state (ei_target.state). ACTIVE is 0 so that an entry
 * created from the zeroed template is active until told otherwise. */
#define EI_TARGET_ACTIVE 0
#define EI_TARGET_PENDING 1 /* launcher child: waits for its own execve */

/* Targets map size: at most this many live target processes; at least
 * pid_max where that is smaller (then it can never be full). */
#define EI_MAX_TARGETS (1 << 18)
/* Global pids are below this (the kernel's PID_MAX_LIMIT on 64-bit): a
 * bit per pid says whether it may be a target, so that a bystander's
 * call costs a bit test rather than a hash lookup. */
#define EI_PID_LIMIT (1 << 22)
/* Counters a target process can hold: one per (rule, syscall) pair of
 * the rules that count calls (when= other than 1+, or a seeded prob=). */
#define EI_MAX_SLOTS (EI_MAX_RULES * EI_NR_SYSCALLS)
/* But a target holds at most this many (ei_target.counts: 64 KiB). */
#define EI_MAX_COUNTERS 8192

/* Results of the add-target iterator (errinj_add). */
#define EI_ADD_NONE 0   /* no process with that pid in errinj's pid namespace */
#define EI_ADD_OK 1
#define EI_ADD_EXITED 2 /* it has exited (a zombie): never a target */
#define EI_ADD_FULL 3   /* the targets map is full */

/* A set of syscall numbers: bit nr % 64 of word nr / 64. User space
 * works on it through lib/core/sysset.h. */
struct ei_sysset {
	__u64 w[EI_NR_SYSCALLS / 64];
};

struct ei_rule {
	struct ei_sysset syscalls;
	__u32 actions;
	__s32 error;     /* positive errno */
	__s64 retval;
	__u32 signal;
	__u32 has_seed;
	__u64 first;     /* when=: 1-based call numbers */
	__u64 last;      /* 0: no upper bound */
	__u64 step;      /* 0: only `first` */
	__u64 prob;      /* fires if a 32-bit random value < prob; 1<<32: always */
	__u64 seed;
	__u64 max;       /* at most this many injections; 0: no limit */
	__u32 filters;   /* EI_FILTER_*: all must hold, before counting */
	__u32 pad;
	__u64 arg_mask[6];
	__u64 arg_value[6];
	char pattern[EI_PATTERN_MAX]; /* glob: '*' any run of bytes, '?' one byte */
};

/* Per syscall number, from the generated syscall table. */
struct ei_sysinfo {
	__u8 path_arg;  /* EI_NO_ARG if none */
	__u8 fd_first;  /* args[0] is the descriptor operated on */
	__u8 pad[6];
	/* Per argument, the bits the kernel uses: an int argument is its
	 * register's low 32 bits (argK= compares only those). */
	__u64 arg_bits[6];
};

/* The call being decided, on the program's stack (the per-rule step,
 * a bpf_loop callback, gets a pointer to it). */
struct ei_kcall {
	__u64 args[6];   /* the syscall's arguments, read when needed */
	__u64 regs;      /* the call's struct pt_regs *, for reading them */
	__u32 tgid;
	__u32 nr;
	__u32 fired;     /* the rule that fires, EI_MAX_RULES if none yet */
	__u32 have_args; /* args holds the call's arguments */
	__u32 have_path; /* the scratch space holds the call's path argument */
	__u32 failed;    /* a per-rule step found an invariant broken */
	__u32 job;       /* explore: the calling target's run (ei_target.job) */
	__s32 x_err;     /* explore: the errno its run fails the call with */
};

/* Scratch space of the kernel side for a path filter (too big for its
 * stack): per CPU for kprobe, per task for the sleepable fmod_ret. */
struct ei_scratch {
	char path[EI_PATH_MAX];
	char pat[EI_PATTERN_MAX];
	__s32 len;       /* bytes of path read, without the NUL; -1: unreadable */
	__u32 truncated; /* the path may go on past what was read */
};

/* The targets map's value: a process (by global tgid) and its call
 * counters, which live and die with the entry (the map's value size is
 * set at load to hold nr_slots counters). */
struct ei_target {
	__u32 state;
	__u32 job;       /* explore: 1 + its run's index in xjobs, 0 for none */
	__u64 start;     /* its leader's start_time: a reused pid is another process */
	__u64 lineage;   /* its place in the process tree, for seed= */
	__u64 nchildren; /* processes it has forked while a target */
	__u64 counts[];  /* calls seen per slot (rule, syscall) */
};

/* errinj explore keeps one injector loaded for all its runs (several
 * at once): each run's processes carry the run's number (ei_target.job,
 * inherited at fork), and the run says which one call fails. */
#define EI_MAX_JOBS 256
struct ei_xjob {
	__u32 nr;      /* the syscall; EI_NR_SYSCALLS: none */
	__s32 error;   /* positive errno */
	__u64 n;       /* the process's n-th call of nr (as when= counts) */
	__u64 lineage; /* the process, by its place in the process tree */
	__u64 hits;    /* calls failed */
	__s64 live;    /* target processes of the run still alive */
	__u64 persist; /* non-zero: the n-th call and every later one fail, in
			* every process of the run (as when=N+) */
};

struct ei_stat {
	__u64 seen;     /* calls of an attached syscall by targets */
	__u64 injected;
};

struct ei_event {
	__u64 ts_ns;    /* CLOCK_MONOTONIC */
	__u32 pid;      /* tgid */
	__u32 tid;
	__u32 nr;
	__u32 rule;
	__u32 actions;
	__u32 signal;
	__s64 result;   /* -errno or retval; unused for a signal alone */
	__u64 args[6];
	__s32 path_len; /* -1: no path argument or unreadable */
	__u32 path_truncated;
	__u32 backend;  /* EI_BACKEND_* */
	__u32 pad;
	__u64 delay_ns; /* EI_ACT_DELAY: how long the call was held */
	char comm[EI_COMM_LEN];
	char path[EI_PATH_MAX];
};

#endif
