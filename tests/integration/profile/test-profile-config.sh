# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Profiles end to end: the shipped ones load, `userbox config` prints a
# profile that loads back to the same settings, `userbox profiles` shows
# shadowing, and a per-user profile drives a real container that the
# command line can override.

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

# Debian roots have C.UTF-8 and whatever locales were generated in them:
# the host's LANG would make perl (apt, dpkg) warn on every run.
test_debian_profile_sets_a_locale_every_debian_root_has() {
        local dir user
        dir=$(shipped_profiles_dir)
        # shellcheck disable=SC2016 # expanded inside the container
        LANG=xx_YY.UTF-8 USERBOX_PROFILE_PATH=$dir run "$USERBOX" run -p debian --idmap single --overlay \
                "$TEST_ROOT" -- sh -c 'echo "$LANG"'
        assert_eq 0 "$STATUS" "run -p debian ($ERR)"
        assert_eq C.UTF-8 "$OUT" "LANG inside"
        # A profile of the user's that keeps LANG gets the host's.
        user=$(mktemp_dir)
        chmod 755 "$user"
        printf '[Profile]\nInclude=debian\n[Environment]\nKeep=LANG\n' >"$user/mine.ini"
        chmod 644 "$user/mine.ini"
        # shellcheck disable=SC2016 # expanded inside the container
        LANG=xx_YY.UTF-8 USERBOX_PROFILE_PATH=$user:$dir run "$USERBOX" run -p mine --idmap single --overlay \
                "$TEST_ROOT" -- sh -c 'echo "$LANG"'
        assert_eq 0 "$STATUS" "run -p mine ($ERR)"
        assert_eq xx_YY.UTF-8 "$OUT" "LANG inside with Keep=LANG"
}

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
        XDG_CONFIG_HOME=$CONFIG_HOME run env -u USERBOX_PROFILE_PATH "$USERBOX" run -p dev -- \
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
        XDG_CONFIG_HOME=$CONFIG_HOME run env -u USERBOX_PROFILE_PATH "$USERBOX" run -p dev -H clibox -w / -e GREETING=cli -- \
                /bin/sh -c 'hostname; pwd; echo "$GREETING"'
        assert_eq 0 "$STATUS" "run -p dev with options ($ERR)"
        assert_eq "clibox
/
cli" "$OUT"
}

# Two files (one included) and the command line add to the same list keys:
# `userbox config` names the file and line, or the command line, of each
# value, and what it prints still loads back to the same settings.
origins_profiles_setup() {
        ORIGINS_DIR=$(mktemp_dir)
        chmod 755 "$ORIGINS_DIR"
        cat >"$ORIGINS_DIR/base.ini" <<INI
[Environment]
Keep=LANG TERM
EDITOR=vi
PAGER=less

[Security]
CapabilityAdd=NET_ADMIN SYS_PTRACE
SeccompDeny=keyctl add_key
INI
        cat >"$ORIGINS_DIR/top.ini" <<INI
[Profile]
Include=base

[Environment]
Keep=LC_ALL
EDITOR=vim

[Security]
CapabilityDrop=SYS_PTRACE
SeccompAllow=keyctl
INI
        chmod 644 "$ORIGINS_DIR"/*.ini
}

test_config_names_the_origin_of_each_list_value() {
        local dir first out
        origins_profiles_setup
        dir=$ORIGINS_DIR
        USERBOX_PROFILE_PATH=$dir run "$USERBOX" config -p top --keep-env DISPLAY -e PAGER=more \
                --cap-add CHOWN "$TEST_ROOT"
        assert_eq 0 "$STATUS" "config -p top ($ERR)"
        first=$OUT
        assert_not_contains "$first" "last added"
        assert_contains "$first" "; from $dir/base.ini:2
Keep=LANG TERM
; from $dir/top.ini:5
Keep=LC_ALL
; from command line
Keep=DISPLAY" "Keep= origins"
        # Set twice: the last value and its origin win, the place stays.
        assert_contains "$first" "; from $dir/top.ini:6
EDITOR=vim
; from command line
PAGER=more" "variable origins"
        # SYS_PTRACE added by base.ini, then dropped by top.ini.
        assert_contains "$first" "; from $dir/top.ini:9
CapabilityDrop=SYS_PTRACE
; from command line
CapabilityAdd=CHOWN
; from $dir/base.ini:7
CapabilityAdd=NET_ADMIN" "capability origins"
        # keyctl moved from base.ini's deny list to top.ini's allow list.
        assert_contains "$first" "; from $dir/base.ini:8
SeccompDeny=add_key
; from $dir/top.ini:10
SeccompAllow=keyctl" "system call origins"

        out=$(mktemp_dir)
        printf '%s\n' "$first" >"$out/y.ini"
        chmod 644 "$out/y.ini"
        USERBOX_PROFILE_PATH=$dir run "$USERBOX" config -p "$out/y.ini" "$TEST_ROOT"
        assert_eq 0 "$STATUS" "config -p y.ini ($ERR)"
        assert_eq "$(settings_of "$first")" "$(settings_of "$OUT")" "settings"
        assert_contains "$OUT" "; from $out/y.ini:"
}

test_config_names_the_origin_of_each_id_range() {
        local dir first out start count gstart gcount uid gid
        require_subid
        read -r start count < <(subid_ranges uid | head -n1)
        uid=$(id -u)
        gid=$(id -g)
        dir=$(mktemp_dir)
        chmod 755 "$dir"
        printf '[IDMap]\nMode=subid\nUID=0:%s:1\nGID=0:%s:1\n' "$uid" "$gid" >"$dir/base.ini"
        printf '[Profile]\nInclude=base\n[IDMap]\nUID=0:%s:1\n' "$uid" >"$dir/top.ini"
        chmod 644 "$dir"/*.ini
        read -r gstart gcount < <(subid_ranges gid | head -n1)
        USERBOX_PROFILE_PATH=$dir run "$USERBOX" config -p top --uidmap "1:$start:$count" \
                --gidmap "1:$gstart:$gcount" "$TEST_ROOT"
        assert_eq 0 "$STATUS" "config -p top ($ERR)"
        first=$OUT
        # The range top.ini repeats stays from base.ini, where it came first.
        assert_contains "$first" "; from $dir/base.ini:3
UID=0:$uid:1
; from command line
UID=1:$start:$count
; from $dir/base.ini:4
GID=0:$gid:1
; from command line
GID=1:$gstart:$gcount" "id range origins"
        out=$(mktemp_dir)
        printf '%s\n' "$first" >"$out/y.ini"
        chmod 644 "$out/y.ini"
        USERBOX_PROFILE_PATH=$dir run "$USERBOX" config -p "$out/y.ini" "$TEST_ROOT"
        assert_eq 0 "$STATUS" "config -p y.ini ($ERR)"
        assert_eq "$(settings_of "$first")" "$(settings_of "$OUT")" "settings"
}

# sa/x.ini says Include=x: "the next x.ini on the path", sb/x.ini, even
# when sa/x.ini was named by another spelling (./x.ini, from inside sa,
# with a relative search path): the same file is the same inode.
test_include_of_its_own_name_takes_the_next_one_whatever_the_spelling() {
        local dir
        dir=$(mktemp_dir)
        mkdir "$dir/sa" "$dir/sb"
        printf '[Profile]\nInclude=x\n[Container]\nHostname=from-sa\n' >"$dir/sa/x.ini"
        printf '[Container]\nHostname=from-sb\nUser=1000\n' >"$dir/sb/x.ini"
        chmod 644 "$dir"/s?/x.ini
        chmod 755 "$dir" "$dir/sa" "$dir/sb"
        cd "$dir/sa" || fail "cd $dir/sa"
        # The search path is relative to the working directory: ../sa, ../sb.
        USERBOX_PROFILE_PATH=../sa:../sb run "$USERBOX" config --no-default-profile -p ./x.ini "$TEST_ROOT"
        assert_eq 0 "$STATUS" "config -p ./x.ini from inside sa ($ERR)"
        assert_eq "Hostname=from-sa
User=1000" "$(settings_of "$OUT" | grep -E '^(Hostname|User)=')" "the settings"
        cd "$dir" || fail "cd $dir"
        USERBOX_PROFILE_PATH=sa:sb run "$USERBOX" config --no-default-profile -p sa/x.ini "$TEST_ROOT"
        assert_eq 0 "$STATUS" "config -p sa/x.ini ($ERR)"
        assert_contains "$OUT" "User=1000" "config -p sa/x.ini"
}

# make_include_chain DIR PREFIX N: PREFIX1.ini includes PREFIX2 ... up to
# PREFIXN.ini, which sets the hostname "deepest".
make_include_chain() {
        local i
        for ((i = 1; i < $3; i++)); do
                printf '[Profile]\nInclude=%s%d\n' "$2" $((i + 1)) >"$1/$2$i.ini"
        done
        printf '[Container]\nHostname=deepest\n' >"$1/$2$3.ini"
        chmod 644 "$1"/"$2"*.ini
}

test_include_chain_limit_is_the_one_userbox_ini_5_gives() {
        local max dir
        max=$(sed -n 's/^A chain of includes holds at most \([0-9]*\) files$/\1/p' "${SRCDIR:?}/man/userbox.ini.5.in")
        [ -n "$max" ] || fail "userbox.ini.5 gives no limit ('A chain of includes holds at most N files')"
        dir=$(mktemp_dir)
        chmod 755 "$dir"
        make_include_chain "$dir" a "$max"
        make_include_chain "$dir" b $((max + 1))
        USERBOX_PROFILE_PATH=$dir run "$USERBOX" config --no-default-profile -p a1 "$TEST_ROOT"
        assert_eq 0 "$STATUS" "a chain of $max files ($ERR)"
        assert_contains "$OUT" "Hostname=deepest" "a chain of $max files"
        USERBOX_PROFILE_PATH=$dir run "$USERBOX" config --no-default-profile -p b1 "$TEST_ROOT"
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "a chain of $((max + 1)) files"
        assert_eq "userbox: $dir/b$max.ini:2: [Profile] Include: includes nested deeper than $max files" "$ERR"
}
