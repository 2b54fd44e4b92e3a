# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# userbox cp against a root that fights back (issue 14): a running
# container swaps what cp made for a symlink to a host file, the image
# plants a FIFO where cp writes, a device is given as the source.

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# A running container shares a directory with the host and holds a lease
# on a file there, so that cp's open of it for writing waits. Meanwhile
# the container renames the directory cp is filling, puts a symlink to a
# host file in its place, and lets cp go. cp -a then sets the directory's
# mode: through the name, it would follow the link, which resolves on the
# host from the directory cp opened, and give the host file the mode the
# image chose.
test_cp_sets_modes_on_what_it_made_never_through_a_symlink_swapped_in() {
        local dir base root shared out pid
        dir=$(probe_dir) || exit $?
        [ "$(cat /proc/sys/fs/leases-enable 2>/dev/null)" = 1 ] ||
                skip "machine: file leases are disabled (fs.leases-enable)"
        base=$(mktemp_dir)
        root=$base/root
        shared=$base/shared
        make_root "$root"
        mkdir -p "$root/src/d" "$shared/d"
        echo data >"$root/src/d/f"
        chmod 705 "$root/src/d"
        echo old >"$shared/d/f"
        echo secret >"$base/hostfile"
        chmod 600 "$base/hostfile"
        out=$base/probe.out
        "$USERBOX" run --ro-bind "$dir:/mnt" --bind "$shared:/shared" "$TEST_ROOT" -- \
                /mnt/probe lease /shared/d/f /shared/d ../hostfile >"$out" 2>&1 &
        pid=$!
        if ! wait_for 10 grep -q '^lease: OK' "$out"; then
                kill -9 "$pid"
                fail "the container took no lease: $(cat "$out")"
        fi
        run timeout -k 5 60 "$USERBOX" cp -a "$root:/src/d" "$shared/"
        wait "$pid"
        assert_contains "$(cat "$out")" "swap: OK" "the container's swap (the attack needs it)"
        assert_eq 600 "$(stat -c %a "$base/hostfile")" "mode of the host file the symlink names"
        assert_eq 0 "$STATUS" "status of the copy ($ERR)"
        assert_eq 705 "$(stat -c %a "$shared/d.old")" "mode of the directory cp made (renamed since)"
        assert_eq data "$(cat "$shared/d.old/f")" "the file copied into it"
}

# An image's /etc/passwd that is a FIFO: opening it to write would wait for
# a reader for ever. A device as the destination would be written to.
test_cp_refuses_a_fifo_or_device_destination_at_once() {
        local base root opt
        base=$(mktemp_dir)
        root=$base/root
        make_root "$root"
        rm "$root/etc/passwd"
        mkfifo "$root/etc/passwd"
        echo payload >"$base/in"
        for opt in "" -a; do
                run timeout -k 5 20 "$USERBOX" cp ${opt:+"$opt"} "$base/in" "$root:/etc/passwd"
                assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status of cp $opt onto a FIFO (124 or 137: it hung)"
                assert_contains "$ERR" "'$root:/etc/passwd' is a FIFO" "the message"
        done
        [ -p "$root/etc/passwd" ] || fail "the FIFO was replaced"
        run timeout -k 5 20 "$USERBOX" cp "$root:/etc/group" /dev/null
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status of a copy onto /dev/null"
        assert_contains "$ERR" "'/dev/null' is a character device" "the message"
}

# A user namespace cannot make device nodes: cp says so, -a or not.
test_cp_refuses_a_device_source_even_with_archive() {
        local base root opt
        base=$(mktemp_dir)
        root=$base/root
        make_root "$root"
        for opt in "" -a; do
                run "$USERBOX" cp ${opt:+"$opt"} /dev/null "$root:/tmp/null"
                assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status of cp $opt of /dev/null"
                assert_contains "$ERR" "'/dev/null' is a character device" "the message"
                assert_contains "$ERR" "user namespace" "the message"
        done
        [ -e "$root/tmp/null" ] && fail "something was created: $(ls -l "$root/tmp/null")"
        return 0
}
