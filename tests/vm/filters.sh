#!/usr/bin/env bash
# Argument filters (path=, fd=, argK=, argK&MASK=) and syscall classes,
# evaluated by the kernel side (or, on the seccomp backend, by errinj).
# Not in the 6.12 boot: its class rules (%net, %file, %desc) load a
# fmod_ret program per syscall there, slow on 6.12 under emulation
# (doc/testing.md, Timings).
# boots: main
# backends: auto kprobe seccomp
. "$(dirname "$0")/../lib.sh"

C=$B/tests/calls
E=$B/errinj

# The issue's own example: only the first file fails.
path_exact() {
    run "$E" -e inject=openat:error=ENOENT:path=/etc/hostname -- cat /etc/hostname /etc/os-release
    assert_eq "exit status" "$RC" 1 &&
        assert_eq "stdout" "$OUT" "$(cat /etc/os-release)" &&
        assert_eq "stderr lines" "$(lines "$ERR")" 2 &&
        assert_match "event" "$ERR" '^\[pid [0-9]+\] openat\("/etc/hostname"\) = -1 ENOENT \(INJECTED\)$' &&
        assert_match "cat's message" "$ERR" '^cat: /etc/hostname: No such file or directory$'
}
subtest path_exact path_exact

# A dynamically linked program starts (its loader's openat calls pass)
# while a glob fails its data files.
path_glob() {
    mkdir "$T/data" && echo a >"$T/data/a.conf" && echo b >"$T/data/b.txt" && echo c >"$T/c.conf"
    run "$E" -q -e "inject=openat:error=EACCES:path=$T/data/*.conf" -- cat "$T/data/a.conf" "$T/data/b.txt" "$T/c.conf"
    assert_eq "stdout" "$OUT" "$(printf 'b\nc')" &&
        assert_eq "stderr" "$ERR" "cat: $T/data/a.conf: Permission denied"
}
subtest path_glob path_glob

path_prefix_and_question_mark() {
    mkdir "$T/d" && echo 1 >"$T/d/x1" && echo 2 >"$T/d/x22" && mkdir "$T/d/sub" && echo 3 >"$T/d/sub/x3"
    run "$E" -q -e "inject=openat:error=EIO:path=$T/d/x?" -- cat "$T/d/x1" "$T/d/x22"
    assert_eq "? matches one byte" "$OUT" "2" || return 1
    run "$E" -q -e "inject=openat:error=EIO:path=$T/d/*" -- cat "$T/d/x1" "$T/d/sub/x3" /etc/hostname
    assert_eq "trailing * matches below too" "$OUT" "$(cat /etc/hostname)"
}
subtest path_prefix_and_question_mark path_prefix_and_question_mark

# The path as the process passed it: no resolution.
path_as_passed() {
    echo r >"$T/rel"
    run "$E" -q -e inject=openat:error=ENOENT:path=rel -- sh -c "cd '$T' && { cat rel; cat ./rel; }"
    assert_eq "stdout" "$OUT" "r" && assert_eq "stderr" "$ERR" "cat: rel: No such file or directory"
}
subtest path_as_passed path_as_passed

# Paths past EI_PATH_MAX - 1 = 255 bytes: a prefix glob still matches, an
# exact pattern (which would need the whole path) does not.
long_paths() {
    local d=$T i
    for i in 1 2 3 4 5; do d=$d/$(printf 'd%.0s' $(seq 60)); done
    mkdir -p "$d" && echo deep >"$d/f" || { why "cannot create the long path"; return 1; }
    [ ${#d} -gt 300 ] || { why "path only ${#d} bytes"; return 1; }
    run "$E" -q -e "inject=openat:error=ENAMETOOLONG:path=$T/*" -- cat "$d/f"
    assert_eq "prefix glob on a long path" "$ERR" "cat: $d/f: File name too long" || return 1
    run "$E" -q -e "inject=openat:error=ENAMETOOLONG:path=${d:0:120}*/f" -- cat "$d/f"
    assert_eq "pattern needing the end of a long path" "$OUT" "deep" || return 1
    run "$E" -e "inject=openat:error=ENOENT:path=$T/*" -- cat "$d/f"
    assert_match "event shows the truncated path" "$ERR" "openat\(\"${T}/d+/d+/d+/d*\"\.\.\.\) = -1 ENOENT"
}
subtest long_paths long_paths

# fd=1: writes to stdout fail, writes to stderr do not. (calls reports
# through writev, so its own report is not filtered.)
fd_filter() {
    run "$E" -e inject=write:error=EIO:fd=1 -- "$C" write:1 write:2
    assert_eq "stdout" "$OUT" "$(printf 'write:1 = -1 EIO\nwrite:2 = 2')" &&
        assert_match "stderr" "$ERR" '^w$' &&
        assert_match "event" "$ERR" '^\[pid [0-9]+\] write\(1\) = -1 EIO \(INJECTED\)$' &&
        assert_eq "events" "$(printf '%s\n' "$ERR" | grep -c INJECTED)" 1
}
subtest fd_filter fd_filter

# arg2&0100=0100: only O_CREAT opens fail.
arg_mask_filter() {
    run "$E" -q -e 'inject=openat:error=EROFS:arg2&0100=0100' -- sh -c "cat /etc/hostname; echo x >'$T/new'"
    assert_eq "stdout" "$OUT" "$(cat /etc/hostname)" &&
        assert_eq "stderr" "$ERR" "sh: 1: cannot create $T/new: Read-only file system" &&
        { [ ! -e "$T/new" ] || { why "created anyway"; return 1; }; }
}
subtest arg_mask_filter arg_mask_filter

arg_value_filter() {
    run "$E" -q -e inject=close:error=EIO:arg0=999 -- "$C" close:999 close:998
    assert_eq "stdout" "$OUT" "$(printf 'close:999 = -1 EIO\nclose:998 = -1 EBADF')"
}
subtest arg_value_filter arg_value_filter

# when= counts the calls that pass the filters.
filter_then_count() {
    run "$E" -q -e inject=openat:error=EIO:path=/etc/hostname:when=2 -- cat /etc/hostname /etc/passwd /etc/hostname /etc/hostname
    assert_eq "stdout" "$OUT" "$(cat /etc/hostname /etc/passwd /etc/hostname)" &&
        assert_eq "stderr" "$ERR" "cat: /etc/hostname: Input/output error"
}
subtest filter_then_count filter_then_count

class_net() {
    run "$E" -q -e inject=%net:error=ENETDOWN -- "$C" socket dup
    assert_eq "stdout" "$OUT" "$(printf 'socket = -1 ENETDOWN\ndup = 3')"
}
subtest class_net class_net

class_file_with_path() {
    echo x >"$T/f"
    run "$E" -q -e "inject=%file:error=EPERM:path=$T/f" -- sh -c "cat '$T/f'; rm '$T/f'; ls '$T' | grep -x f"
    # Besides: the dynamic loader's paths (string constants on pages it
    # has not touched yet) cannot be read by the kprobe, which errinj says.
    assert_eq "stdout" "$OUT" "f" &&
        assert_eq "stderr" "$(printf '%s\n' "$ERR" | grep -v '^errinj: [0-9]* calls were neither failed nor counted by a path= rule')" \
            "$(printf '%s\n%s' "cat: $T/f: Operation not permitted" "rm: cannot remove '$T/f': Operation not permitted")"
}
subtest class_file_with_path class_file_with_path

# %desc with fd=: the members that take no descriptor first are dropped.
class_desc_with_fd() {
    run "$E" -q -e inject=%desc:error=EBADF:fd=2 -- "$C" write:2 close:2 dup
    assert_eq "stdout" "$OUT" "$(printf 'write:2 = -1 EBADF\nclose:2 = -1 EBADF\ndup = 3')" &&
        assert_eq "stderr" "$ERR" ""
}
subtest class_desc_with_fd class_desc_with_fd

regex_set() {
    run "$E" -q -e 'inject=/^mkdir(at)?$:error=ENOSPC' -- sh -c "mkdir '$T/d'; cat /etc/hostname >/dev/null && echo ok"
    assert_eq "stdout" "$OUT" "ok" &&
        assert_eq "stderr" "$ERR" "mkdir: cannot create directory '$T/d': No space left on device"
}
subtest regex_set regex_set

# Events go to a file of their own (-o): on a shared stderr, a line that
# the program writes in two pieces (dash's error message, then its
# newline) can take an event into its middle.
json_path_and_fd() {
    run "$E" --json -o "$T/events" -e 'inject=openat:error=ENOENT:path=/etc/host*' -e inject=write:error=EIO:fd=1 -- sh -c 'cat /etc/hostname; echo x'
    python3 -c '
import json, sys
lines = [json.loads(l) for l in sys.stdin]
plan = lines[0]["session"]["rules"]
assert [r["rule"] for r in plan] == [1, 2] and all(r["backends"] for r in plan), plan
ev = lines[1:]
assert len(ev) == 2, ev
o, w = ev
assert o["syscall"] == "openat" and o["path"] == "/etc/hostname" and o["path_truncated"] is False and o["fd"] is None, o
assert w["syscall"] == "write" and w["fd"] == 1 and w["path"] is None, w
' <"$T/events" 2>&9
}
subtest json_path_and_fd json_path_and_fd
done_testing
