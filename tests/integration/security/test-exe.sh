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

# The pids below pid, children first.
descendants() {
        local child
        for child in $(pgrep -P "$1"); do
                echo "$child"
                descendants "$child"
        done
}

test_proc_exe_never_reaches_the_launcher_binary() {
        exe_attack
}

test_proc_exe_without_init_never_reaches_the_launcher_binary() {
        exe_attack --no-init
}

# An image can make its command "/proc/self/exe" (a link to it, or a
# script's interpreter): the kernel then runs the image of the process that
# executes the command. That must not be the user's launcher file, or a
# process inside holds the host binary (CVE-2019-5736). The launcher run
# that way (here: unshare, which waits for its own command) is seen from
# the host, which owns the container's user namespace: among the
# launcher's descendants (another run's launchers are sealed copies too,
# and so is the container's init, a clone of this launcher), the process
# whose command line is the one run inside.
test_exec_of_proc_self_exe_inside_runs_no_host_file() {
        local dir copy devino pid p seen=0 reached=
        dir=$(mktemp_dir)
        copy=$dir/userbox
        cp "$USERBOX" "$copy" && chmod 755 "$copy" || fail "copy userbox"
        devino=$(stat -c '%d %i' "$copy")
        local root=$dir/root
        make_root "$root"
        ln -s /proc/self/exe "$root/bin/ubx"
        # Unconfined: the default filter refuses the nested user namespace.
        "$copy" run --idmap single --seccomp unconfined "$root" -- /bin/ubx unshare --idmap single -- sleep 30 \
                2>"$dir/err" &
        pid=$!
        for _ in $(seq 100); do
                for p in $(descendants "$pid"); do
                        [ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "/memfd:userbox (deleted)" ] &&
                                [ "$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)" = "/bin/ubx unshare --idmap single -- sleep 30 " ] &&
                                seen=1
                done
                # Only this test's processes can execute its copy.
                for p in $(pgrep -u "$(id -u)"); do
                        [ "$(stat -L -c '%d %i' "/proc/$p/exe" 2>/dev/null)" = "$devino" ] && reached="$reached $p"
                done
                [ -n "$reached" ] || [ "$seen" = 1 ] && break
                # The launcher has ended (the sanitizer build's copy fails
                # at once): nothing of its container is left to look at.
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.1
        done
        kill "$pid"
        wait "$pid"
        [ -z "$reached" ] || fail "processes executing the host's launcher file:$reached"
        # A dynamic build (the sanitizer one) cannot start in a busybox root,
        # which has no loader: the sealed copy then fails at once and may be
        # gone before the look above; the static build is checked fully.
        if [ "$seen" = 0 ] && ! LC_ALL=C ldd "$USERBOX" 2>&1 | grep -q 'not a dynamic executable' &&
                grep -q "'/bin/ubx': command not found" "$dir/err"; then
                return 0
        fi
        [ "$seen" = 1 ] || cat "$dir/err" >&2
        assert_eq 1 "$seen" "a launcher run from /proc/self/exe inside, seen from the host as the sealed copy"
}

# Whatever runs inside from /proc/self/exe must not take the host's view of
# where the launcher lives and run a helper the image planted there.
test_exec_of_proc_self_exe_runs_no_helper_of_the_image() {
        require_subid
        local dir copy root plant
        dir=$(mktemp_dir)
        copy=$dir/userbox
        cp "$USERBOX" "$copy" && chmod 755 "$copy" || fail "copy userbox"
        root=$dir/root
        make_root "$root"
        ln -s /proc/self/exe "$root/bin/ubx"
        # What the image has at the launcher's host directory (bound
        # there: /tmp inside is a tmpfs of its own).
        plant=$dir/plant
        mkdir -p "$plant"
        printf '#!/bin/sh\ntouch /planted-helper-ran\nexit 1\n' >"$plant/userbox-subid"
        chmod 755 "$plant/userbox-subid"
        run env XDG_CACHE_HOME="$dir/cache" "$copy" run --idmap single --ro-bind "$plant:$dir" "$root" -- \
                /bin/ubx unshare --idmap subid -- true
        [ -e "$root/planted-helper-ran" ] && fail "the image's $dir/userbox-subid was run (status $STATUS: $ERR)"
        return 0
}

# The sealed copy keeps the launcher's name: ps -C userbox, pgrep and
# killall find it, not "memfd:userbox".
test_sealed_launcher_keeps_its_name() {
        local dir copy pid name
        dir=$(mktemp_dir)
        copy=$dir/userbox
        cp "$USERBOX" "$copy" && chmod 755 "$copy" || fail "copy userbox"
        "$copy" run "$TEST_ROOT" -- sleep 2 &
        pid=$!
        # This launcher's own sleep (its init's child), not any on the
        # machine: other tests run beside this one.
        wait_for 5 bash -c 'init=$(pgrep -P "$0" | head -n 1) && [ -n "$init" ] && pgrep -x -P "$init" sleep' "$pid" \
                >/dev/null
        name=$(cat "/proc/$pid/comm")
        kill "$pid"
        wait "$pid"
        assert_eq userbox "$name" "the launcher's name"
}
