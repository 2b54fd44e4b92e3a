/* SPDX-License-Identifier: Apache-2.0 */
/* `userbox config`: a merged configuration written back as a profile that
 * loads to the same settings, each value under the place it came from. */
#include <ctype.h>
#include <inttypes.h>
#include <sys/resource.h>

#include "security.h"
#include "profile.h"
#include "profile-internal.h"
#include "util.h"

/* inih strips blanks around a value and cuts it at " ;"; its lines hold 197
 * characters. A value outside these rules is printed with a warning. */
bool profile_value_survives_ini(const char *key, const char *value) {
        size_t n = strlen(value);
        if (n && (isspace((unsigned char) value[0]) || isspace((unsigned char) value[n - 1])))
                return false;
        for (size_t i = 1; i < n; i++)
                if (value[i] == ';' && (value[i - 1] == ' ' || value[i - 1] == '\t'))
                        return false;
        return strlen(key) + 1 + n <= 197;
}

static void print_line(FILE *f, const char *key, const char *value) {
        if (!profile_value_survives_ini(key, value))
                fputs("; warning: the next value cannot be read back exactly (too long, blanks at an end, or ' ;')\n", f);
        fprintf(f, "%s=%s\n", key, value);
}

static void print_origin(FILE *f, const struct origin *o) {
        if (o->file)
                fprintf(f, "; from %s:%u\n", o->file, o->line);
        else if (o->line)
                fprintf(f, "; from command line\n");
}

static bool origin_equal(const struct origin *a, const struct origin *b) {
        return streq_ptr(a->file, b->file) && a->line == b->line;
}

/* The origin of entry i of a list: its own, or the key's when the list was
 * filled without origins. */
static const struct origin *entry_origin(const struct origin_list *origins, size_t i,
                                        const struct origin *key_origin) {
        return origins->at ? &origins->at[i] : key_origin;
}

/* The length of the run of entries from i on that share entry i's origin:
 * each run is printed under one comment. */
static size_t origin_run(const struct origin_list *origins, size_t i, size_t n, const struct origin *key_origin) {
        size_t j = i + 1;
        while (j < n && origin_equal(entry_origin(origins, j, key_origin), entry_origin(origins, i, key_origin)))
                j++;
        return j - i;
}

/* Single quotes keep everything but the quote itself; ';' is kept outside
 * the quotes, escaped, so that inih never sees " ;". */
char *profile_quote_command(char * const *argv) {
        char *out = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&out, &size);

        if (!f)
                return NULL;
        for (size_t i = 0; argv && argv[i]; i++) {
                const char *a = argv[i];
                bool plain = *a != '\0';
                if (i)
                        fputc(' ', f);
                for (const char *p = a; *p && plain; p++)
                        plain = isalnum((unsigned char) *p) || strchr("/._-+=:,@%", *p);
                if (plain) {
                        fputs(a, f);
                        continue;
                }
                /* A control character (a newline in an image's sh -c
                 * script) would end or break the profile line: $'...'
                 * writes it as an escape. */
                if (string_has_cc(a)) {
                        fputs("$'", f);
                        for (const char *p = a; *p; p++) {
                                char escape = ansi_c_escape(*p);
                                if (escape && *p != '"')
                                        fprintf(f, "\\%c", escape);
                                else if (*p == ';')
                                        fputs("'\\;$'", f);
                                else
                                        fputc(*p, f);
                        }
                        fputc('\'', f);
                        continue;
                }
                fputc('\'', f);
                for (const char *p = a; *p; p++) {
                        if (*p == '\'')
                                fputs("'\\''", f);
                        else if (*p == ';')
                                fputs("'\\;'", f);
                        else
                                fputc(*p, f);
                }
                fputc('\'', f);
        }
        if (fclose(f) != 0) {
                free(out);
                return NULL;
        }
        return out;
}

static void print_words(FILE *f, const char *key, char * const *words, size_t n) {
        size_t col = 0;
        for (size_t i = 0; i < n; i++) {
                if (col && col + strlen(words[i]) > 72) {
                        fputc('\n', f);
                        col = 0;
                }
                col += (size_t) (col ? fprintf(f, " %s", words[i]) : fprintf(f, "%s=%s", key, words[i]));
        }
        if (col)
                fputc('\n', f);
}

/* A list of words, each run of one origin under its comment. */
static void print_word_list(FILE *f, const char *key, char * const *words, const struct origin_list *origins,
                            const struct origin *key_origin) {
        size_t n = strv_length(words);
        for (size_t i = 0, run; i < n; i += run) {
                run = origin_run(origins, i, n, key_origin);
                print_origin(f, entry_origin(origins, i, key_origin));
                print_words(f, key, words + i, run);
        }
}

/* The capabilities of set, those of one origin together, in the order of
 * their lowest capability. */
static void print_caps(FILE *f, const char *key, uint64_t set, const struct origin origins[64]) {
        uint64_t printed = 0;
        for (int first = 0; first < 64; first++) {
                _cleanup_strv_free_ char **names = NULL;
                if (!(set & ~printed & (UINT64_C(1) << first)))
                        continue;
                for (int cap = first; cap < 64; cap++) {
                        char buf[16];
                        const char *name;
                        if (!(set & ~printed & (UINT64_C(1) << cap)) || !origin_equal(&origins[cap], &origins[first]))
                                continue;
                        printed |= UINT64_C(1) << cap;
                        name = caps_to_name(cap);
                        if (!name) {
                                snprintf(buf, sizeof(buf), "%d", cap);
                                name = buf;
                        }
                        if (strv_extend(&names, name) < 0)
                                return;
                }
                print_origin(f, &origins[first]);
                print_words(f, key, names, strv_length(names));
        }
}

const char *profile_rlimit_value_text(uint64_t value, char *buf, size_t size) {
        if (value == RLIM_INFINITY)
                snprintf(buf, size, "infinity");
        else
                snprintf(buf, size, "%" PRIu64, value);
        return buf;
}

static void print_limit(FILE *f, uint64_t v) {
        char text[PROFILE_RLIMIT_VALUE_MAX];

        fputs(profile_rlimit_value_text(v, text, sizeof(text)), f);
}

static void print_mount(FILE *f, const struct mount_entry *m) {
        char opts[128] = "";
        size_t n = 0;
        const char *key;

        print_origin(f, &m->origin);
        if (m->kind == MOUNT_TMPFS) {
                key = "Tmpfs";
                if (m->data)
                        n += (size_t) snprintf(opts + n, sizeof(opts) - n, ",%s", m->data);
                if (m->read_only == 1)
                        n += (size_t) snprintf(opts + n, sizeof(opts) - n, ",ro");
        } else {
                key = m->read_only == 1 ? "BindReadOnly" : "Bind";
                if (m->read_only == 0)
                        n += (size_t) snprintf(opts + n, sizeof(opts) - n, ",rw");
                if (!m->recursive)
                        n += (size_t) snprintf(opts + n, sizeof(opts) - n, ",norbind");
        }
        if (m->nosuid)
                n += (size_t) snprintf(opts + n, sizeof(opts) - n, ",nosuid");
        if (m->nodev)
                n += (size_t) snprintf(opts + n, sizeof(opts) - n, ",nodev");
        if (m->noexec)
                snprintf(opts + n, sizeof(opts) - n, ",noexec");
        fprintf(f, "%s=", key);
        if (m->kind == MOUNT_BIND)
                fprintf(f, "%s:", m->source);
        fprintf(f, "%s%s%s\n", m->destination, *opts ? ":" : "", *opts ? opts + 1 : "");
}

/* The value of a scalar key as text, NULL when it holds nothing. */
static char *scalar_value(const struct config *c, const struct profile_key *k) {
        char *s = NULL;
        int v;

        switch (k->id) {
        case KEY_DESCRIPTION: case KEY_NAME: case KEY_ROOT: case KEY_WORKING_DIRECTORY: case KEY_HOSTNAME: case KEY_USER:
        case KEY_CGROUP_PARENT:
                s = *(char * const *) (const void *) ((const char *) c + k->offset);
                return s ? strdup(s) : NULL;
        case KEY_COMMAND:
                return c->command ? profile_quote_command(c->command) : NULL;
        case KEY_ENTRYPOINT:
                return c->entrypoint ? profile_quote_command(c->entrypoint) : NULL;
        case KEY_INIT: case KEY_READ_ONLY: case KEY_TTY: case KEY_IPC: case KEY_UTS: case KEY_CGROUP:
        case KEY_ENV_CLEAR: case KEY_NO_NEW_PRIVILEGES:
                v = *(const int *) (const void *) ((const char *) c + k->offset);
                return v < 0 ? NULL : strdup(v ? "yes" : "no");
        case KEY_NETWORK: {
                char text[64];
                return c->network == NET_UNSET ? NULL : strdup(profile_network_text(c, text, sizeof(text)));
        }
        case KEY_IDMAP_MODE: case KEY_SECCOMP:
                v = *(const int *) (const void *) ((const char *) c + k->offset);
                s = (char *) profile_enum_name(k->id, v);
                return s ? strdup(s) : NULL;
        case KEY_OVERLAY:
                if (c->overlay == OVERLAY_DIR)
                        return c->overlay_dir ? strdup(c->overlay_dir) : NULL;
                s = (char *) profile_enum_name(k->id, (int) c->overlay);
                return s ? strdup(s) : NULL;
        case KEY_SECCOMP_ERRNO:
                return c->seccomp_errno > 0 && strerrorname_np(c->seccomp_errno)
                               ? strdup(strerrorname_np(c->seccomp_errno)) : NULL;
        case KEY_MEMORY:
                return c->memory && asprintf(&s, "%" PRIu64, c->memory) >= 0 ? s : NULL;
        case KEY_PIDS:
                return c->pids && asprintf(&s, "%" PRIu64, c->pids) >= 0 ? s : NULL;
        case KEY_MEMORY_SWAP:
                return c->memory_swap && asprintf(&s, "%" PRIu64, c->memory_swap) >= 0 ? s : NULL;
        case KEY_CPUS:
                return c->cpus_milli && asprintf(&s, "%" PRIu64 ".%03" PRIu64, c->cpus_milli / 1000,
                                                 c->cpus_milli % 1000) >= 0 ? s : NULL;
        default:
                return NULL;
        }
}

static void print_scalar(FILE *f, const struct config *c, const struct profile_key *k) {
        _cleanup_free_ char *v = scalar_value(c, k);
        struct origin o = c->origins[k->id];

        if (!config_key_is_set(c, k->id)) {
                /* main.c sets the command from the arguments after ROOT directly. */
                if (k->id == KEY_COMMAND && v)
                        o.line = PROFILE_LINE_COMMAND_LINE;
                else {
                        if (v)
                                fprintf(f, "; %s=%s  (default)\n", k->key, v);
                        else
                                fprintf(f, "; %s=  (not set)\n", k->key);
                        return;
                }
        }
        print_origin(f, &o);
        if (v)
                print_line(f, k->key, v);
}

static void print_id_ranges(FILE *f, const struct config *c, const struct profile_key *k) {
        const struct id_triple *t = k->id == KEY_IDMAP_UID ? c->uid_map : c->gid_map;
        const struct origin_list *origins = k->id == KEY_IDMAP_UID ? &c->uid_map_origins : &c->gid_map_origins;
        size_t n = k->id == KEY_IDMAP_UID ? c->n_uid_map : c->n_gid_map;

        for (size_t i = 0; i < n; i++) {
                print_origin(f, entry_origin(origins, i, &c->origins[k->id]));
                fprintf(f, "%s=%" PRIu32 ":%" PRIu32 ":%" PRIu32 "\n", k->key, t[i].inside, t[i].outside, t[i].count);
        }
}

static void print_devices(FILE *f, const struct config *c) {
        for (size_t i = 0; i < c->n_devices; i++) {
                print_origin(f, &c->devices[i].origin);
                if (streq(c->devices[i].host_path, c->devices[i].container_path))
                        fprintf(f, "Bind=%s\n", c->devices[i].host_path);
                else
                        fprintf(f, "Bind=%s:%s\n", c->devices[i].host_path, c->devices[i].container_path);
        }
}

/* One line per layer: a long list would not fit on one. */
static void print_layers(FILE *f, const struct config *c, const struct profile_key *k) {
        if (!config_key_is_set(c, k->id) || !c->layers) {
                fprintf(f, "; %s=  (not set)\n", k->key);
                return;
        }
        print_origin(f, &c->origins[k->id]);
        for (size_t i = 0; c->layers[i]; i++)
                print_line(f, k->key, c->layers[i]);
}

/* A variable read from a File= comes back with the File= line: printed
 * alone it could make a line no profile holds (the reason File= exists). */
static bool from_env_file(const struct config *c, const struct origin *o) {
        return o && o->file && strv_contains(c->env_files, o->file);
}

static void print_env_keep(FILE *f, const struct config *c, const struct profile_key *k, const struct origin *o) {
        if (!c->env_files) {
                print_word_list(f, k->key, c->env_keep, &c->env_keep_origins, o);
                return;
        }
        for (size_t i = 0; c->env_keep && c->env_keep[i]; i++) {
                const struct origin *at = entry_origin(&c->env_keep_origins, i, o);
                if (from_env_file(c, at))
                        continue;
                print_origin(f, at);
                print_words(f, k->key, c->env_keep + i, 1);
        }
}

static void print_env_files(FILE *f, const struct config *c, const struct profile_key *k, const struct origin *o) {
        for (size_t i = 0; c->env_files && c->env_files[i]; i++) {
                print_origin(f, entry_origin(&c->env_files_origins, i, o));
                print_line(f, k->key, c->env_files[i]);
        }
}

static void print_env_set(FILE *f, const struct config *c, const struct profile_key *k) {
        for (size_t i = 0; c->env_set && c->env_set[i]; i++) {
                const char *e = c->env_set[i];
                const struct origin *at = entry_origin(&c->env_set_origins, i, &c->origins[k->id]);
                if (from_env_file(c, at))
                        continue;
                _cleanup_free_ char *name = strndup(e, strcspn(e, "="));
                print_origin(f, at);
                if (name)
                        print_line(f, name, e + strlen(name) + 1);
        }
}

static void print_publish(FILE *f, const struct config *c) {
        char text[PROFILE_PUBLISH_TEXT_MAX];

        for (size_t i = 0; i < c->n_publish; i++) {
                print_origin(f, &c->publish[i].origin);
                fprintf(f, "Publish=%s\n", profile_publish_text(&c->publish[i], text, sizeof(text)));
        }
}

static void print_rlimits(FILE *f, const struct config *c) {
        for (size_t i = 0; i < c->n_rlimits; i++) {
                const struct rlimit_entry *e = &c->rlimits[i];
                print_origin(f, &e->origin);
                fprintf(f, "%s=", profile_rlimit_name(e->resource) ?: "?");
                print_limit(f, e->soft);
                if (e->hard != e->soft) {
                        fputc(':', f);
                        print_limit(f, e->hard);
                }
                fputc('\n', f);
        }
}

static void print_key(FILE *f, const struct config *c, const struct profile_key *k) {
        const struct origin *o = &c->origins[k->id];

        switch (k->id) {
        case KEY_INCLUDE:
        case KEY_BIND_READ_ONLY:
        case KEY_TMPFS:
                return; /* includes are already applied; mounts are printed in order under Bind= */
        case KEY_IDMAP_UID:
        case KEY_IDMAP_GID:
                print_id_ranges(f, c, k);
                return;
        case KEY_BIND:
                for (size_t i = 0; i < c->n_mounts; i++)
                        print_mount(f, &c->mounts[i]);
                return;
        case KEY_DEVICE:
                print_devices(f, c);
                return;
        case KEY_PUBLISH:
                print_publish(f, c);
                return;
        case KEY_LAYERS:
                print_layers(f, c, k);
                return;
        case KEY_ENV_KEEP:
                print_env_keep(f, c, k, o);
                return;
        case KEY_ENV_FILE:
                print_env_files(f, c, k, o);
                return;
        case KEY_SECCOMP_DENY:
                print_word_list(f, k->key, c->seccomp_deny, &c->seccomp_deny_origins, o);
                return;
        case KEY_SECCOMP_ALLOW:
                print_word_list(f, k->key, c->seccomp_allow, &c->seccomp_allow_origins, o);
                return;
        case KEY_ENV_SET:
                print_env_set(f, c, k);
                return;
        case KEY_CAP_DROP:
                if (c->cap_drop_all) {
                        print_origin(f, &c->cap_drop_all_origin);
                        fputs("CapabilityDrop=all\n", f);
                }
                print_caps(f, k->key, c->cap_drop, c->cap_drop_origin);
                return;
        case KEY_CAP_ADD:
                print_caps(f, k->key, c->cap_add, c->cap_add_origin);
                return;
        case KEY_RLIMIT:
                /* Every rlimit under the first of their rows. */
                if (k == &profile_keys[0] || k[-1].id != KEY_RLIMIT)
                        print_rlimits(f, c);
                return;
        default:
                print_scalar(f, c, k);
        }
}

int profile_print(const struct config *c, FILE *f) {
        fputs("; The merged configuration, as a profile: `userbox config -p FILE` loads it back.\n", f);
        for (char **p = c->included; p && *p; p++)
                fprintf(f, "; loaded: %s\n", *p);
        for (size_t s = 0; s < profile_n_sections; s++) {
                fprintf(f, "\n[%s]\n", profile_sections[s]);
                for (size_t i = 0; i < profile_n_keys; i++)
                        if (streq(profile_keys[i].section, profile_sections[s]))
                                print_key(f, c, &profile_keys[i]);
        }
        return ferror(f) ? -EIO : 0;
}
