// SPDX-License-Identifier: GPL-2.0
/*
 * floor kprobe|fmod_ret SYSCALL fire|compare|bystander -- CMD [ARGS...]:
 * attaches the minimal program of a mechanism (bench/floor.bpf.c) to
 * SYSCALL's entry, runs CMD, and exits with its status. fire: CMD's calls
 * fail with EPERM; compare: CMD is the target but its calls run (the
 * comparison only); bystander: the target is a process that is not CMD
 * (init), so CMD pays only the program's run.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <bpf/libbpf.h>
#include "floor.skel.h"
#include "held.h"

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

int main(int argc, char **argv)
{
	struct floor_bpf *skel = NULL;
	struct bpf_link *link = NULL;
	struct held h = { -1, -1 };
	int ret = 1;
	bool kprobe, fire, bystander;
	char fn[96];

	if (argc < 6 || strcmp(argv[4], "--") || (strcmp(argv[1], "kprobe") && strcmp(argv[1], "fmod_ret")) ||
	    (strcmp(argv[3], "fire") && strcmp(argv[3], "compare") && strcmp(argv[3], "bystander"))) {
		fprintf(stderr, "usage: floor kprobe|fmod_ret SYSCALL fire|compare|bystander -- CMD [ARGS...]\n");
		return 2;
	}
	kprobe = !strcmp(argv[1], "kprobe");
	fire = strcmp(argv[3], "compare") != 0;
	bystander = !strcmp(argv[3], "bystander");
	snprintf(fn, sizeof(fn), "__x64_sys_%s", argv[2]);
	libbpf_set_print(quiet);
	/* The child waits until the program is attached, then execs. */
	if (held_start(&h, argv + 5))
		return 1;
	skel = floor_bpf__open();
	if (!skel)
		goto cleanup;
	skel->rodata->target = bystander ? 1 : (__u32)h.pid;
	skel->rodata->fire = fire;
	bpf_program__set_autoload(kprobe ? skel->progs.floor_fmod : skel->progs.floor_kprobe, false);
	if (!kprobe && bpf_program__set_attach_target(skel->progs.floor_fmod, 0, fn))
		goto cleanup;
	if (floor_bpf__load(skel))
		goto cleanup;
	link = kprobe ? bpf_program__attach_kprobe_multi_opts(skel->progs.floor_kprobe, fn, NULL)
		      : bpf_program__attach_trace(skel->progs.floor_fmod);
	if (!link) {
		fprintf(stderr, "floor: cannot attach to %s: %s\n", fn, strerror(errno));
		goto cleanup;
	}
	ret = held_run(&h);
	if (ret < 0)
		ret = 1;
cleanup:
	held_end(&h);
	bpf_link__destroy(link);
	floor_bpf__destroy(skel);
	return ret;
}
