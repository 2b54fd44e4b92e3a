/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* Layers for the unit tests of src/image/, written with libarchive as
 * image tools write them (pax, compressed or not) into a memfd: entries
 * all of mode and time a test can check (T1 unless it sets another). */
#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#define T1 1000000000 /* 2001-09-09 */
#define T2 1200000000 /* 2008-01-10 */

/* A layer being written: a memfd, read back by layer_apply. */
struct tar {
        struct archive *a;
        int fd;
};

static inline struct tar tar_new_filtered(int (*filter)(struct archive *)) {
        struct tar t = { archive_write_new(), memfd_create("layer", MFD_CLOEXEC) };

        if (!t.a || t.fd < 0 || archive_write_set_format_pax(t.a) != ARCHIVE_OK)
                abort();
        if (filter && filter(t.a) != ARCHIVE_OK)
                abort();
        if (archive_write_open_fd(t.a, t.fd) != ARCHIVE_OK)
                abort();
        return t;
}

static inline struct tar tar_new(void) {
        return tar_new_filtered(NULL);
}

static inline struct archive_entry *entry_new(const char *name, mode_t type, mode_t mode) {
        struct archive_entry *e = archive_entry_new();

        archive_entry_set_pathname(e, name);
        archive_entry_set_filetype(e, type);
        archive_entry_set_perm(e, mode);
        archive_entry_set_mtime(e, T1, 0);
        return e;
}

static inline void tar_put(struct tar *t, struct archive_entry *e, const char *data, size_t size) {
        if (archive_write_header(t->a, e) != ARCHIVE_OK)
                abort();
        if (size && archive_write_data(t->a, data, size) != (la_ssize_t) size)
                abort();
        archive_entry_free(e);
}

static inline void tar_file(struct tar *t, const char *name, const char *data) {
        struct archive_entry *e = entry_new(name, AE_IFREG, 0644);

        archive_entry_set_size(e, (la_int64_t) strlen(data));
        tar_put(t, e, data, strlen(data));
}

static inline void tar_dir(struct tar *t, const char *name, mode_t mode) {
        tar_put(t, entry_new(name, AE_IFDIR, mode), NULL, 0);
}

static inline void tar_symlink(struct tar *t, const char *name, const char *target) {
        struct archive_entry *e = entry_new(name, AE_IFLNK, 0777);

        archive_entry_set_symlink(e, target);
        tar_put(t, e, NULL, 0);
}

static inline void tar_hardlink(struct tar *t, const char *name, const char *target) {
        struct archive_entry *e = entry_new(name, AE_IFREG, 0644);

        archive_entry_set_hardlink(e, target);
        tar_put(t, e, NULL, 0);
}

/* A whiteout marker: an empty file (what docker and buildah write). */
static inline void tar_marker(struct tar *t, const char *name) {
        tar_file(t, name, "");
}

