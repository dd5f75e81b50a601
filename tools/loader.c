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
#include <sys/stat.h>
#include <sys/wait.h>
#include <bpf/libbpf.h>

#include "engine/engine.h"
#include "cli.h"
#include "err_injector.skel.h"

static volatile pid_t child_pid;

static void forward(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (child_pid > 0 && ei_forward_signal(si->si_code, child_pid))
		kill(child_pid, sig);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: loader [-v] <syscall> <errno> [-- CMD [ARGS...]]\n"
		"Make <syscall> fail with <errno> (a name such as EINVAL, or 1..4095) in\n"
		"userapp, or in CMD, through a kprobe with bpf_override_return.\n"
		"  -v, --verbose  show libbpf's log\n"
		"  -V, --version  print the version\n"
		"\n"
		"EXAMPLES:\n"
		"  loader dup 22                 userapp prints 'dup: Invalid argument'\n"
		"  loader openat ENOENT -- cat /etc/hostname\n");
}

int main(int argc, char **argv)
{
	struct err_injector_bpf *skel = NULL;
	struct bpf_link *link = NULL;
	char userapp[PATH_MAX];
	char *default_cmd[] = { userapp, NULL };
	char **cmd = NULL;
	bool verbose = false, refused;
	char msg[512];
	int nr, err, status, ret = EI_EXIT_FAIL, argi = 1;
	__u32 key = 0, val;

	ei_set_progname("loader");
	ei_refuse_setid();
	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return 0;
	}
	if (argc > 1 && (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version"))) {
		puts("loader (errinj) " EI_VERSION);
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
		if (ei_userapp_path(userapp, sizeof(userapp)))
			ei_usage_error("cannot locate userapp beside the loader");
		cmd = default_cmd;
	}

	ei_libbpf_log(verbose);
	if (ei_kprobe_check(nr, msg, sizeof(msg))) {
		ei_msg("%s", msg);
		return EI_EXIT_FAIL;
	}

	skel = err_injector_bpf__open();
	if (!skel) {
		ei_msg("cannot open the eBPF program: %s", strerror(errno));
		goto cleanup;
	}
	struct stat ns;
	if (stat("/proc/self/ns/pid", &ns)) {
		ei_msg("cannot read the pid namespace (/proc/self/ns/pid): %s", strerror(errno));
		goto cleanup;
	}
	skel->rodata->pidns_dev = ns.st_dev;
	skel->rodata->pidns_ino = ns.st_ino;
	struct ei_owner own = ei_owner_get();
	skel->rodata->owner_only = own.only;
	skel->rodata->owner_uid = own.uid;
	skel->rodata->owner_gid = own.gid;
	bpf_program__set_autoattach(skel->progs.err_injector, false); /* attached below, by entry point */
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
	link = ei_attach_syscall(skel->progs.err_injector, nr, 0, verbose, &refused, msg, sizeof(msg));
	if (!link) {
		ei_msg("%s", msg);
		goto cleanup;
	}
	if (err_injector_bpf__attach(skel)) {
		ei_msg("cannot attach the exec tracepoint: %s%s", strerror(errno),
		       verbose ? "" : " (-v shows libbpf's log)");
		goto cleanup;
	}

	fflush(NULL);
	/* Handlers before the fork, and the signals held until child_pid is
	 * set: one that comes while the child starts is forwarded once it
	 * can be, never the loader's death with its child left running. */
	struct sigaction sa = { .sa_sigaction = forward, .sa_flags = SA_SIGINFO }, dfl = { .sa_handler = SIG_DFL };
	sigset_t fwd, old;
	sigemptyset(&fwd);
	sigaddset(&fwd, SIGINT);
	sigaddset(&fwd, SIGTERM);
	sigaddset(&fwd, SIGHUP);
	sigprocmask(SIG_BLOCK, &fwd, &old);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	pid_t pid = fork();
	if (pid == 0) {
		sigaction(SIGINT, &dfl, NULL);
		sigaction(SIGTERM, &dfl, NULL);
		sigaction(SIGHUP, &dfl, NULL);
	}
	child_pid = pid;
	sigprocmask(SIG_SETMASK, &old, NULL);
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
