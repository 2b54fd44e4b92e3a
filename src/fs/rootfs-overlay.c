/* SPDX-License-Identifier: Apache-2.0 */
/* The container's overlay root (--overlay, --layers): built from fds where
 * overlayfs takes its layers as fds, else mounted by its options string
 * onto a tmpfs attached on the root directory. What rootfs.c's mount_root()
 * calls; the plan, the root's bind and the pivot stay there. */
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>

#include "util.h"
#include "fs-internal.h"

/* mount(2) copies at most one page of option data: a longer lowerdir list
 * would be cut, so it is mounted from the layers' parent, relative. */
#define MOUNT_DATA_MAX 4096

int rootfs_join_layers(const struct rootfs_plan *p, size_t skip, char **ret) {
        size_t len = 1;
        char *s, *o;

        for (size_t i = 0; p->layers && p->layers[i]; i++)
                len += strlen(p->layers[i] + skip) + 1;
        s = o = malloc(len);
        if (!s)
                return -ENOMEM;
        *o = '\0';
        for (size_t i = 0; p->layers && p->layers[i]; i++)
                o = stpcpy(stpcpy(o, p->layers[i] + skip), ":");
        *ret = s;
        return 0;
}

/* The longest directory holding every layer, as the length of its path
 * (0: "/"); each layer then continues with "/" at that offset. */
static size_t layers_common_parent(char **layers) {
        size_t best = 0;

        for (size_t k = 1; layers[0][k]; k++) {
                bool all = layers[0][k] == '/';
                for (size_t i = 1; all && layers[i]; i++)
                        all = strncmp(layers[i], layers[0], k) == 0 && layers[i][k] == '/';
                if (all)
                        best = k;
        }
        return best;
}

/* docker's overlay2 does the same with its mountfrom helper: a child that
 * chdir()s to the layers' parent and mounts with relative paths, so the
 * launcher's own cwd never changes. */
static int mount_overlay_from(const char *dir, const char *target, const char *options) {
        pid_t pid = fork();
        int status;

        if (pid < 0)
                return -errno;
        if (pid == 0) {
                if (chdir(dir) < 0)
                        _exit(errno);
                _exit(mount("overlay", target, "overlay", 0, options) < 0 ? errno : 0);
        }
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return -errno;
        if (!WIFEXITED(status))
                return -EIO;
        return -WEXITSTATUS(status);
}

static int overlay_options(const struct rootfs_plan *p, size_t skip, int lowerfd, const char *upper,
                           const char *work, char **ret) {
        _cleanup_free_ char *layers = NULL;
        int r = rootfs_join_layers(p, skip, &layers);

        if (r < 0)
                return r;
        /* The root, the bottom layer, is named through an fd opened before
         * the tmpfs went over it. userxattr: trusted.* xattrs are out of
         * reach in a user namespace. */
        if (asprintf(ret, "lowerdir=%s/proc/self/fd/%d,upperdir=%s,workdir=%s,userxattr",
                     layers, lowerfd, upper, work) < 0)
                return -ENOMEM;
        return 0;
}

/* After a failed mount, only to name the culprit: each layer alone over
 * the root, as a read-only overlay mounted and dropped at once. */
static const char *overlay_find_refused_layer(const struct rootfs_plan *p, int lowerfd) {
        char target[RESOLVE_FD_PATH_MAX];

        resolve_fd_path(target, lowerfd);
        for (size_t i = 0; p->layers && p->layers[i]; i++) {
                _cleanup_free_ char *options = NULL;

                if (asprintf(&options, "lowerdir=%s:%s,userxattr", p->layers[i], target) < 0)
                        return NULL;
                if (mount("overlay", target, "overlay", MS_RDONLY, options) < 0) {
                        if (errno != ENOMEM)
                                return p->layers[i];
                        continue;
                }
                (void) umount2(p->root, MNT_DETACH);
        }
        return NULL;
}

/* A fresh tmpfs, detached: no path names it (fsopen, Linux 5.2+). */
static int tmpfs_detached(void) {
        _cleanup_close_ int fs = sys_fsopen("tmpfs", FSOPEN_CLOEXEC);
        int r;

        if (fs < 0)
                return fs;
        r = sys_fsconfig(fs, FSCONFIG_SET_STRING, "mode", "755", 0);
        if (r >= 0)
                r = sys_fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0);
        return r < 0 ? r : sys_fsmount(fs, FSMOUNT_CLOEXEC, 0);
}

/* The last message the kernel left in a file system context ("e overlay:
 * ..."), for an error that would otherwise be a bare errno. */
static void fs_context_message(int fs, char *buf, size_t size) {
        ssize_t n;

        buf[0] = '\0';
        while ((n = read(fs, buf, size - 1)) > 0) {
                buf[n] = '\0';
                if (n > 2 && buf[1] == ' ')
                        memmove(buf, buf + 2, (size_t) n - 1);
        }
}

/* The overlay made from fds alone (where overlayfs takes its layers as
 * fds, Linux 6.15 here): once the root is open, nothing is looked up by its path, so a
 * root path swapped for a symlink meanwhile changes nothing, and there is no
 * limit on the layers' paths. Returns the detached overlay's fd, -EOPNOTSUPP
 * when the kernel cannot (the caller then mounts by path), or -errno,
 * reported here. */
static int overlay_from_fds(const struct rootfs_plan *p, int lower, int upper, int work) {
        _cleanup_close_ int fs = sys_fsopen("overlay", FSOPEN_CLOEXEC);
        char msg[256];
        int r;

        if (fs < 0)
                return -EOPNOTSUPP;
        /* The upper layer first: a kernel that takes no fd refuses it. */
        if (sys_fsconfig(fs, FSCONFIG_SET_FD, "upperdir", NULL, upper) < 0)
                return -EOPNOTSUPP;
        for (size_t i = 0; p->layers && p->layers[i]; i++) {
                _cleanup_close_ int fd = open(p->layers[i], O_PATH | O_DIRECTORY | O_CLOEXEC);

                if (fd < 0)
                        return log_errno(-errno, "layer '%s'", p->layers[i]);
                r = sys_fsconfig(fs, FSCONFIG_SET_FD, "lowerdir+", NULL, fd);
                if (r < 0) {
                        fs_context_message(fs, msg, sizeof(msg));
                        return log_errno(r, "overlayfs refuses the layer '%s'%s%s", p->layers[i],
                                         msg[0] ? ": " : "", msg);
                }
        }
        /* The root: the bottom layer. userxattr: trusted.* xattrs are out
         * of reach in a user namespace. */
        r = sys_fsconfig(fs, FSCONFIG_SET_FD, "lowerdir+", NULL, lower);
        if (r >= 0)
                r = sys_fsconfig(fs, FSCONFIG_SET_FD, "workdir", NULL, work);
        if (r >= 0)
                r = sys_fsconfig(fs, FSCONFIG_SET_FLAG, "userxattr", NULL, 0);
        if (r < 0) {
                fs_context_message(fs, msg, sizeof(msg));
                return log_errno(r, "mount overlay on '%s' (%zu layers)%s%s", p->root, strv_length(p->layers),
                                 msg[0] ? ": " : "", msg);
        }
        /* A kernel may take the fds and still refuse the overlay they
         * make: the mount by options then decides, and names a refused
         * layer if that is it. */
        r = sys_fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0);
        if (r >= 0)
                r = sys_fsmount(fs, FSMOUNT_CLOEXEC, 0);
        return r < 0 ? -EOPNOTSUPP : r;
}

/* Without overlayfs's fds (older kernels): the overlay mounted by its
 * options string onto the root directory's tmpfs, or onto the root itself
 * with an upper directory of the user's. Only the last step, opening the
 * result, goes by the root's path, and checks what it finds. */
static int overlay_mount_by_options(const struct rootfs_plan *p, int lower, int stage, const char *up,
                                    const char *wk, int *ret_rootfd) {
        char target[RESOLVE_FD_PATH_MAX];
        _cleanup_free_ char *options = NULL;
        struct statfs sf;
        int r;

        resolve_fd_path(target, stage >= 0 ? stage : lower);
        r = overlay_options(p, 0, lower, up, wk, &options);
        if (r < 0)
                return log_errno(r, "overlay options");
        if (strlen(options) < MOUNT_DATA_MAX)
                r = mount("overlay", target, "overlay", 0, options) < 0 ? -errno : 0;
        else {
                size_t skip = layers_common_parent(p->layers);
                _cleanup_free_ char *parent = strndup(p->layers[0], skip ? skip : 1);

                free(options);
                options = NULL;
                if (!parent || overlay_options(p, skip + 1, lower, up, wk, &options) < 0)
                        return log_errno(-ENOMEM, "overlay options");
                if (strlen(options) >= MOUNT_DATA_MAX)
                        return log_error("overlay: %zu layers take %zu bytes even relative to '%s', over the "
                                         "one-page limit of mount options", strv_length(p->layers),
                                         strlen(options), parent);
                log_step("rootfs: %zu layers mounted from '%s'", strv_length(p->layers), parent);
                r = mount_overlay_from(parent, target, options);
        }
        if (r < 0) {
                const char *bad = overlay_find_refused_layer(p, lower);
                if (bad)
                        return log_errno(r, "mount overlay on '%s': overlayfs refuses the layer '%s'", p->root, bad);
                return log_errno(r, "mount overlay on '%s' (%zu layers)", p->root, strv_length(p->layers));
        }
        /* No link (the plan's path has none), and the overlay itself: a
         * directory swapped in meanwhile is refused, never built on. */
        *ret_rootfd = open(p->root, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (*ret_rootfd < 0)
                return log_errno(-errno, "open the overlay root");
        if (fstatfs(*ret_rootfd, &sf) < 0 || sf.f_type != OVERLAYFS_SUPER_MAGIC)
                return log_error("root '%s' changed while its overlay was mounted", p->root);
        return 0;
}

int rootfs_overlay_mount(const struct rootfs_plan *p, int lower, int *ret_rootfd, bool *ret_detached) {
        char upper[RESOLVE_FD_PATH_MAX], work[RESOLVE_FD_PATH_MAX];
        _cleanup_close_ int stage = -1, upfd = -1, wkfd = -1;
        const char *up = p->overlay_upper, *wk = p->overlay_work;
        int r;

        if (up) {
                if (mkdir(up, 0755) < 0 && errno != EEXIST)
                        return log_errno(-errno, "create the overlay's upper directory '%s'", up);
                if (mkdir(wk, 0700) < 0 && errno != EEXIST)
                        return log_errno(-errno, "create the overlay's work directory '%s'", wk);
                /* The user's own directories: a link there is theirs to make. */
                upfd = open(up, O_PATH | O_DIRECTORY | O_CLOEXEC);
                wkfd = open(wk, O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (upfd < 0 || wkfd < 0)
                        return log_errno(-errno, "open the overlay's directory '%s'", upfd < 0 ? up : wk);
        } else {
                struct stat st;

                stage = tmpfs_detached();
                if (stage < 0)
                        return log_errno(stage, "make the overlay's tmpfs%s",
                                         stage == -ENOSYS ? " (fsopen needs Linux 5.2+)" : "");
                /* The upper directory is the container's "/": same mode as the root. */
                if (fstat(lower, &st) < 0 || mkdirat(stage, "upper", st.st_mode & 07777) < 0 ||
                    mkdirat(stage, "work", 0700) < 0)
                        return log_errno(-errno, "create the overlay's upper layer");
                upfd = openat(stage, "upper", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                wkfd = openat(stage, "work", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (upfd < 0 || wkfd < 0)
                        return log_errno(-errno, "open the overlay's upper layer");
                /* Attached before either way of mounting: onto the root
                 * directory itself, which the fd names exactly. Kernels
                 * before 6.15 take no detached upper layer, and mount(2)
                 * needs an attached target. */
                r = sys_move_mount(stage, "", lower, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
                if (r < 0)
                        return log_errno(r, "mount the overlay's tmpfs on '%s'", p->root);
                up = resolve_fd_path(upper, upfd);
                wk = resolve_fd_path(work, wkfd);
        }
        r = overlay_from_fds(p, lower, upfd, wkfd);
        if (r >= 0) {
                *ret_rootfd = r;
                *ret_detached = true;
                return 0;
        }
        if (r != -EOPNOTSUPP)
                return r;
        *ret_detached = false;
        return overlay_mount_by_options(p, lower, stage, up, wk, ret_rootfd);
}
