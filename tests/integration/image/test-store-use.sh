# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# The image store next to the rest of userbox: an image in use by a
# container, an image whose name is a profile userbox loads on its own,
# and what `userbox images` prints of an image's own text.

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# docker and podman refuse to remove an image a container uses; userbox
# runs the container in the image's root itself, so removing it takes the
# files from under the running program.
test_rmi_of_an_image_a_container_runs_in_is_refused() {
        local pid out
        image_setup
        require_subid
        mkimage preset:busybox "$WORK/bb"
        import_ok bb --name bb "$WORK/bb"
        out=$WORK/container.out
        "$USERBOX" run -p bb -- /bin/busybox sh -c \
                'mkdir /started; sleep 3; /bin/busybox cat /etc/image-marker' >"$out" 2>&1 </dev/null &
        pid=$!
        wait_for 20 test -d "$STORE/bb/rootfs/started" || { kill "$pid"; fail "the container did not start: $(cat "$out")"; }
        run "$USERBOX" rmi bb
        wait "$pid"
        assert_eq "busybox image" "$(cat "$out")" "what the container read from its root after rmi"
        assert_eq 125 "$STATUS" "rmi of an image in use: $ERR"
        assert_store_holds bb
}

# The store's profiles come before the shipped ones on the search path,
# and default.ini is loaded by every run: an image that happens to be
# named "default" (from a tag ".../default:latest") must not become the
# root of every `userbox run` that names no image.
test_an_image_named_default_does_not_change_other_runs() {
        local host_file=$SRCDIR/tests/integration/image/common.sh want
        image_setup
        mkimage preset:busybox "$WORK/bb" --tag "example.org/tools/default:latest"
        want=$(head -n 1 "$host_file")
        run "$USERBOX" run -- /bin/head -n 1 "$host_file"
        assert_eq "0 $want" "$STATUS $OUT" "run on the host's root before the import: $ERR"
        run "$USERBOX" import "$WORK/bb"
        run "$USERBOX" run -- /bin/head -n 1 "$host_file"
        assert_eq "0 $want" "$STATUS $OUT" "run on the host's root after the import of an image named default: $ERR"
}

# An image's "created" is its author's text: printed to a terminal as it
# is, an escape sequence in it would drive the terminal.
test_images_prints_no_control_characters_of_an_image() {
        image_setup
        cat >"$WORK/spec.json" <<-'EOF'
		{"tag": "esc:1", "created": "\u001b]0;owned\u0007\u001b[2J2024-01-02T03:04:05Z",
		 "config": {"Cmd": ["/bin/sh"]}, "layers": [[{"type": "busybox"}]]}
	EOF
        mkimage "$WORK/spec.json" "$WORK/esc"
        import_ok esc-1 "$WORK/esc"
        run "$USERBOX" images
        assert_eq 0 "$STATUS" "images: $ERR"
        assert_eq 0 "$(tr -d '\n' <<<"$OUT" | LC_ALL=C grep -c '[[:cntrl:]]')" "lines of images with control characters: $(cat -v <<<"$OUT")"
}

# Stops the rm that an rmi (pid $1) runs on its .tmp-* ($RM_PID). The rm
# of 20,000 files takes about 0.1 s: it is looked for without a pause
# between tries (wait_for's 0.1 s missed it on a loaded machine), until
# the rmi ends or 30 s pass.
stop_rmi_rm() {
        local deadline=$((SECONDS + 30))
        while [ "$SECONDS" -lt "$deadline" ] && kill -0 "$1" 2>/dev/null; do
                RM_PID=$(pgrep -u "$(id -u)" -f "rm -rf --one-file-system -- $STORE/.tmp-") &&
                        kill -STOP "$RM_PID" && return 0
        done
        return 1
}

# rmi renames the image to a .tmp-* it made and locked, but the rename puts
# the image's directory, which nobody locked, in the place of the locked
# one: an import meanwhile takes the rmi under way for one that died, and
# removes the same tree at the same time. The rmi's rm is stopped here to
# hold the moment.
test_an_import_leaves_a_running_rmi_alone() {
        local rmi_pid
        image_setup
        require_subid
        cat >"$WORK/many.json" <<-'EOF'
		{"layers": [[{"type": "busybox"}, {"type": "many", "path": "many", "count": 20000, "size": 0}]]}
	EOF
        mkimage "$WORK/many.json" "$WORK/many"
        mkimage preset:busybox "$WORK/bb"
        import_ok many --name many "$WORK/many"
        "$USERBOX" rmi many >"$WORK/rmi.out" 2>&1 &
        rmi_pid=$!
        stop_rmi_rm "$rmi_pid" || { wait "$rmi_pid"; fail "the rm of rmi was not seen running: $(cat "$WORK/rmi.out")"; }
        run "$USERBOX" import -v --name bb "$WORK/bb"
        kill -CONT "$RM_PID"
        wait "$rmi_pid"
        local rmi_status=$?
        assert_eq 0 "$STATUS" "import: $ERR"
        assert_not_contains "$ERR" "left by an import or rmi that did not finish" "what import -v says it removes"
        assert_eq 0 "$rmi_status" "rmi: $(cat "$WORK/rmi.out")"
        assert_store_holds bb
}
