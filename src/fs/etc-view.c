/* SPDX-License-Identifier: Apache-2.0 */
/* The container's own view of /etc (design §12): a root without
 * /etc/hosts or /etc/resolv.conf, and no overlay to make them in, still
 * gets the network's files without a byte of the root directory written.
 * /etc becomes a small tmpfs holding a bind of each of the root's entries
 * (the root's own files and directories, writable exactly as the root
 * is, so writes to them reach the root) and an empty file for each
 * missing one, which mounts_setup_files() then binds over.
 *
 * Why not an overlay of /etc: its copy-up would divert every write to an
 * existing file of a writable root into the tmpfs, and lose it with the
 * container. The view's own directory is read-only instead, once the
 * user's mount points in it are made: a file created directly in /etc
 * could not reach the root, so it fails (EROFS) rather than vanish. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "util.h"
#include "fs-internal.h"

static bool made_in_view(const struct rootfs_plan *p, const char *name) {
        for (size_t i = 0; i < p->n_files; i++)
                if (p->files[i].in_etc_view && streq(p->files[i].path + strlen("/etc/"), name))
                        return true;
        return false;
}

/* One entry of the root's /etc (dir, covered by the view by now, still
 * reached through the fd) into the view. A symbolic link is copied: its
 * target cannot be written in place, only replaced, and /etc's
 * directory is the view's. */
static int add_entry(int dir, const char *name, int view) {
        struct stat st;
        char target[PATH_MAX];
        ssize_t n;
        int fd;

        if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return -errno;
        if (S_ISLNK(st.st_mode)) {
                n = readlinkat(dir, name, target, sizeof(target) - 1);
                if (n < 0)
                        return -errno;
                target[n] = '\0';
                if (symlinkat(target, view, name) < 0)
                        return -errno;
                (void) fchownat(view, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW);
                return 0;
        }
        if (S_ISDIR(st.st_mode)) {
                if (mkdirat(view, name, 0755) < 0)
                        return -errno;
        } else {
                fd = openat(view, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
                if (fd < 0)
                        return -errno;
                close(fd);
        }
        /* The clone keeps the root's mount attributes: read-only under
         * --read-only, as everything else of the root. */
        return mounts_bind_with_attr_at(dir, name, true, 0, view, name);
}

static int fill_view(const struct rootfs_plan *p, int dir, int view, size_t *ret_n) {
        _cleanup_close_ int listing = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        DIR *d = listing >= 0 ? fdopendir(listing) : NULL;
        struct dirent *e;
        int r = 0;

        if (!d)
                return -errno;
        listing = -1;
        *ret_n = 0;
        while (r >= 0 && (errno = 0, e = readdir(d))) {
                if (streq(e->d_name, ".") || streq(e->d_name, "..") || made_in_view(p, e->d_name))
                        continue;
                r = add_entry(dir, e->d_name, view);
                if (r < 0)
                        log_errno(r, "the container's /etc: '%s' of the root's", e->d_name);
                else
                        (*ret_n)++;
        }
        if (r >= 0 && errno)
                r = log_errno(-errno, "read the root's /etc");
        closedir(d);
        return r;
}

static int make_missing_files(const struct rootfs_plan *p, int view) {
        for (size_t i = 0; i < p->n_files; i++) {
                int fd;

                if (!p->files[i].in_etc_view)
                        continue;
                fd = openat(view, p->files[i].path + strlen("/etc/"), O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC,
                            0644);
                if (fd < 0)
                        return log_errno(-errno, "create %s in the container's /etc", p->files[i].path);
                close(fd);
        }
        return 0;
}

/* rootfd: the root's mount, attached and still bindable (the entries are
 * cloned from it); after the id map (files are made on the tmpfs). */
int etc_view_setup(const struct rootfs_plan *p, int rootfd, int *ret_fd) {
        _cleanup_close_ int dir = -1, top = -1, view = -1;
        struct stat st;
        size_t n = 0;
        int r;

        if (!p->etc_view)
                return 0;
        dir = resolve_in_root(rootfd, "/etc", false, false);
        if (dir < 0)
                return log_errno(dir, "the root's /etc");
        /* Opened before the tmpfs covers it: the root's entries stay
         * reachable through this fd alone. */
        top = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (top < 0 || fstat(top, &st) < 0)
                return log_errno(-errno, "the root's /etc");
        r = mounts_mount_on_fd("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1m");
        if (r < 0)
                return log_errno(r, "mount the container's /etc");
        /* Looked up again: the path leads into the tmpfs now. */
        closep(&dir);
        dir = resolve_in_root(rootfd, "/etc", false, false);
        view = dir >= 0 ? openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : dir;
        if (view < 0)
                return log_errno(dir < 0 ? dir : -errno, "open the container's /etc");
        /* As the root's: an owner the map leaves out stays the container's root. */
        (void) fchown(view, st.st_uid, st.st_gid);
        (void) fchmod(view, st.st_mode & 07777);
        r = fill_view(p, top, view, &n);
        if (r >= 0)
                r = make_missing_files(p, view);
        if (r < 0)
                return r;
        log_step("rootfs: /etc is the container's own view: %zu entries of the root's bound", n);
        *ret_fd = TAKE_FD(view);
        return 0;
}

int etc_view_seal(int *fd) {
        struct mount_attr read_only = { .attr_set = MOUNT_ATTR_RDONLY };
        int r;

        if (*fd < 0)
                return 0;
        /* Only the view's own directory: the binds in it keep the root's
         * attributes. */
        r = sys_mount_setattr(*fd, "", AT_EMPTY_PATH, &read_only, sizeof(read_only));
        closep(fd);
        *fd = -1;
        return r < 0 ? log_errno(r, "make the container's /etc read-only") : 0;
}
