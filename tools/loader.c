// SPDX-License-Identifier: GPL-2.0
/*
 * loader <syscall> <errno> [-- CMD [ARGS...]]
 *
 * The original interface: load bpf/err_injector.bpf.c, attach it at the
 * entry of <syscall>, fork; the child stores its pid in the target map and
 * execs userapp (the one beside this binary) or CMD. Exits with the
 * child's status (128+N if killed by signal N). Silent on success.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <bpf/libbpf.h>

#include "liberrinj.h"
#include "err_injector.skel.h"

static volatile pid_t child_pid;

static void forward(int sig)
{
	if (child_pid > 0)
		kill(child_pid, sig);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: loader [-v] <syscall> <errno> [-- CMD [ARGS...]]\n"
		"Make <syscall> fail with <errno> (a name such as EINVAL, or 1..4095) in\n"
		"userapp, or in CMD, through a kprobe with bpf_override_return.\n"
		"  -v  show libbpf's log\n"
		"\n"
		"EXAMPLES:\n"
		"  loader dup 22                 userapp prints 'dup: Invalid argument'\n"
		"  loader openat ENOENT -- cat /etc/hostname\n");
}

/* userapp lives beside the loader binary, wherever the loader is run from. */
static int userapp_path(char *buf, size_t len)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n < 0)
		return -1;
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	if ((size_t)snprintf(buf, len, "%s/userapp", self) >= len)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	struct err_injector_bpf *skel = NULL;
	struct bpf_link *link = NULL;
	char userapp[PATH_MAX];
	char *default_cmd[] = { userapp, NULL };
	char **cmd = NULL;
	bool verbose = false;
	int nr, err, status, ret = EI_EXIT_FAIL, argi = 1;
	__u32 key = 0, val;

	ei_set_progname("loader");
	ei_refuse_setid();
	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return 0;
	}
	if (argc > 1 && (!strcmp(argv[1], "-v") || !strcmp(argv[1], "--verbose"))) {
		verbose = true;
		argi++;
	}
	if (argc - argi < 2)
		ei_usage_error("usage: loader [-v] <syscall> <errno> [-- CMD [ARGS...]]");
	if (argc - argi > 2) {
		if (strcmp(argv[argi + 2], "--"))
			ei_usage_error("unexpected argument '%s': a command goes after '--'",
				       argv[argi + 2]);
		if (argc - argi == 3)
			ei_usage_error("missing command after '--'");
		cmd = &argv[argi + 3];
	}

	nr = ei_syscall_nr(argv[argi]);
	if (nr < 0) {
		const char *hint = ei_syscall_suggest(argv[argi]);
		if (hint)
			ei_usage_error("unknown syscall '%s' (did you mean '%s'?)", argv[argi], hint);
		ei_usage_error("unknown syscall '%s'", argv[argi]);
	}
	err = ei_errno_parse(argv[argi + 1]);
	if (err < 0)
		ei_usage_error("invalid errno '%s': expected 1..%d or a name such as EINVAL",
			       argv[argi + 1], EI_ERRNO_MAX);
	if (!cmd) {
		if (userapp_path(userapp, sizeof(userapp)))
			ei_usage_error("cannot locate userapp beside the loader");
		cmd = default_cmd;
	}

	ei_libbpf_log(verbose);
	enum ei_support sup = ei_check_kprobe_override();
	if (sup != EI_SUPPORTED) {
		ei_msg("%s", ei_support_message(sup));
		return EI_EXIT_FAIL;
	}
	if (ei_syscall_injectable(nr) == 0) {
		ei_msg("the kernel does not allow overriding %s (it is not on its error injection list)",
		       argv[argi]);
		return EI_EXIT_FAIL;
	}

	skel = err_injector_bpf__open();
	if (!skel) {
		ei_msg("cannot open the eBPF program: %s", strerror(errno));
		goto cleanup;
	}
	skel->rodata->owner_only = !ei_may_ptrace_all();
	skel->rodata->owner_uid = getuid();
	skel->rodata->owner_gid = getgid();
	if (err_injector_bpf__load(skel)) {
		ei_msg("cannot load the eBPF program: %s%s", strerror(errno),
		       verbose ? "" : " (-v shows libbpf's log)");
		goto cleanup;
	}
	val = err;
	if (bpf_map__update_elem(skel->maps.inject_errno, &key, sizeof(key), &val, sizeof(val), BPF_ANY)) {
		ei_msg("cannot set the errno: %s", strerror(errno));
		goto cleanup;
	}
	/* By entry point: fstat's kprobe is on __x64_sys_newfstat. */
	link = bpf_program__attach_ksyscall(skel->progs.err_injector, ei_syscall_info(nr)->entry, NULL);
	if (!link && errno == EINVAL) {
		/* The list was unreadable (not root): the kernel's refusal says it. */
		ei_msg("the kernel does not allow overriding %s (it refused the kprobe: the syscall is "
		       "not on its error injection list)", argv[argi]);
		goto cleanup;
	}
	if (!link) {
		ei_msg("cannot attach to %s: %s%s", argv[argi], strerror(errno),
		       verbose ? "" : " (-v shows libbpf's log)");
		goto cleanup;
	}

	fflush(NULL);
	child_pid = fork();
	if (child_pid < 0) {
		ei_msg("fork: %s", strerror(errno));
		goto cleanup;
	}
	if (child_pid == 0) {
		val = getpid();
		if (bpf_map__update_elem(skel->maps.target_pid, &key, sizeof(key), &val, sizeof(val), BPF_ANY)) {
			ei_msg("cannot set the target pid: %s", strerror(errno));
			_exit(EI_EXIT_FAIL);
		}
		execvp(cmd[0], cmd);
		ei_msg("cannot run %s: %s", cmd[0], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}

	struct sigaction sa = { .sa_handler = forward };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	while (waitpid(child_pid, &status, 0) < 0) {
		if (errno != EINTR) {
			ei_msg("waitpid: %s", strerror(errno));
			goto cleanup;
		}
	}
	ret = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);

cleanup:
	bpf_link__destroy(link);
	err_injector_bpf__destroy(skel);
	return ret;
}
