# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# userbox-oci: what config.json's mounts, process.capabilities and linux.*
# make the container see (oci-linux.c, fs/mounts-oci.c), from real bundles
# run by the unprivileged user.

OCI=${USERBOX_OCI:-$(dirname "$USERBOX")/userbox-oci}

# The mounts a runtime's rootless template lists (crun spec --rootless),
# with sysfs asked for as such: userbox binds the host's when it cannot be
# mounted.
STANDARD_MOUNTS='
 {"destination":"/proc","type":"proc","source":"proc"},
 {"destination":"/dev","type":"tmpfs","source":"tmpfs","options":["nosuid","strictatime","mode=755","size=65536k"]},
 {"destination":"/dev/pts","type":"devpts","source":"devpts","options":["nosuid","noexec","newinstance","ptmxmode=0666","mode=0620"]},
 {"destination":"/dev/shm","type":"tmpfs","source":"shm","options":["nosuid","noexec","nodev","mode=1777","size=65536k"]},
 {"destination":"/dev/mqueue","type":"mqueue","source":"mqueue","options":["nosuid","noexec","nodev"]},
 {"destination":"/sys","type":"sysfs","source":"sysfs","options":["nosuid","noexec","nodev","ro"]},
 {"destination":"/sys/fs/cgroup","type":"cgroup","source":"cgroup","options":["nosuid","noexec","nodev","relatime","ro"]}'

# make_bundle DIR EXTRA_MOUNTS EXTRA_LINUX EXTRA_PROCESS SCRIPT: a bundle
# with a busybox root whose process runs `sh -c SCRIPT` as root of a user
# namespace mapping the caller alone. Each EXTRA is JSON members to add
# (with a leading comma), or ""; EXTRA_MOUNTS "none" leaves "mounts" out.
make_bundle() {
        local dir=$1 mounts=$2 linux=$3 process=$4 script=$5 all_mounts
        all_mounts="\"mounts\": [$STANDARD_MOUNTS $mounts],"
        [ "$mounts" = none ] && all_mounts=
        make_root "$dir/rootfs"
        python3 - "$dir/config.json" "$script" "$(id -u)" "$(id -g)" <<EOF || fail "config.json"
import json, sys
path, script, uid, gid = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
doc = {
    "ociVersion": "1.0.2",
    "process": {"terminal": False, "user": {"uid": 0, "gid": 0}, "args": ["/bin/sh", "-c", script],
                "env": ["PATH=/bin"], "cwd": "/", "noNewPrivileges": True $process},
    "root": {"path": "rootfs", "readonly": False},
    "hostname": "view", $all_mounts
    "linux": {"uidMappings": [{"containerID": 0, "hostID": uid, "size": 1}],
              "gidMappings": [{"containerID": 0, "hostID": gid, "size": 1}],
              "namespaces": [{"type": t} for t in ("pid", "ipc", "uts", "mount", "user", "network")]
              $linux},
}
json.dump(doc, open(path, "w"), indent=1)
EOF
}

# oci_run BUNDLE: userbox-oci run of it, under a state directory of the test's.
oci_run() {
        local state
        state=$(mktemp_dir)
        run "$OCI" --root "$state" run --bundle "$1" "view-$$-$RANDOM"
}

must_run() {
        oci_run "$1"
        [ "$STATUS" = 0 ] && return 0
        _show_run "$OCI run --bundle $1"
        fail "userbox-oci run failed"
}

test_oci_bind_mount_read_only_can_be_read_not_written() {
        local dir data
        dir=$(mktemp_dir)
        data=$(mktemp_dir)
        echo hello >"$data/f"
        make_bundle "$dir" ",{\"destination\":\"/mnt/data\",\"type\":\"bind\",\"source\":\"$data\",\"options\":[\"rbind\",\"ro\"]}" \
                "" "" 'cat /mnt/data/f; echo changed >/mnt/data/f && echo WROTE || echo REFUSED'
        must_run "$dir"
        assert_eq "hello
REFUSED" "$OUT" "the file read, then written, through the bind"
        assert_contains "$ERR" "Read-only file system"
        assert_eq "hello" "$(cat "$data/f")" "the host's file"
}

test_oci_tmpfs_has_the_size_asked_for() {
        local dir
        dir=$(mktemp_dir)
        make_bundle "$dir" ',{"destination":"/mnt/small","type":"tmpfs","source":"tmpfs","options":["size=1m","mode=700"]}' \
                "" "" 'grep " /mnt/small " /proc/mounts; dd if=/dev/zero of=/mnt/small/big bs=1k count=2048 2>/dev/null || echo FULL'
        must_run "$dir"
        assert_contains "$OUT" "tmpfs /mnt/small tmpfs rw"
        assert_contains "$OUT" "size=1024k"
        assert_contains "$OUT" "mode=700"
        assert_contains "$OUT" "FULL"
}

test_oci_masked_paths_read_empty() {
        local dir
        dir=$(mktemp_dir)
        # /proc/kcore is masked by every engine; this machine's kernel may
        # lack it, which the spec says to ignore. /proc/version is a file
        # that is never empty, /proc/irq a directory that never is.
        make_bundle "$dir" "" ',"maskedPaths":["/proc/kcore","/proc/version","/proc/irq"]' "" \
                'echo "version=$(wc -c </proc/version) irq=$(ls /proc/irq | wc -l)"; [ -e /proc/kcore ] && echo "kcore=$(wc -c </proc/kcore)"; true'
        must_run "$dir"
        assert_contains "$OUT" "version=0 irq=0"
        case "$OUT" in *kcore=*) assert_contains "$OUT" "kcore=0" ;; esac
}

test_oci_readonly_paths_cannot_be_written() {
        local dir
        dir=$(mktemp_dir)
        # /etc is the root's own, writable but for the spec.
        make_bundle "$dir" "" ',"readonlyPaths":["/proc/sys","/etc"]' "" \
                'cat /proc/sys/kernel/shmmax /etc/passwd >/dev/null && echo READ
                 echo 4096 >/proc/sys/kernel/shmmax && echo WROTE || echo REFUSED
                 echo x >/etc/new && echo WROTE || echo REFUSED'
        must_run "$dir"
        assert_eq "READ
REFUSED
REFUSED" "$OUT"
        assert_contains "$ERR" "Read-only file system"
}

test_oci_sysctl_is_set_inside() {
        local dir
        dir=$(mktemp_dir)
        make_bundle "$dir" "" ',"sysctl":{"kernel.shmmax":"123456"}' "" 'cat /proc/sys/kernel/shmmax'
        must_run "$dir"
        assert_eq "123456" "$OUT"
        assert_ne "123456" "$(cat /proc/sys/kernel/shmmax)" "the host's value"
}

test_oci_capability_sets_are_as_given() {
        local dir
        dir=$(mktemp_dir)
        # CAP_CHOWN 0, CAP_KILL 5, CAP_NET_BIND_SERVICE 10. As for runc, a
        # process of uid 0 has its effective set equal to its permitted
        # after exec.
        make_bundle "$dir" "" "" ',"capabilities":{"bounding":["CAP_CHOWN","CAP_KILL","CAP_NET_BIND_SERVICE"],
                "effective":["CAP_CHOWN","CAP_KILL"],"permitted":["CAP_CHOWN","CAP_KILL"],
                "inheritable":["CAP_CHOWN"],"ambient":[]}' 'grep ^Cap /proc/self/status'
        must_run "$dir"
        assert_contains "$OUT" "CapInh:	0000000000000001"
        assert_contains "$OUT" "CapPrm:	0000000000000021"
        assert_contains "$OUT" "CapEff:	0000000000000021"
        assert_contains "$OUT" "CapBnd:	0000000000000421"
        assert_contains "$OUT" "CapAmb:	0000000000000000"
}

test_oci_mounts_are_made_in_order() {
        local dir data
        dir=$(mktemp_dir)
        data=$(mktemp_dir)
        echo inside >"$data/f"
        # The bind lands on the tmpfs mounted before it: made in the other
        # order the tmpfs would hide it.
        make_bundle "$dir" ",{\"destination\":\"/mnt/t\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"},
                {\"destination\":\"/mnt/t/sub/data\",\"type\":\"bind\",\"source\":\"$data\",\"options\":[\"rbind\"]}" \
                "" "" 'cat /mnt/t/sub/data/f; grep -o " /mnt/t[^ ]* " /proc/mounts | tr -d " " | tr "\n" " "'
        must_run "$dir"
        assert_eq "inside
/mnt/t /mnt/t/sub/data " "$OUT"
}

test_oci_standard_nodes_are_the_host_s() {
        local dir
        dir=$(mktemp_dir)
        # In the /dev tmpfs the spec mounts (its size shows it is the spec's).
        make_bundle "$dir" "" "" "" 'grep -o "^tmpfs /dev tmpfs [^ ]*size=65536k" /proc/mounts | wc -l
                for n in null zero full random urandom tty; do [ -c /dev/$n ] || echo "missing $n"; done
                readlink /dev/ptmx; echo x >/dev/null && echo OK'
        must_run "$dir"
        assert_eq "1
pts/ptmx
OK" "$OUT"
}

test_oci_unknown_capability_is_refused_naming_it() {
        local dir
        dir=$(mktemp_dir)
        make_bundle "$dir" "" "" ',"capabilities":{"bounding":["CAP_KILL","CAP_TELEPORT"]}' 'true'
        oci_run "$dir"
        assert_ne 0 "$STATUS"
        assert_contains "$ERR" "process.capabilities.bounding[1]: unknown capability 'CAP_TELEPORT'"
}

test_oci_missing_device_is_refused_naming_it() {
        local dir
        dir=$(mktemp_dir)
        make_bundle "$dir" "" ',"devices":[{"path":"/dev/userbox-no-such-node","type":"c","major":10,"minor":200}]' "" 'true'
        oci_run "$dir"
        assert_ne 0 "$STATUS"
        assert_contains "$ERR" "linux.devices[0]: '/dev/userbox-no-such-node' does not exist on the host"
}

test_oci_propagation_of_the_root_and_of_a_mount_is_as_given() {
        local dir
        dir=$(mktemp_dir)
        # userbox makes every mount private at the pivot; the spec's
        # propagation comes after that.
        make_bundle "$dir" ',{"destination":"/mnt/s","type":"tmpfs","source":"tmpfs","options":["shared"]},
                {"destination":"/mnt/p","type":"tmpfs","source":"tmpfs"}' ',"rootfsPropagation":"shared"' "" \
                'while read -r _ _ _ _ mp _ rest; do case $mp in /|/mnt/s|/mnt/p) echo "$mp ${rest%% - *}";; esac; done </proc/self/mountinfo'
        must_run "$dir"
        assert_contains "$OUT" "/ shared:"
        assert_contains "$OUT" "/mnt/s shared:"
        assert_contains "$OUT" "/mnt/p"
        assert_not_contains "$OUT" "/mnt/p shared:"
}

test_oci_without_mounts_the_standard_view_gets_the_masks() {
        local dir
        dir=$(mktemp_dir)
        # No "mounts" at all: userbox's own /proc, /dev and /sys, with the
        # spec's masks and sysctls on top.
        make_bundle "$dir" none ',"maskedPaths":["/proc/version"],"sysctl":{"kernel.shmmax":"654321"}' "" \
                'echo "version=$(wc -c </proc/version) shmmax=$(cat /proc/sys/kernel/shmmax)"; [ -c /dev/null ] && echo DEV'
        must_run "$dir"
        assert_eq "version=0 shmmax=654321
DEV" "$OUT"
}

test_oci_bind_with_an_atime_option_and_shared_propagation_runs() {
        local dir data
        dir=$(mktemp_dir)
        data=$(mktemp_dir)
        echo hello >"$data/f"
        # The suite's "mounts" program: the options of a tmpfs (strictatime,
        # size=) on a bind of a host directory, whose atime mode the kernel
        # locks in a user namespace; the propagation is set all the same.
        make_bundle "$dir" ",{\"destination\":\"/mnt/s\",\"source\":\"$data\",
                \"options\":[\"nosuid\",\"strictatime\",\"mode=755\",\"size=1k\",\"bind\",\"shared\"]}" "" "" \
                'cat /mnt/s/f; while read -r _ _ _ _ mp opts rest; do [ "$mp" = /mnt/s ] && echo "$opts ${rest%% - *}"; done </proc/self/mountinfo; true'
        must_run "$dir"
        assert_contains "$OUT" "hello"
        assert_contains "$OUT" "nosuid"
        assert_contains "$OUT" "shared:"
}

test_oci_empty_security_labels_are_accepted() {
        local dir
        dir=$(mktemp_dir)
        make_bundle "$dir" "" ',"mountLabel":""' ',"selinuxLabel":"","apparmorProfile":""' 'echo RAN'
        must_run "$dir"
        assert_eq "RAN" "$OUT"
}

# A label for a security module the kernel lacks asks for nothing (crun
# accepts it then); one the kernel enforces is refused, naming the field:
# userbox applies no label.
test_oci_security_labels_run_only_where_the_kernel_lacks_the_module() {
        local dir field value enabled selinux=no apparmor=no
        [ "$(stat -f -c %T /sys/fs/selinux 2>/dev/null)" = selinux ] && selinux=yes
        [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ] && apparmor=yes
        for field in mountLabel selinuxLabel apparmorProfile; do
                dir=$(mktemp_dir)
                value='"system_u:object_r:container_file_t:s0:c1,c2"'
                case $field in
                mountLabel) make_bundle "$dir" "" ",\"mountLabel\":$value" "" 'echo RAN'; enabled=$selinux ;;
                selinuxLabel) make_bundle "$dir" "" "" ",\"selinuxLabel\":$value" 'echo RAN'; enabled=$selinux ;;
                apparmorProfile) make_bundle "$dir" "" "" ',"apparmorProfile":"userbox-test"' 'echo RAN'; enabled=$apparmor ;;
                esac
                oci_run "$dir"
                if [ "$enabled" = yes ]; then
                        assert_ne 0 "$STATUS" "$field with the module enforced"
                        assert_contains "$ERR" ".$field: '"
                else
                        assert_eq 0 "$STATUS" "$field without the module ($ERR)"
                        assert_eq "RAN" "$OUT" "$field without the module"
                fi
        done
}

# As podman runs a runtime (root of a user namespace made beforehand): the
# ipc, uts, network and pid namespaces of another process, given by path,
# are the container's, and the hostname is set in the uts one joined.
test_oci_namespaces_given_by_path_are_joined() {
        local dir
        require_cmd unshare
        dir=$(mktemp_dir)
        make_bundle "$dir" "" ',"uidMappings":[],"gidMappings":[],"namespaces":[{"type":"mount"},
                {"type":"ipc","path":"/proc/@PID@/ns/ipc"},{"type":"uts","path":"/proc/@PID@/ns/uts"},
                {"type":"network","path":"/proc/@PID@/ns/net"},{"type":"pid","path":"/proc/@PID@/ns/pid_for_children"}]' "" \
                'for n in ipc uts net pid; do echo "$n $(readlink /proc/self/ns/$n)"; done; hostname'
        run unshare --user --map-root-user sh -c '
                unshare --ipc --uts --net --pid --fork sleep 60 & pid=$!
                while [ "$(readlink /proc/$pid/ns/ipc)" = "$(readlink /proc/self/ns/ipc)" ]; do sleep 0.1; done
                for n in ipc uts net; do echo "$n $(readlink /proc/$pid/ns/$n)"; done
                echo "pid $(readlink /proc/$pid/ns/pid_for_children)"
                sed -i "s/@PID@/$pid/g" "$1/config.json"
                "$0" --root "$1/state" run --bundle "$1" nspath >"$1/out" || echo "FAILED $?"
                nsenter --uts=/proc/$pid/ns/uts hostname
                kill $pid' "$OCI" "$dir"
        assert_eq 0 "$STATUS" "the run (stderr: $ERR)"
        assert_not_contains "$OUT" "FAILED" "the run's output (stderr: $ERR)"
        assert_eq "$(printf '%s\n' "$OUT" | head -n 4)
view" "$(cat "$dir/out")" "the container's namespaces, then its hostname"
        assert_eq "view" "$(printf '%s\n' "$OUT" | tail -n 1)" "the joined uts namespace's hostname"
}

test_oci_mount_namespace_by_path_is_refused_saying_why() {
        local dir
        dir=$(mktemp_dir)
        make_bundle "$dir" "" ',"namespaces":[{"type":"user"},{"type":"mount","path":"/proc/self/ns/mnt"}]' "" 'true'
        oci_run "$dir"
        assert_ne 0 "$STATUS"
        assert_contains "$ERR" "linux.namespaces[1].path: userbox cannot join an existing mount namespace: it sets the root up by mounts and pivot_root in one of the container's own"
}

test_oci_config_without_a_mount_namespace_is_refused_saying_why() {
        local dir
        dir=$(mktemp_dir)
        make_bundle "$dir" "" ',"namespaces":[{"type":"user"},{"type":"pid"}]' "" 'true'
        oci_run "$dir"
        assert_ne 0 "$STATUS"
        assert_contains "$ERR" "linux.namespaces: no 'mount': userbox needs a mount namespace of the container's own to set its root up"
}
