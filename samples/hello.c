// SPDX-License-Identifier: GPL-2.0
/*
 * hello [-n COUNT] [-t SECONDS]: attach samples/hello.bpf.c and copy its
 * messages from the trace pipe to stdout, until COUNT messages (default:
 * no limit) or SECONDS (default 10) have passed. Prints "hello: attached"
 * once the tracepoint is live. Run hello_trigger to call dup(2).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "engine/engine.h"
#include "../tools/cli.h"
#include "hello.skel.h"

static int open_trace_pipe(void)
{
	int fd = open("/sys/kernel/tracing/trace_pipe", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		fd = open("/sys/kernel/debug/tracing/trace_pipe", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	return fd;
}

int main(int argc, char **argv)
{
	struct hello_bpf *skel = NULL;
	long count = -1, seconds = 10, seen = 0;
	int opt, fd = -1, ret = EI_EXIT_FAIL;
	char buf[4096], line[1024];
	size_t used = 0;
	time_t end;

	ei_set_progname("hello");
	while ((opt = getopt(argc, argv, "n:t:")) != -1) {
		if (opt == 'n')
			count = atol(optarg);
		else if (opt == 't')
			seconds = atol(optarg);
		else
			ei_usage_error("usage: hello [-n COUNT] [-t SECONDS]");
	}
	ei_libbpf_log(getenv("ERRINJ_VERBOSE") != NULL);
	fd = open_trace_pipe();
	if (fd < 0) {
		ei_msg("cannot open the trace pipe (is tracefs mounted?): %s", strerror(errno));
		return EI_EXIT_FAIL;
	}
	skel = hello_bpf__open_and_load();
	if (!skel || hello_bpf__attach(skel)) {
		ei_msg("cannot load or attach the program: %s", strerror(errno));
		goto cleanup;
	}
	printf("hello: attached\n");
	fflush(stdout);

	end = time(NULL) + seconds;
	while (time(NULL) < end && (count < 0 || seen < count)) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, 200) <= 0)
			continue;
		ssize_t n = read(fd, buf + used, sizeof(buf) - 1 - used);
		if (n <= 0)
			continue;
		used += n;
		buf[used] = '\0';
		char *start = buf, *nl;
		while ((nl = strchr(start, '\n'))) {
			*nl = '\0';
			char *msg = strstr(start, "bpf_trace_printk: ");
			if (msg && (count < 0 || seen < count)) {
				snprintf(line, sizeof(line), "%s", msg + strlen("bpf_trace_printk: "));
				printf("%s\n", line);
				fflush(stdout);
				seen++;
			}
			start = nl + 1;
		}
		used = strlen(start);
		memmove(buf, start, used);
	}
	ret = (count < 0 || seen >= count) ? 0 : EI_EXIT_FAIL;
	if (ret)
		ei_msg("timed out after %ld of %ld messages", seen, count);
cleanup:
	hello_bpf__destroy(skel);
	if (fd >= 0)
		close(fd);
	return ret;
}
