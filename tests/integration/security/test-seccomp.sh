# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash disable=SC2016 # scripts run inside expand there
#
# The default seccomp filter and the profile's SeccompDeny=/SeccompAllow=/
# SeccompErrno=, observed through the calls they govern.

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# profile KEY=VALUE...: a profile file with these [Security] lines; prints
# its path.
profile() {
        local dir file
        dir=$(mktemp_dir)
        file=$dir/security.ini
        {
                echo "[Security]"
                printf '%s\n' "$@"
        } >"$file"
        chmod 644 "$file"
        printf '%s\n' "$file"
}

test_default_filter_refuses_the_dangerous_calls() {
        in_box -- /mnt/probe syscalls
        must_succeed
        local call
        for call in keyctl add_key bpf perf_event_open userfaultfd open_by_handle_at \
                "unshare CLONE_NEWUSER" "unshare CLONE_NEWNS" setns; do
                assert_contains "$OUT" "$call: EPERM" "$call"
        done
        assert_contains "$OUT" "clone3: ENOSYS" "clone3 (so that the C library falls back to clone)"
        assert_not_contains "$OUT" "ptrace: EPERM" "ptrace (not in the default filter)"
}

# The mount calls as one group, down to the newest (open_tree_attr, Linux
# 6.15), which the libseccomp userbox is built with may not know by name.
test_default_filter_refuses_every_mount_call() {
        in_box -- /mnt/probe syscalls
        must_succeed
        local call
        for call in umount2 open_tree open_tree_attr mount_setattr; do
                assert_contains "$OUT" "$call: EPERM" "$call"
        done
}

test_unconfined_lets_the_calls_through() {
        in_box --seccomp unconfined -- /mnt/probe syscalls
        must_succeed
        assert_contains "$OUT" "keyctl: EOPNOTSUPP" "keyctl without a filter"
        assert_not_contains "$OUT" "open_tree_attr: EPERM" "open_tree_attr without a filter"
        assert_not_contains "$OUT" "clone3: ENOSYS" "clone3 without a filter"
}

test_seccomp_deny_allow_and_errno_from_a_profile() {
        local p
        p=$(profile "SeccompDeny=ptrace" "SeccompAllow=keyctl" "SeccompErrno=EACCES")
        in_box -p "$p" -- /mnt/probe syscalls
        must_succeed
        assert_contains "$OUT" "ptrace: EACCES" "ptrace denied by the profile"
        assert_contains "$OUT" "keyctl: EOPNOTSUPP" "keyctl allowed by the profile"
        assert_contains "$OUT" "add_key: EPERM" "the rest of the default"
}

test_unknown_syscall_name_is_an_error_naming_it() {
        local p
        p=$(profile "SeccompDeny=keyctl no_such_syscall_xyz")
        run "$USERBOX" run -p "$p" "$TEST_ROOT" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "exit status"
        assert_contains "$ERR" "no_such_syscall_xyz" "the error message"
}

test_unknown_errno_name_is_an_error() {
        local p
        p=$(profile "SeccompErrno=EBOGUS")
        run "$USERBOX" run -p "$p" "$TEST_ROOT" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "exit status"
        assert_contains "$ERR" "EBOGUS" "the error message"
}

# Programs still start threads and children: clone3's ENOSYS falls back.
test_fork_and_threads_work_under_the_filter() {
        run "$USERBOX" run "$TEST_ROOT" -- sh -c 'echo $(echo nested) & wait'
        must_succeed
        assert_eq "nested" "$OUT" "a forked child's output"
}
