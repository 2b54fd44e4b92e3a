/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* What only the files of fs/ share. */

#include <stdbool.h>
#include "fs.h"

/* Paths of the root directory resolved inside it: a symlink in the image
 * (/dev -> /home/u/victim, /mnt/x -> ../../../etc) can never lead userbox
 * to create, chown or mount anything outside the root, as string
 * concatenation would: no file of the root directory is trusted. */

/* Opens path inside the root dirfd (openat2 RESOLVE_IN_ROOT |
 * RESOLVE_NO_MAGICLINKS; fallback without openat2: a component-wise
 * O_NOFOLLOW walk that refuses symlinks and ".."), creating missing
 * components when create is set (directories, or an empty file for the last
 * component when want_file). A dangling symlink on the way is followed
 * inside the root (relative to its directory, absolute from the root) and
 * its missing target is created there, as for any missing path; at most 40
 * links, then -ELOOP. Returns an O_CLOEXEC fd (O_PATH unless just created),
 * or -EXDEV when a component would have to be created inside /proc, /sys or
 * another kernel pseudo file system. Never prints. */
int resolve_in_root(int rootfd, const char *path, bool create, bool want_file);

/* True when fd is on procfs, sysfs, cgroupfs or another kernel pseudo file
 * system that no mount of the user may land on. */
bool resolve_is_kernel_fs(int fd);

/* The kernel's path of what fd refers to, in this mount namespace (the
 * /proc/self/fd/N link). Returns 0 or -errno; never prints. */
int resolve_kernel_path(int fd, char **ret);

/* 1 when fd is the root's /proc or /sys or below them, 0 when not, -errno
 * when its path cannot be read; root_path is resolve_kernel_path() of the
 * root. The file system type alone misses the tmpfs mounts there: the masks
 * inside /proc, /sys/fs/cgroup on a cgroup v1 host. */
int resolve_is_in_kernel_dirs(int fd, const char *root_path);

/* "/proc/self/fd/N": how mount(2) and overlayfs are pointed at an fd that
 * was resolved inside the root, instead of at a path string. */
#define RESOLVE_FD_PATH_MAX 32
const char *resolve_fd_path(char buf[static RESOLVE_FD_PATH_MAX], int fd);

/* The root's overlay over the root directory lower (an O_PATH fd opened
 * once): *ret_rootfd names it; *ret_detached: it is not attached anywhere
 * yet (the caller attaches it onto lower). Prints its errors. */
int rootfs_overlay_mount(const struct rootfs_plan *p, int lower, int *ret_rootfd, bool *ret_detached);
/* The layers as lowerdir wants them, each followed by ':', topmost first,
 * each path from offset skip on. */
int rootfs_join_layers(const struct rootfs_plan *p, size_t skip, char **ret);

/* What mounts.c (the standard mounts) and mounts-user.c (the user's)
 * share. */

/* mounts_bind_with_attr(), attached on target_fd itself (target_name "")
 * or on the name in it, following no symlink there. */
int mounts_bind_with_attr_at(int dirfd, const char *path, bool recursive, uint64_t attr, int target_fd,
                             const char *target_name);
/* mount(2) onto the file system object fd was opened on. */
int mounts_mount_on_fd(const char *source, int fd, const char *type, unsigned long flags, const char *data);
/* Why a bind failed, when the kernel is too old for the mount API. */
const char *mounts_attr_hint(int r);
/* Is dest on a standard tmpfs (/tmp, /run, /dev) that is mounted after the
 * root is made read-only? */
bool mounts_below_standard_tmpfs(const struct config *c, const struct rootfs_plan *p, const char *dest);
/* One "# mount:" line of `userbox config`. */
void mounts_print_line(FILE *f, const char *type, const char *source, const char *dest, const char *prefix,
                       unsigned long flags, const char *data);

/* etc-view.c: when p->etc_view, the container's /etc becomes a tmpfs
 * with the root's entries bound in and the files in_etc_view made empty
 * beside them; *ret_fd names it. rootfd: the root's mount, attached and
 * still bindable; after the id map. Prints its errors. */
int etc_view_setup(const struct rootfs_plan *p, int rootfd, int *ret_fd);
/* Once the user's mount points in it are made: the view's own directory
 * read-only, *fd closed. Nothing to do when *fd is -1. */
int etc_view_seal(int *fd);

/* What copy.c and copy-paths.c share: the paths the user wrote, opened. */

/* Where the copy's top entry goes. */
struct copy_destination {
        int dir;                /* the directory it is made in */
        char *name;             /* its name there; "." for dir itself */
        bool into_dir;          /* the destination is an existing directory: the
                                 * copy goes into it under the source's name */
        bool must_be_dir;       /* it names a directory that does not exist yet
                                 * (a trailing slash) */
};

void copy_destination_done(struct copy_destination *d);

/* When the destination is an existing directory, the copy goes into it
 * under src_name (when there is one). */
int copy_resolve_destination(const char *dst, const char *src_name, struct copy_destination *ret);

/* The last component of path, which names the copy when the destination
 * is an existing directory; *ret NULL when there is none ("/", "..", "."). */
int copy_last_component(const char *path, char **ret);

/* Opens the directory that holds path and returns the last component in
 * *ret_name, or "." with path itself opened when it has no last component
 * or must be a directory (a trailing slash). Returns the fd or -errno. */
int copy_open_parent(const char *path, char **ret_name);

/* "ROOT:PATH", as the user wrote it, for messages. NULL on ENOMEM. */
char *copy_shown_in_root(const char *root, const char *path);
