/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The classic BPF seccomp filter both user-space mechanisms install in
 * the command: the seccomp backend's (SECCOMP_RET_USER_NOTIF) and errinj
 * explore's tracer (SECCOMP_RET_TRACE). One generator, so that both trap
 * exactly the calls they name.
 */
#ifndef ERRINJ_CBPF_H
#define ERRINJ_CBPF_H

#include <linux/filter.h>
#include <linux/types.h>

/* A call the filter fails itself (SECCOMP_RET_ERRNO), with no round
 * trip: syscall nr, when each of its nwords 32-bit words of seccomp_data
 * (off: a byte offset into it) has (word & mask) == value. */
struct ei_cbpf_errno {
	__u32 nr;
	__u32 error; /* 1..4095 */
	int nwords;
	struct {
		__u32 off, mask, value;
	} w[12];
};

struct ei_cbpf {
	__u32 action; /* SECCOMP_RET_* for a listed syscall */
	/* Tested first, in order; the first that holds decides. */
	const struct ei_cbpf_errno *errnos;
	int nerrnos;
	/* -1, or a listed syscall that takes the action only when the low
	 * word of its first argument is cond_arg[0] or cond_arg[1] (the
	 * others are allowed). */
	int cond_nr;
	__u32 cond_arg[2];
};

/* Instructions of the filter for the n sorted syscall numbers nrs. */
int ei_cbpf_size(const __u32 *nrs, int n, const struct ei_cbpf *o);
/* Writes that filter into f (room for ei_cbpf_size instructions): calls
 * of x86_64 whose number is listed take o->action; every other call,
 * other architectures' and x32's included, is allowed. Returns the
 * number of instructions written. */
int ei_cbpf_build(const __u32 *nrs, int n, const struct ei_cbpf *o, struct sock_filter *f);

#endif
