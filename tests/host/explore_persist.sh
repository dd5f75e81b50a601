#!/usr/bin/env bash
# A persistent fault (a missing or forbidden file, when=N+) on a syscall
# that takes a path fails that path alone: tests/progs/statpaths.c stats
# A, B, A again, opens A and stats its descriptor (AT_EMPTY_PATH), stats B
# again, and prints each result. The reproduction line of ENOENT on the
# second stat of A is path=A:when=2+ (the calls on A counted, not those
# on B), shell-quoted since A has a space in its name; run, it fails A's
# stats alone: B's and the descriptor's succeed. The descriptor's fstat
# gets no ENOENT nor EACCES (no lookup). Seccomp backend, natively.
# (statpaths prints its successes on stdout, its failures on stderr.)
. "$(dirname "$0")/../lib.sh"

E=$BIN/errinj
P=$B/tests/statpaths
# The reproduction lines say plain "errinj".
export PATH=$BIN:$PATH

# q EXPR: a Python expression on the report d.
q() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$T/report.json" "$1"; }

# second_stat_fails LINE: LINE, run, fails A's second stat alone (stdout:
# the successes; stderr: the failures and errinj's events).
second_stat_fails() {
    RUN_TIMEOUT=60 run sh -c "$1"
    assert_eq "reproduction: exit status" "$RC" 0 &&
        assert_eq "reproduction: A's second stat alone fails" "$OUT
$(grep -v '^\[pid' <<<"$ERR")" "stat A: ok
stat B: ok
open A: ok
fstat A: ok
stat B again: ok
stat A again: No such file or directory"
}

per_path() {
    local D=$T/d A B
    mkdir "$D"
    A="$D/a file"
    B=$D/b
    echo a >"$A"
    echo b >"$B"
    RUN_TIMEOUT=300 run "$E" explore --backend=seccomp --json -j2 -s newfstatat -- "$P" "$A" "$B"
    printf '%s\n' "$OUT" >"$T/report.json"
    assert_eq "exit status (findings)" "$RC" 3 || return 1
    # Each finding: its line in statpaths.c, its errnos, its rule.
    assert_eq "findings" "$(q "sorted((f['site']['line'], f['errnos'], f['reproduce'].split(' -e ')[1].split(' -- ')[0].replace('$D/', '')) for f in d['findings'] if f['site']['file'].endswith('statpaths.c') and f['errnos'][0] != 'EIO')")" \
        "[(37, ['ENOENT', 'EACCES'], \"'inject=newfstatat:error=ENOENT:path=a file:when=1+'\"), (38, ['ENOENT', 'EACCES'], 'inject=newfstatat:error=ENOENT:path=b:when=1+'), (39, ['ENOENT', 'EACCES'], \"'inject=newfstatat:error=ENOENT:path=a file:when=2+'\"), (46, ['ENOENT', 'EACCES'], 'inject=newfstatat:error=ENOENT:path=b:when=2+')]" &&
        assert_eq "the descriptor's fstat: no ENOENT nor EACCES" \
            "$(q "[f['errnos'] for f in d['findings'] if f['site']['line'] == 43]")" "[['EIO']]" || return 1
    # path_runs counts the runs with a path= rule: the persistent ones
    # (ENOENT, EACCES), not the one-shot EIO runs.
    assert_eq "path_runs: the persistent runs" \
        "$(q "(d['path_runs'], len([r for r in d['results'] if r['errno'] in ('ENOENT', 'EACCES')]), d['runs'] > d['path_runs'])")" \
        "($(q "len([r for r in d['results'] if r['errno'] in ('ENOENT', 'EACCES')])"), $(q "len([r for r in d['results'] if r['errno'] in ('ENOENT', 'EACCES')])"), True)" || return 1
    local repro
    repro=$(q "[f['reproduce'] for f in d['findings'] if f['site']['line'] == 39][0]")
    assert_eq "reproduction line" "$repro" \
        "errinj --backend=seccomp -e 'inject=newfstatat:error=ENOENT:path=$A:when=2+' -- $P '$A' $B" || return 1
    second_stat_fails "$repro"
}
subtest explore_persist_path per_path

# The path's state, not the syscall's: with openat traced too, ENOENT on
# A's second stat also fails the later open of A (a second rule, its
# when= counting from that open), as a removed file would; B is untouched.
path_state() {
    local D=$T/s
    mkdir "$D"
    echo a >"$D/a"
    echo b >"$D/b"
    RUN_TIMEOUT=300 run "$E" explore --backend=seccomp --json -j2 -s newfstatat,openat -- "$P" "$D/a" "$D/b"
    printf '%s\n' "$OUT" >"$T/report.json"
    assert_eq "exit status (findings)" "$RC" 3 || return 1
    local repro
    repro=$(q "[f['reproduce'] for f in d['findings'] if f['site']['line'] == 39][0]")
    assert_eq "reproduction line: the stat's rule and the open's" "$repro" \
        "errinj --backend=seccomp -e inject=newfstatat:error=ENOENT:path=$D/a:when=2+ -e inject=openat:error=ENOENT:path=$D/a:when=1+ -- $P $D/a $D/b" &&
        assert_eq "B's stat: its rule alone" \
            "$(q "[f['reproduce'].count(' -e ') for f in d['findings'] if f['site']['line'] == 38]")" "[1]" || return 1
    RUN_TIMEOUT=60 run sh -c "$repro"
    assert_eq "reproduction: exit status" "$RC" 0 &&
        assert_eq "reproduction: A is missing for stat and open alike" "$OUT
$(grep -v '^\[pid' <<<"$ERR")" "stat A: ok
stat B: ok
stat B again: ok
stat A again: No such file or directory
open A: No such file or directory"
}
subtest explore_persist_state path_state

# A path with a glob character or ':' (which would end the rule) gets a
# pattern with '?' there: still per path, and the line re-runs as printed.
path_glob() {
    local D=$T/g A
    mkdir "$D"
    A="$D/x*y:z"
    echo a >"$A"
    echo b >"$D/b"
    RUN_TIMEOUT=300 run "$E" explore --backend=seccomp --json -j2 -s newfstatat -- "$P" "$A" "$D/b"
    printf '%s\n' "$OUT" >"$T/report.json"
    assert_eq "exit status (findings)" "$RC" 3 || return 1
    local repro
    repro=$(q "[f['reproduce'] for f in d['findings'] if f['site']['line'] == 39][0]")
    assert_eq "reproduction line" "$repro" \
        "errinj --backend=seccomp -e 'inject=newfstatat:error=ENOENT:path=$D/x?y?z:when=2+' -- $P '$A' $D/b" || return 1
    second_stat_fails "$repro"
}
subtest explore_persist_glob path_glob

# A path named anew in each run (mktemp's) never matches the reference's
# path= rule: such a run is made again with the syscall-wide rule
# (when=N+), so it is not left unreached.
path_random() {
    RUN_TIMEOUT=300 run "$E" explore --backend=seccomp --json -j2 -s newfstatat -- \
        sh -c 'a=$(mktemp); "$1" "$a" "$a"; rm -f "$a"' sh "$P"
    printf '%s\n' "$OUT" >"$T/report.json"
    assert_eq "exit status" "$RC" 3 || return 1
    # statpaths (process 1.2): its stats of A, its runs not unreached.
    assert_eq "unreached runs" "$(q "d['classes']['unreached']")" 0 &&
        assert_eq "statpaths' ENOENT runs: A's stats (3, 5), B's (4, 7)" \
            "$(q "sorted((r['when'], r['class'] != 'unreached') for r in d['results'] if r['process'] == '1.2' and r['errno'] == 'ENOENT')")" \
            "[(3, True), (4, True), (5, True), (7, True)]"
}
subtest explore_persist_random path_random

done_testing
