/* SPDX-License-Identifier: Apache-2.0 */
/* STUB: replaced by the idmap work. */
#include "idmap.h"
#include "util.h"
int idmap_plan_from_ranges(enum idmap_mode mode, uid_t uid, gid_t gid,
                           const struct id_triple *uid_ranges, size_t n_uid_ranges,
                           const struct id_triple *gid_ranges, size_t n_gid_ranges,
                           const struct id_triple *explicit_uid, size_t n_explicit_uid,
                           const struct id_triple *explicit_gid, size_t n_explicit_gid,
                           struct idmap_plan *ret, char **reason) { return -ENOSYS; }
int idmap_parse_triple(const char *s, struct id_triple *ret) { return -ENOSYS; }
int idmap_plan(const struct config *c, struct idmap_plan *ret) { return -ENOSYS; }
void idmap_plan_done(struct idmap_plan *p) {}
int idmap_start(const struct idmap_plan *p, pid_t target, struct idmap_job *job) { return -ENOSYS; }
int idmap_finish(struct idmap_job *job) { return -ENOSYS; }
void idmap_print(const struct idmap_plan *p, FILE *f) {}
