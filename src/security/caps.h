/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* "CHOWN", "cap_chown", "CAP_CHOWN" (any case) -> CAP_CHOWN; -EINVAL. */
int caps_from_name(const char *name, int *ret);
/* "CHOWN" for CAP_CHOWN (static string), NULL when unknown. */
const char *caps_to_name(int cap);
/* Highest capability the running kernel knows. */
int caps_last_cap(void);

/* Right before exec, in the container: reduces the bounding set to keep,
 * switches to uid/gid, and to the supplementary groups when set_groups
 * (else the process keeps the ones it has), leaves permitted = effective =
 * keep for uid 0 and empty for any other uid, inheritable and ambient
 * empty. */
int caps_apply(uint64_t keep, uid_t uid, gid_t gid, const gid_t *groups, size_t n_groups,
               bool set_groups);
