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
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <time.h>

#include "fs.h"
#include "fs-internal.h"
#include "util.h"

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
        /* The top entry as the user names it, and the length of its name in
         * dst_top: a destination's path, for messages, is shown_dst
         * followed by its dst_rel past that name. */
        const char *shown_dst;
        size_t top_name_len;
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
static int copy_metadata(int from, int to, const struct stat *st, const char *shown);

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
                r = copy_metadata(dirfd(d), to, dir_st, shown);
        closedir(d);
        return r;
}

/* Owner, mode, extended attributes and times of a file or directory cp
 * created or opened, each through its fd, never through its name: by then
 * the name may be a symlink that a running container swapped in, and one
 * followed from a host directory reaches the host's files (the image
 * would choose the mode of a file the user owns). In that order: chown
 * clears set-id bits and file capabilities, which come back after it. */
static int copy_metadata(int from, int to, const struct stat *st, const char *shown) {
        struct timespec times[2] = { st->st_atim, st->st_mtim };

        if (fchown(to, st->st_uid, st->st_gid) < 0)
                return log_errno(-errno, "cp: setting the owner of the copy of '%s' to %u:%u", shown,
                                 (unsigned) st->st_uid, (unsigned) st->st_gid);
        if (fchmod(to, st->st_mode & 07777) < 0)
                return log_errno(-errno, "cp: setting the mode of the copy of '%s'", shown);
        if (copy_xattrs(from, to) < 0)
                return log_errno(-ENOMEM, "cp: copying the extended attributes of '%s'", shown);
        if (futimens(to, times) < 0)
                return log_errno(-errno, "cp: setting the times of the copy of '%s'", shown);
        return 0;
}

/* A symbolic link or a special file cp made cannot be opened for that (a
 * link has no mode; a FIFO's open could block, a socket's fails): owner
 * and times are set by name without following a link, and the mode was
 * given when it was made. */
static int copy_metadata_unopened(int dst_dir, const char *dst_name, const struct stat *st, const char *shown) {
        struct timespec times[2] = { st->st_atim, st->st_mtim };

        if (fchownat(dst_dir, dst_name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
                return log_errno(-errno, "cp: setting the owner of the copy of '%s' to %u:%u", shown,
                                 (unsigned) st->st_uid, (unsigned) st->st_gid);
        if (utimensat(dst_dir, dst_name, times, AT_SYMLINK_NOFOLLOW) < 0)
                return log_errno(-errno, "cp: setting the times of the copy of '%s'", shown);
        return 0;
}

/* What a file type is called in messages. */
static const char *file_type_name(mode_t mode) {
        static const struct {
                mode_t type;
                const char *name;
        } names[] = {
                { S_IFIFO, "a FIFO" },
                { S_IFSOCK, "a socket" },
                { S_IFCHR, "a character device" },
                { S_IFBLK, "a block device" },
                { S_IFDIR, "a directory" },
                { S_IFLNK, "a symbolic link" },
        };

        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if ((mode & S_IFMT) == names[i].type)
                        return names[i].name;
        return "not a regular file";
}

/* openat() with O_NONBLOCK, so that a FIFO put where a regular file was
 * cannot stall the copy (a running container can do that at any time).
 * O_NONBLOCK also makes the open of a file that another program holds a
 * lease on fail at once: that wait is done here instead, as a blocking
 * open would, until the holder lets go or the kernel breaks the lease
 * (fs.lease-break-time); a signal ends it. */
static int open_nonblocking(int dir, const char *name, int flags, mode_t mode) {
        for (;;) {
                int fd = openat(dir, name, flags | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, mode);

                if (fd >= 0)
                        return fd;
                if (errno != EWOULDBLOCK)
                        return -errno;
                (void) nanosleep(&(struct timespec) { .tv_nsec = 20 * 1000 * 1000 }, NULL);
        }
}

/* The destination of a regular file: created, or an existing regular file
 * emptied. Anything else is refused (a FIFO that the image planted at
 * /etc/passwd would block the copy for ever, a device would be written
 * to); the type is checked before the open, and again on the fd, since a
 * running container can swap the entry in between. O_NOFOLLOW: a symlink
 * planted there is not written through. */
static int open_destination(const struct copy_context *ctx, int dst_dir, const char *dst_name,
                            const char *dst_rel, mode_t mode) {
        _cleanup_close_ int fd = -1;
        struct stat st;

        if (fstatat(dst_dir, dst_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || S_ISREG(st.st_mode)) {
                fd = open_nonblocking(dst_dir, dst_name, O_WRONLY | O_CREAT | O_NOFOLLOW, mode);
                if (fd < 0 && fd != -ELOOP)
                        return log_errno(fd, "cp: creating '%s%s'", ctx->shown_dst, dst_rel + ctx->top_name_len);
                if (fd >= 0 && fstat(fd, &st) < 0)
                        return log_errno(-errno, "cp: '%s%s'", ctx->shown_dst, dst_rel + ctx->top_name_len);
                if (fd < 0)
                        st.st_mode = S_IFLNK;
        }
        if (!S_ISREG(st.st_mode))
                return log_error("cp: '%s%s' is %s: only a regular file is written over%s",
                                 ctx->shown_dst, dst_rel + ctx->top_name_len, file_type_name(st.st_mode),
                                 S_ISLNK(st.st_mode) ? ", never through a link" : "");
        if (ftruncate(fd, 0) < 0)
                return log_errno(-errno, "cp: emptying '%s%s'", ctx->shown_dst, dst_rel + ctx->top_name_len);
        return TAKE_FD(fd);
}

static int copy_regular(const struct copy_context *ctx, int src_dir, const char *src_name,
                        const struct stat *st, int dst_dir, const char *dst_name, const char *dst_rel,
                        const char *shown) {
        /* The fstat below: the entry may have been replaced by a FIFO or a
         * device since it was looked at. */
        _cleanup_close_ int from = open_nonblocking(src_dir, src_name, O_RDONLY | (ctx->archive ? O_NOFOLLOW : 0), 0);
        _cleanup_close_ int to = -1;
        struct stat now;
        int r;

        if (from < 0)
                return log_errno(from, "cp: opening '%s'", shown);
        if (fstat(from, &now) < 0)
                return log_errno(-errno, "cp: '%s'", shown);
        if (!S_ISREG(now.st_mode) || now.st_dev != st->st_dev || now.st_ino != st->st_ino)
                return log_error("cp: '%s' changed while it was being copied", shown);
        to = open_destination(ctx, dst_dir, dst_name, dst_rel, st->st_mode & 0777);
        if (to < 0)
                return to;
        r = copy_data(from, to);
        if (r < 0)
                return log_errno(r, "cp: copying '%s'", shown);
        return ctx->archive ? copy_metadata(from, to, st, shown) : 0;
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

/* A FIFO, a socket or a whiteout as what it is (cp -a). The mode is given to mknodat
 * whole (the umask would take bits away): a chmod after it would go by
 * name, and the name could be a link by then. */
static int make_special(int dst_dir, const char *dst_name, const struct stat *st, const char *shown) {
        mode_t umask_before = umask(0);
        int r = mknodat(dst_dir, dst_name, st->st_mode, st->st_rdev) < 0 ? -errno : 0;

        umask(umask_before);
        if (r < 0)
                return log_errno(r, "cp: creating %s for '%s'", file_type_name(st->st_mode), shown);
        return 0;
}

static int copy_entry(struct copy_context *ctx, int src_dir, const char *src_name, int dst_dir,
                      const char *dst_name, const char *dst_rel, const char *shown) {
        bool archive = ctx->archive;
        struct stat st;
        int r;

        if (fstatat(src_dir, src_name, &st, archive ? AT_SYMLINK_NOFOLLOW : 0) < 0)
                return log_errno(-errno, "cp: '%s'", shown);
        /* A character device 0:0 is an overlay whiteout, which anyone may
         * make. */
        if (S_ISBLK(st.st_mode) || (S_ISCHR(st.st_mode) && st.st_rdev != makedev(0, 0)))
                return log_error("cp: '%s' is %s: a user namespace cannot make device nodes, not even with -a",
                                 shown, file_type_name(st.st_mode));
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
        } else if (S_ISREG(st.st_mode)) {
                return copy_regular(ctx, src_dir, src_name, &st, dst_dir, dst_name, dst_rel, shown);
        } else if (!archive) {
                return log_error("cp: '%s' is %s, not a regular file (use -a to copy it as such)", shown,
                                 file_type_name(st.st_mode));
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
        } else {
                r = make_special(dst_dir, dst_name, &st, shown);
                if (r < 0)
                        return r;
        }
        return copy_metadata_unopened(dst_dir, dst_name, &st, shown);
}

int copy_run(const struct copy_request *req) {
        _cleanup_free_ char *src_name = NULL, *name = NULL, *shown_src = NULL, *shown_dst = NULL;
        _cleanup_close_ int src_dir = -1;
        _cleanup_(copy_destination_done) struct copy_destination dst = { .dir = -1 };
        _cleanup_(copy_context_done) struct copy_context ctx = { .archive = req->archive, .dst_top = -1 };
        struct stat st;
        int r;

        shown_src = req->into_root ? strdup(req->source) : copy_shown_in_root(req->root, req->source);
        shown_dst = req->into_root ? copy_shown_in_root(req->root, req->destination) : strdup(req->destination);
        if (!shown_src || !shown_dst || copy_last_component(req->source, &name) < 0)
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
                src_dir = copy_open_parent(resolved ? resolved : req->source, &src_name);
                if (src_dir < 0)
                        return log_errno(src_dir, "cp: '%s'", shown_src);
        } else {
                r = copy_resolve_destination(req->destination, name, &dst);
                if (r < 0)
                        return log_errno(r, "cp: '%s'", shown_dst);
        }
        if (chroot(req->root) < 0)
                return log_errno(-errno, "cp: chroot into '%s'", req->root);
        if (chdir("/") < 0)
                return log_errno(-errno, "cp: chdir into '%s'", req->root);
        if (req->into_root) {
                r = copy_resolve_destination(req->destination, name, &dst);
                if (r < 0)
                        return log_errno(r, "cp: '%s'", shown_dst);
        } else {
                src_dir = copy_open_parent(req->source, &src_name);
                if (src_dir < 0)
                        return log_errno(src_dir, "cp: '%s'", shown_src);
        }
        if (dst.must_be_dir) {
                if (fstatat(src_dir, src_name, &st, req->archive ? AT_SYMLINK_NOFOLLOW : 0) < 0)
                        return log_errno(-errno, "cp: '%s'", shown_src);
                if (!S_ISDIR(st.st_mode))
                        return log_errno(-ENOTDIR, "cp: '%s'", shown_dst);
        }
        if (dst.into_dir) {
                char *top = path_join(shown_dst, dst.name);
                if (!top)
                        return log_errno(-ENOMEM, "cp");
                free(shown_dst);
                shown_dst = top;
        }
        ctx.dst_top = dst.dir;
        ctx.shown_dst = shown_dst;
        ctx.top_name_len = strlen(dst.name);
        return copy_entry(&ctx, src_dir, src_name, dst.dir, dst.name, dst.name, shown_src);
}
