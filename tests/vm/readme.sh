#!/usr/bin/env bash
# The README's examples really run: every "$ CMD" line of the console
# blocks of README.md and doc/usage.md (where the rest moved) is run (build/ and build/tests/ on PATH, in a scratch directory)
# and must print exactly the lines shown under it, in any order (events
# and program output are written concurrently). Pids are not compared.
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
while IFS= read -r line; do
    case $line in
    '```console') inblock=true ;;
    '```') $inblock && flush; inblock=false ;;
    '$ '*) $inblock && { flush; cmd=${line#\$ }; } ;;
    *) $inblock && [ -n "$cmd" ] && want+=${want:+$'\n'}$line ;;
    esac
done < <(cat "$TOP/README.md" "$TOP/doc/usage.md")
[ "$n" -gt 0 ] || echo "FAIL $LAYER/readme_examples: no example found in README.md"
done_testing
