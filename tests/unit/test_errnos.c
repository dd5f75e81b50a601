// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of explore's errno table (lib/explore/errnos.c): for a call
 * as the reference run records it (its arguments, the kind and flags of
 * the descriptor it names, SIGPIPE), only the errnos the kernel can
 * return, each persistent (when=N+) or one-shot as the table says.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "explore/internal.h"
#include "test.h"

/* The errnos planned for c made as syscall name, "ENOSPC+,EIO" (+:
 * persistent). */
static const char *plan(struct ei_call c, const char *name)
{
	static char buf[256];
	int errs[EI_EXPLORE_MAX_ERRNOS], n;
	bool persist[EI_EXPLORE_MAX_ERRNOS];
	size_t len = 0;

	c.nr = ei_syscall_nr(name);
	n = ei_explore_errnos(&c, errs, persist);
	buf[0] = 0;
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s%s", i ? "," : "", ei_errno_name(errs[i]),
					persist[i] ? "+" : "");
	return buf;
}

#define FD(kind) .fd_kind = EI_FD_##kind

static void test_write_by_descriptor(void)
{
	ASSERT_STR(plan((struct ei_call){ FD(REG) }, "write"), "ENOSPC+,EIO");
	ASSERT_STR(plan((struct ei_call){ FD(BLK) }, "pwrite64"), "ENOSPC+,EIO");
	/* A pipe: no EIO, no ENOSPC; EAGAIN only non-blocking, EPIPE only
	 * with SIGPIPE off (else the kernel kills). */
	ASSERT_STR(plan((struct ei_call){ FD(FIFO) }, "write"), "");
	ASSERT_STR(plan((struct ei_call){ FD(FIFO), .fd_flags = O_NONBLOCK | O_WRONLY }, "write"), "EAGAIN");
	ASSERT_STR(plan((struct ei_call){ FD(FIFO), .sigpipe_off = true }, "writev"), "EPIPE");
	ASSERT_STR(plan((struct ei_call){ FD(SOCK) }, "write"), "ECONNRESET");
	ASSERT_STR(plan((struct ei_call){ FD(SOCK), .fd_flags = O_NONBLOCK, .sigpipe_off = true }, "write"),
		   "EAGAIN,EPIPE,ECONNRESET");
	ASSERT_STR(plan((struct ei_call){ FD(TTY) }, "write"), "EIO");
	ASSERT_STR(plan((struct ei_call){ FD(CHR) }, "write"), "");
}

static void test_read_by_descriptor(void)
{
	ASSERT_STR(plan((struct ei_call){ FD(REG) }, "read"), "EIO");
	ASSERT_STR(plan((struct ei_call){ FD(DIR) }, "read"), "");
	ASSERT_STR(plan((struct ei_call){ FD(FIFO) }, "read"), "");
	ASSERT_STR(plan((struct ei_call){ FD(FIFO), .fd_flags = O_NONBLOCK }, "read"), "EAGAIN");
	/* An eventfd, timerfd, signalfd read with nothing yet. */
	ASSERT_STR(plan((struct ei_call){ FD(ANON), .fd_flags = O_NONBLOCK }, "read"), "EAGAIN");
	ASSERT_STR(plan((struct ei_call){ FD(ANON) }, "read"), "");
	ASSERT_STR(plan((struct ei_call){ FD(SOCK) }, "recvfrom"), "ECONNRESET");
	ASSERT_STR(plan((struct ei_call){ FD(SOCK), .fd_flags = O_NONBLOCK }, "recvfrom"), "EAGAIN,ECONNRESET");
	/* recv(fd, buf, len, MSG_DONTWAIT) on a blocking socket. */
	ASSERT_STR(plan((struct ei_call){ FD(SOCK), .args = { 3, 0, 1, MSG_DONTWAIT } }, "recvfrom"),
		   "EAGAIN,ECONNRESET");
	ASSERT_STR(plan((struct ei_call){ FD(SOCK), .args = { 3, 0, MSG_DONTWAIT } }, "recvmsg"), "EAGAIN,ECONNRESET");
	ASSERT_STR(plan((struct ei_call){ FD(SOCK) }, "recvmsg"), "ECONNRESET");
	/* A socket call on what is no socket: the kernel's ENOTSOCK, which
	 * the reference run got already. */
	ASSERT_STR(plan((struct ei_call){ FD(FIFO) }, "connect"), "");
	ASSERT_STR(plan((struct ei_call){ FD(SOCK) }, "connect"), "ECONNREFUSED,ETIMEDOUT");
}

/* No EIO and no ENOSPC on a pipe, socket, directory, anonymous inode or
 * device other than a terminal, for any call of the read and write
 * families, blocking or not, SIGPIPE on or off. */
static void test_no_file_errors_on_streams(void)
{
	static const char *const calls[] = { "read",  "readv",  "pread64",  "preadv",  "preadv2",
					     "write", "writev", "pwrite64", "pwritev", "pwritev2" };
	static const __u8 kinds[] = { EI_FD_FIFO, EI_FD_SOCK, EI_FD_DIR, EI_FD_ANON, EI_FD_CHR };

	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		for (size_t k = 0; k < sizeof(kinds); k++)
			for (int v = 0; v < 4; v++) {
				struct ei_call c = { .fd_kind = kinds[k], .fd_flags = v & 1 ? O_NONBLOCK : 0,
						     .sigpipe_off = v & 2 };
				const char *p = plan(c, calls[i]);
				ASSERT(!strstr(p, "EIO") && !strstr(p, "ENOSPC"), "%s on kind %d, variant %d: %s\n",
				       calls[i], kinds[k], v, p);
			}
}

static void test_arguments(void)
{
	/* lseek: ESPIPE only on a pipe, where the reference got it already;
	 * ENXIO only for SEEK_DATA and SEEK_HOLE. */
	ASSERT_STR(plan((struct ei_call){ FD(REG), .args = { 3, 0, SEEK_SET } }, "lseek"), "");
	ASSERT_STR(plan((struct ei_call){ FD(REG), .args = { 3, 0, SEEK_END } }, "lseek"), "");
	ASSERT_STR(plan((struct ei_call){ FD(REG), .args = { 3, 0, SEEK_DATA } }, "lseek"), "ENXIO");
	ASSERT_STR(plan((struct ei_call){ FD(REG), .args = { 3, 0, SEEK_HOLE } }, "lseek"), "ENXIO");
	ASSERT_STR(plan((struct ei_call){ FD(FIFO), .args = { 3, 0, SEEK_CUR } }, "lseek"), "");
	/* fcntl: by its command. */
	ASSERT_STR(plan((struct ei_call){ FD(REG), .args = { 3, F_GETFD } }, "fcntl"), "");
	ASSERT_STR(plan((struct ei_call){ FD(REG), .args = { 3, F_SETFD, FD_CLOEXEC } }, "fcntl"), "");
	ASSERT_STR(plan((struct ei_call){ FD(REG), .args = { 3, F_GETFL } }, "fcntl"), "");
	ASSERT_STR(plan((struct ei_call){ FD(REG), .args = { 3, F_SETFL, O_NONBLOCK } }, "fcntl"), "");
	ASSERT_STR(plan((struct ei_call){ FD(REG), .args = { 3, F_DUPFD, 10 } }, "fcntl"), "EMFILE");
	ASSERT_STR(plan((struct ei_call){ FD(REG), .args = { 3, F_DUPFD_CLOEXEC } }, "fcntl"), "EMFILE");
	ASSERT_STR(plan((struct ei_call){ FD(REG), .args = { 3, F_SETLK } }, "fcntl"), "EAGAIN");
	ASSERT_STR(plan((struct ei_call){ FD(REG), .args = { 3, F_OFD_SETLK } }, "fcntl"), "EAGAIN");
	ASSERT_STR(plan((struct ei_call){ FD(REG), .args = { 3, F_SETLKW } }, "fcntl"), "EINTR");
	ASSERT_STR(plan((struct ei_call){ FD(REG), .args = { 3, F_OFD_SETLKW } }, "fcntl"), "EINTR");
	/* dup2 and dup3 onto 0-2 (or any named descriptor): never EMFILE;
	 * dup allocates one: EMFILE. */
	for (__u64 fd = 0; fd < 3; fd++) {
		ASSERT_STR(plan((struct ei_call){ FD(REG), .args = { 3, fd } }, "dup2"), "");
		ASSERT_STR(plan((struct ei_call){ FD(FIFO), .args = { 3, fd, O_CLOEXEC } }, "dup3"), "");
	}
	ASSERT_STR(plan((struct ei_call){ FD(REG) }, "dup"), "EMFILE");
	/* close: no errno at all (a skipped close would keep the descriptor
	 * the kernel releases). */
	ASSERT_STR(plan((struct ei_call){ FD(FIFO) }, "close"), "");
	ASSERT_STR(plan((struct ei_call){ FD(REG) }, "close"), "");
	/* glibc's fstat is newfstatat(fd, "", AT_EMPTY_PATH): no path. */
	ASSERT_STR(plan((struct ei_call){ FD(REG), .args = { 3, 0, 0, AT_EMPTY_PATH } }, "newfstatat"), "EIO");
	ASSERT_STR(plan((struct ei_call){ FD(FIFO), .args = { 3, 0, 0, AT_EMPTY_PATH } }, "newfstatat"), "");
	ASSERT_STR(plan((struct ei_call){ .args = { (__u64)AT_FDCWD } }, "newfstatat"), "ENOENT+,EACCES+");
	/* statx has its flags in its third argument. */
	ASSERT_STR(plan((struct ei_call){ FD(DIR), .args = { 3, 0, AT_EMPTY_PATH } }, "statx"), "EIO");
	ASSERT_STR(plan((struct ei_call){ .args = { (__u64)AT_FDCWD, 0, AT_SYMLINK_NOFOLLOW } }, "statx"),
		   "ENOENT+,EACCES+");
	/* ioctl: ENOTTY off a terminal is what the reference got. */
	ASSERT_STR(plan((struct ei_call){ FD(TTY) }, "ioctl"), "EIO");
	ASSERT_STR(plan((struct ei_call){ FD(REG) }, "ioctl"), "");
	ASSERT_STR(plan((struct ei_call){ FD(FIFO) }, "ioctl"), "");
}

static void test_reference_error_and_fallback(void)
{
	/* The error the reference call got is not tried again. */
	ASSERT_STR(plan((struct ei_call){ .ret = -ENOENT }, "openat"), "EACCES+,EMFILE");
	ASSERT_STR(plan((struct ei_call){ FD(REG), .ret = -EIO }, "read"), "");
	ASSERT_STR(plan((struct ei_call){ 0 }, "openat"), "ENOENT+,EACCES+,EMFILE");
	ASSERT_STR(plan((struct ei_call){ 0 }, "brk"), "");
	/* Not in the table: one errno by the syscall's class, persistent
	 * as the table has that errno. */
	ASSERT_STR(plan((struct ei_call){ 0 }, "mlock"), "ENOMEM");
	ASSERT_STR(plan((struct ei_call){ 0 }, "getsockname"), "ECONNRESET");
	ASSERT_STR(plan((struct ei_call){ 0 }, "chroot"), "EACCES+");
}

/* The errnos that persist once met (a missing or forbidden file, a full
 * disk, what this kernel lacks) and those that pass: every entry of the
 * table, whatever the call, is marked as its errno is here. */
static int persists(int err)
{
	switch (err) {
	case ENOENT: case EACCES: case EPERM: case ENOSPC: case EEXIST: case ENOTEMPTY:
	case EXDEV: case EAFNOSUPPORT: case ENOPROTOOPT: case ENOSYS:
		return 1;
	case EINTR: case EAGAIN: case EIO: case ENOMEM: case EMFILE: case ENXIO: case EPIPE:
	case ECONNRESET: case ECONNREFUSED: case ETIMEDOUT: case EADDRINUSE:
		return 0;
	}
	return -1; /* not classed here: a new errno of the table */
}

static void test_persistence(void)
{
	static const __u64 cmds[] = { 0, F_DUPFD, F_SETLK, F_SETLKW, SEEK_DATA };
	int errs[EI_EXPLORE_MAX_ERRNOS], seen = 0;
	bool persist[EI_EXPLORE_MAX_ERRNOS];

	for (int nr = 0; nr < EI_NR_SYSCALLS; nr++) {
		if (!ei_syscall_name(nr))
			continue;
		for (int kind = EI_FD_NONE; kind <= EI_FD_ANON; kind++)
			for (size_t a = 0; a < sizeof(cmds) / sizeof(cmds[0]); a++) {
				struct ei_call c = { .nr = nr, .fd_kind = (__u8)kind, .fd_flags = O_NONBLOCK,
						     .sigpipe_off = true, .args = { 3, cmds[a], cmds[a] } };
				int n = ei_explore_errnos(&c, errs, persist);
				for (int i = 0; i < n; i++, seen++)
					if (!ASSERT(persists(errs[i]) == persist[i], "%s %s: persistent %d\n",
						    ei_syscall_name(nr), ei_errno_name(errs[i]), persist[i]))
						return;
			}
	}
	ASSERT(seen > 0, "no errno planned at all\n");
	/* --errno's errnos: the table's choice for the syscall, else for the
	 * errno, else one-shot. */
	ASSERT_EQ(ei_explore_persists(ei_syscall_nr("openat"), ENOENT), true);
	ASSERT_EQ(ei_explore_persists(ei_syscall_nr("write"), ENOSPC), true);
	ASSERT_EQ(ei_explore_persists(ei_syscall_nr("openat"), EMFILE), false);
	ASSERT_EQ(ei_explore_persists(ei_syscall_nr("write"), EIO), false);
	ASSERT_EQ(ei_explore_persists(ei_syscall_nr("getpid"), ENOSPC), true);
	ASSERT_EQ(ei_explore_persists(ei_syscall_nr("getpid"), EINTR), false);
	ASSERT_EQ(ei_explore_persists(ei_syscall_nr("getpid"), ESRCH), false);
}

int main(void)
{
	SUBTEST(write_by_descriptor);
	SUBTEST(read_by_descriptor);
	SUBTEST(no_file_errors_on_streams);
	SUBTEST(arguments);
	SUBTEST(reference_error_and_fallback);
	SUBTEST(persistence);
	return t_failed ? 1 : 0;
}
