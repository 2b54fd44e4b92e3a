# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# A network of the container's own (design §12, issue 19): --net slirp4netns
# and --net pasta, --publish, the container's /etc/resolv.conf and
# /etc/hosts, the host's loopback, and the helper's life with the
# container's. Each scenario is a function taking the helper's name, run
# by one test case per helper.

# shellcheck source-path=SCRIPTDIR source=../workloads/debian-root.sh
source "$(dirname "${BASH_SOURCE[0]}")/../workloads/debian-root.sh"

# The helper's program, and a /dev/net/tun the user can open: both are
# the machine's (tools/install-deps installs the programs; .ci/run makes
# the node 0666, as Debian's udev rules do).
require_helper() { # slirp4netns|pasta
        require_cmd "$1"
        [ -r /dev/net/tun ] && [ -w /dev/net/tun ] ||
                skip "machine: /dev/net/tun is mode $(stat -c %a /dev/net/tun 2>/dev/null): the user cannot open it (as root: chmod 0666 /dev/net/tun)"
}

# A busybox root of the test's own, with empty /etc/hosts and
# /etc/resolv.conf (userbox binds over files, never makes them in a root)
# and a page to serve.
net_root() {
        NET_ROOT=$PWD/root
        make_root "$NET_ROOT"
        : >"$NET_ROOT/etc/hosts"
        : >"$NET_ROOT/etc/resolv.conf"
        mkdir -p "$NET_ROOT/www"
        echo "served from the container" >"$NET_ROOT/www/index.html"
}

free_port() { # a TCP (or with udp, UDP) port nothing listens on now
        python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM if sys.argv[1:] == ["udp"] else socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])' "$@"
}

free_port_pair() { # P where P and P+1 are free TCP ports
        python3 -c '
import socket
while True:
    a = socket.socket(); a.bind(("127.0.0.1", 0)); p = a.getsockname()[1]
    b = socket.socket()
    try:
        b.bind(("127.0.0.1", p + 1))
    except OSError:
        continue
    print(p)
    break'
}

# The host's first IPv4 address other than 127.0.0.1.
host_address() {
        ip -4 -o addr show scope global 2>/dev/null | awk '{ sub(/\/.*/, "", $4); print $4; exit }'
}

# userbox run -v ARGS in the background, killed with the test: LAUNCHER,
# and its output in $PWD/launcher.out and launcher.err.
start_launcher() { # ARGS...
        "$USERBOX" run -v "$@" >"$PWD/launcher.out" 2>"$PWD/launcher.err" &
        LAUNCHER=$!
        kill_at_exit "$LAUNCHER"
}

# The helper's pid, from the -v line "network: started HELPER, pid N: ...".
helper_pid_in() { # FILE
        sed -n 's/.*network: started [a-z0-9]*, pid \([0-9]*\):.*/\1/p' "$1" | head -n 1
}

# Running: there, and not a zombie waiting for its reaper.
process_running() { # PID
        [ -n "$1" ] && [ -r "/proc/$1/status" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}
process_gone() { ! process_running "$1"; }

page_at() { # URL: the page, or fails
        curl -fsS -m 3 "$1"
}

# A TCP listener on the host that says SECRET to whoever connects, until
# the test ends.
host_listener() { # ADDRESS PORT SECRET
        python3 -c '
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(8)
while True:
    c, _ = s.accept()
    c.sendall(sys.argv[3].encode() + b"\n")
    c.close()' "$@" &
        kill_at_exit "$!"
        wait_for 5 python3 -c 'import socket, sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), 1)' "$1" "$2" ||
                fail "the host's listener on $1:$2 did not start"
}

# ---- scenarios, each run by one test case per helper ----------------------

# busybox httpd on port 80 inside (uid 0 owns the namespace: a port below
# 1024 is its to bind), published on a host port of 127.0.0.1.
serves_a_published_tcp_port() {
        require_helper "$1"
        require_cmd curl
        net_root
        local port
        port=$(free_port)
        start_launcher --net "$1" --publish "127.0.0.1:$port:80" "$NET_ROOT" -- httpd -f -p 80 -h /www
        wait_for 15 page_at "http://127.0.0.1:$port/index.html" >/dev/null ||
                fail "no page on 127.0.0.1:$port: $(cat "$PWD/launcher.err")"
        assert_eq "served from the container" "$(page_at "http://127.0.0.1:$port/index.html")" "the page"
}

# A range of host ports to as many in the container (slirp4netns: one
# add_hostfwd each; pasta: one --tcp-ports range).
serves_a_published_range_of_ports() {
        require_helper "$1"
        require_cmd curl
        net_root
        local port
        port=$(free_port_pair)
        start_launcher --net "$1" --publish "127.0.0.1:$port-$((port + 1)):80-81" "$NET_ROOT" -- \
                sh -c 'httpd -p 80 -h /www && exec httpd -f -p 81 -h /www'
        wait_for 15 page_at "http://127.0.0.1:$((port + 1))/index.html" >/dev/null ||
                fail "no page on 127.0.0.1:$((port + 1)): $(cat "$PWD/launcher.err")"
        assert_eq "served from the container" "$(page_at "http://127.0.0.1:$port/index.html")" "the page on $port"
}

# A second container publishing the same host port, and one whose port a
# host process holds: refused before anything starts, naming the port.
refuses_a_taken_host_port() {
        require_helper "$1"
        net_root
        local port
        port=$(free_port)
        start_launcher --net "$1" --publish "127.0.0.1:$port:80" "$NET_ROOT" -- httpd -f -p 80 -h /www
        wait_for 15 page_at "http://127.0.0.1:$port/" >/dev/null || fail "the first container does not serve"
        run "$USERBOX" run --net "$1" --publish "127.0.0.1:$port:80" "$NET_ROOT" -- touch /ran
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status of the second container ($ERR)"
        assert_eq "userbox: --publish 127.0.0.1:$port:80/tcp: host port $port/tcp on 127.0.0.1 is taken: Address already in use" \
                "$ERR" "the message"
        [ ! -e "$NET_ROOT/ran" ] || fail "the second container's command ran"

        port=$(free_port)
        host_listener 127.0.0.1 "$port" taken
        run "$USERBOX" run --net "$1" --publish "$port:80" "$NET_ROOT" -- touch /ran
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status with a host listener on the port ($ERR)"
        assert_contains "$ERR" "host port $port/tcp on 0.0.0.0 is taken" "the message"
}

# A UDP echo server inside (the host sandbox's python3), published on the
# host's own address; the client on the host sends to that address.
# pasta's replies to a client on the host come back only with
# :allow-host-loopback (man userbox, NETWORK), slirp4netns's as they are.
echoes_through_a_published_udp_port() {
        require_helper "$1"
        local net=$1 address port
        address=$(host_address)
        [ -n "$address" ] || skip "machine: the host has no IPv4 address but 127.0.0.1"
        [ "$net" = pasta ] && net=pasta:allow-host-loopback
        port=$(free_port udp)
        start_launcher --net "$net" --publish "$address:$port:5353/udp" -- python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 5353))
while True:
    data, peer = s.recvfrom(2048)
    s.sendto(b"echo: " + data, peer)'
        run python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.5)
for _ in range(40):
    s.sendto(b"ping", (sys.argv[1], int(sys.argv[2])))
    try:
        print(s.recvfrom(2048)[0].decode())
        break
    except socket.timeout:
        pass' "$address" "$port"
        assert_eq "echo: ping" "$OUT" "the echo through $address:$port/udp ($(cat "$PWD/launcher.err"))"
}

# The mirror apt uses here is resolved inside through the helper's
# resolver, named in the container's /etc/resolv.conf.
resolves_the_mirror_through_the_helper() {
        require_helper "$1"
        local mirror host dns
        mirror=$(debian_mirror)
        host=${mirror#*://}
        host=${host%%/*}
        host=${host%%:*}
        getent hosts "$host" >/dev/null || skip "machine: the host cannot resolve $host"
        net_root
        case $1 in slirp4netns) dns=10.0.2.3 ;; pasta) dns=169.254.1.1 ;; esac
        run "$USERBOX" run --net "$1" "$NET_ROOT" -- sh -c "cat /etc/resolv.conf && nslookup $host"
        assert_eq 0 "$STATUS" "nslookup $host inside ($OUT) ($ERR)"
        assert_contains "$OUT" "nameserver $dns" "/etc/resolv.conf inside"
        assert_contains "$OUT" "Server:		$dns" "the resolver nslookup asked"
        assert_contains "$OUT" "Name:	$host" "the answer"
        assert_eq "" "$(cat "$NET_ROOT/etc/resolv.conf")" "the root's own /etc/resolv.conf after the run"
}

# apt-get update in the Debian root, through the helper alone: the root's
# own /etc/resolv.conf is bound over with the helper's resolver.
updates_apt_in_a_debian_root() {
        require_helper "$1"
        debian_root
        require_debian_mirror
        local overlay
        overlay=$(mktemp_dir)
        run "$USERBOX" run --idmap subid --net "$1" --overlay="$overlay" "$DEBIAN_ROOT" -- \
                sh -c 'head -n 2 /etc/resolv.conf && apt-get update'
        assert_eq 0 "$STATUS" "apt-get update under --net $1 (stdout: $OUT) (stderr: $ERR)"
        assert_contains "$OUT" "written by userbox for --net $1" "/etc/resolv.conf inside"
        assert_contains "$OUT" "Reading package lists" "apt-get's output"
}

# The container's hostname is in its /etc/hosts, at its own address; the
# root's (empty) file stays empty.
resolves_its_own_hostname() {
        require_helper "$1"
        net_root
        local address
        case $1 in slirp4netns) address=10.0.2.100 ;; pasta) address=$(host_address) ;; esac
        run "$USERBOX" run --net "$1" -H netbox "$NET_ROOT" -- sh -c 'cat /etc/hosts; ip -4 -o addr show scope global'
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_contains "$OUT" "$address	netbox" "/etc/hosts inside"
        assert_contains "$OUT" "inet $address/" "the container's address"
        assert_eq "" "$(cat "$NET_ROOT/etc/hosts")" "the root's /etc/hosts after the run"
        # The host sandbox's python3 looks it up as any program would.
        run "$USERBOX" run --net "$1" -H netbox -- python3 -c 'import socket; print(socket.gethostbyname("netbox"))'
        assert_eq "$address" "$OUT" "netbox resolved inside ($ERR)"
}

# The host's 127.0.0.1 is out of reach, at the gateway's address and at
# the container's own 127.0.0.1, unless :allow-host-loopback; with it, the
# gateway's address reaches it.
reaches_the_host_loopback_only_when_allowed() {
        require_helper "$1"
        net_root
        local port probe
        port=$(free_port)
        host_listener 127.0.0.1 "$port" host-loopback-secret
        # shellcheck disable=SC2016 # expanded inside
        probe='gw=$(ip route | awk "/^default/ { print \$3 }"); echo "gateway $gw"
               echo "via gateway: $(timeout 5 nc "$gw" '"$port"' </dev/null 2>&1)"
               echo "via own loopback: $(timeout 5 nc 127.0.0.1 '"$port"' </dev/null 2>&1)"'
        run "$USERBOX" run --net "$1" "$NET_ROOT" -- sh -c "$probe"
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_contains "$OUT" "gateway " "the probe ran"
        assert_not_contains "$OUT" "host-loopback-secret" "the host's 127.0.0.1 from inside, by default"
        run "$USERBOX" run --net "$1:allow-host-loopback" "$NET_ROOT" -- sh -c "$probe"
        assert_contains "$OUT" "via gateway: host-loopback-secret" "the host's 127.0.0.1 with :allow-host-loopback"
        assert_not_contains "$OUT" "via own loopback: host-loopback-secret" "the container's own 127.0.0.1"
}

# kill -9 of the launcher: the helper goes (its parent-death signal), and
# with it the published port.
kill_9_of_the_launcher_ends_the_helper_and_frees_the_port() {
        require_helper "$1"
        require_cmd curl
        net_root
        local port helper
        port=$(free_port)
        start_launcher --net "$1" --publish "127.0.0.1:$port:80" "$NET_ROOT" -- httpd -f -p 80 -h /www
        wait_for 15 page_at "http://127.0.0.1:$port/" >/dev/null || fail "no page: $(cat "$PWD/launcher.err")"
        helper=$(helper_pid_in "$PWD/launcher.err")
        process_running "$helper" || fail "no running helper found in: $(cat "$PWD/launcher.err")"
        kill -9 "$LAUNCHER"
        wait "$LAUNCHER" 2>/dev/null
        wait_for 10 process_gone "$helper" || fail "$1 (pid $helper) still runs after kill -9 of the launcher"
        ! page_at "http://127.0.0.1:$port/" >/dev/null 2>&1 || fail "the page is still served"
        # Free: another container publishes it.
        run "$USERBOX" run --net "$1" --publish "127.0.0.1:$port:80" "$NET_ROOT" -- true
        assert_eq 0 "$STATUS" "publishing host port $port again after kill -9 of the launcher ($ERR)"
}

# 20 runs, each helper ended with its container.
twenty_runs_leave_no_helper() {
        require_helper "$1"
        net_root
        local i pid pids=()
        for i in $(seq 20); do
                run "$USERBOX" run -v --net "$1" "$NET_ROOT" -- true
                assert_eq 0 "$STATUS" "status of run $i ($ERR)"
                pid=$(printf '%s\n' "$ERR" | sed -n 's/.*network: started [a-z0-9]*, pid \([0-9]*\):.*/\1/p')
                [ -n "$pid" ] || fail "run $i: no helper started: $ERR"
                pids+=("$pid")
        done
        for pid in "${pids[@]}"; do
                process_gone "$pid" || fail "the helper of a finished run still runs: $(tr '\0' ' ' <"/proc/$pid/cmdline")"
        done
}

# The program missing from PATH: one message, what to install, nothing
# started.
names_a_missing_helper() {
        local package=$1
        [ "$1" = pasta ] && package=passt
        net_root
        run env PATH=/nonexistent "$USERBOX" run --net "$1" "$NET_ROOT" -- touch /ran
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status"
        assert_eq "userbox: --net $1 needs $1, which is not on PATH (apt install $package)" "$ERR" "the message"
        [ ! -e "$NET_ROOT/ran" ] || fail "the command ran"
}

# A /dev/net/tun the user cannot open: a file of a subordinate uid, mode
# 0600, bound over it in a mount namespace of the test's own, where the
# user (uid 0 there) has no right to it. userbox's own check says so.
names_a_tun_the_user_cannot_open() {
        require_cmd "$1" unshare
        require_subid
        net_root
        local node=$PWD/tun su sc gs gc
        : >"$node"
        chmod 600 "$node"
        read -r su sc < <(subid_ranges uid)
        read -r gs gc < <(subid_ranges gid)
        unshare --map-root-user --map-users="$su,1,$sc" --map-groups="$gs,1,$gc" chown 5:5 "$node" ||
                skip "machine: cannot chown into a subordinate uid with unshare --map-users"
        # shellcheck disable=SC2016 # expanded by the inner shell
        run unshare -Urm sh -c 'mount --bind "$1" /dev/net/tun && exec "$2" run --no-default-profile --idmap single --net "$3" "$4" -- true' \
                _ "$node" "$USERBOX" "$1" "$NET_ROOT"
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status ($ERR)"
        assert_eq "userbox: --net $1: /dev/net/tun: Permission denied: the user cannot open it (mode 0600; Debian's udev rules make it 0666)" \
                "$ERR" "the message"
}

# ---- one test case per helper ---------------------------------------------

test_slirp4netns_serves_a_published_tcp_port() { serves_a_published_tcp_port slirp4netns; }
test_pasta_serves_a_published_tcp_port() { serves_a_published_tcp_port pasta; }
test_slirp4netns_serves_a_published_range_of_ports() { serves_a_published_range_of_ports slirp4netns; }
test_pasta_serves_a_published_range_of_ports() { serves_a_published_range_of_ports pasta; }
test_slirp4netns_refuses_a_taken_host_port() { refuses_a_taken_host_port slirp4netns; }
test_pasta_refuses_a_taken_host_port() { refuses_a_taken_host_port pasta; }
test_slirp4netns_echoes_through_a_published_udp_port() { echoes_through_a_published_udp_port slirp4netns; }
test_pasta_echoes_through_a_published_udp_port() { echoes_through_a_published_udp_port pasta; }
test_slirp4netns_resolves_the_mirror_through_the_helper() { resolves_the_mirror_through_the_helper slirp4netns; }
test_pasta_resolves_the_mirror_through_the_helper() { resolves_the_mirror_through_the_helper pasta; }
test_slirp4netns_updates_apt_in_a_debian_root() { updates_apt_in_a_debian_root slirp4netns; }
test_pasta_updates_apt_in_a_debian_root() { updates_apt_in_a_debian_root pasta; }
test_slirp4netns_resolves_its_own_hostname() { resolves_its_own_hostname slirp4netns; }
test_pasta_resolves_its_own_hostname() { resolves_its_own_hostname pasta; }
test_slirp4netns_reaches_the_host_loopback_only_when_allowed() { reaches_the_host_loopback_only_when_allowed slirp4netns; }
test_pasta_reaches_the_host_loopback_only_when_allowed() { reaches_the_host_loopback_only_when_allowed pasta; }
test_slirp4netns_kill_9_of_the_launcher_ends_the_helper_and_frees_the_port() {
        kill_9_of_the_launcher_ends_the_helper_and_frees_the_port slirp4netns
}
test_pasta_kill_9_of_the_launcher_ends_the_helper_and_frees_the_port() {
        kill_9_of_the_launcher_ends_the_helper_and_frees_the_port pasta
}
test_slirp4netns_twenty_runs_leave_no_helper() { twenty_runs_leave_no_helper slirp4netns; }
test_pasta_twenty_runs_leave_no_helper() { twenty_runs_leave_no_helper pasta; }
test_slirp4netns_names_a_missing_helper() { names_a_missing_helper slirp4netns; }
test_pasta_names_a_missing_helper() { names_a_missing_helper pasta; }
test_slirp4netns_names_a_tun_the_user_cannot_open() { names_a_tun_the_user_cannot_open slirp4netns; }
test_pasta_names_a_tun_the_user_cannot_open() { names_a_tun_the_user_cannot_open pasta; }

# ---- what does not depend on the helper -----------------------------------

test_publish_without_a_helper_is_refused() {
        run "$USERBOX" run --publish 8080:80 "$TEST_ROOT" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status"
        assert_eq "userbox: --publish 8080:80/tcp: publishing a port needs --net slirp4netns or --net pasta (with --net host the container's ports are the host's already)" \
                "$ERR" "the message"
        run "$USERBOX" run --net slirp4netns --publish 127.0.0.1:8080:80 --publish 8080:81 "$TEST_ROOT" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status of a port published twice"
        assert_contains "$ERR" "--publish 8080:81/tcp: a host port of it is published already by --publish 127.0.0.1:8080:80/tcp"
}

test_config_shows_the_network_plan() {
        require_helper slirp4netns
        net_root
        run "$USERBOX" config --net slirp4netns --publish 127.0.0.1:8080:80 --publish 5353:53/udp "$NET_ROOT"
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_contains "$OUT" "Network=slirp4netns" "[Namespaces]"
        assert_contains "$OUT" "Publish=127.0.0.1:8080:80/tcp" "[Network]"
        assert_contains "$OUT" "# network: slirp4netns, address 10.0.2.100, gateway 10.0.2.2, DNS 10.0.2.3; the host's loopback unreachable"
        assert_contains "$OUT" "--configure --mtu=65520 --disable-host-loopback" "the helper's command line"
        assert_contains "$OUT" "# publish: 5353:53/udp (through its API socket)"
        assert_contains "$OUT" "# mount: file -> /etc/resolv.conf (rw,nosuid,nodev,noexec, written by userbox)"
        assert_contains "$OUT" "#   nameserver 10.0.2.3"
}

test_verbose_shows_the_helpers_command_line_and_start() {
        require_helper pasta
        net_root
        run "$USERBOX" run -v --net pasta "$NET_ROOT" -- true
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_contains "$ERR" "ms] network: started pasta, pid " "the start, with its time"
        assert_contains "$ERR" " --config-net --foreground --quiet --no-map-gw" "the command line"
        assert_contains "$ERR" "ms] network: pasta ready after " "when it was ready"
}

# The root's /etc as it is on the host: every entry with its times, and
# the directory's own.
etc_listing() { # ROOT
        (cd "$1" && stat -c '%n %s %Y %Z' . etc etc/* && ls -A etc)
}

# A root without /etc/hosts and /etc/resolv.conf and no overlay: inside,
# both are there, in a view of /etc of the container's own, and names
# resolve through them; the root directory is as it was (userbox never
# writes into it).
makes_the_missing_files_without_writing_the_root() { # HELPER [--read-only]
        require_helper "$1"
        local root=$PWD/bare mirror host dns address before
        case $1 in slirp4netns) dns=10.0.2.3 address=10.0.2.100 ;; pasta) dns=169.254.1.1 address=$(host_address) ;; esac
        make_root "$root"
        before=$(etc_listing "$root")
        mirror=$(debian_mirror)
        host=${mirror#*://}
        host=${host%%/*}
        host=${host%%:*}
        getent hosts "$host" >/dev/null || skip "machine: the host cannot resolve $host"
        run "$USERBOX" run --net "$1" ${2:-} -H netbox "$root" -- \
                sh -c "cat /etc/resolv.conf /etc/hosts; ping -c 1 -W 1 netbox 2>&1 | head -n 1; nslookup $host"
        assert_eq 0 "$STATUS" "status ($OUT) ($ERR)"
        assert_contains "$OUT" "nameserver $dns" "/etc/resolv.conf inside"
        assert_contains "$OUT" "$address	netbox" "/etc/hosts inside"
        assert_contains "$OUT" "PING netbox ($address)" "netbox resolved through /etc/hosts"
        assert_contains "$OUT" "Name:	$host" "$host resolved through the helper's resolver"
        assert_eq "$before" "$(etc_listing "$root")" "the root's /etc after the run"
}
test_slirp4netns_makes_the_missing_files_without_writing_a_writable_root() {
        makes_the_missing_files_without_writing_the_root slirp4netns
}
test_slirp4netns_makes_the_missing_files_without_writing_a_read_only_root() {
        makes_the_missing_files_without_writing_the_root slirp4netns --read-only
}
test_pasta_makes_the_missing_files_without_writing_a_writable_root() {
        makes_the_missing_files_without_writing_the_root pasta
}
test_pasta_makes_the_missing_files_without_writing_a_read_only_root() {
        makes_the_missing_files_without_writing_the_root pasta --read-only
}

# In the view of /etc a writable root's files are still the root's:
# a write to one, or a new file in a directory of /etc, lands in the
# root. A new file directly in /etc could not, so it is refused rather
# than lost with the container; the warning says so. A --bind's mount
# point in /etc is made in the view. --read-only leaves
# all of it read-only, without a warning.
test_view_of_etc_writes_through_to_a_writable_root() {
        require_helper slirp4netns
        local root=$PWD/bare
        make_root "$root"
        mkdir "$root/etc/profile.d"
        run "$USERBOX" run --net slirp4netns "$root" -- \
                sh -c 'echo added >>/etc/passwd && echo new >/etc/profile.d/new.sh && touch /etc/new'
        assert_eq 1 "$STATUS" "status ($ERR)"
        assert_contains "$ERR" "touch: /etc/new: Read-only file system" "a new file directly in /etc"
        assert_contains "$ERR" "warning: root '$root' has no /etc/hosts: made in the container's own view of /etc, whose files are the root's, but where new ones cannot be made" "the warning"
        assert_eq added "$(tail -n 1 "$root/etc/passwd")" "the root's /etc/passwd"
        assert_eq new "$(cat "$root/etc/profile.d/new.sh")" "the new file in /etc/profile.d"
        [ ! -e "$root/etc/hosts" ] && [ ! -e "$root/etc/new" ] || fail "a file was made in the root's /etc"
        # A mount point the user's --bind needs in /etc is made in the view.
        mkdir "$PWD/extra"
        echo bound >"$PWD/extra/f"
        run "$USERBOX" run --net slirp4netns --bind "$PWD/extra:/etc/extra" "$root" -- cat /etc/extra/f
        assert_eq bound "$OUT" "the --bind into /etc ($ERR)"
        [ ! -e "$root/etc/extra" ] || fail "the --bind's mount point was made in the root's /etc"
        run "$USERBOX" run --net slirp4netns --read-only "$root" -- sh -c 'cat /etc/hosts >/dev/null && echo x >>/etc/passwd'
        assert_ne 0 "$STATUS" "writing /etc/passwd under --read-only"
        assert_contains "$ERR" "can't create /etc/passwd: Read-only file system" "the write"
        assert_not_contains "$ERR" "warning" "no warning with --read-only"
        run "$USERBOX" config --net slirp4netns "$root"
        assert_contains "$OUT" "# mount: tmpfs tmpfs -> /etc (ro,nosuid,nodev: the container's own view, each entry of the root's /etc bound in)" "userbox config"
        assert_contains "$OUT" "# mount: file -> /etc/hosts (rw,nosuid,nodev,noexec, written by userbox; the root has none: made in the container's own /etc)" "userbox config"
}

# A root without /etc gets neither file: a mount point cannot be made
# without writing into the root directory (one warning each); --overlay
# makes them in its upper layer; --read-only binds the root's own files
# read-only.
test_root_without_etc_is_left_as_it_is() {
        require_helper slirp4netns
        local root=$PWD/bare overlay
        make_root "$root"
        rm -r "$root/etc"
        run "$USERBOX" run --net slirp4netns "$root" -- sh -c 'cat /etc/hosts; echo status $?'
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_contains "$ERR" "warning: root '$root' has no /etc/hosts: the container gets none" "the warning"
        assert_contains "$ERR" "root '$root' has no /etc/resolv.conf" "the warning"
        [ ! -e "$root/etc" ] || fail "/etc was made in the root"
        overlay=$(mktemp_dir)
        run "$USERBOX" run --net slirp4netns --overlay="$overlay" -H ovl "$root" -- cat /etc/hosts
        assert_eq 0 "$STATUS" "status with --overlay ($ERR)"
        assert_contains "$OUT" "10.0.2.100	ovl" "/etc/hosts made in the overlay"
        assert_eq "" "$ERR" "no warning with --overlay"
        [ ! -e "$root/etc" ] || fail "--overlay made the file in the root"
        net_root
        run "$USERBOX" run --net slirp4netns --read-only "$NET_ROOT" -- sh -c 'grep -c nameserver /etc/resolv.conf; echo x >>/etc/hosts'
        assert_ne 0 "$STATUS" "writing /etc/hosts under --read-only"
        assert_eq 1 "$OUT" "/etc/resolv.conf inside with --read-only"
        assert_contains "$ERR" "Read-only file system" "the write"
}

# systemd-resolved's /etc/resolv.conf is a link into /run, which the
# container gets fresh with --read-only (and in the host sandbox): the
# link's target is made there, on the container's tmpfs, and bound over.
test_resolv_conf_linked_into_run_is_made_on_the_containers_run() {
        require_helper slirp4netns
        net_root
        rm -f "$NET_ROOT/etc/resolv.conf"
        ln -s ../run/systemd/resolve/stub-resolv.conf "$NET_ROOT/etc/resolv.conf"
        run "$USERBOX" run --net slirp4netns --read-only "$NET_ROOT" -- cat /etc/resolv.conf
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_contains "$OUT" "nameserver 10.0.2.3" "/etc/resolv.conf inside"
        assert_eq "" "$ERR" "no warning"
        [ ! -e "$NET_ROOT/run/systemd" ] || fail "the link's target was made in the root"
}

# A helper that exits before it reports the network ready: one message,
# with its status and its last words, exit 125, and the command never
# runs. A stand-in of that name comes first on PATH.
fails_with_the_helpers_last_words() {
        net_root
        mkdir -p "$PWD/bin"
        printf '#!/bin/sh\necho "starting"\necho "cannot do it: no such luck" >&2\nexit 3\n' >"$PWD/bin/$1"
        chmod +x "$PWD/bin/$1"
        [ -r /dev/net/tun ] && [ -w /dev/net/tun ] || skip "machine: /dev/net/tun is not usable by the user"
        run env PATH="$PWD/bin:$PATH" "$USERBOX" run --net "$1" "$NET_ROOT" -- touch /ran
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status ($ERR)"
        assert_eq "userbox: $1 exited before the network was ready (status 3): cannot do it: no such luck" "$ERR" "the message"
        [ ! -e "$NET_ROOT/ran" ] || fail "the command ran"
}
test_slirp4netns_fails_with_the_helpers_last_words() { fails_with_the_helpers_last_words slirp4netns; }
test_pasta_fails_with_the_helpers_last_words() { fails_with_the_helpers_last_words pasta; }
