// SPDX-License-Identifier: GPL-2.0
/*
 * The errnos errinj explore tries per syscall: the failures a program
 * meets in real life (a missing or forbidden file, a full disk, an I/O
 * error, no memory, descriptors exhausted, a peer gone), not every errno
 * the manual lists, so that an exploration stays a few runs per call
 * site. --errno replaces a syscall's list.
 */
#include <errno.h>
#include <string.h>

#include "explore/internal.h"

static const struct {
	const char *name;
	int errs[4];
} table[] = {
	{ "open", { ENOENT, EACCES, EMFILE } },
	{ "openat", { ENOENT, EACCES, EMFILE } },
	{ "openat2", { ENOENT, EACCES, EMFILE } },
	{ "creat", { EACCES, ENOSPC, EMFILE } },
	{ "read", { EIO } },
	{ "pread64", { EIO } },
	{ "readv", { EIO } },
	{ "preadv", { EIO } },
	{ "preadv2", { EIO } },
	{ "write", { ENOSPC, EIO } },
	{ "pwrite64", { ENOSPC, EIO } },
	{ "writev", { ENOSPC, EIO } },
	{ "pwritev", { ENOSPC, EIO } },
	{ "pwritev2", { ENOSPC, EIO } },
	{ "sendfile", { EIO } },
	{ "copy_file_range", { EIO, EXDEV } },
	{ "splice", { EIO } },
	/* Both backends fail a call by not making it, and close releases the
	 * descriptor even when it reports an error (close(2): the descriptor
	 * is released before the flush's error is returned; fs/file.c
	 * file_close_fd, then filp_close): an injected close failure would
	 * leave open a descriptor the kernel closes, and a reader of the
	 * program's own pipe would wait for ever. */
	{ "close", { 0 } },
	{ "fsync", { EIO } },
	{ "fdatasync", { EIO } },
	{ "ftruncate", { EIO } },
	{ "fallocate", { ENOSPC } },
	{ "mmap", { ENOMEM } },
	/* brk is left out: the kernel never fails it with an errno (it returns
	 * the old break), and glibc takes -ENOMEM for a break address. */
	{ "brk", { 0 } },
	{ "mprotect", { ENOMEM } },
	{ "munmap", { ENOMEM } },
	{ "mremap", { ENOMEM } },
	{ "madvise", { EINVAL } },
	{ "stat", { ENOENT, EACCES } },
	{ "lstat", { ENOENT, EACCES } },
	{ "newfstatat", { ENOENT, EACCES } },
	{ "statx", { ENOENT, EACCES } },
	{ "fstat", { EIO } },
	{ "statfs", { EIO } },
	{ "fstatfs", { EIO } },
	{ "access", { ENOENT, EACCES } },
	{ "faccessat", { ENOENT, EACCES } },
	{ "faccessat2", { ENOENT, EACCES } },
	{ "readlink", { ENOENT, EACCES } },
	{ "readlinkat", { ENOENT, EACCES } },
	{ "getdents64", { EIO } },
	{ "getcwd", { ENOENT } },
	{ "chdir", { ENOENT, EACCES } },
	{ "fchdir", { EACCES } },
	{ "mkdir", { EEXIST, EACCES, ENOSPC } },
	{ "mkdirat", { EEXIST, EACCES, ENOSPC } },
	{ "rmdir", { ENOTEMPTY, EACCES } },
	{ "unlink", { ENOENT, EACCES } },
	{ "unlinkat", { ENOENT, EACCES } },
	{ "rename", { EXDEV, EACCES } },
	{ "renameat", { EXDEV, EACCES } },
	{ "renameat2", { EXDEV, EACCES } },
	{ "link", { EEXIST, EXDEV } },
	{ "linkat", { EEXIST, EXDEV } },
	{ "symlink", { EEXIST, EACCES } },
	{ "symlinkat", { EEXIST, EACCES } },
	{ "chmod", { EPERM } },
	{ "fchmod", { EPERM } },
	{ "fchmodat", { EPERM } },
	{ "chown", { EPERM } },
	{ "fchown", { EPERM } },
	{ "lchown", { EPERM } },
	{ "fchownat", { EPERM } },
	{ "utimensat", { EPERM } },
	{ "truncate", { EACCES, EIO } },
	{ "lseek", { ESPIPE } },
	{ "ioctl", { ENOTTY } },
	{ "fcntl", { EINVAL } },
	{ "dup", { EMFILE } },
	{ "dup2", { EMFILE } },
	{ "dup3", { EMFILE } },
	{ "pipe", { EMFILE } },
	{ "pipe2", { EMFILE } },
	{ "eventfd2", { EMFILE } },
	{ "epoll_create1", { EMFILE } },
	{ "memfd_create", { EMFILE } },
	{ "inotify_init1", { EMFILE } },
	{ "socket", { EMFILE, EAFNOSUPPORT } },
	{ "socketpair", { EMFILE } },
	{ "connect", { ECONNREFUSED, ETIMEDOUT } },
	{ "bind", { EADDRINUSE } },
	{ "listen", { EADDRINUSE } },
	{ "accept", { EMFILE } },
	{ "accept4", { EMFILE } },
	{ "sendto", { ECONNRESET } },
	{ "sendmsg", { ECONNRESET } },
	{ "recvfrom", { ECONNRESET } },
	{ "recvmsg", { ECONNRESET } },
	{ "setsockopt", { ENOPROTOOPT } },
	{ "getsockopt", { ENOPROTOOPT } },
	{ "getrandom", { ENOSYS } },
	{ "poll", { EINTR } },
	{ "ppoll", { EINTR } },
	{ "select", { EINTR } },
	{ "pselect6", { EINTR } },
	{ "epoll_wait", { EINTR } },
	{ "epoll_pwait", { EINTR } },
};

int ei_explore_errnos(int nr, int *errs)
{
	const struct ei_syscall_entry *e = ei_syscall_info(nr);
	const char *name = ei_syscall_name(nr);
	int n = 0;

	for (size_t i = 0; name && i < sizeof(table) / sizeof(table[0]); i++) {
		if (strcmp(table[i].name, name))
			continue;
		while (n < 4 && table[i].errs[n]) {
			errs[n] = table[i].errs[n];
			n++;
		}
		return n;
	}
	/* Not in the table: the failure its class most often meets. */
	if (e && (e->classes & EI_CLASS_MEMORY))
		errs[0] = ENOMEM;
	else if (e && (e->classes & EI_CLASS_NET))
		errs[0] = ECONNRESET;
	else if (e && (e->classes & EI_CLASS_FILE))
		errs[0] = EACCES;
	else
		errs[0] = EIO;
	return 1;
}
