/* SPDX-License-Identifier: Apache-2.0 */
/* /sys/fs/cgroup inside a container with a cgroup of its own: fresh
 * cgroup mounts made in its cgroup namespace, read-only, instead of the
 * host's tree that came with /sys. */
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs.h"
#include "util.h"
#include "fs-internal.h"

#define READ_ONLY_MS (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)

static int mount_hierarchy(int top, const struct cgroup_view_hierarchy *h);
static int link_joint_controllers(int top, const struct cgroup_view_hierarchy *h);

/* A mount made in a cgroup namespace shows the namespace's root, the
 * container's cgroup, and what is below it: the limits the launcher wrote
 * there (memory.limit_in_bytes, pids.max, cpu.max) are what a program that
 * sizes itself by them (a JVM, the Go runtime, nproc-like tools) reads,
 * and neither the host's tree above it nor other users' containers show.
 * The host's own view, bound with /sys, is covered, never unmounted: it is
 * locked to this mount namespace's user namespace. */
int mounts_cgroup_view(void) {
        _cleanup_close_ int self = -1, root = -1, mount_point = -1, top = -1;
        _cleanup_free_ char *text = NULL;
        struct cgroup_view v;
        int r;

        self = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
        if (self < 0)
                return log_errno(-errno, "open '/proc/self/cgroup'");
        r = read_full_fd(self, 64 * 1024, &text, NULL);
        if (r < 0)
                return log_errno(r, "read '/proc/self/cgroup'");
        r = cgroup_view_plan(text, &v);
        if (r < 0)
                return log_errno(r, "'/proc/self/cgroup' names no cgroup hierarchy");

        root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root < 0)
                return log_errno(-errno, "open the container's root");
        /* Without /sys (a read-only root that has none) no host tree shows:
         * nothing to cover. */
        mount_point = resolve_in_root(root, "/sys/fs/cgroup", false, false);
        if (mount_point == -ENOENT)
                return 0;
        if (mount_point < 0)
                return log_errno(mount_point, "open '/sys/fs/cgroup'");

        if (v.n == 0) {
                /* cgroup v2 only: the one hierarchy is the directory itself. */
                r = mounts_mount_on_fd("cgroup2", mount_point, "cgroup2", READ_ONLY_MS, NULL);
                return r < 0 ? log_errno(r, "mount cgroup2 on '/sys/fs/cgroup'") : 0;
        }
        r = mounts_mount_on_fd("tmpfs", mount_point, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755");
        if (r < 0)
                return log_errno(r, "mount tmpfs on '/sys/fs/cgroup'");
        /* The fd above still names the directory under the new mount. */
        top = resolve_in_root(root, "/sys/fs/cgroup", false, false);
        if (top < 0)
                return log_errno(top, "open '/sys/fs/cgroup'");
        for (size_t i = 0; i < v.n; i++) {
                r = mount_hierarchy(top, &v.hierarchies[i]);
                if (r > 0)
                        r = link_joint_controllers(top, &v.hierarchies[i]);
                if (r < 0)
                        return r;
        }
        /* The tmpfs itself read-only: the container makes no directory or
         * link there that a program would take for a hierarchy. */
        r = mounts_mount_on_fd(NULL, top, NULL, MS_REMOUNT | MS_BIND | READ_ONLY_MS, NULL);
        return r < 0 ? log_errno(r, "make '/sys/fs/cgroup' read-only") : 0;
}

/* Returns 1 when mounted, 0 when left out. */
static int mount_hierarchy(int top, const struct cgroup_view_hierarchy *h) {
        _cleanup_close_ int fd = -1;
        char options[128];
        int r;

        if (mkdirat(top, h->directory, 0755) < 0)
                return log_errno(-errno, "create '/sys/fs/cgroup/%s'", h->directory);
        fd = openat(top, h->directory, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return log_errno(-errno, "open '/sys/fs/cgroup/%s'", h->directory);
        if (h->unified)
                r = mounts_mount_on_fd("cgroup2", fd, "cgroup2", READ_ONLY_MS, NULL);
        else {
                /* A named hierarchy (name=systemd) has no controller to
                 * match it by: "none" says so. */
                snprintf(options, sizeof(options), "%s%s", startswith(h->field, "name=") ? "none," : "", h->field);
                r = mounts_mount_on_fd("cgroup", fd, "cgroup", READ_ONLY_MS, options);
        }
        if (r >= 0)
                return 1;
        /* A hierarchy the kernel will not mount here (in a cgroup namespace
         * it mounts only existing hierarchies, and only whole: a named one
         * whose options differ, one the container's user namespace may not
         * mount) is left out, its directory removed: the view then lacks
         * it, as a host without that hierarchy would, and the limits hold
         * all the same. Failing would refuse every container on such a
         * host for a view most commands never read. */
        closep(&fd);
        if (unlinkat(top, h->directory, AT_REMOVEDIR) < 0)
                return log_errno(-errno, "remove '/sys/fs/cgroup/%s'", h->directory);
        return 0;
}

/* The usual layout's links for a joint mount: cpu -> cpu,cpuacct and
 * cpuacct -> cpu,cpuacct, where programs look for each controller. */
static int link_joint_controllers(int top, const struct cgroup_view_hierarchy *h) {
        const char *p = h->field;

        if (h->unified || !strchr(p, ','))
                return 0;
        while (*p) {
                size_t len = strcspn(p, ",");
                _cleanup_free_ char *name = strndup(p, len);

                if (!name)
                        return log_errno(-ENOMEM, "link '/sys/fs/cgroup/%s'", h->directory);
                if (!strchr(name, '=') && symlinkat(h->directory, top, name) < 0)
                        return log_errno(-errno, "link '/sys/fs/cgroup/%s' to '%s'", name, h->directory);
                p += len + (p[len] == ',');
        }
        return 0;
}

/* One hierarchy per "ID:CONTROLLERS:PATH" line; "0::PATH" is the unified
 * one. The fields point into text, split in place. */
int cgroup_view_plan(char *text, struct cgroup_view *ret) {
        struct cgroup_view v = { .n = 0 };
        bool unified = false;

        for (char *line = text, *next; line && *line; line = next) {
                char *controllers, *end;

                next = strchr(line, '\n');
                if (next)
                        *next++ = '\0';
                controllers = strchr(line, ':');
                end = controllers ? strchr(controllers + 1, ':') : NULL;
                if (!end)
                        return -EINVAL;
                *controllers++ = '\0';
                *end = '\0';
                if (streq(line, "0") && !*controllers) {
                        unified = true;
                        continue;
                }
                /* Named by the kernel; a name that is no single path
                 * component would not be a directory of the view. */
                const char *directory = startswith(controllers, "name=") ?: controllers;
                if (!*directory || strchr(directory, '/') || streq(directory, ".") || streq(directory, ".."))
                        continue;
                if (v.n == ELEMENTSOF(v.hierarchies))
                        return -E2BIG;
                v.hierarchies[v.n++] = (struct cgroup_view_hierarchy) { .field = controllers, .directory = directory };
        }
        if (unified && v.n > 0) {
                if (v.n == ELEMENTSOF(v.hierarchies))
                        return -E2BIG;
                v.hierarchies[v.n++] = (struct cgroup_view_hierarchy) {
                        .field = "", .directory = "unified", .unified = true };
        }
        if (!unified && v.n == 0)
                return -ENOENT;
        *ret = v;
        return 0;
}
