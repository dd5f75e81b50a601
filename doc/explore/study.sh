#!/bin/bash
# Re-runs the explorations of doc/precision.md (not their judgement): errinj
# explore on Debian 12 programs not in the README, natively, in a scratch
# directory under /tmp.  Usage: doc/explore/study.sh [DIR] [NAME...]
# Each exploration writes DIR/NAME.json (the report) and DIR/NAME.err.
top=$(cd "$(dirname "$0")/../.." && pwd)
E=$top/build/errinj
# The locale the study was measured in (the build machine's shell's):
# glibc loads C.UTF-8 from files, so its loading is explored too.
export LANG=C.UTF-8
unset LC_ALL
w=${1:-$(mktemp -d /tmp/study24.XXXXXX)}; shift
mkdir -p "$w" && cd "$w" || exit 1
# inputs
printf 'banana 3\napple 1\ncherry 2\napple 1\ndate 4\n' > input.txt
printf 'banana 3\napple 1\ncherry 9\napple 1\ndate 4\n' > other.txt
printf '{"a": [1, 2, {"b": "x"}], "c": null}\n' > data.json
printf 'scale=4\n2/3\n3*7\n' > calc.bc
printf 'define(`NAME'"'"', `world'"'"')dnl\nhello NAME\n' > in.m4
cp input.txt patched.txt; diff -u input.txt other.txt > fix.diff
printf 'hello world\n' > hello.txt
xz -kf input.txt; bzip2 -kf input.txt; zstd -qf input.txt
mkdir -p sub && cp input.txt sub/ && rm -f in.zip && zip -q in.zip input.txt other.txt
specs=(
  'bzip2-c:bzip2 -c input.txt'
  'bzip2-file:bzip2 -k -f bz.txt'
  'xz-c:xz -c input.txt'
  'xz-file:xz -k -f xz.txt'
  'zstd-c:zstd -q -c input.txt'
  'zstd-file:zstd -q -f input.txt -o out.zst'
  'lz4-c:lz4 -q -c input.txt'
  'lz4-file:lz4 -q -f input.txt out.lz4'
  'unxz:xz -dc input.txt.xz'
  'bunzip2:bzip2 -dc input.txt.bz2'
  'unzstd:zstd -q -dc input.txt.zst'
  'unzstd-file:zstd -q -d -f input.txt.zst -o unz.txt'
  'zip:zip -q arch.zip input.txt other.txt'
  'unzip:unzip -p in.zip'
  'cmp:cmp input.txt other.txt'
  'diff:diff input.txt other.txt'
  'grep:grep apple input.txt'
  'head:head -n 2 input.txt'
  'tail:tail -n 2 input.txt'
  'cut:cut -d  -f1 input.txt'
  'uniq:uniq input.txt'
  'md5sum:md5sum input.txt'
  'sha256sum:sha256sum input.txt'
  'base64:base64 input.txt'
  'od:od -c input.txt'
  'tr:tr a-z A-Z'
  'jq:jq .a data.json'
  'bc:bc -q calc.bc'
  'm4:m4 in.m4'
  'split:split -l 2 input.txt part_'
  'tee:tee tee.out'
  'patch:patch -s patched.txt fix.diff'
  'find:find sub -name *.txt'
  'mawk:mawk {s+=$2}END{print(s)} input.txt'
  'iconv:iconv -f UTF-8 -t UTF-16 input.txt'
  'xxd:xxd input.txt'
  'paste:paste input.txt other.txt'
  'join:join input.txt other.txt'
  'nl:nl input.txt'
  'fold:fold -w 4 input.txt'
  'expand:expand input.txt'
  'fmt:fmt -w 20 input.txt'
  'pr:pr -2 -t input.txt'
  'column:column -t input.txt'
  'dd:dd if=input.txt of=dd.out status=none'
)
[ $# -gt 0 ] && { sel=(); for s in "${specs[@]}"; do for n in "$@"; do [ "${s%%:*}" = "$n" ] && sel+=("$s"); done; done; specs=("${sel[@]}"); }
set -f  # the specs' words are not globbed
for spec in "${specs[@]}"; do
    name=${spec%%:*}; cmd=${spec#*:}
    stdin=(); case $name in tr|tee) stdin=(--stdin input.txt);; esac
    cp input.txt bz.txt; cp input.txt xz.txt; cp input.txt patched.txt; rm -f patched.txt.orig patched.txt.rej
    start=$(date +%s.%N)
    if [ $name = cut ]; then
        nice "$E" explore --json -o $name.json -j2 --timeout 10 "${stdin[@]}" -- cut -d ' ' -f1 input.txt 2> $name.err
    else
        nice "$E" explore --json -o $name.json -j2 --timeout 10 "${stdin[@]}" -- $cmd 2> $name.err
    fi
    echo "$name rc=$? wall=$(echo "$(date +%s.%N) - $start" | bc)"
done
# the Debian version of each program explored
set +f
for p in bzip2 xz zstd lz4 cmp diff grep head tail cut uniq md5sum sha256sum base64 od tr jq bc m4 split tee patch dd find mawk iconv xxd paste join nl fold expand fmt pr column zip unzip; do
    b=$(basename "$(readlink -f "$(command -v $p)")"); pkg=
    for d in /usr/bin /bin /usr/sbin; do pkg=$(dpkg -S $d/$b 2>/dev/null | head -1 | cut -d: -f1); [ -n "$pkg" ] && break; done
    echo "version $p $pkg $(dpkg-query -W -f='${Version}' $pkg 2>/dev/null)"
done
echo "reports in $w"
