# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# userbox-oci: linux.cgroupsPath and linux.resources through the cgroups
# delegated to the user (design §13, userbox-oci(1) RESOURCES): where the
# container's cgroup is made, which files get which values, and that kill
# --all and delete reach its cgroup v1 directories. .ci/run delegates the
# memory, cpu, cpuset and pids hierarchies below its own cgroup to the
# test user.

OCI=${USERBOX_OCI:-$(dirname "$USERBOX")/userbox-oci}

# cgroups_delegated CONTROLLER...: skips unless the user may write the
# cgroup this shell is in, in the v1 hierarchy of each CONTROLLER.
cgroups_delegated() {
        local controller dir
        for controller in "$@"; do
                dir=$(cgroup_dir_of self "$controller")
                [ -n "$dir" ] || skip "machine: no cgroup v1 hierarchy has the $controller controller"
                [ -w "$dir" ] && [ -w "$dir/cgroup.procs" ] ||
                        skip "machine: no $controller cgroup is delegated to this user ($dir is not writable; .ci/run delegates one)"
        done
}

# cgroup_dir_of PID|self CONTROLLER: the directory of the v1 cgroup of
# the process in the hierarchy of CONTROLLER.
cgroup_dir_of() {
        local path mount
        path=$(awk -F: -v c="$2" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' "/proc/$1/cgroup")
        mount=$(awk -v c="$2" '$0 ~ / - cgroup / { n = split($NF, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $5 }' \
                /proc/self/mountinfo | head -n 1)
        [ -n "$mount" ] && [ -n "$path" ] && echo "$mount${path%/}"
}

# cgroup_bundle DIR SCRIPT LINUX_JSON: a busybox bundle running `sh -c
# SCRIPT` as root of a user namespace mapping the caller alone, with
# LINUX_JSON's members (cgroupsPath, resources) in "linux".
cgroup_bundle() {
        make_root "$1/rootfs"
        python3 - "$1/config.json" "$2" "$3" "$(id -u)" "$(id -g)" <<'EOF' || fail "config.json"
import json, sys
path, script, extra, uid, gid = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
linux = {"uidMappings": [{"containerID": 0, "hostID": uid, "size": 1}],
         "gidMappings": [{"containerID": 0, "hostID": gid, "size": 1}],
         "namespaces": [{"type": t} for t in ("pid", "ipc", "uts", "mount", "user")]}
linux.update(extra)
doc = {"ociVersion": "1.0.2", "root": {"path": "rootfs"},
       "process": {"user": {"uid": 0, "gid": 0}, "args": ["/bin/sh", "-c", script], "env": ["PATH=/bin"], "cwd": "/"},
       "linux": linux}
json.dump(doc, open(path, "w"))
EOF
}

# cgroup_create LINUX_JSON [SCRIPT]: creates container $ID from a new
# bundle under the state root $STATE; $PID is its process.
cgroup_create() {
        local base
        base=$(mktemp_dir) || fail "mktemp_dir"
        STATE=$base/state ID=cg-$$-$RANDOM
        cgroup_bundle "$base/bundle" "${2:-sleep 60}" "$1"
        run "$OCI" --root "$STATE" create --bundle "$base/bundle" "$ID"
        [ "$STATUS" = 0 ] || { _show_run "$OCI create"; fail "userbox-oci create failed"; }
        trap '"$OCI" --root "$STATE" delete --force "$ID" >/dev/null 2>&1' EXIT
        PID=$("$OCI" --root "$STATE" state "$ID" | tr -d '\n' | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p')
        [ -n "$PID" ] || fail "no pid in the state of $ID"
}

test_oci_relative_cgroups_path_is_made_below_the_delegated_cgroup() {
        local own dir
        cgroups_delegated pids cpu memory
        own=$(cgroup_dir_of self pids)
        cgroup_create '{"cgroupsPath": "t-'$$'/c", "resources": {"pids": {"limit": 30},
                "cpu": {"shares": 512}, "memory": {"reservation": 1048576}}}'
        dir=$(cgroup_dir_of "$PID" pids)
        # Below the delegated directory (the session's parent, where
        # userbox makes its cgroups), as the path names it.
        case $dir in "${own%/*}"/t-$$/c) ;; *) fail "the container's pids cgroup is $dir, not ${own%/*}/t-$$/c" ;; esac
        assert_eq 30 "$(cat "$dir/pids.max")" "pids.max"
        assert_eq 512 "$(cat "$(cgroup_dir_of "$PID" cpu)/cpu.shares")" "cpu.shares"
        assert_eq 1048576 "$(cat "$(cgroup_dir_of "$PID" memory)/memory.soft_limit_in_bytes")" "memory.soft_limit_in_bytes"
        assert_status 0 "$OCI" --root "$STATE" delete --force "$ID"
        [ ! -d "$dir" ] || fail "delete left the cgroup $dir"
        [ ! -d "${dir%/c}" ] || fail "delete left the level ${dir%/c} that cgroupsPath named"
}

test_oci_cpus_and_mems_go_to_a_cpuset_cgroup_that_takes_the_process() {
        local dir
        cgroups_delegated cpuset
        # A v1 cpuset cgroup is born with no cpus: the levels made get
        # their parent's, or no process could enter.
        cgroup_create '{"cgroupsPath": "t-'$$'/cpus", "resources": {"cpu": {"cpus": "0", "mems": "0"}}}'
        dir=$(cgroup_dir_of "$PID" cpuset)
        case $dir in */t-$$/cpus) ;; *) fail "the container's cpuset cgroup is $dir" ;; esac
        assert_eq 0 "$(cat "$dir/cpuset.cpus")" "cpuset.cpus"
        assert_eq 0 "$(cat "$dir/cpuset.mems")" "cpuset.mems"
        assert_eq "$(cat "${dir%/cpus}/../cpuset.cpus")" "$(cat "${dir%/cpus}/cpuset.cpus")" "the level made between"
}

test_oci_hugepage_limits_go_to_the_hugetlb_controller() {
        local own size dir
        own=$(awk -F: '$1 == 0 { print $3 }' /proc/self/cgroup)
        dir=$(awk '$0 ~ / - cgroup2 / { print $5 }' /proc/self/mountinfo | head -n 1)$own
        [ -w "$dir/cgroup.procs" ] || skip "machine: no cgroup v2 directory is delegated to this user ($dir)"
        grep -qw hugetlb "${dir%/*}/cgroup.controllers" 2>/dev/null ||
                skip "machine: the hugetlb controller is not enabled in ${dir%/*} (.ci/run enables it where the host's v2 hierarchy has it)"
        size=$(ls /sys/kernel/mm/hugepages | sed -n 's/^hugepages-\([0-9]*\)kB$/\1/p' | head -n 1)
        [ "$size" = 2048 ] || skip "machine: no 2 MB huge pages here"
        cgroup_create '{"cgroupsPath": "t-'$$'/huge", "resources": {"hugepageLimits": [{"pageSize": "2MB", "limit": 4194304}]}}'
        dir=$(awk '$0 ~ / - cgroup2 / { print $5 }' /proc/self/mountinfo | head -n 1)$(awk -F: '$1 == 0 { print $3 }' "/proc/$PID/cgroup")
        case $dir in */t-$$/huge) ;; *) fail "the container's v2 cgroup is $dir" ;; esac
        assert_eq 4194304 "$(cat "$dir/hugetlb.2MB.max")" "hugetlb.2MB.max"
}

test_oci_delete_removes_the_v1_cgroups_and_kill_all_what_double_forked() {
        local dir
        cgroups_delegated pids
        # A process that left init's sight: only the cgroup still knows it.
        cgroup_create '{"resources": {"pids": {"limit": 40}}}' '(sleep 300 &) ; sleep 300'
        "$OCI" --root "$STATE" start "$ID" || fail "start"
        dir=$(cgroup_dir_of "$PID" pids)
        wait_for 5 sh -c "[ \$(wc -l < '$dir/cgroup.procs') -ge 2 ]" || fail "the double fork did not happen"
        assert_status 0 "$OCI" --root "$STATE" kill --all "$ID" KILL
        wait_for 5 sh -c "[ ! -s '$dir/cgroup.procs' ]" || fail "kill --all left $(cat "$dir/cgroup.procs" | wc -l) processes in $dir"
        assert_status 0 "$OCI" --root "$STATE" delete --force "$ID"
        [ ! -d "$dir" ] || fail "delete left the v1 cgroup $dir"
}

test_oci_absolute_cgroups_path_where_not_delegated_is_refused_naming_it() {
        local base mount
        cgroups_delegated pids
        mount=$(awk '$0 ~ / - cgroup / && $NF ~ /(^|,)pids(,|$)/ { print $5 }' /proc/self/mountinfo | head -n 1)
        [ -w "$mount" ] && skip "machine: the pids hierarchy's root is writable by this user"
        base=$(mktemp_dir)
        cgroup_bundle "$base/bundle" "touch /ran" '{"cgroupsPath": "/userbox-test-'$$'", "resources": {"pids": {"limit": 30}}}'
        run "$OCI" --root "$base/state" run --bundle "$base/bundle" "abs-$$"
        [ "$STATUS" != 0 ] || fail "run succeeded (stderr: $ERR)"
        assert_contains "$ERR" "linux.resources.pids.limit: the pids controller is not delegated to you: looked at $mount (linux.cgroupsPath): not writable" "the error"
        [ ! -e "$base/bundle/rootfs/ran" ] || fail "the process ran"
}

test_oci_cgroups_path_alone_is_ignored_where_it_cannot_be_made() {
        local base
        base=$(mktemp_dir)
        # podman passes one with every container: with no limit to hold,
        # a cgroup the user may not make is no reason to fail, as with crun.
        cgroup_bundle "$base/bundle" "touch /ran" '{"cgroupsPath": "/userbox-test-'$$'/c"}'
        run "$OCI" --root "$base/state" run --bundle "$base/bundle" "alone-$$"
        assert_eq 0 "$STATUS" "status of run (stderr: $ERR)"
        assert_eq "" "$ERR" "what userbox-oci says"
        [ -e "$base/bundle/rootfs/ran" ] || fail "the process did not run"
}

test_oci_a_controller_not_delegated_is_named_with_where_userbox_looked() {
        local base
        base=$(mktemp_dir)
        cgroup_bundle "$base/bundle" "touch /ran" '{"resources": {"blockIO": {"weight": 300}}}'
        [ -w "$(cgroup_dir_of self blkio)" ] && skip "machine: a blkio cgroup is delegated to this user"
        run "$OCI" --root "$base/state" run --bundle "$base/bundle" "blkio-$$"
        [ "$STATUS" != 0 ] || fail "run succeeded (stderr: $ERR)"
        assert_contains "$ERR" "linux.resources.blockIO.weight: " "the error names the field"
        assert_contains "$ERR" "looked at " "and where userbox looked"
        [ ! -e "$base/bundle/rootfs/ran" ] || fail "the process ran"
}

# The hooks that run in the container (createContainer, startContainer)
# are in its cgroups too, v1 and v2: what they start counts against its
# limits, and kill --all reaches it. Each writes its /proc/self/cgroup;
# the program writes its own, read the same way (startContainer's run
# after the pivot, in the container's /proc).
test_oci_container_hooks_run_in_the_container_cgroups() {
        local dir bundle
        cgroups_delegated pids memory
        cgroup_create '{"cgroupsPath": "t-'$$'/hk", "resources": {"pids": {"limit": 30}, "memory": {"limit": 104857600}}}'
        "$OCI" --root "$STATE" delete --force "$ID" >/dev/null 2>&1
        bundle=${STATE%/state}/bundle
        python3 - "$bundle/config.json" "$bundle/rootfs" <<'EOF' || fail "config.json"
import json, sys
path, rootfs = sys.argv[1], sys.argv[2]
doc = json.load(open(path))
doc["process"]["args"] = ["/bin/sh", "-c", "cat /proc/self/cgroup > /prog.cgroup; exec sleep 60"]
doc["mounts"] = [{"destination": "/proc", "type": "proc", "source": "proc"}]
doc["hooks"] = {
    "createContainer": [{"path": "/bin/sh", "args": ["sh", "-c", "cat /proc/self/cgroup > " + rootfs + "/cc.cgroup"]}],
    "startContainer": [{"path": "/bin/sh", "args": ["sh", "-c", "cat /proc/self/cgroup > /sc.cgroup"]}],
}
json.dump(doc, open(path, "w"))
EOF
        run "$OCI" --root "$STATE" create --bundle "$bundle" "$ID"
        [ "$STATUS" = 0 ] || { _show_run "$OCI create"; fail "userbox-oci create with hooks failed"; }
        PID=$("$OCI" --root "$STATE" state "$ID" | tr -d '\n' | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p')
        dir=$(cgroup_dir_of "$PID" pids)
        case $dir in */t-$$/hk) ;; *) fail "the container's pids cgroup is $dir" ;; esac
        assert_eq "$(cat "/proc/$PID/cgroup")" "$(cat "$bundle/rootfs/cc.cgroup")" "the createContainer hook's cgroups"
        assert_status 0 "$OCI" --root "$STATE" start "$ID"
        wait_for 5 test -s "$bundle/rootfs/prog.cgroup" || fail "the program did not run"
        assert_eq "$(cat "$bundle/rootfs/prog.cgroup")" "$(cat "$bundle/rootfs/sc.cgroup")" "the startContainer hook's cgroups"
}

test_oci_a_value_the_kernel_refuses_fails_the_create_and_leaves_nothing() {
        local base dir cpus
        cgroups_delegated cpuset pids
        # The v1 cgroups and their limits are made once the process is
        # cloned, while it builds its view: a refusal there must still end
        # it before its program, with the file named, and leave no cgroup,
        # no process, no state.
        cpus=$(getconf _NPROCESSORS_CONF)
        base=$(mktemp_dir)
        cgroup_bundle "$base/bundle" "touch /ran; sleep 60" \
                '{"cgroupsPath": "t-'$$'/refused", "resources": {"pids": {"limit": 30}, "cpu": {"cpus": "'$((cpus + 8))'"}}}'
        run "$OCI" --root "$base/state" create --bundle "$base/bundle" "refused-$$"
        [ "$STATUS" != 0 ] || { "$OCI" --root "$base/state" delete --force "refused-$$"; fail "create succeeded (stderr: $ERR)"; }
        assert_contains "$ERR" "linux.resources.cpu.cpus: the kernel refuses $((cpus + 8)) in " "the error names the field"
        assert_contains "$ERR" "/cpuset.cpus: " "and the file"
        dir=$(cgroup_dir_of self pids)
        [ ! -d "${dir%/*}/t-$$" ] || fail "create left the cgroup ${dir%/*}/t-$$"
        dir=$(cgroup_dir_of self cpuset)
        [ ! -d "${dir%/*}/t-$$" ] || fail "create left the cpuset cgroup ${dir%/*}/t-$$"
        [ ! -e "$base/bundle/rootfs/ran" ] || fail "the process ran"
        [ -z "$(ls -A "$base/state" 2>/dev/null)" ] || fail "create left state: $(ls -A "$base/state")"
        pgrep -f "refused-$$" >/dev/null && fail "a process of the container is left: $(pgrep -af "refused-$$")"
        return 0
}

test_oci_cgroup_namespace_is_rooted_at_the_container_cgroup() {
        local base
        cgroups_delegated pids memory
        # The process is moved into its v1 cgroups after clone: the
        # namespace is made once it is there, as run makes it, so that each
        # hierarchy reads "/" inside.
        base=$(mktemp_dir)
        cgroup_bundle "$base/bundle" "cat /proc/self/cgroup" '{"cgroupsPath": "t-'$$'/ns", "resources": {"pids": {"limit": 30}},
                "namespaces": [{"type": "pid"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}, {"type": "user"}, {"type": "cgroup"}]}'
        # A createContainer hook runs in the container's namespaces: in
        # this one too.
        python3 - "$base/bundle/config.json" "$base/bundle/rootfs" <<'EOF' || fail "config.json"
import json, sys
path, rootfs = sys.argv[1], sys.argv[2]
doc = json.load(open(path))
doc["hooks"] = {"createContainer": [{"path": "/bin/sh", "args": ["sh", "-c", "cat /proc/self/cgroup > " + rootfs + "/cc.cgroup"]}]}
json.dump(doc, open(path, "w"))
EOF
        run "$OCI" --root "$base/state" run --bundle "$base/bundle" "ns-$$"
        assert_eq 0 "$STATUS" "status of run (stderr: $ERR)"
        assert_contains "$OUT" ":pids:/"$'\n' "the pids hierarchy inside"
        assert_contains "$OUT" ":memory:/"$'\n' "the memory hierarchy inside"
        assert_contains "$OUT" "0::/" "the unified hierarchy inside"
        case $OUT in *..*|*t-$$*) fail "the container sees cgroups outside its own: $OUT" ;; esac
        assert_eq "$OUT" "$(cat "$base/bundle/rootfs/cc.cgroup")" "the createContainer hook's cgroups"
}

# A container made without linux.cgroupsPath gets userbox-PID, PID its
# create's, which has ended: another launch's sweep of what killed
# launchers left must not take it for one, nor kill what runs in it.
test_oci_container_outlives_the_next_launches_sweep() {
        local dir
        cgroups_delegated pids
        cgroup_create '{"resources": {"pids": {"limit": 30}}}'
        "$OCI" --root "$STATE" start "$ID" || fail "start"
        dir=$(cgroup_dir_of "$PID" pids)
        case $dir in */userbox-[0-9]*) ;; *) fail "the container's pids cgroup is $dir, not userbox-PID" ;; esac
        assert_status 0 "$USERBOX" run --idmap single --limit PIDs=20 "$TEST_ROOT" -- true
        assert_contains "$("$OCI" --root "$STATE" state "$ID")" '"status":"running"' "the container after another launch"
        [ -d "$dir" ] || fail "its cgroup $dir was removed"
        assert_status 0 "$OCI" --root "$STATE" delete --force "$ID"
        [ ! -d "$dir" ] || fail "delete left $dir"
}

# cgroup_view_layout: where a `cgroup` mount at /sys/fs/cgroup shows the
# memory limit ($MEMORY_FILE) and pids limit ($PIDS_FILE) of a container,
# and the directories of their hierarchies ($VIEW_DIRS), on this
# machine's layout: v1 (hybrid) or v2 alone.
cgroup_view_layout() {
        local own
        if [ -n "$(cgroup_dir_of self memory)" ]; then
                cgroups_delegated memory pids
                MEMORY_FILE=/sys/fs/cgroup/memory/memory.limit_in_bytes PIDS_FILE=/sys/fs/cgroup/pids/pids.max
                VIEW_DIRS="/sys/fs/cgroup/memory/ /sys/fs/cgroup/pids/"
                return
        fi
        own=$(awk '$0 ~ / - cgroup2 / { print $5; exit }' /proc/self/mountinfo)$(sed -n 's/^0:://p' /proc/self/cgroup)
        [ -w "${own%/*}" ] && grep -qw memory "${own%/*}/cgroup.subtree_control" 2>/dev/null &&
                grep -qw pids "${own%/*}/cgroup.subtree_control" ||
                skip "machine: no memory and pids cgroup is delegated to this user (${own%/*}; .ci/run delegates one)"
        MEMORY_FILE=/sys/fs/cgroup/memory.max PIDS_FILE=/sys/fs/cgroup/pids.max VIEW_DIRS=/sys/fs/cgroup/
}

# cgroup_view_run SCRIPT [NAMESPACES_JSON [HOOKS_JSON]]: userbox-oci run
# of a bundle with a memory limit of 64 MiB and a pids limit of 20, and
# /proc, /sys and a `cgroup` mount at /sys/fs/cgroup (read-only, as
# podman lists them), running `sh -c SCRIPT`; ROOTFS in HOOKS_JSON is the
# bundle's rootfs.
cgroup_view_run() {
        local base
        base=$(mktemp_dir) || fail "mktemp_dir"
        cgroup_bundle "$base/bundle" "$1" '{"resources": {"memory": {"limit": 67108864}, "pids": {"limit": 20}}}'
        python3 - "$base/bundle/config.json" "${2:-}" "${3:-}" <<'EOF' || fail "config.json"
import json, sys
path, namespaces, hooks = sys.argv[1], sys.argv[2], sys.argv[3]
doc = json.load(open(path))
inert = ["nosuid", "noexec", "nodev"]
doc["mounts"] = [{"destination": "/proc", "type": "proc", "source": "proc"},
                 {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": inert + ["ro"]},
                 {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
                  "options": ["rprivate"] + inert + ["relatime", "ro"]}]
if namespaces:
    doc["linux"]["namespaces"] = json.loads(namespaces)
if hooks:
    doc["hooks"] = json.loads(hooks.replace("ROOTFS", path.rsplit("/", 1)[0] + "/rootfs"))
json.dump(doc, open(path, "w"))
EOF
        run "$OCI" --root "$base/state" run --bundle "$base/bundle" "view-$$-$RANDOM"
}

# A `cgroup` mount shows the container's own cgroups, as run's
# /sys/fs/cgroup does: a JVM or the Go runtime in a container podman
# runs through userbox-oci reads its limits there, not the host's root's.
test_oci_cgroup_mount_shows_the_containers_limits() {
        cgroup_view_layout
        cgroup_view_run "cat $MEMORY_FILE $PIDS_FILE"
        assert_eq 0 "$STATUS" "status of run (stderr: $ERR)"
        assert_eq "67108864
20" "$OUT" "the memory and pids limits inside"
}

# Nothing of the host's tree above the container's cgroup: not the
# cgroup CI delegated (userbox-ci-*), not the container's own name
# (userbox-PID), no other user's cgroup, no cgroup below its own.
test_oci_cgroup_mount_shows_nothing_above_the_containers_cgroup() {
        cgroup_view_layout
        # The hierarchies must be there to look in: find fails on stderr.
        cgroup_view_run "ls $PIDS_FILE && find $VIEW_DIRS -maxdepth 8 -name 'userbox-*' && find $VIEW_DIRS -mindepth 1 -type d && echo end"
        assert_eq 0 "$STATUS" "status of run (stderr: $ERR)"
        assert_eq "$PIDS_FILE
end" "$OUT" "userbox-* cgroups, and cgroups, in the memory and pids hierarchies inside"
}

# Read-only, as the mount says: the container changes none of its limits.
test_oci_cgroup_mount_is_read_only() {
        cgroup_view_layout
        cgroup_view_run "echo 5 >$PIDS_FILE || echo refused; cat $PIDS_FILE"
        assert_eq 0 "$STATUS" "status of run (stderr: $ERR)"
        assert_eq "refused
20" "$OUT" "writing pids.max inside, then reading it"
        assert_contains "$ERR" "Read-only file system" "why"
}

# With a cgroup namespace and a createContainer hook (the view is built
# once the launcher's hooks ran), the same view; the hook, which runs
# before the pivot, sees it in the rootfs.
test_oci_cgroup_mount_with_namespace_and_hooks_shows_the_containers_limits() {
        local hook
        cgroup_view_layout
        hook='{"createContainer": [{"path": "/bin/sh", "args": ["sh", "-c", "cat ROOTFS'$PIDS_FILE' >ROOTFS/hook.pids"]}]}'
        cgroup_view_run "cat /hook.pids $MEMORY_FILE $PIDS_FILE" \
                '[{"type": "pid"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}, {"type": "user"}, {"type": "cgroup"}]' \
                "$hook"
        assert_eq 0 "$STATUS" "status of run (stderr: $ERR)"
        assert_eq "20
67108864
20" "$OUT" "the hook's pids limit, then the process's memory and pids limits"
}

# Without config.json's mounts, userbox's own /sys shows the same view.
test_oci_standard_sys_shows_the_containers_limits() {
        local base
        cgroup_view_layout
        base=$(mktemp_dir) || fail "mktemp_dir"
        cgroup_bundle "$base/bundle" "cat $MEMORY_FILE $PIDS_FILE" \
                '{"resources": {"memory": {"limit": 67108864}, "pids": {"limit": 20}}}'
        run "$OCI" --root "$base/state" run --bundle "$base/bundle" "std-$$"
        assert_eq 0 "$STATUS" "status of run (stderr: $ERR)"
        assert_eq "67108864
20" "$OUT" "the memory and pids limits inside"
}

# exec joins the container's mount namespace: the same view, in a
# container made by create (its process waits for start meanwhile).
test_oci_exec_sees_the_containers_limits() {
        cgroup_view_layout
        cgroup_create '{"resources": {"memory": {"limit": 67108864}, "pids": {"limit": 20}}}'
        "$OCI" --root "$STATE" start "$ID" || fail "start"
        run "$OCI" --root "$STATE" exec "$ID" cat "$MEMORY_FILE" "$PIDS_FILE"
        assert_eq 0 "$STATUS" "status of exec (stderr: $ERR)"
        assert_eq "67108864
20" "$OUT" "the memory and pids limits exec reads"
}
