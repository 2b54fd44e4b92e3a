# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# Working on a root's files from outside (issue 5): `userbox unshare` runs a
# host command with the container's id map, so the user can remove or chown
# what a subid container created; `userbox cp` copies into and out of a root
# with the owners mapped and the root chrooted, so that no symlink in the
# root can make it read or write the host's files.

# uc_expected_uid_map: the subid plan, "INSIDE OUTSIDE COUNT" per line:
# 0 -> the user, then every subordinate range in file order.
uc_expected_uid_map() {
        local start count inside=1
        echo "0 $(id -u) 1"
        while read -r start count; do
                echo "$inside $start $count"
                inside=$((inside + count))
        done < <(subid_ranges uid)
}

# uc_host_owner ID: "UID GID" on the host of the container's ID:ID.
uc_host_owner() {
        echo "$(host_id uid "$1") $(host_id gid "$1")"
}

# uc_container_root DIR: a root at DIR whose /data holds files that a subid container
# created: /data/f (1234:1234, mode 4755, "from the container"), the
# symlink /data/l -> ../etc/passwd, and /data/d/x with /data/d mode 700.
uc_container_root() {
        make_root "$1"
        run "$USERBOX" run --idmap subid "$1" -- sh -c '
                set -e
                mkdir -p /data/d
                echo "from the container" >/data/f
                chown 1234:1234 /data/f
                chmod 4755 /data/f
                touch -d "2003-04-05 06:07:08" /data/f
                ln -s ../etc/passwd /data/l
                echo x >/data/d/x
                chown -R 1234:1234 /data/d
                chmod 700 /data/d'
        [ "$STATUS" = 0 ] || fail "preparing the root in a container failed ($STATUS): $ERR"
}

# Sets the caller's base (a scratch directory) and root (uc_container_root
# in it); needs subordinate ranges.
uc_setup() {
        require_subid
        base=$(mktemp_dir)
        root=$base/root
        uc_container_root "$root"
}

# ------------------------------------------------------------------ unshare

test_unshare_maps_root_to_the_user_and_every_subordinate_range() {
        require_subid
        # shellcheck disable=SC2016 # expanded by the shell inside
        run "$USERBOX" unshare -- sh -c 'cat /proc/self/uid_map; echo "ids $(id -u) $(id -g)"'
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq "$(uc_expected_uid_map)
ids 0 0" "$(printf '%s\n' "$OUT" | awk '{ print $1, $2, $3 }')" "uid_map and ids inside"
}

test_unshare_idmap_single_maps_only_the_user() {
        run "$USERBOX" unshare --idmap single -- cat /proc/self/uid_map /proc/self/gid_map
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq "0 $(id -u) 1
0 $(id -g) 1" "$(printf '%s\n' "$OUT" | awk '{ print $1, $2, $3 }')" "uid_map and gid_map"
}

test_unshare_has_no_other_namespace() {
        require_subid
        local ns own
        for ns in mnt pid net uts ipc; do
                own=$(readlink "/proc/self/ns/$ns")
                run "$USERBOX" unshare -- readlink "/proc/self/ns/$ns"
                assert_eq 0 "$STATUS" "status ($ERR)"
                assert_eq "$own" "$OUT" "the $ns namespace inside unshare"
        done
        run "$USERBOX" unshare -- readlink /proc/self/ns/user
        assert_ne "$(readlink /proc/self/ns/user)" "$OUT" "the user namespace inside unshare"
}

test_unshare_keeps_the_working_directory_and_environment() {
        local dir
        dir=$(mktemp_dir)
        run bash -c 'cd "$1" && UC_MARKER=kept "$2" unshare -- sh -c "pwd; echo \$UC_MARKER"' _ "$dir" "$USERBOX"
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq "$dir
kept" "$OUT" "working directory and environment inside"
}

test_unshare_removes_a_tree_owned_by_subordinate_ids() {
        require_subid
        local base root
        base=$(mktemp_dir)
        root=$base/root
        make_root "$root"
        run "$USERBOX" run --idmap subid "$root" -- sh -c 'mkdir -p /data/x; chown -R 1234:1234 /data; chmod 700 /data/x'
        assert_eq 0 "$STATUS" "the container creating the tree ($ERR)"
        assert_eq "$(host_id uid 1234)" "$(stat -c %u "$root/data")" "host owner of the tree"
        run rm -rf "$root/data"
        assert_ne 0 "$STATUS" "a plain rm -rf of the subid-owned tree"
        [ -d "$root/data/x" ] || fail "plain rm -rf removed the tree: the test proves nothing"
        assert_status 0 "$USERBOX" unshare -- rm -rf "$root/data"
        [ -e "$root/data" ] && fail "userbox unshare -- rm -rf left $root/data"
        return 0
}

test_unshare_chown_recursive_maps_to_subordinate_ids() {
        require_subid
        local dir
        dir=$(mktemp_dir)
        mkdir -p "$dir/a/b"
        echo x >"$dir/a/b/f"
        assert_status 0 "$USERBOX" unshare -- chown -R 1234:1234 "$dir/a"
        assert_eq "$(uc_host_owner 1234)" "$(stat -c '%u %g' "$dir/a/b/f")" "host owner after chown -R 1234"
        # And back: 0 inside is the user.
        assert_status 0 "$USERBOX" unshare -- chown -R 0:0 "$dir/a"
        assert_eq "$(id -u) $(id -g)" "$(stat -c '%u %g' "$dir/a/b/f")" "host owner after chown -R 0"
}

test_unshare_passes_the_exit_status_through() {
        assert_status 7 "$USERBOX" unshare -- sh -c 'exit 7'
        assert_status 0 "$USERBOX" unshare -- true
        assert_status 1 "$USERBOX" unshare false
        # A PATH without directories the user cannot search: execvp reports
        # EACCES for those, which is not "not found".
        run env PATH=/usr/bin:/bin "$USERBOX" unshare -- userbox-no-such-command
        assert_eq "$EXIT_NOT_FOUND" "$STATUS" "status of a missing command ($ERR)"
        assert_contains "$ERR" "userbox-no-such-command" "the message names the command"
        local dir
        dir=$(mktemp_dir)
        printf '#!/bin/sh\n' >"$dir/noexec"
        chmod 644 "$dir/noexec"
        assert_status "$EXIT_CANNOT_EXECUTE" "$USERBOX" unshare -- "$dir/noexec"
        run "$USERBOX" unshare -- sh -c 'kill -TERM $$'
        assert_eq $((EXIT_SIGNAL_BASE + 15)) "$STATUS" "status of a command killed by SIGTERM"
}

test_unshare_without_a_command_is_refused() {
        run "$USERBOX" unshare
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status"
        assert_contains "$ERR" "command" "the message"
}

# ----------------------------------------------------------------------- cp

test_cp_file_into_and_out_of_a_root_takes_the_callers_ownership() {
        local base root
        uc_setup
        echo "from the host" >"$base/in"
        assert_status 0 "$USERBOX" cp "$base/in" "$root:/home/user/in"
        assert_eq "from the host" "$(cat "$root/home/user/in")" "content copied in"
        run "$USERBOX" run --idmap subid "$root" -- stat -c '%u %g' /home/user/in
        assert_eq "0 0" "$OUT" "owner inside of a file copied in without -a ($ERR)"
        assert_status 0 "$USERBOX" cp "$root:/data/f" "$base/out"
        assert_eq "from the container" "$(cat "$base/out")" "content copied out"
        assert_eq "$(id -u) $(id -g)" "$(stat -c '%u %g' "$base/out")" "host owner of a file copied out without -a"
}

test_cp_archive_keeps_mode_times_and_mapped_owners() {
        local base root
        uc_setup
        # Out: the container's 1234 is its subordinate id on the host.
        assert_status 0 "$USERBOX" cp -a "$root:/data/f" "$base/out"
        assert_eq "from the container" "$(cat "$base/out")" "content"
        assert_eq "$(uc_host_owner 1234) 4755" "$(stat -c '%u %g %a' "$base/out")" "owner and mode on the host"
        assert_eq "$(stat -c %y "$root/data/f")" "$(stat -c %y "$base/out")" "mtime"
        # In: the user's file is owned by 0 inside.
        echo "from the host" >"$base/in"
        chmod 640 "$base/in"
        touch -d "2001-02-03 04:05:06.123456789" "$base/in"
        assert_status 0 "$USERBOX" cp -a "$base/in" "$root:/home/user/in"
        assert_eq "640 $(stat -c %y "$base/in")" "$(stat -c '%a %y' "$root/home/user/in")" "mode and mtime in the root"
        run "$USERBOX" run --idmap subid "$root" -- stat -c '%u %g %a' /home/user/in
        assert_eq "0 0 640" "$OUT" "owner and mode inside ($ERR)"
}

test_cp_archive_copies_symlinks_as_symlinks() {
        local base root
        uc_setup
        assert_status 0 "$USERBOX" cp -a "$root:/data/l" "$base/l"
        [ -L "$base/l" ] || fail "the symlink was not copied as a symlink"
        assert_eq "../etc/passwd" "$(readlink "$base/l")" "link target"
        ln -s /no/such/target "$base/dangling"
        assert_status 0 "$USERBOX" cp -a "$base/dangling" "$root:/home/user/dangling"
        [ -L "$root/home/user/dangling" ] || fail "the host symlink was not copied as a symlink"
        assert_eq /no/such/target "$(readlink "$root/home/user/dangling")" "link target in the root"
        # Without -a a symlink is followed (inside the root): its target's content.
        assert_status 0 "$USERBOX" cp "$root:/data/l" "$base/followed"
        [ -L "$base/followed" ] && fail "without -a the link itself was copied"
        assert_eq "$(cat "$root/etc/passwd")" "$(cat "$base/followed")" "content of the link's target"
}

test_cp_archive_copies_a_directory_tree() {
        local base root
        uc_setup
        assert_status 0 "$USERBOX" cp -a "$root:/data" "$base/data"
        assert_eq "from the container" "$(cat "$base/data/f" 2>/dev/null || true)" "data/f"
        [ -L "$base/data/l" ] || fail "data/l is not a symlink"
        assert_eq "$(uc_host_owner 1234) 700" "$(stat -c '%u %g %a' "$base/data/d")" "data/d owner and mode"
        assert_status 0 "$USERBOX" unshare -- cat "$base/data/d/x"
        assert_eq x "$OUT" "data/d/x"
        # And back in, under another name, checked from inside.
        assert_status 0 "$USERBOX" cp -a "$base/data" "$root:/copy"
        run "$USERBOX" run --idmap subid "$root" -- sh -c \
                'stat -c "%u %g %a" /copy/f /copy/d /copy/d/x; readlink /copy/l; cat /copy/d/x'
        assert_eq "1234 1234 4755
1234 1234 700
1234 1234 644
../etc/passwd
x" "$OUT" "the tree copied back, seen inside ($ERR)"
}

test_cp_directory_without_archive_is_refused() {
        local base root
        uc_setup
        run "$USERBOX" cp "$root:/data" "$base/data"
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status"
        assert_contains "$ERR" "-a" "the message suggests -a"
        [ -e "$base/data" ] && fail "something was created"
        mkdir "$base/dir"
        run "$USERBOX" cp "$base/dir" "$root:/dir"
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status of a host directory copied in"
        [ -e "$root/dir" ] && fail "something was created in the root"
        return 0
}

test_cp_existing_directory_destination_copies_into_it() {
        local base root
        uc_setup
        mkdir "$base/out"
        assert_status 0 "$USERBOX" cp "$root:/data/f" "$base/out"
        assert_eq "from the container" "$(cat "$base/out/f")" "out/f"
        assert_status 0 "$USERBOX" cp -a "$root:/data/" "$base/out"
        [ -f "$base/out/data/f" ] || fail "a source with a trailing slash was not copied into the directory as data/"
        echo in >"$base/in"
        assert_status 0 "$USERBOX" cp "$base/in" "$root:/home/user"
        assert_eq in "$(cat "$root/home/user/in")" "home/user/in"
        assert_status 0 "$USERBOX" cp "$base/in" "$root:/"
        assert_eq in "$(cat "$root/in")" "/in"
}

test_cp_trailing_slash_on_a_file_is_refused() {
        local base root
        uc_setup
        echo in >"$base/in"
        assert_status "$EXIT_USERBOX_FAILED" "$USERBOX" cp "$base/in" "$root:/home/user/nodir/"
        [ -e "$root/home/user/nodir" ] && fail "a file was created for a destination that names a directory"
        assert_status "$EXIT_USERBOX_FAILED" "$USERBOX" cp "$root:/data/f/" "$base/out"
        [ -e "$base/out" ] && fail "a file was copied though its name ends with a slash"
        return 0
}

test_cp_whole_root_out() {
        local base root
        uc_setup
        assert_status 0 "$USERBOX" cp -a "$root:/" "$base/export"
        assert_eq "from the container" "$(cat "$base/export/data/f")" "export/data/f"
        [ -x "$base/export/bin/busybox" ] || fail "bin/busybox missing from the export"
        assert_status 0 "$USERBOX" unshare -- diff -r --no-dereference "$root" "$base/export"
}

# The issue's case: a symlink in the root naming /etc/passwd must give the
# container's /etc/passwd, never the host's.
test_cp_absolute_symlink_in_the_root_resolves_inside_it() {
        require_subid
        local base root
        base=$(mktemp_dir)
        root=$base/root
        make_root "$root"
        echo container >"$root/etc/passwd-real"
        rm "$root/etc/passwd"
        ln -s /etc/passwd-real "$root/etc/passwd"
        assert_status 0 "$USERBOX" cp "$root:/etc/passwd" "$base/out"
        assert_eq container "$(cat "$base/out")" "content of ROOT:/etc/passwd"
        # A link to /etc/passwd itself names the root's.
        make_root "$base/root2"
        echo "container passwd" >"$base/root2/etc/passwd"
        ln -s /etc/passwd "$base/root2/mnt/pw"
        assert_status 0 "$USERBOX" cp "$base/root2:/mnt/pw" "$base/out2"
        assert_eq "container passwd" "$(cat "$base/out2")" "content through a link to /etc/passwd"
        # Same through a directory link, with -a.
        ln -s /etc "$base/root2/mnt/etc"
        assert_status 0 "$USERBOX" cp -a "$base/root2:/mnt/etc/passwd" "$base/out3"
        assert_eq "container passwd" "$(cat "$base/out3")" "content through a directory link, -a"
}

# The host side of a copy in is the host's: a symlink given as the source
# is followed on the host (without -a), not in the root after the chroot.
test_cp_host_symlink_source_copies_the_hosts_file() {
        require_subid
        local base root
        base=$(mktemp_dir)
        root=$base/root
        make_root "$root"
        echo host >"$base/hostfile"
        mkdir -p "$root/$base"
        echo container >"$root/$base/hostfile"
        ln -s "$base/hostfile" "$base/link"
        assert_status 0 "$USERBOX" cp "$base/link" "$root:/copied"
        assert_eq host "$(cat "$root/copied")" "content copied through the host's link"
        assert_status 0 "$USERBOX" cp "$base/link" "$root:/tmp/"
        assert_eq host "$(cat "$root/tmp/link")" "copied into a directory, under the link's name"
        assert_status 0 "$USERBOX" cp -a "$base/link" "$root:/kept"
        assert_eq "$base/hostfile" "$(readlink "$root/kept")" "with -a the link itself"
}

test_cp_relative_symlink_climbing_out_of_the_root_stays_inside() {
        require_subid
        local base root
        base=$(mktemp_dir)
        root=$base/root
        make_root "$root"
        ln -s ../../../../../../../../etc "$root/mnt/escape"
        [ -e /etc/hostname ] || echo "(the host has no /etc/hostname: the first check is weaker)" >&2
        run "$USERBOX" cp "$root:/mnt/escape/hostname" "$base/out"
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status (the root has no /etc/hostname)"
        [ -e "$base/out" ] && fail "something was copied: $(cat "$base/out")"
        echo container-host >"$root/etc/hostname"
        assert_status 0 "$USERBOX" cp "$root:/mnt/escape/hostname" "$base/out"
        assert_eq container-host "$(cat "$base/out")" "content: the root's own /etc/hostname"
}

test_cp_into_a_root_through_a_symlinked_destination_stays_inside() {
        require_subid
        local base root target
        base=$(mktemp_dir)
        root=$base/root
        make_root "$root"
        # An absolute path that exists on the host (owned by the user, so a
        # copy that escaped would succeed) and inside the root.
        target=$base/target
        mkdir -p "$target" "$root$target"
        ln -s "$target" "$root/tmp/link"
        echo payload >"$base/in"
        assert_status 0 "$USERBOX" cp "$base/in" "$root:/tmp/link/x"
        assert_eq payload "$(cat "$root$target/x")" "the copy, inside the root"
        assert_eq "" "$(ls -A "$target")" "the host directory the link names"
        assert_status 0 "$USERBOX" cp -a "$base/in" "$root:/tmp/link/y"
        assert_status 0 "$USERBOX" cp "$base/in" "$root:/tmp/link"
        assert_eq "" "$(ls -A "$target")" "the host directory, after -a and directory copies"
        [ -f "$root$target/y" ] || fail "the -a copy is missing inside the root"
        [ -f "$root$target/in" ] || fail "the copy into the directory is missing inside the root"
        # A relative link climbing out lands at the root's top.
        ln -s ../../../../../../../.. "$root/tmp/up"
        assert_status 0 "$USERBOX" cp "$base/in" "$root:/tmp/up/climbed"
        [ -f "$root/climbed" ] || fail "the copy through ../.. is not at the root's top"
        [ -e /climbed ] && fail "the copy landed in the host's /"
        # A symlink planted at the destination file itself is not written through.
        ln -s "$target/planted" "$root/tmp/planted"
        run "$USERBOX" cp -a "$base/in" "$root:/tmp/planted"
        [ -e "$target/planted" ] && fail "the copy was written through a symlink to the host"
        return 0
}

test_cp_leaves_the_host_mount_table_unchanged() {
        require_subid
        local base root before i
        base=$(mktemp_dir)
        root=$base/root
        make_root "$root"
        echo x >"$base/in"
        before=$(host_mountinfo)
        for i in $(seq 10); do
                assert_status 0 "$USERBOX" cp "$base/in" "$root:/tmp/f$i"
                assert_status 0 "$USERBOX" cp -a "$root:/tmp/f$i" "$base/out$i"
        done
        assert_eq "$before" "$(host_mountinfo)" "host mount table after 20 copies"
}

test_cp_bad_arguments_are_refused() {
        local base
        base=$(mktemp_dir)
        echo x >"$base/a"
        run "$USERBOX" cp "$base/a" "$base/b"
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status with no ROOT:/PATH"
        assert_contains "$ERR" "ROOT:" "the message"
        run "$USERBOX" cp "$TEST_ROOT:/etc/passwd" "$TEST_ROOT:/tmp/x"
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status with two ROOT:/PATH"
        assert_contains "$ERR" "ROOT:" "the message"
        run "$USERBOX" cp "$base/a"
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status with one argument"
        assert_ne "" "$ERR" "a message with one argument"
        run "$USERBOX" cp "$base/a" "$base/b" "$TEST_ROOT:/tmp"
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status with three arguments"
        assert_ne "" "$ERR" "a message with three arguments"
        run "$USERBOX" cp "$base/a" "$base/no-such-root:/x"
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status with a missing root"
        assert_contains "$ERR" "no-such-root" "the message names the root"
        run "$USERBOX" cp "$TEST_ROOT:/no/such/file" "$base/c"
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status with a missing source"
        assert_contains "$ERR" "/no/such/file" "the message names the source"
        [ -e "$base/b" ] || [ -e "$base/c" ] && fail "a file was created"
        return 0
}

test_cp_archive_keeps_fifos_and_plain_cp_refuses_them() {
        require_subid
        local base root
        base=$(mktemp_dir)
        root=$base/root
        make_root "$root"
        mkfifo -m 640 "$root/tmp/fifo"
        run "$USERBOX" cp "$root:/tmp/fifo" "$base/plain"
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status of a fifo copied without -a"
        assert_contains "$ERR" "not a regular file" "the message"
        [ -e "$base/plain" ] && fail "something was created"
        assert_status 0 "$USERBOX" cp -a "$root:/tmp/fifo" "$base/fifo"
        [ -p "$base/fifo" ] || fail "the fifo was not copied as a fifo"
        assert_eq 640 "$(stat -c %a "$base/fifo")" "mode of the copied fifo"
}

test_cp_a_tree_into_itself_is_refused() {
        require_subid
        local base root
        base=$(mktemp_dir)
        root=$base/src/root
        mkdir -p "$base/src"
        echo x >"$base/src/file"
        make_root "$root"
        run timeout 60 "$USERBOX" cp -a "$base/src" "$root:/copy"
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status of a copy of the tree that holds the root, into it ($ERR)"
        assert_contains "$ERR" "into itself" "the message"
        run timeout 60 "$USERBOX" cp -a "$root:/" "$root/export"
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status of a root exported into itself ($ERR)"
        assert_contains "$ERR" "into itself" "the message"
}

# cp -a keeps what cp -a keeps: hard links stay links, extended attributes
# (user.*, and the file capabilities a container set) come along.
test_cp_archive_keeps_hard_links_both_ways() {
        require_subid
        local base root
        base=$(mktemp_dir)
        root=$base/root
        make_root "$root"
        mkdir -p "$base/t/sub"
        echo shared >"$base/t/a"
        ln "$base/t/a" "$base/t/sub/b"
        ln "$base/t/a" "$base/t/c"
        echo alone >"$base/t/d"
        assert_status 0 "$USERBOX" cp -a "$base/t" "$root:/t"
        run "$USERBOX" run --idmap subid "$root" -- sh -c \
                'stat -c %i /t/a /t/sub/b /t/c /t/d; stat -c %h /t/a; cat /t/sub/b'
        assert_eq 0 "$STATUS" "status ($ERR)"
        local inodes
        inodes=$(printf '%s\n' "$OUT" | head -n 4)
        assert_eq 1 "$(printf '%s\n' "$inodes" | head -n 3 | sort -u | wc -l)" "a, sub/b and c are one inode inside ($OUT)"
        assert_ne "$(printf '%s\n' "$inodes" | head -n 1)" "$(printf '%s\n' "$inodes" | sed -n 4p)" "d is its own file"
        assert_eq "3
shared" "$(printf '%s\n' "$OUT" | tail -n 2)" "link count and content inside"
        # And out again.
        assert_status 0 "$USERBOX" cp -a "$root:/t" "$base/back"
        assert_eq "$(stat -c %i "$base/back/a")" "$(stat -c %i "$base/back/sub/b")" "a and sub/b out of the root"
        assert_eq "$(stat -c %i "$base/back/a")" "$(stat -c %i "$base/back/c")" "a and c out of the root"
        assert_eq 3 "$(stat -c %h "$base/back/a")" "link count out of the root"
}

test_cp_archive_keeps_extended_attributes_and_file_capabilities() {
        # setcap and getcap live in /usr/sbin, off a normal user's PATH.
        local -x PATH="$PATH:/usr/sbin:/sbin"
        require_subid
        require_cmd setfattr getfattr setcap getcap
        local base root
        base=$(mktemp_dir)
        root=$base/root
        make_root "$root"
        mkdir "$base/x"
        echo data >"$base/x/f"
        setfattr -n user.colour -v blue "$base/x/f" 2>/dev/null ||
                skip "machine: $base does not take user.* extended attributes"
        setfattr -n user.kind -v dir "$base/x"
        # A file capability set from inside the user namespace: the kernel
        # stores it for this namespace's root (a v3 capability).
        cp /bin/true "$base/x/ping"
        assert_status 0 "$USERBOX" unshare -- setcap cap_net_raw+ep "$base/x/ping"
        assert_status 0 "$USERBOX" cp -a "$base/x" "$root:/x"
        assert_status 0 "$USERBOX" unshare -- getfattr --only-values -n user.colour "$root/x/f"
        assert_eq blue "$OUT" "user.colour of the copied file"
        assert_status 0 "$USERBOX" unshare -- getfattr --only-values -n user.kind "$root/x"
        assert_eq dir "$OUT" "user.kind of the copied directory"
        assert_status 0 "$USERBOX" unshare -- getcap "$root/x/ping"
        assert_contains "$OUT" "cap_net_raw" "file capability of the copy, seen in the user namespace"
        # Out again: the attributes survive the round trip.
        assert_status 0 "$USERBOX" cp -a "$root:/x" "$base/back"
        assert_eq blue "$(getfattr --only-values -n user.colour "$base/back/f" 2>/dev/null)" "user.colour out of the root"
        assert_eq dir "$(getfattr --only-values -n user.kind "$base/back" 2>/dev/null)" "user.kind out of the root"
        assert_status 0 "$USERBOX" unshare -- getcap "$base/back/ping"
        assert_contains "$OUT" "cap_net_raw" "file capability out of the root"
}
