# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# userbox touches only the cgroups it made for a container: never the
# cgroup of the session a container was started from (a container without
# limits lives there), never another container's, and all of its own,
# with what a container made below it.

source "$(dirname "${BASH_SOURCE[0]}")/common.sh" || exit 1

# sessions_make: SESSIONS, the delegated directories (where userbox makes
# its cgroups) of the pids and the v2 hierarchy, each given two sibling
# cgroups sessA and sessB, as two terminals of one user have.
sessions_make() {
        local path dir v2
        limits_delegated pids
        limits_parent PIDs=20
        SESSIONS=("$PARENT")
        v2=$(awk '$0 ~ / - cgroup2 / { print $5; exit }' /proc/self/mountinfo)
        path=$(sed -n 's/^0:://p' /proc/self/cgroup)
        [ -n "$v2" ] && [ -w "$v2${path%/*}" ] && SESSIONS+=("$v2${path%/*}")
        for dir in "${SESSIONS[@]}"; do
                mkdir "$dir/sessA-$$" "$dir/sessB-$$" || fail "cannot make sessions in $dir"
        done
        trap 'sessions_remove' EXIT
}

sessions_remove() {
        local dir s
        for dir in "${SESSIONS[@]}"; do
                for s in sessA-$$ sessB-$$; do
                        xargs -r kill -9 <"$dir/$s/cgroup.procs" 2>/dev/null
                done
        done
        sleep 0.2
        for dir in "${SESSIONS[@]}"; do
                rmdir "$dir/sessA-$$" "$dir/sessB-$$" 2>/dev/null
        done
}

# sessions_join SESSION PID: PID into SESSION of every hierarchy.
sessions_join() {
        local dir
        for dir in "${SESSIONS[@]}"; do
                echo "$2" >"$dir/$1-$$/cgroup.procs" || fail "cannot move $2 into $dir/$1-$$"
        done
}

# stop, list and exec from another terminal act on the container alone: a
# container without limits is in the cgroup of the session that started
# it, with the user's other processes there, which are not the
# container's to take down.
test_stop_list_and_exec_from_another_session_leave_the_starting_session_alone() {
        local bystander dir out
        sessions_make
        XDG_RUNTIME_DIR=$(mktemp_dir) && chmod 700 "$XDG_RUNTIME_DIR" && export XDG_RUNTIME_DIR
        # Session A: a process of the user, and a container started there.
        bash -c 'echo $$ >"$1"; exec sleep 300' _ "$XDG_RUNTIME_DIR/bystander" &
        wait_for 5 test -s "$XDG_RUNTIME_DIR/bystander" || fail "no bystander"
        bystander=$(cat "$XDG_RUNTIME_DIR/bystander")
        sessions_join sessA "$bystander"
        (sessions_join sessA "$BASHPID" && exec "$USERBOX" run -d --name owner-$$ --idmap single "$TEST_ROOT" -- sleep 300) >/dev/null ||
                fail "run -d in session A"
        # Session B: the user's other terminal.
        out=$(sessions_join sessB "$BASHPID" && "$USERBOX" list) || fail "list from session B"
        assert_eq "-" "$(awk -v n="owner-$$" '$1 == n { print $4 }' <<<"$out")" "list: memory of a container without a cgroup"
        # No cgroup of the container's own to join: exec's command stays
        # in its caller's.
        out=$(sessions_join sessB "$BASHPID" && "$USERBOX" exec "owner-$$" -- cat /proc/self/cgroup) || fail "exec from session B"
        assert_not_contains "$out" "sessA-$$" "exec's command: moved into session A's cgroup"
        (sessions_join sessB "$BASHPID" && exec "$USERBOX" stop "owner-$$") >/dev/null 2>&1 || fail "stop from session B"
        kill -0 "$bystander" 2>/dev/null && [ "$(awk '{ print $3 }' "/proc/$bystander/stat")" != Z ] ||
                fail "stop killed a process of session A that was not the container's"
        for dir in "${SESSIONS[@]}"; do
                [ -d "$dir/sessA-$$" ] || fail "stop removed the cgroup $dir/sessA-$$ of session A"
        done
        kill "$bystander"
}

# A container whose root may make cgroups (CAP_SYS_ADMIN in its user
# namespace) can leave some below its own, with processes in them: they
# go with the container's cgroup.
test_cgroups_made_below_the_container_s_go_with_it() {
        limits_delegated pids
        limits_parent PIDs=20
        run "$USERBOX" run --idmap single --cap-add SYS_ADMIN --limit PIDs=20 "$TEST_ROOT" -- sh -c '
                mkdir -p /tmp/c && mount -t cgroup -o pids none /tmp/c && mkdir -p /tmp/c/sub/deeper || exit 1
                sh -c "echo \$\$ >/tmp/c/sub/deeper/cgroup.procs && exec sleep 300" &
                sleep 0.3; exit 3'
        # Only the kernel's refusal of the mount is the machine's.
        if [ "$STATUS" != 3 ]; then
                [[ $ERR == *"Operation not permitted"* ]] ||
                        fail "the container could not make its cgroups (status $STATUS: $ERR)"
                skip "machine: the kernel does not let the container mount its pids hierarchy ($ERR)"
        fi
        assert_not_contains "$ERR" "leaving it" "the launcher's warnings"
        assert_eq "" "$(limits_cgroups_under "$PARENT")" "userbox-* cgroups left under $PARENT"
}

# userbox config says where a named container's cgroup goes, by the name
# its launch gives it.
test_config_names_the_cgroup_of_a_named_container() {
        limits_delegated pids
        run "$USERBOX" config --name web --idmap single --limit PIDs=20 "$TEST_ROOT"
        assert_eq 0 "$STATUS" "config ($ERR)"
        assert_contains "$OUT" "/userbox-web-PID: pids.max=20" "the cgroup line"
}

# The cgroup userbox runs in need not be the user's to write when the one
# above it is: the container's cgroup goes to the topmost cgroup the user
# may write, as from a writable one (the walk up starts at the parent).
test_a_read_only_session_cgroup_below_a_delegated_one_takes_limits() {
        local dirs=() dir
        sessions_make
        for dir in "${SESSIONS[@]}"; do dirs+=("$dir/sessA-$$"); done
        # Into session A, then its cgroups made read-only, from inside.
        run bash -c 'userbox=$1 root=$2; shift 2
                for d; do echo $$ >"$d/cgroup.procs" || exit 9; done
                for d; do chmod a-w "$d" "$d/cgroup.procs" || exit 9; done
                [ ! -w "$1/cgroup.procs" ] || exit 8
                "$userbox" config --idmap single --limit PIDs=20 "$root" | grep "^# cgroup: v1" || exit 7
                exec "$userbox" run --idmap single --limit PIDs=20 "$root" -- cat /sys/fs/cgroup/pids/pids.max' \
                _ "$USERBOX" "$TEST_ROOT" "${dirs[@]}"
        for dir in "${dirs[@]}"; do chmod u+w "$dir" "$dir/cgroup.procs"; done
        assert_eq 0 "$STATUS" "config and run from a read-only session cgroup ($ERR)"
        assert_contains "$OUT" "# cgroup: v1 $PARENT/userbox-PID: pids.max=20" "where config puts the cgroup"
        assert_contains "$OUT" $'\n20' "pids.max inside"
        assert_eq "" "$(limits_cgroups_under "$PARENT")" "userbox-* cgroups left under $PARENT"
}
