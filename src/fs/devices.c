/* SPDX-License-Identifier: Apache-2.0 */
/* The container's /dev: the standard nodes (mknod where allowed, else a
 * bind of the host's onto an empty file), devpts, shm, mqueue, the links,
 * and the extra devices a profile asks for. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "fs.h"
#include "util.h"
#include "fs-internal.h"

/* The nodes every container gets, with the numbers the kernel gives them. */
static const struct standard_device {
        const char *name;
        unsigned major, minor;
} standard_devices[] = {
        { "null",    1, 3 },
        { "zero",    1, 5 },
        { "full",    1, 7 },
        { "random",  1, 8 },
        { "urandom", 1, 9 },
        { "tty",     5, 0 },
};

static const struct dev_mount {
        const char *name;
        const char *type;
        unsigned long flags;
        const char *data;
        bool needs_ipc;         /* mqueue belongs to the IPC namespace */
} dev_mounts[] = {
        /* A new devpts instance: the host's ptys stay invisible. gid=5
         * (tty) is added when that group is mapped. */
        { "pts",    "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=620", false },
        { "shm",    "tmpfs",  MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777", false },
        { "mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, true },
};

static const struct dev_link {
        const char *name;
        const char *target;
} dev_links[] = {
        { "ptmx",   "pts/ptmx" },
        { "fd",     "/proc/self/fd" },
        { "stdin",  "/proc/self/fd/0" },
        { "stdout", "/proc/self/fd/1" },
        { "stderr", "/proc/self/fd/2" },
        { "core",   "/proc/kcore" },
};

/* ---- parent: checks on the host ----------------------------------------- */

void devices_free(struct rootfs_device *d, size_t n) {
        for (size_t i = 0; d && i < n; i++) {
                free(d[i].host_path);
                free(d[i].container_path);
        }
        free(d);
}

static int device_add(struct rootfs_device **list, size_t *n, size_t *allocated,
                      const char *host, const char *container) {
        _cleanup_free_ char *resolved = realpath(host, NULL);
        _cleanup_free_ char *inside = NULL;
        struct rootfs_device *l;
        bool outside_dev;
        struct stat st;
        int r;

        if (!resolved)
                return log_errno(-errno, "device '%s'", host);
        if (stat(resolved, &st) < 0)
                return log_errno(-errno, "device '%s'", host);
        if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
                return log_error("device '%s': not a character or block device", host);
        if (string_has_cc(container))
                return log_error("device '%s': container path with a control character", host);
        r = mounts_check_destination(container);
        if (r < 0)
                return r;
        inside = strdup(container);
        if (!inside)
                return log_errno(-ENOMEM, "device '%s'", host);
        path_simplify(inside);
        if (!streq(resolved, host))
                log_step("devices: '%s' resolves to '%s'", host, resolved);
        outside_dev = !path_is_below(inside, "/dev");

        l = array_reserve_one(*list, *n, allocated, sizeof(**list));
        if (!l)
                return log_errno(-ENOMEM, "device '%s'", host);
        *list = l;
        l[(*n)++] = (struct rootfs_device) {
                .host_path = TAKE_PTR(resolved),
                .outside_dev = outside_dev,
                .container_path = TAKE_PTR(inside),
                .mode = st.st_mode,
                .rdev = st.st_rdev,
        };
        return 0;
}

int devices_prepare(const struct config *c, struct rootfs_device **ret, size_t *ret_n) {
        struct rootfs_device *list = NULL;
        size_t n = 0, allocated = 0;
        int r = 0;

        for (size_t i = 0; i < c->n_devices && r >= 0; i++) {
                const struct device_entry *d = &c->devices[i];

                if (!d->host_path || !*d->host_path) {
                        r = log_error("device: empty path");
                        break;
                }
                /* Classes (fuse, kvm, ...) were expanded when the profile or
                 * the option was parsed: only paths arrive here. */
                if (!path_is_absolute(d->host_path)) {
                        r = log_error("device '%s': not an absolute path", d->host_path);
                        break;
                }
                r = device_add(&list, &n, &allocated, d->host_path,
                               d->container_path ? d->container_path : d->host_path);
        }
        if (r < 0) {
                devices_free(list, n);
                return r;
        }
        *ret = list;
        *ret_n = n;
        return 0;
}

/* ---- child: the container's /dev --------------------------------------- */

/* mknod is denied in a user namespace (the kernel only lets the initial
 * one create device nodes), so the host's node is bound onto an empty file
 * instead: same major/minor, and the host's permission checks still apply
 * to whoever opens it. */
static int make_node(int dirfd, const char *name, const char *host, mode_t mode, dev_t rdev, bool *mknod_denied) {
        _cleanup_close_ int fd = -1;

        if (!*mknod_denied) {
                if (mknodat(dirfd, name, mode, rdev) >= 0)
                        return fchmodat(dirfd, name, mode & 07777, 0) < 0 ? -errno : 0;
                /* EEXIST: a file to bind over, below. */
                if (errno != EPERM && errno != EEXIST)
                        return -errno;
                *mknod_denied = errno == EPERM;
        }
        fd = openat(dirfd, name, O_CREAT | O_EXCL | O_RDONLY | O_NOFOLLOW | O_CLOEXEC, 0);
        if (fd < 0 && errno == EEXIST) {
                /* Outside /dev: a file of the image, or the empty file made
                 * before a read-only root was sealed. Never a symlink's
                 * target, never a directory. */
                struct stat st;

                fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
                if (fd >= 0 && fstat(fd, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode) &&
                    !S_ISBLK(st.st_mode))
                        return S_ISDIR(st.st_mode) ? -EISDIR : -EEXIST;
        }
        if (fd < 0)
                return -errno;
        /* open_tree + move_mount: no procfs lookup of /proc/self/fd/N. A
         * kernel without them (< 5.2) never gets here: the read-only paths
         * of /proc, mounted first, are refused there. */
        return mounts_bind_with_attr(AT_FDCWD, host, false, 0, fd);
}

#define TTY_GID 5

bool devices_tty_gid_mapped(const struct idmap_plan *plan) {
        return idmap_check_inside(plan, (uid_t) -1, TTY_GID, NULL) == 0;
}

static int mount_dev_subdir(int devfd, const struct dev_mount *m, bool tty_gid_mapped) {
        char buf[RESOLVE_FD_PATH_MAX], data[128];
        _cleanup_close_ int fd = -1;
        int r;

        if (mkdirat(devfd, m->name, 0755) < 0 && errno != EEXIST)
                return log_errno(-errno, "create '/dev/%s'", m->name);
        fd = openat(devfd, m->name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return log_errno(-errno, "open '/dev/%s'", m->name);
        if (streq(m->type, "devpts") && tty_gid_mapped)
                snprintf(data, sizeof(data), "%s,gid=%d", m->data, TTY_GID);
        else
                snprintf(data, sizeof(data), "%s", m->data ? m->data : "");
        r = mount(m->type, resolve_fd_path(buf, fd), m->type, m->flags, data) < 0 ? -errno : 0;
        if (r < 0)
                return log_errno(r, "mount %s on '/dev/%s'", m->type, m->name);
        return 0;
}

static int add_extra_device(const struct rootfs_device *d, int rootfd, const char *root_path, bool *mknod_denied) {
        _cleanup_free_ char *parent = strdup(d->container_path);
        _cleanup_close_ int dirfd = -1;
        const char *name = path_basename(d->container_path);
        char *slash;
        int r;

        if (!parent)
                return log_errno(-ENOMEM, "device '%s'", d->host_path);
        slash = strrchr(parent, '/');
        if (slash)
                slash[slash == parent ? 1 : 0] = '\0';
        dirfd = resolve_in_root(rootfd, parent, true, false);
        if (dirfd == -EXDEV)
                return log_errno(-EPERM, "device '%s' at '%s': resolves into /proc or /sys, refusing", d->host_path,
                                 d->container_path);
        if (dirfd < 0)
                return log_errno(dirfd, "create the directory of device '%s'", d->container_path);
        if (d->outside_dev) {
                r = resolve_is_in_kernel_dirs(dirfd, root_path);
                if (r < 0)
                        return log_errno(r, "device '%s' at '%s': where it resolves", d->host_path, d->container_path);
                if (r > 0 || resolve_is_kernel_fs(dirfd))
                        return log_errno(-EPERM, "device '%s' at '%s': resolves into /proc or /sys, refusing",
                                         d->host_path, d->container_path);
        }
        r = make_node(dirfd, name, d->host_path, d->mode, d->rdev, mknod_denied);
        if (r < 0)
                return log_errno(r, "device '%s' at '%s'", d->host_path, d->container_path);
        return 0;
}

/* The extra devices in /dev, or those outside it (their directory checked
 * against the root's /proc and /sys, by the root's path read once). */
static int add_extra_devices(const struct rootfs_plan *p, int rootfd, bool outside_dev, bool *mknod_denied) {
        _cleanup_free_ char *root_path = NULL;
        int r;

        if (outside_dev && !devices_any_outside_dev(p))
                return 0;
        if (outside_dev) {
                r = resolve_kernel_path(rootfd, &root_path);
                if (r < 0)
                        return log_errno(r, "the new root's path");
        }
        for (size_t i = 0; i < p->n_devices; i++) {
                if (p->devices[i].outside_dev != outside_dev)
                        continue;
                r = add_extra_device(&p->devices[i], rootfd, root_path, mknod_denied);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int make_standard_nodes(int devfd, bool *mknod_denied) {
        for (size_t i = 0; i < ELEMENTSOF(standard_devices); i++) {
                const struct standard_device *d = &standard_devices[i];
                char host[32];
                int r;

                snprintf(host, sizeof(host), "/dev/%s", d->name);
                r = make_node(devfd, d->name, host, S_IFCHR | 0666, makedev(d->major, d->minor), mknod_denied);
                if (r < 0)
                        return log_errno(r, "create '/dev/%s'", d->name);
        }
        return 0;
}

/* existing_ok: in the root's own /dev, whose links are left as they are. */
static int make_links(int devfd, bool existing_ok) {
        for (size_t i = 0; i < ELEMENTSOF(dev_links); i++)
                if (symlinkat(dev_links[i].target, devfd, dev_links[i].name) < 0 && !(existing_ok && errno == EEXIST))
                        return log_errno(-errno, "link '/dev/%s'", dev_links[i].name);
        return 0;
}

int devices_populate(const struct config *c, const struct rootfs_plan *p, int rootfd, int devfd,
                     bool tty_gid_mapped) {
        bool mknod_denied = false;
        int r;

        r = make_standard_nodes(devfd, &mknod_denied);
        if (r < 0)
                return r;
        for (size_t i = 0; i < ELEMENTSOF(dev_mounts); i++) {
                if (dev_mounts[i].needs_ipc && c->ipc <= 0)
                        continue;
                r = mount_dev_subdir(devfd, &dev_mounts[i], tty_gid_mapped);
                if (r < 0)
                        return r;
        }
        r = make_links(devfd, false);
        if (r >= 0)
                r = add_extra_devices(p, rootfd, false, &mknod_denied);
        if (r < 0)
                return r;
        log_step("devices: /dev populated (%s)", mknod_denied ? "host nodes bound" : "mknod");
        return 0;
}

/* config.json mounts /dev, /dev/pts, /dev/shm and /dev/mqueue itself. */
int devices_populate_oci(const struct rootfs_plan *p, int rootfd, int devfd, bool root_dev) {
        bool mknod_denied = false;
        int r = 0;

        if (devfd >= 0) {
                r = make_standard_nodes(devfd, &mknod_denied);
                if (r >= 0)
                        r = make_links(devfd, root_dev);
        }
        if (r >= 0)
                r = add_extra_devices(p, rootfd, false, &mknod_denied);
        if (r >= 0)
                r = add_extra_devices(p, rootfd, true, &mknod_denied);
        return r;
}

int devices_populate_outside_dev(const struct rootfs_plan *p, int rootfd) {
        bool mknod_denied = false;
        return add_extra_devices(p, rootfd, true, &mknod_denied);
}

bool devices_any_outside_dev(const struct rootfs_plan *p) {
        for (size_t i = 0; i < p->n_devices; i++)
                if (p->devices[i].outside_dev)
                        return true;
        return false;
}

void devices_print(const struct config *c, const struct rootfs_plan *p, FILE *f) {
        for (size_t i = 0; i < ELEMENTSOF(standard_devices); i++)
                fprintf(f, "# mount: bind /dev/%s -> /dev/%s (device)\n", standard_devices[i].name,
                        standard_devices[i].name);
        for (size_t i = 0; i < ELEMENTSOF(dev_mounts); i++) {
                const struct dev_mount *m = &dev_mounts[i];
                if (m->needs_ipc && c->ipc == 0)
                        continue;
                fprintf(f, "# mount: %s %s -> /dev/%s (nosuid,%snoexec%s%s)\n", m->type, m->type, m->name,
                        m->flags & MS_NODEV ? "nodev," : "", m->data ? "," : "", m->data ? m->data : "");
        }
        if (p)
                for (size_t i = 0; i < p->n_devices; i++)
                        fprintf(f, "# mount: bind %s -> %s (device)\n", p->devices[i].host_path,
                                p->devices[i].container_path);
        else
                for (size_t i = 0; i < c->n_devices; i++) {
                        const char *host = c->devices[i].host_path ? c->devices[i].host_path : "?";
                        fprintf(f, "# mount: bind %s -> %s (device)\n", host,
                                c->devices[i].container_path ? c->devices[i].container_path : host);
                }
}
