/* SPDX-License-Identifier: Apache-2.0 */
/* The child's side of a mode that joins a running container (userbox exec,
 * userbox-oci exec): its namespaces, who the command is, then what run's
 * command gets (child.c's prepare_command and command_exec). */
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "launch-internal.h"
#include "fs.h"
#include "security.h"
#include "util.h"

static int join_namespaces(const struct launch_namespaces *ns);
static int joined_identity(struct child *child, int rootfd, struct user_identity *id);

/* A mode that joins a running container (exec): there is no id map to
 * wait for, so no step 1 to 3, and this process is never made dumpable:
 * it lives in the container's pid namespace, beside its processes, from
 * the start. It dies with the launcher. */
_Noreturn void child_start_joined(struct child *child) {
        struct pollfd hangup = { .fd = child->sync_fd, .events = POLLRDHUP };

        if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
                child_fail(child, log_errno(-errno, "prctl(PR_SET_PDEATHSIG)"), EXIT_USERBOX_FAILED);
        if (poll(&hangup, 1, 0) > 0 && (hangup.revents & (POLLHUP | POLLRDHUP)))
                _exit(EXIT_USERBOX_FAILED);
        child->mode->child_main(child);
        _exit(EXIT_USERBOX_FAILED);
}

/* exec's child_main: the container's namespaces (the launcher joined its
 * user and pid namespaces before the clone), then what run's command got:
 * the same identity, environment rules, limits, filter, capabilities. */
_Noreturn void exec_main(struct child *child) {
        struct config *c = child->config;
        _cleanup_(user_identity_done) struct user_identity id = { 0 };
        _cleanup_close_ int rootfd = -1;
        char **env = NULL;
        int r;

        r = join_namespaces(child->join_ns);
        if (r >= 0) {
                /* The mount namespace's root: the root the container
                 * pivoted into. */
                rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (rootfd < 0)
                        r = log_errno(-errno, "opening the container's root");
        }
        if (r >= 0)
                r = joined_identity(child, rootfd, &id);
        if (r >= 0)
                r = rootfs_enter_workdir(rootfd, c->working_directory ? c->working_directory : "/");
        if (r >= 0)
                r = prepare_command(child, &id, &env);
        if (r < 0)
                child_fail(child, r, EXIT_USERBOX_FAILED); /* sync step 8 */
        log_step("exec %s", child->argv[0]);
        command_exec(child, &id, env);
}

/* The namespaces the launcher has not joined for us: it is in the user
 * namespace already (which gives the capabilities joining the others
 * takes), and we were cloned into the pid namespace. */
static int join_namespaces(const struct launch_namespaces *ns) {
        for (unsigned i = 0; i < LAUNCH_NS_MAX; i++) {
                if (ns->fd[i] < 0 || launch_ns_kinds[i].flag == CLONE_NEWPID ||
                    launch_ns_kinds[i].flag == CLONE_NEWUSER)
                        continue;
                if (setns(ns->fd[i], (int) launch_ns_kinds[i].flag) < 0)
                        return log_errno(-errno, "joining the container's %s namespace", launch_ns_kinds[i].name);
        }
        return 0;
}

/* Who exec's command is: as run resolved it, from what the launcher kept
 * (never from the container's files, which it can change), or exec's own
 * -u, resolved in the container's /etc/passwd like run's User=. */
static int joined_identity(struct child *child, int rootfd, struct user_identity *id) {
        const struct exec_identity *j = child->join_identity;
        int r;

        if (child->join_user) {
                r = user_resolve(rootfd, child->join_user, j->own_uid, j->own_gid, id);
                if (r < 0)
                        return r;
                if (!id->home || !*id->home) {
                        free(id->home);
                        id->home = strdup(id->uid == 0 ? "/root" : "/");
                }
                if (!j->setgroups_allowed)
                        id->set_groups = false;
                return id->home ? 0 : log_errno(-ENOMEM, "the user's home");
        }
        id->uid = j->uid;
        id->gid = j->gid;
        id->set_groups = j->set_groups;
        id->home = strdup(j->home);
        if (j->n_groups > 0) {
                id->groups = calloc(j->n_groups, sizeof(gid_t));
                if (!id->groups)
                        return log_errno(-ENOMEM, "the user's groups");
                for (uint32_t i = 0; i < j->n_groups; i++)
                        id->groups[i] = (gid_t) j->groups[i];
                id->n_groups = j->n_groups;
        }
        return id->home ? 0 : log_errno(-ENOMEM, "the user's home");
}
