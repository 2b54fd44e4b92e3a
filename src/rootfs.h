/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* The container's file system view (design §4): propagation cut from the
 * host, the root bind (with overlay and layers), the standard mounts, /dev,
 * the user's mounts, pivot_root and the old root detached. */

#include <stdio.h>
#include "config.h"

struct rootfs_plan;

/* Parent, before clone: checks the root and every mount source (existence,
 * type), resolves symlinked sources on the host, plans /proc and /dev
 * creation. Prints errors ("userbox: root '/x': No such file or directory").
 * No namespace exists yet, so nothing can be left behind. */
int rootfs_prepare(const struct config *c, struct rootfs_plan **ret);
void rootfs_plan_free(struct rootfs_plan *p);

/* Child, in the new user+mount namespace, after the id map is written:
 * builds the whole view and pivots into it; on return the cwd is the
 * container's working directory (c->working_directory, else "/") and "/"
 * is the container root. Errors go through log_errno (deferred in the
 * child) with the path and the step. */
int rootfs_setup(const struct config *c, const struct rootfs_plan *p);

/* `userbox config`: the mount plan, one line per mount. */
void rootfs_print_plan(const struct config *c, const struct rootfs_plan *p, FILE *f);
