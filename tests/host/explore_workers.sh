#!/usr/bin/env bash
# A worker serves several runs in turn (lib/explore/run.c): what it
# changes for a run is put back before the next. The seccomp supervisor
# raises its RLIMIT_NOFILE (many processes, many pidfds) after the
# command has started: a worker that kept it would start the next run's
# command with the raised limit. Each run's sh writes its soft limit on
# descriptor 8, a file of the test's that explore does not see opened:
# every line must be the limit explore was started with, at -j1 (one
# worker) and -j2. Seccomp backend, natively.
. "$(dirname "$0")/../lib.sh"

E=$BIN/errinj

# same_limit JOBS: each run's command had explore's soft RLIMIT_NOFILE.
same_limit() {
    local hard lines
    hard=$(ulimit -Hn)
    [ "$hard" = unlimited ] || [ "$hard" -gt 256 ] || { why "hard limit $hard: the soft one cannot be below it"; return 1; }
    ulimit -Sn 256
    : >"$T/limits"
    RUN_TIMEOUT=300 run "$E" explore --backend=seccomp --json -j"$1" -- sh -c 'ulimit -Sn >&8' 8>>"$T/limits"
    assert_eq "exit status" "$RC" 0 || return 1
    lines=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["runs"])' "$OUT")
    # The reference run, the control run and the runs whose write went
    # through: more than one worker's first run.
    assert_eq "runs that wrote their limit: more than three" "$(($(wc -l <"$T/limits") > 3))" 1 &&
        assert_eq "runs: more than one" "$((lines > 1))" 1 &&
        assert_eq "the limits the runs had" "$(sort -u "$T/limits")" 256
}

subtest explore_workers_rlimit_j1 same_limit 1
subtest explore_workers_rlimit_j2 same_limit 2

# A worker's runs share one keeper (lib/seccomp: ei_sup_keeper_new), which
# holds the running run's listener: a worker killed during a run leaves
# its command's trapped calls to it, let run, not failed with ENOSYS as
# they would be with no listener left. Killed in the control run (the
# first worker), while its command sleeps before two trapped dups; each
# run writes its results on descriptor 8.
keeper_takes_over() {
    local ST=$B/tests/seccomp_target xp w= i k
    : >"$T/dups"
    "$E" explore --backend=seccomp --json -j1 -s dup --errno dup=EMFILE -- \
        sh -c "sleep 1.5; exec $ST sys:32:1 sys:32:1 >&8" 8>>"$T/dups" >"$T/report" 2>"$T/err" &
    xp=$!
    # The worker: explore's child whose child is the keeper.
    for i in $(seq 100); do
        for k in $(pgrep -x errinj-keeper); do
            w=$(ps -o ppid= "$k" | tr -d ' ')
            [ -n "$w" ] && [ "$(ps -o ppid= "$w" | tr -d ' ')" = "$xp" ] && break 2
            w=
        done
        sleep 0.1
    done
    [ -n "$w" ] || { kill "$xp"; wait "$xp"; why "no worker with a keeper under explore $xp"; return 1; }
    kill -KILL "$w"
    wait "$xp"
    for i in $(seq 50); do [ "$(grep -c . "$T/dups")" -ge 4 ] && break; sleep 0.1; done
    # The reference run's two lines, then the killed run's.
    assert_eq "lines of the reference and the killed run, at least" "$(($(grep -c . "$T/dups") >= 4))" 1 &&
        assert_eq "calls failed with ENOSYS" "$(grep -c ENOSYS "$T/dups")" 0 &&
        assert_match "the killed run's dups, let run" "$(echo $(sed -n 3,4p "$T/dups"))" \
            '^sys:32:1 = [0-9]+ sys:32:1 = [0-9]+$'
}
subtest explore_worker_killed_keeper_takes_over keeper_takes_over
done_testing
