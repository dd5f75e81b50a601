#!/usr/bin/env bash
# Fidelity (issue #22): what a program observes must not change because
# it runs under errinj with a rule that never fires. Each case of
# tests/progs/fidelity.c runs natively, under strace -f and under errinj,
# all with the same rule (trapping the calls the programs make, failing
# none: when=65000 is never reached), inside a child subreaper of ours
# (`fidelity reaper`, a new session), so that an orphan's parent is known
# natively. A run's transcript is the reaper's exit status, the command's
# stdout and stderr, every report the processes wrote (exit statuses,
# parentage, signal state at start, signals received and from whom, calls
# that failed, with errno), and what the test saw from outside (did the
# command line return while its daemon still ran). The transcripts of the
# strace and errinj runs must equal the native one, but for the
# differences listed in `limits` below with their cause: for errinj, a
# limit counts only if README.md and doc/errinj.1 both say it.
#
# LAYER/fidelity_CASE_native checks that the native runs show what Linux
# does (the oracle the others are held to); _strace and _errinj compare.
# FID_RUNS=N runs every case N times (each run is compared).
# tests/vm/fidelity.sh sources this file for the BPF backends.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

F=$B/tests/fidelity
# Not getppid: its entry function (SYSCALL_DEFINE0) has no BTF, which
# fmod_ret needs ("errinj: getppid: its entry function has no BTF").
RULE=openat,close,read,write,dup,execve,wait4,clone,clone3,kill,rt_sigtimedwait,pipe2:error=EACCES:when=65000
RUNS=${FID_RUNS:-1}
# The backend errinj serves the rule with: the kernel's choice (auto)
# is seccomp where no BPF backend is usable (tests/oracle: the kernel
# says, not errinj).
EBACKEND=$BACKEND
if [ "$EBACKEND" = auto ] && [ -n "$(kprobe_unusable)" ] && [ -n "$(fmod_ret_unusable)" ]; then
    EBACKEND=seccomp
fi

# Differences that are limits, one a line: MODE|BACKEND|REGEX|WHY
# (FID_NO_LIMITS=1 shows every difference). A
# transcript line matching REGEX may differ in MODE (errinj on BACKEND,
# * for any) if WHY holds: for errinj, WHY is a phrase README.md and
# doc/errinj.1 must both contain (else the difference is a failure that
# says so); for strace, WHY is the cause, strace's own behaviour.
limits=(
    'errinj|seccomp|: no_new_privs: |no_new_privs'
    "errinj|seccomp|: seccomp mode:|a seccomp filter that traps only the rules'"
    'errinj|*|^seen: the command line returned while the daemon ran: |errinj waits for the last process it follows'
    'errinj|*|^reaper: orphans reaped: |errinj-keeper and errinj-probe'
    'errinj|*|^stderr: errinj: stopped by |says so if processes it followed still run'
    'errinj|seccomp|^timer: timer [a-z]+ failed: |can fail with EINTR'
    'strace|*|^seen: the command line returned while the daemon ran: |strace -f traces the daemon and returns after the last of its tracees'
)
[ -z "${FID_NO_LIMITS:-}" ] || limits=()

# documented PHRASE: both README.md and the man page say PHRASE (words
# across lines, roff escapes and Markdown code marks left out).
documented() {
    local f
    for f in "$TOP/README.md" "$TOP/doc/errinj.1"; do
        tr '\n' ' ' <"$f" | sed 's/\\-/-/g; s/\\f[BIRP]//g; s/`//g; s/  */ /g' | grep -qF -- "$1" || return 1
    done
}

# tool MODE: the command line's prefix for MODE.
tool() {
    case $1 in
    native) TOOL=() ;;
    strace) TOOL=(strace -f -qq -o /dev/null -e "inject=$RULE") ;;
    errinj) TOOL=("$BIN/errinj" -e "inject=$RULE") ;;
    esac
}

# wait_pid PID SECS: waits for our background job PID to end, at most
# SECS seconds; its status in WST (timeout: "still running").
wait_pid() {
    local i
    for i in $(seq $(($2 * 20))); do
        if ! kill -0 "$1" 2>/dev/null; then
            wait "$1"
            WST=$?
            return 0
        fi
        sleep 0.05
    done
    WST="still running"
    return 1
}

# waited FILE SECS: FILE appeared within SECS seconds.
waited() {
    local i
    for i in $(seq $(($2 * 20))); do
        [ -e "$1" ] && return 0
        sleep 0.05
    done
    return 1
}

# fifo_read FIFO: its first line, bounded (60 s).
fifo_read() { timeout 60 head -n 1 "$1"; }

# The cases: case_NAME runs the case with the prefix TOOL in directory D
# (reports in D/r, FIFOs and markers in D) and leaves the reaper's exit
# status in RC, its stdout and stderr in D/out and D/err, and what the
# test saw in D/seen.

# A background run of the reaper, for cases that talk to it while it runs.
start_reaper() {
    rm -f "$D/child" "$D/child-exited"
    "$F" "$D" reaper "$@" >>"$D/out" 2>>"$D/err" </dev/null 9>&- &
    RP=$!
}
# child_pid: the pid of the reaper's child (the tool, or the command),
# which the reaper writes whole into D/child after its fork (10 s at most).
child_pid() {
    waited "$D/child" 10 && cat "$D/child"
}
# End of a background run: at most 60 s more.
end_reaper() {
    if wait_pid "$RP" 60; then
        RC=$WST
    else
        RC="still running after 60 s"
        pkill -KILL -s "$RP" 2>/dev/null
        kill -KILL "$RP" 2>/dev/null
    fi
}
fg_reaper() {
    timeout -k 5 120 "$F" "$D" reaper "$@" >>"$D/out" 2>>"$D/err" </dev/null 9>&-
    RC=$?
}

# (1) a pipeline a | b | c in SHELL, and a writer killed by SIGPIPE.
PIPE_SCRIPT='
"$1" "$2" gen gen 3000 $$ | "$1" "$2" filter filter 7 $$ | "$1" "$2" sum sum $$
echo "pipeline: $?"
{ "$1" "$2" gen spew 100000 $$; echo "spew: $?" >&2; } | head -n 2
echo "head: $?"'
case_pipeline_dash() { fg_reaper "${TOOL[@]}" dash -c "$PIPE_SCRIPT" sh "$F" "$D"; }
case_pipeline_bash() { fg_reaper "${TOOL[@]}" bash -c "$PIPE_SCRIPT" sh "$F" "$D"; }

# (2) a double-forking daemon that outlives the command (and the tool):
# it waits, after its first calls, until the command line has returned
# (10 s at most), then makes its calls again.
case_daemon() {
    mkfifo "$D/ready" "$D/go"
    start_reaper "${TOOL[@]}" "$F" "$D" daemon
    fifo_read "$D/ready" >/dev/null
    if waited "$D/child-exited" 10; then
        echo "the command line returned while the daemon ran: yes" >>"$D/seen"
    else
        echo "the command line returned while the daemon ran: no (10 s)" >>"$D/seen"
    fi
    timeout 60 sh -c 'echo go >"$1"' sh "$D/go"
    end_reaper
}

# (7) the same daemon, the tool killed with SIG after the daemon's first
# calls, while its thread makes more (natively there is no tool): its
# calls during and after must run as natively.
daemon_killed() {
    mkfifo "$D/ready" "$D/go"
    start_reaper "${TOOL[@]}" "$F" "$D" daemon
    fifo_read "$D/ready" >/dev/null
    if [ ${#TOOL[@]} -gt 0 ]; then
        # (Gone already if it failed to start: its transcript says why.)
        kill -"$1" "$(child_pid)" 2>/dev/null
        # strace -o FILE blocks SIGTERM (its -I3): it may stay.
        waited "$D/child-exited" 10
    fi
    timeout 60 sh -c 'echo go >"$1"' sh "$D/go"
    end_reaper
    # How the tool ended is the test's doing, not the program's.
    sed -i '/^command: /d' "$D/r/reaper"
}
case_daemon_tool_sigterm() { daemon_killed TERM; }
case_daemon_tool_sigkill() { daemon_killed KILL; }

# (3) a 500 us SIGALRM timer, handler without SA_RESTART, during calls on
# a regular file, which never fail with EINTR natively.
case_timer() { fg_reaper "${TOOL[@]}" "$F" "$D" timer; }

# (4) 8 threads making 300 rounds of calls each at once, joined.
case_threads() { fg_reaper "${TOOL[@]}" "$F" "$D" threads 8 300; }

# (5) a child left behind by its parent: reparented to our reaper.
case_orphan() { fg_reaper "${TOOL[@]}" "$F" "$D" orphan; }

# (6a) timeout 120 TOOL -- PROG, 3 times, timed out by hand once PROG
# is ready (timeout acts on a SIGALRM as on its own timer's: no race with
# the tool's start-up): timeout's SIGTERM, sent to its child and to its
# process group, must reach PROG from timeout only (natively once or
# twice: timeout sends it twice, as a process and as a group).
case_sig_timeout() {
    local i
    mkfifo "$D/ready"
    for i in 1 2 3; do
        start_reaper timeout 120 "${TOOL[@]}" "$F" "$D" sigwait TERM 1 senders
        fifo_read "$D/ready" >/dev/null && kill -ALRM "$(child_pid)"
        end_reaper
        [ "$RC" = 0 ] || return 0
    done
}

# (6b) kill -INT -- -PGID, once to the command's process group, in each
# of 10 rounds: PROG must get it once a round, from the sender only. (A
# second copy sent while the first is pending merges with it: rounds
# give a duplicate more chances to be seen.)
SIG_ROUNDS=10
case_sig_group() {
    local pgid line i
    mkfifo "$D/ready"
    start_reaper "${TOOL[@]}" "$F" "$D" sigwait INT "$SIG_ROUNDS" count
    # Read and write: the open does not wait for the writer, reads are
    # bounded.
    exec 3<>"$D/ready"
    for i in $(seq "$SIG_ROUNDS"); do
        if ! read -r -t 60 -u 3 line; then
            echo "round $i: no ready line from the program within 60 s" >>"$D/seen"
            break
        fi
        pgid=${line#ready }
        case $pgid in
        '' | *[!0-9]*) echo "round $i: bad ready line '$line'" >>"$D/seen"; break ;;
        esac
        kill -INT -- "-$pgid"
    done
    exec 3<&-
    end_reaper
}

ALL_CASES="pipeline_dash pipeline_bash daemon daemon_tool_sigterm daemon_tool_sigkill timer threads orphan sig_timeout sig_group"
# FID_CASES="NAME..." runs only those.
CASES=${FID_CASES:-$ALL_CASES}
for c in $CASES; do
    case " $ALL_CASES " in *" $c "*) ;; *) echo "fidelity.sh: FID_CASES: no case '$c' ($ALL_CASES)" >&2; exit 2 ;; esac
done

# observe CASE MODE OUT: one run of CASE in MODE, its transcript in OUT.
observe() {
    local D
    D=$(mktemp -d "$T/$1.$2.XXXXXX")
    mkdir "$D/r"
    : >"$D/seen"; : >"$D/out"; : >"$D/err"
    tool "$2"
    "case_$1"
    {
        echo "exit: $RC"
        sed 's/^/stdout: /' "$D/out"
        sed 's/^/stderr: /' "$D/err"
        for f in $(cd "$D/r" && ls); do sed "s/^/$f: /" "$D/r/$f"; done
        sed 's/^/seen: /' "$D/seen"
    } >"$3"
}

# The native transcripts, once per run, for every subtest to compare with.
NAT=$T/native
mkdir "$NAT"

# What Linux does natively, which the transcripts must show (else the
# harness, not errinj, is wrong): $1 is the case, $2 the transcript.
native_facts() {
    local t=$2 want=()
    want+=("^exit: 0$")
    case $1 in daemon_tool_*) ;; *) want+=("^reaper: command: exit (0|124)$") ;; esac
    case $1 in
    pipeline_*)
        want+=("^stdout: count 428 sum 642642$" "^stdout: pipeline: 0$" "^stdout: 1$" "^stdout: 2$"
            "^stderr: spew: 141$" "^stdout: head: 0$" "^gen: parent: the shell$" "^sum: parent: the shell$"
            "^filter: filter openat: 60 calls, failed: none$") ;;
    daemon)
        want+=("^daemon: parent: the reaper$" "^daemon: after openat: 100 calls, failed: none$"
            "^seen: the command line returned while the daemon ran: yes$" "^reaper: orphans reaped: 1 \(exit 0\)$") ;;
    daemon_tool_*)
        want+=("^daemon: parent: the reaper$" "^daemon: released: yes$" "^daemon: during openat failed: none$"
            "^daemon: after close: 200 calls, failed: none$") ;;
    timer) want+=("^timer: alarms: received$" "^timer: timer openat failed: none$" "^timer: timer close failed: none$") ;;
    threads) want+=("^threads: threads joined: 8 of 8$" "^threads: threads openat: 2400 calls, failed: none$") ;;
    orphan) want+=("^orphan: parent: the reaper$" "^reaper: orphans reaped: 1 \(exit 0\)$") ;;
    sig_timeout) want+=("^sig: SIGTERM from: timeout$" "^reaper: command: exit 124$") ;;
    sig_group) want+=("^sig: SIGINT received: $SIG_ROUNDS times in $SIG_ROUNDS rounds$" "^sig: SIGINT from: bash$") ;;
    esac
    for w in "${want[@]}"; do
        grep -Eq -- "$w" "$t" || { why "native run $3: no line /$w/ in: $(tr '\n' '|' <"$t")"; return 1; }
    done
}

native_case() {
    local c=$1 r
    for r in $(seq "$RUNS"); do
        observe "$c" native "$NAT/$c.$r" || return 1
        native_facts "$c" "$NAT/$c.$r" "$r" || return 1
        [ "$r" = 1 ] || assert_eq "native run $r against run 1" "$(diff "$NAT/$c.1" "$NAT/$c.$r" | tr '\n' '|')" "" ||
            return 1
    done
    : >"$NAT/$c.ok"
}

# compare_case CASE MODE: each run's transcript against the native one.
compare_case() {
    local c=$1 m=$2 r a b l lm lb lre lwhy fails=
    [ -e "$NAT/$c.ok" ] || { why "no native transcript to compare with (${LAYER}/fidelity_${c}_native failed)"; return 1; }
    for r in $(seq "$RUNS"); do
        observe "$c" "$m" "$T/got" || return 1
        a=$T/a b=$T/b
        cp "$NAT/$c.1" "$a"
        cp "$T/got" "$b"
        for l in "${limits[@]}"; do
            IFS='|' read -r lm lb lre lwhy <<<"$l"
            [ "$lm" = "$m" ] || continue
            case $EBACKEND in $lb) ;; *) continue ;; esac
            # The lines that differ and match: a limit if it is said.
            if ! diff <(grep -E -- "$lre" "$a") <(grep -E -- "$lre" "$b") >/dev/null; then
                if [ "$m" = errinj ] && ! documented "$lwhy"; then
                    fails+="run $r: lines /$lre/ differ, a limit only if README.md and errinj(1) say '$lwhy'; "
                fi
            fi
            sed -Ei "\\|$lre|d" "$a" "$b"
        done
        # MODE's lines first: where it failed outright, its exit status
        # and stderr say why before the message is cut.
        d=$(diff --unchanged-line-format= --old-line-format= --new-line-format="$m: %L" "$a" "$b"
            diff --unchanged-line-format= --old-line-format='native: %L' --new-line-format= "$a" "$b")
        [ -z "$d" ] || fails+="run $r: $(printf '%s\n' "$d" | tr '\n' '|' | sed 's/|$//'); "
    done
    [ -z "$fails" ] && return 0
    why "$c under $m$([ "$m" = errinj ] && echo " (backend $EBACKEND)") differs from native: $fails"
    return 1
}

for c in $CASES; do
    subtest "fidelity_${c}_native" native_case "$c"
    subtest "fidelity_${c}_strace" compare_case "$c" strace
    subtest "fidelity_${c}_errinj" compare_case "$c" errinj
done
done_testing
