# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash disable=SC2016 # scripts run inside expand there
#
# Terminal injection: a command inside must never type into the terminal of
# the shell that started userbox (TIOCSTI, CVE-2017-5226), not even with a
# high bit set in the request (CVE-2019-10063).

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# in_pty SCRIPT: runs `bash -c SCRIPT` as the session leader of a new pseudo
# terminal, the way an interactive shell owns its terminal, and prints all
# that appeared on that terminal.
in_pty() {
        require_cmd python3
        python3 - "$@" <<'PY'
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execvp("bash", ["bash", "-c", sys.argv[1]])
out = b""
deadline = time.time() + 60
while time.time() < deadline:
    ready, _, _ = select.select([fd], [], [], 0.5)
    if not ready:
        continue
    try:
        data = os.read(fd, 4096)
    except OSError:
        break
    if not data:
        break
    out += data
os.waitpid(pid, 0)
sys.stdout.write(out.decode("utf-8", "replace").replace("\r", ""))
PY
}

# The outer shell: start userbox, then read what is waiting on the terminal.
# The payload is passed as an argument, never printed: if it shows up on the
# terminal, it was injected (the terminal echoes typed input).
outer_shell_script() {
        local dir
        dir=$(probe_dir) || exit $?
        # shellcheck disable=SC2086 # $1: userbox options, split on purpose
        printf '%q ' "$USERBOX" run --ro-bind "$dir:/mnt" $1 "$TEST_ROOT" -- \
                /mnt/probe inject "echo PWNED-BY-INJECTION"
        printf '; if read -t 2 line; then echo "OUTER SHELL READ [$line]"; else echo "OUTER SHELL READ NOTHING"; fi'
}

assert_nothing_injected() {
        assert_not_contains "$1" "PWNED-BY-INJECTION" "the outer terminal"
        assert_contains "$1" "OUTER SHELL READ NOTHING" "the outer shell"
        assert_not_contains "$1" "TIOCSTI: OK" "a plain TIOCSTI"
        assert_not_contains "$1" "TIOCSTI|1<<32: OK" "TIOCSTI with a high bit"
}

test_tiocsti_on_stdin_and_dev_tty_injects_nothing() {
        local out
        out=$(in_pty "$(outer_shell_script "")")
        assert_contains "$out" "stdin TIOCSTI: EPERM" "TIOCSTI on stdin"
        assert_contains "$out" "stdin TIOCSTI|1<<32: EPERM" "TIOCSTI|1<<32 on stdin"
        assert_nothing_injected "$out"
}

# Without the filter the session of its own still protects: the outer
# terminal is no longer the command's controlling terminal.
test_tiocsti_without_seccomp_still_injects_nothing() {
        local out
        out=$(in_pty "$(outer_shell_script "--seccomp unconfined")")
        assert_contains "$out" "stdin TIOCSTI" "the probe ran"
        assert_nothing_injected "$out"
}

# With -t the command has a terminal of its own and is its session leader:
# only the filter stands between it and TIOCSTI, high bit or not.
test_tiocsti_with_a_tty_is_refused_by_the_filter() {
        local out
        out=$(in_pty "$(outer_shell_script "-t")")
        case $out in *"stdin TIOCSTI"*) ;; *) skip "-t did not run the command: $out" ;; esac
        assert_contains "$out" "stdin TIOCSTI: EPERM" "TIOCSTI on the inner terminal"
        assert_contains "$out" "stdin TIOCSTI|1<<32: EPERM" "TIOCSTI|1<<32 on the inner terminal"
        assert_nothing_injected "$out"
}

test_command_without_terminal_runs_in_its_own_session() {
        in_box -- /mnt/probe session </dev/null
        must_succeed
        assert_contains "$OUT" "session leader: yes"
        assert_contains "$OUT" "open /dev/tty: ENXIO" "a controlling terminal"
}
