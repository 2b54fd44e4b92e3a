/* SPDX-License-Identifier: Apache-2.0 */
/* The command line: the subcommand, its options (one table for all, each
 * row naming the subcommands that take it), ROOT and the command after it. */
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cli-internal.h"
#include "profile.h"
#include "state.h"
#include "util.h"

/* Which subcommands accept an option. */
#define FOR_RUN     (1u << CLI_RUN)
#define FOR_CONFIG  (1u << CLI_CONFIG)
#define FOR_UNSHARE (1u << CLI_UNSHARE)
#define FOR_CP      (1u << CLI_CP)
#define FOR_CONTAINER (FOR_RUN | FOR_CONFIG)
#define FOR_LIST    (1u << CLI_LIST)
#define FOR_EXEC    (1u << CLI_EXEC)
#define FOR_STOP    (1u << CLI_STOP)
#define FOR_KILL    (1u << CLI_KILL)
#define FOR_LOGS    (1u << CLI_LOGS)
#define FOR_RM      (1u << CLI_RM)
#define FOR_IMPORT  (1u << CLI_IMPORT)
#define FOR_PULL    (1u << CLI_PULL)
#define FOR_IMAGES  (1u << CLI_IMAGES)

/* Options with no profile key. */
enum {
        OPT_PROFILE = 'p',
        OPT_HELP = 'h',
        OPT_INTERACTIVE = 'i',
        OPT_VERBOSE = 'v',
        OPT_QUIET = 'q',
        OPT_ENV = 'e',
        OPT_ARCHIVE = 'a',
        OPT_NO_DEFAULT_PROFILE = 0x100,
        OPT_PRESERVE_FDS,
        OPT_LIMIT,
        OPT_NAME,
        OPT_DETACH,
        OPT_TIME,
        OPT_SIGNAL,
        OPT_FOLLOW,
        OPT_FORCE,
        OPT_FORMAT,
        OPT_IMAGE_NAME,
        OPT_REF,
        OPT_TLS_VERIFY,
        OPT_KEY, /* every option that is a profile key: see the row */
};

/* One row per option. A row with a section/key is a profile key: its value
 * (or `fixed`) goes through profile_set() like a line of a profile would. */
struct option_spec {
        const char *name;
        int has_arg;
        char short_name;
        int id;
        const char *section, *key, *fixed;
        unsigned commands;
        const char *arg_help;
        const char *help;
};

static const struct option_spec option_table[] = {
        { "profile", required_argument, 'p', OPT_PROFILE, NULL, NULL, NULL, FOR_CONTAINER | FOR_UNSHARE | FOR_CP, "NAME", "load profile NAME (a path if it has a '/')" },
        { "no-default-profile", no_argument, 0, OPT_NO_DEFAULT_PROFILE, NULL, NULL, NULL, FOR_CONTAINER | FOR_UNSHARE | FOR_CP, NULL, "do not apply default.ini" },
        { "root", required_argument, 'r', OPT_KEY, "Container", "Root", NULL, FOR_CONTAINER, "DIR", "the container's root directory" },
        { "bind", required_argument, 'b', OPT_KEY, "Mounts", "Bind", NULL, FOR_CONTAINER, "SRC:DST[:OPTS]", "bind SRC at DST (OPTS: ro,rw,nosuid,nodev,noexec,rbind,norbind)" },
        { "ro-bind", required_argument, 0, OPT_KEY, "Mounts", "BindReadOnly", NULL, FOR_CONTAINER, "SRC:DST[:OPTS]", "bind SRC at DST read-only" },
        { "tmpfs", required_argument, 0, OPT_KEY, "Mounts", "Tmpfs", NULL, FOR_CONTAINER, "DST[:OPTS]", "a tmpfs at DST (OPTS: size=,mode=,nr_inodes=,ro,rw,nosuid,nodev,noexec)" },
        { "device", required_argument, 0, OPT_KEY, "Devices", "Bind", NULL, FOR_CONTAINER, "PATH[:PATH]", "a host device node (or fuse, kvm, tun, dri)" },
        { "env", required_argument, 'e', OPT_ENV, NULL, NULL, NULL, FOR_CONTAINER | FOR_EXEC, "NAME[=VALUE]", "set a variable in the container (NAME alone: the host's)" },
        { "keep-env", required_argument, 0, OPT_KEY, "Environment", "Keep", NULL, FOR_CONTAINER | FOR_EXEC, "NAME", "pass the host's variable NAME through" },
        { "env-file", required_argument, 0, OPT_KEY, "Environment", "File", NULL, FOR_CONTAINER | FOR_EXEC, "FILE", "set the variables of FILE's NAME=VALUE lines" },
        { "clear-env", no_argument, 0, OPT_KEY, "Environment", "Clear", "yes", FOR_CONTAINER, NULL, "start from a clean environment (default)" },
        { "no-clear-env", no_argument, 0, OPT_KEY, "Environment", "Clear", "no", FOR_CONTAINER, NULL, "start from the host's environment" },
        { "entrypoint", required_argument, 0, OPT_KEY, "Container", "Entrypoint", NULL, FOR_CONTAINER, "CMD", "words before the command (\"\": none), as an image's Entrypoint" },
        { "workdir", required_argument, 'w', OPT_KEY, "Container", "WorkingDirectory", NULL, FOR_CONTAINER | FOR_EXEC, "DIR", "working directory inside" },
        { "user", required_argument, 'u', OPT_KEY, "Container", "User", NULL, FOR_CONTAINER | FOR_EXEC, "USER[:GROUP]", "run the command as this user (a name or uid, a group name or gid)" },
        { "hostname", required_argument, 'H', OPT_KEY, "Container", "Hostname", NULL, FOR_CONTAINER, "NAME", "the container's hostname" },
        { "idmap", required_argument, 0, OPT_KEY, "IDMap", "Mode", NULL, FOR_CONTAINER | FOR_UNSHARE | FOR_CP, "MODE", "auto, subid, keep-id or single" },
        { "uidmap", required_argument, 0, OPT_KEY, "IDMap", "UID", NULL, FOR_CONTAINER | FOR_UNSHARE | FOR_CP, "IN:OUT:COUNT", "an explicit uid map line" },
        { "gidmap", required_argument, 0, OPT_KEY, "IDMap", "GID", NULL, FOR_CONTAINER | FOR_UNSHARE | FOR_CP, "IN:OUT:COUNT", "an explicit gid map line" },
        { "net", required_argument, 0, OPT_KEY, "Namespaces", "Network", NULL, FOR_CONTAINER, "MODE", "host, none, slirp4netns or pasta (:allow-host-loopback)" },
        { "publish", required_argument, 0, OPT_KEY, "Network", "Publish", NULL, FOR_CONTAINER, "[IP:]HOST:CTR[/udp]", "publish a container port on the host (with --net slirp4netns or pasta)" },
        { "cap-add", required_argument, 0, OPT_KEY, "Security", "CapabilityAdd", NULL, FOR_CONTAINER, "CAPS", "keep these capabilities too" },
        { "cap-drop", required_argument, 0, OPT_KEY, "Security", "CapabilityDrop", NULL, FOR_CONTAINER, "CAPS", "drop these capabilities (or all)" },
        { "no-new-privileges", required_argument, 0, OPT_KEY, "Security", "NoNewPrivileges", NULL, FOR_CONTAINER, "BOOL", "set no_new_privs (default yes)" },
        { "seccomp", required_argument, 0, OPT_KEY, "Security", "Seccomp", NULL, FOR_CONTAINER, "MODE", "default or unconfined" },
        { "read-only", no_argument, 0, OPT_KEY, "Container", "ReadOnly", "yes", FOR_CONTAINER, NULL, "make the root read-only" },
        { "overlay", optional_argument, 0, OPT_KEY, "Container", "Overlay", "tmpfs", FOR_CONTAINER, "[=DIR]", "an overlay over the root (changes kept in DIR)" },
        { "layers", required_argument, 0, OPT_KEY, "Container", "Layers", NULL, FOR_CONTAINER, "DIR[:DIR...]", "read-only layers above the root, topmost first" },
        { "tty", optional_argument, 't', OPT_KEY, "Container", "Tty", "yes", FOR_CONTAINER | FOR_EXEC, "[=BOOL]", "a pseudo-terminal inside (implied for a shell on a terminal)" },
        { "interactive", no_argument, 'i', OPT_INTERACTIVE, NULL, NULL, NULL, FOR_CONTAINER | FOR_EXEC, NULL, "keep stdin open" },
        { "no-init", no_argument, 0, OPT_KEY, "Container", "Init", "no", FOR_CONTAINER, NULL, "run the command as PID 1" },
        { "limit", required_argument, 0, OPT_LIMIT, NULL, NULL, NULL, FOR_CONTAINER, "NAME=VALUE", "a resource limit (NOFILE=1024, ...)" },
        { "preserve-fds", required_argument, 0, OPT_PRESERVE_FDS, NULL, NULL, NULL, FOR_CONTAINER, "N", "pass fds 3..N+2 to the command" },
        { "name", required_argument, 0, OPT_NAME, "Container", "Name", NULL, FOR_CONTAINER, "NAME", "a named container: listed, and reached by exec, stop, logs..." },
        { "detach", no_argument, 'd', OPT_DETACH, NULL, NULL, NULL, FOR_RUN, NULL, "once the command runs, print the name and leave it running" },
        { "time", required_argument, 't', OPT_TIME, NULL, NULL, NULL, FOR_STOP, "SECONDS", "after SIGTERM, wait this long before SIGKILL (default 10)" },
        { "signal", required_argument, 's', OPT_SIGNAL, NULL, NULL, NULL, FOR_KILL, "SIGNAL", "the signal, a name or a number (default KILL)" },
        { "follow", no_argument, 'f', OPT_FOLLOW, NULL, NULL, NULL, FOR_LOGS, NULL, "print new output until the container exits" },
        { "force", no_argument, 'f', OPT_FORCE, NULL, NULL, NULL, FOR_RM, NULL, "stop a running container first (SIGKILL at once)" },
        { "format", required_argument, 0, OPT_FORMAT, NULL, NULL, NULL, FOR_LIST | FOR_IMAGES, "table|json", "table (the default) or json" },
        { "name", required_argument, 0, OPT_IMAGE_NAME, NULL, NULL, NULL, FOR_IMPORT | FOR_PULL, "NAME", "the image's name (default: from its tag or file name)" },
        { "ref", required_argument, 0, OPT_REF, NULL, NULL, NULL, FOR_IMPORT, "REF", "the image to take from an archive or layout holding several" },
        { "tls-verify", optional_argument, 0, OPT_TLS_VERIFY, NULL, NULL, NULL, FOR_PULL, "[=BOOL]", "verify the registry's TLS certificate (skopeo's default: yes)" },
        { "archive", no_argument, 'a', OPT_ARCHIVE, NULL, NULL, NULL, FOR_CP, NULL, "copy like cp -a" },
        { "verbose", no_argument, 'v', OPT_VERBOSE, NULL, NULL, NULL, ~0u, NULL, "print each setup step with its time" },
        { "quiet", no_argument, 'q', OPT_QUIET, NULL, NULL, NULL, ~0u, NULL, "print errors only" },
        { "help", no_argument, 'h', OPT_HELP, NULL, NULL, NULL, ~0u, NULL, "show this help" },
};

static const struct {
        const char *name;
        enum cli_command command;
        const char *usage;
        const char *summary;
} command_table[] = {
        { "run", CLI_RUN, "run [OPTIONS] [ROOT] [--] [COMMAND [ARG...]]", "Run a command in a container" },
        { "config", CLI_CONFIG, "config [OPTIONS] [ROOT]", "Print the effective profile, id map and mount plan" },
        { "profiles", CLI_PROFILES, "profiles", "List the profiles on the search path" },
        { "unshare", CLI_UNSHARE, "unshare [OPTIONS] [--] COMMAND [ARG...]", "Run a host command in a user namespace with the same id map" },
        { "cp", CLI_CP, "cp [-a] SRC ROOT:/DST | ROOT:/SRC DST", "Copy into or out of a root, inside the id map" },
        { "list", CLI_LIST, "list [--format table|json]", "List the named containers" },
        { "ps", CLI_LIST, "ps [--format table|json]", NULL /* list's alias */ },
        { "exec", CLI_EXEC, "exec [OPTIONS] NAME [--] COMMAND [ARG...]", "Run a command in a running container" },
        { "stop", CLI_STOP, "stop [-t SECONDS] NAME...", "Stop containers: SIGTERM, then SIGKILL" },
        { "kill", CLI_KILL, "kill [-s SIGNAL] NAME...", "Send a signal to containers' commands" },
        { "logs", CLI_LOGS, "logs [-f] NAME", "Print a detached container's output" },
        { "wait", CLI_WAIT, "wait NAME...", "Wait for containers to exit; exit with the status of the last" },
        { "rm", CLI_RM, "rm [-f] NAME...", "Remove exited containers" },
        { "import", CLI_IMPORT, "import [--name NAME] [--ref REF] SOURCE", "Import an image: a docker/podman save archive, an OCI layout or archive, a root tar" },
        { "pull", CLI_PULL, "pull [--name NAME] [--tls-verify=BOOL] REFERENCE", "Pull an image from a registry (with skopeo) and import it" },
        { "images", CLI_IMAGES, "images [--format table|json]", "List the imported images" },
        { "rmi", CLI_RMI, "rmi NAME...", "Remove images" },
        { "version", CLI_VERSION, "version", "Print the version" },
        { "help", CLI_HELP, "help [COMMAND]", "Show help" },
};

void cli_help(FILE *f, const char *subcommand) {
        int which = -1;

        for (size_t i = 0; subcommand && i < ELEMENTSOF(command_table); i++)
                if (streq(subcommand, command_table[i].name))
                        which = (int) i;
        if (which < 0) {
                fprintf(f, "Usage: userbox COMMAND [OPTIONS]\n\nRootless containers without a daemon.\n\nCommands:\n");
                for (size_t i = 0; i < ELEMENTSOF(command_table); i++)
                        if (command_table[i].summary)
                                fprintf(f, "  %-10s %s\n", command_table[i].name, command_table[i].summary);
                fprintf(f, "\nOptions:\n  -h, --help     show this help\n      --version  print the version\n"
                           "\nSee 'userbox COMMAND --help', userbox(1) and userbox.ini(5).\n");
                return;
        }
        fprintf(f, "Usage: userbox %s\n\n%s.\n", command_table[which].usage,
                command_table[which].summary ?: "An alias of list");
        fprintf(f, "\nOptions:\n");
        for (size_t i = 0; i < ELEMENTSOF(option_table); i++) {
                const struct option_spec *o = &option_table[i];
                char left[64];
                if (!(o->commands & (1u << command_table[which].command)))
                        continue;
                snprintf(left, sizeof(left), "%c%c%s--%s%s%s", o->short_name ? '-' : ' ',
                         o->short_name ? o->short_name : ' ', o->short_name ? ", " : "  ", o->name,
                         o->arg_help && o->has_arg == required_argument ? " " : "",
                         o->arg_help ? o->arg_help : "");
                fprintf(f, "  %-34s %s\n", left, o->help);
        }
        if (command_table[which].command == CLI_RUN)
                fprintf(f, "\nWith no ROOT (and no profile giving one) the host's / is used read-only,\n"
                           "with private /tmp, /dev and /proc. Options come before ROOT; use '--'\n"
                           "before a command when a profile gives the root. After -r, every word\n"
                           "is the command. With no command, on a terminal, -t is implied.\n"
                           "Exit status: the command's; 128+N if killed by signal N; 125 userbox\n"
                           "failed; 126 the command cannot be executed; 127 not found.\n");
}

/* Every message of the command line goes through here: it quotes what was
 * typed, and a control character typed (or pasted) must not reach the
 * terminal. Returns -EINVAL. */
int cli_error(const char *fmt, ...) {
        _cleanup_free_ char *msg = NULL;
        va_list ap;

        va_start(ap, fmt);
        msg = string_format_escaped(fmt, ap);
        va_end(ap);
        fprintf(stderr, "%s\n", msg ?: "userbox: out of memory");
        return -EINVAL;
}

/* "-b" or "--bind", as the user wrote it. */
const char *cli_typed_option(char buf[static 64], const char *name, char short_name) {
        if (short_name)
                snprintf(buf, 64, "-%c", short_name);
        else
                snprintf(buf, 64, "--%s", name);
        return buf;
}

static int add_setting(struct cli *cli, const char *section, const char *key, const char *value,
                       const struct option_spec *o, char short_name) {
        struct cli_setting *n = array_reserve_one(cli->settings, cli->n_settings, &cli->n_settings_allocated,
                                                  sizeof(*n));
        if (!n)
                return -ENOMEM;
        cli->settings = n;
        n[cli->n_settings] = (struct cli_setting) {
                .section = section, .key = key, .value = strdup(value), .option = o->name,
                .short_option = short_name, .value_implied = value == o->fixed,
        };
        if (!n[cli->n_settings].value)
                return -ENOMEM;
        cli->n_settings++;
        return 0;
}

/* -e NAME=VALUE and --limit NAME=VALUE carry their key in the value. */
static int add_keyed_setting(struct cli *cli, const char *section, const char *arg, const struct option_spec *o,
                             char short_name) {
        const char *eq = strchr(arg, '=');
        char option[64];
        char *key;
        int r;

        /* -e NAME passes the host's NAME through, as docker's -e does. */
        if (!eq && *arg && streq(section, "Environment"))
                return add_setting(cli, section, "Keep", arg, o, short_name);
        if (!eq || eq == arg)
                return cli_error("userbox: %s '%s': expected NAME=VALUE%s", cli_typed_option(option, o->name, short_name),
                                 arg, streq(section, "Environment") ? " or NAME" : "");
        /* [Environment] Clear=, Keep= and File= are settings, not variables. */
        if (streq(section, "Environment") &&
            (startswith(arg, "Clear=") || startswith(arg, "Keep=") || startswith(arg, "File=")))
                return cli_error("userbox: %s '%s': '%.*s' is reserved (use --clear-env, --keep-env or --env-file)",
                                 cli_typed_option(option, o->name, short_name), arg, (int) (eq - arg), arg);
        key = strndup(arg, (size_t) (eq - arg));
        if (!key)
                return -ENOMEM;
        r = add_setting(cli, section, key, eq + 1, o, short_name);
        if (r < 0) {
                free(key);
                return r;
        }
        cli->settings[cli->n_settings - 1].key_storage = key;
        return 0;
}

static int parse_command(const char *word, enum cli_command *ret) {
        for (size_t i = 0; i < ELEMENTSOF(command_table); i++)
                if (streq(word, command_table[i].name)) {
                        *ret = command_table[i].command;
                        return 0;
                }
        return -EINVAL;
}

static int unknown_command(const char *prefix, const char *word) {
        const char *names[ELEMENTSOF(command_table)];

        for (size_t i = 0; i < ELEMENTSOF(command_table); i++)
                names[i] = command_table[i].name;
        return cli_report_unknown(prefix, "command", word, names, ELEMENTSOF(names));
}

static const char *command_name(enum cli_command c) {
        for (size_t i = 0; i < ELEMENTSOF(command_table); i++)
                if (command_table[i].command == c)
                        return command_table[i].name;
        return "?";
}

static int take_command(struct cli *cli, char **argv) {
        cli->command_argv = strv_copy(argv);
        if (!cli->command_argv)
                return -ENOMEM;
        cli->command_given = true;
        return 0;
}

/* The last -r/--root, or NULL. */
static const struct cli_setting *root_option(const struct cli *cli) {
        for (size_t i = cli->n_settings; i > 0; i--)
                if (streq(cli->settings[i - 1].key, "Root"))
                        return &cli->settings[i - 1];
        return NULL;
}

/* run and config: [ROOT] [--] [COMMAND...]. A "--" before any positional
 * means there is no ROOT; after -r every word is the command, and a second
 * root ("-r A B -- CMD", B a directory) is refused rather than run as a
 * command. */
static int take_root_and_command(struct cli *cli, char **words, bool dashdash) {
        const struct cli_setting *root = root_option(cli);
        const char *cmd = command_name(cli->command);
        struct stat st;
        char option[64];
        int r;

        if (root && words[0] && !dashdash &&
            (cli->command == CLI_CONFIG ||
             (words[1] && streq(words[1], "--") && stat(words[0], &st) == 0 && S_ISDIR(st.st_mode))))
                return cli_error("userbox %s: two roots, %s '%s' and ROOT '%s' (after %s, every word is the command)",
                                 cmd, cli_typed_option(option, root->option, root->short_option), root->value, words[0],
                                 option);
        if (!root && !dashdash && words[0]) {
                r = strv_extend(&cli->args, *words++);
                if (r < 0)
                        return r;
                if (words[0] && streq(words[0], "--"))
                        words++;
        }
        if (words[0] && cli->command == CLI_CONFIG)
                return cli_error("userbox config: unexpected argument '%s'", words[0]);
        return words[0] ? take_command(cli, words) : 0;
}

/* argv[1]: --version, --help, help [COMMAND], or the subcommand. Returns
 * 0 to go on with its options, 1 when done (printed), or -EINVAL. */
static int parse_subcommand(int argc, char **argv, struct cli *cli) {
        enum cli_command about;

        if (argc < 2) {
                cli_help(stderr, NULL);
                return -EINVAL;
        }
        if (streq(argv[1], "--version") || streq(argv[1], "version")) {
                if (argc > 2)
                        return cli_error("userbox %s: unexpected argument '%s'", argv[1], argv[2]);
                cli->command = CLI_VERSION;
                return 1;
        }
        if (streq(argv[1], "--help") || streq(argv[1], "-h")) {
                cli_help(stdout, NULL);
                return 1;
        }
        if (parse_command(argv[1], &cli->command) < 0)
                return unknown_command("userbox", argv[1]);
        if (cli->command != CLI_HELP)
                return 0;
        if (argc > 3)
                return cli_error("userbox help: unexpected argument '%s'", argv[3]);
        if (argc > 2 && parse_command(argv[2], &about) < 0)
                return unknown_command("userbox help", argv[2]);
        cli_help(stdout, argc > 2 ? argv[2] : NULL);
        return 1;
}

/* One subcommand's getopt_long tables, built from the rows that apply. */
struct getopt_tables {
        struct option longopts[ELEMENTSOF(option_table) + 1];
        const struct option_spec *by_index[ELEMENTSOF(option_table)];
        char shortopts[2 * ELEMENTSOF(option_table) + 3];
        size_t n_long;
};

static void build_getopt_tables(enum cli_command command, struct getopt_tables *t) {
        /* "+": stop at the first non-option, so ROOT and the command's own
         * options are never taken for ours. ":": report a missing value. */
        size_t n_short = 2;

        memcpy(t->shortopts, "+:", 2);
        t->n_long = 0;
        for (size_t i = 0; i < ELEMENTSOF(option_table); i++) {
                const struct option_spec *o = &option_table[i];
                if (!(o->commands & (1u << command)))
                        continue;
                t->by_index[t->n_long] = o;
                t->longopts[t->n_long++] = (struct option) { o->name, o->has_arg, NULL,
                                                             o->short_name ? o->short_name : 0x1000 + (int) i };
                /* A short option never takes an optional value: -ti is
                 * -t -i, not -t with "i". */
                if (o->short_name) {
                        t->shortopts[n_short++] = o->short_name;
                        if (o->has_arg == required_argument)
                                t->shortopts[n_short++] = ':';
                }
        }
        t->longopts[t->n_long] = (struct option) { 0 };
        t->shortopts[n_short] = '\0';
}

/* One option as getopt_long found it, with its value (NULL for none).
 * Returns 0, 1 when --help was printed, or -errno. */
static int take_option(struct cli *cli, const struct option_spec *o, char short_name, const char *arg) {
        char option[64];

        switch (o->id) {
        case OPT_PROFILE:
                /* docker's -p 8080:80: a port mapping, no profile. */
                if (cli_looks_like_ports(arg))
                        return cli_error("userbox %s: %s '%s': -p is --profile; ports are --publish (with --net "
                                         "slirp4netns or pasta)", command_name(cli->command),
                                         cli_typed_option(option, o->name, short_name), arg);
                free(cli->profile);
                cli->profile = strdup(arg);
                return cli->profile ? 0 : -ENOMEM;
        case OPT_NO_DEFAULT_PROFILE:
                cli->no_default_profile = true;
                return 0;
        case OPT_HELP:
                cli_help(stdout, command_name(cli->command));
                return 1;
        case OPT_INTERACTIVE:
                /* Standard input is never closed: -i changes nothing, and
                 * is accepted for docker's sake. */
                return 0;
        case OPT_VERBOSE:
                cli->log_level = LOG_VERBOSE;
                return 0;
        case OPT_QUIET:
                cli->log_level = LOG_QUIET;
                return 0;
        case OPT_ARCHIVE:
                cli->archive = true;
                return 0;
        case OPT_PRESERVE_FDS:
                if (parse_uint32(arg, &cli->preserve_fds) < 0 || cli->preserve_fds > 1024)
                        return cli_error("userbox: --preserve-fds '%s': expected a number from 0 to 1024", arg);
                return 0;
        case OPT_NAME: {
                const char *why;
                if (state_name_check(arg, &why) < 0)
                        return cli_error("userbox %s: %s '%s': not a container name: it %s", command_name(cli->command),
                                         cli_typed_option(option, o->name, short_name), arg, why);
                return add_setting(cli, o->section, o->key, arg, o, short_name);
        }
        case OPT_DETACH:
                cli->detach = true;
                return 0;
        case OPT_TIME:
                if (parse_uint32(arg, &cli->stop_timeout) < 0)
                        return cli_error("userbox stop: %s '%s': expected a number of seconds",
                                         cli_typed_option(option, o->name, short_name), arg);
                return 0;
        case OPT_SIGNAL:
                if (cli_parse_signal(arg, &cli->signal) < 0)
                        return cli_error("userbox kill: %s '%s': not a signal (a name such as TERM or SIGTERM, "
                                         "or a number from 1 to %d)", cli_typed_option(option, o->name, short_name), arg,
                                         SIGRTMAX);
                return 0;
        case OPT_FOLLOW:
                cli->follow = true;
                return 0;
        case OPT_FORCE:
                cli->force = true;
                return 0;
        case OPT_FORMAT:
                if (!streq(arg, "table") && !streq(arg, "json"))
                        return cli_error("userbox %s: --format '%s': expected table or json",
                                         command_name(cli->command), arg);
                cli->format_json = streq(arg, "json");
                return 0;
        case OPT_IMAGE_NAME: case OPT_REF: case OPT_TLS_VERIFY:
                return cli_take_image_option(cli, o->id == OPT_IMAGE_NAME ? "name" : o->id == OPT_REF ? "ref"
                                             : "tls-verify", arg);
        case OPT_ENV:
                return add_keyed_setting(cli, "Environment", arg, o, short_name);
        case OPT_LIMIT:
                return add_keyed_setting(cli, "Limits", arg, o, short_name);
        case OPT_KEY:
                return add_setting(cli, o->section, o->key, arg ? arg : o->fixed, o, short_name);
        }
        return -EINVAL;
}

/* What follows the options. after_short_v: the last option was -v. */
static int take_positionals(struct cli *cli, char **words, bool dashdash, bool after_short_v) {
        const char *cmd = command_name(cli->command);
        size_t n = strv_length(words);

        /* docker's -v SRC:DST: here -v is --verbose, and SRC:DST would be
         * taken for the root or the command, and not be found (cp's
         * ROOT:/PATH has the same shape, and is no mistake). */
        if (after_short_v && !dashdash && cli->command != CLI_CP && n > 0 && cli_looks_like_volume(words[0]) &&
            access(words[0], F_OK) < 0)
                return cli_error("userbox %s: -v is --verbose, and '%s' is no root or command: bind a directory "
                                 "with -b/--bind SRC:DST", cmd, words[0]);
        switch (cli->command) {
        case CLI_RUN:
        case CLI_CONFIG:
                return take_root_and_command(cli, words, dashdash);
        case CLI_UNSHARE:
                if (n == 0)
                        return cli_error("userbox unshare: a command is needed");
                return take_command(cli, words);
        case CLI_CP:
                if (n != 2)
                        return cli_error("userbox cp: expected SRC and DST (one of them ROOT:/PATH)");
                cli->args = strv_copy(words);
                return cli->args ? 0 : -ENOMEM;
        case CLI_LIST:
        case CLI_EXEC:
        case CLI_STOP:
        case CLI_KILL:
        case CLI_LOGS:
        case CLI_WAIT:
        case CLI_RM:
                return cli_take_names(cli, words);
        case CLI_IMPORT: case CLI_PULL: case CLI_IMAGES: case CLI_RMI:
                return cli_take_image_args(cli, words);
        default:
                if (n > 0)
                        return cli_error("userbox %s: unexpected argument '%s'", cmd, words[0]);
                return 0;
        }
}

/* -d -t: the terminal would be the container's, and nothing reads it. */
static int check_detach(const struct cli *cli) {
        for (size_t i = cli->n_settings; cli->detach && i > 0; i--)
                if (streq(cli->settings[i - 1].key, "Tty"))
                        return parse_boolean(cli->settings[i - 1].value) > 0
                                       ? cli_error("userbox run: -d with -t: nothing would read the terminal "
                                                   "(there is no attach)")
                                       : 0;
        return 0;
}

int cli_parse(int argc, char **argv, struct cli *cli) {
        struct getopt_tables t;
        bool after_short_v = false;
        int r, opt, index;

        memset(cli, 0, sizeof(*cli));
        cli->log_level = LOG_NORMAL;
        cli->stop_timeout = 10;
        cli->signal = SIGKILL;
        cli->tls_verify = -1;
        r = parse_subcommand(argc, argv, cli);
        if (r != 0)
                return r;
        build_getopt_tables(cli->command, &t);

        optind = 1;
        argc--, argv++;
        opterr = 0;
        while (index = -1, (opt = getopt_long(argc, argv, t.shortopts, t.longopts, &index)) != -1) {
                const struct option_spec *o = NULL;

                if (opt == '?' || opt == ':')
                        return cli_report_bad_option(command_name(cli->command), opt, argv[optind - 1],
                                                     t.longopts, t.n_long);
                for (size_t i = 0; i < t.n_long; i++)
                        if (t.longopts[i].val == opt)
                                o = t.by_index[i];
                if (!o)
                        return -EINVAL;
                /* getopt_long sets index only for the long form. */
                after_short_v = o->id == OPT_VERBOSE && index < 0;
                r = take_option(cli, o, index < 0 ? o->short_name : 0, optarg);
                if (r != 0)
                        return r;
        }
        r = take_positionals(cli, argv + optind, optind > 1 && streq(argv[optind - 1], "--"), after_short_v);
        return r < 0 ? r : check_detach(cli);
}

void cli_done(struct cli *cli) {
        free(cli->profile);
        for (size_t i = 0; i < cli->n_settings; i++) {
                free(cli->settings[i].value);
                free(cli->settings[i].key_storage);
        }
        free(cli->settings);
        strv_free(cli->args);
        strv_free(cli->command_argv);
        free(cli->image_name);
        free(cli->image_ref);
        memset(cli, 0, sizeof(*cli));
}

bool cli_command_info(size_t i, const char **ret_name, enum cli_command *ret_command) {
        if (i >= ELEMENTSOF(command_table))
                return false;
        *ret_name = command_table[i].name;
        *ret_command = command_table[i].command;
        return true;
}

bool cli_option_info(size_t i, struct cli_option_info *ret) {
        const struct option_spec *o;

        if (i >= ELEMENTSOF(option_table))
                return false;
        o = &option_table[i];
        *ret = (struct cli_option_info) {
                .name = o->name, .short_name = o->short_name, .has_arg = o->has_arg,
                .section = o->section, .key = o->key, .commands = o->commands,
        };
        return true;
}
