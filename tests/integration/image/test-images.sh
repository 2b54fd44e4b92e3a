# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# userbox images (the table and --format json) and userbox rmi: an image
# removed leaves nothing (its root, whose files belong to subordinate ids,
# its profile), and rmi never removes what is not an image of the store.

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

test_images_lists_each_image_in_a_table() {
        image_setup
        mkimage preset:busybox "$WORK/bb.tar" --format docker-archive
        mkimage preset:config "$WORK/config.oci" --compress gzip
        import_ok busybox-1 "$WORK/bb.tar"
        import_ok config-test "$WORK/config.oci"
        run "$USERBOX" images
        assert_eq 0 "$STATUS" "images: $ERR"
        local header
        header=$(head -n 1 <<<"$OUT")
        [[ $header =~ ^NAME\ +SIZE\ +CREATED\ +SOURCE ]] || fail "the header of images: '$header'"
        assert_eq 3 "$(wc -l <<<"$OUT")" "lines of images: $OUT"
        assert_contains "$(grep '^busybox-1 ' <<<"$OUT")" "$WORK/bb.tar" "the line of busybox-1"
        assert_contains "$(grep '^busybox-1 ' <<<"$OUT")" "2024-01-02" "the line of busybox-1"
        assert_contains "$(grep '^config-test ' <<<"$OUT")" "$WORK/config.oci" "the line of config-test"
}

test_images_json_describes_each_image() {
        image_setup
        mkimage preset:busybox "$WORK/bb" --compress gzip
        mkimage preset:busybox "$WORK/root.tar" --format rootfs-tar
        import_ok busybox-1 "$WORK/bb"
        import_ok root "$WORK/root.tar"
        assert_eq "oci-layout $WORK/bb $STORE/busybox-1/rootfs $(summary "$WORK/bb" "s['manifest']")" \
                "$(image_field busybox-1 "' '.join([i['format'], i['source'], i['root'], i['digest']])")" \
                "busybox-1: format, source, root, digest"
        assert_contains "$(image_field busybox-1 "i['created']")" "2024-01-02" "busybox-1: created, the config's"
        # Its size: at least the busybox binary's.
        assert_eq True "$(image_field busybox-1 "isinstance(i['size'], int) and i['size'] >= $(stat -c %s "$(_busybox_binary)")")" \
                "busybox-1: size in bytes"
        assert_eq "rootfs-tar $WORK/root.tar $STORE/root/rootfs" \
                "$(image_field root "' '.join([i['format'], i['source'], i['root']])")" "root: format, source, root"
        run "$USERBOX" images --format json
        assert_eq "busybox-1 root" "$(python3 -c 'import json,sys; print(*sorted(i["name"] for i in json.loads(sys.argv[1])))' "$OUT")" \
                "the names in images --format json"
}

test_images_of_an_empty_store() {
        image_setup
        run "$USERBOX" images --format json
        assert_eq 0 "$STATUS" "images --format json of no store: $ERR"
        assert_eq "[]" "$(python3 -c 'import json,sys; print(json.dumps(json.loads(sys.argv[1])))' "$OUT")" "images --format json"
        run "$USERBOX" images
        assert_eq 0 "$STATUS" "images of no store: $ERR"
        assert_eq 1 "$(wc -l <<<"$OUT")" "images of no store: the header only: $OUT"
}

test_rmi_leaves_nothing_of_the_image() {
        image_setup
        require_subid
        mkimage preset:three-layer "$WORK/t3" --compress gzip
        mkimage preset:busybox "$WORK/bb"
        import_ok t3 --name t3 "$WORK/t3"
        import_ok keep --name keep "$WORK/bb"
        run "$USERBOX" rmi t3
        assert_eq 0 "$STATUS" "rmi t3: $ERR"
        [ ! -e "$STORE/t3" ] || fail "rmi left $(find "$STORE/t3" | head -n 5)"
        WHAT="the store after rmi t3" assert_store_holds keep
        assert_eq absent "$(image_field t3 "i['name']")" "images after rmi"
        run "$USERBOX" run -p t3 -- /bin/busybox true
        assert_eq 125 "$STATUS" "run -p t3 after rmi t3"
        assert_contains "$ERR" "t3" "the error of run -p t3 after rmi"
        run "$USERBOX" run -p keep -- /bin/busybox cat /etc/image-marker
        assert_eq "busybox image" "$OUT" "the other image, after rmi t3: $ERR"
}

test_rmi_of_several_images() {
        image_setup
        mkimage preset:busybox "$WORK/bb"
        import_ok a --name a "$WORK/bb"
        import_ok b --name b "$WORK/bb"
        import_ok c --name c "$WORK/bb"
        run "$USERBOX" rmi a c
        assert_eq 0 "$STATUS" "rmi a c: $ERR"
        WHAT="the store after rmi a c" assert_store_holds b
}

test_rmi_of_an_unknown_name_is_125() {
        image_setup
        mkimage preset:busybox "$WORK/bb"
        import_ok a --name a "$WORK/bb"
        run "$USERBOX" rmi nosuch
        assert_eq 125 "$STATUS" "rmi nosuch"
        assert_contains "$ERR" "nosuch" "the message names the image"
        WHAT="the store after rmi nosuch" assert_store_holds a
}

# rmi removes images of the store, never the store, its parent or what a
# name with a slash would reach.
test_rmi_of_a_name_that_is_a_path_removes_nothing() {
        image_setup
        mkimage preset:busybox "$WORK/bb"
        import_ok a --name a "$WORK/bb"
        mkdir -p "$XDG_DATA_HOME/userbox/victim"
        local name
        for name in .. ../victim . a/rootfs/bin '' "$WORK/bb" ../images/a/../a; do
                run "$USERBOX" rmi "$name"
                assert_eq 125 "$STATUS" "rmi '$name'"
        done
        [ -d "$XDG_DATA_HOME/userbox/victim" ] || fail "rmi removed a directory beside the store"
        [ -d "$WORK/bb" ] || fail "rmi removed the image's source"
        [ -x "$STORE/a/rootfs/bin/busybox" ] || fail "rmi of a path removed part of image a"
        WHAT="the store after rmi of paths" assert_store_holds a
}

# The root holds links to the host's files and directories: rmi removes
# the links, never what they point to.
test_rmi_does_not_follow_links_out_of_the_root() {
        image_setup
        cat >"$WORK/spec.json" <<-EOF
		{"tag": "links:1", "layers": [[
		  {"type": "dir", "path": "d", "uid": 1000, "gid": 1000},
		  {"type": "symlink", "path": "d/to-dir", "target": "$SENTINEL"},
		  {"type": "symlink", "path": "d/to-file", "target": "$SENTINEL/secret"},
		  {"type": "symlink", "path": "d/up", "target": "../../../../../../../../../../../..$SENTINEL/sub"}]]}
	EOF
        mkimage "$WORK/spec.json" "$WORK/links"
        import_ok links-1 "$WORK/links"
        run "$USERBOX" rmi links-1
        assert_eq 0 "$STATUS" "rmi links-1: $ERR"
        assert_sentinel_untouched
        WHAT="the store after rmi links-1" assert_store_holds
}
