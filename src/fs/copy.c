/* SPDX-License-Identifier: Apache-2.0 */
/* userbox cp: copies between the host and a root directory from inside the
 * user namespace (so subordinate owners map back to what the container
 * sees), with the root chrooted, so that a symlink in the root is resolved
 * inside the root: /etc/passwd -> /etc/shadow in an image names the
 * image's shadow, never the host's. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include "copy.h"
#include "log.h"
#include "syscalls.h"
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

/* cp -a keeps hard links: the first copy of an inode that has more than
 * one link is remembered by its path under the destination's top
 * directory, and its other names are linked to that copy. A hash table:
 * a tree can hold hundreds of thousands of them (a pnpm store). */
struct copied_inode {
        dev_t dev;
        ino_t ino;
        char *path;             /* relative to copy_context.dst_top; NULL: a free slot */
};

struct copy_context {
        bool archive;
        /* The top destination directory, once created: a source tree that
         * contains the destination (cp -a ~ ROOT:/x with ROOT under ~) would
         * otherwise copy itself forever. */
        bool have_top;
        dev_t top_dev;
        ino_t top_ino;
        int dst_top;            /* the directory the copy's top entry is made in */
        struct copied_inode *inodes;
        size_t n_inodes, n_slots; /* n_slots: a power of two, or 0 */
};

static void copy_context_done(struct copy_context *ctx) {
        for (size_t i = 0; i < ctx->n_slots; i++)
                free(ctx->inodes[i].path);
        free(ctx->inodes);
}

static size_t copied_slot(const struct copy_context *ctx, dev_t dev, ino_t ino) {
        uint64_t h = ((uint64_t) dev * 0x9e3779b97f4a7c15ULL) ^ ((uint64_t) ino * 0xc2b2ae3d27d4eb4fULL);
        size_t i = (size_t) (h ^ (h >> 29)) & (ctx->n_slots - 1);

        while (ctx->inodes[i].path && (ctx->inodes[i].dev != dev || ctx->inodes[i].ino != ino))
                i = (i + 1) & (ctx->n_slots - 1);
        return i;
}

static const struct copied_inode *copied_find(const struct copy_context *ctx, const struct stat *st) {
        size_t i;

        if (ctx->n_slots == 0)
                return NULL;
        i = copied_slot(ctx, st->st_dev, st->st_ino);
        return ctx->inodes[i].path ? &ctx->inodes[i] : NULL;
}

static int copied_add(struct copy_context *ctx, const struct stat *st, const char *dst_rel) {
        char *path;

        /* Kept at most half full. */
        if (2 * (ctx->n_inodes + 1) > ctx->n_slots) {
                struct copy_context grown = *ctx;

                grown.n_slots = ctx->n_slots ? 2 * ctx->n_slots : 64;
                grown.inodes = calloc(grown.n_slots, sizeof(*grown.inodes));
                if (!grown.inodes)
                        return -ENOMEM;
                for (size_t i = 0; i < ctx->n_slots; i++)
                        if (ctx->inodes[i].path)
                                grown.inodes[copied_slot(&grown, ctx->inodes[i].dev, ctx->inodes[i].ino)] =
                                        ctx->inodes[i];
                free(ctx->inodes);
                ctx->inodes = grown.inodes;
                ctx->n_slots = grown.n_slots;
        }
        path = strdup(dst_rel);
        if (!path)
                return -ENOMEM;
        ctx->inodes[copied_slot(ctx, st->st_dev, st->st_ino)] =
                (struct copied_inode) { st->st_dev, st->st_ino, path };
        ctx->n_inodes++;
        return 0;
}

/* Extended attributes (user.*, ACLs, file capabilities), as cp -a keeps
 * them. Like cp -a, an attribute the destination or the user namespace
 * does not allow (trusted.*, a file system without xattrs) is skipped
 * without a word; only running out of memory is an error. */
static int copy_xattrs(int from, int to) {
        _cleanup_free_ char *names = NULL, *value = NULL;
        ssize_t size = flistxattr(from, NULL, 0), vsize = 0;

        if (size <= 0)
                return 0;
        names = malloc((size_t) size);
        if (!names)
                return -ENOMEM;
        size = flistxattr(from, names, (size_t) size);
        if (size <= 0)
                return 0;
        for (char *name = names; name < names + size; name += strlen(name) + 1) {
                ssize_t n = fgetxattr(from, name, NULL, 0);

                if (n < 0)
                        continue;
                if (n > vsize) {
                        char *v = realloc(value, (size_t) n);
                        if (!v)
                                return -ENOMEM;
                        value = v;
                        vsize = n;
                }
                n = fgetxattr(from, name, value, (size_t) n);
                if (n >= 0)
                        (void) fsetxattr(to, name, value, (size_t) n, 0);
        }
        return 0;
}

static int copy_entry(struct copy_context *ctx, int src_dir, const char *src_name, int dst_dir,
                      const char *dst_name, const char *dst_rel, const char *shown);
static int copy_metadata(int dst_dir, const char *dst_name, const struct stat *st, int from, int to,
                         const char *shown);

/* The directory's entries, then its own metadata (archive), with the
 * directories already open: its times would change while entries go in,
 * and a read-only mode would stop the copy. */
static int copy_directory_contents(struct copy_context *ctx, int src_dir, const char *src_name, int dst_dir,
                                   const char *dst_name, const char *dst_rel, const struct stat *dir_st,
                                   const char *shown) {
        _cleanup_close_ int from = openat(src_dir, src_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        _cleanup_close_ int to = -1;
        struct stat st;
        DIR *d;
        struct dirent *de;
        int r = 0;

        if (from < 0)
                return log_errno(-errno, "cp: opening '%s'", shown);
        to = openat(dst_dir, dst_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (to < 0)
                return log_errno(-errno, "cp: opening the destination of '%s'", shown);
        if (!ctx->have_top && fstat(to, &st) == 0) {
                ctx->have_top = true;
                ctx->top_dev = st.st_dev;
                ctx->top_ino = st.st_ino;
        }
        d = fdopendir(TAKE_FD(from));
        if (!d)
                return log_errno(-errno, "cp: reading '%s'", shown);
        for (;;) {
                _cleanup_free_ char *child = NULL, *child_rel = NULL;

                errno = 0;
                de = readdir(d);
                if (!de) {
                        if (errno != 0)
                                r = log_errno(-errno, "cp: reading '%s'", shown);
                        break;
                }
                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                child = path_join(shown, de->d_name);
                child_rel = path_join(dst_rel, de->d_name);
                if (!child || !child_rel) {
                        r = log_errno(-ENOMEM, "cp");
                        break;
                }
                r = copy_entry(ctx, dirfd(d), de->d_name, to, de->d_name, child_rel, child);
                if (r < 0)
                        break;
        }
        if (r >= 0 && ctx->archive)
                r = copy_metadata(dst_dir, dst_name, dir_st, dirfd(d), to, shown);
        closedir(d);
        return r;
}

/* Owner, mode, extended attributes (when both fds are given: regular
 * files and directories) and times, in that order: chown clears set-id
 * bits and file capabilities, which come back after it. */
static int copy_metadata(int dst_dir, const char *dst_name, const struct stat *st, int from, int to,
                         const char *shown) {
        struct timespec times[2] = { st->st_atim, st->st_mtim };

        if (fchownat(dst_dir, dst_name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
                return log_errno(-errno, "cp: setting the owner of the copy of '%s' to %u:%u", shown,
                                 (unsigned) st->st_uid, (unsigned) st->st_gid);
        if (!S_ISLNK(st->st_mode) && fchmodat(dst_dir, dst_name, st->st_mode & 07777, 0) < 0)
                return log_errno(-errno, "cp: setting the mode of the copy of '%s'", shown);
        if (from >= 0 && to >= 0 && copy_xattrs(from, to) < 0)
                return log_errno(-ENOMEM, "cp: copying the extended attributes of '%s'", shown);
        if (utimensat(dst_dir, dst_name, times, AT_SYMLINK_NOFOLLOW) < 0)
                return log_errno(-errno, "cp: setting the times of the copy of '%s'", shown);
        return 0;
}

static int copy_regular(int src_dir, const char *src_name, const struct stat *st, int dst_dir,
                        const char *dst_name, bool archive, const char *shown) {
        /* O_NONBLOCK and the fstat below: the entry may have been replaced
         * by a fifo or a device since it was looked at (a running container
         * can do that), and opening those blocks or has effects. */
        _cleanup_close_ int from = openat(src_dir, src_name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK |
                                          (archive ? O_NOFOLLOW : 0));
        _cleanup_close_ int to = -1;
        struct stat now;
        int r;

        if (from < 0)
                return log_errno(-errno, "cp: opening '%s'", shown);
        if (fstat(from, &now) < 0)
                return log_errno(-errno, "cp: '%s'", shown);
        if (!S_ISREG(now.st_mode) || now.st_dev != st->st_dev || now.st_ino != st->st_ino)
                return log_error("cp: '%s' changed while it was being copied", shown);
        /* O_NOFOLLOW: a symlink planted at the destination is not written
         * through. */
        to = openat(dst_dir, dst_name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY,
                    st->st_mode & 0777);
        if (to < 0 && errno == ELOOP)
                return log_error("cp: the destination of '%s' is a symbolic link: not written through", shown);
        if (to < 0)
                return log_errno(-errno, "cp: creating the copy of '%s'", shown);
        r = copy_data(from, to);
        if (r < 0)
                return log_errno(r, "cp: copying '%s'", shown);
        return archive ? copy_metadata(dst_dir, dst_name, st, from, to, shown) : 0;
}

/* Another name of an inode already copied: a link to its copy. The copy's
 * directory is opened again beneath the top without following any
 * symlink: a process of a running container could have put one in place
 * of a directory since. */
static int link_copy(const struct copy_context *ctx, const struct copied_inode *first, int dst_dir,
                     const char *dst_name, const char *shown) {
        _cleanup_free_ char *dir = strdup(first->path);
        _cleanup_close_ int dirfd = -1;
        const char *name;
        char *slash;
        int from;

        if (!dir)
                return log_errno(-ENOMEM, "cp");
        slash = strrchr(dir, '/');
        if (slash) {
                struct open_how how = {
                        .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
                        .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
                };
                *slash = '\0';
                name = slash + 1;
                dirfd = sys_openat2(ctx->dst_top, dir, &how, sizeof(how));
                if (dirfd == -ENOSYS) { /* before Linux 5.6: the plain walk */
                        dirfd = openat(ctx->dst_top, dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
                        if (dirfd < 0)
                                dirfd = -errno;
                }
                if (dirfd < 0)
                        return log_errno(dirfd, "cp: linking the copy of '%s' to '%s'", shown, first->path);
        } else
                name = dir;
        from = slash ? dirfd : ctx->dst_top;
        if (linkat(from, name, dst_dir, dst_name, 0) == 0)
                return 0;
        if (errno == EEXIST && unlinkat(dst_dir, dst_name, 0) == 0 && linkat(from, name, dst_dir, dst_name, 0) == 0)
                return 0;
        return log_errno(-errno, "cp: linking the copy of '%s' to '%s'", shown, first->path);
}

static int copy_entry(struct copy_context *ctx, int src_dir, const char *src_name, int dst_dir,
                      const char *dst_name, const char *dst_rel, const char *shown) {
        bool archive = ctx->archive;
        struct stat st;

        if (fstatat(src_dir, src_name, &st, archive ? AT_SYMLINK_NOFOLLOW : 0) < 0)
                return log_errno(-errno, "cp: '%s'", shown);
        if (archive && !S_ISDIR(st.st_mode) && st.st_nlink > 1) {
                const struct copied_inode *first = copied_find(ctx, &st);
                if (first)
                        return link_copy(ctx, first, dst_dir, dst_name, shown);
                if (copied_add(ctx, &st, dst_rel) < 0)
                        return log_errno(-ENOMEM, "cp");
        }

        if (S_ISDIR(st.st_mode)) {
                if (!archive)
                        return log_error("cp: '%s' is a directory (use -a)", shown);
                if (ctx->have_top && st.st_dev == ctx->top_dev && st.st_ino == ctx->top_ino)
                        return log_error("cp: cannot copy '%s' into itself", shown);
                if (mkdirat(dst_dir, dst_name, 0700) < 0 && errno != EEXIST)
                        return log_errno(-errno, "cp: creating the directory for '%s'", shown);
                return copy_directory_contents(ctx, src_dir, src_name, dst_dir, dst_name, dst_rel, &st, shown);
        } else if (S_ISLNK(st.st_mode)) {
                char target[PATH_MAX];
                ssize_t n = readlinkat(src_dir, src_name, target, sizeof(target));
                if (n < 0)
                        return log_errno(-errno, "cp: reading link '%s'", shown);
                if ((size_t) n >= sizeof(target))
                        return log_errno(-ENAMETOOLONG, "cp: reading link '%s'", shown);
                target[n] = '\0';
                (void) unlinkat(dst_dir, dst_name, 0);
                if (symlinkat(target, dst_dir, dst_name) < 0)
                        return log_errno(-errno, "cp: creating the link for '%s'", shown);
        } else if (S_ISREG(st.st_mode)) {
                return copy_regular(src_dir, src_name, &st, dst_dir, dst_name, archive, shown);
        } else if (archive && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || S_ISCHR(st.st_mode) ||
                               S_ISBLK(st.st_mode))) {
                if (mknodat(dst_dir, dst_name, st.st_mode, st.st_rdev) < 0)
                        return log_errno(-errno, "cp: creating special file for '%s'", shown);
        } else
                return log_error("cp: '%s' is not a regular file (use -a)", shown);

        return archive ? copy_metadata(dst_dir, dst_name, &st, -1, -1, shown) : 0;
}

static bool has_trailing_slash(const char *path) {
        size_t n = strlen(path);
        return n > 1 && (path[n - 1] == '/' || (path[n - 1] == '.' && path[n - 2] == '/'));
}

/* The last component of path, which names the copy when the destination is
 * an existing directory; NULL when there is none ("/", "..", "."): then the
 * destination is the copy itself and the directory's contents go into it. */
static int last_component(const char *path, char **ret) {
        _cleanup_free_ char *copy = strdup(path);
        const char *name;

        *ret = NULL;
        if (!copy)
                return -ENOMEM;
        path_simplify(copy);
        name = path_basename(copy);
        if (name[0] == '\0' || streq(name, ".") || streq(name, ".."))
                return 0;
        *ret = strdup(name);
        return *ret ? 0 : -ENOMEM;
}

/* Opens the directory that holds path and returns the last component, or,
 * when path has no last component or must be a directory (a trailing
 * slash), opens path itself and returns ".". */
static int open_parent(const char *path, char **ret_name) {
        _cleanup_free_ char *copy = strdup(path);
        char *slash, *name;
        int fd;

        if (!copy)
                return -ENOMEM;
        path_simplify(copy);
        name = (char *) path_basename(copy);
        if (has_trailing_slash(path) || streq(copy, "/") || streq(name, ".") || streq(name, "..")) {
                *ret_name = strdup(".");
                if (!*ret_name)
                        return -ENOMEM;
                fd = open(copy, O_PATH | O_DIRECTORY | O_CLOEXEC);
                return fd < 0 ? -errno : fd;
        }
        *ret_name = strdup(name);
        if (!*ret_name)
                return -ENOMEM;
        slash = strrchr(copy, '/');
        if (!slash) {
                fd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
                return fd < 0 ? -errno : fd;
        }
        *slash = '\0';
        fd = open(copy[0] ? copy : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        return fd < 0 ? -errno : fd;
}

/* When the destination is an existing directory, copy into it under the
 * source's name (when it has one). *ret_must_be_dir: the destination names
 * a directory that does not exist yet (a trailing slash). */
static int resolve_destination(const char *dst, const char *src_name, int *ret_dir, char **ret_name,
                               bool *ret_must_be_dir) {
        struct stat st;
        bool is_dir = stat(dst, &st) == 0 && S_ISDIR(st.st_mode);

        *ret_must_be_dir = false;
        if (is_dir && src_name) {
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
        if (!is_dir && has_trailing_slash(dst)) {
                /* "DIR/" that does not exist: created by a directory copy,
                 * an error for anything else (like cp). */
                _cleanup_free_ char *trimmed = strdup(dst);
                if (!trimmed)
                        return -ENOMEM;
                path_simplify(trimmed);
                *ret_must_be_dir = true;
                *ret_dir = open_parent(trimmed, ret_name);
                return *ret_dir < 0 ? *ret_dir : 0;
        }
        *ret_dir = open_parent(dst, ret_name);
        return *ret_dir < 0 ? *ret_dir : 0;
}

/* "ROOT:PATH", as the user wrote it, for messages. */
static char *with_root(const char *root, const char *path) {
        char *s;

        return asprintf(&s, "%s:%s", root, path) < 0 ? NULL : s;
}

int copy_run(const struct copy_request *req) {
        _cleanup_free_ char *src_name = NULL, *dst_name = NULL, *name = NULL, *shown_src = NULL,
                            *shown_dst = NULL;
        _cleanup_close_ int src_dir = -1, dst_dir = -1;
        _cleanup_(copy_context_done) struct copy_context ctx = { .archive = req->archive, .dst_top = -1 };
        bool must_be_dir = false;
        struct stat st;
        int r;

        shown_src = req->into_root ? strdup(req->source) : with_root(req->root, req->source);
        shown_dst = req->into_root ? with_root(req->root, req->destination) : strdup(req->destination);
        if (!shown_src || !shown_dst || last_component(req->source, &name) < 0)
                return log_errno(-ENOMEM, "cp");

        /* The host side is opened before chroot; the root side after it, so
         * every path of the root resolves inside the root. */
        if (req->into_root) {
                _cleanup_free_ char *resolved = NULL;

                /* Without -a a symlink given as the source is followed, and
                 * here, on the host: after the chroot its target would
                 * resolve in the root. */
                if (!req->archive && lstat(req->source, &st) == 0 && S_ISLNK(st.st_mode)) {
                        resolved = realpath(req->source, NULL);
                        if (!resolved)
                                return log_errno(-errno, "cp: '%s'", shown_src);
                }
                src_dir = open_parent(resolved ? resolved : req->source, &src_name);
                if (src_dir < 0)
                        return log_errno(src_dir, "cp: '%s'", shown_src);
        } else {
                r = resolve_destination(req->destination, name, &dst_dir, &dst_name, &must_be_dir);
                if (r < 0)
                        return log_errno(r, "cp: '%s'", shown_dst);
        }
        if (chroot(req->root) < 0)
                return log_errno(-errno, "cp: chroot into '%s'", req->root);
        if (chdir("/") < 0)
                return log_errno(-errno, "cp: chdir into '%s'", req->root);
        if (req->into_root) {
                r = resolve_destination(req->destination, name, &dst_dir, &dst_name, &must_be_dir);
                if (r < 0)
                        return log_errno(r, "cp: '%s'", shown_dst);
        } else {
                src_dir = open_parent(req->source, &src_name);
                if (src_dir < 0)
                        return log_errno(src_dir, "cp: '%s'", shown_src);
        }
        if (must_be_dir) {
                if (fstatat(src_dir, src_name, &st, req->archive ? AT_SYMLINK_NOFOLLOW : 0) < 0)
                        return log_errno(-errno, "cp: '%s'", shown_src);
                if (!S_ISDIR(st.st_mode))
                        return log_errno(-ENOTDIR, "cp: '%s'", shown_dst);
        }
        ctx.dst_top = dst_dir;
        return copy_entry(&ctx, src_dir, src_name, dst_dir, dst_name, dst_name, shown_src);
}
