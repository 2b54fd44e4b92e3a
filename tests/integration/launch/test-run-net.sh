# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Network namespaces: --net none and the default (host).

interfaces_of() { # the interface names in /proc/net/dev, sorted
        awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 }' | sort
}

test_net_none_has_only_loopback_and_it_is_up() {
        run "$USERBOX" run --net none "$TEST_ROOT" -- cat /proc/net/dev
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq lo "$(printf '%s\n' "$OUT" | interfaces_of)" "interfaces"
        run "$USERBOX" run --net none "$TEST_ROOT" -- ip link show lo
        assert_eq 0 "$STATUS" "ip link ($ERR)"
        case $OUT in
        *"<LOOPBACK,UP"*) ;;
        *) fail "loopback is not up: $OUT" ;;
        esac
        run "$USERBOX" run --net none "$TEST_ROOT" -- ip addr show lo
        assert_contains "$OUT" "127.0.0.1" "loopback address"
}

test_net_none_cannot_reach_the_host_network() {
        local host_ifaces
        host_ifaces=$(interfaces_of </proc/net/dev)
        [ "$host_ifaces" != lo ] || skip "machine: the host has only a loopback interface"
        run "$USERBOX" run --net none "$TEST_ROOT" -- cat /proc/net/dev
        assert_eq lo "$(printf '%s\n' "$OUT" | interfaces_of)" "interfaces with --net none"
}

test_net_host_is_the_default_and_shares_the_hosts_interfaces() {
        run "$USERBOX" run "$TEST_ROOT" -- cat /proc/net/dev
        assert_eq 0 "$STATUS" "status ($ERR)"
        assert_eq "$(interfaces_of </proc/net/dev)" "$(printf '%s\n' "$OUT" | interfaces_of)" "interfaces"
        run "$USERBOX" run --net host "$TEST_ROOT" -- cat /proc/net/dev
        assert_eq "$(interfaces_of </proc/net/dev)" "$(printf '%s\n' "$OUT" | interfaces_of)" "interfaces with --net host"
}

test_net_unknown_mode_is_refused() {
        run "$USERBOX" run --net bogus "$TEST_ROOT" -- true
        assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "status"
        assert_contains "$ERR" "bogus" "message names the value"
}
