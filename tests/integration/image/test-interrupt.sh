# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# An import interrupted in the middle of a big layer (issue 18): by ^C
# (SIGINT to its process group, as a terminal sends it) or by kill -9 of
# userbox. Neither leaves an image under the name, and the next import
# removes the stale temporary directory (whose files belong to subordinate
# ids: removing it takes the user namespace).

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# The big layer is being written: its 101st file is there.
big_layer_started() {
        find "$STORE" -maxdepth 5 -path '*/big/000100' 2>/dev/null | grep -q .
}

# interrupted SIGNAL TARGET: starts the import of the big image as "big"
# in a process group of its own, sends SIGNAL to TARGET (group: the whole
# group; userbox: userbox alone) once the second layer is being written,
# and waits for every process of that import to be gone.
interrupted() {
        local signal=$1 target=$2 pid status=0
        image_setup
        require_subid
        mkimage preset:big "$WORK/big"
        set -m # a process group of its own, SIGINT not ignored
        "$USERBOX" import --name big "$WORK/big" >"$WORK/out" 2>"$WORK/err" &
        pid=$!
        set +m
        if ! wait_for 120 big_layer_started; then
                kill -KILL "$pid" 2>/dev/null
                fail "the import never reached its second layer: $(cat "$WORK/err")"
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
                fail "the import ended before it could be interrupted: $(cat "$WORK/out" "$WORK/err")"
        fi
        case $target in
        group) kill -"$signal" -- "-$pid" ;;
        userbox) kill -"$signal" "$pid" ;;
        esac
        wait "$pid" || status=$?
        assert_ne 0 "$status" "the status of the interrupted import"
        # The helper may outlive a userbox killed with -9, but not for long.
        wait_for 60 no_process_with "$WORK/big" || fail "a process of the import outlived it by 60 s"
        [ ! -e "$STORE/big" ] || fail "the interrupted import left an image under its name"
        assert_eq absent "$(image_field big "i['name']")" "images, after the interrupted import"
        if [ "$signal" = KILL ]; then
                # Nobody was left to remove it: the next import must.
                store_leftovers | grep -q '^\.tmp-' || fail "no .tmp-* after kill -9 of the import: $(store_leftovers)"
        fi
        # The next import cleans up after it, and the name is free.
        mkimage preset:busybox "$WORK/small"
        import_ok big --name big "$WORK/small"
        WHAT="the store after the next import" assert_store_holds big
        run "$USERBOX" run -p big -- /bin/busybox cat /etc/image-marker
        assert_eq "busybox image" "$OUT" "the image imported under the freed name: $ERR"
}

test_sigint_during_a_big_layer_leaves_no_image() {
        interrupted INT group
}

test_kill_9_of_userbox_during_a_big_layer_leaves_no_image() {
        interrupted KILL userbox
}
