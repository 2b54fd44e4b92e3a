# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash disable=SC2016
#
# userbox-oci: what config.json's process gets (oomScoreAdj, rlimits, exec
# --process capabilities and oomScoreAdj) and the lifecycle rules of
# runtime.md that the conformance programs check (delete of a container
# that is not stopped, delete --force of one that is gone, a refused
# create, a config without process). Each test has a
# state root and a bundle of its own, a busybox root whose config.json is
# written here.

source "$(dirname "${BASH_SOURCE[0]}")/common.sh" || exit 1

# proc_config SCRIPT [PROCESS_JSON]: a config.json running `sh -c SCRIPT`
# as root of a user namespace mapping the caller alone; PROCESS_JSON is
# members added to process (with a leading comma).
proc_config() {
        cat >"$BUNDLE/config.json" <<EOF
{
  "ociVersion": "1.0.2",
  "root": { "path": "rootfs" },
  "process": {
    "args": ["sh", "-c", $(printf '%s' "$1" | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read()))')],
    "env": ["PATH=/bin:/usr/bin"], "cwd": "/", "user": { "uid": 0, "gid": 0 }${2:-}
  },
  "linux": {
    "namespaces": [ {"type": "user"}, {"type": "pid"}, {"type": "mount"}, {"type": "uts"}, {"type": "ipc"} ],
    "uidMappings": [ {"containerID": 0, "hostID": $(id -u), "size": 1} ],
    "gidMappings": [ {"containerID": 0, "hostID": $(id -g), "size": 1} ]
  }
}
EOF
}

status_of() { json_field "$(oci state "$1")" status; }

test_delete_of_a_created_container_fails_and_changes_nothing() {
        oci_setup
        proc_config 'echo ran > /ran'
        assert_status 0 oci create --bundle "$BUNDLE" d1
        run oci delete d1
        assert_eq 1 "$STATUS" "delete of a created container without --force"
        assert_contains "$ERR" "container 'd1' is created"
        assert_eq created "$(status_of d1)" "the container after the refused delete"
        assert_status 0 oci start d1
        wait_for 5 test -s "$BUNDLE/rootfs/ran"
        wait_for 5 sh -c "'$USERBOX_OCI' --root '$ROOTDIR' state d1 | grep -q '\"stopped\"'"
        assert_status 0 oci delete d1
        assert_eq "" "$(ls -A "$ROOTDIR")" "what delete leaves"
}

test_delete_force_of_a_created_container_kills_it() {
        oci_setup
        proc_config 'echo ran > /ran'
        assert_status 0 oci create --bundle "$BUNDLE" d2
        local pid
        pid=$(json_field "$(oci state d2)" pid)
        assert_status 0 oci delete --force d2
        assert_eq "" "$(ls -A "$ROOTDIR")" "what delete --force leaves"
        wait_for 5 sh -c "! kill -0 $pid 2>/dev/null" || fail "the created container's process $pid outlived delete --force"
        [ ! -e "$BUNDLE/rootfs/ran" ] || fail "the process of a deleted created container ran"
}

test_delete_force_of_a_missing_container_succeeds() {
        oci_setup
        run oci delete --force nosuch
        assert_eq 0 "$STATUS" "delete --force of a container that does not exist"
        assert_eq "" "$ERR" "what delete --force of a missing container prints"
        run oci delete nosuch
        assert_eq 1 "$STATUS" "delete of a container that does not exist"
        assert_contains "$ERR" "container 'nosuch' does not exist"
        run oci delete --force ../x
        assert_eq 1 "$STATUS" "delete --force of a bad id"
        assert_contains "$ERR" "is not a container id"
}

# process is optional in config.json and required by start (runtime-spec
# config.md, runtime.md): create makes the container, its process waits;
# start fails saying why and changes nothing; kill and delete end it.
test_config_without_process_is_created_and_start_refuses_it() {
        oci_setup
        proc_config 'true'
        python3 - "$BUNDLE/config.json" <<'EOF' || fail "config.json"
import json, sys
doc = json.load(open(sys.argv[1]))
del doc["process"]
# No id of the container is assumed: the caller is 1000 inside, not 0.
for m in doc["linux"]["uidMappings"] + doc["linux"]["gidMappings"]:
    m["containerID"] = 1000
json.dump(doc, open(sys.argv[1], "w"))
EOF
        run oci create --bundle "$BUNDLE" n1
        assert_eq 0 "$STATUS" "create without process (stderr: $ERR)"
        assert_eq created "$(status_of n1)" "the container without process after create"
        local pid
        pid=$(json_field "$(oci state n1)" pid)
        [ -n "$pid" ] && kill -0 "$pid" || fail "the created container's pid '$pid' is not alive"
        run oci start n1
        assert_eq 1 "$STATUS" "start of a container without process"
        assert_contains "$ERR" "container 'n1' has no process to start: its config.json had none at create"
        assert_eq created "$(status_of n1)" "the container after the refused start"
        assert_status 0 oci kill n1 KILL
        wait_for 5 sh -c "'$USERBOX_OCI' --root '$ROOTDIR' state n1 | grep -q '\"stopped\"'"
        assert_status 0 oci delete n1
        assert_eq "" "$(ls -A "$ROOTDIR")" "what delete leaves"
        run oci run --bundle "$BUNDLE" n2
        assert_eq 1 "$STATUS" "run without process"
        assert_contains "$ERR" "container 'n2' has no process to start"
        assert_eq "" "$(ls -A "$ROOTDIR")" "what the refused run leaves"
}

# process_capabilities_fail and process_rlimits_fail: create refuses, leaves
# nothing, and the engine's delete --force that follows succeeds.
test_refused_create_is_deleted_quietly() {
        oci_setup
        proc_config 'true' ', "capabilities": { "bounding": ["CAP_CHOWN", "CAP_TEST"] }'
        run oci create --bundle "$BUNDLE" r1
        assert_eq 1 "$STATUS" "create with an unknown capability"
        assert_contains "$ERR" "process.capabilities.bounding[1]: unknown capability 'CAP_TEST'"
        proc_config 'true' ', "rlimits": [ { "type": "RLIMIT_TEST", "soft": 1, "hard": 1 } ]'
        run oci create --bundle "$BUNDLE" r1
        assert_eq 1 "$STATUS" "create with an unknown limit"
        assert_contains "$ERR" "process.rlimits[0].type: unknown limit 'RLIMIT_TEST'"
        assert_eq "" "$(ls -A "$ROOTDIR")" "what the refused creates leave"
        run oci delete --force r1
        assert_eq 0 "$STATUS" "delete --force of the refused container"
        assert_eq "" "$ERR" "what it prints"
}

test_oom_score_adj_is_the_process_one() {
        oci_setup
        proc_config 'cat /proc/self/oom_score_adj' ', "oomScoreAdj": 500'
        run oci run --bundle "$BUNDLE" o1
        assert_eq 0 "$STATUS" "run with process.oomScoreAdj 500 (stderr: $ERR)"
        assert_eq 500 "$OUT" "the process's oom_score_adj"
}

# Below the value it has, only CAP_SYS_RESOURCE of the host may go (the
# kernel's oom_score_adj_min): an error naming the field, nothing left.
test_oom_score_adj_it_cannot_get_is_refused() {
        oci_setup
        local now
        now=$(cat /proc/self/oom_score_adj)
        [ "$now" -gt -1000 ] || skip "machine: the test's oom_score_adj is -1000 already: nothing is lower"
        # A number of this case's own (8 digits from its pid), which no
        # other process sleeps: CI runs a second suite beside this one.
        local seconds=$((60170000 + $$))
        proc_config "sleep $seconds" ', "oomScoreAdj": -1000'
        run oci create --bundle "$BUNDLE" o2
        assert_eq 1 "$STATUS" "create with process.oomScoreAdj -1000"
        assert_contains "$ERR" "process.oomScoreAdj: cannot set -1000"
        assert_contains "$ERR" "CAP_SYS_RESOURCE"
        assert_eq "" "$(ls -A "$ROOTDIR")" "what the refused create leaves"
        no_process_with "sleep $seconds" || fail "a refused create left its process"
        proc_config 'true' ', "oomScoreAdj": 1001'
        run oci create --bundle "$BUNDLE" o2
        assert_eq 1 "$STATUS" "create with process.oomScoreAdj 1001"
        assert_contains "$ERR" "process.oomScoreAdj: 1001 is not in -1000..1000"
}

# exec's command gets --process's oomScoreAdj, or config.json's without
# --process; a file without one leaves it the caller's. Lower than the
# caller's value it is refused, as create refuses it, and nothing runs.
test_exec_oom_score_adj_is_the_process_one() {
        oci_setup
        local now
        now=$(cat /proc/self/oom_score_adj)
        [ "$now" -lt 200 ] || skip "machine: the test's oom_score_adj is $now already, above the values tried"
        proc_config 'sleep 6018' ', "oomScoreAdj": 200'
        assert_status 0 oci create --bundle "$BUNDLE" x1
        assert_status 0 oci start x1
        run oci exec x1 cat /proc/self/oom_score_adj
        assert_eq 0 "$STATUS" "exec without --process (stderr: $ERR)"
        assert_eq 200 "$OUT" "exec's oom_score_adj without --process: config.json's"
        exec_process_file ', "oomScoreAdj": 300'
        run oci exec --process "$BUNDLE/process.json" x1
        assert_eq 0 "$STATUS" "exec --process with oomScoreAdj 300 (stderr: $ERR)"
        assert_eq 300 "$OUT" "exec --process's oom_score_adj"
        exec_process_file ''
        run oci exec --process "$BUNDLE/process.json" x1
        assert_eq "$now" "$OUT" "exec --process without oomScoreAdj: the caller's"
        [ "$now" -gt -1000 ] || skip "machine: the test's oom_score_adj is -1000 already: nothing is lower"
        exec_process_file ', "oomScoreAdj": -1000'
        run oci exec --process "$BUNDLE/process.json" x1
        assert_eq 1 "$STATUS" "exec --process with oomScoreAdj -1000"
        assert_eq "" "$OUT" "what the refused exec's command printed"
        assert_contains "$ERR" "process.oomScoreAdj: cannot set -1000 (the process has $now): going lower takes CAP_SYS_RESOURCE"
}

# exec_process_file EXTRA: $BUNDLE/process.json, reading oom_score_adj;
# EXTRA is members added to it (with a leading comma).
exec_process_file() {
        cat >"$BUNDLE/process.json" <<EOF
{ "args": ["cat", "/proc/self/oom_score_adj"], "env": ["PATH=/bin"], "cwd": "/",
  "user": { "uid": 0, "gid": 0 }$1 }
EOF
}

# process_rlimits asks NOFILE soft 3000, hard 4000, and reads 4000: its
# runtimetest is a Go 1.19 program, whose runtime raises its own soft
# NOFILE to the hard one at start. A shell reads what the runtime set.
test_rlimits_soft_and_hard_are_those_asked() {
        oci_setup
        proc_config 'echo $(ulimit -Sn) $(ulimit -Hn)' \
                ', "rlimits": [ { "type": "RLIMIT_NOFILE", "soft": 3000, "hard": 4000 } ]'
        run oci run --bundle "$BUNDLE" l1
        assert_eq 0 "$STATUS" "run with process.rlimits (stderr: $ERR)"
        assert_eq "3000 4000" "$OUT" "NOFILE's soft and hard limits"
}

test_exec_process_file_capabilities_replace_the_config_ones() {
        oci_setup
        proc_config 'sleep 700' ', "capabilities": {
      "bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"], "effective": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"],
      "permitted": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"] }'
        assert_status 0 oci create --bundle "$BUNDLE" e1
        assert_status 0 oci start e1
        run oci exec e1 sh -c 'grep ^CapEff /proc/self/status'
        assert_eq "CapEff:	0000000000002021" "$OUT" "exec's capabilities without --process: config.json's"
        cat >"$BUNDLE/process.json" <<'EOF'
{ "args": ["sh", "-c", "grep -E '^Cap(Eff|Bnd)' /proc/self/status"], "env": ["PATH=/bin"], "cwd": "/",
  "user": { "uid": 0, "gid": 0 },
  "capabilities": { "bounding": ["CAP_KILL"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"] } }
EOF
        run oci exec --process "$BUNDLE/process.json" e1
        assert_eq 0 "$STATUS" "exec --process (stderr: $ERR)"
        assert_eq "CapEff:	0000000000000020
CapBnd:	0000000000000020" "$OUT" "exec --process's capabilities"
        sed -i 's/"CAP_KILL"\] }/"CAP_NOPE"] }/' "$BUNDLE/process.json"
        run oci exec --process "$BUNDLE/process.json" e1
        assert_eq 1 "$STATUS" "exec --process with an unknown capability"
        assert_contains "$ERR" "process.capabilities.permitted[0]: unknown capability 'CAP_NOPE'"
}
