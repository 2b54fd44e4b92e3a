# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# Hostile images the escape presets of test-refused.sh do not cover: entries
# that reach outside the root by what libarchive does after the checks (the
# metadata of a hard link that carries data). Whatever the import's outcome,
# nothing outside the root may change; a refusal leaves nothing in the store.

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# import_hostile SPEC-FILE [mkimage.py OPTIONS...]: imports it as "bad";
# the sentinel must be as it was, and a refused import must leave nothing.
import_hostile() {
        local spec=$1
        shift
        mkimage "$spec" "$WORK/bad" "$@"
        run "$USERBOX" import --name bad "$WORK/bad"
        assert_sentinel_untouched
        case $STATUS in
        0) ;;
        125) WHAT="the store after a refused import" assert_store_holds ;;
        *) _show_run "$USERBOX" import --name bad "$WORK/bad"
           fail "import: status $STATUS" ;;
        esac
}

# A pax hard link may carry data. To a symbolic link, libarchive links the
# link itself, opens nothing to write the data to, and then sets the
# entry's mode and times by the name: chmod() follows the link, to the
# host's file (here setuid and writable by all).
test_hard_link_with_data_to_a_symlink_leaves_the_file_it_points_to_alone() {
        image_setup
        require_subid
        cat >"$WORK/spec.json" <<-EOF
		{"tag": "bad:1",
		 "layers": [[{"type": "symlink", "path": "s", "target": "$SENTINEL/secret"}],
		            [{"type": "hardlink", "path": "h", "target": "s", "content": "escaped\n",
		              "mode": "4777", "mtime": 5}]]}
	EOF
        import_hostile "$WORK/spec.json"
}

# The same in one layer of a plain root tar, aimed at a directory: its
# mode would become 0777.
test_hard_link_with_data_to_a_symlink_leaves_the_directory_it_points_to_alone() {
        image_setup
        cat >"$WORK/spec.json" <<-EOF
		{"layers": [[{"type": "symlink", "path": "s", "target": "$SENTINEL"},
		             {"type": "hardlink", "path": "h", "target": "s", "content": "x",
		              "mode": "0777", "mtime": 5}]]}
	EOF
        import_hostile "$WORK/spec.json" --format rootfs-tar
}
