# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Many ranks at once, as a batch scheduler starts them: `srun -n 64 userbox
# run ...` starts one launcher per rank, all at the same moment, each with
# its SLURM_PROCID/SLURM_NTASKS/PMI_RANK, and cancels a job by sending
# SIGTERM to every launcher at once (then SIGKILL, after KillWait). Without
# Slurm, these tests play srun.
# Slow (64 containers at a time): USERBOX_TESTS_QUICK=1 skips them.

RANKS=64

# The state of the host that a finished job must leave as it found it.
_host_state() {
        host_mountinfo
        echo "-- runtime dir:"
        ls -A "$XDG_RUNTIME_DIR"
}

# A runtime directory of the test's own when the session has none, so that
# anything a launcher would leave there is seen.
_runtime_dir() {
        if [ -z "${XDG_RUNTIME_DIR:-}" ] || [ ! -d "$XDG_RUNTIME_DIR" ]; then
                XDG_RUNTIME_DIR=$(mktemp_dir)
                chmod 700 "$XDG_RUNTIME_DIR"
        fi
        export XDG_RUNTIME_DIR
}

_all_ranks_ready() { [ "$(find "$1" -name 'ready.*' | wc -l)" -eq "$RANKS" ]; }

_now_ms() { echo $(($(date +%s%N) / 1000000)); }

# _launch_ranks SHARED LOGDIR SCRIPT MARKER: starts one launcher per rank in
# the background, as srun does, and sets PIDS. The rank's variables are set
# in each launcher's environment and passed in with --keep-env; SLURM_JOB_ID
# is set but not kept (the environment inside is clean by default).
_launch_ranks() {
        local shared=$1 logdir=$2 script=$3 marker=$4 rank
        PIDS=()
        for ((rank = 0; rank < RANKS; rank++)); do
                SLURM_PROCID=$rank SLURM_NTASKS=$RANKS PMI_RANK=$rank SLURM_JOB_ID=4242 \
                        "$USERBOX" run --keep-env SLURM_PROCID --keep-env SLURM_NTASKS \
                        --keep-env PMI_RANK -b "$shared:/out" "$TEST_ROOT" -- \
                        sh -c "$script" "$marker" \
                        >"$logdir/rank.$rank.out" 2>"$logdir/rank.$rank.err" &
                PIDS+=($!)
        done
}

# _wait_ranks: waits for every launcher; EXITS[rank] = its status.
_wait_ranks() {
        local rank
        EXITS=()
        for ((rank = 0; rank < RANKS; rank++)); do
                EXITS[rank]=0
                wait "${PIDS[rank]}" || EXITS[rank]=$?
        done
}

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

# _check_nothing_left BEFORE MARKER: no mount, process or runtime file left.
_check_nothing_left() {
        local left
        if ! wait_for 5 no_process_with "$2"; then
                left=$(pgrep -af -- "$2")
                # What a failing run leaves must not outlive the test.
                # shellcheck disable=SC2046 # one pid per word
                kill -KILL $(_pids_with "$2") 2>/dev/null
                fail "processes with '$2' still running after the job:
$left"
        fi
        assert_eq "$1" "$(_host_state)" "host mount table and runtime directory after the job"
}

test_64_ranks_started_at_once_each_write_their_rank_and_leave_nothing() {
        slow
        _runtime_dir
        local shared logdir before marker start elapsed rank failed=
        shared=$(mktemp_dir)
        logdir=$(mktemp_dir)
        marker=userbox-rank-job-$$-$RANDOM
        before=$(_host_state)
        start=$(_now_ms)
        # shellcheck disable=SC2016 # expanded inside the container
        _launch_ranks "$shared" "$logdir" \
                'echo "$SLURM_PROCID $SLURM_NTASKS $PMI_RANK ${SLURM_JOB_ID:-unset}" >"/out/rank.$SLURM_PROCID"' \
                "$marker"
        _wait_ranks
        elapsed=$(($(_now_ms) - start))
        echo "$RANKS ranks started at once: all launchers exited after ${elapsed} ms" >&2
        for ((rank = 0; rank < RANKS; rank++)); do
                if [ "${EXITS[rank]}" != 0 ]; then
                        failed+=" $rank"
                        echo "rank $rank: launcher exited ${EXITS[rank]}: $(cat "$logdir/rank.$rank.err")" >&2
                fi
        done
        assert_eq "" "$failed" "ranks whose launcher did not exit 0"
        assert_eq "$RANKS" "$(find "$shared" -name 'rank.*' | wc -l)" "rank files in the shared directory"
        for ((rank = 0; rank < RANKS; rank++)); do
                assert_eq "$rank $RANKS $rank unset" "$(cat "$shared/rank.$rank" 2>/dev/null)" \
                        "rank.$rank (SLURM_PROCID SLURM_NTASKS PMI_RANK SLURM_JOB_ID)"
        done
        _check_nothing_left "$before" "$marker"
}

test_job_cancel_sigterm_to_all_64_launchers_reaches_every_rank() {
        slow
        _runtime_dir
        local shared logdir before marker start elapsed rank bad=
        shared=$(mktemp_dir)
        logdir=$(mktemp_dir)
        marker=userbox-rank-cancel-$$-$RANDOM
        before=$(_host_state)
        # The trap is set before the rank says it is ready; its own status
        # (42) tells a forwarded signal from a launcher killed outright (143).
        # shellcheck disable=SC2016 # expanded inside the container
        _launch_ranks "$shared" "$logdir" '
                trap "echo TERM >/out/term.\$SLURM_PROCID; exit 42" TERM
                : >"/out/ready.$SLURM_PROCID"
                while :; do sleep 0.1; done' "$marker"
        wait_for 60 _all_ranks_ready "$shared" ||
                fail "only $(find "$shared" -name 'ready.*' | wc -l) of $RANKS ranks started"
        start=$(_now_ms)
        kill -TERM "${PIDS[@]}"
        _wait_ranks
        elapsed=$(($(_now_ms) - start))
        echo "$RANKS ranks cancelled: all launchers exited ${elapsed} ms after SIGTERM" >&2
        for ((rank = 0; rank < RANKS; rank++)); do
                case ${EXITS[rank]} in
                42 | 143) ;;
                *)
                        bad+=" $rank:${EXITS[rank]}"
                        echo "rank $rank: launcher exited ${EXITS[rank]}: $(cat "$logdir/rank.$rank.err")" >&2
                        ;;
                esac
        done
        assert_eq "" "$bad" "ranks whose launcher exited neither 143 nor the command's 42 (rank:status)"
        for ((rank = 0; rank < RANKS; rank++)); do
                [ -f "$shared/term.$rank" ] || bad+=" $rank"
        done
        assert_eq "" "$bad" "ranks whose command did not see SIGTERM"
        _check_nothing_left "$before" "$marker"
}

test_job_kill_after_an_ignored_sigterm_leaves_nothing() {
        slow
        _runtime_dir
        local shared logdir before marker rank alive=0 bad=
        shared=$(mktemp_dir)
        logdir=$(mktemp_dir)
        marker=userbox-rank-kill-$$-$RANDOM
        before=$(_host_state)
        # Slurm's escalation: SIGTERM, KillWait seconds, then SIGKILL. Ranks
        # that ignore the SIGTERM must still vanish with their launchers.
        # shellcheck disable=SC2016 # expanded inside the container
        _launch_ranks "$shared" "$logdir" '
                trap "" TERM
                : >"/out/ready.$SLURM_PROCID"
                while :; do sleep 0.1; done' "$marker"
        wait_for 60 _all_ranks_ready "$shared" ||
                fail "only $(find "$shared" -name 'ready.*' | wc -l) of $RANKS ranks started"
        kill -TERM "${PIDS[@]}"
        sleep 1
        for ((rank = 0; rank < RANKS; rank++)); do
                kill -0 "${PIDS[rank]}" 2>/dev/null && alive=$((alive + 1))
        done
        assert_eq "$RANKS" "$alive" "launchers still running 1 s after a SIGTERM their command ignores"
        kill -KILL "${PIDS[@]}"
        # (bash reports each killed job on stderr: 64 lines of noise)
        _wait_ranks 2>/dev/null
        for ((rank = 0; rank < RANKS; rank++)); do
                [ "${EXITS[rank]}" = 137 ] || bad+=" $rank:${EXITS[rank]}"
        done
        assert_eq "" "$bad" "launchers that did not die of SIGKILL (rank:status)"
        _check_nothing_left "$before" "$marker"
}

test_job_cancel_while_ranks_are_still_starting_leaves_nothing() {
        slow
        _runtime_dir
        local shared logdir before marker rank deadline bad=
        shared=$(mktemp_dir)
        logdir=$(mktemp_dir)
        marker=userbox-rank-early-$$-$RANDOM
        before=$(_host_state)
        # scancel right after srun: the SIGTERM lands in launchers that are
        # still cloning, mapping ids or mounting. Each must end (dying of
        # the signal or passing it on), and none may leave its half-built
        # container behind.
        _launch_ranks "$shared" "$logdir" '
                trap "exit 42" TERM
                while :; do sleep 0.1; done' "$marker"
        sleep 0.05
        kill -TERM "${PIDS[@]}"
        deadline=$((SECONDS + 20))
        for ((rank = 0; rank < RANKS; rank++)); do
                while kill -0 "${PIDS[rank]}" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do
                        sleep 0.1
                done
                kill -0 "${PIDS[rank]}" 2>/dev/null && bad+=" $rank"
        done
        if [ -n "$bad" ]; then
                kill -KILL "${PIDS[@]}" 2>/dev/null
                fail "launchers still running 20 s after SIGTERM during start-up (ranks:$bad)"
        fi
        _wait_ranks 2>/dev/null
        for ((rank = 0; rank < RANKS; rank++)); do
                case ${EXITS[rank]} in
                42 | 143) ;;
                *)
                        bad+=" $rank:${EXITS[rank]}"
                        echo "rank $rank: launcher exited ${EXITS[rank]}: $(cat "$logdir/rank.$rank.err")" >&2
                        ;;
                esac
        done
        assert_eq "" "$bad" "ranks whose launcher exited neither 143 nor the command's 42 (rank:status)"
        _check_nothing_left "$before" "$marker"
}

test_job_kill_while_ranks_are_still_starting_leaves_nothing() {
        slow
        _runtime_dir
        local shared logdir before marker delay
        shared=$(mktemp_dir)
        logdir=$(mktemp_dir)
        marker=userbox-rank-early-kill-$$-$RANDOM
        before=$(_host_state)
        # SIGKILL lands at every stage of the start-up across 64 launchers
        # and a few delays; the container of each must die with it, even
        # one whose launcher is killed between clone and the moment the
        # child arms its parent-death signal (the launcher may have sent
        # "go" already: the child must notice the launcher is gone).
        for delay in 0.005 0.01 0.02 0.05; do
                _launch_ranks "$shared" "$logdir" 'while :; do sleep 0.1; done' "$marker"
                sleep "$delay"
                kill -KILL "${PIDS[@]}"
                _wait_ranks 2>/dev/null
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
