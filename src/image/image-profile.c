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

/* inih reads a value up to the end of its line, strips the blanks around
 * it and cuts it at " ;" (a comment): a value it would read differently
 * cannot be written. */
static bool ini_value_ok(const char *v) {
        size_t n = strlen(v);

        if (string_has_cc(v) || strchr(v, '\t'))
                return false;
        if (n && (v[0] == ' ' || v[n - 1] == ' '))
                return false;
        return !strstr(v, " ;") && !strstr(v, " #");
}

/* Checks value as [section] key would read it, then writes the line. */
static void put_line(FILE *f, const char *image, const char *what, const char *section, const char *key,
                     const char *value) {
        /* As a line of a file: relative paths refused, as they would be. */
        static const struct origin origin = { "image profile", 1 };
        _cleanup_free_ char *reason = NULL;
        struct config scratch;
        int r = -EINVAL;

        config_init(&scratch);
        if (ini_value_ok(value))
                r = profile_set(&scratch, section, key, value, &origin, &reason);
        config_done(&scratch);
        if (r < 0) {
                log_warning("image %s: %s '%s' left out of its profile: %s", image, what, value,
                            reason ?: "a profile line cannot hold it");
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

static void put_environment(FILE *f, const char *name, json_object *cfg) {
        json_object *env;
        size_t n;

        if (!json_object_object_get_ex(cfg, "Env", &env) || !json_object_is_type(env, json_type_array))
                return;
        n = json_object_array_length(env);
        if (n)
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
                /* A line "KEY=" with the variable's name as the key. */
                if (streq(key, "Clear") || streq(key, "Keep") || !ini_value_ok(key)) {
                        log_warning("image %s: Env '%s' left out of its profile: a profile cannot set it", name, key);
                        continue;
                }
                _cleanup_free_ char *what = NULL;
                if (asprintf(&what, "Env %s", key) < 0)
                        continue;
                put_line(f, name, what, "Environment", key, eq + 1);
        }
}

int image_profile_text(const char *name, const char *root, const char *config_json, const char *source,
                       const char *digest, char **ret) {
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
                _cleanup_free_ char *desc = NULL;
                if (asprintf(&desc, "image %s from %s%s%s", name, source, digest ? " " : "", digest ?: "") >= 0)
                        put_line(f, name, "description", "Profile", "Description", desc);
        }
        put_container(f, name, root, cfg);
        if (cfg)
                put_environment(f, name, cfg);
        if (fclose(f) != 0) {
                free(text);
                return log_errno(-ENOMEM, "the profile of image %s", name);
        }
        *ret = text;
        return 0;
}
