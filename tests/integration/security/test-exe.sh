# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash disable=SC2016 # scripts run inside expand there
#
# The launcher's own binary must never be reachable from inside: runc was
# overwritten through /proc/self/exe (CVE-2019-5736), and a process of the
# launcher left in the container is the door (CVE-2016-9962).

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# A copy of userbox that belongs to the test user, so that the attack would
# succeed if the file were reachable: the container's root is that user.
exe_attack() {
        local dir copy before after devino
        dir=$(mktemp_dir)
        copy=$dir/userbox
        cp "$USERBOX" "$copy" || fail "copy userbox"
        chmod 755 "$copy"
        before=$(file_state "$copy")
        devino=$(stat -c '%d %i' "$copy")
        local probe
        probe=$(probe_dir) || exit $?
        # shellcheck disable=SC2086 # $devino: two arguments
        run "$copy" run --ro-bind "$probe:/mnt" "$@" "$TEST_ROOT" -- sh -c \
                'i=0; while [ $i -lt 30 ]; do /mnt/probe exe '"$devino"'; i=$((i+1)); done'
        must_succeed
        assert_contains "$OUT" "/proc/" "the probe listed processes"
        assert_not_contains "$OUT" "REACHABLE" "the host binary through /proc/PID/exe"
        assert_not_contains "$OUT" "WRITABLE" "a /proc/PID/exe opened for writing"
        after=$(file_state "$copy")
        assert_eq "$before" "$after" "the userbox binary"
}

test_proc_exe_never_reaches_the_launcher_binary() {
        exe_attack
}

test_proc_exe_without_init_never_reaches_the_launcher_binary() {
        exe_attack --no-init
}
