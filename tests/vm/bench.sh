#!/usr/bin/env bash
# The benchmark (bench/run), small: it runs, every scenario's calls fail or
# not as they should (bench/run checks each run's counts), and in this
# boot errinj adds less to a call than strace does, firing or not, and
# starts faster with one kprobe.multi link than with a kprobe per syscall.
. "$(dirname "$0")/../lib.sh"

bench_small() {
    BENCH_RUNS=3 BENCH_STARTUP_RUNS=1 run "$TOP/bench/run" 20000 2000
    assert_eq "exit status" "$RC" 0 || { why "$ERR"; return 1; }
    local s ns
    declare -A cost
    for s in native bystander errinj-nofire errinj-fire errinj-events strace-nofire strace-fire; do
        ns=$(printf '%s\n' "$OUT" | awk -v s="$s" '$1 == s { print $3 }')
        [ -n "$ns" ] || { why "no figure for $s in: $OUT"; return 1; }
        cost[$s]=$ns
    done
    awk -v e="${cost[errinj-fire]}" -v s="${cost[strace-fire]}" 'BEGIN { exit !(e < s) }' ||
        { why "errinj-fire ${cost[errinj-fire]} ns/call, strace-fire ${cost[strace-fire]}"; return 1; }
    awk -v e="${cost[errinj-nofire]}" -v s="${cost[strace-nofire]}" 'BEGIN { exit !(e < s) }' ||
        { why "errinj-nofire ${cost[errinj-nofire]} ns/call, strace-nofire ${cost[strace-nofire]}"; return 1; }
    # Attaching every syscall: one kprobe.multi link beats a kprobe each.
    local multi single
    multi=$(printf '%s\n' "$OUT" | awk '$1 == "kprobe.multi" { print $2 }')
    single=$(printf '%s\n' "$OUT" | awk '$1 == "kprobe" && $2 == "per" { print $4 }')
    [ -n "$multi" ] && [ -n "$single" ] || { why "no start-up figures in: $OUT"; return 1; }
    [ "$multi" -lt "$single" ] || { why "start-up with kprobe.multi $multi ms, one kprobe each $single ms"; return 1; }
}
subtest bench_small bench_small
done_testing
