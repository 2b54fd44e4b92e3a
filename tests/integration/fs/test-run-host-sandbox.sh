# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# `userbox run -- CMD` with no ROOT: the host's / read-only, private /tmp,
# /dev and /proc, and the current directory writable.

test_host_sandbox_runs_host_commands() {
        run "$USERBOX" run -- /bin/sh -c 'echo inside'
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq inside "$OUT" "output"
}

test_host_sandbox_root_is_read_only() {
        run "$USERBOX" run -- /bin/sh -c 'touch /usr/userbox-probe-$$ 2>/dev/null && echo written || echo refused'
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq refused "$OUT" "writing under /usr"
        run "$USERBOX" run -- cat /proc/self/mountinfo
        local root_opts
        root_opts=$(printf '%s\n' "$OUT" | awk '$5 == "/" { opts = $6 } END { print opts }')
        case ",$root_opts," in *,ro,*) ;; *) fail "/ is not mounted read-only: $root_opts" ;; esac
}

test_host_sandbox_tmp_is_private_and_writable() {
        local host_file=/tmp/userbox-host-file-$$-$RANDOM inside_file=/tmp/userbox-inside-file-$$-$RANDOM
        : >"$host_file"
        run "$USERBOX" run -- /bin/sh -c "test -e $host_file && echo visible; echo data > $inside_file && cat $inside_file"
        rm -f "$host_file"
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq data "$OUT" "a host /tmp file must be invisible and /tmp writable"
        [ ! -e "$inside_file" ] || { rm -f "$inside_file"; fail "a file written to /tmp inside appeared on the host"; }
}

test_host_sandbox_cwd_is_writable_and_shared_with_the_host() {
        # The runner starts each test in a fresh directory under $TMPDIR: the
        # current directory must win over the private /tmp.
        run "$USERBOX" run -- /bin/sh -c 'pwd; echo hello > made-inside'
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq "$PWD" "$OUT" "working directory inside"
        assert_eq hello "$(cat made-inside 2>/dev/null)" "file written inside, read on the host"
        assert_eq "$(id -u)" "$(stat -c %u made-inside)" "owner of the file on the host"
}

test_host_sandbox_cwd_outside_tmp_is_writable_and_shared() {
        local dir
        [ -w "$HOME" ] || skip "machine: \$HOME is not writable"
        dir=$(mktemp -d "$HOME/.userbox-test.XXXXXX") || fail "mktemp in \$HOME"
        (cd "$dir" && "$USERBOX" run -- /bin/sh -c 'echo hello > made-inside') >/dev/null 2>&1
        local content
        content=$(cat "$dir/made-inside" 2>/dev/null)
        rm -rf "$dir"
        assert_eq hello "$content" "file written inside a cwd under \$HOME"
}

test_host_sandbox_has_private_proc_and_dev() {
        run "$USERBOX" run -- /bin/sh -c 'echo $$; ls /dev'
        assert_eq 0 "$STATUS" "status ($ERR)"
        local pid
        pid=$(printf '%s\n' "$OUT" | sed -n 1p)
        [ "$pid" -lt 10 ] 2>/dev/null || fail "the command's pid $pid is not from a pid namespace of its own"
        assert_not_contains "$OUT" "vda" "host block devices in /dev"
        assert_not_contains "$OUT" "sda" "host block devices in /dev"
        # Whatever the host's disks are called: no block device at all.
        run "$USERBOX" run -- /bin/sh -c 'find /dev -xdev -type b'
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq "" "$OUT" "block devices in the sandbox's /dev"
}

# HOME is the user's own home, readable (so that git, ssh and friends find
# their settings), and read-only like the rest of the host: the current
# directory here is a temporary one, not the home.
test_host_sandbox_home_is_the_users_own_home_readable_and_read_only() {
        [ -d "$HOME" ] && [ -r "$HOME" ] || skip "machine: \$HOME is not a readable directory"
        run "$USERBOX" run -- /bin/sh -c \
                'echo "$HOME"; cd && pwd; ls -a . >/dev/null && echo readable; [ -w . ] && echo writable || echo read-only'
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq "$HOME
$HOME
readable
read-only" "$OUT" "HOME inside, cd to it, read and write it"
        # git's per-user settings are found there.
        if command -v git >/dev/null 2>&1; then
                run "$USERBOX" run -- git config --global --list
                assert_not_contains "$ERR" "Permission denied" "git config --global --list"
        fi
}

# A home that does not exist (a service account's) leaves HOME at /.
test_host_sandbox_home_falls_back_to_the_root_directory() {
        run env HOME=/no/such/home "$USERBOX" run --no-clear-env -- /bin/sh -c 'echo "$HOME"'
        assert_eq /no/such/home "$OUT" "HOME with --no-clear-env is the host's, as it was ($ERR)"
        run env HOME=/no/such/home "$USERBOX" run -- /bin/sh -c 'echo "$HOME"; cd && pwd'
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq "/
/" "$OUT" "HOME for a home that does not exist"
}
