// SPDX-License-Identifier: GPL-2.0
/*
 * map_test: the kernel side runs one map operation per getpid(2) of the
 * test process, as told by the `cmd` map, and leaves the outcome in
 * `result`, so that user space can check both directions.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "map_test.h"

const volatile __u32 target_tgid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} array SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct map_cmd);
} cmd SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct map_result);
} result SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getpid")
int map_op(void *ctx)
{
	__u32 zero = 0;
	struct map_cmd *c;
	struct map_result *r;
	__u64 *v;
	void *map;

	if ((bpf_get_current_pid_tgid() >> 32) != target_tgid)
		return 0;
	c = bpf_map_lookup_elem(&cmd, &zero);
	r = bpf_map_lookup_elem(&result, &zero);
	if (!c || !r)
		return 0;
	map = c->map == MT_ARRAY ? (void *)&array : (void *)&hash;
	r->seq = c->seq;
	r->found = 0;
	r->value = 0;
	switch (c->op) {
	case MT_UPDATE:
		r->ret = bpf_map_update_elem(map, &c->key, &c->value, BPF_ANY);
		break;
	case MT_DELETE:
		r->ret = bpf_map_delete_elem(map, &c->key);
		break;
	case MT_LOOKUP:
		v = bpf_map_lookup_elem(map, &c->key);
		r->ret = 0;
		if (v) {
			r->found = 1;
			r->value = *v;
		}
		break;
	default:
		r->ret = -22;
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
