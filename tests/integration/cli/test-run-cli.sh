# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# The command line itself: help, version, and bad input. Every bad input
# gets exit 125, one precise message, and leaves nothing behind.

test_version_prints_the_version_and_exits_0() {
        assert_status 0 "$USERBOX" --version
        assert_contains "$OUT" "userbox" "--version output"
        printf '%s\n' "$OUT" | grep -qE '[0-9]+\.[0-9]+' || fail "no version number in: $OUT"
        assert_status 0 "$USERBOX" version
}

test_help_exits_0_and_names_the_subcommands() {
        assert_status 0 "$USERBOX" --help
        assert_contains "$OUT" "run" "--help"
        assert_contains "$OUT" "config" "--help"
        assert_eq "" "$ERR" "stderr of --help"
}

test_run_help_exits_0_and_names_the_options() {
        assert_status 0 "$USERBOX" run --help
        assert_contains "$OUT" "--bind" "run --help"
        assert_contains "$OUT" "--idmap" "run --help"
        assert_eq "" "$ERR" "stderr of run --help"
}

# assert_refused NEEDLE ARGS...: exit 125, exactly one line on stderr that
# contains NEEDLE, nothing on stdout, the host mount table untouched.
assert_refused() {
        local needle=$1 before
        shift
        before=$(host_mountinfo)
        run "$USERBOX" "$@"
        if [ "$STATUS" != "$EXIT_USERBOX_FAILED" ]; then
                printf 'expected status %s, got %s\n' "$EXIT_USERBOX_FAILED" "$STATUS" >&2
                _show_run "$USERBOX" "$@"
                exit 1
        fi
        assert_contains "$ERR" "$needle" "the message"
        assert_eq 1 "$(printf '%s\n' "$ERR" | wc -l)" "lines on stderr ($ERR)"
        assert_eq "" "$OUT" "stdout"
        assert_eq "$before" "$(host_mountinfo)" "host mount table"
}

test_missing_root_is_refused() {
        assert_refused /no/such/root-dir run /no/such/root-dir -- true
}

test_root_that_is_a_file_is_refused() {
        assert_refused "$TEST_ROOT/etc/passwd" run "$TEST_ROOT/etc/passwd" -- true
}

test_unknown_option_is_refused() {
        assert_refused --no-such-option run --no-such-option "$TEST_ROOT" -- true
}

test_unknown_subcommand_is_refused() {
        assert_refused no-such-subcommand no-such-subcommand
}

test_malformed_bind_is_refused() {
        local spec
        for spec in '' ':/mnt' '/etc:' '/etc:relative/path' '/etc:/mnt:no-such-flag'; do
                assert_refused "" run --bind "$spec" "$TEST_ROOT" -- true
                # The message must say which option it is about.
                case $ERR in
                *--bind* | *Bind* | *"$spec"*) ;;
                *) fail "message for --bind '$spec' names neither the option nor the value: $ERR" ;;
                esac
        done
}

test_bind_of_a_missing_source_is_refused() {
        assert_refused /no/such/source run --bind /no/such/source:/mnt "$TEST_ROOT" -- true
}

test_option_missing_its_argument_is_refused() {
        # Options come before ROOT: here --bind is the last word and lacks SRC:DST.
        assert_refused --bind run --bind
}

test_a_command_named_like_an_option_is_a_command() {
        # After "--" nothing is an option: userbox must try to run "--bind".
        run "$USERBOX" run "$TEST_ROOT" -- --bind /etc:/mnt
        assert_eq "$EXIT_NOT_FOUND" "$STATUS" "status ($ERR)"
}

test_failed_setup_leaves_no_process() {
        require_cmd pgrep
        local marker=userbox-test-bad-$$-$RANDOM
        run "$USERBOX" run --bind "/no/such/$marker:/mnt" "$TEST_ROOT" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status"
        wait_for 3 no_process_with "$marker" || fail "a process remained: $(pgrep -a -f -- "$marker")"
}

# assert_no_control_characters TEXT WHAT: a message must never carry a raw
# control byte to the terminal (ESC starts an escape sequence there).
assert_no_control_characters() {
        if printf '%s' "$1" | LC_ALL=C grep -q '[[:cntrl:]]'; then
                fail "$2 has a raw control character: $(printf '%s' "$1" | cat -v)"
        fi
}

test_long_option_given_a_value_it_does_not_take_is_named() {
        local option
        for option in no-init read-only clear-env; do
                assert_refused "userbox run: option '--$option' takes no value" \
                        run "--$option=1" "$TEST_ROOT" -- true
                assert_no_control_characters "$ERR" "the message for --$option=1"
        done
        # An abbreviation is named in full.
        assert_refused "userbox run: option '--no-init' takes no value" run --no-i=yes "$TEST_ROOT" -- true
}

test_ambiguous_option_prefix_lists_the_candidates() {
        assert_refused "userbox run: option '--ro' is ambiguous (" run --ro "$TEST_ROOT" -- true
        assert_contains "$ERR" "--ro-bind" "the candidates"
        assert_contains "$ERR" "--root" "the candidates"
        assert_not_contains "$ERR" "unknown option" "the message"
}

test_unknown_option_is_named_as_typed_and_escaped() {
        assert_refused "userbox run: unknown option '--no-such' (" run --no-such=1 "$TEST_ROOT" -- true
        assert_refused "userbox run: unknown option '-Z' (" run -Z "$TEST_ROOT" -- true
        assert_refused "userbox run: unknown option '-\\x1b' (" run $'-\e' "$TEST_ROOT" -- true
        assert_refused "unknown option '--\\x1b]0;pwned\\x07'" run $'--\e]0;pwned\a' "$TEST_ROOT" -- true
        assert_no_control_characters "$ERR" "the message"
}

test_option_missing_its_value_is_named_as_typed() {
        assert_refused "userbox run: option '--hostname' needs a value" run --hostname
        assert_refused "userbox run: option '-H' needs a value" run -vH
}

test_bad_value_message_names_the_option_as_typed() {
        assert_refused "userbox: --limit 'FOO=abc': unknown key 'FOO'" run --limit FOO=abc "$TEST_ROOT" -- true
        assert_refused "userbox: --cap-add 'FOO': unknown capability: 'FOO'" \
                run --cap-add FOO "$TEST_ROOT" -- true
        assert_refused "userbox: -H 'a b': not a valid hostname" run -H 'a b' "$TEST_ROOT" -- true
        assert_refused "userbox: --hostname 'a b': not a valid hostname" run --hostname='a b' "$TEST_ROOT" -- true
        assert_refused "userbox: -e '1X=y': not a valid variable name" run -e 1X=y "$TEST_ROOT" -- true
}

test_bad_value_with_a_control_character_is_escaped() {
        assert_refused "userbox: -H 'a\\x1b]0;pwned\\x07b': control character in value" \
                run -H $'a\e]0;pwned\ab' "$TEST_ROOT" -- true
        assert_no_control_characters "$ERR" "the message"
}

# bounding_set [OPTIONS]: the CapBnd mask of a command run with OPTIONS.
bounding_set() {
        run "$USERBOX" run "$@" "$TEST_ROOT" -- cat /proc/self/status
        [ "$STATUS" = 0 ] || { _show_run "$USERBOX" run "$@"; fail "the container did not run"; }
        printf '%s\n' "$OUT" | awk '$1 == "CapBnd:" { print $2 }'
}

# cap_bits MASK: the numbers of the capabilities set in MASK, in order.
cap_bits() {
        local b bits=
        for ((b = 0; b < 64; b++)); do
                (((0x$1 >> b) & 1)) && bits+=" $b"
        done
        echo "${bits# }"
}

# CHOWN 0, KILL 5, NET_RAW 13, SYS_PTRACE 19: the default set is
# 0 1 3 4 5 6 7 8 10 18 31.
test_capability_lists_take_commas() {
        assert_eq "0 1 3 4 5 6 7 8 10 13 18 19 31" "$(cap_bits "$(bounding_set --cap-add NET_RAW,CAP_SYS_PTRACE)")" \
                "--cap-add NET_RAW,CAP_SYS_PTRACE"
        assert_eq "1 3 4 6 7 8 10 18 31" "$(cap_bits "$(bounding_set --cap-drop CHOWN,KILL)")" \
                "--cap-drop CHOWN,KILL"
        local dir
        dir=$(mktemp_dir)
        printf '[Security]\nCapabilityDrop=all\nCapabilityAdd=CHOWN, KILL,NET_RAW\n' >"$dir/caps.ini"
        chmod 644 "$dir/caps.ini"
        assert_eq "0 5 13" "$(cap_bits "$(bounding_set --no-default-profile -p "$dir/caps.ini")")" \
                "CapabilityAdd=CHOWN, KILL,NET_RAW"
}

# What userbox(1) says: for each capability the later setting wins.
test_later_capability_setting_wins() {
        assert_eq "0 1 3 4 5 6 7 8 10 18 31" \
                "$(cap_bits "$(bounding_set --cap-add NET_RAW --cap-drop NET_RAW)")" "add, then drop NET_RAW"
        assert_eq "0 1 3 4 5 6 7 8 10 13 18 31" \
                "$(cap_bits "$(bounding_set --cap-drop NET_RAW --cap-add NET_RAW)")" "drop, then add NET_RAW"
        assert_eq "0" "$(cap_bits "$(bounding_set --cap-drop all --cap-add CHOWN)")" "drop all, then add CHOWN"
        assert_eq "" "$(cap_bits "$(bounding_set --cap-add CHOWN --cap-drop all)")" "add CHOWN, then drop all"
}

# config checks what run would before it prints anything: the one error
# (assert_refused also wants an empty standard output).
test_config_of_a_missing_root_prints_only_the_error() {
        assert_refused "root '/no/such/root-dir'" config /no/such/root-dir
}

test_config_with_a_missing_bind_source_prints_only_the_error() {
        assert_refused /no/such/source config --bind /no/such/source:/mnt "$TEST_ROOT"
}

# A name found on disk (here the target of a symlinked bind source) may
# hold control characters: userbox writes them as \xNN, never raw.
test_control_characters_in_printed_paths_are_escaped() {
        local base dir
        base=$(mktemp_dir)
        dir="$base/esc"$'\033'"]0;title"$'\007'
        mkdir "$dir"
        ln -s "$dir" "$base/link"
        run "$USERBOX" run -v --bind "$base/link:/mnt/x" "$TEST_ROOT" -- true
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_contains "$ERR" "resolves to '$base/esc\\x1b]0;title\\x07'" "the resolved path, escaped"
        case $ERR in *$'\033'* | *$'\007'*) fail "a raw control character reached the terminal" ;; esac
        return 0
}

test_help_and_version_refuse_what_they_do_not_take() {
        assert_refused "unknown command 'nosuch'" help nosuch
        assert_refused "unexpected argument 'extra'" help run extra
        assert_refused "unexpected argument 'extra'" version extra
        assert_status 0 "$USERBOX" help run
        assert_contains "$OUT" "--bind" "help run"
}

# After -r every word is the command: none is taken for a second root
# (the root's name is its hostname).
test_root_option_leaves_every_word_to_the_command() {
        run "$USERBOX" run -r "$TEST_ROOT" hostname
        assert_eq 0 "$STATUS" "status of run -r ROOT hostname ($ERR)"
        assert_eq "$(basename "$TEST_ROOT")" "$OUT" "run -r ROOT hostname"
        run "$USERBOX" run --root "$TEST_ROOT" sh -c 'echo hi; echo "$0"' zero
        assert_eq 0 "$STATUS" "status of run --root ROOT sh -c ... ($ERR)"
        assert_eq "hi
zero" "$OUT" "run --root ROOT sh -c 'echo hi; echo \$0' zero"
        run "$USERBOX" run --root="$TEST_ROOT" -- sh -c 'echo hi'
        assert_eq hi "$OUT" "run --root=ROOT -- sh -c 'echo hi' ($ERR)"
        # A "--" after the command's first word is the command's own.
        run "$USERBOX" run -r "$TEST_ROOT" echo -- x
        assert_eq "-- x" "$OUT" "run -r ROOT echo -- x ($ERR)"
}

test_root_given_both_ways_is_refused_naming_both() {
        local other
        other=$(mktemp_dir)
        assert_refused "userbox run: two roots, -r '$TEST_ROOT' and ROOT '$other' (after -r, every word is the command)" \
                run -r "$TEST_ROOT" "$other" -- true
        assert_refused "userbox config: two roots, --root '$TEST_ROOT' and ROOT '$other'" \
                config --root "$TEST_ROOT" "$other"
}

# -v: the last line gives the exit status and the total time, whether the
# command ran or userbox failed.
test_verbose_ends_with_the_exit_status_and_the_total_time() {
        run "$USERBOX" run -v "$TEST_ROOT" -- sh -c 'exit 3'
        assert_eq 3 "$STATUS" "status ($ERR)"
        printf '%s\n' "$ERR" | tail -n 1 | grep -Eq '^userbox: \[ *[0-9.]+ ms\] exit status 3, total time [0-9]+\.[0-9]{3} ms$' ||
                fail "the last line of -v is not the exit status and total time: $(printf '%s\n' "$ERR" | tail -n 1)"
        run "$USERBOX" run -v /no/such/root-dir -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status of a missing root"
        printf '%s\n' "$ERR" | tail -n 1 | grep -Eq "exit status $EXIT_USERBOX_FAILED, total time [0-9.]+ ms\$" ||
                fail "the last line of -v is not the exit status and total time: $(printf '%s\n' "$ERR" | tail -n 1)"
}
