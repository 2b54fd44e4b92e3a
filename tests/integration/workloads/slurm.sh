# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Jobs on a real Slurm: the one-node cluster .ci/run starts (tools/ci-slurm),
# or any cluster whose srun the test user may call. Sourced by the test
# files of the ranks.
#
#   require_slurm           skip unless srun reaches a cluster; the reason is
#                           not "machine:", so that a CI without Slurm fails
#   srun_ranks N NAME ...   srun -n N (more tasks than CPUs allowed) of the
#                           command ..., as job NAME; the job is cancelled
#                           when the test case ends
#   slurm_job_id NAME       the id of the running job NAME, or nothing
#   slurm_leftovers_state   the mount table, the cgroups userbox would make and
#                           the runtime directory: what a job must leave as
#                           it found it

require_slurm() {
        command -v srun >/dev/null 2>&1 ||
                skip "srun is not installed: tools/install-deps installs Slurm, tools/ci-slurm starts a one-node cluster (as .ci/run does)"
        sinfo -h -o %a >/dev/null 2>&1 ||
                skip "sinfo reaches no Slurm controller: start one (tools/ci-slurm start, as root)"
}

_slurm_jobs=()
_slurm_cancel_at_exit() {
        local name
        for name in "${_slurm_jobs[@]}"; do
                scancel --full --signal=KILL --name="$name" --user="$(id -un)" 2>/dev/null
        done
        return 0
}

# srun_ranks N NAME CMD...: --overcommit: the ranks of a test need not
# wait for as many CPUs (16 on the 2 cores of a CI machine). The ranks'
# output goes to their own files, LOGDIR/rank.N.out and .err, when LOGDIR
# is set.
srun_ranks() {
        local n=$1 name=$2
        shift 2
        _slurm_jobs+=("$name")
        trap _slurm_cancel_at_exit EXIT
        srun -n "$n" -N 1 --overcommit --job-name="$name" \
                ${LOGDIR:+--output="$LOGDIR/rank.%t.out" --error="$LOGDIR/rank.%t.err"} "$@"
}

slurm_job_id() { squeue -h --name="$1" --user="$(id -un)" -o %i 2>/dev/null | head -n 1; }

# The cgroup directories a task of the cluster starts in, one per
# hierarchy (asked once per test case: a job of one task).
SLURM_TASK_CGROUPS=
_slurm_task_cgroups() {
        local id controllers path mount
        while IFS=: read -r id controllers path; do
                if [ "$id" = 0 ]; then
                        mount=$(findmnt -n -t cgroup2 -o TARGET | head -n 1)
                else
                        mount=$(findmnt -n -t cgroup -O "${controllers%%,*}" -o TARGET | head -n 1)
                fi
                [ -n "$mount" ] && echo "$mount${path%/}"
        done < <(srun -n 1 --job-name=userbox-cgroups cat /proc/self/cgroup 2>/dev/null)
}

# The cgroups a container of a rank would make (userbox-PID, for [Limits]),
# beside or below the cgroup its launcher starts in: any made by a job must
# be gone with it.
_userbox_cgroups() {
        local dir
        [ -n "$SLURM_TASK_CGROUPS" ] || SLURM_TASK_CGROUPS=$(_slurm_task_cgroups)
        for dir in $SLURM_TASK_CGROUPS; do
                find "$dir" "${dir%/*}" -mindepth 1 -maxdepth 1 -type d -name 'userbox-[0-9]*' 2>/dev/null
        done | sort -u
}

slurm_leftovers_state() {
        host_mountinfo
        echo "-- userbox cgroups:"
        _userbox_cgroups
        echo "-- runtime dir:"
        ls -A "$XDG_RUNTIME_DIR"
}
