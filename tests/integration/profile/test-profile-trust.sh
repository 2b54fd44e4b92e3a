# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Who may have written a profile (userbox.ini(5), FILE CHECKS): its owner
# and the owners of the directories above it, but a group only when it is
# the user's own private group, as a checkout or an install made under
# umask 002 has them.

# The user's primary group is a private group: named like the user, nobody
# else's primary group, no member listed (the files userbox reads).
require_private_group() {
        local user gid
        user=$(id -un)
        gid=$(id -g)
        awk -F: -v u="$user" -v g="$gid" '
                $3 == g { if ($1 == u && ($4 == "" || $4 == u)) found = 1; else other = 1 }
                END { exit !(found && !other) }' /etc/group &&
                [ "$(awk -F: -v g="$gid" '$4 == g { print $1 }' /etc/passwd)" = "$user" ] ||
                skip "machine: the primary group of $user, $(id -gn), is not a private group in /etc/group"
}

# A directory DIR/a/b holding NAME.ini; modes applied after.
profile_in_nested_dirs() { # NAME
        local dir
        dir=$(mktemp_dir)
        chmod 755 "$dir"
        mkdir -p -m 755 "$dir/a/b"
        printf '[Container]\nHostname=%s\n' "$1" >"$dir/a/b/$1.ini"
        chmod 644 "$dir/a/b/$1.ini"
        echo "$dir"
}

# The shipped profiles as a checkout made under umask 002 has them.
test_shipped_profiles_group_writable_by_the_private_group_load() {
        require_private_group
        local dir name
        dir=$(mktemp_dir)
        mkdir -p "$dir/checkout/conf"
        cp "${SRCDIR:?}"/conf/*.ini "$dir/checkout/conf/"
        chmod 775 "$dir" "$dir/checkout" "$dir/checkout/conf"
        chmod 664 "$dir"/checkout/conf/*.ini
        for name in default host busybox debian build; do
                run "$USERBOX" config --no-default-profile -p "$dir/checkout/conf/$name.ini" "$TEST_ROOT"
                assert_eq 0 "$STATUS" "config -p $name.ini, group-writable ($ERR)"
        done
        run env USERBOX_PROFILE_PATH="$dir/checkout/conf" "$USERBOX" profiles
        assert_not_contains "$OUT" "unusable" "profiles"
}

test_profile_in_a_directory_others_may_write_is_refused() {
        local dir
        dir=$(profile_in_nested_dirs x)
        chmod 777 "$dir/a"
        assert_status "$EXIT_USERBOX_FAILED" "$USERBOX" config --no-default-profile -p "$dir/a/b/x.ini"
        assert_eq "userbox: $dir/a/b/x.ini: in $dir/a, writable by group or others, refusing it (chmod go-w $dir/a)" "$ERR"
        # With the sticky bit, as /tmp: nobody else may rename or remove b.
        chmod 1777 "$dir/a"
        assert_status 0 "$USERBOX" config --no-default-profile -p "$dir/a/b/x.ini"
}

test_profile_in_a_directory_writable_by_another_group_is_refused() {
        local dir other
        # A group of the user's other than the primary one, if any.
        other=$(id -G | tr ' ' '\n' | grep -vx "$(id -g)" | head -n 1)
        [ -n "$other" ] || skip "machine: $(id -un) is in no group but $(id -gn)"
        dir=$(profile_in_nested_dirs x)
        chgrp "$other" "$dir/a" && chmod 775 "$dir/a" || fail "chgrp $other"
        assert_status "$EXIT_USERBOX_FAILED" "$USERBOX" config --no-default-profile -p "$dir/a/b/x.ini"
        assert_contains "$ERR" "in $dir/a, writable by group or others"
}

test_profile_with_an_acl_granting_another_user_is_refused() {
        require_cmd setfacl
        local dir
        dir=$(profile_in_nested_dirs x)
        # The group bits become the ACL's mask: rw for a named user.
        setfacl -m u:nobody:rw "$dir/a/b/x.ini" 2>/dev/null ||
                skip "machine: no ACL support on $(df --output=target "$dir" | tail -n 1)"
        assert_status "$EXIT_USERBOX_FAILED" "$USERBOX" config --no-default-profile -p "$dir/a/b/x.ini"
        assert_eq "userbox: $dir/a/b/x.ini: writable by group or others, refusing it (chmod go-w)" "$ERR"
}
