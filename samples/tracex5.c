// SPDX-License-Identifier: GPL-2.0
/*
 * tracex5: start a child that installs an allow-all seccomp filter and
 * then calls getppid(2) and dup(2); print every syscall number that the
 * kprobe on __seccomp_filter saw seccomp check for it, one per line:
 *   seccomp checked NR (NAME)
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <bpf/libbpf.h>

#include "engine/engine.h"
#include "tracex5.skel.h"

static int on_event(void *ctx, void *data, size_t len)
{
	int nr = *(int *)data;
	const char *name = ei_syscall_name(nr);

	(void)ctx;
	(void)len;
	printf("seccomp checked %d (%s)\n", nr, name ? name : "?");
	return 0;
}

static void child(int go)
{
	struct sock_filter allow[] = { BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW) };
	struct sock_fprog prog = { .len = 1, .filter = allow };
	char c;

	if (read(go, &c, 1) != 1)
		_exit(1);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog))
		_exit(1);
	syscall(SYS_getppid);
	long fd = syscall(SYS_dup, 1);
	syscall(SYS_close, fd);
	_exit(0);
}

int main(void)
{
	struct tracex5_bpf *skel = NULL;
	struct ring_buffer *rb = NULL;
	int p[2], status, ret = EI_EXIT_FAIL;
	pid_t pid;

	ei_set_progname("tracex5");
	ei_libbpf_log(false);
	if (pipe(p))
		return EI_EXIT_FAIL;
	pid = fork();
	if (pid < 0)
		return EI_EXIT_FAIL;
	if (pid == 0) {
		close(p[1]);
		child(p[0]);
	}
	close(p[0]);

	skel = tracex5_bpf__open();
	if (!skel)
		goto cleanup;
	skel->rodata->target_tgid = pid;
	if (tracex5_bpf__load(skel) || tracex5_bpf__attach(skel)) {
		ei_msg("cannot load or attach the program: %s", strerror(errno));
		goto cleanup;
	}
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), on_event, NULL, NULL);
	if (!rb)
		goto cleanup;
	if (write(p[1], "g", 1) != 1)
		goto cleanup;
	waitpid(pid, &status, 0);
	pid = 0;
	ring_buffer__consume(rb);
	ret = WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : EI_EXIT_FAIL;
	if (ret)
		ei_msg("the child failed to install its seccomp filter");
cleanup:
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	ring_buffer__free(rb);
	tracex5_bpf__destroy(skel);
	return ret;
}
