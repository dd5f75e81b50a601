#!/usr/bin/env bash
# The code's structure (issue #25): a folder, a header and an archive per
# subsystem of lib/, dependencies pointing down only (explore -> engine ->
# seccomp -> unwind -> core), no circle between files, a loader without
# libdw, and no function over 100 lines without a comment saying why it
# must be one piece. Read from the built objects and the sources.
. "$(dirname "$0")/../lib.sh"

ORDER="core unwind seccomp engine explore"
rank() { local i=0 n; for n in $ORDER; do [ "$n" = "$1" ] && { echo $i; return; }; i=$((i + 1)); done; echo 99; }

# Every folder of lib/ is a subsystem of ORDER with a header of its name,
# and every subsystem has its folder and archive.
folders() {
    local d n ok=0
    for d in "$TOP"/lib/*/; do
        n=$(basename "$d")
        [ "$(rank "$n")" != 99 ] || { why "lib/$n is not a subsystem of the order ($ORDER)"; ok=1; }
        [ -f "$d/$n.h" ] || { why "lib/$n has no header lib/$n/$n.h"; ok=1; }
    done
    for n in $ORDER; do
        [ -f "$B/lib/libei-$n.a" ] || { why "no archive build/lib/libei-$n.a"; ok=1; }
    done
    [ -z "$(find "$TOP/lib" -maxdepth 1 -type f)" ] || { why "files at lib/'s top: $(find "$TOP/lib" -maxdepth 1 -type f)"; ok=1; }
    return $ok
}
subtest folders folders

# #include "X/...": X is the file's own subsystem or one below it.
includes_down() {
    local f n x bad=
    for f in "$TOP"/lib/*/*.[ch]; do
        n=$(basename "$(dirname "$f")")
        for x in $(sed -n 's|^#include "\([a-z]*\)/.*|\1|p' "$f"); do
            [ "$(rank "$x")" -le "$(rank "$n")" ] || bad+="${f#"$TOP"/} includes $x/; "
        done
    done
    [ -z "$bad" ] || { why "$bad"; return 1; }
}
subtest includes_down includes_down

# defs OBJ...: "symbol object" for each function or variable defined.
defs() { local o; for o in "$@"; do nm --defined-only "$o" | awk -v o="$o" '$2 ~ /[TDBR]/ { print $3, o }'; done; }

# What each object of the library uses of the others: an edge per pair,
# "user used", from the objects' undefined symbols.
edges() {
    local objs o
    # The archives' members (a stale object of an old layout is not one).
    objs=$(for n in $ORDER; do ar t "$B/lib/libei-$n.a" | sed "s|^|$B/obj/lib/$n/|"; done)
    defs $objs > "$T/defs"
    for o in $objs; do
        nm --undefined-only "$o" | awk '{ print $2 }' | sort -u |
            join -o 2.2 - <(sort "$T/defs") | sort -u | grep -vx "$o" | sed "s|^|$o |"
    done
}

# An object uses only objects of its own subsystem or one below.
links_down() {
    local u d bad=
    edges > "$T/edges"
    [ -s "$T/edges" ] || { why "no edges found between the library's objects"; return 1; }
    while read -r u d; do
        local su sd
        su=$(basename "$(dirname "$u")") sd=$(basename "$(dirname "$d")")
        [ "$(rank "$sd")" -le "$(rank "$su")" ] || bad+="${u#"$B"/obj/} uses ${d#"$B"/obj/}; "
    done < "$T/edges"
    [ -z "$bad" ] || { why "$bad"; return 1; }
}
subtest links_down links_down

# No circle between files: tsort finds none in the objects' uses.
no_circle() {
    edges > "$T/edges"
    run tsort "$T/edges"
    assert_eq "tsort's complaints (a circle)" "$(sed "s|$B/obj/||g" <<<"$ERR")" ""
}
subtest no_circle no_circle

# The loader attaches one kprobe: libbpf, no unwinder.
loader_no_libdw() {
    local needed
    needed=$(readelf -d "$B/loader" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p')
    assert_match "the loader's libraries" "$needed" 'libbpf' &&
        assert_no_match "the loader's libraries" "$needed" 'libdw' &&
        assert_eq "the loader's dwfl symbols" "$(nm "$B/loader" | grep -c dwfl)" 0
}
subtest loader_no_libdw loader_no_libdw

# Functions of lib/, tools/ and bpf/ over 100 lines, unless the comment
# just above says why it must be one piece ("one piece").
short_functions() {
    local long
    long=$(cd "$TOP" && awk '
        FNR == 1 { cmt = "" }
        /^[A-Za-z_].*\(/ { head = $0; hline = FNR; hcmt = cmt }
        /^(\/\*| \*|\/\/)/ { cmt = cmt $0; next }
        /^\{$/ { start = hline }
        /^\}$/ && start { if (FNR - start + 1 > 100 && hcmt !~ /one piece/) print FILENAME ":" start ": " FNR - start + 1 " lines"; start = 0 }
        !/^(\/\*| \*|\/\/)/ && !/^[A-Za-z_].*\(/ && !/^\{$/ && !/^$/ && !/^\t/ && !/^ / { cmt = "" }
        /^$/ { cmt = "" }
    ' lib/*/*.[ch] tools/*.[ch] bpf/*.[ch])
    [ -z "$long" ] || { why "$long"; return 1; }
}
subtest short_functions short_functions
done_testing
