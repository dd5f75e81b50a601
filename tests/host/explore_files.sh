#!/usr/bin/env bash
# errinj explore compares the regular files a command writes, not only its
# stdout and exit status: tests/progs/copyout.c copies --stdin FILE to a
# file and ignores a failed write (exit 0, the file short), which must be
# lost, its reproduction line giving the short file again; the checked
# mode gives no lost finding; the files are put back as they were before
# the exploration; a file the command writes differently each run is not
# compared (said); a bad --stdin exits 2. Seccomp backend, natively.
. "$(dirname "$0")/../lib.sh"

E=$BIN/errinj
P=$B/tests/copyout
# The reproduction lines say plain "errinj".
export PATH=$BIN:$PATH

# explore_copy DIR ARGS...: explores copyout from DIR/in to DIR/out, -s
# write (and --errno $XERRNO if set); the JSON report in $T/report.json
# (DIR is apart from $T, where run keeps its files).
explore_copy() {
    local d=$1
    shift
    RUN_TIMEOUT=300 run "$E" explore --backend=seccomp --json -j2 -s write ${XERRNO:+--errno "$XERRNO"} \
        --stdin "$d/in" -- "$P" "$d/out" "$@"
    printf '%s\n' "$OUT" >"$T/report.json"
}

# note FILE: what explore says of the one file the command changes.
note() { echo "errinj: note: the command changes $1: explore puts it back before each run (one run at a time) and at its end"; }

# q EXPR: a Python expression on the report d.
q() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$T/report.json" "$1"; }

# An unchecked write to the output file: lost, although stdout (empty)
# and the exit status (0) are the reference's; the reproduction line
# (stdin from the file) leaves the file short and exits 0. The finding
# names the file that changed.
lost_file() {
    local D=$T/d
    mkdir "$D"
    seq 1 100 >"$D/in"
    explore_copy "$D"
    assert_eq "exit status (a finding)" "$RC" 3 &&
        assert_eq "stderr" "$ERR" "$(note "$D/out")" &&
        assert_eq "findings" "$(q "[(f['class'], f['syscall'], f['confirmed'], f['exit'], f['lost_output']) for f in d['findings']]")" \
            "[('lost', 'write', 'lost', 0, '$D/out')]" &&
        assert_eq "lost runs" "$(q "d['classes']['lost'] == d['runs'] > 0")" True || return 1
    local repro
    repro=$(q "d['findings'][0]['reproduce']")
    assert_match "reproduction line" "$repro" "^errinj --backend=seccomp -e inject=write:error=[A-Z]+:when=1\+? -- $P $D/out < $D/in\$" &&
        assert_eq "out after explore (it did not exist)" "$(ls "$D")" in || return 1
    RUN_TIMEOUT=60 run sh -c "$repro"
    assert_eq "reproduction: exit status" "$RC" 0 &&
        assert_eq "reproduction: out" "$(wc -c <"$D/out")" 0
}
subtest explore_files_lost lost_file

# The checked mode reports the failed write and exits 1: handled, no
# finding.
checked_file() {
    local D=$T/d
    mkdir "$D"
    seq 1 100 >"$D/in"
    explore_copy "$D" checked
    assert_eq "exit status (no finding)" "$RC" 0 &&
        assert_eq "stderr" "$ERR" "$(note "$D/out")" &&
        assert_eq "findings" "$(q "len(d['findings'])")" 0 &&
        assert_eq "handled runs" "$(q "d['classes']['handled'] == d['runs'] > 0")" True
}
subtest explore_files_checked checked_file

# The wrapper --stdin replaces: the file is compared all the same (the
# shell exec's copyout, so its status is copyout's).
wrapped_file() {
    local D=$T/d
    mkdir "$D"
    seq 1 100 >"$D/in"
    RUN_TIMEOUT=300 run "$E" explore --backend=seccomp --json -j2 -s write -- sh -c "exec $P $D/out < $D/in"
    printf '%s\n' "$OUT" >"$T/report.json"
    assert_eq "exit status (a finding)" "$RC" 3 &&
        assert_eq "findings" "$(q "[(f['class'], f['lost_output']) for f in d['findings']]")" "[('lost', '$D/out')]"
}
subtest explore_files_wrapped wrapped_file

# A failed write retried: the file and stdout are the reference's. Said
# on stderr (the reference's is empty), it is handled; not said, absorbed.
# A passing error (EIO, failed once): a persistent one (ENOSPC) fails the
# retry too.
retried() {
    local D=$T/d XERRNO=write=EIO
    mkdir "$D"
    seq 1 100 >"$D/in"
    explore_copy "$D" retry
    assert_eq "retry: exit status (no finding)" "$RC" 0 &&
        assert_eq "retry: all handled" "$(q "d['classes']['handled'] == d['runs'] > 0")" True &&
        assert_eq "retry: out after explore" "$(ls "$D")" in || return 1
    explore_copy "$D" retry-quiet
    assert_eq "retry-quiet: exit status (no finding)" "$RC" 0 &&
        assert_eq "retry-quiet: all absorbed" "$(q "d['classes']['absorbed'] == d['runs'] > 0")" True
}
subtest explore_files_retried retried

# An output file that existed is rewritten before each run and left as
# explore found it, mode included; the lost finding is still found.
restored_file() {
    local D=$T/d
    mkdir "$D"
    seq 1 100 >"$D/in"
    printf 'old\n' >"$D/out"
    chmod 600 "$D/out"
    explore_copy "$D"
    assert_eq "exit status (a finding)" "$RC" 3 &&
        assert_eq "findings" "$(q "[f['class'] for f in d['findings']]")" "['lost']" &&
        assert_eq "out after explore" "$(cat "$D/out")" old &&
        assert_eq "out's mode" "$(stat -c %a "$D/out")" 600
}
subtest explore_files_restored restored_file

# A file written differently by every run (a random UUID) would make
# every run lost: after the control run it is compared no more, and said.
unstable_file() {
    local D=$T/d
    mkdir "$D"
    RUN_TIMEOUT=300 run "$E" explore --backend=seccomp -j2 -s write -- \
        sh -c "cat /proc/sys/kernel/random/uuid >$D/uuid"
    assert_eq "exit status (no finding)" "$RC" 0 &&
        assert_eq "stderr" "$ERR" "$(note "$D/uuid")
errinj: warning: a run with nothing failed left $D/uuid otherwise than the reference run: it is not compared" &&
        assert_match "report" "$OUT" "lost 0," &&
        assert_eq "uuid after explore (it did not exist)" "$(ls "$D")" ""
}
subtest explore_files_unstable unstable_file

# --stdin: a file that cannot be read, or no regular file: one line, 2.
stdin_bad() {
    local D=$T/d
    mkdir "$D"
    run "$E" explore --backend=seccomp --stdin "$D/none" -- "$P" "$D/out"
    assert_eq "missing: exit status" "$RC" 2 &&
        assert_eq "missing: stderr" "$ERR" "errinj: cannot read --stdin '$D/none': $(strerror 2)" || return 1
    run "$E" explore --backend=seccomp --stdin "$D" -- "$P" "$D/out"
    assert_eq "directory: exit status" "$RC" 2 &&
        assert_eq "directory: stderr" "$ERR" "errinj: --stdin '$D': not a regular file (each run reads it from its start)" &&
        assert_eq "nothing written" "$(ls "$D")" ""
}
subtest explore_files_stdin_bad stdin_bad

done_testing
