/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <sys/types.h>
#include "util.h"
#include "idmap.h"

/* An id range must not reach (uint32_t) -1, the kernel's "no id". */
#define ID_LIMIT ((uint64_t) UINT32_MAX)

#define MIN(a, b) ((a) < (b) ? (a) : (b))

/* What differs between the uid and the gid side: [0] is uid, [1] gid. */
struct idmap_kind {
        const char *name;               /* "uid" */
        const char *file;               /* where libsubid's files backend reads */
        const char *helper;             /* "newuidmap" */
        const char *configured;         /* where configure found the helper */
        enum config_key key;            /* the explicit lines: [IDMap] UID= or --uidmap */
        const char *key_name;
        const char *option;
};
extern const struct idmap_kind idmap_kinds[2];

/* No line maps anything but the user's own id, alone (count 1): true for
 * no lines at all. Such a map needs neither the grant nor the helpers. */
bool idmap_lines_own_id_only(const struct id_triple *lines, size_t n, uint32_t own);

/* Returns r, and unless reason is NULL sets *reason (freed first) to the
 * formatted text, NULL when out of memory. */
int idmap_fail(char **reason, int r, const char *fmt, ...) _printf_(3, 4);

/* The user's grant, for idmap-host.c: what userbox-subid answers (the user
 * name and the subordinate ranges libsubid reads), or its answer as
 * remembered in the user's cache. */

/* What userbox-subid answered (the protocol is in helpers/userbox-subid.c). */
struct subid_answer {
        char *helper;                   /* the userbox-subid that was run (or looked for) */
        char *user;                     /* NULL: no name in the user database */
        int status;                     /* its wait status, when it gave no answer */
        int result[2];                  /* uid, gid: 0 or -errno */
        struct id_triple *ranges[2];
        size_t n[2];
        size_t allocated[2];            /* slots of ranges[k] (array_reserve_one) */
};

void subid_answer_done(struct subid_answer *a);

/* Fills *a (zeroed first) from the cache, or by running userbox-subid,
 * whose standard error is ours. It closes its output before it exits:
 * *ret_pid is left to reap once its exit no longer delays a start
 * (reap_pidp). Returns 0, -EBADMSG when the helper gave no answer (a->status
 * says how it ended), or another -errno when it cannot run (a->helper names
 * it when it was found). */
int subid_ask(struct subid_answer *a, pid_t *ret_pid);
