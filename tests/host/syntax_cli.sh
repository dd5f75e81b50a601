#!/usr/bin/env bash
# The syntax corpus (as strace's qual_inject-syntax.test): malformed or
# out-of-range specs and arguments, each of which must exit 2 with exactly
# one line on stderr naming the problem, before anything is loaded: no
# bpf(2) call at all, seen by a seccomp filter (tests/progs/nobpf, which
# kills a caller of bpf(2); syntax_nothing_loaded shows that
# errinj with a valid spec does make them, here). Runs on the host and in
# the VM.
. "$(dirname "$0")/../lib.sh"

long=$(printf 'a%.0s' $(seq 300))
# spec | what the message must contain
specs=(
    "|empty inject spec"
    ":|empty syscall set"
    "::|empty syscall set"
    "dup|add :error=ERRNO"
    "dup:|add :error=ERRNO"
    ":error=EIO|empty syscall set"
    "dup:=EIO|unknown key ''"
    "dup:error|not key=value"
    "dup:error==EIO|error==EIO"
    "nosuch:error=EIO|unknown syscall 'nosuch'"
    "DUP:error=EIO|unknown syscall 'DUP'"
    "dupp:error=EIO|did you mean 'dup'"
    "read,nosuch:error=EIO|unknown syscall 'nosuch'"
    "$long:error=EIO|unknown syscall 'aaaa"
    $'\xff\xfe:error=EIO|unknown syscall \'\\xff\\xfe\''
    $'d\xc3(p:error=EIO|unknown syscall'
    "dup:errno=EIO|unknown key 'errno'"
    "dup:foo=1|unknown key 'foo'"
    "dup:ERROR=EIO|unknown key 'ERROR'"
    "dup:error=EIO:when|not key=value"
    "dup:error=EIO:x=|unknown key 'x'"
    "dup:error=0|error=0"
    "dup:error=4096|error=4096"
    "dup:error=-1|error=-1"
    "dup:error=1.5|error=1.5"
    "dup:error=0x16|error=0x16"
    "dup:error=EFOO|error=EFOO"
    "dup:error= EINVAL|error= EINVAL"
    "dup:error=EINVAL |error=EINVAL "
    "dup:error=99999999999999999999|error=9999"
    "dup:error=|empty value for 'error'"
    "dup:retval=1e3|retval=1e3"
    "dup:retval=abc|retval=abc"
    "dup:retval=18446744073709551616|retval=18446744073709551616"
    "dup:retval=08|retval=08"
    "dup:retval=|empty value for 'retval'"
    "dup:signal=SIGFOO|signal=SIGFOO"
    "dup:signal=0|signal=0"
    "dup:signal=65|signal=65"
    "dup:signal=-1|signal=-1"
    "dup:signal=SIG|signal=SIG"
    "dup:signal=RTMIN+2|write RT_N for 32+N"
    "dup:signal=RT_33|signal=RT_33"
    "dup:when=3|no action"
    "dup:error=EIO:when=0|when=0"
    "dup:error=EIO:when=5..3|last (3) is before first (5)"
    "dup:error=EIO:when=2+0|step must be"
    "dup:error=EIO:when=2..|after '..'"
    "dup:error=EIO:when=..3|when=..3"
    "dup:error=EIO:when=+|when=+"
    "dup:error=EIO:when=2+x|when=2+x: step must be"
    "dup:error=EIO:when=3x|when=3x: expected first"
    "dup:error=EIO:when=x|when=x"
    "dup:error=EIO:when=0..5|when=0..5"
    "dup:error=EIO:when=1..0|after '..'"
    "dup:error=EIO:when=4294967296|when=4294967296"
    "dup:error=EIO:when=1+4294967296|step must be"
    "dup:error=EIO:when=2..3..4|when=2..3..4"
    "dup:error=EIO:when=2++|when=2++: step must be"
    "dup:error=EIO:when=-1|when=-1"
    "dup:error=EIO:prob=0|prob=0"
    "dup:error=EIO:prob=1.5|prob=1.5"
    "dup:error=EIO:prob=-0.5|prob=-0.5"
    "dup:error=EIO:prob=nan|prob=nan"
    "dup:error=EIO:prob=inf|prob=inf"
    "dup:error=EIO:prob=1e-1|prob=1e-1"
    "dup:error=EIO:prob=.|prob=."
    "dup:error=EIO:prob=2|prob=2"
    "dup:error=EIO:prob=0.0|prob=0.0"
    "dup:error=EIO:prob=1.0000001|prob=1.0000001"
    "dup:error=EIO:prob=0x1|prob=0x1"
    "dup:error=EIO:seed=1|seed= needs prob="
    "dup:error=EIO:prob=0.5:seed=-1|seed=-1"
    "dup:error=EIO:prob=0.5:seed=18446744073709551616|seed=18446744073709551616"
    "dup:error=EIO:prob=0.5:seed=abc|seed=abc"
    "dup:error=EIO:max=0|max=0"
    "dup:error=EIO:max=-1|max=-1"
    "dup:error=EIO:max=abc|max=abc"
    "dup:error=EIO:error=EIO|duplicate key 'error'"
    "dup:error=EIO:prob=0.5:prob=0.5|duplicate key 'prob'"
    "dup:error=EIO:prob=0.5:seed=1:seed=2|duplicate key 'seed'"
    "dup:error=EIO:max=1:max=2|duplicate key 'max'"
    "openat:error=EIO:path=/a:path=/b|duplicate key 'path'"
    "write:error=EIO:fd=1:fd=2|duplicate key 'fd'"
    "dup:signal=1:signal=2|duplicate key 'signal'"
    "dup:retval=1:retval=2|duplicate key 'retval'"
    "dup:error=EIO:retval=1|mutually exclusive"
    "read:error=EIO:path=/x|path= does not apply to read"
    "openat:error=EIO:path=/$long|longer than 127 bytes"
    "socket:error=EIO:fd=3|fd= does not apply to socket"
    "write:error=EIO:fd=-1|fd=-1"
    "write:error=EIO:fd=abc|fd=abc"
    "write:error=EIO:arg6=1|arg0..arg5"
    "write:error=EIO:argx=1|arg0..arg5"
    "write:error=EIO:arg1&0=0|non-zero integer MASK"
    "write:error=EIO:arg1&3=4|bits outside the mask"
    "write:error=EIO:arg1=zz|arg1=zz"
    "write:error=EIO:fd=1:arg0=1|duplicate filter on arg0"
    "write:error=EIO:arg0=1:arg0=2|duplicate filter on arg0"
    "getpid:error=EIO:arg0=1|arg0 does not apply to getpid"
    "%foo:error=EIO|unknown class '%foo'"
    "%:error=EIO|unknown class '%'"
    "/(:error=EIO|invalid regular expression"
    "/^zzz:error=EIO|matches no syscall"
    "/:error=EIO|invalid regular expression"
    "%memory:error=EIO:path=/x|no syscall of the set"
    "!:error=EIO|empty syscall set"
    "dup,!read:error=EIO|unknown syscall '!read'"
    ",,:error=EIO|empty syscall set"
    "dup,none:error=EIO|unknown syscall 'none'"
    "DESC:error=EIO|unknown syscall 'DESC'"
    "%DESC:error=EIO|unknown class '%DESC'"
    "500:error=EIO|unknown syscall number '500'"
    "51x:error=EIO|unknown syscall number '51x'"
    "read@32:error=EIO|only x86_64 syscalls"
    "read@foo:error=EIO|unknown personality 'foo'"
    # A control character in the personality is quoted too: the message stays one line (found by the fuzzer).
    $'read@#\nx:error=EIO|unknown personality \'#\\x0ax\''
    "dup:delay_enter=|empty value for 'delay_enter'"
    "dup:delay_enter=-1|delay_enter=-1"
    "dup:delay_enter=1x|delay_enter=1x"
    "dup:delay_enter=1 s|delay_enter=1 s"
    "dup:delay_enter=nan|delay_enter=nan"
    "dup:delay_enter=inf|delay_enter=inf"
    "dup:delay_enter=1e30s|delay_enter=1e30s"
    "dup:delay_enter=1:delay_enter=2|duplicate key 'delay_enter'"
    "dup:delay_exit=1|strace -e inject= serves it (errinj serves delay_enter=)"
    "write:poke_exit=@arg2=00|strace -e inject= serves it (errinj serves poke_enter=)"
    "dup:syscall=getpid|takes ptrace to rewrite the call"
    "write:poke_enter=@arg2=0|even number of hex digits after @arg2="
    "write:poke_enter=@arg0=00|N in 1..7"
    "write:poke_enter=@arg7=00|6 arguments"
    "write:poke_enter=arg2=00|expected @argN=HEX"
    "write:poke_enter=@arg2=0g|'g' is not a hex digit"
    "write:poke_enter=@arg2=00,|nothing after the last ','"
    "write:poke_enter=@arg2=00,@arg2=01|@arg2 given twice"
    "write:poke_enter=@arg2=|even number of hex digits"
    "write:poke_enter=@arg2=$(printf '00%.0s' $(seq 1025))|more than 1024 bytes"
    "write:poke_enter=@arg2=00:poke_enter=@arg3=00|duplicate key 'poke_enter'"
    "openat:error=ENOENT:site=|empty value for 'site'"
    "openat:error=ENOENT:site=$(printf 'f%.0s' $(seq 256))|longer than 255 bytes"
    "openat:error=ENOENT:site=func_a,func_b|expected one function name"
    "openat:error=ENOENT:site=func a|expected one function name"
    $'openat:error=ENOENT:site=f\xc3\xa9|expected one function name'
    "openat:error=ENOENT:site=main:site=main|duplicate key 'site'"
    "openat:error=ENOENT:Site=main|unknown key 'Site'"
)

bad_spec() { # SPEC FRAGMENT
    run_traced "$BIN/errinj" -e "inject=$1" -- true
    assert_usage_error "^errinj: " && assert_match "message" "$ERR" "$(printf '%s' "$2" | sed 's/[][\.*^$()+?{}|]/\\&/g')" &&
        assert_eq "bpf(2) calls" "$BPF" ""
}

i=0
for c in "${specs[@]}"; do
    i=$((i + 1))
    subtest "syntax_spec_$i" bad_spec "${c%|*}" "${c##*|}"
done

# Arguments around the specs.
args=(
    "option '-p' needs a value|-p"
    "invalid pid 'abc'|-p abc -e inject=dup:error=EIO"
    "invalid pid '0'|-p 0 -e inject=dup:error=EIO"
    "invalid pid '-5'|-p -5 -e inject=dup:error=EIO"
    "invalid duration '0'|-d 0 -p 1 -e inject=dup:error=EIO"
    "invalid duration 'x'|-d x -p 1 -e inject=dup:error=EIO"
    "not a cgroup v2 directory|--cgroup / -e inject=dup:error=EIO"
    "unknown option '-x'|-x"
    "unknown option '--foo'|--foo"
    "unsupported -e expression 'trace=x'|-e trace=x"
    "option '-e' needs a value|-e"
    "option '--inject' needs a value|--inject"
    "option '-o' needs a value|-o"
    "missing ERRNO|dup"
    "error=0|dup 0"
    "give only one of|-p 1 --cgroup /sys/fs/cgroup -e inject=dup:error=EIO"
    "bad fault spec 'dup:retval=1': fault= takes error=, not retval=|-e fault=dup:retval=1"
    "bad fault spec 'dup:signal=9': fault= takes error=|--fault=dup:signal=9"
    "bad fault spec 'dup:delay_enter=1': fault= takes error=|--fault=dup:delay_enter=1"
    "bad fault spec '': empty inject spec|-e fault="
    "bad fault spec 'nosuch': unknown syscall 'nosuch'|-e fault=nosuch"
    "option '--fault' needs a value|--fault"
    "unknown backend 'bpf'|--backend=bpf -e inject=dup:error=EIO -- true"
    "option '--backend' needs a value|--backend"
    "--backend=seccomp cannot serve -p|--backend=seccomp -p 1 -e inject=dup:error=EIO"
    "--backend=seccomp cannot serve --cgroup|--backend=seccomp --cgroup /sys/fs/cgroup -e inject=dup:error=EIO"
    "rule 1: delay_enter= is served only by the seccomp backend|-p 1 -e inject=read:delay_enter=1ms"
    "rule 2: poke_enter= is served only by the seccomp backend|-p 1 -e inject=dup:error=EIO -e inject=read:poke_enter=@arg2=00"
    "rule 1: delay_enter= needs the seccomp backend|--backend=kprobe -e inject=read:delay_enter=1ms -- true"
    "rule 1: poke_enter= needs the seccomp backend|--backend=fmod_ret -e inject=read:poke_enter=@arg2=00 -- true"
    "rule 1: site= is served only by the seccomp backend|-p 1 -e inject=openat:error=ENOENT:site=main"
    "rule 2: site= is served only by the seccomp backend|--cgroup /sys/fs/cgroup -e inject=dup:error=EIO -e inject=openat:error=ENOENT:site=main"
    "rule 1: site= needs the seccomp backend: a BPF program cannot unwind a caller's stack that has no frame pointers|--backend=kprobe -e inject=openat:error=ENOENT:site=main -- true"
    "rule 1: site= needs the seccomp backend|--backend=fmod_ret -e fault=openat:site=main -- true"
    "rule 1: retval=0 cannot be served by fmod_ret|--backend=fmod_ret -e inject=read:retval=0 -- true"
    "--features takes no other arguments|--features -e inject=dup:error=EIO"
)
bad_args() { # FRAGMENT ARGS
    local frag=$1
    shift
    # shellcheck disable=SC2086
    run_traced "$BIN/errinj" $1
    assert_usage_error "^errinj: " && assert_match "message" "$ERR" "$(printf '%s' "$frag" | sed 's/[][\.*^$()+?{}|]/\\&/g')" &&
        assert_eq "bpf(2) calls" "$BPF" ""
}
i=0
for c in "${args[@]}"; do
    i=$((i + 1))
    subtest "syntax_args_$i" bad_args "${c%%|*}" "${c#*|}"
done

# The cases above see no bpf(2) call. That proves something only if the
# same tracing sees errinj's calls when the spec is valid: on the test
# kernel it loads and attaches, on a kernel without kprobes its support
# check probes the kernel with bpf(2) before saying what is missing. And
# the spec alone makes the difference: a malformed one, same command line
# otherwise, makes none.
nothing_loaded() {
    run_traced "$BIN/errinj" -q -e inject=dup:error=EIO -- true
    if [ -z "$BPF" ]; then
        why "errinj with a valid spec made no bpf(2) call (exit $RC: $ERR): the syntax cases' 'no bpf(2) call' proves nothing here"
        return 1
    fi
    run_traced "$BIN/errinj" -q -e inject=dup:error=EIO:when=0 -- true
    assert_usage_error "when=0" && assert_eq "bpf(2) calls for a malformed spec" "$BPF" ""
}
subtest syntax_nothing_loaded nothing_loaded
done_testing
