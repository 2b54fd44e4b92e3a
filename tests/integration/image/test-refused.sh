# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# What userbox import refuses (issue 18, "Unpacking"): entries that would
# land outside the root whatever the layers contain (absolute names, ..,
# a symbolic link planted by one layer and written through by the same or
# a later one, hard links whose target lies outside or behind a link,
# whiteouts behind a link, a name longer than PATH_MAX), files of an id
# outside the map, and blobs whose digest does not match. Each: exit 125,
# one message naming the layer and the entry, nothing changed in a
# sentinel directory outside, and nothing of the image left in the store
# (the layer below it wrote files of subordinate ids, which only a removal
# inside the user namespace can take away).

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# refused PRESET [mkimage.py OPTIONS...]
refused() {
        local preset=$1 src label entry mark
        shift
        image_setup
        require_subid
        src=$WORK/$preset
        mkimage "preset:$preset" "$src" "$@"
        run "$USERBOX" import --name bad "$src"
        # Nothing outside changed, whatever else went wrong.
        assert_sentinel_untouched
        if [ "$STATUS" != 125 ]; then
                _show_run "$USERBOX" import --name bad "$src"
                fail "import of $preset: status $STATUS, expected 125"
        fi
        label=$(summary "$src" "s['refused']['label']")
        entry=$(summary "$src" "s['refused']['entry']")
        mark=$(summary "$src" "s['refused']['mark']")
        assert_contains "$ERR" "userbox: $label: " "the message names the layer"
        assert_contains "$ERR" "$mark" "the message names the entry"
        if [ "$entry" = "$mark" ]; then
                assert_contains "$ERR" "userbox: $label: $entry: " "the message: LABEL: NAME: reason"
        fi
        assert_eq 1 "$(grep -c '^userbox: ' <<<"$ERR")" "messages (one): $ERR"
        WHAT="the store after a refused import" assert_store_holds
        REFUSAL=$ERR
}

test_absolute_name_is_refused() {
        refused bad-absolute
}

test_dotdot_name_is_refused() {
        refused bad-dotdot --compress gzip
}

test_dotdot_inside_a_name_is_refused() {
        refused bad-dotdot-inner --format docker-archive
}

test_write_through_a_symlink_of_a_lower_layer_is_refused() {
        refused bad-symlink-write
        assert_contains "$REFUSAL" "symbolic link" "the reason"
}

test_write_through_a_symlink_of_the_same_layer_is_refused() {
        refused bad-symlink-write-same --format oci-archive --compress gzip
}

test_directory_through_a_symlink_is_refused() {
        refused bad-symlink-dir --format docker-archive-new
}

test_hard_link_to_an_absolute_target_is_refused() {
        refused bad-hardlink-abs
}

test_hard_link_to_a_dotdot_target_is_refused() {
        refused bad-hardlink-dotdot --format docker-archive
}

test_hard_link_through_a_symlink_is_refused() {
        refused bad-hardlink-via-symlink --compress gzip
}

test_whiteout_through_a_symlink_is_refused() {
        refused bad-whiteout-via-symlink
}

test_opaque_marker_through_a_symlink_is_refused() {
        refused bad-opaque-via-symlink --format oci-archive
}

test_name_longer_than_path_max_is_refused() {
        refused bad-longname --format rootfs-tar
}

test_file_of_an_id_outside_the_map_is_refused() {
        local uid
        uid=$(( $(map_last_id) + 1 ))
        refused bad-uid
        assert_contains "$REFUSAL" "$uid" "the message names the id"
}

# A whiteout of the link itself is no escape: the link goes, what it
# pointed to stays.
test_whiteout_of_a_symlink_removes_the_link_only() {
        image_setup
        mkimage preset:whiteout-symlink "$WORK/wh"
        import_ok wh --name wh "$WORK/wh"
        [ ! -e "$STORE/wh/rootfs/s" ] && [ ! -L "$STORE/wh/rootfs/s" ] || fail "the link s is still there"
        assert_sentinel_untouched
}

# digest_refused FORMAT WHAT: the blob WHAT (layer:N, config) changed after
# its digest was taken is refused before anything is applied: layer 1
# carries an absolute name, whose refusal would come first if layer 1 were
# applied before the digests were all checked.
digest_refused() {
        local format=$1 what=$2 src want
        image_setup
        src=$WORK/corrupt
        cat >"$WORK/spec.json" <<-EOF
		{"tag": "corrupt:1", "config": {"Cmd": ["/bin/sh"]},
		 "layers": [[{"type": "dir", "path": "d1000", "uid": 1000, "gid": 1000},
		             {"type": "file", "path": "$SENTINEL/written-before-digest-check", "content": "x\n"}],
		            [{"type": "file", "path": "two", "content": "layer two\n"}],
		            [{"type": "file", "path": "three", "content": "layer three\n"}]]}
	EOF
        mkimage "$WORK/spec.json" "$src" --format "$format" --corrupt "$what"
        case $what in
        config) want=$(summary "$src" "s['config']") ;;
        layer:*) want=$(summary "$src" "s['layers'][${what#layer:} - 1]") ;;
        esac
        run "$USERBOX" import --name bad "$src"
        assert_eq 125 "$STATUS" "import of an image whose $what blob was changed: $ERR"
        assert_contains "$ERR" "userbox: blob $want: digest mismatch (its content is sha256:" "the message"
        if [ -d "$src" ]; then
                assert_eq "userbox: blob $want: digest mismatch (its content is sha256:$(sha256sum <"$src/blobs/sha256/${want#sha256:}" | cut -d' ' -f1))" \
                        "$ERR" "the message"
        fi
        assert_not_contains "$ERR" "layer 1" "the refusal of layer 1's entry, which comes only when it is applied"
        assert_sentinel_untouched
        WHAT="the store after a refused import" assert_store_holds
}

test_bad_layer_digest_in_an_oci_layout_is_refused_before_any_layer_is_applied() {
        digest_refused oci-layout layer:3
}

test_bad_layer_digest_in_an_oci_archive_is_refused() {
        digest_refused oci-archive layer:2
}

test_bad_layer_diff_id_in_a_docker_archive_is_refused() {
        digest_refused docker-archive layer:3
}

test_bad_config_digest_is_refused() {
        digest_refused oci-layout config
}
