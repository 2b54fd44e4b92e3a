/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdio.h>
#include "config.h"
#include "idmap.h"
#include "rootfs.h"

/* Parent: expands device classes (fuse, kvm, tun, dri) and checks that each
 * host path is a character or block device. Prints its errors. */
int devices_prepare(const struct config *c, struct rootfs_device **ret, size_t *ret_n);
void devices_free(struct rootfs_device *d, size_t n);

/* The container's /dev: a tmpfs with null zero full random urandom tty (by
 * mknod where permitted, else bound from the host onto empty files),
 * devpts + ptmx, shm, mqueue, the fd/std links, and the extra devices.
 * devfd is the freshly mounted /dev tmpfs. */
int devices_populate(const struct config *c, const struct rootfs_plan *p, int rootfd, int devfd,
                     bool tty_gid_mapped);
/* The extra devices outside /dev, after the user's mounts: one below a
 * user's --tmpfs or --bind lands on it, not under it. */
int devices_populate_outside_dev(const struct rootfs_plan *p, int rootfd);
/* Whether a --device goes outside /dev (a read-only root then waits for
 * the id map to make its file). */
bool devices_any_outside_dev(const struct rootfs_plan *p);
/* Whether the id map gives the container the tty group (gid 5): devpts
 * refuses a gid= that is not mapped (the single-id map). */
bool devices_tty_gid_mapped(const struct idmap_plan *plan);

void devices_print(const struct config *c, const struct rootfs_plan *p, FILE *f);
