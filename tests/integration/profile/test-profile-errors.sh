# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Every malformed profile of tests/data/profiles/bad/ fails `userbox config`
# with exit 125 and exactly the message in its .expected file (@DIR@ stands
# for the directory), before anything is started. One test per profile.

BAD_PROFILES_DIR=${SRCDIR:?}/tests/data/profiles/bad

# The corpus copied with safe modes (a checkout may be group-writable, which
# the file checks refuse) into a directory that is also the search path.
bad_profile_copy() {
        local dir
        dir=$(mktemp_dir)
        cp "$BAD_PROFILES_DIR"/*.ini "$dir"/
        chmod 644 "$dir"/*.ini
        chmod 755 "$dir"
        echo "$dir"
}

check_bad_profile() { # NAME
        local dir expected
        dir=$(bad_profile_copy)
        expected=$(sed "s|@DIR@|$dir|g" "$BAD_PROFILES_DIR/$1.expected")
        USERBOX_PROFILE_PATH=$dir run "$USERBOX" config --no-default-profile -p "$dir/$1.ini"
        [ "$STATUS" = "$EXIT_USERBOX_FAILED" ] || {
                _show_run "$USERBOX" config --no-default-profile -p "$dir/$1.ini"
                fail "expected exit $EXIT_USERBOX_FAILED"
        }
        assert_eq "$expected" "$ERR" "stderr"
        assert_eq "" "$OUT" "stdout"
}

# Without a program per profile: this runs each time a case sources the file.
for _f in "$BAD_PROFILES_DIR"/*.ini; do
        _n=${_f##*/}
        _n=${_n%.ini}
        eval "test_bad_profile_${_n//[^A-Za-z0-9_]/_}() { check_bad_profile '$_n'; }"
done
unset _f _n

test_bad_profile_corpus_has_at_least_40_cases() {
        local n
        n=$(find "$BAD_PROFILES_DIR" -name '*.expected' | wc -l)
        [ "$n" -ge 40 ] || fail "only $n malformed profiles"
}

# Made at run time: git keeps no group-write bit, no FIFO, no owner.
unsafe_profile_dir() {
        local dir
        dir=$(mktemp_dir)
        chmod 755 "$dir"
        printf '[Container]\nHostname=x\n' >"$dir/ok.ini"
        chmod 644 "$dir/ok.ini"
        echo "$dir"
}

test_profile_writable_by_others_is_refused() {
        local dir
        dir=$(unsafe_profile_dir)
        cp "$dir/ok.ini" "$dir/ow.ini"
        chmod 646 "$dir/ow.ini"
        assert_status "$EXIT_USERBOX_FAILED" "$USERBOX" config --no-default-profile -p "$dir/ow.ini"
        assert_eq "userbox: $dir/ow.ini: writable by group or others, refusing it (chmod go-w)" "$ERR"
}

test_fifo_profile_is_refused_without_hanging() {
        local dir
        dir=$(unsafe_profile_dir)
        mkfifo "$dir/fifo.ini"
        assert_status "$EXIT_USERBOX_FAILED" timeout 10 "$USERBOX" config --no-default-profile -p "$dir/fifo.ini"
        assert_eq "userbox: $dir/fifo.ini: not a regular file" "$ERR"
}

test_symlinked_profile_is_refused() {
        local dir
        dir=$(unsafe_profile_dir)
        ln -s ok.ini "$dir/link.ini"
        assert_status "$EXIT_USERBOX_FAILED" "$USERBOX" config --no-default-profile -p "$dir/link.ini"
        assert_eq "userbox: $dir/link.ini: is a symbolic link, refusing it" "$ERR"
}

test_missing_profile_lists_where_it_looked() {
        local dir
        dir=$(unsafe_profile_dir)
        USERBOX_PROFILE_PATH=$dir:$dir/sub run "$USERBOX" config --no-default-profile -p nosuch
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status"
        assert_eq "userbox: profile 'nosuch' not found (looked for $dir/nosuch.ini, $dir/sub/nosuch.ini)" "$ERR"
}

test_bad_profile_starts_nothing() {
        local dir
        dir=$(bad_profile_copy)
        # A bad key after the command: the container must never start.
        printf '[Container]\nCommand=/bin/touch /tmp/started\nHostnme=x\n' >"$dir/late.ini"
        chmod 644 "$dir/late.ini"
        assert_status "$EXIT_USERBOX_FAILED" "$USERBOX" run --no-default-profile -p "$dir/late.ini" "$TEST_ROOT"
        assert_eq "userbox: $dir/late.ini:3: [Container] Hostnme: unknown key, did you mean 'Hostname'?" "$ERR"
}

# assert_profile_refused TEXT MESSAGE: a profile made of TEXT (a printf
# format) fails `userbox config` with exit 125, nothing on standard output,
# and "userbox: FILE:MESSAGE" on standard error.
assert_profile_refused() {
        local dir
        dir=$(unsafe_profile_dir)
        # shellcheck disable=SC2059
        printf "$1" >"$dir/p.ini"
        chmod 644 "$dir/p.ini"
        assert_status "$EXIT_USERBOX_FAILED" "$USERBOX" config --no-default-profile -p "$dir/p.ini"
        assert_eq "userbox: $dir/p.ini:$2" "$ERR"
        assert_eq "" "$OUT" "stdout"
}

# A profile that would retitle the terminal ("ESC ] 0 ; TEXT BEL") if its
# key were echoed: refused with FILE:LINE and the key escaped.
test_control_character_in_a_key_is_refused_and_escaped() {
        assert_profile_refused '[Container]\nFoo\033]0;pwned\007=x\n' \
                "2: control character in key: 'Foo\\x1b]0;pwned\\x07'"
}

test_control_character_in_a_section_name_is_refused_and_escaped() {
        assert_profile_refused '[Con\033[2Jtainer]\nHostname=x\n' \
                "1: control character in section name: '[Con\\x1b[2Jtainer]'"
}

test_control_character_in_a_profile_name_is_escaped() {
        local dir
        dir=$(unsafe_profile_dir)
        USERBOX_PROFILE_PATH=$dir run "$USERBOX" config --no-default-profile -p $'no\033]0;pwned\007such'
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status"
        assert_eq "userbox: profile 'no\\x1b]0;pwned\\x07such' not found (looked for $dir/no\\x1b]0;pwned\\x07such.ini)" "$ERR"
}
