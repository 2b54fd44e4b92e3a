# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Settings the container could only fail on after clone are refused before
# it (design §2): exit 125, one message naming the key and its line, or the
# option, and no namespace created. Also what the hostname falls back to.

# checks_profile TEXT: a profile file holding TEXT (printf format), as
# userbox accepts it (mode 600 in a directory of the user's own).
checks_profile() {
        local dir
        dir=$(mktemp_dir)
        chmod 700 "$dir"
        # shellcheck disable=SC2059
        printf "$1" >"$dir/p.ini"
        chmod 600 "$dir/p.ini"
        printf '%s\n' "$dir/p.ini"
}

# checks_refused MESSAGE OPTIONS... ROOT [-- CMD]: userbox run must exit 125
# with "userbox: MESSAGE" as its only line, and with -v show no clone step
# (-v prints "cloned pid N" once the namespaces exist). userbox config,
# given the same OPTIONS and ROOT, makes the same check: the same one
# message, nothing printed, 125.
checks_refused() {
        local message=$1 word
        local -a config_args=()
        shift
        run "$USERBOX" run "$@"
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status of userbox run $* (stderr: $ERR)"
        assert_eq "userbox: $message" "$ERR" "the one message"
        run "$USERBOX" run -v "$@"
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status of userbox run -v $*"
        assert_not_contains "$ERR" "cloned pid" "the -v steps (refused after clone)"
        for word in "$@"; do
                [ "$word" = -- ] && break
                config_args+=("$word")
        done
        run "$USERBOX" config "${config_args[@]}"
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status of userbox config ${config_args[*]} (stdout: $OUT)"
        assert_eq "userbox: $message" "$ERR" "the one message of userbox config"
        assert_eq "" "$OUT" "standard output of userbox config"
}

test_hostname_without_a_uts_namespace_is_refused_before_clone() {
        local p
        p=$(checks_profile '[Namespaces]\nUTS=no\n[Container]\nHostname=foo\n')
        checks_refused "$p:4: [Container] Hostname: needs [Namespaces] UTS=yes" \
                --no-default-profile --profile "$p" --idmap single "$TEST_ROOT" -- hostname
        p=$(checks_profile '[Namespaces]\nUTS=no\n')
        checks_refused "--hostname: needs [Namespaces] UTS=yes" \
                --no-default-profile --profile "$p" --idmap single -H foo "$TEST_ROOT" -- hostname
}

test_without_a_uts_namespace_the_hostname_and_HOSTNAME_are_the_hosts() {
        local p
        p=$(checks_profile '[Namespaces]\nUTS=no\n')
        # env, not a shell: a shell may set $HOSTNAME itself.
        run "$USERBOX" run --no-default-profile --profile "$p" --idmap single "$TEST_ROOT" -- \
                sh -c 'hostname; env | grep "^HOSTNAME=" || true'
        assert_eq 0 "$STATUS" "status ($ERR)"
        local name
        name=$(hostname)
        case $OUT in
        "$name" | "$name
HOSTNAME=$name") ;;
        *) fail "expected the host's name '$name' (and \$HOSTNAME unset or the same), got: $OUT" ;;
        esac
}

test_root_whose_name_is_no_hostname_gets_the_default_hostname() {
        local dir root
        dir=$(mktemp_dir)
        root=$dir/$(printf 'r%.0s' $(seq 70))
        make_root "$root"
        run "$USERBOX" run --idmap single "$root" -- sh -c 'hostname; env | grep "^HOSTNAME="'
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq "userbox
HOSTNAME=userbox" "$OUT" "hostname and \$HOSTNAME of a root named with 70 r's"
        run "$USERBOX" run --idmap single --read-only / -- hostname
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq userbox "$OUT" "hostname with / as the root"
}

test_invalid_explicit_hostname_is_refused_before_clone() {
        local p long
        long=$(printf 'r%.0s' $(seq 70))
        p=$(checks_profile "[Container]\nHostname=$long\n")
        run "$USERBOX" run --no-default-profile --profile "$p" --idmap single "$TEST_ROOT" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status ($ERR)"
        assert_eq "userbox: $p:2: [Container] Hostname: not a valid hostname (1-64 of A-Z a-z 0-9 . -): '$long'" \
                "$ERR" "message"
        run "$USERBOX" run -v --idmap single -H 'bad_name' "$TEST_ROOT" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status with -H bad_name ($ERR)"
        assert_contains "$ERR" "'bad_name': not a valid hostname" "message"
        assert_not_contains "$ERR" "cloned pid" "the -v steps"
}

test_uid_map_without_the_users_own_uid_is_refused_before_clone() {
        require_subid
        local su sg u g p
        u=$(id -u) g=$(id -g)
        read -r su _ < <(subid_ranges uid)
        read -r sg _ < <(subid_ranges gid)
        checks_refused "--uidmap: the uid map must include your own uid $u (a line INSIDE:$u:1)" \
                --uidmap "0:$su:10" "$TEST_ROOT" -- id
        checks_refused "--gidmap: the gid map must include your own gid $g (a line INSIDE:$g:1)" \
                --uidmap "0:$u:1" --gidmap "0:$sg:10" "$TEST_ROOT" -- id
        p=$(checks_profile "[IDMap]\nUID=1:$su:10\nUID=20:$((su + 10)):5\n")
        checks_refused "$p:3: [IDMap] UID: the uid map must include your own uid $u (a line INSIDE:$u:1)" \
                --no-default-profile --profile "$p" "$TEST_ROOT" -- id
}

test_user_outside_the_id_map_is_refused_before_clone() {
        local p
        checks_refused "--user: uid 5 is not mapped in the container: its uid map holds uids 0 only (idmap single)" \
                --idmap single -u 5 "$TEST_ROOT" -- id
        checks_refused "--user: gid 5 is not mapped in the container: its gid map holds gids 0 only (idmap single)" \
                --idmap single -u 0:5 "$TEST_ROOT" -- id
        p=$(checks_profile '[Container]\nUser=70000\n')
        checks_refused "$p:2: [Container] User: uid 70000 is not mapped in the container: its uid map holds uids 0 only (idmap single)" \
                --no-default-profile --profile "$p" --idmap single "$TEST_ROOT" -- id
}

test_user_outside_the_subid_map_names_the_mapped_range() {
        require_subid
        local total=0 count
        while read -r _ count; do
                total=$((total + count))
        done < <(subid_ranges uid)
        checks_refused "--user: uid $((total + 1)) is not mapped in the container: its uid map holds uids 0-$total only (idmap subid)" \
                --idmap subid -u $((total + 1)) "$TEST_ROOT" -- id
        # The last mapped uid is fine.
        run "$USERBOX" run --idmap subid -u "$total" "$TEST_ROOT" -- id -u
        assert_eq 0 "$STATUS" "status with -u $total ($ERR)"
        assert_eq "$total" "$OUT" "uid inside"
}

test_user_name_outside_the_id_map_says_which_user() {
        # A name is looked up in the root's /etc/passwd, which is read
        # inside the container: after clone, but as precisely.
        run "$USERBOX" run --idmap single -u user "$TEST_ROOT" -- id
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status ($ERR)"
        assert_eq "userbox: --user: 'user' in the container's /etc/passwd: uid 1000 is not mapped in the container: its uid map holds uids 0 only (idmap single)" \
                "$ERR" "message"
}

test_resource_limit_above_the_hard_limit_is_refused_before_clone() {
        local hard p
        hard=$(ulimit -Hn)
        [ "$hard" = unlimited ] && skip "machine: the hard limit of open files is unlimited"
        checks_refused "--limit NOFILE: $((hard + 1)) is above the hard limit of this session, $hard, which only root can raise" \
                --idmap single --limit "NOFILE=$((hard + 1))" "$TEST_ROOT" -- true
        checks_refused "--limit NOFILE: infinity is above the hard limit of this session, $hard, which only root can raise" \
                --idmap single --limit "NOFILE=16:infinity" "$TEST_ROOT" -- true
        p=$(checks_profile "[Limits]\nNOFILE=$((hard + 1))\n")
        checks_refused "$p:2: [Limits] NOFILE: $((hard + 1)) is above the hard limit of this session, $hard, which only root can raise" \
                --no-default-profile --profile "$p" --idmap single "$TEST_ROOT" -- true
        # The hard limit itself, and anything below it, is allowed.
        run "$USERBOX" run --idmap single --limit "NOFILE=64:$hard" "$TEST_ROOT" -- sh -c 'ulimit -n; ulimit -Hn'
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq "64
$hard" "$OUT" "soft and hard limit inside"
}

# A limit by cgroup where nothing is delegated (the hierarchy's root is
# root's): refused naming the line or option of the limit and where
# userbox looked.
cgroup_refusal() { # CONTROLLER: sets REFUSAL
        local mount
        mount=$(awk -v c="$1" '$0 ~ / - cgroup2? / { n = split($NF, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $5 }' \
                /proc/self/mountinfo | head -n 1)
        [ -n "$mount" ] || skip "machine: no cgroup v1 hierarchy has the $1 controller"
        REFUSAL="the $1 controller is not delegated to you: looked at $mount (CgroupParent=): not writable (ask your administrator to delegate a cgroup, see userbox(1) LIMITS)"
}

test_cgroup_limits_name_their_line_or_option() {
        local p memory pids
        cgroup_refusal memory
        memory=$REFUSAL
        cgroup_refusal pids
        pids=$REFUSAL
        p=$(checks_profile '[Limits]\nNOFILE=64\nMemory=64M\nCgroupParent=/\n')
        checks_refused "$p:3: [Limits] Memory: $memory" \
                --no-default-profile --profile "$p" --idmap single "$TEST_ROOT" -- true
        p=$(checks_profile '[Limits]\nPIDs=64\nCgroupParent=/\n')
        checks_refused "$p:2: [Limits] PIDs: $pids" \
                --no-default-profile --profile "$p" --idmap single "$TEST_ROOT" -- true
        checks_refused "--limit PIDs: $pids" --idmap single --limit CgroupParent=/ --limit PIDs=64 "$TEST_ROOT" -- true
        checks_refused "--limit Memory: $memory" --idmap single --limit CgroupParent=/ --limit Memory=512M "$TEST_ROOT" -- true
}
