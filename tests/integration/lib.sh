# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# The helpers every integration test uses. tests/run sources this file and
# then a test file, and runs each test_* function in a fresh bash of its own:
# exit 0 = pass, 77 = skip, anything else = fail.
#
# Provided:
#   fail MSG                      print MSG, exit 1
#   skip REASON                   print REASON, exit 77 ("machine: ..." when
#                                 this machine lacks something; under CI=true
#                                 any other skip counts as a failure)
#   run CMD...                    run CMD (never fails); sets STATUS, OUT, ERR
#   assert_eq EXPECTED ACTUAL [WHAT]     assert_ne
#   assert_contains HAYSTACK NEEDLE [WHAT]   assert_not_contains
#   assert_status EXPECTED CMD... run + compare STATUS (shows OUT/ERR if not)
#   make_root DIR                 a fresh busybox-static root at DIR
#   mktemp_dir                    print a new temp dir, removed when the run ends
#   shipped_profiles_dir          a new temp dir holding conf/*.ini in modes userbox accepts
#   host_mountinfo                the host's mount table, normalised
#   $USERBOX $TEST_ROOT           the binary; the shared read-only busybox root
#   $USERBOX_SHIPPED_PROFILES     conf/*.ini copied with an install's modes;
#                                 USERBOX_PROFILE_PATH is it and an empty
#                                 $XDG_CONFIG_HOME/userbox
#   EXIT_USERBOX_FAILED=125 EXIT_CANNOT_EXECUTE=126 EXIT_NOT_FOUND=127
# and a few conveniences:
#   require_cmd CMD...            skip "machine: CMD not installed" unless found
#   require_subid                 skip unless the user owns subordinate ranges
#   slow                          skip when USERBOX_TESTS_QUICK=1 (heavy workloads)
#   subid_ranges uid|gid          print "START COUNT" per subordinate range of the user
#   host_id uid|gid ID            the host id that ID inside a subid map stands for
#   wait_for SECONDS CMD...       retry CMD every 0.1 s until it succeeds
#   readme_block TITLE            the lines of the first code block of
#                                 README.md's section "## TITLE"
#   no_process_with MARKER        true when no process has MARKER in its cmdline
#   kill_at_exit PID...           kill -9 these when the test case ends, whatever it asserted

# Mirrors src/util/exitcodes.h (used by the test files).
# shellcheck disable=SC2034
EXIT_USERBOX_FAILED=125
EXIT_CANNOT_EXECUTE=126
EXIT_NOT_FOUND=127
EXIT_SIGNAL_BASE=128

: "${USERBOX:=${BUILDDIR:-.}/userbox}"

fail() {
        printf 'FAIL: %s\n' "$*" >&2
        exit 1
}

skip() {
        printf 'SKIP: %s\n' "$*" >&2
        if [ -n "${TEST_SKIP_FILE:-}" ]; then
                printf '%s\n' "$*" >"$TEST_SKIP_FILE"
        fi
        exit 77
}

# run CMD...: never fails; STATUS, OUT and ERR describe what happened.
# OUT and ERR lose their trailing newlines, as $(...) does.
run() {
        local out err
        out=$(mktemp "${TESTS_TMPDIR:-${TMPDIR:-/tmp}}/out.XXXXXX") || fail "mktemp"
        err=$(mktemp "${TESTS_TMPDIR:-${TMPDIR:-/tmp}}/err.XXXXXX") || fail "mktemp"
        STATUS=0
        "$@" >"$out" 2>"$err" || STATUS=$?
        OUT=$(cat "$out")
        ERR=$(cat "$err")
        rm -f "$out" "$err"
        return 0
}

_show_run() {
        printf '  command: %s\n' "$*" >&2
        printf '  status: %s\n' "$STATUS" >&2
        printf '  stdout:\n%s\n' "$(printf '%s\n' "$OUT" | sed 's/^/    /')" >&2
        printf '  stderr:\n%s\n' "$(printf '%s\n' "$ERR" | sed 's/^/    /')" >&2
}

_what() { [ -n "${1:-}" ] && printf '%s: ' "$1"; }

assert_eq() {
        [ "$1" = "$2" ] && return 0
        {
                printf '%sexpected:\n' "$(_what "${3:-}")"
                printf '%s\n' "$1" | sed 's/^/    /'
                printf '  got:\n'
                printf '%s\n' "$2" | sed 's/^/    /'
        } >&2
        exit 1
}

assert_ne() {
        [ "$1" != "$2" ] && return 0
        printf '%sexpected anything but: %s\n' "$(_what "${3:-}")" "$1" >&2
        exit 1
}

assert_contains() {
        case "$1" in *"$2"*) return 0 ;; esac
        {
                printf '%sexpected to contain: %s\n  in:\n' "$(_what "${3:-}")" "$2"
                printf '%s\n' "$1" | sed 's/^/    /'
        } >&2
        exit 1
}

assert_not_contains() {
        case "$1" in *"$2"*) ;; *) return 0 ;; esac
        {
                printf '%sexpected not to contain: %s\n  in:\n' "$(_what "${3:-}")" "$2"
                printf '%s\n' "$1" | sed 's/^/    /'
        } >&2
        exit 1
}

# assert_status EXPECTED CMD...
assert_status() {
        local expected=$1
        shift
        run "$@"
        [ "$STATUS" = "$expected" ] && return 0
        printf 'expected status %s, got %s\n' "$expected" "$STATUS" >&2
        _show_run "$@"
        exit 1
}

require_cmd() {
        local c
        for c in "$@"; do
                command -v "$c" >/dev/null 2>&1 || skip "machine: $c is not installed"
        done
}

# The subordinate ranges of the current user, "START COUNT" per line, in
# file order, from /etc/subuid or /etc/subgid (matched by name or by uid).
subid_ranges() {
        # Both files are keyed by the owning user's name or uid.
        local file=/etc/sub$1 name id
        name=$(id -un)
        id=$(id -u)
        [ -r "$file" ] || return 0
        awk -F: -v n="$name" -v i="$id" '$1 == n || $1 == i { print $2, $3 }' "$file"
}

# host_id uid|gid ID: where ID (>= 1) lands in a subid map: 1.. run through
# the user's subordinate ranges in file order; 0 is the user.
host_id() {
        local kind=$1 id=$2 start count
        if [ "$id" = 0 ]; then
                id -"${kind:0:1}"
                return
        fi
        id=$((id - 1))
        while read -r start count; do
                if [ "$id" -lt "$count" ]; then
                        echo $((start + id))
                        return
                fi
                id=$((id - count))
        done < <(subid_ranges "$kind")
        echo unmapped
}

require_subid() {
        [ -n "$(subid_ranges uid)" ] && [ -n "$(subid_ranges gid)" ] && return 0
        skip "no subordinate ranges for $(id -un) in /etc/subuid and /etc/subgid"
}

slow() {
        [ "${USERBOX_TESTS_QUICK:-0}" = 1 ] && skip "quick: slow test skipped (USERBOX_TESTS_QUICK=1)"
        return 0
}

# wait_for SECONDS CMD...: true as soon as CMD succeeds.
wait_for() {
        local tries=$(($1 * 10))
        shift
        while [ "$tries" -gt 0 ]; do
                "$@" && return 0
                sleep 0.1
                tries=$((tries - 1))
        done
        return 1
}

# True when no process of any user has MARKER in its command line.
no_process_with() {
        local f args IFS=' '
        for f in /proc/[0-9]*/cmdline; do
                # Read and compared in the shell: a grep given MARKER would
                # match itself, and a program per process costs ~5 ms of CPU
                # each, a second a call on a busy machine.
                mapfile -d '' -t args 2>/dev/null <"$f" || continue
                [[ "${args[*]}" == *"$1"* ]] && return 1
        done
        return 0
}

# Processes a test started in the background (launchers, listeners),
# ended with the test case: kill -9 of a launcher ends its container.
_killed_at_exit=()
_kill_at_exit() {
        local pid
        for pid in "${_killed_at_exit[@]}"; do
                kill -9 "$pid" 2>/dev/null
        done
        return 0
}
kill_at_exit() {
        _killed_at_exit+=("$@")
        trap _kill_at_exit EXIT
}

# The host's mount table, for before/after comparison. Mount and parent ids
# are dropped (they identify, but a mount that left and came back would get
# new ones: the rest of the line is what matters).
host_mountinfo() {
        cut -d' ' -f3- /proc/self/mountinfo
}

mktemp_dir() {
        mktemp -d "${TESTS_TMPDIR:-${TMPDIR:-/tmp}}/dir.XXXXXX"
}

# A search path holding the shipped profiles, whatever the checkout's modes.
shipped_profiles_dir() {
        local dir
        dir=$(mktemp_dir)
        chmod 755 "$dir"
        cp "${SRCDIR:?}"/conf/*.ini "$dir"/
        chmod 644 "$dir"/*.ini
        echo "$dir"
}

# The busybox-static binary of the host, or nothing.
_busybox_binary() {
        local b
        for b in "${BUSYBOX:-}" /bin/busybox /usr/bin/busybox; do
                [ -n "$b" ] && [ -x "$b" ] || continue
                # The root has no libc: a dynamic busybox would not start in it.
                if LC_ALL=C ldd "$b" 2>&1 | grep -q 'not a dynamic executable'; then
                        printf '%s\n' "$b"
                        return 0
                fi
        done
        return 1
}

# make_root DIR: a minimal root directory: busybox-static with its applets
# as links in /bin, root/user/nobody in /etc/passwd, and the mount points a
# container needs. Owned by the caller. Under tests/run, a copy of one
# made once per run (its ~400 links cost ~2 CPU seconds each time, and a
# run makes ~150 roots); the copy is the case's own, to change at will.
make_root() {
        local dir=$1 template
        if [ -z "${TESTS_TMPDIR:-}" ]; then
                _populate_root "$dir"
                return
        fi
        template=$TESTS_TMPDIR/make-root-template
        if [ ! -d "$template" ]; then
                # Made beside and renamed: a half-made template is never used.
                _populate_root "$template.$BASHPID"
                mv -T "$template.$BASHPID" "$template" 2>/dev/null || rm -rf "$template.$BASHPID"
        fi
        mkdir -p "$dir" && cp -a "$template/." "$dir/" || fail "make_root: cannot copy a root to $dir"
}

_populate_root() { # DIR
        local dir=$1 bb applet
        bb=$(_busybox_binary) || skip "machine: busybox-static is not installed"
        mkdir -p "$dir" || fail "make_root: cannot create $dir"
        (
                set -e
                cd "$dir"
                mkdir -p bin sbin usr/bin usr/sbin etc proc dev sys tmp root home/user run var/tmp mnt
                cp "$bb" bin/busybox
                for applet in $(./bin/busybox --list); do
                        # --list names busybox itself: never replace the binary with a link.
                        [ "$applet" = busybox ] && continue
                        ln -sf busybox "bin/$applet"
                done
                cat >etc/passwd <<-'EOF'
			root:x:0:0:root:/root:/bin/sh
			user:x:1000:1000:user:/home/user:/bin/sh
			nobody:x:65534:65534:nobody:/nonexistent:/bin/false
		EOF
                cat >etc/group <<-'EOF'
			root:x:0:
			user:x:1000:
			nogroup:x:65534:
		EOF
                chmod 1777 tmp var/tmp
        ) || fail "make_root: cannot populate $dir"
}

# unwritable_root DIR: makes the root DIR one the container cannot write
# under --idmap single: owned by a subordinate uid (chowned from a
# namespace that maps the ranges), mode 755, a uid the single map leaves
# unmapped, so nothing inside has DAC override on it.
unwritable_root() {
        local su sc gs gc
        require_subid
        require_cmd unshare
        read -r su sc < <(subid_ranges uid)
        read -r gs gc < <(subid_ranges gid)
        unshare --map-root-user --map-users="$su,1,$sc" --map-groups="$gs,1,$gc" chown 5:5 "$1" ||
                skip "machine: cannot chown into a subordinate uid with unshare --map-users"
}

readme_block() { # TITLE
        awk -v t="## $1" '
                $0 == t { on = 1; next }
                on && /^## / { exit }
                on && /^```/ { if (block) exit; block = 1; next }
                block && NF { print }
        ' "${SRCDIR:?}/README.md"
}
