/* SPDX-License-Identifier: Apache-2.0 */
/* /sys/fs/cgroup inside a container with a cgroup of its own: each
 * hierarchy it has a cgroup in shows that cgroup, read-only, instead of
 * the host's tree that came with /sys. */
#include <errno.h>
#include <sys/mount.h>

#include "fs.h"
#include "util.h"

/* The container's cgroup directory, bound over its hierarchy's mount
 * point: its limits (memory.limit_in_bytes, pids.max, cpu.max, ...) are
 * what a program that sizes itself by them (a JVM, the Go runtime,
 * nproc-like tools) reads there, and the host's tree above it and beside
 * it (other users' cgroups, other containers') no longer shows there.
 * One bind per hierarchy of the directory the host's view already holds,
 * which keeps that view's flags (read-only, nosuid, nodev, noexec: /sys
 * was bound so, all the way down, and the kernel locks them): no new
 * cgroup file system per hierarchy, which cost ~35 us each, ten on a
 * hybrid host (bench/README.md, issue 20). Both paths are inside that
 * view, which the root's own files cannot reach. The hierarchies the
 * container has no cgroup in keep the host's view, read-only, as /sys.
 * The host's view is covered, never unmounted: it is locked to this
 * mount namespace's user namespace. */
int mounts_cgroup_view(const struct cgroup_view_bind *binds, size_t n) {
        for (size_t i = 0; i < n; i++) {
                /* Only a hierarchy under the host's /sys/fs/cgroup shows
                 * inside, with /sys: one mounted elsewhere has no place
                 * here. */
                if (!startswith(binds[i].directory, "/sys/fs/cgroup/") ||
                    !startswith(binds[i].mount_point, "/sys/fs/cgroup"))
                        continue;
                /* No such path: a root without /sys shows no host tree
                 * to cover. */
                if (mount(binds[i].directory, binds[i].mount_point, NULL, MS_BIND, NULL) < 0 && errno != ENOENT)
                        return log_errno(-errno, "bind the container's cgroup '%s' on '%s'", binds[i].directory,
                                         binds[i].mount_point);
        }
        return 0;
}
