/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include "rootfs.h"

/* The root's overlay over the root directory lower (an O_PATH fd opened
 * once): *ret_rootfd names it; *ret_detached: it is not attached anywhere
 * yet (the caller attaches it onto lower). Prints its errors. */
int rootfs_overlay_mount(const struct rootfs_plan *p, int lower, int *ret_rootfd, bool *ret_detached);
/* The layers as lowerdir wants them, each followed by ':', topmost first,
 * each path from offset skip on. */
int rootfs_join_layers(const struct rootfs_plan *p, size_t skip, char **ret);
