#!/usr/bin/env bash
# errinj explore on Debian's own programs, natively (seccomp backend):
# the genuine bugs doc/findings.md and doc/precision.md report are still
# found, with their class and site, and each printed reproduction line,
# run as printed, still shows the bug beside the command run alone (and
# beside the kernel's own failure where one can be made); zstd's frames
# without a content size are no finding. These programs are
# nobody's here: their behaviour is the oracle, not errinj's.
. "$(dirname "$0")/../lib.sh"

E=$BIN/errinj
# The reproduction lines say plain "errinj".
export PATH=$BIN:$PATH
NOSECCOMP=$(seccomp_unusable)
cd "$T" || exit 1
printf 'alpha beta\ngamma\ndelta a\nepsilon x\n' >input.txt

sec_subtest() {
    if [ -n "$NOSECCOMP" ]; then
        skip "$1" "$NOSECCOMP"
    else
        subtest "$@"
    fi
}

R=$T

# finding CLASS SYSCALL ERRNO FUNCTION: the JSON of the one finding of
# CLASS on SYSCALL ERRNO whose stack holds FUNCTION.
finding() {
    python3 - "$T/report.json" "$@" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
c, sc, e, fn = sys.argv[2:6]
fs = [f for f in d["findings"] if f["class"] == c and f["syscall"] == sc and f["errno"] == e
      and any(s["function"] == fn for s in f["stack"])]
if len(fs) != 1:
    print("%d %s %s %s findings in %s; the report's: %s" % (len(fs), c, sc, e, fn,
          [(f["class"], f["syscall"], f["errno"], f["site"]["function"]) for f in d["findings"]]), file=sys.stderr)
    sys.exit(1)
json.dump(fs[0], sys.stdout)
EOF
}

field() { python3 -c 'import json,sys; f=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2"; }

# explore_json ARGS...: explore's report on stdout into $T/report.json.
explore_json() {
    RUN_TIMEOUT=600 run "$E" explore --json -j2 --timeout 10 "$@"
    printf '%s\n' "$OUT" >"$T/report.json"
}

# reproduce JSON: the finding's line as printed, from input.txt's
# directory; RC, OUT, ERR.
reproduce() {
    local cmd
    cmd=$(field "$1" "f['reproduce']")
    RUN_TIMEOUT=60 run sh -c "cd '$R' && $cmd"
}

# perl -n takes a read error for the end of its input: nothing printed,
# nothing said, exit 0 (PerlIOUnix_read).
perl_read() {
    local f
    cd "$R" && explore_json -s read --errno read=EIO -- perl -ne print input.txt
    assert_eq "exit status (findings)" "$RC" 3 || { why "$ERR"; return 1; }
    f=$(finding lost read EIO PerlIOUnix_read 2>&9) || return 1
    reproduce "$f"
    assert_eq "reproduction's status" "$RC" 0 && assert_eq "reproduction's stdout" "$OUT" "" &&
        assert_eq "reproduction's stderr but errinj's events" "$(grep -Ev '^\[pid [0-9]+\] .* \(INJECTED\)$' <<<"$ERR")" "" &&
        assert_match "errinj's event" "$ERR" 'read\(3\) = -1 EIO \(INJECTED\)' &&
        assert_eq "perl alone" "$(perl -ne print input.txt)" "$(cat input.txt)"
}
sec_subtest debian_perl_read_eio_lost perl_read

# ld.so's early allocator returns NULL unchecked when its first mmap
# fails: SIGSEGV before main (__minimal_malloc); ld.so's start-up is
# explored with --loader only.
ldso_mmap() {
    local f
    cd "$R" && explore_json --loader -s mmap --errno mmap=ENOMEM -- cat input.txt
    assert_eq "exit status (findings)" "$RC" 3 || { why "$ERR"; return 1; }
    f=$(finding crashed mmap ENOMEM __minimal_malloc 2>&9) || return 1
    assert_eq "signal" "$(field "$f" "f['signal']")" SIGSEGV || return 1
    reproduce "$f"
    assert_eq "reproduction's status" "$RC" 139 && cat input.txt >/dev/null
}
sec_subtest debian_ldso_mmap_crash ldso_mmap

# finding_by CLASS SYSCALL PATTERN: the JSON of the one finding of CLASS
# on SYSCALL whose reproduction line matches the regex PATTERN (Debian's
# binaries are stripped: no function to name).
finding_by() {
    python3 - "$T/report.json" "$@" <<'EOF'
import json, re, sys
d = json.load(open(sys.argv[1]))
c, sc, pat = sys.argv[2:5]
fs = [f for f in d["findings"] if f["class"] == c and f["syscall"] == sc and re.search(pat, f["reproduce"])]
if len(fs) != 1:
    print("%d %s %s findings matching %s; the report's: %s" % (len(fs), c, sc, pat,
          [(f["class"], f["syscall"], f["reproduce"]) for f in d["findings"]]), file=sys.stderr)
    sys.exit(1)
json.dump(fs[0], sys.stdout)
EOF
}

# zstd crashes (SIGSEGV in setvbuf) when it cannot open its output: the
# kernel's own ENOENT (a missing directory) crashes it too.
zstd_output() {
    local f
    cd "$R" && rm -f out.zst && explore_json -s openat -- zstd -q -f input.txt -o out.zst
    assert_eq "exit status (findings)" "$RC" 3 || { why "$ERR"; return 1; }
    f=$(finding_by crashed openat 'path=out.zst:when=1\+' 2>&9) || return 1
    assert_eq "signal" "$(field "$f" "f['signal']")" SIGSEGV || return 1
    reproduce "$f"
    assert_eq "reproduction's status" "$RC" 139 || return 1
    run zstd -q -f input.txt -o "$R/nodir/out.zst"
    assert_eq "zstd alone, a missing directory" "$RC" 139
}
sec_subtest debian_zstd_output_crash zstd_output

# zip leaves out a file that was there when it looked and gone when it
# read, without a word, and exits 0, even with -MM, although zip(1) says
# such a file is warned of and exit status 18 follows. (-X: no extra
# fields, whose access times would make each run's archive another.)
zip_vanished() {
    local f
    cd "$R" && cp input.txt other.txt && rm -f arch.zip &&
        explore_json -s newfstatat,openat -- zip -q -X arch.zip input.txt other.txt
    assert_eq "exit status (findings)" "$RC" 3 || { why "$ERR"; return 1; }
    f=$(finding_by lost newfstatat 'newfstatat:error=ENOENT:path=input.txt:when=2\+ -e inject=openat:error=ENOENT:path=input.txt:when=1\+ ' 2>&9) || return 1
    rm -f arch.zip && reproduce "$f"
    assert_eq "reproduction's status" "$RC" 0 &&
        assert_eq "reproduction's stderr but errinj's events" "$(grep -Ev '^\[pid [0-9]+\] .* \(INJECTED\)$' <<<"$ERR")" "" &&
        assert_eq "reproduction's archive" "$(unzip -Z1 arch.zip)" other.txt || return 1
    rm -f arch.zip && zip -q -X arch.zip input.txt other.txt
    assert_eq "zip alone" "$(unzip -Z1 arch.zip | tr '\n' ' ')" "input.txt other.txt "
}
sec_subtest debian_zip_vanished_lost zip_vanished

# find, given EMFILE when it duplicates a directory's descriptor, prints
# nothing and exits 0; so it does under ulimit -n 5, the kernel's EMFILE.
find_emfile() {
    local f
    cd "$R" && mkdir -p sub && cp input.txt sub/ &&
        explore_json -s fcntl --errno fcntl=EMFILE -- find sub -name '*.txt'
    assert_eq "exit status (findings)" "$RC" 3 || { why "$ERR"; return 1; }
    f=$(finding_by lost fcntl 'fcntl:error=EMFILE' 2>&9) || return 1
    reproduce "$f"
    assert_eq "reproduction's status" "$RC" 0 && assert_eq "reproduction's stdout" "$OUT" "" || return 1
    run sh -c 'ulimit -n 5; exec find sub -name "*.txt"'
    assert_eq "find under ulimit -n 5: status" "$RC" 0 && assert_eq "find under ulimit -n 5: stdout" "$OUT" "" &&
        assert_eq "find alone" "$(find sub -name '*.txt')" sub/input.txt
}
sec_subtest debian_find_emfile_lost find_emfile

# lz4 -c never checks the flush of stdout: a full disk loses it all, exit
# 0, as /dev/full shows.
lz4_flush() {
    local f
    cd "$R" && explore_json -s write -- lz4 -q -c input.txt
    assert_eq "exit status (findings)" "$RC" 3 || { why "$ERR"; return 1; }
    f=$(finding_by lost write 'write:error=ENOSPC:when=1\+' 2>&9) || return 1
    reproduce "$f"
    assert_eq "reproduction's status" "$RC" 0 && assert_eq "reproduction's stdout" "$OUT" "" || return 1
    run sh -c 'lz4 -q -c input.txt >/dev/full'
    assert_eq "lz4 to /dev/full: status" "$RC" 0
}
sec_subtest debian_lz4_flush_lost lz4_flush

# zstd unable to stat its input writes a frame without the content size:
# another stdout of the same length, the same data: changed, no finding.
zstd_changed() {
    cd "$R" && explore_json -s newfstatat -- zstd -q -c input.txt
    assert_eq "exit status (no finding)" "$RC" 0 || { why "$ERR $OUT"; return 1; }
    assert_eq "lost, changed runs" \
        "$(python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["classes"]; print(c["lost"], c["changed"] > 0)' "$T/report.json")" "0 True"
}
sec_subtest debian_zstd_changed zstd_changed
done_testing
