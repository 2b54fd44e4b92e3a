/* SPDX-License-Identifier: Apache-2.0 */
/* The command's environment: a clean one (PATH, HOME, TERM, HOSTNAME) or
 * the host's, then container=userbox, the names kept, the values set. */
#include <stdio.h>

#include "security.h"
#include "util.h"

extern char **environ;

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* Replaces NAME=... in *env, or appends it. */
static int env_put(char ***env, const char *name, const char *value) {
        size_t len = strlen(name);
        char *entry;

        if (asprintf(&entry, "%s=%s", name, value) < 0)
                return -ENOMEM;
        for (char **e = *env; e && *e; e++)
                if (strncmp(*e, name, len) == 0 && (*e)[len] == '=') {
                        free(*e);
                        *e = entry;
                        return 0;
                }
        return strv_push(env, entry);
}

int env_build(const struct config *c, const char *home, const char *hostname, char ***ret) {
        _cleanup_strv_free_ char **env = NULL;
        const char *term = getenv("TERM");
        int r;

        if (c->env_clear) {
                /* A clean environment: nothing of the host leaks in unless
                 * asked for with Keep=. */
                env = calloc(1, sizeof(char *));
                if (!env)
                        return -ENOMEM;
                r = env_put(&env, "PATH", DEFAULT_PATH);
                if (r >= 0)
                        r = env_put(&env, "HOME", home ? home : "/");
                if (r >= 0)
                        r = env_put(&env, "TERM", term ? term : "xterm");
                if (r >= 0 && hostname)
                        r = env_put(&env, "HOSTNAME", hostname);
        } else {
                env = strv_copy(environ);
                r = env ? 0 : -ENOMEM;
        }
        if (r >= 0)
                r = env_put(&env, "container", "userbox");
        for (size_t i = 0; r >= 0 && c->env_keep && c->env_keep[i]; i++) {
                const char *v = getenv(c->env_keep[i]);
                if (v)
                        r = env_put(&env, c->env_keep[i], v);
        }
        for (size_t i = 0; r >= 0 && c->env_set && c->env_set[i]; i++) {
                _cleanup_free_ char *name = strdup(c->env_set[i]);
                char *eq = name ? strchr(name, '=') : NULL;
                if (!eq)
                        return name ? -EINVAL : -ENOMEM;
                *eq = '\0';
                r = env_put(&env, name, eq + 1);
        }
        if (r < 0)
                return r;
        *ret = TAKE_PTR(env);
        return 0;
}
