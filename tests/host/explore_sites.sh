#!/usr/bin/env bash
# errinj explore's labels and sites on a program without symbols or debug
# information (build/tests/family-stripped, tests/progs/family.c): one
# helper's write failing for two callers is two findings that read apart,
# each with the module, build-id and offsets that addr2line turns into
# the right lines with the unstripped build (the "debug package"); no
# frame named by a symbol that is not its function's; a write of exit's
# stdio flush is labelled by its chain, not by _start.
# On the seccomp backend, which runs here unprivileged of kprobes.
. "$(dirname "$0")/../lib.sh"

E=$BIN/errinj
P=$B/tests/family-stripped
SRC=$TOP/tests/progs/family.c

# line NAME: the line of family.c marked "FAMILY: NAME".
line() { grep -n "FAMILY: $1 \*/" "$SRC" | cut -d: -f1; }
# a2l OFFSET: "family.c:LINE" of OFFSET in the unstripped build.
a2l() { addr2line -e "$B/tests/family" "$1" | sed 's|.*/||'; }

explore_family() {
    # Nothing hangs here: the timeout only bounds a run on a loaded machine.
    RUN_TIMEOUT=600 run "$E" explore --backend=seccomp -j2 --timeout 60 -s write -- "$P"
}

# The two callers' findings: distinct labels, each "helper <- caller" by
# module+offset, which addr2line maps to emit's write and to each caller.
two_callers() {
    local heads bid callers a b
    explore_family
    heads=$(printf '%s\n' "$OUT" | grep '^lost: write ')
    bid=$(readelf -n "$B/tests/family" | sed -n 's/.*Build ID: //p')
    assert_eq "exit status" "$RC" 3 &&
        assert_eq "findings" "$(lines "$heads")" 3 &&
        assert_eq "distinct labels" "$(printf '%s\n' "$heads" | sort -u | wc -l)" 3 || return 1
    callers=$(printf '%s\n' "$heads" |
        sed -n 's/.* in ?? (family-stripped+\(0x[0-9a-f]*\)) <- family-stripped+\(0x[0-9a-f]*\)$/\1 \2/p')
    assert_eq "helper <- caller labels" "$(lines "$callers")" 2 || return 1
    while read -r a b; do
        assert_eq "helper at $a" "$(a2l "$a")" "family.c:$(line emit)" || return 1
        assert_match "eu-addr2line line with the build-id" "$OUT" \
            "^  eu-addr2line -e $P $a $b   # build-id $bid\$" || return 1
        printf '%s\n' "$(a2l "$b")"
    done <<<"$callers" >"$T/lines" || return 1
    assert_eq "callers' lines" "$(sort "$T/lines" | tr '\n' ' ')" \
        "$(printf 'family.c:%s\n' "$(line header)" "$(line footer)" | sort | tr '\n' ' ')"
}
subtest explore_sites_two_callers two_callers

# The stripped copy's .dynsym has one symbol of its own, family_label, a
# label without a size inside emit (tests/progs/family.c): no function
# starts there, so no frame of the executable may be named by it (the
# nearest preceding symbol); they have no name.
no_wrong_name() {
    explore_family
    assert_eq "exit status" "$RC" 3 &&
        assert_match "the label in .dynsym" "$(readelf --dyn-syms -W "$P")" ' NOTYPE +GLOBAL .* family_label$' &&
        assert_match "frames of the executable" "$OUT" "^  #1 \?\? \(family-stripped\+0x" &&
        assert_no_match "a wrong name" "$OUT" "^  #[0-9]+ [^?][^ ]* \(family-stripped\+"
}
subtest explore_sites_no_wrong_name no_wrong_name

# exit's flush of stdout: its chain through exit to the executable's
# entry point, not the entry point alone.
exit_flush() {
    local head
    explore_family
    head=$(printf '%s\n' "$OUT" | grep '^lost: write .* <- exit <- ')
    assert_eq "exit-time finding" "$(lines "$head")" 1 &&
        assert_match "from the write out" "$head" " in [^ ]*write[^ ]* .* <- family-stripped\+0x[0-9a-f]+\$"
}
subtest explore_sites_exit_flush exit_flush

done_testing
