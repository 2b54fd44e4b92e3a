/* SPDX-License-Identifier: Apache-2.0 */
/* Paths of the root directory opened or created inside it (openat2
 * RESOLVE_IN_ROOT, else a walk one component at a time), and the checks
 * that a mount destination did not reach /proc or /sys. */
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include "fs-internal.h"
#include "util.h"

static bool openat2_missing;

const char *resolve_fd_path(char buf[static RESOLVE_FD_PATH_MAX], int fd) {
        snprintf(buf, RESOLVE_FD_PATH_MAX, "/proc/self/fd/%d", fd);
        return buf;
}

/* Without openat2 (Linux < 5.6) every component is opened with O_NOFOLLOW
 * and a symlink anywhere in the path is refused: following it by hand would
 * be the string game that lets /mnt/x -> ../../../etc escape. */
static int open_walk(int rootfd, const char *path) {
        _cleanup_free_ char *copy = strdup(path);
        _cleanup_close_ int cur = -1;
        char *saveptr = NULL;

        if (!copy)
                return -ENOMEM;
        for (char *name = strtok_r(copy, "/", &saveptr); name; name = strtok_r(NULL, "/", &saveptr)) {
                struct stat st;
                int fd;

                if (streq(name, "."))
                        continue;
                if (streq(name, ".."))
                        return -EINVAL;
                fd = openat(cur >= 0 ? cur : rootfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
                if (fd < 0)
                        return -errno;
                closep(&cur);
                cur = fd;
                if (fstat(cur, &st) < 0)
                        return -errno;
                if (S_ISLNK(st.st_mode))
                        return -ELOOP;
        }
        if (cur < 0)
                return sys_result(openat(rootfd, ".", O_PATH | O_CLOEXEC));
        return TAKE_FD(cur);
}

static int open_resolved(int rootfd, const char *path) {
        struct open_how how = {
                .flags = O_PATH | O_CLOEXEC,
                /* Symlinks and ".." resolve as if rootfd were "/": an
                 * absolute link in the image points into the image. Magic
                 * links (/proc/self/fd/N style) would jump anywhere. */
                .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
        };
        int r = -EAGAIN;

        if (!openat2_missing) {
                /* EAGAIN: a concurrent rename raced a ".." walk; retry. */
                for (int i = 0; i < 16 && r == -EAGAIN; i++)
                        r = sys_openat2(rootfd, path, &how, sizeof(how));
                if (r != -ENOSYS)
                        return r;
                openat2_missing = true;
        }
        return open_walk(rootfd, path);
}

/* A destination that reached a kernel pseudo file system through a symlink
 * in the image would let a mount defeat the /proc masks (runc
 * CVE-2019-19921 is the same game played with /proc). */
bool resolve_is_kernel_fs(int fd) {
        static const long refused[] = {
                PROC_SUPER_MAGIC, SYSFS_MAGIC, CGROUP_SUPER_MAGIC, CGROUP2_SUPER_MAGIC,
                SECURITYFS_MAGIC, DEBUGFS_MAGIC, TRACEFS_MAGIC, BPF_FS_MAGIC, PSTOREFS_MAGIC,
        };
        struct statfs sf;

        if (fstatfs(fd, &sf) < 0)
                return true;
        for (size_t i = 0; i < ELEMENTSOF(refused); i++)
                if (sf.f_type == refused[i])
                        return true;
        return false;
}

int resolve_kernel_path(int fd, char **ret) {
        char link[RESOLVE_FD_PATH_MAX], buf[PATH_MAX];
        ssize_t n = readlink(resolve_fd_path(link, fd), buf, sizeof(buf));

        if (n < 0)
                return -errno;
        if ((size_t) n >= sizeof(buf))
                return -ENAMETOOLONG;
        buf[n] = '\0';
        *ret = strdup(buf);
        return *ret ? 0 : -ENOMEM;
}

int resolve_is_in_kernel_dirs(int fd, const char *root_path) {
        static const char *const dirs[] = { "proc", "sys" };
        _cleanup_free_ char *path = NULL;
        int r = resolve_kernel_path(fd, &path);

        if (r < 0)
                return r;
        for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
                _cleanup_free_ char *dir = path_join(root_path, dirs[i]);
                if (!dir)
                        return -ENOMEM;
                if (path_is_below(path, dir))
                        return 1;
        }
        return 0;
}

/* Creating below the root's /proc or /sys: before they are mounted (a
 * read-only root gets its mount points made first) they are plain
 * directories of the image, and nothing may be made there either. A path
 * that cannot be read counts as inside. */
static bool in_kernel_dirs_of_root(int dir, int rootfd) {
        _cleanup_free_ char *root_path = NULL;

        return resolve_kernel_path(rootfd, &root_path) < 0 || resolve_is_in_kernel_dirs(dir, root_path) != 0;
}

/* As many links as the kernel follows in one lookup (MAXSYMLINKS). */
#define RESOLVE_LINKS_MAX 40

enum {
        WALK_DONE,
        WALK_AGAIN, /* the path changed under the walk: start over */
};

/* The link at path (cut after its name, which starts at name_offset and sits
 * in dir) dangles: its target is missing. The path that reaches the target
 * is the link's directory, then the target, then the rest; an absolute
 * target starts from the root. The new string is only ever resolved by
 * openat2(RESOLVE_IN_ROOT), so a target full of ".." or pointing at a host
 * path still lands inside the root: the kernel, not this string, decides
 * where each component leads. */
static int splice_link(int dir, const char *name, const char *path, size_t name_offset, const char *rest,
                       char **ret) {
        char target[PATH_MAX];
        ssize_t n = readlinkat(dir, name, target, sizeof(target));
        size_t keep;

        if (n < 0)
                return -errno;
        if ((size_t) n >= sizeof(target))
                return -ENAMETOOLONG;
        target[n] = '\0';
        keep = target[0] == '/' ? 0 : name_offset;
        if (keep + (size_t) n + strlen(rest) + 2 > PATH_MAX)
                return -ENAMETOOLONG;
        if (asprintf(ret, "%.*s%s%s%s", (int) keep, path, target, *rest ? "/" : "", rest) < 0)
                return -ENOMEM;
        return WALK_AGAIN;
}

/* Resolve each prefix of path inside the root and create the next component
 * in the directory it resolved to. mkdirat/O_CREAT|O_EXCL act on one name
 * and never follow a symlink there, so nothing is made outside the root. A
 * dangling symlink on the way (Ubuntu's /etc/resolv.conf ->
 * ../run/systemd/resolve/stub-resolv.conf) is replaced by its target in
 * *next, and the caller walks again: the target is made where the link
 * points inside the root, as a runtime that follows the link would. */
static int create_walk(int rootfd, char *path, bool want_file, int *ret_fd, char **next) {
        _cleanup_close_ int parent = -1;

        for (char *p = path;;) {
                char *name, *end, saved;
                int fd;

                while (*p == '/')
                        p++;
                if (!*p) {
                        /* Only trailing slashes were left. */
                        if (parent < 0)
                                return -ENOENT;
                        *ret_fd = TAKE_FD(parent);
                        return WALK_DONE;
                }
                name = p;
                end = strchrnul(p, '/');
                saved = *end;
                *end = '\0';
                fd = open_resolved(rootfd, path);
                if (fd == -ENOENT) {
                        int dir = parent >= 0 ? parent : rootfd;
                        const char *rest = saved ? end + 1 : "";
                        bool last = !rest[strspn(rest, "/")];
                        struct stat st;

                        if (streq(name, ".") || streq(name, ".."))
                                return -ENOENT;
                        if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
                                if (S_ISLNK(st.st_mode))
                                        return splice_link(dir, name, path, name - path, rest, next);
                                /* Made by someone else since the lookup. */
                                *end = saved;
                                return WALK_AGAIN;
                        }
                        if (errno != ENOENT)
                                return -errno;
                        if (resolve_is_kernel_fs(dir) || in_kernel_dirs_of_root(dir, rootfd))
                                return -EXDEV;
                        if (last && want_file) {
                                fd = openat(dir, name, O_CREAT | O_EXCL | O_RDONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
                                if (fd >= 0) {
                                        *ret_fd = fd;
                                        return WALK_DONE;
                                }
                                if (errno != EEXIST)
                                        return -errno;
                                *end = saved;
                                return WALK_AGAIN;
                        }
                        if (mkdirat(dir, name, 0755) < 0 && errno != EEXIST)
                                return -errno;
                        fd = open_resolved(rootfd, path);
                        if (fd == -ENOENT) {
                                /* A dangling link took the name first. */
                                *end = saved;
                                return WALK_AGAIN;
                        }
                }
                if (fd < 0)
                        return fd;
                closep(&parent);
                parent = fd;
                if (!saved) {
                        *ret_fd = TAKE_FD(parent);
                        return WALK_DONE;
                }
                *end = saved;
                p = end;
        }
}

int resolve_in_root(int rootfd, const char *path, bool create, bool want_file) {
        _cleanup_free_ char *current = NULL;
        int fd, r;

        fd = open_resolved(rootfd, path);
        if (fd != -ENOENT || !create)
                return fd;

        current = strdup(path);
        if (!current)
                return -ENOMEM;
        /* Each pass follows one dangling link more (or looks again after a
         * race): a chain that never ends stops where the kernel's would. */
        for (unsigned pass = 0; pass <= RESOLVE_LINKS_MAX; pass++) {
                char *next = NULL;

                r = create_walk(rootfd, current, want_file, &fd, &next);
                if (r < 0)
                        return r;
                if (r == WALK_DONE)
                        return fd;
                if (next) {
                        free(current);
                        current = next;
                }
        }
        return -ELOOP;
}

int resolve_make_dir(int rootfd, const char *path) {
        return resolve_in_root(rootfd, path, true, false);
}
