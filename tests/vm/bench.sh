#!/usr/bin/env bash
# The benchmark (bench/run --quick, one run per figure): it runs, every
# scenario's calls fail or not as they should (bench/run checks each
# run's counts), and in this boot errinj's BPF backends add less to an
# injected call than strace does, and errinj starts faster with one
# kprobe.multi link than with a kprobe per syscall. And a broken injector
# cannot pass: an "errinj" that injects nothing stops the benchmark.
. "$(dirname "$0")/../lib.sh"

bench_small() {
    BENCH_RUNS=1 BENCH_STARTUP_RUNS=1 BENCH_OUT=$T/bench RUN_TIMEOUT=900 run "$TOP/bench/run" --quick
    assert_eq "exit status" "$RC" 0 || { why "$ERR"; return 1; }
    local s ns b
    declare -A cost
    for s in native kprobe-injected fmod_ret-injected seccomp-injected strace-injected strace-seccomp-injected \
        fail_function-injected fiu-injected; do
        # open+close: every peer serves it.
        ns=$(awk -F' *\\| *' -v s="$s" '$2 == s { print $5 }' "$T/bench/table.md")
        [ -n "$ns" ] && [ "$ns" != - ] || { why "no open+close figure for $s in: $(cat "$T/bench/table.md")"; return 1; }
        cost[$s]=$ns
    done
    for b in kprobe fmod_ret; do
        awk -v e="${cost[$b-injected]}" -v s="${cost[strace-injected]}" 'BEGIN { exit !(e < s) }' ||
            { why "open+close: $b-injected ${cost[$b-injected]} ns, strace-injected ${cost[strace-injected]}"; return 1; }
    done
    [ -s "$T/bench/plot.png" ] && [ "$(wc -l <"$T/bench/raw.tsv")" -gt 40 ] ||
        { why "no plot or too few raw rows in $T/bench"; return 1; }
    # The programs' own time per call, as the kernel counts it, for each
    # BPF backend: errinj's as bystander and unmatched, and the floor's.
    local row
    for b in "kprobe, getppid" "fmod_ret, open"; do
        row=$(awk -F' *\\| *' -v b="$b" '$2 == b { print $3, $4, $5 }' "$T/bench/table.md")
        [[ $row =~ ^[0-9.]+\ [0-9.]+\ [0-9.]+$ ]] ||
            { why "no program time for $b ('$row') in: $(cat "$T/bench/table.md")"; return 1; }
    done
    # The steps from the floor to errinj's program (bench/ladder): each
    # one priced on both BPF backends, and errinj's own next to them.
    local k
    for k in 0 1 2 3 4 5 9 10 errinj; do
        row=$(awk -F' *\\| *' -v k="$k" 'index($2, k " ") == 1 && $2 ~ /^([0-9]+ (the floor|\+ |step 4 as)|errinj \(unmatched\))/ { print $3, $4 }' \
            "$T/bench/table.md")
        [[ $row =~ ^[0-9.]+\ [0-9.]+$ ]] ||
            { why "no ladder row '$k' ('$row') in: $(cat "$T/bench/table.md")"; return 1; }
    done
    # Attaching every syscall: one kprobe.multi link beats a kprobe each.
    local multi single
    multi=$(awk -F' *\\| *' '$2 == "kprobe.multi, every syscall" { print $3 }' "$T/bench/table.md")
    single=$(awk -F' *\\| *' '$2 == "one kprobe each, every syscall" { print $3 }' "$T/bench/table.md")
    [ -n "$multi" ] && [ -n "$single" ] || { why "no start-up figures in: $(cat "$T/bench/table.md")"; return 1; }
    [ "$multi" -lt "$single" ] || { why "start-up with kprobe.multi $multi ms, one kprobe each $single ms"; return 1; }
}
subtest bench_small bench_small

# An injector that says it can and then fails nothing: the first scenario
# that wants failures stops the benchmark with a sentence saying so.
bench_refuses_broken_injector() {
    cat >"$T/fake" <<'SH'
#!/bin/sh
[ "$1" = --features ] && { echo "kprobe    yes     (fake)"; exit 0; }
while [ $# -gt 0 ] && [ "$1" != -- ]; do shift; done
shift
exec "$@"
SH
    chmod +x "$T/fake"
    BENCH_RUNS=1 BENCH_ERRINJ=$T/fake BENCH_OUT=$T/bench run "$TOP/bench/run" --quick
    assert_eq "exit status" "$RC" 1 &&
        assert_match "stderr" "$ERR" '^bench: getppid/kprobe-injected: 5000 of 5000 calls should have failed, 0 did \(run 1\)$'
}
subtest bench_refuses_broken_injector bench_refuses_broken_injector
done_testing
