#!/usr/bin/env bash
# The seccomp backend as a user without privileges: the unit test that
# supervises build/tests/seccomp_target (tests/unit/test_seccomp.c), and
# its ASan+UBSan build, run again as nobody (setpriv) when the tests run
# as root. Their lines pass through as host/seccomp-nobody/NAME (and
# host/seccomp-nobody-asan/NAME); the subtest below checks that every
# subtest of the file reported and passed.
. "$(dirname "$0")/../lib.sh"

SRC=$TOP/tests/unit/test_seccomp.c

# unprivileged BIN LAYER: runs BIN (a copy in a directory nobody can
# read, with seccomp_target where the binary looks for it) as nobody.
unprivileged() {
    local bin=$1 layer=$2 want got failed rc
    want=$(grep -c '^[[:space:]]*SUBTEST(' "$SRC")
    [ -x "$bin" ] || { why "$bin is missing (make tests builds it)"; return 1; }
    [ -x "$B/tests/seccomp_target" ] || { why "$B/tests/seccomp_target is missing (make builds it)"; return 1; }
    mkdir -p "$T/x/tests/unit" &&
        cp "$bin" "$T/x/tests/unit/test_seccomp" && cp "$B/tests/seccomp_target" "$T/x/tests/" &&
        chmod -R a+rX "$T/x" && chmod 755 "$T" "$(dirname "$T")" || return 1
    local as=()
    [ "$(id -u)" = 0 ] && as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
    (cd / && TEST_LAYER=$layer timeout -k 5 300 "${as[@]}" "$T/x/tests/unit/test_seccomp") >"$T/out" 2>&1
    rc=$?
    cat "$T/out"
    got=$(grep -cE '^(PASS|FAIL) ' "$T/out")
    failed=$(grep -c '^FAIL ' "$T/out")
    assert_eq "exit status" "$rc" 0 &&
        assert_eq "results (one per subtest of $SRC)" "$got" "$want" &&
        assert_eq "failed subtests" "$failed" 0
}

subtest seccomp_nobody unprivileged "$B/tests/unit/test_seccomp" host/seccomp-nobody
subtest seccomp_nobody_asan unprivileged "$B/asan/test_seccomp" host/seccomp-nobody-asan
done_testing
