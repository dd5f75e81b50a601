#!/usr/bin/env bash
# Reliability and security on the test kernel: bystanders under load,
# errinj killed at random moments, two injectors at once, pid reuse, an
# event storm. (Privilege: privilege.sh.)
. "$(dirname "$0")/../lib.sh"

E=$B/errinj
H=$B/tests/hammer


# 4 bystanders make 10^6 calls each of the syscall being failed in a target.
isolation_under_load() {
    "$E" -q -e inject=dup:error=EIO -- "$H" dup -u "$T/stop" >"$T/target" &
    local ep=$! i
    wait_file "$T/stop.ready" || { why "target did not start"; return 1; }
    for i in 1 2 3 4; do "$H" dup 1000000 >"$T/by$i" & done
    wait $(jobs -p | grep -vx "$ep")
    touch "$T/stop"
    wait $ep
    for i in 1 2 3 4; do
        assert_eq "bystander $i" "$(cat "$T/by$i")" "calls=1000000 errors=0 errno=0" || return 1
    done
    local t
    t=$(cat "$T/target")
    assert_match "target" "$t" '^calls=([0-9]+) errors=\1 errno=5$'
}
subtest isolation_under_load isolation_under_load

# SIGKILL errinj at 30 random moments (loading, attaching, injecting, with
# events flowing): nothing of ours stays, the orphaned target sees no more
# injected errors, and a new errinj works. (Each moment costs about
# errinj's start-up under emulation, seconds: 30, drawn anew every run,
# rather than 50, which made this a tenth of the suite's time.)
killed_at_random() {
    local i d p tp leftover bad=0 windows=0 t0 span
    # Kill moments drawn over twice the time errinj takes here to get its
    # command running, so that about half the kills come before and half
    # after (that time depends on the machine and the VM's load).
    t0=$(date +%s%N)
    "$E" -q -e inject=dup:error=EIO -- "$H" dup -u "$T/probe" >/dev/null 2>&1 &
    p=$!
    wait_file "$T/probe.ready" || { why "the probe run did not start"; return 1; }
    span=$(( ($(date +%s%N) - t0) / 500000 ))
    touch "$T/probe"
    wait $p
    for i in $(seq 30); do
        "$E" -o "$T/ev" -e inject=dup:error=EIO -- "$H" dup -u "$T/stop$i" >"$T/t$i" 2>/dev/null &
        p=$!
        d=$(( (RANDOM % span) + 1 ))
        sleep "$(printf '%d.%03d' $((d / 1000)) $((d % 1000)))"
        kill -KILL $p
        wait $p 2>/dev/null
        leftover=
        for _ in $(seq 50); do leftover=$(ours); [ -z "$leftover" ] && break; sleep 0.1; done
        [ -z "$leftover" ] || { why "run $i (killed after ${d} ms): left $leftover"; bad=1; }
        tp=$(pgrep -f "hammer dup -u $T/stop$i\$")
        if [ -n "$tp" ]; then
            # Two windows: the second one starts after the kill.
            kill -USR1 $tp; sleep 0.2; kill -USR1 $tp; sleep 0.2
            touch "$T/stop$i"
            wait 2>/dev/null
            local w
            w=$(grep '^window' "$T/t$i" | sed -n 2p)
            printf '%s' "$w" | grep -Eq '^window calls=[1-9][0-9]* errors=0 errno=0$' ||
                { why "run $i: after the kill the target saw '$w'"; bad=1; }
            windows=$((windows + 1))
        fi
        touch "$T/stop$i"
    done
    [ "$windows" -gt 6 ] || { why "only $windows of 30 runs reached the target (kills over $span ms)"; bad=1; }
    run "$E" -q dup ENOSPC -- "$B/tests/calls" dup
    assert_eq "a new errinj" "$OUT" "dup = -1 ENOSPC" && [ $bad = 0 ]
}
subtest killed_at_random killed_at_random

# Two injectors on one syscall, different targets and errnos.
two_injectors() {
    "$E" -q -e inject=dup:error=EPERM -- "$H" dup -u "$T/a" >"$T/a.out" &
    local a=$!
    "$E" -q -e inject=dup:error=ENOSPC -- "$H" dup -u "$T/b" >"$T/b.out" &
    local b=$!
    wait_file "$T/a.ready" && wait_file "$T/b.ready" || { why "targets did not start"; return 1; }
    sleep 0.5
    touch "$T/a" "$T/b"
    wait $a $b
    assert_match "target A" "$(cat "$T/a.out")" '^calls=([0-9]+) errors=\1 errno=1$' &&
        assert_match "target B" "$(cat "$T/b.out")" '^calls=([0-9]+) errors=\1 errno=28$'
}
subtest two_injectors two_injectors

# A target exits and an unrelated process gets its pid while errinj is
# still attached: the newcomer is never injected.
pid_reuse() {
    "$E" -q -e inject=dup:error=EIO -- sh -c "$B/tests/calls dup >'$T/old.out' & echo \$! >'$T/oldpid'; wait; touch '$T/old.done'; while [ ! -e '$T/release' ]; do sleep 0.1; done" &
    local ep=$! old i
    wait_file "$T/old.done" || { why "the first target did not finish"; kill $ep; return 1; }
    old=$(cat "$T/oldpid")
    assert_eq "first target" "$(cat "$T/old.out")" "dup = -1 EIO" || { touch "$T/release"; return 1; }
    # The kernel's next pid set to the old one (ns_last_pid: one fork, not
    # a wrap of the pid space; another fork may come first, hence a few).
    for i in $(seq 20); do
        echo $((old - 1)) >/proc/sys/kernel/ns_last_pid
        sh -c "[ \$\$ = $old ] && exec $B/tests/calls dup >'$T/new.out'"
        [ -s "$T/new.out" ] && break
    done
    touch "$T/release"
    wait $ep
    [ -s "$T/new.out" ] || { why "pid $old was not reused in 20 tries"; return 1; }
    assert_eq "newcomer with pid $old" "$(cat "$T/new.out")" "dup = 3"
}
subtest pid_reuse pid_reuse

# An event storm: errinj's memory stays bounded while 300,000 injections
# are reported.
storm_memory() {
    "$E" -o /dev/null -e inject=dup:error=EIO -- "$B/tests/calls" count:300000:dup >"$T/out" 2>"$T/err" &
    local ep=$! rss max=0
    while kill -0 $ep 2>/dev/null; do
        rss=$(awk '/^VmRSS/ { print $2 }' /proc/$ep/status 2>/dev/null)
        [ -n "$rss" ] && [ "$rss" -gt "$max" ] && max=$rss
        sleep 0.2
    done
    wait $ep
    assert_eq "program" "$(cat "$T/out")" "dup x300000: ok=0 err=300000" &&
        assert_match "drops said" "$(cat "$T/err")" '^(|errinj: [0-9]+ injection events were dropped \(ring buffer full\); the injections happened)$' &&
        { [ "$max" -gt 0 ] && [ "$max" -lt 51200 ] || { why "errinj's RSS peaked at $max kB (bound: 50 MB)"; return 1; }; }
}
subtest storm_memory storm_memory
done_testing
