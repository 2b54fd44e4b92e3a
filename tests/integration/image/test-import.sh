# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash disable=SC2016 # scripts run inside expand there
#
# userbox import (userbox(1), IMAGES; design §11): every format it reads
# (ours from mkimage.py, and skopeo's), the names it gives, a taken or bad
# name, --ref, and what the store holds. The layers themselves:
# test-layers.sh; the config: test-image-config.sh; refusals:
# test-refused.sh; interruptions: test-interrupt.sh.

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# busybox_round_trip FORMAT NAME [mkimage.py OPTIONS...]: a busybox image
# written as FORMAT, imported as NAME, runs, its files owned as the image
# says (home/user: 1000), and `images` says which format it was.
busybox_round_trip() {
        local format=$1 name=$2 src
        shift 2
        image_setup
        src=$WORK/image-$format
        mkimage preset:busybox "$src" --format "$format" "$@"
        import_ok "$name" --name "$name" "$src"
        assert_eq "" "$ERR" "what a successful import prints on stderr"
        run "$USERBOX" run -p "$name" -- /bin/busybox sh -c 'cat /etc/image-marker; stat -c %u:%g /home/user'
        assert_eq 0 "$STATUS" "run -p $name: $ERR"
        assert_eq "busybox image
1000:1000" "$OUT" "the imported root, run"
        local want=$format
        [ "$format" = docker-archive-new ] && want=docker-archive
        assert_eq "$want" "$(image_field "$name" "i['format']")" "the format images lists"
        assert_store_holds "$name"
}

test_import_docker_save_archive_old_layout() {
        busybox_round_trip docker-archive bb-docker
}

test_import_docker_save_archive_docker_25_layout() {
        busybox_round_trip docker-archive-new bb-docker25
}

test_import_oci_layout_directory_with_gzip_layers() {
        busybox_round_trip oci-layout bb-oci --compress gzip
}

test_import_oci_layout_directory_with_uncompressed_layers() {
        busybox_round_trip oci-layout bb-oci-tar --compress none
}

test_import_oci_archive() {
        busybox_round_trip oci-archive bb-ociarchive --compress gzip
}

test_import_plain_rootfs_tar_gz() {
        busybox_round_trip rootfs-tar bb-rootfs --compress gzip
}

test_import_plain_rootfs_tar_xz_of_dot_slash_names() {
        # As `tar -C root -cJf root.tar.xz .` writes it: every name "./...".
        busybox_round_trip rootfs-tar bb-rootfs-xz --compress xz --prefix ./
}

# The archives podman save and skopeo write (layers named <digest>.tar,
# <id>/layer.tar a symbolic link to them), from another tool than ours.
test_import_archives_written_by_skopeo() {
        require_cmd skopeo
        image_setup
        mkimage preset:busybox "$WORK/oci" --compress gzip
        skopeo copy -q oci:"$WORK/oci":busybox:1 docker-archive:"$WORK/skopeo-docker.tar":example.com/tools/box:3 ||
                fail "skopeo copy to docker-archive"
        skopeo copy -q oci:"$WORK/oci":busybox:1 oci-archive:"$WORK/skopeo-oci.tar":example.com/tools/box:4 ||
                fail "skopeo copy to oci-archive"
        import_ok box-3 "$WORK/skopeo-docker.tar"
        import_ok box-4 "$WORK/skopeo-oci.tar"
        local name
        for name in box-3 box-4; do
                run "$USERBOX" run -p "$name" -- /bin/busybox cat /etc/image-marker
                assert_eq "busybox image" "$OUT" "run -p $name: $ERR"
        done
}

test_default_names_come_from_the_tag_or_the_file_name() {
        image_setup
        local tag name
        # tag -> name: the last component of the repository, then -TAG
        # unless the tag is latest.
        while read -r tag name; do
                rm -rf "$WORK/img"
                mkimage preset:busybox "$WORK/img" --format docker-archive --tag "$tag"
                import_ok "$name" "$WORK/img"
        done <<-'EOF'
		docker.io/library/debian:12 debian-12
		busybox:latest busybox
		127.0.0.1:5000/team/tool:2.1 tool-2.1
		alpine alpine
	EOF
        # No tag, or a bare tag (OCI's ref.name "12"): the file's name
        # without its extensions.
        mkimage preset:busybox "$WORK/my-layout.oci" --tag 12
        import_ok my-layout "$WORK/my-layout.oci"
        mkimage preset:busybox "$WORK/untagged" --tag ''
        import_ok untagged "$WORK/untagged"
        mkimage preset:busybox "$WORK/my-root.tar.gz" --format rootfs-tar --compress gzip
        import_ok my-root "$WORK/my-root.tar.gz"
        mkimage preset:busybox "$WORK/plain.tar" --format rootfs-tar
        import_ok plain "$WORK/plain.tar"
        mkimage preset:busybox "$WORK/x.tar.xz" --format rootfs-tar --compress xz
        import_ok x "$WORK/x.tar.xz"
        # --name wins over both.
        import_ok mine --name mine "$WORK/my-root.tar.gz"
        assert_store_holds debian-12 busybox tool-2.1 alpine my-layout untagged my-root plain x mine
}

test_an_existing_name_is_refused_and_the_image_kept() {
        image_setup
        mkimage preset:busybox "$WORK/a"
        mkimage preset:config "$WORK/b"
        import_ok busybox-1 "$WORK/a"
        run "$USERBOX" import --name busybox-1 "$WORK/b"
        assert_eq 125 "$STATUS" "import under a taken name"
        assert_eq "userbox: image 'busybox-1' already exists (remove it with 'userbox rmi busybox-1')" "$ERR"
        run "$USERBOX" run -p busybox-1 -- /bin/busybox cat /etc/image-marker
        assert_eq "busybox image" "$OUT" "the first image, after the refused import: $ERR"
        [ ! -e "$STORE/busybox-1/rootfs/usr/bin/entry" ] || fail "the refused import wrote into the existing image"
        assert_store_holds busybox-1
}

test_a_name_that_is_a_path_is_refused() {
        image_setup
        mkimage preset:busybox "$WORK/a"
        local name
        for name in ../escape a/b . .. '' .tmp-x "$(printf 'x%.0s' $(seq 1 300))"; do
                run "$USERBOX" import --name "$name" "$WORK/a"
                assert_eq 125 "$STATUS" "import --name '$name'"
                assert_contains "$ERR" "name" "the refusal of --name '$name'"
        done
        [ ! -e "$XDG_DATA_HOME/userbox/escape" ] || fail "--name ../escape wrote beside the store"
        assert_store_holds
        import_ok good.name-1_x --name good.name-1_x "$WORK/a"
        assert_store_holds good.name-1_x
}

test_ref_picks_one_image_of_a_layout_holding_several() {
        require_cmd skopeo
        image_setup
        mkimage preset:busybox "$WORK/a"
        mkimage preset:config "$WORK/b"
        skopeo copy -q oci:"$WORK/a":busybox:1 oci:"$WORK/multi":example.com/alpha:1 &&
                skopeo copy -q oci:"$WORK/b":config:test oci:"$WORK/multi":example.com/beta:2 ||
                fail "skopeo copy into one layout"
        run "$USERBOX" import "$WORK/multi"
        assert_eq 125 "$STATUS" "import of a layout of two images without --ref"
        assert_contains "$ERR" "example.com/alpha:1" "the refusal lists the references"
        assert_contains "$ERR" "example.com/beta:2" "the refusal lists the references"
        assert_store_holds
        import_ok beta-2 --ref example.com/beta:2 "$WORK/multi"
        [ -x "$STORE/beta-2/rootfs/usr/bin/entry" ] || fail "--ref example.com/beta:2 did not import that image"
        [ ! -e "$STORE/beta-2/rootfs/etc/image-marker" ] || fail "--ref example.com/beta:2 imported alpha"
        assert_eq "example.com/beta:2" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["tag"])' \
                "$STORE/beta-2/image.json")" "image.json tag"
}

test_a_missing_or_unreadable_source_is_125() {
        image_setup
        run "$USERBOX" import "$WORK/no-such-image.tar"
        assert_eq 125 "$STATUS" "import of a missing file"
        assert_contains "$ERR" "$WORK/no-such-image.tar" "the message names the file"
        printf 'not an image, not a tar\n' >"$WORK/junk.tar"
        run "$USERBOX" import "$WORK/junk.tar"
        assert_eq 125 "$STATUS" "import of a file that is no tar"
        assert_contains "$ERR" "junk.tar" "the message names the file"
        assert_store_holds
}

# ------------------------------------------------------ the store's files

test_store_holds_the_root_the_config_blob_and_image_json() {
        image_setup
        mkimage preset:three-layer "$WORK/t3" --compress gzip
        import_ok three-layers "$WORK/t3"
        local dir=$STORE/three-layers
        [ -d "$dir/rootfs/bin" ] || fail "no $dir/rootfs/bin"
        assert_eq "$(summary "$WORK/t3" "s['config']")" "sha256:$(sha256sum <"$dir/config.json" | cut -d' ' -f1)" \
                "config.json is the image's config blob, byte for byte"
        assert_eq "oci-layout three:layers 3 $(summary "$WORK/t3" "s['manifest']") $WORK/t3" \
                "$(python3 -c 'import json,sys; j = json.load(open(sys.argv[1])); print(j["format"], j["tag"], j["layers"], j["digest"], j["source"])' "$dir/image.json")" \
                "image.json: format, tag, layers, digest, source"
        [ -f "$dir/three-layers.ini" ] || fail "no generated profile $dir/three-layers.ini"
        assert_contains "$(cat "$dir/three-layers.ini")" "Root=$dir/rootfs" "the generated profile"
}
