#!/usr/bin/env bash
# What errinj must leave as it would be without it, around the injections:
# a command's daemon that outlives errinj however errinj stops (SIGKILL
# too), an orphan's parent, the signals the command gets (as often as it
# would natively), errinj's own output going away.
# backends: auto kprobe seccomp
. "$(dirname "$0")/../lib.sh"

E=$BIN/errinj
L=$B/tests/lifecycle
# A rule that traps dup but selects no call here (when=100).
NEVER=(-e inject=dup:error=EIO:when=100)

# bash starts a background job with SIGINT and SIGQUIT ignored; a shell
# user's errinj has them as they were.
defsig() { exec perl -e '$SIG{INT} = $SIG{QUIT} = "DEFAULT"; exec @ARGV or exit 127' "$@"; }

# daemon_outlives SIG: errinj waits for the command's daemon; SIG to
# errinj alone stops it; the daemon's later trapped calls (a dup no rule
# selects, a fork+execve) must run as they would without errinj (they
# failed with ENOSYS on the seccomp backend: no supervisor listened).
daemon_outlives() {
    local sig=$1 rc i
    defsig "$E" "${NEVER[@]}" -- "$L" daemon "$T" >"$T/out" 2>"$T/err" &
    local ep=$!
    wait_file "$T/pid" || return 1
    # errinj is waiting for the daemon once the command has exited.
    for i in $(seq 100); do grep -q started "$T/out" && break; sleep 0.05; done
    sleep 0.2
    kill -"$sig" "$ep"
    # (2>: bash's word on a job killed)
    { wait "$ep"; } 2>/dev/null
    rc=$?
    touch "$T/go"
    wait_file "$T/result" || return 1
    assert_eq "daemon's calls after errinj stopped (exit $rc: $(tr '\n' ' ' <"$T/err"))" \
        "$(cat "$T/result")" "dup=3 exec=0" || return 1
    case $sig in
    KILL) ;;
    *) assert_match "errinj's word" "$(cat "$T/err")" "^errinj: stopped by SIG$sig: the processes it still followed run on untouched$" ;;
    esac
}
for sig in TERM INT HUP USR1 USR2 ALRM PIPE KILL; do
    subtest "daemon_outlives_$sig" daemon_outlives "$sig"
done

# The issue's pipeline: errinj ... -- prog 2>&1 >log | head -n1. head
# exits after the first event; errinj's next event finds no reader. The
# command must go on as injected: its second dup fails (when=2), its
# third runs (it failed with ENOSYS when errinj died of SIGPIPE).
output_gone() {
    (
        "$E" -e inject=dup:error=EIO:when=1..2 -- "$L" dups "$T" 2>&1 >"$T/log" |
            (head -n1 >"$T/head"; exec 0<&-; touch "$T/headdone")
        echo "$?" >"$T/rc"
    ) &
    wait_file "$T/headdone" || return 1
    touch "$T/go"
    wait_file "$T/rc" || return 1
    assert_match "first event" "$(cat "$T/head")" '^\[pid [0-9]+\] dup\([0-9]+\) = -1 EIO \(INJECTED\)$' &&
        assert_eq "the command's calls" "$(cat "$T/log")" "$(printf 'dup1=EIO\ndup2=EIO dup3=3 exec=0')"
}
subtest output_gone output_gone

# An orphan's parent is the one it has without errinj (init or the
# nearest subreaper), not errinj.
orphan_parent() {
    local native
    native=$("$L" orphan)
    run "$E" "${NEVER[@]}" -- "$L" orphan
    assert_match "native" "$native" '^orphan ppid=[0-9]+$' &&
        assert_eq "exit status" "$RC" 0 &&
        assert_eq "under errinj" "$OUT" "$native"
}
subtest orphan_parent orphan_parent

# Without being their parent, errinj still waits for the processes it
# follows: it ends when the command's daemon does, not with the command.
waits_for_daemon() {
    "$E" "${NEVER[@]}" -- "$L" daemon "$T" >"$T/out" 2>"$T/err" &
    local ep=$! i
    wait_file "$T/pid" || return 1
    for i in $(seq 100); do grep -q started "$T/out" && break; sleep 0.05; done
    sleep 0.5
    kill -0 "$ep" 2>/dev/null || { why "errinj ended before the daemon: $(cat "$T/err")"; return 1; }
    touch "$T/go"
    wait_file "$T/result" || return 1
    for i in $(seq 100); do kill -0 "$ep" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$ep" 2>/dev/null && { why "errinj still runs 10 s after the daemon ended"; kill "$ep"; return 1; }
    wait "$ep"
    assert_eq "exit status" "$?" 0 &&
        assert_eq "daemon's calls" "$(cat "$T/result")" "dup=3 exec=0" &&
        assert_eq "stderr" "$(cat "$T/err")" ""
}
subtest waits_for_daemon waits_for_daemon

# Signals to errinj's process group (which the command shares) reach the
# command once, from the sender; those sent to errinj alone are passed
# on, once. A real-time signal queues: each sent copy is counted.
signals_once() {
    defsig setsid "$E" "${NEVER[@]}" -- "$L" signals "$T" >"$T/out" 2>"$T/err" &
    local ep=$! s
    wait_file "$T/ready" || return 1
    for s in "INT -- -$ep" "HUP -- -$ep" "RTMIN+2 -- -$ep" "RTMIN+2 -- -$ep" "USR1 -- -$ep" \
        "TERM $ep" "USR2 $ep" "ALRM $ep" "QUIT $ep"; do
        # shellcheck disable=SC2086
        kill -$s
        sleep 0.2
    done
    touch "$T/done"
    wait "$ep"
    local rc=$?
    assert_eq "exit status ($(cat "$T/err"))" "$rc" 0 &&
        assert_eq "signals counted" "$(cat "$T/out")" "signals HUP=1 INT=1 QUIT=1 USR1=1 USR2=1 ALRM=1 TERM=1 RTMIN+2=2"
}
subtest signals_once signals_once

# Ctrl-C at a terminal goes to its foreground process group: a command
# that left it (setsid) gets nothing, as without errinj.
tty_interrupt() {
    python3 - "$E" "$L" "$T" <<'EOF' >"$T/pty" 2>&1
import os, pty, sys, time
e, l, t = sys.argv[1:4]
pid, fd = pty.fork()
if pid == 0:
    os.execv(e, [e, "-e", "inject=dup:error=EIO:when=100", "--", "setsid", "-w", l, "signals", t])
for _ in range(300):
    if os.path.exists(t + "/ready"):
        break
    time.sleep(0.1)
os.write(fd, b"\x03")
time.sleep(0.5)
open(t + "/done", "w").close()
out = b""
while True:
    try:
        b = os.read(fd, 1024)
    except OSError:
        break
    if not b:
        break
    out += b
_, st = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
print("status", os.waitstatus_to_exitcode(st))
EOF
    assert_eq "terminal output (the echoed ^C aside)" "$(sed 's/\^C//g' "$T/pty")" "$(printf 'signals\nstatus 0')"
}
subtest tty_interrupt tty_interrupt
# An execve no rule serves is not trapped: it runs while errinj is
# stopped (trapped, it could also fail with EINTR before errinj received
# it, which an execve never does natively).
exec_untrapped() {
    run "$E" "${NEVER[@]}" -- "$L" stopexec
    assert_eq "exit status" "$RC" 0 &&
        assert_eq "stdout" "$OUT" "stopexec: exec ran, status 0"
}
subtest exec_untrapped exec_untrapped

# Out of descriptors (a pidfd per process of the command's): 200 live
# children under a limit of 64, soft and hard; every one is followed (53
# ran untouched, unsaid). And the command keeps its own limits: errinj
# raises its own soft limit to the hard one.
fd_limit() {
    run bash -c 'ulimit -n 64 && exec "$@"' - "$E" -c -e inject=dup:error=EIO -- "$B/tests/scenario" children:200
    assert_eq "exit status" "$RC" 0 &&
        assert_eq "stdout" "$OUT" "children: 200 of 200 failed" &&
        assert_match "summary" "$ERR" '^dup +200 +200$' &&
        assert_no_match "stderr" "$ERR" 'untouched'
}
subtest fd_limit fd_limit

own_limits() {
    local native
    native=$(bash -c 'ulimit -Sn 64 && exec bash -c "ulimit -Sn; ulimit -Hn"')
    run bash -c 'ulimit -Sn 64 && exec "$@"' - "$E" "${NEVER[@]}" -- bash -c 'ulimit -Sn; ulimit -Hn'
    assert_eq "exit status" "$RC" 0 &&
        assert_eq "the command's limits" "$OUT" "$native"
}
subtest own_limits own_limits
done_testing
