/* SPDX-License-Identifier: Apache-2.0 */
/* The child's side of a launch, from clone to the command's execve: the
 * sync steps with the launcher (parent.c), then the container's setup. */
#include <ctype.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "security.h"
#include "launch-internal.h"
#include "cgroup.h"
#include "fs.h"
#include "util.h"
#include "profile.h"
#include "tty.h"
#include "oci-view.h"

extern char **environ;

/* Read top to bottom: child_start() takes the child through the sync
 * steps, then the mode's child_main: container_main() for run (its
 * prepare, container_prepare(), comes first), down to command_exec() and
 * the command's execve; unshare_main() and copy_main() at the end. The
 * joining modes (exec) start in exec-child.c, userbox-oci's rows are in
 * oci-child.c. */
static _Noreturn void exec_failed(struct child *child, int r);
static int resolve_identity(struct child *child, int rootfd, struct user_identity *id);
static _Noreturn void become_init(struct child *child, pid_t command);
static int loopback_up(void);
static int apply_rlimits(const struct config *c);
static int receive_network_ready(struct child *child);
static int send_pty(struct child *child);
static int send_identity(struct child *child, const struct user_identity *id);
static int close_fds_on_exec(unsigned first);

/* sync steps 1 and 3, around mode->prepare; then mode->child_main. */
_Noreturn void child_start(struct child *child) {
        const struct launch_mode *mode = child->mode;
        int r = 0;
        char go;

        log_set_deferred(true);
        /* Before anything: the lock of a named container must not outlive
         * a killed launcher in its child (named.c). */
        if (child->named && named_in_child(child->named) < 0)
                _exit(EXIT_USERBOX_FAILED);
        if (mode->joins)
                child_start_joined(child);
        /* sync step 1. The id map is written from outside (newuidmap checks
         * that it owns /proc/PID, the single-id write opens
         * /proc/PID/uid_map), which needs this process dumpable; only this
         * process, which nothing of a container can see yet, and only until
         * "go". The launcher itself stays non-dumpable throughout. */
        if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0 || write(child->sync_fd, &(char) { SYNC_DUMPABLE }, 1) != 1)
                _exit(EXIT_USERBOX_FAILED);
        /* The container dies with the launcher: kill -9 of userbox must not
         * leave a namespace full of processes behind. A launcher that died
         * before this line is noticed below: its end of the socket closes. */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
                child_fail(child, log_errno(-errno, "prctl(PR_SET_PDEATHSIG)"), EXIT_USERBOX_FAILED);
        /* sync step 2: what needs no id map is done while the launcher
         * writes it. A failure is reported only after "go": the launcher
         * listens then, and the helpers never see a child that is already
         * gone. */
        if (mode->prepare)
                r = mode->prepare(child);
        /* sync step 3: until the map is written the child has no uid inside
         * its namespace: nothing else can start before it. */
        if (read(child->sync_fd, &go, 1) != 1)
                _exit(EXIT_USERBOX_FAILED);
        /* A launcher killed after it sent "go" but before our
         * PR_SET_PDEATHSIG took effect sends no signal, yet its end of the
         * socket is closed: ours then reads as hung up. Any later death is
         * covered by the signal. */
        struct pollfd hangup = { .fd = child->sync_fd, .events = POLLRDHUP };
        if (poll(&hangup, 1, 0) > 0 && (hangup.revents & (POLLHUP | POLLRDHUP)))
                _exit(EXIT_USERBOX_FAILED);
        (void) prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
        if (r < 0)
                child_fail(child, r, EXIT_USERBOX_FAILED);
        /* Our cgroup namespace, when the launcher left it out of clone,
         * is made once we are in the container's cgroups (sync step 4,
         * launch_cgroup_namespace): none yet to send. */
        child->cgroup_ns_fd = -1;
        mode->child_main(child);
        _exit(EXIT_USERBOX_FAILED);
}

int container_prepare(struct child *child) {
        const struct config *c = child->config;
        const char *hostname = config_hostname(c);
        int r;

        child->rootfs_state.rootfd = -1;
        child->rootfs_state.etc_view_fd = -1;
        child->rootfs_state.tty_gid_mapped = devices_tty_gid_mapped(child->plan);
        if (hostname && sethostname(hostname, strlen(hostname)) < 0)
                return log_errno(-errno, "setting the hostname '%s'", hostname);
        /* A network namespace of its own (none, or a helper's): its
         * loopback is down until brought up. */
        if (c->network != NET_HOST) {
                r = loopback_up();
                if (r < 0)
                        return log_errno(r, "bringing up the loopback interface");
        }
        log_step("namespaces ready");
        return rootfs_setup_early(c, child->rootfs, &child->rootfs_state);
}

_Noreturn void container_main(struct child *child) {
        struct config *c = child->config;
        _cleanup_(user_identity_done) struct user_identity id = {
                .uid = child->plan->inside_uid,
                .gid = child->plan->inside_gid,
        };
        _cleanup_close_ int rootfd = -1;
        char **env = NULL;
        int r;

        r = rootfs_setup(c, child->rootfs, &child->rootfs_state);
        if (r < 0)
                child_fail(child, r, EXIT_USERBOX_FAILED);
        log_step("root file system ready");
        /* The mount pivoted into: the container's "/" (close-on-exec). */
        rootfd = TAKE_FD(child->rootfs_state.rootfd);
        r = resolve_identity(child, rootfd, &id);
        if (r >= 0)
                r = prepare_command(child, &id, &env);
        if (r >= 0 && child->named)
                r = send_identity(child, &id);  /* sync step 6 */
        if (r < 0)
                child_fail(child, r, EXIT_USERBOX_FAILED); /* sync step 8 */
        if (c->init) {
                /* vfork: the command borrows init's memory until its exec
                 * instead of copying it, which saves a third of the start-up
                 * on a VM (fork ~210 us, vfork ~60 us). Until it execs (or
                 * reports a failure and _exit()s) the command's side
                 * allocates (libcap, the environment) and sets environ in
                 * that shared memory. That holds because init is single-
                 * threaded and suspended meanwhile, holds no lock across the
                 * vfork, and never reads environ or those allocations after
                 * it. The command never returns from this function. */
                pid_t pid = vfork();
                if (pid < 0)
                        child_fail(child, log_errno(-errno, "starting the command"), EXIT_USERBOX_FAILED);
                if (pid > 0)
                        become_init(child, pid);
        }
        log_step("exec %s", child->argv[0]);
        command_exec(child, &id, env);
}

/* What run's and exec's command get alike, once who it is is known: its
 * environment, its limits, the seccomp filter (sync step 4), the network
 * (sync step 5) and, with -t, its terminal (sync step 7). */
int prepare_command(struct child *child, const struct user_identity *id, char ***env) {
        const struct config *c = child->config;
        int r;

        r = env_build(c, id->home, config_hostname(c), env);
        if (r < 0)
                return log_errno(r, "building the environment");
        r = receive_seccomp(child);             /* sync step 4 */
        if (r >= 0)
                r = launch_cgroup_namespace(child);
        /* After it: a low NOFILE= must not fail the namespace's open. */
        if (r >= 0)
                r = apply_rlimits(c);
        if (r >= 0 && child->mode->network && net_has_helper(c))
                r = receive_network_ready(child); /* sync step 5 */
        if (r >= 0 && c->tty)
                r = send_pty(child);            /* sync step 7 */
        return r;
}

/* The launcher left CLONE_NEWCGROUP out of clone for us to be in the
 * container's cgroups first: we entered them with the filter, or it moved
 * us there before it sent the filter (sync step 4; userbox-oci's
 * createContainer hooks come before, at step 11). Made now, the
 * namespace's root is that cgroup, and the container sees nothing of the
 * host's tree above it. The launcher opened the other
 * namespaces at sync step 1, before this one existed: a named
 * container's goes to it with the identity (step 6), for exec. */
int launch_cgroup_namespace(struct child *child) {
        int r;

        if (!child->cgroup || !child->config->cgroup || child->cgroup_ns_made)
                return 0;
        child->cgroup_ns_made = true;
        if (unshare(CLONE_NEWCGROUP) < 0)
                return log_errno(-errno, "creating the cgroup namespace");
        /* userbox-oci builds its view before the pivot (oci-child.c). */
        if (!child->oci) {
                r = launch_cgroup_view(child, -1);
                if (r < 0)
                        return r;
        }
        if (child->named) {
                child->cgroup_ns_fd = open("/proc/self/ns/cgroup", O_RDONLY | O_CLOEXEC);
                if (child->cgroup_ns_fd < 0)
                        return log_errno(-errno, "opening the cgroup namespace");
        }
        return 0;
}

/* /sys/fs/cgroup is the host's tree, bound with /sys (or by userbox-oci's
 * `cgroup` mounts, in the root rootfd names, not yet pivoted into): each
 * hierarchy the container has a cgroup in shows that cgroup, and its
 * limits. exec joins this mount namespace: it sees the same view. */
int launch_cgroup_view(struct child *child, int rootfd) {
        const struct cgroup *cg = child->cgroup;
        struct cgroup_view_bind binds[ELEMENTSOF(cg->hierarchies)];
        char paths[ELEMENTSOF(cg->hierarchies)][PATH_MAX];
        size_t n = 0;

        /* The launcher made the v1 ones after clone: their names are known
         * here, not their paths. */
        for (size_t i = 0; i < cg->n_hierarchies; i++) {
                const struct cgroup_hierarchy *h = &cg->hierarchies[i];
                if (h->mount && cgroup_dir(cg, h, paths[n], PATH_MAX)) {
                        binds[n] = (struct cgroup_view_bind) { paths[n], h->mount };
                        n++;
                }
        }
        return rootfd < 0 ? mounts_cgroup_view(binds, n, -1, NULL)
                          : mounts_cgroup_view_oci(child->config, rootfd, binds, n);
}

/* The user the command runs as, from User= (checked against the map
 * now that a name can be looked up in the root's /etc/passwd), and its
 * home. */
static int resolve_identity(struct child *child, int rootfd, struct user_identity *id) {
        const struct config *c = child->config;
        int r;

        if (c->user) {
                r = user_resolve(rootfd, c->user, child->plan->inside_uid, child->plan->inside_gid, id);
                if (r >= 0)
                        r = check_user_mapped(c, child->plan, id->uid, id->gid,
                                              !isdigit((unsigned char) c->user[0]));
                if (r < 0)
                        return r;
        } else {
                /* The user's own identity: the image gives only HOME (a uid
                 * without an entry is fine); its /etc/group is not read, and
                 * the user's host supplementary groups stay, so that a
                 * group-shared directory is as reachable as on the host and
                 * no dropped group bypasses a permission that denies it. */
                if (user_passwd_lookup(rootfd, id->uid, NULL, &id->home) == -ENOMEM)
                        return log_errno(-ENOMEM, "looking up the home directory");
        }
        /* The host sandbox: the user's own home (read-only), not /root. */
        if (!c->user && child->rootfs->host_sandbox) {
                free(id->home);
                id->home = strdup(child->rootfs->home ?: "/");
        }
        if (!id->home || !*id->home) {
                free(id->home);
                id->home = strdup(id->uid == 0 ? "/root" : "/");
        }
        /* Where the map denies setgroups (a single id written directly, or
         * newgidmap without a subordinate gid: the kernel's and shadow's
         * condition, so that nobody sheds a group that denies access, as in
         * 0707 files) the inherited groups stay, as they must. */
        if (child->plan->setgroups_denied)
                id->set_groups = false;
        /* userbox-oci: process.user.additionalGids, exactly. */
        if (child->oci && !child->plan->setgroups_denied) {
                free(id->groups);
                id->groups = calloc(child->oci->n_groups + 1, sizeof(gid_t));
                if (!id->groups)
                        return log_errno(-ENOMEM, "the user's groups");
                memcpy(id->groups, child->oci->groups, child->oci->n_groups * sizeof(gid_t));
                id->n_groups = child->oci->n_groups;
                id->set_groups = true;
        }
        return 0;
}

/* With Init=yes, the vfork()ed command's parent: stays as the
 * container's PID 1. */
static _Noreturn void become_init(struct child *child, pid_t command) {
        /* sync step 9: only the command reports on the sync socket; its exec
         * closes the last copy. */
        close(child->sync_fd);
        if (child->tty_slave >= 0)
                close(child->tty_slave);
        /* Out of the launcher's process group: a ^C from the terminal
         * reaches that group, and the launcher passes it on; init getting
         * its own copy as well would deliver it twice. */
        (void) setpgid(0, 0);
        init_run(command);
}

static int loopback_up(void) {
        struct ifreq ifr = { .ifr_name = "lo" };
        _cleanup_close_ int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

        if (fd < 0)
                return -errno;
        if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
                return -errno;
        ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
        if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
                return -errno;
        return 0;
}

static int apply_rlimits(const struct config *c) {
        for (size_t i = 0; i < c->n_rlimits; i++) {
                const struct rlimit_entry *e = &c->rlimits[i];
                struct rlimit rl = { e->soft, e->hard };
                char where[CONFIG_ORIGIN_NAME_MAX], soft[PROFILE_RLIMIT_VALUE_MAX], hard[PROFILE_RLIMIT_VALUE_MAX];

                if (setrlimit(e->resource, &rl) < 0)
                        return log_errno(-errno, "%s: setting the limit to %s:%s",
                                         rlimit_origin_name(e, where, sizeof(where)),
                                         profile_rlimit_value_text(e->soft, soft, sizeof(soft)),
                                         profile_rlimit_value_text(e->hard, hard, sizeof(hard)));
        }
        return 0;
}

/* sync step 4: the launcher compiles the seccomp filter while we mount
 * (two cores, two jobs) and sends the program; it must be here before
 * exec. With it come the tasks files of the cgroups run's child enters
 * itself (cgroup_attach_leaving): entered now, before anything of the
 * container runs. */
int receive_seccomp(struct child *child) {
        _cleanup_free_ char *buf = NULL;
        int enter[FD_PASS_MAX];
        unsigned n_enter = 0;
        ssize_t n;
        int r;

        /* userbox-oci's may have taken it before its pivot (oci-child.c). */
        if (child->seccomp_received)
                return 0;
        child->seccomp_received = true;
        buf = malloc(SECCOMP_MESSAGE_MAX);
        if (!buf)
                return log_errno(-ENOMEM, "receiving the seccomp filter");
        n = fd_recv(child->sync_fd, buf, SECCOMP_MESSAGE_MAX, enter, FD_PASS_MAX, &n_enter);
        if (n < 0)
                return log_errno((int) n, "receiving the seccomp filter");
        r = cgroup_enter(enter, n_enter);
        if (r < 0)
                return r;
        if (n == 0)
                return log_errno(-EPIPE, "receiving the seccomp filter");
        /* The first byte says whether a program follows. */
        r = seccomp_filter_from_data(buf + 1, (size_t) n - 1, &child->seccomp_filter);
        if (r < 0)
                return log_errno(r, "receiving the seccomp filter");
        return 0;
}

/* sync step 5: the launcher has the helper's word that the network is up
 * and the ports are published. A launcher that gives up on the helper
 * kills us instead: end of file only means it is gone. */
static int receive_network_ready(struct child *child) {
        char byte = 0;
        ssize_t n;

        do
                n = recv(child->sync_fd, &byte, 1, 0);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return log_errno(-errno, "waiting for the network");
        if (n == 0 || byte != SYNC_NETWORK_READY)
                return log_errno(-EPIPE, "waiting for the network");
        log_step("network ready");
        return 0;
}

/* sync step 7: allocates the pty in the container's devpts (so `tty`
 * inside names /dev/pts/N of the container, and nothing of the host's
 * devpts is reachable) and hands the master to the launcher. */
static int send_pty(struct child *child) {
        struct sync_message m = { .type = SYNC_PTY };
        union {
                char buf[CMSG_SPACE(sizeof(int))];
                struct cmsghdr align;
        } control = { 0 };
        struct iovec iov = { &m, sizeof(m) };
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                              .msg_controllen = sizeof(control.buf) };
        struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
        _cleanup_close_ int master = -1;
        int r;

        r = tty_open_pair(&master, &child->tty_slave);
        if (r < 0)
                return log_errno(r, "allocating a pseudo-terminal in '/dev/ptmx'");
        cmsg->cmsg_level = SOL_SOCKET;
        cmsg->cmsg_type = SCM_RIGHTS;
        cmsg->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(cmsg), &master, sizeof(int));
        if (sendmsg(child->sync_fd, &msg, MSG_NOSIGNAL) < 0)
                return log_errno(-errno, "passing the pseudo-terminal to the launcher");
        return 0;
}

/* The last steps before exec, in the process that becomes the command. */
_Noreturn void command_exec(struct child *child, const struct user_identity *id, char **env) {
        const struct config *c = child->config;
        int r;

        /* Dispositions are the caller's (nohup's ignored SIGHUP stays
         * ignored, as across any exec); userbox changed none before clone.
         * Only the mask it blocked for signalfd is given back. */
        sigprocmask(SIG_SETMASK, &child->saved_mask, NULL);

        /* Without a terminal of its own, the command gets its own session:
         * it then has no controlling terminal to push input into
         * (TIOCSTI, CVE-2017-5226). With -t, that session's terminal is the
         * container's own pty. */
        if (child->tty_slave >= 0)
                r = tty_attach(child->tty_slave);
        else
                r = setsid() < 0 ? -errno : 0;
        if (r < 0)
                child_fail(child, log_errno(r, "setting up the session and terminal"), EXIT_USERBOX_FAILED);

        r = close_fds_on_exec(3 + c->preserve_fds);
        if (r < 0)
                child_fail(child, log_errno(r, "closing inherited file descriptors"), EXIT_USERBOX_FAILED);

        if (c->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                child_fail(child, log_errno(-errno, "prctl(PR_SET_NO_NEW_PRIVS)"), EXIT_USERBOX_FAILED);

        /* userbox-oci create: everything that can fail before start has
         * (sync step 10); the filter goes in after the wait, which it could
         * otherwise forbid. */
        if (child->oci)
                oci_wait_for_start(child);

        /* The filter goes in while we still hold CAP_SYS_ADMIN in the user
         * namespace, so it loads with or without no_new_privs; it blocks
         * nothing that the capability and id changes below need. */
        r = seccomp_install(child->seccomp_filter); /* logs its error */
        if (r < 0)
                child_fail(child, r, EXIT_USERBOX_FAILED);

        log_step("seccomp filter loaded");
        if (oci_view(c) && oci_view(c)->has_caps) /* config.json's five sets */
                r = caps_apply_sets(&oci_view(c)->caps, id->uid, id->gid, id->groups, id->n_groups, id->set_groups);
        else
                r = caps_apply(config_effective_capabilities(c), id->uid, id->gid, id->groups, id->n_groups,
                               id->set_groups); /* logs its error */
        if (r < 0)
                child_fail(child, r, EXIT_USERBOX_FAILED);

        /* A change of effective uid clears the parent-death signal: without
         * init (or in exec) this process is the one that must die with the
         * launcher, so arm it again, and leave if the launcher is already
         * gone (its end of the socket then reads as hung up). */
        /* userbox-oci exec --detach: the command outlives the launcher. */
        if (child->oci_exec && child->oci_exec->detach && prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0) < 0)
                child_fail(child, log_errno(-errno, "prctl(PR_SET_PDEATHSIG)"), EXIT_USERBOX_FAILED);
        if ((!c->init || child->mode->joins) && !child->oci && !(child->oci_exec && child->oci_exec->detach)) {
                struct pollfd hangup = { .fd = child->sync_fd, .events = POLLRDHUP };
                if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
                        child_fail(child, log_errno(-errno, "prctl(PR_SET_PDEATHSIG)"), EXIT_USERBOX_FAILED);
                if (poll(&hangup, 1, 0) > 0 && (hangup.revents & (POLLHUP | POLLRDHUP)))
                        _exit(EXIT_USERBOX_FAILED);
        }

        log_step("capabilities and ids set");
        /* execvp() searches the PATH of environ, which must be the
         * container's, not the host's. */
        environ = env;
        /* sync step 9: the exec closes the sync socket (close-on-exec). */
        execvp(child->argv[0], child->argv);
        exec_failed(child, -errno);
}

/* Marks every fd from `first` on close-on-exec: nothing the launcher was
 * started with reaches the command unless --preserve-fds asked for it
 * (CVE-2024-21626 leaked a host directory fd that way). */
static int close_fds_on_exec(unsigned first) {
        int r = sys_close_range(first, ~0U, CLOSE_RANGE_CLOEXEC);
        if (r != -ENOSYS && r != -EINVAL)
                return r;
        for (int fd = (int) first; fd < 65536; fd++)
                if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0 && errno != EBADF)
                        return -errno;
        return 0;
}

_Noreturn void unshare_main(struct child *child) {
        /* A process group of its own, so that a signal to the launcher's
         * group (kill %1, kill -- -PGID) reaches the command once, passed
         * on. In a terminal's foreground the command is made the
         * foreground job, as a shell does (SIGTTOU is blocked here): the
         * terminal's keys then signal it alone, and it may read. */
        (void) setpgid(0, 0);
        if (child->foreground)
                (void) tcsetpgrp(STDIN_FILENO, getpgrp());
        sigprocmask(SIG_SETMASK, &child->saved_mask, NULL);
        /* sync step 9: the exec closes the sync socket. */
        execvp(child->argv[0], child->argv);
        exec_failed(child, -errno);
}

_Noreturn void helper_main(struct child *child) {
        sigprocmask(SIG_SETMASK, &child->saved_mask, NULL);
        /* sync step 9: the exec closes the sync socket. */
        execv(child->argv[0], child->argv);
        exec_failed(child, -errno);
}

_Noreturn void copy_main(struct child *child) {
        int r;

        /* The copy ends on what is forwarded to it, as cp(1) would. */
        sigprocmask(SIG_SETMASK, &child->saved_mask, NULL);
        r = copy_run(child->copy);
        if (r < 0)
                child_fail(child, r, EXIT_USERBOX_FAILED);
        _exit(0); /* sync step 9: the exit closes the sync socket */
}

/* sync step 6: who the command is, for the launcher to hand to exec. */
static int send_identity(struct child *child, const struct user_identity *id) {
        _cleanup_free_ struct exec_identity *m = NULL;
        ssize_t sent;
        size_t size;

        if (id->n_groups > EXEC_IDENTITY_GROUPS_MAX)
                return log_error("the user is in %zu groups; a named container takes at most %d (exec is handed "
                                 "them in one message)", id->n_groups, EXEC_IDENTITY_GROUPS_MAX);
        size = sizeof(*m) + id->n_groups * sizeof(m->groups[0]);
        m = calloc(1, size);
        if (!m)
                return log_errno(-ENOMEM, "the user's identity");
        *m = (struct exec_identity) {
                .type = SYNC_IDENTITY, .uid = id->uid, .gid = id->gid,
                .own_uid = child->plan->inside_uid, .own_gid = child->plan->inside_gid,
                .set_groups = id->set_groups, .setgroups_allowed = !child->plan->setgroups_denied,
                .n_groups = (uint32_t) id->n_groups,
        };
        snprintf(m->home, sizeof(m->home), "%s", id->home ? id->home : "/");
        for (size_t i = 0; i < id->n_groups; i++)
                m->groups[i] = (uint32_t) id->groups[i];
        sent = fd_send(child->sync_fd, m, size, &child->cgroup_ns_fd, child->cgroup_ns_fd >= 0 ? 1 : 0);
        if (sent < 0)
                return log_errno((int) sent, "passing the user's identity to the launcher");
        if (child->cgroup_ns_fd >= 0)
                close(child->cgroup_ns_fd);
        child->cgroup_ns_fd = -1;
        return 0;
}

/* An exec that failed: 127 for not found, 126 otherwise. */
static _Noreturn void exec_failed(struct child *child, int r) {
        if (r == -ENOENT || r == -ENOTDIR)
                child_fail(child, log_error("'%s': command not found", child->argv[0]), EXIT_NOT_FOUND);
        child_fail(child, log_errno(r, "cannot execute '%s'", child->argv[0]), EXIT_CANNOT_EXECUTE);
}

/* sync step 8: reports r (and the captured message) to the launcher,
 * then _exit()s. */
_Noreturn void child_fail(struct child *child, int r, int exit_status) {
        struct sync_message m = { .type = SYNC_FAILED, .error = -r, .exit_status = exit_status };
        const char *text = log_deferred_message();

        snprintf(m.text, sizeof(m.text), "%s", text[0] ? text : strerror(-r));
        /* After sync step 10 nobody listens: the message is the process's
         * own, on its stderr. */
        if (child->sync_fd < 0)
                fprintf(stderr, "userbox-oci: %s\n", m.text);
        else
                (void) !write(child->sync_fd, &m, sizeof(m));
        _exit(exit_status);
}
