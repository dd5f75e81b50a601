#!/usr/bin/env bash
# "lost" is output missing, shorter or longer than the reference's; a run
# with the reference's status whose stdout and files all kept their length
# but differ is "changed" (another encoding of the same data, as a
# compressor's frame without its content size), counted but no finding. A shell command
# tests whether it can read a file (faccessat2) and writes one of two
# outputs. Seccomp backend, natively.
. "$(dirname "$0")/../lib.sh"

E=$BIN/errinj

# q EXPR: a Python expression on the report d.
q() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$T/report.json" "$1"; }

# explore_sh DIR SCRIPT: explores sh -c SCRIPT in DIR, -s faccessat2; the
# report in $T/report.json.
explore_sh() {
    (cd "$1" && RUN_TIMEOUT=300 run "$E" explore --backend=seccomp --json -j2 -s faccessat2 -- sh -c "$2" &&
        printf '%s\n' "$OUT" >"$T/report.json" && echo "$RC" >"$T/rc")
    RC=$(cat "$T/rc")
}

# $1: what the script writes when f cannot be read; $2: where (stdout or
# the file out); $3 the class wanted, $4 explore's exit status.
case_of() {
    local D=$T/$5 script
    mkdir "$D"
    echo x >"$D/f"
    if [ "$2" = stdout ]; then
        script="if [ -r f ]; then echo ok; else echo '$1'; fi"
    else
        script="if [ -r f ]; then echo ok >out; else printf '$1' >out; fi"
    fi
    explore_sh "$D" "$script"
    assert_eq "exit status" "$RC" "$4" &&
        assert_eq "the runs' classes (lost, changed), findings' classes" \
            "$(q "d['classes']['lost'] > 0, d['classes']['changed'] > 0, sorted(set(f['class'] for f in d['findings']))")" "$3"
}
stdout_same() { case_of 'no' stdout "(False, True, [])" 0 same_out; }
stdout_shorter() { case_of 'n' stdout "(True, False, ['lost'])" 3 shorter_out; }
stdout_longer() { case_of 'cannot read f' stdout "(True, False, ['lost'])" 3 longer_out; }
file_same() { case_of 'no\n' file "(False, True, [])" 0 same_file; }
file_shorter() { case_of '' file "(True, False, ['lost'])" 3 shorter_file; }
file_longer() { case_of 'cannot read f\n' file "(True, False, ['lost'])" 3 longer_file; }
subtest explore_changed_stdout stdout_same
subtest explore_lost_stdout_shorter stdout_shorter
subtest explore_lost_stdout_longer stdout_longer
subtest explore_changed_file file_same
subtest explore_lost_file_shorter file_shorter
subtest explore_lost_file_longer file_longer

done_testing
