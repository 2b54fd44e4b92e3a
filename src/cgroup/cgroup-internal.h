/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* What the files of cgroup/ share. */
#include <stdbool.h>
#include "cgroup.h"
#include "util.h"

/* Where this process's cgroup of one controller is: what
 * /proc/self/cgroup and the mounts say. */
struct cgroup_place {
        int version;
        char *mount;            /* the hierarchy's mount point */
        char *own;              /* mount + the path /proc/self/cgroup gives */
};

/* The place of controller name (NULL: the v2 hierarchy's) from own, the
 * text of /proc/self/cgroup, where the usual layout mounts cgroups: 1
 * when it is there, 0 when only the mount table can say, -ENOMEM.
 * Prints nothing. */
int cgroup_usual_place(const char *own, const char *name, struct cgroup_place *ret);
/* The same from the text of /proc/self/mountinfo, any layout: a v1
 * mount that has the controller, else the v2 one. Name NULL: v2's,
 * -ENOENT unprinted when there is none; quiet: -EACCES unprinted when
 * there is none; otherwise the error is printed. */
int cgroup_mounted_place(const char *mountinfo, const char *own, const char *name, bool quiet,
                         struct cgroup_place *ret);

/* Writable by us, and a process may be moved into it. */
bool cgroup_writable(const char *dir);
/* word is one of list's words, separated by any of separators. */
bool cgroup_word_in_list(const char *word, const char *list, const char *separators);
/* "ORIGIN: reason", ORIGIN the limit's key line or --limit option, or
 * its config.json field. Returns -EINVAL. */
_printf_(3, 4)
int cgroup_limit_error(const struct config *c, const struct cgroup_write *w, const char *format, ...);
