/* SPDX-License-Identifier: Apache-2.0 */
/* Files of userbox's own bound over the root's (the network's
 * /etc/resolv.conf and /etc/hosts, design §12): planned before clone,
 * where the root's own file is looked up; written in the child into the
 * container's fresh /dev tmpfs, bound over the root's file and unlinked,
 * as the masks over /proc are. The root directory is never written: for
 * a file the root lacks, an overlay's upper layer holds an empty one to
 * bind over, and without an overlay the container's /etc becomes a view
 * of its own (etc-view.c) that holds it. */
#include <fcntl.h>
#include <limits.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "util.h"
#include "fs-internal.h"

#define FILE_SOURCE_NAME ".userbox-file"

/* Where the view's path comes from: the topmost layer that has it, else
 * the root. Returns an O_PATH fd, or -errno. */
static int find_in_view(const struct rootfs_plan *p, const char *path) {
        size_t n = strv_length(p->layers);

        for (size_t i = 0; i <= n; i++) {
                const char *dir = i < n ? p->layers[i] : p->root;
                _cleanup_close_ int dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
                int fd;

                if (dirfd < 0)
                        return -errno;
                fd = resolve_in_root(dirfd, path, false, false);
                if (fd != -ENOENT)
                        return fd;
        }
        return -ENOENT;
}

/* A file that is a symbolic link into a tmpfs the container gets fresh
 * (/run under --read-only or in the host sandbox: systemd-resolved's
 * /etc/resolv.conf -> ../run/systemd/resolve/stub-resolv.conf) finds no
 * target there: the target's path, where the file is made, on that tmpfs.
 * NULL when path is no such link (or on ENOMEM: it is then looked up as
 * any file). */
static char *link_into_fresh_tmpfs(const struct config *c, const struct rootfs_plan *p, const char *path) {
        const char *slash = strrchr(path, '/');
        _cleanup_free_ char *dir = strndup(path, slash > path ? (size_t) (slash - path) : 1);
        _cleanup_close_ int dirfd = dir ? find_in_view(p, dir) : -ENOMEM;
        char link[PATH_MAX];
        char *target;
        ssize_t n;

        if (dirfd < 0)
                return NULL;
        n = readlinkat(dirfd, slash + 1, link, sizeof(link) - 1);
        if (n <= 0)
                return NULL;
        link[n] = '\0';
        target = link[0] == '/' ? strdup(link) : path_join(dir, link);
        if (target)
                path_drop_dotdot(path_simplify(target));
        if (target && mounts_below_standard_tmpfs(c, p, target) && strchr(target + 1, '/'))
                return target;
        free(target);
        return NULL;
}

static int add_file(struct rootfs_plan *p, const char *path, const char *content, bool make, bool in_etc_view) {
        struct rootfs_file *nl = realloc(p->files, (p->n_files + 1) * sizeof(*nl));

        if (!nl)
                return log_errno(-ENOMEM, "%s", path);
        p->files = nl;
        nl[p->n_files] = (struct rootfs_file) { .path = strdup(path), .content = strdup(content), .make = make,
                                                .in_etc_view = in_etc_view };
        if (!nl[p->n_files].path || !nl[p->n_files].content) {
                free(nl[p->n_files].path);
                free(nl[p->n_files].content);
                return log_errno(-ENOMEM, "%s", path);
        }
        p->n_files++;
        return 1;
}

/* A file the root lacks, in a root without an overlay: made in the
 * container's own view of /etc. A root without /etc gets none: its mount
 * point cannot be made without writing into the root directory. */
static int plan_in_etc_view(const struct config *c, struct rootfs_plan *p, const char *path, const char *content) {
        _cleanup_close_ int etc = find_in_view(p, "/etc");
        struct stat st;

        if (!startswith(path, "/etc/") || strchr(path + strlen("/etc/"), '/') ||
            (etc >= 0 && (fstat(etc, &st) < 0 || !S_ISDIR(st.st_mode))) || etc == -ENOENT) {
                log_warning("root '%s' has no %s: the container gets none (userbox never writes into the root "
                            "directory: create /etc and an empty %s in it once, or use --overlay)", p->root, path,
                            path);
                return 0;
        }
        if (etc < 0)
                return log_errno(etc, "root '%s': /etc", p->root);
        /* Read-only, the view behaves as the root's /etc would; writable,
         * it cannot take a new file (it would not reach the root). */
        if (c->read_only <= 0)
                log_warning("root '%s' has no %s: made in the container's own view of /etc, whose files are "
                            "the root's, but where new ones cannot be made (create an empty %s in the root "
                            "once, or use --overlay)", p->root, path, path);
        log_step("rootfs: %s made in the container's own view of /etc", path);
        p->etc_view = true;
        return add_file(p, path, content, false, true);
}

int rootfs_plan_file(const struct config *c, struct rootfs_plan *p, const char *path, const char *content) {
        _cleanup_free_ char *on_tmpfs = link_into_fresh_tmpfs(c, p, path);
        _cleanup_close_ int fd = -1;
        struct stat st;

        if (on_tmpfs) {
                log_step("rootfs: %s leads to %s, made on the container's tmpfs", path, on_tmpfs);
                return add_file(p, on_tmpfs, content, true, false);
        }
        fd = find_in_view(p, path);
        if (fd == -ENOENT && !p->overlay)
                return plan_in_etc_view(c, p, path, content);
        if (fd < 0 && fd != -ENOENT)
                return log_errno(fd, "root '%s': %s", p->root, path);
        if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))) {
                log_warning("root '%s': %s is not a regular file: the container gets it as it is", p->root, path);
                return 0;
        }
        return add_file(p, path, content, fd < 0, false);
}

void rootfs_files_free(struct rootfs_plan *p) {
        for (size_t i = 0; i < p->n_files; i++) {
                free(p->files[i].path);
                free(p->files[i].content);
        }
        free(p->files);
        p->files = NULL;
        p->n_files = 0;
}

/* With --read-only, before the overlay is made read-only: the empty files
 * to bind over, in its upper layer (the container's own, never the root
 * directory); those on a tmpfs mounted later are made on it. Failures are
 * reported by mounts_setup_files(). */
void mounts_create_file_points(const struct config *c, const struct rootfs_plan *p, int rootfd) {
        for (size_t i = 0; i < p->n_files; i++) {
                const struct rootfs_file *f = &p->files[i];
                int fd = f->make && !mounts_below_standard_tmpfs(c, p, f->path) ? resolve_in_root(rootfd, f->path, true, true)
                                                                                : -1;
                if (fd >= 0)
                        close(fd);
        }
}

static int setup_file(const struct config *c, const struct rootfs_file *f, int rootfd, int dev) {
        /* Writable as docker's are, unless the whole view is read-only. */
        uint64_t attr = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC |
                        (c->read_only > 0 ? MOUNT_ATTR_RDONLY : 0);
        _cleanup_close_ int target = resolve_in_root(rootfd, f->path, f->make, true);
        _cleanup_close_ int source = -1;
        struct stat st;
        int r;

        if (target == -EXDEV)
                return log_errno(-EPERM, "%s resolves into /proc or /sys, refusing", f->path);
        if (target < 0)
                return log_errno(target, "mount point '%s'", f->path);
        /* Looked up again: the root may have changed since the plan. */
        if (fstat(target, &st) < 0 || !S_ISREG(st.st_mode))
                return log_errno(-EINVAL, "%s in the root is not a regular file any more", f->path);
        source = openat(dev, FILE_SOURCE_NAME, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (source < 0)
                return log_errno(-errno, "create the file for '%s' in /dev", f->path);
        r = fd_write_all(source, f->content, strlen(f->content));
        if (r >= 0)
                r = mounts_bind_with_attr(source, "", false, attr, target);
        if (unlinkat(dev, FILE_SOURCE_NAME, 0) < 0 && r >= 0)
                r = -errno;
        return r < 0 ? log_errno(r, "bind userbox's %s%s", f->path, mounts_attr_hint(r)) : 0;
}

int mounts_setup_files(const struct config *c, const struct rootfs_plan *p, int rootfd) {
        _cleanup_close_ int dev = -1;

        if (!p->n_files)
                return 0;
        dev = openat(rootfd, "dev", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (dev < 0)
                return log_errno(-errno, "open the container's /dev");
        for (size_t i = 0; i < p->n_files; i++) {
                int r = setup_file(c, &p->files[i], rootfd, dev);
                if (r < 0)
                        return r;
        }
        log_step("mounts: %zu files of userbox's bound", p->n_files);
        return 0;
}

void mounts_print_files(const struct config *c, const struct rootfs_plan *p, FILE *f) {
        for (size_t i = 0; p && i < p->n_files; i++) {
                const struct rootfs_file *file = &p->files[i];
                _cleanup_free_ char *content = strdup(file->content);
                char *save = NULL;

                fprintf(f, "# mount: file -> %s (%s%s, written by userbox%s)\n", file->path,
                        c->read_only > 0 ? "ro" : "rw", ",nosuid,nodev,noexec",
                        file->make ? "; the root has none: made in the container's view"
                        : file->in_etc_view ? "; the root has none: made in the container's own /etc" : "");
                for (char *l = content ? strtok_r(content, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save))
                        if (l[0] != '#')
                                fprintf(f, "#   %s\n", l);
        }
}
