#!/usr/bin/env bash
# samples/: hello, map_test and tracex5 on the test kernel.
. "$(dirname "$0")/../lib.sh"

sample_hello() {
    "$B/samples/hello" -t 30 >"$T/hello.out" 2>"$T/hello.err" &
    local hp=$! i pid
    for i in $(seq 100); do grep -q '^hello: attached$' "$T/hello.out" && break; sleep 0.1; done
    grep -q '^hello: attached$' "$T/hello.out" || { why "hello did not attach: $(cat "$T/hello.err")"; kill $hp; return 1; }
    run "$B/samples/hello_trigger"
    pid=${OUT#hello_trigger: PID }
    for i in $(seq 100); do grep -q "^triggered from PID $pid\$" "$T/hello.out" && break; sleep 0.1; done
    kill $hp
    wait $hp 2>/dev/null
    assert_match "hello output" "$(cat "$T/hello.out")" "^triggered from PID $pid\$"
}
subtest sample_hello sample_hello

sample_map_test() {
    run "$B/samples/map_test"
    assert_eq "exit status" "$RC" 0 &&
        assert_match "summary" "$OUT" '^map_test: 12 checks, 0 failed$' &&
        assert_no_match "checks" "$OUT" '^FAIL'
}
subtest sample_map_test sample_map_test

sample_tracex5() {
    run "$B/samples/tracex5"
    assert_eq "exit status" "$RC" 0 &&
        assert_match "getppid checked" "$OUT" '^seccomp checked 110 \(getppid\)$' &&
        assert_match "dup checked" "$OUT" '^seccomp checked 32 \(dup\)$'
}
subtest sample_tracex5 sample_tracex5
done_testing
