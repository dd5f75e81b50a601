#!/usr/bin/env bash
# make install: the files land under PREFIX and the man pages render
# without warnings; errinj-explore(1) documents every option of
# `errinj explore --help`.
. "$(dirname "$0")/../lib.sh"

install_tree() {
    run make -s -C "$TOP" install PREFIX="$T/p"
    assert_eq "make install" "$RC" 0 || { why "$ERR"; return 1; }
    local f
    for f in bin/errinj libexec/errinj/loader libexec/errinj/userapp share/man/man1/errinj.1 \
        share/man/man1/errinj-explore.1 share/bash-completion/completions/errinj; do
        [ -f "$T/p/$f" ] || { why "missing $f"; return 1; }
    done
    run "$T/p/bin/errinj" --help
    assert_eq "installed errinj --help" "$RC" 0
}
subtest install_tree install_tree

man_page() {
    run groff -man -Tutf8 -ww -z "$TOP/doc/$1"
    assert_eq "groff exit status" "$RC" 0 && assert_eq "groff warnings" "$ERR" ""
}
subtest man_page man_page errinj.1
subtest explore_man_page man_page errinj-explore.1

# Each long option `errinj explore --help` prints is in errinj-explore(1)
# (as the page spells it, \- for -), and the page carries the package's
# version, so that the page cannot drift from the program.
explore_man_options() {
    local help opts o page missing=
    run "$BIN/errinj" explore --help
    assert_eq "errinj explore --help" "$RC" 0 || return 1
    opts=$(printf '%s\n' "$OUT" | grep -oE -- '--[a-z][a-z-]*' | sort -u)
    [ "$(printf '%s\n' "$opts" | wc -l)" -ge 10 ] || { why "only these options in --help: $opts"; return 1; }
    page=$(sed 's/\\-/-/g; s/\\f[BIRP]//g' "$TOP/doc/errinj-explore.1")
    for o in $opts; do
        printf '%s\n' "$page" | grep -qE -- "(^|[^a-z-])$o([^a-z-]|$)" || missing="$missing $o"
    done
    assert_eq "options of errinj explore --help missing from errinj-explore(1)" "$missing" "" &&
        assert_eq "errinj-explore(1)'s .TH version" \
            "$(sed -n '1s/^\.TH .* "errinj \([^"]*\)".*/\1/p' "$TOP/doc/errinj-explore.1")" \
            "$(sed -n '1s/^errinj (\(.*\)).*/\1/p' "$TOP/debian/changelog")"
}
subtest explore_man_options explore_man_options
done_testing
