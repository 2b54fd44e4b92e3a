# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash disable=SC2016 # command lines are typed into shells, expanded there
#
# -t/--tty and -i/--interactive: a pseudo-terminal of the container's own,
# driven from a real terminal (a tmux pane with an interactive dash in it,
# the "outer shell"): job control, ^C and ^Z, the window size, the outer
# terminal's modes after every way a session can end, no typing into the
# outer shell from inside; and the pty without a terminal on stdin (pipes,
# -i, exit statuses, what comes out at the end).
#
# Every check waits for text that only the command's output can produce,
# never the typed line itself: the typed `printf '%s-%s\n' sync 3` shows
# as such, its output is `sync-3`.

# shellcheck source-path=SCRIPTDIR source=../security/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../security/common.sh"

# shellcheck source-path=SCRIPTDIR source=pane.sh
. "$(dirname "${BASH_SOURCE[0]}")/pane.sh"

# ------------------------------------------------- a terminal of its own

test_tty_inside_is_pts_0_of_the_containers_devpts() {
        outer_start
        box_start "-t $TEST_ROOT -- sh -c 'tty; readlink /proc/self/fd/1; test -t 0 && echo stdin-tty-\$((40+2))'"
        box_wait 0
        assert_contains "$PANE" "stdin-tty-42" "the command's stdin"
        assert_eq 2 "$(printf '%s\n' "$PANE" | grep -cx '/dev/pts/0')" "tty and the command's stdout"
        assert_outer_modes_restored
}

test_job_control_fg_and_ctrl_c_kill_the_job_not_the_shell() {
        outer_start
        box_shell
        outer_do 'sleep 100 &'
        outer_do 'jobs'
        assert_contains "$PANE" "Running" "jobs after sleep &"
        type_line 'fg'
        wait_pane_line "sleep 100" # fg names the job it resumes
        sleep 0.5
        press C-c
        # The shell is alive, reads the next line, and saw its job die of SIGINT.
        outer_do "printf '%s=%s\\n' after-ctrl-c \$?"
        assert_contains "$PANE" "after-ctrl-c=130" "status of the job killed by ^C"
        outer_do "jobs >/tmp/jobs; printf '%s=%s\\n' jobs-left \$(wc -l </tmp/jobs)"
        assert_contains "$PANE" "jobs-left=0" "jobs after ^C"
        type_line 'exit 5'
        box_wait 5
        assert_outer_modes_restored
}

test_ctrl_z_stops_the_job_and_bg_resumes_it() {
        outer_start
        box_shell
        type_line 'sleep 100'
        sleep 0.5
        press C-z
        wait_pane "Stopped"
        outer_do 'bg'
        outer_do "jobs >/tmp/jobs; printf '%s=%s\\n' running \$(grep -c Running </tmp/jobs)"
        assert_contains "$PANE" "running=1" "the job after bg"
        outer_do 'kill %1'
        type_line 'exit'
        box_wait 0
        assert_outer_modes_restored
}

test_window_size_is_copied_at_start_and_on_resize() {
        outer_start
        box_shell
        outer_do "printf '%s=%s\\n' size \"\$(stty size)\""
        assert_contains "$PANE" "size=40 120" "window size at start"
        "${TMUX_CMD[@]}" resize-window -t outer -x 100 -y 30 || skip "machine: tmux cannot resize-window"
        sleep 0.3
        outer_do "printf '%s=%s\\n' resized \"\$(stty size)\""
        assert_contains "$PANE" "resized=30 100" "window size after a resize"
        type_line 'exit'
        box_wait 0
        assert_outer_modes_restored
}

# ------------------------------------------ the outer terminal afterwards

test_outer_terminal_restored_when_the_command_is_killed_from_the_host() {
        local n=$((200000 + RANDOM)) pid
        outer_start
        box_start "-t $TEST_ROOT -- sleep $n"
        wait_for 10 pid_of_command sleep "$n" >/dev/null || fail "sleep $n never started"
        pid=$(pid_of_command sleep "$n")
        kill -9 "$pid"
        box_wait 137
        assert_outer_modes_restored
}

test_outer_terminal_restored_when_userbox_gets_sigterm() {
        local n=$((200000 + RANDOM))
        outer_start
        box_start "-t $TEST_ROOT -- sleep $n"
        wait_for 10 pid_of_command sleep "$n" >/dev/null || fail "sleep $n never started"
        kill -TERM "$BOX_PID"
        box_wait 143 # forwarded: sleep died of it
        assert_outer_modes_restored
}

# Signals the launcher does not forward but dies of: it gives the outer
# terminal back first. Only SIGKILL cannot be caught.
test_outer_terminal_restored_when_userbox_dies_of_an_unforwarded_signal() {
        local n sig status
        for sig in ALRM:142 XCPU:152 RTMIN+3:165; do
                status=${sig#*:}
                sig=${sig%%:*}
                n=$((200000 + RANDOM))
                outer_stop # the previous round's terminal
                outer_start
                box_start "-t $TEST_ROOT -- sleep $n"
                wait_for 10 pid_of_command sleep "$n" >/dev/null || fail "sleep $n never started"
                kill -s "$sig" "$BOX_PID"
                box_wait "$status"
                assert_outer_modes_restored
        done
}

test_outer_terminal_restored_when_userbox_gets_sighup() {
        outer_start
        box_shell
        kill -HUP "$BOX_PID"
        box_wait 129 # forwarded: the interactive shell died of it
        assert_outer_modes_restored
}

test_closing_the_outer_terminal_ends_the_session() {
        outer_start
        box_shell
        # The pane's terminal goes away: its shell gets SIGHUP and passes it
        # to its jobs, and the launcher's reads and writes fail.
        "${TMUX_CMD[@]}" kill-session -t outer
        wait_for 10 sh -c '! kill -0 "$1" 2>/dev/null' _ "$BOX_PID" ||
                fail "userbox (pid $BOX_PID) still runs after its terminal closed"
}

test_stdout_closed_early_ends_the_session_and_restores_the_terminal() {
        outer_start
        # The launcher's stdout is a pipe whose reader leaves: that ends the
        # copy and hangs up the pty (its session leader gets SIGHUP); it
        # must not kill the launcher with SIGPIPE, the terminal left raw.
        type_line "{ $USERBOX run -t $TEST_ROOT -- sh -c 'while :; do echo flood; done'; printf '%s=%s\\n' box-status \$? >&2; } | head -n 1"
        box_wait 129
        assert_outer_modes_restored
}

# cpu_ticks PID: user + system time of PID so far, in clock ticks.
cpu_ticks() {
        awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}

# The command closes its terminal and ignores the hangup that follows: the
# launcher has nothing left to copy and must not spin on pending input.
test_command_closing_its_terminal_leaves_the_launcher_idle() {
        local before after
        outer_start
        box_start "-t $TEST_ROOT -- sh -c 'trap \"\" HUP; exec </dev/null >/dev/null 2>&1; sleep 4'"
        sleep 1
        press Space # input waiting on the outer terminal
        before=$(cpu_ticks "$BOX_PID") || fail "userbox is gone too early"
        sleep 1.5
        after=$(cpu_ticks "$BOX_PID") || fail "userbox is gone too early"
        [ $((after - before)) -lt 30 ] ||
                fail "userbox used $((after - before)) clock ticks in 1.5 s while its command slept"
        box_wait 0
        assert_outer_modes_restored
}

# --------------------------------------------------------------- security

# Without the seccomp filter, TIOCSTI from inside works, on the inner
# terminal: what it pushes reaches no shell outside.
test_tiocsti_from_inside_types_nothing_into_the_outer_shell() {
        local dir
        dir=$(probe_dir) || exit $?
        outer_start
        box_start "-t --seccomp unconfined --ro-bind $dir:/mnt $TEST_ROOT -- /mnt/probe inject 'echo PWNED-\$((6*7))'"
        box_wait 0
        assert_contains "$PANE" "stdin TIOCSTI" "the probe ran"
        outer_sync
        outer_sync
        assert_not_contains "$(pane)" "PWNED-42" "the outer shell's output"
        assert_outer_modes_restored
}

# ------------------------------------------- without a terminal on stdin

test_piped_script_into_i_t_runs_and_exits_0() {
        run sh -c 'printf "echo hi\nexit\n" | timeout 30 "$0" run -i -t "$1" -- sh' "$USERBOX" "$TEST_ROOT"
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq 1 "$(printf '%s\n' "$OUT" | tr -d '\r' | grep -cx hi)" "lines 'hi' in: $OUT"
}

test_piped_input_without_final_newline_reaches_end_of_file() {
        run sh -c 'printf "no newline" | timeout 30 "$0" run -i -t "$1" -- sh -c "cat; echo; echo cat-ended"' \
                "$USERBOX" "$TEST_ROOT"
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_contains "$OUT" "cat-ended" "cat saw the end of its input"
        assert_contains "$OUT" "no newline" "the input"
}

# A command that writes as much as it reads: the launcher must go on
# copying the pty's output while the pty's input is full, or both wait for
# each other forever.
test_large_input_through_the_pty_arrives_whole() {
        local dir
        dir=$(mktemp_dir)
        head -c 1500000 /dev/urandom | base64 >"$dir/input" || fail "cannot write the input"
        run sh -c 'timeout -k 5 60 "$0" run -i -t "$1" -- sh -c "stty raw -echo; head -c $2 | tee /dev/tty | md5sum" <"$3"' \
                "$USERBOX" "$TEST_ROOT" "$(stat -c %s "$dir/input")" "$dir/input"
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_contains "$OUT" "$(md5sum <"$dir/input" | cut -d' ' -f1)" "the checksum of what came through"
}

test_output_written_just_before_exit_is_all_there() {
        run timeout 30 "$USERBOX" run -t "$TEST_ROOT" -- sh -c 'i=0; while [ $i -lt 3000 ]; do echo line$i; i=$((i+1)); done' </dev/null
        assert_eq 0 "$STATUS" "status ($ERR)"
        OUT=$(printf '%s\n' "$OUT" | tr -d '\r')
        assert_eq 3000 "$(printf '%s\n' "$OUT" | grep -c '^line[0-9]*$')" "lines that came out"
        assert_eq line2999 "$(printf '%s\n' "$OUT" | tail -n 1)" "the last line"
}

test_tty_without_terminal_on_stdin_still_gets_pts_0() {
        run timeout 30 "$USERBOX" run -t "$TEST_ROOT" -- sh -c 'tty; test -t 1 && echo stdout-is-a-tty' </dev/null
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_contains "$OUT" "/dev/pts/0" "tty"
        assert_contains "$OUT" "stdout-is-a-tty"
}

test_tty_yes_in_a_profile_means_t() {
        local dir
        dir=$(mktemp_dir)
        printf '[Container]\nTty=yes\n' >"$dir/tty.ini"
        chmod 644 "$dir/tty.ini"
        run timeout 30 "$USERBOX" run -p "$dir/tty.ini" "$TEST_ROOT" -- tty </dev/null
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_contains "$OUT" "/dev/pts/0" "tty with Tty=yes"
}

test_exit_statuses_with_tty() {
        assert_status 7 timeout 30 "$USERBOX" run -t "$TEST_ROOT" -- sh -c 'exit 7' </dev/null
        assert_status 137 timeout 30 "$USERBOX" run -t "$TEST_ROOT" -- sh -c 'kill -9 $$' </dev/null
        assert_status 143 timeout 30 "$USERBOX" run -t "$TEST_ROOT" -- sh -c 'kill -TERM $$' </dev/null
        assert_status 129 timeout 30 "$USERBOX" run -t "$TEST_ROOT" -- sh -c 'kill -HUP $$' </dev/null
        assert_status "$EXIT_NOT_FOUND" timeout 30 "$USERBOX" run -t "$TEST_ROOT" -- /no/such/command </dev/null
        assert_status "$EXIT_CANNOT_EXECUTE" timeout 30 "$USERBOX" run -t "$TEST_ROOT" -- /etc/passwd </dev/null
}

# kill -TSTP of the launcher (^Z itself goes to the container): the outer
# shell gets its terminal back with its own modes; fg resumes the session.
test_launcher_stopped_from_outside_gives_the_terminal_back() {
        outer_start
        box_shell
        kill -TSTP "$BOX_PID"
        # The outer shell sees its job stop and goes on with its line.
        box_wait 147
        assert_outer_modes_restored
        type_line "fg; printf '%s=%s\\n' fg-status \$?"
        sleep 0.5
        outer_do "printf '%s=%s\\n' resumed \$((40+2))"
        assert_contains "$PANE" "resumed=42" "the inner shell after fg"
        type_line 'exit 3'
        wait_pane "fg-status=3"
        assert_outer_modes_restored
}

# -t without -i, stdin a pipe: the pty is fed from it, as ssh -tt does.
test_tty_without_i_is_fed_from_a_piped_stdin() {
        run timeout 30 sh -c "printf 'from-the-pipe\n' | \"\$1\" run -t \"\$2\" -- sh -c 'read x; echo got=\$x; tty'" _ "$USERBOX" "$TEST_ROOT"
        assert_eq 0 "$STATUS" "exit status (stderr: $ERR)"
        assert_contains "$OUT" "got=from-the-pipe" "what the command read from its terminal"
        assert_contains "$OUT" "/dev/pts/0" "the command's terminal"
}

# An interactive shell on the pty with no input at all (-t </dev/null, as
# in a script): the end of input is sent while the pty is still canonical,
# and the shell's line editor then switches it to raw mode, which turns
# that end into a NUL byte. The launcher notices the switch and sends the
# end once more; the shell must exit instead of waiting forever.
test_interactive_shell_with_empty_input_exits() {
        run timeout -s KILL 20 "$USERBOX" run -t "$TEST_ROOT" -- sh </dev/null
        assert_eq 0 "$STATUS" "exit status (stderr: $ERR)"
        # Piped commands, no exit at the end: the shell runs them, then ends.
        run timeout -s KILL 20 sh -c "printf 'echo ran-\$((6*7))\n' | \"\$1\" run -t \"\$2\" -- sh" _ "$USERBOX" "$TEST_ROOT"
        assert_eq 0 "$STATUS" "exit status with piped commands (stderr: $ERR)"
        assert_contains "$OUT" "ran-42" "the piped command ran"
}

# gone PID: the process has exited (or is a zombie waiting for its parent).
tty_gone() {
        ! kill -0 "$1" 2>/dev/null || [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" = Z ]
}

# The relay never waits inside: with the pty's input full (a flood on stdin
# that the command never reads) or stdout blocked (a reader that stopped),
# the launcher still forwards SIGTERM and ends.
test_signals_are_forwarded_while_the_pty_or_stdout_is_full() {
        local dir pid status
        dir=$(mktemp_dir)
        yes | "$USERBOX" run -t "$TEST_ROOT" -- sleep 60 >/dev/null 2>"$dir/err1" &
        pid=$!
        sleep 1
        kill -TERM "$pid"
        wait_for 5 tty_gone "$pid" || { kill -9 "$pid"; fail "still running 5 s after SIGTERM, stdin flooding"; }
        status=0
        wait "$pid" || status=$?
        assert_eq 143 "$status" "exit status, stdin flooding ($(cat "$dir/err1"))"

        assert_eq 143 "$(term_with_stdout_blocked 1 yes)" "exit status, stdout blocked"
}

# term_with_stdout_blocked SECONDS COMMAND...: runs COMMAND with -t, its
# output into a fifo that is opened and never read, sends SIGTERM to the
# launcher after SECONDS, and prints the launcher's exit status once it
# has ended (fails when it has not 5 s later).
term_with_stdout_blocked() {
        local delay=$1 dir pid reader status=0
        shift
        dir=$(mktemp_dir)
        mkfifo "$dir/out"
        (exec 3<"$dir/out"; sleep 60) &
        reader=$!
        "$USERBOX" run -t "$TEST_ROOT" -- "$@" </dev/null >"$dir/out" 2>"$dir/err" &
        pid=$!
        sleep "$delay"
        kill -TERM "$pid"
        wait_for 5 tty_gone "$pid" || { kill -9 "$pid" "$reader"; fail "still running 5 s after SIGTERM, stdout blocked"; }
        kill "$reader" 2>/dev/null
        wait "$pid" || status=$?
        [ -s "$dir/err" ] && echo "stderr: $(cat "$dir/err")" >&2
        echo "$status"
}

# stdout fails (/dev/full) while the command lives on: the launcher drops
# what it cannot write and waits, it does not spin.
test_a_failed_stdout_does_not_make_the_launcher_spin() {
        local pid before after
        "$USERBOX" run -t "$TEST_ROOT" -- sh -c 'trap "" HUP; head -c 300000 /dev/zero; sleep 5' </dev/null >/dev/full 2>/dev/null &
        pid=$!
        sleep 1.5
        before=$(cpu_ticks "$pid")
        sleep 2
        after=$(cpu_ticks "$pid")
        kill -9 "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        [ $((after - before)) -le 20 ] || fail "the launcher used $((after - before)) clock ticks in 2 s with stdout failing"
}

# A SIGTERM the command catches does not end the session: what it writes
# afterwards reaches a reader that is slow, in full.
test_output_after_a_caught_sigterm_is_all_there() {
        local dir pid status
        dir=$(mktemp_dir)
        mkfifo "$dir/out"
        # The reader opens the fifo at once (so the launcher's open does
        # not wait), and reads only later.
        { sleep 3; wc -c >"$dir/count"; } <"$dir/out" &
        "$USERBOX" run -t "$TEST_ROOT" -- sh -c "trap 'echo caught' TERM; sleep 1.5; head -c 68000 /dev/zero; exit 7" \
                </dev/null >"$dir/out" 2>"$dir/err" &
        pid=$!
        sleep 0.7
        kill -TERM "$pid"
        status=0
        wait "$pid" || status=$?
        wait
        assert_eq 7 "$status" "exit status ($(cat "$dir/err"))"
        assert_eq 68008 "$(tr -d ' ' <"$dir/count")" "bytes that reached the reader ('caught' and the 68000)"
}

# The command has exited with output the reader does not take: a SIGTERM
# ends the launcher's wait for stdout.
test_sigterm_ends_the_wait_for_a_blocked_stdout_after_the_command() {
        # 70000 bytes: the fifo takes 64 KiB, the launcher holds the rest,
        # and the command is gone before the signal.
        assert_eq 3 "$(term_with_stdout_blocked 2 sh -c 'head -c 70000 /dev/zero; exit 3')" \
                "exit status, the command's"
}

# userbox unshare as the session leader of a terminal (script, ssh): a
# hangup goes to the leader alone, and is passed on to the command.
test_unshare_passes_a_terminal_hangup_on() {
        local n=$((300000 + RANDOM)) sp
        require_cmd script
        script -qc "$USERBOX unshare -- sleep $n" /dev/null </dev/null >/dev/null 2>&1 &
        sp=$!
        wait_for 10 pid_of_command sleep "$n" >/dev/null || { kill -9 "$sp"; fail "sleep $n never started"; }
        kill -9 "$sp"
        wait "$sp" 2>/dev/null
        if ! wait_for 5 eval '! pid_of_command sleep "$n" >/dev/null'; then
                kill -9 "$(pid_of_command sleep "$n")" 2>/dev/null
                fail "the command outlived the terminal's hangup"
        fi
}

# proc_state PID: the state letter of PID (S, R, T for stopped, ...).
proc_state() {
        awk '{ sub(/.*\) /, ""); print $1 }' "/proc/$1/stat" 2>/dev/null
}

# userbox unshare on a terminal makes its command a job of its own, as a
# shell does: ^Z stops it and the shell sees the job stopped, fg gives it
# the terminal again, ^C reaches it once.
test_unshare_command_is_a_job_ctrl_z_fg_and_ctrl_c() {
        local n=$((300000 + RANDOM)) pid
        outer_start
        type_line "$USERBOX unshare -- sleep $n"
        wait_for 10 pid_of_command sleep "$n" >/dev/null || fail "sleep $n never started: $(pane | tail -n 5)"
        pid=$(pid_of_command sleep "$n")
        press C-z
        wait_pane "Stopped" 10 || fail "the shell did not see the job stopped: $(pane | tail -n 5)"
        wait_for 5 eval '[ "$(proc_state "$pid")" = T ]' || fail "the command is not stopped: $(proc_state "$pid")"
        type_line fg
        wait_for 5 eval '[ "$(proc_state "$pid")" = S ]' || fail "the command did not go on: $(proc_state "$pid")"
        press C-c
        # fg's status is the job's: userbox's, after ^C.
        outer_do "printf '%s=%s\\n' ub-status \$?"
        assert_contains "$PANE" "ub-status=130" "userbox's status after fg and ^C"
        assert_outer_modes_restored
}

# On a terminal too (script's, userbox its session leader), a signal to the
# launcher's whole group (the shell's kill %1) reaches userbox unshare's
# command once, passed on.
test_unshare_on_a_terminal_gets_a_group_signal_once() {
        local dir out pid pgid
        require_cmd script
        dir=$(probe_dir) || exit $?
        out=$(mktemp_dir)/out
        script -qc "$USERBOX unshare -- $dir/probe sigcount 2" /dev/null </dev/null >"$out" 2>&1 &
        wait_for 10 grep -q ready "$out" || fail "the probe did not start: $(cat "$out")"
        pid=$(pid_of_command "$USERBOX" unshare -- "$dir/probe" sigcount 2) || fail "no launcher found"
        pgid=$(ps -o pgid= -p "$pid" | tr -d ' ')
        kill -INT -- "-$pgid"
        wait_for 10 grep -q count= "$out" || fail "the probe did not end: $(cat "$out")"
        assert_contains "$(cat "$out")" "count=1" "SIGINTs the command got"
        wait
}

# ------------------------------------- a shell with no command, implied -t

# Typed into a shell, prints ctty-yes when it has a controlling terminal
# (/dev/tty opens), else ctty-no. In a child shell: a failed redirection
# of a special built-in would abort the whole line of an interactive one.
HAS_CTTY="sh -c ': </dev/tty' 2>/dev/null && echo ctty-yes || echo ctty-no"

# No command on the command line, standard input and output a terminal:
# the shell (here /bin/sh, the default) gets a terminal of its own as with
# -t, and with it job control.
test_shell_without_a_command_on_a_terminal_gets_a_terminal() {
        outer_start
        box_start "$TEST_ROOT"
        outer_sync
        outer_expect 'tty' "/dev/pts/0"
        outer_expect "$HAS_CTTY" "ctty-yes"
        outer_do 'sleep 100 &'
        job_fg_ctrl_c
        type_line 'exit 4'
        box_wait 4
        assert_outer_modes_restored
}

# A profile's Command= is no command on the command line: its shell gets
# the terminal too.
test_profile_command_without_a_command_on_a_terminal_gets_a_terminal() {
        local dir
        dir=$(mktemp_dir)
        printf '[Container]\nCommand=/bin/sh -i\n' >"$dir/shell.ini"
        chmod 644 "$dir/shell.ini"
        outer_start
        box_start "-p $dir/shell.ini $TEST_ROOT"
        outer_sync
        outer_expect "$HAS_CTTY" "ctty-yes"
        type_line 'exit'
        box_wait 0
}

# --tty=no, a profile's Tty=no, a command on the command line, or an
# output that is no terminal: no terminal of its own.
test_no_implied_tty_when_told_or_given_a_command() {
        local dir how
        dir=$(mktemp_dir)
        printf '[Container]\nTty=no\n' >"$dir/notty.ini"
        chmod 644 "$dir/notty.ini"
        outer_start
        for how in "--tty=no $TEST_ROOT" "-p $dir/notty.ini $TEST_ROOT" "$TEST_ROOT -- sh" \
                   "$TEST_ROOT | cat"; do
                box_start "$how"
                outer_sync
                type_line "$HAS_CTTY; exit"
                box_wait 0
                printf '%s\n' "$PANE" | grep -qx ctty-no ||
                        fail "userbox run $how: the shell has a controlling terminal: $(pane | grep -v '^$' | tail -n 5)"
                # A clean pane for the next one: box_wait reads the last status.
                "${TMUX_CMD[@]}" send-keys -t outer -R \; clear-history -t outer
        done
}
