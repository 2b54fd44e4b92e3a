/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* Standard mounts (/proc with masks, /sys, /tmp, /run, /dev) from one table
 * (mounts.c), the user's binds and tmpfs (mounts-user.c; destinations
 * resolved by resolve.h). */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "config.h"
#include "rootfs.h"

/* Makes every user mount point that is missing, while the root is still
 * writable (before it is made read-only). */
int mounts_create_user_mount_points(const struct config *c, const struct rootfs_plan *p, int rootfd);

/* The standard table (/proc and its masks, /sys, /tmp, /run, /dev) is made
 * in two passes. Until the id map is written the child can mount but cannot
 * create a file on a file system of its own (no id of its namespace is
 * mapped: EOVERFLOW), so the first pass mounts every file system and does
 * what needs no new file, while newuidmap and newgidmap run; the second,
 * after the map, fills /dev and binds an empty file over masked files. */
int mounts_setup_standard(const struct config *c, const struct rootfs_plan *p, struct rootfs_state *s);
int mounts_fill_standard(const struct config *c, const struct rootfs_plan *p, const struct rootfs_state *s);
/* The user's mounts, in order, below the root fd (after the id map). */
int mounts_setup_user(const struct config *c, const struct rootfs_plan *p, int rootfd);

/* Checks a user mount destination before clone ("/", "..", /proc, /sys). */
int mounts_check_destination(const char *destination);

/* The "# mount:" lines of `userbox config`. */
void mounts_print_standard(const struct config *c, const struct rootfs_plan *p, FILE *f);
void mounts_print_user(const struct config *c, const struct rootfs_plan *p, FILE *f);

/* Clones the tree at (dirfd, path) — recursively when recursive — applies
 * the MOUNT_ATTR_* bits in attr to all of it, and attaches it on target_fd.
 * The attributes are set while the clone is detached, so there is no moment
 * where the mount is visible without them. Never prints. */
int mounts_bind_with_attr(int dirfd, const char *path, bool recursive, uint64_t attr, int target_fd);
