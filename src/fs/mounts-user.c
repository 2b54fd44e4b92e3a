/* SPDX-License-Identifier: Apache-2.0 */
/* The user's mounts (Bind=, BindReadOnly=, Tmpfs=, in order): destinations
 * resolved inside the root, missing mount points made there, flags on the
 * whole subtree. The standard mounts and the shared mount calls are in
 * mounts.c. */
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "util.h"
#include "fs-internal.h"

static uint64_t user_attr(const struct mount_entry *m) {
        return (m->read_only > 0 ? MOUNT_ATTR_RDONLY : 0) | (m->nosuid ? MOUNT_ATTR_NOSUID : 0) |
               (m->nodev ? MOUNT_ATTR_NODEV : 0) | (m->noexec ? MOUNT_ATTR_NOEXEC : 0);
}

static unsigned long user_ms_flags(const struct mount_entry *m) {
        return (m->read_only > 0 ? MS_RDONLY : 0) | (m->nosuid ? MS_NOSUID : 0) |
               (m->nodev ? MS_NODEV : 0) | (m->noexec ? MS_NOEXEC : 0);
}

/* The new root as the user's mounts see it before the pivot. */
struct user_root {
        int fd;
        struct stat st;
        char *path;     /* the kernel's path of fd */
};

static int check_destination_fd(int fd, const struct user_root *root, const char *dest, bool tmpfs, bool want_dir) {
        struct stat st;
        int r;

        if (fstat(fd, &st) < 0)
                return log_errno(-errno, "stat mount destination '%s'", dest);
        if (!!S_ISDIR(st.st_mode) != want_dir)
                return log_errno(want_dir ? -ENOTDIR : -EISDIR, "mount destination '%s' is %s", dest,
                                 !tmpfs ? (want_dir ? "not a directory: only a file can be bound there"
                                                    : "a directory: only a directory can be bound there")
                                        : "not a directory: a tmpfs needs one");
        if (st.st_dev == root->st.st_dev && st.st_ino == root->st.st_ino)
                return log_errno(-EPERM, "mount destination '%s' resolves to the root itself, refusing", dest);
        /* On the root's own file system: not /proc, not /sys (mounted
         * already, and nothing of the root's may be bound into them). */
        if (st.st_dev == root->st.st_dev)
                return 0;
        r = resolve_is_in_kernel_dirs(fd, root->path);
        if (r < 0)
                return log_errno(r, "mount destination '%s': where it resolves", dest);
        if (r > 0 || resolve_is_kernel_fs(fd))
                return log_errno(-EPERM, "mount destination '%s' resolves into /proc or /sys, refusing", dest);
        return 0;
}

/* The directory of the last bind, kept open while binds go into it: 1000
 * binds into /mnt resolve /mnt once (openat2 in the root, as every
 * destination, and through no symlink), and each costs 4 system calls
 * instead of 7. A bind onto a
 * plain name there (on the directory's own mount, so neither a mount point
 * nor a kernel file system, not a symlink, of the type of its source) is
 * moved there by name; a missing name is made there first, as
 * resolve_in_root() would. move_mount follows no symlink in that name, so
 * a link swapped in after the check gets a file mounted on the link itself,
 * inside the root, or fails and the bind goes the whole way. Anything else
 * goes the whole way and drops the directory, as a mount made through a
 * symlink could cover it. */
/* Learnt on the first directory: the kernel gives no mount id (< 5.8). */
static bool no_mnt_id;

struct bind_dir {
        char *path;             /* NULL: none */
        int fd;
        uint64_t mnt_id;        /* the mount it is on */
        bool usable;            /* a directory, not on a kernel file system */
};

static void bind_dir_drop(struct bind_dir *d) {
        free(d->path);
        d->path = NULL;
        closep(&d->fd);
        d->fd = -1;
}

static int bind_dir_open(struct bind_dir *d, const struct user_root *root, const char *path, size_t len) {
        struct open_how how = {
                .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
                .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
        };
        struct statx stx;

        bind_dir_drop(d);
        d->path = strndup(path, len);
        if (!d->path)
                return -ENOMEM;
        /* Only a directory reached through no symlink: a bind onto a name
         * in it can then never change where its path leads, while through
         * a link (d -> t/n/l) it may cover a directory on the way. */
        d->fd = sys_openat2(root->fd, d->path, &how, sizeof(how));
        d->usable = d->fd >= 0 && statx(d->fd, "", AT_EMPTY_PATH, STATX_TYPE | STATX_MNT_ID, &stx) == 0;
        /* Without a mount id (statx refused, or Linux < 5.8) every bind goes
         * the whole way, as before this path existed. */
        no_mnt_id = d->usable && !(stx.stx_mask & STATX_MNT_ID);
        d->usable = d->usable && !no_mnt_id && S_ISDIR(stx.stx_mode) && !resolve_is_kernel_fs(d->fd) &&
                    resolve_is_in_kernel_dirs(d->fd, root->path) == 0;
        d->mnt_id = d->usable ? stx.stx_mnt_id : 0;
        return 0;
}

static bool bind_dir_name_is_plain(const struct bind_dir *d, const char *name, bool is_dir) {
        struct statx stx;
        int fd;

        if (statx(d->fd, name, AT_SYMLINK_NOFOLLOW, STATX_TYPE | STATX_MNT_ID, &stx) == 0)
                return (stx.stx_mask & STATX_MNT_ID) && stx.stx_mnt_id == d->mnt_id && !S_ISLNK(stx.stx_mode) &&
                       !!S_ISDIR(stx.stx_mode) == is_dir;
        if (errno != ENOENT)
                return false;
        /* Neither follows a symlink that appeared meanwhile. */
        if (is_dir)
                return mkdirat(d->fd, name, 0755) == 0;
        fd = openat(d->fd, name, O_CREAT | O_EXCL | O_RDONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0)
                return false;
        close(fd);
        return true;
}

/* 0 when bound, -EAGAIN when this bind must go the whole way (which then
 * reports what is wrong, or binds through a symlink). */
static int bind_by_name(const struct mount_entry *m, const struct rootfs_source *s, const struct user_root *root,
                        struct bind_dir *d) {
        const char *slash = strrchr(s->destination, '/');
        const char *name = slash + 1;
        size_t dir_len = slash == s->destination ? 1 : (size_t) (slash - s->destination);
        int r;

        if (no_mnt_id)
                return -EAGAIN;
        if (!d->path || strlen(d->path) != dir_len || strncmp(d->path, s->destination, dir_len) != 0) {
                r = bind_dir_open(d, root, s->destination, dir_len);
                if (r < 0)
                        return r;
        }
        if (!d->usable || !*name || !bind_dir_name_is_plain(d, name, s->is_dir))
                return -EAGAIN;
        r = mounts_bind_with_attr_at(AT_FDCWD, s->path, m->recursive, user_attr(m), d->fd, name);
        return r == -ENOMEM ? r : r < 0 ? -EAGAIN : 0;
}

static int mount_user(const struct mount_entry *m, const struct rootfs_source *s, const struct user_root *root,
                      struct bind_dir *d) {
        bool bind = m->kind == MOUNT_BIND;
        _cleanup_close_ int fd = -1;
        uint64_t attr = user_attr(m);
        int r;

        if (bind) {
                r = bind_by_name(m, s, root, d);
                if (r == 0)
                        return 0;
                if (r != -EAGAIN)
                        return log_errno(r, "bind '%s' to '%s'%s", s->path, s->destination, mounts_attr_hint(r));
        }
        /* A directory kept for the fast path may be covered by what goes
         * the whole way, and a missing one is made by it: both are looked
         * at again. One that is there and cannot take the fast path stays
         * known as such, not opened again for the next bind into it. */
        if (d->usable || d->fd < 0)
                bind_dir_drop(d);
        fd = resolve_in_root(root->fd, s->destination, true, bind && !s->is_dir);
        if (fd == -EXDEV)
                return log_errno(-EPERM, "mount destination '%s' resolves into /proc or /sys, refusing", s->destination);
        if (fd < 0)
                return log_errno(fd, "mount point '%s'", s->destination);
        r = check_destination_fd(fd, root, s->destination, !bind, !bind || s->is_dir);
        if (r < 0)
                return r;

        if (!bind) {
                r = mounts_mount_on_fd("tmpfs", fd, "tmpfs", user_ms_flags(m), m->data);
                return r < 0 ? log_errno(r, "mount tmpfs on '%s'", s->destination) : 0;
        }
        /* open_tree+move_mount: cheaper than mount(2) onto /proc/self/fd/N,
         * whose lookup walks procfs for every bind. */
        r = mounts_bind_with_attr_at(AT_FDCWD, s->path, m->recursive, attr, fd, "");
        if (r < 0)
                return log_errno(r, "bind '%s' to '%s'%s", s->path, s->destination, mounts_attr_hint(r));
        return 0;
}

int mounts_setup_user(const struct config *c, const struct rootfs_plan *p, int rootfd) {
        struct bind_dir dir = { .fd = -1 };
        _cleanup_free_ char *root_path = NULL;
        struct user_root root = { .fd = rootfd };
        int r = 0;

        if (c->n_mounts) {
                if (fstat(rootfd, &root.st) < 0)
                        return log_errno(-errno, "stat the new root");
                r = resolve_kernel_path(rootfd, &root_path);
                if (r < 0)
                        return log_errno(r, "the new root's path");
                root.path = root_path;
        }
        if (p->cwd) {
                /* The host sandbox: the current directory stays writable. */
                _cleanup_close_ int fd = resolve_in_root(rootfd, p->cwd, true, false);
                if (fd < 0)
                        return log_errno(fd, "mount point '%s'", p->cwd);
                r = mounts_mount_on_fd(p->cwd, fd, NULL, MS_BIND | MS_REC, NULL);
                if (r < 0)
                        return log_errno(r, "bind the current directory '%s'", p->cwd);
        }
        for (size_t i = 0; i < c->n_mounts && r >= 0; i++)
                r = mount_user(&c->mounts[i], &p->sources[i], &root, &dir);
        bind_dir_drop(&dir);
        if (r < 0)
                return r;
        if (c->n_mounts)
                log_step("mounts: %zu user mounts", c->n_mounts);
        return 0;
}

/* Is dest on a tmpfs that rootfs_setup() mounts after the root is made
 * read-only? Then its mount point is made there, not in the root. */
static bool below_later_tmpfs(const struct config *c, const struct rootfs_plan *p, size_t index) {
        const char *dest = p->sources[index].destination;

        if (mounts_below_standard_tmpfs(c, p, dest))
                return true;
        for (size_t i = 0; i < index; i++)
                if (c->mounts[i].kind == MOUNT_TMPFS && path_is_below(dest, p->sources[i].destination))
                        return true;
        return false;
}

/* Is dest on one of the user's mounts? Then what goes there is made on it,
 * after it is mounted. */
static bool below_user_mount(const struct config *c, const struct rootfs_plan *p, const char *dest) {
        for (size_t i = 0; i < c->n_mounts; i++)
                if (path_is_below(dest, p->sources[i].destination))
                        return true;
        return false;
}

int mounts_create_user_mount_points(const struct config *c, const struct rootfs_plan *p, int rootfd) {
        /* Devices outside /dev (a tmpfs mounted later) are bound onto an
         * empty file too. */
        for (size_t i = 0; i < p->n_devices; i++) {
                const char *dest = p->devices[i].container_path;
                int fd;

                if (!p->devices[i].outside_dev || mounts_below_standard_tmpfs(c, p, dest) ||
                    below_user_mount(c, p, dest))
                        continue;
                fd = resolve_in_root(rootfd, dest, true, true);
                if (fd >= 0)
                        close(fd);
        }
        for (size_t i = 0; i < c->n_mounts; i++) {
                const struct rootfs_source *s = &p->sources[i];
                int fd;

                if (below_later_tmpfs(c, p, i))
                        continue;
                /* Failures are reported by mounts_setup_user(), with the step. */
                fd = resolve_in_root(rootfd, s->destination, true, c->mounts[i].kind == MOUNT_BIND && !s->is_dir);
                if (fd >= 0)
                        close(fd);
        }
        return 0;
}

void mounts_print_user(const struct config *c, const struct rootfs_plan *p, FILE *f) {
        if (p && p->cwd)
                mounts_print_line(f, "bind", p->cwd, p->cwd, "rbind", 0, NULL);
        for (size_t i = 0; i < c->n_mounts; i++) {
                const struct mount_entry *m = &c->mounts[i];
                const char *dest = p && p->sources ? p->sources[i].destination : m->destination ? m->destination : "?";

                if (m->kind == MOUNT_TMPFS)
                        mounts_print_line(f, "tmpfs", "tmpfs", dest, NULL, user_ms_flags(m), m->data);
                else
                        mounts_print_line(f, "bind", p && p->sources ? p->sources[i].path : m->source ? m->source : "?", dest,
                                   m->recursive ? "rbind" : "bind", user_ms_flags(m), NULL);
        }
}
