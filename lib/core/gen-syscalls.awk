# Generate errinj's syscall table from the kernel's own sources (Debian's
# linux-source-6.12): arch/x86/entry/syscalls/syscall_64.tbl gives each
# x86_64 syscall's number, name and entry point (sys_newfstat for fstat);
# include/linux/syscalls.h gives the entry point's prototype, from which
# the argument that is a path and whether the first argument is a file
# descriptor are derived by the rules below. The classes are strace's,
# which no header holds: lib/core/syscall-classes lists them, and every syscall
# of the table must be there.
#
#   awk -f gen-syscalls.awk syscall-classes include/linux/syscalls.h syscall_64.tbl > syscall_table.h

function trim(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s }

# The parameter's name: its last identifier, unless that is a type word
# (the prototype left it unnamed).
function argname(a,   n, t) {
    a = trim(a)
    gsub(/\*/, " ", a)
    n = split(a, t, /[ \t]+/)
    if (n < 2 || t[n-1] == "struct" || t[n-1] == "union")
        return ""
    if (t[n] ~ /^(int|long|short|char|unsigned|signed|void|const|__user|size_t|u32|u64|__u32|__u64|loff_t|off_t|pid_t|umode_t|key_serial_t)$/)
        return ""
    return t[n]
}

function is_path(a, name, fn) {
    if (a !~ /char __user \*/)
        return 0
    if (name ~ /^(filename|path|pathname|oldname|new|specialfile|dir_name|new_root|library|special)$/)
        return 1
    # acct(name) and umount(name) take paths; xattr and key names do not.
    return name == "name" && fn ~ /^sys_(acct|umount)$/
}

# A descriptor passed by value (not a pointer to some).
function is_fd(a, name) {
    return a !~ /\*/ && (name ~ /fd$/ || name ~ /^fd/ || name == "fildes") &&
        name !~ /^(nfds|max_fd)$/
}

# Bytes of the parameter's type: the kernel casts the register to it
# (SYSCALL_DEFINE's __SC_CAST), so an int uses the low 4 bytes only.
function argbytes(a, name,   t) {
    if (a ~ /\*/)
        return 8
    t = " " trim(a) " "
    if (name != "")
        sub(" " name " $", " ", t)
    gsub(/ (const|__user|signed) /, " ", t)
    if (t ~ / (umode_t|u16|__u16|short|unsigned short|qid_t16) $/)
        return 2
    if (t ~ / (int|unsigned int|unsigned|u32|__u32|s32|__s32|pid_t|uid_t|gid_t|qid_t|clockid_t|timer_t|key_serial_t|rwf_t|mqd_t|__kernel_timer_t|__kernel_clockid_t) $/)
        return 4
    return 8
}

function fail(msg) { print "gen-syscalls.awk: " msg > "/dev/stderr"; bad = 1; exit 1 }

BEGIN {
    split("%desc DESC %file FILE %net NET %process PROCESS %memory MEMORY %signal SIGNAL %ipc IPC " \
          "%creds CREDS %clock CLOCK %pure PURE %stat STAT %lstat LSTAT %fstat FSTAT %%stat STAT_LIKE " \
          "%statfs STATFS %fstatfs FSTATFS %%statfs STATFS_LIKE", cm, " ")
    for (i = 1; i in cm; i += 2)
        macro[cm[i]] = "EI_CLASS_" cm[i + 1]
}

FNR == 1 { file++ }

# ---- pass 0: strace's classes of each syscall ----
file == 1 && (/^#/ || NF == 0) { next }
file == 1 {
    if ($1 in classes)
        fail(FILENAME ": " $1 " is listed twice")
    c = ""
    for (i = 2; i <= NF; i++) {
        if (!($i in macro))
            fail(FILENAME ": unknown class " $i " of " $1)
        c = c (c == "" ? "" : "|") macro[$i]
    }
    classes[$1] = c == "" ? "0" : c
    next
}

# ---- pass 1: prototypes ----
file == 2 && /^asmlinkage long sys_/ { proto = ""; inproto = 1 }
file == 2 && inproto {
    proto = proto " " $0
    if (proto !~ /\);/)
        next
    inproto = 0
    fn = proto
    sub(/^.*asmlinkage long /, "", fn)
    sub(/\(.*$/, "", fn)
    args = proto
    sub(/^[^(]*\(/, "", args)
    sub(/\);.*$/, "", args)
    args = trim(args)
    n = args == "void" || args == "" ? 0 : split(args, av, ",")
    p = -1; fdfirst = 0; bytes = ""
    for (i = 1; i <= 6; i++) {
        if (i > n) {
            bytes = bytes (i > 1 ? ", " : "") "8"
            continue
        }
        nm = argname(av[i])
        bytes = bytes (i > 1 ? ", " : "") argbytes(av[i], nm)
        if (p < 0 && is_path(av[i], nm, fn))
            p = i - 1
        # fd= means the descriptor operated on, not a directory (dfd).
        if (is_fd(av[i], nm) && i == 1 && nm !~ /(^|_)dfd$|^(old|new)dfd$/)
            fdfirst = 1
    }
    # Socket calls leave their parameters unnamed: the first one is the
    # socket, except for the calls that create sockets. (Since 6.12 the
    # header has no comment naming net/socket.c: they are listed.)
    if (fn ~ /^sys_(bind|connect|listen|accept|accept4|getsockname|getpeername|sendto|send|recvfrom|recv|setsockopt|getsockopt|shutdown|sendmsg|recvmsg|recvmmsg|sendmmsg)$/ && n > 0)
        fdfirst = 1
    argb[fn] = bytes
    nargs[fn] = n; patharg[fn] = p; fd1[fn] = fdfirst
    next
}

# ---- pass 2: the x86_64 table ----
file == 3 && /^[0-9]/ && $2 != "x32" {
    nr = $1; name = $3; entry = NF >= 4 ? $4 : "sys_ni_syscall"
    if (entry == "sys_ni_syscall")
        next
    base = entry
    sub(/^sys_/, "", base)
    if (!(name in classes))
        fail(name " (" nr ") is not in " ARGV[1] ": list it there with its classes")
    c = classes[name]
    listed[name] = 1
    out[nr + 0] = sprintf("\t{ \"%s\", %d, \"%s\", %d, %d, %d, %s, { %s } },", name, nr, base,
        (entry in patharg) ? patharg[entry] : -1, (entry in fd1) ? fd1[entry] : 0,
        (entry in nargs) ? nargs[entry] : -1, c, (entry in argb) ? argb[entry] : "8, 8, 8, 8, 8, 8")
    if (nr + 0 > max) max = nr + 0
}

END {
    if (bad)
        exit 1
    for (n in classes)
        if (!(n in listed))
            fail(ARGV[1] ": " n " is not a syscall of " ARGV[3])
    print "/* Generated by lib/core/gen-syscalls.awk from the kernel's syscall_64.tbl and syscalls.h and lib/core/syscall-classes. */"
    print "static const struct ei_syscall_entry ei_syscall_table[] = {"
    for (i = 0; i <= max; i++)
        if (i in out)
            print out[i]
    print "};"
}
