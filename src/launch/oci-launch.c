/* SPDX-License-Identifier: Apache-2.0 */
/* The launcher's side of userbox-oci's two modes (create and exec): their
 * rows, their entry points, and what config.json asks of the launcher
 * itself: ids without a user namespace of its own, a pid namespace named
 * by path. parent.c runs the steps the modes share. */
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "launch-internal.h"
#include "idmap.h"
#include "launch.h"
#include "util.h"

/* userbox-oci create: run's container with the namespaces config.json
 * lists, its process left waiting for start (sync step 10). */
static const struct launch_mode mode_oci = {
        .name = "oci",
        .rootfs = true,
        .seccomp = true,
        .prepare = oci_prepare,
        .child_main = container_main,
};

/* userbox-oci exec: exec's, with the namespaces read from /proc/PID/ns. */
static const struct launch_mode mode_oci_exec = {
        .name = "oci-exec",
        .joins = true,
        .seccomp = true,
        .child_main = exec_main,
};

int launch_oci_create(struct config *c, const struct launch_oci *o) {
        struct child child = { .mode = &mode_oci, .config = c, .sync_fd = -1, .tty_slave = -1,
                               .argv = c->command, .oci = o };

        return launch_child(&child);
}

/* exec's process.oomScoreAdj, inherited by the child: set by the
 * launcher while it is in the caller's namespaces and holds nothing of
 * the container (not even its namespaces' fds), so the moment it is
 * dumpable, which its /proc/self needs to be writable, gives no process of
 * the container a way into it. The exec child never is: it lives beside
 * the container's processes from the start. */
static int exec_oom_score_adj_set(int value) {
        int r;

        if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
                return log_errno(-errno, "prctl(PR_SET_DUMPABLE)");
        r = oci_oom_score_adj_set(value);
        if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0 && r >= 0)
                r = log_errno(-errno, "prctl(PR_SET_DUMPABLE)");
        return r;
}

int launch_oci_exec(struct config *c, const struct launch_oci_exec *e) {
        struct launch_namespaces ns = LAUNCH_NAMESPACES_NULL;
        _cleanup_free_ struct exec_identity *identity = NULL;
        struct child child = { .mode = &mode_oci_exec, .config = c, .sync_fd = -1, .tty_slave = -1,
                               .argv = c->command, .join_ns = &ns, .join_cgroups = e->cgroups,
                               .oci_exec = e };
        int r = e->has_oom_score_adj ? exec_oom_score_adj_set(e->oom_score_adj) : 0;

        if (r >= 0)
                r = oci_exec_target(e, c, &ns, &identity);
        if (r >= 0) {
                child.join_identity = identity;
                r = launch_child(&child);
        }
        launch_namespaces_done(&ns);
        return r;
}

/* The ids our own user namespace maps, each as itself. */
static size_t read_own_map(const char *path, struct id_triple *lines) {
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        uint32_t inside, outside, count;
        size_t n = 0;

        while (f && n < IDMAP_MAX_LINES && fscanf(f, "%" SCNu32 " %" SCNu32 " %" SCNu32, &inside, &outside, &count) == 3)
                lines[n++] = (struct id_triple) { inside, inside, count };
        return n;
}

/* userbox-oci run by podman, as root of podman's user namespace, with no
 * user namespace in config.json: none is made, no map written, and the
 * ids are those this namespace maps (a tty group it lacks stays out of
 * devpts's options). */
void oci_plan_without_user_namespace(struct idmap_plan *plan) {
        _cleanup_fclose_ FILE *f = NULL;
        char text[16] = "";

        *plan = (struct idmap_plan) {
                .mode = IDMAP_SINGLE,
                .host_uid = geteuid(), .host_gid = getegid(),
                .inside_uid = geteuid(), .inside_gid = getegid(),
        };
        plan->n_uid = read_own_map("/proc/self/uid_map", plan->uid);
        plan->n_gid = read_own_map("/proc/self/gid_map", plan->gid);
        f = fopen("/proc/self/setgroups", "re");
        plan->setgroups_denied = f && fgets(text, sizeof(text), f) && startswith(text, "deny");
}

/* A pid namespace config.json names by path is the launcher's to join,
 * as only its children enter it. */
int oci_join_pid_namespace(const struct launch_oci *o) {
        for (size_t i = 0; i < o->n_join; i++) {
                _cleanup_close_ int fd = -1;

                if (o->join_flag[i] != CLONE_NEWPID)
                        continue;
                launch_leak_check_now();
                fd = open(o->join_path[i], O_RDONLY | O_CLOEXEC);
                if (fd < 0 || setns(fd, CLONE_NEWPID) < 0)
                        return log_errno(-errno, "joining the pid namespace '%s'", o->join_path[i]);
        }
        return 0;
}
