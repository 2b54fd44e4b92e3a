/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <sys/types.h>

/* Resolves --user NAME or UID[:GID] with the container's /etc/passwd and
 * /etc/group, read through rootfd (in-root resolution, regular files only,
 * size-capped, never a FIFO). A numeric UID without an entry is allowed.
 * *home is the passwd home (malloc'd) or NULL; *groups the supplementary
 * groups (malloc'd). */
int user_resolve(int rootfd, const char *spec, uid_t *uid, gid_t *gid, char **home,
                 gid_t **groups, size_t *n_groups);
