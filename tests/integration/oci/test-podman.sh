# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# podman driving userbox-oci as its OCI runtime (issue 21, design §14), as
# the unprivileged user: podman runs the runtime through conmon, as uid 0 of
# the user namespace podman made. Each case has podman's storage (vfs),
# runtime directory and configuration in a directory of its own, and an
# image imported offline from a busybox root.
#
# PODMAN_TEST_RUNTIME names another runtime executable to drive instead
# (a check of the tests themselves against crun, say); the default is
# $BUILDDIR/userbox-oci.

# podman's flags follow the runtime's base name: containers.conf tells it
# that userbox-oci writes its errors as JSON to --log (runtime_supports_json:
# conmon then runs `userbox-oci --log-format=json --log FILE create ...`,
# and podman reads the error from FILE; without it, neither flag) and may
# run without cgroups (runtime_supports_nocgroups; podman 4.3.1 still
# refuses --cgroups=disabled with userbox-oci, "not compatible with
# NoCgroups", by path or by name, so no case here uses it).
podman_env() {
        require_cmd podman conmon
        require_subid
        PODMAN_RUNTIME=${PODMAN_TEST_RUNTIME:-$BUILDDIR/userbox-oci}
        [ -x "$PODMAN_RUNTIME" ] || fail "no runtime $PODMAN_RUNTIME"
        PD=$(mktemp_dir)
        # The runtime directory is a short one of its own: podman's runroot
        # is $XDG_RUNTIME_DIR/containers, and podman 4.3.1 refuses one
        # longer than 50 characters when it comes with --runroot, as it does
        # in the `podman container cleanup` conmon runs when the container
        # exits. That command then fails unseen, and `podman run` reads the
        # exit code itself 20 s later ($TESTS_TMPDIR/dir.XXXXXX/run/containers
        # is 51 characters).
        PODMAN_RUN=$(mktemp -d /tmp/ubpm.XXXXXX) || fail "mktemp in /tmp"
        mkdir -p "$PD/config" "$PD/data" && chmod 700 "$PODMAN_RUN"
        # Rootless podman 4.3.1 takes graphroot and runroot from
        # XDG_DATA_HOME and XDG_RUNTIME_DIR whatever this file says: only
        # the driver is read from it.
        cat >"$PD/storage.conf" <<-EOF
		[storage]
		driver = "vfs"
	EOF
        cat >"$PD/containers.conf" <<-EOF
		[engine]
		runtime_supports_json = ["userbox-oci"]
		runtime_supports_nocgroups = ["userbox-oci"]
	EOF
        export CONTAINERS_STORAGE_CONF=$PD/storage.conf CONTAINERS_CONF=$PD/containers.conf \
                XDG_RUNTIME_DIR=$PODMAN_RUN XDG_CONFIG_HOME=$PD/config XDG_DATA_HOME=$PD/data
        trap podman_cleanup EXIT
        make_root "$PD/root"
        mkdir -p "$PD/root/www" && echo "served by podman's container" >"$PD/root/www/index.html"
        tar -C "$PD/root" -cf "$PD/root.tar" . || fail "tar of the root"
        run podman import "$PD/root.tar" localhost/ubtest-bb
        [ "$STATUS" = 0 ] || { _show_run podman import; fail "podman import"; }
        IMG=localhost/ubtest-bb
}

# podman with the runtime under test.
pm() { podman --runtime "$PODMAN_RUNTIME" "$@"; }

# Containers left by a failed case, then podman's pause process, which
# holds its user namespace for the next command and would outlive the case,
# then the runtime directory, outside the tests' directory.
podman_cleanup() {
        local pid
        timeout 30 podman --runtime "$PODMAN_RUNTIME" rm -af -t 0 >/dev/null 2>&1
        pid=$(cat "$PODMAN_RUN/libpod/tmp/pause.pid" 2>/dev/null) && kill -9 "$pid" 2>/dev/null
        rm -rf "$PODMAN_RUN"
        return 0
}

test_podman_run_true() {
        local start elapsed
        podman_env
        start=$SECONDS
        run pm run --rm "$IMG" true
        elapsed=$((SECONDS - start))
        [ "$STATUS" = 0 ] || { _show_run podman run --rm "$IMG" true; fail "podman run --rm true"; }
        # podman learns of the exit from the `podman container cleanup` conmon
        # runs, which runs the runtime's delete; when that command fails,
        # podman reads the exit code itself 20 s after conmon's exit.
        [ "$elapsed" -lt 10 ] ||
                fail "podman run --rm true took $elapsed s: its cleanup command failed, podman waited 20 s"
        run pm ps -aq
        assert_eq "" "$OUT" "containers left after run --rm"
}

test_podman_exit_status() {
        podman_env
        assert_status 3 pm run --rm "$IMG" sh -c 'exit 3'
        # Not pid 1 (the kernel keeps from it the signals it does not handle).
        run pm run --rm "$IMG" sh -c 'sh -c "kill -TERM \$\$"; exit $?'
        assert_eq 143 "$STATUS" "a command of the container killed by SIGTERM"
}

test_podman_run_tty() {
        podman_env
        require_cmd script
        # script gives podman a terminal; conmon gets the container's pty
        # master from the runtime through --console-socket. -t without -i:
        # script, its stdin at EOF, writes a byte to the terminal, which
        # podman -i forwards to conmon; when that byte comes as the
        # container exits, conmon closes the attach socket without reading
        # it, podman's next read fails (ECONNRESET) and the output it had
        # not yet read is lost (1 to 3 runs in 20 here, with crun too). The
        # container's stdin is the pty all the same.
        run script -qec "podman --runtime '$PODMAN_RUNTIME' run --rm -t $IMG sh -c 'tty; test -t 0 && echo in-a-tty; exit 4'" /dev/null
        [ "$STATUS" = 4 ] || { _show_run podman run -t; fail "podman run -t: status $STATUS, not the container's 4"; }
        assert_contains "$OUT" "/dev/pts/0" "the container's tty"
        assert_contains "$OUT" "in-a-tty" "stdin a terminal"
}

test_podman_detached_exec_logs_stop_rm() {
        podman_env
        run pm run -d --name ubc "$IMG" sh -c 'echo started; trap "echo got-term; exit 0" TERM; while :; do sleep 0.1; done'
        [ "$STATUS" = 0 ] || { _show_run podman run -d; fail "podman run -d"; }
        wait_for 10 sh -c 'podman logs ubc 2>/dev/null | grep -q started' || fail "podman logs: no 'started'"
        run pm exec ubc sh -c 'echo exec-in-$(hostname); cat /proc/1/cmdline | tr "\0" " "'
        [ "$STATUS" = 0 ] || { _show_run podman exec; fail "podman exec"; }
        assert_contains "$OUT" "exec-in-" "podman exec's output"
        assert_contains "$OUT" "while" "podman exec in the container's pid namespace"
        assert_status 5 pm exec ubc sh -c 'exit 5'
        run pm inspect -f '{{.State.Status}}' ubc
        assert_eq running "$OUT" "the state while it runs"
        assert_status 0 pm stop -t 10 ubc
        run pm inspect -f '{{.State.Status}} {{.State.ExitCode}}' ubc
        assert_eq "exited 0" "$OUT" "the state after stop"
        run pm logs ubc
        assert_contains "$OUT" "got-term" "podman logs after stop: SIGTERM reached the container"
        assert_status 0 pm rm ubc
        run pm ps -aq
        assert_eq "" "$OUT" "containers left after rm"
}

test_podman_network_none() {
        podman_env
        run pm run --rm --network none "$IMG" cat /proc/net/dev
        [ "$STATUS" = 0 ] || { _show_run podman run --network none; fail "podman run --network none"; }
        assert_contains "$OUT" "lo:" "the loopback"
        assert_eq 1 "$(printf '%s\n' "$OUT" | grep -c ':')" "interfaces besides lo"
}

test_podman_publish_slirp4netns() {
        podman_env
        require_cmd slirp4netns curl
        [ -r /dev/net/tun ] && [ -w /dev/net/tun ] ||
                skip "machine: /dev/net/tun is mode $(stat -c %a /dev/net/tun 2>/dev/null): the user cannot open it"
        local port
        port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
        run pm run -d --name web -p "127.0.0.1:$port:8080" "$IMG" httpd -f -p 8080 -h /www
        [ "$STATUS" = 0 ] || { _show_run podman run -d -p; fail "podman run -p"; }
        wait_for 15 curl -sf -o /dev/null "http://127.0.0.1:$port/" || {
                pm logs web >&2; fail "nothing answers on 127.0.0.1:$port"; }
        run curl -sf "http://127.0.0.1:$port/"
        assert_eq "served by podman's container" "$OUT" "the page through the published port"
        assert_status 0 pm rm -f -t 0 web
}
