/* SPDX-License-Identifier: Apache-2.0 */
/* Whiteouts (the OCI image spec's): .wh.NAME removes NAME, and
 * .wh..wh..opq empties its directory, of what the LOWER layers put there.
 * A marker may come after entries of its own layer in the same directory
 * (a tar is written in whatever order its writer walked), and those stay:
 * every name the layer wrote is kept in a tree (memory grows with the
 * entries, never with the data) and the removal walks around them.
 * Removal goes by fd, never through a symlink, never above the root. */
#include <dirent.h>
#include <search.h>
#include <sys/stat.h>

#include "image-internal.h"
#include "util.h"

enum {
        WRITTEN = 1 << 0, /* the layer wrote this name */
        ABOVE = 1 << 1,   /* the layer wrote a name below this directory */
};

struct written {
        unsigned flags;
        char path[];
};

static int written_compare(const void *a, const void *b) {
        return strcmp(((const struct written *) a)->path, ((const struct written *) b)->path);
}

/* A key on the stack: no allocation for a lookup. */
struct written_key {
        struct written w;
        char path[PATH_MAX];
};

static struct written *written_find(void *const *tree, const char *path, size_t len) {
        struct written_key key;
        struct written **found;

        if (len >= PATH_MAX)
                return NULL;
        memcpy(key.w.path, path, len);
        key.w.path[len] = '\0';
        found = tfind(&key.w, tree, written_compare);
        return found ? *found : NULL;
}

/* Adds flag to path[0..len), returning whether it was set already. */
static int written_mark(void **tree, const char *path, size_t len, unsigned flag) {
        struct written *w = written_find(tree, path, len), **slot;
        unsigned had;

        if (!w) {
                w = calloc(1, sizeof(*w) + len + 1);
                if (!w)
                        return -ENOMEM;
                memcpy(w->path, path, len);
                slot = tsearch(w, tree, written_compare);
                if (!slot) {
                        free(w);
                        return -ENOMEM;
                }
        }
        had = w->flags & flag;
        w->flags |= flag;
        return had ? 1 : 0;
}

int layer_written_add(struct layer *l, const char *path) {
        int r = written_mark(&l->written, path, strlen(path), WRITTEN);

        if (r < 0)
                return r;
        /* Its directories: once one is marked, so are those above it. */
        for (const char *slash = strrchr(path, '/'); slash; slash = memrchr(path, '/', (size_t) (slash - path))) {
                r = written_mark(&l->written, path, (size_t) (slash - path), ABOVE);
                if (r != 0)
                        return r < 0 ? r : 0;
        }
        return 0;
}

void layer_written_free(struct layer *l) {
        tdestroy(l->written, free);
        l->written = NULL;
}

static int remove_children(int fd);

/* is_dir: the caller knows it is a directory (d_type), which saves the
 * unlinkat that would fail with EISDIR. */
static int remove_tree_typed(int dir_fd, const char *name, bool is_dir) {
        int fd, r;

        if (!is_dir) {
                if (unlinkat(dir_fd, name, 0) == 0 || errno == ENOENT)
                        return 0;
                if (errno != EISDIR && errno != EPERM)
                        return -errno;
        }
        fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return errno == ENOENT ? 0 : -errno;
        r = remove_children(fd);
        if (r < 0)
                return r;
        return unlinkat(dir_fd, name, AT_REMOVEDIR) < 0 && errno != ENOENT ? -errno : 0;
}

int remove_tree_at(int dir_fd, const char *name) {
        return remove_tree_typed(dir_fd, name, false);
}

/* Takes fd. */
static int remove_children(int fd) {
        DIR *d = fdopendir(fd);
        struct dirent *de;
        int r = 0;

        if (!d) {
                r = -errno;
                close(fd);
                return r;
        }
        while (r >= 0 && (errno = 0, de = readdir(d)))
                if (!streq(de->d_name, ".") && !streq(de->d_name, ".."))
                        r = remove_tree_typed(dirfd(d), de->d_name, de->d_type == DT_DIR);
        if (r >= 0 && errno)
                r = -errno;
        closedir(d);
        return r;
}

static int prune_children(struct layer *l, int fd, char *path, size_t len);

/* Removes dir_fd/name (path[0..len) in the root) but for what the layer
 * wrote and the directories that lead to it. */
static int prune(struct layer *l, int dir_fd, const char *name, char *path, size_t len) {
        struct written *w = written_find(&l->written, path, len);
        struct stat st;
        int fd;

        if (!w)
                return remove_tree_at(dir_fd, name);
        if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return errno == ENOENT ? 0 : -errno;
        if (!S_ISDIR(st.st_mode))
                /* A layer's own file stays; a name above one of its
                 * files that is no directory any more is a lower one. */
                return w->flags & WRITTEN ? 0 : remove_tree_at(dir_fd, name);
        fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        return prune_children(l, fd, path, len);
}

/* Takes fd, the directory path[0..len) ("" the root). */
static int prune_children(struct layer *l, int fd, char *path, size_t len) {
        DIR *d = fdopendir(fd);
        struct dirent *de;
        int r = 0;

        if (!d) {
                r = -errno;
                close(fd);
                return r;
        }
        while (r >= 0 && (errno = 0, de = readdir(d))) {
                size_t n = strlen(de->d_name), sep = len > 0;

                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                if (len + sep + n >= PATH_MAX) {
                        /* Longer than any name the layer can have written. */
                        r = remove_tree_at(dirfd(d), de->d_name);
                        continue;
                }
                if (sep)
                        path[len] = '/';
                memcpy(path + len + sep, de->d_name, n + 1);
                r = prune(l, dirfd(d), de->d_name, path, len + sep + n);
                path[len] = '\0';
        }
        if (r >= 0 && errno)
                r = -errno;
        closedir(d);
        return r;
}

int layer_whiteout(struct layer *l, const char *entry, const char *dir, const char *name) {
        char path[PATH_MAX];
        size_t len = strlen(dir);
        int fd, r;

        /* The tree changes under the cached parent. */
        layer_parent_forget(l);
        fd = layer_open_beneath(l->root_fd, dir, O_RDONLY | O_DIRECTORY);
        if (fd == -ENOENT || fd == -ENOTDIR)
                return 0; /* nothing below to remove */
        if (fd == -ELOOP)
                return layer_refuse(l, entry, "its parent %.*s is a symbolic link",
                                    (int) layer_symlink_prefix(l->root_fd, dir), dir);
        if (fd < 0)
                return layer_fail(l, entry, fd, "cannot open %s", dir[0] ? dir : "the root");
        memcpy(path, dir, len + 1);
        if (!name) {
                r = prune_children(l, fd, path, len);
        } else {
                _cleanup_close_ int dir_fd = fd;
                size_t sep = len > 0, n = strlen(name);

                if (len + sep + n >= PATH_MAX)
                        return layer_refuse(l, entry, "longer than PATH_MAX");
                if (sep)
                        path[len] = '/';
                memcpy(path + len + sep, name, n + 1);
                r = prune(l, dir_fd, name, path, len + sep + n);
        }
        if (r < 0)
                return layer_fail(l, entry, r, "cannot remove what it hides");
        return 0;
}
