/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* The command line: one getopt_long table per subcommand. Options that
 * mirror a profile key are kept as (section, key, value) settings and are
 * applied through profile_set() after every profile, so the command line
 * always wins and both paths share one parser. */

#include <stdbool.h>
#include "profile.h"
#include "util.h"

enum cli_command {
        CLI_RUN,
        CLI_CONFIG,
        CLI_PROFILES,
        CLI_UNSHARE,
        CLI_CP,
        CLI_VERSION,
        CLI_HELP,
        /* Named containers (design section 10). */
        CLI_LIST,
        CLI_EXEC,
        CLI_STOP,
        CLI_KILL,
        CLI_LOGS,
        CLI_WAIT,
        CLI_RM,
        /* Images (design section 11). */
        CLI_IMPORT,
        CLI_PULL,
        CLI_IMAGES,
        CLI_RMI,
};

struct cli_setting {
        const char *section;
        const char *key;
        char *value;
        /* The option as typed, for error messages: its long name ("bind"),
         * and its letter when the short form was used ('b'), else 0. */
        const char *option;
        char short_option;
        bool value_implied;     /* --read-only: the value is the option's own */
        char *key_storage;      /* -e/--limit: the key, owned here */
};

struct cli {
        enum cli_command command;
        char *profile;                  /* -p NAME */
        bool no_default_profile;
        struct cli_setting *settings;
        size_t n_settings, n_settings_allocated;
        /* positional: ROOT (run/config), cp's SRC DST, the container NAME
         * (exec: args[0]) or NAMEs (stop, kill, logs, wait, rm) */
        char **args;
        char **command_argv;            /* after ROOT / after "--"; exec: after NAME */
        bool command_given;
        unsigned preserve_fds;
        enum log_level log_level;
        bool archive;                   /* cp -a */
        bool detach;                    /* run -d: return once the command runs */
        unsigned stop_timeout;          /* stop -t SECONDS: TERM to KILL (default 10) */
        int signal;                     /* kill -s SIGNAL (default SIGKILL) */
        bool follow;                    /* logs -f */
        bool force;                     /* rm -f: stop a running one first */
        bool format_json;               /* list, images --format json */
        char *image_name;               /* import, pull --name */
        char *image_ref;                /* import --ref: the image of several */
        int tls_verify;                 /* pull --tls-verify=BOOL; -1: skopeo's default */
};

/* Returns 0, or 1 when --help/--version was printed (exit 0), or -EINVAL
 * after printing the error. */
int cli_parse(int argc, char **argv, struct cli *ret);
/* list, stop, kill, logs, wait and rm (cli-named.c): each NAME in order.
 * Returns 0 (wait: the command's status), or -errno when any failed (each
 * failure printed). */
int cli_named_command(const struct cli *cli);
/* import, pull, images and rmi (cli-image.c). */
int cli_image_command(const struct cli *cli);
/* Applies the command line's settings onto c (after the profiles). */
int cli_apply(const struct cli *cli, struct config *c);
void cli_done(struct cli *cli);
/* Prints the usage of a subcommand (NULL: the top level). */
void cli_help(FILE *f, const char *subcommand);

/* The command line's tables, read by the completion generator
 * (helpers/completion-gen.c) so that the completion follows them. */
struct cli_option_info {
        const char *name;               /* the long name, without "--" */
        char short_name;                /* 0: none */
        int has_arg;                    /* no_argument, required_argument, optional_argument */
        const char *section, *key;      /* the profile key the value goes to; NULL: none */
        unsigned commands;              /* bit 1 << CLI_xxx for each subcommand that takes it */
};
/* Row i of each table; false past the last. */
bool cli_command_info(size_t i, const char **ret_name, enum cli_command *ret_command);
bool cli_option_info(size_t i, struct cli_option_info *ret);
