/* SPDX-License-Identifier: Apache-2.0 */
/* The view config.json describes (oci-view.h): its mounts in their order
 * instead of the standard table, /dev's nodes, the sysctls, the masked
 * and read-only paths. Every destination is resolved inside the root, as
 * for the user's mounts: a symlink in the image never leads out of it. */
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>

#include "fs-internal.h"
#include "oci-view.h"
#include "util.h"

#define INERT_ATTR (MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC)

/* The MS_* flags of a mount's options as mount_setattr spells them, for
 * the binds (made with open_tree, which takes no MS_* flags). */
static uint64_t attr_from_flags(unsigned long flags) {
        static const struct {
                unsigned long ms;
                uint64_t attr;
        } map[] = {
                { MS_RDONLY, MOUNT_ATTR_RDONLY },        { MS_NOSUID, MOUNT_ATTR_NOSUID },
                { MS_NODEV, MOUNT_ATTR_NODEV },          { MS_NOEXEC, MOUNT_ATTR_NOEXEC },
                { MS_NOATIME, MOUNT_ATTR_NOATIME },      { MS_STRICTATIME, MOUNT_ATTR_STRICTATIME },
                { MS_NODIRATIME, MOUNT_ATTR_NODIRATIME },
        };
        uint64_t attr = 0;

        for (size_t i = 0; i < ELEMENTSOF(map); i++)
                if (flags & map[i].ms)
                        attr |= map[i].attr;
        return attr;
}

/* A new devpts with gid=5 fails when the tty group is not mapped (a
 * single-id map): the spec's gid= is then dropped, as for userbox's own. */
static int mount_devpts(const struct oci_mount *m, int fd) {
        _cleanup_free_ char *copy = NULL, *data = NULL;
        char *saveptr = NULL;
        int r = mounts_mount_on_fd("devpts", fd, "devpts", m->flags, m->data);

        if (r != -EINVAL || !m->data || !strstr(m->data, "gid="))
                return r;
        copy = strdup(m->data);
        data = strdup("");
        if (!copy || !data)
                return -ENOMEM;
        for (char *o = strtok_r(copy, ",", &saveptr); o; o = strtok_r(NULL, ",", &saveptr)) {
                char *next = NULL;
                if (startswith(o, "gid="))
                        continue;
                if (asprintf(&next, "%s%s%s", data, *data ? "," : "", o) < 0)
                        return -ENOMEM;
                free(data);
                data = next;
        }
        return mounts_mount_on_fd("devpts", fd, "devpts", m->flags, data);
}

/* The file system itself onto fd. sysfs needs a network namespace the
 * user namespace owns and the cgroup hierarchies a cgroup namespace on a
 * v2-only host: without them (this machine's v1/v2 hybrid) the host's are
 * bound, read-only unless the spec said rw, and inert, as rootless runc
 * does for /sys. */
static int mount_by_kind(const struct oci_mount *m, int fd) {
        uint64_t attr = attr_from_flags(m->flags);
        int r;

        switch (m->kind) {
        case OCI_MOUNT_BIND:
                r = mounts_bind_with_attr(AT_FDCWD, m->source, m->recursive || m->recursive_read_only, attr, fd);
                if (r != -EPERM || !(attr & MOUNT_ATTR__ATIME))
                        return r;
                /* A mount that came from the host's namespace keeps its
                 * atime mode in a user namespace (the kernel locks it):
                 * the bind keeps the host's, as crun's does. */
                log_step("oci: mount %s on '%s': the host's atime mode is locked, kept", m->source,
                         m->destination);
                return mounts_bind_with_attr(AT_FDCWD, m->source, m->recursive || m->recursive_read_only,
                                             attr & ~MOUNT_ATTR__ATIME, fd);
        case OCI_MOUNT_FS:
                if (streq(m->type, "devpts"))
                        return mount_devpts(m, fd);
                return mounts_mount_on_fd(m->source && *m->source ? m->source : m->type, fd, m->type, m->flags,
                                          m->data);
        case OCI_MOUNT_SYSFS:
                r = mounts_mount_on_fd("sysfs", fd, "sysfs", m->flags, m->data);
                if (r != -EPERM)
                        return r;
                return mounts_bind_with_attr(AT_FDCWD, "/sys", true, MOUNT_ATTR_RDONLY | INERT_ATTR, fd);
        case OCI_MOUNT_CGROUP:
                return mounts_bind_with_attr(AT_FDCWD, "/sys/fs/cgroup", true, attr | INERT_ATTR, fd);
        }
        return -EINVAL;
}

static int mount_one(const struct oci_mount *m, int rootfd) {
        _cleanup_close_ int fd = -1;
        bool want_file = false;
        struct stat st;
        int r;

        if (m->kind == OCI_MOUNT_BIND) {
                if (stat(m->source, &st) < 0)
                        return log_errno(-errno, "mount source '%s'", m->source);
                want_file = !S_ISDIR(st.st_mode);
        }
        fd = resolve_in_root(rootfd, m->destination, true, want_file);
        if (fd == -EXDEV)
                return log_errno(-EPERM, "mount destination '%s': it would be made inside a kernel file system",
                                 m->destination);
        if (fd < 0)
                return log_errno(fd, "mount destination '%s'", m->destination);
        /* A link in the image that led a destination elsewhere into /proc
         * or /sys could cover the masks (runc CVE-2019-19921). */
        if (resolve_is_kernel_fs(fd) && !path_is_below(m->destination, "/proc") &&
            !path_is_below(m->destination, "/sys"))
                return log_errno(-EPERM, "mount destination '%s' resolves into a kernel file system, refusing",
                                 m->destination);
        r = mount_by_kind(m, fd);
        if (r < 0)
                return log_errno(r, "mount %s on '%s'%s", m->kind == OCI_MOUNT_BIND ? m->source : m->type,
                                 m->destination, m->kind == OCI_MOUNT_FS ? "" : mounts_attr_hint(r));
        return 0;
}

/* Written through procfd, a /proc: the values of the namespaces of the
 * process that writes, the container's (the keys were checked to be of
 * a namespace of the container's own, oci-linux.c). */
static int write_sysctl(int procfd, const struct oci_sysctl *s) {
        struct open_how how = { .flags = O_WRONLY | O_CLOEXEC | O_NOCTTY,
                                .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
        _cleanup_free_ char *path = NULL;
        _cleanup_close_ int fd = -1;
        struct statfs sf;

        if (asprintf(&path, "sys/%s", s->key) < 0)
                return -ENOMEM;
        for (char *p = path + strlen("sys/"); *p; p++)
                if (*p == '.')
                        *p = '/';
        fd = sys_openat2(procfd, path, &how, sizeof(how));
        if (fd < 0)
                return log_errno(fd, "linux.sysctl: '%s'", s->key);
        if (fstatfs(fd, &sf) < 0 || sf.f_type != PROC_SUPER_MAGIC)
                return log_errno(-EPERM, "linux.sysctl: '%s' is not on a /proc", s->key);
        if (fd_write_all(fd, s->value, strlen(s->value)) < 0)
                return log_errno(-errno, "linux.sysctl: write '%s' to '%s'", s->value, s->key);
        return 0;
}

/* A masked file reads as /dev/null, a masked directory as an empty
 * read-only tmpfs; a path the root lacks is left alone (the spec's
 * lists name paths of every kernel). */
static int mask_path(int rootfd, const char *path) {
        _cleanup_close_ int fd = resolve_in_root(rootfd, path, false, false);
        struct stat st;
        int r;

        if (fd == -ENOENT)
                return 0;
        if (fd < 0 || fstat(fd, &st) < 0)
                return log_errno(fd < 0 ? fd : -errno, "linux.maskedPaths: '%s'", path);
        if (S_ISDIR(st.st_mode))
                r = mounts_mount_on_fd("tmpfs", fd, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=555");
        else
                r = mounts_bind_with_attr(AT_FDCWD, "/dev/null", false, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
                                          MOUNT_ATTR_NOEXEC, fd);
        return r < 0 ? log_errno(r, "linux.maskedPaths: mask '%s'", path) : 0;
}

static int read_only_path(int rootfd, const char *path) {
        _cleanup_close_ int fd = resolve_in_root(rootfd, path, false, false);
        int r;

        if (fd == -ENOENT)
                return 0;
        if (fd < 0)
                return log_errno(fd, "linux.readonlyPaths: '%s'", path);
        r = mounts_bind_with_attr(fd, "", true, MOUNT_ATTR_RDONLY | INERT_ATTR, fd);
        return r < 0 ? log_errno(r, "linux.readonlyPaths: make '%s' read-only%s", path, mounts_attr_hint(r)) : 0;
}

/* As runc: /dev gets its nodes unless the spec binds one over it, in
 * the tmpfs it mounts there or else in the root's own /dev. */
static bool mounts_dev_bound(const struct oci_linux *l, bool *ret_tmpfs) {
        *ret_tmpfs = false;
        for (size_t i = 0; i < l->n_mounts; i++)
                if (streq(l->mounts[i].destination, "/dev")) {
                        if (l->mounts[i].kind == OCI_MOUNT_BIND)
                                return true;
                        *ret_tmpfs = true;
                }
        return false;
}

int mounts_oci_extras(const struct config *c, int rootfd) {
        const struct oci_linux *l = oci_view(c);
        _cleanup_close_ int procfd = -1;
        int r = 0;

        /* The spec's /proc, once mounted; userbox's own has /proc/sys
         * read-only by then, and the host's (still reachable before the
         * pivot) serves as well: a sysctl file acts on the namespaces of
         * whoever writes it. */
        if (l->n_sysctl) {
                procfd = l->replaces_mounts ? resolve_in_root(rootfd, "/proc", false, false)
                                            : sys_result(open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC));
                if (procfd < 0)
                        return log_errno(procfd, "linux.sysctl: /proc (is it mounted?)");
        }
        for (size_t i = 0; i < l->n_sysctl && r >= 0; i++)
                r = write_sysctl(procfd, &l->sysctl[i]);
        for (size_t i = 0; l->masked_paths && l->masked_paths[i] && r >= 0; i++)
                r = mask_path(rootfd, l->masked_paths[i]);
        return r;
}

/* After the mounts (as runc): the nodes go into the /dev the spec
 * mounted, the sysctls through the /proc it mounted, and the masks last,
 * over whatever the mounts put there (the host's /dev/null is reachable
 * until the pivot). */
int mounts_setup_oci(const struct config *c, const struct rootfs_plan *p, int rootfd) {
        const struct oci_linux *l = oci_view(c);
        _cleanup_close_ int devfd = -1;
        bool dev_tmpfs;
        int r = 0;

        for (size_t i = 0; i < l->n_mounts && r >= 0; i++)
                r = mount_one(&l->mounts[i], rootfd);
        if (r < 0)
                return r;
        if (!mounts_dev_bound(l, &dev_tmpfs)) {
                devfd = resolve_in_root(rootfd, "/dev", true, false);
                if (devfd < 0)
                        return log_errno(devfd, "open '/dev'");
        }
        r = devices_populate_oci(p, rootfd, devfd, !dev_tmpfs);
        if (r >= 0)
                r = mounts_oci_extras(c, rootfd);
        if (r < 0)
                return r;
        /* root.readonly: the root's own mount only, once everything is
         * mounted on it (the spec's tmpfs mounts stay writable). */
        if (c->read_only > 0) {
                struct mount_attr a = { .attr_set = MOUNT_ATTR_RDONLY };
                r = sys_mount_setattr(rootfd, "", AT_EMPTY_PATH, &a, sizeof(a));
                if (r < 0)
                        return log_errno(r, "make the root read-only");
        }
        log_step("mounts: %zu from config.json", l->n_mounts);
        return 0;
}

static int set_propagation(int fd, unsigned long propagation) {
        struct mount_attr a = { .propagation = propagation & ~MS_REC };
        return sys_mount_setattr(fd, "", AT_EMPTY_PATH | (propagation & MS_REC ? AT_RECURSIVE : 0), &a, sizeof(a));
}

/* After the pivot, which made every mount private: the read-only paths
 * (until then the root's own mount is unbindable, and a path on it, such
 * as /etc, cannot be bound onto itself), the root's propagation, then
 * each mount's, as config.json gives them (through mount_setattr on an
 * fd: no /proc is needed). */
int mounts_oci_finish(const struct config *c, int rootfd) {
        const struct oci_linux *l = oci_view(c);
        int r;

        for (size_t i = 0; l->readonly_paths && l->readonly_paths[i]; i++) {
                r = read_only_path(rootfd, l->readonly_paths[i]);
                if (r < 0)
                        return r;
        }
        if (l->rootfs_propagation) {
                r = set_propagation(rootfd, l->rootfs_propagation);
                if (r < 0)
                        return log_errno(r, "set the root's propagation (linux.rootfsPropagation)");
        }
        for (size_t i = 0; i < l->n_mounts; i++) {
                const struct oci_mount *m = &l->mounts[i];
                _cleanup_close_ int fd = -1;

                if (!m->propagation)
                        continue;
                fd = resolve_in_root(rootfd, m->destination, false, false);
                r = fd < 0 ? fd : set_propagation(fd, m->propagation);
                if (r < 0)
                        return log_errno(r, "set the propagation of '%s'", m->destination);
        }
        return 0;
}
