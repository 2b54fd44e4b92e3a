# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash disable=SC2016 # scripts run inside expand there
#
# The image's config as a profile (design §11): `userbox run -p NAME` runs
# Entrypoint + Cmd as the image's User in its WorkingDir with its Env and
# none of the host's; a `--` command replaces Cmd and keeps Entrypoint, as
# docker's does; the command line wins over the image.

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

test_run_p_honours_entrypoint_cmd_env_workdir_and_user() {
        image_setup
        mkimage preset:config "$WORK/config" --compress gzip
        import_ok config-test "$WORK/config"
        USERBOX_IMAGE_TEST_HOSTVAR=leak run "$USERBOX" run -p config-test
        assert_eq 0 "$STATUS" "run -p config-test: $ERR"
        assert_eq 'args:[--from-entrypoint][default][two words][it'\''s]
pwd:/work/dir
id:1000:1000
FOO:bar  baz
QUOTED:say "hi"
DOLLAR:${HOME}x
PATH:/usr/bin:/bin
HOSTVAR:unset' "$OUT" "Entrypoint + Cmd, WorkingDir, User, Env, and no host variable"
}

test_a_dash_dash_command_replaces_cmd_and_keeps_entrypoint() {
        image_setup
        mkimage preset:config "$WORK/config"
        import_ok config-test "$WORK/config"
        run "$USERBOX" run -p config-test -- one 'two three'
        assert_eq 0 "$STATUS" "run -p config-test -- ...: $ERR"
        assert_eq "args:[--from-entrypoint][one][two three]" "$(head -n 1 <<<"$OUT")" "the arguments the entrypoint got"
        assert_eq "pwd:/work/dir" "$(sed -n 2p <<<"$OUT")" "the working directory, still the image's"
}

test_an_image_with_cmd_and_no_entrypoint() {
        image_setup
        mkimage preset:cmd-only "$WORK/cmd"
        import_ok cmd-only "$WORK/cmd"
        run "$USERBOX" run -p cmd-only
        assert_eq "args:[from-cmd]" "$(head -n 1 <<<"$OUT")" "Cmd run: $ERR"
        run "$USERBOX" run -p cmd-only -- /bin/busybox echo replaced
        assert_eq "replaced" "$OUT" "a -- command replaces Cmd whole: $ERR"
}

test_the_command_line_wins_over_the_image() {
        image_setup
        mkimage preset:config "$WORK/config"
        import_ok config-test "$WORK/config"
        run "$USERBOX" run -p config-test -w /tmp -u 0:0 -e FOO=cli -- x
        assert_eq 0 "$STATUS" "run -p config-test with options: $ERR"
        assert_eq "args:[--from-entrypoint][x]
pwd:/tmp
id:0:0
FOO:cli" "$(head -n 4 <<<"$OUT")" "-w, -u and -e over the image's WorkingDir, User and Env"
}

test_entrypoint_empty_on_the_command_line_drops_the_images() {
        image_setup
        mkimage preset:config "$WORK/config"
        import_ok config-test "$WORK/config"
        run "$USERBOX" run -p config-test --entrypoint "" -- /bin/busybox echo plain
        assert_eq 0 "$STATUS" "run --entrypoint '': $ERR"
        assert_eq "plain" "$OUT" "the command alone, without the image's entrypoint"
}

# An Env value a profile line cannot hold (" ;" starts a comment there)
# goes, unchanged, to the image's env file, which the profile's File=
# names: no warning, nothing lost.
test_an_env_value_a_profile_line_cannot_hold_is_kept_through_the_env_file() {
        image_setup
        cat >"$WORK/spec.json" <<-'EOF'
		{"tag": "semi:1",
		 "config": {"Cmd": ["/bin/busybox", "sh", "-c", "echo \"GOOD=$GOOD SEMI=${SEMI-unset}\""],
		            "Env": ["PATH=/bin", "SEMI=a ;b", "GOOD=1"]},
		 "layers": [[{"type": "busybox"}]]}
	EOF
        mkimage "$WORK/spec.json" "$WORK/semi"
        run "$USERBOX" import "$WORK/semi"
        assert_eq 0 "$STATUS" "import: $ERR"
        assert_eq semi-1 "$OUT" "what import prints"
        assert_not_contains "$ERR" "left out" "a warning"
        run "$USERBOX" run -p semi-1
        assert_eq "GOOD=1 SEMI=a ;b" "$OUT" "the image's Cmd and Env: $ERR"
        run "$USERBOX" config -p semi-1
        assert_contains "$OUT" "File=" "config shows the env file"
}
