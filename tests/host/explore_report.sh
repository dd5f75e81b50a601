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

# EIO, an errno explored once: these runs fail one call of one process
# (a persistent ENOSPC, when=N+, fails every later write of every process).
EXPLORE=("$BIN/errinj" explore --backend=seccomp -j1 --errno write=EIO)

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

# Not on a terminal (#24 item 10): with stderr redirected to a file (run
# does), no progress line, no carriage return or escape in it, through
# every phase, at -j1 and -j2, in text and --json; the warnings are there,
# each a plain line. (explore_cmd.c sets it from isatty(2) already, as
# main b77c832 did; this holds it.)
progress_log() {
    local j fmt
    for j in 1 2; do
        for fmt in "" --json; do
            # Two lost writes, no timeout: a 1 s timeout here once made,
            # on a loaded machine, runs that timed out before their write
            # (unreached) and no finding at all (exit 0).
            run "$BIN/errinj" explore --backend=seccomp -j$j $fmt --errno write=EIO -s write -- \
                sh -c 'echo x; echo y; exit 3'
            assert_eq "exit status" "$RC" 3 &&
                assert_eq "stderr (-j$j $fmt)" "$ERR" \
                    "errinj: warning: the reference run ended with exit 3; every run is compared with it" &&
                assert_eq "CR or ESC in stdout and stderr" "$(cat "$T/out" "$T/err" | tr -cd '\r\033' | wc -c)" 0 ||
                return 1
        done
    done
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
    run "${EXPLORE[@]}" -s write -- sh -c '/bin/true; /bin/echo A; /bin/echo B; exit 0'
    assert_no_match "header" "$(printf '%s\n' "$OUT" | head -1)" 'kept loaded' &&
        assert_match "header" "$(printf '%s\n' "$OUT" | head -1)" '^errinj explore: [0-9]+ runs? in [0-9.]+ s \([0-9.]+ runs/s\); reference: 2 calls at 1 site in 4 processes, exit 0$' &&
        assert_match "one other process" "$OUT" 'not that of the 1 other process that makes one\)' &&
        assert_no_match "one other process" "$OUT" 'process that make one'
}
subtest explore_header_grammar header_grammar

# The per-run view (#24 item 8): every run made, handled and unreached
# ones too, with its class, status, errno, call and stderr's last lines;
# always in --json ("results"), in the text with -v.
TWO=(sh -c 'echo A; echo B >&2; exit 0')

# The runs in --json: one result per run made, in planned order, their
# classes counted as "classes" counts them; the runs failing the first
# write have echo's message and B in their stderr.
per_run_json() {
    run "${EXPLORE[@]}" -s write --json -- "${TWO[@]}"
    assert_eq "exit status" "$RC" 3 &&
        printf '%s' "$OUT" | python3 -c '
import json, sys, collections
d = json.load(sys.stdin)
rs = d["results"]
assert [r["run"] for r in rs] == d["shard"]["runs"] and len(rs) == d["runs"] > 0, rs
assert collections.Counter(r["class"] for r in rs) == {k: v for k, v in d["classes"].items() if v}, rs
for r in rs:
    assert r["syscall"] == "write" and r["process"] == "1" and r["when"] in (1, 2) and r["status"] == "exit 0", r
first = [r for r in rs if r["when"] == 1]
assert first and all(r["class"] == "lost" and r["stderr"].endswith("I/O error\nB") for r in first), first
' 2>&9
}
subtest explore_per_run_json per_run_json

# -v: the same runs, a line each and their stderr; without -v, none.
per_run_text() {
    local n
    run "${EXPLORE[@]}" -s write --json -- "${TWO[@]}"
    n=$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["runs"])')
    run "${EXPLORE[@]}" -s write -v -- "${TWO[@]}"
    assert_eq "exit status" "$RC" 3 &&
        assert_match "heading" "$OUT" "^every run \($n\):$" &&
        assert_eq "run lines" "$(printf '%s\n' "$OUT" | grep -cE '^run [0-9]+: (lost|absorbed|handled|unreached): write [A-Z]+, call [12] of write in process 1; exit 0$')" "$n" &&
        assert_eq "run 0 and its stderr" "$(printf '%s\n' "$OUT" | grep -A2 '^run 0: ' | sed -E 's/write [A-Z]+,/write E,/')" \
            "run 0: lost: write E, call 1 of write in process 1; exit 0
  stderr: sh: 1: echo: echo: I/O error
  stderr: B" &&
        run "${EXPLORE[@]}" -s write -- "${TWO[@]}" &&
        assert_no_match "without -v" "$OUT" '^(every run|run [0-9]+:)'
}
subtest explore_per_run_text per_run_text

# A merge of two shards lists the runs of both, as the unsharded run does.
per_run_merge() {
    local k
    for k in 1 2; do
        "${EXPLORE[@]}" -s write --shard $k/2 --json -o "$T/s$k.json" -- "${TWO[@]}" 2>"$T/e$k" </dev/null
    done
    run "${EXPLORE[@]}" -s write --json -o "$T/all.json" -- "${TWO[@]}"
    run "$BIN/errinj" explore --merge --json -o "$T/m.json" "$T/s1.json" "$T/s2.json"
    assert_eq "merge exit status" "$RC" 3 &&
        python3 - "$T/all.json" "$T/m.json" 2>&9 <<'EOF' &&
import json, sys
a, m = (json.load(open(f)) for f in sys.argv[1:])
assert a["results"] == m["results"] and len(m["results"]) == m["runs"], (a["results"], m["results"])
EOF
        run "$BIN/errinj" explore --merge -v "$T/s1.json" "$T/s2.json" &&
        assert_eq "merge -v run lines" "$(printf '%s\n' "$OUT" | grep -c '^run [0-9]*: ')" \
            "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["runs"])' "$T/all.json")"
}
subtest explore_per_run_merge per_run_merge

# Each reproduction line of report $1, run as printed (through sh -c,
# errinj on PATH), gives its finding's class, told from its exit status
# and stdout against the reference's ($2, $3) and errinj's event lines:
# lost, absorbed, handled or unreached (the commands here neither crash
# nor hang).
lines_give_class() {
    local cls= line got o rc n=0
    while IFS= read -r line; do
        case $line in
        lost:* | absorbed:* | handled:* | unreached:*) cls=${line%%:*} ;;
        "  reproduce: "*)
            line=${line#  reproduce: }
            o=$(PATH="$BIN:$PATH" timeout -k 5 60 sh -c "$line" 2>"$T/lerr" </dev/null)
            rc=$?
            if ! grep -q ' (INJECTED' "$T/lerr"; then
                got=unreached
            elif [ "$rc" = "$2" ] && [ "$o" = "$3" ]; then
                got=absorbed
            elif [ "$rc" = "$2" ]; then
                got=lost
            else
                got=handled
            fi
            assert_eq "class of $line" "$got" "$cls" || return 1
            n=$((n + 1))
            ;;
        esac
    done < <(printf '%s\n' "$1")
    assert_match "lines run" "$n" '^[1-9]'
}

# Reproduction lines (#24 item 4): the seccomp supervisor ranks a child
# by its first trapped call, not by fork order as the reference does, so
# a seed drawn with the reference's ranks picked another process. Here
# /bin/true makes no write: echo A is the command's 2nd child in fork
# order, its 1st for the supervisor.
# Failing echo A's write makes the shell exit 1: handled, not lost (the
# seed of main's errinj failed echo B's instead, exit 0, "lost").
# With --by=call echo B's write is explored too: its finding (lost,
# process 1.3) has a line that, run as printed, gives lost.
ISSUE=(sh -c '/bin/true; /bin/echo A; s=$?; /bin/echo B; exit $s')
repro_issue() {
    run "${EXPLORE[@]}" -s write -- "${ISSUE[@]}"
    assert_eq "exit status" "$RC" 0 &&
        assert_match "classes" "$OUT" '^runs: crashed 0, hung 0, lost 0, changed 0, absorbed 0, handled [1-9][0-9]*, unreached 0, error 0$' &&
        run "${EXPLORE[@]}" --by=call -s write -- "${ISSUE[@]}" &&
        assert_eq "--by=call exit status" "$RC" 3 &&
        assert_match "finding" "$OUT" '^  call 1 of write in process 1\.3; exit 0; confirmed: lost$' &&
        lines_give_class "$OUT" 0 "$(printf 'A\nB')"
}
subtest explore_repro_seccomp_lineage repro_issue

# Each finding's reproduction line, run as printed (errinj on PATH),
# fails echo A's write, the call the finding names: B alone is printed.
repro_run() {
    local line n=0
    run "${EXPLORE[@]}" -s write -- sh -c '/bin/true; /bin/echo A; /bin/echo B; exit 0'
    assert_eq "exit status" "$RC" 3 || return 1
    while IFS= read -r line; do
        line=${line#  reproduce: }
        assert_match "line" "$line" ':seed=[0-9]+ ' || return 1
        PATH="$BIN:$PATH" timeout -k 5 60 sh -c "$line" >"$T/rout" 2>"$T/rerr" </dev/null
        assert_eq "exit status of $line" "$?" 0 && assert_eq "stdout of $line" "$(cat "$T/rout")" B || return 1
        n=$((n + 1))
    done < <(printf '%s\n' "$OUT" | grep '^  reproduce: ')
    assert_eq "findings, each in process 1.2" "$(printf '%s\n' "$OUT" | grep -c '^  call 1 of write in process 1\.2; exit 0; confirmed: lost$')" "$n" &&
        assert_match "findings" "$n" '^[1-9]'
}
subtest explore_repro_as_printed repro_run

# A line that, run as printed, does not give the finding's class is
# marked. The command writes only when its parent is errinj explore (the
# reference's and the runs' parent, argv[1] explore), not the line's
# errinj: the run is lost, its line, run as printed, unreached. (main's
# errinj confirmed a finding by a run of its own: "confirmed: lost".)
repro_marked() {
    run "${EXPLORE[@]}" -s write --errno write=EIO -- sh -c 'grep -qxz explore /proc/$PPID/cmdline && /bin/echo A; exit 0'
    assert_eq "exit status" "$RC" 0 &&
        assert_match "finding" "$OUT" '^lost: write EIO in .* \[flaky\]$' &&
        assert_match "confirmed" "$OUT" '^  call 1 of write in process 1\.2; exit 0; confirmed: unreached$' &&
        assert_match "mark" "$OUT" '^  \(run as printed, this line gave unreached: the finding is marked flaky\)$'
}
subtest explore_repro_marked repro_marked

done_testing
