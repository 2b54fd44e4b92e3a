# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash disable=SC2086 # bit lists split on purpose
#
# Capabilities, no_new_privs and the filter, as the kernel reports them in
# /proc/self/status of the command.

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# The default set (docker's and podman's list): CHOWN DAC_OVERRIDE FOWNER
# FSETID KILL SETGID SETUID SETPCAP NET_BIND_SERVICE SYS_CHROOT SETFCAP.
DEFAULT_CAP_BITS="0 1 3 4 5 6 7 8 10 18 31"
CAP_SYS_ADMIN=21

mask() {
        local m=0 b
        for b in "$@"; do
                m=$((m | (1 << b)))
        done
        printf '%016x' "$m"
}

# status [OPTIONS]: /proc/self/status of a command run with OPTIONS.
status() {
        run "$USERBOX" run "$@" "$TEST_ROOT" -- cat /proc/self/status
        must_succeed
}

test_default_capabilities_inheritable_and_ambient_empty() {
        local expected
        expected=$(mask $DEFAULT_CAP_BITS)
        status
        assert_eq 0000000000000000 "$(status_field CapInh "$OUT")" "CapInh"
        assert_eq 0000000000000000 "$(status_field CapAmb "$OUT")" "CapAmb"
        assert_eq "$expected" "$(status_field CapBnd "$OUT")" "CapBnd"
        assert_eq "$expected" "$(status_field CapPrm "$OUT")" "CapPrm"
        assert_eq "$expected" "$(status_field CapEff "$OUT")" "CapEff"
}

test_cap_drop_all_empties_all_five_sets() {
        local set
        status --cap-drop all
        for set in CapInh CapPrm CapEff CapBnd CapAmb; do
                assert_eq 0000000000000000 "$(status_field "$set" "$OUT")" "$set"
        done
}

test_cap_add_and_drop_change_the_bounding_set() {
        local bits=" $DEFAULT_CAP_BITS " expected
        bits=${bits/ 0 / }
        # shellcheck disable=SC2086
        expected=$(mask $bits $CAP_SYS_ADMIN)
        status --cap-drop CHOWN --cap-add cap_sys_admin
        assert_eq "$expected" "$(status_field CapBnd "$OUT")" "CapBnd"
        assert_eq "$expected" "$(status_field CapEff "$OUT")" "CapEff"
        assert_eq 0000000000000000 "$(status_field CapInh "$OUT")" "CapInh"
}

test_unknown_capability_name_is_an_error() {
        run "$USERBOX" run --cap-add CAP_BOGUS "$TEST_ROOT" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "exit status"
        assert_contains "$ERR" "BOGUS" "the error message"
}

test_non_root_user_keeps_no_capability() {
        local expected set
        expected=$(mask $DEFAULT_CAP_BITS)
        for user in 1000 user; do
                status --user "$user"
                assert_eq 1000 "$(status_field Uid "$OUT")" "Uid of --user $user"
                for set in CapInh CapPrm CapEff CapAmb; do
                        assert_eq 0000000000000000 "$(status_field "$set" "$OUT")" "$set of --user $user"
                done
                assert_eq "$expected" "$(status_field CapBnd "$OUT")" "CapBnd of --user $user"
        done
}

test_no_new_privs_and_filter_on_by_default() {
        status
        assert_eq 1 "$(status_field NoNewPrivs "$OUT")" "NoNewPrivs"
        assert_eq 2 "$(status_field Seccomp "$OUT")" "Seccomp (2: filter)"
}

# NoNewPrivileges=no (su/sudo inside): the filter must still be loaded.
test_filter_loaded_without_no_new_privs() {
        status --no-new-privileges no
        assert_eq 0 "$(status_field NoNewPrivs "$OUT")" "NoNewPrivs"
        assert_eq 2 "$(status_field Seccomp "$OUT")" "Seccomp (2: filter)"
        status --no-new-privileges no --user 1000
        assert_eq 2 "$(status_field Seccomp "$OUT")" "Seccomp of a non-root user"
}

test_seccomp_unconfined_loads_no_filter() {
        status --seccomp unconfined
        assert_eq 0 "$(status_field Seccomp "$OUT")" "Seccomp"
}
