#!/usr/bin/env bash
# errinj under valgrind over a full run (events, filters, summary, JSON):
# no error and no leak in errinj's own code. tests/valgrind.supp holds
# valgrind's known blind spots about bpf(2) inside libbpf, and only those.
. "$(dirname "$0")/../lib.sh"

valgrind_clean() {
    local vg=(valgrind --suppressions="$TOP/tests/valgrind.supp" --leak-check=full
        --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect
        --error-exitcode=99 -q)
    RUN_TIMEOUT=300 run "${vg[@]}" "$B/errinj" -c -e inject=dup:error=EIO:when=2 \
        -e 'inject=openat:error=ENOENT:path=/nonexistent*' -- "$B/tests/calls" dup dup openat:/nonexistent1 fork:dup
    assert_eq "exit status (the command's)" "$RC" 0 &&
        assert_no_match "valgrind report" "$ERR" '==[0-9]+==' || return 1
    RUN_TIMEOUT=300 run "${vg[@]}" "$B/errinj" --json -o /dev/null -e inject=dup:error=EIO -- sh -c 'exit 3'
    assert_eq "exit status (the command's)" "$RC" 3 &&
        assert_no_match "valgrind report" "$ERR" '==[0-9]+=='
}
subtest valgrind_clean valgrind_clean
done_testing
