/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "config.h"

/* The container's /dev: a tmpfs with null zero full random urandom tty (by
 * mknod where permitted, else bound from the host onto empty files),
 * devpts + ptmx, shm, mqueue, the fd/std links, and c->devices. */
int devices_populate(const struct config *c, int rootfd);
