/* SPDX-License-Identifier: Apache-2.0 */
/* The keys whose lines add to a list: id-map ranges, mounts, devices, the
 * environment, capabilities, system calls and limits. Each entry keeps the
 * origin of the line that made it, and each list has its rule for a
 * repeated entry (kept where it came first, or replaced in place). */
#include <ctype.h>

#include "security.h"
#include "idmap.h"
#include "profile.h"
#include "profile-internal.h"
#include "util.h"

static bool triple_equal(const struct id_triple *a, const struct id_triple *b) {
        return a->inside == b->inside && a->outside == b->outside && a->count == b->count;
}

int profile_add_id_range(struct config *c, const struct profile_key *k, const char *key _unused_,
                         const char *value, const struct origin *o, char **reason) {
        bool uid = k->id == KEY_IDMAP_UID;
        struct id_triple t, **list = uid ? &c->uid_map : &c->gid_map, *nl;
        size_t *n = uid ? &c->n_uid_map : &c->n_gid_map;
        size_t *allocated = uid ? &c->n_uid_map_allocated : &c->n_gid_map_allocated;
        struct origin_list *origins = uid ? &c->uid_map_origins : &c->gid_map_origins;
        int r = idmap_parse_triple(value, &t);

        if (r < 0)
                return profile_reason(reason, -EINVAL, "not an INSIDE:OUTSIDE:COUNT id range: '%s'", value);
        /* A range given twice stays where, and from where, it came first. */
        for (size_t i = 0; i < *n; i++)
                if (triple_equal(&(*list)[i], &t))
                        return 0;
        if (*n >= IDMAP_MAX_LINES)
                return profile_reason(reason, -E2BIG, "more than %d ranges (the kernel's limit)", IDMAP_MAX_LINES);
        if (profile_origins_reserve(origins, *n) < 0)
                return OOM(reason);
        nl = array_reserve_one(*list, *n, allocated, sizeof(*nl));
        if (!nl)
                return OOM(reason);
        origins->at[*n] = *o;
        nl[(*n)++] = t;
        *list = nl;
        return 0;
}

static bool mount_equal(const struct mount_entry *a, const struct mount_entry *b) {
        return a->kind == b->kind && streq_ptr(a->source, b->source) && streq(a->destination, b->destination) &&
               a->read_only == b->read_only && a->nosuid == b->nosuid && a->nodev == b->nodev &&
               a->noexec == b->noexec && a->recursive == b->recursive && streq_ptr(a->data, b->data);
}

int profile_add_mount(struct config *c, const struct profile_key *k, const char *key _unused_,
                      const char *value, const struct origin *o, char **reason) {
        struct mount_entry m, *nl;
        int r = k->id == KEY_TMPFS ? profile_parse_tmpfs(value, &m, reason)
                                   : profile_parse_bind(value, k->id == KEY_BIND_READ_ONLY,
                                                        profile_origin_is_command_line(o), &m, reason);
        if (r < 0)
                return r;
        /* Loading the same mount twice (a printed profile that already holds
         * default.ini's mounts, loaded with default.ini) is one mount. Within
         * one file or the command line every line counts, so only mounts of
         * other sources are compared: those before the run of mounts that
         * share this one's source, which keeps 1000 --bind linear. */
        if (c->n_mounts == 0 || !streq_ptr(c->mounts[c->n_mounts - 1].origin.file, o->file))
                c->mounts_run_start = c->n_mounts;
        for (size_t i = 0; i < c->mounts_run_start; i++)
                if (!streq_ptr(c->mounts[i].origin.file, o->file) && mount_equal(&c->mounts[i], &m)) {
                        profile_mount_entry_done(&m);
                        return 0;
                }
        nl = array_reserve_one(c->mounts, c->n_mounts, &c->n_mounts_allocated, sizeof(*nl));
        if (!nl) {
                profile_mount_entry_done(&m);
                return OOM(reason);
        }
        m.origin = *o;
        nl[c->n_mounts++] = m;
        c->mounts = nl;
        return 0;
}

static int add_device(struct config *c, const char *host, const char *inside, const struct origin *o,
                      char **reason) {
        struct device_entry d, *nl;

        for (size_t i = 0; i < c->n_devices; i++)
                if (streq(c->devices[i].host_path, host) && streq(c->devices[i].container_path, inside))
                        return 0;
        d = (struct device_entry) { strdup(host), strdup(inside), *o };
        nl = d.host_path && d.container_path
                ? array_reserve_one(c->devices, c->n_devices, &c->n_devices_allocated, sizeof(*nl)) : NULL;
        if (!nl) {
                profile_device_entry_done(&d);
                return OOM(reason);
        }
        nl[c->n_devices++] = d;
        c->devices = nl;
        return 0;
}

int profile_add_device(struct config *c, const struct profile_key *k _unused_, const char *key _unused_,
                       const char *value, const struct origin *o, char **reason) {
        _cleanup_free_ char *host = NULL, *inside = NULL;
        const char *colon = strchr(value, ':');
        int r;

        if (!strchr(value, '/') && !colon && *value) {
                _cleanup_strv_free_ char **nodes = NULL;
                r = profile_device_class(value, &nodes, reason);
                if (r < 0)
                        return r;
                for (char **n = nodes; *n; n++) {
                        r = add_device(c, *n, *n, o, reason);
                        if (r < 0)
                                return r;
                }
                return 0;
        }
        if (colon && strchr(colon + 1, ':'))
                return profile_reason(reason, -EINVAL, "too many ':' in '%s' (PATH[:PATH_IN_CONTAINER])", value);
        host = colon ? strndup(value, (size_t) (colon - value)) : strdup(value);
        if (!host)
                return OOM(reason);
        r = profile_host_path(host, profile_origin_is_command_line(o), &inside, reason);
        if (r < 0)
                return r;
        free(host);
        host = TAKE_PTR(inside);
        if (colon)
                r = profile_container_path(colon + 1, &inside, reason);
        else
                r = (inside = strdup(host)) ? 0 : OOM(reason);
        if (r < 0)
                return r;
        return add_device(c, host, inside, o, reason);
}

bool profile_env_name_valid(const char *s) {
        if (!(isalpha((unsigned char) s[0]) || s[0] == '_'))
                return false;
        for (; *s; s++)
                if (!(isalnum((unsigned char) *s) || *s == '_'))
                        return false;
        return true;
}

#define BLANKS " \t"

/* The words of a list value, separated by any of separators: callers check
 * them all before applying any, so that a bad word changes nothing. */
static int split_words(const char *value, const char *separators, char ***ret, char **reason) {
        _cleanup_free_ char *copy = strdup(value);
        char *save = NULL;

        *ret = NULL;
        if (!copy)
                return OOM(reason);
        for (char *w = strtok_r(copy, separators, &save); w; w = strtok_r(NULL, separators, &save))
                if (strv_extend(ret, w) < 0)
                        return OOM(reason);
        return 0;
}

/* The index of NAME=... among the variables set, else their number. */
static size_t env_set_index(const struct config *c, const char *name) {
        size_t n = strlen(name), i = 0;
        for (; c->env_set && c->env_set[i]; i++)
                if (strncmp(c->env_set[i], name, n) == 0 && c->env_set[i][n] == '=')
                        break;
        return i;
}

static void env_set_forget(struct config *c, const char *name) {
        size_t i = env_set_index(c, name);
        if (c->env_set && c->env_set[i])
                profile_list_remove(c->env_set, &c->env_set_origins, i);
}

int profile_add_env_keep(struct config *c, const struct profile_key *k _unused_, const char *key _unused_,
                         const char *value, const struct origin *o, char **reason) {
        _cleanup_strv_free_ char **words = NULL;
        int r = split_words(value, BLANKS, &words, reason);
        if (r < 0)
                return r;
        for (char **w = words; w && *w; w++)
                if (!profile_env_name_valid(*w))
                        return profile_reason(reason, -EINVAL, "not a valid variable name: '%s'", *w);
        /* A name kept twice stays where, and from where, it came first. A
         * name set before (LANG=C.UTF-8 in debian.ini) is kept instead: the
         * later setting wins, as for any key. */
        for (char **w = words; w && *w; w++) {
                env_set_forget(c, *w);
                if (!strv_contains(c->env_keep, *w) &&
                    profile_list_append(&c->env_keep, &c->env_keep_origins, *w, o) < 0)
                        return OOM(reason);
        }
        return 0;
}

int profile_add_env_set(struct config *c, const struct profile_key *k _unused_, const char *key,
                        const char *value, const struct origin *o, char **reason) {
        size_t i;
        char *entry;

        if (!profile_env_name_valid(key))
                return profile_reason(reason, -EINVAL, "not a valid variable name: '%s'", key);
        if (asprintf(&entry, "%s=%s", key, value) < 0)
                return OOM(reason);
        /* Set after being kept: the later setting wins. */
        for (size_t j = 0; c->env_keep && c->env_keep[j]; j++)
                if (streq(c->env_keep[j], key)) {
                        profile_list_remove(c->env_keep, &c->env_keep_origins, j);
                        break;
                }
        /* A variable set again keeps its place; its value and origin are the
         * last ones. */
        i = env_set_index(c, key);
        if (c->env_set && c->env_set[i]) {
                free(c->env_set[i]);
                c->env_set[i] = entry;
                if (c->env_set_origins.at)
                        c->env_set_origins.at[i] = *o;
                return 0;
        }
        if (profile_origins_reserve(&c->env_set_origins, i) < 0) {
                free(entry);
                return OOM(reason);
        }
        if (strv_push(&c->env_set, entry) < 0)
                return OOM(reason);
        c->env_set_origins.at[i] = *o;
        return 0;
}

/* One line of an environment file, as docker's --env-file reads it: blanks
 * before the name are dropped, a blank line or one that starts with '#'
 * is skipped, NAME=VALUE sets NAME to the rest of the line as it is (no
 * quotes are removed: a value may hold anything but a newline), and NAME
 * alone passes the host's NAME through, as Keep= does. */
static int env_file_line(struct config *c, const struct profile_key *k, char *line, const struct origin *o,
                         char **reason) {
        char *eq;

        line += strspn(line, BLANKS);
        if (*line == '\0' || *line == '#')
                return 0;
        eq = strchr(line, '=');
        if (!eq)
                return profile_add_env_keep(c, k, NULL, line, o, reason);
        *eq = '\0';
        return profile_add_env_set(c, k, line, eq + 1, o, reason);
}

int profile_add_env_file(struct config *c, const struct profile_key *k, const char *key _unused_,
                         const char *value, const struct origin *o, char **reason) {
        _cleanup_free_ char *path = NULL, *line = NULL, *inner = NULL;
        _cleanup_fclose_ FILE *f = NULL;
        struct origin at;
        size_t size = 0;
        ssize_t n;
        int r = profile_host_path(value, profile_origin_is_command_line(o), &path, reason);

        if (r < 0)
                return r;
        f = fopen(path, "re");
        if (!f)
                return profile_reason(reason, -errno, "cannot read '%s': %s", path, strerror(errno));
        r = profile_origin_intern(c, &(struct origin) { path, 0 }, &at);
        if (r < 0)
                return OOM(reason);
        while ((n = getline(&line, &size, f)) > 0) {
                at.line++;
                if (line[n - 1] == '\n')
                        line[--n] = '\0';
                if (memchr(line, '\0', (size_t) n))
                        return profile_reason(reason, -EINVAL, "%s:%u: a NUL byte in the line", path, at.line);
                r = env_file_line(c, k, line, &at, &inner);
                if (r < 0)
                        return profile_reason(reason, r, "%s:%u: %s", path, at.line, inner ?: "out of memory");
        }
        if (ferror(f))
                return profile_reason(reason, -EIO, "cannot read '%s'", path);
        if (profile_list_append(&c->env_files, &c->env_files_origins, path, o) < 0)
                return OOM(reason);
        return 0;
}

static uint64_t all_capabilities(void) {
        int last = caps_last_cap();
        return last >= 63 ? UINT64_MAX : (UINT64_C(1) << (last + 1)) - 1;
}

/* Later settings win over earlier ones: a drop after an add removes the
 * capability, an add after a drop (or after "all") grants it. Names are
 * separated by blanks or commas (--cap-add CHOWN,SETUID, as docker takes
 * them). */
int profile_add_caps(struct config *c, const struct profile_key *k, const char *key _unused_,
                     const char *value, const struct origin *o, char **reason) {
        _cleanup_strv_free_ char **words = NULL;
        uint64_t set = 0;
        bool all = false;
        int r = split_words(value, BLANKS ",", &words, reason);

        if (r < 0)
                return r;
        for (char **w = words; w && *w; w++) {
                int cap;
                if (streq(*w, "all")) {
                        all = true;
                        continue;
                }
                if (caps_from_name(*w, &cap) < 0 || cap < 0 || cap > 63)
                        return profile_reason(reason, -EINVAL, "unknown capability: '%s'", *w);
                set |= UINT64_C(1) << cap;
        }
        if (k->id == KEY_CAP_DROP) {
                if (all) {
                        c->cap_drop_all = true;
                        c->cap_drop_all_origin = *o;
                        profile_caps_clear(&c->cap_add, c->cap_add_origin, UINT64_MAX);
                        profile_caps_clear(&c->cap_drop, c->cap_drop_origin, UINT64_MAX);
                }
                if (!c->cap_drop_all)
                        profile_caps_set(&c->cap_drop, c->cap_drop_origin, set, o);
                profile_caps_clear(&c->cap_add, c->cap_add_origin, set);
        } else {
                if (all)
                        set = all_capabilities();
                profile_caps_set(&c->cap_add, c->cap_add_origin, set, o);
                profile_caps_clear(&c->cap_drop, c->cap_drop_origin, set);
        }
        return 0;
}

int profile_add_syscalls(struct config *c, const struct profile_key *k, const char *key _unused_,
                         const char *value, const struct origin *o, char **reason) {
        _cleanup_strv_free_ char **words = NULL;
        bool deny = k->id == KEY_SECCOMP_DENY;
        char ***to = deny ? &c->seccomp_deny : &c->seccomp_allow;
        char ***from = deny ? &c->seccomp_allow : &c->seccomp_deny;
        struct origin_list *to_origins = deny ? &c->seccomp_deny_origins : &c->seccomp_allow_origins;
        struct origin_list *from_origins = deny ? &c->seccomp_allow_origins : &c->seccomp_deny_origins;
        int r = split_words(value, BLANKS, &words, reason);

        if (r < 0)
                return r;
        for (char **w = words; w && *w; w++)
                if (!seccomp_syscall_known(*w))
                        return profile_reason(reason, -EINVAL, "unknown system call: '%s'", *w);
        /* A name moving from one list to the other takes this origin; a name
         * already in this list keeps its first one. */
        for (char **w = words; w && *w; w++) {
                for (size_t i = 0; *from && (*from)[i]; i++)
                        if (streq((*from)[i], *w)) {
                                profile_list_remove(*from, from_origins, i);
                                break;
                        }
                if (!strv_contains(*to, *w) && profile_list_append(to, to_origins, *w, o) < 0)
                        return OOM(reason);
        }
        return 0;
}

int profile_add_rlimit(struct config *c, const struct profile_key *k, const char *key _unused_,
                       const char *value, const struct origin *o, char **reason) {
        struct rlimit_entry e = { .resource = k->arg, .origin = *o }, *nl;
        int r = profile_parse_rlimit_value(k->arg, value, &e.soft, &e.hard, reason);

        if (r < 0)
                return r;
        for (size_t i = 0; i < c->n_rlimits; i++)
                if (c->rlimits[i].resource == e.resource) {
                        c->rlimits[i] = e;
                        return 0;
                }
        nl = array_reserve_one(c->rlimits, c->n_rlimits, &c->n_rlimits_allocated, sizeof(*nl));
        if (!nl)
                return OOM(reason);
        nl[c->n_rlimits++] = e;
        c->rlimits = nl;
        return 0;
}
