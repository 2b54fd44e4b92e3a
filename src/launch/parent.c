/* SPDX-License-Identifier: Apache-2.0 */
/* The launcher's side of a launch: the entry points, clone, the sync steps
 * with the child (child.c is the other side), signal forwarding, wait. */
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "launch-internal.h"
#include "fs.h"
#include "util.h"
#include "idmap.h"
#include "launch.h"
#include "security.h"
#include "tty.h"

/* The subcommands, as launch-internal.h describes the fields. */
static const struct launch_mode mode_run = {
        .name = "run",
        .clone_flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID,
        .profile_namespaces = true,
        .rootfs = true,
        .seccomp = true,
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

/* A command in a running named container: its namespaces joined, no id
 * map written (its own is in force), the same filter as run's. */
static const struct launch_mode mode_exec = {
        .name = "exec",
        .joins = true,
        .seccomp = true,
        .child_main = exec_main,
};

/* Read top to bottom: the entry points, then spawn() with the launcher's
 * side of the sync steps, then supervise(), what it does until the
 * command exits. */
struct supervisor;
static int launch(struct child *child);
static int spawn(struct child *child, unsigned long flags, struct idmap_plan *plan);
static int join_user_and_pid_namespaces(const struct launch_namespaces *ns);
static void kill_and_reap(pid_t pid);
static int start_child(struct child *child, pid_t pid, int sync_fd, struct idmap_plan *plan);
static int write_id_map(struct child *child, pid_t pid, int sync_fd, struct idmap_plan *plan,
                        struct seccomp_filter **filter);
static int read_dumpable(int sync_fd);
static int send_seccomp(const struct seccomp_filter *filter, int sync_fd);
static int supervise(struct child *child, pid_t pid, int sync_fd, int sigfd);
static void read_child_message(struct supervisor *s);
static int read_identity(int fd, struct exec_identity **ret);
static int read_sync_message(int fd, struct sync_message *m, int *ret_fd);
static int handle_sync_message(const struct sync_message *m, int fd, struct tty_relay *tty, bool read_input);
static void read_signal(struct supervisor *s);
static void forward_signal(struct supervisor *s, const struct signalfd_siginfo *si);
static void job_stopped(pid_t pid);
static void drain_after_exit(struct tty_relay *tty, int sigfd, bool wait);

int launch_check(struct config *c, struct idmap_plan *plan, struct rootfs_plan **ret_rootfs) {
        int r = idmap_plan(c, plan);

        if (r >= 0) {
                log_step("id map planned (%s)", plan->use_helpers ? "newuidmap/newgidmap" : "single id");
                r = container_check(c, plan);
        }
        if (r >= 0)
                r = rootfs_prepare(c, ret_rootfs);
        if (r < 0) {
                idmap_plan_done(plan);
                return r;
        }
        log_step("root checked");
        return 0;
}

int launch_run(struct config *c, bool detach) {
        static char *default_command[] = { (char *) "/bin/sh", NULL };
        struct child child = { .mode = &mode_run, .config = c, .sync_fd = -1, .tty_slave = -1,
                               .argv = c->command ? c->command : default_command };
        struct named named;
        int r, status;

        if (!c->name && !detach)
                return launch(&child);
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
        return named_end(&named, launch(&child));
}

int launch_unshare(struct config *c, char **argv) {
        struct child child = { .mode = &mode_unshare, .config = c, .sync_fd = -1, .tty_slave = -1,
                               .argv = argv, .job = isatty(STDIN_FILENO) };

        child.foreground = child.job && tcgetpgrp(STDIN_FILENO) == getpgrp();
        return launch(&child);
}

int launch_exec(struct exec_target *t, struct config *c) {
        struct child child = { .mode = &mode_exec, .config = c, .sync_fd = -1, .tty_slave = -1,
                               .argv = c->command, .join_ns = &t->ns, .join_identity = t->identity,
                               .join_user = c->user };

        return launch(&child);
}

int launch_copy(struct config *c, const struct copy_request *req) {
        struct child child = { .mode = &mode_copy, .config = c, .sync_fd = -1, .tty_slave = -1,
                               .copy = req };

        return launch(&child);
}

static unsigned long clone_flags(const struct launch_mode *mode, const struct config *c) {
        unsigned long flags = mode->clone_flags;

        if (!mode->profile_namespaces)
                return flags;
        if (c->uts)
                flags |= CLONE_NEWUTS;
        if (c->ipc)
                flags |= CLONE_NEWIPC;
        if (c->cgroup)
                flags |= CLONE_NEWCGROUP;
        if (c->network == NET_NONE)
                flags |= CLONE_NEWNET;
        return flags;
}

/* Plans what the mode needs, then spawns. */
static int launch(struct child *child) {
        struct rootfs_plan *rootfs = NULL;
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
                r = launch_check(child->config, plan, &rootfs);
                if (r < 0) {
                        free(plan);
                        return r;
                }
                /* Claimed once nothing is left to refuse, before clone. */
                if (child->named)
                        r = named_claim(child->named, child->config, child->argv);
                /* Made here, not by config: config makes nothing. */
                if (r >= 0)
                        r = rootfs_make_overlay_dir(rootfs);
        } else
                r = idmap_plan(child->config, plan);
        if (r >= 0) {
                child->plan = plan;
                child->rootfs = rootfs;
                r = spawn(child, clone_flags(child->mode, child->config), plan);
        }
        rootfs_plan_free(rootfs);
        idmap_plan_done(plan);
        free(plan);
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

/* A joining mode's launcher enters the container's user namespace and,
 * for its child, its pid namespace: joining a pid namespace takes
 * CAP_SYS_ADMIN in the joiner's own user namespace too, which only the
 * container's gives. It stays out of sight: no process of the container
 * can name it (it is not in their pid namespace). The child joins the
 * rest. */
static int join_user_and_pid_namespaces(const struct launch_namespaces *ns) {
        static const unsigned long order[] = { CLONE_NEWUSER, CLONE_NEWPID };

        for (size_t i = 0; i < ELEMENTSOF(order); i++)
                if (setns(launch_namespace_fd(ns, order[i]), (int) order[i]) < 0)
                        return log_errno(-errno, "joining the container's %s namespace",
                                         order[i] == CLONE_NEWUSER ? "user" : "pid");
        return 0;
}

/* Clones the child with `flags` and the socket of the sync steps. Returns
 * its pid with our end of the socket in *ret_sync_fd, or -errno. */
static pid_t clone_child(struct child *child, unsigned long flags, int *ret_sync_fd) {
        int sv[2], r;
        pid_t pid;

        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
                return log_errno(-errno, "socketpair");
        child->sync_fd = sv[1];

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
        pid = (pid_t) syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
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
        if (r >= 0) {
                sigfd = signalfd(-1, &mask, SFD_CLOEXEC);
                if (sigfd < 0)
                        r = log_errno(-errno, "signalfd");
        }
        if (r >= 0)
                r = supervise(child, pid, TAKE_FD(sync_fd), sigfd);
        else
                kill_and_reap(pid);
        sigprocmask(SIG_SETMASK, &child->saved_mask, NULL);
        return r;
}

static void kill_and_reap(pid_t pid) {
        kill(pid, SIGKILL);
        (void) waitpid(pid, NULL, 0);
}

/* The launcher's side of sync steps 1 to 4: the child is dumpable, the id
 * map written, "go" (none of which a joining mode has), the seccomp
 * filter. */
static int start_child(struct child *child, pid_t pid, int sync_fd, struct idmap_plan *plan) {
        struct seccomp_filter *filter = NULL;
        int r = 0;

        if (!child->mode->joins)
                r = write_id_map(child, pid, sync_fd, plan, &filter);
        else if (child->mode->seccomp)
                r = seccomp_build(child->config, &filter);
        /* sync step 4: the seccomp filter. */
        if (r >= 0 && child->mode->seccomp) {
                r = send_seccomp(filter, sync_fd);
                if (r >= 0)
                        log_step("seccomp filter sent");
        }
        seccomp_filter_free(filter);
        return r;
}

/* sync steps 1 to 3; the seccomp filter is built meanwhile, into
 * *filter. */
static int write_id_map(struct child *child, pid_t pid, int sync_fd, struct idmap_plan *plan,
                        struct seccomp_filter **filter) {
        struct idmap_job job;
        int r;

        /* sync step 1: the child is dumpable, so its map can be written;
         * and its namespaces opened, which a named container's launcher
         * keeps for exec (its init is never dumpable again). */
        r = read_dumpable(sync_fd);
        if (r >= 0 && child->named)
                r = launch_namespaces_open(pid, clone_flags(child->mode, child->config), &child->named->ns);
        if (r < 0)
                return r;

        /* sync step 2: the id map. The seccomp filter is made meanwhile (a
         * copy of the one compiled at build time, or ~1 ms of libseccomp
         * for a profile's own), while the child makes the mounts that need
         * no map and, with --idmap subid, while the helpers write it. */
        r = idmap_start(plan, pid, &job);
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

/* sync step 4: the filter as one datagram, the first byte saying whether a
 * program follows. */
static int send_seccomp(const struct seccomp_filter *filter, int sync_fd) {
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
        if (send(sync_fd, buf, size + 1, MSG_NOSIGNAL) < 0 && errno != EPIPE && errno != ECONNRESET)
                return log_errno(-errno, "sending the seccomp filter");
        return 0;
}

/* The launcher while the container runs. */
struct supervisor {
        struct child *child;
        pid_t pid;
        int sync_fd;            /* -1 after sync step 8 */
        int sigfd;
        struct tty_relay tty;
        int failure;            /* -errno: the child's report (step 7) or ours */
        bool child_failed;      /* step 7 came: the end of file is no start */
        int end_signal;         /* the last signal told to end the command */
        int exit_status;        /* the command's, -1 while it runs */
};

/* The launcher's loop while the container runs: messages from the child,
 * signals to forward, and with -t the terminal's bytes. */
static int supervise(struct child *child, pid_t pid, int sync_fd, int sigfd) {
        struct supervisor s = { .child = child, .pid = pid, .sync_fd = sync_fd, .sigfd = sigfd,
                                .tty = TTY_RELAY_NULL, .exit_status = -1 };

        while (s.exit_status < 0) {
                /* A closed fd is -1, which poll() skips. */
                struct pollfd fds[7] = {
                        { .fd = sigfd, .events = POLLIN },
                        { .fd = s.sync_fd, .events = POLLIN },
                        [5] = { .fd = child->named ? child->named->output[0] : -1, .events = POLLIN },
                        [6] = { .fd = child->named ? child->named->control_fd : -1, .events = POLLIN },
                };
                int ready;

                nfds_t n = ELEMENTSOF(fds);

                tty_relay_poll_set(&s.tty, &fds[2], &fds[3], &fds[4]);
                /* Unused slots at the end are not passed: poll() counts
                 * them against RLIMIT_NOFILE, which may be that low. */
                while (n > 0 && fds[n - 1].fd < 0)
                        n--;
                ready = poll(fds, n, tty_relay_timeout(&s.tty));

                if (ready < 0) {
                        int status;
                        if (errno == EINTR)
                                continue;
                        /* Nothing can be waited for any more: the command
                         * ends here, and so does the loop. */
                        s.failure = log_errno(-errno, "poll");
                        kill(pid, SIGKILL);
                        if (waitpid(pid, &status, 0) == pid)
                                s.exit_status = init_exit_status(status);
                        break;
                }
                if (ready == 0) {
                        (void) tty_relay_tick(&s.tty);
                        continue;
                }
                if (fds[1].revents)
                        read_child_message(&s);
                tty_relay_ready(&s.tty, &fds[2], &fds[3], &fds[4]);
                if (fds[5].revents)
                        named_copy_output(child->named, false);
                if (fds[0].revents & POLLIN)
                        read_signal(&s);
                /* exec asks for the namespaces: once the command runs. */
                /* exec asks: answered once the command runs. */
                if (fds[6].revents & POLLIN)
                        control_answer(child->named->control_fd, s.sync_fd < 0 ? child->named : NULL);
        }
        /* sync step 7: a message written just before the child exited. */
        if (s.sync_fd >= 0) {
                struct sync_message m;
                int fd, r;
                if (read_sync_message(s.sync_fd, &m, &fd) > 0) {
                        r = handle_sync_message(&m, fd, &s.tty, false);
                        if (r < 0 && !s.failure)
                                s.failure = r;
                }
                close(s.sync_fd);
        }
        if (child->job && tcgetpgrp(STDIN_FILENO) == pid)
                (void) tcsetpgrp(STDIN_FILENO, getpgrp());
        /* Told to end, and the command died of it: stdout is not waited
         * for (a reader that stopped reading must not hold us). */
        drain_after_exit(&s.tty, sigfd,
                         !(s.end_signal && s.exit_status == EXIT_SIGNAL_BASE + s.end_signal));
        tty_relay_stop(&s.tty);
        /* -d: what the command wrote last; all its writers are gone with
         * its pid namespace. */
        if (child->named)
                named_copy_output(child->named, true);
        return s.failure < 0 ? s.failure : s.exit_status;
}

/* What the child sent: sync steps 5 to 8. */
static void read_child_message(struct supervisor *s) {
        struct sync_message m;
        int32_t type;
        int fd, r;

        if (recv(s->sync_fd, &type, sizeof(type), MSG_PEEK | MSG_DONTWAIT) == sizeof(type) &&
            type == SYNC_IDENTITY) {
                r = s->child->named ? read_identity(s->sync_fd, &s->child->named->identity)
                                    : log_error("the container sent an identity nobody asked for");
                if (r >= 0)
                        s->child->named->identity->ns_flags = (uint32_t) s->child->named->ns.flags;
                if (r < 0 && !s->failure)
                        s->failure = r;
                if (r < 0)
                        kill(s->pid, SIGKILL);
                return;
        }
        r = read_sync_message(s->sync_fd, &m, &fd);
        if (r > 0 && m.type == SYNC_FAILED)
                s->child_failed = true;
        if (r > 0) {
                /* With -t, standard input is copied into the pty whatever it
                 * is: a terminal, or a pipe or file as with ssh -tt. */
                r = handle_sync_message(&m, fd, &s->tty, true);
                if (r < 0 && !s->failure)
                        s->failure = r;
                if (r < 0)
                        kill(s->pid, SIGKILL);
        } else if (r < 0) {
                /* sync step 8: end of file, the command was executed. */
                close(s->sync_fd);
                s->sync_fd = -1;
                log_step("command started");
                if (s->child->named && !s->child_failed) {
                        r = named_started(s->child->named, s->pid, s->child->config->init);
                        if (r < 0) {
                                s->failure = r;
                                kill(s->pid, SIGKILL);
                        }
                }
        }
}

/* sync step 5: the identity, a datagram of its own size. */
static int read_identity(int fd, struct exec_identity **ret) {
        ssize_t size = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
        _cleanup_free_ struct exec_identity *id = NULL;

        if (size < (ssize_t) sizeof(*id) ||
            (size_t) size > sizeof(*id) + EXEC_IDENTITY_GROUPS_MAX * sizeof(id->groups[0]))
                return log_error("the container sent a malformed identity");
        id = malloc((size_t) size);
        if (!id)
                return log_errno(-ENOMEM, "the container's identity");
        if (recv(fd, id, (size_t) size, MSG_DONTWAIT) != size || exec_identity_size(id) != (size_t) size)
                return log_error("the container sent a malformed identity");
        id->home[sizeof(id->home) - 1] = '\0';
        free(*ret);
        *ret = TAKE_PTR(id);
        return 0;
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

        /* A child that exits leaving our seccomp message unread resets the
         * connection: the first read reports that, the next one still
         * returns the message it queued before exiting. */
        if (n < 0 && errno == ECONNRESET)
                n = recvmsg(fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
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

/* Handles one message from the child. Returns -errno for a setup failure
 * (already printed), else 0. */
static int handle_sync_message(const struct sync_message *m, int fd, struct tty_relay *tty, bool read_input) {
        int r;

        if (m->type == SYNC_PTY) {
                /* sync step 6: the pty master. */
                if (fd < 0)
                        return log_error("the container sent no pseudo-terminal");
                r = tty_relay_start(tty, fd, read_input);
                if (r < 0)
                        return log_errno(r, "putting the terminal in raw mode");
                return 0;
        }
        /* sync step 7: the child's failure, printed once, here. */
        if (fd >= 0)
                close(fd);
        fprintf(stderr, "userbox: %s\n", m->text);
        /* Exec failures (126, 127) are the command's status, not ours. */
        return m->exit_status == EXIT_USERBOX_FAILED ? -(m->error > 0 ? m->error : EIO) : 0;
}

/* One signal from the signalfd: the terminal's own (with -t), one to
 * forward, or SIGCHLD, which may end the loop. */
static void read_signal(struct supervisor *s) {
        struct signalfd_siginfo si;
        int sig, status;

        if (read(s->sigfd, &si, sizeof(si)) != sizeof(si))
                return;
        sig = (int) si.ssi_signo;
        if (s->child->config->tty && tty_relay_signal(&s->tty, sig))
                return;
        if (sig != SIGCHLD) {
                forward_signal(s, &si);
                return;
        }
        if (waitpid(s->pid, &status, WNOHANG | (s->child->job ? WUNTRACED : 0)) != s->pid)
                return;
        if (WIFSTOPPED(status))
                job_stopped(s->pid);
        else
                s->exit_status = init_exit_status(status);
}

static void forward_signal(struct supervisor *s, const struct signalfd_siginfo *si) {
        int sig = (int) si->ssi_signo;

        /* From the terminal's keys (^C, ^\) or a resize, to the whole
         * foreground group: a child in ours (userbox unshare on a terminal)
         * got its own copy. A hangup goes to the session leader alone:
         * passed on. */
        if (si->ssi_code == SI_KERNEL && sig != SIGHUP && getpgid(s->pid) == getpgrp())
                return;
        /* unshare's: to what the command started too, which no pid
         * namespace would end. */
        if (init_is_end_signal(sig)) {
                s->end_signal = sig;
                init_signal_group(s->pid, sig);
        } else
                kill(s->pid, sig);
}

/* userbox unshare's command, a job on a terminal, was stopped (^Z, or
 * reading the terminal from the background): the terminal goes back to
 * the launcher's group if the command had it, and the launcher stops in
 * turn, so that the shell sees its job stopped. Continued by fg, the
 * command gets the terminal; by bg, it runs on without it. */
static void job_stopped(pid_t pid) {
        if (tcgetpgrp(STDIN_FILENO) == pid)
                (void) tcsetpgrp(STDIN_FILENO, getpgrp());
        raise(SIGSTOP);
        if (tcgetpgrp(STDIN_FILENO) == getpgrp())
                (void) tcsetpgrp(STDIN_FILENO, pid);
        kill(-pid, SIGCONT);
}

/* With -t, once the command is gone: what it wrote just before, out of the
 * pty to stdout. A read, not poll(), pushes the kernel's pending pty
 * buffer through; it ends with EIO once every slave is closed. While
 * stdout is full the signals are still read: told to end, userbox stops
 * waiting; a fatal one ends it with the terminal restored. wait false:
 * only what stdout takes at once. */
static void drain_after_exit(struct tty_relay *tty, int sigfd, bool wait) {
        while (tty->master >= 0) {
                struct pollfd fds[2] = {
                        { .fd = sigfd, .events = POLLIN },
                        { .fd = STDOUT_FILENO, .events = POLLOUT },
                };
                struct signalfd_siginfo si;

                if (tty->out_len == 0) {
                        if (tty_relay_from_master(tty) < 0 || tty->out_len == 0)
                                return;
                        continue;
                }
                if (poll(fds, ELEMENTSOF(fds), wait ? -1 : 0) <= 0)
                        return;
                if (fds[0].revents & POLLIN) {
                        if (read(sigfd, &si, sizeof(si)) != sizeof(si))
                                continue;
                        if (init_is_end_signal((int) si.ssi_signo))
                                wait = false;
                        else if (tty_relay_is_fatal_signal((int) si.ssi_signo))
                                tty_relay_die_of_signal(tty, (int) si.ssi_signo);
                        continue;
                }
                if (tty_relay_to_stdout(tty) < 0)
                        return;
        }
}

