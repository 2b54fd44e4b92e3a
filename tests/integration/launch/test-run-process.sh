# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# The container's processes: PID 1, exit statuses, signals, the launcher's
# death, and what the command inherits.

# shellcheck source-path=SCRIPTDIR source=../security/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../security/common.sh" # probe_dir

test_pid_1_is_the_init_and_the_command_is_its_child() {
        run "$USERBOX" run "$TEST_ROOT" -- sh -c 'echo $$; grep ^PPid: /proc/$$/status; cat /proc/1/comm /proc/$$/comm'
        assert_eq 0 "$STATUS" "status ($ERR)"
        local pid ppid init_comm own_comm
        pid=$(echo "$OUT" | sed -n 1p)
        ppid=$(echo "$OUT" | sed -n 2p | awk '{ print $2 }')
        init_comm=$(echo "$OUT" | sed -n 3p)
        own_comm=$(echo "$OUT" | sed -n 4p)
        assert_ne 1 "$pid" "pid of the command"
        assert_eq 1 "$ppid" "parent of the command"
        assert_ne "$own_comm" "$init_comm" "PID 1 is the command itself"
}

test_no_init_makes_the_command_pid_1() {
        run "$USERBOX" run --no-init "$TEST_ROOT" -- sh -c 'echo $$'
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq 1 "$OUT" "pid of the command"
}

test_init_reaps_orphans() {
        # The inner sh leaves a child behind that exits at once; only a PID 1
        # that reaps keeps it from staying a zombie.
        run "$USERBOX" run "$TEST_ROOT" -- sh -c '
                sh -c "sleep 0.2 & exit 0"
                sleep 1
                grep -l "^State:.*Z" /proc/[0-9]*/status 2>/dev/null | wc -l'
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq 0 "$(echo "$OUT" | tr -d ' ')" "zombies left in the container"
}

test_exit_status_is_the_commands_own() {
        assert_status 3 "$USERBOX" run "$TEST_ROOT" -- sh -c 'exit 3'
        assert_status 3 "$USERBOX" run --no-init "$TEST_ROOT" -- sh -c 'exit 3'
        assert_status 0 "$USERBOX" run "$TEST_ROOT" -- true
        assert_status 1 "$USERBOX" run "$TEST_ROOT" -- false
        assert_status 124 "$USERBOX" run "$TEST_ROOT" -- sh -c 'exit 124'
}

test_exit_status_of_a_killed_command_is_128_plus_the_signal() {
        assert_status $((EXIT_SIGNAL_BASE + 9)) "$USERBOX" run "$TEST_ROOT" -- sh -c 'kill -9 $$'
        assert_status $((EXIT_SIGNAL_BASE + 15)) "$USERBOX" run "$TEST_ROOT" -- sh -c 'kill -15 $$'
        assert_status $((EXIT_SIGNAL_BASE + 6)) "$USERBOX" run "$TEST_ROOT" -- sh -c 'kill -ABRT $$'
}

test_missing_command_exits_127() {
        assert_status "$EXIT_NOT_FOUND" "$USERBOX" run "$TEST_ROOT" -- /no/such/command
        assert_contains "$ERR" "/no/such/command" "message names the command"
        assert_status "$EXIT_NOT_FOUND" "$USERBOX" run "$TEST_ROOT" -- no-such-command-on-path
        assert_contains "$ERR" "no-such-command-on-path" "message names the command"
        assert_status "$EXIT_NOT_FOUND" "$USERBOX" run --no-init "$TEST_ROOT" -- /no/such/command
}

test_command_that_cannot_be_executed_exits_126() {
        # /etc/passwd exists but is not executable; /tmp is a directory.
        assert_status "$EXIT_CANNOT_EXECUTE" "$USERBOX" run "$TEST_ROOT" -- /etc/passwd
        assert_contains "$ERR" "/etc/passwd" "message names the command"
        assert_status "$EXIT_CANNOT_EXECUTE" "$USERBOX" run "$TEST_ROOT" -- /tmp
        assert_status "$EXIT_CANNOT_EXECUTE" "$USERBOX" run --no-init "$TEST_ROOT" -- /etc/passwd
}

# Starts a container in the background whose command traps SIG and exits
# with CODE, sends SIG to the launcher once the trap is set, and prints the
# launcher's exit status.
signal_round_trip() { # SIG CODE [OPTIONS...]
        local sig=$1 code=$2 pid status out
        shift 2
        out=$(mktemp_dir)/out
        # Job control: otherwise bash starts background jobs with SIGINT
        # and SIGQUIT ignored, and a trap cannot undo that.
        set -m
        "$USERBOX" run "$@" "$TEST_ROOT" -- sh -c "trap 'exit $code' $sig; echo ready; while :; do sleep 0.1; done" >"$out" 2>&1 &
        pid=$!
        set +m
        wait_for 10 grep -q ready "$out" || { kill -9 "$pid"; fail "the command never started: $(cat "$out")"; }
        kill "-$sig" "$pid"
        # A launcher that forwards nothing would run forever: give it 10 s.
        if ! wait_for 10 eval '! kill -0 "$pid" 2>/dev/null || [ "$(awk "{ print \$3 }" /proc/$pid/stat 2>/dev/null)" = Z ]'; then
                kill -9 "$pid" 2>/dev/null
                wait "$pid" 2>/dev/null
                echo "still running 10 s after SIG$sig"
                return
        fi
        status=0
        wait "$pid" || status=$?
        echo "$status"
}

test_signals_to_the_launcher_reach_the_command() {
        local sig code=40
        for sig in TERM INT HUP QUIT USR1 USR2; do
                code=$((code + 1))
                assert_eq "$code" "$(signal_round_trip $sig $code)" "exit status after SIG$sig (the command traps it)"
        done
}

test_signals_reach_the_command_without_init() {
        assert_eq 42 "$(signal_round_trip TERM 42 --no-init)" "exit status after SIGTERM with --no-init"
        assert_eq 43 "$(signal_round_trip INT 43 --no-init)" "exit status after SIGINT with --no-init"
}

# A ^C from the terminal goes to the launcher's whole process group (here
# the same, sent with kill to the group): the command must get it once,
# from the launcher, not a second time from an init in that group (run) or
# as a member of it (unshare, when not a terminal's job).
test_a_signal_to_the_launchers_process_group_reaches_the_command_once() {
        local dir out pid round count
        dir=$(probe_dir) || exit $?
        for round in 1 2 3 4; do
                out=$(mktemp_dir)/out
                set -m
                if [ "$round" -le 2 ]; then
                        "$USERBOX" run --ro-bind "$dir:/mnt" "$TEST_ROOT" -- /mnt/probe sigcount 2 >"$out" 2>&1 </dev/null &
                else
                        "$USERBOX" unshare -- "$dir/probe" sigcount 2 >"$out" 2>&1 </dev/null &
                fi
                pid=$!
                set +m
                wait_for 10 grep -q ready "$out" || { kill -9 "$pid"; fail "the command never started: $(cat "$out")"; }
                kill -INT -- "-$pid"
                wait "$pid" || fail "the launcher failed: $(cat "$out")"
                count=$(sed -n 's/^count=//p' "$out")
                assert_eq 1 "$count" "SIGINTs the command got, round $round"
        done
}

# kill -9 of the launcher must take the whole container with it.
assert_kill_9_leaves_nothing() { # OPTIONS...
        local marker pid
        marker=userbox-test-marker-$$-$RANDOM$RANDOM
        "$USERBOX" run "$@" "$TEST_ROOT" -- sh -c "
                sh -c 'while :; do sleep 1; done; : $marker' &
                while :; do sleep 1; done; : $marker" >/dev/null 2>&1 &
        pid=$!
        # The launcher's own command line holds the marker too: wait for
        # the innermost sh, which exists only once the container runs.
        if ! wait_for 10 pgrep -f -- "^sh -c while :; do sleep 1; done; : $marker\$" >/dev/null; then
                kill -9 "$pid" $(pgrep -f -- "$marker") 2>/dev/null
                fail "the container's processes never appeared"
        fi
        kill -9 "$pid"
        wait "$pid" 2>/dev/null
        if ! wait_for 5 no_process_with "$marker"; then
                local left
                left=$(pgrep -a -f -- "$marker")
                # Leave no stray processes behind for the next test.
                kill -9 $(pgrep -f -- "$marker") 2>/dev/null
                fail "processes of the container outlived the launcher: $left"
        fi
}

test_kill_9_of_the_launcher_leaves_no_process() {
        require_cmd pgrep
        assert_kill_9_leaves_nothing
}

test_kill_9_of_the_launcher_leaves_no_process_without_init() {
        require_cmd pgrep
        assert_kill_9_leaves_nothing --no-init
}

test_kill_9_of_the_launcher_leaves_no_process_with_subid_map() {
        require_cmd pgrep
        require_subid
        assert_kill_9_leaves_nothing --idmap subid
}

# The fds of the command other than ls's own directory fd.
fds_inside_script='ls -l /proc/self/fd | awk "NR > 1 && \$9 != \"\" {
        fd = \$9; target = \$11
        if (fd <= 2) { print fd; next }
        if (target == \"\" || target ~ /^\/proc\//) next
        print fd \" -> \" target }"'

test_no_fd_above_2_reaches_the_command() {
        local opened
        opened=$(mktemp_dir)/held-open
        : >"$opened"
        exec 7<"$opened" 8>>"$opened" 9</dev/null
        run "$USERBOX" run "$TEST_ROOT" -- sh -c "$fds_inside_script"
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq "0
1
2" "$OUT" "fds of the command"
        run "$USERBOX" run --no-init "$TEST_ROOT" -- sh -c "$fds_inside_script"
        assert_eq "0
1
2" "$OUT" "fds of the command with --no-init"
        exec 7<&- 8>&- 9<&-
}

test_the_commands_cwd_is_inside_the_root() {
        run "$USERBOX" run "$TEST_ROOT" -- readlink /proc/self/cwd
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq / "$OUT" "cwd of the command"
}

test_the_command_runs_in_a_new_session_without_a_terminal() {
        # Without a session of its own a command could TIOCSTI into the
        # caller's terminal (CVE-2017-5226).
        run "$USERBOX" run "$TEST_ROOT" -- sh -c 'awk "{ print \$6 }" /proc/$$/stat; echo $$'
        assert_eq 0 "$STATUS" "status ($ERR)"
        local sid pid
        sid=$(echo "$OUT" | sed -n 1p)
        pid=$(echo "$OUT" | sed -n 2p)
        [ "$sid" != 0 ] || fail "the command's session is outside its pid namespace (sid 0)"
        # With init, init or the command leads the session; never a host process.
        case $sid in 1 | "$pid") ;; *) fail "session id $sid is neither init nor the command" ;; esac
}

test_the_launcher_and_the_command_are_not_left_running_after_a_normal_exit() {
        require_cmd pgrep
        local marker=userbox-test-exit-$$-$RANDOM$RANDOM
        run "$USERBOX" run "$TEST_ROOT" -- sh -c "(sleep 30; : $marker) & exit 0"
        assert_eq 0 "$STATUS" "status ($ERR)"
        wait_for 5 no_process_with "$marker" ||
                fail "a background process outlived the container: $(pgrep -a -f -- "$marker")"
}

# Out of file descriptors at every step in turn: the limit is raised one by
# one from where nothing can start to where everything does, so each setup
# step, before the id map (while newuidmap runs) and after it, fails once.
# Every run either works or fails with one message and 125, and nothing is
# left: no process, no mount on the host.
test_running_out_of_fds_at_any_step_fails_cleanly() {
        require_subid
        local before n mode failed=0 worked=0 marker messages
        before=$(host_mountinfo)
        for mode in single subid; do
                messages=""
                for n in 3 4 5 6 7 8 9 10 11 12 13 14 16 20; do
                        marker="fds-$mode-$n-$$"
                        run bash -c "ulimit -n $n; exec \"\$0\" run --idmap $mode -e M=$marker \"\$1\" -- true" \
                                "$USERBOX" "$TEST_ROOT"
                        if [ "$STATUS" = 0 ]; then
                                worked=$((worked + 1))
                                continue
                        fi
                        # A dynamic build (the sanitizer one) cannot even be
                        # loaded with so few fds: no userbox step ran.
                        [[ $STATUS = 127 && $ERR == *"error while loading shared libraries"* ]] && continue
                        failed=$((failed + 1))
                        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status with $n fds, $mode ($ERR)"
                        assert_eq 1 "$(printf '%s\n' "$ERR" | wc -l)" "one line of message with $n fds, $mode ($ERR)"
                        assert_contains "$ERR" "userbox: " "message with $n fds, $mode"
                        no_process_with "$marker" || fail "a process is left with $n fds, $mode"
                        messages+="${ERR%%:*}|${ERR#*: }"$'\n'
                done
                # Several steps failed in turn, not one step at every limit:
                # the launcher's, before the map and after it.
                [ "$(printf '%s' "$messages" | sort -u | wc -l)" -ge 3 ] ||
                        fail "fewer than 3 different failures with --idmap $mode: $messages"
        done
        [ "$failed" -gt 0 ] || fail "no limit was low enough to fail"
        [ "$worked" -gt 0 ] || fail "no limit was high enough to run"
        assert_eq "$before" "$(host_mountinfo)" "host mount table"
}
