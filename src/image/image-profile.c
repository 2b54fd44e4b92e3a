/* SPDX-License-Identifier: Apache-2.0 */
/* The profile an import writes beside the image's root (design §11): the
 * image's own settings (Entrypoint, Cmd, Env, WorkingDir, User) as the
 * keys run reads, so that `userbox run -p NAME` runs the image as its
 * author meant. Every value goes through the profile's own parser first:
 * what the profile could not read back is left out, with a warning. */
#include <json-c/json.h>

#include "image.h"
#include "profile.h"
#include "util.h"

static void json_putp(json_object **o) { json_object_put(*o); }

/* Whether [section] key=value reads back as written; *reason says why not
 * (NULL: the line cannot hold the value). */
static bool line_holds(const char *section, const char *key, const char *value, char **reason) {
        /* As a line of a file: relative paths refused, as they would be. */
        static const struct origin origin = { "image profile", 1 };
        struct config scratch;
        int r = -EINVAL;

        *reason = NULL;
        config_init(&scratch);
        /* A line holds no control character either (a newline ends it). */
        if (profile_value_survives_ini(key, value) && !string_has_cc(value))
                r = profile_set(&scratch, section, key, value, &origin, reason);
        config_done(&scratch);
        return r >= 0;
}

/* Checks value as [section] key would read it, then writes the line. */
static void put_line(FILE *f, const char *image, const char *what, const char *section, const char *key,
                     const char *value) {
        _cleanup_free_ char *reason = NULL;

        if (!line_holds(section, key, value, &reason)) {
                _cleanup_free_ char *shown = string_escape_cc(value);
                log_warning("image %s: %s '%.60s%s' left out of its profile: %s", image, what, shown ?: "?",
                            shown && strlen(shown) > 60 ? "..." : "",
                            reason ?: "a profile line cannot hold it (too long, a control character, blanks at "
                                      "an end, or ' ;')");
                return;
        }
        fprintf(f, "%s=%s\n", key, value);
}

/* A JSON array of strings as one quoted command line; NULL when absent or
 * empty or not strings. */
static char *json_words(json_object *a) {
        _cleanup_strv_free_ char **argv = NULL;
        size_t n = json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;

        for (size_t i = 0; i < n; i++) {
                json_object *s = json_object_array_get_idx(a, i);
                if (!json_object_is_type(s, json_type_string) || strv_extend(&argv, json_object_get_string(s)) < 0)
                        return NULL;
        }
        return argv ? profile_quote_command(argv) : NULL;
}

static const char *json_string_member(json_object *o, const char *key) {
        json_object *v;
        if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
                return NULL;
        return json_object_get_string(v);
}

static void put_container(FILE *f, const char *name, const char *root, json_object *cfg) {
        json_object *v;
        const char *s;

        fputs("[Container]\n", f);
        put_line(f, name, "root", "Container", "Root", root);
        if (json_object_object_get_ex(cfg, "Entrypoint", &v)) {
                _cleanup_free_ char *words = json_words(v);
                if (words)
                        put_line(f, name, "Entrypoint", "Container", "Entrypoint", words);
        }
        if (json_object_object_get_ex(cfg, "Cmd", &v)) {
                _cleanup_free_ char *words = json_words(v);
                if (words)
                        put_line(f, name, "Cmd", "Container", "Command", words);
        }
        if ((s = json_string_member(cfg, "WorkingDir")) && *s)
                put_line(f, name, "WorkingDir", "Container", "WorkingDirectory", s);
        if ((s = json_string_member(cfg, "User")) && *s)
                put_line(f, name, "User", "Container", "User", s);
}

/* Env: a line each where a profile line holds it; the others (a value
 * longer than a line, one a line would cut at " ;", a name the section
 * reserves) go to the file env_path, which File= reads whole. */
static int put_environment(FILE *f, const char *name, json_object *cfg, const char *env_path, char **ret_env) {
        _cleanup_free_ char *lines = NULL;
        json_object *env;
        size_t n, size = 0;
        FILE *extra;

        *ret_env = NULL;
        if (!json_object_object_get_ex(cfg, "Env", &env) || !json_object_is_type(env, json_type_array))
                return 0;
        n = json_object_array_length(env);
        if (n == 0)
                return 0;
        extra = open_memstream(&lines, &size);
        if (!extra)
                return -errno;
        fputs("[Environment]\n", f);
        for (size_t i = 0; i < n; i++) {
                json_object *e = json_object_array_get_idx(env, i);
                const char *s = json_object_is_type(e, json_type_string) ? json_object_get_string(e) : NULL;
                const char *eq = s ? strchr(s, '=') : NULL;
                _cleanup_free_ char *key = eq ? strndup(s, (size_t) (eq - s)) : NULL;

                if (!key) {
                        log_warning("image %s: Env entry %zu left out of its profile: not NAME=VALUE", name, i);
                        continue;
                }
                _cleanup_free_ char *what = NULL, *reason = NULL;
                if (asprintf(&what, "Env %s", key) < 0)
                        continue;
                /* A line "KEY=" with the variable's name as the key, unless
                 * the section reserves the name. */
                if (!streq(key, "Clear") && !streq(key, "Keep") && !streq(key, "File") &&
                    line_holds("Environment", key, eq + 1, &reason)) {
                        fprintf(f, "%s=%s\n", key, eq + 1);
                        continue;
                }
                /* The file holds any value but one with a newline, which
                 * ends its line. */
                if (profile_env_name_valid(key) && !strchr(eq, '\n')) {
                        fprintf(extra, "%s\n", s);
                        continue;
                }
                put_line(f, name, what, "Environment", key, eq + 1);
        }
        if (fclose(extra) != 0)
                return -ENOMEM;
        if (size > 0) {
                fprintf(f, "; what a line cannot hold\n");
                fprintf(f, "File=%s\n", env_path);
                *ret_env = TAKE_PTR(lines);
        }
        return 0;
}

int image_profile_text(const char *name, const char *root, const char *env_path, const char *config_json,
                       const char *source, const char *digest, char **ret, char **ret_env) {
        _cleanup_(json_putp) json_object *top = NULL;
        json_object *cfg = NULL;
        char *text = NULL;
        size_t size = 0;
        FILE *f;

        if (config_json) {
                top = json_tokener_parse(config_json);
                if (!top || !json_object_is_type(top, json_type_object))
                        return log_error("image %s: its config is not a JSON object", name);
                /* Absent or null: an image that says nothing of how it runs. */
                if (!json_object_object_get_ex(top, "config", &cfg) || !json_object_is_type(cfg, json_type_object))
                        cfg = NULL;
        }
        f = open_memstream(&text, &size);
        if (!f)
                return log_errno(-errno, "the profile of image %s", name);
        fprintf(f, "; The image %s, as userbox import found it: written at the import, removed by\n"
                   "; 'userbox rmi %s'. To change it, write a profile of your own that has\n"
                   "; Include=%s, or name it %s.ini in ~/.config/userbox (it then comes first).\n",
                name, name, name, name);
        fputs("[Profile]\n", f);
        {
                /* The source when the line holds it (userbox images has it all). */
                _cleanup_free_ char *desc = NULL;
                if (asprintf(&desc, "image %s from %s", name, source) >= 0 &&
                    !profile_value_survives_ini("Description", desc))
                        desc[strlen("image ") + strlen(name)] = '\0';
                if (desc)
                        put_line(f, name, "description", "Profile", "Description", desc);
        }
        fprintf(f, "; digest %s\n", digest ?: "(none: a root tar)");
        if (!profile_value_survives_ini("Root", root)) {
                fclose(f);
                free(text);
                return log_error("image %s: its root '%s' is too long for a profile line (197 characters): "
                                 "set XDG_DATA_HOME to a shorter directory", name, root);
        }
        put_container(f, name, root, cfg);
        *ret_env = NULL;
        if (cfg && put_environment(f, name, cfg, env_path, ret_env) < 0) {
                fclose(f);
                free(text);
                return log_errno(-ENOMEM, "the profile of image %s", name);
        }
        if (fclose(f) != 0) {
                free(text);
                free(*ret_env);
                *ret_env = NULL;
                return log_errno(-ENOMEM, "the profile of image %s", name);
        }
        *ret = text;
        return 0;
}
