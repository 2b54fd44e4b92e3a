# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# userbox installed into a prefix of the user's own, as
# `./configure --prefix=$HOME/.local && make install` does it, for the tests
# that need one (sourced by them, not a test file itself). It is made once
# per test run, from a copy of the build: `make install prefix=DIR` there
# rebuilds only src/util/self.c (the one file with the installation directories)
# and the pages, so it costs a link, not a build.
#
#   prefix_install    prints the prefix, installing into it on first use

# A copy of the build that make can work in: the whole tree when it is
# built in place, else the build directory, beside links to the sources
# when its Makefile finds them at "..".
_prefix_copy_build() { # DEST: prints the copy's build directory
        local dest=$1 srcdir entry
        srcdir=$(sed -n 's/^srcdir = //p' "$BUILDDIR/Makefile")
        if [ "$BUILDDIR" = "$SRCDIR" ]; then
                mkdir -p "$dest/tree" &&
                        tar -C "$SRCDIR" -c --exclude=./.git . | tar -x -C "$dest/tree" || return 1
                echo "$dest/tree"
        elif [ "${srcdir:0:1}" = / ]; then
                cp -a "$BUILDDIR" "$dest/build" || return 1
                echo "$dest/build"
        elif [ "$srcdir" = .. ] && [ "$(cd "$BUILDDIR/.." && pwd -P)" = "$(cd "$SRCDIR" && pwd -P)" ]; then
                mkdir -p "$dest/tree" || return 1
                for entry in "$SRCDIR"/* "$SRCDIR"/.[!.]*; do
                        [ -e "$entry" ] && [ "$entry" != "$SRCDIR/$(basename "$BUILDDIR")" ] || continue
                        ln -s "$entry" "$dest/tree/$(basename "$entry")" || return 1
                done
                cp -a "$BUILDDIR" "$dest/tree/" || return 1
                echo "$dest/tree/$(basename "$BUILDDIR")"
        else
                echo "cannot copy a build whose Makefile has srcdir = $srcdir" >&2
                return 1
        fi
}

prefix_install() {
        local dir=${TESTS_TMPDIR:?}/prefix-install build
        if [ ! -f "$dir/done" ]; then
                rm -rf "$dir" && mkdir -p "$dir" || fail "cannot create $dir"
                build=$(_prefix_copy_build "$dir") || fail "cannot copy the build"
                # 022: this install shows the trust in a prefix of the
                # user's own alone (group-writable files are
                # test-profile-trust.sh's).
                (umask 022 && make -C "$build" -j2 install prefix="$dir/prefix") >"$dir/install.log" 2>&1 || {
                        tail -n 30 "$dir/install.log" >&2
                        fail "make install prefix=$dir/prefix failed"
                }
                touch "$dir/done"
        fi
        echo "$dir/prefix"
}
