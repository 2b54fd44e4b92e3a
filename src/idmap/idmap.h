/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* Identity mapping: the user's subordinate ranges from libsubid, the
 * uid/gid map plan for each mode, and writing it (newuidmap/newgidmap
 * started concurrently, or a direct write for a single id). */

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>
#include "profile.h"

/* The kernel accepts at most 340 lines in a map (since 4.15). */
#define IDMAP_MAX_LINES 340
/* ... and takes a map in one write() shorter than a page (map_write()
 * refuses count >= PAGE_SIZE); 4096 is the smallest page. */
#define IDMAP_MAX_BYTES 4095

struct idmap_plan {
        enum idmap_mode mode;           /* resolved: SUBID, KEEP_ID or SINGLE */
        struct id_triple uid[IDMAP_MAX_LINES];
        size_t n_uid;
        struct id_triple gid[IDMAP_MAX_LINES];
        size_t n_gid;
        bool use_helpers;               /* false: written directly, setgroups deny */
        bool setgroups_denied;          /* setgroups() will fail inside: written directly,
                                         * or newgidmap denies it (no subgid line) */
        bool from_auto;                 /* mode was chosen by `auto` */
        bool explicit_uid;              /* uid[] came from UID=/--uidmap lines */
        bool explicit_gid;
        uid_t host_uid;
        gid_t host_gid;
        uid_t inside_uid;               /* what the launcher's uid is inside; */
        gid_t inside_gid;               /* (uid_t) -1 when an explicit map leaves it out
                                         * (idmap_plan() refuses such a map) */
        char *uid_helper;               /* use_helpers: paths of newuidmap/newgidmap */
        char *gid_helper;
        char *fallback_reason;          /* auto -> single: why (already printed) */
        pid_t subid_helper;             /* userbox-subid, to reap (idmap_reap_helper) */
};

/* A running map write. Zero-initialised (or after idmap_finish) it holds
 * nothing, and idmap_finish on it returns 0. */
struct idmap_job {
        bool running;
        pid_t target;
        pid_t helper[2];                /* newuidmap, newgidmap; 0 when none */
        int output[2];                  /* read end of each helper's stderr */
};

/* Pure: the plan for mode from the user's granted ranges (each granted
 * triple: inside ignored, outside = start, count). Explicit triples, when
 * given, replace the mode's plan for that id type and are checked against
 * the grant: each line maps either the user's own id alone (count 1) or
 * host ids inside the granted ranges; no overflow, no overlap, at most
 * IDMAP_MAX_LINES lines. IDMAP_AUTO here resolves on the ranges alone
 * (idmap_plan() also checks the helpers). Returns 0, or -EINVAL / -ERANGE /
 * -EPERM / -E2BIG / -ENOENT (subid or keep-id without ranges) and sets
 * *reason (malloc'd, NULL on success; reason may be NULL). On failure *ret
 * holds nothing to free. */
int idmap_plan_from_ranges(enum idmap_mode mode, uid_t uid, gid_t gid,
                           const struct id_triple *uid_ranges, size_t n_uid_ranges,
                           const struct id_triple *gid_ranges, size_t n_gid_ranges,
                           const struct id_triple *explicit_uid, size_t n_explicit_uid,
                           const struct id_triple *explicit_gid, size_t n_explicit_gid,
                           struct idmap_plan *ret, char **reason);

/* Pure: 0 when the container ids uid and gid are in the plan's maps
 * ((uid_t) -1 or (gid_t) -1: not checked), else -ERANGE with *reason
 * naming the id and the container ids the map holds. */
int idmap_check_inside(const struct idmap_plan *p, uid_t uid, gid_t gid, char **reason);

/* Parses "INSIDE:OUTSIDE:COUNT": -EINVAL on garbage or a zero count,
 * -ERANGE when INSIDE+COUNT or OUTSIDE+COUNT passes 2^32-1. */
int idmap_parse_triple(const char *s, struct id_triple *ret);

/* Parent, before clone: looks up the ranges (libsubid, by user name, in
 * the userbox-subid helper) and newuidmap/newgidmap, resolves auto (one warning line when it falls back), checks
 * everything. Prints errors. */
int idmap_plan(const struct config *c, struct idmap_plan *ret);
void idmap_plan_done(struct idmap_plan *p);
/* Reaps userbox-subid, which closed its answer before exiting: called once
 * the map is written, when it is long gone (idmap_plan_done does it too). */
void idmap_reap_helper(struct idmap_plan *p);

/* Parent, after clone: starts both helpers at once (posix_spawn) or writes
 * the single-id map directly (setgroups "deny" first). idmap_finish waits
 * for both helpers, even when one failed, and shows a helper's own failure
 * message verbatim. Both print errors. When idmap_start fails nothing is
 * left running. The plan must outlive the job. */
int idmap_start(const struct idmap_plan *p, pid_t target, struct idmap_job *job);
int idmap_finish(struct idmap_job *job);

/* What the text of an nsswitch.conf says of the sources libsubid consults
 * for a user's ranges (a missing line, or a missing file, means "files",
 * as in glibc): whether "subid" names a service (sss, ...) that libsubid
 * asks instead of /etc/subuid and /etc/subgid, and for passwd and group,
 * which libsubid uses to match numeric owners, whether "files" comes first
 * (and for group, whether it is alone). Read conservatively: a line libsubid or glibc
 * would skip (indented, say) still counts. */
struct idmap_nss_sources {
        bool subid_service;
        bool passwd_files_first;
        bool group_files_first, group_files_only;
};
void idmap_nss_sources(const char *text, struct idmap_nss_sources *ret);

/* The one table of mode names, which [IDMap] Mode= and --idmap parse too:
 * "auto", "subid", "keep-id", "single" (IDMAP_UNSET reads "auto", the
 * default); NULL when out of range. */
const char *idmap_mode_to_string(enum idmap_mode mode);
/* The mode a name stands for (never IDMAP_UNSET), or -EINVAL. */
int idmap_mode_from_string(const char *name);

/* `userbox config`: "# uid_map: INSIDE OUTSIDE COUNT", "# gid_map: ..."
 * and "# idmap: MODE (reason)" lines (comments: the output stays INI). */
void idmap_print(const struct idmap_plan *p, FILE *f);
