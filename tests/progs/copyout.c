// SPDX-License-Identifier: GPL-2.0
/*
 * copyout OUT [checked]: copies stdin to the file OUT (created or
 * truncated), for errinj explore's tests of the files a command writes
 * (tests/host/explore_files.sh). Nothing goes to stdout, and the exit
 * status is 0 either way:
 *   (default)  the bug: the result of the write to OUT is ignored, so a
 *              failed write leaves OUT short and the status says success
 *   checked    every read, write and close checked: a message and exit 1
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	bool checked = argc > 2 && !strcmp(argv[2], "checked");
	char buf[4096];
	ssize_t n;
	int fd;

	if (argc < 2 || argc > 3 || (argc == 3 && !checked)) {
		fprintf(stderr, "usage: copyout OUT [checked]\n");
		return 2;
	}
	if ((fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0) {
		perror("copyout: open");
		return 1;
	}
	while ((n = read(0, buf, sizeof(buf))) > 0) {
		ssize_t w = write(fd, buf, (size_t)n);
		if (checked && w != n) {
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
