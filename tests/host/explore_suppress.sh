#!/usr/bin/env bash
# errinj explore --suppress FILE: findings matching a pattern of FILE are
# listed apart and leave the exit status alone; a malformed line is bad
# input (its FILE:LINE said). And the dynamic loader's start-up, left out
# unless --loader asks for it. On the seccomp backend (tests/progs/planted.c).
. "$(dirname "$0")/../lib.sh"

E=$BIN/errinj
P=$B/tests/planted
# The file's own scratch directory (each subtest's T is apart).
R=$T
echo hello >"$R/input"

# explore ARGS...: planted's writes (one finding: the lost write of
# report()) explored with ARGS. Nothing hangs: the timeout only bounds a
# run on a loaded machine.
explore() {
    RUN_TIMEOUT=600 run "$E" explore --backend=seccomp -j2 --timeout 60 "$@" -- "$P" "$R/input"
}

suppressed() {
    printf '# planted: the write of report() is known\n\nclass=lost syscall=write frame=rep*rt  # by name\n' \
        >"$T/supp"
    printf 'frame=nosuch\nclass=crashed syscall=write\n' >"$T/other"
    explore -s write
    assert_eq "exit status, no suppression" "$RC" 3 &&
        assert_match "the finding" "$OUT" "^lost: write [A-Z/]+ in report at " || return 1
    explore -s write --suppress "$T/other" --suppress "$T/supp"
    assert_eq "exit status, suppressed" "$RC" 0 &&
        assert_no_match "no finding listed" "$OUT" "^lost:" &&
        assert_match "said" "$OUT" "no crash, hang or lost output found" &&
        assert_match "counted" "$OUT" "^suppressed: 1 finding, not counted in the exit status" &&
        assert_match "named, with its line" "$OUT" "^  lost: write [A-Z/]+ in report at .* \($T/supp:3\)\$" || return 1
    explore -s write --suppress "$T/other" --json
    assert_eq "exit status, patterns that do not match" "$RC" 3 &&
        assert_eq "JSON: not suppressed" "$(python3 -c 'import json,sys; print([f["suppressed"] for f in json.loads(sys.argv[1])["findings"]])' "$OUT")" "[None]" || return 1
    explore -s write --suppress "$T/supp" --json
    assert_eq "exit status, JSON" "$RC" 0 &&
        assert_eq "JSON: suppressed by" "$(python3 -c 'import json,sys; print([f["suppressed"] for f in json.loads(sys.argv[1])["findings"]])' "$OUT")" "['$T/supp:3']"
}
subtest explore_suppress suppressed

# A stripped program's frame, by module+offset.
by_offset() {
    local off
    RUN_TIMEOUT=600 run "$E" explore --backend=seccomp -j2 --timeout 60 -s write -- "$B/tests/family-stripped"
    off=$(printf '%s\n' "$OUT" | sed -n 's/^lost: write .* <- family-stripped+\(0x[0-9a-f]*\)$/\1/p' | head -1)
    assert_eq "exit status" "$RC" 3 && assert_match "a caller's offset" "$off" '^0x' || return 1
    printf 'module=family-* frame=family-stripped+%s\n' "$off" >"$T/supp"
    RUN_TIMEOUT=600 run "$E" explore --backend=seccomp -j2 --timeout 60 -s write --suppress "$T/supp" \
        -- "$B/tests/family-stripped"
    assert_eq "exit status (two others left)" "$RC" 3 &&
        assert_eq "findings left" "$(printf '%s\n' "$OUT" | grep -c '^lost: ')" 2 &&
        assert_match "the one suppressed" "$OUT" "^  lost: write .* <- family-stripped\+$off \($T/supp:1\)\$"
}
subtest explore_suppress_offset by_offset

# bad LINE REGEX: a file whose line 2 is LINE: exit 2, one line naming it.
bad() {
    printf '# fine\n%s\n' "$1" >"$T/bad"
    run "$E" explore --backend=seccomp --suppress "$T/bad" -- "$P" "$R/input"
    assert_usage_error "^errinj: $T/bad:2: $2"
}
malformed() {
    bad 'fun=main' "unknown field 'fun' \(class, syscall, errno, frame or module\)\$" &&
        bad 'class=lost main' "expected FIELD=PATTERN, got 'main'\$" &&
        bad 'frame=' "empty pattern for frame=\$" &&
        bad 'class=lsot' "unknown class \(crashed, hung or lost\) 'lsot'\$" &&
        bad 'syscall=opnat' "unknown syscall 'opnat'\$" &&
        bad 'errno=ENOSUCH' "unknown errno name 'ENOSUCH'\$" || return 1
    run "$E" explore --backend=seccomp --suppress "$T/none" -- "$P" "$R/input"
    assert_usage_error "^errinj: cannot read the suppressions $T/none: $(strerror 2)\$" || return 1
    run "$E" explore --backend=seccomp --suppress "$T" -- "$P" "$R/input"
    assert_usage_error "^errinj: cannot read the suppressions $T: $(strerror 21)\$"
}
subtest explore_suppress_malformed malformed

# The loader's start-up (every frame in ld.so): not explored by default,
# said; --loader explores it (on Debian 12 the loader dies of SIGSEGV when
# its first mmap fails), and a suppression sets that finding aside.
loader() {
    local n
    explore -s mmap
    n=$(printf '%s\n' "$OUT" | sed -n "s/^not explored: \([0-9]*\) call sites\? of the dynamic loader's start-up .*/\1/p")
    assert_eq "exit status" "$RC" 0 &&
        assert_match "said" "$n" '^[1-9][0-9]*$' &&
        assert_match "no run of them" "$OUT" "^errinj explore: 0 runs " || return 1
    explore -s mmap --loader
    assert_eq "exit status, --loader" "$RC" 3 &&
        assert_match "runs" "$OUT" "^errinj explore: $n runs " &&
        assert_match "the loader's crash" "$OUT" "^crashed \(SIGSEGV\): mmap [A-Z/]+ in .*\(ld-linux-x86-64.so.2\+" || return 1
    echo 'class=crashed module=ld-linux-*.so.*' >"$T/supp"
    explore -s mmap --loader --suppress "$T/supp"
    assert_eq "exit status, suppressed" "$RC" 0
}
subtest explore_suppress_loader loader

done_testing
