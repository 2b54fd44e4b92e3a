/* SPDX-License-Identifier: Apache-2.0 */
/* NAME/state: JSON (json-c), written atomically, read strictly. The file
 * is in the user's own 0700 directory, but it steers exec and stop to a
 * pid: whatever is odd about it (a symlink, a FIFO, a huge file, a field
 * of the wrong type) is an error with its reason, never a guess. */
#include <json-c/json.h>
#include <limits.h>
#include <sys/stat.h>

#include "state-internal.h"
#include "util.h"

/* A state is a few hundred bytes; a command line may be long. */
#define STATE_FILE_MAX (64 * 1024)
#define STATE_ARGV_MAX 4096

static const char *const status_names[] = {
        [STATE_RUNNING] = "running",
        [STATE_EXITED] = "exited",
};

void state_done(struct state *s) {
        if (!s)
                return;
        free(s->root);
        strv_free(s->argv);
        free(s->log_path);
        *s = (struct state) STATE_NULL;
}

/* ---------------------------------------------------------------- write */

static void json_object_putp(json_object **o) { json_object_put(*o); }
#define _cleanup_json_ _cleanup_(json_object_putp)

static json_object *string_or_null(const char *s) {
        return s ? json_object_new_string(s) : json_object_new_null();
}

static json_object *state_to_json(const struct state *s) {
        _cleanup_json_ json_object *o = json_object_new_object(), *argv = json_object_new_array();
        bool ok = o && argv;

        for (size_t i = 0; ok && s->argv && s->argv[i]; i++)
                ok = json_object_array_add(argv, json_object_new_string(s->argv[i])) == 0;
#define ADD(key, value) (ok = ok && json_object_object_add(o, key, value) == 0)
        ADD("launcher_pid", json_object_new_int64(s->launcher_pid));
        ADD("launcher_start_time", json_object_new_int64((int64_t) s->launcher_start_time));
        ADD("init_pid", json_object_new_int64(s->init_pid));
        ADD("init_start_time", json_object_new_int64((int64_t) s->init_start_time));
        ADD("command_pid", json_object_new_int64(s->command_pid));
        ADD("root", string_or_null(s->root));
        if (ADD("command", argv))
                argv = NULL;
        ADD("created", json_object_new_int64(s->created));
        ADD("detached", json_object_new_boolean(s->detached));
        ADD("log", string_or_null(s->log_path));
        ADD("status", json_object_new_string(status_names[s->status]));
        ADD("exit_status", s->status == STATE_EXITED ? json_object_new_int64(s->exit_status)
                                                     : json_object_new_null());
#undef ADD
        return ok ? TAKE_PTR(o) : NULL;
}

int state_write_file(int dir_fd, const char *name, const char *tmp, const char *text, size_t size) {
        _cleanup_close_ int fd = -1;

        /* O_TRUNC over a leftover of an interrupted write; O_NOFOLLOW so a
         * planted symlink is not written through. */
        fd = openat(dir_fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0)
                return log_errno(-errno, "cannot write container state '%s'", tmp);
        for (size_t off = 0; off < size;) {
                ssize_t n = write(fd, text + off, size - off);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return log_errno(-errno, "cannot write container state '%s'", tmp);
                off += (size_t) n;
        }
        /* Readers see the old file or the new one, never half of one. */
        if (renameat(dir_fd, tmp, dir_fd, name) < 0)
                return log_errno(-errno, "cannot replace container state '%s'", name);
        return 0;
}

int state_write(int dir_fd, const struct state *s) {
        _cleanup_json_ json_object *o = state_to_json(s);
        _cleanup_free_ char *line = NULL;
        const char *text;
        size_t len;

        if (!o)
                return log_errno(-ENOMEM, "container state");
        text = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN, &len);
        if (!text || asprintf(&line, "%s\n", text) < 0)
                return log_errno(-ENOMEM, "container state");
        return state_write_file(dir_fd, STATE_FILE_STATE, STATE_FILE_STATE_TMP, line, len + 1);
}

/* ---------------------------------------------------------------- parse */

enum field_type { FIELD_PID, FIELD_TIME, FIELD_STRING, FIELD_STRING_OR_NULL, FIELD_ARGV,
                  FIELD_BOOL, FIELD_STATUS, FIELD_EXIT_STATUS };

struct field {
        const char *key;
        enum field_type type;
        size_t offset;
};

static const struct field fields[] = {
        { "launcher_pid",        FIELD_PID,            offsetof(struct state, launcher_pid) },
        { "launcher_start_time", FIELD_TIME,           offsetof(struct state, launcher_start_time) },
        { "init_pid",            FIELD_PID,            offsetof(struct state, init_pid) },
        { "init_start_time",     FIELD_TIME,           offsetof(struct state, init_start_time) },
        { "command_pid",         FIELD_PID,            offsetof(struct state, command_pid) },
        { "root",                FIELD_STRING,         offsetof(struct state, root) },
        { "command",             FIELD_ARGV,           offsetof(struct state, argv) },
        { "created",             FIELD_TIME,           offsetof(struct state, created) },
        { "detached",            FIELD_BOOL,           offsetof(struct state, detached) },
        { "log",                 FIELD_STRING_OR_NULL, offsetof(struct state, log_path) },
        { "status",              FIELD_STATUS,         offsetof(struct state, status) },
        { "exit_status",         FIELD_EXIT_STATUS,    offsetof(struct state, exit_status) },
};

static const char *const type_names[] = {
        [FIELD_PID] = "a process id", [FIELD_TIME] = "a non-negative integer",
        [FIELD_STRING] = "a string", [FIELD_STRING_OR_NULL] = "a string or null",
        [FIELD_ARGV] = "a non-empty array of strings", [FIELD_BOOL] = "true or false",
        [FIELD_STATUS] = "\"running\" or \"exited\"", [FIELD_EXIT_STATUS] = "an integer 0-255 or null",
};

/* A JSON string with no NUL inside (json-c keeps "\u0000"). */
static int string_value(json_object *v, char **ret) {
        const char *s = json_object_get_string(v);

        if (!json_object_is_type(v, json_type_string) || strlen(s) != (size_t) json_object_get_string_len(v))
                return -EINVAL;
        *ret = strdup(s);
        return *ret ? 0 : -ENOMEM;
}

static int argv_value(json_object *v, char ***ret) {
        _cleanup_strv_free_ char **argv = NULL;
        size_t n;

        if (!json_object_is_type(v, json_type_array))
                return -EINVAL;
        n = json_object_array_length(v);
        if (n == 0 || n > STATE_ARGV_MAX)
                return -EINVAL;
        for (size_t i = 0; i < n; i++) {
                char *word;
                int r = string_value(json_object_array_get_idx(v, i), &word);
                if (r < 0)
                        return r;
                r = strv_push(&argv, word);
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(argv);
        return 0;
}

/* An integer in [min, max]; json-c clamps what overflows int64, so the
 * extremes are refused rather than trusted. */
static int int_value(json_object *v, int64_t min, int64_t max, int64_t *ret) {
        int64_t i;

        if (!json_object_is_type(v, json_type_int))
                return -EINVAL;
        i = json_object_get_int64(v);
        if (i < min || i > max || i == INT64_MAX)
                return -EINVAL;
        *ret = i;
        return 0;
}

static int status_value(json_object *v, enum state_status *ret) {
        const char *s = json_object_get_string(v);

        if (!json_object_is_type(v, json_type_string))
                return -EINVAL;
        for (size_t i = 0; i < ELEMENTSOF(status_names); i++)
                if (streq(s, status_names[i])) {
                        *ret = (enum state_status) i;
                        return 0;
                }
        return -EINVAL;
}

static int field_value(const struct field *f, json_object *v, struct state *s) {
        void *p = (char *) s + f->offset;
        int64_t i;
        int r;

        switch (f->type) {
        case FIELD_PID:
                r = int_value(v, 1, INT_MAX, &i);
                if (r >= 0)
                        *(pid_t *) p = (pid_t) i;
                return r;
        case FIELD_TIME:
                r = int_value(v, 0, INT64_MAX, &i);
                if (r >= 0 && f->offset == offsetof(struct state, created))
                        s->created = i;
                else if (r >= 0)
                        *(uint64_t *) p = (uint64_t) i;
                return r;
        case FIELD_STRING_OR_NULL:
                if (json_object_is_type(v, json_type_null))
                        return 0;
                return string_value(v, p);
        case FIELD_STRING:
                return string_value(v, p);
        case FIELD_ARGV:
                return argv_value(v, p);
        case FIELD_BOOL:
                if (!json_object_is_type(v, json_type_boolean))
                        return -EINVAL;
                *(bool *) p = json_object_get_boolean(v);
                return 0;
        case FIELD_STATUS:
                return status_value(v, p);
        case FIELD_EXIT_STATUS:
                if (json_object_is_type(v, json_type_null))
                        return 0;
                r = int_value(v, 0, 255, &i);
                if (r >= 0)
                        s->exit_status = (int) i;
                return r;
        }
        return -EINVAL;
}

static int reason_set(char **reason, const char *fmt, ...) _printf_(2, 3);
static int reason_set(char **reason, const char *fmt, ...) {
        va_list ap;

        if (reason) {
                va_start(ap, fmt);
                if (vasprintf(reason, fmt, ap) < 0)
                        *reason = NULL;
                va_end(ap);
        }
        return -EINVAL;
}

static const struct field *field_find(const char *key) {
        for (size_t i = 0; i < ELEMENTSOF(fields); i++)
                if (streq(fields[i].key, key))
                        return &fields[i];
        return NULL;
}

static int parse_object(json_object *o, struct state *s, char **reason) {
        bool seen[ELEMENTSOF(fields)] = { false };

        if (!json_object_is_type(o, json_type_object))
                return reason_set(reason, "not a JSON object");
        json_object_object_foreach(o, key, v) {
                const struct field *f = field_find(key);
                int r;

                if (!f)
                        return reason_set(reason, "unknown field '%s'", key);
                seen[f - fields] = true;
                r = field_value(f, v, s);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        return reason_set(reason, "field '%s' is not %s", key, type_names[f->type]);
        }
        for (size_t i = 0; i < ELEMENTSOF(fields); i++)
                if (!seen[i])
                        return reason_set(reason, "missing field '%s'", fields[i].key);
        if ((s->status == STATE_EXITED) != (s->exit_status >= 0))
                return reason_set(reason, "field 'exit_status' must be set exactly when status is \"exited\"");
        if (s->detached != (s->log_path != NULL))
                return reason_set(reason, "field 'log' must be set exactly when detached is true");
        return 0;
}

static void json_tokener_freep(json_tokener **t) { if (*t) json_tokener_free(*t); }

int state_parse(const char *text, size_t size, struct state *ret, char **reason) {
        _cleanup_(json_tokener_freep) json_tokener *tok = NULL;
        _cleanup_json_ json_object *o = NULL;
        _cleanup_(state_done) struct state s = STATE_NULL;
        _cleanup_free_ char *copy = NULL;
        enum json_tokener_error error;
        int r;

        if (size > STATE_FILE_MAX)
                return reason_set(reason, "larger than %d bytes", STATE_FILE_MAX);
        if (memchr(text, '\0', size))
                return reason_set(reason, "not text (a NUL byte)");
        /* The state nests two levels: a deeper document is no state. */
        tok = json_tokener_new_ex(4);
        if (!tok)
                return -ENOMEM;
        json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
        /* Strict: text after the object is an error too. "null" parses to
         * no object and no error: parse_object refuses it. */
        /* With its NUL counted, the text's end ends a last literal ("1"
         * alone would otherwise wait for more). */
        copy = malloc(size + 1);
        if (!copy)
                return -ENOMEM;
        memcpy(copy, text, size);
        copy[size] = '\0';
        o = json_tokener_parse_ex(tok, copy, (int) size + 1);
        error = json_tokener_get_error(tok);
        if (error != json_tokener_success)
                return reason_set(reason, "not JSON: %s", json_tokener_error_desc(error));
        r = parse_object(o, &s, reason);
        if (r < 0)
                return r;
        *ret = s;
        s = (struct state) STATE_NULL;
        return 0;
}

/* ----------------------------------------------------------------- read */

static int read_state_file(int root_fd, const char *name, char **ret, size_t *ret_size) {
        _cleanup_close_ int dir = -1, fd = -1;
        struct stat st;
        int r;

        dir = openat(root_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (dir < 0)
                return errno == ENOENT ? -ENOENT : log_errno(-errno, "container '%s'", name);
        /* O_NONBLOCK: a FIFO in its place must not hang us. */
        fd = openat(dir, STATE_FILE_STATE, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0 && errno == ELOOP)
                return log_errno(-ELOOP, "state of container '%s': '%s' is a symlink, refusing it", name,
                                 STATE_FILE_STATE);
        if (fd < 0)
                return errno == ENOENT ? -ENOENT : log_errno(-errno, "state of container '%s'", name);
        if (fstat(fd, &st) < 0)
                return log_errno(-errno, "state of container '%s'", name);
        if (!S_ISREG(st.st_mode))
                return log_errno(-EINVAL, "state of container '%s': '%s' is not a regular file", name,
                                 STATE_FILE_STATE);
        if (st.st_size > STATE_FILE_MAX)
                return log_errno(-EFBIG, "state of container '%s': larger than %d bytes", name, STATE_FILE_MAX);
        r = read_full_fd(fd, STATE_FILE_MAX, ret, ret_size);
        return r < 0 ? log_errno(r, "state of container '%s'", name) : 0;
}

int state_read(int root_fd, const char *name, struct state *ret) {
        _cleanup_free_ char *text = NULL, *reason = NULL;
        size_t size;
        int r;

        if (state_name_check(name, NULL) < 0)
                return -ENOENT;
        r = read_state_file(root_fd, name, &text, &size);
        if (r < 0)
                return r;
        r = state_parse(text, size, ret, &reason);
        if (r == -ENOMEM)
                return log_errno(r, "state of container '%s'", name);
        if (r < 0)
                return log_errno(-EINVAL, "state of container '%s' is invalid: %s", name,
                                 reason ? reason : "out of memory");
        return 0;
}

int state_dir_is_exited(int dir_fd) {
        _cleanup_(state_done) struct state s = STATE_NULL;
        _cleanup_close_ int fd = -1;
        _cleanup_free_ char *text = NULL;
        struct stat st;
        size_t size;

        fd = openat(dir_fd, STATE_FILE_STATE, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
                return 0;
        if (read_full_fd(fd, STATE_FILE_MAX, &text, &size) < 0 || state_parse(text, size, &s, NULL) < 0)
                return 0;
        return s.status == STATE_EXITED;
}
