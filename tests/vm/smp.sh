#!/usr/bin/env bash
# Races between two CPUs. tests/run boots the VM for this file with two
# vCPUs that really run in parallel (QEMU's multi-threaded TCG); the rest
# of the suite runs on two vCPUs taken in turns (single-threaded TCG),
# which is steadier but rarely interleaves two threads within a few
# instructions.
# boots: smp
. "$(dirname "$0")/../lib.sh"

two_cpus() {
    assert_eq "online CPUs" "$(getconf _NPROCESSORS_ONLN)" 2
}
subtest two_cpus two_cpus

# The two run at the same time, not in turns: a thread on each reads the
# clock in a loop, and the second's readings fall between the first's
# (less than 1 ms apart: the first was running). Taken in turns
# (single-threaded TCG), the first's readings stop while the second's
# run: none would (a slice lasts milliseconds). At once, many do; a few
# are wanted, which leaves room for a loaded host.
in_parallel() {
    run "$B/tests/scenario" overlap:1000
    assert_eq "exit status" "$RC" 0 &&
        assert_match "stdout" "$OUT" '^overlap: [0-9]+$' || return 1
    echo "# $OUT readings of the second CPU made while the first ran"
    [ "${OUT#overlap: }" -ge 10 ] ||
        { why "$OUT: the second CPU's readings made while the first ran, want at least 10"; return 1; }
}
subtest in_parallel in_parallel

# The first call of two threads of one process, at the same moment on two
# CPUs: when=1 fails exactly one of them, in every process.
when_first_call_of_two_threads() {
    local n=1000
    run "$E" -q -e inject=dup:error=EIO:when=1 -- "$B/tests/scenario" racers:$n
    assert_eq "exit status" "$RC" 0 &&
        assert_eq "stdout" "$OUT" "racers: $n failed calls in $n processes"
}
E=$B/errinj
subtest when_first_call_of_two_threads when_first_call_of_two_threads

done_testing
