// SPDX-License-Identifier: GPL-2.0
/*
 * userapp [SYSCALL...]: call a fixed set of syscalls once each, in a
 * fixed order, and report each on its own line:
 *   NAME: ok                 on success (stdout)
 *   NAME: <strerror text>    on failure, from perror() (stderr)
 * Exit status 0 if every call succeeded, 1 otherwise, 2 on bad arguments.
 * The format is stable: tests read it.
 *
 * Each call is made with syscall(2), so the named syscall is the one
 * made, and each uses resources set up with syscalls outside the set
 * (pipe2, fcntl, creat, close_range, unlinkat), so failing one of the set
 * never makes another one fail. Output goes through writev, not write,
 * so that failing write(2) does not silence the report. Linked
 * statically so that a dynamic loader's openat/read/close cannot be hit.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>

static char tmpdir[256];

static void path_of(char *buf, size_t len, const char *what)
{
	snprintf(buf, len, "%s/userapp-%d-%s", tmpdir, (int)getpid(), what);
}

static void close_quietly(long fd)
{
	if (fd >= 0)
		syscall(SYS_close_range, (unsigned)fd, (unsigned)fd, 0);
}

/* The result of a call, or -errno: cleanups after it may change errno. */
static long neg(long r)
{
	return r < 0 ? -errno : r;
}

static long do_dup(void)
{
	long r = neg(syscall(SYS_dup, 2));
	close_quietly(r);
	return r;
}

static long do_openat(void)
{
	char p[320];
	long r;

	path_of(p, sizeof(p), "openat");
	r = neg(syscall(SYS_openat, AT_FDCWD, p, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
	close_quietly(r);
	unlinkat(AT_FDCWD, p, 0);
	return r;
}

static long do_read(void)
{
	int p[2];
	char c;
	long r;

	if (pipe2(p, O_CLOEXEC))
		return -errno;
	/* Fill with writev: write(2) itself may be the one being failed. */
	struct iovec iov = { .iov_base = "x", .iov_len = 1 };
	if (writev(p[1], &iov, 1) != 1) /* else the read would wait for ever */
		r = -(errno ? errno : EIO);
	else
		r = neg(syscall(SYS_read, p[0], &c, 1));
	close_quietly(p[0]);
	close_quietly(p[1]);
	return r;
}

static long do_write(void)
{
	int p[2];
	long r;

	if (pipe2(p, O_CLOEXEC))
		return -errno;
	r = neg(syscall(SYS_write, p[1], "x", 1));
	close_quietly(p[0]);
	close_quietly(p[1]);
	return r;
}

static long do_close(void)
{
	int fd = fcntl(2, F_DUPFD_CLOEXEC, 3);
	long r;

	if (fd < 0)
		return -errno;
	r = neg(syscall(SYS_close, fd));
	if (r < 0)
		close_quietly(fd);
	return r;
}

static long do_getppid(void)
{
	return neg(syscall(SYS_getppid));
}

static long do_socket(void)
{
	long r = neg(syscall(SYS_socket, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
	close_quietly(r);
	return r;
}

static long do_mkdir(void)
{
	char p[320];
	long r;

	path_of(p, sizeof(p), "mkdir");
	r = neg(syscall(SYS_mkdir, p, 0700));
	if (r == 0)
		unlinkat(AT_FDCWD, p, AT_REMOVEDIR);
	return r;
}

static long do_unlink(void)
{
	char p[320];
	long r, fd;

	path_of(p, sizeof(p), "unlink");
	fd = syscall(SYS_creat, p, 0600);
	close_quietly(fd);
	r = neg(syscall(SYS_unlink, p));
	if (r < 0)
		unlinkat(AT_FDCWD, p, 0);
	return r;
}

static const struct call {
	const char *name;
	long (*run)(void);
} calls[] = {
	{ "dup", do_dup },       { "openat", do_openat }, { "read", do_read },
	{ "write", do_write },   { "close", do_close },   { "getppid", do_getppid },
	{ "socket", do_socket }, { "mkdir", do_mkdir },   { "unlink", do_unlink },
};
#define NCALLS (sizeof(calls) / sizeof(calls[0]))

static ssize_t writev_out(void *cookie, const char *buf, size_t len)
{
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	size_t done = 0;

	while (done < len) {
		iov.iov_base = (char *)buf + done;
		iov.iov_len = len - done;
		ssize_t n = writev((int)(long)cookie, &iov, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return done ? (ssize_t)done : -1;
		done += n;
	}
	return done;
}

static FILE *writev_stream(int fd)
{
	cookie_io_functions_t io = { .write = writev_out };
	FILE *f = fopencookie((void *)(long)fd, "w", io);

	if (f)
		setvbuf(f, NULL, _IOLBF, 0);
	return f;
}

int main(int argc, char **argv)
{
	bool want[NCALLS];
	int failed = 0;
	size_t i;
	const char *t = getenv("TMPDIR");
	FILE *out = writev_stream(1), *err = writev_stream(2);

	if (out)
		stdout = out;
	if (err)
		stderr = err;
	snprintf(tmpdir, sizeof(tmpdir), "%s", t && *t ? t : "/tmp");

	for (i = 0; i < NCALLS; i++)
		want[i] = argc < 2;
	for (int a = 1; a < argc; a++) {
		for (i = 0; i < NCALLS && strcmp(argv[a], calls[i].name); i++)
			;
		if (i == NCALLS) {
			fprintf(stderr, "userapp: unknown syscall '%s' (known:", argv[a]);
			for (i = 0; i < NCALLS; i++)
				fprintf(stderr, " %s", calls[i].name);
			fprintf(stderr, ")\n");
			return 2;
		}
		want[i] = true;
	}

	for (i = 0; i < NCALLS; i++) {
		if (!want[i])
			continue;
		long r = calls[i].run();
		if (r < 0) {
			errno = (int)-r;
			perror(calls[i].name);
			failed = 1;
		} else {
			printf("%s: ok\n", calls[i].name);
		}
		/* Keep the two streams in call order when they share a file. */
		fflush(stdout);
		fflush(stderr);
	}
	return failed;
}
