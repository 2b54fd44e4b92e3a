/* SPDX-License-Identifier: Apache-2.0 */
/* Orchestration only: clone the namespaces, the parent/child sync protocol,
 * signal forwarding, wait, exit status. Each step's work lives in its
 * module. */
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "caps.h"
#include "copy.h"
#include "env.h"
#include "exitcodes.h"
#include "idmap.h"
#include "init.h"
#include "launch.h"
#include "log.h"
#include "rootfs.h"
#include "seccomp.h"
#include "syscalls.h"
#include "tty.h"
#include "user.h"
#include "util.h"

extern char **environ;

/* What the child sends on the sync socket when it fails: the message is
 * printed once, by the parent. A successful exec closes the socket
 * (O_CLOEXEC), which the parent reads as end-of-file. */
enum sync_type {
        SYNC_FAILED,            /* setup or exec failed: print text */
        SYNC_PTY,               /* the pty master comes along (SCM_RIGHTS) */
};

struct sync_message {
        int32_t type;           /* enum sync_type */
        int32_t error;          /* positive errno */
        int32_t exit_status;    /* 125, or 126/127 for exec failures */
        char text[1024];
};

/* BPF_MAXINSNS instructions of 8 bytes, plus one byte of header. */
#define SECCOMP_MESSAGE_MAX (4096 * 8 + 1)

struct child {
        struct config *config;
        const struct idmap_plan *plan;
        const struct rootfs_plan *rootfs;
        char **argv;
        const struct copy_request *copy; /* userbox cp */
        int sync_fd;
        int tty_slave;          /* -t: the command's terminal, else -1 */
        sigset_t saved_mask;
        void *seccomp_filter;
};

typedef void (*child_main_fn)(struct child *child);

static _Noreturn void child_fail(struct child *child, int r, int exit_status) {
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

static _Noreturn void exec_failed(struct child *child, int r) {
        if (r == -ENOENT || r == -ENOTDIR)
                child_fail(child, log_error("'%s': command not found", child->argv[0]), EXIT_NOT_FOUND);
        child_fail(child, log_errno(r, "cannot execute '%s'", child->argv[0]), EXIT_CANNOT_EXECUTE);
}

/* The last steps before exec, in the process that becomes the command. */
static _Noreturn void command_exec(struct child *child, uid_t uid, gid_t gid, const gid_t *groups,
                                   size_t n_groups, char **env) {
        const struct config *c = child->config;
        int r;

        for (int sig = 1; sig < NSIG; sig++)
                signal(sig, SIG_DFL);
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

        r = caps_apply(config_effective_capabilities(c), uid, gid, groups, n_groups,
                       !child->plan->setgroups_denied);
        if (r < 0)
                child_fail(child, log_errno(r, "switching to uid %u gid %u", (unsigned) uid, (unsigned) gid),
                           EXIT_USERBOX_FAILED);

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

static int apply_rlimits(const struct config *c) {
        for (size_t i = 0; i < c->n_rlimits; i++) {
                struct rlimit rl = { c->rlimits[i].soft, c->rlimits[i].hard };
                if (setrlimit(c->rlimits[i].resource, &rl) < 0)
                        return log_errno(-errno, "setting resource limit %d to %llu:%llu",
                                         c->rlimits[i].resource, (unsigned long long) rl.rlim_cur,
                                         (unsigned long long) rl.rlim_max);
        }
        return 0;
}

static const char *container_hostname(const struct config *c) {
        if (c->hostname)
                return c->hostname;
        if (c->root)
                return path_basename(c->root);
        return NULL; /* the host sandbox keeps the host's name */
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

static _Noreturn void container_main(struct child *child) {
        struct config *c = child->config;
        const char *hostname = container_hostname(c);
        _cleanup_free_ char *home = NULL;
        _cleanup_free_ gid_t *groups = NULL;
        _cleanup_close_ int rootfd = -1;
        char **env = NULL;
        size_t n_groups = 0;
        uid_t uid = child->plan->inside_uid;
        gid_t gid = child->plan->inside_gid;
        int r;

        if (hostname && c->uts && sethostname(hostname, strlen(hostname)) < 0)
                child_fail(child, log_errno(-errno, "setting the hostname '%s'", hostname), EXIT_USERBOX_FAILED);
        if (c->network == NET_NONE) {
                r = loopback_up();
                if (r < 0)
                        child_fail(child, log_errno(r, "bringing up the loopback interface"), EXIT_USERBOX_FAILED);
        }
        log_step("namespaces ready");

        r = rootfs_setup(c, child->rootfs);
        if (r < 0)
                child_fail(child, r, EXIT_USERBOX_FAILED);
        log_step("root file system ready");

        rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (rootfd < 0)
                child_fail(child, log_errno(-errno, "opening the new root"), EXIT_USERBOX_FAILED);
        if (c->user) {
                r = user_resolve(rootfd, c->user, &uid, &gid, &home, &groups, &n_groups);
                if (r < 0)
                        child_fail(child, r, EXIT_USERBOX_FAILED);
        } else {
                char spec[16];
                snprintf(spec, sizeof(spec), "%u", (unsigned) uid);
                /* Only for HOME: a uid with no passwd entry is fine. */
                if (user_resolve(rootfd, spec, &uid, &gid, &home, &groups, &n_groups) < 0) {
                        /* Not an error: forget the message it captured. */
                        log_set_deferred(true);
                        free(groups);
                        groups = NULL;
                        n_groups = 0;
                }
                uid = child->plan->inside_uid;
                gid = child->plan->inside_gid;
        }
        if (!home)
                home = strdup(uid == 0 ? "/root" : "/");

        r = env_build(c, home, hostname, &env);
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
                pid_t pid = fork();
                if (pid < 0)
                        child_fail(child, log_errno(-errno, "fork of the command"), EXIT_USERBOX_FAILED);
                if (pid > 0) {
                        /* Only the command reports on the sync socket; its
                         * exec closes the last copy. */
                        close(child->sync_fd);
                        if (child->tty_slave >= 0)
                                close(child->tty_slave);
                        strv_free(env);
                        init_run(pid);
                }
        }
        log_step("exec %s", child->argv[0]);
        command_exec(child, uid, gid, groups, n_groups, env);
}

static _Noreturn void unshare_main(struct child *child) {
        sigprocmask(SIG_SETMASK, &child->saved_mask, NULL);
        execvp(child->argv[0], child->argv);
        exec_failed(child, -errno);
}

static _Noreturn void copy_main(struct child *child) {
        int r = copy_run(child->copy);
        if (r < 0)
                child_fail(child, r, EXIT_USERBOX_FAILED);
        _exit(0);
}

/* Runs in the child right after clone. */
static _Noreturn void child_start(struct child *child, child_main_fn main_fn) {
        char go;

        log_set_deferred(true);
        /* The container dies with the launcher: kill -9 of userbox must not
         * leave a namespace full of processes behind. A launcher that died
         * before this line is noticed below: its end of the socket closes. */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
                child_fail(child, log_errno(-errno, "prctl(PR_SET_PDEATHSIG)"), EXIT_USERBOX_FAILED);
        /* The id map must be written before anything else: until then the
         * child has no uid inside its namespace. */
        if (read(child->sync_fd, &go, 1) != 1)
                _exit(EXIT_USERBOX_FAILED);
        (void) prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
        main_fn(child);
        _exit(EXIT_USERBOX_FAILED);
}

/* Returns 1 with a message (and *ret_fd for SYNC_PTY), 0 when nothing is
 * there yet, -EPIPE at end of file. */
static int read_sync_message(int fd, struct sync_message *m, int *ret_fd) {
        union {
                char buf[CMSG_SPACE(sizeof(int))];
                struct cmsghdr align;
        } control;
        struct iovec iov = { m, sizeof(*m) };
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                              .msg_controllen = sizeof(control.buf) };
        ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);

        *ret_fd = -1;
        if (n < 0)
                return errno == EAGAIN ? 0 : -errno;
        if (n == 0)
                return -EPIPE; /* end of file: every copy closed */
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
                if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
                        memcpy(ret_fd, CMSG_DATA(c), sizeof(int));
        if ((size_t) n != sizeof(*m)) {
                if (*ret_fd >= 0)
                        close(*ret_fd);
                return -EBADMSG;
        }
        m->text[sizeof(m->text) - 1] = '\0';
        return 1;
}

static int status_to_exit(int status) {
        if (WIFEXITED(status))
                return WEXITSTATUS(status);
        return EXIT_SIGNAL_BASE + WTERMSIG(status);
}

static int send_seccomp(void *filter, int sync_fd) {
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
        if (send(sync_fd, buf, size + 1, MSG_NOSIGNAL) < 0)
                return log_errno(-errno, "sending the seccomp filter");
        return 0;
}

static void kill_and_reap(pid_t pid) {
        kill(pid, SIGKILL);
        (void) waitpid(pid, NULL, 0);
}

static int supervise(struct child *child, pid_t pid, int sync_fd, int sigfd);

/* Clones the child with `flags`, writes its id map, lets it go, forwards
 * signals until it exits. Returns its exit status, or -errno when setup
 * failed (the child's message printed once). */
static int spawn(struct child *child, unsigned long flags, const struct idmap_plan *plan,
                 child_main_fn main_fn) {
        int sv[2], r;
        _cleanup_close_ int sync_fd = -1, sigfd = -1;
        struct idmap_job job;
        void *filter = NULL;
        sigset_t mask;
        pid_t pid;

        /* Block what we forward (and SIGCHLD) before clone, so that none is
         * lost between clone and the signalfd; the child inherits the mask,
         * which init needs and the command undoes. */
        sigemptyset(&mask);
        sigaddset(&mask, SIGCHLD);
        for (unsigned i = 0; i < init_n_forwarded_signals; i++)
                sigaddset(&mask, init_forwarded_signals[i]);
        if (sigprocmask(SIG_BLOCK, &mask, &child->saved_mask) < 0)
                return log_errno(-errno, "sigprocmask");

        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
                return log_errno(-errno, "socketpair");
        sync_fd = sv[0];
        child->sync_fd = sv[1];

        fflush(NULL);
        /* /proc/PID/uid_map of a non-dumpable task belongs to root, so the
         * launcher could not write a single-id map: the child starts
         * dumpable and turns non-dumpable once the map is in, before
         * anything of the container runs. */
        (void) prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
        /* A fork-like clone (no new stack): the child continues here with a
         * copy of our memory, so it needs no re-exec. */
        pid = (pid_t) syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
        if (pid < 0) {
                r = -errno;
                (void) prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
                close(sv[1]);
                if (r == -EPERM || r == -ENOSPC)
                        return log_errno(r, "creating the namespaces (are unprivileged user namespaces "
                                            "enabled? see user.max_user_namespaces)");
                return log_errno(r, "creating the namespaces");
        }
        if (pid == 0) {
                close(sync_fd);
                child_start(child, main_fn);
        }
        (void) prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
        close(sv[1]);
        log_step("cloned pid %d", (int) pid);

        /* The seccomp filter (~1 ms of libseccomp) is compiled here, while
         * something else runs: the helpers writing the map, or else the
         * child mounting its root. */
        r = idmap_start(plan, pid, &job);
        if (r >= 0 && main_fn == container_main && plan->use_helpers)
                r = seccomp_build(child->config, &filter);
        if (r >= 0)
                r = idmap_finish(&job);
        else
                (void) idmap_finish(&job);
        if (r < 0)
                goto fail;
        log_step("id map written");
        if (write(sync_fd, "1", 1) != 1) {
                r = log_errno(-errno, "starting the container");
                goto fail;
        }
        if (main_fn == container_main) {
                if (!plan->use_helpers)
                        r = seccomp_build(child->config, &filter);
                if (r >= 0)
                        r = send_seccomp(filter, sync_fd);
                seccomp_filter_free(filter);
                filter = NULL;
                if (r < 0)
                        goto fail;
                log_step("seccomp filter sent");
        }

        sigfd = signalfd(-1, &mask, SFD_CLOEXEC);
        if (sigfd < 0) {
                r = log_errno(-errno, "signalfd");
                goto fail;
        }
        r = supervise(child, pid, TAKE_FD(sync_fd), sigfd);
        sigprocmask(SIG_SETMASK, &child->saved_mask, NULL);
        return r;

fail:
        seccomp_filter_free(filter);
        kill_and_reap(pid);
        sigprocmask(SIG_SETMASK, &child->saved_mask, NULL);
        return r;
}

/* Handles one message from the child. Returns -errno for a setup failure
 * (already printed), else 0. */
static int handle_sync_message(const struct sync_message *m, int fd, struct tty_relay *tty, bool read_input) {
        int r;

        if (m->type == SYNC_PTY) {
                if (fd < 0)
                        return log_error("the container sent no pseudo-terminal");
                r = tty_relay_start(tty, fd, read_input);
                if (r < 0)
                        return log_errno(r, "putting the terminal in raw mode");
                return 0;
        }
        if (fd >= 0)
                close(fd);
        fprintf(stderr, "userbox: %s\n", m->text);
        /* Exec failures (126, 127) are the command's status, not ours. */
        return m->exit_status == EXIT_USERBOX_FAILED ? -(m->error > 0 ? m->error : EIO) : 0;
}

/* The launcher's loop while the container runs: messages from the child,
 * signals to forward, and with -t the terminal's bytes. */
static int supervise(struct child *child, pid_t pid, int sync_fd, int sigfd) {
        const struct config *c = child->config;
        struct tty_relay tty = TTY_RELAY_NULL;
        bool read_input = c->interactive || isatty(STDIN_FILENO);
        int r, status, exit_status = -1, failure = 0;

        while (exit_status < 0) {
                /* A closed fd is -1, which poll() skips. */
                struct pollfd fds[4] = {
                        { .fd = sigfd, .events = POLLIN },
                        { .fd = sync_fd, .events = POLLIN },
                        { .fd = tty.master, .events = POLLIN },
                        { .fd = tty.input, .events = POLLIN },
                };
                if (poll(fds, ELEMENTSOF(fds), -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        failure = log_errno(-errno, "poll");
                        kill(pid, SIGKILL);
                }
                if (fds[1].revents) {
                        struct sync_message m;
                        int fd;
                        r = read_sync_message(sync_fd, &m, &fd);
                        if (r > 0) {
                                r = handle_sync_message(&m, fd, &tty, read_input);
                                if (r < 0 && !failure)
                                        failure = r;
                                if (r < 0)
                                        kill(pid, SIGKILL);
                        } else if (r < 0) {
                                close(sync_fd);
                                sync_fd = -1;
                                log_step("command started");
                        }
                }
                if (fds[2].revents && tty_relay_from_master(&tty) < 0) {
                        /* No slave left: the command is going; wait for it. */
                        close(tty.master);
                        tty.master = -1;
                }
                if (fds[3].revents && tty.master >= 0 && tty_relay_from_input(&tty) < 0)
                        tty.input = -1;
                if (fds[0].revents & POLLIN) {
                        struct signalfd_siginfo si;
                        if (read(sigfd, &si, sizeof(si)) != sizeof(si))
                                continue;
                        if (si.ssi_signo == SIGWINCH && c->tty) {
                                /* The kernel tells the pty's foreground group. */
                                tty_relay_resize(&tty);
                                continue;
                        }
                        if (si.ssi_signo != SIGCHLD) {
                                kill(pid, (int) si.ssi_signo);
                                continue;
                        }
                        if (waitpid(pid, &status, WNOHANG) == pid)
                                exit_status = status_to_exit(status);
                }
        }
        /* A message written just before the child exited. */
        if (sync_fd >= 0) {
                struct sync_message m;
                int fd;
                if (read_sync_message(sync_fd, &m, &fd) > 0) {
                        r = handle_sync_message(&m, fd, &tty, false);
                        if (r < 0 && !failure)
                                failure = r;
                }
                close(sync_fd);
        }
        tty_relay_stop(&tty);
        return failure < 0 ? failure : exit_status;
}

/* Memory= and PIDs= need a cgroup v2 subtree the user may write. */
static int check_cgroup_limits(const struct config *c) {
        if (!c->memory && !c->pids)
                return 0;
        if (access("/sys/fs/cgroup/cgroup.controllers", F_OK) < 0)
                return log_error("[Limits] %s needs cgroup v2, but /sys/fs/cgroup is a cgroup v1 or hybrid "
                                 "hierarchy on this machine", c->memory ? "Memory=" : "PIDs=");
        return log_error("[Limits] %s needs a cgroup v2 subtree delegated to you; none is writable here "
                         "(limits by cgroup are not implemented yet for delegated subtrees either)",
                         c->memory ? "Memory=" : "PIDs=");
}

int launch_run(struct config *c) {
        static char *default_command[] = { (char *) "/bin/sh", NULL };
        struct child child = { .config = c, .sync_fd = -1, .tty_slave = -1 };
        struct rootfs_plan *rootfs = NULL;
        struct idmap_plan *plan;
        unsigned long flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID;
        int r;

        r = check_cgroup_limits(c);
        if (r < 0)
                return r;

        /* Every check that can run before clone runs before clone: a bad
         * profile or a missing root never creates a namespace. */
        plan = calloc(1, sizeof(*plan));
        if (!plan)
                return log_errno(-ENOMEM, "id map plan");
        r = idmap_plan(c, plan);
        if (r < 0)
                goto out;
        log_step("id map planned (%s)", plan->use_helpers ? "newuidmap/newgidmap" : "single id");
        r = rootfs_prepare(c, &rootfs);
        if (r < 0)
                goto out;
        log_step("root checked");

        if (c->uts)
                flags |= CLONE_NEWUTS;
        if (c->ipc)
                flags |= CLONE_NEWIPC;
        if (c->cgroup)
                flags |= CLONE_NEWCGROUP;
        if (c->network == NET_NONE)
                flags |= CLONE_NEWNET;

        child.plan = plan;
        child.rootfs = rootfs;
        child.argv = c->command ? c->command : default_command;
        r = spawn(&child, flags, plan, container_main);
out:
        rootfs_plan_free(rootfs);
        idmap_plan_done(plan);
        free(plan);
        return r;
}

int launch_unshare(struct config *c, char **argv) {
        struct child child = { .config = c, .sync_fd = -1, .tty_slave = -1, .argv = argv };
        struct idmap_plan *plan = calloc(1, sizeof(*plan));
        int r;

        if (!plan)
                return log_errno(-ENOMEM, "id map plan");
        r = idmap_plan(c, plan);
        if (r >= 0) {
                child.plan = plan;
                r = spawn(&child, CLONE_NEWUSER, plan, unshare_main);
        }
        idmap_plan_done(plan);
        free(plan);
        return r;
}

int launch_copy(struct config *c, const struct copy_request *req) {
        struct child child = { .config = c, .sync_fd = -1, .tty_slave = -1, .copy = req };
        struct idmap_plan *plan = calloc(1, sizeof(*plan));
        int r;

        if (!plan)
                return log_errno(-ENOMEM, "id map plan");
        r = idmap_plan(c, plan);
        if (r >= 0) {
                child.plan = plan;
                /* A mount namespace of its own: nothing it does can show on
                 * the host's mount table. */
                r = spawn(&child, CLONE_NEWUSER | CLONE_NEWNS, plan, copy_main);
        }
        idmap_plan_done(plan);
        free(plan);
        return r;
}
