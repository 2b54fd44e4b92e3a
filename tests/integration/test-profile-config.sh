# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Profiles end to end: the shipped ones load, `userbox config` prints a
# profile that loads back to the same settings, `userbox profiles` shows
# shadowing, and a per-user profile drives a real container that the
# command line can override.

# A search path holding the shipped profiles with safe modes.
shipped_profiles_dir() {
        local dir
        dir=$(mktemp_dir)
        chmod 755 "$dir"
        cp "${SRCDIR:?}"/conf/*.ini "$dir"/
        chmod 644 "$dir"/*.ini
        echo "$dir"
}

# The settings of `userbox config` output: no comments, no blank lines.
settings_of() { grep -v -e '^[;#]' -e '^$' <<<"$1"; }

check_shipped_profile_loads() { # NAME
        local dir
        dir=$(shipped_profiles_dir)
        USERBOX_PROFILE_PATH=$dir run "$USERBOX" config -p "$1" "$TEST_ROOT"
        [ "$STATUS" = 0 ] || { _show_run config -p "$1"; fail "profile $1 does not load"; }
        assert_contains "$OUT" "[Container]"
}

test_shipped_default_profile_loads() { check_shipped_profile_loads default; }
test_shipped_host_profile_loads() { check_shipped_profile_loads host; }
test_shipped_busybox_profile_loads() { check_shipped_profile_loads busybox; }
test_shipped_debian_profile_loads() { check_shipped_profile_loads debian; }
test_shipped_build_profile_loads() { check_shipped_profile_loads build; }

test_config_output_loads_back_to_the_same_settings() {
        local dir out first
        dir=$(shipped_profiles_dir)
        out=$(mktemp_dir)
        USERBOX_PROFILE_PATH=$dir run "$USERBOX" config -p debian -H box -e FOO=bar -b /etc:/mnt/etc:ro "$TEST_ROOT"
        assert_eq 0 "$STATUS" "config -p debian ($ERR)"
        first=$OUT
        printf '%s\n' "$first" >"$out/y.ini"
        chmod 644 "$out/y.ini"
        USERBOX_PROFILE_PATH=$dir run "$USERBOX" config -p "$out/y.ini"
        assert_eq 0 "$STATUS" "config -p y.ini ($ERR)"
        assert_eq "$(settings_of "$first")" "$(settings_of "$OUT")" "settings"
        assert_contains "$first" "; from command line
Hostname=box"
        assert_contains "$first" "; from $dir/debian.ini:"
}

test_profiles_lists_descriptions_and_shadowing() {
        local dir user
        dir=$(shipped_profiles_dir)
        user=$(mktemp_dir)
        chmod 755 "$user"
        printf '[Profile]\nInclude=debian\nDescription=my debian\n' >"$user/debian.ini"
        chmod 644 "$user/debian.ini"
        USERBOX_PROFILE_PATH=$user:$dir run "$USERBOX" profiles
        assert_eq 0 "$STATUS" "profiles ($ERR)"
        assert_contains "$OUT" "$user/debian.ini  my debian"
        assert_contains "$OUT" "$dir/debian.ini  Debian"
        assert_contains "$OUT" "(shadowed by $user/debian.ini)"
        assert_contains "$OUT" "$dir/build.ini"
}

# A profile in a temporary XDG_CONFIG_HOME: root, bind, environment,
# hostname and working directory, checked from inside the container.
user_profile_setup() {
        CONFIG_HOME=$(mktemp_dir)
        SHARED=$(mktemp_dir)
        chmod 755 "$CONFIG_HOME" "$SHARED"
        mkdir -m 755 "$CONFIG_HOME/userbox"
        echo from-the-host >"$SHARED/file"
        chmod 644 "$SHARED/file"
        cat >"$CONFIG_HOME/userbox/dev.ini" <<INI
[Profile]
Description=integration test profile

[Container]
Root=$TEST_ROOT
Hostname=devbox
WorkingDirectory=/mnt/shared

[Mounts]
BindReadOnly=$SHARED:/mnt/shared

[Environment]
GREETING=hello from the profile
INI
        chmod 644 "$CONFIG_HOME/userbox/dev.ini"
}

test_user_profile_drives_a_container() {
        user_profile_setup
        # shellcheck disable=SC2016 # expanded inside the container
        XDG_CONFIG_HOME=$CONFIG_HOME run "$USERBOX" run -p dev -- \
                /bin/sh -c 'hostname; pwd; echo "$GREETING"; cat file'
        assert_eq 0 "$STATUS" "run -p dev ($ERR)"
        assert_eq "devbox
/mnt/shared
hello from the profile
from-the-host" "$OUT"
}

test_command_line_overrides_the_user_profile() {
        user_profile_setup
        # shellcheck disable=SC2016 # expanded inside the container
        XDG_CONFIG_HOME=$CONFIG_HOME run "$USERBOX" run -p dev -H clibox -w / -e GREETING=cli -- \
                /bin/sh -c 'hostname; pwd; echo "$GREETING"'
        assert_eq 0 "$STATUS" "run -p dev with options ($ERR)"
        assert_eq "clibox
/
cli" "$OUT"
}
