/* SPDX-License-Identifier: Apache-2.0 */
/* STUB: replaced by the profile work. */
#include "profile.h"
#include "util.h"
int profile_set(struct config *c, const char *section, const char *key, const char *value,
                const struct origin *o, char **reason) { *reason = strdup("not implemented"); return -ENOSYS; }
int profile_load(struct config *c, const char *name, bool load_default) { return 0; }
int profile_search_path(char ***ret) { return -ENOSYS; }
int profile_print(const struct config *c, FILE *f) { return -ENOSYS; }
int profile_list(FILE *f) { return -ENOSYS; }
