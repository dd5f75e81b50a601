#!/usr/bin/env bash
# A rule fails exactly the calls it selects, in exactly the processes it
# targets: containers (pid namespaces), zombies and reused pids, counters
# that must not vanish, long paths, int arguments, a full targets table,
# cgroups that lose members or hold errinj, the terminal's Ctrl-C, seeds,
# the loader's launcher, paths a kprobe cannot read, the launcher's own read.
# (Races between two CPUs: tests/vm/smp.sh.) What needs the kprobe backend
# (the loader, a kprobe's unreadable path) is skipped, and said, on a
# kernel without CONFIG_BPF_KPROBE_OVERRIDE (the 6.12 boot).
# boots: main 6.12
. "$(dirname "$0")/../lib.sh"

C=$B/tests/calls
S=$B/tests/scenario
H=$B/tests/hammer
E=$B/errinj

# ---- 1. pid namespaces ----

# errinj in a container: its command, whose pids there are not the
# kernel's global ones, is failed and errinj leaves when it exits.
pidns_command() {
    run unshare --pid --fork --mount-proc "$E" -e inject=dup:error=EIO -- "$C" dup socket
    assert_eq "exit status" "$RC" 0 &&
        assert_eq "stdout" "$OUT" "$(printf 'dup = -1 EIO\nsocket = 3')" &&
        assert_match "event" "$ERR" '^\[pid [0-9]+\] dup\([0-9]+\) = -1 EIO \(INJECTED\)$'
}
subtest pidns_command pidns_command

# Its events name the container's pids, as the man page says, not the
# kernel's global ones (#22 item 13b: the BPF backends printed [pid 108]
# for the container's pid 2): the command's getpid is the event's pid and
# tid (the leader's number and the thread's, found apart).
pidns_event_pids() { # BACKEND
    local b=$1 pid
    run unshare --pid --fork --mount-proc "$E" --backend=$b -e inject=dup:error=EIO -- "$C" getpid dup
    pid=$(sed -n 's/^getpid = //p' <<<"$OUT")
    assert_eq "$b: stdout" "$OUT" "$(printf 'getpid = %s\ndup = -1 EIO' "$pid")" &&
        assert_match "$b: event" "$ERR" "^\[pid $pid\] dup\(0\) = -1 EIO \(INJECTED\)\$" || return 1
    run unshare --pid --fork --mount-proc "$E" --backend=$b --json -e inject=dup:error=EIO -- "$C" getpid dup
    pid=$(sed -n 's/^getpid = //p' <<<"$OUT")
    assert_match "$b: json event" "$ERR" "\"pid\":$pid,\"tid\":$pid,.*\"syscall\":\"dup\""
}
subtest pidns_event_pids_fmod_ret pidns_event_pids fmod_ret
kprobe_subtest pidns_event_pids_kprobe pidns_event_pids kprobe
subtest pidns_event_pids_seccomp pidns_event_pids seccomp

# -p N inside a container means the container's process N, never the
# host's process whose global pid is N.
pidns_pid_is_the_containers() {
    "$H" dup -u "$T/stop" >"$T/host.out" &
    local hp=$!
    wait_file "$T/stop.ready" || return 1
    # In a new namespace, make the next pid equal the host process's
    # (ns_last_pid), start a target there, and aim -p at that number.
    run unshare --pid --fork --mount-proc sh -c "
        echo $((hp - 1)) >/proc/sys/kernel/ns_last_pid
        $H dup -u $T/stop2 >$T/ns.out &
        [ \$! = $hp ] || { echo \"ns pid \$! is not $hp\" >&2; exit 9; }
        while [ ! -e $T/stop2.ready ]; do sleep 0.1; done
        $E -q -p $hp -d 2 -e inject=dup:error=EIO
        rc=\$?
        touch $T/stop2
        wait
        exit \$rc"
    touch "$T/stop"
    wait $hp
    assert_eq "exit status" "$RC" 0 &&
        assert_match "the container's process $hp" "$(cat "$T/ns.out")" '^calls=[1-9][0-9]* errors=[1-9][0-9]* errno=5$' &&
        assert_match "the host's process $hp" "$(cat "$T/host.out")" '^calls=[1-9][0-9]* errors=0 errno=0$'
}
subtest pidns_pid_is_the_containers pidns_pid_is_the_containers

pidns_loader() {
    run unshare --pid --fork --mount-proc "$B/loader" dup EIO -- "$C" dup socket
    assert_eq "exit status" "$RC" 0 &&
        assert_eq "stdout" "$OUT" "$(printf 'dup = -1 EIO\nsocket = 3')"
}
kprobe_subtest pidns_loader pidns_loader

# ---- 2. a zombie is refused; a pid is a process, not a number ----
zombie_refused() {
    # sh's child exits at once; sh, now sleep, never reaps it.
    sh -c "sh -c 'exit 0' & echo \$! >$T/zpid; exec sleep 30" &
    local parent=$!
    wait_file "$T/zpid" || return 1
    local z i
    z=$(cat "$T/zpid")
    for i in $(seq 100); do grep -q '^State:.*Z' /proc/$z/status && break; sleep 0.1; done
    RUN_TIMEOUT=20 run "$E" -p "$z" -e inject=dup:error=EIO
    kill $parent
    wait $parent 2>/dev/null
    assert_usage_error "pid $z has exited" &&
        assert_eq "leftovers" "$(ours_gone)" ""
}
subtest zombie_refused zombie_refused

# ---- 3. when= counters live as long as their process ----
counters_survive_many_children() {
    # Each short-lived child makes some 25 distinct syscalls, each counted
    # by 15 rules: hundreds of counters per child, 400 children.
    local rules=(-e inject=dup:error=EIO:when=1) i
    for i in $(seq 15); do rules+=(-e inject=all:error=EPERM:when=4000000000); done
    RUN_TIMEOUT=300 run "$E" -q "${rules[@]}" -- "$S" dup spawn:400:/bin/true dup
    assert_eq "exit status" "$RC" 0 &&
        assert_eq "stdout" "$OUT" "$(printf 'dup = -1 EIO\nspawn: 400\ndup = 3')"
}
# inject=all on 16 rules: with the kprobe backend one kprobe.multi link;
# without the override option (the 6.12 boot) a fmod_ret load per
# syscall, about 285, past RUN_TIMEOUT in the 6.12 guest (doc/testing.md),
# so there it is skipped and the option named.
kprobe_subtest counters_survive_many_children counters_survive_many_children

# ---- 5. paths longer than the kernel side's buffer ----
long_path_not_matched_by_its_cut() {
    local a p
    a=$(printf 'a%.0s' $(seq 249))
    # byte 255 is 'x', and the path goes on
    p=/tmp/${a}x/$(printf 'b%.0s' $(seq 40))
    [ ${#p} -gt 255 ] && [ "${p:254:1}" = x ] || { why "bad test path"; return 1; }
    run "$E" -q -e 'inject=openat:error=EIO:path=*x' -- "$S" openat:"$p"
    assert_eq "'*x' against a longer path" "$OUT" "openat = -1 ENOENT" || return 1
    run "$E" -q -e 'inject=openat:error=EIO:path=/tmp/a*' -- "$S" openat:"$p"
    assert_eq "'/tmp/a*' against a longer path" "$OUT" "openat = -1 EIO"
}
subtest long_path_not_matched_by_its_cut long_path_not_matched_by_its_cut

path_of_255_bytes_is_whole() {
    local p
    p=/tmp/$(printf 'c%.0s' $(seq 250))
    [ ${#p} = 255 ] || { why "bad test path"; return 1; }
    run "$E" --json -e 'inject=openat:error=EIO:path=*c' -- "$S" openat:"$p"
    assert_eq "stdout" "$OUT" "openat = -1 EIO" &&
        assert_match "event" "$ERR" '"path_truncated":false'
}
subtest path_of_255_bytes_is_whole path_of_255_bytes_is_whole

# An empty path (glibc's fstat: newfstatat(fd, "", AT_EMPTY_PATH)) is
# read, not unreadable: path=* matches it, path=?* does not, and no call
# is said to be undecided (#22 item 13a: on 6.1 bpf_probe_read_user_str
# returns 0 for "", which the BPF backends took for an error).
empty_path() { # BACKEND
    local b=$1
    run "$E" --backend=$b -e 'inject=newfstatat:error=EIO:arg0=0:path=*' \
        -e 'inject=newfstatat:error=EPERM:arg0=1:path=?*' -- "$C" fstat:0 fstat:1
    assert_eq "$b: exit status" "$RC" 0 &&
        assert_eq "$b: stdout" "$OUT" "$(printf 'fstat:0 = -1 EIO\nfstat:1 = 0')" &&
        assert_eq "$b: stderr lines" "$(lines "$ERR")" 1 &&
        assert_match "$b: event" "$ERR" '^\[pid [0-9]+\] newfstatat\(""\) = -1 EIO \(INJECTED\)$'
}
subtest empty_path_fmod_ret empty_path fmod_ret
kprobe_subtest empty_path_kprobe empty_path kprobe
subtest empty_path_seccomp empty_path seccomp

# ---- 6. argK= of an int argument compares its 32 bits ----
int_argument_negative_value() {
    run "$E" -q -e 'inject=openat:error=EIO:arg0=-100:path=/dev/null' -- "$S" openat32:/dev/null openat:/dev/null
    assert_eq "stdout" "$OUT" "$(printf 'openat32 = -1 EIO\nopenat = -1 EIO')"
}
subtest int_argument_negative_value int_argument_negative_value

# ---- 7. a full targets table is said, not silent ----
targets_table_full() {
    # Room for 8: the command and 7 of its 20 children.
    ERRINJ_TEST_MAX_TARGETS=8 run "$E" -q -e inject=dup:error=EIO -- "$S" children:20
    assert_eq "exit status" "$RC" 0 &&
        assert_eq "stdout" "$OUT" "children: 7 of 20 failed" &&
        assert_match "stderr" "$ERR" '^errinj: 13 new processes were not followed: the targets table .* was full$'
}
subtest targets_table_full targets_table_full

# ---- 8. --cgroup: members only while members, never errinj ----
cgroup_member_that_leaves() {
    local cg=/sys/fs/cgroup/errinj-leave-$$
    mkdir "$cg" || { why "cannot create $cg"; return 1; }
    sh -c "echo \$\$ > $cg/cgroup.procs && exec $S waitfile:$T/go dup cgmove:/sys/fs/cgroup dup" >"$T/in.out" &
    local in=$! ep
    start_bg "injecting into cgroup" "$E" --cgroup "$cg" -e inject=dup:error=ENOSPC || { rmdir "$cg"; return 1; }
    touch "$T/go"
    wait $in
    kill -INT $ep
    wait $ep
    local erc=$?
    rmdir "$cg"
    assert_eq "member, then not" "$(cat "$T/in.out")" "$(printf 'dup = -1 ENOSPC\ndup = 3')" &&
        assert_eq "errinj exit status" "$erc" 0
}
subtest cgroup_member_that_leaves cgroup_member_that_leaves

cgroup_holding_errinj() {
    local cg=/sys/fs/cgroup/errinj-self-$$
    mkdir "$cg" || { why "cannot create $cg"; return 1; }
    "$S" waitfile:"$T/go" dup >"$T/in.out" &
    local in=$!
    echo $in >"$cg/cgroup.procs"
    # errinj joins the cgroup it injects into; every call it makes itself
    # is one of the rules'.
    start_bg "injecting into cgroup" sh -c "echo \$\$ > $cg/cgroup.procs && exec $E --cgroup $cg -d 3 -e inject=epoll_wait,epoll_pwait,read,dup:error=EIO" || { rmdir "$cg"; return 1; }
    touch "$T/go"
    wait $in
    wait $ep
    local erc=$?
    rmdir "$cg"
    assert_eq "member" "$(cat "$T/in.out")" "dup = -1 EIO" &&
        assert_eq "errinj exit status" "$erc" 0 &&
        assert_match "errinj's stderr" "$(cat "$T/e.err")" "dup\\([0-9]+\\) = -1 EIO \\(INJECTED\\)"
}
subtest cgroup_holding_errinj cgroup_holding_errinj

# ---- 9. the terminal's Ctrl-C reaches the command once ----
ctrl_c_once() {
    local prog
    # errinj and its command under a pseudo-terminal; Ctrl-C once the
    # command is running. An outer errinj records (and fakes) every
    # kill(..., SIGINT) of the inner one: there must be none, since the
    # terminal's SIGINT already reached the whole process group.
    prog='
import os, pty, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
out = b""
def read_until(marker, t=60):
    global out
    end = time.time() + t
    while marker not in out and time.time() < end:
        try:
            out += os.read(fd, 1024)
        except OSError:
            break
read_until(b"ready")
os.write(fd, b"\x03")
read_until(b"done")
os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
'
    run python3 -c "$prog" "$E" --json -o "$T/kills" -e 'inject=kill:retval=0:arg1=2' -- \
        "$E" -q -e inject=dup:error=EIO -- sh -c 'trap "echo got INT" INT; echo ready; sleep 5; echo done'
    assert_match "the command" "$OUT" 'got INT' &&
        assert_eq "errinj's kill(..., SIGINT) calls" "$(grep -c '"syscall":"kill"' "$T/kills")" 0
}
subtest ctrl_c_once ctrl_c_once

# ---- 10. seed=: every process draws its own, reproducibly ----
seed_per_process() {
    local spec=inject=dup:error=EIO:prob=0.5:seed=11
    run "$E" -q -e $spec -- sh -c "$C repeat:64:dup; echo --; $C repeat:64:dup"
    local first=$OUT a b
    a=$(printf '%s\n' "$OUT" | sed -n '1,/^--$/p' | grep -c EIO)
    b=$(printf '%s\n' "$OUT" | sed -n '/^--$/,$p' | grep -c EIO)
    run "$E" -q -e $spec -- sh -c "$C repeat:64:dup; echo --; $C repeat:64:dup"
    assert_eq "second run" "$OUT" "$first" &&
        { [ "$a" -gt 0 ] && [ "$b" -gt 0 ] || { why "no failures ($a, $b)"; return 1; }; } &&
        { [ "$(printf '%s\n' "$first" | sed -n '1,/^--$/p' | sed '$d')" != "$(printf '%s\n' "$first" | sed -n '/^--$/,$p' | sed 1d)" ] ||
            { why "both processes failed the same calls"; return 1; }; }
}
subtest seed_per_process seed_per_process

# ---- 11. the short form is never cut ----
short_form_long_set() {
    local set i
    set=$(for i in $(seq 30); do printf 'rmdir,'; done)nosuchcall
    run "$E" "$set" EIO -- true
    assert_usage_error "unknown syscall 'nosuchcall'" || return 1
    set=$(for i in $(seq 30); do printf 'rmdir,'; done)dup3
    run "$E" -q "$set" EIO -- "$C" dup
    assert_eq "dup is not dup3" "$OUT" "dup = 3"
}
subtest short_form_long_set short_form_long_set

# ---- 12. the loader's launcher is not a target ----
loader_spares_its_launcher() {
    run "$B/loader" execve EACCES -- perl -e 'exec("/bin/true") or print "exec: $!\n"'
    assert_eq "exit status" "$RC" 0 &&
        assert_eq "stdout" "$OUT" "exec: $(strerror 13)"
}
kprobe_subtest loader_spares_its_launcher loader_spares_its_launcher

# ---- 13. a path a kprobe cannot read is counted and said (fmod_ret and
# seccomp read it: tests/vm/backends.sh) ----
untouched_path_said() {
    run "$E" --backend=kprobe -q -e 'inject=openat:error=EIO:path=/dev/nul*:when=2' -- "$S" untouched:/dev/null openat:/dev/null openat:/dev/null
    assert_eq "exit status" "$RC" 0 &&
        assert_eq "stdout (the unread call is not counted)" "$OUT" "$(printf 'untouched = 3\nopenat = 3\nopenat = -1 EIO')" &&
        assert_match "stderr" "$ERR" '^errinj: 1 calls were neither failed nor counted by a path= rule'
}
kprobe_subtest untouched_path_said untouched_path_said

# ---- 14. a launched command's first call is its own ----
# errinj's launcher waits for a byte on a pipe (a read) until the command
# is a target pending its execve; that read must never count as one of
# the command's. It once did (strace_compat_14 on fmod_ret, once in about
# six full runs): the add iterator created the entry active and set its
# state after. ERRINJ_TEST_SLOW_ADD lands the launcher's read in that
# window every time (the iterator spins there, the launcher waits 20 ms
# before its read); both BPF backends share the iterator.
launcher_read_not_counted() { # BACKEND
    local b=$1
    run env ERRINJ_TEST_SLOW_ADD=1 "$E" --backend=$b -q -e inject=read:error=EIO:when=1 -- "$C" read:0
    assert_eq "$b: exit status" "$RC" 127 &&
        assert_match "$b: the command's first read (ld.so's) failed" "$ERR" \
            '^[^ ]*calls: error while loading shared libraries: .*: Input/output error$'
}
subtest launcher_read_not_counted_fmod_ret launcher_read_not_counted fmod_ret
kprobe_subtest launcher_read_not_counted_kprobe launcher_read_not_counted kprobe

done_testing
