/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* Profiles: the key table (section, key, parser, destination), the search
 * path, Include=, strict FILE:LINE errors, and printing a merged config back
 * as INI. The command line goes through the same key table (profile_set)
 * so a CLI option and its profile key can never disagree. */

#include <stdio.h>
#include "config.h"

/* Applies one setting. o->file == NULL means the command line. On failure
 * returns -errno and sets *reason to a malloc'd sentence without location
 * ("not a boolean: 'maybe'"); the caller adds FILE:LINE or the option. */
int profile_set(struct config *c, const char *section, const char *key, const char *value,
                const struct origin *o, char **reason);

/* Loads default.ini from the search path (when load_default) and then the
 * profile NAME (a name on the search path, or a path when it has a '/';
 * NULL for none), includes first. Prints every error as
 * "FILE:LINE: [Section] Key: reason" and returns -errno on the first. */
int profile_load(struct config *c, const char *name, bool load_default);

/* The search path: $XDG_CONFIG_HOME/userbox (or ~/.config/userbox),
 * SYSCONFPROFILEDIR, PROFILEDIR. Overridable for tests with
 * USERBOX_PROFILE_PATH (colon-separated). */
int profile_search_path(char ***ret);

/* `userbox config`: the merged configuration as a loadable INI profile, each
 * value commented with its origin. */
int profile_print(const struct config *c, FILE *f);

/* `userbox profiles`: every profile on the search path. */
int profile_list(FILE *f);
