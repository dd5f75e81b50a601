#!/usr/bin/env bash
# strace 6.1's injection tests, ported (tests/strace/: README, suite.sh):
# each case under strace and under errinj with the same spec, on this
# machine's backend (seccomp). As user nobody (layer host-seccomp, the
# unprivileged user's backend) with qual_fault's matrices cut to the VM's
# subset, then as the user running the tests (root under make check) with
# the matrices whole; each run ends with its summary line.
. "$(dirname "$0")/../lib.sh"

if [ "$(id -u)" = 0 ]; then
    # Its own scratch directory, which nobody can write.
    nt=$(mktemp -d /tmp/errinj-strace.XXXXXX) && chmod 1777 "$nt"
    # Its results in a channel of its own, which nobody can write.
    setpriv --reuid=65534 --regid=65534 --clear-groups \
        env HOME=/tmp TMPDIR="$nt" LC_ALL=C LAYER=host-seccomp STRACE_MODE=vm TEST_RESULTS="$nt/results" \
        bash "$TOP/tests/strace/suite.sh" >"$T/nobody" 2>&1
    rc=$?
    grep -v '^DONE-TESTING ' "$T/nobody"
    [ -z "${TEST_RESULTS:-}" ] || grep -v '^DONE-TESTING ' "$nt/results" >>"$TEST_RESULTS"
    [ "$(tail -n 1 "$nt/results")" = 'DONE-TESTING host-seccomp/suite' ] && [ "$rc" = 0 ] ||
        result "FAIL host-seccomp/strace/file: the run as nobody stopped before its end (exit $rc)"
    rm -rf "$nt"
fi
STRACE_MODE=full
. "$TOP/tests/strace/suite.sh"
