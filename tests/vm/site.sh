#!/usr/bin/env bash
# site=FUNCTION: only calls made with FUNCTION anywhere in the caller's
# user stack, which the seccomp supervisor unwinds before it answers
# (lib/unwind/unwind.c). Served by seccomp alone, also when errinj chooses (auto):
# a site= rule forces it for its syscalls. build/tests/sites opens one
# directory from two functions, func_a (open) and func_b (opendir, through
# open_b), alternately. The refusals (--backend=kprobe, -p) are in
# tests/host/syntax_cli.sh.
# backends: auto seccomp
. "$(dirname "$0")/../lib.sh"

S=$B/tests/sites
E=$B/errinj

# sites' lines for N rounds, the calls of the functions in FAILED (a
# list such as "a1 b2") failing with ENOENT.
expect() { # N FAILED...
    local n=$1 i f
    shift
    for i in $(seq "$n"); do
        for f in a b; do
            case " $* " in
            *" $f$i "*) echo "$f $i ENOENT" ;;
            *) echo "$f $i ok" ;;
            esac
        done
    done
}

# run_site N SPEC [thread]: sites on $T/d under errinj with SPEC.
run_site() {
    mkdir -p "$T/d" || return 1
    run "$E" -e "inject=openat:error=ENOENT:$2" -- "$S" "$T/d" "$1" ${3:+"$3"}
}

# site_case N SPEC FAILED [thread]: sites' output, and one event per
# failed call, each the directory's openat, and nothing else on stderr.
site_case() {
    local n=$1 spec=$2 failed=$3 thread=$4 nfail
    nfail=$(set -- $failed && echo $#)
    run_site "$n" "$spec" "$thread"
    assert_eq "exit status" "$RC" 0 &&
        assert_eq "stdout" "$OUT" "$(expect "$n" $failed)" &&
        { assert_eq "events" "$(lines "$ERR")" "$nfail" || { why "stderr: $ERR"; return 1; }; } &&
        { [ "$nfail" = 0 ] ||
            assert_eq "events" "$(printf '%s\n' "$ERR" | grep -Ecv '^\[pid [0-9]+\] openat\("'"$T"'/d"\) = -1 ENOENT \(INJECTED\)$')" 0; }
}

# The function of the program that makes the call; the other's calls run.
subtest site_func_a site_case 2 site=func_a "a1 a2"
subtest site_func_b site_case 2 site=func_b "b1 b2"
# A caller further up: open_b calls opendir for func_b only.
subtest site_caller site_case 2 site=open_b "b1 b2"
# Anywhere in the stack: main is below both.
subtest site_main site_case 2 site=main "a1 b1 a2 b2"
# No such function: nothing fails (and nothing is undecided: no message).
subtest site_none site_case 2 site=nonexistent ""
# A library's function: opendir makes b's call, open a's (glibc's open is
# __libc_open64, with the names open, __open, open64 among them: any of
# its names is it).
subtest site_library_opendir site_case 2 site=opendir "b1 b2"
subtest site_library_open site_case 2 site=open "a1 a2"

# when= counts the calls that pass the filters: site=func_a's second is
# a's second round; path= alone counts a's and b's alike.
subtest site_when site_case 3 site=func_a:when=2 "a2"
subtest site_when_step site_case 3 site=func_b:when=2+ "b2 b3"
site_when_path() {
    site_case 3 "path=$T/d:when=2" "b1" && site_case 3 "path=$T/d:site=func_b:when=3" "b3"
}
subtest site_when_path site_when_path

# max= and prob= after the site: at most one of func_a's.
subtest site_max site_case 3 site=func_a:max=1 "a1"

# A thread's stack: main is not on it (the thread starts in glibc's
# start_thread), run is.
subtest site_thread_func_a site_case 2 site=func_a "a1 a2" thread
subtest site_thread_main site_case 2 site=main "" thread
subtest site_thread_run site_case 2 site=run "a1 b1 a2 b2" thread

# Several rules: the first that fires wins, each counts what it selects.
site_rules() {
    mkdir -p "$T/d" || return 1
    run "$E" -q -e inject=openat:error=EACCES:site=func_a:when=2 -e inject=openat:error=ENOENT:site=main:when=1+2 \
        -- "$S" "$T/d" 2
    assert_eq "exit status" "$RC" 0 &&
        assert_eq "stdout" "$OUT" "$(printf 'a 1 ENOENT\nb 1 ok\na 2 EACCES\nb 2 ok')"
}
subtest site_rules site_rules

# After an exec, the process's functions are the new program's: the
# shell's calls come first, then sites in the same process.
site_exec() {
    mkdir -p "$T/d" || return 1
    run "$E" -q -e inject=openat:error=ENOENT:site=func_b -- sh -c "cat /dev/null </dev/null; exec '$S' '$T/d' 2"
    assert_eq "exit status" "$RC" 0 && assert_eq "stdout" "$OUT" "$(expect 2 b1 b2)"
}
subtest site_exec site_exec

# Children are followed: each process's own modules.
site_fork() {
    mkdir -p "$T/d" || return 1
    run "$E" -q -e inject=openat:error=ENOENT:site=func_a -- sh -c "'$S' '$T/d' 1; '$S' '$T/d' 1"
    assert_eq "exit status" "$RC" 0 && assert_eq "stdout" "$OUT" "$(expect 1 a1; expect 1 a1)"
}
subtest site_fork site_fork

# No debuginfod server is asked while a call waits, even where
# DEBUGINFOD_URLS names one: ls's modules have no local debug information
# (a closed port here, which a connect() would try). Only errinj's own
# process is traced (no -f): its supervisor.
site_no_debuginfod() {
    mkdir -p "$T/d" || return 1
    ASAN_OPTIONS=detect_leaks=0 DEBUGINFOD_URLS=http://127.0.0.1:9 run strace -qq -e trace=connect -o "$T/trace" \
        "$E" -q -e inject=openat:error=ENOENT:site=nonexistent -- ls "$T/d"
    assert_eq "exit status" "$RC" 0 && assert_eq "errinj's connect() calls" "$(grep -c 'connect(' "$T/trace")" 0
}
subtest site_no_debuginfod site_no_debuginfod

# The summary counts the calls seen and those failed.
site_summary() {
    mkdir -p "$T/d" || return 1
    run "$E" -q -c -e inject=openat:error=ENOENT:site=func_b -- "$S" "$T/d" 3
    assert_eq "exit status" "$RC" 0 && assert_eq "stdout" "$OUT" "$(expect 3 b1 b2 b3)" &&
        assert_match "summary" "$ERR" '(^|[[:space:]])openat[[:space:]]+[0-9]+[[:space:]]+3([[:space:]]|$)'
}
subtest site_summary site_summary

# A process that cannot be read (undumpable, for a user without
# CAP_SYS_PTRACE): its calls are neither failed nor counted, and said.
site_unreadable() {
    run "$E" -q -e inject=openat:error=EACCES:site=main:when=1 -- "$B/tests/calls" nodump openat:/nonexistent
    assert_eq "exit status" "$RC" 0 &&
        assert_eq "stdout" "$OUT" "$(printf 'nodump = 0\nopenat:/nonexistent = -1 ENOENT')" &&
        assert_match "message" "$ERR" '^errinj: 1 calls were neither failed nor counted by a site= rule'
}
if [ "$(id -u)" = 0 ]; then
    skip site_unreadable "root reads an undumpable process's stack"
else
    subtest site_unreadable site_unreadable
fi
done_testing
