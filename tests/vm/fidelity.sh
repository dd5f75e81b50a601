#!/usr/bin/env bash
# The fidelity test (tests/host/fidelity.sh: each program natively, under
# strace and under errinj with a rule that never fires, compared) on the
# test kernel, where errinj serves the rule from BPF: errinj's own choice
# (auto: kprobe for the rule's 12 syscalls, lib/backends.c moving more
# than 8 off fmod_ret) and fmod_ret. About 9 minutes a backend under TCG.
# backends: auto fmod_ret
. "$(dirname "$0")/../host/fidelity.sh"
