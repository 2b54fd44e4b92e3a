# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# The command line ends at `--`, and identity maps are checked before any
# namespace or helper exists.

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

test_command_named_like_an_option_is_a_command() {
        local before
        before=$(host_mountinfo)
        run "$USERBOX" run "$TEST_ROOT" -- --bind /etc:/mnt
        assert_eq "$EXIT_NOT_FOUND" "$STATUS" "exit status of the command '--bind'"
        assert_eq "$before" "$(host_mountinfo)" "the host mount table"
        run "$USERBOX" run "$TEST_ROOT" -- --bind /etc:/mnt
        assert_not_contains "$ERR" "unrecognized option" "the error message"
}

test_command_named_like_an_option_mounts_nothing() {
        # The same with a real command after it: nothing of "--bind" applies.
        # A root of its own: binds of earlier tests leave their mount
        # points in the shared root's /mnt.
        local root
        root=$(mktemp_dir)/root
        make_root "$root"
        run "$USERBOX" run "$root" -- sh -c 'ls /mnt; grep -c " /mnt " /proc/self/mountinfo; true' --bind /etc:/mnt
        must_succeed
        assert_eq "0" "$OUT" "mounts at /mnt and its listing"
}

# refused_map OPTION...: userbox refuses the map before anything runs.
refused_map() {
        local before
        before=$(host_mountinfo)
        run "$USERBOX" run "$@" "$TEST_ROOT" -- echo started
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "exit status for $*"
        assert_not_contains "$OUT" "started" "the command ran with $*"
        [ -n "$ERR" ] || fail "no error message for $*"
        assert_eq "$before" "$(host_mountinfo)" "the host mount table"
}

test_overflowing_id_triples_are_refused() {
        refused_map --uidmap 0:4294967295:2
        refused_map --gidmap 0:4294967290:100
        refused_map --uidmap 4294967295:1000:1
        refused_map --uidmap 0:1000:0
}

test_id_triples_not_granted_are_refused() {
        refused_map --uidmap 0:0:1
        refused_map --uidmap 0:$(($(id -u) + 1)):1
        # Granted start, count past the end of every subordinate range.
        refused_map --uidmap 0:100000:4000000
}

test_profile_id_triples_are_refused() {
        local dir
        dir=$(mktemp_dir)
        printf '[IDMap]\nUID=0:0:1\n' >"$dir/root.ini"
        chmod 644 "$dir/root.ini"
        run "$USERBOX" run -p "$dir/root.ini" "$TEST_ROOT" -- echo started
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "exit status"
        assert_not_contains "$OUT" "started"
        assert_contains "$ERR" "0:0:1" "the error message (naming the triple)"
}
