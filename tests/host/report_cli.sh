#!/usr/bin/env bash
# What errinj reports beside the command's output: a write error on its
# events or summary (said, and the exit status), the --json session line
# (every syscall named), the calls a path= rule could not decide (the
# backend that could not read the path named). Runs on the host and in
# the VM (layer vm-cli).
. "$(dirname "$0")/../lib.sh"

C=$B/tests/calls
NOSPC=$(strerror 28)

# Events and the summary to a full device: said on stderr, exit 1 where
# the command's status is 0 (strace 6.1 says it at every line and exits 0).
output_full() {
    run "$BIN/errinj" -c -o /dev/full dup EIO -- "$C" dup dup
    assert_eq "exit status" "$RC" 1 &&
        assert_eq "stdout (the injections happened)" "$OUT" $'dup = -1 EIO\ndup = -1 EIO' &&
        assert_eq "stderr" "$ERR" "errinj: cannot write to /dev/full: $NOSPC
errinj: the summary was not written
errinj: 2 injection events could not be written to /dev/full"
}
subtest report_output_full output_full

# The command's own failure is its status, the write error still said.
output_full_status() {
    run "$BIN/errinj" -c -o /dev/full dup EIO -- sh -c 'exit 3'
    assert_eq "exit status" "$RC" 3 &&
        assert_eq "stderr" "$ERR" "errinj: cannot write to /dev/full: $NOSPC
errinj: the summary was not written"
}
subtest report_output_full_status output_full_status

# --json: the session line is the first write.
output_full_json() {
    run "$BIN/errinj" --json -o /dev/full dup EIO -- "$C" dup
    assert_eq "exit status" "$RC" 1 &&
        assert_eq "stdout" "$OUT" "dup = -1 EIO" &&
        assert_eq "stderr" "$ERR" "errinj: cannot write to /dev/full: $NOSPC
errinj: 1 injection event could not be written to /dev/full"
}
subtest report_output_full_json output_full_json

# Events on a standard error that cannot be written: nothing can be
# said, the status says it.
output_full_stderr() {
    timeout -k 5 60 "$BIN/errinj" dup EIO -- "$C" dup >"$T/out" 2>/dev/full </dev/null
    RC=$?
    assert_eq "exit status" "$RC" 1 &&
        assert_eq "stdout" "$(cat "$T/out")" "dup = -1 EIO"
}
subtest report_output_full_stderr output_full_stderr

# The control: a file that takes them.
output_file() {
    run "$BIN/errinj" -c -o "$T/ev" dup EIO -- "$C" dup dup
    assert_eq "exit status" "$RC" 0 &&
        assert_eq "stderr" "$ERR" "" &&
        assert_eq "events" "$(grep -c 'dup(0) = -1 EIO (INJECTED)' "$T/ev")" 2 &&
        assert_match "summary" "$(cat "$T/ev")" '^dup +2 +2$'
}
subtest report_output_file output_file

# inject=all on seccomp: the session line names every syscall -v counts,
# each once, each a name errinj knows.
json_session_all() {
    local n names
    run "$BIN/errinj" --backend=seccomp -v --json -o "$T/j" -e inject=all:error=EIO:when=65000 -- true
    assert_eq "exit status" "$RC" 0 || return 1
    n=$(printf '%s\n' "$ERR" | sed -n 's/^errinj: rule 1: seccomp serves \([0-9]*\) syscalls: .*/\1/p')
    assert_match "-v's count" "$n" '^[0-9]+$' || return 1
    names=$(head -n 1 "$T/j" | python3 -c '
import json, sys
s = json.loads(sys.stdin.readline())["session"]["rules"]
assert len(s) == 1 and list(s[0]["backends"]) == ["seccomp"], s
print("\n".join(s[0]["backends"]["seccomp"]))') || { why "session line: $(head -c 300 "$T/j")"; return 1; }
    assert_eq "names in the session line" "$(lines "$names")" "$n" &&
        assert_eq "distinct names" "$(printf '%s\n' "$names" | sort -u | wc -l)" "$n" &&
        assert_eq "names errinj does not know" \
            "$(printf '%s\n' "$names" | grep -vxFf <("$BIN/errinj" --names=syscalls) | tr '\n' ' ')" ""
}
subtest report_json_session_all json_session_all

# A path= rule on seccomp meets a path at a bad address: the message
# names the backend that could not read it (it said "from a kprobe").
undecided_seccomp() {
    run "$BIN/errinj" --backend=seccomp -e inject=openat:error=EACCES:path=/x -- "$B/tests/seccomp_target" badptr
    assert_eq "exit status" "$RC" 0 &&
        assert_eq "stdout" "$OUT" "badptr = -1 EFAULT" &&
        assert_eq "stderr lines" "$(lines "$ERR")" 1 &&
        assert_match "stderr" "$ERR" '^errinj: 1 calls were neither failed nor counted by a path= rule: their path could not be read by the seccomp backend \(a bad address' &&
        assert_no_match "stderr" "$ERR" 'kprobe|fmod_ret'
}
subtest report_undecided_seccomp undecided_seccomp
done_testing
