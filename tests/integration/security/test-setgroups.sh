# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# With a single-id map the kernel requires setgroups to be denied: otherwise
# a user could shed a group whose permission bits deny access ("0707 files",
# CVE-2014-8989) by entering a user namespace.

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

test_setgroups_is_deny_with_a_single_id_map() {
        in_box --idmap single -- sh -c 'cat /proc/self/setgroups; /mnt/probe setgroups'
        must_succeed
        assert_contains "$OUT" "deny" "/proc/self/setgroups"
        assert_contains "$OUT" "setgroups: EPERM" "setgroups inside"
}

# A file 0707, owner an id of the user's subordinate range, group the
# user's own: the group bits deny the user, the others bits would allow
# anyone else. Inside a single-id container the user must stay in the group.
test_group_that_denies_access_cannot_be_shed() {
        require_subid
        local dir
        dir=$(mktemp_dir)
        chmod 755 "$dir"
        run "$USERBOX" run --idmap subid -b "$dir:/mnt" "$TEST_ROOT" -- \
                sh -c 'echo group-denied-secret > /mnt/f && chown 1:0 /mnt/f && chmod 0707 /mnt/f && ls -ln /mnt/f'
        must_succeed
        [ "$(stat -c %a "$dir/f")" = 707 ] || fail "could not prepare the 0707 file: $(stat -c '%a %u:%g' "$dir/f")"
        [ "$(stat -c %g "$dir/f")" = "$(id -g)" ] || fail "the file's group is not the user's: $(stat -c '%u:%g' "$dir/f")"
        # Sanity: outside, the user is denied by the group bits.
        cat "$dir/f" >/dev/null 2>&1 && fail "the user can read the 0707 file on the host: the test proves nothing"

        run "$USERBOX" run --idmap single -b "$dir:/mnt" "$TEST_ROOT" -- \
                sh -c 'cat /mnt/f; echo status=$?'
        must_succeed
        assert_not_contains "$OUT" "group-denied-secret" "the 0707 file read inside"
        assert_contains "$OUT" "status=1" "cat of the 0707 file"
}
