#!/usr/bin/env bash
# SET as strace 6.1 reads it (its basic_filters.c), through errinj's
# command line: numbers, none, each '!', '?' silencing any element, empty
# elements, @64, the legacy class names; the syscalls of the 6.12 table
# (fchmodat2) fail on the seccomp backend whatever libc knows of them; a
# rule that selects nothing fails nothing. tests/host/strace_classes.sh
# compares the classes with strace's; the malformed sets are in
# syntax_cli.sh.
. "$(dirname "$0")/../lib.sh"

C=$B/tests/calls

# names SET WANT...: --names=set:SET prints exactly WANT, in number order.
names() {
    local set=$1
    shift
    run "$BIN/errinj" --names=set:"$set"
    assert_eq "exit status of --names=set:$set" "$RC" 0 && assert_eq "stderr" "$ERR" "" &&
        assert_eq "--names=set:$set" "$(printf '%s\n' "$OUT" | tr '\n' ' ')" "$(printf '%s ' "$@")"
}
names_syntax() {
    names 110 getppid && names 051,39 getpid getsockname && names '?500,?nosuch,?%nosuch,?,dup' dup &&
        names 'dup,,getppid,' dup getppid && names ',dup' dup && names '!!dup' dup &&
        names 'dup@64' dup && names none && names '!all' && names '?nosuch' &&
        names '%lstat' lstat &&
        assert_eq "legacy signal" "$("$BIN/errinj" --names=set:signal)" \
            "$(awk '/^[a-z]/ && /[ \t]%signal( |$)/ { print $1 }' "$TOP/lib/core/syscall-classes")" &&
        assert_eq "!none" "$("$BIN/errinj" --names=set:'!none')" "$("$BIN/errinj" --names=set:all)" &&
        assert_eq "!!!dup is all but dup" "$("$BIN/errinj" --names=set:'!!!dup' | grep -c .)" \
            "$(($("$BIN/errinj" --names=set:all | grep -c .) - 1))"
}
subtest names_syntax names_syntax

# A number is the syscall it names, failed as its name would be.
number_fails() {
    run "$BIN/errinj" -q -e inject=110:error=EPERM -- "$C" getppid dup
    assert_eq "exit status" "$RC" 0 && assert_eq "calls" "$OUT" "getppid = -1 EPERM
dup = 3"
}
subtest number_fails number_fails

# fchmodat2 (Linux 6.6; not in the 6.1 headers of this build) by name and
# number. perl's syscall(2) makes it: -1 ENOENT for a missing directory,
# EROFS (30) when errinj fails it. Where the kernel lacks it (ENOSYS, 38),
# seccomp fails it all the same, before the kernel looks.
fchmodat2_fails() {
    local p='my $p = "/nonexistent/x"; my $r = syscall(452, -100, $p, 0644, 0); print "$r ", $!+0, "\n"'
    run perl -e "$p"
    assert_match "fchmodat2 without errinj" "$OUT" '^-1 (2|38)$' || return 1
    run "$BIN/errinj" -q -e inject=fchmodat2:error=EROFS -- perl -e "$p"
    assert_eq "exit status" "$RC" 0 && assert_eq "fchmodat2 by name" "$OUT" "-1 30" || return 1
    run "$BIN/errinj" -q -e inject=452:error=EROFS -- perl -e "$p"
    assert_eq "exit status" "$RC" 0 && assert_eq "fchmodat2 by number" "$OUT" "-1 30"
}
subtest fchmodat2_fails fchmodat2_fails

# none, !all and ?unknown select nothing: the command runs untouched, as
# under strace (which accepts them too), and the other rules still fire.
empty_rules() {
    run "$BIN/errinj" -q -e inject=none:error=EIO -e 'inject=?nosuch:error=EIO' -e 'inject=!all:error=EIO' \
        -e inject=getppid:error=EPERM -- "$C" dup getppid
    assert_eq "exit status" "$RC" 0 && assert_eq "stderr" "$ERR" "" &&
        assert_eq "calls" "$OUT" "dup = 3
getppid = -1 EPERM" || return 1
    run "$BIN/errinj" -q -e inject=none:error=EIO -- "$C" dup
    assert_eq "exit status" "$RC" 0 && assert_eq "calls" "$OUT" "dup = 3"
}
subtest empty_rules empty_rules
done_testing
