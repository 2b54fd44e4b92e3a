# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# What the limits tests share: finding the cgroup delegated to the user,
# as userbox does, from /proc/self/cgroup.

# limits_delegated CONTROLLER: skips the test unless the user may write
# the cgroup this shell is in, in the hierarchy of CONTROLLER (cgroup v1):
# without it nothing here can be checked.
limits_delegated() {
        local controller=$1 path mount dir
        path=$(awk -F: -v c="$controller" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' /proc/self/cgroup)
        mount=$(limits_mount "$controller")
        [ -n "$mount" ] || skip "machine: no cgroup v1 hierarchy has the $controller controller"
        dir=$mount${path%/}
        [ -w "$dir" ] && [ -w "$dir/cgroup.procs" ] ||
                skip "machine: no $controller cgroup is delegated to this user ($dir is not writable; .ci/run delegates one)"
}

# limits_mount CONTROLLER: where its cgroup v1 hierarchy is mounted.
limits_mount() {
        awk -v c="$1" '$0 ~ / - cgroup / { n = split($NF, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $5 }' \
                /proc/self/mountinfo | head -n 1
}

# limits_parent LIMIT: PARENT is where userbox makes the cgroup for LIMIT
# (PIDs=20, Memory=64M), as `userbox config` says.
limits_parent() {
        PARENT=$("$USERBOX" config --idmap single --limit "$1" "$TEST_ROOT" |
                sed -n 's|^# cgroup: v[12] \(.*\)/userbox-PID: .*|\1|p')
        [ -d "$PARENT" ] || fail "userbox config --limit $1 names no cgroup parent"
}

# limits_memory_and_pids: skips the test unless memory and pids cgroups
# are delegated; MEMORY and PIDS are where userbox makes the container's
# cgroups for Memory=64M and PIDs=20.
limits_memory_and_pids() {
        limits_delegated memory
        limits_delegated pids
        limits_parent Memory=64M
        MEMORY=$PARENT
        limits_parent PIDs=20
        PIDS=$PARENT
}

# The userbox-* cgroups under DIR.
limits_cgroups_under() {
        find "$1" -maxdepth 1 -type d -name 'userbox-[0-9]*' 2>/dev/null | sort
}
