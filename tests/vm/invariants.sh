#!/usr/bin/env bash
# The kernel side's invariants (a rule behind every index, a target's
# entry and counters while it makes a call, the scratch space): a broken
# one leaves the call untouched, is counted and said at exit; where the
# kernel has BPF exceptions (bpf_throw, Linux 6.7 and later) the fmod_ret
# program throws and the kernel unwinds it. ERRINJ_TEST_FAIL_CHECK (tests
# only) breaks an invariant check at every call a rule selects.
# boots: main 6.12
. "$(dirname "$0")/../lib.sh"

E=$B/errinj
C=$B/tests/calls

# Linux 6.7 and later have bpf_throw (x86-64's JIT supports it): there it
# must work, not be skipped.
kernel_throws() {
    local r=$(uname -r) maj min
    maj=${r%%.*}
    min=${r#*.}
    min=${min%%.*}
    # errinj uses them where it also has bpf_copy_from_user_str: 6.12.
    [ "$maj" -gt 6 ] || { [ "$maj" -eq 6 ] && [ "$min" -ge 12 ]; }
}

# What the kernel has said that a disturbed kernel would say.
kernel_trouble() {
    dmesg | grep -cE 'WARNING:|BUG:|Oops|general protection|RCU|bad unlock|leaked' || true
}

features_say_exceptions() {
    local want=no
    kernel_throws && want=yes
    run "$E" --features
    assert_eq "exit status" "$RC" 0 &&
        assert_match "--features on $(uname -r)" "$OUT" "^BPF exceptions \(bpf_throw, Linux 6\.7\+\): $want"
}
subtest features_say_exceptions features_say_exceptions

# BACKEND: three dup calls meet the broken check; each runs, and the
# count (and, on fmod_ret where the kernel has exceptions, the throws)
# is said; nothing stays attached, the kernel logs no trouble, and a
# session after it fails dup as usual.
broken_check() {
    local b=$1 thrown=0 trouble
    [ "$b" = fmod_ret ] && kernel_throws && thrown=3
    trouble=$(kernel_trouble)
    run env ERRINJ_TEST_FAIL_CHECK=1 "$E" --backend="$b" -e inject=dup:error=EIO -- "$C" dup dup dup
    assert_eq "exit status" "$RC" 0 &&
        assert_eq "stdout (every dup ran)" "$OUT" "$(printf 'dup = 3\ndup = 4\ndup = 5')" &&
        assert_eq "stderr" "$ERR" "errinj: 3 calls met a broken invariant in errinj's kernel side and ran untouched ($thrown thrown as BPF exceptions): a bug in errinj, please report it" &&
        assert_eq "left attached" "$(ours_gone)" "" &&
        assert_eq "kernel log lines of trouble (before: $trouble)" "$(kernel_trouble)" "$trouble" || return 1
    run "$E" --backend="$b" -q -e inject=dup:error=EIO -- "$C" dup
    assert_eq "the next session's exit status" "$RC" 0 &&
        assert_eq "the next session's stdout" "$OUT" "dup = -1 EIO"
}
# fmod_ret serves on every test kernel (each has the error-injection
# list); kprobe only where the kernel has the override.
subtest broken_check_fmod_ret broken_check fmod_ret
kprobe_subtest broken_check_kprobe broken_check kprobe

done_testing
