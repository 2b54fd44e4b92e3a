# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# What the userbox-oci tests that run a bundle of their own share
# (test-oci-life.sh, test-oci-process.sh): a state root and a bundle per
# test, the userbox-oci command on that root, a field of its JSON. Not a
# test file: tests/run runs test-*.sh only.

: "${USERBOX_OCI:=$(dirname "$USERBOX")/userbox-oci}"

# oci_setup: $ROOTDIR (the state root) and $BUNDLE (a busybox rootfs/,
# the test writes config.json); whatever a test left running is killed
# when it ends.
oci_setup() {
        local base
        base=$(mktemp_dir) || fail "mktemp_dir"
        ROOTDIR=$base/state
        BUNDLE=$base/bundle
        mkdir -p "$BUNDLE"
        make_root "$BUNDLE/rootfs"
        trap 'oci_cleanup' EXIT
}

oci_cleanup() {
        local id
        for id in $("$USERBOX_OCI" --root "$ROOTDIR" list -q 2>/dev/null); do
                "$USERBOX_OCI" --root "$ROOTDIR" delete --force "$id" >/dev/null 2>&1
        done
        return 0
}

# oci ARGS...: userbox-oci on the test's state root.
oci() { "$USERBOX_OCI" --root "$ROOTDIR" "$@"; }

# json_field JSON NAME: the value of a top-level string or number field.
json_field() {
        printf '%s\n' "$1" | tr -d '\n' | sed -n "s/.*\"$2\": *\"\{0,1\}\([^\",}]*\)\"\{0,1\}.*/\1/p"
}
