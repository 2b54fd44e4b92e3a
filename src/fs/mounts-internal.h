/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* What mounts.c (the standard mounts) and mounts-user.c (the user's)
 * share. */

#include "mounts.h"

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
