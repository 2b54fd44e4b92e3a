/* SPDX-License-Identifier: Apache-2.0 */
/* STUB: replaced by the security work. */
#include "caps.h"
#include "util.h"
int caps_from_name(const char *name, int *ret) { return -ENOSYS; }
const char *caps_to_name(int cap) { return NULL; }
int caps_last_cap(void) { return 40; }
int caps_apply(uint64_t keep, uid_t uid, gid_t gid, const gid_t *groups, size_t n_groups,
               bool setgroups_allowed) { return -ENOSYS; }
