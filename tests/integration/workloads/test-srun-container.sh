# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# srun --container=BUNDLE: Slurm runs each task of the step through the OCI
# runtime that oci.conf (beside slurm.conf) names; on the cluster .ci/run
# starts that is the userbox-oci of the build (tools/ci-slurm). Slurm 22.05
# copies the bundle's config.json with the task's command and the step's
# environment (SLURM_PROCID, set per task, is not in it) into a bundle of
# its own and runs the runtime as the user.

# shellcheck source-path=SCRIPTDIR source=slurm.sh
source "$(dirname "${BASH_SOURCE[0]}")/slurm.sh"

# The oci.conf the cluster's slurmd reads, or a skip.
_require_oci_conf() {
        local conf
        conf=$(scontrol show config 2>/dev/null | awk '$1 == "SLURM_CONF" { print $3 }')
        OCI_CONF=$(dirname "${conf:-/etc/slurm/slurm.conf}")/oci.conf
        [ -r "$OCI_CONF" ] ||
                skip "no $OCI_CONF: Slurm runs --container without a runtime (tools/ci-slurm writes one)"
}

# _bundle DIR: a bundle whose root holds /marker, with a config.json for a
# normal user (a user namespace of the user's own id), written out here so
# that it does not depend on the runtime's `spec`.
_bundle() {
        local dir=$1
        make_root "$dir/rootfs"
        echo "the bundle's root" >"$dir/rootfs/marker"
        cat >"$dir/config.json" <<EOF
{
  "ociVersion": "1.0.2",
  "process": {
    "terminal": false,
    "user": { "uid": 0, "gid": 0 },
    "args": [ "/bin/sh" ],
    "env": [ "PATH=/bin:/sbin:/usr/bin:/usr/sbin" ],
    "cwd": "/"
  },
  "root": { "path": "rootfs", "readonly": true },
  "hostname": "rank",
  "mounts": [
    { "destination": "/proc", "type": "proc", "source": "proc" },
    { "destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": [ "nosuid", "mode=755" ] },
    { "destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": [ "nosuid", "nodev" ] }
  ],
  "linux": {
    "namespaces": [ { "type": "pid" }, { "type": "ipc" }, { "type": "uts" }, { "type": "mount" }, { "type": "user" } ],
    "uidMappings": [ { "containerID": 0, "hostID": $(id -u), "size": 1 } ],
    "gidMappings": [ { "containerID": 0, "hostID": $(id -g), "size": 1 } ]
  }
}
EOF
        # slurmstepd reads it, the runtime reads the copy as the user.
        chmod -R a+rX "$dir"
}

test_srun_container_runs_the_rank_in_the_bundles_root() {
        require_slurm
        _require_oci_conf
        local bundle
        bundle=$(mktemp_dir)
        _bundle "$bundle"
        # shellcheck disable=SC2016 # expanded inside the container
        run srun_ranks 1 "userbox-oci-rank-$$-$RANDOM" --container="$bundle" \
                /bin/sh -c 'cat /marker; hostname; echo "step $SLURM_STEP_ID, $SLURM_NTASKS task"'
        assert_eq 0 "$STATUS" "srun --container's status (stderr: $ERR) (oci.conf: $(cat "$OCI_CONF"))"
        assert_eq "the bundle's root
rank
step 0, 1 task" "$OUT" "what the rank saw: its root, its hostname, its step"
}

test_srun_container_reports_the_status_of_the_command() {
        require_slurm
        _require_oci_conf
        local bundle
        bundle=$(mktemp_dir)
        _bundle "$bundle"
        run srun_ranks 1 "userbox-oci-status-$$-$RANDOM" --container="$bundle" /bin/sh -c 'exit 3'
        assert_eq 3 "$STATUS" "srun --container's status when the command exits 3 ($ERR)"
        assert_contains "$ERR" "task 0: Exited with exit code 3" "srun's message"
}

_job_gone() { [ -z "$(slurm_job_id "$1")" ]; }
# The container's sleep 1PID (anchored: srun's command line holds it too).
_running() { pgrep -f -- "^sleep 1$1\$" >/dev/null; }
_nothing_of_job() { ! pgrep -f -- "\\.$(id -un)\\.$1\\.|^sleep 1$2\$" >/dev/null; }

# The runtime's state directory of the user's, from RunTimeQuery's --root.
_state_root() {
        sed -n 's/^RunTimeQuery=.*--root[= ]\([^ ]*\) .*/\1/p' "$OCI_CONF" | sed "s/%u/$(id -un)/g"
}
# The state of the job's container (NODE.USER.JOB.STEP.TASK) is gone.
_no_state_of_job() { ! compgen -G "$1/*.$(id -un).$2.*" >/dev/null; }

# scancel: Slurm sends SIGTERM to the task, which is userbox-oci `run`
# (oci.conf's RunTimeRun execs it from the /bin/sh -c Slurm starts), and
# to the container's command, which as PID 1 of its PID namespace ignores
# it (no handler); after KillWait Slurm's SIGKILL ends both, the step's IO
# closes, and slurmstepd runs RunTimeQuery and RunTimeDelete as root on
# the user's state. In CI on 2026-12-06 the job stayed 65 s: the shell
# died of the SIGTERM, `run` was no longer the step's, Slurm's SIGKILL
# missed it and slurmstepd waited EioTimeout (60 s, "Abandoning IO 60
# secs") for the IO `run` and its container still held (past
# UnkillableStepTimeout, 60 s, it drains the node: "Kill task failed");
# and `state` run as root refused the user's directory, where Slurm
# parses JSON ("JSON parsing error"), so nothing was deleted and the
# container and its state stayed.
test_scancel_of_a_srun_container_step_leaves_nothing() {
        require_slurm
        _require_oci_conf
        local bundle name before id left kill_wait state_root start elapsed
        bundle=$(mktemp_dir)
        _bundle "$bundle"
        name=userbox-oci-cancel-$$-$RANDOM
        kill_wait=$(scontrol show config | awk '$1 == "KillWait" { print $3 }')
        state_root=$(_state_root)
        [ -n "$state_root" ] || fail "no --root in RunTimeQuery of $OCI_CONF: $(cat "$OCI_CONF")"
        before=$(host_mountinfo)
        # The command is the container's only process (sh execs sleep).
        srun_ranks 1 "$name" --container="$bundle" /bin/sh -c "exec sleep 1$$" >/dev/null 2>&1 &
        wait_for 60 _running "$$" || fail "the container's command never started"
        id=$(slurm_job_id "$name")
        assert_ne "" "$id" "the job's id in squeue"
        start=$SECONDS
        scancel "$id" || fail "scancel $id"
        wait
        wait_for 30 _job_gone "$name" || fail "job $id still in squeue 30 s after scancel"
        elapsed=$((SECONDS - start))
        # KillWait, then a few seconds of Slurm's own: not EioTimeout's 60.
        [ "$elapsed" -le $((kill_wait + 15)) ] ||
                fail "job $id ended $elapsed s after scancel, KillWait being $kill_wait s"
        # The runtime's processes carry the container's name, NODE.USER.JOB.STEP.TASK.
        if ! wait_for 10 _nothing_of_job "$id" "$$"; then
                left=$(pgrep -af -- "\\.$(id -un)\\.$id\\.|^sleep 1$$\$")
                pkill -KILL -f -- "\\.$(id -un)\\.$id\\.|^sleep 1$$\$"
                fail "processes of the job left after scancel: $left"
        fi
        wait_for 10 _no_state_of_job "$state_root" "$id" ||
                fail "the runtime's state of job $id left in $state_root: $(ls -A "$state_root")"
        assert_eq "$before" "$(host_mountinfo)" "host mount table after the job"
}
