/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by samples/map_test.bpf.c and samples/map_test.c. */
#ifndef MAP_TEST_H
#define MAP_TEST_H

enum { MT_HASH = 0, MT_ARRAY = 1 };
enum { MT_UPDATE = 1, MT_DELETE = 2, MT_LOOKUP = 3 };

struct map_cmd {
	__u32 seq;
	__u32 map;
	__u32 op;
	__u32 key;
	__u64 value;
};

struct map_result {
	__u32 seq;
	__s32 ret;
	__u32 found;
	__u32 pad;
	__u64 value;
};

#endif
