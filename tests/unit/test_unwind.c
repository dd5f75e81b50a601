// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of lib/unwind/unwind.c's hold on libdebuginfod: libdwfl
 * loads it where a module's debug information is not on this machine.
 * With no server in DEBUGINFOD_URLS it must not be loaded (its forty
 * libraries would make each of explore's forks dearer, for nothing);
 * with one it must be, as libdwfl would.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unwind/unwind.h"
#include "test.h"

static bool debuginfod_mapped(void)
{
	char line[4096];
	bool found = false;
	FILE *f = fopen("/proc/self/maps", "re");

	while (f && fgets(line, sizeof(line), f))
		found |= strstr(line, "/libdebuginfod") != NULL;
	if (f)
		fclose(f);
	return found;
}

static int getdwarf(Dwfl_Module *m, void **ud, const char *name, Dwarf_Addr start, void *arg)
{
	Dwarf_Addr bias;

	(void)ud, (void)name, (void)start, (void)arg;
	dwfl_module_getdwarf(m, &bias);
	return DWARF_CB_OK;
}

/* In a child, as a loaded library stays: the debug information of each
 * of its modules (libc's is not on a machine without libc6-dbg), looked
 * for with DEBUGINFOD_URLS urls (NULL: unset). Its exit status: 1 if
 * libdebuginfod got mapped, + 2 if it can be loaded at all, 4 set-up
 * failed. */
static int lookups(const char *urls, const char *cache)
{
	int st = 4 << 8;
	pid_t pid = fork();

	if (pid == 0) {
		void *(*real)(const char *, int);
		Dwfl *d;
		int r;

		if (urls)
			setenv("DEBUGINFOD_URLS", urls, 1);
		else
			unsetenv("DEBUGINFOD_URLS");
		setenv("DEBUGINFOD_CACHE_PATH", cache, 1);
		if (!(d = ei_dwfl_begin()) || ei_dwfl_report(d, getpid()))
			_exit(4);
		dwfl_getmodules(d, getdwarf, NULL, 0);
		dwfl_end(d);
		r = debuginfod_mapped();
		/* libc's dlopen, past unwind.c's. */
		real = (void *(*)(const char *, int))dlsym(RTLD_NEXT, "dlopen");
		r |= real && real("libdebuginfod.so.1", RTLD_LAZY) ? 2 : 0;
		_exit(r);
	}
	if (pid > 0)
		waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 4;
}

static char cache[] = "/tmp/errinj-unwind.XXXXXX";

static void test_no_server_no_debuginfod(void)
{
	/* 2: loadable, not loaded. */
	int r = lookups(NULL, cache);

	ASSERT(r == 0 || r == 2, "DEBUGINFOD_URLS unset: status %d (1: libdebuginfod loaded, 4: set-up)", r);
	r = lookups("", cache);
	ASSERT(r == 0 || r == 2, "DEBUGINFOD_URLS empty: status %d (1: libdebuginfod loaded, 4: set-up)", r);
}

static void test_server_debuginfod(void)
{
	/* Port 9 refuses at once: no lookup waits. Loaded if loadable. */
	int r = lookups("http://127.0.0.1:9", cache);

	ASSERT(r == 0 || r == 3, "DEBUGINFOD_URLS set: status %d (2: loadable, not loaded, 4: set-up)", r);
}

int main(void)
{
	char rm[64];

	if (!mkdtemp(cache)) {
		perror("mkdtemp");
		return 1;
	}
	SUBTEST(no_server_no_debuginfod);
	SUBTEST(server_debuginfod);
	snprintf(rm, sizeof(rm), "rm -rf '%s'", cache);
	if (system(rm)) {
		/* a leftover in /tmp */
	}
	return t_failed ? 1 : 0;
}
