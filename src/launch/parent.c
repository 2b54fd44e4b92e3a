/* SPDX-License-Identifier: Apache-2.0 */
/* The launcher's side of a launch: the plan, clone, and sync steps 1 to 4
 * with the child (child.c is the other side); supervise.c then forwards
 * signals and waits for the command. The modes and their entry points are
 * in modes.c (userbox-oci's in oci-launch.c). */
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/sched.h>

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
#endif

#include "launch-internal.h"
#include "cgroup.h"
#include "fs.h"
#include "util.h"
#include "idmap.h"
#include "launch.h"
#include "security.h"
#include "tty.h"

/* Read top to bottom: launch_child() (which every mode's entry point in
 * modes.c calls), then spawn() with the launcher's side of the sync steps;
 * supervise.c goes on with what it does until the command exits. */
static int spawn(struct child *child, unsigned long flags, struct idmap_plan *plan);
static int join_user_and_pid_namespaces(const struct launch_namespaces *ns);
static void kill_and_reap(pid_t pid);
static int cgroup_end(struct cgroup *cgroup, const struct config *c, int r);
static int start_child(struct child *child, pid_t pid, int sync_fd, struct idmap_plan *plan);
static int write_id_map(struct child *child, pid_t pid, int sync_fd, struct idmap_plan *plan,
                        struct seccomp_filter **filter);
static int read_dumpable(int sync_fd);
static int send_seccomp(const struct seccomp_filter *filter, int sync_fd, const int *fds, unsigned n_fds);
static int network_ready(struct child *child, int sync_fd);

static int check_planned(struct config *c, struct idmap_plan *plan, struct rootfs_plan **ret_rootfs,
                         struct net_plan **ret_net);

int launch_check(struct config *c, struct idmap_plan *plan, struct rootfs_plan **ret_rootfs,
                 struct net_plan **ret_net) {
        int r = idmap_plan(c, plan);

        *ret_rootfs = NULL;
        if (r < 0)
                return r;
        log_step("id map planned (%s)", plan->use_helpers ? "newuidmap/newgidmap" : "single id");
        return check_planned(c, plan, ret_rootfs, ret_net);
}

static int check_planned(struct config *c, struct idmap_plan *plan, struct rootfs_plan **ret_rootfs,
                         struct net_plan **ret_net) {
        int r = container_check(c, plan);

        if (r >= 0)
                r = rootfs_prepare(c, ret_rootfs);
        /* The network's files go into the root's plan. */
        if (r >= 0)
                r = net_prepare(c, *ret_rootfs, ret_net);
        if (r < 0) {
                idmap_plan_done(plan);
                rootfs_plan_free(*ret_rootfs);
                *ret_rootfs = NULL;
                return r;
        }
        log_step("root checked");
        return 0;
}

static unsigned long clone_flags(const struct child *child) {
        const struct launch_mode *mode = child->mode;
        const struct config *c = child->config;
        unsigned long flags = mode->clone_flags;

        /* userbox-oci: as config.json lists them; a cgroup namespace, as
         * run's below, once the child is in a cgroup of its own. */
        if (child->oci)
                return child->oci->namespaces & ~(child->cgroup ? CLONE_NEWCGROUP : 0);
        if (!mode->profile_namespaces)
                return flags;
        if (c->uts)
                flags |= CLONE_NEWUTS;
        if (c->ipc)
                flags |= CLONE_NEWIPC;
        /* With a cgroup of its own, the child makes its cgroup namespace
         * once it is in it (sync step 4), so that it is the root. */
        if (c->cgroup && !child->cgroup)
                flags |= CLONE_NEWCGROUP;
        if (c->network != NET_HOST)
                flags |= CLONE_NEWNET;
        return flags;
}

/* Plans what the mode needs, then spawns. */
/* A shared lock on the root directory for as long as the launcher lives:
 * `userbox rmi` takes it exclusively, and so refuses to remove the root
 * of a running container. Advisory, and best effort: a root that cannot
 * be opened is the checks' to report. */
static int root_hold(const struct config *c) {
        int fd = c->root ? open(c->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;

        if (fd >= 0 && flock(fd, LOCK_SH | LOCK_NB) < 0) {
                close(fd);
                fd = -1;
        }
        return fd;
}

int launch_child(struct child *child) {
        _cleanup_close_ int root_lock = -1;
        struct rootfs_plan *rootfs = NULL;
        struct net_plan *net = NULL;
        struct idmap_plan *plan;
        int r;

        if (child->mode->joins)
                return spawn(child, 0, NULL);
        plan = calloc(1, sizeof(*plan));
        if (!plan)
                return log_errno(-ENOMEM, "id map plan");
        if (child->mode->rootfs) {
                /* Every check that can run before clone runs before clone:
                 * a bad profile or a missing root never creates a
                 * namespace. */
                if (child->oci && !(child->oci->namespaces & CLONE_NEWUSER)) {
                        oci_plan_without_user_namespace(plan);
                        r = check_planned(child->config, plan, &rootfs, &net);
                } else
                        r = launch_check(child->config, plan, &rootfs, &net);
                if (r >= 0)
                        r = cgroup_plan(child->config, &child->cgroup);
                if (r < 0) {
                        rootfs_plan_free(rootfs);
                        idmap_plan_done(plan);
                        free(plan);
                        return r;
                }
                /* A host port that is taken now would be refused by the
                 * helper only once the container is half made. */
                r = net_check_ports(child->config);
                /* Claimed once nothing is left to refuse, before clone. */
                if (r >= 0 && child->named)
                        r = named_claim(child->named, child->config, child->argv);
                /* Made here, not by config: config makes nothing. */
                if (r >= 0)
                        r = rootfs_make_overlay_dir(rootfs);
                if (r >= 0 && child->cgroup)
                        r = cgroup_create(child->cgroup, child->config);
                root_lock = root_hold(child->config);
        } else
                r = idmap_plan(child->config, plan);
        if (r >= 0) {
                child->plan = plan;
                child->rootfs = rootfs;
                child->net_plan = net;
                r = spawn(child, clone_flags(child), plan);
        }
        net_plan_free(net);
        /* A created OCI container keeps its cgroup: delete removes it. */
        if (child->cgroup && child->oci && r >= 0)
                cgroup_free(child->cgroup);
        else if (child->cgroup)
                r = cgroup_end(child->cgroup, child->config, r);
        rootfs_plan_free(rootfs);
        idmap_plan_done(plan);
        free(plan);
        return r;
}

/* The container ended with r: what is left in its cgroup is killed and
 * the cgroup removed. A SIGKILL the memory limit caused is said, once:
 * status 137 alone would not tell it from kill -9. */
static int cgroup_end(struct cgroup *cgroup, const struct config *c, int r) {
        if (r == 128 + SIGKILL && cgroup_memory_limit_reached(cgroup)) {
                log_error("the container reached its memory limit (Memory=%" PRIu64 " bytes): the kernel killed "
                          "a process", c->memory);
        }
        cgroup_remove(cgroup);
        cgroup_free(cgroup);
        return r;
}

/* Blocks what we forward (and SIGCHLD) before clone, so that none is lost
 * between clone and the signalfd; the child inherits the mask, which init
 * needs and the command undoes. */
static int block_signals(struct child *child, sigset_t *mask) {
        sigemptyset(mask);
        sigaddset(mask, SIGCHLD);
        for (unsigned i = 0; i < init_n_forwarded_signals; i++)
                sigaddset(mask, init_forwarded_signals[i]);
        if (child->config && child->config->tty)
                tty_relay_add_signals(mask);
        if (child->job) {
                /* Stopped (^Z) and continued as a shell's job: see
                 * job_stopped(). SIGTTOU: the terminal is handed over from
                 * the background. */
                sigaddset(mask, SIGCONT);
                sigaddset(mask, SIGTTOU);
        }
        if (sigprocmask(SIG_BLOCK, mask, &child->saved_mask) < 0)
                return log_errno(-errno, "sigprocmask");
        return 0;
}

void launch_leak_check_now(void) {
#ifdef __SANITIZE_ADDRESS__
        /* LeakSanitizer's check at exit ptraces us from a process it clones,
         * which would be born in the pid namespace we join, where our pid
         * is nobody's: it would wait for ever. The check runs now instead,
         * and not again at exit. */
        __lsan_do_leak_check();
#endif
}

/* A joining mode's launcher enters the container's user namespace and,
 * for its child, its pid namespace: joining a pid namespace takes
 * CAP_SYS_ADMIN in the joiner's own user namespace too, which only the
 * container's gives. It stays out of sight: no process of the container
 * can name it (it is not in their pid namespace). The child joins the
 * rest. */
static int join_user_and_pid_namespaces(const struct launch_namespaces *ns) {
        static const unsigned long order[] = { CLONE_NEWUSER, CLONE_NEWPID };

        launch_leak_check_now();
        for (size_t i = 0; i < ELEMENTSOF(order); i++)
                /* userbox-oci exec: one the container shares with us is
                 * not joined. */
                if (launch_namespace_fd(ns, order[i]) >= 0 &&
                    setns(launch_namespace_fd(ns, order[i]), (int) order[i]) < 0)
                        return log_errno(-errno, "joining the container's %s namespace",
                                         order[i] == CLONE_NEWUSER ? "user" : "pid");
        return 0;
}

/* clone, or clone3 straight into the container's v2 cgroup when it has
 * one: the cgroup.procs write it saves is most of what a cgroup costs a
 * launch (design §13). A kernel without clone3 (5.3) or
 * CLONE_INTO_CGROUP (5.7) gets the write at sync step 2 instead. */
static pid_t clone_into_cgroup(struct child *child, unsigned long flags) {
        int into = child->cgroup ? cgroup_clone_fd(child->cgroup) : -1;
        struct clone_args args = { .flags = flags | CLONE_INTO_CGROUP, .exit_signal = SIGCHLD,
                                   .cgroup = (uint64_t) into };
        pid_t pid;

        if (into >= 0) {
                pid = (pid_t) syscall(SYS_clone3, &args, sizeof(args));
                if (pid > 0)
                        cgroup_cloned_into(child->cgroup);
                if (pid >= 0 || (errno != ENOSYS && errno != E2BIG && errno != EINVAL))
                        return pid;
        }
        return (pid_t) syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
}

/* Clones the child with `flags` and the socket of the sync steps. Returns
 * its pid with our end of the socket in *ret_sync_fd, or -errno. */
static pid_t clone_child(struct child *child, unsigned long flags, int *ret_sync_fd) {
        int sv[2], r;
        pid_t pid;

        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
                return log_errno(-errno, "socketpair");
        child->sync_fd = sv[1];

        if (child->oci) {
                r = oci_join_pid_namespace(child->oci);
                if (r < 0) {
                        close(sv[0]);
                        close(sv[1]);
                        return r;
                }
        }
        if (child->mode->joins) {
                r = join_user_and_pid_namespaces(child->join_ns);
                if (r < 0) {
                        close(sv[0]);
                        close(sv[1]);
                        return r;
                }
        }
        fflush(NULL);
        /* A fork-like clone (no new stack): the child continues here with a
         * copy of our memory, so it needs no re-exec. */
        pid = clone_into_cgroup(child, flags);
        if (pid < 0) {
                r = -errno;
                close(sv[0]);
                close(sv[1]);
                if (r == -EPERM || r == -ENOSPC)
                        return log_errno(r, "creating the namespaces (are unprivileged user namespaces "
                                            "enabled? see user.max_user_namespaces)");
                return log_errno(r, "creating the namespaces");
        }
        if (pid == 0) {
                close(sv[0]);
                child_start(child);
        }
        if (child->mode->own_process_group) {
                /* Here too, as a shell does: either side may go first. */
                (void) setpgid(pid, pid);
                if (child->foreground)
                        (void) tcsetpgrp(STDIN_FILENO, pid);
        }
        close(sv[1]);
        if (child->named)
                named_cloned(child->named);
        log_step("cloned pid %d", (int) pid);
        *ret_sync_fd = sv[0];
        return pid;
}

/* Clones the child, takes it through the sync steps, forwards signals
 * until it exits. Returns its exit status, or -errno when setup failed
 * (the child's message printed once). */
static int spawn(struct child *child, unsigned long flags, struct idmap_plan *plan) {
        _cleanup_close_ int sync_fd = -1, sigfd = -1;
        sigset_t mask;
        pid_t pid;
        int r;

        r = block_signals(child, &mask);
        if (r < 0)
                return r;
        pid = clone_child(child, flags, &sync_fd);
        if (pid < 0)
                return pid;
        r = start_child(child, pid, sync_fd, plan);
        if (r >= 0 && (child->oci || (child->oci_exec && child->oci_exec->detach))) {
                /* sync step 10: the process waits for start; it is the
                 * caller's from now on. */
                r = supervise_created(child, pid, sync_fd);
                if (r < 0)
                        kill_and_reap(pid);
        } else if (r >= 0) {
                sigfd = signalfd(-1, &mask, SFD_CLOEXEC);
                if (sigfd < 0)
                        r = log_errno(-errno, "signalfd");
                if (r >= 0)
                        r = supervise(child, pid, TAKE_FD(sync_fd), sigfd);
                else
                        kill_and_reap(pid);
        } else
                kill_and_reap(pid);
        /* The network goes with the container, its ports with it. */
        net_helper_stop(child->net_helper);
        child->net_helper = NULL;
        sigprocmask(SIG_SETMASK, &child->saved_mask, NULL);
        return r;
}

static void kill_and_reap(pid_t pid) {
        kill(pid, SIGKILL);
        (void) waitpid(pid, NULL, 0);
}

_Static_assert(FD_PASS_MAX >= ELEMENTSOF(((struct cgroup *) NULL)->hierarchies),
               "the filter's message carries a tasks file per hierarchy");

/* The launcher's side of sync steps 1 to 5: the child is dumpable, the id
 * map written, "go" (none of which a joining mode has), the seccomp
 * filter, the network ready. */
static int start_child(struct child *child, pid_t pid, int sync_fd, struct idmap_plan *plan) {
        struct seccomp_filter *filter = NULL;
        int enter[FD_PASS_MAX];
        unsigned n_enter = 0;
        int r = 0;

        if (!child->mode->joins)
                r = write_id_map(child, pid, sync_fd, plan, &filter);
        else if (child->mode->seccomp)
                r = seccomp_build(child->config, &filter);
        /* The container's cgroups (where clone did not put the child),
         * made once "go" is sent, while the child builds its root, and
         * entered before the filter it waits for before its command
         * starts: nothing the command starts runs outside the limits.
         * run's child enters its v1 cgroups itself when the filter comes
         * (mode->enters_cgroups; cgroup.h: moved by us, it would wait for
         * the move and the move for it); userbox-oci's is moved by us, as
         * its hooks (step 11) come before its filter. exec: into the
         * container's. */
        if (r >= 0 && child->cgroup)
                r = cgroup_attach_leaving(child->cgroup, pid, child->mode->enters_cgroups ? enter : NULL, &n_enter);
        if (r >= 0 && child->join_cgroup_of > 0)
                r = cgroup_join_of(child->join_cgroup_of, pid);
        if (r >= 0 && child->join_cgroups)
                r = cgroup_join_paths(child->join_cgroups, pid);
        /* sync step 4: the seccomp filter. */
        if (r >= 0 && child->mode->seccomp) {
                r = send_seccomp(filter, sync_fd, enter, n_enter);
                if (r >= 0)
                        log_step("seccomp filter sent");
        }
        fd_close_all(enter, n_enter);
        seccomp_filter_free(filter);
        if (r >= 0 && child->net_helper)
                r = network_ready(child, sync_fd);
        return r;
}

/* sync steps 1 to 3; the seccomp filter is built meanwhile, into
 * *filter. */
static int write_id_map(struct child *child, pid_t pid, int sync_fd, struct idmap_plan *plan,
                        struct seccomp_filter **filter) {
        struct idmap_job job = { 0 };
        int r;

        /* sync step 1: the child is dumpable, so its map can be written;
         * and its namespaces opened, which a named container's launcher
         * keeps for exec (its init is never dumpable again). */
        r = read_dumpable(sync_fd);
        if (r >= 0 && child->named)
                r = launch_namespaces_open(pid, clone_flags(child), &child->named->ns);
        if (r < 0)
                return r;

        /* sync step 2: the id map. The seccomp filter is made meanwhile (a
         * copy of the one compiled at build time, or ~1 ms of libseccomp
         * for a profile's own), while the child makes the mounts that need
         * no map and, with --idmap subid, while the helpers write it. */
        /* userbox-oci in podman's user namespace has no map to write. */
        r = clone_flags(child) & CLONE_NEWUSER ? idmap_start(plan, pid, &job) : 0;
        if (r >= 0 && child->mode->seccomp)
                r = seccomp_build(child->config, filter);
        if (r >= 0)
                r = idmap_finish(&job);
        else
                (void) idmap_finish(&job);
        if (r < 0)
                return r;
        log_step("id map written");
        idmap_reap_helper(plan);
        /* Still sync step 2: the network's helper joins the child's
         * namespaces once their map is written, so that it always finds
         * them as it would when started by hand (its user mapped to the
         * namespace's root), and before "go", while the child is still
         * dumpable and they can be opened. It configures the network while
         * the child builds its root. */
        if (child->mode->network && child->net_plan) {
                r = net_helper_start(child->net_plan, child->config, pid, &child->saved_mask, &child->net_helper);
                if (r < 0)
                        return r;
        }

        /* sync step 3: "go". */
        if (write(sync_fd, &(char) { SYNC_GO }, 1) != 1)
                return log_errno(-errno, "starting the container");
        return 0;
}

/* sync step 1, the child's first word: it is dumpable (child_start). */
static int read_dumpable(int sync_fd) {
        char c;
        ssize_t n;

        do
                n = read(sync_fd, &c, 1);
        while (n < 0 && errno == EINTR);
        if (n == 1 && c == SYNC_DUMPABLE)
                return 0;
        return log_errno(n < 0 ? -errno : -EPIPE, "starting the container's first process");
}

/* sync step 5: the helper says the network is up, the ports are published:
 * the child may start the command. */
static int network_ready(struct child *child, int sync_fd) {
        int r = net_helper_wait_ready(child->net_helper, child->config);

        if (r < 0)
                return r;
        /* A child that failed meanwhile has its report queued. */
        if (send(sync_fd, &(char) { SYNC_NETWORK_READY }, 1, MSG_NOSIGNAL) < 0 && errno != EPIPE &&
            errno != ECONNRESET)
                return log_errno(-errno, "telling the container its network is ready");
        return 0;
}

/* sync step 4: the filter as one datagram, the first byte saying whether a
 * program follows, with the tasks files of the cgroups the child enters. */
static int send_seccomp(const struct seccomp_filter *filter, int sync_fd, const int *fds, unsigned n_fds) {
        ssize_t sent;
        _cleanup_free_ char *buf = NULL;
        const void *data;
        size_t size;

        (void) seccomp_filter_data(filter, &data, &size);
        buf = malloc(size + 1);
        if (!buf)
                return log_errno(-ENOMEM, "sending the seccomp filter");
        buf[0] = filter ? 1 : 0;
        if (size)
                memcpy(buf + 1, data, size);
        /* A child that failed before reading it has closed its end: its
         * own message, already queued, says why; supervise() prints it. */
        sent = fd_send(sync_fd, buf, size + 1, fds, n_fds);
        if (sent < 0 && sent != -EPIPE && sent != -ECONNRESET)
                return log_errno((int) sent, "sending the seccomp filter");
        return 0;
}
