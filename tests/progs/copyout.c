// SPDX-License-Identifier: GPL-2.0
/*
 * copyout OUT [MODE]: copies stdin to the file OUT (created or truncated),
 * for errinj explore's tests of the files a command writes
 * (tests/host/explore_files.sh). Nothing goes to stdout. MODE:
 *   (none)       the bug: the result of the write to OUT is ignored, so a
 *                failed write leaves OUT short and the exit status is 0
 *   checked      every read, write and close checked: a message, exit 1
 *   retry        a failed write said on stderr and made again: OUT
 *                whole, exit 0
 *   retry-quiet  the same, nothing said
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *mode = argc > 2 ? argv[2] : "";
	bool checked = !strcmp(mode, "checked"), quiet = !strcmp(mode, "retry-quiet");
	bool retry = quiet || !strcmp(mode, "retry");
	char buf[4096];
	ssize_t n;
	int fd;

	if (argc < 2 || argc > 3 || (argc == 3 && !checked && !retry)) {
		fprintf(stderr, "usage: copyout OUT [checked|retry|retry-quiet]\n");
		return 2;
	}
	if ((fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0) {
		perror("copyout: open");
		return 1;
	}
	while ((n = read(0, buf, sizeof(buf))) > 0) {
		ssize_t w = write(fd, buf, (size_t)n);
		if (retry && w != n) {
			/* A short write is not expected of a small file. */
			if (!quiet)
				perror("copyout: write, retrying");
			w = write(fd, buf, (size_t)n);
		}
		if ((checked || retry) && w != n) {
			perror("copyout: write");
			return 1;
		}
	}
	if (checked && n < 0) {
		perror("copyout: read");
		return 1;
	}
	if (close(fd) && checked) {
		perror("copyout: close");
		return 1;
	}
	return 0;
}
