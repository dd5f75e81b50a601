// SPDX-License-Identifier: GPL-2.0
/*
 * sendfile: what strace 6.1's poke-sendfile.c checks, written anew: a
 * sendfile(2) of a quarter of a socket's send buffer from a file of that
 * size, with the offset 0xcafef00dfacefeed (which poke_enter= makes 0);
 * prints the result and the offset it left (which poke_exit= overwrites).
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "sprogs.h"

int main(void)
{
	int sv[2], in;
	unsigned int size = 0;
	socklen_t len = sizeof(size);
	uint64_t off = 0xcafef00dfacefeedULL;
	char path[] = "sendfile.XXXXXX";
	long r;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) || getsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &size, &len)) {
		say_fd(2, "sendfile: socket: %s\n", ename(errno));
		return 1;
	}
	size /= 4;
	in = mkstemp(path);
	if (in < 0 || unlink(path) || ftruncate(in, size)) {
		say_fd(2, "sendfile: %s: %s\n", path, ename(errno));
		return 1;
	}
	r = syscall(SYS_sendfile, sv[1], in, &off, size);
	say("sendfile(%u bytes) %s (%s), offset %#llx\n", size, result(r, errno),
	    r == (long)size ? "all" : "not all", (unsigned long long)off);
	return 0;
}
