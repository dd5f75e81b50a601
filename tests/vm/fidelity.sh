#!/usr/bin/env bash
# The fidelity test (tests/host/fidelity.sh: each program natively, under
# strace and under errinj with a rule that never fires, compared) on the
# test kernel, where errinj serves the rule from BPF: errinj's own choice
# (auto: kprobe for the rule's 12 syscalls, lib/engine/plan.c moving more
# than 8 off fmod_ret); fmod_ret's signal forwarding and parentage are
# the same code, and each backend's pass is long under TCG (doc/testing.md).
# backends: auto
. "$(dirname "$0")/../host/fidelity.sh"
