#!/usr/bin/env bash
# errinj explore on tests/progs/planted.c: each planted bug found, rightly
# classified, at the right function and line (build -g), and its printed
# reproduction line reproduces it with plain errinj; the correct paths
# give no finding; the JSON report is read back; bad input exits 2; a
# SIGTERM in the middle leaves no process, program or link behind.
# boots: main 6.12
# backends: auto seccomp
. "$(dirname "$0")/../lib.sh"

E=$BIN/errinj
P=$B/tests/planted
SRC=$TOP/tests/progs/planted.c
# The reproduction lines say plain "errinj".
export PATH=$BIN:$PATH
# A hung run ends at the timeout: long enough for a normal run of the
# planted program on the slowest setting (TCG, with other VMs sharing the
# host), short enough for the test.
TMO=15
# The file's own scratch directory (each subtest's T is apart): the
# planted program's input and the unsharded report, which the shards
# subtest compares its merge with.
R=$T
echo "hello" >"$R/input"
chmod a+r "$R/input"

# line NAME: the line of planted.c marked "PLANTED: NAME".
line() { grep -n "PLANTED: $1 \*/" "$SRC" | cut -d: -f1; }

# explore_planted ARGS...: explores planted on $R/input (the same
# command each time, for the shards); the JSON report in $T/report.json.
explore_planted() {
    RUN_TIMEOUT=600 run "$E" explore --json -j2 --timeout $TMO -s openat,write --errno openat=ENOENT \
        "$@" -- "$P" "$R/input"
    printf '%s\n' "$OUT" >"$T/report.json"
}

# finding CLASS FUNCTION: the JSON of the one finding of CLASS whose
# stack holds FUNCTION, on stdout (fails unless exactly one).
finding() {
    python3 - "$T/report.json" "$1" "$2" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
fs = [f for f in d["findings"] if f["class"] == sys.argv[2]
      and any(s["function"] == sys.argv[3] for s in f["stack"])]
if len(fs) != 1:
    print("%d %s findings in %s" % (len(fs), sys.argv[2], sys.argv[3]), file=sys.stderr)
    sys.exit(1)
json.dump(fs[0], sys.stdout)
EOF
}

# field JSON EXPR: a Python expression on finding f.
field() { python3 -c 'import json,sys; f=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2"; }

# frame_line JSON FUNCTION: "file:line" of FUNCTION's frame in the stack.
frame_line() {
    field "$1" "[s['file'].split('/')[-1] + ':' + str(s['line']) for s in f['stack'] if s['function'] == '$2'][0]"
}

# reproduce JSON: runs the finding's reproduction line; RC, OUT, ERR.
reproduce() {
    local cmd
    cmd=$(field "$1" "f['reproduce']")
    RUN_TIMEOUT=$TMO run sh -c "$cmd"
}

planted() {
    explore_planted
    assert_eq "exit status (findings)" "$RC" 3 || return 1
    cp "$T/report.json" "$R/planted.json"
    local f g
    # A crash on an open whose result is not checked.
    f=$(finding crashed crash_unchecked 2>&9) || return 1
    assert_eq "crash signal" "$(field "$f" "f['signal']")" SIGSEGV &&
        assert_eq "crash site" "$(field "$f" "f['site']['function']")" crash_unchecked &&
        assert_eq "crash line" "$(field "$f" "f['site']['file'].split('/')[-1] + ':' + str(f['site']['line'])")" \
            "planted.c:$(line crash)" &&
        assert_eq "crash syscall" "$(field "$f" "f['syscall'] + ' ' + f['errno']")" "openat ENOENT" &&
        assert_eq "crash confirmed" "$(field "$f" "f['confirmed'] + ' ' + str(f['flaky'])")" "crashed False" ||
        return 1
    reproduce "$f"
    assert_eq "crash reproduced: exit status" "$RC" 139 || return 1
    # A failed open waited on forever.
    f=$(finding hung retry_forever 2>&9) || return 1
    assert_eq "hang site" "$(field "$f" "f['site']['function']")" retry_forever &&
        assert_eq "hang line" "$(frame_line "$f" retry_forever)" "planted.c:$(line hang)" &&
        assert_eq "hang confirmed" "$(field "$f" "f['confirmed'] + ' ' + str(f['flaky'])")" "hung False" ||
        return 1
    reproduce "$f"
    assert_eq "hang reproduced: timeout's status" "$RC" 124 || return 1
    # An ignored write error: exit 0, the output changed.
    f=$(finding lost report 2>&9) || return 1
    assert_eq "lost site" "$(field "$f" "f['site']['function']")" report &&
        assert_eq "lost line" "$(frame_line "$f" report)" "planted.c:$(line lost)" &&
        assert_eq "lost syscall" "$(field "$f" "f['syscall']")" write &&
        assert_eq "lost errnos" "$(field "$f" "','.join(f['errnos'])")" "ENOSPC,EIO" ||
        return 1
    reproduce "$f"
    assert_eq "lost reproduced: exit status" "$RC" 0 &&
        assert_eq "lost reproduced: stdout" "$OUT" "" || return 1
    # The helper's unchecked caller crashes, its checked caller does not.
    f=$(finding crashed unchecked_caller 2>&9) || return 1
    assert_eq "helper site" "$(field "$f" "f['site']['function']")" open_helper &&
        assert_eq "helper line" "$(frame_line "$f" open_helper)" "planted.c:$(line helper)" &&
        assert_eq "helper caller line" "$(frame_line "$f" unchecked_caller)" "planted.c:$(line unchecked_caller)" ||
        return 1
    reproduce "$f"
    assert_eq "helper crash reproduced: exit status" "$RC" 139 || return 1
    # The correct paths are no finding; every finding is one above.
    g=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(sorted(set(f["class"] for f in d["findings"] for s in f["stack"] if s["function"] in ("handled", "checked_caller"))),
      len(d["findings"]), d["classes"]["handled"] >= 2, d["classes"]["error"], d["classes"]["unreached"])' "$T/report.json")
    assert_eq "handled paths, findings, handled runs, errors, unreached" "$g" "[] 4 True 0 0" || return 1
    # On a BPF backend one injector, loaded once, serves every run (the
    # runs of -j2 side by side, told apart by their processes); seccomp's
    # filter is the run's own.
    local want=runs
    [ "$BACKEND" = seccomp ] && want=0
    g=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(d["shared_injector_runs"] == (d["runs"] - d["path_runs"] if sys.argv[2] == "runs" else 0), d["shared_injector_runs"], d["runs"], d["path_runs"])' \
        "$T/report.json" "$want")
    assert_match "runs on the shared injector (want: $want)" "$g" "^True "
}
subtest planted planted

# The planted exploration as three shards (--shard K/N), merged: the
# same findings and counts as the unsharded run of the planted subtest,
# the shards' runs disjoint and together the plan; a shard missing is
# said; reports of another exploration, a shard twice, a file that is
# not JSON are refused.
shards() {
    [ -s "$R/planted.json" ] || { why "no unsharded report (the planted subtest failed)"; return 1; }
    local k g
    for k in 1 2 3; do
        explore_planted --shard $k/3
        case $RC in 0 | 3) ;; *) why "shard $k/3: exit $RC: $ERR"; return 1 ;; esac
        mv "$T/report.json" "$T/shard$k.json"
    done
    # (In another order: the merge's order is the plan's.)
    run "$E" explore --merge --json "$T/shard3.json" "$T/shard1.json" "$T/shard2.json"
    assert_eq "merge: exit status" "$RC" 3 &&
        assert_eq "merge: stderr" "$ERR" "" || return 1
    printf '%s\n' "$OUT" >"$T/merged.json"
    # What a finding is: class, signal, the site's function and line,
    # syscall, errnos, confirmation; all of them, in the report's order.
    g=$(python3 - "$R/planted.json" "$T/merged.json" "$T"/shard[123].json <<'EOF2'
import json, sys
def load(p): return json.load(open(p))
def findings(d):
    return [(f["class"], f["signal"], f["site"]["function"], f["site"]["line"], f["syscall"], f["errnos"],
             f["confirmed"], f["flaky"]) for f in d["findings"]]
one, merged, shards = load(sys.argv[1]), load(sys.argv[2]), [load(p) for p in sys.argv[3:]]
bad = []
if findings(merged) != findings(one):
    bad.append("findings %s, unsharded %s" % (findings(merged), findings(one)))
for k in ("classes", "runs", "planned", "plan"):
    if merged[k] != one[k]:
        bad.append("%s %s, unsharded %s" % (k, merged[k], one[k]))
runs = [r for s in shards for r in s["shard"]["runs"]]
if sorted(runs) != list(range(one["planned"])) or sum(s["runs"] for s in shards) != one["planned"]:
    bad.append("shards' runs %s of %d planned" % ([s["shard"]["runs"] for s in shards], one["planned"]))
if [s["shard"]["index"] for s in shards] != [1, 2, 3] or merged["shard"]["missing"] != []:
    bad.append("shard %s, merged %s" % ([s["shard"] for s in shards], merged["shard"]))
print("; ".join(bad) or "same")
EOF2
)
    assert_eq "merged vs unsharded" "$g" same || return 1
    # The text report of the merge, as the text_report subtest's.
    run "$E" explore --merge "$T/shard1.json" "$T/shard2.json" "$T/shard3.json"
    assert_eq "text merge: exit status" "$RC" 3 &&
        assert_match "text merge: headline" "$OUT" "^lost: write ENOSPC/EIO in report at [^ ]*planted.c:$(line lost) " &&
        assert_match "text merge: runs" "$OUT" "^errinj explore: $(field "$(cat "$R/planted.json")" "f['runs']") runs " ||
        return 1
    # Shard 2 missing: said on stderr, in the JSON, and in the counts.
    run "$E" explore --merge --json "$T/shard3.json" "$T/shard1.json"
    g=$(printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["shard"]["merged"], d["shard"]["missing"],
      d["shard"]["runs"] == [i for i in range(d["planned"]) if i % 3 != 1] and d["runs"] == len(d["shard"]["runs"]))')
    assert_match "missing shard: warning" "$ERR" "^errinj: warning: shard 2 of 3 missing: the report covers [0-9]+ of the [0-9]+ planned runs$" &&
        assert_eq "missing shard: stderr lines" "$(lines "$ERR")" 1 &&
        assert_eq "missing shard: merged, missing" "$g" "[1, 3] [2] True" || return 1
    # Refused, one line each.
    run "$E" explore --merge "$T/shard1.json" "$T/shard2.json" "$T/shard1.json"
    assert_usage_error "^errinj: shard 1/3 given twice: " || return 1
    echo "not JSON" >"$T/junk.json"
    run "$E" explore --merge "$T/shard1.json" "$T/junk.json"
    assert_usage_error "^errinj: .*junk.json: not JSON \(at byte 0: " || return 1
    run "$E" explore --merge "$T/shard1.json" "$R/planted.json"
    assert_usage_error "not of the same exploration \(N of --shard K/N differs\)" || return 1
    # Another command (the correct paths), explored and cut the same way.
    RUN_TIMEOUT=600 run "$E" explore --json -j2 --timeout $TMO -s openat,write --errno openat=ENOENT --shard 2/3 \
        -- "$P" "$R/input" clean
    printf '%s\n' "$OUT" >"$T/other.json"
    run "$E" explore --merge "$T/shard1.json" "$T/other.json"
    assert_usage_error "^errinj: .*other.json and .*shard1.json are not of the same exploration \(command differs\)"
}
subtest shards shards

# --max-runs draws its subset before the cut: the two shards' runs are the
# unsharded run's (the same plan, classes summed to its counts).
shards_max_runs() {
    local k g
    for k in all 1/2 2/2; do
        RUN_TIMEOUT=600 run "$E" explore --json -j2 --timeout $TMO -s %file,%desc --max-runs 5 --seed 5 \
            $([ $k = all ] || echo --shard $k) -- "$P" "$R/input" clean
        assert_eq "$k: exit status" "$RC" 0 || return 1
        printf '%s\n' "$OUT" >"$T/max${k%/2}.json"
    done
    run "$E" explore --merge --json "$T/max1.json" "$T/max2.json"
    assert_eq "merge: exit status" "$RC" 0 || return 1
    printf '%s\n' "$OUT" >"$T/merged.json"
    g=$(python3 - "$T/maxall.json" "$T/merged.json" "$T/max1.json" "$T/max2.json" <<'EOF2'
import json, sys
one, merged, a, b = [json.load(open(p)) for p in sys.argv[1:]]
print(one["planned"], one["max_runs"], merged["plan"] == one["plan"] == a["plan"] == b["plan"],
      merged["classes"] == one["classes"], a["shard"]["runs"], b["shard"]["runs"])
EOF2
)
    assert_eq "planned, max_runs, same plan, same classes, shards' runs" "$g" "5 5 True True [0, 2, 4] [1, 3]"
}
subtest shards_max_runs shards_max_runs

# The correct program: every run ends, none crashes, hangs or loses output.
# Its descriptor and path calls: strace's %desc holds mmap too, whose
# first failure crashes the dynamic loader (before main; glibc's, not the
# program's).
clean() {
    local set
    echo "hello" >"$T/input"
    set=$("$E" --names=set:%file,%desc | grep -vx mmap | paste -sd,)
    RUN_TIMEOUT=600 run "$E" explore --json -j2 --timeout $TMO -s "$set" -- "$P" "$T/input" clean
    assert_eq "exit status" "$RC" 0 || return 1
    printf '%s\n' "$OUT" >"$T/report.json"
    local g
    g=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
c = d["classes"]
print(len(d["findings"]), c["crashed"], c["hung"], c["lost"], c["error"], d["runs"] > 5, d["reference"]["exit"],
      d["reference"]["stable"])' "$T/report.json")
    assert_eq "findings crashed hung lost errors, runs, reference exit, stable" "$g" "0 0 0 0 0 True 0 True"
}
subtest clean clean

# A command whose output changes from run to run is said to be: its runs
# cannot tell lost from absorbed.
unstable() {
    RUN_TIMEOUT=600 run "$E" explore --json -j2 --timeout $TMO -s openat --errno ENOENT -- sh -c 'date +%N'
    printf '%s\n' "$OUT" >"$T/report.json"
    assert_eq "stable" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["reference"]["stable"])' "$T/report.json")" False &&
        assert_match "warning" "$ERR" "^errinj: warning: a run with nothing failed did not give the reference's status and stdout"
}
subtest unstable unstable

# The text report names the finding, its line, and the reproduction line.
text_report() {
    echo "hello" >"$T/input"
    RUN_TIMEOUT=600 run "$E" explore -j2 --timeout $TMO -s write -- "$P" "$T/input"
    assert_eq "exit status" "$RC" 3 &&
        assert_match "headline" "$OUT" "^lost: write ENOSPC/EIO in report at [^ ]*planted.c:$(line lost) " &&
        assert_match "reproduction" "$OUT" "reproduce: errinj (--backend=[a-z_]+ )?-e inject=write:error=ENOSPC:when=1\\+ -- $P $T/input"
}
subtest text_report text_report

# when= counts per process: in a command of six processes that make the
# same call, the run (and its reproduction line) fails the first one's
# alone, picked by a seed on its lineage, which every backend computes
# as explore does (a wrong lineage would pass by chance once in 64).
# EIO fails once; a persistent errno (the table's ENOSPC) is when=N+,
# which fails the later calls of every process.
one_process() {
    echo "hello" >"$T/input"
    local p="$P $T/input"
    RUN_TIMEOUT=600 run "$E" explore --json -j2 --timeout $TMO -s write --errno write=EIO -- \
        sh -c "$p; $p; $p; $p; $p; $p"
    printf '%s\n' "$OUT" >"$T/report.json"
    assert_eq "exit status" "$RC" 3 || return 1
    local f
    f=$(finding lost report 2>&9) || return 1
    # The run failed that one call, not the other processes' (the
    # shared injector tells a job's processes apart by lineage).
    assert_eq "process, picked, others, calls failed" \
        "$(field "$f" "f['process'] + ' ' + str(f['process_picked']) + ' ' + str(f['other_processes']) + ' ' + str(f['failed_calls'])")" \
        "1.1 True 5 1" &&
        assert_match "reproduction line" "$(field "$f" "f['reproduce']")" ":when=1:prob=0.5:seed=[0-9]+ -- " || return 1
    reproduce "$f"
    assert_eq "reproduced: exit status" "$RC" 0 &&
        assert_eq "reproduced: the other processes' lines" "$OUT" "$(printf 'planted: all done\n%.0s' 1 2 3 4 5)"
}
subtest one_process one_process

bad_input() {
    run "$E" explore
    assert_usage_error "missing command" || return 1
    run "$E" explore --by=line -- true
    assert_usage_error "invalid --by" || return 1
    run "$E" explore --errno openat=EWHAT -- true
    assert_usage_error "unknown errno" || return 1
    run "$E" explore -s nosuchcall -- true
    assert_usage_error "invalid -s" || return 1
    local s
    for s in 0/3 4/3 1/0 x 1/ /3 -1/3 1/3/3; do
        run "$E" explore --shard "$s" -- true
        assert_usage_error "^errinj: invalid --shard '$s': expected K/N" || return 1
    done
    run "$E" explore --merge
    assert_usage_error "missing reports" || return 1
    run "$E" explore --merge --shard 1/2 "$T/none.json"
    assert_usage_error "takes only --json, -v and -o" || return 1
    run "$E" explore --merge "$T/none.json"
    assert_usage_error "^errinj: cannot read .*none.json: No such file"
}
subtest bad_input bad_input

# SIGTERM (or SIGKILL) while a hung run waits for its timeout: explore
# goes at once, and so do the run's processes (and, on a BPF backend, its
# programs and links).
nothing_left() {
    local sig=$1 want=$2 tag="left-$1-$$" pid i left
    echo "hello" >"$T/$tag"
    "$E" explore -j2 --timeout 60 -s openat --errno openat=ENOENT -- "$P" "$T/$tag" >"$T/out" 2>"$T/err" &
    pid=$!
    # The hang's run: planted alive for more than a second.
    for i in $(seq 300); do
        pgrep -f "$tag" | grep -vx "$pid" | grep -q . && [ $i -gt 20 ] && break
        sleep 0.1
    done
    # (The shell's notice of a job killed on purpose goes nowhere.)
    exec 3>&2 2>/dev/null
    kill -"$sig" $pid
    for i in $(seq 100); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
    if kill -0 $pid 2>/dev/null; then
        why "explore still running 10 s after SIG$sig"
        kill -KILL $pid
    fi
    wait $pid
    RC=$?
    exec 2>&3 3>&-
    # The runs' processes go within a second (their worker's SIGTERM).
    for i in $(seq 20); do left=$(pgrep -f "$tag"); [ -z "$left" ] && break; sleep 0.1; done
    [ -z "$left" ] || kill -KILL $left
    assert_eq "exit status" "$RC" "$want" &&
        assert_eq "processes left" "$left" "" &&
        assert_eq "leftovers" "$(ours_gone 2>/dev/null)" ""
}
subtest nothing_left_sigterm nothing_left TERM 143
subtest nothing_left_sigkill nothing_left KILL 137

done_testing
