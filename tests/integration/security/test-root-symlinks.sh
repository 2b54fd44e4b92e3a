# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# No file of the root directory is trusted: a symlink in the image must never
# make userbox mount, create, chown or write anything outside the root.

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# Sets ROOT (a fresh root), SRC (a directory to bind, with a marker file)
# and VICTIM (a directory of the user outside the root, with files whose
# state must not change).
setup_attack() {
        local base
        base=$(mktemp_dir)
        ROOT=$base/root
        SRC=$base/src
        VICTIM=$base/victim
        make_root "$ROOT"
        mkdir -p "$SRC" "$VICTIM/sub"
        echo bind-marker >"$SRC/marker"
        echo victim-data >"$VICTIM/null"
        echo victim-data >"$VICTIM/console"
        echo victim-data >"$VICTIM/sub/file"
        chmod 600 "$VICTIM/null"
        VICTIM_BEFORE=$(victim_state)
        MOUNTS_BEFORE=$(host_mountinfo)
}

victim_state() {
        (cd "$VICTIM" && find . -printf '%p %y %m %U:%G %s\n' | sort)
        file_state "$VICTIM/null" "$VICTIM/console" "$VICTIM/sub/file"
}

assert_victim_untouched() {
        assert_eq "$VICTIM_BEFORE" "$(victim_state)" "the files outside the root"
        assert_eq "$MOUNTS_BEFORE" "$(host_mountinfo)" "the host mount table"
}

test_bind_onto_absolute_symlink_lands_inside_the_root() {
        setup_attack
        ln -s /etc "$ROOT/mnt/t"
        run "$USERBOX" run -b "$SRC:/mnt/t" "$ROOT" -- cat /etc/marker
        must_succeed
        assert_eq "bind-marker" "$OUT" "the bind, seen at the symlink's target inside the root"
        [ -e /etc/marker ] && fail "/etc/marker exists on the host"
        assert_victim_untouched
}

test_bind_onto_dotdot_symlink_lands_inside_the_root() {
        setup_attack
        ln -s ../../../etc "$ROOT/mnt/u"
        run "$USERBOX" run -b "$SRC:/mnt/u" "$ROOT" -- cat /etc/marker
        must_succeed
        assert_eq "bind-marker" "$OUT" "the bind, seen at the symlink's target inside the root"
        assert_victim_untouched
}

# A missing mount point below a symlink to a directory of the user: it is
# created inside the root, never in that directory.
test_missing_mount_point_under_symlink_is_created_inside_the_root() {
        setup_attack
        ln -s "$VICTIM" "$ROOT/mnt/v"
        run "$USERBOX" run -b "$SRC:/mnt/v/created" --tmpfs /mnt/v/tmp "$ROOT" -- \
                sh -c 'cat /mnt/v/created/marker; echo x > /mnt/v/tmp/x'
        [ -e "$VICTIM/created" ] && fail "a mount point was created outside the root: $VICTIM/created"
        [ -e "$VICTIM/tmp" ] && fail "a mount point was created outside the root: $VICTIM/tmp"
        if [ "$STATUS" = 0 ]; then
                assert_eq "bind-marker" "$OUT" "the bind inside the root"
        else
                assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "exit status"
        fi
        assert_victim_untouched
}

test_dev_symlink_to_user_directory_leaves_it_untouched() {
        setup_attack
        rmdir "$ROOT/dev"
        ln -s "$VICTIM" "$ROOT/dev"
        run "$USERBOX" run "$ROOT" -- sh -c 'echo x > /dev/null; echo y > /dev/console; ls /dev'
        assert_victim_untouched
        if [ "$STATUS" = 0 ]; then
                assert_not_contains "$OUT" "sub" "the container's /dev (the victim's files)"
        else
                assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "exit status"
        fi
}

test_dev_entries_as_symlinks_or_files_leave_their_targets_untouched() {
        setup_attack
        ln -s "$VICTIM/null" "$ROOT/dev/null"
        ln -s "$VICTIM/console" "$ROOT/dev/console"
        echo image-file >"$ROOT/dev/tty"
        ln -s "$VICTIM/sub" "$ROOT/dev/pts"
        ln -s "$VICTIM/sub" "$ROOT/dev/shm"
        run "$USERBOX" run "$ROOT" -- sh -c 'echo x > /dev/null; echo y > /dev/console; echo z > /dev/shm/f; cat /dev/null'
        assert_victim_untouched
        [ "$STATUS" = 0 ] || assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "exit status"
        assert_eq "image-file" "$(cat "$ROOT/dev/tty")" "the image's dev/tty"
}

test_proc_as_symlink_in_the_root_is_refused() {
        setup_attack
        rmdir "$ROOT/proc"
        ln -s "$VICTIM" "$ROOT/proc"
        run "$USERBOX" run "$ROOT" -- cat /proc/self/status
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "exit status"
        assert_contains "$ERR" "/proc" "the error message"
        assert_victim_untouched
}

# Another process of the user swaps the root directory with a symlink to
# another directory of theirs while containers start over it with a
# tmpfs overlay: whichever directory a start gets, the overlay's upper
# layer stays on its tmpfs, so neither directory ever gains a file.
test_root_swapped_for_a_symlink_during_start_changes_no_directory() {
        local base dir before_root before_else i swapper
        dir=$(probe_dir) || exit $?
        base=$(mktemp_dir)
        make_root "$base/root"
        mkdir "$base/elsewhere"
        ln -s "$base/elsewhere" "$base/alt"
        before_root=$(cd "$base/root" && find . -printf '%p %y %s\n' | sort)
        "$dir/probe" exchange "$base/root" "$base/alt" 3 &
        swapper=$!
        for i in $(seq 1 60); do
                "$USERBOX" run --overlay "$base/root" -- sh -c 'echo pwned >/marker; mkdir /made' >/dev/null 2>&1
        done
        wait "$swapper" || fail "the swapper failed"
        [ -L "$base/root" ] && { mv -T "$base/root" "$base/link" && mv -T "$base/alt" "$base/root" && mv -T "$base/link" "$base/alt"; }
        assert_eq "$before_root" "$(cd "$base/root" && find . -printf '%p %y %s\n' | sort)" "the root directory"
        assert_eq "" "$(find "$base/elsewhere" -mindepth 1)" "the directory the symlink leads to"
}
