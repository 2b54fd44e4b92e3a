# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Identity mapping (design §3), from the user's side: what `userbox config`
# says about the plan, how keep-id lays out the inside ids, explicit
# --uidmap/--gidmap lines, and the refusals that come before anything runs.
# test-run-idmap.sh checks the maps of each mode against /etc/sub[ug]id.

# A map as "INSIDE OUTSIDE COUNT" lines.
idmap_normalise() { awk 'NF == 3 { print $1, $2, $3 }'; }

# idmap_inside uid|gid|setgroups OPTIONS...: the file as the container sees it.
idmap_inside() {
        local file=$1
        shift
        case $file in
        uid | gid) file=${file}_map ;;
        esac
        run "$USERBOX" run "$@" "$TEST_ROOT" -- cat "/proc/self/$file"
        [ "$STATUS" = 0 ] || fail "userbox run $* failed ($STATUS): $ERR"
        printf '%s\n' "$OUT"
}

# idmap_config OPTIONS...: `userbox config` output; fails unless it worked.
idmap_config() {
        run "$USERBOX" config "$@" "$TEST_ROOT"
        [ "$STATUS" = 0 ] || fail "userbox config $* failed ($STATUS): $ERR"
        printf '%s\n' "$OUT"
}

first_subid() { subid_ranges "$1" | awk 'NR == 1 { print $1 }'; }

# idmap_refused WHAT OPTIONS...: the options must be refused by userbox
# itself (exit 125, one message naming WHAT), with no helper's words in it:
# the check runs before any namespace or helper exists.
idmap_refused() {
        local what=$1
        shift
        run "$USERBOX" run "$@" "$TEST_ROOT" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status of userbox run $* (stderr: $ERR)"
        assert_contains "$ERR" "$what" "message"
        assert_not_contains "$ERR" "newuidmap:" "message (a helper ran)"
        assert_not_contains "$ERR" "newgidmap:" "message (a helper ran)"
}

test_idmap_config_prints_the_map_as_ini_comments() {
        require_subid
        local out
        out=$(idmap_config --idmap subid)
        assert_contains "$out" "# uid_map: 0 $(id -u) 1" "config output"
        assert_contains "$out" "# gid_map: 0 $(id -g) 1" "config output"
        assert_contains "$out" "# idmap: subid (requested; written by newuidmap and newgidmap)" "config output"
        # Every line stays INI: a section, a key, a comment or blank.
        printf '%s\n' "$out" | awk '!/^(\[[A-Za-z]+\]|[A-Za-z][A-Za-z0-9_]*=.*|[#;].*|)$/ { print "not INI: " $0; bad = 1 } END { exit bad }' ||
                fail "userbox config output is not INI"
}

test_idmap_config_says_auto_chose_subid() {
        require_subid
        require_cmd newuidmap newgidmap
        assert_contains "$(idmap_config --idmap auto)" "# idmap: subid (auto: " "config output"
}

test_idmap_config_says_single_writes_directly() {
        local out
        out=$(idmap_config --idmap single)
        assert_contains "$out" "# idmap: single (requested; written directly, setgroups deny)" "config output"
        assert_eq "0 $(id -u) 1" "$(printf '%s\n' "$out" | sed -n 's/^# uid_map: //p')" "planned uid map"
}

test_idmap_keep_id_inside_ids_are_contiguous_from_zero() {
        require_subid
        local kind own map
        for kind in uid gid; do
                if [ $kind = uid ]; then own=$(id -u); else own=$(id -g); fi
                map=$(idmap_inside $kind --idmap keep-id | idmap_normalise)
                # Sorted by inside id, each line starts where the last ended.
                printf '%s\n' "$map" | sort -n -k1,1 | awk '
                        $1 != next_id { print "gap before " $0; bad = 1 } { next_id = $1 + $3 } END { exit bad }' ||
                        fail "$kind map of keep-id has gaps: $map"
                assert_contains "$map" "$own $own 1" "$kind map keeps the user's own id"
                assert_contains "$map" "0 $(host_id $kind "$own") 1" "$kind 0 is the host id of $own under subid"
        done
        assert_eq allow "$(idmap_inside setgroups --idmap keep-id)" "setgroups"
}

test_idmap_explicit_own_id_lines_need_no_helper() {
        local u g
        u=$(id -u) g=$(id -g)
        # One line mapping one's own id is what the kernel lets anyone
        # write: no helper, and setgroups denied as for --idmap single.
        assert_eq "0 $u 1" "$(idmap_inside uid --uidmap "0:$u:1" --gidmap "0:$g:1" | idmap_normalise)" "uid map"
        assert_eq deny "$(idmap_inside setgroups --uidmap "0:$u:1" --gidmap "0:$g:1")" "setgroups"
        assert_contains "$(idmap_config --uidmap "0:$u:1" --gidmap "0:$g:1")" "written directly, setgroups deny" "config"
}

test_idmap_explicit_uid_lines_leave_the_modes_gid_map() {
        require_subid
        local u su
        u=$(id -u) su=$(first_subid uid)
        assert_eq "0 $u 1
1 $su 10" "$(idmap_inside uid --idmap subid --uidmap "0:$u:1" --uidmap "1:$su:10" | idmap_normalise)" "uid map"
        # The gid side is still the subid plan: the user's gid, then its ranges.
        assert_eq "$(idmap_inside gid --idmap subid | idmap_normalise)" \
                "$(idmap_inside gid --idmap subid --uidmap "0:$u:1" --uidmap "1:$su:10" | idmap_normalise)" "gid map"
}

test_idmap_explicit_lines_may_use_every_range() {
        require_subid
        local u g last
        u=$(id -u) g=$(id -g)
        last=$(subid_ranges uid | awk 'END { print $1 }')
        [ "$last" != "$(first_subid uid)" ] || skip "machine: $(id -un) has a single subordinate uid range"
        assert_contains "$(idmap_inside uid --uidmap "0:$u:1" --uidmap "5:$last:1" \
                --gidmap "0:$g:1" --gidmap "1:$(first_subid gid):10" | idmap_normalise)" "5 $last 1" "uid map"
}

test_idmap_helper_written_map_of_the_own_gid_alone_runs_with_setgroups_denied() {
        require_subid
        local u g
        u=$(id -u) g=$(id -g)
        # The uid side needs newuidmap, so newgidmap writes "0 G 1", and it
        # denies setgroups when no line is a subordinate gid: the container
        # must still start.
        assert_eq deny "$(idmap_inside setgroups --uidmap "0:$u:1" --uidmap "1:$(first_subid uid):10" --gidmap "0:$g:1")" \
                "setgroups"
        assert_contains "$(idmap_config --uidmap "0:$u:1" --uidmap "1:$(first_subid uid):10" --gidmap "0:$g:1")" \
                "written by newuidmap and newgidmap, setgroups deny" "config"
}

test_idmap_ungranted_line_is_refused_and_names_the_grant() {
        require_subid
        local u g
        u=$(id -u) g=$(id -g)
        # 5000 is no user's subordinate id on this machine and not ours.
        idmap_refused "1:5000:10" --idmap subid --uidmap "0:$u:1" --uidmap 1:5000:10
        assert_contains "$ERR" "not granted" "message"
        assert_contains "$ERR" "/etc/subuid" "message names where the grant lives"
        assert_eq 1 "$(printf '%s\n' "$ERR" | wc -l)" "lines of message"
        idmap_refused "0:5000:1" --idmap keep-id --gidmap 0:5000:1
        assert_contains "$ERR" "/etc/subgid" "message"
}

test_idmap_line_running_past_a_range_is_refused() {
        require_subid
        local start count
        read -r start count < <(subid_ranges uid | head -n 1)
        # Starts inside the first range, ends one id past it.
        idmap_refused "1:$start:$((count + 1))" --uidmap "1:$start:$((count + 1))"
}

test_idmap_own_id_is_granted_only_alone() {
        local u
        u=$(id -u)
        idmap_refused "0:$u:2" --idmap single --uidmap "0:$u:2"
}

test_idmap_zero_count_line_is_refused() {
        run "$USERBOX" run --uidmap "0:$(id -u):0" "$TEST_ROOT" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status (stderr: $ERR)"
        assert_contains "$ERR" "0:$(id -u):0" "message names the line"
}

test_idmap_garbage_lines_are_refused() {
        local bad
        for bad in "0:abc:1" "1:2" "1:2:3:4" "-1:0:1" "0:0x10:1" ""; do
                run "$USERBOX" run --uidmap "$bad" "$TEST_ROOT" -- true
                assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status for --uidmap '$bad' (stderr: $ERR)"
                [ -n "$ERR" ] || fail "no message for --uidmap '$bad'"
        done
}

test_idmap_overflowing_line_is_refused() {
        run "$USERBOX" run --gidmap 4294967290:0:10 "$TEST_ROOT" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status (stderr: $ERR)"
        assert_contains "$ERR" "4294967290:0:10" "message names the line"
}

test_idmap_lines_overlapping_on_the_host_are_refused() {
        require_subid
        local su
        su=$(first_subid uid)
        idmap_refused "overlap" --uidmap "0:$su:10" --uidmap "100:$((su + 5)):10"
        assert_contains "$ERR" "host" "message says which side"
}

test_idmap_lines_overlapping_inside_are_refused() {
        require_subid
        local su
        su=$(first_subid uid)
        idmap_refused "overlap" --uidmap "0:$(id -u):1" --uidmap "0:$su:10"
        assert_contains "$ERR" "container" "message says which side"
}

test_idmap_more_than_340_lines_are_refused() {
        require_subid
        local su i args=()
        su=$(first_subid uid)
        for ((i = 0; i < 341; i++)); do
                args+=(--uidmap "$i:$((su + i)):1")
        done
        idmap_refused "340" "${args[@]}"
}

test_idmap_profile_lines_are_checked_like_options() {
        local dir
        dir=$(mktemp_dir)
        chmod 700 "$dir"
        printf '[IDMap]\nMode=subid\nUID=0:%s:1\nUID=1:5000:10\n' "$(id -u)" >"$dir/bad.ini"
        chmod 600 "$dir/bad.ini"
        idmap_refused "1:5000:10" --no-default-profile --profile "$dir/bad.ini"
}

test_idmap_refused_line_starts_nothing() {
        require_subid
        local before
        before=$(host_mountinfo)
        idmap_refused "not granted" --uidmap "0:$(id -u):1" --uidmap 1:5000:10
        assert_eq "$before" "$(host_mountinfo)" "host mount table"
}
