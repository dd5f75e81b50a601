#!/usr/bin/env bash
# What errinj says about itself: --version, the EXAMPLES of --help (each
# parsed by errinj's own parser, --check, so that none can rot, and the
# same as the man page's), and --names, which the bash completion asks
# (compared with --help and with the parser's own messages, so that the
# completion offers what errinj accepts). Runs on the host, also against
# the ASan build (layer host-asan).
. "$(dirname "$0")/../lib.sh"

# The EXAMPLES lines of --help, without their leading blanks.
help_examples() {
    "$BIN/errinj" --help | sed -n '/^EXAMPLES/,$p' | tail -n +2 | sed 's/^ *//'
}

version() {
    local want
    want=$("$TOP/scripts/version") || { why "scripts/version failed"; return 1; }
    run "$BIN/errinj" --version
    assert_eq "exit status" "$RC" 0 && assert_eq "errinj --version" "$OUT" "errinj $want" &&
        assert_eq "stderr" "$ERR" "" || return 1
    run "$BIN/loader" --version
    assert_eq "loader exit status" "$RC" 0 && assert_eq "loader --version" "$OUT" "loader (errinj) $want"
}
subtest version version

# The version of a tree without git (a tarball): debian/changelog's.
version_without_git() {
    mkdir -p "$T/tree/scripts" "$T/tree/debian" && cp "$TOP/scripts/version" "$T/tree/scripts/" &&
        cp "$TOP/debian/changelog" "$T/tree/debian/" || return 1
    run "$T/tree/scripts/version"
    assert_eq "exit status" "$RC" 0 &&
        assert_eq "version" "$OUT" "$(sed -n '1s/^errinj (\(.*\)).*/\1/p' "$TOP/debian/changelog")"
}
subtest version_without_git version_without_git

# The man page's title line carries the package's version.
man_version() {
    assert_eq "the man page's .TH version" "$(sed -n '1s/^\.TH .* "errinj \([^"]*\)".*/\1/p' "$TOP/doc/errinj.1")" \
        "$(sed -n '1s/^errinj (\(.*\)).*/\1/p' "$TOP/debian/changelog")"
}
subtest man_version man_version

# Every example, as a shell would split it, through --check: exit 0,
# nothing printed, no bpf(2) call. A trailing '&' (run it in the
# background) and '# comment' are the shell's, not errinj's.
help_examples_parse() {
    local line n=0 bad=0 traced
    while IFS= read -r line; do
        [[ $line == errinj\ * ]] || { why "not a command: '$line'"; return 1; }
        line=$(printf '%s' "${line#errinj }" | sed -E 's/[[:space:]]*#.*$//; s/[[:space:]]*&$//')
        eval "set -- $line" || { why "the shell cannot split '$line'"; return 1; }
        # Under strace, which exits with errinj's status: 0 and no bpf(2)
        # call (an empty trace is then no call, not a strace that failed).
        ASAN_OPTIONS=detect_leaks=0 strace -f -qq -e trace=bpf -o "$T/bpf" "$BIN/errinj" --check "$@" \
            >/dev/null 2>&1 </dev/null
        traced=$?
        BPF=$(grep 'bpf(' "$T/bpf")
        run "$BIN/errinj" --check "$@"
        n=$((n + 1))
        if [ "$RC" != 0 ] || [ "$traced" != 0 ] || [ -n "$OUT$ERR$BPF" ]; then
            why "'errinj $line': exit $RC (under strace $traced), stdout '$OUT', stderr '$ERR', bpf '$BPF'"
            bad=1
        fi
    done < <(help_examples)
    [ "$n" -ge 10 ] || { why "only $n examples"; return 1; }
    return $bad
}
subtest help_examples_parse help_examples_parse

# --check is the parser's: it fails what a real run fails.
check_rejects() {
    run_traced "$BIN/errinj" --check -e inject=opnat:error=EIO -- true
    assert_usage_error "unknown syscall 'opnat'" && assert_eq "bpf(2) calls" "$BPF" ""
}
subtest check_rejects check_rejects

# The man page's EXAMPLES are --help's (groff's \- and \(aq undone).
man_examples() {
    local man
    man=$(sed -n '/^\.SH EXAMPLES/,/^\.SH /p' "$TOP/doc/errinj.1" | sed -n '/^\.EX/,/^\.EE/p' | grep -v '^\.E[XE]' |
        sed 's/\\-/-/g; s/\\(aq/'"'"'/g; s/\\e/\\/g')
    assert_eq "man page EXAMPLES" "$man" "$(help_examples)"
}
subtest man_examples man_examples

# --names=options is the parser's option table; --help must show each.
names_options_in_help() {
    local help opt o missing=
    help=$("$BIN/errinj" --help) || return 1
    while read -r opt; do
        o=${opt%=}
        printf '%s\n' "$help" | grep -Eq -- "(^|[ ,])$o([=, ]|$)" || missing="$missing $opt"
    done < <("$BIN/errinj" --names=options)
    assert_eq "options of --names=options missing from --help" "$missing" ""
}
subtest names_options_in_help names_options_in_help

# ... and each option --help shows is one errinj knows.
help_options_in_names() {
    local names extra= o
    names=$("$BIN/errinj" --names=options | sed 's/=$//')
    for o in $("$BIN/errinj" --help | sed -n '/^  -/p' | grep -oE -- '(^| |,)--?[a-zA-Z][a-z-]*' | tr -d ' ,' | sort -u); do
        printf '%s\n' "$names" | grep -qxF -- "$o" || extra="$extra $o"
    done
    assert_eq "options of --help unknown to --names=options" "$extra" ""
}
subtest help_options_in_names help_options_in_names

# The spec's keys, lib/core/spec.c's table: --names=keys prints it (the
# completion offers that, package.sh checks), the parser's "unknown key"
# message lists it, and the man page's SPEC section describes each key,
# no more and no fewer. argK stands for arg0..arg5.
keys_agree() {
    local names said man
    names=$("$BIN/errinj" --names=keys | sort | tr '\n' ' ')
    run "$BIN/errinj" --check -e inject=dup:nosuchkey=1
    said=$(printf '%s' "$ERR" | sed -n 's/.*(expected \(.*\))$/\1/p' | sed 's/, / /g; s/ or / /' | tr ' ' '\n' |
        sed 's/^argK$/arg0 arg1 arg2 arg3 arg4 arg5/' | tr ' ' '\n' | sort | tr '\n' ' ')
    # Each key is a .TP item: ".BI error= ERRNO", ".BI arg K = V ...".
    man=$(sed -n '/^\.SH SPEC/,/^\.SH /p' "$TOP/doc/errinj.1" | awk 'prev == ".TP" && $1 == ".BI" { print $2 $3 } { prev = $0 }' |
        sed 's/=.*//; s/^argK$/arg0 arg1 arg2 arg3 arg4 arg5/' | tr ' ' '\n' | sort | tr '\n' ' ')
    assert_match "--names=keys" "$names" '^arg0 arg1 arg2 arg3 arg4 arg5 delay_enter error ' &&
        assert_eq "keys of the unknown key message" "$said" "$names" &&
        assert_eq "keys of the man page's SPEC" "$man" "$names"
}
subtest keys_agree keys_agree

names_classes_match_parser() {
    local said
    run "$BIN/errinj" --check -e inject=%nosuch:error=EIO
    said=$(printf '%s' "$ERR" | sed -n 's/.*(expected \(.*\))$/\1/p' | sed 's/, / /g; s/ or / /' | tr ' ' '\n' | sort | tr '\n' ' ')
    assert_eq "classes" "$("$BIN/errinj" --names=syscalls | grep '^%' | sort | tr '\n' ' ')" "$said"
}
subtest names_classes_match_parser names_classes_match_parser

# Every name of every kind is accepted where the completion offers it,
# sixteen rules at a time.
names_parse() {
    local kind name args=() bad=
    flush() {
        [ ${#args[@]} = 0 ] && return 0
        run "$BIN/errinj" --check "${args[@]}" -- true
        [ "$RC" = 0 ] || bad="$bad [$ERR]"
        args=()
    }
    for kind in syscalls errnos signals; do
        while read -r name; do
            case $kind in
            syscalls) args+=(-e "inject=$name:error=EIO") ;;
            errnos) args+=(-e "inject=dup:error=$name") ;;
            signals) args+=(-e "inject=dup:signal=$name") ;;
            esac
            [ ${#args[@]} -ge 32 ] && flush
        done < <("$BIN/errinj" --names=$kind)
        flush
    done
    for name in $("$BIN/errinj" --names=backends); do
        run "$BIN/errinj" --check --backend="$name" -e inject=dup:error=EIO -- true
        [ "$RC" = 0 ] || bad="$bad [$ERR]"
    done
    assert_eq "names refused" "$bad" "" &&
        assert_match "syscalls" "$("$BIN/errinj" --names=syscalls | tr '\n' ' ')" ' openat .*%file .*all ' &&
        assert_match "errnos" "$("$BIN/errinj" --names=errnos | tr '\n' ' ')" '(^| )ENOENT .*EWOULDBLOCK|EWOULDBLOCK .*ENOENT'
}
subtest names_parse names_parse

names_bad_kind() {
    run_traced "$BIN/errinj" --names=nosuch
    assert_usage_error "^errinj: unknown --names kind 'nosuch'" && assert_eq "stdout" "$OUT" "" &&
        assert_eq "bpf(2) calls" "$BPF" ""
}
subtest names_bad_kind names_bad_kind
done_testing
