# Shell helpers for errinj's host and VM tests (sourced).
#
# A test file defines functions and calls `subtest NAME FUNC [ARGS]` for
# each; subtest prints "PASS LAYER/NAME" or "FAIL LAYER/NAME: why". The
# assertions return 0 when they hold and otherwise say why (on fd 9) and
# return 1, so a function can end with `assert ... && assert ...`. The
# file's last line is `done_testing`: tests/run-file counts a file that
# does not get there, or exits non-zero, as a failure.
# Results are counted from the results channel, TEST_RESULTS (a file the
# driver names, tests/run-file), not from the output: a program's line
# that starts with "PASS " is no result. A subtest's function runs with
# TEST_RESULTS unset, so that what it runs cannot write there.

: "${LAYER:=test}"
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
B=$TOP/build
# errinj, the loader and userapp: build/, or their ASan+UBSan builds.
BIN=${ERRINJ_BIN:-$B}
T=$(mktemp -d "${TMPDIR:-/tmp}/errinj-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
. "$TOP/tests/oracle"

# result LINE: a result, on stdout for the reader and on the channel.
result() {
    echo "$*"
    [ -z "${TEST_RESULTS:-}" ] || printf '%s\n' "$*" >>"$TEST_RESULTS"
}

why() { echo "$*" >&9; }

subtest() {
    local name=$1 w t0=${EPOCHREALTIME/[^0-9]/} dt
    shift
    # (Each process started costs tens of milliseconds under the test
    # VM's emulation: the helpers here start as few as they can.)
    subtests=$((${subtests:-0} + 1))
    w=$T/why.$BASHPID.$subtests
    # Each subtest has a scratch directory of its own in $T.
    if ( unset TEST_RESULTS; T=$T/sub.$BASHPID.$subtests && mkdir -m 700 "$T" && "$@" ) 9>"$w" </dev/null; then
        result "PASS $LAYER/$name"
    else
        result "FAIL $LAYER/$name: $(tr '\n' ' ' <"$w" | cut -c1-600)"
    fi
    # Its time, on the channel only: tests/run names the longest.
    dt=$((${EPOCHREALTIME/[^0-9]/} - t0))
    [ -z "${TEST_RESULTS:-}" ] ||
        printf 'TIME %s/%s %d.%d\n' "$LAYER" "$name" $((dt / 1000000)) $((dt / 100000 % 10)) >>"$TEST_RESULTS"
}

# skip NAME REASON: a check that cannot be made here (counted apart, and
# compared by tests/run with the expected skips, tests/skips). REASON
# comes from tests/oracle or the backend the driver chose, not from
# errinj.
skip() { result "SKIP $LAYER/$1: $2"; }

# The backend the suite runs this file on (tests/boots: ERRINJ_BACKEND,
# unset for the automatic choice).
BACKEND=${ERRINJ_BACKEND:-auto}
# bpf_subtest NAME FUNC [ARGS]: a subtest of what only the BPF backends
# do (-p, --cgroup, what is attached in the kernel, the ring buffer):
# skipped, and said, on the seccomp backend.
bpf_subtest() {
    if [ "$BACKEND" = seccomp ]; then
        skip "$1" "the seccomp backend serves only a command errinj starts, from user space"
    else
        subtest "$@"
    fi
}
# kprobe_subtest NAME FUNC [ARGS]: a subtest of the kprobe backend itself
# (its links, the error injection list): skipped, and said, where the
# kernel or the user cannot have it (tests/oracle: the host, 6.12, a user
# without root); errinj is not asked.
kprobe_subtest() {
    local why
    why=$(kprobe_unusable)
    if [ -z "$why" ]; then
        subtest "$@"
    else
        skip "$1" "the kprobe backend is not usable here: $why"
    fi
}

# done_testing: the last line of every test file. Its marker tells
# tests/run-file that the file ran to its end.
done_testing() {
    result "DONE-TESTING $LAYER/$(basename "$0" .sh)"
    exit 0
}

# unsplit_events FILE: errinj writes each event in one write, but a
# program that shares the file may write a line in pieces (dash: the
# message, then its newline), so an event can land inside the program's
# line. Moves every such event to just after the line it interrupted:
# what the program wrote and what errinj wrote, each whole.
unsplit_events() {
    perl -0777 -i -pe '
        my $ev = qr/\[pid \d+\] \w+\((?:"(?:[^"\\\n]|\\.)*"(?:\.\.\.)?|-?\d+|\.\.\.)\) = [^\n(]*\(INJECTED[^)\n]*\)\n|\{"time":"[^"\n]*","pid":\d+,[^\n]*?"backend":"[a-z_]+"\}\n/;
        while (/(?<=[^\n])($ev)/) {
            my ($s, $x) = ($-[1], $1);
            substr($_, $s, length $x) = "";
            my $nl = index($_, "\n", $s);
            if ($nl < 0) { $_ .= "\n" . $x } else { substr($_, $nl + 1, 0) = $x }
        }' "$1"
}

# start_bg MSG CMD...: starts CMD (errinj, or a shell that execs it) in
# the background, its pid in ep and its stderr in $T/e.err, and waits for
# MSG there ("injecting into ...": injection has started).
start_bg() {
    local msg=$1 i
    shift
    "$@" 2>"$T/e.err" &
    ep=$!
    for i in $(seq 300); do grep -qF "$msg" "$T/e.err" && return 0; sleep 0.1; done
    why "'$msg' not seen: $(cat "$T/e.err")"
    return 1
}

# run CMD...: runs CMD with a timeout; sets RC, OUT, ERR (events unsplit).
run() {
    timeout -k 5 "${RUN_TIMEOUT:-120}" "$@" >"$T/out" 2>"$T/err" </dev/null
    RC=$?
    ERR=$(<"$T/err")
    # Events glued to a line happen only where there are events.
    case $ERR in *'(INJECTED'* | *'"backend":"'*) unsplit_events "$T/err" && ERR=$(<"$T/err") ;; esac
    OUT=$(<"$T/out")
}

# run_traced CMD...: CMD with bpf(2) forbidden (tests/progs/nobpf: a
# seccomp filter, inherited by its children, kills the process that makes
# the call); sets RC, OUT and ERR as run does, and BPF, empty when neither
# CMD nor a child called bpf(2), else what was seen. The kernel is the
# witness, with no ptrace stop (strace -f cost a second a run in the VM).
run_traced() {
    run "$B/tests/nobpf" "$@"
    BPF=
    [ "$RC" != 159 ] || BPF="a bpf(2) call (killed by SIGSYS, tests/progs/nobpf)"
}

assert_eq() { # WHAT GOT WANT
    [ "$2" = "$3" ] && return 0
    why "$1: got '$2', want '$3'"
    return 1
}

assert_match() { # WHAT TEXT EXTENDED-REGEX
    printf '%s' "$2" | grep -Eq -- "$3" && return 0
    why "$1: '$2' does not match /$3/"
    return 1
}

assert_no_match() { # WHAT TEXT EXTENDED-REGEX
    printf '%s' "$2" | grep -Eq -- "$3" || return 0
    why "$1: '$2' matches /$3/"
    return 1
}

# lines TEXT: its number of lines (0 if empty), counted without a process.
lines() {
    local nl=${1//[!$'\n']/}
    [ -z "$1" ] && echo 0 || echo $((${#nl} + 1))
}

# A bad-input run: exit 2 and exactly one line on stderr matching REGEX.
assert_usage_error() { # REGEX
    assert_eq "exit status" "$RC" 2 &&
        assert_eq "stderr lines" "$(lines "$ERR")" 1 &&
        assert_match "stderr" "$ERR" "$1"
}

# strerror text and number of an errno, from perl (an oracle independent
# of errinj's own tables).
strerror() { perl -e '$! = $ARGV[0]; print "$!"' "$1"; }
errno_num() { case $1 in [0-9]*) echo "$1" ;; *) perl -MErrno -e 'print &{"Errno::$ARGV[0]"}()' "$1" ;; esac; }

# wait_file PATH: waits up to 30 s for PATH to exist.
wait_file() {
    local i
    for i in $(seq 300); do [ -e "$1" ] && return 0; sleep 0.1; done
    why "$1 did not appear"
    return 1
}

# TOOL ARGS... -- (errinj or the loader) running a command, which gets
# SIGTERM once it runs: the tool must pass it on and exit with the
# command's status.
# sigterm_handled TOOL...: the command, a shell, traps TERM: it writes
# $T/got and exits 7, so 7 comes back only if the shell got the signal
# and the tool waited for it.
sigterm_handled() {
    "$@" sh -c 'trap "echo TERM >\"\$0/got\"; exit 7" TERM; : >"$0/ready"; while :; do sleep 0.1; done' "$T" &
    local tp=$! rc
    wait_file "$T/ready" || { kill -KILL $tp; pkill -KILL -f -- "$T"; return 1; }
    kill -TERM $tp
    wait $tp
    rc=$?
    pkill -KILL -f -- "$T"
    assert_eq "the command's trap" "$(cat "$T/got" 2>/dev/null)" TERM &&
        assert_eq "exit status (the command's, from its trap)" "$rc" 7
}
# sigterm_kills TOOL...: the command, sleep, dies of it: 143 comes back
# and the sleep is gone, not left running without the tool.
sigterm_kills() {
    "$@" sh -c 'echo $$ >"$0/pid"; exec sleep 60' "$T" &
    local tp=$! rc cp alive= i
    wait_file "$T/pid" || { kill -KILL $tp; return 1; }
    cp=$(cat "$T/pid")
    # Until the shell has become sleep.
    for i in $(seq 100); do [ "$(cat /proc/$cp/comm 2>/dev/null)" = sleep ] && break; sleep 0.1; done
    kill -TERM $tp
    wait $tp
    rc=$?
    sleep 0.2
    kill -0 "$cp" 2>/dev/null && alive=yes && kill -KILL "$cp"
    assert_eq "exit status" "$rc" 143 &&
        assert_eq "the command left running" "$alive" ""
}

# ours_gone: what of ours is still there after up to 5 s (nothing, at
# once, when all is gone): the kernel frees a map whose last holder closed
# it after a grace period (an RCU tasks trace one for a sleepable
# program's maps, long under emulation), so that a check made the moment
# errinj exits may still list it. What a holder keeps stays.
ours_gone() {
    local left i
    for i in $(seq 50); do
        left=$(ours)
        [ -z "$left" ] && return 0
        sleep 0.1
    done
    printf '%s\n' "$left"
}

# What of errinj's and the loader's is attached right now: programs,
# links, maps, kprobes, fprobes (the VM runs nothing else that attaches
# any).
ours() {
    { bpftool prog show; echo @link; bpftool link show; echo @map; bpftool map show; } 2>/dev/null | awk '
        /^@/ { k = substr($0, 2); next }
        !k && /name (err_injector|errinj_)/ { print "prog: " $0 }
        k == "link" && /^[0-9]+:/ { print "link: " $0 }
        k == "map" && /name (target_pid|inject_errno|rules|rule_hits|targets|blank|slots|stats|sysinfo|scratch|task_scratch|events|cgroup|errinj_b\.[a-z]+|err_inje\.[a-z]+)( |$)/ { print "map: " $0 }'
    local f l
    for f in kprobe:/sys/kernel/debug/kprobes/list kprobe_event:/sys/kernel/tracing/kprobe_events \
        ftrace:/sys/kernel/tracing/enabled_functions; do
        # kprobe.multi links are fprobes: functions with an ftrace hook.
        while IFS= read -r l; do printf '%s: %s\n' "${f%%:*}" "$l"; done <"${f#*:}"
    done
}
