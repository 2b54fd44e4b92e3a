# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# Shared by the tests of tests/integration/image/ (sourced by each file,
# after lib.sh). Not a test file itself. The images are written by
# mkimage.py (python3, standard library only), offline.

IMAGE_TEST_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# image_setup: a store of this test's own ($XDG_DATA_HOME in a temp dir,
# $STORE its image directory) whose profiles `run -p NAME` finds, a work
# directory $WORK for the images, and a sentinel directory $SENTINEL
# outside both, holding secret, for the escape cases to aim at.
image_setup() {
        require_cmd python3
        # The search path a user has (tests/run sets one without the image
        # store): $XDG_CONFIG_HOME/userbox (empty), the store's profiles,
        # the shipped ones.
        unset USERBOX_PROFILE_PATH
        XDG_DATA_HOME=$(mktemp_dir) || fail "mktemp_dir"
        export XDG_DATA_HOME
        STORE=$XDG_DATA_HOME/userbox/images
        WORK=$(mktemp_dir) || fail "mktemp_dir"
        chmod 755 "$WORK"
        SENTINEL=$(mktemp_dir) || fail "mktemp_dir"
        echo secret >"$SENTINEL/secret"
        mkdir "$SENTINEL/sub"
        echo other >"$SENTINEL/sub/other"
        SENTINEL_BEFORE=$(sentinel_state)
}

# What an escape could change in the sentinel: names, types, link counts,
# sizes, modes, owners and modification times of all it holds.
sentinel_state() {
        (cd "$SENTINEL" && find . -printf '%p %y %n %s %m %u %g %T@\n' | sort)
        stat -c '%h %s %a %Y' "$SENTINEL"
}

assert_sentinel_untouched() {
        assert_eq "$SENTINEL_BEFORE" "$(sentinel_state)" "the sentinel directory outside the root"
}

# The last image id of the user's subid map (0 is the user, 1.. the
# subordinate ids in order): the number of subordinate ids, of the lesser
# of the uid and gid ranges.
map_last_id() {
        local kind total c last=
        for kind in uid gid; do
                total=0
                while read -r _ c; do total=$((total + c)); done < <(subid_ranges "$kind")
                [ -z "$last" ] || [ "$total" -lt "$last" ] && last=$total
        done
        echo "$last"
}

# mkimage SPEC OUT [mkimage.py OPTIONS...]: writes the image (SPEC a JSON
# file or preset:NAME) and its summary to OUT.summary.json.
mkimage() {
        local spec=$1 out=$2 bb
        shift 2
        bb=$(_busybox_binary) || skip "machine: busybox-static is not installed"
        python3 "$IMAGE_TEST_DIR/mkimage.py" --busybox "$bb" --sentinel "${SENTINEL:-/nonexistent}" \
                --last-id "$(map_last_id)" "$@" "$spec" "$out" >"$out.summary.json" 2>"$out.mkimage.err" ||
                fail "mkimage.py $spec $*: $(cat "$out.mkimage.err")"
        [ -d "$out" ] && chmod -R a+rX "$out"
        return 0
}

# summary OUT EXPR: a field of the summary of the image written at OUT, a
# Python expression over s, the summary ("s['labels'][1]").
summary() {
        python3 -c 'import json, sys; s = json.load(open(sys.argv[1])); v = eval(sys.argv[2]); print("" if v is None else v)' \
                "$1.summary.json" "$2"
}

# The JSON of `userbox images --format json`, a Python expression over i,
# the object of image NAME ("i['format']"); "absent" when it is not listed.
image_field() {
        local json
        json=$("$USERBOX" images --format json) || fail "images --format json: status $?"
        python3 -c '
import json, sys
images = [i for i in json.loads(sys.argv[1]) if i.get("name") == sys.argv[2]]
if not images:
    print("absent")
else:
    i = images[0]
    v = eval(sys.argv[3])
    print("null" if v is None else v)
' "$json" "$1" "$2"
}

# import_ok NAME [import OPTIONS...] SOURCE: import must print NAME and exit 0.
import_ok() {
        local name=$1
        shift
        run "$USERBOX" import "$@"
        if [ "$STATUS" != 0 ]; then
                _show_run "$USERBOX" import "$@"
                fail "import $*: status $STATUS"
        fi
        assert_eq "$name" "$OUT" "what import prints"
}

# Entries of the store that an image or an import left: directories and
# .tmp-* (a lock or index file of the store itself is not counted).
store_leftovers() {
        [ -d "$STORE" ] || return 0
        find "$STORE" -mindepth 1 -maxdepth 1 \( -type d -o -name '.tmp-*' \) -printf '%f\n' | sort
}

assert_store_holds() { # NAME...: exactly these images, nothing else
        local want
        want=$(printf '%s\n' "$@" | sed '/^$/d' | sort)
        assert_eq "$want" "$(store_leftovers)" "${WHAT:-the store}"
}

# in_ns CMD...: a host command in a user namespace of the subid map (as
# userbox unshare gives it), where the image's files show the image's ids.
in_ns() {
        "$USERBOX" unshare -- "$@"
}

# A tree's entries, one a line: name, type, mode, size (files), link target,
# modification time (not of symbolic links), as the image describes them.
tree_listing() {
        (cd "$1" && find . -mindepth 1 \( -type l -printf '%P l %l\n' \) -o \( -type d -printf '%P d %m %T@\n' \) \
                -o \( -type f -printf '%P f %m %s %T@\n' \) -o -printf '%P %y %m %T@\n') | sort
}
