# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# While the command runs as the user's own identity (root with single and
# subid, the user's uid with keep-id, the host sandbox) it keeps the user's
# host supplementary groups (design §3, "Groups"): a project directory
# shared through a group is reachable inside exactly as on the host, and a
# directory whose group bits deny the group's members stays closed, as the
# other bits would let them in once the group was gone (CVE-2014-8989).
#
# The access cases need files of another owner in a group of the user,
# which only root can make: they use the fixture of charliecloud's
# make-perms-test (package charliecloud-tests), which .ci/run builds as root
# for the test user before the tests, at $USERBOX_PERMS_FIXTURE (default
# /var/tmp/userbox-perms-test/USER):
#   make-perms-test /var/tmp/userbox-perms-test/USER USER nobody
# Its entries are named TYPE.OWNER-GROUP.MODE~EXPECTED (r read, w write,
# t traverse), and charliecloud-doc's fs_perms.py checks each of them.

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

PERMS_FIXTURE=${USERBOX_PERMS_FIXTURE:-/var/tmp/userbox-perms-test/$(id -un)}
FS_PERMS=${USERBOX_FS_PERMS:-/usr/share/doc/charliecloud/examples/chtest/fs_perms.py}

# The ways to run as the user's own identity: one line of options each
# ("-" is the host sandbox with the default map: no ROOT).
OWN_IDENTITY_RUNS='--idmap single
--idmap subid
--idmap keep-id
--idmap subid -u root
-'

# The supplementary groups of this shell, which userbox inherits.
host_groups() {
        sed -n 's/^Groups:[[:space:]]*//p' /proc/self/status
}

# Skips unless the user is in a group besides the primary one.
require_supplementary_group() {
        local g
        for g in $(host_groups); do
                [ "$g" != "$(id -g)" ] && return 0
        done
        skip "machine: $(id -un) is in no supplementary group (.ci/run adds ubtest to ubproject)"
}

require_perms_fixture() {
        local why=
        if [ ! -d "$PERMS_FIXTURE/pass" ]; then
                why="no permission fixture at $PERMS_FIXTURE"
        elif [ "$(stat -c %u "$PERMS_FIXTURE")" != "$(id -u)" ]; then
                why="the permission fixture at $PERMS_FIXTURE was built for another user"
        fi
        [ -z "$why" ] && return 0
        [ "${CI:-}" = true ] && fail "$why: .ci/run builds it as root before the tests"
        skip "machine: $why (as root: make-perms-test $PERMS_FIXTURE $(id -un) nobody, from charliecloud-tests)"
}

# fixture_dir MODE: the name of the fixture's directory of mode MODE that
# another user owns and whose group is a supplementary group of the user.
fixture_dir() {
        local d g
        for d in "$PERMS_FIXTURE/pass"/d.*."$1"~*; do
                [ "$(stat -c %u "$d")" = "$(id -u)" ] && continue
                g=$(stat -c %g "$d")
                [ "$g" = "$(id -g)" ] && continue
                case " $(host_groups) " in *" $g "*) printf '%s\n' "${d##*/}"; return 0 ;; esac
        done
        fail "no directory of mode $1 in a supplementary group of $(id -un) in $PERMS_FIXTURE/pass"
}

# own_identity_run OPTIONS COMMAND...: COMMAND as the user's own identity,
# with the fixture's pass directory at /mnt (in the host sandbox: at its
# own path, where the commands below find it through $PASS).
own_identity_run() {
        local opts=$1
        shift
        if [ "$opts" = - ]; then
                run "$USERBOX" run -- env PASS="$PERMS_FIXTURE/pass" "$@"
        else
                # shellcheck disable=SC2086
                run "$USERBOX" run $opts --ro-bind "$PERMS_FIXTURE/pass:/mnt" "$TEST_ROOT" -- env PASS=/mnt "$@"
        fi
}

# inside_id MAP ID: what the host id ID is in a namespace whose map is MAP
# ("INSIDE OUTSIDE COUNT" lines): the overflow id when it is not mapped.
inside_id() {
        local inside outside count
        while read -r inside outside count; do
                [ -n "$count" ] || continue
                if [ "$2" -ge "$outside" ] && [ "$2" -lt $((outside + count)) ]; then
                        echo $((inside + $2 - outside))
                        return
                fi
        done <<<"$1"
        cat /proc/sys/kernel/overflowgid
}

test_host_supplementary_groups_stay_as_the_users_own_identity() {
        require_subid
        require_supplementary_group
        local opts map inside expected g
        while read -r opts; do
                if [ "$opts" = - ]; then
                        run "$USERBOX" run -- sh -c 'cat /proc/self/gid_map; echo --; grep ^Groups: /proc/self/status'
                else
                        # shellcheck disable=SC2086
                        run "$USERBOX" run $opts "$TEST_ROOT" -- \
                                sh -c 'cat /proc/self/gid_map; echo --; grep ^Groups: /proc/self/status'
                fi
                must_succeed
                map=${OUT%%--*}
                inside=$(printf '%s\n' "${OUT#*--}" | sed -n 's/^Groups:[[:space:]]*//p' | tr -s ' ' '\n' |
                         sed '/^$/d' | sort -n | tr '\n' ' ')
                expected=$(for g in $(host_groups); do inside_id "$map" "$g"; done | sort -n | tr '\n' ' ')
                assert_eq "$expected" "$inside" "groups inside with '$opts' (host: $(host_groups))"
        done <<<"$OWN_IDENTITY_RUNS"
}

test_group_shared_directory_reads_as_on_the_host() {
        require_subid
        require_supplementary_group
        require_perms_fixture
        local dir opts
        dir=$(fixture_dir 750) || exit 1
        cat "$PERMS_FIXTURE/pass/$dir/file" >/dev/null || fail "the user cannot read $dir/file on the host"
        while read -r opts; do
                # shellcheck disable=SC2016
                own_identity_run "$opts" sh -c 'cat "$PASS/$1/file"' sh "$dir"
                [ "$STATUS" = 0 ] || fail "with '$opts' the group-shared $dir/file is not readable: $ERR"
                assert_contains "$OUT" gary "$dir/file read with '$opts'"
        done <<<"$OWN_IDENTITY_RUNS"
}

test_group_that_denies_its_members_stays_closed() {
        require_subid
        require_supplementary_group
        require_perms_fixture
        local dir opts
        dir=$(fixture_dir 707) || exit 1
        ls "$PERMS_FIXTURE/pass/$dir" >/dev/null 2>&1 && fail "the user can list $dir on the host: the test proves nothing"
        while read -r opts; do
                # shellcheck disable=SC2016
                own_identity_run "$opts" sh -c 'ls "$PASS/$1" && echo LISTED; cat "$PASS/$1/file" && echo READ' sh "$dir"
                assert_not_contains "$OUT" LISTED "$dir listed with '$opts'"
                assert_not_contains "$OUT" READ "$dir/file read with '$opts'"
        done <<<"$OWN_IDENTITY_RUNS"
}

# charliecloud's check over the whole fixture (2887 entries: files and
# directories of the user and of nobody, in the user's primary group, a
# supplementary group and nobody's), run in the host sandbox, which has
# python3: only the fixture's pass directory is attached, writable, so its
# symbolic links to nopass must lead nowhere.
test_fs_perms_fixture_has_no_mismatch_as_the_users_own_identity() {
        require_subid
        require_supplementary_group
        require_perms_fixture
        require_cmd python3
        [ -r "$FS_PERMS" ] || skip "machine: charliecloud-doc is not installed (no $FS_PERMS)"
        local opts
        for opts in "" "--idmap single" "--idmap keep-id"; do
                # shellcheck disable=SC2086
                run "$USERBOX" run $opts --tmpfs "$PERMS_FIXTURE/nopass" \
                        --bind "$PERMS_FIXTURE/pass:$PERMS_FIXTURE/pass" -- python3 "$FS_PERMS" "$PERMS_FIXTURE/pass"
                [ "$STATUS" = 0 ] && continue
                printf '%s\n' "$OUT" | head -n 20 >&2
                fail "fs_perms with '${opts:-the default map}': $(printf '%s\n' "$OUT" | tail -n 1) $ERR"
        done
}

# -u naming another user applies the image's groups, and no host group
# stays.
test_other_user_gets_the_groups_of_the_image() {
        require_subid
        require_supplementary_group
        local root
        root=$(mktemp_dir)/root
        make_root "$root"
        echo 'project:x:2000:user' >>"$root/etc/group"
        run "$USERBOX" run --idmap subid -u user "$root" -- grep ^Groups: /proc/self/status
        must_succeed
        assert_eq "1000 2000" "$(printf '%s\n' "$OUT" | sed 's/^Groups:[[:space:]]*//; s/[[:space:]]*$//')" \
                "groups of -u user"
}
