#!/usr/bin/env bash
# strace 6.1's injection tests, ported (tests/strace/: README, suite.sh),
# on the BPF backends: each case under strace and under errinj with the
# same spec. qual_fault's matrices cut to a subset (every when= form, one
# number of each kind; the host runs them whole), the other tests whole.
# The seccomp backend's run is the host's (tests/host/strace_suite.sh).
# backends: kprobe fmod_ret
. "$(dirname "$0")/../lib.sh"
STRACE_MODE=vm
. "$TOP/tests/strace/suite.sh"
