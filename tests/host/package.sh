#!/usr/bin/env bash
# The Debian package: `make deb` builds it (in a scratch BUILD, as on a
# fresh clone: dpkg-buildpackage in a copy of the tree); lintian finds no
# error or warning; its files, unpacked with dpkg -x into a scratch root,
# are make install's with PREFIX=/usr; the installed errinj runs
# (--version, --list, userapp from /usr/libexec/errinj), its man page
# renders without a warning, and its bash completion, loaded into bash and
# driven as readline would (COMP_LINE, COMP_WORDS...), completes syscalls,
# errnos, signals, keys, options and files.
. "$(dirname "$0")/../lib.sh"

P=$T/pkg
mkdir -p "$P"
VERSION=$(sed -n '1s/^errinj (\(.*\)).*/\1/p' "$TOP/debian/changelog")
DEB=$P/b/deb/errinj_${VERSION}_amd64.deb
ROOT=$P/root

package_build() {
    local start=$SECONDS
    make -s -C "$TOP" deb BUILD="$P/b" >"$P/build.log" 2>&1 ||
        { why "make deb failed: $(tail -5 "$P/build.log")"; return 1; }
    [ -f "$DEB" ] || { why "no $DEB: $(ls "$P/b/deb")"; return 1; }
    # Not the test kernel: debian/rules gives the Makefile a BTF file.
    assert_no_match "build log" "$(cat "$P/build.log")" 'build-kernel|bzImage' || return 1
    dpkg -x "$DEB" "$ROOT" || { why "dpkg -x failed"; return 1; }
    echo "# make deb took $((SECONDS - start)) s"
}
subtest package_build package_build

# Errors and warnings fail; what remains was overridden with a reason
# (debian/errinj.lintian-overrides).
package_lintian() {
    [ -f "$DEB" ] || { why "no package"; return 1; }
    run lintian --pedantic -I "${DEB%.deb}.changes"
    assert_eq "lintian errors and warnings" "$(printf '%s\n' "$OUT" | grep -E '^[EW]: ')" "" &&
        assert_eq "lintian exit status" "$RC" 0
}
subtest package_lintian package_lintian

# The package's files are make install's (PREFIX=/usr), plus what
# debhelper adds (the changelog, the copyright, the lintian overrides;
# the man page gzipped).
package_files() {
    [ -d "$ROOT" ] || { why "no package"; return 1; }
    run make -s -C "$TOP" install PREFIX=/usr DESTDIR="$T/i"
    assert_eq "make install" "$RC" 0 || { why "$ERR"; return 1; }
    local pkg inst
    pkg=$(cd "$ROOT" && find . -type f | sed 's/\.gz$//' | sort)
    inst=$( (cd "$T/i" && find . -type f; printf '%s\n' ./usr/share/doc/errinj/changelog ./usr/share/doc/errinj/copyright \
        ./usr/share/lintian/overrides/errinj) | sort)
    assert_eq "package files vs make install" "$pkg" "$inst" &&
        assert_match "files" "$pkg" '\./usr/bin/errinj' &&
        assert_match "files" "$pkg" '\./usr/libexec/errinj/loader' &&
        assert_match "files" "$pkg" '\./usr/libexec/errinj/userapp' &&
        assert_match "files" "$pkg" '\./usr/share/man/man1/errinj\.1' &&
        assert_match "files" "$pkg" '\./usr/share/man/man1/errinj-explore\.1' &&
        assert_match "files" "$pkg" '\./usr/share/bash-completion/completions/errinj'
}
subtest package_files package_files

package_version() {
    [ -d "$ROOT" ] || { why "no package"; return 1; }
    run "$ROOT/usr/bin/errinj" --version
    assert_eq "exit status" "$RC" 0 &&
        assert_eq "errinj --version" "$OUT" "errinj $("$TOP/scripts/version")" &&
        assert_match "errinj --version" "$OUT" "^errinj $VERSION(-|$)" || return 1
    run "$ROOT/usr/libexec/errinj/loader" --version
    assert_eq "loader --version" "$OUT" "loader (errinj) $("$TOP/scripts/version")"
}
subtest package_version package_version

# --list reads the kernel's error injection list: its names, or (a kernel
# without one, as on the build machines) the one sentence that says why.
# Which of the two is the list's to say, read here, not errinj's exit
# status: a --list that failed where the list is readable fails.
package_list() {
    [ -d "$ROOT" ] || { why "no package"; return 1; }
    run "$ROOT/usr/bin/errinj" --list
    if [ -r /sys/kernel/debug/error_injection/list ]; then
        assert_eq "exit status (the error injection list is readable)" "$RC" 0 &&
            assert_match "errinj --list" "$OUT" '(^|
)openat(
|$)'
    else
        assert_eq "exit status" "$RC" 1 && assert_eq "stdout" "$OUT" "" &&
            assert_match "stderr" "$ERR" "^errinj: cannot read the kernel's error injection list"
    fi
}
subtest package_list package_list

# errinj finds userapp in ../libexec/errinj (seccomp backend: any user).
package_userapp() {
    [ -d "$ROOT" ] || { why "no package"; return 1; }
    run "$ROOT/usr/bin/errinj" --backend=seccomp dup EINVAL
    assert_eq "exit status" "$RC" 1 &&
        assert_match "stdout" "$OUT" '^openat: ok' &&
        assert_match "stderr" "$ERR" 'dup: Invalid argument'
}
why_not=$(seccomp_unusable)
if [ -z "$why_not" ]; then
    subtest package_userapp package_userapp
else
    skip package_userapp "no seccomp backend here: $why_not"
fi

package_man() {
    [ -d "$ROOT" ] || { why "no package"; return 1; }
    local man=$ROOT/usr/share/man/man1/errinj.1.gz
    run env LC_ALL=C MANWIDTH=80 man -l --warnings "$man"
    assert_eq "exit status" "$RC" 0 && assert_eq "man warnings" "$ERR" "" &&
        assert_match "man page" "$OUT" 'EXAMPLES' && assert_match "man page" "$OUT" '--version' || return 1
    run env LC_ALL=C MANWIDTH=80 man -l --warnings "$ROOT/usr/share/man/man1/errinj-explore.1.gz"
    assert_eq "errinj-explore(1): exit status" "$RC" 0 && assert_eq "errinj-explore(1): man warnings" "$ERR" "" &&
        assert_match "errinj-explore(1)" "$OUT" 'EXAMPLES' && assert_match "errinj-explore(1)" "$OUT" '--merge'
}
subtest package_man package_man

# complete LINE: runs the completion function as bash would for LINE with
# the cursor at its end: COMP_WORDS split at blanks, and at '=' and ':'
# (of COMP_WORDBREAKS) into words of their own, as readline does.
# COMPREPLY one a line in $T/reply.
complete_line() {
    local line=$1 tok
    local -a toks
    COMP_LINE=$line
    COMP_POINT=${#line}
    COMP_WORDS=()
    read -ra toks <<<"$line"
    for tok in "${toks[@]}"; do
        mapfile -t -O "${#COMP_WORDS[@]}" COMP_WORDS < <(printf '%s\n' "$tok" | grep -oE '[^=:]+|[=:]+')
    done
    [[ $line == *[[:space:]] ]] && COMP_WORDS+=("")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMPREPLY=()
    _errinj
    printf '%s\n' "${COMPREPLY[@]}" >"$T/reply"
}

# expect_completion LINE WORD...: each WORD is among the candidates.
expect_completion() {
    local line=$1 w
    shift
    complete_line "$line" || { why "_errinj failed for '$line'"; return 1; }
    for w in "$@"; do
        grep -qxF -- "$w" "$T/reply" ||
            { why "'$line<TAB>': '$w' not among $(head -c 300 "$T/reply" | tr '\n' ' ')"; return 1; }
    done
}

# expect_only LINE WORD...: the candidates are exactly the WORDs (sorted).
expect_only() {
    local line=$1
    shift
    complete_line "$line" || return 1
    assert_eq "'$line<TAB>'" "$(sort "$T/reply" | tr '\n' ' ')" "$(printf '%s\n' "$@" | sort | tr '\n' ' ')"
}

package_completion() {
    [ -d "$ROOT" ] || { why "no package"; return 1; }
    # shellcheck source=/dev/null
    . "$ROOT/usr/share/bash-completion/completions/errinj" || return 1
    complete -p errinj >/dev/null || { why "no 'complete ... errinj'"; return 1; }
    local e=$ROOT/usr/bin/errinj
    touch "$T/out.json" "$T/other" && mkdir "$T/cg" || return 1
    expect_completion "$e ope" openat open openat2 &&
        expect_only "$e --ba" --backend= &&
        expect_only "$e --backend=s" seccomp &&
        expect_completion "$e --backend " auto fmod_ret kprobe seccomp &&
        expect_completion "$e dup EN" ENOENT ENOSPC &&
        expect_completion "$e -e inject=ope" openat &&
        expect_completion "$e -e inject=openat,cl" openat,close &&
        expect_completion "$e -e inject=%" %file %desc %net %process %memory %signal %ipc %creds %clock %pure \
            %%stat %%statfs &&
        expect_only "$e -e inject=!%f" !%file !%fstat !%fstatfs &&
        expect_only "$e -e inject=?%%s" ?%%stat ?%%statfs &&
        expect_completion "$e -e inject=no" none &&
        expect_completion "$e -e inject=al" all &&
        expect_completion "$e -e inject=openat:error=EN" ENOENT &&
        expect_only "$e -e inject=openat:error=ENOE" ENOENT ENOEXEC &&
        expect_only "$e -e inject=dup:signal=SIGK" SIGKILL &&
        expect_only "$e -e inject=dup:error=EIO:wh" when= &&
        expect_only "$e --inject dup:error=EIO:ma" max= &&
        expect_only "$e -e fault=dup:d" delay_enter= &&
        expect_only "$e -e inj" inject= &&
        expect_only "$e -e 'inject=openat:error=ENOEN" "inject=openat:error=ENOENT" &&
        expect_only "$e -o $T/out" "$T/out.json" &&
        expect_only "$e --output=$T/ot" "$T/other" &&
        expect_only "$e --cgroup $T/c" "$T/cg" &&
        expect_completion "$e --cgroup " /sys/fs/cgroup/ &&
        expect_only "$e dup EIO -- cat $T/oth" "$T/other" &&
        expect_only "$e -e inject=dup:error=EIO -- ls $T/out" "$T/out.json" &&
        expect_completion "$e -e inject=dup:error=EIO -- ech" echo || return 1
    # errinj explore: its options (its --help's), their values, the
    # command, or the reports after --merge.
    expect_only "$e expl" explore &&
        expect_only "$e explore --sh" --shard= &&
        expect_only "$e explore --me" --merge &&
        expect_only "$e explore --by=" site call &&
        expect_only "$e explore --errno=openat=ENOE" ENOENT ENOEXEC &&
        expect_completion "$e explore -s %f" %file &&
        expect_only "$e explore --merge $T/out" "$T/out.json" &&
        expect_only "$e explore --merge $T/oth" &&
        expect_only "$e explore --sarif $T/out" "$T/out.json" &&
        expect_only "$e explore --junit=$T/ot" "$T/other" &&
        expect_completion "$e explore --sarif $T/out.json -- ech" echo &&
        expect_completion "$e explore -s write -- ech" echo &&
        expect_only "$e explore --stdin $T/oth" "$T/other" &&
        expect_completion "$e explore --stdin $T/other ech" echo &&
        expect_only "$e explore -" -h -j -o -s -v --backend= --by= --errno= --help --jobs= --json --junit= --loader \
            --max-runs= --merge --output= --sarif= --seed= --set= --shard= --stdin= --suppress= --timeout= --verbose || return 1
    # The spec's keys after ':', exactly errinj's (--names=keys).
    complete_line "$e -e inject=openat:"
    assert_eq "keys after ':'" "$(sort "$T/reply" | tr '\n' ' ')" \
        "$("$e" --names=keys | sed 's/$/=/' | sort | tr '\n' ' ')" || return 1
    # Every option, from -.
    complete_line "$e -"
    assert_eq "options after '-'" "$(sort "$T/reply" | tr '\n' ' ')" \
        "$("$e" --names=options | sort | tr '\n' ' ')"
}
subtest package_completion package_completion
done_testing
