/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* Paths of the root directory resolved inside it: a symlink in the image
 * (/dev -> /home/u/victim, /mnt/x -> ../../../etc) can never lead userbox
 * outside the root (design §4, §6). */

#include <stdbool.h>

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
