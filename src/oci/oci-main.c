/* SPDX-License-Identifier: Apache-2.0 */
/* userbox-oci's command line: the global options, then one subcommand.
 * Every failure is one message and exit status 1, as with runc and crun
 * (conmon and podman test for non-zero); run without --detach returns
 * the container's status. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "oci.h"
#include "oci-internal.h"
#include "oci-life.h"
#include "util.h"

#define OCI_EXIT_FAILURE 1

static int cmd_features(const struct oci_globals *g, int argc, char **argv);
static int cmd_spec(const struct oci_globals *g, int argc, char **argv);

static const struct {
        const char *name;
        int (*run)(const struct oci_globals *g, int argc, char **argv);
        const char *help;
} commands[] = {
        { "create",   oci_cmd_create, "create a container, its process waiting for start" },
        { "start",    oci_cmd_start,  "start a created container's process" },
        { "state",    oci_cmd_state,  "print a container's state (JSON)" },
        { "kill",     oci_cmd_kill,   "send a signal to a container's process" },
        { "delete",   oci_cmd_delete, "remove a stopped container" },
        { "run",      oci_cmd_run,    "create and start a container, and wait for it" },
        { "list",     oci_cmd_list,   "list the containers" },
        { "exec",     oci_cmd_exec,   "run a command in a running container" },
        { "features", cmd_features,   "print what this runtime supports (JSON)" },
        { "spec",     cmd_spec,       "write a config.json to start a bundle from" },
};

bool oci_invoked_as(const char *argv0) {
        const char *base;

        if (!argv0)
                return false;
        base = strrchr(argv0, '/');
        return streq(base ? base + 1 : argv0, "userbox-oci");
}

/* --log FILE: conmon and podman read the runtime's errors from there;
 * --log-format json makes each a line {"level","msg","time"}. */
static FILE *log_file;
static bool log_json;

static void log_to_file(const char *level, const char *msg) {
        char stamp[64];
        time_t now = time(NULL);
        struct tm tm;

        if (!log_json) {
                fprintf(log_file, "userbox-oci: %s%s\n", streq(level, "warning") ? "warning: " : "", msg);
                fflush(log_file);
                return;
        }
        json_object *line = json_object_new_object();
        gmtime_r(&now, &tm);
        strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
        json_object_object_add(line, "level", json_object_new_string(level));
        json_object_object_add(line, "msg", json_object_new_string(msg));
        json_object_object_add(line, "time", json_object_new_string(stamp));
        fprintf(log_file, "%s\n", json_object_to_json_string_ext(line, JSON_C_TO_STRING_PLAIN));
        fflush(log_file);
        json_object_put(line);
}

static void usage(FILE *f) {
        fprintf(f, "Usage: userbox-oci [--root DIR] [--log FILE] [--log-format text|json] [--debug] COMMAND ...\n\n"
                   "The OCI runtime of userbox: the command line runc and crun speak.\n\nCommands:\n");
        for (size_t i = 0; i < ELEMENTSOF(commands); i++)
                fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].help);
        fprintf(f, "\nSee userbox-oci(1).\n");
}

enum { OPT_ROOT = 256, OPT_LOG, OPT_LOG_FORMAT, OPT_DEBUG, OPT_SYSTEMD_CGROUP, OPT_CGROUP_MANAGER, OPT_ROOTLESS };

static const struct option global_options[] = {
        { "root",           required_argument, NULL, OPT_ROOT },
        { "log",            required_argument, NULL, OPT_LOG },
        { "log-format",     required_argument, NULL, OPT_LOG_FORMAT },
        { "debug",          no_argument,       NULL, OPT_DEBUG },
        { "systemd-cgroup", no_argument,       NULL, OPT_SYSTEMD_CGROUP },
        { "cgroup-manager", required_argument, NULL, OPT_CGROUP_MANAGER },
        { "rootless",       required_argument, NULL, OPT_ROOTLESS },
        { "version",        no_argument,       NULL, 'v' },
        { "help",           no_argument,       NULL, 'h' },
        {}
};

/* 1: exit 0 now (--version, --help); 0: go on; -errno. */
static int parse_globals(int argc, char **argv, struct oci_globals *g) {
        const char *log_path = NULL;
        int opt;

        optind = 0;
        opterr = 1;
        while ((opt = getopt_long_only(argc, argv, "+vVh", global_options, NULL)) >= 0) {
                switch (opt) {
                case OPT_ROOT: g->root = optarg; break;
                case OPT_LOG: log_path = optarg; break;
                case OPT_LOG_FORMAT:
                        if (!streq(optarg, "text") && !streq(optarg, "json"))
                                return log_error("--log-format '%s': text or json", optarg);
                        log_json = streq(optarg, "json");
                        break;
                case OPT_DEBUG: g->debug = true; log_set_level(LOG_VERBOSE); break;
                case OPT_SYSTEMD_CGROUP: case OPT_CGROUP_MANAGER: case OPT_ROOTLESS: break;
                case 'v': case 'V':
                        printf("userbox-oci version %s\nspec: 1.2.0\n", PACKAGE_VERSION);
                        return 1;
                case 'h':
                        usage(stdout);
                        return 1;
                default:
                        return -EINVAL;
                }
        }
        if (log_path) {
                log_file = fopen(log_path, "ae");
                if (!log_file)
                        return log_errno(-errno, "--log '%s'", log_path);
                log_set_sink(log_to_file);
        }
        return 0;
}

int oci_main(int argc, char **argv) {
        struct oci_globals g = { 0 };
        int r;

        log_set_program("userbox-oci");
        r = parse_globals(argc, argv, &g);
        if (r != 0)
                return r > 0 ? 0 : OCI_EXIT_FAILURE;
        if (optind >= argc) {
                usage(stderr);
                return OCI_EXIT_FAILURE;
        }
        argc -= optind;
        argv += optind;
        for (size_t i = 0; i < ELEMENTSOF(commands); i++) {
                if (!streq(argv[0], commands[i].name))
                        continue;
                r = commands[i].run(&g, argc, argv);
                /* run's and exec's own status is the command's. */
                if ((streq(argv[0], "run") || streq(argv[0], "exec")) && r >= 0)
                        return r;
                return r < 0 ? OCI_EXIT_FAILURE : 0;
        }
        log_error("unknown command '%s' (see userbox-oci --help)", argv[0]);
        return OCI_EXIT_FAILURE;
}

static int cmd_features(const struct oci_globals *g, int argc, char **argv) {
        (void) g;
        (void) argv;
        if (argc != 1)
                return log_error("usage: userbox-oci features");
        return oci_features_print(stdout);
}

/* spec [--rootless] [--bundle DIR]: DIR/config.json, never overwritten. */
static int cmd_spec(const struct oci_globals *g, int argc, char **argv) {
        static const struct option options[] = {
                { "rootless", no_argument, NULL, 'r' }, { "bundle", required_argument, NULL, 'b' }, {}
        };
        _cleanup_free_ char *path = NULL;
        const char *bundle = ".", *text;
        json_object *doc = NULL;
        bool rootless = false;
        int opt, r;

        (void) g;
        optind = 0;
        while ((opt = getopt_long_only(argc, argv, "+rb:", options, NULL)) >= 0) {
                if (opt == 'r')
                        rootless = true;
                else if (opt == 'b')
                        bundle = optarg;
                else
                        return -EINVAL;
        }
        if (optind != argc)
                return log_error("usage: userbox-oci spec [--rootless] [--bundle DIR]");
        r = oci_spec_template(rootless, &doc);
        if (r < 0)
                return r;
        path = path_join(bundle, "config.json");
        text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
        r = path ? write_new_file_at(AT_FDCWD, path, text, strlen(text)) : -ENOMEM;
        json_object_put(doc);
        if (r == -EEXIST)
                return log_error("'%s' exists: remove it first", path);
        return r < 0 ? log_errno(r, "writing '%s'", path) : 0;
}
