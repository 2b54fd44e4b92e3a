# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# What the command finds around it: hostname, environment, working
# directory, user.

test_hostname_defaults_to_the_root_directorys_name() {
        run "$USERBOX" run "$TEST_ROOT" -- hostname
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq "$(basename "$TEST_ROOT")" "$OUT" "hostname"
}

test_hostname_option_sets_the_hostname_and_HOSTNAME() {
        run "$USERBOX" run -H box-name "$TEST_ROOT" -- sh -c 'hostname; cat /proc/sys/kernel/hostname; echo "$HOSTNAME"'
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq "box-name
box-name
box-name" "$OUT" "hostname, kernel hostname, \$HOSTNAME"
        run "$USERBOX" run --hostname other "$TEST_ROOT" -- hostname
        assert_eq other "$OUT" "hostname with --hostname"
}

test_hostname_does_not_change_the_hosts() {
        local before
        before=$(hostname)
        run "$USERBOX" run -H not-the-host "$TEST_ROOT" -- hostname
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq "$before" "$(hostname)" "host's hostname"
}

test_environment_is_clean_by_default() {
        # env itself is the command: no shell adds PWD or SHLVL.
        run env -i PATH="$PATH" HOME="$HOME" TERM=xterm-test SECRET_HOST_VAR=leak \
                "$USERBOX" run "$TEST_ROOT" -- env
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq "HOME
HOSTNAME
PATH
TERM
container" "$(printf '%s\n' "$OUT" | cut -d= -f1 | sort)" "variables inside"
        assert_contains "$OUT" "container=userbox" "container variable"
        assert_contains "$OUT" "HOSTNAME=$(basename "$TEST_ROOT")" "HOSTNAME"
        assert_contains "$OUT" "HOME=/root" "HOME of root in the root's /etc/passwd"
        assert_not_contains "$OUT" "leak" "host variables"
        printf '%s\n' "$OUT" | grep -q '^PATH=.*/bin' || fail "PATH lacks /bin: $OUT"
}

test_env_option_sets_variables() {
        run "$USERBOX" run -e FOO=bar --env 'WITH_EQUALS=a=b' -e EMPTY= "$TEST_ROOT" -- env
        assert_eq 0 "$STATUS" "status ($ERR)"
        printf '%s\n' "$OUT" | grep -qx 'FOO=bar' || fail "FOO=bar missing: $OUT"
        printf '%s\n' "$OUT" | grep -qx 'WITH_EQUALS=a=b' || fail "WITH_EQUALS=a=b missing: $OUT"
        printf '%s\n' "$OUT" | grep -qx 'EMPTY=' || fail "EMPTY= missing: $OUT"
}

test_env_option_overrides_a_default_variable() {
        run "$USERBOX" run -e PATH=/bin -e HOME=/tmp "$TEST_ROOT" -- env
        assert_eq 0 "$STATUS" "status ($ERR)"
        printf '%s\n' "$OUT" | grep -qx 'PATH=/bin' || fail "PATH not overridden: $OUT"
        printf '%s\n' "$OUT" | grep -qx 'HOME=/tmp' || fail "HOME not overridden: $OUT"
        assert_eq 1 "$(printf '%s\n' "$OUT" | grep -c '^PATH=')" "PATH entries"
}

test_keep_env_passes_only_the_named_host_variables() {
        run env KEEP_ME=kept DROP_ME=dropped "$USERBOX" run --keep-env KEEP_ME "$TEST_ROOT" -- env
        assert_eq 0 "$STATUS" "status ($ERR)"
        printf '%s\n' "$OUT" | grep -qx 'KEEP_ME=kept' || fail "KEEP_ME not passed: $OUT"
        assert_not_contains "$OUT" "DROP_ME" "variables not named by --keep-env"
}

test_env_option_rejects_a_malformed_assignment() {
        run "$USERBOX" run -e =novalue "$TEST_ROOT" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status"
        assert_eq "userbox: -e '=novalue': expected NAME=VALUE or NAME" "$ERR" "message"
        run "$USERBOX" run -e 'NO-NAME' "$TEST_ROOT" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status"
        assert_eq "userbox: -e 'NO-NAME': not a valid variable name: 'NO-NAME'" "$ERR" "message"
}

# -e NAME without a value passes the host's NAME through, as docker's -e
# does; a NAME the host does not have stays unset.
test_env_option_with_a_name_alone_passes_the_hosts_variable() {
        run env PASSED=from-host "$USERBOX" run -e PASSED --env NOT_ON_HOST "$TEST_ROOT" -- env
        assert_eq 0 "$STATUS" "status ($ERR)"
        printf '%s\n' "$OUT" | grep -qx 'PASSED=from-host' || fail "PASSED not passed through: $OUT"
        assert_not_contains "$OUT" "NOT_ON_HOST" "a variable the host does not have"
}

# --env-file reads docker's format: NAME=VALUE to the end of the line as
# it is, NAME alone passes the host's variable, blank lines and # comments
# skipped; a later -e wins, as in docker.
test_env_file_sets_the_variables_of_its_lines() {
        local long
        long=$(printf 'V%.0s' {1..300})
        printf '# comment\n\n  SPACED=a b ;c  \nQUOTED="q"\nFROM_HOST\nLONG=%s\nLATER=file\n' "$long" >"$PWD/vars.env"
        run env FROM_HOST=host-value "$USERBOX" run --env-file "$PWD/vars.env" -e LATER=option "$TEST_ROOT" -- env
        assert_eq 0 "$STATUS" "status ($ERR)"
        printf '%s\n' "$OUT" | grep -qx 'SPACED=a b ;c  ' || fail "SPACED not as written: $OUT"
        printf '%s\n' "$OUT" | grep -qx 'QUOTED="q"' || fail "QUOTED not as written: $OUT"
        printf '%s\n' "$OUT" | grep -qx 'FROM_HOST=host-value' || fail "FROM_HOST not passed: $OUT"
        printf '%s\n' "$OUT" | grep -qx "LONG=$long" || fail "LONG not set: $OUT"
        printf '%s\n' "$OUT" | grep -qx 'LATER=option' || fail "-e after --env-file does not win: $OUT"
        assert_not_contains "$OUT" "comment" "a comment line"
}

test_env_file_in_a_profile_and_its_errors_name_the_line() {
        printf 'GOOD=1\nBAD NAME=2\n' >"$PWD/bad.env"
        printf '[Environment]\nFile=%s\n' "$PWD/bad.env" >"$PWD/p.ini"
        run "$USERBOX" run -p "$PWD/p.ini" "$TEST_ROOT" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status"
        assert_eq "userbox: $PWD/p.ini:2: [Environment] File: $PWD/bad.env:2: not a valid variable name: 'BAD NAME'" "$ERR" "message"
        run "$USERBOX" run --env-file "$PWD/missing.env" "$TEST_ROOT" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status"
        assert_contains "$ERR" "cannot read '$PWD/missing.env'" "message"
        printf 'GOOD=1\n' >"$PWD/good.env"
        printf '[Environment]\nFile=%s\n' "$PWD/good.env" >"$PWD/p.ini"
        run "$USERBOX" run -p "$PWD/p.ini" "$TEST_ROOT" -- sh -c 'echo $GOOD'
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq 1 "$OUT" "a profile's File="
}

test_workdir_option_sets_the_working_directory() {
        run "$USERBOX" run -w /tmp "$TEST_ROOT" -- sh -c 'pwd; readlink /proc/self/cwd'
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq "/tmp
/tmp" "$OUT" "working directory"
        run "$USERBOX" run --workdir /etc "$TEST_ROOT" -- pwd
        assert_eq /etc "$OUT" "working directory with --workdir"
}

test_workdir_that_does_not_exist_is_an_error() {
        run "$USERBOX" run -w /no/such/dir "$TEST_ROOT" -- true
        assert_ne 0 "$STATUS" "status with a missing working directory"
        assert_contains "$ERR" "/no/such/dir" "message names the directory"
}

test_user_option_switches_to_a_user_of_the_roots_passwd() {
        require_subid
        run "$USERBOX" run --idmap subid -u user "$TEST_ROOT" -- sh -c 'id -u; id -g; echo "$HOME"'
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq "1000
1000
/home/user" "$OUT" "uid, gid and HOME of 'user' (from the root's /etc/passwd)"
}

test_user_option_takes_uid_and_gid() {
        require_subid
        run "$USERBOX" run --idmap subid --user 1234:5678 "$TEST_ROOT" -- sh -c 'id -u; id -g'
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq "1234
5678" "$OUT" "uid and gid"
        run "$USERBOX" run --idmap subid -u 4321 "$TEST_ROOT" -- id -u
        assert_eq 0 "$STATUS" "status with a bare uid ($ERR)"
        assert_eq 4321 "$OUT" "uid"
}

test_user_switch_drops_supplementary_groups_of_root() {
        require_subid
        run "$USERBOX" run --idmap subid -u user "$TEST_ROOT" -- cat /proc/self/status
        assert_eq 0 "$STATUS" "status ($ERR)"
        local groups
        groups=$(printf '%s\n' "$OUT" | sed -n 's/^Groups:[[:space:]]*//p' | tr -s ' ' | sed 's/ $//')
        case " $groups " in *" 0 "*) fail "uid 1000 kept group 0: Groups: $groups" ;; esac
}

test_user_option_with_an_unknown_name_is_refused() {
        run "$USERBOX" run -u no-such-user "$TEST_ROOT" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status"
        assert_contains "$ERR" "no-such-user" "message names the user"
}
