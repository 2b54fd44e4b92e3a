# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Identity mapping (design §3): the maps a container sees, for each mode.

# A map file's lines as "INSIDE OUTSIDE COUNT".
normalise_map() { awk 'NF == 3 { print $1, $2, $3 }'; }

# The subid plan computed from /etc/subuid or /etc/subgid: the user to 0,
# then every subordinate range in order from 1.
expected_subid_map() { # uid|gid
        local own next=1 start count
        if [ "$1" = uid ]; then own=$(id -u); else own=$(id -g); fi
        echo "0 $own 1"
        while read -r start count; do
                echo "$next $start $count"
                next=$((next + count))
        done < <(subid_ranges "$1")
}

# The plan `userbox config` prints for the given options.
planned_map() { # uid|gid OPTIONS...
        local kind=$1
        shift
        run "$USERBOX" config "$@" "$TEST_ROOT"
        [ "$STATUS" = 0 ] || fail "userbox config $* failed ($STATUS): $ERR"
        printf '%s\n' "$OUT" | sed -n "s/^#[[:space:]]*${kind}_map:[[:space:]]*//p" | normalise_map
}

map_inside() { # uid|gid OPTIONS...
        local kind=$1
        shift
        run "$USERBOX" run "$@" "$TEST_ROOT" -- cat "/proc/self/${kind}_map"
        [ "$STATUS" = 0 ] || fail "userbox run $* failed ($STATUS): $ERR"
        printf '%s\n' "$OUT" | normalise_map
}

test_idmap_subid_maps_the_user_to_root_and_every_subordinate_range() {
        require_subid
        local kind
        for kind in uid gid; do
                assert_eq "$(expected_subid_map $kind)" "$(map_inside $kind --idmap subid)" "$kind map inside"
                assert_eq "$(expected_subid_map $kind)" "$(planned_map $kind --idmap subid)" "$kind map in userbox config"
        done
}

test_idmap_subid_allows_setgroups() {
        require_subid
        run "$USERBOX" run --idmap subid "$TEST_ROOT" -- cat /proc/self/setgroups
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq allow "$OUT" "setgroups"
}

test_idmap_auto_uses_the_subordinate_ranges_when_granted() {
        require_subid
        require_cmd newuidmap newgidmap
        assert_eq "$(expected_subid_map uid)" "$(map_inside uid)" "uid map inside (default mode)"
        assert_eq "$(expected_subid_map gid)" "$(map_inside gid --idmap auto)" "gid map inside (--idmap auto)"
        # auto only speaks when it falls back.
        run "$USERBOX" run --idmap auto "$TEST_ROOT" -- true
        assert_eq 0 "$STATUS" "status"
        assert_eq "" "$ERR" "stderr of a run that needs no fallback"
}

test_idmap_single_maps_only_the_user_to_root_with_setgroups_denied() {
        assert_eq "0 $(id -u) 1" "$(map_inside uid --idmap single)" "uid map"
        assert_eq "0 $(id -g) 1" "$(map_inside gid --idmap single)" "gid map"
        run "$USERBOX" run --idmap single "$TEST_ROOT" -- cat /proc/self/setgroups
        assert_eq 0 "$STATUS" "status ($ERR)"
        # setgroups must be denied before an unprivileged gid_map write (user_namespaces(7)).
        assert_eq deny "$OUT" "setgroups"
}

test_idmap_single_runs_the_command_as_root_inside() {
        run "$USERBOX" run --idmap single "$TEST_ROOT" -- id -u
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq 0 "$OUT" "uid inside"
}

test_idmap_keep_id_keeps_the_users_own_uid() {
        require_subid
        local kind own total expected_total line map
        for kind in uid gid; do
                if [ $kind = uid ]; then own=$(id -u); else own=$(id -g); fi
                expected_total=$(subid_ranges $kind | awk -v t=1 '{ t += $2 } END { print t }')
                map=$(map_inside $kind --idmap keep-id)
                printf '%s\n' "$map" | grep -qx "$own $own 1" || fail "$kind $own does not map to itself: $map"
                line=$(printf '%s\n' "$map" | awk '$1 <= 0 && 0 < $1 + $3 { print }')
                [ -n "$line" ] || fail "$kind 0 is not mapped: $map"
                assert_eq "$(host_id $kind "$own")" "$(printf '%s\n' "$line" | awk '{ print $2 - $1 }')" \
                        "$kind 0 maps to the host id that $own has under subid"
                total=$(printf '%s\n' "$map" | awk '{ t += $3 } END { print t }')
                assert_eq "$expected_total" "$total" "$kind ids mapped (the user and every subordinate id)"
                assert_eq "$(planned_map $kind --idmap keep-id)" "$map" "$kind map against userbox config's plan"
        done
}

# The owner keep-id shows for an id that subid shows: 0 and the user's own
# id trade places, every other id stays.
keep_id_sees() { # ID OWN
        if [ "$1" = 0 ]; then echo "$2"; elif [ "$1" = "$2" ]; then echo 0; else echo "$1"; fi
}

test_idmap_keep_id_shows_the_owners_subid_made_but_for_root_and_the_user() {
        require_subid
        local root u g ids i expected=""
        u=$(id -u) g=$(id -g)
        root=$(mktemp_dir)/root
        make_root "$root"
        mkdir "$root/owners"
        ids="0 1 42 1000 65534"
        case " $ids " in *" $u "*) ;; *) ids="$ids $u" ;; esac
        # shellcheck disable=SC2016 # expanded inside the container
        run "$USERBOX" run --idmap subid "$root" -- sh -c '
                for i in '"$ids"'; do touch /owners/$i; chown $i:$i /owners/$i; done
                chown '"$u:$g"' /owners/'"$u"'
                stat -c "%n %u %g" /owners/*'
        assert_eq 0 "$STATUS" "files made under subid ($ERR)"
        for i in $ids; do
                if [ "$i" = "$u" ]; then
                        expected="$expected/owners/$i 0 0"$'\n'
                else
                        expected="$expected/owners/$i $(keep_id_sees "$i" "$u") $(keep_id_sees "$i" "$g")"$'\n'
                fi
        done
        run "$USERBOX" run --idmap keep-id "$root" -- stat -c "%n %u %g" /owners/0 /owners/1 /owners/42 \
                /owners/1000 /owners/65534 "/owners/$u"
        assert_eq 0 "$STATUS" "status under keep-id ($ERR)"
        assert_eq "$(printf '%s' "$expected" | sort -u)" "$(printf '%s\n' "$OUT" | sort -u)" \
                "owners under keep-id (root's files are the user's, the user's are root's)"
}

test_idmap_maps_never_overlap_inside_or_outside() {
        require_subid
        local mode kind map
        for mode in subid keep-id; do
                for kind in uid gid; do
                        map=$(map_inside $kind --idmap $mode)
                        # Sort each side and check every range ends before the next starts.
                        printf '%s\n' "$map" | sort -n -k1,1 | awk -v what="$mode $kind inside" '
                                NR > 1 && $1 < end { print what " overlap: " $0; bad = 1 } { end = $1 + $3 } END { exit bad }' ||
                                fail "$mode $kind map overlaps: $map"
                        printf '%s\n' "$map" | sort -n -k2,2 | awk -v what="$mode $kind outside" '
                                NR > 1 && $2 < end { print what " overlap: " $0; bad = 1 } { end = $2 + $3 } END { exit bad }' ||
                                fail "$mode $kind map overlaps: $map"
                done
        done
}

test_idmap_explicit_triples_are_the_whole_map() {
        require_subid
        local u g su sg
        u=$(id -u) g=$(id -g)
        su=$(subid_ranges uid | awk 'NR == 1 { print $1 }')
        sg=$(subid_ranges gid | awk 'NR == 1 { print $1 }')
        local opts=(--uidmap "0:$u:1" --uidmap "1:$su:100" --gidmap "0:$g:1" --gidmap "1:$sg:100")
        assert_eq "0 $u 1
1 $su 100" "$(map_inside uid "${opts[@]}")" "uid map"
        assert_eq "0 $g 1
1 $sg 100" "$(map_inside gid "${opts[@]}")" "gid map"
}

test_idmap_ungranted_triple_is_refused_before_anything_starts() {
        require_subid
        local before
        before=$(host_mountinfo)
        # uid 1 belongs to the system, never to a user's grant.
        run "$USERBOX" run --uidmap 0:1:1 --gidmap "0:$(id -g):1" "$TEST_ROOT" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status"
        assert_contains "$ERR" "0:1:1" "message names the triple"
        assert_eq "$before" "$(host_mountinfo)" "host mount table"
}

test_idmap_overflowing_triple_is_refused() {
        run "$USERBOX" run --uidmap 0:4294967295:2 "$TEST_ROOT" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status (stderr: $ERR)"
        [ -n "$ERR" ] || fail "no message"
}

test_idmap_overlapping_triples_are_refused() {
        require_subid
        local su
        su=$(subid_ranges uid | awk 'NR == 1 { print $1 }')
        run "$USERBOX" run --uidmap "0:$su:10" --uidmap "5:$((su + 100)):10" \
                --gidmap "0:$(id -g):1" "$TEST_ROOT" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status (stderr: $ERR)"
        [ -n "$ERR" ] || fail "no message"
}

test_idmap_unknown_mode_is_refused() {
        run "$USERBOX" run --idmap bogus "$TEST_ROOT" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status"
        assert_contains "$ERR" "bogus" "message names the value"
}

# Without newuidmap/newgidmap. The helpers are looked up at the path
# configure found, then on PATH: a binary configured with paths that do not
# exist and run with a PATH that has no helper sees none. .ci/run builds one
# and names it in USERBOX_NO_HELPERS_BINARY.
no_helpers_userbox() {
        [ -n "${USERBOX_NO_HELPERS_BINARY:-}" ] && [ -x "$USERBOX_NO_HELPERS_BINARY" ] ||
                skip "USERBOX_NO_HELPERS_BINARY is not set (.ci/run builds it) (a userbox configured with NEWUIDMAP=/nonexistent/newuidmap NEWGIDMAP=/nonexistent/newgidmap)"
        local empty
        empty=$(mktemp_dir)
        run env PATH="$empty" "$USERBOX_NO_HELPERS_BINARY" "$@"
}

test_idmap_subid_without_newuidmap_is_refused_before_anything_starts() {
        require_subid
        local before
        before=$(host_mountinfo)
        no_helpers_userbox run --idmap subid "$TEST_ROOT" -- /bin/true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status (stderr: $ERR)"
        assert_contains "$ERR" "newuidmap" "message names the missing helper"
        assert_eq 1 "$(printf '%s\n' "$ERR" | wc -l)" "lines of the message ($ERR)"
        assert_eq "$before" "$(host_mountinfo)" "host mount table"
}

test_idmap_auto_without_newuidmap_falls_back_to_single_saying_why() {
        require_subid
        no_helpers_userbox run "$TEST_ROOT" -- /bin/cat /proc/self/uid_map
        assert_eq 0 "$STATUS" "status (stderr: $ERR)"
        assert_eq "0 $(id -u) 1" "$(printf '%s\n' "$OUT" | normalise_map)" "uid map after the fallback"
        # Never silently (crun#346): one line, and it says why.
        assert_eq 1 "$(printf '%s\n' "$ERR" | wc -l)" "lines on stderr ($ERR)"
        assert_contains "$ERR" "newuidmap" "the fallback's reason"
}

# userbox-subid: the dynamic helper that reads the ranges with libsubid
# for the (static) launcher. Its answer is the protocol of helpers/userbox-subid.c.
subid_helper() { printf '%s\n' "$(dirname "$USERBOX")/userbox-subid"; }

test_idmap_subid_helper_answers_with_the_ranges_of_etc_subuid() {
        require_subid
        local helper want_uid want_gid
        helper=$(subid_helper)
        [ -x "$helper" ] || fail "no userbox-subid beside $USERBOX"
        run "$helper"
        assert_eq 0 "$STATUS" "status ($ERR)"
        want_uid="uid 0$(subid_ranges uid | while read -r s c; do printf ' %s %s' "$s" "$c"; done)"
        want_gid="gid 0$(subid_ranges gid | while read -r s c; do printf ' %s %s' "$s" "$c"; done)"
        assert_eq "user $(id -un)
$want_uid
$want_gid
end" "$OUT" "answer"
        run "$helper" extra
        assert_eq 2 "$STATUS" "status with an argument"
        assert_contains "$ERR" "takes no arguments" "message"
}

test_idmap_without_the_subid_helper_auto_falls_back_and_subid_names_its_path() {
        require_subid
        local dir
        dir=$(mktemp_dir)
        # A userbox with no userbox-subid beside it looks where it is installed.
        cp "$USERBOX" "$dir/userbox"
        local installed
        installed=$(sed -n 's/^#define USERBOX_LIBEXECDIR "\(.*\)"$/\1/p' "${BUILDDIR:?}/src/paths.h")/userbox-subid
        [ -n "$installed" ] || fail "no installed helper path in $USERBOX"
        [ ! -e "$installed" ] || skip "machine: an installed userbox-subid exists at $installed"
        run "$dir/userbox" run --idmap subid "$TEST_ROOT" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status"
        assert_eq "userbox: --idmap subid: the helper that reads the ranges with libsubid, '$installed', cannot run: No such file or directory" "$ERR" "message"
        run "$dir/userbox" run "$TEST_ROOT" -- cat /proc/self/uid_map
        assert_eq 0 "$STATUS" "status of auto ($ERR)"
        assert_eq "0 $(id -u) 1" "$(printf '%s\n' "$OUT" | normalise_map)" "uid map after the fallback"
        assert_eq 1 "$(printf '%s\n' "$ERR" | wc -l)" "lines on stderr ($ERR)"
        assert_contains "$ERR" "$installed" "the fallback names the helper"
}

test_idmap_single_runs_no_subid_helper() {
        local dir
        dir=$(mktemp_dir)
        # Without the helper anywhere, single mode does not notice.
        cp "$USERBOX" "$dir/userbox"
        run "$dir/userbox" run --idmap single "$TEST_ROOT" -- cat /proc/self/uid_map
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq "" "$ERR" "stderr"
        assert_eq "0 $(id -u) 1" "$(printf '%s\n' "$OUT" | normalise_map)" "uid map"
        # And with a helper beside it, single mode does not run it.
        printf '#!/bin/sh\ntouch "%s/ran"\nexit 1\n' "$dir" >"$dir/userbox-subid"
        chmod 755 "$dir/userbox-subid"
        run "$dir/userbox" run --idmap single "$TEST_ROOT" -- true
        assert_eq 0 "$STATUS" "status with a helper beside it ($ERR)"
        [ ! -e "$dir/ran" ] || fail "single mode ran userbox-subid"
}

# The launcher reads only the helper's standard output, strictly: what it
# writes to standard error passes through, and a malformed answer is no
# answer (auto falls back, saying so) rather than a wrong map.
test_idmap_subid_helper_answer_is_read_strictly() {
        require_subid
        local dir
        dir=$(mktemp_dir)
        cp "$USERBOX" "$dir/userbox"
        cat >"$dir/userbox-subid" <<HELPER
#!/bin/sh
printf 'noise without a newline' >&2
printf 'user %s\nuid 0 %s\ngid 0 %s\nend\n' "$(id -un)" "$(subid_ranges uid | head -n 1 | tr '\n' ' ')" "$(subid_ranges gid | head -n 1)"
HELPER
        chmod 755 "$dir/userbox-subid"
        run "$dir/userbox" run "$TEST_ROOT" -- cat /proc/self/uid_map
        assert_eq 0 "$STATUS" "status with a well-formed answer and noise on stderr ($ERR)"
        assert_contains "$ERR" "noise without a newline" "the helper's stderr is shown"
        assert_contains "$OUT" "$(subid_ranges uid | head -n 1 | awk '{print $1}')" "the ranges were used"
        # Exactly the answer's one range, not the whole of /etc/subuid.
        assert_eq "0 $(id -u) 1
1 $(subid_ranges uid | head -n 1)" "$(printf '%s\n' "$OUT" | normalise_map)" "the map made from the answer"
        # An odd number of values: not an answer.
        cat >"$dir/userbox-subid" <<HELPER
#!/bin/sh
printf 'user %s\nuid 0 100000\ngid 0 100000 65536\nend\n' "$(id -un)"
HELPER
        run "$dir/userbox" run "$TEST_ROOT" -- cat /proc/self/uid_map
        assert_eq 0 "$STATUS" "status of auto with a malformed answer ($ERR)"
        assert_eq "0 $(id -u) 1" "$(printf '%s\n' "$OUT" | normalise_map)" "uid map after the fallback"
        assert_contains "$ERR" "gave no answer (exit status 0)" "the fallback's reason"
        run "$dir/userbox" run --idmap subid "$TEST_ROOT" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "subid with a malformed answer"
        assert_contains "$ERR" "gave no answer" "subid's reason"
        # A line after "end", and an answer without "end", are no answers.
        local bad
        for bad in "user x\\nuid 0\\ngid 0\\nend\\nuid 0 1 2\\n" "user x\\nuid 0\\ngid 0\\n"; do
                printf '#!/bin/sh\nprintf "%s"\n' "$bad" >"$dir/userbox-subid"
                run "$dir/userbox" run --idmap subid "$TEST_ROOT" -- true
                assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "subid with the answer '$bad'"
                assert_contains "$ERR" "gave no answer" "the reason for '$bad'"
        done
}

# The answer of userbox-subid is remembered in the user's cache
# (~/.cache/userbox/subid-HOST), keyed by the uid, the helper and the files
# libsubid reads; the helper runs again when any of them changes.
# A helper that says when it ran, and answers with the user's first ranges.
counting_subid_helper() { # DIR
        cat >"$1/userbox-subid" <<HELPER
#!/bin/sh
echo ran >>"$1/runs"
printf 'user %s\nuid 0 %s\ngid 0 %s\nend\n' "$(id -un)" "$(subid_ranges uid | head -n 1 | tr '\n' ' ')" "$(subid_ranges gid | head -n 1)"
HELPER
        chmod 755 "$1/userbox-subid"
}

# Sets the caller's dir (a userbox with that helper), cache (its
# XDG_CACHE_HOME) and file (the cache file it will write).
counting_subid_setup() {
        dir=$(mktemp_dir)
        cache=$(mktemp_dir)
        file=$cache/userbox/subid-$(uname -n)
        cp "$USERBOX" "$dir/userbox"
        counting_subid_helper "$dir"
}

helper_runs() { # DIR
        if [ -e "$1/runs" ]; then wc -l <"$1/runs"; else echo 0; fi
}

test_idmap_subid_answer_is_cached_until_the_helper_changes() {
        require_subid
        local dir cache file first
        counting_subid_setup
        XDG_CACHE_HOME=$cache run "$dir/userbox" run -v --idmap subid "$TEST_ROOT" -- cat /proc/self/uid_map
        assert_eq 0 "$STATUS" "status of the first run ($ERR)"
        assert_eq 1 "$(helper_runs "$dir")" "the helper ran once"
        assert_contains "$ERR" "subordinate ranges read (userbox-subid)" "the first run asks the helper"
        assert_contains "$ERR" "subordinate ranges cached in '$file'" "the first run caches the answer"
        first=$(printf '%s\n' "$OUT" | normalise_map)
        assert_eq "0 $(id -u) 1
1 $(subid_ranges uid | head -n 1)" "$first" "the map made from the helper's answer"
        [ -f "$file" ] && [ ! -L "$file" ] || fail "no cache file at $file"
        assert_eq 600 "$(stat -c %a "$file")" "mode of the cache file"
        assert_eq 700 "$(stat -c %a "$cache/userbox")" "mode of the cache directory"
        assert_eq "userbox subid cache 1 uid:$(id -u) $(cd "$dir" && pwd -P)/userbox-subid:" \
                "$(head -n 1 "$file" | cut -d: -f1-2):" "the key names the uid and the helper"
        # ... and stamps every file libsubid reads: a change to one is a new key.
        local input
        for input in /etc/subuid /etc/subgid /etc/passwd /etc/group /etc/nsswitch.conf; do
                if [ -e "$input" ]; then
                        assert_contains "$(head -n 1 "$file")" " $input:$(stat -c '%d:%i:%s' "$input"):" "the key's stamp of $input"
                else
                        assert_contains "$(head -n 1 "$file")" " $input:-" "the key's stamp of the missing $input"
                fi
        done

        XDG_CACHE_HOME=$cache run "$dir/userbox" run -v --idmap subid "$TEST_ROOT" -- cat /proc/self/uid_map
        assert_eq 0 "$STATUS" "status of the second run ($ERR)"
        assert_eq 1 "$(helper_runs "$dir")" "the second run did not run the helper"
        assert_contains "$ERR" "subordinate ranges read (cached in '$file')" "the second run says where from"
        assert_eq "$first" "$(printf '%s\n' "$OUT" | normalise_map)" "the same map from the cache"

        # A new helper (here: one more line of script) is asked again.
        counting_subid_helper "$dir"
        echo "# changed" >>"$dir/userbox-subid"
        XDG_CACHE_HOME=$cache run "$dir/userbox" run --idmap subid "$TEST_ROOT" -- true
        assert_eq 0 "$STATUS" "status after the helper changed ($ERR)"
        assert_eq 2 "$(helper_runs "$dir")" "a changed helper runs again"
}

# The cache is a convenience, never an authority: a damaged, foreign or
# unreachable cache file only means the helper runs.
test_idmap_subid_cache_damaged_or_unusable_is_ignored() {
        require_subid
        local dir cache file key
        counting_subid_setup
        XDG_CACHE_HOME=$cache run "$dir/userbox" run --idmap subid "$TEST_ROOT" -- true
        assert_eq 0 "$STATUS" "status ($ERR)"
        key=$(head -n 1 "$file")

        # The right key, then no answer: the helper runs, the file is mended.
        printf '%s\nuid 0 1 2 3\n' "$key" >"$file"
        XDG_CACHE_HOME=$cache run "$dir/userbox" run --idmap subid "$TEST_ROOT" -- cat /proc/self/uid_map
        assert_eq 0 "$STATUS" "status with a damaged cache ($ERR)"
        assert_eq 2 "$(helper_runs "$dir")" "a damaged cache runs the helper"
        assert_eq "0 $(id -u) 1
1 $(subid_ranges uid | head -n 1)" "$(printf '%s\n' "$OUT" | normalise_map)" "the map ignores the damaged file"
        assert_eq "$key" "$(head -n 1 "$file")" "the mended file's key"
        assert_contains "$(cat "$file")" "end" "the mended file holds a whole answer"

        # Another uid's key: stale, asked again.
        sed -i '1s/uid:[0-9]*/uid:4242/' "$file"
        XDG_CACHE_HOME=$cache run "$dir/userbox" run --idmap subid "$TEST_ROOT" -- true
        assert_eq 0 "$STATUS" "status with another uid's key ($ERR)"
        assert_eq 3 "$(helper_runs "$dir")" "another uid's answer is not used"

        # A symlink is not followed, and is replaced by a file.
        printf '%s\nuser %s\nuid 0 1 1\ngid 0 1 1\nend\n' "$key" "$(id -un)" >"$cache/elsewhere"
        rm -f "$file"
        ln -s ../elsewhere "$file"
        XDG_CACHE_HOME=$cache run "$dir/userbox" run --idmap subid "$TEST_ROOT" -- true
        assert_eq 0 "$STATUS" "status with a symlinked cache ($ERR)"
        assert_eq 4 "$(helper_runs "$dir")" "a symlinked cache runs the helper"
        [ -f "$file" ] && [ ! -L "$file" ] || fail "the symlink was not replaced by a file"
        assert_contains "$(cat "$cache/elsewhere")" "uid 0 1 1" "the symlink's target is untouched"

        # A FIFO does not block the start.
        rm -f "$file"
        mkfifo "$file"
        XDG_CACHE_HOME=$cache run timeout 20 "$dir/userbox" run --idmap subid "$TEST_ROOT" -- true
        assert_eq 0 "$STATUS" "status with a FIFO as the cache ($ERR)"
        assert_eq 5 "$(helper_runs "$dir")" "a FIFO as the cache runs the helper"

        # A cache directory that is not ours (root with a user's HOME, the
        # other way round) is neither read nor made.
        # (/dev/shm is root's, and writable by all: only the check keeps the
        # cache out.)
        [ ! -e /dev/shm/userbox ] || fail "/dev/shm/userbox exists already: remove it"
        XDG_CACHE_HOME=/dev/shm run "$dir/userbox" run --idmap subid "$TEST_ROOT" -- true
        assert_eq 0 "$STATUS" "status with a cache directory of root's ($ERR)"
        [ ! -e /dev/shm/userbox ] || fail "userbox made a cache in /dev/shm, a directory not its user's"
        XDG_CACHE_HOME=/dev/shm run "$dir/userbox" run --idmap subid "$TEST_ROOT" -- true
        assert_eq 7 "$(helper_runs "$dir")" "the helper runs without a cache of ours"

        # Nowhere to write (a cache directory of ours that we cannot write):
        # every start asks, and says nothing about it.
        local locked
        locked=$(mktemp_dir)
        chmod 500 "$locked"
        XDG_CACHE_HOME=$locked run "$dir/userbox" run --idmap subid "$TEST_ROOT" -- true
        assert_eq 0 "$STATUS" "status without a writable cache ($ERR)"
        assert_eq "" "$ERR" "stderr without a writable cache"
        XDG_CACHE_HOME=$locked run "$dir/userbox" run --idmap subid "$TEST_ROOT" -- true
        assert_eq 9 "$(helper_runs "$dir")" "each start without a cache runs the helper"
}

# Only a whole answer is remembered: "no such user" or a side libsubid
# could not read may be a passing failure (an SSSD restart), and a cached
# one would outlive it.
test_idmap_subid_incomplete_answers_are_not_cached() {
        require_subid
        local dir cache file answer n=0
        counting_subid_setup
        for answer in 'nouser\nuid -2\ngid -2\nend\n' \
                "user $(id -un)\\nuid -5\\ngid 0 $(subid_ranges gid | head -n 1)\\nend\\n"; do
                printf '#!/bin/sh\necho ran >>"%s/runs"\nprintf "%s"\n' "$dir" "$answer" >"$dir/userbox-subid"
                XDG_CACHE_HOME=$cache run "$dir/userbox" run "$TEST_ROOT" -- true
                assert_eq 0 "$STATUS" "status of auto with the answer '$answer' ($ERR)"
                assert_contains "$ERR" "mapping only uid" "auto falls back with the answer '$answer'"
                XDG_CACHE_HOME=$cache run "$dir/userbox" run "$TEST_ROOT" -- true
                n=$((n + 2))
                assert_eq "$n" "$(helper_runs "$dir")" "the helper ran at each start with the answer '$answer'"
                [ ! -e "$file" ] || fail "the answer '$answer' was cached"
        done
}

# ~/.cache is often a symlink to scratch space on clusters: still ours.
test_idmap_subid_cache_through_a_symlinked_cache_directory() {
        require_subid
        local dir cache file
        counting_subid_setup
        ln -s "$cache" "$dir/cache-link"
        XDG_CACHE_HOME=$dir/cache-link run "$dir/userbox" run --idmap subid "$TEST_ROOT" -- true
        assert_eq 0 "$STATUS" "status of the first run ($ERR)"
        [ -f "$file" ] || fail "no cache made through the link at $file"
        XDG_CACHE_HOME=$dir/cache-link run "$dir/userbox" run --idmap subid "$TEST_ROOT" -- true
        assert_eq 0 "$STATUS" "status of the second run ($ERR)"
        assert_eq 1 "$(helper_runs "$dir")" "the second run used the cache through the link"
}
