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

/* What the command line asks: the syscall, the errno, the command
 * (userapp beside the loader by default), -v. Bad input exits 2. */
struct request {
	int nr, err;
	char **cmd;
	bool verbose;
};

static void parse_cli(int argc, char **argv, struct request *rq, char *userapp, size_t len)
{
	static char *default_cmd[2];
	int argi = 1;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		exit(0);
	}
	if (argc > 1 && (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version"))) {
		puts("loader (errinj) " EI_VERSION);
		exit(0);
	}
	if (argc > 1 && (!strcmp(argv[1], "-v") || !strcmp(argv[1], "--verbose"))) {
		rq->verbose = true;
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
		rq->cmd = &argv[argi + 3];
	}

	rq->nr = ei_syscall_nr(argv[argi]);
	if (rq->nr < 0) {
		const char *hint = ei_syscall_suggest(argv[argi]);
		if (hint)
			ei_usage_error("unknown syscall '%s' (did you mean '%s'?)", argv[argi], hint);
		ei_usage_error("unknown syscall '%s'", argv[argi]);
	}
	rq->err = ei_errno_parse(argv[argi + 1]);
	if (rq->err < 0)
		ei_usage_error("invalid errno '%s': expected 1..%d or a name such as EINVAL",
			       argv[argi + 1], EI_ERRNO_MAX);
	if (!rq->cmd) {
		if (ei_userapp_path(userapp, len))
			ei_usage_error("cannot locate userapp beside the loader");
		default_cmd[0] = userapp;
		rq->cmd = default_cmd;
	}
}

/* Loads the program, sets the errno and attaches it at the syscall's
 * entry and at exec: 0, or -1 after saying why. */
static int load_injector(const struct request *rq, struct err_injector_bpf **skelp, struct bpf_link **link)
{
	struct err_injector_bpf *skel;
	struct stat ns;
	char msg[512];
	bool refused;
	__u32 key = 0, val;

	skel = *skelp = err_injector_bpf__open();
	if (!skel) {
		ei_msg("cannot open the eBPF program: %s", strerror(errno));
		return -1;
	}
	if (stat("/proc/self/ns/pid", &ns)) {
		ei_msg("cannot read the pid namespace (/proc/self/ns/pid): %s", strerror(errno));
		return -1;
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
		       rq->verbose ? "" : " (-v shows libbpf's log)");
		return -1;
	}
	val = rq->err;
	if (bpf_map__update_elem(skel->maps.inject_errno, &key, sizeof(key), &val, sizeof(val), BPF_ANY)) {
		ei_msg("cannot set the errno: %s", strerror(errno));
		return -1;
	}
	*link = ei_attach_syscall(skel->progs.err_injector, rq->nr, 0, rq->verbose, &refused, msg, sizeof(msg));
	if (!*link) {
		ei_msg("%s", msg);
		return -1;
	}
	if (err_injector_bpf__attach(skel)) {
		ei_msg("cannot attach the exec tracepoint: %s%s", strerror(errno),
		       rq->verbose ? "" : " (-v shows libbpf's log)");
		return -1;
	}
	return 0;
}

/* Forks with SIGINT, SIGTERM and SIGHUP forwarded to the child. The
 * handlers are set before the fork and the signals held until child_pid
 * is set: one that comes while the child starts is forwarded once it can
 * be, never the loader's death with its child left running. */
static pid_t fork_forwarding(void)
{
	struct sigaction sa = { .sa_sigaction = forward, .sa_flags = SA_SIGINFO }, dfl = { .sa_handler = SIG_DFL };
	sigset_t fwd, old;
	pid_t pid;

	sigemptyset(&fwd);
	sigaddset(&fwd, SIGINT);
	sigaddset(&fwd, SIGTERM);
	sigaddset(&fwd, SIGHUP);
	sigprocmask(SIG_BLOCK, &fwd, &old);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	pid = fork();
	if (pid == 0) {
		sigaction(SIGINT, &dfl, NULL);
		sigaction(SIGTERM, &dfl, NULL);
		sigaction(SIGHUP, &dfl, NULL);
	}
	child_pid = pid;
	sigprocmask(SIG_SETMASK, &old, NULL);
	return pid;
}

/* The child: stores its pid in the target map, then execs the command. */
static void __attribute__((noreturn)) run_target(struct err_injector_bpf *skel, char **cmd)
{
	__u32 key = 0, val = getpid();

	if (bpf_map__update_elem(skel->maps.target_pid, &key, sizeof(key), &val, sizeof(val), BPF_ANY)) {
		ei_msg("cannot set the target pid: %s", strerror(errno));
		_exit(EI_EXIT_FAIL);
	}
	execvp(cmd[0], cmd);
	ei_msg("cannot run %s: %s", cmd[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

/* The child's exit status (128+N if killed by signal N), or
 * EI_EXIT_FAIL after saying why. */
static int wait_target(void)
{
	int status;

	while (waitpid(child_pid, &status, 0) < 0) {
		if (errno != EINTR) {
			ei_msg("waitpid: %s", strerror(errno));
			return EI_EXIT_FAIL;
		}
	}
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

int main(int argc, char **argv)
{
	struct err_injector_bpf *skel = NULL;
	struct bpf_link *link = NULL;
	struct request rq = { 0 };
	char userapp[PATH_MAX];
	char msg[512];
	int ret = EI_EXIT_FAIL;

	ei_set_progname("loader");
	ei_refuse_setid();
	parse_cli(argc, argv, &rq, userapp, sizeof(userapp));
	ei_libbpf_log(rq.verbose);
	if (ei_kprobe_check(rq.nr, msg, sizeof(msg))) {
		ei_msg("%s", msg);
		return EI_EXIT_FAIL;
	}
	if (load_injector(&rq, &skel, &link))
		goto cleanup;
	fflush(NULL);
	if (fork_forwarding() < 0) {
		ei_msg("fork: %s", strerror(errno));
		goto cleanup;
	}
	if (child_pid == 0)
		run_target(skel, rq.cmd);
	ret = wait_target();
cleanup:
	bpf_link__destroy(link);
	err_injector_bpf__destroy(skel);
	return ret;
}
