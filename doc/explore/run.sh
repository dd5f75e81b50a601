#!/bin/bash
# Runs in the test VM (whose / is read-only): errinj explore on Debian
# tools in a scratch directory of the guest's /tmp; each report comes back
# on stdout between "== BEGIN name" and "== END name" lines.
top=$(cd "$(dirname "$0")/../.." && pwd)
E=$top/build/errinj
export PATH=$top/build:$PATH
w=$(mktemp -d) && cd "$w" && cp "$top/doc/explore/input.txt" . || exit 1
[ $# -gt 0 ] || set -- "cat:cat input.txt" "sort:sort input.txt" "gzip:gzip -c input.txt" "sed:sed s/a/b/ input.txt" "cp:cp input.txt copy.txt"
for spec in "$@"; do
    name=${spec%%:*}; cmd=${spec#*:}
    j=2; [ $name = cp ] && j=1
    start=$(date +%s.%N)
    $E explore --json -j$j --timeout 20 ${BACKEND:+--backend=$BACKEND} -- $cmd > $name.json 2> $name.err
    echo "$name rc=$? wall=$(echo "$(date +%s.%N) - $start" | bc)" >&2
    echo "== BEGIN $name"; cat $name.json; echo "== END $name"
    echo "== BEGIN $name.err"; cat $name.err; echo "== END $name.err"
done
