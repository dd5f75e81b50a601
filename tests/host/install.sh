#!/usr/bin/env bash
# make install: the files land under PREFIX and the man page renders
# without warnings.
. "$(dirname "$0")/../lib.sh"

install_tree() {
    run make -s -C "$TOP" install PREFIX="$T/p"
    assert_eq "make install" "$RC" 0 || { why "$ERR"; return 1; }
    local f
    for f in bin/errinj libexec/errinj/loader libexec/errinj/userapp share/man/man1/errinj.1 \
        share/bash-completion/completions/errinj; do
        [ -f "$T/p/$f" ] || { why "missing $f"; return 1; }
    done
    run "$T/p/bin/errinj" --help
    assert_eq "installed errinj --help" "$RC" 0
}
subtest install_tree install_tree

man_page() {
    run groff -man -Tutf8 -ww -z "$TOP/doc/errinj.1"
    assert_eq "groff exit status" "$RC" 0 && assert_eq "groff warnings" "$ERR" ""
}
subtest man_page man_page
done_testing
