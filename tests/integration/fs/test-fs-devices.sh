# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# Extra devices (issue 5 "Devices"): host nodes brought into /dev with
# their major/minor, checks before anything starts.

# fs_majmin PATH: "TYPE MAJOR:MINOR" (hex numbers, as stat %t:%T prints them).
fs_node_host() {
        stat -L -c '%F %t:%T' "$1"
}

fs_node_inside() { # [RUN OPTIONS...] -- PATH
        local opts=()
        while [ "$1" != -- ]; do
                opts+=("$1")
                shift
        done
        run "$USERBOX" run "${opts[@]}" "$TEST_ROOT" -- stat -c '%F %t:%T' "$2"
}

require_char_device() {
        [ -c "$1" ] || skip "machine: no $1 on this host"
}

test_device_keeps_its_major_and_minor() {
        require_char_device /dev/fuse
        fs_node_inside --device /dev/fuse -- /dev/fuse
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq "$(fs_node_host /dev/fuse)" "$OUT" "type and numbers of /dev/fuse inside"
}

test_device_class_name_brings_its_node() {
        require_char_device /dev/net/tun
        fs_node_inside --device tun -- /dev/net/tun
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq "$(fs_node_host /dev/net/tun)" "$OUT" "/dev/net/tun inside, its directory created"
}

test_device_at_another_path_in_the_container() {
        fs_node_inside --device /dev/null:/dev/other/null2 -- /dev/other/null2
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq "$(fs_node_host /dev/null)" "$OUT" "the node at its container path"
}

test_device_outside_dev_works_in_a_read_only_root_and_over_a_file() {
        local base root
        base=$(mktemp_dir)
        root=$base/root
        make_root "$root"
        run "$USERBOX" run --read-only --device /dev/full:/mnt/full "$root" -- stat -c '%F %t:%T' /mnt/full
        assert_eq 0 "$STATUS" "status in a read-only root ($ERR)"
        assert_eq "$(fs_node_host /dev/full)" "$OUT" "the node outside /dev"
        echo image >"$root/mnt/file"
        run "$USERBOX" run --device /dev/full:/mnt/file "$root" -- stat -c '%F %t:%T' /mnt/file
        assert_eq 0 "$STATUS" "status over a file of the image ($ERR)"
        assert_eq "$(fs_node_host /dev/full)" "$OUT" "the node over the file"
        assert_eq image "$(cat "$root/mnt/file")" "the image's file, unchanged"
        ln -s /proc "$root/mnt/p"
        run "$USERBOX" run --device /dev/full:/mnt/p/kcore "$root" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status of a node through a link into /proc"
        assert_contains "$ERR" "resolves into /proc or /sys" "the message"
}

# As for the user's mount points: in a directory of a subordinate id the
# node's file is made only once the id map is written.
test_device_outside_dev_in_a_read_only_root_in_a_directory_of_subordinate_ids() {
        require_subid
        local base root
        base=$(mktemp_dir)
        root=$base/root
        make_root "$root"
        run "$USERBOX" run --idmap subid "$root" -- sh -c 'mkdir -p /srv && chown 4:4 /srv && chmod 755 /srv'
        assert_eq 0 "$STATUS" "preparing /srv owned by 4:4 ($ERR)"
        run "$USERBOX" run --idmap subid --read-only --device /dev/full:/srv/full "$root" -- stat -c '%F %t:%T' /srv/full
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq "$(fs_node_host /dev/full)" "$OUT" "the node"
}

# A node below a user's --tmpfs lands on the tmpfs, made after it.
test_device_below_a_user_tmpfs_is_on_the_tmpfs() {
        local base root
        base=$(mktemp_dir)
        root=$base/root
        make_root "$root"
        mkdir "$root/srv"
        for ro in "" --read-only; do
                # shellcheck disable=SC2086 # empty or one option
                run "$USERBOX" run $ro --tmpfs /srv --device /dev/full:/srv/full "$root" -- stat -c '%F %t:%T' /srv/full
                assert_eq 0 "$STATUS" "status ${ro:-(writable root)} ($ERR)"
                assert_eq "$(fs_node_host /dev/full)" "$OUT" "the node on the tmpfs ${ro}"
                [ -e "$root/srv/full" ] && fail "a file was made in the image under the tmpfs ${ro}"
        done
        return 0
}

# Refused through a link into /sys, and nothing made in the image's /sys
# first (a read-only root makes mount points before /sys is mounted).
test_device_refused_into_sys_leaves_the_image_unchanged() {
        local base root
        base=$(mktemp_dir)
        root=$base/root
        make_root "$root"
        ln -s /sys/fs/cgroup "$root/mnt/cg"
        run "$USERBOX" run --read-only --device /dev/full:/mnt/cg/x "$root" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status"
        assert_contains "$ERR" "resolves into /proc or /sys" "the message"
        [ -e "$root/sys/fs" ] && fail "made in the image's /sys: $(find "$root/sys")"
        run "$USERBOX" run --read-only -b "$base:/mnt/cg/y" "$root" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status of a bind"
        [ -e "$root/sys/fs" ] && fail "made in the image's /sys by a bind: $(find "$root/sys")"
        return 0
}

test_device_keeps_the_host_permission_checks() {
        require_char_device /dev/fuse
        [ -r /dev/fuse ] && skip "machine: /dev/fuse is readable by $(id -un) here"
        run "$USERBOX" run --device /dev/fuse "$TEST_ROOT" -- sh -c 'cat /dev/fuse'
        assert_ne 0 "$STATUS" "opening a device the user cannot open on the host"
}

test_path_that_is_not_a_device_is_refused() {
        local before
        before=$(host_mountinfo)
        run "$USERBOX" run --device /etc/passwd "$TEST_ROOT" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status"
        assert_contains "$ERR" "/etc/passwd" "the message names the path"
        assert_eq "$before" "$(host_mountinfo)" "host mount table"
}

test_missing_device_is_refused() {
        run "$USERBOX" run --device /dev/userbox-no-such-device "$TEST_ROOT" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status"
        assert_contains "$ERR" "/dev/userbox-no-such-device" "the message names the path"
}

test_device_class_absent_from_the_host_is_a_clear_error() {
        [ -e /dev/dri ] && skip "machine: /dev/dri exists here"
        run "$USERBOX" run --device dri "$TEST_ROOT" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status"
        assert_contains "$ERR" "dri" "the message names the class"
}
