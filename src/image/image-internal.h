/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* What the files of image/ share: image-source.c reads an image's
 * manifests and blobs and calls image-layer.c for each layer. */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

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

/* ------------------------------------------------------------ the driver */

struct image_unpack_options {
        const char *ref;           /* --ref: which image of several, or NULL */
        const char *source_label;  /* --source-label: image.json's "source", or NULL */
        uint32_t id_count;         /* as in struct layer_options */
};

/* image-source.c: the whole of `userbox-image unpack SOURCE DEST` but the
 * summary lines, which the caller prints from *st. Prints one message on
 * failure; DEST/.staging is gone either way. */
int image_unpack(const char *source, const char *dest, const struct image_unpack_options *o,
                 struct layer_stats *st);

/* ---------------------------------------------- image-manifest.c: JSON
 * The documents of an image, parsed from a buffer (tests/fuzz drives
 * them with any bytes). Each returns 0, or -EINVAL with *reason (malloc'd)
 * saying what is wrong, or -ENOMEM. A digest they accept is always
 * "sha256:" and 64 lowercase hex digits: nothing else is checked. */

#define IMAGE_JSON_MAX (8u << 20)  /* an index, manifest or config larger than this is no image's */
#define IMAGE_LAYERS_MAX 256       /* each layer's blob stays open from its check to its use */
#define SHA256_HEX_SIZE 65         /* 64 hex digits and a NUL */

enum media_kind { MEDIA_UNKNOWN, MEDIA_INDEX, MEDIA_MANIFEST, MEDIA_CONFIG, MEDIA_LAYER, MEDIA_LAYER_FOREIGN };
enum media_kind media_type_kind(const char *media_type);

struct image_descriptor {
        char *media_type;                  /* NULL when absent */
        char *digest;                      /* "sha256:<64 hex>" */
        uint64_t size;
        char *ref_name;                    /* an index entry's reference annotation, or NULL */
        char *os, *architecture, *variant; /* an index entry's platform, NULL when absent */
};

struct image_index {
        struct image_descriptor *manifests;
        size_t n_manifests;
};

struct image_manifest {
        struct image_descriptor config;
        struct image_descriptor *layers;
        size_t n_layers;
};

/* One image of a docker save archive's manifest.json. */
struct docker_image {
        char *config;      /* the config's file in the archive */
        char **repo_tags;  /* may be empty */
        char **layers;     /* the layers' files, bottom first */
        bool foreign;      /* LayerSources names a non-distributable layer */
};

struct docker_manifest {
        struct docker_image *images;
        size_t n_images;
};

struct image_config {
        char *created;     /* NULL when absent */
        char **diff_ids;   /* rootfs.diff_ids; NULL when absent */
        char *working_dir; /* config.WorkingDir when an absolute path, else NULL */
};

int image_layout_parse(const char *text, size_t size, char **reason);
int image_index_parse(const char *text, size_t size, struct image_index *ret, char **reason);
int image_manifest_parse(const char *text, size_t size, struct image_manifest *ret, char **reason);
int docker_manifest_parse(const char *text, size_t size, struct docker_manifest *ret, char **reason);
int image_config_parse(const char *text, size_t size, struct image_config *ret, char **reason);
void image_index_done(struct image_index *i);
void image_manifest_done(struct image_manifest *m);
void docker_manifest_done(struct docker_manifest *m);
void image_config_done(struct image_config *c);
/* NULL, or the reason s is not a digest we check by. Static text. */
const char *image_digest_invalid(const char *s);

/* --------------------------------------- image-select.c: which image */

struct image_platform {
        const char *os, *architecture, *variant; /* variant NULL when the architecture has none */
};

/* This machine's platform in OCI's words (uname's x86_64 is amd64). */
int image_platform_of_machine(struct image_platform *ret);

/* Picks the entry of an index that ref names (NULL: the only image there
 * is), and of several platforms of it the one of p. Sets *ret to its
 * position or returns -EINVAL with *reason. */
int image_index_select(const struct image_index *index, const char *ref, const struct image_platform *p,
                       size_t *ret, char **reason);
/* The same for a manifest.json; *ret_tag is the RepoTags entry it matched
 * (the first one without ref), NULL for an untagged image. */
int docker_manifest_select(const struct docker_manifest *m, const char *ref, size_t *ret,
                           const char **ret_tag, char **reason);

/* --------------------------------------------- image-blob.c: the blobs */

struct image_layer {
        int fd;           /* the blob, open from its check to its use */
        char label[48];   /* "layer 2 (sha256:0123456789ab)" */
};

/* An image's files as resolving finds them, and what it learned. */
struct image_source {
        const char *source;   /* SOURCE as given */
        const char *format;   /* image.json's "format" */
        int dir_fd;           /* where the image's files are: SOURCE or DEST/.staging */
        char *where;          /* how messages name dir_fd: "SOURCE/" or "SOURCE: " */
        const char *ref;
        char *tag, *digest, *created;
        char *working_dir;    /* the config's WorkingDir, made in the root if no layer made it */
        char *config;         /* the config blob, verbatim */
        size_t config_size;
        struct image_layer *layers;
        size_t n_layers;
};

void image_source_done(struct image_source *s);
/* A file of the image that no digest names (index.json, manifest.json). */
int image_read_file(const struct image_source *s, const char *path, size_t max, char **ret, size_t *ret_size);
/* A blob read whole and checked against its digest (hex) and size
 * (UINT64_MAX: not known). */
int image_read_blob(const struct image_source *s, const char *path, const char *hex, uint64_t size,
                    size_t max, char **ret, size_t *ret_size);
/* Checks a layer's blob by streaming it through SHA-256 and keeps it open
 * in s->layers, labelled by its position and hex. */
int image_add_layer(struct image_source *s, const char *path, const char *hex, uint64_t size);
static inline size_t hex_span(const char *s) { return strspn(s, "0123456789abcdef"); }
/* The hex digits of a sha256 digest accepted by the parsers. */
static inline const char *digest_hex(const char *digest) { return digest + strlen("sha256:"); }

/* image-resolve.c: finds an image's config and layers and checks them. */
int image_resolve_oci(struct image_source *s);
int image_resolve_docker(struct image_source *s);

/* ---------------------------------------- image-stage.c: an archive */

struct archive;
struct archive_entry;
/* Extracts an image archive's directories, regular files and links into
 * stage_fd, beginning with the entry whose header was just read: every
 * name checked, every link kept inside stage_fd. */
int image_stage(struct archive *a, struct archive_entry *first, int stage_fd, const char *source);
