# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# Every command ends on SIGTERM and SIGINT sent to userbox (issue 14), also
# while what it runs is blocked: a command reading a FIFO nobody writes, a
# copy waiting to open its destination. userbox must be gone within 5 s,
# with status 128+N, and leave no process behind.

. "$(dirname "${BASH_SOURCE[0]}")/../security/common.sh" # probe_dir

sig_gone() { # PID: exited (a zombie not yet waited for counts)
        ! kill -0 "$1" 2>/dev/null || [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" = Z ]
}

# ends_on SIG MARKER BLOCKED USERBOX-ARGS...: starts userbox with the
# arguments, waits until the command BLOCKED (a pattern for pgrep -f) is
# there, sends SIG to userbox, and checks that it ends, with status
# 128+SIG, and that no process has MARKER in its command line afterwards.
ends_on() {
        local sig=$1 marker=$2 blocked=$3 pid status=0 left
        shift 3
        # Job control: else bash starts the job with SIGINT ignored, which
        # the command would inherit.
        set -m
        "$USERBOX" "$@" </dev/null >/dev/null 2>&1 &
        pid=$!
        set +m
        if ! wait_for 10 pgrep -f -- "$blocked" >/dev/null; then
                kill -9 "$pid"
                fail "the command never started: userbox $*"
        fi
        # Blocked for sure, not only started (a slow machine, a sanitizer
        # build): the caller says how to tell.
        if [ -n "${SIG_BLOCKED_WHEN:-}" ] && ! wait_for 20 bash -c "$SIG_BLOCKED_WHEN"; then
                kill -9 "$pid"
                fail "userbox $1 never blocked ($SIG_BLOCKED_WHEN)"
        fi
        kill "-$sig" "$pid"
        if ! wait_for 5 sig_gone "$pid"; then
                kill -9 "$pid" $(pgrep -f -- "$marker") 2>/dev/null
                wait "$pid" 2>/dev/null
                fail "userbox $1 still running 5 s after SIG$sig"
        fi
        wait "$pid" || status=$?
        if ! wait_for 5 no_process_with "$marker"; then
                left=$(pgrep -a -f -- "$marker")
                kill -9 $(pgrep -f -- "$marker") 2>/dev/null
                fail "userbox $1 ended by SIG$sig left processes behind: $left"
        fi
        assert_eq $((EXIT_SIGNAL_BASE + $(kill -l "$sig"))) "$status" "status of userbox $1 after SIG$sig"
}

# A FIFO named after a marker, in a directory of its own.
sig_fifo_dir() {
        local dir
        dir=$(mktemp_dir)
        mkfifo "$dir/$1"
        printf '%s\n' "$dir"
}

# The shell waits for cat: it does not exec it, and a shell waiting for a
# child passes SIGINT on only once the child died of it.
test_run_ends_on_sigterm_and_sigint_while_the_command_reads_a_fifo() {
        local sig marker dir
        for sig in TERM INT; do
                marker=userbox-sig-$$-$RANDOM$RANDOM
                dir=$(sig_fifo_dir "$marker")
                ends_on "$sig" "$marker" "^cat /m/$marker" \
                        run --bind "$dir:/m" "$TEST_ROOT" -- sh -c "cat /m/$marker; echo read"
        done
}

# The signal reaches the command's children too: a cat left reading
# would outlive userbox.
test_unshare_ends_on_sigterm_and_sigint_while_the_command_reads_a_fifo() {
        local sig marker dir
        for sig in TERM INT; do
                marker=userbox-sig-$$-$RANDOM$RANDOM
                dir=$(sig_fifo_dir "$marker")
                ends_on "$sig" "$marker" "^cat $dir/$marker" \
                        unshare -- sh -c 'cat "$1"; echo read' sh "$dir/$marker"
        done
}

# A program holding a lease on the destination makes cp wait (as cp(1)
# would, up to fs.lease-break-time, 45 s by default); SIGTERM or SIGINT ends
# the wait and the copy.
test_cp_ends_on_sigterm_and_sigint_while_it_waits_for_its_destination() {
        local sig marker base probe holder
        probe=$(probe_dir)/probe || exit $?
        [ "$(cat /proc/sys/fs/leases-enable 2>/dev/null)" = 1 ] ||
                skip "machine: file leases are disabled (fs.leases-enable)"
        for sig in TERM INT; do
                marker=userbox-sig-$$-$RANDOM$RANDOM
                base=$(mktemp_dir)
                mkdir "$base/$marker"
                echo old >"$base/$marker/dst"
                # From inside the directory: the holder's command line
                # does not hold the marker.
                (cd "$base/$marker" && exec "$probe" lease dst) >"$base/holder.out" 2>&1 &
                holder=$!
                wait_for 10 grep -q '^lease: OK' "$base/holder.out" ||
                        { kill "$holder"; fail "no lease on the destination: $(cat "$base/holder.out")"; }
                SIG_BLOCKED_WHEN="grep -q '^break: OK' '$base/holder.out'" \
                        ends_on "$sig" "$marker" "cp $TEST_ROOT:/etc/passwd $base/$marker/dst" \
                        cp "$TEST_ROOT:/etc/passwd" "$base/$marker/dst"
                grep -q '^break: OK' "$base/holder.out" || fail "cp never waited for the lease"
                kill "$holder"
                wait "$holder" 2>/dev/null || true
        done
}
