# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash disable=SC2016 # scripts run inside the image
#
# `userbox run -p NAME` runs an image as docker would (issue 18): what its
# config says that the generated profile must carry through, whatever its
# length or form.

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# image_with_config NAME CONFIG-JSON: a busybox image of that config,
# imported as NAME.
image_with_config() {
        cat >"$WORK/$1.json" <<-EOF
		{"tag": "$1:latest", "config": $2, "layers": [[{"type": "busybox"}]]}
	EOF
        mkimage "$WORK/$1.json" "$WORK/$1"
        import_ok "$1" "$WORK/$1"
}

# run_p NAME: runs the image, standard input empty.
run_p() {
        run "$USERBOX" run -p "$@" </dev/null
}

# An Env value longer than a profile line may be (the php image's GPG_KEYS
# is 300 characters): it goes to the image's env file, which File= reads.
test_a_long_env_value_is_kept() {
        local long
        image_setup
        long=$(printf 'K%.0s' {1..300})
        image_with_config longenv '{"Cmd": ["/bin/busybox", "sh", "-c", "echo ${#LONG}"],
                                    "Env": ["PATH=/bin", "LONG='"$long"'"]}'
        run_p longenv
        assert_eq 0 "$STATUS" "run -p longenv: $ERR"
        assert_eq 300 "$OUT" "the length of LONG in the container"
}

# The profile's Description names the source: a source of a long path
# (here 160 characters) must not make a line the profile cannot load.
test_an_image_from_a_long_path_runs() {
        local dir
        image_setup
        dir=$WORK/$(printf 'd%.0s' {1..60})/$(printf 'e%.0s' {1..60})
        mkdir -p "$dir"
        mkimage preset:busybox "$dir/bb"
        import_ok bb --name bb "$dir/bb"
        run_p bb -- /bin/busybox echo ran
        assert_eq 0 "$STATUS" "run -p bb: $ERR"
        assert_eq ran "$OUT" "the command"
}

# docker makes the WorkingDir when the root lacks it (runc creates the
# cwd); an image whose WorkingDir no layer made still runs: import makes
# it in the image's root.
test_a_working_directory_the_root_lacks_is_made() {
        image_setup
        image_with_config wd '{"Cmd": ["/bin/busybox", "pwd"], "WorkingDir": "/app/data"}'
        run_p wd
        assert_eq 0 "$STATUS" "run -p wd: $ERR"
        assert_eq /app/data "$OUT" "the working directory"
}

# "User": "NAME:GROUP" (as "postgres:postgres" or "nobody:nogroup") is
# the image's user and group, looked up in its /etc/passwd and /etc/group.
# Leaving it out of the profile runs the image as root.
test_user_and_group_by_name() {
        image_setup
        require_subid
        image_with_config ug '{"Cmd": ["/bin/busybox", "sh", "-c", "echo $(id -u):$(id -g)"], "User": "user:nogroup"}'
        run_p ug
        assert_eq 0 "$STATUS" "run -p ug: $ERR"
        assert_eq 1000:65534 "$OUT" "the user and group the image runs as"
}

# A Cmd whose script has a newline (sh -c "a\nb", which a Dockerfile's JSON
# CMD may hold) is the image's command: run -p runs it, not a shell.
test_a_cmd_with_a_newline_is_run() {
        image_setup
        image_with_config nl '{"Cmd": ["/bin/busybox", "sh", "-c", "echo one\necho two"]}'
        run_p nl
        assert_eq 0 "$STATUS" "run -p nl: $ERR"
        assert_eq "one
two" "$OUT" "what the image's Cmd prints"
}

# "User": "5000", an id no /etc/passwd line names: docker (runc) runs it
# with group 0, the group a user without a passwd entry has; its own id
# is not a group the image gave it.
test_a_numeric_user_without_a_passwd_entry_runs_in_group_0() {
        image_setup
        require_subid
        image_with_config u5000 '{"Cmd": ["/bin/busybox", "sh", "-c", "echo $(id -u):$(id -g)"], "User": "5000"}'
        run_p u5000
        assert_eq 0 "$STATUS" "run -p u5000: $ERR"
        assert_eq 5000:0 "$OUT" "the user and group the image runs as"
}

# docker run --entrypoint clears the image's Cmd as well ("Passing
# --entrypoint will clear out any default command set on the image"): the
# new entrypoint does not get the old entrypoint's arguments.
test_entrypoint_on_the_command_line_drops_the_images_cmd() {
        image_setup
        image_with_config ep '{"Entrypoint": ["/bin/busybox", "echo", "EP"], "Cmd": ["CMD1", "CMD2"]}'
        run_p ep --entrypoint /bin/busybox
        assert_not_contains "$OUT$ERR" "CMD1" "what --entrypoint ran"
}

# " ;" in a word is quoted so that the profile line keeps it; " #" is not,
# and the whole Cmd is left out: run -p then runs the Entrypoint alone.
test_a_cmd_word_with_a_hash_after_a_blank_is_run() {
        image_setup
        image_with_config hash '{"Entrypoint": ["/bin/busybox", "echo"], "Cmd": ["color #fff", "a ;b"]}'
        run_p hash
        assert_eq 0 "$STATUS" "run -p hash: $ERR"
        assert_eq "color #fff a ;b" "$OUT" "what the image's Entrypoint and Cmd print"
}
