/* SPDX-License-Identifier: Apache-2.0 */
/* Loading profiles: Include=, and the line reader that keeps inih strict.
 * Finding and opening the files is profile-files.c. */
#include <ini.h>
#include <stdarg.h>

#include "util.h"
#include "profile.h"
#include "profile-internal.h"

/* The most files in one chain of includes, the profile named counted:
 * userbox.ini(5) gives the same number. */
#define PROFILE_MAX_DEPTH 8

/* The files being loaded, outermost first: includes are checked against it
 * for cycles. */
struct loader {
        struct config *c;
        bool allow_include;
        size_t depth;
        const char *names[PROFILE_MAX_DEPTH + 1];
        struct file_id ids[PROFILE_MAX_DEPTH + 1];
};

struct seen_key {
        const char *section;    /* static, from the key table */
        char *key;
        unsigned line;
};

/* One file being parsed. inih's handler gets no line number: the reader
 * counts lines, and inih calls the handler for a line before it reads the
 * next one. */
struct parse_state {
        struct loader *l;
        const char *file;
        const char *text;
        size_t size, pos;
        unsigned line;
        unsigned pass;          /* 1: Include= lines only; 2: every other key */
        int error;              /* first error, already printed */
        struct seen_key *seen;
        size_t n_seen, n_seen_allocated;
};

static int parse_text(struct loader *l, const char *file, const char *text, size_t size);

static int state_error(struct parse_state *s, int r, const char *fmt, ...) _printf_(3, 4);
static int state_error(struct parse_state *s, int r, const char *fmt, ...) {
        _cleanup_free_ char *msg = NULL;
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) < 0)
                msg = NULL;
        va_end(ap);
        s->error = r < 0 ? r : -EINVAL;
        /* log.c writes control characters from the file as \xNN. */
        log_error("%s:%u: %s", s->file, s->line, msg ?: "out of memory");
        return s->error;
}

/* Refuses a control character (a tab is a blank) in a section name or a
 * key before the line is parsed: the messages about either quote it.
 * Values are checked with their key ("[Container] Hostname: control
 * character in value"), and never quoted. */
static void check_control_characters(struct parse_state *s, const char *line, size_t n) {
        bool section = line[0] == '[';
        const char *stop = memchr(line, section ? ']' : '=', n);
        size_t end = stop ? (size_t) (stop - line) + section : n;

        for (size_t i = 0; i < end; i++)
                if (((unsigned char) line[i] < ' ' && line[i] != '\t') || line[i] == 0x7f) {
                        state_error(s, -EINVAL, "control character in %s: '%.*s'", section ? "section name" : "key",
                                    (int) end, line);
                        return;
                }
}

/* A section header: "[Name]", optionally followed by a comment. */
static void check_section_header(struct parse_state *s, const char *line, size_t n) {
        _cleanup_free_ char *h = strndup(line, n), *reason = NULL;
        char *end;

        if (!h) {
                state_error(s, -ENOMEM, "out of memory");
                return;
        }
        for (char *p = h + 1; *p; p++)
                if (*p == ';' && (p[-1] == ' ' || p[-1] == '\t')) {
                        *p = '\0';
                        break;
                }
        end = h + strlen(h);
        while (end > h && (end[-1] == ' ' || end[-1] == '\t'))
                *--end = '\0';
        if (end - h < 3 || end[-1] != ']' || strchr(h + 1, '[') || strchr(h + 1, ']') != end - 1) {
                state_error(s, -EINVAL, "malformed section header: '%s'", h);
                return;
        }
        end[-1] = '\0';
        if (!profile_section_known(h + 1)) {
                reason = profile_unknown_section_reason(h + 1);
                state_error(s, -EINVAL, "[%s]: %s", h + 1, reason ?: "unknown section");
        }
}

/* A "Key=Value" line: inih also takes "Key:Value" and reports lines with
 * neither only as a number; both are refused here, with the text. */
static void check_key_line(struct parse_state *s, const char *line, size_t n) {
        size_t i;

        for (i = 0; i < n; i++) {
                if (line[i] == '=' || line[i] == ':')
                        break;
                if (line[i] == ';' && i > 0 && (line[i - 1] == ' ' || line[i - 1] == '\t')) {
                        i = n;
                        break;
                }
        }
        if (i == n || line[i] == ':')
                state_error(s, -EINVAL, "expected 'Key=Value' or '[Section]': '%.*s'", (int) n, line);
        else if (i == 0 || strspn(line, " \t") == i)
                state_error(s, -EINVAL, "empty key: '%.*s'", (int) n, line);
}

static char *reader(char *str, int num, void *stream) {
        struct parse_state *s = stream;
        const char *start, *nl;
        size_t n, max = num > 3 ? (size_t) num - 3 : 0;

        if (s->error || s->pos >= s->size)
                return NULL;
        start = s->text + s->pos;
        nl = memchr(start, '\n', s->size - s->pos);
        n = nl ? (size_t) (nl - start) : s->size - s->pos;
        s->pos += n + (nl ? 1 : 0);
        s->line++;
        if (n > 0 && start[n - 1] == '\r')
                n--;
        if (memchr(start, '\0', n)) {
                state_error(s, -EINVAL, "NUL byte in line");
                return NULL;
        }
        if (s->line == 1 && n >= 3 && memcmp(start, "\xef\xbb\xbf", 3) == 0) {
                start += 3;
                n -= 3;
        }
        /* Indentation is dropped: inih would read an indented line as the
         * continuation of the previous value, and "  Bind=/x" silently
         * appended to the line above is not what anyone means. */
        while (n > 0 && (*start == ' ' || *start == '\t')) {
                start++;
                n--;
        }
        if (n == 0 || *start == ';' || *start == '#') {
                strcpy(str, "\n");
                return str;
        }
        /* inih 55 cuts longer lines in pieces and parses each piece as a
         * line of its own: the tail of a long Command= would become a key. */
        if (n > max) {
                state_error(s, -EINVAL, "line longer than %zu characters", max);
                return NULL;
        }
        check_control_characters(s, start, n);
        if (s->error)
                return NULL;
        if (*start == '[')
                check_section_header(s, start, n);
        else
                check_key_line(s, start, n);
        if (s->error)
                return NULL;
        memcpy(str, start, n);
        str[n] = '\n';
        str[n + 1] = '\0';
        return str;
}

/* A scalar set twice in one file is most likely a mistake; the last one
 * wins, as in a file split over several others. Layers= lines of one file
 * make one list (parse_layers()), which another file replaces. */
static void check_duplicate(struct parse_state *s, const struct profile_key *k, const char *key) {
        struct seen_key *n;

        if (k->repeatable || k->id == KEY_LAYERS)
                return;
        for (size_t i = 0; i < s->n_seen; i++)
                if (streq(s->seen[i].section, k->section) && streq(s->seen[i].key, key)) {
                        log_warning("%s:%u: [%s] %s: also set on line %u, the last one wins", s->file,
                                    s->line, k->section, key, s->seen[i].line);
                        s->seen[i].line = s->line;
                        return;
                }
        n = array_reserve_one(s->seen, s->n_seen, &s->n_seen_allocated, sizeof(*n));
        if (!n)
                return;
        s->seen = n;
        n[s->n_seen] = (struct seen_key) { k->section, strdup(key), s->line };
        if (n[s->n_seen].key)
                s->n_seen++;
}

static int include_profile(struct parse_state *s, const char *value, char **reason) {
        struct loader *l = s->l;
        _cleanup_free_ char *path = NULL, *text = NULL, *chain = NULL;
        size_t size = 0;
        struct file_id id;
        int r;

        if (!l->allow_include)
                return profile_reason(reason, -EINVAL, "not allowed here");
        if (string_has_cc(value))
                return profile_reason(reason, -EINVAL, "control character in value");
        r = profile_resolve(value, s->file, &l->ids[l->depth - 1], &path, reason);
        if (r < 0)
                return r;
        r = profile_open_file(path, &text, &size, &id, reason);
        if (r < 0)
                return r;
        for (size_t i = 0; i < l->depth; i++) {
                size_t len = 0;
                FILE *f;
                if (!profile_file_id_equal(&l->ids[i], &id))
                        continue;
                /* The chain from the first load of this file to here. */
                f = open_memstream(&chain, &len);
                if (!f)
                        return profile_reason(reason, -ENOMEM, "out of memory");
                for (size_t j = i; j < l->depth; j++)
                        fprintf(f, "%s -> ", l->names[j]);
                fputs(path, f);
                fclose(f);
                return profile_reason(reason, -ELOOP, "include cycle: %s", chain ?: "");
        }
        if (l->depth >= PROFILE_MAX_DEPTH)
                return profile_reason(reason, -ELOOP, "includes nested deeper than %d files", PROFILE_MAX_DEPTH);
        l->names[l->depth] = path;
        l->ids[l->depth] = id;
        l->depth++;
        r = parse_text(l, path, text, size);
        l->depth--;
        /* The included file printed its own error. */
        return r < 0 ? 1 : 0;
}

static int handler(void *user, const char *section, const char *name, const char *value) {
        struct parse_state *s = user;
        const struct profile_key *k;
        _cleanup_free_ char *reason = NULL;
        int r;

        if (s->error)
                return 1;
        /* Included profiles apply before every key of the including file,
         * wherever the Include= line is: the file always overrides them. */
        if (s->pass == 1) {
                k = *section ? profile_key_find(section, name) : NULL;
                if (k && k->id == KEY_INCLUDE) {
                        r = include_profile(s, value, &reason);
                        if (r > 0)
                                s->error = -EINVAL;
                        if (r < 0)
                                state_error(s, r, "[%s] %s: %s", section, name, reason ?: "out of memory");
                }
                return 1;
        }
        if (!*section) {
                state_error(s, -EINVAL, "%s: key before any [Section] header", name);
                return 1;
        }
        k = profile_key_find(section, name);
        if (!k) {
                reason = profile_unknown_key_reason(section, name, false);
                state_error(s, -EINVAL, "[%s] %s: %s", section, name, reason ?: "unknown key");
                return 1;
        }
        check_duplicate(s, k, name);
        if (k->id == KEY_INCLUDE)
                return 1;
        r = profile_set(s->l->c, section, name, value, &(struct origin) { s->file, s->line }, &reason);
        if (r < 0)
                state_error(s, r, "[%s] %s: %s", section, name, reason ?: "out of memory");
        return 1;
}

static int parse_text(struct loader *l, const char *file, const char *text, size_t size) {
        struct parse_state s = { .l = l, .file = file, .text = text, .size = size };
        int r = 0;

        if (strv_extend(&l->c->included, file) < 0)
                return log_errno(-ENOMEM, "%s", file);
        for (s.pass = 1; s.pass <= 2 && !s.error && r == 0; s.pass++) {
                s.pos = 0;
                s.line = 0;
                r = ini_parse_stream(reader, &s, handler, &s);
        }
        for (size_t i = 0; i < s.n_seen; i++)
                free(s.seen[i].key);
        free(s.seen);
        if (s.error)
                return s.error;
        /* The reader refuses every line inih could not parse: this is only
         * a safety net. */
        if (r != 0)
                return log_error("%s:%d: syntax error", file, r);
        return 0;
}

int profile_load_string(struct config *c, const char *file, const char *text, size_t size, bool allow_include) {
        struct loader l = { .c = c, .allow_include = allow_include };
        return parse_text(&l, file, text, size);
}

/* Loads a profile named on the command line (or default.ini), unless it is
 * the file skip (default.ini named again with -p). *ret_id is the file
 * loaded; it stays as it was when an optional one was not found. */
static int load_top(struct config *c, const char *name, bool optional, const struct file_id *skip,
                    struct file_id *ret_id) {
        struct loader l = { .c = c, .allow_include = true };
        _cleanup_free_ char *path = NULL, *text = NULL, *reason = NULL;
        size_t size = 0;
        int r;

        r = profile_resolve(name, NULL, NULL, &path, &reason);
        if (r == -ENOENT && optional)
                return 0;
        if (r < 0) {
                log_error("%s", reason ?: "out of memory");
                return r;
        }
        r = profile_open_file(path, &text, &size, &l.ids[0], &reason);
        if (r < 0) {
                log_error("%s", reason ?: "out of memory");
                return r;
        }
        if (profile_file_id_equal(&l.ids[0], skip))
                return 0;
        l.names[0] = path;
        l.depth = 1;
        r = parse_text(&l, path, text, size);
        if (r < 0)
                return r;
        if (ret_id)
                *ret_id = l.ids[0];
        return 0;
}

int profile_load(struct config *c, const char *name, bool load_default) {
        struct file_id default_id = { 0, 0 };   /* no file has inode 0 */
        int r;

        if (load_default) {
                r = load_top(c, "default", true, NULL, &default_id);
                if (r < 0)
                        return r;
        }
        if (!name)
                return 0;
        return load_top(c, name, false, default_id.ino ? &default_id : NULL, NULL);
}
