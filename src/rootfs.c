/* SPDX-License-Identifier: Apache-2.0 */
/* STUB: replaced by the filesystem work. */
#include "rootfs.h"
#include "util.h"
int rootfs_prepare(const struct config *c, struct rootfs_plan **ret) { *ret = NULL; return 0; }
void rootfs_plan_free(struct rootfs_plan *p) {}
int rootfs_setup(const struct config *c, const struct rootfs_plan *p) { return -ENOSYS; }
void rootfs_print_plan(const struct config *c, const struct rootfs_plan *p, FILE *f) {}
