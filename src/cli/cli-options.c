/* SPDX-License-Identifier: Apache-2.0 */
/* What is wrong with a word of the command line, said as the user typed
 * it: an option getopt_long refused (a value missing or not taken, an
 * ambiguous prefix, the closest name, what a docker user meant:
 * cli-hints.c), or an unknown command. */
#include <getopt.h>
#include <stdio.h>

#include "cli-internal.h"
#include "util.h"

/* getopt_long says only "bad option" ('?') or "value missing" (':'), with
 * optopt; word is the argument it stopped at when the option was a long
 * one. Say which option, as it was typed, and what is wrong with it. */
int cli_report_bad_option(const char *cmd, int opt, const char *word, const struct option *longopts,
                          size_t n_long) {
        const char *name = startswith(word, "--"), *hint, *closest, *known = NULL;
        _cleanup_free_ char *candidates = NULL, *typed = NULL;
        _cleanup_free_ const char **names = calloc(n_long ? n_long : 1, sizeof(*names));
        size_t len = 0, n_candidates = 0;
        FILE *f;

        for (size_t i = 0; optopt && i < n_long; i++)
                if (longopts[i].val == optopt)
                        known = longopts[i].name;
        /* A short option's letter is in optopt; only a long one can be
         * missing its value with a "--" word, or be given one it refuses. */
        if (opt == ':')
                return name ? cli_error("userbox %s: option '--%s' needs a value", cmd, known ? known : name)
                            : cli_error("userbox %s: option '-%c' needs a value", cmd, optopt);
        if (known)
                return cli_error("userbox %s: option '--%s' takes no value", cmd, known);
        if (optopt || !name) {
                char letter[3] = { '-', (char) optopt, '\0' };
                hint = cli_docker_hint(letter);
                if (hint)
                        return cli_error("userbox %s: unknown option '%s': %s", cmd, letter, hint);
                return cli_error("userbox %s: unknown option '-%c' (see 'userbox %s --help')", cmd, optopt, cmd);
        }

        if (!names)
                return -ENOMEM;
        len = strcspn(name, "=");
        if (asprintf(&typed, "--%.*s", (int) len, name) < 0)
                return -ENOMEM;
        hint = cli_docker_hint(typed);
        if (hint)
                return cli_error("userbox %s: unknown option '%s': %s", cmd, typed, hint);
        f = open_memstream(&candidates, &(size_t) { 0 });
        if (!f)
                return -ENOMEM;
        for (size_t i = 0; i < n_long; i++)
                if (strncmp(longopts[i].name, name, len) == 0)
                        fprintf(f, "%s--%s", n_candidates++ ? ", " : "", longopts[i].name);
        fclose(f);
        if (n_candidates > 1)
                return cli_error("userbox %s: option '%s' is ambiguous (%s)", cmd, typed, candidates ?: "");
        for (size_t i = 0; i < n_long; i++)
                names[i] = longopts[i].name;
        closest = string_closest(typed + 2, names, n_long);
        if (closest)
                return cli_error("userbox %s: unknown option '%s', did you mean '--%s'? (see 'userbox %s --help')",
                                 cmd, typed, closest, cmd);
        return cli_error("userbox %s: unknown option '%s' (see 'userbox %s --help')", cmd, typed, cmd);
}


/* "unknown command" with the closest name, for "rnu". */
int cli_report_unknown(const char *prefix, const char *what, const char *word, const char *const *names, size_t n) {
        const char *closest = string_closest(word, names, n);

        if (closest)
                return cli_error("%s: unknown %s '%s', did you mean '%s'? (see 'userbox --help')", prefix, what, word,
                                 closest);
        return cli_error("%s: unknown %s '%s' (see 'userbox --help')", prefix, what, word);
}
