# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Many ranks at once, started by a real Slurm: `srun -n 16 userbox run ...`
# on the one-node cluster .ci/run starts (tools/ci-slurm), 16 tasks on the
# machine's cores. srun starts one launcher per rank, each with its
# SLURM_PROCID/SLURM_NTASKS, reports each rank's exit status, and scancel
# sends SIGTERM to every process of the job, then SIGKILL after KillWait.

# shellcheck source-path=SCRIPTDIR source=slurm.sh
source "$(dirname "${BASH_SOURCE[0]}")/slurm.sh"

RANKS=16

# A runtime directory of the test's own when the session has none, so that
# anything a launcher would leave there is seen (srun passes it on to the
# ranks with the rest of the environment).
_runtime_dir() {
        if [ -z "${XDG_RUNTIME_DIR:-}" ] || [ ! -d "$XDG_RUNTIME_DIR" ]; then
                XDG_RUNTIME_DIR=$(mktemp_dir)
                chmod 700 "$XDG_RUNTIME_DIR"
        fi
        export XDG_RUNTIME_DIR
}

_count() { find "$1" -name "$2" | wc -l; }
_all_ranks_ready() { [ "$(_count "$1" 'ready.*')" -eq "$RANKS" ]; }
_job_gone() { [ -z "$(slurm_job_id "$1")" ]; }

# The pids of the processes with MARKER in their command line.
_pids_with() {
        local f cmdline pid
        for f in /proc/[0-9]*/cmdline; do
                # (a process that ended meanwhile has no cmdline to open)
                { cmdline=$(tr '\0' ' ' <"$f"); } 2>/dev/null || continue
                pid=${f#/proc/}
                [[ $cmdline == *"$1"* ]] && echo "${pid%/cmdline}"
        done
}

# _check_nothing_left BEFORE MARKER: no launcher, no process of a
# container, no mount, cgroup or runtime file left by the job.
_check_nothing_left() {
        local left
        if ! wait_for 10 no_process_with "$2"; then
                left=$(ps -o pid,user,args -p "$(_pids_with "$2" | paste -sd, -)" 2>/dev/null)
                # What a failing run leaves must not outlive the test.
                # shellcheck disable=SC2046 # one pid per word
                kill -KILL $(_pids_with "$2") 2>/dev/null
                fail "processes with '$2' still running after the job:
$left"
        fi
        left=$(pgrep -u "$(id -u)" -af -- "$2")
        assert_eq "" "$left" "processes of $(id -un) after the job"
        assert_eq "$1" "$(slurm_leftovers_state)" "host mount table, userbox cgroups and runtime directory after the job"
}

# _srun_ranks NAME SHARED SCRIPT: the ranks of job NAME run SCRIPT in a
# container each, with the rank's variables kept (the environment inside
# is clean by default: SLURM_JOB_ID stays outside) and SHARED at /out.
_srun_ranks() {
        local name=$1 shared=$2 script=$3
        srun_ranks "$RANKS" "$name" "$USERBOX" run --keep-env SLURM_PROCID --keep-env SLURM_NTASKS \
                --keep-env SLURM_LOCALID -b "$shared:/out" "$TEST_ROOT" -- sh -c "$script" "$name"
}

# _start_ready_ranks NAME SHARED TRAP: job NAME in the background, each
# rank running TRAP (its trap of SIGTERM, set before the rank says it is
# ready in SHARED) and then looping until a signal ends it. Returns once
# every rank is ready, with srun's pid in SRUN_PID and the job's id in
# JOB_ID.
_start_ready_ranks() {
        local name=$1 shared=$2 trap=$3
        # shellcheck disable=SC2016 # expanded inside the container
        _srun_ranks "$name" "$shared" "$trap"'
                : >"/out/ready.$SLURM_PROCID"
                while :; do sleep 0.1; done' >/dev/null 2>&1 &
        SRUN_PID=$!
        wait_for 120 _all_ranks_ready "$shared" ||
                fail "only $(_count "$shared" 'ready.*') of $RANKS ranks started ($(cat "$LOGDIR"/rank.*.err))"
        JOB_ID=$(slurm_job_id "$name")
        assert_ne "" "$JOB_ID" "the job's id in squeue"
}

test_srun_16_ranks_each_write_their_rank_and_leave_nothing() {
        require_slurm
        _runtime_dir
        local shared before name rank
        shared=$(mktemp_dir)
        LOGDIR=$(mktemp_dir)
        name=userbox-rank-job-$$-$RANDOM
        before=$(slurm_leftovers_state)
        # shellcheck disable=SC2016 # expanded inside the container
        run _srun_ranks "$name" "$shared" \
                'echo "$SLURM_PROCID $SLURM_NTASKS $SLURM_LOCALID ${SLURM_JOB_ID:-unset}" >"/out/rank.$SLURM_PROCID"'
        assert_eq 0 "$STATUS" "srun's status ($ERR) (rank errors: $(cat "$LOGDIR"/rank.*.err))"
        assert_eq "$RANKS" "$(_count "$shared" 'rank.*')" "rank files in the shared directory"
        for ((rank = 0; rank < RANKS; rank++)); do
                assert_eq "$rank $RANKS $rank unset" "$(cat "$shared/rank.$rank" 2>/dev/null)" \
                        "rank.$rank (SLURM_PROCID SLURM_NTASKS SLURM_LOCALID SLURM_JOB_ID)"
        done
        _check_nothing_left "$before" "$name"
}

test_srun_reports_the_exit_status_of_the_rank_that_failed() {
        require_slurm
        local shared name
        shared=$(mktemp_dir)
        name=userbox-rank-status-$$-$RANDOM
        # shellcheck disable=SC2016 # expanded inside the container
        run _srun_ranks "$name" "$shared" '[ "$SLURM_PROCID" != 5 ] || exit 3; : >"/out/done.$SLURM_PROCID"'
        assert_eq 3 "$STATUS" "srun's status when rank 5 exits 3 ($ERR)"
        assert_contains "$ERR" "task 5: Exited with exit code 3" "srun's message"
        assert_not_contains "$ERR" "task 4:" "srun's message about a rank that exited 0"
        assert_eq $((RANKS - 1)) "$(_count "$shared" 'done.*')" "ranks that ran to the end"
        # A launcher that fails itself says so with 125, on its rank.
        run srun_ranks 2 "$name-125" "$USERBOX" run --no-such-option "$TEST_ROOT" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "srun's status when userbox fails on every rank ($ERR)"
        assert_contains "$ERR" "Exited with exit code $EXIT_USERBOX_FAILED" "srun's message"
}

test_scancel_delivers_sigterm_that_every_rank_traps() {
        require_slurm
        _runtime_dir
        local shared before name rank missing=
        shared=$(mktemp_dir)
        LOGDIR=$(mktemp_dir)
        name=userbox-rank-cancel-$$-$RANDOM
        before=$(slurm_leftovers_state)
        # shellcheck disable=SC2016 # expanded inside the container
        _start_ready_ranks "$name" "$shared" 'trap "echo TERM >/out/term.\$SLURM_PROCID; exit 42" TERM'
        scancel "$JOB_ID" || fail "scancel $JOB_ID"
        wait "$SRUN_PID"
        wait_for 30 _job_gone "$name" || fail "job $JOB_ID still in squeue 30 s after scancel"
        for ((rank = 0; rank < RANKS; rank++)); do
                [ -f "$shared/term.$rank" ] || missing+=" $rank"
        done
        assert_eq "" "$missing" "ranks whose command did not trap SIGTERM"
        _check_nothing_left "$before" "$name"
}

test_scancel_of_ranks_that_ignore_sigterm_ends_in_sigkill_and_leaves_nothing() {
        require_slurm
        _runtime_dir
        local shared before name start elapsed left
        shared=$(mktemp_dir)
        LOGDIR=$(mktemp_dir)
        name=userbox-rank-kill-$$-$RANDOM
        before=$(slurm_leftovers_state)
        # Slurm's escalation: SIGTERM, KillWait seconds (5 in tools/ci-slurm),
        # then SIGKILL. Ranks that ignore the SIGTERM must still vanish, and
        # their launchers and containers with them.
        _start_ready_ranks "$name" "$shared" 'trap "" TERM'
        start=$SECONDS
        scancel "$JOB_ID" || fail "scancel $JOB_ID"
        sleep 1
        # (a launcher and its command per rank, at least; one pgrep, where
        # reading /proc in the shell takes seconds on a busy machine)
        left=$(pgrep -c -f -- "$name")
        [ "$left" -ge "$RANKS" ] ||
                fail "$left processes of the job left 1 s after a SIGTERM its $RANKS ranks ignore: they must wait for KillWait ($(cat "$LOGDIR"/rank.*.err))"
        wait "$SRUN_PID"
        wait_for 30 _job_gone "$name" || fail "job $JOB_ID still in squeue 30 s after scancel"
        elapsed=$((SECONDS - start))
        echo "$RANKS ranks that ignore SIGTERM: job gone ${elapsed} s after scancel" >&2
        _check_nothing_left "$before" "$name"
}

test_scancel_while_ranks_are_still_starting_leaves_nothing() {
        require_slurm
        _runtime_dir
        local shared before name pid id deadline
        shared=$(mktemp_dir)
        name=userbox-rank-early-$$-$RANDOM
        before=$(slurm_leftovers_state)
        # scancel as soon as the job runs: the SIGTERM lands in launchers
        # that are still cloning, mapping ids or mounting. None may leave
        # its half-built container behind.
        _srun_ranks "$name" "$shared" 'trap "exit 42" TERM; while :; do sleep 0.1; done' >/dev/null 2>&1 &
        pid=$!
        deadline=$((SECONDS + 30))
        until id=$(slurm_job_id "$name"); [ -n "$id" ] || [ "$SECONDS" -ge "$deadline" ]; do sleep 0.05; done
        assert_ne "" "$id" "the job's id in squeue"
        scancel "$id" || fail "scancel $id"
        wait "$pid"
        wait_for 30 _job_gone "$name" || fail "job $id still in squeue 30 s after scancel"
        _check_nothing_left "$before" "$name"
}

# Not through Slurm: SIGKILL timed to land at every stage of the start-up,
# which scancel cannot aim at.
_launch_ranks() {
        local shared=$1 logdir=$2 script=$3 marker=$4 rank
        PIDS=()
        for ((rank = 0; rank < 64; rank++)); do
                "$USERBOX" run -b "$shared:/out" "$TEST_ROOT" -- sh -c "$script" "$marker" \
                        >"$logdir/rank.$rank.out" 2>"$logdir/rank.$rank.err" &
                PIDS+=($!)
        done
}

test_job_kill_while_ranks_are_still_starting_leaves_nothing() {
        slow
        _runtime_dir
        local shared logdir before marker delay
        shared=$(mktemp_dir)
        logdir=$(mktemp_dir)
        marker=userbox-rank-early-kill-$$-$RANDOM
        before=$(slurm_leftovers_state)
        # SIGKILL lands at every stage of the start-up across 64 launchers
        # and a few delays; the container of each must die with it, even
        # one whose launcher is killed between clone and the moment the
        # child arms its parent-death signal (the launcher may have sent
        # "go" already: the child must notice the launcher is gone).
        for delay in 0.005 0.01 0.02 0.05; do
                _launch_ranks "$shared" "$logdir" 'while :; do sleep 0.1; done' "$marker"
                sleep "$delay"
                kill -KILL "${PIDS[@]}"
                wait "${PIDS[@]}" 2>/dev/null
        done
        _check_nothing_left "$before" "$marker"
}

test_ranks_on_one_node_share_dev_shm_only_when_it_is_bound() {
        slow
        local shm
        { [ -d /dev/shm ] && [ -w /dev/shm ]; } || skip "machine: no writable /dev/shm"
        shm=$(mktemp -d /dev/shm/userbox-test.XXXXXX) || fail "mktemp in /dev/shm"
        # shellcheck disable=SC2064 # the path is fixed now
        trap "rm -rf '$shm'" EXIT
        # Intra-node MPI passes messages through files in /dev/shm: two
        # containers see each other's only through a bind of the host's.
        assert_status 0 "$USERBOX" run -b "$shm:/dev/shm" "$TEST_ROOT" -- sh -c 'echo from-rank-0 >/dev/shm/segment'
        run "$USERBOX" run -b "$shm:/dev/shm" "$TEST_ROOT" -- cat /dev/shm/segment
        assert_eq 0 "$STATUS" "status of rank 1 ($ERR)"
        assert_eq from-rank-0 "$OUT" "rank 1 reads rank 0's segment"
        run "$USERBOX" run "$TEST_ROOT" -- sh -c 'ls -A /dev/shm'
        assert_eq "" "$OUT" "/dev/shm of a container without the bind"
}
