/* SPDX-License-Identifier: Apache-2.0 */
/* userbox's main(): refuses setuid, parses the command line, loads the
 * configuration and hands it to the subcommand's entry point. */
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "cli.h"
#include "profile.h"
#include "fs.h"
#include "security.h"
#include "util.h"
#include "idmap.h"
#include "launch.h"
#include "cgroup.h"
#include "net.h"
#include "oci.h"

/* Profiles, then the command line, then the defaults. */
static int load_config(const struct cli *cli, struct config *c) {
        int r;

        config_init(c);
        r = profile_load(c, cli->profile, !cli->no_default_profile);
        if (r < 0)
                return r;
        r = cli_apply(cli, c);
        if (r < 0)
                return r;
        /* As docker's --entrypoint drops the image's Cmd: the words a
         * profile meant for its own entrypoint would be the new one's
         * arguments. */
        if (cli_sets(cli, "Container", "Entrypoint") && !cli->command_given) {
                strv_free(c->command);
                c->command = NULL;
                c->origins[KEY_COMMAND] = (struct origin) { 0 };
        }
        if (cli->command_given) {
                r = profile_set_command(c, cli->command_argv);
                if (r < 0)
                        return log_errno(r, "command");
        }
        /* As ssh does for a login: no command on the command line, and a
         * terminal on both sides, is an interactive session, whose shell
         * needs a terminal of its own for job control and ^C. An explicit
         * Tty= or --tty=no decides otherwise. */
        if (!cli->command_given && c->tty < 0 && (cli->command == CLI_RUN || cli->command == CLI_CONFIG) &&
            !cli->detach && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
                c->tty = 1;
                log_step("-t implied: no command given, standard input and output are terminals");
        }
        config_finalize(c);
        return 0;
}

/* Every check run would make comes first, through the same function: a
 * profile whose root does not exist, or a limit run would refuse, prints
 * its one error, not half a configuration followed by it. The seccomp
 * filter, which run builds while the container starts, is built too. */
static int do_config(struct config *c) {
        struct idmap_plan plan = { 0 };
        struct rootfs_plan *rplan = NULL;
        struct net_plan *net = NULL;
        struct seccomp_filter *filter = NULL;
        _cleanup_(cgroup_freep) struct cgroup *cgroup = NULL;
        int r;

        r = launch_check(c, &plan, &rplan, &net);
        if (r < 0)
                return r;
        r = cgroup_plan(c, &cgroup);
        if (r >= 0)
                r = seccomp_build(c, &filter);
        seccomp_filter_free(filter);
        if (r >= 0) {
                r = profile_print(c, stdout);
                if (r >= 0) {
                        idmap_print(&plan, stdout);
                        rootfs_print_plan(c, rplan, stdout);
                        cgroup_print_plan(cgroup, c->name, stdout);
                        net_print_plan(c, net, stdout);
                } else
                        r = log_errno(r, "printing the configuration");
        }
        idmap_plan_done(&plan);
        rootfs_plan_free(rplan);
        net_plan_free(net);
        if (r < 0)
                return r;
        return fflush(stdout) == 0 ? 0 : log_errno(-errno, "writing the configuration");
}

static int do_copy(const struct cli *cli, struct config *c) {
        struct copy_request req;
        int r = copy_parse(cli->args[0], cli->args[1], cli->archive, &req);

        if (r < 0)
                return r;
        r = launch_copy(c, &req);
        copy_request_done(&req);
        return r;
}

/* Each subcommand to its entry point: launch_run, launch_unshare and
 * launch_copy are the launches (launch/parent.c). */
/* exec: the configuration the container was run with, exec's own options
 * on top, then the command in it. */
static int do_exec(const struct cli *cli) {
        struct exec_target *t = NULL;
        struct config c;
        int r;

        config_init(&c);
        r = launch_exec_find(cli->args[0], &c, &t);
        if (r >= 0)
                r = cli_apply(cli, &c);
        if (r >= 0)
                r = profile_set_command(&c, cli->command_argv);
        if (r >= 0) {
                config_finalize(&c);
                r = launch_exec(t, &c);
        }
        launch_exec_target_free(t);
        config_done(&c);
        return r;
}

static int dispatch(const struct cli *cli) {
        struct config c;
        int r;

        switch (cli->command) {
        case CLI_PROFILES:
                r = profile_list(stdout);
                return r < 0 ? log_errno(r, "listing profiles") : 0;
        /* Named containers: each loads what it needs from the state. */
        case CLI_LIST: case CLI_STOP: case CLI_KILL: case CLI_LOGS: case CLI_WAIT: case CLI_RM:
                return cli_named_command(cli);
        case CLI_EXEC:
                return do_exec(cli);
        case CLI_IMPORT: case CLI_PULL: case CLI_IMAGES: case CLI_RMI:
                return cli_image_command(cli);
        default:
                break;
        }

        r = load_config(cli, &c);
        if (r >= 0) {
                switch (cli->command) {
                case CLI_RUN:
                        r = launch_run(&c, cli->detach);
                        break;
                case CLI_CONFIG:
                        r = do_config(&c);
                        break;
                case CLI_UNSHARE:
                        r = launch_unshare(&c, cli->command_argv);
                        break;
                case CLI_CP:
                        r = do_copy(cli, &c);
                        break;
                default:
                        r = -EINVAL;
                }
        }
        config_done(&c);
        return r;
}

int main(int argc, char **argv) {
        struct cli cli;
        int r;

        log_init();
        /* Installed setuid by mistake: every check here assumes the caller's
         * own privileges, so refuse rather than act with someone else's. */
        if (getuid() != geteuid() || getgid() != getegid()) {
                fprintf(stderr, "userbox: refusing to run setuid or setgid (real and effective ids differ)\n");
                return EXIT_USERBOX_FAILED;
        }
        /* Nothing inside may ptrace us or open our /proc entries (exe, mem,
         * fds) while we hold host resources; exec of the command resets it. */
        if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
                perror("userbox: prctl(PR_SET_DUMPABLE)");
                return EXIT_USERBOX_FAILED;
        }
        /* Run as userbox-oci (a link to this binary): the OCI runtime's
         * command line, design §14. */
        if (oci_invoked_as(argv[0])) {
                /* Its create, run and exec start containers: sealed as
                 * run is, and helpers found beside the real binary. */
                if (exe_seal(argv) < 0)
                        return 1;
                self_locate(exe_seal_real_path());
                return oci_main(argc, argv);
        }

        r = cli_parse(argc, argv, &cli);
        if (r != 0) {
                bool version = r > 0 && cli.command == CLI_VERSION;
                cli_done(&cli);
                if (version)
                        printf("userbox %s\n", PACKAGE_VERSION);
                return r > 0 ? 0 : EXIT_USERBOX_FAILED;
        }
        log_set_level(cli.log_level);
        /* Only run and exec start processes in a container, which could
         * reach our binary; the other commands run nothing of a root. */
        r = cli.command == CLI_RUN || cli.command == CLI_EXEC ? exe_seal(argv) : 0;
        /* Before anything asks where the profiles or userbox-subid are:
         * the host path, also from inside the sealed copy. */
        self_locate(exe_seal_real_path());
        if (r >= 0)
                r = dispatch(&cli);
        cli_done(&cli);
        if (fflush(stdout) != 0 && r >= 0)
                r = -EIO;
        r = r < 0 ? EXIT_USERBOX_FAILED : r;
        log_step("exit status %d, total time %.3f ms", r, log_elapsed_ms());
        return r;
}
