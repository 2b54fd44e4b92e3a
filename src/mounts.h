/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* Standard mounts (/proc with masks, /sys, /tmp) from one table, the user's
 * binds and tmpfs, and destination resolution inside the root. */

#include "config.h"

/* Opens path inside the root dirfd (openat2 RESOLVE_IN_ROOT |
 * RESOLVE_NO_MAGICLINKS; fallback: component-wise O_NOFOLLOW walk),
 * creating missing components when create is set (directory, or an empty
 * file for the last component when want_file). Returns an O_PATH fd. */
int mounts_open_in_root(int rootfd, const char *path, bool create, bool want_file);

/* Mounts the standard table and the user's mounts below the root fd. */
int mounts_setup_standard(const struct config *c, int rootfd);
int mounts_setup_user(const struct config *c, int rootfd);
