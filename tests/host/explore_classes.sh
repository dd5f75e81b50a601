#!/usr/bin/env bash
# How errinj explore classes a run whose exit status is the reference's
# but whose stdout is not (lib/explore/alike.c), seccomp backend natively:
# - stdout that only gained lines (a warning), the files the reference's,
#   is handled, not lost (patch's --read-only=warn); stdout that lost a
#   reference line is lost all the same;
# - with a locale of the environment's (LANG=C.UTF-8, loaded from
#   /usr/lib/locale), a failure in glibc's locale loading leaves the
#   command in the C locale (setlocale fails, as documented): output the
#   same as under LC_ALL=C is handled, not lost (cmp's "char" for "byte").
. "$(dirname "$0")/../lib.sh"

E=$BIN/errinj
export PATH=$BIN:$PATH

# q EXPR: a Python expression on the report d.
q() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$T/report.json" "$1"; }

# A shell script that writes D/out, and on a failed open of it (dash says
# so on stderr) says so on stdout and opens it again (at most 3 times, then exit 1); with "drop",
# it then leaves out its last stdout line; with "dup", it writes its
# first stdout line again instead of a warning (data written twice, which
# is no message). EMFILE fails one call.
warn_script() {
    cat <<SH
echo start
n=0
until echo data > $1/out; do
    n=\$((n + 1))
    if [ "$2" = dup ]; then echo start; else echo "warning: cannot write $1/out, trying again"; fi
    [ \$n -lt 3 ] || exit 1
    failed=1
done
[ "$2" = drop ] && [ -n "\$failed" ] || echo end
SH
}

explore_sh() {
    RUN_TIMEOUT=300 run "$E" explore --backend=seccomp --json -j2 -s openat --errno EMFILE -- sh -c "$1"
    printf '%s\n' "$OUT" >"$T/report.json"
}

# The warning gained, the file written, status 0: handled, no finding.
gained() {
    local D=$T/d
    mkdir "$D"
    explore_sh "$(warn_script "$D")"
    assert_eq "exit status (no finding)" "$RC" 0 &&
        assert_eq "findings" "$(q "[(f['class'], f['syscall']) for f in d['findings']]")" "[]" &&
        assert_eq "handled runs >= 1" "$(q "d['classes']['handled'] >= 1 and d['classes']['lost'] == 0")" True
}
subtest explore_classes_gained gained

# The warning gained but "end" dropped: lost.
dropped() {
    local D=$T/d
    mkdir "$D"
    explore_sh "$(warn_script "$D" drop)"
    assert_eq "exit status (a finding)" "$RC" 3 &&
        assert_eq "findings" "$(q "[(f['class'], f['syscall'], f['lost_output']) for f in d['findings']]")" \
            "[('lost', 'openat', 'stdout')]"
}
subtest explore_classes_dropped dropped

# A reference line written twice gained nothing a reader needs: lost.
duplicated() {
    local D=$T/d
    mkdir "$D"
    explore_sh "$(warn_script "$D" dup)"
    assert_eq "exit status (a finding)" "$RC" 3 &&
        assert_eq "findings" "$(q "[(f['class'], f['syscall'], f['lost_output']) for f in d['findings']]")" \
            "[('lost', 'openat', 'stdout')]"
}
subtest explore_classes_duplicated duplicated

# localed under LANG=C.UTF-8 prints UTF-8; a failed openat or newfstatat
# of a locale file gives the C locale's ANSI_X3.4-1968, which LC_ALL=C
# gives too: handled, no finding; the note says why.
c_locale() {
    local P=$B/tests/localed
    RUN_TIMEOUT=300 run env -u LC_ALL LANG=C.UTF-8 "$E" explore --backend=seccomp --json -j2 \
        -s openat,newfstatat -- "$P"
    printf '%s\n' "$OUT" >"$T/report.json"
    assert_eq "exit status (no finding)" "$RC" 0 &&
        assert_match "stderr" "$ERR" "note: with LC_ALL=C the command's output is not the reference's" &&
        assert_eq "findings" "$(q "[(f['class'], f['syscall']) for f in d['findings']]")" "[]" &&
        assert_eq "handled runs >= 1" "$(q "d['classes']['handled'] >= 1 and d['classes']['lost'] == 0")" True
}
if [ -d /usr/lib/locale/C.utf8 ]; then
    subtest explore_classes_c_locale c_locale
else
    skip explore_classes_c_locale "no /usr/lib/locale/C.utf8: C.UTF-8 is not loaded from files here"
fi

# With LC_ALL=C there is nothing to load: no C-locale control run, no note.
c_locale_none() {
    RUN_TIMEOUT=300 run env LC_ALL=C "$E" explore --backend=seccomp --json -j2 -s openat -- "$B/tests/localed"
    assert_eq "exit status" "$RC" 0 &&
        assert_eq "stderr" "$ERR" ""
}
subtest explore_classes_c_locale_none c_locale_none

done_testing
