/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* What the files of image/ share: image-source.c reads an image's
 * manifests and blobs and calls image-layer.c for each layer. */

#include <stdint.h>

#include "image.h"

struct layer_stats {
        uint64_t files;           /* entries created (files, dirs, links, FIFOs) */
        uint64_t bytes;           /* bytes of file data written */
        uint64_t devices;         /* device nodes skipped */
        uint64_t xattrs_dropped;  /* extended attributes the user may not set */
};

struct layer_options {
        /* Names the layer in messages: "layer 2 (sha256:0123456789ab)". */
        const char *label;
        /* Image ids 0 .. id_count-1 exist in this user namespace (read from
         * /proc/self/uid_map and gid_map: the lesser of the two counts).
         * An entry owned by an id at or above it is refused, naming the
         * entry and the id. 1 means only root is mapped (the single map):
         * ownership is not kept, every entry belongs to root, and the
         * caller prints one line saying so. */
        uint32_t id_count;
};

/* Applies the layer read from fd (a tar: plain, gzip, zstd or xz, pax
 * headers, GNU sparse files) to the directory root_fd, as design §11 and
 * issue 18 say: whiteouts applied and never extracted, device nodes
 * skipped and counted, and no entry written, linked or removed outside
 * root_fd whatever its name, link target or the symlinks earlier layers
 * planted. Adds to *st. On a refused or failed entry prints one message
 * ("LABEL: NAME: reason") and returns -errno; what was written stays for
 * the caller to remove. fd is read from its current offset to the end. */
int layer_apply(int root_fd, int fd, const struct layer_options *o, struct layer_stats *st);

/* What the files of layer_apply share (image-layer.c, image-layer-path.c,
 * image-whiteout.c): the state of one layer being applied. */
#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

struct archive;
struct archive_entry;

/* A directory's mode and times, set once the layer is written: an entry
 * made in it later would change its mtime again. */
struct layer_fixup {
        char *path;
        size_t order; /* the layer's: of a directory named twice, the later wins */
        mode_t mode;
        struct timespec times[2];
};

struct layer {
        const struct layer_options *o;
        struct layer_stats *st;
        int root_fd;
        bool keep_owner;
        struct archive *in, *disk;
        /* The directory the last entry went in, reached without a symlink,
         * and an O_PATH fd of it: entries come grouped by directory, so
         * most need no walk of their own. It stays true: an entry replaces
         * (with a symlink, say) only its own path, and its directory, not
         * that path, becomes the cached one before it is written; only a
         * whiteout removes below other directories, and it drops the cache. */
        char parent[PATH_MAX];
        int parent_fd;
        /* Every name this layer wrote (a tsearch tree): its whiteouts and
         * opaque markers remove what the layers below left, never these. */
        void *written;
        struct layer_fixup *fixups;
        size_t n_fixups, allocated_fixups;
};

/* image-layer.c: "LABEL: NAME: refused: REASON" and "LABEL: NAME: WHAT:
 * strerror(-r)". Return -EPERM and r. */
int layer_refuse(const struct layer *l, const char *name, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
int layer_fail(const struct layer *l, const char *name, int r, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

/* image-layer-path.c */
/* Writes name without "./", "." components, repeated or trailing slashes
 * to out ("" is the root). Returns NULL, or why the name is refused: it is
 * absolute, has a ".." component or is longer than PATH_MAX. */
const char *layer_name_normalize(const char *name, char out[static PATH_MAX]);
/* dir ("" the root) opened O_PATH below the root without following a
 * symlink, missing directories made and a file in the way replaced, as a
 * tar's implied directories are. -ELOOP when a component is a symlink.
 * The fd belongs to l (the cache): do not close it. */
int layer_parent(struct layer *l, const char *dir, int *ret_fd);
/* path opened with flags below the root, no symlink anywhere on it. */
int layer_open_beneath(int root_fd, const char *path, int flags);
void layer_parent_forget(struct layer *l);
/* The length of path's leading part that is a symlink, for a message. */
size_t layer_symlink_prefix(int root_fd, const char *path);

/* image-whiteout.c */
int layer_written_add(struct layer *l, const char *path);
void layer_written_free(struct layer *l);
/* .wh.NAME in dir removes NAME as the layers below left it; .wh..wh..opq
 * (name NULL) empties dir of what they put there. */
int layer_whiteout(struct layer *l, const char *entry, const char *dir, const char *name);
/* Removes name in dir_fd and all below it, never following a symlink. */
int remove_tree_at(int dir_fd, const char *name);
