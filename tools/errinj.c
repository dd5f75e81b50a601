// SPDX-License-Identifier: GPL-2.0
/*
 * errinj: make chosen syscalls of chosen processes fail, from the kernel.
 * strace's -e inject= semantics (error=, retval=, signal=, when=) plus
 * prob=, seed=, max=, several rules per syscall, follow-forks, -p and
 * --cgroup targets, text or JSON events and a summary table.
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
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>

#include "liberrinj.h"

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
	bool no_follow, quiet, json, summary, list, verbose;
	const char *output;
} env;

static const char usage_text[] =
	"usage: errinj [OPTIONS] SYSCALL ERRNO [[--] CMD [ARGS...]]\n"
	"       errinj [OPTIONS] -e inject=SPEC [-e inject=SPEC]... [[--] CMD [ARGS...]]\n"
	"       errinj [OPTIONS] -e inject=SPEC... -p PID | --cgroup DIR\n"
	"       errinj --list\n"
	"Make chosen system calls of a process fail, from inside the kernel\n"
	"(eBPF kprobe with bpf_override_return). Without CMD, -p or --cgroup,\n"
	"userapp (beside errinj) is run.\n"
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
	"      --json             report injections as JSON Lines\n"
	"  -c, --summary          at exit, print calls seen and injected per syscall\n"
	"      --list             list the syscalls this kernel lets errinj fail\n"
	"  -v, --verbose          show libbpf's log\n"
	"  -h, --help             show this help\n"
	"\n"
	"SPEC is SET:key=value[:key=value]..., SET a comma-separated list of syscalls:\n"
	"  error=ERRNO     fail with ERRNO (a name such as ENOENT, or 1..4095)\n"
	"  retval=N        do not run the syscall, return N >= 0\n"
	"  signal=SIG      also send SIG to the calling thread (alone: the call runs)\n"
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
	"SET may hold %file, %desc, %net, %process, %memory, /REGEX (on names) and\n"
	"all; a leading '!' takes the complement, '?NAME' may name nothing.\n"
	"Filters are checked in the kernel before counting: when= counts what passes.\n"
	"Several rules may name the same syscall: the first that fires wins, and\n"
	"every rule counts every call of its syscalls.\n"
	"\n"
	"Exit status: CMD's (128+N if killed by signal N); 2 for bad input; 1 when\n"
	"errinj itself fails (missing root or kernel support, say).\n"
	"\n"
	"EXAMPLES:\n"
	"  errinj dup EINVAL                      fail every dup(2) of userapp\n"
	"  errinj -e inject=openat:error=ENOENT:when=3 -- cat /etc/hostname\n"
	"  errinj -e inject=write:error=ENOSPC:prob=0.1:seed=7 -- ./mytest\n"
	"  errinj -e inject=read:retval=0:max=1 -- sh -c 'read x; echo \"$x\"'\n"
	"  errinj -p 1234 -d 10 -e inject=connect:error=ECONNREFUSED\n"
	"  errinj --cgroup /sys/fs/cgroup/test -e inject=mkdir:error=EDQUOT\n"
	"  errinj --json -c -e inject=close:error=EIO -- ./prog\n"
	"  errinj -e inject=openat:error=ENOENT:path=/etc/hostname -- cat /etc/hostname\n"
	"  errinj -e 'inject=openat:error=EACCES:path=*.conf' -- ./server\n"
	"  errinj -e inject=write:error=EIO:fd=1 -- ./prog\n"
	"  errinj -e 'inject=openat:error=EROFS:arg2&0100=0100' -- make\n"
	"  errinj -e inject=%net:error=ENETDOWN -- ./client\n";

enum { OPT_INJECT = 0x100, OPT_FAULT, OPT_NO_FOLLOW, OPT_JSON, OPT_LIST, OPT_CGROUP };

static const struct option long_options[] = {
	{ "inject", required_argument, NULL, OPT_INJECT },
	{ "fault", required_argument, NULL, OPT_FAULT },
	{ "pid", required_argument, NULL, 'p' },
	{ "cgroup", required_argument, NULL, OPT_CGROUP },
	{ "duration", required_argument, NULL, 'd' },
	{ "no-follow", no_argument, NULL, OPT_NO_FOLLOW },
	{ "output", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "summary", no_argument, NULL, 'c' },
	{ "list", no_argument, NULL, OPT_LIST },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
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

static void parse_args(int argc, char **argv)
{
	char q[96];
	int opt, i;

	/* '+': options end at the first non-option, so that CMD's own
	 * options stay CMD's; ':': report a missing value ourselves. */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:e:p:d:o:qcvh", long_options, NULL)) != -1) {
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
		case 'v':
			env.verbose = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			exit(0);
		case ':':
			ei_usage_error("option '%s' needs a value", ei_quote(argv[optind - 1], q, sizeof(q)));
		default:
			if (optopt)
				ei_usage_error("unknown option '-%c' (see --help)", optopt);
			ei_usage_error("unknown option '%s' (see --help)",
				       ei_quote(argv[optind - 1], q, sizeof(q)));
		}
	}
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
static struct timespec mono0, real0;

static void errno_text(int err, char *buf, size_t len)
{
	const char *n = ei_errno_name(err);

	if (n)
		snprintf(buf, len, "%s", n);
	else
		snprintf(buf, len, "%d", err);
}

/* At most max bytes of s (up to a NUL) in double quotes, '"' and '\\'
 * escaped, other bytes outside printable ASCII written with esc: "\\u%04x"
 * for JSON, "\\x%02x" for text lines (as strace's strings). */
static void quoted(FILE *f, const char *s, size_t max, const char *esc)
{
	fputc('"', f);
	for (size_t i = 0; i < max && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, esc, c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void json_string(FILE *f, const char *s, size_t max)
{
	quoted(f, s, max, "\\u%04x");
}

static size_t path_bytes(const struct ei_event *e)
{
	return e->path_len < EI_PATH_MAX ? (size_t)e->path_len : EI_PATH_MAX;
}

static int on_event(const struct ei_event *e, void *ctx)
{
	const struct ei_syscall_entry *info = ei_syscall_info((int)e->nr);
	const char *name = ei_syscall_name(e->nr);
	char res[64], sig[32] = "";

	(void)ctx;
	if (env.quiet)
		return 0;
	/* Each event goes out in one write, so that it is never interleaved
	 * with what the targets write to the same file. */
	char line[4096];
	FILE *f = fmemopen(line, sizeof(line), "w");
	if (!f)
		return 0;
	if (e->actions & EI_ACT_SIGNAL) {
		const char *sn = ei_signal_name(e->signal);
		snprintf(sig, sizeof(sig), "%s", sn ? sn : "?");
	}
	if (env.json) {
		/* Wall-clock time of the event, from the monotonic stamp. */
		long long ns = (long long)real0.tv_sec * 1000000000LL + real0.tv_nsec +
			       ((long long)e->ts_ns - ((long long)mono0.tv_sec * 1000000000LL + mono0.tv_nsec));
		time_t secs = ns / 1000000000LL;
		struct tm tm;
		char ts[32];
		gmtime_r(&secs, &tm);
		strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
		fprintf(f, "{\"time\":\"%s.%06lldZ\",\"pid\":%u,\"tid\":%u,\"comm\":", ts,
			(ns % 1000000000LL) / 1000, e->pid, e->tid);
		json_string(f, e->comm, EI_COMM_LEN);
		fprintf(f, ",\"syscall\":\"%s\",\"nr\":%u,\"rule\":%u", name ? name : "?", e->nr,
			e->rule + 1);
		fprintf(f, ",\"path\":");
		if (e->path_len >= 0)
			json_string(f, e->path, path_bytes(e));
		else
			fprintf(f, "null");
		if (e->path_len >= 0)
			fprintf(f, ",\"path_truncated\":%s", e->path_truncated ? "true" : "false");
		if (info && info->fd_first)
			fprintf(f, ",\"fd\":%d", (int)e->args[0]);
		else
			fprintf(f, ",\"fd\":null");
		if (e->actions & EI_ACT_ERROR) {
			errno_text((int)-e->result, res, sizeof(res));
			fprintf(f, ",\"result\":%lld,\"error\":\"%s\"", (long long)-1, res);
		} else if (e->actions & EI_ACT_RETVAL) {
			fprintf(f, ",\"result\":%lld,\"error\":null", (long long)e->result);
		} else {
			fprintf(f, ",\"result\":null,\"error\":null");
		}
		if (sig[0])
			fprintf(f, ",\"signal\":\"%s\"}\n", sig);
		else
			fprintf(f, ",\"signal\":null}\n");
	} else {
		if (e->actions & EI_ACT_ERROR) {
			char en[32];
			errno_text((int)-e->result, en, sizeof(en));
			snprintf(res, sizeof(res), "-1 %s", en);
		} else if (e->actions & EI_ACT_RETVAL) {
			snprintf(res, sizeof(res), "%lld", (long long)e->result);
		} else {
			snprintf(res, sizeof(res), "?");
		}
		/* The argument the filters look at: the path, or the descriptor. */
		fprintf(f, "[pid %u] %s(", e->tid, name ? name : "?");
		if (e->path_len >= 0) {
			quoted(f, e->path, path_bytes(e), "\\x%02x");
			if (e->path_truncated)
				fputs("...", f);
		} else if (info && info->fd_first)
			fprintf(f, "%d", (int)e->args[0]);
		else
			fprintf(f, "...");
		fprintf(f, ") = %s (INJECTED%s%s)\n", res, sig[0] ? " " : "", sig);
	}
	fclose(f);
	fputs(line, out);
	fflush(out);
	return 0;
}

static void print_summary(struct ei_session *s)
{
	__u64 tseen = 0, tinj = 0;
	FILE *f = out ? out : stderr;

	if (env.json) {
		fprintf(f, "{\"summary\":[");
	} else {
		fprintf(f, "%-20s %12s %12s\n", "syscall", "calls", "injected");
		fprintf(f, "%-20s %12s %12s\n", "--------------------", "------------", "------------");
	}
	bool first = true;
	for (int nr = 0; nr < EI_NR_SYSCALLS; nr++) {
		bool named = false;
		struct ei_stat st;
		for (int i = 0; i < env.nspecs; i++)
			named |= !!(env.specs[i].rule.syscalls[nr / 64] & (1ULL << (nr % 64)));
		if (!named || ei_session_stat(s, nr, &st))
			continue;
		tseen += st.seen;
		tinj += st.injected;
		if (env.json)
			fprintf(f, "%s{\"syscall\":\"%s\",\"calls\":%llu,\"injected\":%llu}", first ? "" : ",",
				ei_syscall_name(nr), (unsigned long long)st.seen,
				(unsigned long long)st.injected);
		else
			fprintf(f, "%-20s %12llu %12llu\n", ei_syscall_name(nr), (unsigned long long)st.seen,
				(unsigned long long)st.injected);
		first = false;
	}
	if (env.json)
		fprintf(f, "],\"calls\":%llu,\"injected\":%llu}\n", (unsigned long long)tseen,
			(unsigned long long)tinj);
	else
		fprintf(f, "%-20s %12llu %12llu\n", "total", (unsigned long long)tseen,
			(unsigned long long)tinj);
	fflush(f);
}

static void print_name(const char *name, void *ctx)
{
	(void)ctx;
	printf("%s\n", name);
}

/* userapp lives beside errinj in the build tree, and in
 * ../libexec/errinj once installed (make install). */
static char *userapp_path(void)
{
	static char buf[PATH_MAX + 32];
	ssize_t n = readlink("/proc/self/exe", buf, PATH_MAX - 1);
	char *slash;

	if (n < 0)
		return NULL;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (!slash)
		return NULL;
	strcpy(slash + 1, "userapp");
	if (access(buf, X_OK) == 0)
		return buf;
	strcpy(slash + 1, "../libexec/errinj/userapp");
	return access(buf, X_OK) == 0 ? buf : NULL;
}

/* ---- running the command ---- */

/* Forks CMD; it becomes a target (pending its execve) before it execs,
 * so injection starts with its own program, never in our launcher code.
 * Returns the pid, or -1 with *exec_errno set if it could not be run. */
static pid_t launch(struct ei_session *s, char **cmd, const sigset_t *oldmask, int *exec_errno)
{
	int go[2], report[2], e = 0;
	pid_t pid;
	char c;

	*exec_errno = 0;
	if (pipe2(go, O_CLOEXEC) || pipe2(report, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		sigprocmask(SIG_SETMASK, oldmask, NULL);
		close(go[1]);
		close(report[0]);
		if (read(go[0], &c, 1) != 1)
			_exit(EI_EXIT_FAIL);
		execvp(cmd[0], cmd);
		e = errno;
		if (write(report[1], &e, sizeof(e)) != sizeof(e))
			_exit(EI_EXIT_FAIL);
		_exit(e == ENOENT ? 127 : 126);
	}
	close(go[0]);
	close(report[1]);
	if (ei_session_add_target(s, pid, true)) {
		ei_msg("cannot add the command as a target: %s", strerror(errno));
		kill(pid, SIGKILL);
		close(go[1]);
		close(report[0]);
		waitpid(pid, NULL, 0);
		return -1;
	}
	if (write(go[1], "g", 1) != 1)
		e = EPIPE;
	close(go[1]);
	/* EOF: execve succeeded (the pipe was close-on-exec). */
	if (read(report[0], &e, sizeof(e)) == sizeof(e))
		*exec_errno = e;
	close(report[0]);
	return pid;
}

int main(int argc, char **argv)
{
	struct ei_session *s = NULL;
	struct ei_options o = { .cgroup_fd = -1 };
	struct epoll_event ev, evs[4];
	sigset_t mask, oldmask;
	int ep = -1, sfd = -1, pidfds[MAX_PIDS], npidfds = 0, pids_alive = 0, ret = EI_EXIT_FAIL, status = 0;
	char err[512];
	pid_t cmd_pid = 0;
	bool cmd_done = false, pid_done = false, stop = false;
	struct timespec deadline = {};

	ei_set_progname("errinj");
	ei_refuse_setid();
	parse_args(argc, argv);
	ei_libbpf_log(env.verbose);

	if (env.list) {
		if (env.nspecs || env.nshort || env.cmd || env.npids || env.cgroup)
			ei_usage_error("--list takes no other arguments");
		int n = ei_list_injectable(print_name, NULL);
		if (n < 0) {
			ei_msg("cannot read the kernel's error injection list "
			       "(/sys/kernel/debug/error_injection/list): %s (debugfs is needed, as root)",
			       strerror(errno));
			return EI_EXIT_FAIL;
		}
		return 0;
	}
	if (env.nshort == 2) {
		char spec[256];
		if (strchr(env.short_args[0], ':') || strchr(env.short_args[1], ':'))
			ei_usage_error("SYSCALL and ERRNO may not contain ':' (use -e inject=SPEC)");
		snprintf(spec, sizeof(spec), "%.100s:error=%.100s", env.short_args[0], env.short_args[1]);
		add_spec(spec, false);
	}
	if (!env.nspecs)
		ei_usage_error("nothing to inject: give SYSCALL ERRNO or -e inject=SPEC (see --help)");
	if (!!env.cmd + !!env.npids + !!env.cgroup > 1)
		ei_usage_error("give only one of a command, -p PID and --cgroup DIR");
	if (env.duration && !env.npids && !env.cgroup)
		ei_usage_error("-d applies to -p and --cgroup");
	if (env.quiet && (env.json || env.output))
		ei_usage_error("-q silences the events that --json and -o would write");
	for (int i = 0; i < env.npids; i++) {
		pid_t pid = env.pids[i];
		if (kill(pid, 0) && errno == ESRCH)
			ei_usage_error("no process with pid %d", (int)pid);
		/* Only a process we could ptrace: opening its memory asks the
		 * kernel's own ptrace access check (PTRACE_MODE_ATTACH). */
		char mem[64];
		snprintf(mem, sizeof(mem), "/proc/%d/mem", (int)pid);
		int fd = open(mem, O_RDONLY | O_CLOEXEC);
		if (fd < 0 && (errno == EACCES || errno == EPERM)) {
			ei_msg("not allowed to inject into pid %d: you could not ptrace it", (int)pid);
			return EI_EXIT_FAIL;
		}
		if (fd >= 0)
			close(fd);
	}
	if (env.cgroup) {
		struct statfs sfs;
		char q[96];
		o.cgroup_fd = open(env.cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (o.cgroup_fd < 0 && (errno == EACCES || errno == EPERM)) {
			/* A privilege, not a typo: exit 1 with a sentence. */
			ei_msg("cannot open --cgroup %s: %s", ei_quote(env.cgroup, q, sizeof(q)), strerror(errno));
			return EI_EXIT_FAIL;
		}
		if (o.cgroup_fd < 0 || fstatfs(o.cgroup_fd, &sfs) || sfs.f_type != CGROUP2_SUPER_MAGIC)
			ei_usage_error("--cgroup %s: not a cgroup v2 directory", ei_quote(env.cgroup, q, sizeof(q)));
	}
	if (!env.cmd && !env.npids && !env.cgroup) {
		static char *def[2];
		def[0] = userapp_path();
		if (!def[0])
			ei_usage_error("cannot locate userapp beside errinj");
		env.cmd = def;
	}
	out = stderr;
	if (env.output) {
		out = fopen(env.output, "we");
		if (!out) {
			char q[96];
			ei_msg("cannot open %s: %s", ei_quote(env.output, q, sizeof(q)), strerror(errno));
			return EI_EXIT_FAIL;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &mono0);
	clock_gettime(CLOCK_REALTIME, &real0);

	/* Signals arrive through a signalfd, so that the event loop sees
	 * them in order with the events; the command gets the old mask. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGQUIT);
	sigprocmask(SIG_BLOCK, &mask, &oldmask);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);

	o.specs = env.specs;
	o.nspecs = env.nspecs;
	o.follow = !env.no_follow;
	o.verbose = env.verbose;
	/* For tests and old-kernel comparisons: the per-syscall kprobe path
	 * even where kprobe.multi exists. */
	o.single_kprobes = getenv("ERRINJ_SINGLE_KPROBES") != NULL;
	s = ei_session_open(&o, env.quiet ? NULL : on_event, NULL, err, sizeof(err));
	if (!s) {
		ei_msg("%s", err);
		goto cleanup;
	}

	ep = epoll_create1(EPOLL_CLOEXEC);
	ev.events = EPOLLIN;
	ev.data.u32 = 0;
	epoll_ctl(ep, EPOLL_CTL_ADD, ei_session_events_fd(s), &ev);
	ev.data.u32 = 1;
	epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev);

	for (int i = 0; i < env.npids; i++) {
		pid_t pid = env.pids[i];
		int fd = (int)syscall(SYS_pidfd_open, pid, 0);
		if (fd < 0 || ei_session_add_target(s, pid, false)) {
			ei_msg("cannot follow pid %d: %s", (int)pid, strerror(errno));
			if (fd >= 0)
				close(fd);
			goto cleanup;
		}
		pidfds[npidfds] = fd;
		ev.data.u32 = PIDFD_EV + npidfds++;
		pids_alive++;
		epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
		/* Like strace's "Process N attached": injection has started. */
		if (!env.quiet)
			ei_msg("injecting into pid %d", (int)pid);
	}
	if (!env.quiet && env.cgroup)
		ei_msg("injecting into cgroup %s", env.cgroup);
	if (env.duration) {
		clock_gettime(CLOCK_MONOTONIC, &deadline);
		deadline.tv_sec += env.duration;
	}
	if (env.cmd) {
		int exec_errno;
		/* Orphans of the command come to us: errinj waits for all of
		 * them, injecting, as strace -f does (they are the targets). */
		prctl(PR_SET_CHILD_SUBREAPER, 1);
		cmd_pid = launch(s, env.cmd, &oldmask, &exec_errno);
		if (cmd_pid < 0) {
			ei_msg("cannot start %s: %s", env.cmd[0], strerror(errno));
			goto cleanup;
		}
		if (exec_errno) {
			char q[96];
			ei_msg("cannot run %s: %s", ei_quote(env.cmd[0], q, sizeof(q)), strerror(exec_errno));
			waitpid(cmd_pid, &status, 0);
			ret = exec_errno == ENOENT ? 127 : 126;
			goto cleanup;
		}
	}

	while (!stop) {
		int timeout = -1;
		/* They are not our children, so no SIGCHLD says when the last
		 * of them is gone: look ten times a second. */
		if (pid_done) {
			if (env.no_follow || !ei_session_has_targets(s))
				break;
			timeout = 100;
		}
		if (env.duration) {
			struct timespec now;
			clock_gettime(CLOCK_MONOTONIC, &now);
			long long ms = (deadline.tv_sec - now.tv_sec) * 1000LL +
				       (deadline.tv_nsec - now.tv_nsec) / 1000000;
			if (ms <= 0)
				break;
			if (timeout < 0 || ms < timeout)
				timeout = (int)(ms > INT_MAX ? INT_MAX : ms);
		}
		int n = epoll_wait(ep, evs, 4, timeout);
		if (n < 0 && errno != EINTR) {
			ei_msg("epoll_wait: %s", strerror(errno));
			goto cleanup;
		}
		for (int i = 0; i < n; i++) {
			if (evs[i].data.u32 == 0) {
				ei_session_consume(s);
			} else if (evs[i].data.u32 >= PIDFD_EV) {
				/* A -p process exited. With all gone, done unless
				 * children they left behind are still followed
				 * (checked above). */
				epoll_ctl(ep, EPOLL_CTL_DEL, pidfds[evs[i].data.u32 - PIDFD_EV], NULL);
				pid_done = --pids_alive == 0;
			} else {
				struct signalfd_siginfo si;
				if (read(sfd, &si, sizeof(si)) != sizeof(si))
					continue;
				if (si.ssi_signo != SIGCHLD) {
					if (cmd_pid > 0 && !cmd_done)
						kill(cmd_pid, (int)si.ssi_signo);
					else
						stop = true;
					continue;
				}
				for (;;) {
					int st;
					pid_t w = waitpid(-1, &st, WNOHANG);
					if (w <= 0)
						break;
					if (w == cmd_pid) {
						status = st;
						cmd_done = true;
					}
				}
				/* Done when the command and every descendant that we
				 * follow have exited. Not when we have no children:
				 * we may have some that are not the command's (the
				 * shell's >(...) of our own stderr, say). */
				if (cmd_done && (env.no_follow || !ei_session_has_targets(s)))
					stop = true;
			}
		}
	}
	ei_session_consume(s);
	if (cmd_pid > 0)
		ret = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
	else
		ret = 0;
	__u64 dropped = ei_session_dropped(s);
	if (dropped)
		ei_msg("%llu injection events were dropped (ring buffer full); the injections happened",
		       (unsigned long long)dropped);
	__u64 refused = ei_session_refused(s);
	if (refused)
		ei_msg("%llu calls were not failed: they came from processes you could not ptrace "
		       "(other users' or setuid programs); only root or CAP_SYS_PTRACE may fail those",
		       (unsigned long long)refused);
	if (env.summary)
		print_summary(s);

cleanup:
	ei_session_close(s);
	if (out && out != stderr)
		fclose(out);
	if (o.cgroup_fd >= 0)
		close(o.cgroup_fd);
	for (int i = 0; i < npidfds; i++)
		close(pidfds[i]);
	if (ep >= 0)
		close(ep);
	if (sfd >= 0)
		close(sfd);
	return ret;
}
