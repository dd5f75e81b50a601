#!/usr/bin/env bash
# strace's own syntax tests, as data: every malformed spec of strace 6.1's
# tests/qual_inject-syntax.test (103) and tests/qual_fault-syntax.test (74)
# must exit 2 with exactly one line on stderr naming the bad part, load
# nothing (no bpf(2) call) and never run the command; and the valid specs
# of strace's injection tests (gen_tests.in and the qual_*, poke*, delay,
# inject-nf tests) are each accepted, or refused with the reason errinj
# gives. The spec strings are strace's; the expected fragments errinj's.
# Runs on the host (the parser is the same everywhere: 177 runs traced
# would take long in the emulated VM).
. "$(dirname "$0")/../lib.sh"

valid_scno=42 # as strace's tests on x86_64
zeroes=$(printf '0%.0s' $(seq 2050))

# strace 6.1 tests/qual_inject-syntax.test: spec | what the message names.
inject_bad=(
    "$valid_scno|'42'"
    "chdir|'chdir' says what to fail but not how"
    "chdir:$valid_scno|field '42' is not key=value"
    "!chdir:$valid_scno|field '42' is not key=value"
    "chdir:$valid_scno:when=7|field '42' is not key=value"
    "chdir:invalid|field 'invalid' is not key=value"
    "chdir:invalid:when=8|field 'invalid' is not key=value"
    "chdir:error=|empty value for 'error'"
    "chdir:error=:when=10|empty value for 'error'"
    "chdir:error=invalid_error_name|error=invalid_error_name"
    "chdir:error=invalid_error_name:when=11|error=invalid_error_name"
    "chdir:error=-1|error=-1"
    "chdir:error=-1:when=12|error=-1"
    "chdir:error=-2|error=-2"
    "chdir:error=-2:when=13|error=-2"
    "chdir:error=3+|error=3+"
    "chdir:error=3+:when=14|error=3+"
    "chdir:error=4096|error=4096"
    "chdir:error=4096:when=15|error=4096"
    "chdir:when=7:error=invalid_error_name|error=invalid_error_name"
    "chdir:when=|empty value for 'when'"
    "chdir:when=:error=19|empty value for 'when'"
    "chdir:when=0|when=0"
    "chdir:when=0:error=20|when=0"
    "chdir:when=-1|when=-1"
    "chdir:when=-1:error=21|when=-1"
    "chdir:when=-2+|when=-2+"
    "chdir:when=-2+:error=22|when=-2+"
    "chdir:when=-3+0|when=-3+0"
    "chdir:when=-3+0:error=23|when=-3+0"
    "chdir:when=4-|when=4-"
    "chdir:when=4-:error=24|when=4-"
    "chdir:when=5+-|when=5+-"
    "chdir:when=5+-:error=25|when=5+-"
    "chdir:when=6++|when=6++"
    "chdir:when=6++:error=26|when=6++"
    "chdir:when=7+0|when=7+0"
    "chdir:when=7+0:error=27|when=7+0"
    "chdir:when=8+-1|when=8+-1"
    "chdir:when=8+-1:error=28|when=8+-1"
    "chdir:when=9+1+|when=9+1+"
    "chdir:when=9+1+:error=29|when=9+1+"
    "chdir:when=65536|no action"
    "chdir:when=1+65536|no action"
    "chdir:retval=a|retval=a"
    "chdir:retval=0b|retval=0b"
    "chdir:retval=0x10000000000000000|retval=0x10000000000000000"
    "chdir:signal=0|signal=0"
    "chdir:signal=129|signal=129"
    "chdir:signal=1:signal=2|duplicate key 'signal'"
    "chdir:signal=1:retval=0:signal=2|duplicate key 'signal'"
    "chdir:retval=0:retval=1|duplicate key 'retval'"
    "chdir:error=1:error=2|duplicate key 'error'"
    "chdir:retval=0:error=1|error= and retval= are mutually exclusive"
    "chdir:error=1:retval=0|error= and retval= are mutually exclusive"
    "chdir:retval=0:signal=1:error=1|error= and retval= are mutually exclusive"
    "chdir:delay_enter=-1|delay_enter=-1"
    "chdir:delay_exit=-2|delay_exit= acts after the call has run"
    "chdir:delay_enter=1:delay_enter=2|duplicate key 'delay_enter'"
    "chdir:delay_exit=3:delay_exit=4|delay_exit= acts after the call has run"
    "chdir:delay_enter=5:delay_exit=6:delay_enter=7|delay_exit= acts after the call has run"
    "chdir:delay_exit=8:delay_enter=9:delay_exit=10|delay_exit= acts after the call has run"
    "chdir:syscall=invalid|syscall= runs another syscall"
    "chdir:syscall=chdir|syscall= runs another syscall"
    "chdir:syscall=%file|syscall= runs another syscall"
    "chdir:syscall=-42|syscall= runs another syscall"
    "chdir:syscall=$valid_scno|syscall= runs another syscall"
    "chdir:syscall=gettid:syscall=gettid|syscall= runs another syscall"
    "chdir:when=.|when=."
    "chdir:when=.+|when=.+"
    "chdir:when=..+|when=..+"
    "chdir:when=+|when=+"
    "chdir:when=++|when=++"
    "chdir:when=10.|when=10."
    "chdir:when=11.12|when=11.12"
    "chdir:when=13.14+|when=13.14+"
    "chdir:when=15..|when=15.."
    "chdir:when=16...|when=16..."
    "chdir:when=17...18|when=17...18"
    "chdir:when=.19|when=.19"
    "chdir:when=..20|when=..20"
    "chdir:when=..21+|when=..21+"
    "chdir:when=..22+3|when=..22+3"
    "chdir:when=24..23|when=24..23"
    "chdir:when=25..26+0|when=25..26+0"
    "chdir:when=27..65535|no action"
    "chdir:when=28..65535+|no action"
    "chdir:when=65535..65535|no action"
    "chdir:when=65535..65535+|no action"
    "chdir:poke_enter=|empty value for 'poke_enter'"
    "chdir:poke_exit=|empty value for 'poke_exit'"
    "chdir:poke_enter=invalid|poke_enter=invalid"
    "chdir:poke_enter=@arg8=|poke_enter=@arg8="
    "chdir:poke_enter=@arg0=|poke_enter=@arg0="
    "chdir:poke_enter=@arg1|poke_enter=@arg1"
    "chdir:poke_enter=@arg1=|poke_enter=@arg1="
    "chdir:poke_enter=@arg1=000|poke_enter=@arg1=000"
    "chdir:poke_enter=@arg1=nothex|poke_enter=@arg1=nothex"
    "chdir:poke_enter=@arg1=$zeroes|@arg1: more than 1024 bytes"
    "chdir:poke_enter=@arg1=5374726163652100,@arg1=5374726163652100|@arg1 given twice"
    "chdir:poke_enter=@arg1=5374726163652100:poke_enter=@arg1=5374726163652100|duplicate key 'poke_enter'"
)

# strace 6.1 tests/qual_fault-syntax.test (as -e fault=).
fault_bad=(
    "chdir:42|field '42' is not key=value"
    "!chdir:42|field '42' is not key=value"
    "chdir:42:when=7|field '42' is not key=value"
    "chdir:invalid|field 'invalid' is not key=value"
    "chdir:invalid:when=8|field 'invalid' is not key=value"
    "chdir:error=|empty value for 'error'"
    "chdir:error=:when=10|empty value for 'error'"
    "chdir:error=invalid_error_name|error=invalid_error_name"
    "chdir:error=invalid_error_name:when=11|error=invalid_error_name"
    "chdir:error=-1|error=-1"
    "chdir:error=-1:when=12|error=-1"
    "chdir:error=-2|error=-2"
    "chdir:error=-2:when=13|error=-2"
    "chdir:error=3+|error=3+"
    "chdir:error=3+:when=14|error=3+"
    "chdir:error=4096|error=4096"
    "chdir:error=4096:when=15|error=4096"
    "chdir:when=7:error=invalid_error_name|error=invalid_error_name"
    "chdir:when=|empty value for 'when'"
    "chdir:when=:error=19|empty value for 'when'"
    "chdir:when=0|when=0"
    "chdir:when=0:error=20|when=0"
    "chdir:when=-1|when=-1"
    "chdir:when=-1:error=21|when=-1"
    "chdir:when=-2+|when=-2+"
    "chdir:when=-2+:error=22|when=-2+"
    "chdir:when=-3+0|when=-3+0"
    "chdir:when=-3+0:error=23|when=-3+0"
    "chdir:when=4-|when=4-"
    "chdir:when=4-:error=24|when=4-"
    "chdir:when=5+-|when=5+-"
    "chdir:when=5+-:error=25|when=5+-"
    "chdir:when=6++|when=6++"
    "chdir:when=6++:error=26|when=6++"
    "chdir:when=7+0|when=7+0"
    "chdir:when=7+0:error=27|when=7+0"
    "chdir:when=8+-1|when=8+-1"
    "chdir:when=8+-1:error=28|when=8+-1"
    "chdir:when=9+1+|when=9+1+"
    "chdir:when=9+1+:error=29|when=9+1+"
    "chdir:retval=0|fault= takes error=, not retval=, signal="
    "chdir:signal=1|fault= takes error=, not retval=, signal="
    "chdir:error=1:error=2|duplicate key 'error'"
    "chdir:syscall=invalid|syscall= runs another syscall"
    "chdir:syscall=chdir|syscall= runs another syscall"
    "chdir:syscall=%file|syscall= runs another syscall"
    "chdir:syscall=-42|syscall= runs another syscall"
    "chdir:syscall=42|syscall= runs another syscall"
    "chdir:syscall=gettid:syscall=gettid|syscall= runs another syscall"
    "chdir:when=.|when=."
    "chdir:when=.+|when=.+"
    "chdir:when=..+|when=..+"
    "chdir:when=+|when=+"
    "chdir:when=++|when=++"
    "chdir:when=10.|when=10."
    "chdir:when=11.12|when=11.12"
    "chdir:when=13.14+|when=13.14+"
    "chdir:when=15..|when=15.."
    "chdir:when=16...|when=16..."
    "chdir:when=17...18|when=17...18"
    "chdir:when=.19|when=.19"
    "chdir:when=..20|when=..20"
    "chdir:when=..21+|when=..21+"
    "chdir:when=..22+3|when=..22+3"
    "chdir:when=24..23|when=24..23"
    "chdir:when=25..26+0|when=25..26+0"
)

# Of those, errinj accepts these on purpose: when= counts up to 2^32-1
# where strace stops at 65535 (and takes 65535 for "no last"). The man
# page says so.
extension=(
    "inject|chdir:when=65536:error=30"
    "inject|chdir:when=1+65536:error=31"
    "fault|chdir:when=65536"
    "fault|chdir:when=65536:error=30"
    "fault|chdir:when=1+65536"
    "fault|chdir:when=1+65536:error=31"
    "fault|chdir:when=27..65535"
    "fault|chdir:when=28..65535+"
    "fault|chdir:when=65535..65535"
    "fault|chdir:when=65535..65535+"
)

malformed() { # KIND SPEC FRAGMENT
    rm -f "$T/ran"
    run_traced "$BIN/errinj" -e "$1=$2" -- touch "$T/ran"
    assert_usage_error "^errinj: bad $1 spec " &&
        assert_match "message" "$ERR" "$(printf '%s' "$3" | sed 's/[][\.*^$()+?{}|]/\\&/g')" &&
        assert_eq "bpf(2) calls" "$BPF" "" &&
        assert_eq "the command ran" "$([ -e "$T/ran" ] && echo yes)" ""
}
i=0
for c in "${inject_bad[@]}"; do
    i=$((i + 1))
    subtest "strace_inject_syntax_$i" malformed inject "${c%%|*}" "${c#*|}"
done
i=0
for c in "${fault_bad[@]}"; do
    i=$((i + 1))
    subtest "strace_fault_syntax_$i" malformed fault "${c%%|*}" "${c#*|}"
done
[ "${#inject_bad[@]}" -eq 101 ] && [ "${#fault_bad[@]}" -eq 66 ] && [ "${#extension[@]}" -eq 10 ] ||
    subtest strace_syntax_count false # 103 + 74 = 101 + 66 + 10

accepted() { # ARGS...: errinj --check takes them
    run "$BIN/errinj" --check "$@"
    assert_eq "exit status ($ERR)" "$RC" 0
}
i=0
for c in "${extension[@]}"; do
    i=$((i + 1))
    subtest "strace_syntax_extension_$i" accepted -e "${c%%|*}=${c#*|}"
done

# The valid specs of strace's injection tests: accepted.
valid=(
    # gen_tests.in
    "inject=bpf:retval=42"
    "inject=clone3:retval=42"
    "inject=io_uring_register:retval=42"
    "inject=ioctl:when=256+:retval=42"
    "inject=landlock_create_ruleset:retval=7"
    "inject=memfd_secret:retval=7"
    "inject=getsockopt:retval=42"
    "inject=prctl:when=256+:retval=0"
    "inject=prlimit64:retval=42:when=256+"
    "inject=quotactl:retval=42"
    "inject=seccomp:retval=42"
    "inject=getsockopt,setsockopt:retval=42"
    # inject-nf.test (retval= in C notation) and qual_inject-retval.test
    "inject=/^geteuid(32)?$:retval=0"
    "inject=/^geteuid(32)?$:retval=1"
    "inject=/^geteuid(32)?$:retval=0x7fffffff"
    "inject=/^geteuid(32)?$:retval=0x80000000"
    "inject=/^geteuid(32)?$:retval=0xfffff000"
    "inject=/^geteuid(32)?$:retval=0xfffffffe"
    "inject=/^geteuid(32)?$:retval=0xffffffff"
    "inject=/^geteuid(32)?$:retval=0x100000000"
    "inject=/^geteuid(32)?$:retval=0x7fffffffffffffff"
    "inject=/^geteuid(32)?$:retval=0x8000000000000000"
    "inject=/^geteuid(32)?$:retval=0xfffffffffffff000"
    "inject=/^geteuid(32)?$:retval=0xfffffffffffffffe"
    "inject=/^geteuid(32)?$:retval=0xffffffffffffffff"
    "inject=chdir:retval=0"
    "inject=chdir:retval=42"
    "inject=syslog:retval=23"
    # qual_inject-signal.test, qual_inject-error-signal.test
    "inject=chdir:signal=USR1"
    "inject=chdir:error=ENOENT:signal=USR1"
    # poke.test, poke-unaligned.test, poke-ptrace.test, printpath-umovestr-legacy.test
    "inject=chdir:poke_enter=@arg1=3f5354524143457374726163653f00"
    "inject=chdir:poke_enter=@arg1=53747261636521"
    "fault=process_vm_writev"
    "fault=process_vm_readv"
    # delay.test's delay_enter= values (its delay_exit= needs ptrace: below)
    "inject=gettimeofday:delay_enter=800000"
    "inject=gettimeofday:delay_enter=8e5"
    "inject=gettimeofday:delay_enter=800ms"
    "inject=gettimeofday:delay_enter=+8e8ns"
    # qual_fault-exit_group.test
    "fault=exit_group:error=ENOSYS"
    "fault=all:error=ENOSYS"
    "fault=exit:error=1:when=2+"
    # qual_fault.test
    "fault=chdir"
)
i=0
for c in "${valid[@]}"; do
    i=$((i + 1))
    subtest "strace_valid_$i" accepted -e "$c"
done

# qual_fault.test's matrix: -e fault=writev[:when=...][:error=...] for
# each error spelling and when= form it tries.
fault_matrix() {
    local err F L S e w n=0 bad=
    for err in '' ENOSYS 22 einval; do
        e=${err:+:error=$err}
        for F in 1 2 3 7; do
            for w in "$F" "$F+"; do
                n=$((n + 1)); "$BIN/errinj" --check -e "fault=writev:when=$w$e" 2>/dev/null || bad="$bad writev:when=$w$e"
            done
            for L in 1 2 5 7 11; do
                [ "$L" -ge "$F" ] || continue
                for w in "$F..$L" "$F..$L+" "$F..$L+1" "$F..$L+2" "$F..$L+3" "$F..$L+7"; do
                    n=$((n + 1)); "$BIN/errinj" --check -e "fault=writev:when=$w$e" 2>/dev/null || bad="$bad writev:when=$w$e"
                done
            done
            for S in 1 2 3 7; do
                n=$((n + 1)); "$BIN/errinj" --check -e "fault=writev:when=$F+$S$e" 2>/dev/null || bad="$bad writev:when=$F+$S$e"
            done
        done
        n=$((n + 1)); "$BIN/errinj" --check -e "fault=writev$e" -e fault=chdir 2>/dev/null || bad="$bad writev$e"
    done
    [ "$n" -gt 300 ] || { why "only $n specs tried"; return 1; }
    [ -z "$bad" ] || { why "refused:$bad"; return 1; }
}
subtest strace_fault_matrix fault_matrix

# strace accepts these; errinj refuses each with the reason.
refused() { # FRAGMENT ARGS...
    local frag=$1
    shift
    run "$BIN/errinj" --check "$@"
    assert_usage_error "$(printf '%s' "$frag" | sed 's/[][\.*^$()+?{}|]/\\&/g')"
}
refusals=(
    # gen_tests.in (poke-sendfile), poke.test, poke-ptrace.test: after the call
    "poke_exit= acts after the call has run|inject=all:poke_enter=@arg3=0000000000000000:poke_exit=@arg3=ffffffffffffffff"
    "poke_exit= acts after the call has run|inject=getcwd:poke_exit=@arg1=5374726163652100"
    # poke-range.test: chdir has one argument (strace says so at each call)
    "poke_enter=@arg2: chdir has only 1 argument|inject=chdir:when=2+:poke_enter=@arg2=5374726163653f00"
    # delay.test
    "delay_exit= acts after the call has run|inject=gettimeofday:delay_enter=800000:delay_exit=1600000"
    "delay_exit= acts after the call has run|inject=gettimeofday:delay_enter=+8e8ns:delay_exit=.16E7"
)
# Sets strace has and errinj's table gains with the syscall-set work
# (numbers, none, legacy class names, %signal, %network, %ipc): accepted,
# or refused naming the element errinj does not know yet.
sets_specs=(
    # qual_fault-exit_group.test
    "process|fault=!process:error=1"
    "%signal|fault=!%desc,%file,%memory,%process,%signal,%network,%ipc:error=1"
    # qual_fault.test
    "none|fault=none"
    "desc|fault=desc,$valid_scno:error=ENOSYS"
)
set_element() { # ELEMENT ARGS...
    local el=$1
    shift
    run "$BIN/errinj" --check "$@"
    [ "$RC" = 0 ] || assert_usage_error "'$el'"
}
i=0
for c in "${sets_specs[@]}"; do
    i=$((i + 1))
    subtest "strace_sets_$i" set_element "${c%%|*}" -e "${c#*|}"
done

i=0
for c in "${refusals[@]}"; do
    i=$((i + 1))
    # shellcheck disable=SC2086
    subtest "strace_refused_$i" refused "${c%%|*}" -e "${c#*|}"
done
done_testing
