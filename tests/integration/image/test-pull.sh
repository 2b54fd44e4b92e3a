# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# userbox pull (design §11): skopeo copies docker://REFERENCE to an OCI
# layout, which is imported. The registry is Debian's docker-registry run
# by the test, as the test user, on 127.0.0.1 with a configuration of its
# own (no authentication, its storage in a temporary directory), stopped
# when the test ends; images are pushed to it with skopeo.

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

registry_listening() {
        (exec 3<>"/dev/tcp/127.0.0.1/$REGISTRY_PORT") 2>/dev/null
}

registry_stop() {
        [ -n "${REGISTRY_PID:-}" ] && kill "$REGISTRY_PID" 2>/dev/null && wait "$REGISTRY_PID" 2>/dev/null
        return 0
}

free_port() {
        python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# registry_start: a registry at 127.0.0.1:$REGISTRY_PORT ($REGISTRY).
registry_start() {
        require_cmd docker-registry skopeo
        local dir _try
        dir=$(mktemp_dir)
        for _try in 1 2 3; do
                REGISTRY_PORT=$(free_port)
                cat >"$dir/config.yml" <<-EOF
			version: 0.1
			log:
			  level: error
			  accesslog:
			    disabled: true
			storage:
			  filesystem:
			    rootdirectory: $dir/data
			  delete:
			    enabled: true
			http:
			  addr: 127.0.0.1:$REGISTRY_PORT
		EOF
                docker-registry serve "$dir/config.yml" >"$dir/log" 2>&1 &
                REGISTRY_PID=$!
                trap registry_stop EXIT
                wait_for 20 registry_listening && break
                registry_stop
                REGISTRY_PID=
        done
        [ -n "$REGISTRY_PID" ] || fail "docker-registry did not start: $(tail -n 5 "$dir/log")"
        REGISTRY=127.0.0.1:$REGISTRY_PORT
}

# push PRESET REFERENCE [mkimage.py OPTIONS...]: the image, in the registry.
push() {
        local preset=$1 ref=$2 src
        shift 2
        src=$WORK/push-$preset
        [ -d "$src" ] || mkimage "preset:$preset" "$src" "$@"
        skopeo copy -q --dest-tls-verify=false "oci:$src:$(summary "$src" "s['tag']")" "docker://$REGISTRY/$ref" \
                >"$WORK/push.log" 2>&1 || fail "skopeo copy to docker://$REGISTRY/$ref: $(cat "$WORK/push.log")"
}

test_pull_from_a_local_registry_and_run() {
        image_setup
        registry_start
        push busybox busybox:1
        run "$USERBOX" pull --tls-verify=false "$REGISTRY/busybox:1"
        assert_eq 0 "$STATUS" "pull: $ERR"
        assert_eq busybox-1 "$OUT" "what pull prints"
        run "$USERBOX" run -p busybox-1 -- /bin/busybox cat /etc/image-marker
        assert_eq "busybox image" "$OUT" "run -p of the pulled image: $ERR"
        assert_contains "$(image_field busybox-1 "i['source']")" "$REGISTRY/busybox:1" "the source images lists"
        WHAT="the store after pull" assert_store_holds busybox-1
}

test_pull_keeps_owners_and_layers() {
        image_setup
        require_subid
        registry_start
        push three-layer team/three:layers --compress gzip
        run "$USERBOX" pull --tls-verify=false --name t3 "$REGISTRY/team/three:layers"
        assert_eq 0 "$STATUS" "pull --name t3: $ERR"
        assert_eq t3 "$OUT" "what pull --name prints"
        run "$USERBOX" run -p t3 -- /bin/busybox sh -c 'stat -c "%n %u:%g" /own/user /own/nobody; ls /opq1; cat /swap'
        assert_eq "/own/user 1000:1000
/own/nobody 65534:65534
new-a
v3" "$OUT" "the pulled three-layer image, inside: $ERR"
        assert_eq "$(host_id uid 1000)" "$(stat -c %u "$STORE/t3/rootfs/own/user")" "owner of own/user on the host"
}

# pull_refused REFERENCE REASON: 125, skopeo's REASON, nothing in the store.
pull_refused() {
        run "$USERBOX" pull --tls-verify=false "$1"
        assert_eq 125 "$STATUS" "pull of $1"
        assert_contains "$ERR" "$2" "skopeo's reason"
        WHAT="the store after a failed pull" assert_store_holds
}

test_pull_of_a_missing_tag_is_125_with_skopeos_reason() {
        image_setup
        registry_start
        push busybox busybox:1
        pull_refused "$REGISTRY/busybox:2" "manifest unknown"
}

test_pull_from_a_registry_that_is_not_there_is_125() {
        image_setup
        pull_refused "127.0.0.1:$(free_port)/busybox:1" "connection refused"
}

test_pull_without_skopeo_names_the_package() {
        image_setup
        local empty
        empty=$(mktemp_dir)
        run env PATH="$empty" "$USERBOX" pull docker.io/library/debian:12
        assert_eq 125 "$STATUS" "pull with no skopeo on PATH"
        assert_contains "$ERR" "userbox: pull needs skopeo" "the message"
        assert_contains "$ERR" "(apt install skopeo)" "the message names the package"
        assert_eq 1 "$(wc -l <<<"$ERR")" "lines of the message: $ERR"
        WHAT="the store after a pull without skopeo" assert_store_holds
}
