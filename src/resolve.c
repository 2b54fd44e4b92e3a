/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include "resolve.h"
#include "syscalls.h"
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

int resolve_in_root(int rootfd, const char *path, bool create, bool want_file) {
        _cleanup_free_ char *prefix = NULL;
        _cleanup_close_ int parent = -1;
        int fd;

        fd = open_resolved(rootfd, path);
        if (fd != -ENOENT || !create)
                return fd;

        /* Slow path, only when something is missing: resolve each prefix
         * inside the root and create the next component in the directory
         * it resolved to. mkdirat/O_CREAT|O_EXCL act on one name and never
         * follow a symlink there, so nothing is made outside the root. */
        prefix = strdup(path);
        if (!prefix)
                return -ENOMEM;
        for (char *p = prefix;;) {
                char *name, *end, saved;

                while (*p == '/')
                        p++;
                if (!*p)
                        /* Only trailing slashes were left. */
                        return parent >= 0 ? TAKE_FD(parent) : -ENOENT;
                name = p;
                end = strchrnul(p, '/');
                saved = *end;
                *end = '\0';
                fd = open_resolved(rootfd, prefix);
                if (fd == -ENOENT) {
                        int dir = parent >= 0 ? parent : rootfd;
                        bool last = !saved || !end[strspn(end + 1, "/") + 1];

                        if (streq(name, ".") || streq(name, ".."))
                                return -ENOENT;
                        if (resolve_is_kernel_fs(dir))
                                return -EXDEV;
                        if (last && want_file) {
                                fd = openat(dir, name, O_CREAT | O_EXCL | O_RDONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
                                return fd < 0 ? (errno == EEXIST ? -ENOENT : -errno) : fd;
                        }
                        if (mkdirat(dir, name, 0755) < 0 && errno != EEXIST)
                                return -errno;
                        fd = open_resolved(rootfd, prefix);
                }
                if (fd < 0)
                        return fd;
                closep(&parent);
                parent = fd;
                if (!saved)
                        return TAKE_FD(parent);
                *end = saved;
                p = end;
        }
}
