# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# The filesystem view of design §4, seen from inside, and the host's mount
# table seen from outside.

# "MOUNTPOINT FSTYPE PER-MOUNT-OPTIONS" for every mount the container sees.
mounts_inside() {
        run "$USERBOX" run "$TEST_ROOT" -- cat /proc/self/mountinfo
        [ "$STATUS" = 0 ] || fail "userbox run failed ($STATUS): $ERR"
        printf '%s\n' "$OUT" | awk '{ for (i = 7; $i != "-"; i++); print $5, $(i + 1), $6 }'
}

# mount_line TABLE MOUNTPOINT: the last (topmost) mount at MOUNTPOINT.
mount_line() {
        printf '%s\n' "$1" | awk -v m="$2" '$1 == m { line = $0 } END { print line }'
}

assert_mount() { # TABLE MOUNTPOINT FSTYPE [OPTION...]
        local table=$1 mp=$2 type=$3 line opt
        shift 3
        line=$(mount_line "$table" "$mp")
        [ -n "$line" ] || fail "nothing mounted at $mp; the table inside:
$table"
        assert_eq "$type" "$(echo "$line" | cut -d' ' -f2)" "file system type of $mp"
        for opt in "$@"; do
                case ",$(echo "$line" | cut -d' ' -f3)," in
                *",$opt,"*) ;;
                *) fail "$mp lacks option $opt: $line" ;;
                esac
        done
}

test_mount_table_has_the_standard_mounts_with_their_flags() {
        local table
        table=$(mounts_inside)
        assert_mount "$table" / "$(mount_type_of_root)" rw
        assert_mount "$table" /proc proc rw nosuid nodev noexec
        assert_mount "$table" /proc/sys proc ro
        if [ -e /proc/sysrq-trigger ]; then
                assert_mount "$table" /proc/sysrq-trigger proc ro
        fi
        assert_mount "$table" /sys sysfs ro
        assert_mount "$table" /dev tmpfs nosuid noexec
        assert_mount "$table" /dev/pts devpts
        assert_mount "$table" /dev/shm tmpfs
        assert_mount "$table" /dev/mqueue mqueue
        assert_mount "$table" /tmp tmpfs rw
}

# The type of the file system holding the test root, as mountinfo names it.
mount_type_of_root() {
        findmnt -n -o FSTYPE --target "$TEST_ROOT" 2>/dev/null ||
                stat -f -c %T "$TEST_ROOT"
}

test_mount_table_holds_nothing_of_the_host_beyond_sys() {
        local table unexpected
        table=$(mounts_inside)
        # Anything else (a host path, the old root) means the old root was
        # not detached or a host mount leaked in.
        unexpected=$(printf '%s\n' "$table" | awk '
                $1 == "/" || $1 == "/tmp" { next }
                $1 ~ "^/(proc|sys|dev)(/|$)" { next }
                { print }')
        assert_eq "" "$unexpected" "mounts besides /, /proc, /sys, /dev and /tmp"
}

test_sys_is_read_only_all_the_way_down() {
        local table not_ro
        table=$(mounts_inside)
        not_ro=$(printf '%s\n' "$table" | awk '$1 ~ "^/sys(/|$)" && ("," $3 ",") !~ /,ro,/ { print }')
        assert_eq "" "$not_ro" "mounts under /sys that are not read-only"
}

test_masked_proc_files_read_empty() {
        local f found=0
        for f in /proc/kcore /proc/keys /proc/timer_list /proc/sched_debug; do
                [ -e "$f" ] || continue
                found=1
                run "$USERBOX" run "$TEST_ROOT" -- sh -c "wc -c < $f"
                assert_eq 0 "$STATUS" "reading $f ($ERR)"
                assert_eq 0 "$(echo "$OUT" | tr -d ' ')" "bytes read from masked $f"
        done
        for f in /proc/acpi /proc/scsi; do
                [ -d "$f" ] || continue
                found=1
                run "$USERBOX" run "$TEST_ROOT" -- ls -A "$f"
                assert_eq 0 "$STATUS" "listing $f ($ERR)"
                assert_eq "" "$OUT" "entries of masked $f"
        done
        [ "$found" = 1 ] || skip "machine: none of the masked /proc paths exists here"
}

test_proc_sys_cannot_be_written() {
        run "$USERBOX" run "$TEST_ROOT" -- sh -c 'echo x > /proc/sys/kernel/hostname'
        assert_ne 0 "$STATUS" "writing /proc/sys/kernel/hostname succeeded"
}

# One line per /dev entry: "NAME char MAJ:MIN", "NAME link TARGET" or "NAME dir".
dev_listing_script='cd /dev && for f in *; do
        if [ -L "$f" ]; then echo "$f link $(readlink "$f")"
        elif [ -c "$f" ]; then echo "$f char $(stat -c %t:%T "$f")"
        elif [ -d "$f" ]; then echo "$f dir"
        else echo "$f other"; fi
done'

test_dev_holds_exactly_the_standard_nodes_and_links() {
        local expected node
        expected=$(
                for node in null zero full random urandom tty; do
                        echo "$node char $(stat -c %t:%T /dev/$node)"
                done
                echo "core link /proc/kcore"
                echo "fd link /proc/self/fd"
                echo "mqueue dir"
                echo "ptmx link pts/ptmx"
                echo "pts dir"
                echo "shm dir"
                echo "stderr link /proc/self/fd/2"
                echo "stdin link /proc/self/fd/0"
                echo "stdout link /proc/self/fd/1"
        )
        run "$USERBOX" run "$TEST_ROOT" -- sh -c "$dev_listing_script"
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq "$(printf '%s\n' "$expected" | sort)" "$(printf '%s\n' "$OUT" | sort)" "/dev listing"
}

test_dev_nodes_behave_like_the_real_ones() {
        run "$USERBOX" run "$TEST_ROOT" -- sh -c '
                echo discarded > /dev/null || exit 10
                [ "$(head -c 4 /dev/zero | wc -c)" = 4 ] || exit 11
                [ "$(head -c 4 /dev/urandom | wc -c)" = 4 ] || exit 12
                if echo x > /dev/full; then exit 13; fi
                exit 0'
        assert_eq 0 "$STATUS" "status (10 null, 11 zero, 12 urandom, 13 full accepted a write; stderr: $ERR)"
}

test_dev_has_a_private_devpts_instance() {
        run "$USERBOX" run "$TEST_ROOT" -- ls -A /dev/pts
        assert_eq 0 "$STATUS" "status ($ERR)"
        # A new instance holds only its ptmx: no host terminal is reachable.
        assert_eq ptmx "$OUT" "entries of /dev/pts"
}

test_host_mount_table_is_unchanged_after_100_runs() {
        slow
        local before after i want
        before=$(host_mountinfo)
        for i in $(seq 1 100); do
                case $((i % 4)) in
                0) run "$USERBOX" run "$TEST_ROOT" -- true; want=0 ;;
                1) run "$USERBOX" run --idmap single "$TEST_ROOT" -- sh -c 'exit 3'; want=3 ;;
                2) run "$USERBOX" run "$TEST_ROOT" -- /nonexistent-command; want=$EXIT_NOT_FOUND ;;
                3) run "$USERBOX" run --ro-bind /etc:/mnt "$TEST_ROOT" -- true; want=0 ;;
                esac
                # A crashing launcher would leave the table unchanged too.
                [ "$STATUS" = "$want" ] || fail "run $i: status $STATUS, not $want ($ERR)"
        done
        after=$(host_mountinfo)
        assert_eq "$before" "$after" "host mount table"
}

# make_unwritable_root DIR REMOVED-DIR...: a busybox root without some of
# its mount points, that the container cannot write (lib.sh).
make_unwritable_root() {
        local root=$1
        shift
        make_root "$root"
        [ $# -eq 0 ] || (cd "$root" && rmdir "$@")
        unwritable_root "$root"
}

test_unwritable_root_without_proc_is_refused_clearly() {
        local root
        root=$(mktemp_dir)/noproc
        assert_unwritable_root_runs
        make_unwritable_root "$root" proc
        run "$USERBOX" run --idmap single "$root" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status"
        assert_contains "$ERR" "proc" "message names the missing directory"
        assert_eq 1 "$(printf '%s\n' "$ERR" | wc -l)" "lines of the message ($ERR)"
        [ ! -e "$root/proc" ] || fail "an unwritable root was modified: $root/proc created"
}

test_unwritable_root_without_dev_is_refused_clearly() {
        local root
        root=$(mktemp_dir)/nodev
        assert_unwritable_root_runs
        make_unwritable_root "$root" dev
        run "$USERBOX" run --idmap single "$root" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status"
        assert_contains "$ERR" "dev" "message names the missing directory"
        [ ! -e "$root/dev" ] || fail "an unwritable root was modified: $root/dev created"
}

# The control: with its mount points, such a root runs. Without this an
# unrelated failure would pass for the refusal.
assert_unwritable_root_runs() {
        local root
        root=$(mktemp_dir)/complete
        make_unwritable_root "$root"
        run "$USERBOX" run --idmap single "$root" -- true
        assert_eq 0 "$STATUS" "status of an unwritable root that has its mount points ($ERR)"
}

test_unwritable_root_with_its_mount_points_runs() {
        assert_unwritable_root_runs
}

test_writable_root_without_proc_and_dev_gets_them_created() {
        local root
        root=$(mktemp_dir)/bare
        make_root "$root"
        rmdir "$root/proc" "$root/dev" "$root/sys" "$root/tmp"
        run "$USERBOX" run "$root" -- sh -c 'test -e /proc/self/status && test -c /dev/null'
        assert_eq 0 "$STATUS" "status ($ERR)"
        [ -d "$root/proc" ] && [ -d "$root/dev" ] || fail "mount points were not created in the root"
}

test_read_only_root_cannot_be_written() {
        run "$USERBOX" run --read-only "$TEST_ROOT" -- sh -c 'touch /probe'
        assert_ne 0 "$STATUS" "writing into a read-only root succeeded"
        [ ! -e "$TEST_ROOT/probe" ] || { rm -f "$TEST_ROOT/probe"; fail "the root was written"; }
        run "$USERBOX" run --read-only "$TEST_ROOT" -- sh -c 'touch /tmp/probe'
        assert_eq 0 "$STATUS" "/tmp stays writable in a read-only root ($ERR)"
}

test_ro_bind_is_read_only_and_bind_is_writable() {
        local src
        src=$(mktemp_dir)
        echo hello >"$src/file"
        run "$USERBOX" run --ro-bind "$src:/mnt" "$TEST_ROOT" -- sh -c 'cat /mnt/file; touch /mnt/new'
        assert_contains "$OUT" hello "content through --ro-bind"
        assert_ne 0 "$STATUS" "touch in a --ro-bind"
        [ ! -e "$src/new" ] || fail "a --ro-bind source was written"
        run "$USERBOX" run --bind "$src:/mnt" "$TEST_ROOT" -- sh -c 'echo written > /mnt/new'
        assert_eq 0 "$STATUS" "write through --bind ($ERR)"
        assert_eq written "$(cat "$src/new" 2>/dev/null)" "file written through --bind"
        run "$USERBOX" run --bind "$src:/mnt:ro" "$TEST_ROOT" -- sh -c 'touch /mnt/other'
        assert_ne 0 "$STATUS" "touch in a --bind SRC:DST:ro"
}
