#!/usr/bin/env bash
# errinj's syscall classes are strace's: for each class (and a few sets in
# strace's syntax), the syscalls errinj's SET selects (--names=set:SET,
# the parser's own expansion) are those the installed strace traces under
# -e trace=SET of a program that makes every syscall of errinj's table
# (build/tests/everycall). Compared over the syscalls that strace knows
# (the ones it names under trace=all); the newer ones it shows as
# syscall_0xNNN are errinj's table's alone. lib/core/syscall-classes is the
# data this checks. And errinj fails what --names=set: says: the same
# program under errinj -e inject=SET:error=ENOTRECOVERABLE:site=make_call
# (its calls of the table, not the dynamic loader's) reports each call
# that failed so.
. "$(dirname "$0")/../lib.sh"

EC=$B/tests/everycall

# trace_names SET: the syscall names strace shows under -e trace=SET, one
# a line, sorted (without the unnamed syscall_0xNNN).
trace_names() {
    strace -f -qq -e signal=none -e trace="$1" -o "$T/trace" "$EC" >"$T/ec.out" 2>"$T/strace.err" || {
        why "strace -e trace='$1' failed: $(head -c 300 "$T/strace.err")"
        return 1
    }
    sed -E 's/^[0-9]+ +//' "$T/trace" | grep -v '^<\.\.\. ' | sed -E 's/\(.*//' | grep -v '^syscall_0x' | sort -u
}

# The names strace knows: every call of everycall is either named or shown
# as syscall_0xNNN under trace=all, so none is missed unseen.
known() {
    local nr name missing=
    trace_names all >"$T/known" || return 1
    sed -E 's/^[0-9]+ +//' "$T/trace" | grep -v '^<\.\.\. ' | sed -E 's/\(.*//' | sort -u >"$T/all"
    while read -r nr name; do
        grep -qxF "$name" "$T/all" || grep -qxF "$(printf 'syscall_0x%x' "$nr")" "$T/all" ||
            missing="$missing $name"
    done <"$T/ec.out"
    assert_eq "calls of everycall that strace did not see" "$missing" "" &&
        assert_eq "everycall's calls" "$(wc -l <"$T/ec.out")" "$("$BIN/errinj" --names=set:all | wc -l)"
}

# same SET: errinj's selection (over strace's names, $K) is strace's.
same() {
    local set=$1 s e
    s=$(trace_names "$set") || return 1
    e=$("$BIN/errinj" --names=set:"$set" | sort | comm -12 - "$K") || return 1
    assert_eq "only strace's '$set'" "$(comm -23 <(printf '%s\n' "$s") <(printf '%s\n' "$e") | tr '\n' ' ')" "" &&
        assert_eq "only errinj's '$set'" "$(comm -13 <(printf '%s\n' "$s") <(printf '%s\n' "$e") | tr '\n' ' ')" "" &&
        # A class that selects nothing would match trivially.
        { [ "$set" = none ] || [ -n "$s" ] || { why "strace traced nothing of '$set'"; false; }; }
}

# fails SET: the calls errinj fails are --names=set:SET's, all of them
# (the automatic choice here: seccomp, which the kernel lets fail any
# syscall but uretprobe, which no class holds; errinj says so when it is
# named).
fails() {
    local set=$1 got want
    run "$BIN/errinj" -q -e "inject=$set:error=ENOTRECOVERABLE:site=make_call" -- "$EC" -r
    assert_eq "exit status" "$RC" 0 && assert_eq "stderr" "$ERR" "" || return 1
    printf '%s\n' "$OUT" | grep . | sort >"$T/got"
    "$BIN/errinj" --names=set:"$set" | grep -vx uretprobe | sort >"$T/want"
    assert_eq "calls of '$set' errinj did not fail" "$(comm -13 "$T/got" "$T/want" | tr '\n' ' ')" "" &&
        assert_eq "calls errinj failed outside '$set'" "$(comm -23 "$T/got" "$T/want" | tr '\n' ' ')" "" &&
        assert_eq "calls failed twice" "$(uniq -d "$T/got" | tr '\n' ' ')" ""
}
uretprobe_said() {
    run "$BIN/errinj" -q -e inject=uretprobe:error=EIO -- true
    assert_eq "exit status" "$RC" 1 && assert_match "stderr" "$ERR" "seccomp cannot fail uretprobe"
}

subtest everycall_seen known
K=$T/K
trace_names all >"$K" || result "FAIL $LAYER/strace_names: strace -e trace=all failed"

# The classes: --names=syscalls lists the table's names, then the classes
# (%desc... and the legacy desc...), all and none.
"$EC" >"$T/table" || result "FAIL $LAYER/everycall: exit $?"
classes=$("$BIN/errinj" --names=syscalls | grep -vxF -f <(cut -d' ' -f2 "$T/table"))
for c in $classes; do
    subtest "class_$c" same "$c"
    subtest "fails_$c" fails "$c"
done
# strace's set syntax on top of the classes (strace 6.1's basic_filters.c).
for set in '!%desc' '!!%file' '/^(get|set)' '51,?nosuch,%%stat' '?%nosuch,%pure' 'read,all' '!%net,%signal'; do
    subtest "set_$set" same "$set"
    subtest "fails_$set" fails "$set"
done
subtest uretprobe_refused uretprobe_said
done_testing
