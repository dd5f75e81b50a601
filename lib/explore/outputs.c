// SPDX-License-Identifier: GPL-2.0
/*
 * The regular files explore's command changes (lib/explore/outputs.h).
 * The tracer stops the command before each call that may change a file:
 * open, openat, openat2 and creat for writing, creating or truncating,
 * truncate, unlink, unlinkat, rename, renameat and renameat2. The path is
 * read from the stopped thread and made absolute from its working
 * directory or its dirfd (/proc), and the file's content kept the first
 * time it is seen, before the call changes it: explore runs the command
 * many times, and each run must find the files as the first one did. A
 * file that did not exist yet is kept as absent (removed before a run).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "explore/outputs.h"

/* What is kept of the files' contents, all together: a command that
 * rewrites more is explored without the files over it. */
#define MAX_BYTES (256UL << 20)

#define FNV_BASIS 0xcbf29ce484222325ULL

static __u64 fnv_more(__u64 h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return h;
}

void ei_outputs_syscalls(struct ei_sysset *s)
{
	static const int nrs[] = { SYS_open,   SYS_openat,	SYS_openat2,   SYS_creat,    SYS_truncate,
				   SYS_unlink, SYS_unlinkat, SYS_rename,    SYS_renameat, SYS_renameat2 };

	for (size_t i = 0; i < sizeof(nrs) / sizeof(nrs[0]); i++)
		ei_sysset_add(s, nrs[i]);
}

/* The NUL-terminated string at addr in tid, read a page at a time (the
 * next page may be unmapped); false if it cannot be read or is too long. */
static bool read_string(pid_t tid, unsigned long addr, char *buf, size_t size)
{
	size_t got = 0;

	while (got < size) {
		size_t want = 4096 - ((addr + got) & 4095);
		struct iovec l, r;
		ssize_t n;
		if (want > size - got)
			want = size - got;
		l = (struct iovec){ buf + got, want };
		r = (struct iovec){ (void *)(addr + got), want };
		n = process_vm_readv(tid, &l, 1, &r, 1, 0);
		if (n <= 0)
			return false;
		if (memchr(buf + got, 0, (size_t)n))
			return true;
		got += (size_t)n;
	}
	return false;
}

/* The absolute path of (dirfd, path) as thread tid sees it, its
 * directory resolved (the file itself may not exist yet); false if it
 * cannot be made or names no file (".", "..", a trailing '/'). */
static bool resolve(pid_t tid, int dirfd, const char *path, char *out, size_t size)
{
	char link[64], dir[PATH_MAX], full[2 * PATH_MAX + 2], real[PATH_MAX];
	const char *base;
	char *slash;
	ssize_t n;

	if (path[0] == '/') {
		snprintf(full, sizeof(full), "%s", path);
	} else {
		if (dirfd == AT_FDCWD)
			snprintf(link, sizeof(link), "/proc/%d/cwd", (int)tid);
		else
			snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)tid, dirfd);
		if ((n = readlink(link, dir, sizeof(dir) - 1)) <= 0 || dir[0] != '/')
			return false;
		dir[n] = 0;
		snprintf(full, sizeof(full), "%s/%s", dir, path);
	}
	slash = strrchr(full, '/');
	base = slash + 1;
	if (!*base || !strcmp(base, ".") || !strcmp(base, ".."))
		return false;
	*slash = 0;
	if (!realpath(full[0] ? full : "/", real))
		return false;
	return snprintf(out, size, "%s/%s", strcmp(real, "/") ? real : "", base) < (int)size;
}

/* A file system whose files are the kernel's, not data (/proc, /sys,
 * cgroups, ...): its "regular files" are never kept nor rewritten. */
static bool pseudo_fs(const char *path)
{
	char dir[PATH_MAX];
	struct statfs fs;
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = 0;
	if (statfs(dir, &fs))
		return true;
	switch ((unsigned long)fs.f_type) {
	case PROC_SUPER_MAGIC:
	case SYSFS_MAGIC:
	case CGROUP_SUPER_MAGIC:
	case CGROUP2_SUPER_MAGIC:
	case DEBUGFS_MAGIC:
	case TRACEFS_MAGIC:
	case SECURITYFS_MAGIC:
	case BPF_FS_MAGIC:
	case DEVPTS_SUPER_MAGIC:
		return true;
	}
	return false;
}

static int find(const struct ei_outputs *o, const char *path)
{
	for (int i = 0; i < o->n; i++)
		if (!strcmp(o->f[i].path, path))
			return i;
	return -1;
}

/* The whole of a regular file, into f: 0, 1 if it cannot be read (or is
 * too large to keep), -1 when out of memory. */
static int keep_content(struct ei_outputs *o, const char *path, const struct stat *st, struct ei_ofile *f)
{
	int fd;
	size_t got = 0;

	if ((size_t)st->st_size > MAX_BYTES - o->bytes) {
		o->too_big++;
		return 1;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return 1;
	f->data = malloc((size_t)st->st_size + 1);
	while (f->data && got < (size_t)st->st_size) {
		ssize_t n = read(fd, f->data + got, (size_t)st->st_size - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	f->len = got;
	o->bytes += got;
	return f->data ? 0 : -1;
}

/* tid is about to change the file (dirfd, addr): kept if new. absent:
 * a file that does not exist is kept as absent (it is being created).
 * -1 when out of memory. */
static int see(struct ei_outputs *o, pid_t tid, int dirfd, unsigned long addr, bool absent)
{
	char path[PATH_MAX], abs[PATH_MAX];
	struct ei_ofile f = { 0 };
	struct stat st;
	int r;

	if (!read_string(tid, addr, path, sizeof(path)) || !resolve(tid, dirfd, path, abs, sizeof(abs)) ||
	    find(o, abs) >= 0 || pseudo_fs(abs))
		return 0;
	/* Through a symlink its target is what is written; a dangling
	 * one is left alone. */
	if (stat(abs, &st) == 0) {
		if (!S_ISREG(st.st_mode))
			return 0;
		f.existed = true;
		f.mode = st.st_mode & 07777;
		if ((r = keep_content(o, abs, &st, &f)))
			return r < 0 ? -1 : 0;
	} else if (errno != ENOENT || !absent || lstat(abs, &st) == 0) {
		return 0;
	}
	if (!(f.path = strdup(abs))) {
		free(f.data);
		return -1;
	}
	f.compared = true;
	if (o->n == o->cap) {
		int cap = o->cap ? o->cap * 2 : 16;
		struct ei_ofile *n = realloc(o->f, (size_t)cap * sizeof(*n));
		if (!n) {
			free(f.path);
			free(f.data);
			return -1;
		}
		o->f = n;
		o->cap = cap;
	}
	o->f[o->n++] = f;
	return 0;
}

static bool opens_to_write(__u64 flags)
{
	return (flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC));
}

int ei_outputs_stop(struct ei_outputs *o, pid_t tid, const struct user_regs_struct *r)
{
	int nr = (int)r->orig_rax, dirfd = (int)r->rdi;
	struct open_how how;
	struct iovec l = { &how, sizeof(how.flags) }, rv = { (void *)r->rdx, sizeof(how.flags) };

	switch (nr) {
	case SYS_open:
		return opens_to_write(r->rsi) ? see(o, tid, AT_FDCWD, r->rdi, r->rsi & O_CREAT) : 0;
	case SYS_creat:
		return see(o, tid, AT_FDCWD, r->rdi, true);
	case SYS_openat:
		return opens_to_write(r->rdx) ? see(o, tid, dirfd, r->rsi, r->rdx & O_CREAT) : 0;
	case SYS_openat2:
		if (process_vm_readv(tid, &l, 1, &rv, 1, 0) != (ssize_t)sizeof(how.flags) ||
		    !opens_to_write(how.flags))
			return 0;
		return see(o, tid, dirfd, r->rsi, how.flags & O_CREAT);
	case SYS_truncate:
	case SYS_unlink:
		return see(o, tid, AT_FDCWD, r->rdi, false);
	case SYS_unlinkat:
		return r->rdx & AT_REMOVEDIR ? 0 : see(o, tid, dirfd, r->rsi, false);
	case SYS_rename:
		/* The old name goes, the new one is replaced. */
		if (see(o, tid, AT_FDCWD, r->rdi, false))
			return -1;
		return see(o, tid, AT_FDCWD, r->rsi, true);
	case SYS_renameat:
	case SYS_renameat2:
		if (see(o, tid, dirfd, r->rsi, false))
			return -1;
		return see(o, tid, (int)r->rdx, r->r10, true);
	}
	return 0;
}

/* A file's state now: a hash of its content, 0 when it does not exist
 * (or is no regular file, or cannot be read). */
static __u64 state(const char *path)
{
	char buf[65536];
	__u64 h = FNV_BASIS;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;

	if (fd < 0)
		return 0;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return 0;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		h = fnv_more(h, buf, (size_t)n);
	close(fd);
	/* Never 0, the state of an absent file. */
	return h ? h : 1;
}

/* The note on the files explore rewrites: a few named, then how many more. */
static void note(const struct ei_outputs *o)
{
	char *list = NULL, q[PATH_MAX + 8];
	size_t len = 0;
	FILE *f = open_memstream(&list, &len);

	if (!f)
		return;
	for (int i = 0; i < o->n && i < 3; i++)
		fprintf(f, "%s%s", i ? ", " : "", ei_quote(o->f[i].path, q, sizeof(q)));
	if (o->n > 3)
		fprintf(f, " and %d more", o->n - 3);
	if (!fclose(f))
		ei_msg("note: the command changes %s: explore puts %s back before each run (one run at a time) "
		       "and at its end",
		       list, o->n == 1 ? "it" : "them");
	free(list);
}

/* A regular file's size, -1 if none. */
static off_t size_of(const char *path)
{
	struct stat st;

	return stat(path, &st) || !S_ISREG(st.st_mode) ? -1 : st.st_size;
}

void ei_outputs_reference(struct ei_outputs *o)
{
	for (int i = 0; i < o->n; i++) {
		o->f[i].ref = state(o->f[i].path);
		o->f[i].ref_size = size_of(o->f[i].path);
	}
	if (o->n)
		note(o);
	if (o->too_big)
		ei_msg("warning: %d files the command changes are too large to keep: they are neither restored "
		       "nor compared",
		       o->too_big);
}

/* The directories above path, made where the command removed them. */
static void make_parents(const char *path)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s", path);
	for (char *p = strchr(dir + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = 0;
		mkdir(dir, 0777);
		*p = '/';
	}
}

static int restore_one(const struct ei_ofile *f, char *err, size_t len)
{
	int flags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, fd;
	size_t done = 0;

	if (!f->existed) {
		if (unlink(f->path) && errno != ENOENT && errno != ENOTDIR)
			return ei_fail(err, len, "cannot remove %s: %s", f->path, strerror(errno));
		return 0;
	}
	fd = open(f->path, flags, f->mode);
	if (fd < 0 && errno == ENOENT) {
		make_parents(f->path);
		fd = open(f->path, flags, f->mode);
	}
	if (fd < 0)
		return ei_fail(err, len, "cannot rewrite %s: %s", f->path, strerror(errno));
	while (done < f->len) {
		ssize_t n = write(fd, f->data + done, f->len - done);
		if (n <= 0) {
			ei_fail(err, len, "cannot rewrite %s: %s", f->path, n < 0 ? strerror(errno) : "short write");
			close(fd);
			return -1;
		}
		done += (size_t)n;
	}
	if (fchmod(fd, f->mode) || close(fd))
		return ei_fail(err, len, "cannot rewrite %s: %s", f->path, strerror(errno));
	return 0;
}

int ei_outputs_restore(const struct ei_outputs *o, char *err, size_t len)
{
	for (int i = 0; o && i < o->n; i++)
		if (restore_one(&o->f[i], err, len))
			return -1;
	return 0;
}

__u64 ei_outputs_state(const struct ei_outputs *o)
{
	__u64 h = FNV_BASIS;

	for (int i = 0; o && i < o->n; i++)
		if (o->f[i].compared) {
			__u64 s = state(o->f[i].path);
			h = fnv_more(h, &s, sizeof(s));
		}
	return h;
}

__u64 ei_outputs_ref_state(const struct ei_outputs *o)
{
	__u64 h = FNV_BASIS;

	for (int i = 0; o && i < o->n; i++)
		if (o->f[i].compared)
			h = fnv_more(h, &o->f[i].ref, sizeof(o->f[i].ref));
	return h;
}

bool ei_outputs_same_sizes(const struct ei_outputs *o)
{
	for (int i = 0; o && i < o->n; i++)
		if (o->f[i].compared && size_of(o->f[i].path) != o->f[i].ref_size)
			return false;
	return true;
}

void ei_outputs_drop_unstable(struct ei_outputs *o)
{
	for (int i = 0; o && i < o->n; i++)
		if (o->f[i].compared && state(o->f[i].path) != o->f[i].ref) {
			char q[PATH_MAX + 8];
			o->f[i].compared = false;
			ei_msg("warning: a run with nothing failed left %s otherwise than the reference run: "
			       "it is not compared",
			       ei_quote(o->f[i].path, q, sizeof(q)));
		}
}

char *ei_outputs_lost(const struct ei_outputs *o, bool stdout_differs)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);
	int named = 0, more = 0;

	if (!f)
		return NULL;
	if (stdout_differs)
		fputs("stdout", f);
	for (int i = 0; o && i < o->n; i++) {
		if (!o->f[i].compared || state(o->f[i].path) == o->f[i].ref)
			continue;
		if (named == 3) {
			more++;
			continue;
		}
		fprintf(f, "%s%s", stdout_differs || named ? ", " : "", o->f[i].path);
		named++;
	}
	if (more)
		fprintf(f, " and %d more file%s", more, more == 1 ? "" : "s");
	if (fclose(f))
		return NULL;
	return s;
}

void ei_outputs_free(struct ei_outputs *o)
{
	for (int i = 0; o && i < o->n; i++) {
		free(o->f[i].path);
		free(o->f[i].data);
	}
	if (o)
		free(o->f);
}
