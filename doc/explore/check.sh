#!/bin/bash
# Runs in the test VM: each finding's reproduction line by hand (plain
# errinj, the automatic backend), beside the command alone.
top=$(cd "$(dirname "$0")/../.." && pwd)
export PATH=$top/build:$PATH
w=$(mktemp -d) && cd "$w" && cp "$top/doc/explore/input.txt" . || exit 1
show() { # how the output looks: text as is, else its size and md5
    if grep -qP '[^\x09\x0a\x20-\x7e]' "$1"; then echo "($(wc -c <"$1") bytes, md5 $(md5sum <"$1" | cut -c1-8))"; else sed 's/^/    | /' "$1"; fi
}
while IFS= read -r line; do
    [ -n "$line" ] || continue
    cmd=${line#*-- }
    echo "### $line"
    sh -c "$cmd" >"$w/o1" 2>"$w/e1"; echo "  alone: status $?"; show "$w/o1"; sed 's/^/    ! /' "$w/e1"
    sh -c "${line/errinj /errinj -q }" >"$w/o2" 2>"$w/e2"; echo "  injected: status $?"; show "$w/o2"; sed 's/^/    ! /' "$w/e2"
done <"$top/doc/explore/lines.txt"
