# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash disable=SC2016
#
# userbox-oci's lifecycle (userbox-oci(1)): create, state, start, kill,
# delete, run, list, --pid-file, --console-socket, hooks, and refusals of a
# bad config.json. Each test has a state root (--root) and a bundle of its
# own, a busybox root with a config.json written here.

source "$(dirname "${BASH_SOURCE[0]}")/common.sh" || exit 1

# write_config ARGS_JSON [EXTRA_JSON]: a config.json for a rootless
# container: the user's id as root, its own pid, mount, uts, ipc namespaces.
write_config() {
        local args=$1 extra=${2:-}
        cat >"$BUNDLE/config.json" <<EOF
{
  "ociVersion": "1.0.2",
  "root": { "path": "rootfs" },
  "process": {
    "args": $args,
    "env": ["PATH=/bin:/usr/bin", "OCI_TEST=yes"],
    "cwd": "/",
    "user": { "uid": 0, "gid": 0 }
  },
  "hostname": "ocibox",
  "linux": {
    "namespaces": [ {"type": "user"}, {"type": "pid"}, {"type": "mount"}, {"type": "uts"}, {"type": "ipc"} ],
    "uidMappings": [ {"containerID": 0, "hostID": $(id -u), "size": 1} ],
    "gidMappings": [ {"containerID": 0, "hostID": $(id -g), "size": 1} ]
  }$extra
}
EOF
}

test_create_start_state_delete() {
        oci_setup
        write_config '["sh", "-c", "echo out:$OCI_TEST:$(hostname) > /result; cat /proc/self/status | grep ^NSpid"]'
        assert_status 0 oci create --bundle "$BUNDLE" c1
        run oci state c1
        assert_eq 0 "$STATUS" "state after create"
        assert_eq created "$(json_field "$OUT" status)" "status after create"
        local pid
        pid=$(json_field "$OUT" pid)
        [ -n "$pid" ] && kill -0 "$pid" || fail "the created container's pid '$pid' is not alive"
        # Nothing ran yet: the process waits for start.
        [ ! -e "$BUNDLE/rootfs/result" ] || fail "the process ran before start"
        assert_status 0 oci start c1
        wait_for 5 test -s "$BUNDLE/rootfs/result"
        assert_eq "out:yes:ocibox" "$(cat "$BUNDLE/rootfs/result")" "what the container wrote"
        wait_for 5 sh -c "'$USERBOX_OCI' --root '$ROOTDIR' state c1 | grep -q '\"stopped\"'"
        assert_status 0 oci delete c1
        run oci state c1
        assert_eq 1 "$STATUS" "state of a deleted container"
        assert_contains "$ERR" "container 'c1' does not exist"
        assert_eq "" "$(ls -A "$ROOTDIR")" "what delete leaves in the state root"
}

test_kill_running_container() {
        oci_setup
        write_config '["sleep", "600"]'
        assert_status 0 oci create --bundle "$BUNDLE" k1
        assert_status 0 oci start k1
        run oci state k1
        assert_eq running "$(json_field "$OUT" status)" "status after start"
        run oci delete k1
        assert_eq 1 "$STATUS" "delete of a running container without --force"
        assert_status 0 oci kill k1 KILL
        wait_for 5 sh -c "'$USERBOX_OCI' --root '$ROOTDIR' state k1 | grep -q '\"stopped\"'"
        run oci kill k1 SIGTERM
        assert_eq 1 "$STATUS" "kill of a stopped container"
        assert_status 0 oci delete k1
}

test_run_returns_the_process_status() {
        oci_setup
        write_config '["sh", "-c", "echo hello from $(hostname); exit 7"]'
        run oci run --bundle "$BUNDLE" r1
        assert_eq 7 "$STATUS" "run's status"
        assert_eq "hello from ocibox" "$OUT" "run's output"
        assert_eq "" "$(ls -A "$ROOTDIR")" "run removes the container once it exits"
}

test_pid_file_names_the_process() {
        oci_setup
        write_config '["sleep", "600"]'
        assert_status 0 oci create --bundle "$BUNDLE" --pid-file "$BUNDLE/pid" p1
        run oci state p1
        assert_eq "$(json_field "$OUT" pid)" "$(cat "$BUNDLE/pid")" "the pid file against state"
        assert_status 0 oci delete --force p1
        assert_eq "" "$(ls -A "$ROOTDIR")" "delete --force of a created container"
}

test_list_shows_containers() {
        oci_setup
        write_config '["sleep", "600"]'
        assert_status 0 oci create --bundle "$BUNDLE" l1
        run oci list
        assert_contains "$OUT" "l1"
        assert_contains "$OUT" "created"
        run oci list --format json
        assert_contains "$OUT" '"id":"l1"'
        assert_eq l1 "$(oci list -q)" "list -q"
}

test_hooks_get_the_state_on_stdin() {
        oci_setup
        write_config '["true"]' ',
  "hooks": {
    "createRuntime": [ { "path": "'"$BUNDLE"'/rootfs/bin/sh", "args": ["sh", "-c", "cat > '"$BUNDLE"'/create.json"] } ],
    "poststart": [ { "path": "'"$BUNDLE"'/rootfs/bin/sh", "args": ["sh", "-c", "cat > '"$BUNDLE"'/poststart.json"] } ],
    "poststop": [ { "path": "'"$BUNDLE"'/rootfs/bin/sh", "args": ["sh", "-c", "cat > '"$BUNDLE"'/poststop.json"] } ]
  },
  "annotations": { "org.test": "yes" }'
        assert_status 0 oci create --bundle "$BUNDLE" h1
        assert_eq created "$(json_field "$(cat "$BUNDLE/create.json")" status)" "createRuntime's state"
        assert_eq h1 "$(json_field "$(cat "$BUNDLE/create.json")" id)" "createRuntime's id"
        assert_contains "$(cat "$BUNDLE/create.json")" '"org.test":"yes"'
        assert_status 0 oci start h1
        assert_contains "$(cat "$BUNDLE/poststart.json")" '"id":"h1"'
        wait_for 5 sh -c "'$USERBOX_OCI' --root '$ROOTDIR' state h1 | grep -q '\"stopped\"'"
        assert_status 0 oci delete h1
        assert_eq stopped "$(json_field "$(cat "$BUNDLE/poststop.json")" status)" "poststop's state"
}

test_failing_create_hook_leaves_nothing() {
        oci_setup
        # A number of this case's own (8 digits from its pid), which no
        # other process sleeps: CI runs a second suite beside this one.
        local seconds=$((60000000 + $$))
        write_config '["sleep", "'"$seconds"'"]' ',
  "hooks": { "createRuntime": [ { "path": "'"$BUNDLE"'/rootfs/bin/false" } ] }'
        run oci create --bundle "$BUNDLE" f1
        assert_eq 1 "$STATUS" "create with a failing hook"
        assert_contains "$ERR" "hook createRuntime"
        assert_eq "" "$(ls -A "$ROOTDIR")" "what a failed create leaves"
        no_process_with "sleep $seconds" || fail "a failed create left its process"
}

test_bad_config_names_the_field() {
        oci_setup
        write_config '"sh"'
        run oci create --bundle "$BUNDLE" b1
        assert_eq 1 "$STATUS" "create with a bad config.json"
        assert_contains "$ERR" "config.json: process.args: not an array of strings"
        assert_eq "" "$(ls -A "$ROOTDIR" 2>/dev/null)" "what a refused create leaves"
        write_config '["true"]' ', "process": 5'
        sed -i 's/"ociVersion": "1.0.2"/"ociVersion": "0.9"/' "$BUNDLE/config.json"
        run oci create --bundle "$BUNDLE" b1
        assert_contains "$ERR" "ociVersion: '0.9'"
}

test_console_socket_gets_the_terminal() {
        require_cmd python3
        oci_setup
        write_config '["sh", "-c", "tty; echo on-the-pty"]'
        sed -i 's/"cwd": "\/",/"cwd": "\/", "terminal": true,/' "$BUNDLE/config.json"
        local sock=$BUNDLE/console.sock
        python3 - "$sock" >"$BUNDLE/received" 2>&1 <<'EOF' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(1)
c, _ = s.accept()
msg, fds, _, _ = socket.recv_fds(c, 1024, 1)
print("got", len(fds), "fd", flush=True)
out = b""
while True:
    try:
        d = os.read(fds[0], 1024)
    except OSError:
        break
    if not d:
        break
    out += d
print(out.decode(errors="replace"), flush=True)
EOF
        local receiver=$!
        kill_at_exit "$receiver"
        trap '_kill_at_exit; oci_cleanup' EXIT
        wait_for 5 test -S "$sock"
        assert_status 0 oci create --bundle "$BUNDLE" --console-socket "$sock" t1
        assert_status 0 oci start t1
        wait "$receiver"
        assert_contains "$(cat "$BUNDLE/received")" "got 1 fd"
        assert_contains "$(cat "$BUNDLE/received")" "/dev/pts/"
        assert_contains "$(cat "$BUNDLE/received")" "on-the-pty"
}

test_terminal_without_console_socket_is_refused() {
        oci_setup
        write_config '["true"]'
        sed -i 's/"cwd": "\/",/"cwd": "\/", "terminal": true,/' "$BUNDLE/config.json"
        run oci create --bundle "$BUNDLE" t2
        assert_eq 1 "$STATUS" "create with a terminal and no console socket"
        assert_contains "$ERR" "--console-socket"
}

test_exec_joins_the_running_container() {
        oci_setup
        write_config '["sleep", "600"]'
        assert_status 0 oci create --bundle "$BUNDLE" x1
        assert_status 0 oci start x1
        run oci exec x1 sh -c 'echo $OCI_TEST $(hostname) $(cat /proc/1/cmdline | tr "\0" " ")'
        assert_eq 0 "$STATUS" "exec's status"
        assert_eq "yes ocibox sleep 600" "$OUT" "exec sees the container's hostname, pid 1 and environment"
        run oci exec --env OCI_TEST=changed --cwd /tmp x1 sh -c 'echo $OCI_TEST $(pwd); exit 3'
        assert_eq 3 "$STATUS" "exec returns the command's status"
        assert_eq "changed /tmp" "$OUT" "exec's --env and --cwd"
}

test_exec_detach_with_process_file_and_pid_file() {
        oci_setup
        write_config '["sleep", "600"]'
        assert_status 0 oci create --bundle "$BUNDLE" x2
        assert_status 0 oci start x2
        cat >"$BUNDLE/process.json" <<'EOF'
{ "args": ["sh", "-c", "echo $PROC_VAR > /exec-out; sleep 600"], "env": ["PROC_VAR=from-process-json"], "cwd": "/",
  "user": { "uid": 0, "gid": 0 } }
EOF
        assert_status 0 oci exec --process "$BUNDLE/process.json" --detach --pid-file "$BUNDLE/exec.pid" x2
        wait_for 5 test -s "$BUNDLE/rootfs/exec-out"
        assert_eq from-process-json "$(cat "$BUNDLE/rootfs/exec-out")" "what the detached command wrote"
        local pid
        pid=$(cat "$BUNDLE/exec.pid")
        kill -0 "$pid" || fail "the pid file's process $pid is not alive after exec --detach returned"
        kill_at_exit "$pid"
        trap '_kill_at_exit; oci_cleanup' EXIT
        assert_contains "$(tr '\0' ' ' </proc/"$pid"/cmdline)" "sleep 600"
}

test_exec_in_a_stopped_container_is_refused() {
        oci_setup
        write_config '["true"]'
        assert_status 0 oci create --bundle "$BUNDLE" x3
        assert_status 0 oci start x3
        wait_for 5 sh -c "'$USERBOX_OCI' --root '$ROOTDIR' state x3 | grep -q '\"stopped\"'"
        run oci exec x3 true
        assert_eq 1 "$STATUS" "exec in a stopped container"
        assert_contains "$ERR" "container 'x3' is stopped"
}

# As podman runs it: root of a user namespace made beforehand, config.json
# without a user namespace: none is added, no id map is written.
test_run_as_root_of_a_user_namespace_adds_none() {
        require_cmd unshare
        oci_setup
        write_config '["sh", "-c", "cat /proc/self/uid_map; readlink /proc/self/ns/user"]'
        sed -i -e 's/{"type": "user"}, //' -e '/uidMappings/d' -e '/gidMappings/d' "$BUNDLE/config.json"
        sed -i 's/{"type": "ipc"} \],/{"type": "ipc"} ]/' "$BUNDLE/config.json"
        run unshare --user --map-root-user sh -c \
                'readlink /proc/self/ns/user; "$0" --root "$1" run --bundle "$2" u1' "$USERBOX_OCI" "$ROOTDIR" "$BUNDLE"
        assert_eq 0 "$STATUS" "run as root of a user namespace (stderr: $ERR)"
        local outer inner
        outer=$(printf '%s\n' "$OUT" | sed -n 1p)
        inner=$(printf '%s\n' "$OUT" | tail -n 1)
        assert_eq "$outer" "$inner" "the container's user namespace is the caller's"
        assert_contains "$(printf '%s\n' "$OUT" | tr -s ' ')" " 0 $(id -u) 1" "the container's uid map is the caller's"
}

test_log_json_gets_the_error_as_conmon_reads_it() {
        oci_setup
        run "$USERBOX_OCI" --root "$ROOTDIR" --log "$BUNDLE/log" --log-format json state nosuch
        assert_eq 1 "$STATUS" "state of a container that does not exist"
        assert_eq "" "$ERR" "stderr with --log"
        assert_contains "$(cat "$BUNDLE/log")" '{"level":"error","msg":"container '"'"'nosuch'"'"' does not exist","time":"'
}

test_preserve_fds_passes_fd_3_and_nothing_more() {
        oci_setup
        write_config '["sh", "-c", "echo to-fd-3 >&3; for fd in 3 4 5; do [ -e /proc/$$/fd/$fd ] && echo $fd; done; exit 0"]'
        run oci run --bundle "$BUNDLE" --preserve-fds 1 pf 3>"$BUNDLE/fd3" 4>"$BUNDLE/fd4"
        assert_eq 0 "$STATUS" "run --preserve-fds 1 (stderr: $ERR)"
        assert_eq to-fd-3 "$(cat "$BUNDLE/fd3")" "what the container wrote to fd 3"
        assert_eq "3" "$OUT" "the fds above 2 the container's process has"
}

test_run_passes_sigterm_to_the_process() {
        oci_setup
        write_config '["sh", "-c", "trap \"echo got-term; exit 5\" TERM; echo ready; while :; do sleep 0.1; done"]'
        "$USERBOX_OCI" --root "$ROOTDIR" run --bundle "$BUNDLE" st >"$BUNDLE/out" 2>&1 &
        local runner=$!
        kill_at_exit "$runner"
        trap '_kill_at_exit; oci_cleanup' EXIT
        wait_for 10 grep -q ready "$BUNDLE/out" || fail "the container did not start: $(cat "$BUNDLE/out")"
        kill -TERM "$runner"
        local status=0
        wait "$runner" || status=$?
        assert_eq 5 "$status" "run's status after SIGTERM"
        assert_contains "$(cat "$BUNDLE/out")" "got-term"
}

# ---- hooks: their moments and order (runtime-spec 1.0.2 and 1.1) ----

# hooks_setup: $BUNDLE/hook NAME [fail], a host program for every hook:
# it appends "NAME STATUS PID" of the state on its stdin to the root's
# /order (where the process appends "process" too), keeps the state in
# $BUNDLE/NAME.json and the command name of the state's pid in
# $BUNDLE/NAME.comm, and fails when told to.
hooks_setup() {
        oci_setup
        cat >"$BUNDLE/hook" <<EOS
#!/bin/sh
state=\$(cat)
status=\$(printf '%s' "\$state" | sed -n 's/.*"status":"\([a-z]*\)".*/\1/p')
pid=\$(printf '%s' "\$state" | sed -n 's/.*"pid":\([0-9]*\).*/\1/p')
printf '%s\n' "\$state" >"$BUNDLE/\$1.json"
cat "/proc/\$pid/comm" >"$BUNDLE/\$1.comm" 2>/dev/null
echo "\$1 \$status \$pid" >>"$BUNDLE/rootfs/order"
[ "\${2:-}" != fail ]
EOS
        chmod +x "$BUNDLE/hook"
}

# hook NAME [fail]: one hook's entry in config.json.
hook() {
        printf '{ "path": "%s/hook", "args": ["hook", "%s"%s], "env": ["PATH=/usr/bin:/bin"] }' \
                "$BUNDLE" "$1" "${2:+, \"$2\"}"
}

order() { cat "$BUNDLE/rootfs/order" 2>/dev/null; }

# The process says it ran, and stays: its pid is the state's. It sleeps a
# number of this case's own (8 digits from its pid), which the checks that
# it is gone look for: CI runs a second suite beside this one.
HOOKED_SLEEP="sleep $((31000000 + $$))"
HOOKED_PROCESS='["sh", "-c", "echo process >> /order; exec '"$HOOKED_SLEEP"'"]'

all_hooks() {
        printf ',\n  "hooks": { "prestart": [ %s ], "createRuntime": [ %s ], "createContainer": [ %s ], "poststart": [ %s ], "poststop": [ %s ] }' \
                "$(hook prestart)" "$(hook createRuntime)" "$(hook createContainer)" "$(hook poststart)" "$(hook poststop)"
}

# After start: the process and poststart ran, in either order (the
# process's echo races the hook), poststart once the process was
# executed: its pid is no longer userbox-oci waiting, and running.
check_started() { # ID PID EXPECTED_BEFORE
        wait_for 5 grep -qx process "$BUNDLE/rootfs/order" || fail "the process did not run after start"
        assert_eq "$3" "$(order | head -n 3)" "the hooks before the process"
        assert_eq "poststart running $2
process" "$(order | tail -n +4 | sort)" "after start"
        assert_ne userbox-oci "$(cat "$BUNDLE/poststart.comm")" "the state's process when poststart ran"
        assert_status 0 oci kill "$1" KILL
        wait_for 5 sh -c "'$USERBOX_OCI' --root '$ROOTDIR' state $1 | grep -q '\"stopped\"'"
        assert_status 0 oci delete "$1"
        assert_eq "poststop stopped 0" "$(order | tail -n 1)" "after delete"
        assert_contains "$(cat "$BUNDLE/poststop.json")" "\"id\":\"$1\""
}

# hooks_moments VERSION ID AFTER_CREATE BEFORE_PROCESS: every hook but
# startContainer under ociVersion VERSION; the order they ran in after
# create, and before the process ran, PID standing for the state's pid.
hooks_moments() {
        local pid
        hooks_setup
        write_config "$HOOKED_PROCESS" "$(all_hooks)"
        sed -i "s/\"ociVersion\": \"1.0.2\"/\"ociVersion\": \"$1\"/" "$BUNDLE/config.json"
        assert_status 0 oci create --bundle "$BUNDLE" "$2"
        pid=$(json_field "$(oci state "$2")" pid)
        assert_eq "${3//PID/$pid}" "$(order)" "after create"
        assert_status 0 oci start "$2"
        check_started "$2" "$pid" "${4//PID/$pid}"
}

test_hooks_run_at_the_moments_of_runtime_spec_1_0() {
        # 1.0.2: prestart runs once start is called, not at create.
        hooks_moments 1.0.2 v10 "createRuntime created PID
createContainer created PID" "createRuntime created PID
createContainer created PID
prestart created PID"
}

test_hooks_run_at_the_moments_of_runtime_spec_1_1() {
        # 1.1: prestart at create, before createRuntime.
        hooks_moments 1.1.0 v11 "prestart created PID
createRuntime created PID
createContainer created PID" "prestart created PID
createRuntime created PID
createContainer created PID"
}

# start_fails ID WHAT: ID created, its start fails saying WHAT; $PID
# was its process.
start_fails() {
        assert_status 0 oci create --bundle "$BUNDLE" "$1"
        PID=$(json_field "$(oci state "$1")" pid)
        run oci start "$1"
        assert_eq 1 "$STATUS" "start failing with: $2"
        assert_contains "$ERR" "$2"
}

test_failing_prestart_fails_start_and_ends_the_container() {
        hooks_setup
        write_config "$HOOKED_PROCESS" ',
  "hooks": { "prestart": [ '"$(hook prestart fail)"', '"$(hook prestart2)"' ], "poststop": [ '"$(hook poststop)"' ] }'
        start_fails pf "hook prestart"
        # The rest of prestart does not run; the container is stopped and
        # deleted, its poststop hooks run; the process never ran.
        assert_eq "prestart created $PID
poststop stopped 0" "$(order)" "the hooks that ran"
        run oci state pf
        assert_eq 1 "$STATUS" "state of the container whose prestart failed"
        no_process_with "$HOOKED_SLEEP" || fail "the container's process outlived its failed prestart hook"
}

# check_failed_create ID KIND: create fails with the failing hook of KIND,
# which ran and no other hook of the create after it, then the poststop
# hooks; nothing is left.
check_failed_create() {
        run oci create --bundle "$BUNDLE" "$1"
        assert_eq 1 "$STATUS" "create with a failing $2 hook"
        assert_contains "$ERR" "hook $2"
        assert_eq "$2 created $(json_field "$(cat "$BUNDLE/$2.json")" pid)
poststop stopped 0" "$(order)" "the hooks that ran"
        assert_eq "" "$(ls -A "$ROOTDIR")" "what a failed create leaves"
        no_process_with "$HOOKED_SLEEP" || fail "a failed create left its process"
}

test_failing_create_hook_runs_the_poststop_hooks() {
        hooks_setup
        write_config "$HOOKED_PROCESS" ',
  "hooks": { "prestart": [ '"$(hook prestart fail)"' ], "createRuntime": [ '"$(hook createRuntime)"' ], "poststop": [ '"$(hook poststop)"' ] }'
        sed -i 's/"ociVersion": "1.0.2"/"ociVersion": "1.1.0"/' "$BUNDLE/config.json"
        check_failed_create cf prestart
}

test_failing_poststart_and_poststop_hooks_only_warn() {
        hooks_setup
        write_config '["true"]' ',
  "hooks": { "poststart": [ '"$(hook poststart fail)"', '"$(hook poststart2)"' ], "poststop": [ '"$(hook poststop fail)"', '"$(hook poststop2)"' ] }'
        assert_status 0 oci create --bundle "$BUNDLE" wf
        run oci start wf
        assert_eq 0 "$STATUS" "start with a failing poststart hook"
        assert_contains "$ERR" "poststart hook failed"
        wait_for 5 sh -c "'$USERBOX_OCI' --root '$ROOTDIR' state wf | grep -q '\"stopped\"'"
        run oci delete wf
        assert_eq 0 "$STATUS" "delete with a failing poststop hook"
        assert_contains "$ERR" "poststop hook failed"
        assert_eq "poststart poststart2 poststop poststop2" "$(order | cut -d' ' -f1 | tr '\n' ' ' | sed 's/ $//')" \
                "every hook ran"
        run oci state wf
        assert_eq 1 "$STATUS" "state after delete"
}

test_hooks_are_those_config_json_had_at_create() {
        hooks_setup
        write_config '["true"]' ',
  "hooks": { "poststart": [ '"$(hook poststart)"' ], "poststop": [ '"$(hook poststop)"' ] }'
        assert_status 0 oci create --bundle "$BUNDLE" kc
        # The runtime spec: config.json changed after create does not
        # change the container.
        write_config '["true"]'
        assert_status 0 oci start kc
        wait_for 5 sh -c "'$USERBOX_OCI' --root '$ROOTDIR' state kc | grep -q '\"stopped\"'"
        assert_status 0 oci delete kc
        assert_eq "poststart poststop" "$(order | cut -d' ' -f1 | tr '\n' ' ' | sed 's/ $//')" "the hooks that ran"
}

# in_container_hook: /in-hook, a program of the container's root only
# (the path resolves there), that appends "startContainer HOSTNAME STATUS
# PID" of the state on its stdin to /order and exits with its argument.
in_container_hook() {
        cat >"$BUNDLE/rootfs/in-hook" <<'EOS'
#!/bin/sh
state=$(cat)
status=$(printf '%s' "$state" | sed -n 's/.*"status":"\([a-z]*\)".*/\1/p')
pid=$(printf '%s' "$state" | sed -n 's/.*"pid":\([0-9]*\).*/\1/p')
echo "startContainer $(hostname) $status $pid" >>/order
exit "${1:-0}"
EOS
        chmod +x "$BUNDLE/rootfs/in-hook"
}

test_start_container_hooks_run_in_the_container_before_its_program() {
        hooks_setup
        in_container_hook
        write_config "$HOOKED_PROCESS" ',
  "hooks": { "prestart": [ '"$(hook prestart)"' ],
             "startContainer": [ { "path": "/in-hook", "env": ["PATH=/bin"] } ], "poststop": [ '"$(hook poststop)"' ] }'
        [ ! -e /in-hook ] || skip "machine: the host has an /in-hook of its own"
        assert_status 0 oci create --bundle "$BUNDLE" sc
        local pid
        pid=$(json_field "$(oci state sc)" pid)
        assert_eq "" "$(order)" "after create"
        assert_status 0 oci start sc
        # start returns once the program runs: the hook ran before, in the
        # container (its hostname), with the state of a created container.
        wait_for 5 grep -qx process "$BUNDLE/rootfs/order" || fail "the process did not run after start"
        assert_eq "prestart created $pid
startContainer ocibox created $pid
process" "$(order)" "after start"
        assert_status 0 oci delete --force sc
}

test_failing_start_container_hook_fails_start_and_ends_the_container() {
        hooks_setup
        in_container_hook
        write_config "$HOOKED_PROCESS" ',
  "hooks": { "startContainer": [ { "path": "/in-hook", "args": ["in-hook", "3"], "env": ["PATH=/bin"] } ],
             "poststop": [ '"$(hook poststop)"' ] }'
        start_fails sf "startContainer hook failed"
        assert_eq "startContainer ocibox created $PID
poststop stopped 0" "$(order)" "what ran"
        run oci state sf
        assert_eq 1 "$STATUS" "state of the container whose startContainer hook failed"
}

test_create_container_hooks_run_in_the_container_before_its_pivot() {
        hooks_setup
        # The host's sh, by a host path, in the container's namespaces (its
        # hostname) while the host's tree is still there (the bundle).
        write_config '["true"]' ',
  "hooks": { "createRuntime": [ { "path": "/bin/sh", "args": ["sh", "-c", "echo createRuntime $(hostname) >> '"$BUNDLE"'/rootfs/order"] } ],
             "createContainer": [ { "path": "/bin/sh", "args": ["sh", "-c", "echo createContainer $(hostname) >> '"$BUNDLE"'/rootfs/order"], "env": ["PATH=/usr/bin:/bin"] } ] }'
        assert_status 0 oci create --bundle "$BUNDLE" cc
        assert_eq "createRuntime $(hostname)
createContainer ocibox" "$(order)" "after create"
        assert_status 0 oci delete --force cc
}

test_failing_create_container_hook_fails_create_and_runs_poststop() {
        hooks_setup
        write_config "$HOOKED_PROCESS" ',
  "hooks": { "createContainer": [ '"$(hook createContainer fail)"' ], "poststop": [ '"$(hook poststop)"' ] }'
        check_failed_create cf2 createContainer
}
