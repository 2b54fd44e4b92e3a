/* SPDX-License-Identifier: Apache-2.0 */
/* An image archive (docker save, oci-archive) extracted to a staging
 * directory, so that its blobs can be checked, then read in the order the
 * manifest gives, which need not be the archive's. Its names come from
 * whoever made the archive: each is checked, every directory on the way
 * is opened without following links, and a link in the archive becomes a
 * link that only image_open (RESOLVE_IN_ROOT) follows, inside staging. */
#include <archive.h>
#include <archive_entry.h>
#include <limits.h>
#include <sys/stat.h>

#include "image-internal.h"
#include "util.h"

/* blobs/sha256/<hex> is three deep: an archive with deeper names holds
 * more than an image, and each level costs an open directory to remove. */
#define STAGE_DEPTH_MAX 16

/* The name as layer_name_normalize writes it (no "./", no repeated or
 * trailing "/"; "" is the archive's top directory itself), or NULL when
 * it may not be staged: absolute, a ".." component, too long or deep. */
static const char *stage_name(const char *name, char out[static PATH_MAX], const char **reason) {
        unsigned depth = 0;

        *reason = layer_name_normalize(name, out);
        if (*reason)
                return NULL;
        for (const char *p = out; *p; p++)
                depth += *p == '/';
        if (depth >= STAGE_DEPTH_MAX) {
                *reason = "nested deeper than an image's files";
                return NULL;
        }
        return out;
}

/* Opens the directory that will hold name's last component, making the
 * directories on the way (mode 0700: staging is ours alone). Not one of
 * them may be a link: O_NOFOLLOW at each step. *ret_base points into name. */
static int stage_parent(int stage_fd, const char *name, int *ret, const char **ret_base) {
        _cleanup_close_ int dir = fcntl(stage_fd, F_DUPFD_CLOEXEC, 3);
        const char *p = name, *slash;

        if (dir < 0)
                return -errno;
        while ((slash = strchr(p, '/'))) {
                char component[NAME_MAX + 1];
                size_t n = (size_t) (slash - p);
                int next;

                if (n > NAME_MAX)
                        return -ENAMETOOLONG;
                memcpy(component, p, n);
                component[n] = '\0';
                if (mkdirat(dir, component, 0700) < 0 && errno != EEXIST)
                        return -errno;
                next = openat(dir, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (next < 0)
                        return -errno;
                closep(&dir);
                dir = next;
                p = slash + 1;
        }
        if (strlen(p) > NAME_MAX)
                return -ENAMETOOLONG;
        *ret_base = p;
        *ret = TAKE_FD(dir);
        return 0;
}

static int stage_file(struct archive *a, int dir, const char *base) {
        _cleanup_close_ int fd = openat(dir, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

        if (fd < 0)
                return -errno;
        /* Streams the entry (sparse holes seeked over): no blob is ever
         * held in memory whole. */
        if (archive_read_data_into_fd(a, fd) != ARCHIVE_OK)
                return -EIO;
        return 0;
}

/* A hard link becomes a symbolic link to "/TARGET": resolved by
 * image_open as if staging were "/", it names TARGET in staging and can
 * name nothing else, and no second name for a file outside is made. */
static int stage_link(int dir, const char *base, const char *target, bool hard) {
        _cleanup_free_ char *absolute = NULL;

        if (hard && asprintf(&absolute, "/%s", target) < 0)
                return -ENOMEM;
        return symlinkat(absolute ?: target, dir, base) < 0 ? -errno : 0;
}

static int stage_entry(struct archive *a, struct archive_entry *e, int stage_fd, const char *source) {
        _cleanup_close_ int dir = -1;
        char name_buf[PATH_MAX], hard_buf[PATH_MAX];
        const char *reason = NULL, *base = NULL, *raw = archive_entry_pathname(e);
        const char *name = raw ? stage_name(raw, name_buf, &reason) : NULL, *hard = archive_entry_hardlink(e);
        mode_t type = archive_entry_filetype(e);
        int r;

        if (!name)
                return log_error("%s: %s: refused: %s", source, raw ?: "(no name)", reason ?: "no name");
        if (name[0] == '\0')
                return 0;
        if (hard && !(hard = stage_name(hard, hard_buf, &reason)))
                return log_error("%s: %s: refused: a hard link to %s", source, name, reason);
        r = stage_parent(stage_fd, name, &dir, &base);
        if (r >= 0 && hard)
                r = stage_link(dir, base, hard, true);
        else if (r >= 0 && type == AE_IFREG)
                r = stage_file(a, dir, base);
        else if (r >= 0 && type == AE_IFDIR)
                r = mkdirat(dir, base, 0700) < 0 && errno != EEXIST ? -errno : 0;
        else if (r >= 0 && type == AE_IFLNK)
                r = stage_link(dir, base, archive_entry_symlink(e) ?: "", false);
        /* Anything else (a device, a FIFO) is no file of an image. */
        if (r == -EIO)
                return log_error("%s: %s: %s", source, name, archive_error_string(a) ?: "read error");
        if (r == -EEXIST)
                return log_error("%s: %s: refused: in the archive twice", source, name);
        if (r == -ELOOP || r == -ENOTDIR)
                return log_error("%s: %s: refused: a directory on its way is a link or a file", source, name);
        if (r < 0)
                return log_errno(r, "%s: %s", source, name);
        return 0;
}

int image_stage(struct archive *a, struct archive_entry *first, int stage_fd, const char *source) {
        struct archive_entry *e = first;

        for (;;) {
                int r = stage_entry(a, e, stage_fd, source);
                if (r < 0)
                        return r;
                r = archive_read_next_header(a, &e);
                if (r == ARCHIVE_EOF)
                        return 0;
                if (r < ARCHIVE_WARN)
                        return log_error("%s: %s", source, archive_error_string(a) ?: "not a tar archive");
        }
}
