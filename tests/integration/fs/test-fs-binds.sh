# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# The user's mounts (design §4 step 5, issue 5 "Mounts"): binds and tmpfs
# in order, flags applied to whole subtrees, destinations resolved inside
# the root, sources checked on the host before anything starts.

# fs_mounts_inside [RUN OPTIONS...] ROOT: "MOUNTPOINT FSTYPE OPTIONS" per line
# of the container's /proc/self/mountinfo (per-mount options).
fs_mounts_inside() {
        run "$USERBOX" run "$@" -- cat /proc/self/mountinfo
        [ "$STATUS" = 0 ] || fail "userbox run failed ($STATUS): $ERR"
        printf '%s\n' "$OUT" | awk '{ for (i = 7; $i != "-"; i++); print $5, $(i + 1), $6 }'
}

# fs_has_option LINE OPTION: the per-mount options of LINE hold OPTION.
fs_has_option() {
        case ",$(echo "$1" | cut -d' ' -f3)," in *",$2,"*) return 0 ;; esac
        return 1
}

test_bind_destination_symlinks_stay_inside_the_root() {
        local base root src
        base=$(mktemp_dir)
        root=$base/root
        src=$base/src
        make_root "$root"
        mkdir -p "$src"
        echo marker >"$src/marker"
        ln -s /etc "$root/mnt/t"
        ln -s ../../../etc "$root/mnt/u"
        run "$USERBOX" run -b "$src:/mnt/t/x" --ro-bind "$src:/mnt/u/y" "$root" -- \
                sh -c 'cat /etc/x/marker /etc/y/marker'
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq "marker
marker" "$OUT" "the binds, seen under the container's /etc"
        [ -e /etc/x ] || [ -e /etc/y ] && fail "a mount point was created in the host's /etc"
        [ -d "$root/etc/x" ] && [ -d "$root/etc/y" ] || fail "mount points not created in the root's /etc"
        return 0
}

test_bind_destination_through_symlink_into_proc_is_refused() {
        local base root
        base=$(mktemp_dir)
        root=$base/root
        make_root "$root"
        ln -s /proc/sys/kernel "$root/mnt/p"
        run "$USERBOX" run -b "$base:/mnt/p" "$root" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status"
        assert_contains "$ERR" "/mnt/p" "the message names the destination"
        run "$USERBOX" run -b "$base:/mnt/p/newdir" "$root" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status of a bind below it"
        assert_contains "$ERR" "/mnt/p/newdir" "the message names the destination"
}

# fs_root_with_ubuntu_resolv_conf DIR: a root whose /etc/resolv.conf is the
# link systemd-resolved images ship, dangling (no /run/systemd in the image).
fs_root_with_ubuntu_resolv_conf() {
        make_root "$1"
        rm -f "$1/etc/resolv.conf"
        ln -s ../run/systemd/resolve/stub-resolv.conf "$1/etc/resolv.conf"
}

test_bind_onto_a_dangling_symlink_creates_its_target_inside_the_root() {
        local base root
        [ -r /etc/resolv.conf ] || skip "machine: no readable /etc/resolv.conf"
        base=$(mktemp_dir)
        root=$base/root
        fs_root_with_ubuntu_resolv_conf "$root"
        run "$USERBOX" run --ro-bind /etc/resolv.conf:/etc/resolv.conf "$root" -- cat /etc/resolv.conf
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq "$(cat /etc/resolv.conf)" "$OUT" "/etc/resolv.conf inside"
        [ -f "$root/run/systemd/resolve/stub-resolv.conf" ] && [ ! -s "$root/run/systemd/resolve/stub-resolv.conf" ] ||
                fail "the link's target was not created as an empty file under the root's run/systemd/resolve"
        [ -L "$root/etc/resolv.conf" ] || fail "the link in the image was replaced"
        # The same run again: the link now leads to a file, nothing changes.
        run "$USERBOX" run --ro-bind /etc/resolv.conf:/etc/resolv.conf "$root" -- cat /etc/resolv.conf
        assert_eq 0 "$STATUS" "status of the second run ($ERR)"
        assert_eq "$(cat /etc/resolv.conf)" "$OUT" "/etc/resolv.conf inside, second run"
}

test_bind_onto_a_dangling_symlink_works_in_a_read_only_root() {
        local base root
        [ -r /etc/resolv.conf ] || skip "machine: no readable /etc/resolv.conf"
        base=$(mktemp_dir)
        root=$base/root
        fs_root_with_ubuntu_resolv_conf "$root"
        run "$USERBOX" run --read-only --ro-bind /etc/resolv.conf:/etc/resolv.conf "$root" -- \
                sh -c 'cat /etc/resolv.conf; touch /probe'
        assert_ne 0 "$STATUS" "touch /probe in a read-only root succeeded"
        assert_eq "$(cat /etc/resolv.conf)" "$OUT" "/etc/resolv.conf inside"
        [ -e "$root/probe" ] && fail "the read-only root was written"
        return 0
}

test_bind_onto_a_dangling_symlink_in_an_unwritable_root_names_the_path() {
        local base root
        base=$(mktemp_dir)
        root=$base/root
        fs_root_with_ubuntu_resolv_conf "$root"
        rmdir "$root/run"
        unwritable_root "$root"
        run "$USERBOX" run --idmap single --ro-bind /etc/resolv.conf:/etc/resolv.conf "$root" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status"
        assert_contains "$ERR" "'/etc/resolv.conf'" "the message names the destination"
        assert_contains "$ERR" "Permission denied" "the message says why"
        assert_eq 1 "$(printf '%s\n' "$ERR" | wc -l)" "lines of the message ($ERR)"
        [ ! -e "$root/run" ] || fail "an unwritable root was modified: $root/run created"
}

test_bind_onto_a_dangling_symlink_leading_out_stays_inside() {
        local base root
        base=$(mktemp_dir)
        root=$base/root
        make_root "$root"
        mkdir "$base/outside" "$base/src"
        echo marker >"$base/src/marker"
        # A host path that exists outside (its target inside is under the
        # container's own /tmp tmpfs), and a relative climb past the top.
        ln -s "$base/outside/made" "$root/mnt/abs"
        ln -s ../../../../../../../../climbed "$root/mnt/up"
        run "$USERBOX" run -b "$base/src:/mnt/abs" -b "$base/src:/mnt/up" "$root" -- \
                sh -c 'cat /mnt/abs/marker /mnt/up/marker'
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq "marker
marker" "$OUT" "the binds, seen through the links"
        [ -e "$base/outside/made" ] && fail "the absolute link was followed out of the root"
        [ -d "$root/climbed" ] || fail "the climbing link's target not created at the root's top"
        [ -e "$base/climbed" ] || [ -e "$(dirname "$base")/climbed" ] || [ -e /climbed ] &&
                fail "the climbing link was followed out of the root"
        return 0
}

test_bind_onto_a_dangling_symlink_into_proc_is_refused() {
        local base root dest
        base=$(mktemp_dir)
        root=$base/root
        make_root "$root"
        ln -s /proc/sys/kernel/userbox-new "$root/mnt/p"
        ln -s ../proc/userbox-new/below "$root/mnt/q"
        for dest in /mnt/p /mnt/q; do
                run "$USERBOX" run -b "$base:$dest" "$root" -- true
                assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status for $dest"
                assert_contains "$ERR" "'$dest'" "the message names $dest"
                assert_contains "$ERR" "/proc or /sys" "the message for $dest says why"
        done
        [ -z "$(ls -A "$root/proc")" ] || fail "something was created in the root's /proc directory"
}

test_bind_onto_a_symlink_loop_is_an_error_naming_the_path() {
        local base root
        base=$(mktemp_dir)
        root=$base/root
        make_root "$root"
        ln -s loop2 "$root/mnt/loop1"
        ln -s loop1 "$root/mnt/loop2"
        run "$USERBOX" run -b "$base:/mnt/loop1" "$root" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status"
        assert_contains "$ERR" "'/mnt/loop1'" "the message names the destination"
        assert_contains "$ERR" "Too many levels of symbolic links" "the message says why"
}

test_bind_destination_into_proc_or_sys_is_refused() {
        local dest
        for dest in /proc /proc/sys/kernel /sys/kernel; do
                run "$USERBOX" run -b "/etc:$dest" "$TEST_ROOT" -- true
                assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status for $dest"
                assert_contains "$ERR" "'$dest'" "the message names $dest"
        done
}

# /proc/acpi is masked with an empty tmpfs and, on a cgroup v1 or hybrid
# host, /sys/fs/cgroup is a tmpfs: their file system type is not a kernel
# one, yet they are inside /proc and /sys.
test_tmpfs_mounts_inside_proc_and_sys_are_refused_as_destinations() {
        local base root dest how
        base=$(mktemp_dir)
        root=$base/root
        make_root "$root"
        mkdir "$base/src"
        ln -s /proc/acpi "$root/mnt/acpi"
        ln -s /sys/fs/cgroup "$root/mnt/cg"
        for dest in /proc/acpi /sys/fs/cgroup /mnt/acpi /mnt/cg; do
                for how in "--tmpfs $dest" "-b $base/src:$dest"; do
                        # shellcheck disable=SC2086 # the option and its value
                        run "$USERBOX" run $how "$root" -- true
                        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status of $how ($ERR)"
                        assert_contains "$ERR" "'$dest'" "the message for $how names it"
                        assert_contains "$ERR" "refus" "the message for $how says why"
                done
        done
        # Into /mnt first (the bind into one directory), then the link.
        run "$USERBOX" run -b "$base/src:/mnt/x" -b "$base/src:/mnt/cg" "$root" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status after a bind into /mnt"
        assert_contains "$ERR" "'/mnt/cg' resolves into /proc or /sys" "the message after a bind into /mnt"
}

test_bind_source_inside_the_root_through_a_symlink_is_refused() {
        local base root
        base=$(mktemp_dir)
        root=$base/root
        make_root "$root"
        ln -s root "$base/link"
        run "$USERBOX" run -b "$base/link/etc:/mnt/x" "$root" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status of a bind of the root's /etc"
        assert_contains "$ERR" "'$base/link/etc'" "the message names the source"
        assert_contains "$ERR" "inside the root" "the message says why"
        # Without its submounts the container's /proc would be unmasked.
        run "$USERBOX" run -b "$base/link/proc:/mnt/p:norbind" "$root" -- ls /mnt/p/sys
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status of a norbind bind of the root's /proc"
        assert_contains "$ERR" "bind source '$base/link/proc' is inside the root" "the message"
}

test_bind_of_a_directory_onto_a_file_says_so() {
        local base root
        base=$(mktemp_dir)
        root=$base/root
        make_root "$root"
        mkdir "$base/dir"
        echo x >"$base/file"
        run "$USERBOX" run -b "$base/dir:/etc/passwd" "$root" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status of a directory onto a file"
        assert_contains "$ERR" "'/etc/passwd' is not a directory" "the message"
        run "$USERBOX" run -b "$base/file:/etc" "$root" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status of a file onto a directory"
        assert_contains "$ERR" "'/etc' is a directory" "the message"
        run "$USERBOX" run --tmpfs /etc/passwd "$root" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status of a tmpfs onto a file"
        assert_contains "$ERR" "'/etc/passwd' is not a directory: a tmpfs needs one" "the message"
}

test_bind_without_destination_of_a_relative_source_with_dotdot() {
        local base root
        base=$(mktemp_dir)
        root=$base/root
        make_root "$root"
        mkdir -p "$base/build" "$base/data"
        echo data >"$base/data/marker"
        (cd "$base/build" && run "$USERBOX" run -b ../data "$root" -- cat "$base/data/marker"
         assert_eq 0 "$STATUS" "status ($ERR)"
         assert_eq data "$OUT" "the source at its own path inside")
}

test_missing_bind_source_is_an_error_naming_it() {
        local before
        before=$(host_mountinfo)
        run "$USERBOX" run -b "/nonexistent/userbox-source:/mnt" "$TEST_ROOT" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status"
        assert_contains "$ERR" "/nonexistent/userbox-source" "the message names the source"
        assert_contains "$ERR" "No such file or directory" "the message says why"
        assert_eq "$before" "$(host_mountinfo)" "the host mount table"
}

test_symlinked_bind_source_is_resolved_and_shown_with_verbose() {
        local base
        base=$(mktemp_dir)
        mkdir "$base/real"
        echo through-link >"$base/real/file"
        ln -s "$base/real" "$base/link"
        run "$USERBOX" run -v -b "$base/link:/mnt" "$TEST_ROOT" -- cat /mnt/file
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq through-link "$OUT" "content through the symlinked source"
        assert_contains "$ERR" "$base/real" "the resolved source in -v output"
}

test_read_only_bind_is_read_only_in_every_submount() {
        local table line n=0
        # The host's /dev has submounts (pts, shm): each must turn read-only.
        table=$(fs_mounts_inside --ro-bind /dev:/mnt "$TEST_ROOT")
        while read -r line; do
                case $line in "/mnt "* | "/mnt/"*) ;; *) continue ;; esac
                n=$((n + 1))
                fs_has_option "$line" ro || fail "not read-only: $line"
        done <<<"$table"
        [ "$n" -ge 2 ] || skip "machine: the host's /dev has no submount to check"
}

test_nosuid_nodev_noexec_apply_to_every_submount() {
        local table line opt n=0
        table=$(fs_mounts_inside -b /dev:/mnt:nosuid,nodev,noexec "$TEST_ROOT")
        while read -r line; do
                case $line in "/mnt "* | "/mnt/"*) ;; *) continue ;; esac
                n=$((n + 1))
                for opt in nosuid nodev noexec; do
                        fs_has_option "$line" "$opt" || fail "lacks $opt: $line"
                done
                fs_has_option "$line" ro && fail "a rw bind turned read-only: $line"
        done <<<"$table"
        [ "$n" -ge 2 ] || skip "machine: the host's /dev has no submount to check"
}

test_bind_of_a_file_creates_a_file_mount_point_inside_the_root() {
        local base root
        base=$(mktemp_dir)
        root=$base/root
        make_root "$root"
        echo file-content >"$base/file"
        run "$USERBOX" run -b "$base/file:/new/dir/file" "$root" -- cat /new/dir/file
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq file-content "$OUT" "content of the bound file"
        [ -f "$root/new/dir/file" ] && [ ! -s "$root/new/dir/file" ] ||
                fail "the mount point is not an empty file in the root"
}

test_tmpfs_takes_its_options() {
        local table line
        table=$(fs_mounts_inside --tmpfs /scratch:size=1M,mode=700,nosuid "$TEST_ROOT")
        line=$(printf '%s\n' "$table" | awk '$1 == "/scratch"')
        assert_contains "$line" "/scratch tmpfs" "a tmpfs at /scratch"
        fs_has_option "$line" nosuid || fail "nosuid missing: $line"
        run "$USERBOX" run --tmpfs /scratch:size=1M,mode=700 "$TEST_ROOT" -- \
                sh -c 'stat -c %a /scratch; grep " /scratch " /proc/self/mountinfo'
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_contains "$OUT" "700" "mode of the tmpfs"
        assert_contains "$OUT" "size=1024k" "size of the tmpfs"
}

test_user_mount_on_tmp_replaces_the_standard_tmpfs() {
        local src table
        src=$(mktemp_dir)
        echo mine >"$src/marker"
        table=$(fs_mounts_inside -b "$src:/tmp" "$TEST_ROOT")
        assert_eq 1 "$(printf '%s\n' "$table" | awk '$1 == "/tmp"' | wc -l)" "mounts at /tmp"
        run "$USERBOX" run -b "$src:/tmp" "$TEST_ROOT" -- cat /tmp/marker
        assert_eq mine "$OUT" "the user's /tmp"
}

test_mounts_apply_in_order() {
        local base
        base=$(mktemp_dir)
        mkdir -p "$base/a/sub" "$base/b"
        echo from-b >"$base/b/file"
        # The second bind lands inside the first one.
        run "$USERBOX" run -b "$base/a:/mnt" --ro-bind "$base/b:/mnt/sub" "$TEST_ROOT" -- cat /mnt/sub/file
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq from-b "$OUT" "the later bind on top of the earlier one"
}

test_rw_bind_stays_writable_in_a_read_only_root() {
        local src
        src=$(mktemp_dir)
        run "$USERBOX" run --read-only -b "$src:/mnt" "$TEST_ROOT" -- sh -c 'echo ok > /mnt/written; touch /probe'
        assert_ne 0 "$STATUS" "touch /probe in a read-only root succeeded"
        assert_eq ok "$(cat "$src/written" 2>/dev/null)" "the file written through the bind"
        [ -e "$TEST_ROOT/probe" ] && fail "the read-only root was written"
        return 0
}

test_a_thousand_binds_are_all_mounted() {
        slow
        local base args=() i table
        base=$(mktemp_dir)
        for i in $(seq 1 1000); do
                args+=(--ro-bind "$base:/many/b$i")
        done
        root=$base/root
        make_root "$root"
        run "$USERBOX" run "${args[@]}" "$root" -- sh -c 'grep -c " /many/b" /proc/self/mountinfo'
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq 1000 "$OUT" "binds under /many"
}

# Binds into one directory resolve it once (mounts-user.c, bind_by_name); each
# still lands where a lookup of its own destination would: through a
# symlink, onto a file, on a new mount point, and on top of a mount that
# covered the directory in between.
test_binds_into_one_directory_land_where_each_destination_leads() {
        local base root
        base=$(mktemp_dir)
        root=$base/root
        make_root "$root"
        mkdir -p "$root/mnt/d1" "$root/mnt/d2" "$base/a" "$base/b" "$base/c" "$base/cover/d2"
        echo file >"$base/f"
        : >"$root/mnt/f"
        ln -s d2 "$root/mnt/lnk"
        ln -s /mnt "$root/mnt/up"
        touch "$base/a/a" "$base/b/b" "$base/c/c" "$base/cover/d2/covered"
        run "$USERBOX" run --ro-bind "$base/a:/mnt/d1" -b "$base/b:/mnt/lnk" \
                --ro-bind "$base/f:/mnt/f" --ro-bind "$base/c:/mnt/new" -b "$base/b:/mnt/stacked" \
                --ro-bind "$base/c:/mnt/stacked" "$root" -- \
                sh -c 'ls /mnt/d1 /mnt/d2 /mnt/new /mnt/stacked; cat /mnt/f; readlink /mnt/lnk
                       touch /mnt/d2/w && echo d2-writable; touch /mnt/d1/w || echo d1-read-only
                       touch /mnt/f || echo f-read-only
                       touch /mnt/stacked/w || echo stacked-read-only'
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq "/mnt/d1:
a

/mnt/d2:
b

/mnt/new:
c

/mnt/stacked:
c
file
d2
d2-writable
d1-read-only
f-read-only
stacked-read-only" "$(printf '%s\n' "$OUT" | grep -v 'Read-only file system')" "what each bind shows"
        [ -L "$root/mnt/lnk" ] && [ -d "$root/mnt/new" ] && [ -d "$root/mnt/stacked" ] ||
                fail "the link was replaced, or /mnt/new or /mnt/stacked not made in the root"
        # A bind over the directory itself (through /mnt/up): the next bind
        # into it lands on the new top, not on the covered directory.
        run "$USERBOX" run --ro-bind "$base/a:/mnt/d1" -b "$base/cover:/mnt/up" --ro-bind "$base/c:/mnt/d2" "$root" -- \
                sh -c 'ls /mnt; ls /mnt/d2'
        assert_eq 0 "$STATUS" "status with the directory covered ($ERR)"
        assert_eq "d2
c" "$OUT" "the last bind, on the mount that covers /mnt"
}

# d -> /t/n/l and /t/n/l -> /t: /d is /t until a bind covers /t/n, then it
# leads into the bind. Binds into /d land where the slow path puts them
# whether or not another mount comes between (the kept directory of binds
# into one directory is only kept when no symlink leads to it).
test_binds_into_a_directory_reached_through_links_follow_earlier_binds() {
        local base root out_plain out_between
        base=$(mktemp_dir)
        root=$base/root
        make_root "$root"
        mkdir -p "$root/t/n" "$base/s1" "$base/s2"
        ln -s /t "$root/t/n/l"
        ln -s /t/n/l "$root/d"
        echo two >"$base/s2/marker"
        run "$USERBOX" run -b "$base/s1:/d/n" -b "$base/s2:/d/m" "$root" -- \
                sh -c 'cat /t/m/marker 2>/dev/null; echo -; cat /t/n/l/m/marker 2>/dev/null; true'
        assert_eq 0 "$STATUS" "status ($ERR)"
        out_plain=$OUT
        rm -rf "${base:?}/s1/l" "$root/t/m"
        run "$USERBOX" run -b "$base/s1:/d/n" --tmpfs /zzz -b "$base/s2:/d/m" "$root" -- \
                sh -c 'cat /t/m/marker 2>/dev/null; echo -; cat /t/n/l/m/marker 2>/dev/null; true'
        assert_eq 0 "$STATUS" "status with a tmpfs between ($ERR)"
        out_between=$OUT
        assert_eq "$out_between" "$out_plain" "where the second bind landed, with and without a mount between"
}

test_config_prints_the_mount_plan_in_order_as_comments() {
        local src plan
        src=$(mktemp_dir)
        run "$USERBOX" config --ro-bind "$src:/data" --tmpfs /scratch "$TEST_ROOT"
        assert_eq 0 "$STATUS" "status ($ERR)"
        plan=$(printf '%s\n' "$OUT" | grep '^# mount: ')
        assert_contains "$plan" "# mount: bind $src -> /data (rbind,ro)" "the --ro-bind line"
        assert_contains "$plan" "# mount: tmpfs tmpfs -> /scratch" "the --tmpfs line"
        assert_contains "$plan" "# mount: proc proc -> /proc" "the /proc line"
        # The root first, then /proc, ..., the user's mounts last, in order.
        assert_eq "/" "$(printf '%s\n' "$plan" | head -1 | awk '{ print $6 }')" "first mount"
        assert_eq "/scratch" "$(printf '%s\n' "$plan" | tail -1 | awk '{ print $6 }')" "last mount"
        assert_eq "/data" "$(printf '%s\n' "$plan" | tail -2 | head -1 | awk '{ print $6 }')" "next to last mount"
}

test_config_changes_nothing_on_disk() {
        local base before
        base=$(mktemp_dir)
        mkdir "$base/changes"
        before=$(host_mountinfo)
        run "$USERBOX" config --overlay="$base/changes" "$TEST_ROOT"
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq "" "$(ls -A "$base/changes")" "files created by userbox config"
        assert_eq "$before" "$(host_mountinfo)" "host mount table"
}
