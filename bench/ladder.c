// SPDX-License-Identifier: GPL-2.0
/*
 * ladder kprobe|fmod_ret SYSCALL -- CMD [ARGS...]: attaches the steps of
 * bench/ladder.bpf.c (floor to errinj's whole unmatched path, one program
 * each) to SYSCALL's entry with CMD as the target, runs CMD, and prints
 * one line per step, "STEP RUNS NS-PER-RUN", from the kernel's own
 * statistics of each program (bpf_enable_stats, for as long as this
 * runs). LADDER_STEP=K: only step K. Exits with CMD's status; 1 if a
 * step could not be measured.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "errinj.h"
#include "core/core.h"
#include "ladder.skel.h"
#include "held.h"

#define STEPS 11

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

int main(int argc, char **argv)
{
	struct ladder_bpf *skel = NULL;
	struct bpf_link *links[STEPS] = {};
	struct bpf_program *progs[STEPS];
	struct held h = { -1, -1 };
	int ret = 1, stats_fd = -1;
	char fn[96];
	const char *only = getenv("LADDER_STEP");
	bool kprobe;
	int nr;

	if (argc < 5 || strcmp(argv[3], "--") || (strcmp(argv[1], "kprobe") && strcmp(argv[1], "fmod_ret"))) {
		fprintf(stderr, "usage: ladder kprobe|fmod_ret SYSCALL -- CMD [ARGS...]\n");
		return 2;
	}
	kprobe = !strcmp(argv[1], "kprobe");
	nr = ei_syscall_nr(argv[2]);
	if (nr < 0 || nr >= EI_NR_SYSCALLS) {
		fprintf(stderr, "ladder: unknown syscall '%s'\n", argv[2]);
		return 2;
	}
	snprintf(fn, sizeof(fn), "__x64_sys_%s", argv[2]);
	libbpf_set_print(quiet);
	/* The child waits until the programs are attached, then execs. */
	if (held_start(&h, argv + 4))
		return 1;
	skel = ladder_bpf__open();
	if (!skel)
		goto cleanup;
	skel->rodata->target = (__u32)h.pid;
	skel->rodata->rule.first = ~0ULL >> 1; /* a when= that never comes */
	skel->rodata->rule.last = ~0ULL >> 1;
	/* Steps 9-10: errinj's tables for that one rule on SYSCALL, its
	 * counter the entry's first. */
	skel->rodata->nr_rules = 1;
	skel->rodata->nr_slots = 1;
	skel->rodata->rules[0].first = skel->rodata->rule.first;
	skel->rodata->rules[0].last = skel->rodata->rule.last;
	skel->rodata->sys_nrules[nr] = 1;
	skel->rodata->sys_rule[nr][0] = 0;
	skel->rodata->sys_slot[nr][0] = 1;
	{
		struct bpf_program *k[STEPS] = { skel->progs.ladder_k0, skel->progs.ladder_k1, skel->progs.ladder_k2,
						 skel->progs.ladder_k3, skel->progs.ladder_k4, skel->progs.ladder_k5,
						 skel->progs.ladder_k6, skel->progs.ladder_k7, skel->progs.ladder_k8,
						 skel->progs.ladder_k9, skel->progs.ladder_k10 };
		struct bpf_program *f[STEPS] = { skel->progs.ladder_f0, skel->progs.ladder_f1, skel->progs.ladder_f2,
						 skel->progs.ladder_f3, skel->progs.ladder_f4, skel->progs.ladder_f5,
						 skel->progs.ladder_f6, skel->progs.ladder_f7, skel->progs.ladder_f8,
						 skel->progs.ladder_f9, skel->progs.ladder_f10 };
		for (int i = 0; i < STEPS; i++) {
			progs[i] = kprobe ? k[i] : f[i];
			bpf_program__set_autoload(kprobe ? f[i] : k[i], false);
			if (only && atoi(only) != i) {
				bpf_program__set_autoload(progs[i], false);
				progs[i] = NULL;
				continue;
			}
			if (!kprobe && bpf_program__set_attach_target(f[i], 0, fn))
				goto cleanup;
		}
	}
	skel->bss->maybe_target[((__u32)h.pid / 64) % (EI_PID_LIMIT / 64)] |= 1ULL << ((__u32)h.pid & 63);
	if (ladder_bpf__load(skel))
		goto cleanup;
	{
		/* The target's entry, as errinj makes it (state ACTIVE). */
		__u32 key = (__u32)h.pid;
		char value[bpf_map__value_size(skel->maps.targets)];
		/* The slot design's: slot 5 (any but the first), index 6. */
		__u32 slot = 5, idx = slot + 1;

		memset(value, 0, sizeof(value));
		if (bpf_map__update_elem(skel->maps.targets, &key, sizeof(key), value, sizeof(value), BPF_ANY) ||
		    bpf_map__update_elem(skel->maps.targets_pre, &key, sizeof(key), value, sizeof(value), BPF_ANY) ||
		    bpf_map__update_elem(skel->maps.slots, &slot, sizeof(slot), value, sizeof(value), BPF_ANY) ||
		    bpf_map__update_elem(skel->maps.pid_slot, &key, sizeof(key), &idx, sizeof(idx), BPF_ANY))
			goto cleanup;
	}
	stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (stats_fd < 0) {
		fprintf(stderr, "ladder: cannot enable the BPF statistics: %s\n", strerror(errno));
		goto cleanup;
	}
	/* The syscall number as errinj gives it to its kprobe: the cookie. */
	const char *sym = fn;
	__u64 cookie = (__u64)nr;
	LIBBPF_OPTS(bpf_kprobe_multi_opts, kopts, .syms = &sym, .cnt = 1, .cookies = &cookie);
	for (int i = 0; i < STEPS; i++) {
		if (!progs[i])
			continue;
		links[i] = kprobe ? bpf_program__attach_kprobe_multi_opts(progs[i], NULL, &kopts)
				  : bpf_program__attach_trace(progs[i]);
		if (!links[i]) {
			fprintf(stderr, "ladder: cannot attach step %d to %s: %s\n", i, fn, strerror(errno));
			goto cleanup;
		}
	}
	ret = held_run(&h);
	if (ret < 0) {
		ret = 1;
		goto cleanup;
	}
	for (int i = 0; i < STEPS; i++) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);
		if (!progs[i])
			continue;
		if (bpf_obj_get_info_by_fd(bpf_program__fd(progs[i]), &info, &len) || !info.run_cnt) {
			fprintf(stderr, "ladder: step %d made no run\n", i);
			ret = 1;
			continue;
		}
		printf("%d %llu %.1f\n", i, (unsigned long long)info.run_cnt,
		       (double)info.run_time_ns / (double)info.run_cnt);
	}
cleanup:
	held_end(&h);
	for (int i = 0; i < STEPS; i++)
		bpf_link__destroy(links[i]);
	if (stats_fd >= 0)
		close(stats_fd);
	ladder_bpf__destroy(skel);
	return ret;
}
