// SPDX-License-Identifier: GPL-2.0
/*
 * PID 1 of errinj's test VM (started by scripts/vm-run).
 *
 * The root file system is the host's / over virtio-9p, read-only. We mount
 * the kernel's file systems and tmpfs where writes are needed, run
 * /run/vmrun/cmd (a shell script written by vm-run, shared read-write as
 * 9p tag "vmrun") with stdout on ttyS1 and stderr on ttyS2, write its
 * status to /run/vmrun/status, and reboot, which ends QEMU (-no-reboot).
 * Anything that goes wrong before the status is written leaves no status
 * file: vm-run reports that as a failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>

static void logmsg(const char *fmt, const char *a, int err)
{
	/* The kernel console (ttyS0), which vm-run keeps as the boot log. */
	FILE *f = fopen("/dev/kmsg", "w");

	if (!f)
		return;
	fprintf(f, "vm-init: ");
	fprintf(f, fmt, a);
	if (err)
		fprintf(f, ": %s", strerror(err));
	fprintf(f, "\n");
	fclose(f);
}

static void do_mount(const char *src, const char *dst, const char *type, unsigned long fl,
		     const char *opts)
{
	mkdir(dst, 0755);
	if (mount(src, dst, type, fl, opts))
		logmsg("cannot mount %s", dst, errno);
}

/* Mount a tmpfs over dir, but keep the host's dir of the working
 * directory visible if it lies below (a checkout under /tmp, say). */
static void scratch(const char *dir, const char *cwd, const char *keep)
{
	size_t n = strlen(dir);
	bool below = cwd && !strncmp(cwd, dir, n) && cwd[n] == '/';

	if (below) {
		mkdir(keep, 0755);
		if (mount(dir, keep, NULL, MS_BIND | MS_REC, NULL))
			below = false;
	}
	do_mount("tmpfs", dir, "tmpfs", 0, "mode=1777");
	if (below) {
		/* Recreate the path to cwd's top below dir and bind it back. */
		char top[4096], from[4096];
		const char *rest = cwd + n + 1;
		size_t len = strcspn(rest, "/");
		snprintf(top, sizeof(top), "%s/%.*s", dir, (int)len, rest);
		snprintf(from, sizeof(from), "%s/%.*s", keep, (int)len, rest);
		mkdir(top, 0755);
		if (mount(from, top, NULL, MS_BIND | MS_REC, NULL))
			logmsg("cannot keep %s visible", top, errno);
	}
}

static int open_tty(const char *path)
{
	int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
	struct termios t;

	if (fd < 0) {
		logmsg("cannot open %s", path, errno);
		return -1;
	}
	/* Raw: no \n -> \r\n, so the host gets the bytes CMD wrote. */
	if (!tcgetattr(fd, &t)) {
		cfmakeraw(&t);
		tcsetattr(fd, TCSANOW, &t);
	}
	return fd;
}

static char *read_file(const char *path)
{
	static char buf[4096];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

int main(void)
{
	int out, err, status;
	pid_t pid, w;
	char *cwd;

	do_mount("proc", "/proc", "proc", 0, NULL);
	do_mount("sysfs", "/sys", "sysfs", 0, NULL);
	do_mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	do_mount("tmpfs", "/run", "tmpfs", 0, "mode=755");
	do_mount("vmrun", "/run/vmrun", "9p", 0, "trans=virtio,version=9p2000.L");
	cwd = read_file("/run/vmrun/cwd");
	if (cwd)
		cwd = strdup(cwd);
	scratch("/tmp", cwd, "/run/host-tmp");
	scratch("/var/tmp", cwd, "/run/host-var-tmp");
	/* What devtmpfs lacks and shells expect (process substitution). */
	symlink("/proc/self/fd", "/dev/fd");
	symlink("/proc/self/fd/0", "/dev/stdin");
	symlink("/proc/self/fd/1", "/dev/stdout");
	symlink("/proc/self/fd/2", "/dev/stderr");
	do_mount("tmpfs", "/dev/shm", "tmpfs", 0, "mode=1777");
	do_mount("devpts", "/dev/pts", "devpts", 0, "ptmxmode=666");
	do_mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	do_mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL);
	do_mount("bpf", "/sys/fs/bpf", "bpf", 0, NULL);
	do_mount("cgroup2", "/sys/fs/cgroup", "cgroup2", 0, NULL);

	out = open_tty("/dev/ttyS1");
	err = open_tty("/dev/ttyS2");
	if (out < 0 || err < 0)
		goto stop;

	pid = fork();
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
		setsid();
		dup2(in, 0);
		dup2(out, 1);
		dup2(err, 2);
		setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1);
		setenv("HOME", "/tmp", 1);
		setenv("TERM", "dumb", 1);
		execl("/bin/sh", "sh", "/run/vmrun/cmd", (char *)NULL);
		_exit(127);
	}
	/* As PID 1 we reap every orphan; the command's own status is kept. */
	while ((w = wait(&status)) != pid)
		if (w < 0 && errno != EINTR)
			goto stop;
	tcdrain(out);
	tcdrain(err);
	{
		char line[64];
		int fd = open("/run/vmrun/status.tmp", O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (WIFSIGNALED(status))
			snprintf(line, sizeof(line), "signal %d\n", WTERMSIG(status));
		else
			snprintf(line, sizeof(line), "exit %d\n", WEXITSTATUS(status));
		if (fd >= 0 && write(fd, line, strlen(line)) == (ssize_t)strlen(line) && !fsync(fd))
			rename("/run/vmrun/status.tmp", "/run/vmrun/status");
		if (fd >= 0)
			close(fd);
	}
stop:
	kill(-1, SIGKILL);
	sync();
	reboot(RB_AUTOBOOT);
	return 0;
}
