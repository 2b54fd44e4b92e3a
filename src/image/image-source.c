/* SPDX-License-Identifier: Apache-2.0 */
/* userbox-image unpack SOURCE DEST (the contract is in image.h): what
 * SOURCE is, where its files are read from, and the order of the work.
 * Every blob the image uses is checked before the first layer is applied,
 * so an image that is not what its manifest says writes nothing. */
#include <archive.h>
#include <archive_entry.h>
#include <json-c/json.h>
#include <limits.h>
#include <sys/stat.h>

#include "image-internal.h"
#include "fs.h"
#include "util.h"

#define STAGING ".staging"

/* An image archive begins with one of the files of its format (docker
 * save, skopeo and podman write manifest.json, repositories, <hex>.json,
 * <hex>.tar or <id>/; docker 25 and oci-archive blobs/, index.json or
 * oci-layout); a root file system tar with its "bin/" (names as
 * layer_name_normalize writes them). */
static bool image_archive_name(const char *name) {
        static const char *const names[] = { "manifest.json", "index.json", "oci-layout", "repositories" };
        const char *rest;

        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if (streq(name, names[i]))
                        return true;
        rest = startswith(name, "blobs");
        if (rest && (rest[0] == '\0' || rest[0] == '/'))
                return true;
        if (hex_span(name) != 64)
                return false;
        rest = name + 64;
        return rest[0] == '\0' || rest[0] == '/' || streq(rest, ".json") || streq(rest, ".tar");
}

static void archive_freep(struct archive **a) { if (*a) archive_read_free(*a); }

/* The compressions docker save | gzip and friends produce, named one by
 * one: libarchive's "all" would run external programs for some. */
static struct archive *archive_open_fd(int fd) {
        struct archive *a = archive_read_new();

        if (!a)
                return NULL;
        archive_read_support_filter_gzip(a);
        archive_read_support_filter_bzip2(a);
        archive_read_support_filter_xz(a);
        archive_read_support_filter_zstd(a);
        archive_read_support_format_tar(a);
        return a;
}

/* A file: an image archive is staged in DEST/.staging; a root file system
 * tar is one layer (s->format says which). */
static int source_file(struct image_source *s, int source_fd, int dest_fd) {
        _cleanup_(archive_freep) struct archive *a = archive_open_fd(source_fd);
        struct archive_entry *e = NULL;
        char name[PATH_MAX];
        int r;

        if (!a)
                return log_errno(-ENOMEM, "%s", s->source);
        r = archive_read_open_fd(a, source_fd, 64 << 10);
        /* The archive's top directory ("./", which tar -C DIR . writes
         * first) names no file: the first entry that does decides. */
        do {
                r = r < ARCHIVE_WARN ? r : archive_read_next_header(a, &e);
                if (r >= ARCHIVE_WARN && (!archive_entry_pathname(e) ||
                                          layer_name_normalize(archive_entry_pathname(e), name)))
                        name[0] = '/'; /* a name no image archive's file has */
        } while (r >= ARCHIVE_WARN && name[0] == '\0');
        if (r == ARCHIVE_EOF)
                return log_error("%s: an empty archive", s->source);
        if (r < ARCHIVE_WARN)
                return log_error("%s: not an image nor a tar archive: %s", s->source,
                                 archive_error_string(a) ?: "unreadable");
        if (!image_archive_name(name)) {
                s->format = "rootfs-tar";
                return 0;
        }
        if (mkdirat(dest_fd, STAGING, 0700) < 0)
                return log_errno(-errno, "making %s", STAGING);
        s->dir_fd = openat(dest_fd, STAGING, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (s->dir_fd < 0)
                return log_errno(-errno, "opening %s", STAGING);
        if (asprintf(&s->where, "%s: ", s->source) < 0)
                return log_errno(-ENOMEM, "%s", s->source);
        return image_stage(a, e, s->dir_fd, s->source);
}

static bool dir_has(int dir_fd, const char *name) {
        struct stat st;

        return fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

/* docker 25 writes index.json and oci-layout beside manifest.json: its
 * manifest.json names the image as docker saved it (RepoTags), so it is
 * the one read. */
static int source_format(struct image_source *s, bool archive) {
        if (dir_has(s->dir_fd, "manifest.json"))
                s->format = "docker-archive";
        else if (dir_has(s->dir_fd, "index.json"))
                s->format = archive ? "oci-archive" : "oci-layout";
        else
                return log_error("%s: not an image: no manifest.json (docker save) nor index.json (OCI layout) "
                                 "in it", s->source);
        return 0;
}

static int source_open(struct image_source *s, int dest_fd, int *ret_source_fd) {
        _cleanup_close_ int fd = open(s->source, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        struct stat st;
        int r;

        if (fd < 0 || fstat(fd, &st) < 0)
                return log_errno(-errno, "%s", s->source);
        if (S_ISDIR(st.st_mode)) {
                if (asprintf(&s->where, "%s%s", s->source, s->source[strlen(s->source) - 1] == '/' ? "" : "/") < 0)
                        return log_errno(-ENOMEM, "%s", s->source);
                s->dir_fd = TAKE_FD(fd);
                return source_format(s, false);
        }
        if (!S_ISREG(st.st_mode))
                return log_error("%s: not an image: neither a file nor a directory", s->source);
        r = source_file(s, fd, dest_fd);
        if (r < 0 || streq_ptr(s->format, "rootfs-tar")) {
                *ret_source_fd = TAKE_FD(fd);
                return r;
        }
        return source_format(s, true);
}

static char *source_absolute(const char *source) {
        _cleanup_free_ char *cwd = NULL;
        char *p;

        if (path_is_absolute(source))
                p = strdup(source);
        else
                p = (cwd = getcwd(NULL, 0)) ? path_join(cwd, source) : NULL;
        return p ? path_simplify(p) : NULL;
}

static json_object *string_or_null(const char *s) {
        return s ? json_object_new_string(s) : NULL;
}

static int image_json_write(int dest_fd, const struct image_source *s, const char *label,
                            const struct layer_stats *st) {
        json_object *o = json_object_new_object();
        _cleanup_free_ char *absolute = label ? NULL : source_absolute(s->source);
        _cleanup_free_ char *line = NULL;
        const char *text;
        bool ok = o && (label || absolute);
        int r;

#define ADD(key, value) (ok = ok && json_object_object_add(o, key, value) == 0)
        ADD("format", json_object_new_string(s->format));
        ADD("source", json_object_new_string(label ?: absolute));
        ADD("digest", string_or_null(s->digest));
        ADD("tag", string_or_null(s->tag));
        ADD("created", string_or_null(s->created));
        ADD("layers", json_object_new_int64(streq(s->format, "rootfs-tar") ? 1 : (int64_t) s->n_layers));
        ADD("files", json_object_new_int64((int64_t) st->files));
        ADD("bytes", json_object_new_int64((int64_t) st->bytes));
        ADD("devices_skipped", json_object_new_int64((int64_t) st->devices));
#undef ADD
        text = ok ? json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE) : NULL;
        r = text && asprintf(&line, "%s\n", text) >= 0 ? write_new_file_at(dest_fd, "image.json", line, strlen(line)) : -ENOMEM;
        json_object_put(o);
        return r;
}

/* Both files are written after the last layer: an image.json in DEST
 * says the root is whole. */
static int dest_finish(int dest_fd, const struct image_source *s, const char *label, const struct layer_stats *st) {
        int r = s->config ? write_new_file_at(dest_fd, "config.json", s->config, s->config_size) : 0;

        if (r < 0)
                return log_errno(r, "writing config.json");
        r = image_json_write(dest_fd, s, label, st);
        if (r < 0)
                return log_errno(r, "writing image.json");
        return 0;
}

static int rootfs_make(int dest_fd, int *ret) {
        if (mkdirat(dest_fd, "rootfs", 0755) < 0)
                return log_errno(-errno, "making rootfs");
        *ret = openat(dest_fd, "rootfs", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        /* Whatever the umask: the root is what the image's "/" is not
         * (no layer need say), the mode every container root has. */
        if (*ret < 0 || fchmod(*ret, 0755) < 0)
                return log_errno(-errno, "making rootfs");
        return 0;
}

/* docker makes the config's WorkingDir in a container whose image lacks
 * it; userbox runs an image's root as it is (read-only, shared by its
 * containers), so the import makes it, once, owned by the image's root,
 * mode 0755. Resolved inside the root: a layer's symlink cannot lead it
 * out. */
static int working_dir_make(int rootfs_fd, const char *wd) {
        int fd;

        if (!wd)
                return 0;
        fd = resolve_make_dir(rootfs_fd, wd);
        if (fd < 0)
                return log_errno(fd, "the image's WorkingDir '%s'", wd);
        close(fd);
        return 0;
}

static int unpack(struct image_source *s, int dest_fd, const struct image_unpack_options *o, struct layer_stats *st) {
        _cleanup_close_ int source_fd = -1, rootfs_fd = -1;
        struct layer_options lo = { .id_count = o->id_count };
        int r = source_open(s, dest_fd, &source_fd);

        if (r < 0)
                return r;
        if (streq(s->format, "rootfs-tar")) {
                /* One layer, labelled by its path, read from the start:
                 * the look at its first entry moved the offset. */
                lo.label = s->source;
                if (lseek(source_fd, 0, SEEK_SET) < 0)
                        return log_errno(-errno, "%s", s->source);
                r = rootfs_make(dest_fd, &rootfs_fd);
                if (r >= 0)
                        r = layer_apply(rootfs_fd, source_fd, &lo, st);
                return r < 0 ? r : dest_finish(dest_fd, s, o->source_label, st);
        }
        r = streq(s->format, "docker-archive") ? image_resolve_docker(s) : image_resolve_oci(s);
        if (r >= 0)
                r = rootfs_make(dest_fd, &rootfs_fd);
        for (size_t i = 0; r >= 0 && i < s->n_layers; i++) {
                lo.label = s->layers[i].label;
                r = layer_apply(rootfs_fd, s->layers[i].fd, &lo, st);
                closep(&s->layers[i].fd);
                s->layers[i].fd = -1;
        }
        if (r >= 0)
                r = working_dir_make(rootfs_fd, s->working_dir);
        return r < 0 ? r : dest_finish(dest_fd, s, o->source_label, st);
}

int image_unpack(const char *source, const char *dest, const struct image_unpack_options *o,
                 struct layer_stats *st) {
        _cleanup_(image_source_done) struct image_source s = { .source = source, .dir_fd = -1, .ref = o->ref };
        _cleanup_close_ int dest_fd = open(dest, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        int r, q;

        if (dest_fd < 0)
                return log_errno(-errno, "%s", dest);
        r = unpack(&s, dest_fd, o, st);
        q = remove_tree_at(dest_fd, STAGING);
        if (q < 0 && r >= 0)
                return log_errno(q, "removing %s/%s", dest, STAGING);
        return r;
}
