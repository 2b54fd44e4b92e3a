# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash disable=SC2016 # scripts run inside expand there
#
# Named containers (userbox(1), NAMED CONTAINERS): run --name/-d, list,
# exec, stop, kill, logs, wait, rm. Every test has a state directory of its own
# (XDG_RUNTIME_DIR in a temp dir) and checks what a user sees: the
# commands' output and status, the processes and mounts of the host, the
# state directory before and after.

# named_setup: a private XDG_RUNTIME_DIR and a root of this test's own;
# everything a test started is killed when it ends.
named_setup() {
        XDG_RUNTIME_DIR=$(mktemp_dir) || fail "mktemp_dir"
        chmod 700 "$XDG_RUNTIME_DIR"
        export XDG_RUNTIME_DIR
        NROOT=$(mktemp_dir)/root
        make_root "$NROOT"
        trap 'named_cleanup' EXIT
}

named_cleanup() {
        local n
        for n in $("$USERBOX" list --format json 2>/dev/null | grep -o '"name": *"[^"]*"' | sed 's/.*"\([^"]*\)"$/\1/'); do
                "$USERBOX" kill -s KILL "$n" >/dev/null 2>&1
        done
        return 0
}

state_dir() { printf '%s\n' "$XDG_RUNTIME_DIR/userbox/containers"; }

# start_detached NAME CMD...: run -d, which must print NAME and exit 0.
start_detached() {
        local name=$1
        shift
        run "$USERBOX" run --name "$name" -d "$NROOT" -- "$@"
        assert_status_was 0 "run -d --name $name"
        assert_eq "$name" "$OUT" "what run -d prints"
}

assert_status_was() { # EXPECTED WHAT
        [ "$STATUS" = "$1" ] || { _show_run "$2"; fail "$2: status $STATUS, expected $1"; }
}

# json_field NAME FIELD: FIELD of container NAME in list --format json.
json_field() {
        require_cmd python3
        "$USERBOX" list --format json | python3 -c '
import json, sys
for c in json.load(sys.stdin):
    if c["name"] == sys.argv[1]:
        print(c[sys.argv[2]])
' "$1" "$2"
}

test_run_detached_is_listed_with_its_host_pid_and_state() {
        named_setup
        start_detached web sleep 1000
        run "$USERBOX" list
        assert_status_was 0 "list"
        assert_contains "$OUT" "web" "list"
        assert_contains "$OUT" "running" "list"
        assert_contains "$OUT" "sleep 1000" "list"
        run "$USERBOX" ps
        assert_contains "$OUT" "web" "ps (alias of list)"
        local pid
        pid=$(json_field web pid)
        [ -n "$pid" ] && [ -d "/proc/$pid" ] || fail "list --format json gives no live pid for web: '$pid'"
        assert_eq "sleep 1000" "$(tr '\0' ' ' <"/proc/$pid/cmdline" | sed 's/ $//')" "the command line of the listed pid"
        assert_eq "running" "$(json_field web state)" "state in json"
        assert_eq "$NROOT" "$(json_field web root)" "root in json"
        local mode
        mode=$(stat -c %a "$(state_dir)/web")
        assert_eq 700 "$mode" "mode of the state directory"
}

test_run_detached_without_name_prints_a_unique_name() {
        named_setup
        run "$USERBOX" run -d "$NROOT" -- sleep 1000
        assert_status_was 0 "run -d"
        local a=$OUT
        [ -n "$a" ] || fail "run -d printed no name"
        run "$USERBOX" run -d "$NROOT" -- sleep 1000
        local b=$OUT
        assert_ne "$a" "$b" "two generated names"
        run "$USERBOX" list
        assert_contains "$OUT" "$a"
        assert_contains "$OUT" "$b"
}

test_run_detached_start_failure_is_125_and_leaves_nothing() {
        named_setup
        run "$USERBOX" run --name bad -d "$NROOT" -- /no/such/command
        assert_ne 0 "$STATUS" "run -d of a missing command"
        assert_contains "$ERR" "/no/such/command" "the error names the command"
        run "$USERBOX" run --name bad2 -d --bind /no/such/dir:/mnt "$NROOT" -- true
        assert_status_was 125 "run -d with a bad bind"
        [ ! -e "$(state_dir)/bad2" ] || fail "a failed run -d left its state directory"
        assert_eq "" "$(ls -A "$(state_dir)" 2>/dev/null | grep -v '^bad$')" "state directory after failed starts"
}

test_name_is_unique_even_for_two_runs_at_one_instant() {
        named_setup
        local d s1=0 s2=0
        d=$(mktemp_dir)
        "$USERBOX" run --name twin -d "$NROOT" -- sleep 1000 >"$d/o1" 2>"$d/e1" &
        local p1=$!
        "$USERBOX" run --name twin -d "$NROOT" -- sleep 1000 >"$d/o2" 2>"$d/e2" &
        local p2=$!
        wait "$p1" || s1=$?
        wait "$p2" || s2=$?
        [ "$s1:$s2" = "0:125" ] || [ "$s1:$s2" = "125:0" ] || fail "two run --name twin: statuses $s1 and $s2 (expected one 0, one 125); $(cat "$d"/e1 "$d"/e2)"
        assert_contains "$(cat "$d/e1" "$d/e2")" "twin" "the refusal names the container"
        assert_contains "$(cat "$d/e1" "$d/e2")" "already exists" "the refusal"
        assert_eq 1 "$("$USERBOX" list | grep -c twin)" "containers named twin"
}

test_bad_names_are_refused_with_125() {
        named_setup
        local name
        for name in 'a/b' "$(printf 'a\tb')" '' '..' "$(printf 'x%.0s' $(seq 1 300))"; do
                run "$USERBOX" run --name "$name" -d "$NROOT" -- true
                assert_status_was 125 "run --name '$name'"
                assert_contains "$ERR" "name" "the error for the name '$name'"
                assert_contains "$ERR" "not a container name" "the error for the name '$name'"
        done
}

test_missing_runtime_dir_is_refused_by_run_with_125() {
        named_setup
        XDG_RUNTIME_DIR=/no/such/runtime/dir run "$USERBOX" run --name ok -d "$NROOT" -- true
        assert_status_was 125 "run -d with XDG_RUNTIME_DIR missing"
        assert_contains "$ERR" "/no/such/runtime/dir" "the error names the directory"
}

# state_setup: a private XDG_RUNTIME_DIR, for the tests that start no
# container.
state_setup() {
        XDG_RUNTIME_DIR=$(mktemp_dir) || fail "mktemp_dir"
        chmod 700 "$XDG_RUNTIME_DIR"
        export XDG_RUNTIME_DIR
}

# fake_container NAME STATUS [EXIT_STATUS]: the state directory a detached
# container's launcher leaves when its command exited (STATUS exited, the
# lock free), or with STATUS running the remains of a launcher killed with
# -9; written as the launcher writes it.
fake_container() {
        local dir exit_status=null
        dir=$(state_dir)/$1
        mkdir -p -m 700 "$XDG_RUNTIME_DIR/userbox" "$(state_dir)" "$dir"
        [ "$2" = exited ] && exit_status=$3
        printf '{"launcher_pid": 1, "launcher_start_time": 1, "init_pid": 1, "init_start_time": 1, "command_pid": 1, "root": "/srv/root", "command": ["sh", "-c", "echo hi"], "created": %s, "detached": true, "log": "%s/log", "status": "%s", "exit_status": %s}\n' \
                "$(date +%s)" "$dir" "$2" "$exit_status" >"$dir/state"
        : >"$dir/lock"
}

test_list_of_no_container_is_the_header_or_an_empty_array() {
        state_setup
        run "$USERBOX" list
        assert_status_was 0 "list"
        assert_eq "NAME  STATE  PID  MEMORY  ROOT  COMMAND                                   AGE" "$OUT" "list of nothing"
        run "$USERBOX" ps --format json
        assert_status_was 0 "ps --format json"
        assert_eq "[]" "$(tr -d '\n' <<<"$OUT")" "json of nothing"
        [ "$(stat -c %a "$(state_dir)")" = 700 ] || fail "the state root is not 0700"
}

test_commands_on_a_missing_container_are_125_and_name_it() {
        state_setup
        local cmd
        for cmd in stop kill logs wait rm "logs -f" "stop -t 1" "kill -s TERM" "rm -f"; do
                # shellcheck disable=SC2086 # cmd is words
                run "$USERBOX" $cmd ghost
                assert_status_was 125 "$cmd ghost"
                assert_eq "userbox: container 'ghost' does not exist" "$ERR" "$cmd ghost"
        done
}

test_a_finished_detached_container_is_listed_waited_logged_and_removed() {
        state_setup
        fake_container done exited 7
        printf 'older\n' >"$(state_dir)/done/log.1"
        printf 'newer\n' >"$(state_dir)/done/log"
        run "$USERBOX" list
        assert_contains "$OUT" "done" "list"
        assert_contains "$OUT" "exited" "list"
        assert_eq 7 "$(json_field done exit_status)" "exit_status in json"
        assert_status 7 "$USERBOX" wait done
        assert_eq "" "$OUT$ERR" "wait prints nothing"
        run "$USERBOX" logs done
        assert_status_was 0 "logs"
        assert_eq "older
newer" "$OUT" "logs: log.1, then log"
        run timeout 10 "$USERBOX" logs -f done
        assert_eq "older
newer" "$OUT" "logs -f of an exited container returns at once"
        local cmd
        for cmd in stop kill; do
                run "$USERBOX" $cmd done
                assert_status_was 125 "$cmd of an exited container"
                assert_eq "userbox: container 'done' is not running (exited with status 7)" "$ERR" "$cmd done"
        done
        [ -d "$(state_dir)/done" ] || fail "the exited container's state is gone after a refused stop"
        run "$USERBOX" rm done
        assert_status_was 0 "rm done ($ERR)"
        [ ! -e "$(state_dir)/done" ] || fail "rm left the state directory"
        assert_eq "" "$(ls -A "$(state_dir)")" "the state root after rm"
}

test_run_with_the_name_of_an_exited_container_is_refused() {
        state_setup
        fake_container done exited 7
        run "$USERBOX" run --name done -d -- true
        assert_status_was 125 "run --name of an exited container's name"
        assert_eq "userbox: container 'done' already exists (exited; remove it with 'userbox rm done')" "$ERR"
        [ -d "$(state_dir)/done" ] || fail "the exited container's state is gone after a refused run"
}

test_remains_of_a_killed_launcher_are_removed_by_the_next_command() {
        state_setup
        fake_container gone running
        run "$USERBOX" list
        assert_status_was 0 "list"
        assert_not_contains "$OUT" "gone" "list shows remains"
        [ ! -e "$(state_dir)/gone" ] || fail "list left the remains"
        fake_container gone2 running
        run "$USERBOX" stop gone2
        assert_status_was 125 "stop of remains"
        assert_eq "userbox: container 'gone2' does not exist (its launcher was killed; its remains are removed)" "$ERR"
        [ ! -e "$(state_dir)/gone2" ] || fail "stop left the remains"
        fake_container gone3 running
        run "$USERBOX" rm gone3
        assert_status_was 0 "rm of remains"
        [ ! -e "$(state_dir)/gone3" ] || fail "rm left the remains"
}

test_several_names_are_handled_in_order_and_one_failure_is_125() {
        state_setup
        fake_container a exited 0
        fake_container b exited 3
        run "$USERBOX" rm a ghost b
        assert_status_was 125 "rm a ghost b"
        assert_eq "userbox: container 'ghost' does not exist" "$ERR" "rm a ghost b"
        [ ! -e "$(state_dir)/a" ] && [ ! -e "$(state_dir)/b" ] || fail "rm stopped at the missing one"
        fake_container a exited 0
        fake_container b exited 3
        assert_status 3 "$USERBOX" wait a b
}

test_a_missing_runtime_dir_is_125_and_named() {
        local cmd
        for cmd in list "stop x" "logs x"; do
                # shellcheck disable=SC2086 # cmd is words
                XDG_RUNTIME_DIR=/no/such/runtime/dir run "$USERBOX" $cmd
                assert_status_was 125 "$cmd with XDG_RUNTIME_DIR missing"
                assert_contains "$ERR" "/no/such/runtime/dir" "$cmd: the error names the directory"
        done
}

test_command_line_refusals_say_why() {
        state_setup
        local args_err args err
        while IFS='|' read -r args err; do
                # shellcheck disable=SC2086 # args are words
                run "$USERBOX" $args
                assert_status_was 125 "userbox $args"
                assert_eq "$err" "$ERR" "userbox $args"
        done <<-'EOF_CASES'
	run -d -t /|userbox run: -d with -t: nothing would read the terminal (there is no attach)
	run --name a/b /|userbox run: --name 'a/b': not a container name: it contains '/'
	exec db|userbox exec: a command is needed after the container name
	exec|userbox exec: a container name is needed
	stop|userbox stop: a container name is needed
	stop -t soon db|userbox stop: -t 'soon': expected a number of seconds
	kill -s NOPE db|userbox kill: -s 'NOPE': not a signal (a name such as TERM or SIGTERM, or a number from 1 to 64)
	logs a b|userbox logs: one container at a time ('b' is one too many)
	list --format yaml|userbox list: --format 'yaml': expected table or json
	rm .x|userbox rm: '.x' is not a container name: it starts with '.'
	config -d|userbox config: unknown option '-d' (see 'userbox config --help')
	EOF_CASES
}

test_a_bad_name_in_a_profile_is_refused_with_its_line() {
        state_setup
        local dir
        dir=$(mktemp_dir)
        printf '[Container]\nName=bad/name\n' >"$dir/p.ini"
        chmod 600 "$dir/p.ini"
        run "$USERBOX" config --no-default-profile -p "$dir/p.ini"
        assert_status_was 125 "a profile with Name=bad/name"
        assert_eq "userbox: $dir/p.ini:2: [Container] Name: not a container name: 'bad/name' contains '/'" "$ERR"
        printf '[Container]\nName=good\n' >"$dir/p.ini"
        run "$USERBOX" config --no-default-profile -p "$dir/p.ini"
        assert_contains "$OUT" "Name=good" "config prints Name="
}

# The protections of the command, as run gives them and as exec gives them.
status_lines() { grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp|Uid|Gid|Groups):'; }

test_exec_has_exactly_the_protections_of_run() {
        named_setup
        local want
        want=$("$USERBOX" run "$NROOT" -- cat /proc/self/status | status_lines)
        [ -n "$want" ] || fail "run gave no status"
        assert_contains "$want" "NoNewPrivs:	1"
        assert_contains "$want" "Seccomp:	2"
        start_detached guarded sleep 1000
        run "$USERBOX" exec guarded cat /proc/self/status
        assert_status_was 0 "exec cat /proc/self/status"
        assert_eq "$want" "$(printf '%s\n' "$OUT" | status_lines)" "exec's status against run's"
}

test_exec_sees_the_files_hostname_pids_and_mounts_of_the_command() {
        named_setup
        run "$USERBOX" run --name seen -d -H boxed "$NROOT" -- sh -c 'echo made-inside > /tmp/mark; cat /proc/self/mountinfo > /tmp/mounts; exec sleep 1000'
        assert_status_was 0 "run -d -H boxed"
        wait_for 10 "$USERBOX" exec seen test -s /tmp/mounts || fail "the command never wrote /tmp/mounts"
        run "$USERBOX" exec seen cat /tmp/mark
        assert_eq "made-inside" "$OUT" "a file the command wrote"
        run "$USERBOX" exec seen hostname
        assert_eq boxed "$OUT" "exec's hostname (the container's UTS namespace)"
        run "$USERBOX" exec seen sh -c 'echo $HOSTNAME'
        assert_eq boxed "$OUT" "exec's HOSTNAME, as run's environment rules give it"
        # The pid namespace: init is 1, the command (sh exec'd sleep) 2.
        run "$USERBOX" exec seen cat /proc/2/comm
        assert_eq sleep "$OUT" "pid 2 in exec's pid namespace"
        run "$USERBOX" exec seen sh -c 'echo $$'
        [ "$OUT" -gt 2 ] || fail "exec's own pid in the container: '$OUT'"
        run "$USERBOX" exec seen sh -c 'cut -d" " -f5- /proc/self/mountinfo'
        assert_eq "$("$USERBOX" exec seen sh -c 'cut -d" " -f5- /tmp/mounts')" "$OUT" "exec's mount table against the command's"
        run "$USERBOX" exec -w /tmp seen pwd
        assert_eq /tmp "$OUT" "exec -w"
        run "$USERBOX" exec -e FOO=bar seen sh -c 'echo $FOO'
        assert_eq bar "$OUT" "exec -e"
        run "$USERBOX" exec seen sh -c 'ls /proc/self/fd | wc -l'
        assert_eq 4 "$OUT" "exec's command has only fds 0-2 (and ls's own)"
}

test_exec_exit_status_follows_the_command() {
        named_setup
        start_detached st sleep 1000
        assert_status 3 "$USERBOX" exec st sh -c 'exit 3'
        assert_status "$EXIT_NOT_FOUND" "$USERBOX" exec st /no/such/thing
        assert_status 125 "$USERBOX" exec nosuchcontainer true
        assert_contains "$ERR" "nosuchcontainer"
}

test_stop_lets_a_command_that_traps_term_save_its_state() {
        named_setup
        local d
        d=$(mktemp_dir)
        chmod 777 "$d"
        run "$USERBOX" run --name saver -d -b "$d:/out" "$NROOT" -- sh -c 'trap "echo saved > /out/state; exit 0" TERM; echo ready > /out/ready; while :; do sleep 0.1; done'
        assert_status_was 0 "run -d"
        wait_for 10 test -s "$d/ready" || fail "the command never started"
        run "$USERBOX" stop saver
        assert_status_was 0 "stop"
        assert_eq saved "$(cat "$d/state" 2>/dev/null)" "what the command saved on TERM"
        run "$USERBOX" list
        assert_not_contains "$OUT" "saver" "list after stop"
        [ ! -e "$(state_dir)/saver" ] || fail "stop left the state directory"
}

test_stop_kills_a_command_that_ignores_term_after_the_timeout() {
        named_setup
        start_detached stubborn sh -c 'trap "" TERM; while :; do sleep 0.2; done'
        local pid t0 t1
        pid=$(json_field stubborn pid)
        t0=$(date +%s)
        run "$USERBOX" stop -t 1 stubborn
        t1=$(date +%s)
        assert_status_was 0 "stop -t 1"
        [ $((t1 - t0)) -le 8 ] || fail "stop -t 1 took $((t1 - t0)) s"
        ! kill -0 "$pid" 2>/dev/null || fail "the command is still alive after stop"
        run "$USERBOX" stop stubborn
        assert_status_was 125 "stop of a container that is gone"
        assert_contains "$ERR" "stubborn"
}

test_logs_show_the_output_and_follow_until_exit() {
        named_setup
        start_detached talk sh -c 'echo hello-out; echo hello-err >&2; sleep 2; echo bye; exit 4'
        wait_for 10 sh -c '"$0" logs talk | grep -q hello-out' "$USERBOX" || fail "logs never showed the output"
        run "$USERBOX" logs talk
        assert_contains "$OUT$ERR" "hello-err"
        run timeout 20 "$USERBOX" logs -f talk
        assert_contains "$OUT" "bye" "logs -f follows to the end"
        assert_ne 124 "$STATUS" "logs -f returned when the container exited"
}

test_wait_gives_the_command_status() {
        named_setup
        start_detached w sh -c 'sleep 1; exit 7'
        assert_status 7 "$USERBOX" wait w
}

test_kill_sends_the_signal() {
        named_setup
        start_detached k sleep 1000
        local pid
        pid=$(json_field k pid)
        run "$USERBOX" kill -s KILL k
        assert_status_was 0 "kill -s KILL"
        wait_for 10 sh -c '! kill -0 '"$pid"' 2>/dev/null' || fail "the command survived kill -s KILL"
}

test_killed_launcher_leaves_no_process_and_list_cleans_the_remains() {
        named_setup
        start_detached orphan sleep 1000
        local cmd_pid lpid
        cmd_pid=$(json_field orphan pid)
        lpid=$(awk '{print $4}' "/proc/$cmd_pid/stat") # init
        lpid=$(awk '{print $4}' "/proc/$lpid/stat")    # the launcher
        kill -9 "$lpid"
        wait_for 10 sh -c '! kill -0 '"$cmd_pid"' 2>/dev/null' || fail "the command outlived its killed launcher"
        run "$USERBOX" list
        assert_not_contains "$OUT" "orphan" "list after the launcher was killed"
        [ ! -e "$(state_dir)/orphan" ] || fail "the remains are still in the state directory"
        start_detached orphan true
}

test_twenty_containers_leave_the_host_as_it_was() {
        named_setup
        local before_m before_s i
        before_m=$(host_mountinfo | sort)
        before_s=$(ls -A "$(state_dir)" 2>/dev/null)
        for i in $(seq 1 20); do
                start_detached "c$i" sleep 1020304
        done
        assert_eq 20 "$("$USERBOX" list | grep -c running)" "containers running"
        for i in $(seq 1 20); do
                run "$USERBOX" stop -t 2 "c$i"
                assert_status_was 0 "stop c$i"
        done
        assert_eq "$before_m" "$(host_mountinfo | sort)" "the host's mount table"
        assert_eq "$before_s" "$(ls -A "$(state_dir)" 2>/dev/null)" "the state directory"
        # A number no other test sleeps: tests may run side by side.
        wait_for 10 no_process_with "sleep 1020304" || fail "processes left: $(pgrep -af 'sleep 1020304')"
}

# exec -t: a pty of its own in the container's devpts, with job control,
# driven from a real terminal (tty/pane.sh).
test_exec_t_gets_its_own_pty_and_job_control() {
        named_setup
        start_detached shell sleep 1000
        # shellcheck source-path=SCRIPTDIR source=../tty/pane.sh
        . "$(dirname "${BASH_SOURCE[0]}")/../tty/pane.sh"
        outer_start
        # outer_start's trap replaced named_setup's: both, or the container
        # outlives the test.
        trap 'outer_stop; named_cleanup' EXIT
        type_line "XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR $USERBOX exec -t shell sh; printf '%s=%s\\n' exec-status \$?"
        outer_sync
        outer_do 'tty > /tmp/tty-of-exec'
        assert_eq /dev/pts/0 "$("$USERBOX" exec shell cat /tmp/tty-of-exec)" "exec -t's terminal, in the container's devpts"
        outer_do 'sleep 100 &'
        outer_do 'jobs'
        assert_contains "$PANE" "Running" "jobs after sleep &"
        job_fg_ctrl_c
        type_line 'exit 6'
        wait_pane "exec-status=6"
        assert_outer_modes_restored
}

# What exec applies never comes from the state directory, even when the
# container can write it (a runtime directory bound into it): a rewritten
# config changes nothing.
test_exec_ignores_a_config_the_container_rewrote() {
        named_setup
        local want d
        run "$USERBOX" run --name b -d -b "$XDG_RUNTIME_DIR:/xdg" "$NROOT" -- sleep 1000
        assert_status_was 0 "run -d with the runtime directory bound"
        want=$("$USERBOX" exec b cat /proc/self/status | status_lines)
        d=/xdg/userbox/containers/b
        run "$USERBOX" exec b sh -c "sed -i -e 's/^; NoNewPrivileges=yes.*/NoNewPrivileges=no/' -e 's/^; Seccomp=default.*/Seccomp=unconfined/' -e 's/^\[Security\]/[Security]\nCapabilityAdd=all/' $d/config && grep -c unconfined $d/config"
        assert_eq 1 "$OUT" "the container rewrote the config file"
        run "$USERBOX" exec b cat /proc/self/status
        assert_status_was 0 "exec after the rewrite"
        assert_eq "$want" "$(printf '%s\n' "$OUT" | status_lines)" "exec's protections after the rewrite"
}

# The control socket answers only a process of the launcher's own user
# namespace: one inside another container (the host sandbox, with the
# state directory bound) gets nothing, though its uid is the user's.
test_control_socket_answers_no_process_inside_a_container() {
        named_setup
        require_cmd python3
        start_detached ctl sleep 1000
        run "$USERBOX" run -b "$XDG_RUNTIME_DIR:$XDG_RUNTIME_DIR" -- python3 -c '
import array, os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.settimeout(10)
s.connect(sys.argv[1])
own = os.open("/proc/self/ns/user", os.O_RDONLY)
s.sendmsg([b"userbox-exec-1\0"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [own]))])
data, anc, flags, addr = s.recvmsg(200000, 4096)
print("bytes=%d fds=%d" % (len(data), len(anc)))
' "$(state_dir)/ctl/control"
        assert_status_was 0 "the probe inside the host sandbox"
        assert_eq "bytes=0 fds=0" "$OUT" "what the launcher gave a process inside a container"
        run "$USERBOX" exec ctl true
        assert_status_was 0 "exec from the host still works"
}

# A file put into a container's state directory does not keep it there
# forever: stop removes it (a link is removed, not followed).
test_stray_files_in_the_state_directory_are_removed_with_it() {
        named_setup
        local target
        target=$(mktemp_dir)/keep
        echo keep >"$target"
        start_detached stray sleep 1000
        echo x >"$(state_dir)/stray/stray-file"
        ln -s "$target" "$(state_dir)/stray/stray-link"
        run "$USERBOX" stop -t 1 stray
        assert_status_was 0 "stop"
        assert_eq "" "$ERR" "what stop printed"
        assert_eq "" "$(ls -A "$(state_dir)")" "the state directory after stop"
        assert_eq keep "$(cat "$target")" "the file the link named"
        run "$USERBOX" list
        assert_eq "" "$ERR" "what list printed afterwards"
}

# A state file rewritten to name another process of the user (with its
# right start time) makes stop and kill signal nothing: the launcher is
# checked on its control socket, init as its child.
test_a_rewritten_state_file_makes_stop_and_kill_signal_nothing() {
        named_setup
        require_cmd python3
        local victim start f launcher
        start_detached target sleep 1000
        sleep 1000 &
        victim=$!
        start=$(awk '{ print $22 }' "/proc/$victim/stat")
        f=$(state_dir)/target/state
        launcher=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["launcher_pid"])' "$f")
        python3 - "$f" "$victim" "$start" <<'PY'
import json, sys
f, pid, start = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = json.load(open(f))
s["launcher_pid"], s["launcher_start_time"] = pid, start
s["init_pid"], s["init_start_time"], s["command_pid"] = pid, start, pid
json.dump(s, open(f, "w"))
PY
        run "$USERBOX" stop -t 1 target
        assert_status_was 125 "stop with a rewritten state"
        assert_contains "$ERR" "the state was changed" "stop's refusal"
        run "$USERBOX" kill target
        assert_status_was 125 "kill with a rewritten state"
        kill -0 "$victim" 2>/dev/null || fail "the process the state named was signalled"
        kill "$victim"
        # The container itself: its launcher ends it, as nothing else can now.
        kill "$launcher" 2>/dev/null
}
