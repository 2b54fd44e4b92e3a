# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# Shared by the tests of tests/integration/security/ (sourced by each file,
# after lib.sh). Not a test file itself.

SECURITY_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# probe_dir: a directory holding `probe` (probe.c, compiled statically once
# per run: the busybox root has no C library). Bind it at /mnt inside.
probe_dir() {
        local dir=${TESTS_TMPDIR:-${TMPDIR:-/tmp}}/security-probe
        if [ ! -x "$dir/probe" ]; then
                command -v cc >/dev/null 2>&1 || skip "machine: no C compiler (cc) for the probe"
                mkdir -p "$dir" || fail "mkdir $dir"
                cc -static -O1 -o "$dir/probe.tmp" "$SECURITY_DIR/probe.c" 2>"$dir/cc.log" ||
                        skip "machine: cannot link a static C program: $(head -c 300 "$dir/cc.log")"
                mv "$dir/probe.tmp" "$dir/probe"
                chmod -R a+rX "$dir"
        fi
        printf '%s\n' "$dir"
}

# in_box [USERBOX OPTIONS...] -- COMMAND...: run COMMAND in $TEST_ROOT with
# the probe at /mnt/probe.
in_box() {
        local dir
        dir=$(probe_dir) || exit $?
        local opts=()
        while [ $# -gt 0 ] && [ "$1" != -- ]; do
                opts+=("$1")
                shift
        done
        shift
        run "$USERBOX" run --ro-bind "$dir:/mnt" "${opts[@]}" "$TEST_ROOT" -- "$@"
}

# must_succeed: the last run exited 0 (else show it and fail).
must_succeed() {
        [ "$STATUS" = 0 ] && return 0
        printf 'the container failed (%s):\n%s\n%s\n' "$STATUS" "$OUT" "$ERR" >&2
        exit 1
}

# file_state PATH...: content hash, mode, owner and mtime of each, to compare
# before and after.
file_state() {
        local f
        for f in "$@"; do
                if [ -e "$f" ] || [ -L "$f" ]; then
                        printf '%s %s %s\n' "$f" "$(stat -c '%F %a %u:%g %s %Y' "$f")" \
                                "$( [ -f "$f" ] && sha256sum <"$f" | cut -d' ' -f1)"
                else
                        printf '%s absent\n' "$f"
                fi
        done
}

# status_field NAME TEXT: the value of "NAME:\tvalue" in a /proc/PID/status text.
status_field() {
        printf '%s\n' "$2" | awk -v k="$1:" '$1 == k { print $2 }'
}
