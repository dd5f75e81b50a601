// SPDX-License-Identifier: GPL-2.0
/*
 * errinj: make chosen syscalls of chosen processes fail, from the kernel.
 * strace's -e inject= semantics (error=, retval=, signal=, when=,
 * delay_enter=, poke_enter=) plus prob=, seed=, max=, site=, several rules per
 * syscall, follow-forks, -p and --cgroup targets, text or JSON events and
 * a summary table; served by fmod_ret, kprobe or seccomp, whichever is
 * cheapest of those this kernel and user allow.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/magic.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>

#include "core/core.h"
#include "engine/engine.h"
#include "cli.h"
/* The generated tables themselves, for --names (the library looks names
 * up one at a time; aliases such as EWOULDBLOCK are listed here too). */
#include "errno_table.h"
#include "signal_table.h"

/* The Makefile passes it (scripts/version: git describe, or the version
 * of debian/changelog in a tree without git). */
#ifndef EI_VERSION
#error "EI_VERSION is not defined: build errinj with the Makefile"
#endif
#include "explore_cli.h"

#define MAX_SPECS EI_MAX_RULES
#define MAX_PIDS 64
#define PIDFD_EV 16 /* epoll data of the i-th -p process: PIDFD_EV + i */

static struct env {
	struct ei_spec specs[MAX_SPECS];
	int nspecs;
	char *short_args[2]; /* SYSCALL ERRNO of the short form */
	int nshort;
	char **cmd;
	pid_t pids[MAX_PIDS];
	int npids;
	const char *cgroup;
	long duration;
	int backend;
	bool no_follow, in_filter, quiet, json, summary, list, verbose, features, check;
	const char *output;
} env = { .backend = EI_BACKEND_AUTO };

static const char usage_text[] =
	"usage: errinj [OPTIONS] SYSCALL ERRNO [[--] CMD [ARGS...]]\n"
	"       errinj [OPTIONS] -e inject=SPEC [-e inject=SPEC]... [[--] CMD [ARGS...]]\n"
	"       errinj [OPTIONS] -e inject=SPEC... -p PID | --cgroup DIR\n"
	"       errinj --list\n"
	"       errinj --features\n"
	"       errinj explore [OPTIONS] -- CMD [ARGS...]   (see errinj explore --help)\n"
	"Make chosen system calls of a process fail, from inside the kernel (eBPF\n"
	"fmod_ret or kprobe with bpf_override_return) or, without root or kernel\n"
	"support, from a seccomp filter that errinj supervises. Without CMD, -p or\n"
	"--cgroup, userapp (beside errinj) is run.\n"
	"\n"
	"  -e inject=SPEC, --inject=SPEC  add an injection rule (repeatable)\n"
	"  -e fault=SPEC, --fault=SPEC    the same, error=ENOSYS unless given (strace's)\n"
	"  -p, --pid=PID          inject into a running process and its new children,\n"
	"                         until Ctrl-C, -d, or its and their exit; repeatable,\n"
	"                         and PID may be a list: -p \"$(pidof prog)\"\n"
	"      --cgroup=DIR       inject into every process of a cgroup v2 directory\n"
	"  -d, --duration=SECS    with -p or --cgroup: stop after SECS seconds\n"
	"      --no-follow        do not follow children (threads are always followed)\n"
	"  -o, --output=FILE      write injection events to FILE instead of stderr\n"
	"  -q, --quiet            do not report injections\n"
	"      --in-filter        with -q, seccomp: a syscall whose rules are error=\n"
	"                         alone (argK=, fd= allowed) is failed by the filter\n"
	"                         itself, at native speed; the command's processes\n"
	"                         keep failing it after errinj has gone\n"
	"      --json             report injections as JSON Lines\n"
	"  -c, --summary          at exit, print calls seen and injected per syscall\n"
	"      --backend=NAME     fmod_ret, kprobe or seccomp for every rule; auto (the\n"
	"                         default) picks for each syscall the cheapest that this\n"
	"                         kernel and user allow and that serves its rules\n"
	"      --features         say which backends this kernel and user can use, and\n"
	"                         why not\n"
	"      --list             list the syscalls this kernel lets errinj fail\n"
	"  -v, --verbose          show libbpf's log\n"
	"      --check            check the command line and exit 0 (2 if bad): load\n"
	"                         nothing, run nothing\n"
	"      --names=KIND       print the names errinj knows, one a line (for shell\n"
	"                         completion): syscalls (with classes and all),\n"
	"                         errnos, signals, keys (of SPEC), options, backends;\n"
	"                         set:SET, the syscalls that SET selects\n"
	"  -h, --help             show this help\n"
	"  -V, --version          print errinj's version\n"
	"\n"
	"SPEC is SET:key=value[:key=value]..., SET a comma-separated list of syscalls:\n"
	"  error=ERRNO     fail with ERRNO (a name such as ENOENT, or 1..4095)\n"
	"  retval=N        do not run the syscall, return N (C notation: 0x10, 010)\n"
	"  signal=SIG      also send SIG to the calling thread (alone: the call runs)\n"
	"  delay_enter=T   hold the call T (us, or a unit: 1.5ms, 2s) first (seccomp)\n"
	"  poke_enter=@argN=HEX[,@argM=HEX]  first write bytes where argument N\n"
	"                  (1-based, as strace) points (seccomp)\n"
	"  when=EXPR       first[..last][+[step]]: which calls, counted per syscall\n"
	"                  and process, as strace's when=\n"
	"  prob=P          fire with probability P, 0 < P <= 1\n"
	"  seed=S          make prob= reproducible: same seed, same failing calls\n"
	"  max=N           at most N injections by this rule\n"
	"  path=PATTERN    only calls whose path argument matches (as passed; '*' any\n"
	"                  run of bytes, '/' included, '?' one byte)\n"
	"  fd=N            only calls whose first argument is descriptor N\n"
	"  argK=V, argK&MASK=V  only calls whose argument K (0..5) is V, or has the\n"
	"                  bits V under MASK (decimal, 0x hex, 0 octal)\n"
	"  site=FUNCTION   only calls made with FUNCTION (a symbol of the program or a\n"
	"                  library) anywhere in the caller's stack (seccomp)\n"
	"SET holds syscall names and numbers, strace's classes (%file, %desc, %net,\n"
	"%process, %memory, %signal, %ipc, %creds, %clock, %pure, %%stat...),\n"
	"/REGEX (on names), or is all or none; each leading '!' takes the\n"
	"complement, '?NAME' may name nothing (--names=set:SET shows the syscalls).\n"
	"Filters are checked before counting: when= counts what passes.\n"
	"Several rules may name the same syscall: as strace, a later rule replaces an\n"
	"earlier one for it, unless either has prob=, seed=, max=, path=, fd=, argK=\n"
	"or site=: then the first that fires wins (every rule counts every call).\n"
	"\n"
	"Exit status: CMD's (128+N if killed by signal N); 2 for bad input; 1 when\n"
	"errinj itself fails (missing root or kernel support, say).\n"
	"\n"
	"EXAMPLES:\n"
	"  errinj dup EINVAL                # every dup(2) of userapp fails\n"
	"  errinj -e inject=openat:error=ENOENT:path=/etc/hostname -- cat /etc/hostname /etc/os-release\n"
	"  errinj -e inject=write:error=ENOSPC:when=2 -- sh -c 'echo one; echo two; echo three'\n"
	"  errinj -c -e 'inject=openat:error=EIO:prob=0.5:seed=7:path=/etc/*.conf' -- wc -l /etc/*.conf\n"
	"  errinj -e inject=write:retval=1:fd=1:max=1 -- echo hello\n"
	"  errinj -e 'inject=openat:error=EACCES:path=*.conf' -- cat /etc/hostname /etc/ld.so.conf\n"
	"  errinj -e inject=write:error=EIO:fd=1 -- echo hello\n"
	"  errinj -e 'inject=openat:error=EROFS:arg2&0100=0100' -- touch /tmp/errinj-example\n"
	"  errinj -e inject=%net:error=ENETDOWN -- getent hosts debian.org\n"
	"  errinj -e 'inject=/^mkdir:error=ENOSPC' -- mkdir -p /tmp/errinj-example.d/a\n"
	"  errinj -e fault=unlinkat -- rm -rf /tmp/errinj-example.d\n"
	"  errinj -e inject=read:delay_enter=200ms:when=1 -- cat /etc/hostname\n"
	"  errinj --json -c -e inject=close:error=EIO:fd=1 -- echo hello\n"
	"  errinj --backend=seccomp -e 'inject=openat:error=EACCES:path=/etc/host*' -- cat /etc/hostname\n"
	"  errinj -e inject=openat:error=ENOENT:site=opendir -- ls /etc   # opendir(3)'s only\n"
	"  errinj -p $$ -d 60 -e inject=connect:error=ECONNREFUSED &   # root: this shell, 60 s\n"
	"  errinj --cgroup /sys/fs/cgroup/user.slice -d 10 -e inject=mkdir:error=EDQUOT   # root\n"
	"  errinj --check -e inject=dup:error=EIO:when=2+2   # parse only: exit 0 or 2\n"
	"  errinj --features                # which backends serve here, and why not\n";

enum { OPT_INJECT = 0x100, OPT_FAULT, OPT_NO_FOLLOW, OPT_JSON, OPT_LIST, OPT_CGROUP, OPT_BACKEND, OPT_FEATURES,
       OPT_CHECK, OPT_NAMES, OPT_IN_FILTER };

static const char short_options[] = "+:e:p:d:o:qcvhV";

static const struct option long_options[] = {
	{ "inject", required_argument, NULL, OPT_INJECT },
	{ "fault", required_argument, NULL, OPT_FAULT },
	{ "pid", required_argument, NULL, 'p' },
	{ "cgroup", required_argument, NULL, OPT_CGROUP },
	{ "duration", required_argument, NULL, 'd' },
	{ "no-follow", no_argument, NULL, OPT_NO_FOLLOW },
	{ "in-filter", no_argument, NULL, OPT_IN_FILTER },
	{ "output", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "summary", no_argument, NULL, 'c' },
	{ "list", no_argument, NULL, OPT_LIST },
	{ "backend", required_argument, NULL, OPT_BACKEND },
	{ "features", no_argument, NULL, OPT_FEATURES },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "names", required_argument, NULL, OPT_NAMES },
	{},
};

static void add_spec(const char *text, bool fault)
{
	char err[512];

	if (env.nspecs == MAX_SPECS)
		ei_usage_error("too many inject rules (at most %d)", MAX_SPECS);
	if ((fault ? ei_fault_parse : ei_spec_parse)(text, &env.specs[env.nspecs], err, sizeof(err))) {
		char q[96];
		ei_usage_error("bad %s spec '%s': %s", fault ? "fault" : "inject", ei_quote(text, q, sizeof(q)),
			       err);
	}
	/* As strace warns: a return value the caller reads as -errno. */
	if ((env.specs[env.nspecs].actions & EI_ACT_RETVAL) && env.specs[env.nspecs].retval < 0 &&
	    env.specs[env.nspecs].retval >= -EI_ERRNO_MAX) {
		const struct ei_spec *sp = &env.specs[env.nspecs];
		const char *name = ei_errno_name((int)-sp->retval);
		ei_msg("warning: retval=%llu is %lld, which the caller reads as error %s%s%d%s",
		       (unsigned long long)sp->retval, (long long)sp->retval, name ? name : "", name ? " (" : "",
		       (int)-sp->retval, name ? ")" : "");
	}
	/* As strace: this rule replaces the earlier ones for its syscalls. */
	for (int i = 0; i < env.nspecs; i++)
		ei_spec_supersede(&env.specs[i], &env.specs[env.nspecs]);
	env.nspecs++;
}

static long parse_positive(const char *s, const char *what, long max)
{
	char *end, q[64];
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > max || s[0] == '+' || s[0] == ' ')
		ei_usage_error("invalid %s '%s': expected 1..%ld", what, ei_quote(s, q, sizeof(q)), max);
	return v;
}

/* -p PID, repeatable, and (as strace) a list: -p "$(pidof prog)". */
static void add_pids(const char *arg)
{
	char buf[4096], *save = NULL, *tok;

	if (strlen(arg) >= sizeof(buf))
		ei_usage_error("-p: list too long");
	strcpy(buf, arg);
	tok = strtok_r(buf, ", \t\n", &save);
	if (!tok)
		ei_usage_error("invalid pid '': expected 1..%d", INT_MAX);
	for (; tok; tok = strtok_r(NULL, ", \t\n", &save)) {
		pid_t pid = (pid_t)parse_positive(tok, "pid", INT_MAX);
		bool seen = false;
		for (int i = 0; i < env.npids; i++)
			seen |= env.pids[i] == pid;
		if (seen)
			continue;
		if (env.npids == MAX_PIDS)
			ei_usage_error("too many pids (at most %d)", MAX_PIDS);
		env.pids[env.npids++] = pid;
	}
}

/* --names=KIND: what the shell completion offers, from errinj's own
 * tables, so that it never drifts from the binary: the spec's keys are
 * lib/core/spec.c's table, the classes ei_class_parse's. */
static int print_names(const char *kind)
{
	const struct ei_spec_key *k;
	const struct ei_syscall_entry *e;
	const char *c;
	char q[64];
	size_t i;

	if (!strcmp(kind, "syscalls")) {
		for (i = 0; (e = ei_syscall_at(i)); i++)
			puts(e->name);
		for (i = 0; (c = ei_class_name(i)); i++)
			puts(c);
		puts("all");
		puts("none");
	} else if (!strncmp(kind, "set:", 4)) {
		/* The set as a rule reads it: what the classes hold here. */
		char spec[4200], err[512];
		struct ei_spec sp;

		if (strlen(kind + 4) > 4000 || strchr(kind + 4, ':'))
			ei_usage_error("--names=set:SET: SET '%s' is too long or holds ':'",
				       ei_quote(kind + 4, q, sizeof(q)));
		snprintf(spec, sizeof(spec), "%s:error=EIO", kind + 4);
		if (ei_spec_parse(spec, &sp, err, sizeof(err)))
			ei_usage_error("--names=set:SET: %s", err);
		for (i = 0; (e = ei_syscall_at(i)); i++)
			if (ei_sysset_has(&sp.syscalls, e->nr))
				puts(e->name);
	} else if (!strcmp(kind, "errnos")) {
		for (i = 0; i < sizeof(ei_errno_canon) / sizeof(ei_errno_canon[0]); i++)
			puts(ei_errno_canon[i].name);
		for (i = 0; i < sizeof(ei_errno_alias) / sizeof(ei_errno_alias[0]); i++)
			puts(ei_errno_alias[i].name);
	} else if (!strcmp(kind, "signals")) {
		for (i = 0; i < sizeof(ei_signal_table) / sizeof(ei_signal_table[0]); i++)
			puts(ei_signal_table[i].name);
	} else if (!strcmp(kind, "keys")) {
		for (i = 0; (k = ei_spec_key_at(i)); i++)
			if (!k->backends)
				continue; /* refused */
			else if (!strcmp(k->name, "argK"))
				for (int a = 0; a < 6; a++)
					printf("arg%d\n", a);
			else
				puts(k->name);
	} else if (!strcmp(kind, "options")) {
		for (const char *c = short_options; *c; c++)
			if (*c != '+' && *c != ':')
				printf("-%c\n", *c);
		for (const struct option *o = long_options; o->name; o++)
			printf("--%s%s\n", o->name, o->has_arg == required_argument ? "=" : "");
	} else if (!strcmp(kind, "backends")) {
		puts("auto");
		for (int b = 0; b < EI_NR_BACKENDS; b++)
			puts(ei_backend_name(b));
	} else {
		ei_usage_error("unknown --names kind '%s' (expected syscalls, errnos, signals, keys, options, backends "
			       "or set:SET)",
			       ei_quote(kind, q, sizeof(q)));
	}
	return fflush(stdout) ? EI_EXIT_FAIL : 0;
}

/* One option of the command line (getopt_long's opt); bad input exits 2. */
static void parse_option(int opt, char **argv)
{
	char q[96];

	switch (opt) {
	case 'e':
		if (!strncmp(optarg, "inject=", 7))
			add_spec(optarg + 7, false);
		else if (!strncmp(optarg, "fault=", 6))
			add_spec(optarg + 6, true);
		else
			ei_usage_error("unsupported -e expression '%s': only inject=SPEC and fault=SPEC are known",
				       ei_quote(optarg, q, sizeof(q)));
		break;
	case OPT_INJECT:
		add_spec(optarg, false);
		break;
	case OPT_FAULT:
		add_spec(optarg, true);
		break;
	case 'p':
		add_pids(optarg);
		break;
	case OPT_CGROUP:
		if (env.cgroup)
			ei_usage_error("--cgroup given twice");
		env.cgroup = optarg;
		break;
	case 'd':
		env.duration = parse_positive(optarg, "duration", 1000000000L);
		break;
	case OPT_NO_FOLLOW:
		env.no_follow = true;
		break;
	case OPT_IN_FILTER:
		env.in_filter = true;
		break;
	case 'o':
		env.output = optarg;
		break;
	case 'q':
		env.quiet = true;
		break;
	case OPT_JSON:
		env.json = true;
		break;
	case 'c':
		env.summary = true;
		break;
	case OPT_LIST:
		env.list = true;
		break;
	case OPT_BACKEND:
		env.backend = ei_backend_parse(optarg);
		if (env.backend < EI_BACKEND_AUTO)
			ei_usage_error("unknown backend '%s' (expected fmod_ret, kprobe, seccomp or auto)",
				       ei_quote(optarg, q, sizeof(q)));
		break;
	case OPT_FEATURES:
		env.features = true;
		break;
	case 'v':
		env.verbose = true;
		break;
	case 'h':
		fputs(usage_text, stdout);
		exit(0);
	case 'V':
		puts("errinj " EI_VERSION);
		exit(0);
	case OPT_CHECK:
		env.check = true;
		break;
	case OPT_NAMES:
		exit(print_names(optarg));
	case ':':
		ei_usage_error("option '%s' needs a value", ei_quote(argv[optind - 1], q, sizeof(q)));
	default:
		if (optopt)
			ei_usage_error("unknown option '-%c' (see --help)", optopt);
		ei_usage_error("unknown option '%s' (see --help)",
			       ei_quote(argv[optind - 1], q, sizeof(q)));
	}
}

static void parse_args(int argc, char **argv)
{
	char q[96];
	int opt, i;

	/* '+': options end at the first non-option, so that CMD's own
	 * options stay CMD's; ':': report a missing value ourselves. */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, short_options, long_options, NULL)) != -1)
		parse_option(opt, argv);
	i = optind;
	/* The short form: SYSCALL ERRNO before the command. */
	if (!env.nspecs && !env.list) {
		while (env.nshort < 2 && i < argc && strcmp(argv[i], "--"))
			env.short_args[env.nshort++] = argv[i++];
		if (env.nshort == 1)
			ei_usage_error("missing ERRNO after '%s' (usage: errinj SYSCALL ERRNO [-- CMD...])",
				       ei_quote(env.short_args[0], q, sizeof(q)));
	}
	if (i < argc && !strcmp(argv[i], "--"))
		i++;
	if (i < argc)
		env.cmd = &argv[i];
	else if (i > optind && !strcmp(argv[i - 1], "--"))
		ei_usage_error("missing command after '--'");
}

/* ---- output ---- */

static FILE *out;
static long long realtime_offset_ns; /* CLOCK_REALTIME - CLOCK_MONOTONIC */
/* Write errors on out: the first one's errno, and the events lost. */
static int out_errno;
static unsigned long long out_lost;

static const char *out_name(void)
{
	static char q[96];

	return env.output ? ei_quote(env.output, q, sizeof(q)) : "standard error";
}

/* After a write to out: false, and the first error said, if it or an
 * earlier one failed. strace 6.1 says such an error at every line it
 * cannot write and keeps the command's exit status; errinj says the
 * first, how many events were lost at exit, and exits 1 if the command's
 * status is 0 (main). */
static bool out_ok(int e)
{
	if (fflush(out) && !e)
		e = errno;
	if (!e && !ferror(out))
		return true;
	clearerr(out);
	if (!out_errno) {
		out_errno = e ? e : EIO;
		ei_msg("cannot write to %s: %s", out_name(), strerror(out_errno));
	}
	return false;
}

static int on_event(const struct ei_event *e, void *ctx)
{
	/* Each event goes out in one write, so that it is never interleaved
	 * with what the targets write to the same file. */
	char line[4096];
	FILE *f = fmemopen(line, sizeof(line), "w");

	(void)ctx;
	if (!f || !out)
		return 0;
	ei_write_event(f, e, env.json ? EI_JSON : EI_TEXT, realtime_offset_ns);
	fclose(f);
	if (!out_ok(fputs(line, out) == EOF ? errno : 0))
		out_lost++;
	return 0;
}

/* Calls seen and failed per attached syscall (one the rules can fail on
 * this kernel), if the targets made any or a rule named it: not every
 * name a class or a complement could hold. */
static void print_summary(struct ei_session *s)
{
	static struct ei_summary_row rows[EI_NR_SYSCALLS];
	int n = 0;

	for (int nr = 0; nr < EI_NR_SYSCALLS; nr++) {
		struct ei_stat st;
		bool named = false;
		if (!ei_session_attached(s, nr) || ei_session_stat(s, nr, &st))
			continue;
		for (int i = 0; i < env.nspecs; i++)
			named |= ei_sysset_has(&env.specs[i].named, nr);
		if (!st.seen && !named)
			continue;
		rows[n++] = (struct ei_summary_row){ ei_syscall_name(nr), st.seen, st.injected };
	}
	clearerr(out);
	errno = 0;
	ei_write_summary(out, rows, n, env.json ? EI_JSON : EI_TEXT);
	if (!out_ok(ferror(out) ? errno : 0))
		ei_msg("the summary was not written");
}

static void print_name(const char *name, void *ctx)
{
	(void)ctx;
	printf("%s\n", name);
}

/* ---- running the command ---- */

/* Why a process could not be made a target, from add_target's errno. */
static const char *add_error(int e)
{
	switch (e) {
	case ESRCH:
		return "no such process in errinj's pid namespace";
	case ECHILD:
		return "it has exited";
	case ENOSPC:
		return "the targets table is full";
	default:
		return strerror(e);
	}
}

/* Closes whichever of the descriptors are open. */
static void close_fds(int *fds, int n)
{
	for (int i = 0; i < n; i++)
		if (fds[i] >= 0) {
			close(fds[i]);
			fds[i] = -1;
		}
}

/* ---- main: validate, prepare, open the session, start, loop, report ---- */

static struct run {
	struct ei_session *s;
	struct ei_options o;
	sigset_t oldmask;
	int ep, sfd;
	int pidfds[MAX_PIDS], npidfds, pids_alive;
	pid_t cmd_pid;
	int status;
	bool cmd_done, pid_done, stop;
	int stop_sig;        /* the signal that stopped errinj, if one did */
	pid_t probe;         /* see start_probe */
	int probe_fd;
	struct timespec deadline;
} R = { .o = { .cgroup_fd = -1 }, .ep = -1, .sfd = -1, .probe_fd = -1 };

/* Everything the user gave that can be judged before loading anything:
 * bad input exits 2 here, a missing privilege 1. */
static int validate(void)
{
	char err[512], q[96];

	if (env.nshort == 2) {
		char *spec;
		if (strchr(env.short_args[0], ':') || strchr(env.short_args[1], ':'))
			ei_usage_error("SYSCALL and ERRNO may not contain ':' (use -e inject=SPEC)");
		/* Whole, however long: the parser judges it, nothing is cut. */
		if (asprintf(&spec, "%s:error=%s", env.short_args[0], env.short_args[1]) < 0)
			ei_usage_error("out of memory");
		add_spec(spec, false);
		free(spec);
	}
	if (!env.nspecs)
		ei_usage_error("nothing to inject: give SYSCALL ERRNO or -e inject=SPEC (see --help)");
	if (!!env.cmd + !!env.npids + !!env.cgroup > 1)
		ei_usage_error("give only one of a command, -p PID and --cgroup DIR");
	if (env.duration && !env.npids && !env.cgroup)
		ei_usage_error("-d applies to -p and --cgroup");
	if (env.quiet && (env.json || env.output))
		ei_usage_error("-q silences the events that --json and -o would write");
	/* A call the filter fails is neither reported nor counted, and only
	 * a process that follows is sure to be a target. */
	if (env.in_filter && (!env.quiet || env.summary || env.no_follow))
		ei_usage_error("--in-filter needs -q, and takes neither -c nor --no-follow (a call the filter fails "
			       "is neither reported nor counted)");
	/* What no backend could serve, said before anything is loaded. */
	if (ei_rules_check(env.specs, env.nspecs, env.backend, env.npids ? "-p" : env.cgroup ? "--cgroup" : NULL, err,
			   sizeof(err)))
		ei_usage_error("%s", err);
	/* --check judges the text alone: not whether the processes, the
	 * cgroup or userapp are there now. */
	if (env.check)
		return 0;
	for (int i = 0; i < env.npids; i++) {
		int r = ei_pid_check(env.pids[i], err, sizeof(err));
		if (r == EI_EXIT_USAGE)
			ei_usage_error("%s", err);
		if (r) {
			ei_msg("%s", err);
			return EI_EXIT_FAIL;
		}
	}
	if (env.cgroup) {
		struct statfs sfs;
		R.o.cgroup_fd = open(env.cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (R.o.cgroup_fd < 0 && (errno == EACCES || errno == EPERM)) {
			/* A privilege, not a typo: exit 1 with a sentence. */
			ei_msg("cannot open --cgroup %s: %s", ei_quote(env.cgroup, q, sizeof(q)), strerror(errno));
			return EI_EXIT_FAIL;
		}
		if (R.o.cgroup_fd < 0 || fstatfs(R.o.cgroup_fd, &sfs) || sfs.f_type != CGROUP2_SUPER_MAGIC)
			ei_usage_error("--cgroup %s: not a cgroup v2 directory", ei_quote(env.cgroup, q, sizeof(q)));
	}
	if (!env.cmd && !env.npids && !env.cgroup) {
		static char path[PATH_MAX], *def[2];
		if (ei_userapp_path(path, sizeof(path)))
			ei_usage_error("cannot locate userapp beside errinj");
		def[0] = path;
		env.cmd = def;
	}
	return 0;
}

/* The events' file, and the clock offset for their JSON time. */
static int prepare_output(void)
{
	struct timespec mono, real;

	out = stderr;
	if (env.output) {
		out = fopen(env.output, "we");
		if (!out) {
			char q[96];
			ei_msg("cannot open %s: %s", ei_quote(env.output, q, sizeof(q)), strerror(errno));
			return -1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &real);
	realtime_offset_ns = (real.tv_sec - mono.tv_sec) * 1000000000LL + (real.tv_nsec - mono.tv_nsec);
	return 0;
}

/* Signals arrive through a signalfd, so that the event loop sees them in
 * order with the events; the command gets the old mask. Every signal that
 * would stop errinj or that it could pass on: not those a fault raises,
 * nor job control's (errinj stops and goes on with its job). */
static int prepare_signals(void)
{
	sigset_t mask;

	sigfillset(&mask);
	for (int sig = 1; sig < NSIG; sig++)
		switch (sig) {
		case SIGKILL: case SIGSTOP: case SIGSEGV: case SIGBUS: case SIGFPE: case SIGILL: case SIGTRAP:
		case SIGSYS: case SIGABRT: case SIGTSTP: case SIGTTIN: case SIGTTOU: case SIGCONT: case SIGWINCH:
		case SIGURG:
			sigdelset(&mask, sig);
		}
	if (sigprocmask(SIG_BLOCK, &mask, &R.oldmask)) {
		ei_msg("sigprocmask: %s", strerror(errno));
		return -1;
	}
	R.sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (R.sfd < 0) {
		ei_msg("signalfd: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Whether a signal errinj got was sent to its whole process group (the
 * terminal's Ctrl-C, kill -- -PGID, timeout's second kill) rather than to
 * errinj alone: the kernel gives both the same siginfo. The probe, a child
 * in errinj's group that blocks every signal and does nothing else, then
 * has it pending: a group's members are signalled in one pass, newest
 * first, before errinj reads its own. A signal so sent reached the
 * command too if it is in the group, and would not have reached it
 * without errinj if it left (setsid): errinj does not pass it on. */
static void start_probe(void)
{
	int sv[2];
	pid_t parent = getpid();

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return;
	R.probe = fork();
	if (R.probe < 0) {
		close(sv[0]);
		close(sv[1]);
		return;
	}
	if (R.probe == 0) {
		sigset_t all, one;
		struct timespec zero = { 0, 0 };
		int sig, fd;

		sigfillset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		prctl(PR_SET_NAME, "errinj-probe", 0, 0, 0);
		if (getppid() != parent || dup2(sv[1], 3) != 3)
			_exit(0);
		syscall(SYS_close_range, 4U, ~0U, 0U);
		if ((fd = open("/dev/null", O_RDWR)) >= 0)
			for (int i = 0; i < 3; i++)
				if (fd != i)
					dup2(fd, i);
		/* errinj asks it to take a signal it has seen here. */
		while (read(3, &sig, sizeof(sig)) == sizeof(sig)) {
			sigemptyset(&one);
			sigaddset(&one, sig);
			while (sigtimedwait(&one, NULL, &zero) > 0)
				;
			if (write(3, &sig, 1) != 1)
				break;
		}
		_exit(0);
	}
	close(sv[1]);
	R.probe_fd = sv[0];
}

static bool sent_to_group(int sig)
{
	char text[4096];
	const char *v;
	unsigned long long pend = 0;
	bool found;
	char c;

	if (R.probe <= 0 || R.probe_fd < 0)
		return false;
	if (ei_proc_status_read(R.probe, text, sizeof(text)))
		return false;
	v = ei_proc_status_field(text, "ShdPnd");
	found = v && sscanf(v, " %llx", &pend) == 1;
	if (!found || sig > 64 || !(pend & (1ULL << (sig - 1))))
		return false;
	/* Taken, so that a later one sent to errinj alone is told apart. */
	if (write(R.probe_fd, &sig, sizeof(sig)) != sizeof(sig) || read(R.probe_fd, &c, 1) != 1) {
		close(R.probe_fd);
		R.probe_fd = -1;
	}
	return true;
}

/* Whether to keep a signal from the command: sent to the group
 * (sent_to_group), or sent to errinj alone within GROUP_GRACE_MS of the
 * same signal sent to the group, before or after. A sender may signal
 * errinj and then its group (timeout(1) kills its child, then its group):
 * natively that is one signal pending twice in the command, delivered
 * once. So errinj waits that long before passing one on, and takes the
 * twin of one the group got as part of it. */
#define GROUP_GRACE_MS 100
static bool sent_to_group_soon(int sig)
{
	static struct timespec group_at[65];
	const struct timespec ms = { 0, 1000000 };
	struct timespec now;
	bool group = false;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (sig > 0 && sig <= 64 && (group_at[sig].tv_sec || group_at[sig].tv_nsec) &&
	    (now.tv_sec - group_at[sig].tv_sec) * 1000 + (now.tv_nsec - group_at[sig].tv_nsec) / 1000000 <
		    GROUP_GRACE_MS)
		return true;
	/* By the clock, not by rounds: a round reads /proc, slow under load. */
	for (struct timespec t = now;;) {
		if ((group = sent_to_group(sig)) || R.probe <= 0 || R.probe_fd < 0 ||
		    (t.tv_sec - now.tv_sec) * 1000 + (t.tv_nsec - now.tv_nsec) / 1000000 >= GROUP_GRACE_MS)
			break;
		nanosleep(&ms, NULL);
		clock_gettime(CLOCK_MONOTONIC, &t);
	}
	if (group && sig > 0 && sig <= 64)
		clock_gettime(CLOCK_MONOTONIC, &group_at[sig]);
	return group;
}

static void stop_probe(void)
{
	if (R.probe_fd >= 0)
		close(R.probe_fd);
	R.probe_fd = -1;
	if (R.probe > 0)
		waitpid(R.probe, NULL, 0);
	R.probe = 0;
}

static int watch(int fd, __u32 what)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = what };

	if (epoll_ctl(R.ep, EPOLL_CTL_ADD, fd, &ev)) {
		ei_msg("epoll_ctl: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* -v: which backend serves each rule's syscalls; --json: the same as
 * the stream's first line. */
static void say_plan(void)
{
	struct ei_jw w;

	if (!env.verbose && !env.json)
		return;
	ei_jw_init(&w, out);
	if (env.json) {
		ei_jw_object(&w);
		ei_jw_key(&w, "session");
		ei_jw_object(&w);
		ei_jw_key(&w, "rules");
		ei_jw_array(&w);
	}
	for (int i = 0; i < env.nspecs; i++) {
		const struct ei_sysset *set = ei_session_rule_syscalls(R.s, i);
		if (env.json) {
			ei_jw_object(&w);
			ei_jw_key(&w, "rule");
			ei_jw_int(&w, i + 1);
			ei_jw_key(&w, "backends");
			ei_jw_object(&w);
		}
		for (int b = 0; b < EI_NR_BACKENDS; b++) {
			char line[1024];
			int n = 0, len = 0;
			/* -v's line says how many and names what fits; the
			 * JSON line names them all. */
			ei_sysset_for_each(nr, set) {
				if (ei_session_backend(R.s, nr) != b)
					continue;
				if (len < (int)sizeof(line) - 64)
					len += snprintf(line + len, sizeof(line) - len, "%s%s", n ? "," : "",
							ei_syscall_name(nr));
				else if (len < (int)sizeof(line) - 8)
					len += snprintf(line + len, sizeof(line) - len, ",...");
				n++;
			}
			if (!n)
				continue;
			if (env.json) {
				ei_jw_key(&w, ei_backend_name(b));
				ei_jw_array(&w);
				ei_sysset_for_each(nr, set)
					if (ei_session_backend(R.s, nr) == b)
						ei_jw_string(&w, ei_syscall_name(nr));
				ei_jw_array_end(&w);
			}
			if (env.verbose)
				ei_msg("rule %d: %s serves %d syscall%s: %s", i + 1, ei_backend_name(b), n, n == 1 ? "" : "s",
				       line);
		}
		if (env.json) {
			ei_jw_object_end(&w);
			ei_jw_object_end(&w);
		}
	}
	if (env.json) {
		ei_jw_array_end(&w);
		ei_jw_object_end(&w);
		ei_jw_object_end(&w);
		fputc('\n', out);
		out_ok(0);
	}
}

static int open_session(void)
{
	char err[512];

	R.o.specs = env.specs;
	R.o.nspecs = env.nspecs;
	R.o.follow = !env.no_follow;
	R.o.verbose = env.verbose;
	R.o.stats = env.summary;
	R.o.in_filter = env.in_filter;
	/* For tests and old-kernel comparisons: the per-syscall kprobe path
	 * even where kprobe.multi exists. */
	R.o.single_kprobes = getenv("ERRINJ_SINGLE_KPROBES") != NULL;
	/* The tests' hooks (tests/vm/correctness.sh, invariants.sh). */
	if (getenv("ERRINJ_TEST_MAX_TARGETS") && atol(getenv("ERRINJ_TEST_MAX_TARGETS")) > 0)
		R.o.test_max_targets = (unsigned)atol(getenv("ERRINJ_TEST_MAX_TARGETS"));
	R.o.test_fail_check = getenv("ERRINJ_TEST_FAIL_CHECK") != NULL;
	R.o.test_slow_add = getenv("ERRINJ_TEST_SLOW_ADD") != NULL;
	R.o.backend = env.backend;
	R.o.command = env.cmd != NULL;
	R.s = ei_session_open(&R.o, env.quiet ? NULL : on_event, NULL, err, sizeof(err));
	if (!R.s) {
		ei_msg("%s", err);
		return -1;
	}
	R.ep = epoll_create1(EPOLL_CLOEXEC);
	if (R.ep < 0) {
		ei_msg("epoll_create1: %s", strerror(errno));
		return -1;
	}
	if (watch(ei_session_events_fd(R.s), 0) || watch(R.sfd, 1))
		return -1;
	say_plan();
	return 0;
}

/* The -p processes, the cgroup, or the command. Returns 0, -1 after
 * saying why, or the exit status when the command could not be run. */
static int start_targets(void)
{
	char err[512];

	for (int i = 0; i < env.npids; i++) {
		pid_t pid = env.pids[i];
		int fd = (int)syscall(SYS_pidfd_open, pid, 0);
		if (fd < 0 || ei_session_add_target(R.s, pid, false)) {
			ei_msg("cannot follow pid %d: %s", (int)pid, fd < 0 ? strerror(errno) : add_error(errno));
			if (fd >= 0)
				close(fd);
			return -1;
		}
		R.pidfds[R.npidfds] = fd;
		if (watch(fd, PIDFD_EV + R.npidfds++))
			return -1;
		R.pids_alive++;
		/* Like strace's "Process N attached": injection has started. */
		if (!env.quiet)
			ei_msg("injecting into pid %d", (int)pid);
	}
	if (!env.quiet && env.cgroup)
		ei_msg("injecting into cgroup %s", env.cgroup);
	if (env.duration) {
		clock_gettime(CLOCK_MONOTONIC, &R.deadline);
		R.deadline.tv_sec += env.duration;
	}
	if (env.cmd) {
		int exec_errno;
		/* Orphans of the command go where they would without errinj
		 * (init, or the nearest subreaper): errinj follows them by
		 * its kernel side's targets, or the seccomp filter's holders,
		 * not as their parent. */
		start_probe();
		R.cmd_pid = ei_session_launch(R.s, env.cmd, &R.oldmask, &exec_errno, err, sizeof(err));
		if (R.cmd_pid < 0) {
			ei_msg("%s", err);
			return -1;
		}
		if (exec_errno) {
			char q[96];
			ei_msg("cannot run %s: %s", ei_quote(env.cmd[0], q, sizeof(q)), strerror(exec_errno));
			waitpid(R.cmd_pid, &R.status, 0);
			return exec_errno == ENOENT ? 127 : 126;
		}
	}
	return 0;
}

static void on_signal(const struct signalfd_siginfo *si)
{
	int sig = (int)si->ssi_signo;

	if (sig != SIGCHLD) {
		/* Its own write to a reader gone (errinj's output): errinj
		 * goes on; that output's writes fail. */
		if (sig == SIGPIPE && (pid_t)si->ssi_pid == getpid() && si->ssi_code == SI_USER)
			return;
		if (R.cmd_pid > 0 && !R.cmd_done) {
			if (!sent_to_group_soon(sig))
				kill(R.cmd_pid, sig);
		} else {
			R.stop = true;
			R.stop_sig = sig;
		}
		return;
	}
	for (;;) {
		int st;
		pid_t w = waitpid(-1, &st, WNOHANG);
		if (w <= 0)
			break;
		if (w == R.cmd_pid) {
			R.status = st;
			R.cmd_done = true;
		}
	}
}

/* Done when the command and every descendant that we follow have exited,
 * and no process holds the seccomp filter (followed or not, it needs its
 * supervisor). Not when we have no children: we may have some that are
 * not the command's (the shell's >(...) of our own stderr, say). */
static bool command_done(void)
{
	return R.cmd_done && !ei_session_serving(R.s) && (env.no_follow || !ei_session_has_targets(R.s));
}

static int event_loop(void)
{
	struct epoll_event evs[4];

	while (!R.stop && !command_done()) {
		int timeout = ei_session_timeout_ms(R.s);
		/* They are not our children, so no SIGCHLD says when the last
		 * of them is gone: look ten times a second. */
		if (R.pid_done) {
			if (env.no_follow || !ei_session_has_targets(R.s))
				break;
			timeout = 100;
		}
		if (env.duration) {
			struct timespec now;
			clock_gettime(CLOCK_MONOTONIC, &now);
			long long ms = (R.deadline.tv_sec - now.tv_sec) * 1000LL +
				       (R.deadline.tv_nsec - now.tv_nsec) / 1000000;
			if (ms <= 0)
				break;
			if (timeout < 0 || ms < timeout)
				timeout = (int)(ms > INT_MAX ? INT_MAX : ms);
		}
		/* A process that holds the filter but is not our child (a
		 * daemon of the command's) gives no SIGCHLD: the supervisor's
		 * hang-up wakes us, and ten looks a second cover the rest. */
		if (R.cmd_done && (timeout < 0 || timeout > 100)) {
			timeout = 100;
		}
		int n = epoll_wait(R.ep, evs, 4, timeout);
		if (n < 0 && errno != EINTR) {
			ei_msg("epoll_wait: %s", strerror(errno));
			return -1;
		}
		if (n == 0) /* a delayed answer due */
			ei_session_consume(R.s);
		for (int i = 0; i < n; i++) {
			__u32 what = evs[i].data.u32;
			if (what == 0) {
				ei_session_consume(R.s);
			} else if (what >= PIDFD_EV) {
				/* A -p process exited. With all gone, done unless
				 * children they left behind are still followed
				 * (checked above). */
				epoll_ctl(R.ep, EPOLL_CTL_DEL, R.pidfds[what - PIDFD_EV], NULL);
				R.pid_done = --R.pids_alive == 0;
			} else {
				struct signalfd_siginfo si;
				if (read(R.sfd, &si, sizeof(si)) == sizeof(si))
					on_signal(&si);
			}
		}
	}
	return 0;
}

/* What the kernel side counted that the user must know. */
/* The command used seccomp itself: what the seccomp backend's filter
 * changed for it (tests/host/own_seccomp.sh checks it; the precedence of actions is
 * seccomp(2)'s), one clause per thing it did. */
static void report_own_seccomp(void)
{
	char buf[1024];
	size_t k = 0;
	pid_t pid;
	unsigned own = ei_session_own_seccomp(R.s, &pid);

#define CLAUSE(flag, text) \
	if ((own & (flag)) && k < sizeof(buf)) \
		k += (size_t)snprintf(buf + k, sizeof(buf) - k, "%s" text, k ? "; " : "")
	if (!own)
		return;
	CLAUSE(EI_OWN_SECCOMP_GET, "PR_GET_SECCOMP says 2 (errinj's filter) even before it installs a filter");
	CLAUSE(EI_OWN_SECCOMP_LISTENER, "its filter with a listener fails with EBUSY (one listener to a process: "
					"errinj's)");
	CLAUSE(EI_OWN_SECCOMP_STRICT, "strict mode fails with EINVAL (a filter is in place)");
	CLAUSE(EI_OWN_SECCOMP_FILTER, "its filters' SECCOMP_RET_TRACE and SECCOMP_RET_LOG give way to errinj's "
				      "SECCOMP_RET_USER_NOTIF for the calls errinj traps, execve always (strace "
				      "--seccomp-bpf loses track)");
#undef CLAUSE
	ei_msg("the command used seccomp itself (pid %d), which errinj's seccomp backend changes: %s; "
	       "a BPF backend (--backend=kprobe or fmod_ret, as root) installs no filter",
	       (int)pid, buf);
}

static void report(void)
{
	__u64 n, thrown;
	int e;

	ei_session_consume(R.s);
	if ((n = ei_session_dropped(R.s)))
		ei_msg("%llu injection events were dropped (ring buffer full); the injections happened",
		       (unsigned long long)n);
	if ((n = ei_session_refused(R.s)))
		ei_msg("%llu calls were not failed: they came from processes you could not ptrace "
		       "(other users' or setuid programs); only root or CAP_SYS_PTRACE may fail those",
		       (unsigned long long)n);
	if ((n = ei_session_lost_targets(R.s)))
		ei_msg("%llu new processes were not followed: the targets table (errinj's, in the kernel) "
		       "was full",
		       (unsigned long long)n);
	if ((n = ei_session_unfollowed(R.s, &e)))
		ei_msg("%llu calls ran untouched: errinj could not follow their processes (%s)",
		       (unsigned long long)n, strerror(e));
	/* Said per backend: what it could not read, and why. */
	if ((n = ei_session_undecided(R.s, EI_BACKEND_KPROBE)))
		ei_msg("%llu calls were neither failed nor counted by a path= rule: their path could not be read "
		       "by the kprobe backend (a page not yet in memory, or a bad address; fmod_ret and seccomp "
		       "read such a page)",
		       (unsigned long long)n);
	if ((n = ei_session_undecided(R.s, EI_BACKEND_FMOD_RET)))
		ei_msg("%llu calls were neither failed nor counted by a path= rule: their path could not be read "
		       "by the fmod_ret backend (a bad address)",
		       (unsigned long long)n);
	if ((n = ei_session_undecided(R.s, EI_BACKEND_SECCOMP)))
		ei_msg("%llu calls were neither failed nor counted by a path= rule: their path could not be read "
		       "by the seccomp backend (a bad address, or a process errinj may not read)",
		       (unsigned long long)n);
	if ((n = ei_session_unwind_failed(R.s)))
		ei_msg("%llu calls were neither failed nor counted by a site= rule: no frame of their stack could "
		       "be read",
		       (unsigned long long)n);
	report_own_seccomp();
	if ((n = ei_session_failed_checks(R.s, &thrown)))
		ei_msg("%llu calls met a broken invariant in errinj's kernel side and ran untouched (%llu thrown as "
		       "BPF exceptions): a bug in errinj, please report it",
		       (unsigned long long)n, (unsigned long long)thrown);
	if (env.summary)
		print_summary(R.s);
}

int main(int argc, char **argv)
{
	int ret = EI_EXIT_FAIL, r;

	ei_set_progname("errinj");
	ei_refuse_setid();
	/* The subcommand (tools/explore_cmd.c). */
	if (argc > 1 && !strcmp(argv[1], "explore"))
		return ei_explore_main(argc - 1, argv + 1);
	/* The backend's default, for running whole test suites on one. */
	if (getenv("ERRINJ_BACKEND") && (env.backend = ei_backend_parse(getenv("ERRINJ_BACKEND"))) < EI_BACKEND_AUTO)
		ei_usage_error("ERRINJ_BACKEND: unknown backend '%s' (expected fmod_ret, kprobe, seccomp or auto)",
			       getenv("ERRINJ_BACKEND"));
	parse_args(argc, argv);
	ei_libbpf_log(env.verbose);

	if (env.features) {
		if (env.nspecs || env.nshort || env.cmd || env.npids || env.cgroup || env.list)
			ei_usage_error("--features takes no other arguments");
		if (env.check)
			return 0;
		ei_features(stdout);
		return 0;
	}
	if (env.list) {
		if (env.nspecs || env.nshort || env.cmd || env.npids || env.cgroup)
			ei_usage_error("--list takes no other arguments");
		if (env.check)
			return 0;
		if (ei_list_injectable(print_name, NULL) < 0) {
			ei_msg("cannot read the kernel's error injection list "
			       "(/sys/kernel/debug/error_injection/list): %s (debugfs is needed, as root)",
			       strerror(errno));
			return EI_EXIT_FAIL;
		}
		return 0;
	}
	if (validate())
		goto cleanup;
	if (env.check) /* --check: the command line is good; nothing loaded, nothing run */
		return 0;
	if (prepare_output() || prepare_signals() || open_session())
		goto cleanup;
	r = start_targets();
	if (r) {
		if (r > 0)
			ret = r;
		goto cleanup;
	}
	if (event_loop())
		goto cleanup;
	ret = R.cmd_pid <= 0 ? 0 : WIFSIGNALED(R.status) ? 128 + WTERMSIG(R.status) : WEXITSTATUS(R.status);
	if (R.stop_sig && R.cmd_pid > 0 && (ei_session_serving(R.s) || (!env.no_follow && ei_session_has_targets(R.s)))) {
		char name[16];
		if (sigabbrev_np(R.stop_sig))
			snprintf(name, sizeof(name), "SIG%s", sigabbrev_np(R.stop_sig));
		else
			snprintf(name, sizeof(name), "signal %d", R.stop_sig);
		ei_msg("stopped by %s: the processes it still followed run on untouched", name);
	}
	report();
	if (out != stderr && fclose(out) && !out_errno) {
		out_errno = errno;
		ei_msg("cannot write to %s: %s", out_name(), strerror(out_errno));
	}
	out = NULL;
	if (out_lost)
		ei_msg("%llu injection event%s could not be written to %s", out_lost, out_lost == 1 ? "" : "s",
		       out_name());
	/* Lost output is a failure of errinj's, unless the command's own
	 * status already says one. */
	if (out_errno && ret == 0)
		ret = EI_EXIT_FAIL;

cleanup:
	ei_session_close(R.s);
	if (out && out != stderr)
		fclose(out);
	if (R.o.cgroup_fd >= 0)
		close(R.o.cgroup_fd);
	close_fds(R.pidfds, R.npidfds);
	if (R.ep >= 0)
		close(R.ep);
	if (R.sfd >= 0)
		close(R.sfd);
	stop_probe();
	return ret;
}
