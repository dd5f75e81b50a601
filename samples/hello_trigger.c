// SPDX-License-Identifier: GPL-2.0
/* hello_trigger: print our pid, then call dup(2) once, for samples/hello. */
#include <stdio.h>
#include <unistd.h>
#include <sys/syscall.h>

int main(void)
{
	printf("hello_trigger: PID %d\n", (int)getpid());
	fflush(stdout);
	long fd = syscall(SYS_dup, 1);
	if (fd < 0) {
		perror("dup");
		return 1;
	}
	close((int)fd);
	return 0;
}
