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
