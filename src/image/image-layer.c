/* SPDX-License-Identifier: Apache-2.0 */
/* Applying one layer (a tar, compressed or not) to a root: libarchive reads
 * it as a stream and writes its files, links and FIFOs; the directories,
 * the whiteouts and every check come first, here, so that nothing a layer
 * says can reach outside the root (design §11, issue 18).
 *
 * Per entry: its name is normalized and checked (image-layer-path.c), a
 * whiteout applied (image-whiteout.c), a device node counted and skipped,
 * its owner checked against the ids of the user namespace, the directory
 * it goes in opened from the root without following a symlink (made when
 * missing), a directory it replaces removed, then it is written: a
 * directory here, anything else by archive_write_disk relative to the
 * working directory, which is the root. Directories' modes and times are
 * set after the whole layer, when nothing more will be written in them. */
#include <archive.h>
#include <archive_entry.h>
#include <locale.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include "image-internal.h"
#include "util.h"

#define WHITEOUT_PREFIX ".wh."
#define WHITEOUT_OPAQUE ".wh..wh..opq"
/* aufs kept its own files under this prefix (.wh..wh.plnk, .wh..wh.aufs):
 * never names of the image. */
#define WHITEOUT_META ".wh..wh."

/* Messages quote names as the layer has them, but a name of 4096 bytes is
 * no message: its start is enough to find it. */
#define NAME_SHOWN_MAX 128

/* "LABEL: NAME: PREFIX MESSAGE[: strerror]" (no NAME: "LABEL: ..."). */
static int layer_vmessage(const struct layer *l, const char *name, int r, const char *prefix, bool with_errno,
                          const char *fmt, va_list ap) {
        _cleanup_free_ char *msg = NULL;
        char shown[NAME_SHOWN_MAX + 8];

        if (vasprintf(&msg, fmt, ap) < 0)
                return log_errno(-ENOMEM, "%s", l->o->label);
        if (name && strlen(name) > NAME_SHOWN_MAX)
                snprintf(shown, sizeof(shown), "%.64s...", name);
        else if (name)
                snprintf(shown, sizeof(shown), "%s", name[0] ? name : ".");
        log_error("%s: %s%s%s%s%s%s", l->o->label, name ? shown : "", name ? ": " : "", prefix, msg,
                  with_errno ? ": " : "", with_errno ? strerror(-r) : "");
        return r;
}

int layer_refuse(const struct layer *l, const char *name, const char *fmt, ...) {
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = layer_vmessage(l, name, -EPERM, "refused: ", false, fmt, ap);
        va_end(ap);
        return r;
}

int layer_fail(const struct layer *l, const char *name, int r, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        r = layer_vmessage(l, name, r, "", true, fmt, ap);
        va_end(ap);
        return r;
}

static int layer_message(const struct layer *l, const char *name, int r, const char *fmt, ...) _printf_(4, 5);
static int layer_message(const struct layer *l, const char *name, int r, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        r = layer_vmessage(l, name, r, "", false, fmt, ap);
        va_end(ap);
        return r;
}

/* A message libarchive wrote: the reason, and the errno unless it is one
 * of libarchive's own codes (ARCHIVE_ERRNO_FILE_FORMAT is EILSEQ, _MISC -1),
 * which would only add a confusing strerror. */
static int layer_archive_error(const struct layer *l, const char *name, struct archive *a) {
        const char *msg = archive_error_string(a);
        int e = archive_errno(a);

        if (!msg)
                msg = "failed";
        if (e > 0 && e != EILSEQ)
                return layer_fail(l, name, -e, "%s", msg);
        return layer_message(l, name, -EIO, "%s", msg);
}

/* Files, links and FIFOs: libarchive writes them, by path from the working
 * directory (the root). Its own checks stay on behind ours: no absolute
 * name, no "..", no write through a symlink. No lookups are set, so ids
 * are the numbers in the layer; xattrs are ours (layer_set_xattrs). */
static int layer_disk_open(struct layer *l) {
        int flags = ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
                    ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME |
                    /* We made every directory on the way: libarchive's
                     * own making of one would stat() through symlinks. */
                    ARCHIVE_EXTRACT_NO_AUTODIR;

        if (l->keep_owner)
                flags |= ARCHIVE_EXTRACT_OWNER;
        l->disk = archive_write_disk_new();
        if (!l->disk)
                return log_errno(-ENOMEM, "%s", l->o->label);
        if (archive_write_disk_set_options(l->disk, flags) != ARCHIVE_OK)
                return layer_archive_error(l, NULL, l->disk);
        return 0;
}

static int layer_input_open(struct layer *l, int fd) {
        l->in = archive_read_new();
        if (!l->in)
                return log_errno(-ENOMEM, "%s", l->o->label);
        /* Layers are tars (pax and GNU included), compressed as registries
         * and image tools write them, or an empty blob. */
        if (archive_read_support_filter_gzip(l->in) < ARCHIVE_WARN ||
            archive_read_support_filter_zstd(l->in) < ARCHIVE_WARN ||
            archive_read_support_filter_xz(l->in) < ARCHIVE_WARN ||
            archive_read_support_filter_bzip2(l->in) < ARCHIVE_WARN ||
            archive_read_support_format_tar(l->in) != ARCHIVE_OK ||
            archive_read_support_format_empty(l->in) != ARCHIVE_OK)
                return layer_archive_error(l, NULL, l->in);
        if (archive_read_open_fd(l->in, fd, 128 * 1024) != ARCHIVE_OK)
                return layer_archive_error(l, NULL, l->in);
        return 0;
}

/* Extended attributes the user may set are kept; one the user namespace
 * may not set (trusted.*, security.* but capability) or the file system
 * does not take is counted, not an error. */
static int layer_set_xattrs(struct layer *l, struct archive_entry *e, const char *path) {
        int n = archive_entry_xattr_reset(e);
        _cleanup_free_ const char **seen = n > 0 ? calloc((size_t) n, sizeof(*seen)) : NULL;

        if (n > 0 && !seen)
                return log_errno(-ENOMEM, "%s", l->o->label);
        for (int i = 0; i < n; i++) {
                const void *value;
                size_t size;
                bool again = false;

                if (archive_entry_xattr_next(e, &seen[i], &value, &size) != ARCHIVE_OK)
                        break;
                /* libarchive's pax writer stores each attribute twice
                 * (LIBARCHIVE.xattr. and SCHILY.xattr.): once is enough. */
                for (int j = 0; j < i && !again; j++)
                        again = streq(seen[j], seen[i]);
                if (again)
                        continue;
                if (lsetxattr(path[0] ? path : ".", seen[i], value, size, 0) == 0)
                        continue;
                if (errno != EPERM && errno != EOPNOTSUPP)
                        return layer_fail(l, path, -errno, "cannot set the extended attribute %s", seen[i]);
                l->st->xattrs_dropped++;
        }
        return 0;
}

static int layer_check_owner(const struct layer *l, struct archive_entry *e, const char *path) {
        static const struct {
                const char *what;
                la_int64_t (*get)(struct archive_entry *);
        } ids[] = {
                { "uid", archive_entry_uid },
                { "gid", archive_entry_gid },
        };

        if (!l->keep_owner)
                return 0;
        for (size_t i = 0; i < ELEMENTSOF(ids); i++) {
                la_int64_t id = ids[i].get(e);

                /* The id would not map: lchown fails, as podman's does. */
                if (id < 0 || id >= (la_int64_t) l->o->id_count)
                        return layer_message(l, path, -EPERM, "owned by %s %jd, outside the %" PRIu32
                                                              " ids of your subordinate map",
                                             ids[i].what, (intmax_t) id, l->o->id_count);
        }
        return 0;
}

/* A directory's mode and times, set after the layer (layer_fixups_apply). */
static int layer_fixup_add(struct layer *l, struct archive_entry *e, const char *path) {
        struct layer_fixup *f;
        struct layer_fixup *grown = array_reserve_one(l->fixups, l->n_fixups, &l->allocated_fixups, sizeof(*f));

        if (!grown)
                return log_errno(-ENOMEM, "%s", l->o->label);
        l->fixups = grown;
        f = &l->fixups[l->n_fixups];
        *f = (struct layer_fixup) {
                .path = strdup(path),
                .order = l->n_fixups,
                .mode = archive_entry_mode(e) & 07777,
                .times = {
                        { .tv_nsec = UTIME_OMIT },
                        { .tv_nsec = UTIME_OMIT },
                },
        };
        if (!f->path)
                return log_errno(-ENOMEM, "%s", l->o->label);
        l->n_fixups++;
        if (archive_entry_atime_is_set(e))
                f->times[0] = (struct timespec) { archive_entry_atime(e), archive_entry_atime_nsec(e) };
        if (archive_entry_mtime_is_set(e))
                f->times[1] = (struct timespec) { archive_entry_mtime(e), archive_entry_mtime_nsec(e) };
        return 0;
}

/* Deepest first, so that a directory's mode cannot lock us out of those
 * below it; of a directory the layer named twice, the later entry. */
static int fixup_compare(const void *a, const void *b) {
        const struct layer_fixup *x = a, *y = b;
        int c = strcmp(y->path, x->path);

        return c ? c : (x->order > y->order ? -1 : x->order < y->order);
}

/* One replaced or removed later in the layer (no directory, or a symlink
 * now) is skipped. */
static int layer_fixups_apply(struct layer *l) {
        qsort(l->fixups, l->n_fixups, sizeof(l->fixups[0]), fixup_compare);
        for (size_t i = 0; i < l->n_fixups; i++) {
                const struct layer_fixup *f = &l->fixups[i];
                _cleanup_close_ int fd = -1;

                if (i > 0 && streq(f->path, l->fixups[i - 1].path))
                        continue;
                fd = layer_open_beneath(l->root_fd, f->path, O_RDONLY | O_DIRECTORY);
                if (fd == -ENOENT || fd == -ENOTDIR || fd == -ELOOP)
                        continue;
                if (fd < 0)
                        return layer_fail(l, f->path, fd, "cannot open the directory");
                if (fchmod(fd, f->mode) < 0)
                        return layer_fail(l, f->path, -errno, "cannot set its mode");
                if (futimens(fd, f->times) < 0)
                        return layer_fail(l, f->path, -errno, "cannot set its times");
        }
        return 0;
}

/* An existing directory is kept (its mode, owner and times become the
 * layer's); a file or symlink in the way is replaced. Made 0700 until
 * layer_fixups_apply: its own mode might not let us write in it. */
static int layer_mkdir(int parent_fd, const char *base) {
        struct stat st;

        if (mkdirat(parent_fd, base, 0700) == 0)
                return 0;
        if (errno != EEXIST)
                return -errno;
        if (fstatat(parent_fd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return -errno;
        if (S_ISDIR(st.st_mode))
                return 0;
        if (unlinkat(parent_fd, base, 0) < 0)
                return -errno;
        return mkdirat(parent_fd, base, 0700) < 0 ? -errno : 0;
}

/* path "" is the root itself ("./" in the layer). */
static int layer_write_dir(struct layer *l, struct archive_entry *e, const char *path, int parent_fd,
                           const char *base) {
        int r;

        if (path[0]) {
                r = layer_mkdir(parent_fd, base);
                if (r < 0)
                        return layer_fail(l, path, r, "cannot make the directory");
        }
        if (l->keep_owner &&
            fchownat(path[0] ? parent_fd : l->root_fd, path[0] ? base : "", (uid_t) archive_entry_uid(e),
                     (gid_t) archive_entry_gid(e), path[0] ? AT_SYMLINK_NOFOLLOW : AT_EMPTY_PATH) < 0)
                return layer_fail(l, path, -errno, "cannot set its owner");
        r = layer_set_xattrs(l, e, path);
        if (r < 0)
                return r;
        r = layer_fixup_add(l, e, path);
        if (r < 0)
                return r;
        if (!path[0])
                return 0;
        l->st->files++;
        return layer_written_add(l, path);
}

/* Checks a hard link's target as an entry's own name, and that it is a
 * file below (a lower layer's, or this one's). Returns 0 for a link to
 * itself, which is already there, else 1. */
static int layer_check_hardlink(struct layer *l, struct archive_entry *e, const char *path, const char *link) {
        char target[PATH_MAX];
        const char *why = layer_name_normalize(link, target), *slash;
        _cleanup_close_ int dir_fd = -1;
        struct stat st;
        int r = 0;

        if (why)
                return layer_refuse(l, path, "hard link to %.*s%s: %s", NAME_SHOWN_MAX, link,
                                    strlen(link) > NAME_SHOWN_MAX ? "..." : "", why);
        if (streq(target, path))
                return 0;
        slash = strrchr(target, '/');
        if (slash) {
                target[slash - target] = '\0';
                dir_fd = layer_open_beneath(l->root_fd, target, O_PATH | O_DIRECTORY);
                target[slash - target] = '/';
        } else
                dir_fd = layer_open_beneath(l->root_fd, "", O_PATH | O_DIRECTORY);
        if (dir_fd == -ELOOP)
                return layer_refuse(l, path, "hard link to %s, whose parent %.*s is a symbolic link", target,
                                    (int) layer_symlink_prefix(l->root_fd, target), target);
        if (dir_fd < 0)
                r = dir_fd == -ENOTDIR ? -ENOENT : dir_fd;
        else if (fstatat(dir_fd, slash ? slash + 1 : target, &st, AT_SYMLINK_NOFOLLOW) < 0)
                r = -errno;
        if (r < 0)
                return layer_fail(l, path, r, "hard link to %s", target);
        if (S_ISDIR(st.st_mode))
                return layer_refuse(l, path, "hard link to the directory %s", target);
        archive_entry_set_hardlink(e, target);
        return 1;
}

static int layer_copy_data(struct layer *l, const char *path) {
        for (;;) {
                const void *buf;
                size_t size;
                la_int64_t offset;
                int r = archive_read_data_block(l->in, &buf, &size, &offset);

                if (r == ARCHIVE_EOF)
                        return 0;
                if (r != ARCHIVE_OK)
                        return layer_archive_error(l, path, l->in);
                /* Sparse files come as blocks at offsets: the holes stay holes. */
                if (archive_write_data_block(l->disk, buf, size, offset) != ARCHIVE_OK)
                        return layer_archive_error(l, path, l->disk);
                l->st->bytes += size;
        }
}

/* A file, symlink, FIFO or hard link: by libarchive, at path. */
static int layer_write_other(struct layer *l, struct archive_entry *e, const char *path, int parent_fd,
                             const char *base) {
        const char *link = archive_entry_hardlink(e);
        struct stat st;
        int r;

        if (!path[0])
                return layer_refuse(l, path, "the root can only be a directory");
        if (link) {
                r = layer_check_hardlink(l, e, path, link);
                if (r <= 0)
                        return r;
        }
        /* libarchive would rmdir a directory in the way, which works only
         * when it is empty: the layer's entry replaces it, and all below. */
        if (fstatat(parent_fd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode)) {
                r = remove_tree_at(parent_fd, base);
                if (r < 0)
                        return layer_fail(l, path, r, "cannot remove the directory it replaces");
        }
        layer_parent_forget_below(l, path);
        archive_entry_set_pathname(e, path);
        if (archive_write_header(l->disk, e) != ARCHIVE_OK)
                return layer_archive_error(l, path, l->disk);
        /* 0 when libarchive opened nothing to write to (links, FIFOs). */
        if (archive_entry_size(e) > 0) {
                r = layer_copy_data(l, path);
                if (r < 0)
                        return r;
        }
        if (archive_write_finish_entry(l->disk) != ARCHIVE_OK)
                return layer_archive_error(l, path, l->disk);
        r = layer_set_xattrs(l, e, path);
        if (r < 0)
                return r;
        l->st->files++;
        return layer_written_add(l, path);
}

/* A whiteout marker: base, the last component of path, starts with ".wh.";
 * dir is the directory it is in. */
static int layer_whiteout_entry(struct layer *l, const char *path, const char *dir, const char *base) {
        const char *name = base + strlen(WHITEOUT_PREFIX);

        if (streq(base, WHITEOUT_OPAQUE))
                return layer_whiteout(l, path, dir, NULL);
        if (startswith(base, WHITEOUT_META))
                return 0;
        if (!name[0] || streq(name, ".") || streq(name, ".."))
                return layer_refuse(l, path, "a whiteout of '%s'", name);
        return layer_whiteout(l, path, dir, name);
}

/* A component (not the last) that starts with ".wh.": the entry is below a
 * whiteout marker, which is no directory of the image. */
static bool below_whiteout(const char *path, const char *base) {
        for (const char *p = path; (p = strstr(p, WHITEOUT_PREFIX)) && p < base; p++)
                if (p == path || p[-1] == '/')
                        return true;
        return false;
}

/* What the entry is: 1 to write it, 0 to skip it (counted), or a refusal. */
static int layer_entry_kind(struct layer *l, struct archive_entry *e, const char *path) {
        mode_t type = archive_entry_filetype(e);

        if (archive_entry_hardlink(e))
                return 1;
        switch (type) {
        case AE_IFCHR:
        case AE_IFBLK:
                /* A user namespace cannot make them: counted, one line says so. */
                l->st->devices++;
                return 0;
        case AE_IFSOCK:
                return 0; /* made by the program that listens on it */
        case AE_IFDIR:
        case AE_IFREG:
        case AE_IFLNK:
        case AE_IFIFO:
                return layer_check_owner(l, e, path) < 0 ? -EPERM : 1;
        default:
                return layer_refuse(l, path, "an entry of unknown type 0%o", (unsigned) type);
        }
}

static int layer_entry(struct layer *l, struct archive_entry *e) {
        const char *raw = archive_entry_pathname(e), *why, *base;
        char path[PATH_MAX], dir[PATH_MAX];
        size_t dir_len;
        int parent_fd, r;

        if (!raw)
                return layer_message(l, NULL, -EINVAL, "an entry without a name");
        why = layer_name_normalize(raw, path);
        if (why)
                return layer_refuse(l, raw, "%s", why);
        base = strrchr(path, '/');
        base = base ? base + 1 : path;
        dir_len = base > path ? (size_t) (base - path - 1) : 0;
        memcpy(dir, path, dir_len);
        dir[dir_len] = '\0';
        if (startswith(base, WHITEOUT_PREFIX))
                return layer_whiteout_entry(l, path, dir, base);
        if (below_whiteout(path, base))
                return 0;
        r = layer_entry_kind(l, e, path);
        if (r <= 0)
                return r;
        r = layer_parent(l, dir, true, &parent_fd);
        if (r == -ELOOP)
                return layer_refuse(l, path, "its parent %.*s is a symbolic link",
                                    (int) layer_symlink_prefix(l->root_fd, dir), dir);
        if (r < 0)
                return layer_fail(l, path, r, "cannot open its directory %s", dir);
        if (archive_entry_filetype(e) == AE_IFDIR && !archive_entry_hardlink(e))
                return layer_write_dir(l, e, path, parent_fd, base);
        return layer_write_other(l, e, path, parent_fd, base);
}

static void layer_done(struct layer *l) {
        if (l->in)
                archive_read_free(l->in);
        if (l->disk)
                archive_write_free(l->disk);
        layer_parent_forget(l);
        layer_written_free(l);
        for (size_t i = 0; i < l->n_fixups; i++)
                free(l->fixups[i].path);
        free(l->fixups);
}

static int layer_run(struct layer *l, int fd) {
        struct archive_entry *e;
        int r;

        r = layer_input_open(l, fd);
        if (r < 0)
                return r;
        r = layer_disk_open(l);
        if (r < 0)
                return r;
        while ((r = archive_read_next_header(l->in, &e)) != ARCHIVE_EOF) {
                if (r != ARCHIVE_OK)
                        return layer_archive_error(l, NULL, l->in);
                r = layer_entry(l, e);
                if (r < 0)
                        return r;
        }
        if (archive_write_close(l->disk) != ARCHIVE_OK)
                return layer_archive_error(l, NULL, l->disk);
        return layer_fixups_apply(l);
}

int layer_apply(int root_fd, int fd, const struct layer_options *o, struct layer_stats *st) {
        _cleanup_(layer_done) struct layer l = {
                .o = o,
                .st = st,
                .root_fd = root_fd,
                /* One id: every file is the user's, as it can only be. */
                .keep_owner = o->id_count > 1,
                .parent_fd = -1,
        };
        _cleanup_close_ int cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
        /* Names in pax headers are UTF-8, which libarchive converts to the
         * locale's charset: under "C" any name beyond ASCII would fail to.
         * A file name is bytes: UTF-8 in, UTF-8 on disk. */
        locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t) 0), saved = (locale_t) 0;
        mode_t mask;
        int r;

        /* archive_write_disk writes by path, from the working directory. */
        if (fchdir(root_fd) < 0)
                return log_errno(-errno, "%s: cannot enter the root", o->label);
        /* Modes as the layer has them, not as the user's umask cuts them. */
        mask = umask(0);
        if (utf8)
                saved = uselocale(utf8);
        r = layer_run(&l, fd);
        if (utf8) {
                uselocale(saved);
                freelocale(utf8);
        }
        umask(mask);
        if (cwd >= 0 && fchdir(cwd) < 0 && r >= 0)
                r = log_errno(-errno, "%s: cannot return to the working directory", o->label);
        return r;
}
