// SPDX-License-Identifier: GPL-2.0
/*
 * statpaths A B: stats A, B, A again, opens A and stats the descriptor
 * (newfstatat(fd, "", AT_EMPTY_PATH)), stats B again; once done, prints
 * each success on stdout and each failure on stderr, and exits 0 whatever
 * failed (a failure loses stdout lines: explore's "lost"). For errinj explore's
 * persistent faults on one path (tests/host/explore_persist.sh): a
 * missing A fails A's lookups, not B's nor the descriptor's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char out[1024], err[1024];
static size_t len, elen;

static void say(const char *what, int r)
{
	if (r)
		elen += (size_t)snprintf(err + elen, sizeof(err) - elen, "%s: %s\n", what, strerror(errno));
	else
		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s: ok\n", what);
}

int main(int argc, char **argv)
{
	struct stat st;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: statpaths A B\n");
		return 2;
	}
	say("stat A", fstatat(AT_FDCWD, argv[1], &st, 0));
	say("stat B", fstatat(AT_FDCWD, argv[2], &st, 0));
	say("stat A again", fstatat(AT_FDCWD, argv[1], &st, 0));
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	say("open A", fd < 0);
	if (fd >= 0) {
		say("fstat A", fstatat(fd, "", &st, AT_EMPTY_PATH));
		close(fd);
	}
	say("stat B again", fstatat(AT_FDCWD, argv[2], &st, 0));
	fputs(out, stdout);
	fputs(err, stderr);
	return 0;
}
