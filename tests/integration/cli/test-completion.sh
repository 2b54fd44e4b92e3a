# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# The bash completion the build generates (completion/userbox): loaded into
# a plain bash, its function is called as bash calls it on TAB, with
# COMP_WORDS and COMP_CWORD set, and what it offers is checked.

COMPLETION=${BUILDDIR:-.}/completion/userbox

# complete_words WORD...: what TAB offers after the words (the last one is
# the word being completed), one per line, in a bash that loaded nothing
# but the completion file. USERBOX_PROFILE_PATH is kept for `userbox profiles`.
complete_words() {
        [ -r "$COMPLETION" ] || fail "no generated completion at $COMPLETION (make builds it)"
        # shellcheck disable=SC2016 # expanded by the bash started here
        env -i PATH="$PATH" HOME="$HOME" USERBOX_PROFILE_PATH="${USERBOX_PROFILE_PATH:-}" \
                XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-}" \
                bash --norc --noprofile -c '
                source "$1" || exit 1
                shift
                COMP_WORDS=("$@")
                COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
                COMP_LINE="$*" COMP_POINT=${#COMP_LINE}
                _userbox userbox "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}" || exit 1
                printf "%s\n" "${COMPREPLY[@]}" | sort -u' \
                complete "$COMPLETION" "$USERBOX" "$@"
}

test_completion_is_registered_for_userbox() {
        run bash --norc --noprofile -c 'source "$1" && complete -p userbox' complete "$COMPLETION"
        assert_eq 0 "$STATUS" "sourcing $COMPLETION ($ERR)"
        assert_eq "complete -F _userbox userbox" "$OUT" "complete -p userbox"
}

test_completion_of_subcommands_options_and_fixed_values() {
        assert_eq run "$(complete_words ru)" "userbox ru<TAB>"
        assert_eq --idmap "$(complete_words run --idm)" "userbox run --idm<TAB>"
        assert_eq keep-id "$(complete_words run --idmap k)" "userbox run --idmap k<TAB>"
        assert_eq none "$(complete_words run --net n)" "userbox run --net n<TAB>"
        assert_eq "pasta
pasta:allow-host-loopback" "$(complete_words run --net pa)" "userbox run --net pa<TAB>"
        assert_eq unconfined "$(complete_words config --seccomp u)" "userbox config --seccomp u<TAB>"
        assert_eq fuse "$(complete_words run --device fu)" "userbox run --device fu<TAB>"
        assert_eq CHOWN,SETUID "$(complete_words run --cap-drop CHOWN,SETU)" "userbox run --cap-drop CHOWN,SETU<TAB>"
        assert_eq NOFILE= "$(complete_words run --limit NOF)" "userbox run --limit NOF<TAB>"
        # bash splits "--idmap=k" at '=': only what follows is replaced.
        assert_eq keep-id "$(complete_words run --idmap = k)" "userbox run --idmap=k<TAB>"
        assert_eq "" "$(complete_words profiles --idm)" "userbox profiles --idm<TAB>: not an option of profiles"
}

test_completion_of_profile_names_from_userbox_profiles() {
        local USERBOX_PROFILE_PATH
        USERBOX_PROFILE_PATH=$(shipped_profiles_dir)
        assert_eq debian "$(complete_words run -p deb)" "userbox run -p deb<TAB>"
        assert_eq debian "$(complete_words config --profile deb)" "userbox config --profile deb<TAB>"
        assert_eq "build
busybox" "$(complete_words run -p bu)" "userbox run -p bu<TAB>"
}

test_completion_of_paths_where_a_path_is_expected() {
        local base
        base=$(mktemp_dir)
        mkdir "$base/root-dir" "$base/layer-a" "$base/layer-b"
        touch "$base/root-file"
        assert_eq "$base/root-dir" "$(complete_words run -r "$base/root")" "-r: directories only"
        assert_eq "$base/root-dir" "$(complete_words run "$base/root")" "ROOT: directories only"
        assert_eq "$base/root-dir
$base/root-file" "$(complete_words run -b "$base/root")" "-b SRC: any path"
        # bash splits at ':' too: the second layer is completed on its own.
        assert_eq "$base/layer-b" "$(complete_words run --layers "$base/layer-a" : "$base/layer-b")" \
                "--layers A:B<TAB>"
        assert_contains "$(complete_words run "$base/root-dir" -- bas)" bash "the command after ROOT --"
}

# Generated from the option table: every option `userbox COMMAND --help`
# lists is offered, and no other.
test_completion_offers_exactly_the_options_of_each_subcommand() {
        local command expected
        for command in run config profiles unshare cp list exec stop kill logs wait rm; do
                expected=$("$USERBOX" "$command" --help | grep -oE '^ +(-[a-zA-Z], )?--[a-z-]+' |
                        sed -E 's/^ +//; s/, / /' | tr ' ' '\n' | sort -u)
                assert_eq "$expected" "$(complete_words "$command" -)" "options of $command"
        done
}

# One letter, two options: -t is run's --tty and stop's --time; names of
# containers come from `userbox list`.
test_completion_of_named_container_commands() {
        assert_eq "exec" "$(complete_words exe)" "userbox exe<TAB>"
        assert_eq "--signal" "$(complete_words kill --sig)" "userbox kill --sig<TAB>"
        assert_eq "TERM" "$(complete_words kill -s TER)" "userbox kill -s TER<TAB>"
        assert_eq "json" "$(complete_words list --format j)" "userbox list --format j<TAB>"
        assert_eq "" "$(complete_words stop -t 1)" "userbox stop -t 1<TAB>: a number, nothing offered"
        # -t takes no value on run: the word after it is the ROOT.
        local base
        base=$(mktemp_dir)
        mkdir "$base/root-dir"
        assert_eq "$base/root-dir" "$(complete_words run -t "$base/root")" "userbox run -t ROOT<TAB>"
        XDG_RUNTIME_DIR=$(mktemp_dir)
        chmod 700 "$XDG_RUNTIME_DIR"
        export XDG_RUNTIME_DIR
        assert_eq "" "$(complete_words stop "")" "userbox stop <TAB> with no container"
        # A finished detached container, as its launcher leaves it.
        mkdir -p -m 700 "$XDG_RUNTIME_DIR/userbox/containers/db"
        printf '{"launcher_pid": 1, "launcher_start_time": 1, "init_pid": 1, "init_start_time": 1, "command_pid": 1, "root": "/r", "command": ["true"], "created": 1, "detached": true, "log": "log", "status": "exited", "exit_status": 0}\n' \
                >"$XDG_RUNTIME_DIR/userbox/containers/db/state"
        assert_eq db "$(complete_words rm d)" "userbox rm d<TAB>"
        assert_eq db "$(complete_words exec -t d)" "userbox exec -t d<TAB>"
        assert_eq "" "$(complete_words exec db l)" "userbox exec db l<TAB>: a command inside, not known here"
}
