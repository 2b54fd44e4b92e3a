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

static struct written *written_find(void *const *tree, const char *path, size_t len) {
        /* The key on the stack: no allocation for a lookup. */
        _Alignas(struct written) char buf[sizeof(struct written) + PATH_MAX];
        struct written *key = (struct written *) buf, **found;

        if (len >= PATH_MAX)
                return NULL;
        memcpy(key->path, path, len);
        key->path[len] = '\0';
        found = tfind(key, tree, written_compare);
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

/* Calls fn for each entry of the directory fd (which it takes) but "."
 * and "..", until one fails. */
static int for_each_child(int fd, int (*fn)(int dir_fd, const struct dirent *de, void *userdata), void *userdata) {
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
                        r = fn(dirfd(d), de, userdata);
        if (r >= 0 && errno)
                r = -errno;
        closedir(d);
        return r;
}

static int remove_child(int dir_fd, const struct dirent *de, void *userdata);

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
        r = for_each_child(fd, remove_child, NULL);
        if (r < 0)
                return r;
        return unlinkat(dir_fd, name, AT_REMOVEDIR) < 0 && errno != ENOENT ? -errno : 0;
}

static int remove_child(int dir_fd, const struct dirent *de, void *userdata) {
        return remove_tree_typed(dir_fd, de->d_name, de->d_type == DT_DIR);
}

int remove_tree_at(int dir_fd, const char *name) {
        return remove_tree_typed(dir_fd, name, false);
}

/* A walk of what a whiteout hides: path[0..len) is the directory walked. */
struct prune {
        struct layer *l;
        char *path;
        size_t len;
};

static int prune_child(int dir_fd, const struct dirent *de, void *userdata);

/* Removes dir_fd/name (p->path in the root) but for what the layer wrote
 * and the directories that lead to it. */
static int prune(struct prune *p, int dir_fd, const char *name) {
        struct written *w = written_find(&p->l->written, p->path, p->len);
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
        return for_each_child(fd, prune_child, p);
}

/* prune() of name in dir_fd, below the directory p->path. */
static int prune_below(struct prune *p, int dir_fd, const char *name) {
        size_t n = strlen(name), len = p->len, sep = len > 0;
        int r;

        /* Longer than any name the layer can have written. */
        if (len + sep + n >= PATH_MAX)
                return remove_tree_at(dir_fd, name);
        if (sep)
                p->path[len] = '/';
        memcpy(p->path + len + sep, name, n + 1);
        p->len = len + sep + n;
        r = prune(p, dir_fd, name);
        p->len = len;
        p->path[len] = '\0';
        return r;
}

static int prune_child(int dir_fd, const struct dirent *de, void *userdata) {
        return prune_below(userdata, dir_fd, de->d_name);
}

int layer_whiteout(struct layer *l, const char *entry, const char *dir, const char *name) {
        char path[PATH_MAX];
        struct prune p = { .l = l, .path = path, .len = strlen(dir) };
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
        memcpy(path, dir, p.len + 1);
        if (!name) {
                r = for_each_child(fd, prune_child, &p);
        } else {
                _cleanup_close_ int dir_fd = fd;

                r = prune_below(&p, dir_fd, name);
        }
        if (r < 0)
                return layer_fail(l, entry, r, "cannot remove what it hides");
        return 0;
}
