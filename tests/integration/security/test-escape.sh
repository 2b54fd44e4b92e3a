# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# Classic ways out of a container: signals to host processes, chroot
# escapes, device nodes made inside.

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

test_kill_minus_one_inside_spares_host_processes() {
        local victim alive=yes
        # A process of the same user as the container's root.
        sleep 300 &
        victim=$!
        run "$USERBOX" run "$TEST_ROOT" -- sh -c 'kill -9 -1; kill -9 '"$victim"' 2>/dev/null; echo done'
        sleep 0.2
        kill -0 "$victim" 2>/dev/null || alive=no
        kill "$victim" 2>/dev/null
        wait "$victim" 2>/dev/null
        assert_eq yes "$alive" "the host process $victim still alive after kill -9 -1 inside"
}

test_chroot_escape_does_not_reach_the_host_root() {
        local dir
        dir=$(mktemp_dir)
        touch "$dir/host-only-marker"
        # chroot needs CAP_SYS_CHROOT, which is in the default set.
        in_box -- /mnt/probe chroot "$dir/host-only-marker"
        must_succeed
        assert_contains "$OUT" "chroot /tmp/jail: OK" "the first chroot (the attack needs it)"
        assert_contains "$OUT" "contained walk"
        assert_contains "$OUT" "contained fd"
        assert_not_contains "$OUT" "ESCAPED"
}

test_mknod_inside_never_yields_a_usable_device() {
        local dir
        dir=$(mktemp_dir)
        chmod 777 "$dir"
        for caps in "" "--cap-add MKNOD"; do
                # shellcheck disable=SC2086
                in_box $caps -b "$dir:/srv" -- /mnt/probe mknod / /tmp /dev /dev/shm /root /srv /run /var/tmp
                must_succeed
                assert_contains "$OUT" "mknod //probe-node" "the probe ran"
                assert_not_contains "$OUT" "DEVICE OPENED" "a device node made inside ($caps)"
        done
        [ -e "$dir/probe-node" ] && fail "a device node was left in the bound directory"
        return 0
}
