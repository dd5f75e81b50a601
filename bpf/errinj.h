/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Structures shared by the kernel side (bpf/errinj.bpf.c) and user space
 * (lib/engine.c). Plain fixed-size types only: both compilers must agree
 * on the layout.
 */
#ifndef ERRINJ_BPF_SHARED_H
#define ERRINJ_BPF_SHARED_H

#define EI_MAX_RULES 16
#define EI_NR_SYSCALLS 512 /* syscall numbers below this can be injected */
#define EI_COMM_LEN 16

/* What a rule does when it fires (ei_rule.actions). */
#define EI_ACT_ERROR 1u  /* return -error */
#define EI_ACT_RETVAL 2u /* return retval without running the syscall */
#define EI_ACT_SIGNAL 4u /* send signal to the calling thread */

/* A target's state (ei_target.state). */
#define EI_TARGET_PENDING 0 /* launcher child: waits for its own execve */
#define EI_TARGET_ACTIVE 1

struct ei_rule {
	__u64 syscalls[EI_NR_SYSCALLS / 64]; /* bitmap of syscall numbers */
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
};

struct ei_target {
	__u32 serial; /* unique per target process, keys its call counters */
	__u32 state;
};

/* Per process, rule and syscall: how many calls were seen. */
struct ei_count_key {
	__u32 serial;
	__u16 nr;
	__u16 rule;
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
	char comm[EI_COMM_LEN];
};

#endif
