# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Mistakes on the command line get a way out: a misspelled option, command
# or profile name gets the closest one, and the words a docker or podman
# user types get what userbox offers instead (or that it does not yet).
# Each stays one line, exit 125, as every refusal (test-run-cli.sh).

# hint_refused NEEDLE ARGS...: exit 125, one line on stderr holding NEEDLE,
# nothing on stdout.
hint_refused() {
        local needle=$1
        shift
        run "$USERBOX" "$@"
        if [ "$STATUS" != "$EXIT_USERBOX_FAILED" ]; then
                printf 'expected status %s, got %s\n' "$EXIT_USERBOX_FAILED" "$STATUS" >&2
                _show_run "$USERBOX" "$@"
                exit 1
        fi
        assert_contains "$ERR" "$needle" "the message of userbox $*"
        assert_eq 1 "$(printf '%s\n' "$ERR" | wc -l)" "lines on stderr ($ERR)"
        assert_eq "" "$OUT" "stdout"
}

test_misspelled_option_gets_the_closest_one() {
        hint_refused "userbox run: unknown option '--bnd', did you mean '--bind'? (see 'userbox run --help')" \
                run --bnd /tmp:/mnt "$TEST_ROOT" -- true
        hint_refused "userbox config: unknown option '--idmpa', did you mean '--idmap'?" \
                config --idmpa=single "$TEST_ROOT"
        # Nothing close: no guess.
        hint_refused "userbox run: unknown option '--frobnicate' (see 'userbox run --help')" \
                run --frobnicate "$TEST_ROOT" -- true
}

test_misspelled_command_gets_the_closest_one() {
        hint_refused "userbox: unknown command 'rnu', did you mean 'run'? (see 'userbox --help')" rnu "$TEST_ROOT"
        hint_refused "userbox: unknown command 'confg', did you mean 'config'?" confg
        hint_refused "userbox help: unknown command 'profils', did you mean 'profiles'?" help profils
}

test_misspelled_profile_name_gets_the_closest_one() {
        local dir
        dir=$(mktemp_dir)
        chmod 700 "$dir"
        printf '[Container]\nHostname=deb\n' >"$dir/debian.ini"
        chmod 600 "$dir/debian.ini"
        USERBOX_PROFILE_PATH=$dir hint_refused \
                "userbox: profile 'debain' not found, did you mean 'debian'? (looked for $dir/debain.ini)" \
                run -p debain "$TEST_ROOT" -- true
        USERBOX_PROFILE_PATH=$dir run "$USERBOX" run -p debian "$TEST_ROOT" -- hostname
        assert_eq deb "$OUT" "the profile spelled right ($ERR)"
}

test_docker_options_get_what_userbox_offers() {
        local args needle
        while IFS='|' read -r args needle; do
                # shellcheck disable=SC2086 # args are words
                hint_refused "$needle" run $args "$TEST_ROOT" -- true
        done <<-'EOF_CASES'
	--rm|unknown option '--rm': not needed: userbox keeps nothing of a container once it exits
	--network host|unknown option '--network': use --net MODE (host, none, slirp4netns, pasta)
	--network=none|unknown option '--network': use --net MODE (host, none, slirp4netns, pasta)
	--volume /tmp:/mnt|unknown option '--volume': bind a directory with -b/--bind SRC:DST[:ro] (-v is --verbose)
	--publish-all|unknown option '--publish-all': name each port: --publish HOST:CONTAINER (with --net slirp4netns or pasta)
	-P|unknown option '-P': name each port: --publish HOST:CONTAINER
	EOF_CASES
}

# -v is --verbose: only a -v followed by a SRC:DST that names no file gets
# the pointer, so -v before a root (or cp's ROOT:/PATH) keeps working.
test_v_with_a_bind_spec_points_at_bind() {
        hint_refused "userbox run: -v is --verbose, and '/tmp:/mnt' is no root or command: bind a directory with -b/--bind SRC:DST" \
                run -v /tmp:/mnt "$TEST_ROOT" -- true
        hint_refused "-b/--bind SRC:DST" run -tv "$PWD:/src" "$TEST_ROOT"
        run "$USERBOX" run -v "$TEST_ROOT" -- true
        assert_eq 0 "$STATUS" "status of run -v ROOT ($ERR)"
        assert_contains "$ERR" "cloned pid" "the -v steps"
        run "$USERBOX" cp -v "$TEST_ROOT:/etc/passwd" "$PWD/passwd"
        assert_eq 0 "$STATUS" "status of cp -v ROOT:/etc/passwd DST ($ERR)"
        assert_eq "$(cat "$TEST_ROOT/etc/passwd")" "$(cat "$PWD/passwd")" "the copy"
}

# -p is --profile: a port mapping given to it gets the pointer.
test_p_with_ports_points_at_publish() {
        local ports
        for ports in 8080:80 127.0.0.1:53:53/udp '[::1]:8080:80' 80/tcp; do
                hint_refused "userbox run: -p '$ports': -p is --profile; ports are --publish (with --net slirp4netns or pasta)" \
                        run -p "$ports" "$TEST_ROOT" -- true
        done
        hint_refused "userbox config: --profile '8080:80': -p is --profile" config --profile 8080:80
}
