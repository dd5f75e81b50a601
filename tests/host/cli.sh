#!/usr/bin/env bash
# The loader's command-line contract, where no kernel support is needed
# (bad input is rejected before anything is loaded): on the host and in
# the VM alike.
. "$(dirname "$0")/../lib.sh"

bad_input() { # expected-stderr-regex ARGS...
    local re=$1
    shift
    run_traced "$BIN/loader" "$@"
    assert_usage_error "$re" && assert_eq "bpf(2) calls" "$BPF" ""
}

subtest loader_no_args      bad_input '^loader: usage: loader'
subtest loader_one_arg      bad_input '^loader: usage: loader' dup
subtest loader_unknown_call bad_input "^loader: unknown syscall 'nosuchcall'$" nosuchcall 22
subtest loader_typo_hint    bad_input "^loader: unknown syscall 'dupp' \(did you mean 'dup'\?\)$" dupp 22
subtest loader_errno_zero   bad_input "^loader: invalid errno '0'" dup 0
subtest loader_errno_big    bad_input "^loader: invalid errno '99999'" dup 99999
subtest loader_errno_name   bad_input "^loader: invalid errno 'EFOO'" dup EFOO
subtest loader_errno_neg    bad_input "^loader: invalid errno '-1'" dup -1
subtest loader_extra_arg    bad_input "^loader: unexpected argument 'x'" dup 22 x
subtest loader_no_command   bad_input "^loader: missing command after '--'$" dup 22 --

loader_help() {
    run "$BIN/loader" --help
    assert_eq "exit status" "$RC" 0 && assert_match "help" "$OUT" 'EXAMPLES:'
}
subtest loader_help loader_help

# As a user without privileges: one sentence naming what is missing.
# A copy in a world-readable place: the checkout may not be. With userapp
# beside it, which the loader runs by default and looks for first.
loader_non_root() {
    chmod 755 "$T" "$(dirname "$T")" && cp "$BIN/loader" "$BIN/userapp" "$T/" &&
        chmod 755 "$T/loader" "$T/userapp" || return 1
    run setpriv --reuid=65534 --regid=65534 --clear-groups "$T/loader" dup 22
    assert_eq "exit status" "$RC" 1 &&
        assert_eq "stderr" "$ERR" "loader: needs root: loading eBPF programs and attaching kprobes requires CAP_SYS_ADMIN (or CAP_BPF and CAP_PERFMON)" &&
        assert_eq "stdout" "$OUT" ""
}
subtest loader_non_root loader_non_root

userapp_bad_arg() {
    run "$BIN/userapp" nosuch
    assert_usage_error "^userapp: unknown syscall 'nosuch'"
}
subtest userapp_bad_arg userapp_bad_arg

userapp_plain() {
    run "$BIN/userapp"
    assert_eq "exit status" "$RC" 0 &&
        assert_eq "stdout" "$OUT" "$(printf '%s: ok\n' dup openat read write close getppid socket mkdir unlink)" &&
        assert_eq "stderr" "$ERR" ""
}
subtest userapp_plain userapp_plain
done_testing
