// SPDX-License-Identifier: GPL-2.0
/*
 * map_test: hash and array maps, used from both sides. The kernel side
 * (map_test.bpf.c) updates, deletes and looks up on our getpid(2) calls;
 * this side checks what it did with its own lookups and updates.
 * Prints one line per check and exits 0 only if all of them hold.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <bpf/libbpf.h>
#include <linux/types.h>

#include "engine/engine.h"
#include "map_test.h"
#include "map_test.skel.h"

static struct map_test_bpf *skel;
static int failed, passed;

/* Have the kernel side run one operation; returns its result. */
static struct map_result kernel_op(__u32 map, __u32 op, __u32 key, __u64 value)
{
	static __u32 seq;
	struct map_cmd c = { .seq = ++seq, .map = map, .op = op, .key = key, .value = value };
	struct map_result r = {};
	__u32 zero = 0;

	bpf_map__update_elem(skel->maps.cmd, &zero, sizeof(zero), &c, sizeof(c), BPF_ANY);
	syscall(SYS_getpid);
	bpf_map__lookup_elem(skel->maps.result, &zero, sizeof(zero), &r, sizeof(r), 0);
	if (r.seq != c.seq)
		r.ret = -9999; /* the kernel side did not run */
	return r;
}

static bool check(bool ok, const char *what)
{
	printf("%s - %s\n", ok ? "ok" : "FAIL", what);
	ok ? passed++ : failed++;
	return ok;
}

static bool user_lookup(struct bpf_map *m, __u32 key, __u64 *val)
{
	return bpf_map__lookup_elem(m, &key, sizeof(key), val, sizeof(*val), 0) == 0;
}

int main(void)
{
	struct map_result r;
	__u64 v = 0;
	__u32 key;

	ei_set_progname("map_test");
	ei_libbpf_log(false);
	skel = map_test_bpf__open();
	if (!skel) {
		ei_msg("cannot open the program: %s", strerror(errno));
		return EI_EXIT_FAIL;
	}
	skel->rodata->target_tgid = getpid();
	if (map_test_bpf__load(skel) || map_test_bpf__attach(skel)) {
		ei_msg("cannot load or attach the program: %s", strerror(errno));
		map_test_bpf__destroy(skel);
		return EI_EXIT_FAIL;
	}

	/* hash: kernel writes, user reads */
	r = kernel_op(MT_HASH, MT_UPDATE, 1, 100);
	check(r.ret == 0, "kernel updates hash[1] = 100");
	check(user_lookup(skel->maps.hash, 1, &v) && v == 100, "user sees hash[1] == 100");
	/* hash: user writes, kernel reads */
	key = 2;
	v = 200;
	bpf_map__update_elem(skel->maps.hash, &key, sizeof(key), &v, sizeof(v), BPF_ANY);
	r = kernel_op(MT_HASH, MT_LOOKUP, 2, 0);
	check(r.ret == 0 && r.found && r.value == 200, "kernel sees hash[2] == 200 set by user");
	/* hash: kernel deletes */
	r = kernel_op(MT_HASH, MT_DELETE, 1, 0);
	check(r.ret == 0, "kernel deletes hash[1]");
	check(!user_lookup(skel->maps.hash, 1, &v) && errno == ENOENT, "user finds hash[1] gone");
	r = kernel_op(MT_HASH, MT_LOOKUP, 7, 0);
	check(r.ret == 0 && !r.found, "kernel lookup of a missing hash key finds nothing");
	r = kernel_op(MT_HASH, MT_DELETE, 7, 0);
	check(r.ret == -ENOENT, "kernel delete of a missing hash key gives -ENOENT");
	/* array: kernel writes, user reads; elements cannot be deleted */
	r = kernel_op(MT_ARRAY, MT_UPDATE, 3, 33);
	check(r.ret == 0, "kernel updates array[3] = 33");
	check(user_lookup(skel->maps.array, 3, &v) && v == 33, "user sees array[3] == 33");
	r = kernel_op(MT_ARRAY, MT_DELETE, 3, 0);
	check(r.ret == -EINVAL, "kernel delete on an array gives -EINVAL");
	check(user_lookup(skel->maps.array, 5, &v) && v == 0, "user sees untouched array[5] == 0");
	r = kernel_op(MT_ARRAY, MT_UPDATE, 16, 1);
	check(r.ret == -E2BIG, "kernel update past the array's end gives -E2BIG");

	printf("map_test: %d checks, %d failed\n", passed + failed, failed);
	map_test_bpf__destroy(skel);
	return failed ? 1 : 0;
}
