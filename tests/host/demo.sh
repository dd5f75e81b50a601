#!/usr/bin/env bash
# scripts/demo exits 0 when its run showed what it promises (dup failed
# with EINVAL, userapp's other calls succeeded, errinj said so), and
# non-zero when it did not. It runs in a copy of scripts/ whose setup is
# a no-op (the build is done), with build/ the real one or, for the
# failures, an "errinj" that fails another call or none.
. "$(dirname "$0")/../lib.sh"

# tree ERRINJ: $T/tree, scripts/demo with build/errinj being ERRINJ
# (a script, or the real one), loader and userapp the real ones.
tree() {
    mkdir -p "$T/tree/scripts" "$T/tree/build"
    cp "$TOP/scripts/demo" "$T/tree/scripts/"
    printf '#!/bin/sh\nexit 0\n' >"$T/tree/scripts/setup"
    chmod +x "$T/tree/scripts/setup"
    ln -s "$B/loader" "$B/userapp" "$T/tree/build/"
    if [ "$1" = real ]; then
        ln -s "$B/errinj" "$T/tree/build/errinj"
    else
        printf '#!/bin/sh\n[ "$1" = --features ] && exec %q --features\n%s\n' "$B/errinj" "$1" >"$T/tree/build/errinj"
        chmod +x "$T/tree/build/errinj"
    fi
}

demo_shows() {
    tree real
    run "$T/tree/scripts/demo"
    assert_eq "demo's exit status (stderr: $ERR)" "$RC" 0 &&
        assert_match "demo's stderr" "$ERR" 'demo: done: errinj failed dup with EINVAL' &&
        assert_match "output" "$OUT" '\[pid [0-9]+\] dup\(2\) = -1 EINVAL \(INJECTED\)'
}

# ERRINJ: what the fake errinj runs instead; WANT: what demo must miss.
demo_fails() {
    tree "$1"
    run "$T/tree/scripts/demo"
    assert_eq "demo's exit status" "$RC" 1 && assert_match "demo's stderr" "$ERR" "demo: FAILED: the run did not show $2"
}

# Only where the demo runs errinj natively (the loader's branch needs
# kprobes, the VM's a kernel build).
if [ "$(id -u)" = 0 ] && [ -e /sys/bus/event_source/devices/kprobe/type ]; then
    skip demo "this kernel has kprobes: the demo would run the loader, not errinj"
elif ! "$B/errinj" --features 2>/dev/null | grep -Eq '^(fmod_ret|kprobe|seccomp) +yes'; then
    skip demo "no backend of errinj's here: the demo would run in the test VM"
else
    subtest demo_shows demo_shows
    subtest demo_fails_another_call demo_fails "exec $B/errinj -v mkdir EINVAL" "dup failing with EINVAL"
    subtest demo_fails_nothing_injected demo_fails "exec $B/userapp" "errinj's status 1 \\(userapp's, since one call failed\\): it was 0"
fi
done_testing
