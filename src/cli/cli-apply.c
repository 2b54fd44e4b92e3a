/* SPDX-License-Identifier: Apache-2.0 */
/* What a parsed command line does to a configuration: its settings go
 * through profile_set() after every profile, so the command line wins and
 * shares the profile's parsers (cli.c parses, this file applies). */
#include "cli.h"
#include "cli-internal.h"
#include "profile.h"
#include "util.h"

bool cli_sets(const struct cli *cli, const char *section, const char *key) {
        for (size_t i = 0; i < cli->n_settings; i++)
                if (streq(cli->settings[i].section, section) && streq(cli->settings[i].key, key))
                        return true;
        return false;
}

int cli_apply(const struct cli *cli, struct config *c) {
        static const struct origin command_line = { NULL, 0 };

        /* ROOT given as an argument is --root. */
        if (cli->args && (cli->command == CLI_RUN || cli->command == CLI_CONFIG)) {
                _cleanup_free_ char *reason = NULL;
                int r = profile_set(c, "Container", "Root", cli->args[0], &command_line, &reason);
                if (r < 0)
                        return cli_error("userbox: ROOT '%s': %s", cli->args[0], reason ?: strerror(-r));
        }
        for (size_t i = 0; i < cli->n_settings; i++) {
                const struct cli_setting *s = &cli->settings[i];
                _cleanup_free_ char *reason = NULL;
                char option[64];
                int r = profile_set(c, s->section, s->key, s->value, &command_line, &reason);
                if (r < 0 && s->value_implied)
                        return cli_error("userbox: %s: %s", cli_typed_option(option, s->option, s->short_option),
                                         reason ?: strerror(-r));
                /* -e and --limit: the value typed was KEY=VALUE. */
                if (r < 0)
                        return cli_error("userbox: %s '%s%s%s': %s", cli_typed_option(option, s->option, s->short_option),
                                         s->key_storage ?: "", s->key_storage ? "=" : "", s->value,
                                         reason ?: strerror(-r));
        }
        c->preserve_fds = cli->preserve_fds;
        return 0;
}
