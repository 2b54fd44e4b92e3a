# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash disable=SC2016 # command lines are typed into shells, expanded there
#
# A real terminal for the tests of -t: a tmux pane with an interactive dash
# in it (the "outer shell"), driven by typing, and read back. Sourced by
# test-tty.sh and by the tests of exec -t.

# ---------------------------------------------------------------- the pane

# outer_start: a detached tmux server of this test's own (its socket in a
# temp dir), one 120x40 pane running an interactive dash; saves the outer
# terminal's modes (stty -g) to compare at the end. Not bash: bash puts back
# the modes itself when a job dies of a signal, which would hide a launcher
# that leaves the terminal raw.
outer_start() {
        require_cmd tmux stty dash
        OUTER_DIR=$(mktemp_dir) || fail "mktemp_dir"
        chmod 700 "$OUTER_DIR"
        TMUX_CMD=(tmux -S "$OUTER_DIR/tmux.sock" -f /dev/null)
        SYNC=0
        trap 'outer_stop' EXIT
        "${TMUX_CMD[@]}" new-session -d -x 120 -y 40 -s outer \
                env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$OUTER_DIR" TERM=screen PS1='outer$ ' dash -i ||
                skip "machine: tmux cannot start a session"
        "${TMUX_CMD[@]}" set-option -t outer history-limit 50000 >/dev/null
        outer_sync
        outer_do "stty -g > $OUTER_DIR/modes.before"
}

outer_stop() {
        [ -n "${TMUX_CMD+x}" ] && "${TMUX_CMD[@]}" kill-server 2>/dev/null
        return 0
}

# pane: all that the pane shows, scrollback included, lines unwrapped.
pane() {
        "${TMUX_CMD[@]}" capture-pane -p -J -S - -t outer 2>/dev/null
}

# type_line TEXT: types TEXT and Enter, into whatever reads the terminal.
type_line() {
        "${TMUX_CMD[@]}" send-keys -t outer -l "$1" || fail "tmux send-keys"
        "${TMUX_CMD[@]}" send-keys -t outer Enter || fail "tmux send-keys"
}

# press KEY: one key, tmux's name for it (C-c, C-z).
press() {
        "${TMUX_CMD[@]}" send-keys -t outer "$1" || fail "tmux send-keys"
}

# wait_pane TEXT [SECONDS]: until the pane shows TEXT; PANE holds it.
wait_pane() {
        local tries=$((${2:-30} * 10))
        while [ "$tries" -gt 0 ]; do
                PANE=$(pane)
                case $PANE in *"$1"*) return 0 ;; esac
                sleep 0.1
                tries=$((tries - 1))
        done
        fail "the terminal never showed '$1'; it shows:
$(pane | grep -v '^$' | tail -n 30)"
}

# wait_pane_line LINE: until a line of the pane is exactly LINE.
wait_pane_line() {
        local tries=300
        while [ "$tries" -gt 0 ]; do
                pane | grep -qxF "$1" && return 0
                sleep 0.1
                tries=$((tries - 1))
        done
        fail "the terminal never showed the line '$1'; it shows:
$(pane | grep -v '^$' | tail -n 30)"
}

# outer_sync / outer_do CMD: run CMD in whatever shell reads the terminal
# (the outer one, or the one inside), wait until it has run.
outer_sync() {
        SYNC=$((SYNC + 1))
        type_line "printf '%s-%s\\n' sync $SYNC"
        wait_pane "sync-$SYNC"
}

outer_do() {
        type_line "$1"
        outer_sync
}

# outer_expect COMMAND LINE: types COMMAND, then waits until a line of the
# pane is exactly LINE. Nothing is typed ahead, as outer_do would: the
# echo of a line typed ahead lands wherever the command's output has got
# to, in the middle of LINE when the command is slow.
outer_expect() {
        type_line "$1"
        wait_pane_line "$2"
}

# box_start OPTIONS_AND_COMMAND: types in the outer shell a userbox run
# whose launcher pid lands in $OUTER_DIR/pid and whose status is printed
# when it ends (box_wait).
box_start() {
        rm -f "$OUTER_DIR/pid"
        type_line "sh -c 'echo \$\$ > $OUTER_DIR/pid; exec \"\$0\" \"\$@\"' $USERBOX run $1; printf '%s=%s\\n' box-status \$?"
        wait_for 10 test -s "$OUTER_DIR/pid" || fail "userbox did not start: $(pane | tail -n 5)"
        BOX_PID=$(cat "$OUTER_DIR/pid")
}

# box_wait STATUS: userbox ended with STATUS.
box_wait() {
        wait_pane "box-status=" 30
        local got
        got=$(printf '%s\n' "$PANE" | sed -n 's/.*box-status=\([0-9]*\).*/\1/p' | tail -n 1)
        assert_eq "$1" "$got" "exit status of userbox -t; the terminal shows:
$(printf '%s\n' "$PANE" | grep -v '^$' | tail -n 20)
 and userbox's status"
}

# box_shell: an interactive sh in the container, ready for input.
box_shell() {
        box_start "-t $TEST_ROOT -- sh"
        # Typed ahead is kept: the launcher reads it once the pty is up.
        outer_sync
}

# assert_outer_modes_restored: the outer terminal's modes are those it had
# before userbox ran, bit for bit.
assert_outer_modes_restored() {
        outer_do "stty -g > $OUTER_DIR/modes.after"
        assert_eq "$(cat "$OUTER_DIR/modes.before")" "$(cat "$OUTER_DIR/modes.after")" \
                "outer terminal modes (stty -g) before and after"
}

# pid_of_command ARGV...: the host pid of the process whose command line is
# exactly ARGV.
pid_of_command() {
        local f args IFS=$'\n'
        for f in /proc/[0-9]*/cmdline; do
                # Read by the shell: a program per process (tr) would cost
                # ~5 ms of CPU each, polled ten times a second.
                mapfile -d '' -t args 2>/dev/null <"$f" || continue
                [ "${args[*]}" = "$*" ] || continue
                f=${f#/proc/}
                printf '%s\n' "${f%/cmdline}"
                return 0
        done
        return 1
}


# job_fg_ctrl_c: in the shell reading the terminal, whose job "sleep 100"
# runs in the background: fg brings it back, ^C kills it, the shell lives
# on and saw it die of SIGINT.
job_fg_ctrl_c() {
        type_line 'fg'
        wait_pane_line "sleep 100" # fg names the job it resumes
        sleep 0.5
        press C-c
        outer_do "printf '%s=%s\\n' after-ctrl-c \$?"
        assert_contains "$PANE" "after-ctrl-c=130" "status of the job killed by ^C"
}
