/* SPDX-License-Identifier: Apache-2.0 */
/* The container's side of a launch, in the cloned child: see container.h. */
#include <ctype.h>
#include <fcntl.h>
#include <inttypes.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "security.h"
#include "launch-internal.h"
#include "fs.h"
#include "util.h"
#include "profile.h"
#include "tty.h"

extern char **environ;

/* The hostname of a container whose root's name is no hostname. */
#define CONTAINER_DEFAULT_HOSTNAME "userbox"

_Noreturn void child_fail(struct child *child, int r, int exit_status) {
        struct sync_message m = { .type = SYNC_FAILED, .error = -r, .exit_status = exit_status };
        const char *text = log_deferred_message();

        snprintf(m.text, sizeof(m.text), "%s", text[0] ? text : strerror(-r));
        (void) !write(child->sync_fd, &m, sizeof(m));
        _exit(exit_status);
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

_Noreturn void exec_failed(struct child *child, int r) {
        if (r == -ENOENT || r == -ENOTDIR)
                child_fail(child, log_error("'%s': command not found", child->argv[0]), EXIT_NOT_FOUND);
        child_fail(child, log_errno(r, "cannot execute '%s'", child->argv[0]), EXIT_CANNOT_EXECUTE);
}

/* The last steps before exec, in the process that becomes the command. */
static _Noreturn void command_exec(struct child *child, const struct user_identity *id, char **env) {
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

        /* The filter goes in while we still hold CAP_SYS_ADMIN in the user
         * namespace, so it loads with or without no_new_privs; it blocks
         * nothing that the capability and id changes below need. */
        r = seccomp_install(child->seccomp_filter);
        if (r < 0)
                child_fail(child, log_errno(r, "loading the seccomp filter"), EXIT_USERBOX_FAILED);

        log_step("seccomp filter loaded");
        /* Where the map denies setgroups (a single id written directly, or
         * newgidmap without a subordinate gid: the kernel's and shadow's
         * condition, so that nobody sheds a group that denies access, as in
         * 0707 files) the inherited groups stay, as they must. */
        r = caps_apply(config_effective_capabilities(c), id->uid, id->gid, id->groups, id->n_groups,
                       id->set_groups && !child->plan->setgroups_denied);
        if (r < 0)
                child_fail(child, log_errno(r, "switching to uid %u gid %u", (unsigned) id->uid,
                                            (unsigned) id->gid), EXIT_USERBOX_FAILED);

        /* A change of effective uid clears the parent-death signal: without
         * init this process is the one that must die with the launcher, so
         * arm it again, and leave if the launcher is already gone (its end
         * of the socket then reads as hung up). */
        if (!c->init) {
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
        execvp(child->argv[0], child->argv);
        exec_failed(child, -errno);
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

/* "FILE:LINE: [Limits] NOFILE" or "--limit NOFILE", for messages. */
static const char *rlimit_origin_name(const struct rlimit_entry *e, char *buf, size_t size) {
        const char *name = profile_rlimit_name(e->resource) ?: "?";
        char option[64];

        snprintf(option, sizeof(option), "--limit %s", name);
        return config_origin_name(&e->origin, "Limits", name, option, buf, size);
}

static const char *rlimit_value_text(uint64_t value, char *buf, size_t size) {
        if (value == RLIM_INFINITY)
                snprintf(buf, size, "infinity");
        else
                snprintf(buf, size, "%" PRIu64, value);
        return buf;
}

static int apply_rlimits(const struct config *c) {
        for (size_t i = 0; i < c->n_rlimits; i++) {
                const struct rlimit_entry *e = &c->rlimits[i];
                struct rlimit rl = { e->soft, e->hard };
                char where[CONFIG_ORIGIN_NAME_MAX], soft[32], hard[32];

                if (setrlimit(e->resource, &rl) < 0)
                        return log_errno(-errno, "%s: setting the limit to %s:%s",
                                         rlimit_origin_name(e, where, sizeof(where)),
                                         rlimit_value_text(e->soft, soft, sizeof(soft)),
                                         rlimit_value_text(e->hard, hard, sizeof(hard)));
        }
        return 0;
}

/* Raising a hard limit needs CAP_SYS_RESOURCE in the initial user
 * namespace, which no container has: a limit above the launcher's own hard
 * limit would fail after clone, so it is refused here. */
static int check_rlimits(const struct config *c) {
        for (size_t i = 0; i < c->n_rlimits; i++) {
                const struct rlimit_entry *e = &c->rlimits[i];
                char where[CONFIG_ORIGIN_NAME_MAX], wanted[32], allowed[32];
                struct rlimit now;

                if (getrlimit(e->resource, &now) < 0)
                        return log_errno(-errno, "%s: reading the current limit",
                                         rlimit_origin_name(e, where, sizeof(where)));
                if (e->hard > (uint64_t) now.rlim_max)
                        return log_error("%s: %s is above the hard limit of this session, %s, which only "
                                         "root can raise", rlimit_origin_name(e, where, sizeof(where)),
                                         rlimit_value_text(e->hard, wanted, sizeof(wanted)),
                                         rlimit_value_text(now.rlim_max, allowed, sizeof(allowed)));
        }
        return 0;
}

/* The hostname asked for; else the root directory's name (as
 * systemd-nspawn names a machine), or "userbox" when that name is no
 * hostname (a root of "/", a name too long or with other characters).
 * NULL when the host's name stays: the host's UTS namespace, or the host
 * sandbox. */
static const char *container_hostname(const struct config *c) {
        if (!c->uts)
                return NULL;
        if (c->hostname)
                return c->hostname;
        if (!c->root)
                return NULL;
        return hostname_is_valid(path_basename(c->root)) ? path_basename(c->root) : CONTAINER_DEFAULT_HOSTNAME;
}

/* The user's ids must be in the map: setresuid/setresgid to an unmapped
 * id fails with EINVAL, which says nothing of why. named: the spec was a
 * name, whose ids came from the container's /etc/passwd. */
static int check_user_mapped(const struct config *c, const struct idmap_plan *plan, uid_t uid, gid_t gid,
                             bool named) {
        _cleanup_free_ char *reason = NULL;
        char where[CONFIG_ORIGIN_NAME_MAX];
        int r = idmap_check_inside(plan, uid, gid, &reason);

        if (r >= 0)
                return 0;
        config_origin_name(&c->origins[KEY_USER], "Container", "User", "--user", where, sizeof(where));
        if (named)
                return log_error("%s: '%s' in the container's /etc/passwd: %s", where, c->user,
                                 reason ?: strerror(-r));
        return log_error("%s: %s", where, reason ?: strerror(-r));
}

/* A numeric User= is checked before clone; a name only can be, after the
 * root's /etc/passwd is read in container_main(). */
static int check_numeric_user(const struct config *c, const struct idmap_plan *plan) {
        _cleanup_(user_spec_done) struct user_spec u = {};
        int r = c->user ? user_spec_parse(c->user, &u) : -EINVAL;

        if (r == -ENOMEM)
                return log_errno(r, "checking the user");
        if (r < 0 || !u.numeric_user)
                return 0; /* user_resolve() says what is wrong with it */
        return check_user_mapped(c, plan, (uid_t) u.uid, (gid_t) u.gid, false);
}

/* Memory= and PIDs= would need a cgroup of the container's own, which
 * userbox does not make yet: refused, never silently ignored. */
static int check_cgroup_limits(const struct config *c) {
        bool memory = c->memory != 0;
        char where[CONFIG_ORIGIN_NAME_MAX];

        if (!c->memory && !c->pids)
                return 0;
        return log_error("%s: limits by cgroup (Memory=, PIDs=) are not implemented yet (rlimits such as "
                         "NOFILE= and NPROC= are)",
                         config_origin_name(&c->origins[memory ? KEY_MEMORY : KEY_PIDS], "Limits",
                                            memory ? "Memory" : "PIDs", memory ? "--limit Memory" : "--limit PIDs",
                                            where, sizeof(where)));
}

int container_check(const struct config *c, const struct idmap_plan *plan) {
        char where[CONFIG_ORIGIN_NAME_MAX];
        int r;

        /* Without a UTS namespace of its own the container has the host's
         * name, which it may not change: the name asked for would only
         * reach $HOSTNAME, a lie to every program that asks the kernel. */
        if (c->hostname && !c->uts)
                return log_error("%s: needs [Namespaces] UTS=yes",
                                 config_origin_name(&c->origins[KEY_HOSTNAME], "Container", "Hostname",
                                                    "--hostname", where, sizeof(where)));
        r = check_numeric_user(c, plan);
        if (r >= 0)
                r = check_rlimits(c);
        if (r >= 0)
                r = check_cgroup_limits(c);
        return r;
}

/* The launcher compiles the seccomp filter while we mount (two cores,
 * two jobs) and sends the program; it must be here before exec. */
static int receive_seccomp(struct child *child) {
        _cleanup_free_ char *buf = malloc(SECCOMP_MESSAGE_MAX);
        ssize_t n;
        int r;

        if (!buf)
                return log_errno(-ENOMEM, "receiving the seccomp filter");
        do
                n = recv(child->sync_fd, buf, SECCOMP_MESSAGE_MAX, 0);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return log_errno(-errno, "receiving the seccomp filter");
        if (n == 0)
                return log_errno(-EPIPE, "receiving the seccomp filter");
        /* The first byte says whether a program follows. */
        r = seccomp_filter_from_data(buf + 1, (size_t) n - 1, &child->seccomp_filter);
        if (r < 0)
                return log_errno(r, "receiving the seccomp filter");
        return 0;
}

/* Allocates the pty in the container's devpts (so `tty` inside names
 * /dev/pts/N of the container, and nothing of the host's devpts is
 * reachable) and hands the master to the launcher. */
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

int container_prepare(struct child *child) {
        const struct config *c = child->config;
        const char *hostname = container_hostname(c);
        int r;

        child->rootfs_state.rootfd = -1;
        child->rootfs_state.tty_gid_mapped = devices_tty_gid_mapped(child->plan);
        if (hostname && sethostname(hostname, strlen(hostname)) < 0)
                return log_errno(-errno, "setting the hostname '%s'", hostname);
        if (c->network == NET_NONE) {
                r = loopback_up();
                if (r < 0)
                        return log_errno(r, "bringing up the loopback interface");
        }
        log_step("namespaces ready");
        return rootfs_setup_early(c, child->rootfs, &child->rootfs_state);
}

_Noreturn void container_main(struct child *child) {
        struct config *c = child->config;
        const char *hostname = container_hostname(c);
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
        if (c->user) {
                r = user_resolve(rootfd, c->user, child->plan->inside_uid, child->plan->inside_gid, &id);
                if (r >= 0)
                        r = check_user_mapped(c, child->plan, id.uid, id.gid,
                                              !isdigit((unsigned char) c->user[0]));
                if (r < 0)
                        child_fail(child, r, EXIT_USERBOX_FAILED);
        } else {
                /* The user's own identity: the image gives only HOME (a uid
                 * without an entry is fine); its /etc/group is not read, and
                 * the user's host groups stay (design §3, "Groups"). */
                if (user_passwd_lookup(rootfd, id.uid, NULL, &id.home) == -ENOMEM)
                        child_fail(child, log_errno(-ENOMEM, "looking up the home directory"),
                                   EXIT_USERBOX_FAILED);
        }
        /* The host sandbox: the user's own home (read-only), not /root. */
        if (!c->user && child->rootfs->host_sandbox) {
                free(id.home);
                id.home = strdup(child->rootfs->home ?: "/");
        }
        if (!id.home || !*id.home) {
                free(id.home);
                id.home = strdup(id.uid == 0 ? "/root" : "/");
        }

        r = env_build(c, id.home, hostname, &env);
        if (r < 0)
                child_fail(child, log_errno(r, "building the environment"), EXIT_USERBOX_FAILED);
        r = apply_rlimits(c);
        if (r < 0)
                child_fail(child, r, EXIT_USERBOX_FAILED);

        r = receive_seccomp(child);
        if (r < 0)
                child_fail(child, r, EXIT_USERBOX_FAILED);

        if (c->tty) {
                r = send_pty(child);
                if (r < 0)
                        child_fail(child, r, EXIT_USERBOX_FAILED);
        }

        if (c->init) {
                /* vfork: the command borrows init's memory until its exec
                 * instead of copying it, which saves a third of the start-up
                 * on a VM (fork ~210 us, vfork ~60 us). Until it execs (or
                 * reports a failure and _exit()s) the command's side
                 * allocates (libcap, the environment) and sets environ in
                 * that shared memory. That holds because init is single-
                 * threaded and suspended meanwhile, holds no lock across the
                 * vfork, and never reads environ or those allocations after
                 * it. */
                pid_t pid = vfork();
                if (pid < 0)
                        child_fail(child, log_errno(-errno, "starting the command"), EXIT_USERBOX_FAILED);
                if (pid > 0) {
                        /* Only the command reports on the sync socket; its
                         * exec closes the last copy. */
                        close(child->sync_fd);
                        if (child->tty_slave >= 0)
                                close(child->tty_slave);
                        /* Out of the launcher's process group: a ^C from
                         * the terminal reaches that group, and the launcher
                         * passes it on; init getting its own copy as well
                         * would deliver it twice. */
                        (void) setpgid(0, 0);
                        init_run(pid);
                }
        }
        log_step("exec %s", child->argv[0]);
        command_exec(child, &id, env);
}

