// SPDX-License-Identifier: GPL-2.0
/*
 * errinj explore [OPTIONS] -- CMD [ARGS...]: the command line of the
 * exploration (lib/explore/run.c does it).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <sys/stat.h>

#include "engine/engine.h"
#include "explore/explore.h"
#include "cli.h"
#include "explore_cli.h"

#ifndef EI_VERSION
#error "EI_VERSION is not defined: build errinj with the Makefile"
#endif

/* -s without a value: the calls a program must expect to fail for
 * reasons outside it (files, descriptors, the network, memory), not
 * those that shape its process tree (%process), whose failures mostly
 * test the shell's fork error message. */
#define DEFAULT_SET "%file,%desc,%net,%memory"
/* ...but close: both backends fail a call by not making it, and the
 * kernel releases the descriptor even when close fails, so a failed
 * close would keep open what the kernel closes. --errno close=E tries it
 * all the same. */
#define DEFAULT_SET_TEXT DEFAULT_SET " but close"

static const char usage_text[] =
	"usage: errinj explore [OPTIONS] [--] CMD [ARGS...]\n"
	"       errinj explore --merge [--json] [-v] [-o FILE] [--sarif FILE] [--junit FILE]\n"
	"                              REPORT.json...\n"
	"Fail each call site of CMD in turn and report the error paths that crash,\n"
	"hang or lose output. A reference run under ptrace records every call of\n"
	"the selected syscalls with its call stack; then one run per (call site,\n"
	"syscall, errno) fails the first call made at that site (and, for an errno\n"
	"that persists, such as ENOENT or ENOSPC, every later call of the syscall),\n"
	"with an errno the kernel can give for that call. Each run is\n"
	"crashed (SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL or a sanitizer report),\n"
	"hung (--timeout), lost (the reference's exit status although a call\n"
	"failed, other stdout or other content in a file it writes), absorbed (the\n"
	"reference's status and output, stderr as empty or not as the reference's),\n"
	"handled (anything else), or unreached (the call was not made).\n"
	"\n"
	"  -s, --set=SET          the syscalls explored, as errinj's SET\n"
	"                         (default " DEFAULT_SET_TEXT ")\n"
	"      --errno=[SYSCALL=]ERRNO[,ERRNO]...  the errnos tried for SYSCALL (for\n"
	"                         all syscalls without SYSCALL=); repeatable\n"
	"      --by=site|call     one run per call site (default) or per call\n"
	"      --max-runs=N       at most N runs, drawn by --seed\n"
	"  -j, --jobs=N           N runs at a time (default: the number of CPUs)\n"
	"      --timeout=SECS     a run taking longer is hung (default 10)\n"
	"      --stdin=FILE       the command's stdin, read anew by each run\n"
	"                         (default /dev/null)\n"
	"      --seed=N           which runs --max-runs keeps (default 0)\n"
	"      --shard=K/N        only the Kth of N deterministic, disjoint parts of\n"
	"                         the runs (with --json, for --merge)\n"
	"      --merge            join the JSON reports of the shards of one\n"
	"                         exploration into its report\n"
	"      --backend=NAME     fmod_ret, kprobe, seccomp or auto (default)\n"
	"      --suppress=FILE    findings matching a pattern of FILE are listed\n"
	"                         apart, not counted in the exit status; repeatable\n"
	"      --loader           also explore the dynamic loader's own start-up\n"
	"      --json             the report as one JSON document\n"
	"      --sarif=FILE       the findings also as SARIF 2.1.0 in FILE (code scanning)\n"
	"      --junit=FILE       the findings and runs also as JUnit XML in FILE\n"
	"  -v, --verbose          the text report lists every run (JSON always does)\n"
	"  -o, --output=FILE      write the report to FILE\n"
	"  -h, --help             show this help\n"
	"\n"
	"The command runs with stdin from /dev/null (or --stdin); it must do the\n"
	"same thing each time it runs (runs may go side by side with -j). The\n"
	"regular files it writes, truncates, renames or removes are compared too:\n"
	"explore rewrites them before each run (runs are then one at a time) and\n"
	"puts back their content from before the exploration at its end.\n"
	"Exit status: 0 when no run crashed, hung or lost output (or all such were\n"
	"flaky or suppressed), 3 when some did, 2 for bad input, 1 when explore\n"
	"itself failed.\n"
	"\n"
	"EXAMPLES:\n"
	"  errinj explore -- ./myprog input.txt\n"
	"  errinj explore -s openat,write --errno openat=ENOENT --json -o report.json -- ./myprog\n"
	"  errinj explore --shard 2/3 --json -o shard2.json -- ./myprog   (on machine 2 of 3)\n"
	"  errinj explore --merge shard1.json shard2.json shard3.json\n";

enum { OPT_ERRNO = 0x100, OPT_BY, OPT_MAX_RUNS, OPT_TIMEOUT, OPT_SEED, OPT_BACKEND, OPT_JSON, OPT_SHARD, OPT_MERGE,
       OPT_SUPPRESS, OPT_LOADER, OPT_STDIN, OPT_SARIF, OPT_JUNIT };

static const struct option long_options[] = {
	{ "set", required_argument, NULL, 's' },
	{ "errno", required_argument, NULL, OPT_ERRNO },
	{ "by", required_argument, NULL, OPT_BY },
	{ "max-runs", required_argument, NULL, OPT_MAX_RUNS },
	{ "jobs", required_argument, NULL, 'j' },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "stdin", required_argument, NULL, OPT_STDIN },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "backend", required_argument, NULL, OPT_BACKEND },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "shard", required_argument, NULL, OPT_SHARD },
	{ "merge", no_argument, NULL, OPT_MERGE },
	{ "suppress", required_argument, NULL, OPT_SUPPRESS },
	{ "loader", no_argument, NULL, OPT_LOADER },
	{ "sarif", required_argument, NULL, OPT_SARIF },
	{ "junit", required_argument, NULL, OPT_JUNIT },
	{ "output", required_argument, NULL, 'o' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{},
};

static unsigned long long number(const char *s, const char *what, unsigned long long min, unsigned long long max)
{
	char *end, q[64];
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || s[0] == '+' || s[0] == ' ' || v < min || v > max)
		ei_usage_error("invalid %s '%s': expected %llu..%llu", what, ei_quote(s, q, sizeof(q)), min, max);
	return v;
}

static void parse_set(struct ei_explore_opts *o, const char *set)
{
	char spec[4200], err[512], q[96];
	struct ei_spec sp;

	if (strlen(set) > 4000 || strchr(set, ':'))
		ei_usage_error("invalid -s '%s': a SET of syscalls, classes or /REGEX", ei_quote(set, q, sizeof(q)));
	snprintf(spec, sizeof(spec), "%s:error=EIO", set);
	if (ei_spec_parse(spec, &sp, err, sizeof(err)))
		ei_usage_error("invalid -s '%s': %s", ei_quote(set, q, sizeof(q)), err);
	if (!sp.nsyscalls)
		ei_usage_error("invalid -s '%s': it selects no syscall", ei_quote(set, q, sizeof(q)));
	o->set = sp.syscalls;
	o->set_text = set;
}

/* --errno=[SYSCALL=]E1,E2... */
static void parse_errno(struct ei_explore_opts *o, const char *arg)
{
	char buf[512], q[96], *list = buf, *save = NULL, *tok;
	int errs[EI_EXPLORE_MAX_ERRNOS], n = 0, nr = -1;
	const char *eq = strchr(arg, '=');

	if (strlen(arg) >= sizeof(buf))
		ei_usage_error("--errno: too long");
	strcpy(buf, arg);
	if (eq) {
		buf[eq - arg] = 0;
		list = buf + (eq - arg) + 1;
		if ((nr = ei_syscall_nr(buf)) < 0 || nr >= EI_NR_SYSCALLS)
			ei_usage_error("--errno: unknown syscall '%s'", ei_quote(buf, q, sizeof(q)));
	}
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int e = ei_errno_parse(tok);
		if (e < 0)
			ei_usage_error("--errno: unknown errno '%s'", ei_quote(tok, q, sizeof(q)));
		if (n == EI_EXPLORE_MAX_ERRNOS)
			ei_usage_error("--errno: at most %d errnos per syscall", EI_EXPLORE_MAX_ERRNOS);
		errs[n++] = e;
	}
	if (!n)
		ei_usage_error("--errno: no errno in '%s'", ei_quote(arg, q, sizeof(q)));
	for (int i = 0; i < EI_NR_SYSCALLS; i++) {
		if (nr >= 0 && i != nr)
			continue;
		/* SYSCALL= wins over a list for all, whichever comes first. */
		if (nr < 0 && o->nerr[i] < 0)
			continue;
		o->nerr[i] = n;
		memcpy(o->err[i], errs, sizeof(errs));
	}
	if (nr >= 0)
		o->nerr[nr] = -n; /* marked as named; made positive below */
}

/* --shard=K/N, 1 <= K <= N. */
static void parse_shard(struct ei_explore_opts *o, const char *arg)
{
	char q[96], *end;
	unsigned long k, n;

	errno = 0;
	if (arg[0] < '0' || arg[0] > '9')
		goto bad;
	k = strtoul(arg, &end, 10);
	if (errno || *end != '/' || end[1] < '0' || end[1] > '9')
		goto bad;
	n = strtoul(end + 1, &end, 10);
	if (errno || *end || k < 1 || n < 1 || k > n || n > 1000000)
		goto bad;
	o->shard = (int)k;
	o->nshards = (int)n;
	return;
bad:
	ei_usage_error("invalid --shard '%s': expected K/N, 1 <= K <= N <= 1000000", ei_quote(arg, q, sizeof(q)));
}

/* What the command line asks besides how to explore. */
struct cmdline {
	const char *output; /* -o */
	const char *sarif, *junit;
	bool merge;
	int others;         /* options that --merge does not take */
	bool set_given;     /* -s */
};

static void parse_by(struct ei_explore_opts *o, const char *arg)
{
	char q[96];

	if (!strcmp(arg, "call"))
		o->by_call = true;
	else if (!strcmp(arg, "site"))
		o->by_call = false;
	else
		ei_usage_error("invalid --by '%s': expected site or call", ei_quote(arg, q, sizeof(q)));
}

static void parse_timeout(struct ei_explore_opts *o, const char *arg)
{
	char *end, q[96];

	errno = 0;
	o->timeout = strtod(arg, &end);
	if (errno || end == arg || *end || !(o->timeout > 0 && o->timeout <= 86400))
		ei_usage_error("invalid --timeout '%s': expected seconds, 0 < SECS <= 86400",
			       ei_quote(arg, q, sizeof(q)));
}

static void parse_backend(struct ei_explore_opts *o, const char *arg)
{
	char q[96];

	o->backend = ei_backend_parse(arg);
	if (o->backend < EI_BACKEND_AUTO)
		ei_usage_error("unknown backend '%s' (expected fmod_ret, kprobe, seccomp or auto)",
			       ei_quote(arg, q, sizeof(q)));
}

/* --stdin FILE: a regular file, which each run reads from its start. */
static void parse_stdin(struct ei_explore_opts *o, const char *arg)
{
	struct stat st;
	char q[96];

	if (stat(arg, &st) || access(arg, R_OK))
		ei_usage_error("cannot read --stdin '%s': %s", ei_quote(arg, q, sizeof(q)), strerror(errno));
	if (!S_ISREG(st.st_mode))
		ei_usage_error("--stdin '%s': not a regular file (each run reads it from its start)",
			       ei_quote(arg, q, sizeof(q)));
	o->stdin_path = arg;
}

/* The options' defaults: every CPU, 10 s, the backend of ERRINJ_BACKEND
 * or auto, the default set. */
static void defaults(struct ei_explore_opts *o)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	char q[96];

	o->jobs = cpus > 0 ? (int)cpus : 1;
	o->timeout = 10;
	o->backend = EI_BACKEND_AUTO;
	if (getenv("ERRINJ_BACKEND") && (o->backend = ei_backend_parse(getenv("ERRINJ_BACKEND"))) < EI_BACKEND_AUTO)
		ei_usage_error("ERRINJ_BACKEND: unknown backend '%s'",
			       ei_quote(getenv("ERRINJ_BACKEND"), q, sizeof(q)));
	parse_set(o, DEFAULT_SET);
	ei_sysset_del(&o->set, SYS_close);
	o->set_text = DEFAULT_SET_TEXT;
}

/* Option opt of getopt_long into o or c; exits 2 on bad input. True for
 * -h, the help printed. */
static bool parse_option(int opt, struct ei_explore_opts *o, struct cmdline *c, char **argv)
{
	char q[96];

	if (opt != OPT_JSON && opt != 'o' && opt != 'v' && opt != OPT_MERGE && opt != OPT_SARIF && opt != OPT_JUNIT &&
	    opt != 'h' && opt != ':' && opt != '?')
		c->others++;
	switch (opt) {
	case 's':
		parse_set(o, optarg);
		c->set_given = true;
		break;
	case OPT_ERRNO:
		parse_errno(o, optarg);
		break;
	case OPT_BY:
		parse_by(o, optarg);
		break;
	case OPT_MAX_RUNS:
		o->max_runs = (long)number(optarg, "--max-runs", 1, 100000000);
		break;
	case 'j':
		o->jobs = (int)number(optarg, "-j", 1, 256);
		break;
	case OPT_TIMEOUT:
		parse_timeout(o, optarg);
		break;
	case OPT_STDIN:
		parse_stdin(o, optarg);
		break;
	case OPT_SEED:
		o->seed = number(optarg, "--seed", 0, ~0ULL);
		break;
	case OPT_BACKEND:
		parse_backend(o, optarg);
		break;
	case OPT_JSON:
		o->json = true;
		break;
	case OPT_SUPPRESS: {
		char err[4600];
		if (ei_suppress_load(&o->suppress, optarg, err, sizeof(err)))
			ei_usage_error("%s", err);
		break;
	}
	case OPT_LOADER:
		o->loader = true;
		break;
	case OPT_SHARD:
		parse_shard(o, optarg);
		break;
	case OPT_MERGE:
		c->merge = true;
		break;
	case 'o':
		c->output = optarg;
		break;
	case OPT_SARIF:
		c->sarif = optarg;
		break;
	case OPT_JUNIT:
		c->junit = optarg;
		break;
	case 'v':
		o->verbose = true;
		break;
	case 'h':
		fputs(usage_text, stdout);
		return true;
	case ':':
		ei_usage_error("option '%s' needs a value", ei_quote(argv[optind - 1], q, sizeof(q)));
	default:
		if (optopt)
			ei_usage_error("unknown option '-%c' (see errinj explore --help)", optopt);
		ei_usage_error("unknown option '%s' (see errinj explore --help)",
			       ei_quote(argv[optind - 1], q, sizeof(q)));
	}
	return false;
}

/* The report's stream: stdout, or -o FILE; NULL after a sentence. */
static FILE *open_output(const char *output)
{
	FILE *f = stdout;
	char q[96];

	if (output && !(f = fopen(output, "we")))
		ei_msg("cannot open %s: %s", ei_quote(output, q, sizeof(q)), strerror(errno));
	return f;
}

/* The streams of --sarif and --junit, opened before the exploration so
 * that a path that cannot be written is said before it takes its time:
 * false after a sentence. */
static bool open_exports(const struct cmdline *c, struct ei_explore_export *ex)
{
	char q[96];

	ex->version = EI_VERSION;
	if (c->sarif && !(ex->sarif = fopen(c->sarif, "we"))) {
		ei_msg("cannot open %s: %s", ei_quote(c->sarif, q, sizeof(q)), strerror(errno));
		return false;
	}
	if (c->junit && !(ex->junit = fopen(c->junit, "we"))) {
		ei_msg("cannot open %s: %s", ei_quote(c->junit, q, sizeof(q)), strerror(errno));
		return false;
	}
	return true;
}

/* Closes f (NULL: none), opened on path: false after a sentence when what
 * was written did not reach it. */
static bool close_export(FILE *f, const char *path)
{
	char q[96];
	bool bad;

	if (!f)
		return true;
	bad = ferror(f);
	if (fclose(f) || bad) {
		ei_msg("cannot write %s: %s", ei_quote(path, q, sizeof(q)), bad ? "write error" : strerror(errno));
		return false;
	}
	return true;
}

/* Closes the streams of the report and of --sarif and --junit; ret, or
 * EI_EXIT_FAIL when a CI report could not be written. */
static int close_outputs(struct ei_explore_opts *o, const struct cmdline *c, int ret)
{
	bool ok = close_export(o->export.sarif, c->sarif);

	ok = close_export(o->export.junit, c->junit) && ok;
	if (o->out && o->out != stdout)
		fclose(o->out);
	return ok || ret == EI_EXIT_FAIL ? ret : EI_EXIT_FAIL;
}

/* errinj explore --merge REPORT.json... */
static int merge_main(struct ei_explore_opts *o, const struct cmdline *c, int nfiles, char **files)
{
	int ret;

	/* The shards' reports say how they were explored. */
	if (c->others)
		ei_usage_error("--merge takes only --json, -v and -o (and --sarif, --junit): the reports say how they were made");
	if (nfiles <= 0)
		ei_usage_error("missing reports (usage: errinj explore --merge [--json] [-v] [-o FILE] [--sarif FILE] [--junit FILE] "
			       "REPORT.json...)");
	if (!(o->out = open_output(c->output)) || !open_exports(c, &o->export))
		return close_outputs(o, c, EI_EXIT_FAIL);
	ret = ei_explore_merge(files, nfiles, o->json, o->verbose, &o->export, o->out);
	return close_outputs(o, c, ret);
}

/* errinj explore [OPTIONS] -- CMD [ARGS...] */
static int explore_main(struct ei_explore_opts *o, const struct cmdline *c, int ncmd, char **cmd)
{
	char err[512];
	int ret;

	if (ncmd <= 0)
		ei_usage_error("missing command (usage: errinj explore [OPTIONS] -- CMD [ARGS...])");
	if (!c->set_given && o->nerr[SYS_close] < 0) {
		ei_sysset_add(&o->set, SYS_close);
		o->set_text = DEFAULT_SET;
	}
	for (int i = 0; i < EI_NR_SYSCALLS; i++)
		if (o->nerr[i] < 0)
			o->nerr[i] = -o->nerr[i];
	o->cmd = cmd;
	if (!(o->out = open_output(c->output)) || !open_exports(c, &o->export))
		return close_outputs(o, c, EI_EXIT_FAIL);
	o->progress = isatty(2);
	if (o->backend != EI_BACKEND_AUTO && ei_backend_check(o->backend, err, sizeof(err))) {
		ei_msg("%s", err);
		ret = EI_EXIT_FAIL;
	} else {
		ret = ei_explore(o);
	}
	ei_suppress_free(o->suppress);
	return close_outputs(o, c, ret);
}

int ei_explore_main(int argc, char **argv)
{
	static struct ei_explore_opts o;
	struct cmdline c = { 0 };
	int opt;

	defaults(&o);
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:s:j:o:vh", long_options, NULL)) != -1)
		if (parse_option(opt, &o, &c, argv))
			return 0;
	if (optind < argc && !strcmp(argv[optind], "--"))
		optind++;
	if (c.merge)
		return merge_main(&o, &c, argc - optind, &argv[optind]);
	return explore_main(&o, &c, argc - optind, &argv[optind]);
}
