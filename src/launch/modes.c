/* SPDX-License-Identifier: Apache-2.0 */
/* The modes of a launch (launch-internal.h describes their fields) and the
 * entry point of each: what it asks of the pipeline, then launch_child()
 * in parent.c. userbox-oci's two are in oci-launch.c. */
#include <sched.h>
#include <unistd.h>

#include "launch-internal.h"
#include "launch.h"
#include "util.h"

/* The subcommands, as launch-internal.h describes the fields. */
static const struct launch_mode mode_run = {
        .name = "run",
        .clone_flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID,
        .profile_namespaces = true,
        .rootfs = true,
        .seccomp = true,
        .enters_cgroups = true,
        .network = true,
        .prepare = container_prepare,
        .child_main = container_main,
};

/* One process in a user namespace with the container's id map, nothing
 * else: a host command, as a shell's job. */
static const struct launch_mode mode_unshare = {
        .name = "unshare",
        .clone_flags = CLONE_NEWUSER,
        .own_process_group = true,
        .child_main = unshare_main,
};

/* The copy in a mount namespace of its own: nothing it does can show on
 * the host's mount table. */
static const struct launch_mode mode_copy = {
        .name = "cp",
        .clone_flags = CLONE_NEWUSER | CLONE_NEWNS,
        .child_main = copy_main,
};

/* A program of userbox's own in a user namespace with the id map, in the
 * launcher's process group (^C reaches it directly): userbox-image writes
 * an image's files on the subordinate ids, rm removes them (design §11). */
static const struct launch_mode mode_helper = {
        .name = "helper",
        .clone_flags = CLONE_NEWUSER,
        .child_main = helper_main,
};

/* A command in a running named container: its namespaces joined, no id
 * map written (its own is in force), the same filter as run's. */
static const struct launch_mode mode_exec = {
        .name = "exec",
        .joins = true,
        .seccomp = true,
        .child_main = exec_main,
};

/* The command run starts: Entrypoint= then Command= (or the command
 * line's, which replaced it), as docker puts an image's Entrypoint before
 * its Cmd; with neither, the root's /bin/sh. */
static char **run_argv(const struct config *c) {
        static const char *const default_command[] = { "/bin/sh", NULL };
        char **argv = strv_copy(c->entrypoint);

        for (size_t i = 0; argv && c->command && c->command[i]; i++)
                if (strv_extend(&argv, c->command[i]) < 0) {
                        strv_free(argv);
                        return NULL;
                }
        if (argv && !argv[0]) {
                free(argv);
                argv = strv_copy((char **) default_command);
        }
        return argv;
}

int launch_run(struct config *c, bool detach) {
        _cleanup_strv_free_ char **argv = run_argv(c);
        struct child child = { .mode = &mode_run, .config = c, .sync_fd = -1, .tty_slave = -1,
                               .argv = argv };
        struct named named;
        int r, status;

        if (!argv)
                return log_errno(-ENOMEM, "the command");
        if (!c->name && !detach)
                return launch_child(&child);
        /* The command line refuses this already; a profile's Tty=yes too. */
        if (detach && c->tty > 0)
                return log_error("-d cannot be combined with a terminal (-t): a detached container has none");
        /* A named container (design §10): named.c at each step. */
        named_init(&named, detach);
        if (detach) {
                r = named_detach(&named, &status);
                if (r != 0)
                        return r < 0 ? r : status;
        }
        child.named = &named;
        return named_end(&named, launch_child(&child));
}

int launch_unshare(struct config *c, char **argv) {
        struct child child = { .mode = &mode_unshare, .config = c, .sync_fd = -1, .tty_slave = -1,
                               .argv = argv, .job = isatty(STDIN_FILENO) };

        child.foreground = child.job && tcgetpgrp(STDIN_FILENO) == getpgrp();
        return launch_child(&child);
}

int launch_exec(struct exec_target *t, struct config *c) {
        struct child child = { .mode = &mode_exec, .config = c, .sync_fd = -1, .tty_slave = -1,
                               .argv = c->command, .join_ns = &t->ns, .join_identity = t->identity,
                               .join_user = c->user, .join_cgroup_of = t->init_pid };

        return launch_child(&child);
}

int launch_helper(struct config *c, char **argv) {
        struct child child = { .mode = &mode_helper, .config = c, .sync_fd = -1, .tty_slave = -1,
                               .argv = argv };

        return launch_child(&child);
}

int launch_copy(struct config *c, const struct copy_request *req) {
        struct child child = { .mode = &mode_copy, .config = c, .sync_fd = -1, .tty_slave = -1,
                               .copy = req };

        return launch_child(&child);
}
