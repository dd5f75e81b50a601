#!/usr/bin/env bash
# What errinj explore's report says of itself (issue #24), on the seccomp
# backend, natively: the headline's time is the exploration's wall time;
# the progress line, on a terminal only, names its phase and counts down
# a run that waits out its timeout; a reference run that fails is said;
# the header names an injector kept loaded only where there is one; the
# per-process note's grammar. tests/vm/explore.sh has the findings.
. "$(dirname "$0")/../lib.sh"

# A command whose only write, when it fails, makes it sleep past any
# --timeout given here: one run, hung, then its confirmation, hung too.
HANG=(sh -c 'echo x || sleep 60')

EXPLORE=("$BIN/errinj" explore --backend=seccomp -j1)

# The headline's seconds cover the reference, the run and the
# confirmation (each hung run waits out --timeout), and no more than the
# wall time measured around explore; --json says the same.
headline_wall() {
    local t0 t1 secs
    t0=$(date +%s.%N)
    run "${EXPLORE[@]}" --errno write=EIO --timeout 2 -s write --json -- "${HANG[@]}"
    t1=$(date +%s.%N)
    secs=$(printf '%s' "$OUT" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["seconds"], d.get("runs_seconds", 0))')
    assert_eq "exit status" "$RC" 3 &&
        assert_eq "hung" "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["classes"]["hung"])')" 1 &&
        python3 - "$secs" "$t0" "$t1" <<'EOF' || { why "seconds, runs_seconds, start, end: $secs $t0 $t1"; return 1; }
import sys
secs, runs = map(float, sys.argv[1].split())
t0, t1 = float(sys.argv[2]), float(sys.argv[3])
# two runs waited out the 2 s timeout: the run and its confirmation
sys.exit(0 if 4 <= secs <= t1 - t0 and 2 <= runs < secs else 1)
EOF
}
subtest explore_headline_wall_time headline_wall

# The text headline gives the same time as the measured wall.
headline_text() {
    local t0 t1 secs
    t0=$(date +%s.%N)
    run "${EXPLORE[@]}" --errno write=EIO --timeout 2 -s write -- "${HANG[@]}"
    t1=$(date +%s.%N)
    secs=$(printf '%s\n' "$OUT" | sed -nE '1s/^errinj explore: 1 run in ([0-9.]+) s .*/\1/p')
    assert_eq "exit status" "$RC" 3 &&
        assert_match "headline" "$(printf '%s\n' "$OUT" | head -1)" '^errinj explore: 1 run in [0-9.]+ s \([0-9.]+ runs/s\); reference: 1 call at 1 site in 1 process, exit 0$' &&
        python3 -c 'import sys; s, t0, t1 = map(float, sys.argv[1:]); sys.exit(0 if 4 <= s <= t1 - t0 + 0.05 else 1)' \
            "$secs" "$t0" "$t1" || { why "headline seconds $secs, wall $t0..$t1"; return 1; }
}
subtest explore_headline_text headline_text

# On a terminal (script(1) gives explore one): each phase labelled, and
# while the run waits out its 4 s timeout the ETA counts it down instead
# of saying 0.
progress_tty() {
    local lines
    run script -qec "$(printf '%q ' "${EXPLORE[@]}" --errno write=EIO --timeout 4 -s write -- "${HANG[@]}")" /dev/null
    lines=$(printf '%s' "$OUT" | tr '\r' '\n' | sed 's/\x1b\[K//g' | grep '^explore: ')
    assert_eq "exit status" "$RC" 3 &&
        assert_match "control run" "$lines" '^explore: control run 1/1, ' &&
        assert_match "runs" "$lines" '^explore: run 1/1, [0-9.]+/s, ETA [0-9]+ s, 1 with a finding$' &&
        assert_match "confirmations" "$lines" '^explore: confirmation 1/1, [0-9.]+/s, ETA [0-9]+ s, 1 recurred$' &&
        assert_match "ETA while the run waits out its timeout" "$lines" '^explore: run 0/1, .*ETA [1-3] s' &&
        assert_match "ETA while the confirmation does" "$lines" '^explore: confirmation 0/1, .*ETA [1-3] s'
}
subtest explore_progress_tty progress_tty

# Not on a terminal: no progress line, no carriage return or escape in a
# log (explore_cmd.c sets it from isatty(2) already; this holds it).
progress_log() {
    run "${EXPLORE[@]}" --errno write=EIO --timeout 1 -s write -- "${HANG[@]}"
    assert_eq "exit status" "$RC" 3 &&
        assert_eq "stderr" "$ERR" "" &&
        assert_eq "CR or ESC in stdout and stderr" "$(cat "$T/out" "$T/err" | tr -cd '\r\033' | wc -c)" 0
}
subtest explore_progress_not_in_log progress_log

# A reference that does not exit 0 is explored and said, with its last
# line of stderr: a typo in the command is seen at once.
reference_failed() {
    run "${EXPLORE[@]}" -s write -- sh -c 'tpyo'
    assert_eq "exit status" "$RC" 0 &&
        assert_match "headline" "$OUT" 'exit 127' &&
        assert_match "warning" "$ERR" '^errinj: warning: the reference run ended with exit 127 \(its stderr: sh: 1: tpyo: not found\); every run is compared with it$' &&
        assert_eq "stderr lines" "$(lines "$ERR")" 1
}
subtest explore_reference_failed reference_failed

# A reference that exits 0 is not warned of.
reference_ok() {
    run "${EXPLORE[@]}" -s write -- sh -c 'echo x'
    assert_eq "exit status" "$RC" 0 && assert_eq "stderr" "$ERR" ""
}
subtest explore_reference_ok reference_ok

# The seccomp backend keeps no injector loaded: the header does not say
# "0 on one injector kept loaded". The note on other processes making
# the call is grammatical for one.
header_grammar() {
    run "${EXPLORE[@]}" -s write -- sh -c '/bin/true; /bin/echo A; s=$?; /bin/echo B; exit $s'
    assert_no_match "header" "$(printf '%s\n' "$OUT" | head -1)" 'kept loaded' &&
        assert_match "header" "$(printf '%s\n' "$OUT" | head -1)" '^errinj explore: [0-9]+ runs in [0-9.]+ s \([0-9.]+ runs/s\); reference: 2 calls at 1 site in 4 processes, exit 0$' &&
        assert_match "one other process" "$OUT" 'not that of the 1 other process that makes one\)' &&
        assert_no_match "one other process" "$OUT" 'process that make one'
}
subtest explore_header_grammar header_grammar

done_testing
