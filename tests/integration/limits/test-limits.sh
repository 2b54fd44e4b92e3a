# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# [Limits] Memory=, CPUs=, PIDs= through a cgroup delegated to the user
# (design §13): the limits hold, the cgroup goes when the container does,
# and without a delegated cgroup the limit is refused, saying where userbox
# looked. .ci/run delegates one to the test user below its own cgroup, as
# pam_cgfs or systemd would; the tests find it as userbox does, from
# /proc/self/cgroup.

source "$(dirname "${BASH_SOURCE[0]}")/common.sh" || exit 1

test_memory_limit_kills_what_allocates_past_it() {
        limits_delegated memory
        # 256 MB written into the container's /tmp (a tmpfs, charged to
        # its cgroup): killed at 64 MB.
        run "$USERBOX" run --idmap single --limit Memory=64M "$TEST_ROOT" -- \
                dd if=/dev/zero of=/tmp/big bs=1M count=256
        assert_eq $((EXIT_SIGNAL_BASE + 9)) "$STATUS" "status under Memory=64M (stderr: $ERR)"
        assert_contains "$ERR" "userbox: the container reached its memory limit (Memory=67108864 bytes)" "what userbox says"
        run "$USERBOX" run --idmap single "$TEST_ROOT" -- dd if=/dev/zero of=/tmp/big bs=1M count=256
        assert_eq 0 "$STATUS" "the same command without the limit (stderr: $ERR)"
}

test_pids_limit_fails_forks_and_the_container_survives() {
        limits_delegated pids
        run "$USERBOX" run --idmap single --limit PIDs=20 "$TEST_ROOT" -- \
                sh -c 'sh -c "for i in \$(seq 40); do sleep 1 & done; wait"; echo survived'
        assert_eq 0 "$STATUS" "status under PIDs=20 (stderr: $ERR)"
        assert_contains "$ERR" "can't fork" "a fork failed inside"
        assert_eq survived "$OUT" "the container went on"
        run "$USERBOX" run --idmap single "$TEST_ROOT" -- \
                sh -c 'sh -c "for i in \$(seq 40); do sleep 1 & done; wait"; echo survived'
        assert_not_contains "$ERR" "can't fork" "without the limit"
}

test_cpus_limit_holds_a_busy_loop_to_its_share() {
        local times cpu
        limits_delegated cpu
        # The loop's own CPU, as its shell's `times` counts its children:
        # not the launcher's, which runs outside the container's cgroup
        # (and costs more under a sanitizer).
        run "$USERBOX" run --idmap single --limit CPUs=0.5 "$TEST_ROOT" -- \
                sh -c 'timeout 2 sh -c "while :; do :; done"; echo "status $?"; times'
        assert_eq 0 "$STATUS" "status ($ERR)"
        # busybox's timeout execs the loop: it ends by SIGTERM.
        assert_contains "$OUT" "status $((EXIT_SIGNAL_BASE + 15))" "how the loop ended"
        times=$(printf '%s\n' "$OUT" | tail -n 1)
        cpu=$(awk '{ split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%d", (u[1] * 60 + u[2] + s[1] * 60 + s[2]) * 1000 }' <<<"$times")
        # 60% of the 2 s of wall time; and the loop did run.
        [ "$cpu" -le 1200 ] && [ "$cpu" -ge 300 ] ||
                fail "CPUs=0.5: the busy loop used ${cpu} ms of CPU in 2 s (its children's user and sys: $times)"
}

test_cgroup_is_removed_after_the_container_exits() {
        local memory pids before
        limits_memory_and_pids
        memory=$MEMORY pids=$PIDS
        before=$(limits_cgroups_under "$memory"; limits_cgroups_under "$pids")
        run "$USERBOX" run --idmap single --limit Memory=64M --limit PIDs=20 "$TEST_ROOT" -- \
                sh -c 'grep -E "memory|pids" /proc/self/cgroup'
        assert_eq 0 "$STATUS" "status ($ERR)"
        # The cgroup namespace is rooted at the container's own cgroup.
        assert_eq "memory:/
pids:/" "$(awk -F: '{ print $2 ":" $3 }' <<<"$OUT" | sort)" "the container's cgroups, as it sees them"
        assert_eq "$before" "$(limits_cgroups_under "$memory"; limits_cgroups_under "$pids")" "userbox cgroups left after exit"
        for _ in $(seq 20); do
                "$USERBOX" run --idmap single --limit Memory=64M --limit PIDs=20 "$TEST_ROOT" -- true ||
                        fail "a run under limits failed"
        done
        assert_eq "$before" "$(limits_cgroups_under "$memory"; limits_cgroups_under "$pids")" "userbox cgroups left after 20 runs"
}

# The container's first process enters its v1 cgroups itself, with the
# cgroups' files the launcher opened for it: under every id map (its uid
# on the host is the user's until its command starts), every process of
# the container is in each of them, and none of those files is left open
# to the command.
test_the_container_enters_its_cgroups_under_every_id_map() {
        local memory pids map pid out
        limits_memory_and_pids
        memory=$MEMORY pids=$PIDS
        out=$(mktemp_dir)
        for map in single subid keep-id; do
                "$USERBOX" run --idmap "$map" --limit Memory=64M --limit PIDs=20 "$TEST_ROOT" -- \
                        sh -c 'ls /proc/$$/fd; exec sleep 30' >"$out/$map" 2>"$out/$map.err" &
                pid=$!
                wait_for 10 grep -q . "$out/$map" ||
                        { kill -9 "$pid"; fail "--idmap $map: the command did not start: $(cat "$out/$map.err")"; }
                sort "$memory/userbox-$pid/cgroup.procs" >"$out/memory" 2>&1
                sort "$pids/userbox-$pid/cgroup.procs" >"$out/pids" 2>&1
                kill "$pid"
                wait "$pid"
                assert_eq 2 "$(grep -c . "$out/memory")" "--idmap $map: processes in the memory cgroup (init and the command): $(cat "$out/memory")"
                assert_eq "$(cat "$out/memory")" "$(cat "$out/pids")" "--idmap $map: the pids cgroup holds the same processes"
                assert_eq "0 1 2" "$(tr '\n' ' ' <"$out/$map" | sed 's/ $//')" "--idmap $map: the command's open files"
        done
}

# A launcher killed with -9 removes nothing; its container dies with it
# (PR_SET_PDEATHSIG) and the next launch under the same delegated cgroup
# removes the empty cgroup it left.
test_cgroup_of_a_killed_launcher_is_removed_by_the_next_launch() {
        local pids pid dir
        limits_delegated pids
        limits_parent PIDs=20
        pids=$PARENT
        "$USERBOX" run --idmap single --limit PIDs=20 "$TEST_ROOT" -- sleep 100 >/dev/null 2>&1 &
        pid=$!
        dir_of() { limits_cgroups_under "$pids" | grep "/userbox-$pid\$"; }
        wait_for 10 dir_of || { kill -9 "$pid"; fail "no cgroup userbox-$pid appeared under $pids"; }
        dir=$(dir_of)
        wait_for 10 grep -q . "$dir/cgroup.procs" || { kill -9 "$pid"; fail "nothing was placed in $dir"; }
        kill -9 "$pid"
        wait "$pid" 2>/dev/null
        wait_for 10 sh -c "! grep -q . '$dir/cgroup.procs'" || fail "the container outlived its launcher: $(cat "$dir/cgroup.procs")"
        [ -d "$dir" ] || fail "the killed launcher's cgroup was removed by nobody: the test proves nothing"
        assert_status 0 "$USERBOX" run --idmap single --limit PIDs=20 "$TEST_ROOT" -- true
        [ ! -d "$dir" ] || fail "the killed launcher's cgroup $dir is still there after the next launch"
}

test_limit_without_a_delegated_cgroup_is_refused_before_anything_starts() {
        limits_delegated pids
        # The hierarchy's root is root's: nothing there is delegated.
        run "$USERBOX" run -v --idmap single --limit CgroupParent=/ --limit PIDs=20 "$TEST_ROOT" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status"
        assert_contains "$ERR" "userbox: --limit PIDs: the pids controller is not delegated to you: looked at $(limits_mount pids) (CgroupParent=): not writable (ask your administrator to delegate a cgroup, see userbox(1) LIMITS)" "the message"
        assert_not_contains "$ERR" "cloned pid" "-v steps: nothing started"
}

# On a hybrid host (limits on v1, a v2 hierarchy without controllers) the
# container also gets a cgroup in the v2 hierarchy, holding every process
# of it, which cgroup.kill ends at once; removed with the rest.
test_hybrid_host_tracks_the_container_in_the_unified_hierarchy() {
        local v2 own out pid dir
        limits_delegated pids
        v2=$(awk '$0 ~ / - cgroup2 / { print $5; exit }' /proc/self/mountinfo)
        own=$v2$(sed -n 's/^0:://p' /proc/self/cgroup)
        [ -n "$v2" ] && [ -w "$own" ] && [ -w "$own/cgroup.procs" ] ||
                skip "machine: no writable cgroup v2 hierarchy beside the v1 ones (not a hybrid host)"
        out=$(mktemp_dir)
        "$USERBOX" run --idmap single --limit PIDs=20 "$TEST_ROOT" -- sh -c 'sleep 1 & sleep 1 & sleep 0.5' &
        pid=$!
        find_it() { dir=$(find "$v2" -maxdepth 6 -type d -name "userbox-$pid" 2>/dev/null) && [ -n "$dir" ]; }
        wait_for 10 find_it || { kill -9 "$pid"; fail "no cgroup userbox-$pid in the v2 hierarchy $v2"; }
        wait_for 10 sh -c "cat '$dir/cgroup.procs' >'$out/procs' 2>/dev/null && [ \$(wc -l <'$out/procs') -ge 3 ]" ||
                { kill -9 "$pid"; fail "the container's processes are not in $dir: $(cat "$out/procs" 2>/dev/null)"; }
        wait "$pid" || fail "userbox run failed"
        [ ! -d "$dir" ] || fail "$dir is left after exit"
}

# MemorySwap= is memory and swap together: it needs Memory=, at most it.
test_memory_swap_needs_memory_and_is_written_with_it() {
        limits_delegated memory
        run "$USERBOX" run --idmap single --limit MemorySwap=128M "$TEST_ROOT" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status without Memory="
        assert_eq "userbox: --limit MemorySwap: needs Memory= (it is memory and swap together)" "$ERR" "the message"
        run "$USERBOX" config --idmap single --limit Memory=64M --limit MemorySwap=128M "$TEST_ROOT"
        if [ "$STATUS" = "$EXIT_USERBOX_FAILED" ]; then
                assert_contains "$ERR" "userbox: --limit MemorySwap: this kernel has no memory.memsw.limit_in_bytes" "no swap accounting"
                skip "machine: the kernel does not account swap (no memory.memsw.limit_in_bytes)"
        fi
        assert_contains "$OUT" "memory.limit_in_bytes=67108864 memory.memsw.limit_in_bytes=134217728" "userbox config"
        run "$USERBOX" run --idmap single --limit Memory=64M --limit MemorySwap=128M "$TEST_ROOT" -- true
        assert_eq 0 "$STATUS" "status ($ERR)"
}

# What exec starts in a container with limits is under them, in the
# container's cgroup namespace as run's command is: "/" is the container's
# own cgroup (outside it, or in the host's namespace, the path would say
# where it is), never a host path.
test_exec_joins_the_cgroup_and_its_namespace_of_a_container_with_limits() {
        limits_delegated pids
        XDG_RUNTIME_DIR=$(mktemp_dir) && chmod 700 "$XDG_RUNTIME_DIR" && export XDG_RUNTIME_DIR
        run "$USERBOX" run -d --name limns --idmap single --limit PIDs=20 "$TEST_ROOT" -- sleep 60
        assert_eq 0 "$STATUS" "run -d ($ERR)"
        run "$USERBOX" exec limns cat /proc/self/cgroup
        "$USERBOX" stop limns >/dev/null 2>&1 &
        local stop=$!
        assert_eq 0 "$STATUS" "exec ($ERR)"
        assert_eq "pids:/" "$(awk -F: '$2 == "pids" { print $2 ":" $3 }' <<<"$OUT")" "exec's pids cgroup, as it sees it"
        wait "$stop"
}

# list shows what the cgroup of a container with limits uses (v1
# memory.usage_in_bytes, v2 memory.current); one without has "-".
test_list_shows_the_memory_a_container_with_a_cgroup_uses() {
        local memory none
        limits_delegated memory
        require_cmd python3
        XDG_RUNTIME_DIR=$(mktemp_dir) && chmod 700 "$XDG_RUNTIME_DIR" && export XDG_RUNTIME_DIR
        assert_status 0 "$USERBOX" run -d --name limmem --idmap single --limit Memory=64M "$TEST_ROOT" -- sleep 60
        assert_status 0 "$USERBOX" run -d --name limnone --idmap single "$TEST_ROOT" -- sleep 60
        run "$USERBOX" list --format json
        memory=$(python3 -c 'import json, sys; print({c["name"]: c["memory"] for c in json.load(sys.stdin)})' <<<"$OUT")
        run "$USERBOX" list
        "$USERBOX" stop limmem limnone >/dev/null 2>&1 &
        local stop=$!
        assert_eq 0 "$STATUS" "list ($ERR)"
        [[ $memory =~ \'limmem\':\ ([0-9]+) ]] && [ "${BASH_REMATCH[1]}" -gt 0 ] ||
                fail "list --format json: no memory use for limmem: $memory"
        assert_contains "$memory" "'limnone': None" "a container without a cgroup"
        assert_eq "MEMORY" "$(awk 'NR == 1 { print $4 }' <<<"$OUT")" "the table's column"
        [[ $(awk '$1 == "limmem" { print $4 }' <<<"$OUT") =~ ^[0-9.]+[BKMG]$ ]] || fail "list: limmem's memory: $OUT"
        none=$(awk '$1 == "limnone" { print $4 }' <<<"$OUT")
        assert_eq "-" "$none" "list: limnone's memory"
        wait "$stop"
}

# stop ends a container with limits through its cgroup after the grace
# period: a process in the cgroup but out of the reach of the container's
# signals (moved there from outside its pid namespace, as the cgroup's
# owner may) is killed too, and the cgroup is gone, even when the launcher
# got stuck (stopped once stop had checked it) and stop had to kill it.
test_stop_ends_everything_in_the_cgroup_even_past_a_stuck_launcher() {
        local pids launcher dir outsider stop
        limits_delegated pids
        limits_parent PIDs=20
        pids=$PARENT
        XDG_RUNTIME_DIR=$(mktemp_dir) && chmod 700 "$XDG_RUNTIME_DIR" && export XDG_RUNTIME_DIR
        assert_status 0 "$USERBOX" run -d --name limstop --idmap single --limit PIDs=20 "$TEST_ROOT" -- \
                sh -c 'trap "" TERM; setsid sh -c "trap \"\" TERM; sleep 100" & sleep 100'
        dir=$(find "$pids" -maxdepth 1 -type d -name "userbox-limstop-*" | head -n 1)
        [ -n "$dir" ] || fail "no cgroup userbox-limstop-* under $pids"
        launcher=${dir##*-} # userbox-NAME-PID: the launcher's pid
        sleep 100 &
        outsider=$!
        echo "$outsider" >"$dir/cgroup.procs" || fail "cannot move a process into $dir"
        "$USERBOX" stop -t 4 limstop >/dev/null 2>&1 &
        stop=$!
        # stop checks the launcher over its control socket at once, then
        # waits 4 s for it: the launcher is stopped meanwhile.
        sleep 1.5
        kill -STOP "$launcher"
        wait "$stop" || fail "stop failed"
        wait_for 5 sh -c "! kill -0 $outsider 2>/dev/null" ||
                { kill -9 "$outsider"; fail "a process in the container's cgroup outlived stop"; }
        [ ! -d "$dir" ] || fail "the cgroup $dir is left after stop"
}

# /sys/fs/cgroup inside a container with limits is its own cgroup, as
# podman and docker show it: a program that sizes itself by its limits (a
# JVM, the Go runtime) reads them where it looks. The host's tree, which
# came with /sys, has the host root's values (no limit, no pids.max).
test_sys_fs_cgroup_inside_shows_the_containers_limits() {
        limits_delegated memory
        limits_delegated pids
        limits_delegated cpu
        run "$USERBOX" run --idmap single --limit Memory=64M --limit PIDs=20 --limit CPUs=0.5 "$TEST_ROOT" -- \
                cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max \
                /sys/fs/cgroup/cpu/cpu.cfs_quota_us
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq "67108864
20
50000" "$OUT" "memory.limit_in_bytes, pids.max and cpu.cfs_quota_us inside"
}

# Its cgroup's processes, and no other: the unified hierarchy's
# cgroup.procs lists the pids the container sees in its /proc (both read
# by the shell itself, which starts no process meanwhile), a sleep of
# its among them.
test_sys_fs_cgroup_inside_lists_only_the_containers_processes() {
        local v2 own procs
        limits_delegated pids
        v2=$(awk '$0 ~ / - cgroup2 / { print $5; exit }' /proc/self/mountinfo)
        own=$v2$(sed -n 's/^0:://p' /proc/self/cgroup)
        [ -n "$v2" ] && [ -w "$own" ] && [ -w "$own/cgroup.procs" ] ||
                skip "machine: no writable cgroup v2 hierarchy beside the v1 ones (not a hybrid host)"
        run "$USERBOX" run --idmap single --limit PIDs=20 "$TEST_ROOT" -- \
                sh -c 'sleep 5 & procs=; seen=
                        while read -r p; do procs="$procs $p"; done </sys/fs/cgroup/unified/cgroup.procs
                        for d in /proc/[0-9]*; do seen="$seen ${d#/proc/}"; done
                        echo "procs$procs"; echo "seen$seen"; echo "sleep $!"; kill $!'
        assert_eq 0 "$STATUS" "status ($ERR)"
        procs=$(sed -n 's/^procs //p' <<<"$OUT" | tr ' ' '\n' | sort -n)
        assert_eq "$(sed -n 's/^seen //p' <<<"$OUT" | tr ' ' '\n' | sort -n)" "$procs" "the unified cgroup.procs inside, against its /proc"
        grep -qx "$(sed -n 's/^sleep //p' <<<"$OUT")" <<<"$procs" || fail "the sleep is not in cgroup.procs: $OUT"
}

# Read-only: the container changes none of its limits and makes no cgroup
# or file in the view.
test_sys_fs_cgroup_inside_is_read_only() {
        limits_delegated pids
        run "$USERBOX" run --idmap single --limit PIDs=20 "$TEST_ROOT" -- sh -c '
                cat /sys/fs/cgroup/pids/pids.max
                echo 5 >/sys/fs/cgroup/pids/pids.max || echo "write refused"
                mkdir /sys/fs/cgroup/pids/sub || echo "cgroup refused"
                mkdir /sys/fs/cgroup/new || echo "directory refused"
                cat /sys/fs/cgroup/pids/pids.max'
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq "20
write refused
cgroup refused
directory refused
20" "$OUT" "pids.max, and what writing the view does"
        assert_contains "$ERR" "Read-only file system" "why"
}

# Nothing of the host's tree above the container's cgroup shows in the
# hierarchies it has one in: neither the cgroup CI delegated
# (userbox-ci-*) nor the container's own name (userbox-PID), nor any
# cgroup beside it.
test_sys_fs_cgroup_inside_shows_nothing_above_the_containers_cgroup() {
        limits_delegated memory
        limits_delegated pids
        # The hierarchies must be there to look in: find fails on stderr.
        run "$USERBOX" run --idmap single --limit Memory=64M --limit PIDs=20 "$TEST_ROOT" -- sh -c '
                [ -f /sys/fs/cgroup/memory/memory.limit_in_bytes ] && [ -f /sys/fs/cgroup/pids/pids.max ] &&
                find /sys/fs/cgroup/memory/ /sys/fs/cgroup/pids/ /sys/fs/cgroup/unified/ -maxdepth 8 -name "userbox-*" &&
                find /sys/fs/cgroup/memory/ /sys/fs/cgroup/pids/ -mindepth 1 -type d && echo end'
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq "end" "$OUT" "userbox-* cgroups, and cgroups below the container's memory and pids cgroups"
}

# exec joins the container's mount namespace: the same view.
test_exec_sees_the_containers_sys_fs_cgroup() {
        limits_delegated pids
        XDG_RUNTIME_DIR=$(mktemp_dir) && chmod 700 "$XDG_RUNTIME_DIR" && export XDG_RUNTIME_DIR
        run "$USERBOX" run -d --name limview --idmap single --limit PIDs=20 "$TEST_ROOT" -- sleep 60
        assert_eq 0 "$STATUS" "run -d ($ERR)"
        run "$USERBOX" exec limview cat /sys/fs/cgroup/pids/pids.max
        "$USERBOX" stop limview >/dev/null 2>&1 &
        local stop=$!
        assert_eq 0 "$STATUS" "exec ($ERR)"
        assert_eq 20 "$OUT" "pids.max, as exec's command reads it"
        wait "$stop"
}

# A root that has no /sys and cannot get one (read-only) shows no host
# tree to cover: the container's view is left out, and it runs.
test_root_without_sys_runs_with_limits() {
        local root
        limits_delegated pids
        root=$(mktemp_dir)/root
        make_root "$root"
        rmdir "$root/sys" || fail "the root has no empty /sys to remove"
        chmod 555 "$root"
        run "$USERBOX" run --idmap single --limit PIDs=20 "$root" -- cat /proc/self/cgroup
        chmod 755 "$root"
        assert_eq 0 "$STATUS" "status ($ERR)"
        grep -qx '[0-9]*:pids:/' <<<"$OUT" || fail "the container's cgroup namespace is not rooted at its cgroup: $OUT"
}
