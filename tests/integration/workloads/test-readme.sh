# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# README.md's way to a Debian root, run as written and as a user would: a
# home of its own, and on the PATH the `userbox` of the build directory,
# which reads the tree's conf/debian.ini. Slow (debootstrap, network):
# USERBOX_TESTS_QUICK=1 skips it.

# shellcheck source-path=SCRIPTDIR source=debian-root.sh
source "$(dirname "${BASH_SOURCE[0]}")/debian-root.sh"

test_readme_commands_make_a_debian_root_and_a_shell_in_it() {
        slow
        require_subid
        [ -n "$(_debootstrap_path)" ] || skip "machine: debootstrap is not installed"
        require_cmd script
        require_debian_mirror
        local home commands line out n=0
        home=$(mktemp_dir)
        chmod 755 "$home"
        mapfile -t commands < <(readme_block "A Debian root")
        [ "${#commands[@]}" -ge 3 ] || fail "no commands in README.md's 'A Debian root'"
        for line in "${commands[@]}"; do
                n=$((n + 1))
                # The mirror this machine reaches, where the README has none.
                case $line in *"debootstrap --foreign"*) line="$line $(debian_mirror)" ;; esac
                case $line in
                *" -t "*)
                        # A shell on a terminal: what it says, and its status.
                        run env -u USERBOX_PROFILE_PATH -u XDG_CONFIG_HOME HOME="$home" \
                                PATH="$(dirname "$USERBOX"):$PATH" script -qec "$line" /dev/null \
                                <<<'cat /etc/debian_version; hostname; exit 7'
                        assert_eq 7 "$STATUS" "$line ($OUT)"
                        # bash's prompt and terminal modes away, lines whole.
                        out=$(sed -e 's/\x1b\[[?0-9;]*[a-zA-Z]//g' -e 's/\r//g' <<<"$OUT")
                        grep -qx '12\.[0-9]*' <<<"$out" || fail "$line: no Debian 12 version in: $out"
                        grep -qx 'debian' <<<"$out" || fail "$line: no hostname 'debian' in: $out"
                        ;;
                *)
                        run env -u USERBOX_PROFILE_PATH -u XDG_CONFIG_HOME HOME="$home" \
                                PATH="$(dirname "$USERBOX"):$PATH" bash -c "$line"
                        [ "$STATUS" = 0 ] || { _show_run "$line"; fail "README command $n failed"; }
                        ;;
                esac
        done
}
