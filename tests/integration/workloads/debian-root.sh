# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# The Debian 12 root that the workload tests share, sourced by them (not a
# test file itself). It is built once with debootstrap and kept in a cache
# directory, owned by the test user through its subordinate ids exactly as a
# user's own root would be: nothing here runs as the real root.
#
#   debian_root              $DEBIAN_ROOT exists (builds it when the cache is empty)
#   debian_root_with_gcc     ... and has gcc installed (kept in the cache)
#   require_debian_mirror    skip "machine: ..." unless the mirror answers
#   debian_cache_remove DIR  remove a tree whose files belong to subordinate ids
#
# Environment:
#   USERBOX_TEST_CACHE   where the root is kept (default ~/.cache/userbox-tests)
#   USERBOX_TEST_MIRROR  the Debian mirror (default: the host's apt sources,
#                        else http://deb.debian.org/debian)

WORKLOADS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORKLOADS_SRCDIR=${SRCDIR:-$(cd "$WORKLOADS_DIR/../../.." && pwd)}
# tests/run's copy: the checkout's own file may be group-writable.
DEBIAN_PROFILE=${USERBOX_SHIPPED_PROFILES:-$WORKLOADS_SRCDIR/conf}/debian.ini
DEBIAN_CACHE=${USERBOX_TEST_CACHE:-$HOME/.cache/userbox-tests}
DEBIAN_ROOT=$DEBIAN_CACHE/bookworm
DEBIAN_SUITE=bookworm

# The mirror this machine's apt uses: the first Debian archive (not the
# security archive, not a third-party repository) of its sources.
debian_mirror() {
        local url
        if [ -n "${USERBOX_TEST_MIRROR:-}" ]; then
                printf '%s\n' "$USERBOX_TEST_MIRROR"
                return
        fi
        url=$(
                {
                        awk '$1 == "URIs:" { for (i = 2; i <= NF; i++) print $i }' \
                                /etc/apt/sources.list.d/*.sources 2>/dev/null
                        awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z+]+:\/\//) { print $i; break } }' \
                                /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null
                } | grep -E '^(https?|ftp)://[^ ]*/debian/?$' | head -n 1
        )
        printf '%s\n' "${url:-http://deb.debian.org/debian}"
}

require_debian_mirror() {
        local url hostport host port state answer
        url=$(debian_mirror)
        hostport=${url#*://}
        hostport=${hostport%%/*}
        host=${hostport%%:*}
        case $url in https://*) port=443 ;; ftp://*) port=21 ;; *) port=80 ;; esac
        [ "$hostport" != "$host" ] && port=${hostport##*:}
        # One probe per test run: an unreachable mirror costs the timeout once.
        state=${TESTS_TMPDIR:-}/debian-mirror.$host.$port
        if [ -n "${TESTS_TMPDIR:-}" ] && [ -f "$state" ]; then
                answer=$(cat "$state")
        else
                answer=down
                # shellcheck disable=SC2016 # $0 and $1 of the inner bash
                timeout 15 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$host" "$port" 2>/dev/null && answer=up
                [ -n "${TESTS_TMPDIR:-}" ] && echo "$answer" >"$state"
        fi
        [ "$answer" = up ] || skip "machine: no network to the Debian mirror ($url)"
}

# Files of the root belong to subordinate ids: only a namespace that maps
# them can remove them.
debian_cache_remove() {
        [ -e "$1" ] || return 0
        "$USERBOX" unshare -- rm -rf "$1"
}

_debootstrap_path() {
        command -v debootstrap 2>/dev/null ||
                { [ -x /usr/sbin/debootstrap ] && echo /usr/sbin/debootstrap; }
}

# Builds the root into a new directory and renames it into place, so that an
# interrupted build never leaves a half root that looks finished.
_debian_build() {
        local new=$DEBIAN_CACHE/$DEBIAN_SUITE.new log=$DEBIAN_CACHE/$DEBIAN_SUITE.log
        local debootstrap mirror start=$SECONDS
        debootstrap=$(_debootstrap_path)
        mirror=$(debian_mirror)
        debian_cache_remove "$new" || return 1
        rm -f "$DEBIAN_CACHE/$DEBIAN_SUITE.gcc"
        debian_cache_remove "$DEBIAN_ROOT" || return 1
        echo "building the Debian root in $DEBIAN_ROOT from $mirror (once)" >&2
        # The first stage only downloads and unpacks; as uid 0 of a namespace
        # holding all of the user's subordinate ids, dpkg-deb gives every file
        # its packaged owner. container=lxc: debootstrap otherwise insists on
        # mknod'ing a test device, which no user namespace may do (userbox
        # bind-mounts the /dev nodes instead).
        if ! env container=lxc PATH=/usr/sbin:/usr/bin:/sbin:/bin \
                "$USERBOX" unshare -- "$debootstrap" --foreign --variant=minbase \
                "$DEBIAN_SUITE" "$new" "$mirror" >"$log" 2>&1; then
                tail -n 30 "$log" >&2
                echo "debootstrap (first stage, in userbox unshare) failed; log: $log" >&2
                return 1
        fi
        # The second stage configures the packages from inside: a real
        # container, with the full subid map (adduser, chown to _apt, ...).
        if ! "$USERBOX" run --idmap subid -e container=lxc "$new" -- \
                /debootstrap/debootstrap --second-stage >>"$log" 2>&1; then
                tail -n 30 "$log" >&2
                echo "debootstrap --second-stage (in userbox run) failed; log: $log" >&2
                return 1
        fi
        mv "$new" "$DEBIAN_ROOT" || return 1
        touch "$DEBIAN_CACHE/$DEBIAN_SUITE.ok"
        echo "Debian root built in $((SECONDS - start)) s" >&2
}

_debian_install_gcc() {
        local log=$DEBIAN_CACHE/$DEBIAN_SUITE.gcc.log start=$SECONDS
        echo "installing gcc into the cached Debian root (once)" >&2
        if ! "$USERBOX" run -p "$DEBIAN_PROFILE" "$DEBIAN_ROOT" -- sh -c '
                apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev &&
                apt-get clean' >"$log" 2>&1; then
                tail -n 30 "$log" >&2
                echo "apt-get install gcc failed; log: $log" >&2
                return 1
        fi
        touch "$DEBIAN_CACHE/$DEBIAN_SUITE.gcc"
        echo "gcc installed in $((SECONDS - start)) s" >&2
}

# _debian_locked STAMP FUNCTION: FUNCTION under the cache lock unless STAMP
# exists (two test runs of the same user must not build the same tree).
_debian_locked() {
        (
                flock 9 || exit 1
                [ -f "$DEBIAN_CACHE/$1" ] && exit 0
                "$2"
        ) 9>"$DEBIAN_CACHE/lock"
}

debian_root() {
        slow
        require_subid
        [ -f "$DEBIAN_CACHE/$DEBIAN_SUITE.ok" ] && [ -d "$DEBIAN_ROOT" ] && return 0
        [ -n "$(_debootstrap_path)" ] || skip "machine: debootstrap is not installed"
        require_cmd flock
        require_debian_mirror
        mkdir -p "$DEBIAN_CACHE" || fail "cannot create the cache directory $DEBIAN_CACHE"
        _debian_locked "$DEBIAN_SUITE.ok" _debian_build || fail "cannot build the Debian root"
}

debian_root_with_gcc() {
        debian_root
        [ -f "$DEBIAN_CACHE/$DEBIAN_SUITE.gcc" ] && return 0
        require_debian_mirror
        _debian_locked "$DEBIAN_SUITE.gcc" _debian_install_gcc || fail "cannot install gcc in the Debian root"
}
