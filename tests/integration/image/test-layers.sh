# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash disable=SC2016 # scripts run inside expand there
#
# The layers of an image applied as the image means them (issue 18,
# "Unpacking"): mkimage.py's three-layer image, imported in each format,
# with whiteouts of a file and a directory, opaque directories (the marker
# before and after the layer's own entries), a file replaced by a directory
# and back, a path removed and re-added, a hard link to a lower layer's
# file, files of uids 0, 1000, 65534, 66000 and the map's last, modes,
# times, symbolic links, a FIFO and device nodes. Owners are checked on the
# host (the subordinate id the subid map gives) and inside (the image's id).

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# t3_import [mkimage.py OPTIONS...]: the three-layer image imported as t3;
# R is its root. Needs ids up to 66000 in the user's map.
t3_import() {
        image_setup
        require_subid
        [ "$(map_last_id)" -ge 66000 ] ||
                skip "machine: $(id -un) has fewer than 66000 subordinate ids (the image has files of uid 66000)"
        mkimage preset:three-layer "$WORK/t3" "$@"
        import_ok t3 --name t3 "$WORK/t3"
        T3_ERR=$ERR
        R=$STORE/t3/rootfs
}

test_three_layers_whiteouts_opaque_directories_and_replacements() {
        t3_import --format docker-archive
        [ ! -e "$R/old/gone" ] || fail "old/gone is there: its whiteout in layer 2 was not applied"
        assert_eq "kept" "$(cat "$R/old/kept")" "old/kept, beside the whiteout"
        [ ! -e "$R/gonedir" ] || fail "gonedir is there: the whiteout of a directory was not applied"
        assert_eq "new-a" "$(ls -A "$R/opq1")" "opq1: opaque marker before the layer's own entries"
        assert_eq "new-b" "$(ls -A "$R/opq2")" "opq2: opaque marker after the layer's own entries"
        assert_eq "" "$(in_ns find "$R" -name '.wh.*')" "whiteout markers in the root"
        [ -f "$R/swap" ] && [ ! -L "$R/swap" ] || fail "swap: a file, a directory in layer 2, is no file after layer 3"
        assert_eq "v3" "$(cat "$R/swap")" "swap after layer 3"
        assert_eq "new" "$(cat "$R/readd/f")" "readd/f, removed and re-added in layer 3"
}

test_three_layers_hard_link_to_a_lower_layers_file() {
        t3_import --format oci-layout --compress gzip
        assert_eq "$(stat -c %i "$R/data/target")" "$(stat -c %i "$R/data/link")" \
                "inode of data/link (layer 2) and data/target (layer 1) on the host"
        assert_eq 2 "$(stat -c %h "$R/data/target")" "link count of data/target"
        run "$USERBOX" run -p t3 -- /bin/busybox sh -c 'test "$(stat -c %i /data/target)" = "$(stat -c %i /data/link)" && cat /data/link'
        assert_eq "hello" "$OUT" "data/link inside, the same inode as data/target: $ERR"
}

test_three_layers_owners_on_the_host_are_the_subordinate_ids() {
        t3_import --format oci-archive --compress gzip
        local last path uid gid want
        last=$(map_last_id)
        while read -r path uid gid; do
                want="$(host_id uid "$uid"):$(host_id gid "$gid")"
                assert_eq "$want" "$(stat -c %u:%g "$R/$path")" "owner of $path (image $uid:$gid) on the host"
        done <<-EOF
		own/root 0 0
		own/user 1000 1000
		own/nobody 65534 65534
		own/second 66000 66000
		own/mixed 1000 65534
		own/last $last $last
		own/userdir 1000 1000
		data/target 1000 1000
		home/user 1000 1000
		bin/busybox 0 0
	EOF
        assert_eq "$(id -u)" "$(stat -c %u "$R")" "the root directory belongs to the user"
}

test_three_layers_owners_inside_are_the_images_ids() {
        t3_import --format docker-archive-new
        local last
        last=$(map_last_id)
        run "$USERBOX" run -p t3 -- /bin/busybox stat -c '%n %u:%g' \
                /own/root /own/user /own/nobody /own/second /own/mixed /own/last /own/userdir/inner
        assert_eq 0 "$STATUS" "run -p t3: $ERR"
        assert_eq "/own/root 0:0
/own/user 1000:1000
/own/nobody 65534:65534
/own/second 66000:66000
/own/mixed 1000:65534
/own/last $last:$last
/own/userdir/inner 1000:1000" "$OUT" "owners inside"
}

test_three_layers_modes_times_links_fifo_and_device_nodes_skipped() {
        t3_import --format oci-layout
        local path want
        while read -r path want; do
                assert_eq "$want" "$(stat -c %a "$R/$path")" "mode of $path"
        done <<-'EOF'
		modes/f640 640
		modes/f755 755
		modes/f600 600
		modes/suid 4755
		modes/sgiddir 2775
		modes/sticky 1777
		modes/private 700
		tmp 1777
		root 700
		data/target 640
	EOF
        assert_eq 1000000000 "$(stat -c %Y "$R/times/file")" "mtime of times/file"
        assert_eq 1100000000 "$(stat -c %Y "$R/times")" "mtime of the directory times, set after its content"
        assert_eq 1700000000 "$(stat -c %Y "$R/old/kept")" "mtime of old/kept"
        assert_eq "../data/target" "$(readlink "$R/links/rel")" "links/rel"
        assert_eq "/data/target" "$(readlink "$R/links/abs")" "links/abs"
        assert_eq "/nowhere" "$(readlink "$R/links/dangling")" "links/dangling"
        assert_eq "fifo" "$(stat -c %F "$R/fifo")" "type of fifo"
        assert_eq 640 "$(stat -c %a "$R/fifo")" "mode of fifo"
        [ ! -e "$R/dev/null-node" ] && [ ! -e "$R/dev/loop-node" ] || fail "a device node (or a stand-in) was made"
        assert_eq "userbox: 2 device nodes skipped: a user namespace cannot make them" "$T3_ERR" \
                "what the import says besides the name"
        run "$USERBOX" run -p t3 -- /bin/busybox cat /links/rel
        assert_eq "hello" "$OUT" "links/rel followed inside: $ERR"
}

# The same tree as umoci unpacks (names, types, modes, sizes, link
# targets, times of files), but for the device nodes umoci fakes as files.
test_three_layers_tree_is_the_one_umoci_unpacks() {
        require_cmd umoci
        t3_import --format oci-layout --compress gzip
        umoci raw unpack --rootless --image "$WORK/t3:three:layers" "$WORK/umoci" >"$WORK/umoci.log" 2>&1 ||
                fail "umoci raw unpack: $(tail -n 5 "$WORK/umoci.log")"
        local listing='cd "$1" && find . -mindepth 1 \( -type l -printf "%P l %l\n" \) -o \( -type d -printf "%P d %m\n" \) -o \( -type f -printf "%P f %m %s %T@\n" \) -o -printf "%P %y %m %T@\n" | grep -v "^dev/.*-node " | sort'
        assert_eq "$(sh -c "$listing" _ "$WORK/umoci")" "$(in_ns sh -c "$listing" _ "$R")" "the tree, umoci's then userbox's"
}
