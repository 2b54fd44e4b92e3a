# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Where userbox finds its shipped profiles: installed into a prefix of the
# user's own (no root: what HPC users without sudo do), and run from the
# build directory without any install (the README's quick start).

# shellcheck source-path=SCRIPTDIR source=../prefix-install.sh
source "$(dirname "${BASH_SOURCE[0]}")/../prefix-install.sh"

# The search path a user has: no USERBOX_PROFILE_PATH, and an empty
# ~/.config/userbox of its own.
as_a_user() {
        local config
        config=$(mktemp_dir)
        env -u USERBOX_PROFILE_PATH XDG_CONFIG_HOME="$config" "$@"
}

test_install_into_a_prefix_of_the_users_own_runs_with_its_profiles() {
        local prefix shipped
        prefix=$(prefix_install)
        shipped=$prefix/share/userbox/profiles
        [ -O "$shipped/debian.ini" ] || fail "$shipped/debian.ini is not the user's own"

        run as_a_user "$prefix/bin/userbox" run -- sh -c 'echo ran'
        assert_eq 0 "$STATUS" "run (default.ini from $shipped) ($ERR)"
        assert_eq "ran" "$OUT"

        run as_a_user "$prefix/bin/userbox" profiles
        assert_eq 0 "$STATUS" "profiles ($ERR)"
        assert_not_contains "$OUT" "unusable" "profiles"
        assert_contains "$OUT" "$shipped/debian.ini  Debian"
        assert_contains "$OUT" "  $prefix/etc/userbox  (missing)"
        assert_eq "  $shipped" "$(tail -n 1 <<<"$OUT")" "the last directory searched"

        # debian.ini gives a root that is not there: the root is given here.
        run as_a_user "$prefix/bin/userbox" config -p debian "$TEST_ROOT"
        assert_eq 0 "$STATUS" "config -p debian ($ERR)"
        assert_contains "$OUT" "; from $shipped/debian.ini:"
}

# userbox-subid comes from the prefix's libexec: nothing is beside the
# installed userbox.
test_install_into_a_prefix_of_the_users_own_maps_the_subordinate_ranges() {
        require_subid
        local prefix
        prefix=$(prefix_install)
        [ ! -e "$prefix/bin/userbox-subid" ] || fail "userbox-subid installed beside userbox"
        run as_a_user "$prefix/bin/userbox" run --idmap subid -- cat /proc/self/uid_map
        assert_eq 0 "$STATUS" "run --idmap subid ($ERR)"
        assert_contains "$OUT" "$(subid_ranges uid | head -n 1 | awk '{ print $1 }')"
}

# The directory the build tree's binary was built for, as it compares it:
# symlinks resolved.
physical_srcdir() { (cd "${SRCDIR:?}" && pwd -P); }

test_build_tree_binary_uses_the_source_tree_profiles() {
        local conf
        conf=$(physical_srcdir)/conf
        run as_a_user "$USERBOX" profiles
        assert_eq 0 "$STATUS" "profiles ($ERR)"
        assert_contains "$OUT" "$conf/debian.ini"
        assert_contains "$OUT" "  $conf  (the source tree's: this userbox runs from its build directory)"
        # Found, whatever the checkout's modes make of it (the file checks
        # are test-profile-trust.sh's).
        run as_a_user "$USERBOX" config -p debian "$TEST_ROOT"
        assert_contains "$OUT$ERR" "$conf/debian.ini"
        assert_not_contains "$ERR" "not found"
}

test_a_copied_binary_counts_as_installed() {
        local dir
        dir=$(mktemp_dir)
        cp "$USERBOX" "$dir/userbox"
        run as_a_user "$dir/userbox" profiles
        assert_eq 0 "$STATUS" "profiles ($ERR)"
        assert_not_contains "$OUT" "$(physical_srcdir)/conf"
        assert_not_contains "$OUT" "the source tree's"
}

test_profiles_prints_the_directories_it_searched() {
        local a b config
        a=$(mktemp_dir)/none
        b=$(mktemp_dir)
        chmod 755 "$b"
        run env USERBOX_PROFILE_PATH="$a:$b" "$USERBOX" profiles
        assert_eq 0 "$STATUS" "profiles ($ERR)"
        assert_eq "no profiles found

searched (USERBOX_PROFILE_PATH):
  $a  (missing)
  $b" "$OUT"

        printf '[Profile]\nDescription=one\n' >"$b/one.ini"
        chmod 644 "$b/one.ini"
        run env USERBOX_PROFILE_PATH="$a:$b" "$USERBOX" profiles
        assert_eq "one            $b/one.ini  one

searched (USERBOX_PROFILE_PATH):
  $a  (missing)
  $b" "$OUT"

        config=$(mktemp_dir)
        run env -u USERBOX_PROFILE_PATH XDG_CONFIG_HOME="$config" "$USERBOX" profiles
        assert_contains "$OUT" "searched, in order:
  $config/userbox  (missing)"
}

# userbox-subid beside a copy of userbox runs as the user: one that others
# may have written (here: anyone may write it) is not run, and says so.
test_helper_beside_the_binary_that_others_may_write_is_not_run() {
        require_subid
        local dir
        dir=$(mktemp_dir)
        cp "$USERBOX" "$dir/userbox" || fail "copy userbox"
        printf '#!/bin/sh\ntouch %s/planted-ran\nexit 1\n' "$dir" >"$dir/userbox-subid"
        chmod 777 "$dir/userbox-subid"
        run env XDG_CACHE_HOME="$dir/cache" "$dir/userbox" run --no-default-profile --idmap auto -- true
        [ -e "$dir/planted-ran" ] && fail "a userbox-subid anyone may write was run"
        assert_contains "$ERR" "ignoring $dir/userbox-subid: writable by group or others" "the warning"
}
