/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* What the files of cgroup/ share. */
#include <stdbool.h>
#include "cgroup.h"
#include "util.h"

/* Writable by us, and a process may be moved into it. */
bool cgroup_writable(const char *dir);
/* word is one of list's words, separated by any of separators. */
bool cgroup_word_in_list(const char *word, const char *list, const char *separators);
/* "ORIGIN: reason", ORIGIN the limit's key line or --limit option, or
 * its config.json field. Returns -EINVAL. */
_printf_(3, 4)
int cgroup_limit_error(const struct config *c, const struct cgroup_write *w, const char *format, ...);
