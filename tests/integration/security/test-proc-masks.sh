# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash disable=SC2016 # scripts run inside expand there
#
# Masked and read-only paths of /proc and /sys hold even against uid 0
# inside: CAP_SYS_ADMIN is not kept and the filter refuses mount calls, so
# nothing can be remounted or unmounted to undo them.

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# The masked files that exist on this kernel (a new /proc shows the same).
masked_files() {
        local p
        for p in /proc/kcore /proc/keys /proc/timer_list /proc/sched_debug /proc/latency_stats \
                /proc/timer_stats; do
                [ -e "$p" ] && printf '%s\n' "$p"
        done
}

masked_dirs() {
        local p
        for p in /proc/acpi /proc/scsi; do
                [ -d "$p" ] && printf '%s\n' "$p"
        done
}

readonly_paths() {
        local p
        for p in /proc/sys /proc/sysrq-trigger /proc/irq /proc/bus; do
                [ -e "$p" ] && printf '%s\n' "$p"
        done
}

# A script run inside: every line it prints that starts with BREACH is a
# failure of the masks.
check_script() {
        local p
        for p in $(masked_files); do
                printf '[ "$(wc -c < %s)" = 0 ] || echo "BREACH %s is readable"\n' "$p" "$p"
                printf 'echo x 2>/dev/null > %s && echo "BREACH %s is writable"\n' "$p" "$p"
        done
        for p in $(masked_dirs); do
                printf '[ -z "$(ls -A %s)" ] || echo "BREACH %s lists entries"\n' "$p" "$p"
                printf 'touch %s/probe 2>/dev/null && echo "BREACH %s is writable"\n' "$p" "$p"
        done
        # Writable by root of a user namespace if /proc/sys were not read-only.
        printf 'echo evil 2>/dev/null > /proc/sys/kernel/hostname && echo "BREACH /proc/sys is writable"\n'
        printf 'echo h 2>/dev/null > /proc/sysrq-trigger && echo "BREACH /proc/sysrq-trigger is writable"\n'
        printf '[ "$(hostname)" = evil ] && echo "BREACH the hostname changed"\n'
}

undo_script() {
        local p
        for p in $(masked_files) $(masked_dirs) $(readonly_paths); do
                printf 'umount %s 2>/dev/null && echo "BREACH umount %s"\n' "$p" "$p"
                printf 'umount -l %s 2>/dev/null && echo "BREACH umount -l %s"\n' "$p" "$p"
        done
        for p in $(readonly_paths); do
                printf 'mount -o remount,rw %s 2>/dev/null && echo "BREACH remount rw %s"\n' "$p" "$p"
                printf 'mount -o remount,bind,rw %s 2>/dev/null && echo "BREACH bind remount rw %s"\n' "$p" "$p"
        done
        printf 'mount -t proc proc /tmp 2>/dev/null && echo "BREACH a new proc mounted"\n'
        printf 'mount -o remount,rw /sys 2>/dev/null && echo "BREACH remount rw /sys"\n'
}

test_masked_paths_read_empty_and_refuse_writes() {
        [ -n "$(masked_files)" ] || skip "machine: none of the masked /proc files exists"
        run "$USERBOX" run "$TEST_ROOT" -- sh -c "$(check_script); echo done"
        must_succeed
        assert_contains "$OUT" "done"
        assert_not_contains "$OUT" "BREACH"
}

test_masks_cannot_be_undone_as_root_inside() {
        run "$USERBOX" run "$TEST_ROOT" -- sh -c "$(undo_script); $(check_script); echo done"
        must_succeed
        assert_contains "$OUT" "done"
        assert_not_contains "$OUT" "BREACH"
}

test_masks_hold_without_the_seccomp_filter() {
        run "$USERBOX" run --seccomp unconfined "$TEST_ROOT" -- sh -c "$(undo_script); $(check_script); echo done"
        must_succeed
        assert_contains "$OUT" "done"
        assert_not_contains "$OUT" "BREACH"
}

test_sys_fs_cgroup_is_not_writable() {
        [ -d /sys/fs/cgroup ] || skip "machine: no /sys/fs/cgroup"
        run "$USERBOX" run "$TEST_ROOT" -- sh -c '
                mkdir /sys/fs/cgroup/userbox-probe 2>/dev/null && echo "BREACH mkdir in /sys/fs/cgroup"
                touch /sys/fs/cgroup/userbox-probe-file 2>/dev/null && echo "BREACH file in /sys/fs/cgroup"
                echo $$ 2>/dev/null > /sys/fs/cgroup/cgroup.procs && echo "BREACH cgroup.procs written"
                echo done'
        must_succeed
        assert_contains "$OUT" "done"
        assert_not_contains "$OUT" "BREACH"
        [ -e /sys/fs/cgroup/userbox-probe ] && fail "/sys/fs/cgroup/userbox-probe exists on the host"
        return 0
}
