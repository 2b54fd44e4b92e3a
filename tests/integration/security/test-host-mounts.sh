# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash disable=SC2016 # scripts run inside expand there
#
# Mounts the host makes while a container runs, on a host whose / is
# shared as under systemd: this machine's / may be private, which would
# hide propagation, so each test runs in a user and mount namespace of its
# own whose / is made rshared, and plays the host there. (The other way,
# from the container to the host, the kernel itself cuts: a mount
# namespace made with a new user namespace receives shared mounts as
# slaves. The host mount table checks elsewhere cover the launcher.)

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# late_mount OUTSIDE INSIDE USERBOX-OPTIONS...: run as root of the shared
# namespace. Starts a container (--idmap single: no subordinate ids there)
# that waits on its stdin; once it runs, mounts a tmpfs holding "marker" at
# OUTSIDE and lets the container report what INSIDE shows.
late_mount() {
        local outside=$1 inside=$2 ctl line
        shift 2
        ctl=$(mktemp -d "${TESTS_TMPDIR:-/tmp}/ctl.XXXXXX") || exit 1
        mkfifo "$ctl/to" "$ctl/from" || exit 1
        # From / in the host sandbox: no current directory is bound in. No
        # profile: in this namespace / and /tmp belong to an unmapped id,
        # which no profile's directories may (userbox.ini(5), FILE CHECKS).
        (cd / && exec "$USERBOX" run --no-default-profile --idmap single -i "$@" -- /bin/sh -c '
                echo ready
                read -r go
                if [ -e "$1/marker" ]; then echo "marker: seen"; else echo "marker: absent"; fi
                if touch "$1/new" 2>/dev/null; then echo "write: allowed"; else echo "write: refused"; fi
        ' sh "$inside" <"$ctl/to" >"$ctl/from") &
        exec 3>"$ctl/to" 4<"$ctl/from"
        if ! read -r -t 30 line <&4 || [ "$line" != ready ]; then
                echo "the container did not start" >&2
                exit 1
        fi
        { mount -t tmpfs late "$outside" && touch "$outside/marker"; } || exit 1
        echo go >&3
        cat <&4
        wait
}

# in_shared_host FUNCTION ARGS...: FUNCTION (late_mount or one that calls
# it) run as root of a user and mount namespace of the test's own, whose /
# is recursively shared.
in_shared_host() {
        local fn=$1
        shift
        unshare -Urm --propagation shared true 2>/dev/null ||
                skip "machine: cannot make a user and mount namespace (unshare -Urm --propagation shared)"
        USERBOX=$(cd "$(dirname "$USERBOX")" && pwd)/$(basename "$USERBOX")
        export USERBOX
        run unshare -Urm --propagation shared bash -c "$(declare -f late_mount "$fn"); $fn \"\$@\"" _ "$@"
        must_succeed
}

test_host_mount_below_ro_bind_after_start_stays_out() {
        local dir
        dir=$(mktemp_dir)
        mkdir "$dir/sub"
        in_shared_host late_mount "$dir/sub" /mnt/sub --ro-bind "$dir:/mnt" "$TEST_ROOT"
        assert_contains "$OUT" "marker: absent" "the host's new mount below the read-only bind"
        assert_contains "$OUT" "write: refused" "a write there"
}

test_host_mount_below_sys_after_start_stays_out() {
        in_shared_host late_mount /sys/kernel /sys/kernel "$TEST_ROOT"
        assert_contains "$OUT" "marker: absent" "the host's new mount below /sys"
        assert_contains "$OUT" "write: refused" "a write there"
}

# The host sandbox shows the host's / read-only: a file system the host
# mounts later (a USB stick under /run/media) must not show up writable.
test_host_mount_in_host_sandbox_after_start_stays_out() {
        local d spot=
        for d in /mnt /srv /media /opt; do
                [ -d "$d" ] && spot=$d && break
        done
        [ -n "$spot" ] || skip "machine: none of /mnt /srv /media /opt is a directory"
        in_shared_host sandbox_late_mount "$spot"
        assert_contains "$OUT" "marker: absent" "the host's new mount below the sandbox's /"
        assert_contains "$OUT" "write: refused" "a write there"
}

# sandbox_late_mount DIR: late_mount in the host sandbox, at DIR/sub of a
# scratch tmpfs that the host had before the start (outside /tmp, which
# the sandbox replaces).
sandbox_late_mount() {
        { mount -t tmpfs scratch "$1" && mkdir "$1/sub"; } || exit 1
        late_mount "$1/sub" "$1/sub"
}
