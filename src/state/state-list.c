/* SPDX-License-Identifier: Apache-2.0 */
/* list: the root's live containers, cleaning remains on the way, and the
 * two ways of printing them. */
#include <dirent.h>
#include <json-c/json.h>
#include <sys/param.h>

#include "state-internal.h"
#include "cgroup.h"
#include "util.h"

void state_list_free(struct state_entry *entries, size_t n) {
        for (size_t i = 0; entries && i < n; i++) {
                free(entries[i].name);
                state_done(&entries[i].state);
        }
        free(entries);
}

const char *state_entry_status(const struct state_entry *e) {
        if (!e->have_state)
                return "created";
        return e->state.status == STATE_EXITED ? "exited" : "running";
}

/* An entry that is no container's name: a creation or removal in
 * progress, or left by a killed one. Removed when its lock is free. */
static void clean_dot_entry(int root_fd, const char *entry) {
        if (startswith(entry, STATE_PREFIX_NEW) || startswith(entry, STATE_PREFIX_REMAINS))
                (void) state_clean_if_free(root_fd, entry);
}

/* What the cgroup of a running container uses (design §13), -1 without
 * one: found from its init, once sure the pid is still that process. */
static int64_t memory_in_use(const struct state *s) {
        _cleanup_(cgroup_freep) struct cgroup *cg = NULL;
        _cleanup_close_ int init = -1;
        uint64_t bytes;

        if (s->status != STATE_RUNNING || state_pidfd_open_checked(s->init_pid, s->init_start_time, &init) < 0 ||
            cgroup_of(s->init_pid, NULL, &cg) < 0 || cgroup_memory_usage(cg, &bytes) < 0)
                return -1;
        return (int64_t) bytes;
}

/* One container directory: 1 and *e filled when it is live or finished,
 * 0 when it was remains (now removed) or went away. */
static int list_one(int root_fd, const char *name, struct state_entry *e) {
        int r = state_lock_held(root_fd, name);

        if (r == 0) {
                r = state_clean_if_free(root_fd, name);
                /* Kept (a finished detached container), or held after all:
                 * it came to life between the two looks. */
                if (r != -EEXIST && r != -EBUSY)
                        return 0;
        } else if (r < 0)
                return r == -ENOENT ? 0 : r;
        e->name = strdup(name);
        if (!e->name)
                return -ENOMEM;
        e->state = (struct state) STATE_NULL;
        r = state_read(root_fd, name, &e->state);
        /* A container being set up has no state yet; a broken state file
         * was named by state_read, and the container is listed anyway so
         * that the user sees it and can stop it. */
        e->have_state = r >= 0;
        e->memory = e->have_state ? memory_in_use(&e->state) : -1;
        return r == -ENOMEM ? r : 1;
}

static int compare_entries(const void *a, const void *b) {
        return strcmp(((const struct state_entry *) a)->name, ((const struct state_entry *) b)->name);
}

int state_list(int root_fd, struct state_entry **ret, size_t *ret_n) {
        struct state_entry *entries = NULL;
        size_t n = 0, allocated = 0;
        struct dirent *de;
        DIR *d;
        int r = 0, fd;

        fd = openat(root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0 || !(d = fdopendir(fd))) {
                r = -errno;
                if (fd >= 0)
                        close(fd);
                return log_errno(r, "cannot read the state directory");
        }
        while ((de = readdir(d))) {
                void *grown;

                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                if (state_name_check(de->d_name, NULL) < 0) {
                        clean_dot_entry(root_fd, de->d_name);
                        continue;
                }
                grown = array_reserve_one(entries, n, &allocated, sizeof(*entries));
                if (!grown) {
                        r = log_errno(-ENOMEM, "listing containers");
                        break;
                }
                entries = grown;
                r = list_one(root_fd, de->d_name, &entries[n]);
                if (r > 0)
                        n++;
                else if (r < 0) {
                        log_errno(r, "container '%s'", de->d_name);
                        break;
                }
        }
        closedir(d);
        if (r < 0) {
                state_list_free(entries, n);
                return r;
        }
        if (n > 1)
                qsort(entries, n, sizeof(*entries), compare_entries);
        *ret = entries;
        *ret_n = n;
        return 0;
}

/* ---------------------------------------------------------------- table */

/* The command as one line, words separated by spaces, control characters
 * escaped (a name from the command line is printed to a terminal). */
static char *command_line(const struct state_entry *e) {
        _cleanup_free_ char *joined = NULL;
        size_t len = 0;

        if (!e->have_state)
                return strdup("-");
        for (size_t i = 0; e->state.argv[i]; i++)
                len += strlen(e->state.argv[i]) + 1;
        joined = malloc(len + 1);
        if (!joined)
                return NULL;
        joined[0] = '\0';
        for (size_t i = 0; e->state.argv[i]; i++) {
                if (i > 0)
                        strcat(joined, " ");
                strcat(joined, e->state.argv[i]);
        }
        return string_escape_cc(joined);
}

/* "45s", "12m", "3h", "2d": what podman's "About an hour ago" says in
 * a column's width. */
static void format_age(char *buf, size_t size, time_t now, int64_t created) {
        int64_t s = now > created ? now - created : 0;

        if (s < 60)
                snprintf(buf, size, "%llds", (long long) s);
        else if (s < 3600)
                snprintf(buf, size, "%lldm", (long long) (s / 60));
        else if (s < 86400)
                snprintf(buf, size, "%lldh", (long long) (s / 3600));
        else
                snprintf(buf, size, "%lldd", (long long) (s / 86400));
}

/* "812K", "45.3M": bytes in a column's width, in units of 1024. */
static void format_memory(char *buf, size_t size, int64_t bytes) {
        static const char units[] = "BKMGT";
        double value = (double) bytes;
        size_t unit = 0;

        if (bytes < 0) {
                snprintf(buf, size, "-");
                return;
        }
        for (; value >= 1024 && unit + 2 < sizeof(units); unit++)
                value /= 1024;
        snprintf(buf, size, unit && value < 100 ? "%.1f%c" : "%.0f%c", value, units[unit]);
}

struct table_row {
        char *root, *command;
        char pid[16], memory[16], age[24];
};

static void table_rows_free(struct table_row *rows, size_t n) {
        for (size_t i = 0; rows && i < n; i++) {
                free(rows[i].root);
                free(rows[i].command);
        }
        free(rows);
}

#define COMMAND_WIDTH_MAX 40

int state_format_table(FILE *f, const struct state_entry *entries, size_t n, time_t now) {
        struct table_row *rows = calloc(n ? n : 1, sizeof(*rows));
        int w_name = 4, w_state = 5, w_pid = 3, w_memory = 6, w_root = 4;

        if (!rows)
                return log_errno(-ENOMEM, "listing containers");
        for (size_t i = 0; i < n; i++) {
                const struct state_entry *e = &entries[i];
                struct table_row *row = &rows[i];

                row->root = e->have_state ? string_escape_cc(e->state.root) : strdup("-");
                row->command = command_line(e);
                if (!row->root || !row->command) {
                        table_rows_free(rows, n);
                        return log_errno(-ENOMEM, "listing containers");
                }
                /* Long commands are cut: the table stays one line per container. */
                if (strlen(row->command) > COMMAND_WIDTH_MAX)
                        strcpy(row->command + COMMAND_WIDTH_MAX - 3, "...");
                if (e->have_state && e->state.status == STATE_RUNNING)
                        snprintf(row->pid, sizeof(row->pid), "%d", (int) e->state.command_pid);
                else
                        snprintf(row->pid, sizeof(row->pid), "-");
                format_memory(row->memory, sizeof(row->memory), e->memory);
                if (e->have_state)
                        format_age(row->age, sizeof(row->age), now, e->state.created);
                else
                        snprintf(row->age, sizeof(row->age), "-");
                w_name = MAX(w_name, (int) strlen(e->name));
                w_state = MAX(w_state, (int) strlen(state_entry_status(e)));
                w_pid = MAX(w_pid, (int) strlen(row->pid));
                w_memory = MAX(w_memory, (int) strlen(row->memory));
                w_root = MAX(w_root, (int) strlen(row->root));
        }
        fprintf(f, "%-*s  %-*s  %*s  %*s  %-*s  %-*s  %s\n", w_name, "NAME", w_state, "STATE", w_pid, "PID",
                w_memory, "MEMORY", w_root, "ROOT", COMMAND_WIDTH_MAX, "COMMAND", "AGE");
        for (size_t i = 0; i < n; i++)
                fprintf(f, "%-*s  %-*s  %*s  %*s  %-*s  %-*s  %s\n", w_name, entries[i].name, w_state,
                        state_entry_status(&entries[i]), w_pid, rows[i].pid, w_memory, rows[i].memory,
                        w_root, rows[i].root,
                        COMMAND_WIDTH_MAX, rows[i].command, rows[i].age);
        table_rows_free(rows, n);
        return 0;
}

/* ----------------------------------------------------------------- json */

static json_object *entry_to_json(const struct state_entry *e) {
        json_object *o = json_object_new_object(), *argv = json_object_new_array();
        const struct state *s = &e->state;
        bool ok = o && argv;

        for (size_t i = 0; ok && e->have_state && s->argv[i]; i++)
                ok = json_object_array_add(argv, json_object_new_string(s->argv[i])) == 0;
#define ADD(key, value) (ok = ok && json_object_object_add(o, key, value) == 0)
        ADD("name", json_object_new_string(e->name));
        ADD("state", json_object_new_string(state_entry_status(e)));
        ADD("pid", e->have_state ? json_object_new_int64(s->command_pid) : json_object_new_null());
        ADD("memory", e->memory >= 0 ? json_object_new_int64(e->memory) : json_object_new_null());
        ADD("root", e->have_state ? json_object_new_string(s->root) : json_object_new_null());
        if (ADD("command", argv))
                argv = NULL;
        ADD("created", e->have_state ? json_object_new_int64(s->created) : json_object_new_null());
        ADD("detached", json_object_new_boolean(e->have_state && s->detached));
        ADD("log", e->have_state && s->log_path ? json_object_new_string(s->log_path) : json_object_new_null());
        ADD("exit_status", e->have_state && s->status == STATE_EXITED ? json_object_new_int64(s->exit_status)
                                                                     : json_object_new_null());
#undef ADD
        json_object_put(argv);
        if (ok)
                return o;
        json_object_put(o);
        return NULL;
}

int state_format_json(FILE *f, const struct state_entry *entries, size_t n) {
        json_object *array = json_object_new_array();

        for (size_t i = 0; array && i < n; i++) {
                json_object *o = entry_to_json(&entries[i]);
                if (!o || json_object_array_add(array, o) < 0) {
                        json_object_put(o);
                        json_object_put(array);
                        array = NULL;
                }
        }
        if (!array)
                return log_errno(-ENOMEM, "listing containers");
        fprintf(f, "%s\n", json_object_to_json_string_ext(array, JSON_C_TO_STRING_PRETTY |
                                                                  JSON_C_TO_STRING_SPACED |
                                                                  JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(array);
        return 0;
}
