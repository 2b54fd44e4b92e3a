/* SPDX-License-Identifier: Apache-2.0 */
/* /sys/fs/cgroup inside a container with a cgroup of its own: each
 * hierarchy it has a cgroup in shows that cgroup, read-only, instead of
 * the host's tree: run's, that came with /sys, and userbox-oci's, bound
 * by each `cgroup` mount of config.json. */
#include <errno.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/vfs.h>
#include <linux/magic.h>

#include "fs-internal.h"
#include "oci-view.h"
#include "util.h"

#define HOST_CGROUP "/sys/fs/cgroup"

static bool on_cgroup_fs(int fd) {
        struct statfs sf;

        return fstatfs(fd, &sf) == 0 && (sf.f_type == CGROUP_SUPER_MAGIC || sf.f_type == CGROUP2_SUPER_MAGIC);
}

/* userbox-oci, before the pivot: the host's tree is bound at destination
 * inside the root. The container's cgroup is taken from that bind, not
 * from the host's /sys, so that it keeps the bind's flags as run's keeps
 * /sys's: read-only unless the mount said rw, inert. Both paths resolve
 * inside the root, never through a link out of it. One the root does
 * not show (a mount of the spec's over part of the tree, a mask) has
 * nothing of the host's there to cover: left alone. */
static int bind_in_root(int rootfd, const char *destination, const struct cgroup_view_bind *b) {
        _cleanup_free_ char *source = NULL, *target = NULL;
        _cleanup_close_ int source_fd = -1, target_fd = -1;
        int r;

        if (asprintf(&source, "%s%s", destination, b->directory + strlen(HOST_CGROUP)) < 0 ||
            asprintf(&target, "%s%s", destination, b->mount_point + strlen(HOST_CGROUP)) < 0)
                return log_errno(-ENOMEM, "the cgroup view of '%s'", destination);
        source_fd = resolve_in_root(rootfd, source, false, false);
        target_fd = source_fd < 0 ? source_fd : resolve_in_root(rootfd, target, false, false);
        if (target_fd == -ENOENT || (target_fd >= 0 && (!on_cgroup_fs(source_fd) || !on_cgroup_fs(target_fd))))
                return 0;
        r = target_fd < 0 ? target_fd : mounts_bind_with_attr(source_fd, "", false, 0, target_fd);
        return r < 0 ? log_errno(r, "bind the container's cgroup '%s' on '%s'%s", source, target, mounts_attr_hint(r))
                     : 0;
}

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
int mounts_cgroup_view(const struct cgroup_view_bind *binds, size_t n, int rootfd, const char *destination) {
        for (size_t i = 0; i < n; i++) {
                int r = 0;

                /* Only a hierarchy under the host's /sys/fs/cgroup shows
                 * inside, with /sys: one mounted elsewhere has no place
                 * here. */
                if (!startswith(binds[i].directory, HOST_CGROUP "/") ||
                    !startswith(binds[i].mount_point, HOST_CGROUP))
                        continue;
                if (rootfd >= 0)
                        r = bind_in_root(rootfd, destination, &binds[i]);
                /* No such path: a root without /sys shows no host tree
                 * to cover. */
                else if (mount(binds[i].directory, binds[i].mount_point, NULL, MS_BIND, NULL) < 0 && errno != ENOENT)
                        r = log_errno(-errno, "bind the container's cgroup '%s' on '%s'", binds[i].directory,
                                      binds[i].mount_point);
                if (r < 0)
                        return r;
        }
        return 0;
}

bool mounts_oci_show_cgroups(const struct config *c) {
        const struct oci_linux *l = oci_view(c);

        if (!oci_view_replaces_mounts(c))
                return true;
        for (size_t i = 0; i < l->n_mounts; i++)
                if (l->mounts[i].kind == OCI_MOUNT_CGROUP)
                        return true;
        return false;
}

/* Each `cgroup` mount of config.json; without its mounts, userbox's
 * standard /sys holds the host's tree, as run's. */
int mounts_cgroup_view_oci(const struct config *c, int rootfd, const struct cgroup_view_bind *binds, size_t n) {
        const struct oci_linux *l = oci_view(c);
        int r = 0;

        if (!oci_view_replaces_mounts(c))
                return mounts_cgroup_view(binds, n, rootfd, HOST_CGROUP);
        for (size_t i = 0; i < l->n_mounts && r >= 0; i++)
                if (l->mounts[i].kind == OCI_MOUNT_CGROUP)
                        r = mounts_cgroup_view(binds, n, rootfd, l->mounts[i].destination);
        return r;
}
