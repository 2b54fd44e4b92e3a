# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# --user NAME reads the image's /etc/passwd and /etc/group, files of the
# image and so untrusted: a FIFO must not hang the launch (CVE-2022-1227), a
# symlink must not reach a host file, a huge file must not exhaust memory,
# a long one must not cost seconds of CPU.

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# Sets ROOT to a fresh root whose etc/passwd the test replaces.
fresh_root() {
        ROOT=$(mktemp_dir)/root
        make_root "$ROOT"
        rm -f "$ROOT/etc/passwd"
}

# user_run USER: userbox with --user USER, bounded in time: a hang is a failure.
user_run() {
        run timeout 20 "$USERBOX" run --user "$1" "$ROOT" -- id -u
        [ "$STATUS" = 124 ] && fail "userbox hung on --user $1"
        return 0
}

test_user_found_in_the_image_passwd() {
        fresh_root
        echo 'builder:x:4321:4322:b:/home/b:/bin/sh' >"$ROOT/etc/passwd"
        user_run builder
        must_succeed
        assert_eq 4321 "$OUT" "uid of builder"
}

test_passwd_fifo_fails_without_hanging() {
        fresh_root
        mkfifo "$ROOT/etc/passwd"
        user_run user
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "exit status"
        assert_contains "$ERR" "/etc/passwd" "the error message"
        assert_contains "$ERR" "not a regular file" "the error message"
}

test_passwd_symlink_to_a_host_file_is_not_followed_out() {
        fresh_root
        local host
        host=$(mktemp_dir)/passwd
        echo 'hostonly:x:4444:4444::/:/bin/sh' >"$host"
        ln -s "$host" "$ROOT/etc/passwd"
        user_run hostonly
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "exit status for a user only the host file has"
        assert_not_contains "$OUT" "4444"
        assert_contains "$ERR" "/etc/passwd" "the error message"

        rm "$ROOT/etc/passwd"
        ln -s "../../../../../../../../../../$host" "$ROOT/etc/passwd"
        user_run hostonly
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "exit status through a ../ symlink"
}

test_passwd_symlink_to_host_shadow_is_not_read() {
        fresh_root
        ln -s /etc/shadow "$ROOT/etc/passwd"
        user_run root
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "exit status"
        assert_contains "$ERR" "/etc/passwd" "the error message"
        assert_not_contains "$ERR" "Permission denied" "the host's /etc/shadow was opened"
}

test_huge_passwd_is_refused_with_a_clear_error() {
        fresh_root
        echo 'user:x:1000:1000::/:/bin/sh' >"$ROOT/etc/passwd"
        truncate -s 100M "$ROOT/etc/passwd"
        user_run user
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "exit status"
        assert_contains "$ERR" "/etc/passwd" "the error message"
        assert_contains "$ERR" "larger than" "the error message"
}

test_unknown_user_is_an_error_naming_it() {
        fresh_root
        echo 'user:x:1000:1000::/:/bin/sh' >"$ROOT/etc/passwd"
        user_run nosuchuser
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "exit status"
        assert_contains "$ERR" "nosuchuser" "the error message"
}

test_numeric_user_without_entry_runs() {
        fresh_root
        user_run 1234:1235
        must_succeed
        assert_eq 1234 "$OUT" "uid"
}

# Sets ROOT to a fresh root whose /etc/group has 200,000 lines, every one
# listing root and user: 3.9 MB, below the 4 MiB cap, more groups than the
# kernel allows anyone (NGROUPS_MAX, 65536).
root_with_a_long_group_file() {
        ROOT=$(mktemp_dir)/root
        make_root "$ROOT"
        awk 'BEGIN { for (i = 0; i < 200000; i++) printf "g:x:%d:root,user\n", 2000 + i }' >>"$ROOT/etc/group"
        [ "$(stat -c %s "$ROOT/etc/group")" -lt 4194304 ] || fail "the group file is over the 4 MiB cap"
}

# A default launch runs as the user's own identity and needs no group of
# the image; -u user names a user the kernel could never give all those
# groups. Both end within 5 s (reading the file once per line, as opposed
# to once per group found, takes a fraction of a second).
test_group_file_of_200000_lines_is_read_in_linear_time() {
        root_with_a_long_group_file
        run timeout 5 "$USERBOX" run "$ROOT" -- id -u
        [ "$STATUS" = 124 ] && fail "a default launch stalled on a 200,000-line /etc/group"
        must_succeed
        assert_eq 0 "$OUT" "uid of a default launch"

        run timeout 5 "$USERBOX" run -u user "$ROOT" -- id -u
        [ "$STATUS" = 124 ] && fail "-u user stalled on a 200,000-line /etc/group"
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "exit status of -u user ($ERR)"
        assert_contains "$ERR" "user 'user' is in 200001 groups in /etc/group of the container" "the error message"
        assert_contains "$ERR" "more than the $(getconf NGROUPS_MAX) the kernel allows" "the error message"
}

test_huge_group_file_is_refused_with_a_clear_error() {
        fresh_root
        echo 'user:x:1000:1000::/:/bin/sh' >"$ROOT/etc/passwd"
        truncate -s 100M "$ROOT/etc/group"
        user_run user
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "exit status"
        assert_contains "$ERR" "/etc/group" "the error message"
        assert_contains "$ERR" "larger than" "the error message"
}
