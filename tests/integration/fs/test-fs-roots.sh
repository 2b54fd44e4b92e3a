# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# Read-only and overlay roots, layers (issue 5 "Read-only and overlay
# roots", design §4 step 2).

# fs_tree_state DIR: one checksum of every path, type, mode, size, mtime,
# link target and file content under DIR.
fs_tree_state() {
        (
                cd "$1" || exit 1
                find . -printf '%p %y %m %s %T@ %l\n' | LC_ALL=C sort
                find . -type f -exec sha256sum {} + | LC_ALL=C sort
        ) | sha256sum
}

test_read_only_root_keeps_tmp_dev_and_run_writable() {
        run "$USERBOX" run --read-only "$TEST_ROOT" -- sh -c '
                touch /tmp/t && touch /dev/shm/s && mkdir -p /run/r || exit 10
                if touch /probe 2>/dev/null; then exit 11; fi
                if touch /etc/probe 2>/dev/null; then exit 12; fi
                exit 0'
        assert_eq 0 "$STATUS" "status (10: /tmp /dev/shm /run not writable, 11-12: the root was; $ERR)"
        [ ! -e "$TEST_ROOT/probe" ] || fail "the read-only root was written"
}

test_read_only_root_is_read_only_in_the_mount_table() {
        run "$USERBOX" run --read-only "$TEST_ROOT" -- cat /proc/self/mountinfo
        assert_eq 0 "$STATUS" "status ($ERR)"
        local root_opts run_opts
        root_opts=$(printf '%s\n' "$OUT" | awk '$5 == "/" { print $6 }')
        run_opts=$(printf '%s\n' "$OUT" | awk '$5 == "/run" { print $6 }')
        assert_contains ",$root_opts," ",ro," "options of /"
        assert_contains ",$run_opts," ",rw," "options of /run (a tmpfs when the root is read-only)"
}

test_overlay_leaves_the_root_byte_for_byte_unchanged() {
        local root before
        root=$(mktemp_dir)/root
        make_root "$root"
        mkdir -p "$root/data/dir"
        echo original >"$root/data/file"
        echo keep >"$root/data/dir/inner"
        before=$(fs_tree_state "$root")
        run "$USERBOX" run --overlay "$root" -- sh -c '
                echo changed > /data/file &&
                echo new > /data/new &&
                rm /data/dir/inner && rmdir /data/dir &&
                mv /etc/passwd /etc/passwd.moved &&
                mkdir -p /brand/new/tree && echo x > /brand/new/tree/f &&
                chmod 700 /root && rm -f /bin/ls &&
                cat /data/file /data/new'
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq "changed
new" "$OUT" "writes seen inside"
        assert_eq "$before" "$(fs_tree_state "$root")" "checksum of the whole root after the run"
}

test_overlay_root_is_an_overlay_mount_inside() {
        run "$USERBOX" run --overlay "$TEST_ROOT" -- sh -c 'awk "\$5 == \"/\"" /proc/self/mountinfo'
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_contains "$OUT" " - overlay " "the root's file system type"
}

test_overlay_dir_keeps_changes_across_runs() {
        local base root before
        base=$(mktemp_dir)
        root=$base/root
        make_root "$root"
        mkdir "$base/changes"
        before=$(fs_tree_state "$root")
        run "$USERBOX" run --overlay="$base/changes" "$root" -- sh -c 'echo persisted > /kept; rm /etc/group'
        assert_eq 0 "$STATUS" "first run ($ERR)"
        run "$USERBOX" run --overlay="$base/changes" "$root" -- sh -c 'cat /kept; test -e /etc/group && echo group-back; true'
        assert_eq 0 "$STATUS" "second run ($ERR)"
        assert_eq persisted "$OUT" "the second run sees the first one's changes (and the deletion)"
        [ -d "$base/changes/upper" ] || fail "no upper directory in the overlay directory"
        assert_eq "$before" "$(fs_tree_state "$root")" "checksum of the root itself"
        run "$USERBOX" run "$root" -- sh -c 'test -e /kept && echo leaked; true'
        assert_eq "" "$OUT" "a run without the overlay sees none of its changes"
}

test_a_layer_overlayfs_refuses_is_named() {
        local base
        base=$(mktemp_dir)
        mkdir "$base/layer"
        run "$USERBOX" run --layers "$base/layer:/proc" "$TEST_ROOT" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status ($ERR)"
        assert_contains "$ERR" "overlayfs refuses the layer '/proc'" "the message names the layer"
}

test_a_layer_inside_or_around_the_root_is_refused_before_start() {
        local base
        base=$(mktemp_dir)
        make_root "$base/root"
        run "$USERBOX" run -v --layers "$base/root/etc" "$base/root" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status of a layer inside the root"
        assert_contains "$ERR" "layer '$base/root/etc' and root '$base/root' must not contain each other" "the message"
        assert_not_contains "$ERR" "cloned pid" "nothing was started"
        run "$USERBOX" run --layers "$base" "$base/root" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status of a layer holding the root"
        assert_contains "$ERR" "layer '$base' and root '$base/root' must not contain each other" "the message"
}

test_overlay_dir_is_made_when_its_parent_exists() {
        local base
        base=$(mktemp_dir)
        run "$USERBOX" config --overlay="$base/changes" "$TEST_ROOT"
        assert_eq 0 "$STATUS" "config ($ERR)"
        [ ! -e "$base/changes" ] || fail "userbox config made the overlay directory"
        run "$USERBOX" run --overlay="$base/changes" "$TEST_ROOT" -- sh -c 'echo kept >/kept'
        assert_eq 0 "$STATUS" "run ($ERR)"
        assert_eq "700 $(id -u)" "$(stat -c '%a %u' "$base/changes")" "mode and owner of the overlay directory"
        assert_eq kept "$(cat "$base/changes/upper/kept")" "the change kept in it"
        run "$USERBOX" run --overlay="$base/missing/changes" "$TEST_ROOT" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status with a missing parent"
        assert_contains "$ERR" "overlay directory '$base/missing/changes': its parent '$base/missing': No such file" \
                "the message names the directory and its parent"
        [ ! -e "$base/missing" ] || fail "the missing parent was made"
}

# The overlay directory is the user's own: upper/ may be a link of theirs.
test_overlay_dir_whose_upper_is_a_symlink_is_used() {
        local base
        base=$(mktemp_dir)
        make_root "$base/root"
        mkdir -p "$base/ovl/real-upper"
        ln -s real-upper "$base/ovl/upper"
        run "$USERBOX" run --overlay="$base/ovl" "$base/root" -- sh -c 'echo kept >/kept'
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq kept "$(cat "$base/ovl/real-upper/kept")" "the write, in the link's target"
}

test_overlay_dir_inside_the_root_is_refused() {
        local root
        root=$(mktemp_dir)/root
        make_root "$root"
        mkdir "$root/changes"
        run "$USERBOX" run --overlay="$root/changes" "$root" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status"
        assert_contains "$ERR" "$root/changes" "the message names the overlay directory"
}

test_layers_stack_above_the_root_topmost_first() {
        local base
        base=$(mktemp_dir)
        mkdir -p "$base/top" "$base/bottom"
        echo top >"$base/top/which"
        echo bottom >"$base/bottom/which"
        echo only-bottom >"$base/bottom/other"
        run "$USERBOX" run --layers "$base/top:$base/bottom" "$TEST_ROOT" -- \
                sh -c 'cat /which /other; test -x /bin/busybox && echo root-below'
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq "top
only-bottom
root-below" "$OUT" "files seen through the layers"
}

test_two_hundred_layers_whose_paths_pass_one_page() {
        slow
        local base dir i list="" joined
        base=$(mktemp_dir)
        dir=$base/layers-with-a-deliberately-long-directory-name-to-pass-one-page
        mkdir -p "$dir"/layer-{1..200}
        for i in $(seq 1 200); do
                echo "$i" >"$dir/layer-$i/only-$i"
                echo "$i" >"$dir/layer-$i/top"
                list="$list${list:+:}$dir/layer-$i"
        done
        # The absolute list must be over one page, or this tests nothing.
        joined=${#list}
        [ "$joined" -gt 4096 ] || fail "the layer list is only $joined bytes"
        run "$USERBOX" run --layers "$list" "$TEST_ROOT" -- sh -c 'cat /top /only-1 /only-200; ls / | grep -c "^only-"'
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq "1
1
200
200" "$OUT" "the topmost layer wins, and every layer is there"
}

# A line holds 197 characters: a long list of layers is written over many
# Layers= lines of one file, each adding to the list in order.
test_two_hundred_layers_on_two_hundred_profile_lines() {
        local base dir i name profile first last padding names=()
        base=$(mktemp_dir)
        dir=$base/one-layer-per-line
        profile=$base/layers.ini
        printf '[Container]\n' >"$profile"
        padding=$(printf '%0100d' 0 | tr 0 x)
        for i in $(seq 1 200); do
                # Every path ~90 characters: two of them would not fit on a line.
                printf -v name 'layer-%03d-%s' "$i" "$padding"
                names+=("$dir/${name:0:$((90 - ${#dir} - 1))}")
        done
        # One mkdir for all: a program per layer cost seconds of CPU.
        mkdir -p "${names[@]}"
        for i in $(seq 1 200); do
                name=${names[i - 1]}
                echo "$i" >"$name/which"
                echo "$i" >"$name/only-$i"
                printf 'Layers=%s\n' "$name" >>"$profile"
                [ "$i" = 1 ] && first=$name
                last=$name
        done
        [ "${#first}" -ge 88 ] || fail "layer paths are only ${#first} characters"
        chmod 644 "$profile"
        run "$USERBOX" config -p "$profile" "$TEST_ROOT"
        assert_eq 0 "$STATUS" "config ($ERR)"
        assert_eq 200 "$(grep -c '^Layers=' <<<"$OUT")" "Layers= lines in config"
        assert_eq "Layers=$first" "$(grep -m1 '^Layers=' <<<"$OUT")" "the first layer, topmost"
        assert_eq "Layers=$last" "$(grep '^Layers=' <<<"$OUT" | tail -n 1)" "the last layer, bottom"
        assert_not_contains "$ERR" "warning" "config's warnings"
        run "$USERBOX" run -p "$profile" "$TEST_ROOT" -- sh -c 'cat /which /only-1 /only-200; test -x /bin/busybox && echo root-below'
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq "1
1
200
root-below" "$OUT" "the top layer wins, the bottom one and the root are seen"
}

test_missing_layer_is_an_error_naming_it() {
        run "$USERBOX" run --layers /nonexistent/userbox-layer "$TEST_ROOT" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status"
        assert_contains "$ERR" "/nonexistent/userbox-layer" "the message names the layer"
}

test_missing_root_is_an_error_naming_it() {
        run "$USERBOX" run /nonexistent/userbox-root -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status"
        assert_contains "$ERR" "/nonexistent/userbox-root" "the message names the root"
        assert_contains "$ERR" "No such file or directory" "the message says why"
}

test_root_with_dev_as_a_symlink_is_refused() {
        local base root
        base=$(mktemp_dir)
        root=$base/root
        make_root "$root"
        mkdir "$base/victim"
        rmdir "$root/dev"
        ln -s "$base/victim" "$root/dev"
        run "$USERBOX" run "$root" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status"
        assert_contains "$ERR" "/dev" "the message names /dev"
        assert_eq "" "$(ls -A "$base/victim")" "files created in the symlink's target"
}

test_missing_working_directory_is_an_error_naming_it() {
        run "$USERBOX" run -w /nonexistent-workdir "$TEST_ROOT" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status"
        assert_contains "$ERR" "/nonexistent-workdir" "the message names the directory"
}

test_host_mount_table_is_unchanged_after_overlay_and_layer_runs() {
        local base before i
        base=$(mktemp_dir)
        mkdir -p "$base/layer" "$base/changes" "$base/src"
        before=$(host_mountinfo)
        # Each run must do what it says too: a launcher that crashed on
        # --overlay would leave the table unchanged as well.
        for i in 1 2 3; do
                run "$USERBOX" run --overlay "$TEST_ROOT" -- true
                assert_eq 0 "$STATUS" "--overlay ($ERR)"
                run "$USERBOX" run --overlay="$base/changes" "$TEST_ROOT" -- true
                assert_eq 0 "$STATUS" "--overlay=DIR ($ERR)"
                run "$USERBOX" run --layers "$base/layer" --read-only "$TEST_ROOT" -- true
                assert_eq 0 "$STATUS" "--layers --read-only ($ERR)"
                run "$USERBOX" run --ro-bind "$base/src:/mnt/a" --tmpfs /mnt/b "$TEST_ROOT" -- true
                assert_eq 0 "$STATUS" "--ro-bind --tmpfs ($ERR)"
                run "$USERBOX" run --ro-bind /nonexistent:/mnt "$TEST_ROOT" -- true
                assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "a missing bind source"
        done
        assert_eq "$before" "$(host_mountinfo)" "host mount table"
}

# A read-only root makes the user's missing mount points before it turns
# read-only. In a directory that a subid container owns (a subordinate id
# on the host), only the container's root may create them, and only once
# the id map is written: these are not made before it.
test_read_only_root_makes_mount_points_in_directories_of_subordinate_ids() {
        require_subid
        local base root src
        base=$(mktemp_dir)
        root=$base/root
        src=$base/src
        make_root "$root"
        mkdir "$src"
        echo bound >"$src/file"
        run "$USERBOX" run --idmap subid "$root" -- sh -c 'mkdir -p /srv/data && chown 4:4 /srv/data && chmod 755 /srv/data'
        assert_eq 0 "$STATUS" "preparing /srv/data owned by 4:4 ($ERR)"
        run "$USERBOX" run --idmap subid --read-only -b "$src:/srv/data/z" "$root" -- cat /srv/data/z/file
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq bound "$OUT" "the bound file"
}
