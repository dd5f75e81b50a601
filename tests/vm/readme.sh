#!/usr/bin/env bash
# The README's examples really run: every "$ CMD" line of the console
# blocks of README.md and doc/usage.md (where the manual's examples are) is
# run (build/ and build/tests/ on PATH, in a scratch directory)
# and must print exactly the lines shown under it, in any order (events
# and program output are written concurrently). Pids are not compared.
# There must be at least 4 of them.
. "$(dirname "$0")/../lib.sh"

normalize() { sed -E 's/^\[pid [0-9]+\]/[pid N]/' | sort; }

example() {
    local cmd=$1 want=$2
    # Through a pipe, not straight into a file: on a file the command's
    # copy_file_range (coreutils cat) writes at the offset it read without
    # the kernel's f_pos lock (6.1), over an event errinj wrote meanwhile.
    ( cd "$T" && PATH=$B:$B/tests:$PATH && eval "$cmd" ) 2>&1 </dev/null | cat >"$T/got"
    unsplit_events "$T/got"
    assert_eq "output of '$cmd'" "$(normalize <"$T/got")" "$(printf '%s\n' "$want" | normalize)"
}

n=0
cmd= want=
flush() {
    [ -n "$cmd" ] || return 0
    n=$((n + 1))
    subtest "readme_example_$n" example "$cmd" "$want"
    cmd= want=
}
inblock=false
# examples_of FILE: a subtest for each example of FILE (n counts them).
examples_of() {
    while IFS= read -r line; do
        case $line in
        '```console') inblock=true ;;
        '```') $inblock && flush; inblock=false ;;
        '$ '*) $inblock && { flush; cmd=${line#\$ }; } ;;
        *) $inblock && [ -n "$cmd" ] && want+=${want:+$'\n'}$line ;;
        esac
    done <"$1"
}
examples_of "$TOP/README.md"
in_readme=$n
examples_of "$TOP/doc/usage.md"
# A README cut to one example, or whose console blocks lost their fence,
# would pass the loop above with little or nothing run: it must hold a
# handful (the quick start and the examples).
min_examples=4
enough_examples() {
    [ "$in_readme" -ge "$min_examples" ] && return 0
    why "$in_readme examples ('\$ ' lines in \`\`\`console blocks) in README.md, want at least $min_examples"
    return 1
}
subtest readme_examples enough_examples
done_testing
