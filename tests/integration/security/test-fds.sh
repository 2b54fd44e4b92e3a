# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# Leaked file descriptors and working directories: nothing the launcher was
# started with may give the command a way back to the host
# (CVE-2024-21626: a leaked directory fd used as the working directory).

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

test_only_fds_0_to_2_reach_the_command() {
        local dir
        dir=$(mktemp_dir)
        mkdir "$dir/outside"
        echo secret >"$dir/outside/host-secret"
        exec 7<"$dir/outside" 8>"$dir/leak" 9<"$dir/outside/host-secret"
        in_box -- /mnt/probe fds
        must_succeed
        assert_eq "$(printf '0\n1\n2')" "$OUT" "fds open in the command"
}

# The same check can fail: asking for one more fd passes exactly that one.
test_preserve_fds_passes_exactly_the_fds_asked_for() {
        local dir
        dir=$(mktemp_dir)
        exec 3<"$dir" 4<"$dir"
        in_box --preserve-fds 1 -- /mnt/probe fds
        must_succeed
        assert_eq "$(printf '0\n1\n2\n3')" "$OUT" "fds open in the command"
}

test_cwd_under_proc_self_fd_stays_inside_the_root() {
        local dir
        dir=$(mktemp_dir)
        mkdir "$dir/outside"
        echo TOPSECRET-CONTENT >"$dir/outside/leakfile"
        exec 7<"$dir/outside"
        cd /proc/self/fd/7 || fail "cd /proc/self/fd/7"
        in_box -- sh -c 'ls -a; echo ---; cat leakfile ../outside/leakfile 2>/dev/null; true'
        must_succeed
        assert_not_contains "${OUT%%---*}" "leakfile" "the listing of the command's cwd"
        assert_not_contains "$OUT" "TOPSECRET-CONTENT" "the host file"
}

# A working directory given as a leaked fd path must not lead out either.
test_workdir_naming_a_leaked_fd_does_not_lead_out() {
        local dir
        dir=$(mktemp_dir)
        mkdir "$dir/outside"
        echo TOPSECRET-CONTENT >"$dir/outside/leakfile"
        exec 7<"$dir/outside"
        in_box -w /proc/self/fd/7 -- sh -c 'ls -a; echo ---; cat leakfile 2>/dev/null; true'
        assert_not_contains "$OUT" "TOPSECRET-CONTENT" "the host file through the working directory"
        if [ "$STATUS" = 0 ]; then
                assert_not_contains "${OUT%%---*}" "leakfile" "the listing of the working directory"
        else
                assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "exit status"
        fi
}
