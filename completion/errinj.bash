# bash completion for errinj(1)                             -*- shell-script -*-
#
# Installed as share/bash-completion/completions/errinj (make install, the
# Debian package); or source it. Every list comes from the errinj being
# completed, `errinj --names=KIND`, so it never drifts from the binary:
# options, syscall names with the classes and `all` (SYSCALL, and SET in
# -e inject=SET:...), errno names after error=, signal names after
# signal=, the spec's keys after ':', backends; files after -o and the
# command, cgroup directories after --cgroup, pids after -p. After
# `errinj explore`, explore's options (from `errinj explore --help`), then
# the command, or after --merge the JSON reports.
#
# Self-contained (bash-completion's helpers are not needed). Readline
# splits words at COMP_WORDBREAKS ('=' and ':' among them), so the function
# reads the whole shell word from COMP_LINE and answers with the part after
# the last break character, which is what readline replaces.

# _errinj_names KIND: the names errinj knows, one a line.
_errinj_names() {
    "$_errinj_bin" --names="$1" 2>/dev/null
}

# _errinj_add PREFIX WORD...: each PREFIX+WORD that extends the word being
# completed becomes a candidate (relative to readline's word).
_errinj_add() {
    local pre=$1 w c
    shift
    for w in "$@"; do
        c=$pre$w
        [[ $c == "$_errinj_cur"* ]] && COMPREPLY+=("${c#"$_errinj_head"}")
    done
}

# _errinj_spec PREFIX SPEC: SPEC is what was typed of an inject=/fault=
# spec, SET[:key=value]...; PREFIX what comes before it in the word.
_errinj_spec() {
    local pre=$1 spec=$2 field key elem mark
    compopt -o nospace 2>/dev/null
    if [[ $spec != *:* ]]; then
        # SET: a comma-separated list; '!' before the set, '?' before a name.
        elem=${spec##*,}
        pre=$pre${spec%"$elem"}
        mark=
        [[ $elem == [?!]* ]] && mark=${elem:0:1}
        mapfile -t _errinj_list < <(_errinj_names syscalls)
        _errinj_add "$pre$mark" "${_errinj_list[@]}"
        return
    fi
    field=${spec##*:}
    pre=$pre${spec%"$field"}
    if [[ $field != *=* ]]; then
        mapfile -t _errinj_list < <(_errinj_names keys)
        _errinj_add "$pre" "${_errinj_list[@]/%/=}"
        return
    fi
    key=${field%%=*}
    pre=$pre$key=
    case $key in
    error) mapfile -t _errinj_list < <(_errinj_names errnos) ;;
    signal) mapfile -t _errinj_list < <(_errinj_names signals) ;;
    path) mapfile -t _errinj_list < <(compgen -f -- "${field#*=}") ;;
    *) return ;;
    esac
    _errinj_add "$pre" "${_errinj_list[@]}"
}

# _errinj_value OPTION PREFIX VALUE: the value of an option that takes one.
_errinj_value() {
    local opt=$1 pre=$2 val=$3
    case $opt in
    -e)
        if [[ $val == inject=* || $val == fault=* ]]; then
            _errinj_spec "$pre${val%%=*}=" "${val#*=}"
        else
            compopt -o nospace 2>/dev/null
            _errinj_add "$pre" inject= fault=
        fi
        ;;
    --inject | --fault) _errinj_spec "$pre" "$val" ;;
    -p | --pid)
        mapfile -t _errinj_list < <(cd /proc 2>/dev/null && compgen -G '[0-9]*')
        _errinj_add "$pre" "${_errinj_list[@]}"
        ;;
    -o | --output)
        compopt -o filenames 2>/dev/null
        mapfile -t _errinj_list < <(compgen -f -- "$val")
        _errinj_add "$pre" "${_errinj_list[@]}"
        ;;
    --cgroup)
        compopt -o filenames 2>/dev/null
        [[ -z $val ]] && val=/sys/fs/cgroup/ && _errinj_cur=$pre$val
        mapfile -t _errinj_list < <(compgen -d -- "$val")
        [[ $val == */ && -d $val ]] && _errinj_list+=("$val")
        _errinj_add "$pre" "${_errinj_list[@]}"
        ;;
    --backend)
        mapfile -t _errinj_list < <(_errinj_names backends)
        _errinj_add "$pre" "${_errinj_list[@]}"
        ;;
    --names) _errinj_add "$pre" syscalls errnos signals keys options backends ;;
    esac
}

# _errinj_explore_value OPTION PREFIX VALUE: the value of an option of
# errinj explore.
_errinj_explore_value() {
    local opt=$1 pre=$2 val=$3 elem
    case $opt in
    -s | --set) _errinj_spec "$pre" "$val" ;;
    --errno)
        # [SYSCALL=]ERRNO[,ERRNO]...
        compopt -o nospace 2>/dev/null
        elem=${val##*[=,]}
        pre=$pre${val%"$elem"}
        mapfile -t _errinj_list < <(_errinj_names errnos)
        _errinj_add "$pre" "${_errinj_list[@]}"
        if [[ $val != *[=,]* ]]; then
            mapfile -t _errinj_list < <(_errinj_names syscalls)
            _errinj_add "$pre" "${_errinj_list[@]/%/=}"
        fi
        ;;
    --by) _errinj_add "$pre" site call ;;
    --shard) _errinj_add "$pre" 1/ ;;
    -o | --output | --backend) _errinj_value "$opt" "$pre" "$val" ;;
    --stdin) _errinj_value -o "$pre" "$val" ;;
    --suppress) _errinj_value -o "$pre" "$val" ;;
    --sarif | --junit) _errinj_value -o "$pre" "$val" ;;
    esac
}

# _errinj_explore ARGS...: after `errinj explore`, the words before the
# one being completed.
_errinj_explore() {
    local opts=1 expect= merge= nwords=0 a cur=$_errinj_cur
    shift
    for a in "$@"; do
        if ((!opts)); then
            ((nwords++))
        elif [[ -n $expect ]]; then
            expect=
        else
            case $a in
            --) opts=0 ;;
            --merge) merge=1 ;;
            -s | -j | -o | --set | --errno | --by | --max-runs | --jobs | --timeout | --seed | --shard | --backend | \
                --output | --stdin | --suppress | --sarif | --junit) expect=$a ;;
            -?*) ;;
            *) opts=0; ((nwords++)) ;;
            esac
        fi
    done
    if ((opts)) && [[ -n $expect ]]; then
        _errinj_explore_value "$expect" "" "$cur"
        return
    fi
    if ((opts)) && [[ $cur == -* ]]; then
        case $cur in
        --*=*) _errinj_explore_value "${cur%%=*}" "${cur%%=*}=" "${cur#*=}" ;;
        *)
            # The option column of --help: up to two blanks.
            mapfile -t _errinj_list < <("$_errinj_bin" explore --help 2>/dev/null |
                sed -nE 's/^ +(-([^ ]| [^ ])*)  .*/\1/p' | grep -oE -- '--?[a-z][a-z-]*=?')
            _errinj_add "" "${_errinj_list[@]}"
            [[ ${#COMPREPLY[@]} == 1 && ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null
            ;;
        esac
        return
    fi
    compopt -o filenames 2>/dev/null
    if [[ -n $merge ]]; then
        # The shards' reports: JSON files, and directories on the way.
        mapfile -t _errinj_list < <(compgen -d -- "$cur"; compgen -f -X '!*.json' -- "$cur")
    elif ((nwords == 0)) && [[ $cur != */* ]]; then
        mapfile -t _errinj_list < <(compgen -c -- "$cur")
    else
        mapfile -t _errinj_list < <(compgen -f -- "$cur")
    fi
    _errinj_add "" "${_errinj_list[@]}"
}

_errinj() {
    local line=${COMP_LINE:0:COMP_POINT} i c a
    local _errinj_cur _errinj_head= _errinj_bin=${COMP_WORDS[0]}
    local -a args _errinj_list
    COMPREPLY=()
    command -v -- "$_errinj_bin" >/dev/null 2>&1 || _errinj_bin=errinj
    # The whole shell word being completed, and readline's part of it.
    _errinj_cur=${line##*[[:space:]]}
    read -ra args <<<"${line%"$_errinj_cur"}"
    if [[ $_errinj_cur == [\'\"]* ]]; then
        # In an open quote, readline's word starts after the quote.
        _errinj_cur=${_errinj_cur:1}
    else
        for ((i = ${#_errinj_cur} - 1; i >= 0; i--)); do
            c=${_errinj_cur:i:1}
            if [[ $COMP_WORDBREAKS == *"$c"* ]]; then
                _errinj_head=${_errinj_cur:0:i+1}
                break
            fi
        done
    fi

    if [[ ${args[1]} == explore ]]; then
        _errinj_explore "${args[@]:1}"
        return
    fi

    # The words before: options (and their values) until the first other
    # word or '--', as errinj's getopt reads them; then SYSCALL ERRNO (the
    # short form, when no -e rule was given), then the command.
    local opts=1 rules=0 expect= nwords=0
    for ((i = 1; i < ${#args[@]}; i++)); do
        a=${args[i]}
        if ((!opts)); then
            ((nwords++))
        elif [[ -n $expect ]]; then
            expect=
        else
            case $a in
            --) opts=0 ;;
            -e | --inject | --fault) ((rules++)); expect=$a ;;
            -e?* | --inject=* | --fault=*) ((rules++)) ;;
            -p | -d | -o | --pid | --cgroup | --duration | --output | --backend | --names) expect=$a ;;
            -?*) ;;
            *) opts=0; ((nwords++)) ;;
            esac
        fi
    done

    local cur=$_errinj_cur
    if ((opts)) && [[ -n $expect ]]; then
        _errinj_value "$expect" "" "$cur"
        return
    fi
    if ((opts)) && [[ $cur == -* ]]; then
        case $cur in
        --*=*) _errinj_value "${cur%%=*}" "${cur%%=*}=" "${cur#*=}" ;;
        -e?*) _errinj_value -e -e "${cur#-e}" ;;
        *)
            mapfile -t _errinj_list < <(_errinj_names options)
            _errinj_add "" "${_errinj_list[@]}"
            [[ ${#COMPREPLY[@]} == 1 && ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null
            ;;
        esac
        return
    fi
    # Short form: word 1 is SYSCALL, word 2 ERRNO, then '--' or the command.
    if ((rules == 0 && nwords == 0)); then
        mapfile -t _errinj_list < <(_errinj_names syscalls)
        # The subcommand, where the first word may be one.
        ((${#args[@]} == 1)) && _errinj_list+=(explore)
        _errinj_add "" "${_errinj_list[@]}"
    elif ((rules == 0 && nwords == 1)); then
        mapfile -t _errinj_list < <(_errinj_names errnos)
        _errinj_add "" "${_errinj_list[@]}"
    else
        # The command, then its arguments: files (the command's own
        # completion is not run).
        local first=$((rules == 0 ? 2 : 0))
        [[ ${args[${#args[@]} - 1]} == -- ]] && first=$nwords
        compopt -o filenames 2>/dev/null
        if ((nwords == first)) && [[ $cur != */* ]]; then
            mapfile -t _errinj_list < <(compgen -c -- "$cur")
        else
            mapfile -t _errinj_list < <(compgen -f -- "$cur")
        fi
        _errinj_add "" "${_errinj_list[@]}"
    fi
}

complete -F _errinj errinj
