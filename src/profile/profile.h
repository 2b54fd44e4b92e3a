/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* Profiles: the key table (section, key, parser, destination), the search
 * path, Include=, strict FILE:LINE errors, and printing a merged config back
 * as INI. The command line goes through the same key table (profile_set)
 * so a CLI option and its profile key can never disagree. */

#include <stdbool.h>
#include <stdint.h>
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
 * $(sysconfdir)/userbox, and the shipped profiles (self_profile_dir():
 * the source tree's conf/ for a binary in its build directory).
 * Overridable for tests with USERBOX_PROFILE_PATH (colon-separated). */
int profile_search_path(char ***ret);

/* `userbox config`: the merged configuration as a loadable INI profile, each
 * value commented with its origin. */
int profile_print(const struct config *c, FILE *f);

/* `userbox profiles`: every profile on the search path, then the
 * directories searched. */
int profile_list(FILE *f);

/* Parses a profile held in memory, named file in messages, with the same
 * rules as a file (line limit, strict errors, duplicates). Include= is
 * refused unless allow_include (the fuzz target and unit tests use this
 * without touching the file system). Prints errors; -EINVAL on the first. */
int profile_load_string(struct config *c, const char *file, const char *text, size_t size,
                        bool allow_include);

/* The [Mounts] specs, shared by Bind=/BindReadOnly=/Tmpfs= and the CLI's
 * --bind/--ro-bind/--tmpfs: "SRC[:DST[:OPTS]]" and "DST[:OPTS]". Relative
 * sources are refused in files and made absolute on the command line.
 * Fill *ret (free with profile_mount_entry_done) or set *reason. */
int profile_parse_bind(const char *spec, bool read_only, bool command_line,
                       struct mount_entry *ret, char **reason);
int profile_parse_tmpfs(const char *spec, struct mount_entry *ret, char **reason);

/* The [Limits] name of an RLIMIT_* resource ("NOFILE"), NULL when it has
 * none: from the profile key table, the one list of these names. */
const char *profile_rlimit_name(int resource);
void profile_mount_entry_done(struct mount_entry *m);

/* One "[Section] Key" line per row of the key table ("[Environment] NAME"
 * for the variables, one line per rlimit), for the man page check. */
void profile_keys_print(FILE *f);

/* The line recorded in a setting's origin when it came from the command
 * line (its file is NULL; line 0 with file NULL means "never set"). */
#define PROFILE_LINE_COMMAND_LINE UINT32_MAX

/* Whether nobody but the user or root may have written the regular file
 * at path or put it there (the checks of a profile file, userbox.ini(5),
 * FILE CHECKS): 0, or -errno with *reason (malloc'd) saying why not. */
int profile_file_trusted(const char *path, char **reason);
