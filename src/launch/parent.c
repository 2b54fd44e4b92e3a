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

/* With -t, the signals whose default action ends the launcher and that it
 * does not forward: it restores the outer terminal, then dies of them
 * (faults such as SIGSEGV are left alone: blocking them is undefined;
 * SIGPIPE is ignored while the relay runs, see tty.c). */
static const int tty_fatal_signals[] = {
        SIGALRM, SIGVTALRM, SIGPROF, SIGXCPU, SIGXFSZ, SIGIO, SIGSYS,
#ifdef SIGPWR
        SIGPWR,
#endif
#ifdef SIGSTKFLT
        SIGSTKFLT,
#endif
};

static bool is_tty_fatal_signal(int sig) {
        for (unsigned i = 0; i < ELEMENTSOF(tty_fatal_signals); i++)
                if (tty_fatal_signals[i] == sig)
                        return true;
        return sig >= SIGRTMIN && sig <= SIGRTMAX;
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
        /* A child that failed before reading it has closed its end: its
         * own message, already queued, says why; supervise() prints it. */
        if (send(sync_fd, buf, size + 1, MSG_NOSIGNAL) < 0 && errno != EPIPE && errno != ECONNRESET)
                return log_errno(-errno, "sending the seccomp filter");
        return 0;
}

/* The child's first word: it is dumpable (child_start). */
static int read_dumpable(int sync_fd) {
        char c;
        ssize_t n;

        do
                n = read(sync_fd, &c, 1);
        while (n < 0 && errno == EINTR);
        if (n == 1 && c == 'd')
                return 0;
        return log_errno(n < 0 ? -errno : -EPIPE, "starting the container's first process");
}

static void kill_and_reap(pid_t pid) {
        kill(pid, SIGKILL);
        (void) waitpid(pid, NULL, 0);
}

static int supervise(struct child *child, pid_t pid, int sync_fd, int sigfd);

/* Clones the child with `flags`, writes its id map, lets it go, forwards
 * signals until it exits. Returns its exit status, or -errno when setup
 * failed (the child's message printed once). */
static int spawn(struct child *child, unsigned long flags, struct idmap_plan *plan,
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
        if (child->config && child->config->tty) {
                /* Stopped from outside, the launcher first gives the outer
                 * terminal its modes back (tty_relay_suspend/resume). */
                sigaddset(&mask, SIGTSTP);
                sigaddset(&mask, SIGCONT);
                /* And killed by any catchable signal, too (SIGKILL alone
                 * leaves the terminal raw): see supervise(). */
                for (unsigned i = 0; i < ELEMENTSOF(tty_fatal_signals); i++)
                        sigaddset(&mask, tty_fatal_signals[i]);
                for (int sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
                        sigaddset(&mask, sig);
        }
        if (child->job) {
                /* Stopped (^Z) and continued as a shell's job: see
                 * job_stopped(). SIGTTOU: the terminal is handed over from
                 * the background. */
                sigaddset(&mask, SIGCONT);
                sigaddset(&mask, SIGTTOU);
        }
        if (sigprocmask(SIG_BLOCK, &mask, &child->saved_mask) < 0)
                return log_errno(-errno, "sigprocmask");

        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
                return log_errno(-errno, "socketpair");
        sync_fd = sv[0];
        child->sync_fd = sv[1];

        fflush(NULL);
        /* A fork-like clone (no new stack): the child continues here with a
         * copy of our memory, so it needs no re-exec. */
        pid = (pid_t) syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
        if (pid < 0) {
                r = -errno;
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
        if (main_fn == unshare_main) {
                /* Here too, as a shell does: either side may go first. */
                (void) setpgid(pid, pid);
                if (child->foreground)
                        (void) tcsetpgrp(STDIN_FILENO, pid);
        }
        close(sv[1]);
        log_step("cloned pid %d", (int) pid);
        /* /proc/PID of a non-dumpable task belongs to root: the map can be
         * written once the child said it made itself dumpable. */
        r = read_dumpable(sync_fd);
        if (r < 0)
                goto fail;

        /* The seccomp filter is made here (a copy of the one compiled at
         * build time, or ~1 ms of libseccomp for a profile's own), while
         * the child makes the mounts that need no map and, with
         * --idmap subid, while the helpers write it. */
        r = idmap_start(plan, pid, &job);
        if (r >= 0 && main_fn == container_main)
                r = seccomp_build(child->config, &filter);
        if (r >= 0)
                r = idmap_finish(&job);
        else
                (void) idmap_finish(&job);
        if (r < 0)
                goto fail;
        log_step("id map written");
        idmap_reap_helper(plan);
        if (write(sync_fd, "1", 1) != 1) {
                r = log_errno(-errno, "starting the container");
                goto fail;
        }
        if (main_fn == container_main) {
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

/* The outer terminal back first; the container then dies with us
 * (PDEATHSIG). */
static _Noreturn void die_of_signal(struct tty_relay *tty, int sig) {
        sigset_t one;

        tty_relay_stop(tty);
        signal(sig, SIG_DFL);
        sigemptyset(&one);
        sigaddset(&one, sig);
        raise(sig);
        sigprocmask(SIG_UNBLOCK, &one, NULL);
        _exit(EXIT_SIGNAL_BASE + sig);
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
                        else if (is_tty_fatal_signal((int) si.ssi_signo))
                                die_of_signal(tty, (int) si.ssi_signo);
                        continue;
                }
                if (tty_relay_to_stdout(tty) < 0)
                        return;
        }
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
        int r, status, exit_status = -1, failure = 0, end_signal = 0;

        while (exit_status < 0) {
                /* A closed fd is -1, which poll() skips. */
                struct pollfd fds[5] = {
                        { .fd = sigfd, .events = POLLIN },
                        { .fd = sync_fd, .events = POLLIN },
                };
                int ready;

                tty_relay_poll_set(&tty, &fds[2], &fds[3], &fds[4]);
                ready = poll(fds, ELEMENTSOF(fds), tty_relay_timeout(&tty));

                if (ready < 0) {
                        if (errno == EINTR)
                                continue;
                        failure = log_errno(-errno, "poll");
                        kill(pid, SIGKILL);
                }
                if (ready == 0) {
                        (void) tty_relay_tick(&tty);
                        continue;
                }
                if (fds[1].revents) {
                        struct sync_message m;
                        int fd;
                        r = read_sync_message(sync_fd, &m, &fd);
                        if (r > 0) {
                                /* With -t, standard input is copied into the
                                 * pty whatever it is: a terminal, or a pipe
                                 * or file as with ssh -tt. */
                                r = handle_sync_message(&m, fd, &tty, true);
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
                /* A pty that takes no more input only ends the input. */
                if (fds[2].revents & POLLOUT)
                        (void) tty_relay_to_master(&tty);
                r = 0;
                if (fds[4].revents)
                        r = tty_relay_to_stdout(&tty);
                if (r >= 0 && (fds[2].revents & (POLLIN | POLLHUP | POLLERR)))
                        r = tty_relay_from_master(&tty);
                if (r < 0) {
                        /* No slave left (the command is going: wait for
                         * it), or stdout is gone (hang up its terminal). */
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
                        if (si.ssi_signo == SIGTSTP && c->tty) {
                                tty_relay_suspend(&tty);
                                raise(SIGSTOP);
                                continue;
                        }
                        if (si.ssi_signo == SIGCONT && c->tty) {
                                tty_relay_resume(&tty);
                                continue;
                        }
                        if (c->tty && is_tty_fatal_signal((int) si.ssi_signo))
                                die_of_signal(&tty, (int) si.ssi_signo);
                        if (si.ssi_signo != SIGCHLD) {
                                /* From the terminal's keys (^C, ^\) or a
                                 * resize, to the whole foreground group: a
                                 * child in ours (userbox unshare on a
                                 * terminal) got its own copy. A hangup goes
                                 * to the session leader alone: passed on. */
                                if (si.ssi_code == SI_KERNEL && si.ssi_signo != SIGHUP && getpgid(pid) == getpgrp())
                                        continue;
                                /* unshare's: to what the command started
                                 * too, which no pid namespace would end. */
                                if (init_is_end_signal((int) si.ssi_signo)) {
                                        end_signal = (int) si.ssi_signo;
                                        init_signal_group(pid, end_signal);
                                } else
                                        kill(pid, (int) si.ssi_signo);
                                continue;
                        }
                        if (waitpid(pid, &status, WNOHANG | (child->job ? WUNTRACED : 0)) != pid)
                                continue;
                        if (WIFSTOPPED(status))
                                job_stopped(pid);
                        else
                                exit_status = init_exit_status(status);
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
        if (child->job && tcgetpgrp(STDIN_FILENO) == pid)
                (void) tcsetpgrp(STDIN_FILENO, getpgrp());
        /* Told to end, and the command died of it: stdout is not waited
         * for (a reader that stopped reading must not hold us). */
        drain_after_exit(&tty, sigfd, !(end_signal && exit_status == EXIT_SIGNAL_BASE + end_signal));
        tty_relay_stop(&tty);
        return failure < 0 ? failure : exit_status;
}

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

int launch_run(struct config *c) {
        static char *default_command[] = { (char *) "/bin/sh", NULL };
        struct child child = { .config = c, .sync_fd = -1, .tty_slave = -1 };
        struct rootfs_plan *rootfs = NULL;
        struct idmap_plan *plan;
        unsigned long flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID;
        int r;

        /* Every check that can run before clone runs before clone: a bad
         * profile or a missing root never creates a namespace. */
        plan = calloc(1, sizeof(*plan));
        if (!plan)
                return log_errno(-ENOMEM, "id map plan");
        r = launch_check(c, plan, &rootfs);
        if (r < 0) {
                free(plan);
                return r;
        }
        /* Made here, not by config: config makes nothing. */
        r = rootfs_make_overlay_dir(rootfs);
        if (r < 0)
                goto out;

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

/* unshare and cp: one process in a user namespace (and, for cp, a mount
 * namespace) with the container's id map, nothing else. */
static int spawn_with_id_map(struct child *child, unsigned long flags, child_main_fn main_fn) {
        struct idmap_plan *plan = calloc(1, sizeof(*plan));
        int r;

        if (!plan)
                return log_errno(-ENOMEM, "id map plan");
        r = idmap_plan(child->config, plan);
        if (r >= 0) {
                child->plan = plan;
                r = spawn(child, flags, plan, main_fn);
        }
        idmap_plan_done(plan);
        free(plan);
        return r;
}

int launch_unshare(struct config *c, char **argv) {
        struct child child = { .config = c, .sync_fd = -1, .tty_slave = -1, .argv = argv,
                               .job = isatty(STDIN_FILENO) };

        child.foreground = child.job && tcgetpgrp(STDIN_FILENO) == getpgrp();
        return spawn_with_id_map(&child, CLONE_NEWUSER, unshare_main);
}

int launch_copy(struct config *c, const struct copy_request *req) {
        struct child child = { .config = c, .sync_fd = -1, .tty_slave = -1, .copy = req };
        /* A mount namespace of its own: nothing it does can show on the
         * host's mount table. */
        return spawn_with_id_map(&child, CLONE_NEWUSER | CLONE_NEWNS, copy_main);
}
