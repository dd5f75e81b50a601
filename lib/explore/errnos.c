// SPDX-License-Identifier: GPL-2.0
/*
 * The errnos errinj explore tries for a call: the failures a program
 * meets in real life (a missing or forbidden file, a full disk, an I/O
 * error, no memory, descriptors exhausted, a peer gone), and of them only
 * those the kernel can return for that call, as the reference run saw it:
 * the kind of descriptor it names, its flags, its arguments. A fault the
 * kernel could not give in that state is a false alarm (lseek ESPIPE on a
 * regular file, EIO from a pipe), so each entry says why the kernel can
 * give it, after the man page's ERRORS section or the kernel's code (the
 * approach of LFI's and FIFUZZ's fault profiles). Each entry also says
 * whether the error persists (a full disk, a missing file: every later
 * call fails too, when=N+) or passes (EINTR, EAGAIN, an I/O error: the
 * call fails once). --errno replaces a syscall's list.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "explore/internal.h"

/* Which calls an entry applies to: the descriptor's kind... */
#define K(x) (1u << EI_FD_##x)
#define ANY 0u /* any call, descriptor or not */
#define FILES (K(REG) | K(BLK))
#define STREAMS (K(FIFO) | K(SOCK))
/* ...and a further condition on the call. */
enum cond {
	ALWAYS,
	NONBLOCK,    /* the descriptor has O_NONBLOCK, or recv has MSG_DONTWAIT */
	SIGPIPE_OFF, /* SIGPIPE ignored or blocked: else the kernel kills */
	FCNTL_DUP,   /* fcntl F_DUPFD, F_DUPFD_CLOEXEC */
	FCNTL_LOCK,  /* fcntl F_SETLK, F_OFD_SETLK */
	FCNTL_LOCKW, /* fcntl F_SETLKW, F_OFD_SETLKW */
	SEEK_DATA_HOLE,
	NOT_EMPTY_PATH, /* a path looked up, not AT_EMPTY_PATH on a descriptor */
	EMPTY_PATH,
};
#define ONCE false
#define PERSIST true

struct entry {
	const char *name;
	int err; /* 0: the syscall is explored with no errno */
	unsigned int kinds;
	enum cond cond;
	bool persist;
	const char *why;
};

#define OPEN_ERRS(sc)                                                                                           \
	{ sc, ENOENT, ANY, ALWAYS, PERSIST, "open(2): the file or a directory of its path is missing" },        \
	{ sc, EACCES, ANY, ALWAYS, PERSIST, "open(2): permission denied on the file or its path" },             \
	{ sc, EMFILE, ANY, ALWAYS, ONCE, "open(2): the process's descriptor limit; one closed frees one" }
#define READ_ERRS(sc)                                                                                           \
	{ sc, EIO, FILES, ALWAYS, ONCE, "read(2): a low-level I/O error reading a file" },                      \
	{ sc, EIO, K(TTY), ALWAYS, ONCE, "read(2): a background process reading its controlling terminal" }
#define STREAM_READ_ERRS(sc)                                                                                    \
	{ sc, EAGAIN, STREAMS | K(TTY) | K(CHR) | K(ANON), NONBLOCK, ONCE, "read(2): O_NONBLOCK, nothing yet" }, \
	{ sc, ECONNRESET, K(SOCK), ALWAYS, ONCE, "recv(2), tcp(7): the peer reset the connection" }
#define WRITE_ERRS(sc)                                                                                          \
	{ sc, ENOSPC, FILES, ALWAYS, PERSIST, "write(2): no room left on the file system" },                    \
	{ sc, EIO, FILES, ALWAYS, ONCE, "write(2): a low-level I/O error writing back a file" },                \
	{ sc, EIO, K(TTY), ALWAYS, ONCE, "write(2): a hung-up terminal (drivers/tty/tty_io.c hung_up_tty_write)" }
#define STREAM_WRITE_ERRS(sc)                                                                                   \
	{ sc, EAGAIN, STREAMS | K(TTY), NONBLOCK, ONCE, "write(2): O_NONBLOCK and the pipe or socket full" },   \
	{ sc, EPIPE, STREAMS, SIGPIPE_OFF, ONCE,                                                                \
	  "write(2): the reader has gone; only with SIGPIPE ignored or blocked, else the kernel kills" },       \
	{ sc, ECONNRESET, K(SOCK), ALWAYS, ONCE, "send(2), tcp(7): the peer reset the connection" }
#define STAT_ERRS(sc)                                                                                           \
	{ sc, ENOENT, ANY, NOT_EMPTY_PATH, PERSIST, "stat(2): the file or a directory of its path is missing" }, \
	{ sc, EACCES, ANY, NOT_EMPTY_PATH, PERSIST, "stat(2): search permission denied on the path" },          \
	{ sc, EIO, K(REG) | K(DIR), EMPTY_PATH, ONCE,                                                           \
	  "a descriptor's getattr on a network or FUSE file system (fs/stat.c vfs_getattr)" }

static const struct entry table[] = {
	OPEN_ERRS("open"),
	OPEN_ERRS("openat"),
	OPEN_ERRS("openat2"),
	{ "creat", EACCES, ANY, ALWAYS, PERSIST, "open(2): permission denied on the directory" },
	{ "creat", ENOSPC, ANY, ALWAYS, PERSIST, "open(2): no room for the new file" },
	{ "creat", EMFILE, ANY, ALWAYS, ONCE, "open(2): the process's descriptor limit" },
	READ_ERRS("read"),
	STREAM_READ_ERRS("read"),
	READ_ERRS("readv"),
	STREAM_READ_ERRS("readv"),
	READ_ERRS("pread64"),
	READ_ERRS("preadv"),
	READ_ERRS("preadv2"),
	{ "recvfrom", EAGAIN, K(SOCK), NONBLOCK, ONCE, "recv(2): O_NONBLOCK or MSG_DONTWAIT, nothing to read" },
	{ "recvfrom", ECONNRESET, K(SOCK), ALWAYS, ONCE, "recv(2), tcp(7): the peer reset the connection" },
	{ "recvmsg", EAGAIN, K(SOCK), NONBLOCK, ONCE, "recv(2): O_NONBLOCK or MSG_DONTWAIT, nothing to read" },
	{ "recvmsg", ECONNRESET, K(SOCK), ALWAYS, ONCE, "recv(2), tcp(7): the peer reset the connection" },
	WRITE_ERRS("write"),
	STREAM_WRITE_ERRS("write"),
	WRITE_ERRS("writev"),
	STREAM_WRITE_ERRS("writev"),
	WRITE_ERRS("pwrite64"),
	WRITE_ERRS("pwritev"),
	WRITE_ERRS("pwritev2"),
	{ "sendto", ECONNRESET, K(SOCK), ALWAYS, ONCE, "send(2), tcp(7): the peer reset the connection" },
	{ "sendmsg", ECONNRESET, K(SOCK), ALWAYS, ONCE, "send(2), tcp(7): the peer reset the connection" },
	{ "sendfile", EIO, ANY, ALWAYS, ONCE, "sendfile(2): an error reading from in_fd" },
	{ "copy_file_range", EIO, ANY, ALWAYS, ONCE, "copy_file_range(2): a low-level I/O error" },
	{ "copy_file_range", EXDEV, ANY, ALWAYS, PERSIST, "copy_file_range(2): the files on different file systems" },
	{ "splice", EIO, ANY, ALWAYS, ONCE, "an I/O error of the file spliced (fs/splice.c)" },
	/* Both backends fail a call by not making it, and close releases the
	 * descriptor even when it reports an error (close(2): "the file
	 * descriptor is released" before the flush's error is returned;
	 * fs/file.c file_close_fd then filp_close): an injected close
	 * failure would leave open a descriptor the kernel closes, and a
	 * reader of the program's own pipe would wait for ever. */
	{ "close", 0, ANY, ALWAYS, ONCE, "close(2): the descriptor goes even on failure; a skipped close cannot" },
	{ "fsync", EIO, FILES | K(DIR), ALWAYS, ONCE, "fsync(2): an error writing back the file" },
	{ "fsync", ENOSPC, K(REG), ALWAYS, PERSIST, "fsync(2): no room to write back the file" },
	{ "fdatasync", EIO, FILES | K(DIR), ALWAYS, ONCE, "fsync(2): an error writing back the file" },
	{ "ftruncate", EIO, K(REG), ALWAYS, ONCE, "truncate(2): an I/O error updating the inode" },
	{ "fallocate", ENOSPC, K(REG), ALWAYS, PERSIST, "fallocate(2): no room left on the file system" },
	{ "mmap", ENOMEM, ANY, ALWAYS, ONCE, "mmap(2): no memory, or the process's map count" },
	/* The kernel never fails brk with an errno (it returns the old
	 * break), and glibc takes -ENOMEM for a break address. */
	{ "brk", 0, ANY, ALWAYS, ONCE, "brk(2): the kernel returns the old break, not an error" },
	{ "mprotect", ENOMEM, ANY, ALWAYS, ONCE, "mprotect(2): splitting a mapping past the map count" },
	{ "munmap", ENOMEM, ANY, ALWAYS, ONCE, "munmap(2): unmapping inside a mapping splits it, past the map count" },
	{ "mremap", ENOMEM, ANY, ALWAYS, ONCE, "mremap(2): no room to grow or move the mapping" },
	{ "madvise", EAGAIN, ANY, ALWAYS, ONCE, "madvise(2): a kernel resource temporarily unavailable" },
	STAT_ERRS("stat"),
	STAT_ERRS("lstat"),
	STAT_ERRS("newfstatat"),
	STAT_ERRS("statx"),
	{ "fstat", EIO, K(REG) | K(DIR), ALWAYS, ONCE, "getattr on a network or FUSE file system" },
	{ "statfs", EIO, ANY, ALWAYS, ONCE, "statfs(2): an I/O error reading the file system" },
	{ "fstatfs", EIO, ANY, ALWAYS, ONCE, "statfs(2): an I/O error reading the file system" },
	{ "access", ENOENT, ANY, ALWAYS, PERSIST, "access(2): the file is missing" },
	{ "access", EACCES, ANY, ALWAYS, PERSIST, "access(2): the access is denied" },
	{ "faccessat", ENOENT, ANY, ALWAYS, PERSIST, "access(2): the file is missing" },
	{ "faccessat", EACCES, ANY, ALWAYS, PERSIST, "access(2): the access is denied" },
	{ "faccessat2", ENOENT, ANY, ALWAYS, PERSIST, "access(2): the file is missing" },
	{ "faccessat2", EACCES, ANY, ALWAYS, PERSIST, "access(2): the access is denied" },
	{ "readlink", ENOENT, ANY, ALWAYS, PERSIST, "readlink(2): the link is missing" },
	{ "readlink", EACCES, ANY, ALWAYS, PERSIST, "readlink(2): search permission denied" },
	{ "readlinkat", ENOENT, ANY, ALWAYS, PERSIST, "readlink(2): the link is missing" },
	{ "readlinkat", EACCES, ANY, ALWAYS, PERSIST, "readlink(2): search permission denied" },
	{ "getdents64", EIO, K(DIR), ALWAYS, ONCE, "getdents(2): an I/O error reading the directory" },
	{ "getcwd", ENOENT, ANY, ALWAYS, PERSIST, "getcwd(3): the working directory was removed" },
	{ "chdir", ENOENT, ANY, ALWAYS, PERSIST, "chdir(2): the directory is missing" },
	{ "chdir", EACCES, ANY, ALWAYS, PERSIST, "chdir(2): search permission denied" },
	{ "fchdir", EACCES, K(DIR), ALWAYS, PERSIST, "chdir(2): search permission denied" },
	{ "mkdir", EEXIST, ANY, ALWAYS, PERSIST, "mkdir(2): the path exists" },
	{ "mkdir", EACCES, ANY, ALWAYS, PERSIST, "mkdir(2): write permission denied on the parent" },
	{ "mkdir", ENOSPC, ANY, ALWAYS, PERSIST, "mkdir(2): no room left on the file system" },
	{ "mkdirat", EEXIST, ANY, ALWAYS, PERSIST, "mkdir(2): the path exists" },
	{ "mkdirat", EACCES, ANY, ALWAYS, PERSIST, "mkdir(2): write permission denied on the parent" },
	{ "mkdirat", ENOSPC, ANY, ALWAYS, PERSIST, "mkdir(2): no room left on the file system" },
	{ "rmdir", ENOTEMPTY, ANY, ALWAYS, PERSIST, "rmdir(2): the directory has entries" },
	{ "rmdir", EACCES, ANY, ALWAYS, PERSIST, "rmdir(2): write permission denied on the parent" },
	{ "unlink", ENOENT, ANY, ALWAYS, PERSIST, "unlink(2): the file is missing" },
	{ "unlink", EACCES, ANY, ALWAYS, PERSIST, "unlink(2): write permission denied on the directory" },
	{ "unlinkat", ENOENT, ANY, ALWAYS, PERSIST, "unlink(2): the file is missing" },
	{ "unlinkat", EACCES, ANY, ALWAYS, PERSIST, "unlink(2): write permission denied on the directory" },
	{ "rename", EXDEV, ANY, ALWAYS, PERSIST, "rename(2): the paths on different file systems" },
	{ "rename", EACCES, ANY, ALWAYS, PERSIST, "rename(2): write permission denied" },
	{ "renameat", EXDEV, ANY, ALWAYS, PERSIST, "rename(2): the paths on different file systems" },
	{ "renameat", EACCES, ANY, ALWAYS, PERSIST, "rename(2): write permission denied" },
	{ "renameat2", EXDEV, ANY, ALWAYS, PERSIST, "rename(2): the paths on different file systems" },
	{ "renameat2", EACCES, ANY, ALWAYS, PERSIST, "rename(2): write permission denied" },
	{ "link", EEXIST, ANY, ALWAYS, PERSIST, "link(2): the new path exists" },
	{ "link", EXDEV, ANY, ALWAYS, PERSIST, "link(2): the paths on different file systems" },
	{ "linkat", EEXIST, ANY, ALWAYS, PERSIST, "link(2): the new path exists" },
	{ "linkat", EXDEV, ANY, ALWAYS, PERSIST, "link(2): the paths on different file systems" },
	{ "symlink", EEXIST, ANY, ALWAYS, PERSIST, "symlink(2): the new path exists" },
	{ "symlink", EACCES, ANY, ALWAYS, PERSIST, "symlink(2): write permission denied" },
	{ "symlinkat", EEXIST, ANY, ALWAYS, PERSIST, "symlink(2): the new path exists" },
	{ "symlinkat", EACCES, ANY, ALWAYS, PERSIST, "symlink(2): write permission denied" },
	{ "chmod", EPERM, ANY, ALWAYS, PERSIST, "chmod(2): not the file's owner" },
	{ "fchmod", EPERM, ANY, ALWAYS, PERSIST, "chmod(2): not the file's owner" },
	{ "fchmodat", EPERM, ANY, ALWAYS, PERSIST, "chmod(2): not the file's owner" },
	{ "chown", EPERM, ANY, ALWAYS, PERSIST, "chown(2): not privileged" },
	{ "fchown", EPERM, ANY, ALWAYS, PERSIST, "chown(2): not privileged" },
	{ "lchown", EPERM, ANY, ALWAYS, PERSIST, "chown(2): not privileged" },
	{ "fchownat", EPERM, ANY, ALWAYS, PERSIST, "chown(2): not privileged" },
	{ "utimensat", EPERM, ANY, ALWAYS, PERSIST, "utimensat(2): not the file's owner" },
	{ "truncate", EACCES, ANY, ALWAYS, PERSIST, "truncate(2): write permission denied" },
	{ "truncate", EIO, ANY, ALWAYS, ONCE, "truncate(2): an I/O error updating the inode" },
	/* ESPIPE is for a pipe, socket or FIFO, where lseek always fails:
	 * the reference run met it already. On a seekable file only the
	 * arguments can make it fail. */
	{ "lseek", ENXIO, K(REG), SEEK_DATA_HOLE, ONCE, "lseek(2): SEEK_DATA or SEEK_HOLE past the end of the file" },
	/* ENOTTY on a descriptor that is no terminal: the kernel gave it in
	 * the reference run already; on a terminal, a hang-up. */
	{ "ioctl", EIO, K(TTY), ALWAYS, ONCE, "a hung-up terminal (drivers/tty/tty_io.c hung_up_tty_ioctl)" },
	/* F_GETFD, F_SETFD, F_GETFL, F_SETFL... fail only on a bad
	 * descriptor (fcntl(2) ERRORS), which the program did not have. */
	{ "fcntl", EMFILE, ANY, FCNTL_DUP, ONCE, "fcntl(2): F_DUPFD past the descriptor limit" },
	{ "fcntl", EAGAIN, ANY, FCNTL_LOCK, ONCE, "fcntl(2): F_SETLK on a lock another process holds" },
	{ "fcntl", EINTR, ANY, FCNTL_LOCKW, ONCE, "fcntl(2): F_SETLKW interrupted by a signal" },
	{ "dup", EMFILE, ANY, ALWAYS, ONCE, "dup(2): the process's descriptor limit" },
	/* dup2 and dup3 name the new descriptor: the kernel's EBADF above the
	 * limit, never EMFILE (fs/file.c ksys_dup3); EBUSY races another
	 * thread's open. */
	{ "dup2", 0, ANY, ALWAYS, ONCE, "dup2(2): a named descriptor below the limit is never EMFILE" },
	{ "dup3", 0, ANY, ALWAYS, ONCE, "dup2(2): a named descriptor below the limit is never EMFILE" },
	{ "pipe", EMFILE, ANY, ALWAYS, ONCE, "pipe(2): the process's descriptor limit" },
	{ "pipe2", EMFILE, ANY, ALWAYS, ONCE, "pipe(2): the process's descriptor limit" },
	{ "eventfd2", EMFILE, ANY, ALWAYS, ONCE, "eventfd(2): the process's descriptor limit" },
	{ "epoll_create1", EMFILE, ANY, ALWAYS, ONCE, "epoll_create(2): the process's descriptor limit" },
	{ "memfd_create", EMFILE, ANY, ALWAYS, ONCE, "memfd_create(2): the process's descriptor limit" },
	{ "inotify_init1", EMFILE, ANY, ALWAYS, ONCE, "inotify_init(2): the process's descriptor limit" },
	{ "socket", EMFILE, ANY, ALWAYS, ONCE, "socket(2): the process's descriptor limit" },
	{ "socket", EAFNOSUPPORT, ANY, ALWAYS, PERSIST, "socket(2): a family this kernel lacks (IPv6 off)" },
	{ "socketpair", EMFILE, ANY, ALWAYS, ONCE, "socketpair(2): the process's descriptor limit" },
	{ "connect", ECONNREFUSED, K(SOCK), ALWAYS, ONCE, "connect(2): nobody listening" },
	{ "connect", ETIMEDOUT, K(SOCK), ALWAYS, ONCE, "connect(2): the peer did not answer" },
	{ "bind", EADDRINUSE, K(SOCK), ALWAYS, ONCE, "bind(2): the address is taken" },
	{ "listen", EADDRINUSE, K(SOCK), ALWAYS, ONCE, "listen(2): another socket listens on the port" },
	{ "accept", EMFILE, K(SOCK), ALWAYS, ONCE, "accept(2): the process's descriptor limit" },
	{ "accept4", EMFILE, K(SOCK), ALWAYS, ONCE, "accept(2): the process's descriptor limit" },
	{ "setsockopt", ENOPROTOOPT, K(SOCK), ALWAYS, PERSIST, "setsockopt(2): an option this kernel lacks" },
	{ "getsockopt", ENOPROTOOPT, K(SOCK), ALWAYS, PERSIST, "getsockopt(2): an option this kernel lacks" },
	{ "getrandom", ENOSYS, ANY, ALWAYS, PERSIST, "getrandom(2): a kernel before 3.17" },
	{ "poll", EINTR, ANY, ALWAYS, ONCE, "poll(2): a signal caught while waiting" },
	{ "ppoll", EINTR, ANY, ALWAYS, ONCE, "poll(2): a signal caught while waiting" },
	{ "select", EINTR, ANY, ALWAYS, ONCE, "select(2): a signal caught while waiting" },
	{ "pselect6", EINTR, ANY, ALWAYS, ONCE, "select(2): a signal caught while waiting" },
	{ "epoll_wait", EINTR, ANY, ALWAYS, ONCE, "epoll_wait(2): a signal caught while waiting" },
	{ "epoll_pwait", EINTR, ANY, ALWAYS, ONCE, "epoll_wait(2): a signal caught while waiting" },
};

/* The flags argument of the *at calls that take AT_EMPTY_PATH, 0 for the
 * others. */
static __u64 at_flags(const struct ei_call *c)
{
	switch (c->nr) {
	case SYS_statx:
		return c->args[2];
	case SYS_newfstatat:
	case SYS_faccessat2:
	case SYS_utimensat:
		return c->args[3];
	case SYS_fchownat:
	case SYS_linkat:
	case SYS_execveat:
	case SYS_name_to_handle_at:
		return c->args[4];
	}
	return 0;
}

/* Whether call c operates on its descriptor alone: AT_EMPTY_PATH and an
 * empty path (glibc's fstat), no lookup, so no ENOENT nor EACCES. A path
 * the trace could not read counts as empty only for the stat calls,
 * whose table said so before paths were read. */
static bool on_fd_alone(const struct ei_call *c)
{
	if (!(at_flags(c) & AT_EMPTY_PATH))
		return false;
	if (c->path)
		return !*c->path;
	return c->nr == SYS_newfstatat || c->nr == SYS_statx;
}

/* Whether an entry's condition holds for call c. */
static bool cond_holds(enum cond cond, const struct ei_call *c)
{
	switch (cond) {
	case NONBLOCK:
		return (c->fd_flags & O_NONBLOCK) || (c->nr == SYS_recvfrom && (c->args[3] & MSG_DONTWAIT)) ||
		       (c->nr == SYS_recvmsg && (c->args[2] & MSG_DONTWAIT));
	case SIGPIPE_OFF:
		return c->sigpipe_off;
	case FCNTL_DUP:
		return c->args[1] == F_DUPFD || c->args[1] == F_DUPFD_CLOEXEC;
	case FCNTL_LOCK:
		return c->args[1] == F_SETLK || c->args[1] == F_OFD_SETLK;
	case FCNTL_LOCKW:
		return c->args[1] == F_SETLKW || c->args[1] == F_OFD_SETLKW;
	case SEEK_DATA_HOLE:
		return c->args[2] == SEEK_DATA || c->args[2] == SEEK_HOLE;
	case NOT_EMPTY_PATH:
		return !on_fd_alone(c);
	case EMPTY_PATH:
		return on_fd_alone(c);
	case ALWAYS:
		break;
	}
	return true;
}

static bool has(const int *errs, int n, int err)
{
	for (int i = 0; i < n; i++)
		if (errs[i] == err)
			return true;
	return false;
}

bool ei_explore_persists(int nr, int err)
{
	const char *name = ei_syscall_name(nr);
	int any = -1;

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (table[i].err != err)
			continue;
		if (name && !strcmp(table[i].name, name))
			return table[i].persist;
		if (any < 0)
			any = table[i].persist;
	}
	return any > 0;
}

int ei_explore_errnos(const struct ei_call *c, int *errs, bool *persist)
{
	const struct ei_syscall_entry *e = ei_syscall_info(c->nr);
	const char *name = ei_syscall_name(c->nr);
	bool listed = false;
	int n = 0;

	for (size_t i = 0; name && i < sizeof(table) / sizeof(table[0]); i++) {
		const struct entry *t = &table[i];
		if (strcmp(t->name, name))
			continue;
		listed = true;
		if (!t->err || (t->kinds && !(t->kinds & (1u << c->fd_kind))) || !cond_holds(t->cond, c))
			continue;
		if ((t->err == ENOENT || t->err == EACCES) && on_fd_alone(c))
			continue;
		/* Not the error the reference call got: that run would be the
		 * reference run again. */
		if (c->ret == -t->err || n == EI_EXPLORE_MAX_ERRNOS || has(errs, n, t->err))
			continue;
		persist[n] = t->persist;
		errs[n++] = t->err;
	}
	if (listed)
		return n;
	/* Not in the table: the failure its class most often meets,
	 * persistent as that errno is in the table (a forbidden path is). */
	if (e && (e->classes & EI_CLASS_MEMORY))
		errs[0] = ENOMEM;
	else if (e && (e->classes & EI_CLASS_NET))
		errs[0] = ECONNRESET;
	else if (e && (e->classes & EI_CLASS_FILE) && !on_fd_alone(c))
		errs[0] = EACCES;
	else
		errs[0] = EIO;
	persist[0] = ei_explore_persists(c->nr, errs[0]);
	return 1;
}
