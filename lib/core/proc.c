// SPDX-License-Identifier: GPL-2.0
/* Checks of processes: -p targets, setid, signals to pass on, userapp's path. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"

bool ei_forward_signal(int si_code, pid_t cmd)
{
	return si_code != SI_KERNEL || getpgid(cmd) != getpgrp();
}

bool ei_running_setid(void)
{
	return getuid() != geteuid() || getgid() != getegid();
}

/* Process state from /proc/PID/stat: the letter after the command name
 * (which may itself hold ") "); 0 if unreadable. */
static char proc_state(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

const char *ei_proc_status_field(const char *text, const char *field)
{
	/* Name: is the first line; every other field starts one. */
	char key[32];
	const char *p;

	snprintf(key, sizeof(key), "\n%s:", field);
	p = strstr(text, key);
	return p ? p + strlen(key) : NULL;
}

int ei_proc_status_parse(const char *text, pid_t *tgid, pid_t *ppid)
{
	const char *t = ei_proc_status_field(text, "Tgid"), *p = ei_proc_status_field(text, "PPid");
	long tg;

	if (!t || !p) {
		errno = EINVAL;
		return -1;
	}
	tg = strtol(t, NULL, 10);
	if (tgid)
		*tgid = (pid_t)tg;
	if (ppid)
		*ppid = (pid_t)strtol(p, NULL, 10);
	if (tg <= 0) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int ei_proc_status_read(pid_t tid, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd, e;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	do
		n = read(fd, buf, len - 1);
	while (n < 0 && errno == EINTR);
	e = errno;
	close(fd);
	if (n <= 0) {
		errno = n < 0 ? e : EINVAL;
		return -1;
	}
	buf[n] = '\0';
	return 0;
}

int ei_proc_status(pid_t tid, pid_t *tgid, pid_t *ppid)
{
	char buf[4096];

	if (ei_proc_status_read(tid, buf, sizeof(buf)))
		return -1;
	return ei_proc_status_parse(buf, tgid, ppid);
}

int ei_pid_check(pid_t pid, char *err, size_t len)
{
	char mem[64], st;
	pid_t tgid;
	int fd;

	if (pid == getpid())
		return ei_fail(err, len, "pid %d is errinj itself", (int)pid), EI_EXIT_USAGE;
	if (kill(pid, 0) && errno == ESRCH)
		return ei_fail(err, len, "no process with pid %d", (int)pid), EI_EXIT_USAGE;
	/* A thread's id passes the checks above (the kernel takes it for
	 * kill and /proc) but names no process: strace -p TID attaches to
	 * that one thread, errinj's targets are whole processes. The user
	 * says which. */
	if (!ei_proc_status(pid, &tgid, NULL) && tgid != pid)
		return ei_fail(err, len, "pid %d is a thread of process %d: errinj injects into whole processes; give -p %d",
			       (int)pid, (int)tgid, (int)tgid),
		       EI_EXIT_USAGE;
	st = proc_state(pid);
	if (st == 'Z' || st == 'X')
		return ei_fail(err, len, "pid %d has exited (a zombie, not yet reaped): it makes no more calls",
			       (int)pid),
		       EI_EXIT_USAGE;
	/* Only a process we could ptrace: opening its memory asks the
	 * kernel's own ptrace access check (PTRACE_MODE_ATTACH), Yama and
	 * LSMs included. */
	snprintf(mem, sizeof(mem), "/proc/%d/mem", (int)pid);
	fd = open(mem, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && (errno == EACCES || errno == EPERM))
		return ei_fail(err, len, "not allowed to inject into pid %d: you could not ptrace it", (int)pid),
		       EI_EXIT_FAIL;
	if (fd >= 0)
		close(fd);
	return 0;
}

int ei_userapp_path(char *buf, size_t len)
{
	char self[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n < 0)
		return -1;
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	/* Beside the tool in the build tree; in ../libexec/errinj once
	 * installed (make install). */
	if ((size_t)snprintf(buf, len, "%s/userapp", self) < len && access(buf, X_OK) == 0)
		return 0;
	if ((size_t)snprintf(buf, len, "%s/../libexec/errinj/userapp", self) < len && access(buf, X_OK) == 0)
		return 0;
	return -1;
}
