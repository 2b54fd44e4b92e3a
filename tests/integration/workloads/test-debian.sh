# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# A Debian 12 root managed from inside, as users run it: apt, useradd, su,
# dpkg and gcc, with the shipped debian.ini profile. Slow (debootstrap once,
# network for apt): USERBOX_TESTS_QUICK=1 skips them.
#
# Every test that changes the root works in an overlay of its own
# (--overlay=DIR in its temp dir): the cached root stays as debootstrap left
# it (plus gcc), and each test starts from the same state.

# shellcheck source-path=SCRIPTDIR source=debian-root.sh
source "$(dirname "${BASH_SOURCE[0]}")/debian-root.sh"
# shellcheck source-path=SCRIPTDIR source=slurm.sh
source "$(dirname "${BASH_SOURCE[0]}")/slurm.sh"

test_debootstrap_root_is_owned_through_the_subordinate_ids() {
        debian_root
        local shadow_gid expected inside
        assert_eq "$(id -u):$(id -g)" "$(stat -c %u:%g "$DEBIAN_ROOT/etc/passwd")" \
                "host owner of /etc/passwd (root inside)"
        # /etc/shadow belongs to the group shadow: a system group, so a
        # subordinate id on the host.
        shadow_gid=$(awk -F: '$1 == "shadow" { print $3 }' "$DEBIAN_ROOT/etc/group")
        assert_ne "" "$shadow_gid" "shadow in the root's /etc/group"
        expected=$(host_id gid "$shadow_gid")
        assert_eq "$(id -u):$expected" "$(stat -c %u:%g "$DEBIAN_ROOT/etc/shadow")" \
                "host owner of /etc/shadow (root:shadow, gid $shadow_gid inside)"
        run "$USERBOX" run -p "$DEBIAN_PROFILE" --read-only "$DEBIAN_ROOT" -- \
                sh -c 'cat /etc/debian_version; stat -c %U:%G /etc/shadow; id -u'
        assert_eq 0 "$STATUS" "status ($ERR)"
        inside=$(printf '%s\n' "$OUT" | sed -n 1p)
        assert_eq 12 "${inside%%.*}" "Debian version"
        assert_eq root:shadow "$(printf '%s\n' "$OUT" | sed -n 2p)" "owner inside of /etc/shadow"
        assert_eq 0 "$(printf '%s\n' "$OUT" | sed -n 3p)" "uid of the command with debian.ini"
}

test_apt_installs_and_runs_hello_under_the_subid_map() {
        debian_root
        require_debian_mirror
        local overlay start=$SECONDS
        overlay=$(mktemp_dir)
        run "$USERBOX" run -p "$DEBIAN_PROFILE" --overlay="$overlay" "$DEBIAN_ROOT" -- \
                sh -c 'apt-get update && apt-get install -y hello && hello'
        echo "apt-get update + install hello: $((SECONDS - start)) s" >&2
        assert_eq 0 "$STATUS" "apt-get status (stdout: $OUT) (stderr: $ERR)"
        assert_contains "$OUT" "Hello, world!" "hello's output"
        # apt drops to _apt to download; when it cannot, it says so and
        # downloads as root (what happens under bubblewrap or a single id).
        assert_not_contains "$ERR" "unsandboxed" "apt's download sandbox"
        assert_not_contains "$ERR" "seteuid" "apt's switch to _apt"
}

test_useradd_and_su_work_and_files_of_the_new_user_map_to_a_subordinate_id() {
        debian_root
        local shared bob_uid bob_gid
        shared=$(mktemp_dir)
        # bob is not the owner of the bound directory (the user, root inside, is).
        chmod 1777 "$shared"
        run "$USERBOX" run -p "$DEBIAN_PROFILE" --overlay="$(mktemp_dir)" -b "$shared:/shared" \
                "$DEBIAN_ROOT" -- sh -c '
                useradd -m bob && su bob -c "id -u; id -g; id -un; touch /shared/made-by-bob ~/in-home" &&
                stat -c "%U %u" /home/bob/in-home'
        assert_eq 0 "$STATUS" "useradd + su (stdout: $OUT) (stderr: $ERR)"
        bob_uid=$(printf '%s\n' "$OUT" | sed -n 1p)
        bob_gid=$(printf '%s\n' "$OUT" | sed -n 2p)
        assert_eq bob "$(printf '%s\n' "$OUT" | sed -n 3p)" "user after su"
        assert_ne 0 "$bob_uid" "bob's uid"
        assert_eq "bob $bob_uid" "$(printf '%s\n' "$OUT" | sed -n 4p)" "owner inside of bob's file"
        assert_eq "$(host_id uid "$bob_uid"):$(host_id gid "$bob_gid")" \
                "$(stat -c %u:%g "$shared/made-by-bob")" "host owner of bob's file (uid $bob_uid inside)"
}

test_dpkg_install_keeps_the_non_root_owner_of_packaged_files() {
        debian_root
        local overlay file
        overlay=$(mktemp_dir)
        # --root-owner-group is not given: the archive keeps 1234:1234.
        # shellcheck disable=SC2016 # expanded inside the container
        run "$USERBOX" run -p "$DEBIAN_PROFILE" --overlay="$overlay" "$DEBIAN_ROOT" -- sh -ec '
                d=$(mktemp -d)
                mkdir -p "$d/pkg/DEBIAN" "$d/pkg/opt/userbox-owned"
                printf "%s\n" "Package: userbox-owned" "Version: 1.0" "Architecture: all" \
                        "Maintainer: userbox tests <tests@userbox.invalid>" \
                        "Description: files owned by a non-root user" >"$d/pkg/DEBIAN/control"
                echo data >"$d/pkg/opt/userbox-owned/file"
                chown -R 1234:1234 "$d/pkg/opt/userbox-owned"
                dpkg-deb --build "$d/pkg" "$d/owned.deb" >/dev/null
                dpkg-deb -c "$d/owned.deb" | grep -q "1234/1234.*opt/userbox-owned/file"
                dpkg -i "$d/owned.deb" >/dev/null
                stat -c "%u:%g" /opt/userbox-owned /opt/userbox-owned/file'
        assert_eq 0 "$STATUS" "dpkg-deb + dpkg -i (stdout: $OUT) (stderr: $ERR)"
        assert_eq "1234:1234
1234:1234" "$OUT" "owners inside after dpkg -i"
        file=$(find "$overlay" -path '*/opt/userbox-owned/file' -print -quit 2>/dev/null)
        assert_ne "" "$file" "the installed file in the overlay directory"
        assert_eq "$(host_id uid 1234):$(host_id gid 1234)" "$(stat -c %u:%g "$file")" \
                "host owner of the installed file"
}

test_apt_fails_under_a_single_id_map_and_the_documentation_says_why() {
        debian_root
        require_debian_mirror
        local section
        run "$USERBOX" run -p "$DEBIAN_PROFILE" --idmap single --overlay "$DEBIAN_ROOT" -- \
                sh -c 'apt-get update; apt-get install -y hello && hello'
        assert_ne 0 "$STATUS" "apt-get install under --idmap single (stdout: $OUT) (stderr: $ERR)"
        assert_not_contains "$OUT" "Hello, world!" "hello ran under --idmap single"
        # apt's own words: it cannot become _apt (uid 42), no id but 0 exists.
        assert_contains "$ERR" "_apt" "apt's error names _apt"
        # The documentation of single says why and points to subid.
        section=$(sed -n '/^\.B single$/,/^\.TP/p' "$WORKLOADS_SRCDIR/man/userbox.1.in")
        assert_contains "$section" "subid" "userbox(1) on --idmap single"
        # shellcheck disable=SC2016 # a Markdown code span, not a command
        assert_contains "$(grep -F '`single`' "$WORKLOADS_SRCDIR/README.md")" "_apt" "README on single"
}

test_gcc_builds_in_a_bound_source_tree_owned_by_the_user_under_keep_id() {
        debian_root_with_gcc
        local src start=$SECONDS
        src=$(mktemp_dir)
        cat >"$src/hello.c" <<-'EOF'
	#include <stdio.h>
	int main(void) { puts("built inside"); return 0; }
	EOF
        # The cached root is only read: gcc writes to /src and /tmp.
        run "$USERBOX" run -p "$DEBIAN_PROFILE" --idmap keep-id --read-only -b "$src:/src" -w /src \
                "$DEBIAN_ROOT" -- sh -c 'id -u && gcc -c hello.c -o hello.o && gcc hello.o -o hello && ./hello'
        echo "gcc compile + link: $((SECONDS - start)) s" >&2
        assert_eq 0 "$STATUS" "gcc (stdout: $OUT) (stderr: $ERR)"
        assert_eq "$(id -u)
built inside" "$OUT" "uid inside and the program's output"
        assert_eq "$(id -u):$(id -g)" "$(stat -c %u:%g "$src/hello.o")" "host owner of hello.o"
        assert_eq "$(id -u):$(id -g)" "$(stat -c %u:%g "$src/hello")" "host owner of the program"
        run "$src/hello"
        assert_eq "built inside" "$OUT" "the program run on the host"
}

test_setuid_programs_inside_work_only_with_no_new_privileges_off() {
        debian_root_with_gcc
        # su from root to bob needs no setuid bit; going back up does. A
        # setuid-root program run by bob shows which of the two a profile allows.
        local script='
                printf "%s\n" "#include <stdio.h>" "#include <unistd.h>" \
                        "int main(void) { printf(\"%d\\n\", (int)geteuid()); return 0; }" >/tmp/euid.c &&
                gcc /tmp/euid.c -o /usr/local/bin/euid && chmod 4755 /usr/local/bin/euid &&
                useradd bob && su bob -c /usr/local/bin/euid'
        run "$USERBOX" run -p "$DEBIAN_PROFILE" --overlay "$DEBIAN_ROOT" -- sh -c "$script"
        assert_eq 0 "$STATUS" "default profile (stdout: $OUT) (stderr: $ERR)"
        assert_ne 0 "$OUT" "euid of bob's setuid-root program under no_new_privs"
        run "$USERBOX" run -p "$DEBIAN_PROFILE" --no-new-privileges no --overlay "$DEBIAN_ROOT" -- sh -c "$script"
        assert_eq 0 "$STATUS" "--no-new-privileges no (stdout: $OUT) (stderr: $ERR)"
        assert_eq 0 "$OUT" "euid of bob's setuid-root program with --no-new-privileges no"
}

test_srun_16_ranks_share_one_debian_root_each_through_its_own_tmpfs_overlay() {
        debian_root_with_gcc
        require_slurm
        local shared rank before
        shared=$(mktemp_dir)
        before=$(host_mountinfo)
        # One image for the whole job, a private writable layer per rank:
        # what each rank writes to / stays its own and leaves the image as is.
        # shellcheck disable=SC2016 # expanded inside the container
        run srun_ranks 16 "userbox-debian-ranks-$$-$RANDOM" "$USERBOX" run -p "$DEBIAN_PROFILE" --overlay \
                --keep-env SLURM_PROCID -b "$shared:/out" "$DEBIAN_ROOT" -- sh -c '
                echo "$SLURM_PROCID" >/etc/rank && gcc --version >/dev/null &&
                cat /etc/rank >"/out/rank.$SLURM_PROCID"'
        assert_eq 0 "$STATUS" "srun's status ($ERR)"
        for ((rank = 0; rank < 16; rank++)); do
                assert_eq "$rank" "$(cat "$shared/rank.$rank" 2>/dev/null)" "rank.$rank"
        done
        [ ! -e "$DEBIAN_ROOT/etc/rank" ] || fail "a rank wrote into the shared root"
        assert_eq "$before" "$(host_mountinfo)" "host mount table after the job"
}

test_debian_profile_works_when_resolv_conf_is_a_symlink_into_run() {
        debian_root
        local overlay
        overlay=$(mktemp_dir)
        # Ubuntu and other systemd-based images ship /etc/resolv.conf as a
        # link to a file under /run that exists only on a booted system. The
        # profile's bind onto it must land inside the root (where the link
        # points, created there), never fail and never leave the root.
        assert_status 0 "$USERBOX" run --overlay="$overlay" "$DEBIAN_ROOT" -- sh -c '
                rm -f /etc/resolv.conf && mkdir -p /run/systemd/resolve &&
                ln -s ../run/systemd/resolve/stub-resolv.conf /etc/resolv.conf'
        run "$USERBOX" run -p "$DEBIAN_PROFILE" --overlay="$overlay" "$DEBIAN_ROOT" -- cat /etc/resolv.conf
        assert_eq 0 "$STATUS" "status with a dangling /etc/resolv.conf link ($ERR)"
        assert_eq "$(cat /etc/resolv.conf)" "$OUT" "/etc/resolv.conf inside"
}
