/* SPDX-License-Identifier: Apache-2.0 */
/* The names of a layer's entries and the directories they land in. Every
 * name is checked here before libarchive sees it, so that a refusal names
 * the layer, the entry and the reason, and every directory an entry goes
 * in is reached from the root without following a symlink: a layer that
 * plants etc -> /home/USER (or whose lower layer did) and then writes
 * etc/x is refused, not obeyed. */
#include <fcntl.h>
#include <sys/stat.h>

#include "image-internal.h"
#include "util.h"

const char *layer_name_normalize(const char *name, char out[static PATH_MAX]) {
        size_t n = 0;

        if (name[0] == '\0')
                return "an empty name";
        if (name[0] == '/')
                return "an absolute name";
        if (strnlen(name, PATH_MAX) >= PATH_MAX)
                return "longer than PATH_MAX";
        for (const char *p = name; *p;) {
                size_t len = strcspn(p, "/");

                if (len == 2 && p[0] == '.' && p[1] == '.')
                        return "a '..' component";
                if (len > 0 && !(len == 1 && p[0] == '.')) {
                        if (n > 0)
                                out[n++] = '/';
                        memcpy(out + n, p, len);
                        n += len;
                }
                p += len;
                p += strspn(p, "/");
        }
        out[n] = '\0';
        return NULL;
}

/* Without openat2 (Linux < 5.6): one component at a time, each opened
 * O_NOFOLLOW, a symlink anywhere refused. */
static int open_walk(int root_fd, const char *path, int flags) {
        _cleanup_close_ int cur = -1;
        const char *p = path;
        char name[NAME_MAX + 1];

        for (;;) {
                size_t len = strcspn(p, "/");
                bool last = p[len] == '\0';
                struct stat st;
                int fd;

                if (len > NAME_MAX)
                        return -ENAMETOOLONG;
                memcpy(name, len ? p : ".", len ? len : 1);
                name[len ? len : 1] = '\0';
                fd = openat(cur >= 0 ? cur : root_fd, name,
                            (last ? flags : O_PATH | O_DIRECTORY) | O_NOFOLLOW | O_CLOEXEC);
                if (fd < 0) {
                        /* O_NOFOLLOW|O_DIRECTORY on a symlink is ENOTDIR. */
                        if (errno == ENOTDIR && fstatat(cur >= 0 ? cur : root_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                            S_ISLNK(st.st_mode))
                                return -ELOOP;
                        return -errno;
                }
                closep(&cur);
                cur = fd;
                if (last)
                        return TAKE_FD(cur);
                p += len + 1;
        }
}

int layer_open_beneath(int root_fd, const char *path, int flags) {
        static bool openat2_missing;
        struct open_how how = {
                /* No O_NOFOLLOW: a symlink as the last component is then
                 * ELOOP too, not the symlink itself opened. */
                .flags = (uint64_t) (flags | O_CLOEXEC),
                /* Not RESOLVE_IN_ROOT: where an image's symlink points is
                 * the image's business, but a layer entry written through
                 * one is refused. */
                .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
        };
        int r;

        if (!openat2_missing) {
                r = sys_openat2(root_fd, path[0] ? path : ".", &how, sizeof(how));
                if (r != -ENOSYS)
                        return r;
                openat2_missing = true;
        }
        return open_walk(root_fd, path, flags);
}

size_t layer_symlink_prefix(int root_fd, const char *path) {
        _cleanup_free_ char *copy = strdup(path);
        struct stat st;

        if (!copy)
                return 0;
        for (char *slash = copy;; slash++) {
                slash = strchr(slash, '/');
                if (slash)
                        *slash = '\0';
                if (fstatat(root_fd, copy, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
                        return strlen(copy);
                if (!slash)
                        return 0;
                *slash = '/';
        }
}

/* The implied directories of a tar: made 0755, root's, as tar and the
 * container engines make them; a file in the way is replaced, a symlink
 * refused (ELOOP). */
static int make_dirs(int root_fd, const char *dir) {
        _cleanup_close_ int cur = -1;
        const char *p = dir;
        char name[NAME_MAX + 1];

        for (;;) {
                size_t len = strcspn(p, "/");
                struct stat st;
                int fd, at = cur >= 0 ? cur : root_fd;

                if (len > NAME_MAX)
                        return -ENAMETOOLONG;
                memcpy(name, p, len);
                name[len] = '\0';
                fd = openat(at, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (fd < 0 && errno == ENOTDIR) {
                        if (fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                                return -errno;
                        if (S_ISLNK(st.st_mode))
                                return -ELOOP;
                        if (unlinkat(at, name, 0) < 0)
                                return -errno;
                        errno = ENOENT;
                }
                if (fd < 0 && errno == ENOENT) {
                        if (mkdirat(at, name, 0755) < 0)
                                return -errno;
                        fd = openat(at, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                }
                if (fd < 0)
                        return -errno;
                closep(&cur);
                cur = fd;
                if (p[len] == '\0')
                        return TAKE_FD(cur);
                p += len + 1;
        }
}

void layer_parent_forget(struct layer *l) {
        closep(&l->parent_fd);
        l->parent_fd = -1;
        l->parent[0] = '\0';
}

void layer_parent_forget_below(struct layer *l, const char *path) {
        const char *rest;

        if (l->parent_fd < 0)
                return;
        /* The root ("") is never replaced: it is always a directory. */
        rest = path[0] ? startswith(l->parent, path) : NULL;
        if (rest && (rest[0] == '\0' || rest[0] == '/'))
                layer_parent_forget(l);
}

int layer_parent(struct layer *l, const char *dir, bool create, int *ret_fd) {
        int fd;

        if (l->parent_fd >= 0 && streq(l->parent, dir)) {
                *ret_fd = l->parent_fd;
                return 0;
        }
        fd = layer_open_beneath(l->root_fd, dir, O_PATH | O_DIRECTORY);
        if ((fd == -ENOENT || fd == -ENOTDIR) && create)
                fd = make_dirs(l->root_fd, dir);
        if (fd < 0)
                return fd;
        layer_parent_forget(l);
        l->parent_fd = fd;
        /* dir is a normalized name: shorter than PATH_MAX. */
        snprintf(l->parent, sizeof(l->parent), "%s", dir);
        *ret_fd = fd;
        return 0;
}
