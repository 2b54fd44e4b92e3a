/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>

#include "profile.h"

struct idmap_plan;
struct rootfs_plan;

/* Every check of c that can be made before anything starts, as run and
 * config both make them: plans the id map into *plan, the root into
 * *ret_rootfs and the network into *ret_net (NULL without a helper), for
 * the caller to free, or prints the first error and returns -errno with
 * nothing to free. */
struct net_plan;
int launch_check(struct config *c, struct idmap_plan *plan, struct rootfs_plan **ret_rootfs,
                 struct net_plan **ret_net);

/* Runs the container described by c. Returns the exit status for the
 * launcher (the command's status, 128+N, 126, 127), or -errno when userbox
 * itself failed (the message already printed). detach (-d, design §10):
 * the launcher goes on in the background once the command started, this
 * process returns 0 after printing the container's name. */
int launch_run(struct config *c, bool detach);

struct copy_request;
/* `userbox cp`: the copy runs in a user and mount namespace with c's id map. */
int launch_copy(struct config *c, const struct copy_request *req);

/* `userbox exec NAME`: launch_exec_find asks the running container NAME's
 * launcher for what joining it takes, and fills c (just config_init()ed)
 * with the configuration NAME was started with, for the caller to apply
 * exec's own options on top and finalize; launch_exec then runs
 * c->command inside NAME (its namespaces, and the protections run
 * applied), as the user run resolved, or c->user when exec named one.
 * Both print why they fail. */
struct exec_target;
int launch_exec_find(const char *name, struct config *c, struct exec_target **ret);
int launch_exec(struct exec_target *t, struct config *c);
void launch_exec_target_free(struct exec_target *t);

/* import, pull and rmi: argv (argv[0] an absolute path: userbox-image, rm)
 * in a user namespace with c's id map, as its root. Returns its exit
 * status (128+N for a signal), or -errno when it could not start. */
int launch_helper(struct config *c, char **argv);

/* `userbox unshare`: a host command in a user namespace with c's id map. */
int launch_unshare(struct config *c, char **argv);

/* userbox-oci create (design §14): c's container, set up as run sets it
 * up, its process (c->command, no init) left waiting before exec until
 * start_fd, a FIFO's read end, becomes readable; then the seccomp filter
 * and the ids, and exec. Once it waits (sync step 10) the launcher calls
 * created, hands the process over and returns 0: the caller exits and
 * whoever reaps orphans (conmon, a subreaper) reaps it. */
struct launch_oci {
        unsigned long namespaces;       /* CLONE_NEW* made for it (no user
                                         * namespace: none is added) */
        const unsigned long *join_flag; /* and those joined, by path */
        char *const *join_path;
        size_t n_join;
        const gid_t *groups;            /* the command's supplementary groups */
        size_t n_groups;
        bool has_oom_score_adj;         /* process.oomScoreAdj, set by the */
        int oom_score_adj;              /* process itself (oci-child.c) */
        int start_fd;
        /* run in the foreground: the launcher waits for the process, which
         * keeps its parent-death signal on it (killed, by a batch
         * scheduler's KillWait say, run takes the container along). */
        bool waited;
        /* In the launcher: pid the process, pty_master its terminal's
         * master (-1 without, closed by the caller). 0 or -errno
         * (printed): the process is killed. */
        int (*created)(void *userdata, pid_t pid, int pty_master);
        /* In the process, once start released it, before anything else
         * (NULL: nothing): pid its pid on the host. 0 or -errno (printed
         * there): the process ends. */
        int (*released)(void *userdata, pid_t pid);
        /* Sync step 11 (NULL: none): once the process built its view, and
         * before its pivot_root, mounted runs in the launcher, then, told
         * so on mounted_fd (a pipe, [1] the launcher's end),
         * mounted_inside in the process. 0 or -errno (printed): the
         * create fails. */
        int (*mounted)(void *userdata, pid_t pid);
        int (*mounted_inside)(void *userdata, pid_t pid);
        int mounted_fd[2];
        void *userdata;
};
int launch_oci_create(struct config *c, const struct launch_oci *o);

/* userbox-oci exec: c->command in the container whose process is
 * container_pid: the namespaces it has that we lack joined from
 * /proc/PID/ns, its cgroup, c's filter, capabilities and limits, as uid,
 * gid and groups. detach: once the command runs (or fails to) this
 * returns, after started(), leaving the command to whoever reaps it;
 * otherwise it returns the command's status. */
struct launch_oci_exec {
        pid_t container_pid;
        char *const *cgroups;           /* the container's, as its state recorded them */
        uid_t uid;
        gid_t gid;
        const gid_t *groups;
        size_t n_groups;
        bool has_oom_score_adj;         /* process.oomScoreAdj, set by the */
        int oom_score_adj;              /* launcher before it joins */
        bool detach;
        int (*started)(void *userdata, pid_t pid, int pty_master);
        void *userdata;
};
int launch_oci_exec(struct config *c, const struct launch_oci_exec *e);
