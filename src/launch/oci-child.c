/* SPDX-License-Identifier: Apache-2.0 */
/* The child's side of userbox-oci create: the namespaces config.json names
 * by path, and the wait for start (sync step 10). child.c runs the steps
 * every mode shares. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "launch-internal.h"
#include "launch.h"
#include "util.h"

/* The process's pid on the host, for released(): read from the host's
 * /proc, still ours until the container's root replaces it. */
static pid_t host_pid;

/* sync step 11, before pivot_root: the launcher's hooks, then ours. A
 * launcher whose hooks failed kills us while we wait. */
static int wait_for_hooks(struct child *child) {
        struct sync_message m = { .type = SYNC_MOUNTED };
        char answer = 0;

        if (send(child->sync_fd, &m, sizeof(m), MSG_NOSIGNAL) < 0)
                return log_errno(-errno, "telling the launcher the view is built");
        if (read(child->oci->mounted_fd[0], &answer, 1) != 1 || answer != SYNC_GO)
                return log_errno(-EPIPE, "waiting for the launcher's hooks");
        return 0;
}

/* Once the view is built, before pivot_root: the launcher made the
 * container's cgroups before it answers step 11, and before it sends the
 * filter (step 4), taken here without hooks. The createContainer hooks
 * run in the container's namespaces, its cgroup namespace too, and see
 * the root's /sys/fs/cgroup as its program will. */
static int before_pivot(void *userdata) {
        struct child *child = userdata;
        const struct launch_oci *o = child->oci;
        int r = o->mounted ? wait_for_hooks(child) : receive_seccomp(child);

        if (r >= 0)
                r = launch_cgroup_namespace(child);
        if (r >= 0 && child->cgroup)
                r = launch_cgroup_view(child, child->rootfs_state.rootfd);
        if (r < 0)
                return r;
        return o->mounted_inside ? o->mounted_inside(o->userdata, host_pid) : 0;
}

int oci_prepare(struct child *child) {
        const struct launch_oci *o = child->oci;
        char self[32] = "";
        int pid = 0, r;

        if ((o->released || o->mounted_inside) &&
            (readlink("/proc/self", self, sizeof(self) - 1) < 0 || parse_int(self, &pid) < 0))
                return log_errno(-EIO, "reading the container's pid from '/proc/self'");
        host_pid = pid;
        /* With a cgroup of its own, a /sys/fs/cgroup shows it (before_pivot). */
        if (o->mounted || (child->cgroup && mounts_oci_show_cgroups(child->config))) {
                child->rootfs_state.before_pivot = before_pivot;
                child->rootfs_state.before_pivot_userdata = child;
        }
        r = o->has_oom_score_adj ? oci_oom_score_adj_set(o->oom_score_adj) : 0;
        if (r < 0)
                return r;
        /* The pid namespace is the launcher's to join (oci-launch.c). */
        for (size_t i = 0; i < o->n_join; i++) {
                _cleanup_close_ int fd = -1;

                if (o->join_flag[i] == CLONE_NEWPID)
                        continue;
                fd = open(o->join_path[i], O_RDONLY | O_CLOEXEC);
                if (fd < 0 || setns(fd, (int) o->join_flag[i]) < 0)
                        return log_errno(-errno, "joining the namespace '%s'", o->join_path[i]);
        }
        return container_prepare(child);
}

/* process.oomScoreAdj: create's process sets it in sync step 2,
 * exec's launcher before it joins the container (oci-launch.c). Anyone
 * may raise the value; below the lowest one a privileged process set (the
 * inherited value, as a rule) only CAP_SYS_RESOURCE of the host may go,
 * which a rootless runtime lacks. */
int oci_oom_score_adj_set(int value) {
        _cleanup_fclose_ FILE *f = NULL;
        char text[16];
        int current, r;

        snprintf(text, sizeof(text), "%d", value);
        r = write_file("/proc/self/oom_score_adj", text);
        if (r != -EACCES)
                return r < 0 ? log_errno(r, "process.oomScoreAdj: cannot set %d", value) : 0;
        f = fopen("/proc/self/oom_score_adj", "re");
        if (!f || fscanf(f, "%d", &current) != 1)
                return log_errno(r, "process.oomScoreAdj: cannot set %d", value);
        return log_errno(r, "process.oomScoreAdj: cannot set %d (the process has %d): going lower takes "
                         "CAP_SYS_RESOURCE", value, current);
}

/* sync step 10: tells the launcher we wait, then waits for start to make
 * the FIFO readable. The launcher exits now: its death must not kill us,
 * and a failure from here on is ours to print (child_fail). */
void oci_wait_for_start(struct child *child) {
        struct sync_message m = { .type = SYNC_CREATED };
        struct pollfd start = { .fd = child->oci->start_fd, .events = POLLIN };
        char byte;

        if (!child->oci->waited && prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0) < 0)
                child_fail(child, log_errno(-errno, "prctl(PR_SET_PDEATHSIG)"), EXIT_USERBOX_FAILED);
        if (send(child->sync_fd, &m, sizeof(m), MSG_NOSIGNAL) < 0)
                _exit(EXIT_USERBOX_FAILED);
        close(child->sync_fd);
        child->sync_fd = -1;
        /* start opens the FIFO for writing and writes a byte; a writer that
         * came and went (POLLHUP) is a start too: only the owner of the
         * state directory can open it. */
        while (poll(&start, 1, -1) < 0 && errno == EINTR)
                ;
        (void) !read(start.fd, &byte, 1);
        close(start.fd);
        if (child->oci->released) {
                int r = child->oci->released(child->oci->userdata, host_pid);
                if (r < 0)
                        child_fail(child, r, EXIT_USERBOX_FAILED);
        }
}
