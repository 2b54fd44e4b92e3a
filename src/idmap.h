/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* Identity mapping: the user's subordinate ranges from libsubid, the
 * uid/gid map plan for each mode, and writing it (newuidmap/newgidmap
 * started concurrently, or a direct write for a single id). */

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>
#include "config.h"

/* The kernel accepts at most 340 lines in a map (since 4.15). */
#define IDMAP_MAX_LINES 340

struct idmap_plan {
        enum idmap_mode mode;           /* resolved: SUBID, KEEP_ID or SINGLE */
        struct id_triple uid[IDMAP_MAX_LINES];
        size_t n_uid;
        struct id_triple gid[IDMAP_MAX_LINES];
        size_t n_gid;
        bool use_helpers;               /* false: written directly, setgroups deny */
        uid_t host_uid;
        gid_t host_gid;
        uid_t inside_uid;               /* what the launcher's uid is inside */
        gid_t inside_gid;
        char *fallback_reason;          /* auto -> single: why (already printed) */
};

/* A running map write: the helpers' pids. */
struct idmap_job {
        pid_t uid_helper;
        pid_t gid_helper;
        pid_t target;
};

/* Pure: the plan for mode from the user's granted ranges (each granted
 * triple has inside == 0, outside = start, count). Explicit triples, when
 * given, replace the mode's plan and are checked against the grant.
 * Returns -EINVAL/-ERANGE/-EPERM and sets *reason (malloc'd). */
int idmap_plan_from_ranges(enum idmap_mode mode, uid_t uid, gid_t gid,
                           const struct id_triple *uid_ranges, size_t n_uid_ranges,
                           const struct id_triple *gid_ranges, size_t n_gid_ranges,
                           const struct id_triple *explicit_uid, size_t n_explicit_uid,
                           const struct id_triple *explicit_gid, size_t n_explicit_gid,
                           struct idmap_plan *ret, char **reason);

/* Parses "INSIDE:OUTSIDE:COUNT" (overflow and zero counts refused). */
int idmap_parse_triple(const char *s, struct id_triple *ret);

/* Parent, before clone: looks up the ranges (libsubid, by user name) and
 * the helpers, resolves auto, checks everything. Prints errors. */
int idmap_plan(const struct config *c, struct idmap_plan *ret);
void idmap_plan_done(struct idmap_plan *p);

/* Parent, after clone: starts both helpers at once (posix_spawn) or writes
 * the single-id map directly. idmap_finish waits for the helpers and shows
 * a helper's own failure message. Both print errors. */
int idmap_start(const struct idmap_plan *p, pid_t target, struct idmap_job *job);
int idmap_finish(struct idmap_job *job);

/* `userbox config`: "uid_map: INSIDE OUTSIDE COUNT" lines. */
void idmap_print(const struct idmap_plan *p, FILE *f);
