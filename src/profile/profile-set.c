/* SPDX-License-Identifier: Apache-2.0 */
/* profile_set(): one setting, from a file or the command line, through the
 * key table; where it came from; suggestions for unknown names. */

#include "profile.h"
#include "profile-internal.h"
#include "util.h"


bool profile_section_known(const char *section) {
        for (size_t i = 0; i < profile_n_sections; i++)
                if (streq(profile_sections[i], section))
                        return true;
        return false;
}

const struct profile_key *profile_key_find(const char *section, const char *key) {
        /* The same key often comes many times in a row (1000 --bind). */
        static const struct profile_key *last;
        const struct profile_key *any = NULL;

        if (last && last->key && streq(last->key, key) && streq(last->section, section))
                return last;
        for (size_t i = 0; i < profile_n_keys; i++) {
                if (!streq(profile_keys[i].section, section))
                        continue;
                if (!profile_keys[i].key)
                        any = &profile_keys[i];
                else if (streq(profile_keys[i].key, key))
                        return last = &profile_keys[i];
        }
        return any;
}

char *profile_unknown_section_reason(const char *section) {
        const char *s = string_closest(section, profile_sections, profile_n_sections);
        char *reason = NULL;
        if (s)
                profile_reason(&reason, 0, "unknown section, did you mean '%s'?", s);
        else
                profile_reason(&reason, 0, "unknown section");
        return reason;
}

char *profile_unknown_key_reason(const char *section, const char *key, bool name_key) {
        _cleanup_free_ const char **keys = calloc(profile_n_keys, sizeof(char *));
        _cleanup_free_ char *what = NULL;
        size_t n = 0;
        const char *s;
        char *reason = NULL;

        if (!keys || asprintf(&what, name_key ? "unknown key '%s'" : "unknown key", key) < 0)
                return NULL;
        for (size_t i = 0; i < profile_n_keys; i++)
                if (profile_keys[i].key && streq(profile_keys[i].key, key)) {
                        profile_reason(&reason, 0, "%s in [%s], it belongs in [%s]", what, section,
                                       profile_keys[i].section);
                        return reason;
                }
        for (size_t i = 0; i < profile_n_keys; i++)
                if (streq(profile_keys[i].section, section))
                        keys[n++] = profile_keys[i].key;
        s = string_closest(key, keys, n);
        if (s)
                profile_reason(&reason, 0, "%s, did you mean '%s'?", what, s);
        else
                profile_reason(&reason, 0, "%s", what);
        return reason;
}

bool profile_origin_is_command_line(const struct origin *o) {
        return !o->file && o->line;
}

/* Origins point into c->origin_files, one copy per file. */
int profile_origin_intern(struct config *c, const struct origin *o, struct origin *ret) {
        size_t n = strv_length(c->origin_files);

        if (!o || !o->file) {
                *ret = (struct origin) { NULL, PROFILE_LINE_COMMAND_LINE };
                return 0;
        }
        for (size_t i = n; i > 0; i--)
                if (c->origin_files[i - 1] == o->file || streq(c->origin_files[i - 1], o->file)) {
                        *ret = (struct origin) { c->origin_files[i - 1], o->line };
                        return 0;
                }
        if (strv_extend(&c->origin_files, o->file) < 0)
                return -ENOMEM;
        *ret = (struct origin) { c->origin_files[n], o->line };
        return 0;
}

int profile_origins_reserve(struct origin_list *origins, size_t n) {
        struct origin *at = array_reserve_one(origins->at, n, &origins->allocated, sizeof(*at));

        if (!at)
                return -ENOMEM;
        if (!origins->at)
                memset(at, 0, n * sizeof(*at));
        origins->at = at;
        return 0;
}

int profile_list_append(char ***list, struct origin_list *origins, const char *value, const struct origin *o) {
        size_t n = strv_length(*list);
        if (profile_origins_reserve(origins, n) < 0 || strv_extend(list, value) < 0)
                return -ENOMEM;
        origins->at[n] = *o;
        return 0;
}

void profile_list_remove(char **list, struct origin_list *origins, size_t i) {
        size_t n = strv_length(list);
        free(list[i]);
        /* The list's move keeps its NULL terminator. */
        memmove(list + i, list + i + 1, (n - i) * sizeof(*list));
        if (origins->at)
                memmove(origins->at + i, origins->at + i + 1, (n - i - 1) * sizeof(*origins->at));
}

void profile_caps_set(uint64_t *mask, struct origin origins[64], uint64_t set, const struct origin *o) {
        for (int cap = 0; cap < 64; cap++)
                if ((set & ~*mask) & (UINT64_C(1) << cap))
                        origins[cap] = *o;
        *mask |= set;
}

void profile_caps_clear(uint64_t *mask, struct origin origins[64], uint64_t set) {
        for (int cap = 0; cap < 64; cap++)
                if ((set & *mask) & (UINT64_C(1) << cap))
                        origins[cap] = (struct origin) { NULL, 0 };
        *mask &= ~set;
}

int profile_set(struct config *c, const char *section, const char *key, const char *value,
                const struct origin *o, char **reason) {
        const struct profile_key *k;
        struct origin origin;
        int r;

        *reason = NULL;
        if (!profile_section_known(section)) {
                *reason = profile_unknown_section_reason(section);
                return -EINVAL;
        }
        k = profile_key_find(section, key);
        if (!k) {
                /* The command line's --limit NAME=VALUE has no "[Section] Key:"
                 * prefix to name the key. */
                *reason = profile_unknown_key_reason(section, key, !o || !o->file);
                return -EINVAL;
        }
        if (string_has_cc(value))
                return profile_reason(reason, -EINVAL, "control character in value");
        r = profile_origin_intern(c, o, &origin);
        if (r < 0)
                return OOM(reason);
        /* The command line masks the files whatever order they come in. */
        if (!k->repeatable && k->id != KEY_RLIMIT && origin.file &&
            profile_origin_is_command_line(&c->origins[k->id]))
                return 0;
        r = k->parse(c, k, key, value, &origin, reason);
        if (r < 0)
                return r;
        c->origins[k->id] = origin;
        return 0;
}

int profile_set_command(struct config *c, char *const *argv) {
        char **copy = strv_copy(argv);

        if (!copy)
                return -ENOMEM;
        strv_free(c->command);
        c->command = copy;
        c->origins[KEY_COMMAND] = (struct origin) { NULL, PROFILE_LINE_COMMAND_LINE };
        return 0;
}

void profile_keys_print(FILE *f) {
        for (size_t i = 0; i < profile_n_keys; i++)
                fprintf(f, "[%s] %s\n", profile_keys[i].section, profile_keys[i].key ?: "NAME");
}
