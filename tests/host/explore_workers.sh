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
done_testing
