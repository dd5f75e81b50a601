#!/usr/bin/env bash
# errinj explore on Debian's own programs, natively (seccomp backend):
# the genuine bugs doc/findings.md reports are still found, with their
# class and site, and each printed reproduction line, run as printed,
# still shows the bug beside the command run alone. These programs are
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
done_testing
