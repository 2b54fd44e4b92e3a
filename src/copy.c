/* SPDX-License-Identifier: Apache-2.0 */
/* userbox cp: copies between the host and a root directory from inside the
 * user namespace (so subordinate owners map back to what the container
 * sees), with the root chrooted, so that a symlink in the root is resolved
 * inside the root: /etc/passwd -> /etc/shadow in an image names the
 * image's shadow, never the host's. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/sendfile.h>
#include <sys/stat.h>

#include "copy.h"
#include "log.h"
#include "util.h"

void copy_request_done(struct copy_request *r) {
        free(r->root);
        free(r->source);
        free(r->destination);
}

/* ROOT:/PATH: the first ":/" splits; ROOT must be non-empty. */
static int split_root_path(const char *arg, char **root, char **path) {
        const char *sep = strstr(arg, ":/");
        if (!sep || sep == arg)
                return 0;
        *root = strndup(arg, (size_t) (sep - arg));
        *path = strdup(sep + 1);
        if (!*root || !*path)
                return -ENOMEM;
        return 1;
}

int copy_parse(const char *src, const char *dst, bool archive, struct copy_request *ret) {
        _cleanup_free_ char *r1 = NULL, *p1 = NULL, *r2 = NULL, *p2 = NULL;
        int a = split_root_path(src, &r1, &p1);
        int b = split_root_path(dst, &r2, &p2);

        if (a < 0 || b < 0)
                return -ENOMEM;
        if (a == b)
                return log_error("cp: exactly one of SRC and DST must be ROOT:/PATH (got '%s' and '%s')", src, dst);
        memset(ret, 0, sizeof(*ret));
        ret->archive = archive;
        ret->into_root = b;
        if (b) {
                ret->root = TAKE_PTR(r2);
                ret->source = strdup(src);
                ret->destination = TAKE_PTR(p2);
        } else {
                ret->root = TAKE_PTR(r1);
                ret->source = TAKE_PTR(p1);
                ret->destination = strdup(dst);
        }
        if (!ret->source || !ret->destination) {
                copy_request_done(ret);
                return -ENOMEM;
        }
        return 0;
}

static int copy_data(int from, int to) {
        for (;;) {
                ssize_t n = sendfile(to, from, NULL, 1 << 20);
                if (n < 0)
                        return -errno;
                if (n == 0)
                        return 0;
        }
}

static int copy_entry(int src_dir, const char *src_name, int dst_dir, const char *dst_name, bool archive);

static int copy_directory_contents(int src_dir, const char *src_name, int dst_dir, const char *dst_name,
                                   bool archive) {
        _cleanup_close_ int from = openat(src_dir, src_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        _cleanup_close_ int to = -1;
        DIR *d;
        struct dirent *de;
        int r = 0;

        if (from < 0)
                return log_errno(-errno, "cp: opening '%s'", src_name);
        to = openat(dst_dir, dst_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (to < 0)
                return log_errno(-errno, "cp: opening '%s'", dst_name);
        d = fdopendir(TAKE_FD(from));
        if (!d)
                return log_errno(-errno, "cp: reading '%s'", src_name);
        while ((de = readdir(d))) {
                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                r = copy_entry(dirfd(d), de->d_name, to, de->d_name, archive);
                if (r < 0)
                        break;
        }
        closedir(d);
        return r;
}

static int copy_metadata(int dst_dir, const char *dst_name, const struct stat *st) {
        struct timespec times[2] = { st->st_atim, st->st_mtim };

        if (fchownat(dst_dir, dst_name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
                return log_errno(-errno, "cp: setting the owner of '%s' to %u:%u", dst_name,
                                 (unsigned) st->st_uid, (unsigned) st->st_gid);
        /* chown clears set-id bits: the mode goes after it. */
        if (!S_ISLNK(st->st_mode) && fchmodat(dst_dir, dst_name, st->st_mode & 07777, 0) < 0)
                return log_errno(-errno, "cp: setting the mode of '%s'", dst_name);
        if (utimensat(dst_dir, dst_name, times, AT_SYMLINK_NOFOLLOW) < 0)
                return log_errno(-errno, "cp: setting the times of '%s'", dst_name);
        return 0;
}

static int copy_entry(int src_dir, const char *src_name, int dst_dir, const char *dst_name, bool archive) {
        struct stat st;
        int r;

        if (fstatat(src_dir, src_name, &st, archive ? AT_SYMLINK_NOFOLLOW : 0) < 0)
                return log_errno(-errno, "cp: '%s'", src_name);

        if (S_ISDIR(st.st_mode)) {
                if (!archive)
                        return log_error("cp: '%s' is a directory (use -a)", src_name);
                if (mkdirat(dst_dir, dst_name, 0700) < 0 && errno != EEXIST)
                        return log_errno(-errno, "cp: creating directory '%s'", dst_name);
                r = copy_directory_contents(src_dir, src_name, dst_dir, dst_name, archive);
                if (r < 0)
                        return r;
        } else if (S_ISLNK(st.st_mode)) {
                char target[PATH_MAX];
                ssize_t n = readlinkat(src_dir, src_name, target, sizeof(target) - 1);
                if (n < 0)
                        return log_errno(-errno, "cp: reading link '%s'", src_name);
                target[n] = '\0';
                (void) unlinkat(dst_dir, dst_name, 0);
                if (symlinkat(target, dst_dir, dst_name) < 0)
                        return log_errno(-errno, "cp: creating link '%s'", dst_name);
        } else if (S_ISREG(st.st_mode)) {
                _cleanup_close_ int from = openat(src_dir, src_name, O_RDONLY | O_CLOEXEC | O_NOCTTY |
                                                  (archive ? O_NOFOLLOW : 0));
                _cleanup_close_ int to = -1;
                if (from < 0)
                        return log_errno(-errno, "cp: opening '%s'", src_name);
                /* O_NOFOLLOW: a symlink planted at the destination is not
                 * written through. */
                to = openat(dst_dir, dst_name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY,
                            st.st_mode & 0777);
                if (to < 0)
                        return log_errno(-errno, "cp: creating '%s'", dst_name);
                r = copy_data(from, to);
                if (r < 0)
                        return log_errno(r, "cp: copying '%s'", src_name);
        } else if (archive && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))) {
                if (mknodat(dst_dir, dst_name, st.st_mode, st.st_rdev) < 0)
                        return log_errno(-errno, "cp: creating special file '%s'", dst_name);
        } else
                return log_error("cp: '%s' is not a regular file (use -a)", src_name);

        return archive ? copy_metadata(dst_dir, dst_name, &st) : 0;
}

/* Opens the directory that holds path and returns the last component. */
static int open_parent(const char *path, char **ret_name) {
        _cleanup_free_ char *copy = strdup(path);
        char *slash;
        int fd;

        if (!copy)
                return -ENOMEM;
        path_simplify(copy);
        slash = strrchr(copy, '/');
        if (!slash) {
                *ret_name = TAKE_PTR(copy);
                fd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
                return fd < 0 ? -errno : fd;
        }
        if (slash[1] == '\0')
                return -EISDIR; /* "/" itself */
        *ret_name = strdup(slash + 1);
        if (!*ret_name)
                return -ENOMEM;
        *slash = '\0';
        fd = open(copy[0] ? copy : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        return fd < 0 ? -errno : fd;
}

/* When the destination is an existing directory, copy into it. */
static int resolve_destination(const char *dst, const char *src_name, int *ret_dir, char **ret_name) {
        struct stat st;

        if (stat(dst, &st) == 0 && S_ISDIR(st.st_mode)) {
                int fd = open(dst, O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (fd < 0)
                        return -errno;
                *ret_name = strdup(src_name);
                if (!*ret_name) {
                        close(fd);
                        return -ENOMEM;
                }
                *ret_dir = fd;
                return 0;
        }
        *ret_dir = open_parent(dst, ret_name);
        return *ret_dir < 0 ? *ret_dir : 0;
}

int copy_run(const struct copy_request *req) {
        _cleanup_free_ char *src_name = NULL, *dst_name = NULL;
        _cleanup_close_ int src_dir = -1, dst_dir = -1;
        int r;

        /* The host side is opened before chroot; the root side after it, so
         * every path of the root resolves inside the root. */
        if (req->into_root) {
                src_dir = open_parent(req->source, &src_name);
                if (src_dir < 0)
                        return log_errno(src_dir, "cp: '%s'", req->source);
        } else {
                /* "x" in the current directory: its name is kept. */
                r = resolve_destination(req->destination, path_basename(req->source), &dst_dir, &dst_name);
                if (r < 0)
                        return log_errno(r, "cp: '%s'", req->destination);
        }
        if (chroot(req->root) < 0)
                return log_errno(-errno, "cp: chroot into '%s'", req->root);
        if (chdir("/") < 0)
                return log_errno(-errno, "cp: chdir into '%s'", req->root);
        if (req->into_root) {
                r = resolve_destination(req->destination, src_name, &dst_dir, &dst_name);
                if (r < 0)
                        return log_errno(r, "cp: '%s:%s'", req->root, req->destination);
        } else {
                src_dir = open_parent(req->source, &src_name);
                if (src_dir < 0)
                        return log_errno(src_dir, "cp: '%s:%s'", req->root, req->source);
        }
        return copy_entry(src_dir, src_name, dst_dir, dst_name, req->archive);
}
