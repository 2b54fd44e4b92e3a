/* SPDX-License-Identifier: Apache-2.0 */
/* The launcher while the container runs, after parent.c's spawn(): the
 * child's messages (sync steps 6 to 9), signals to forward, the terminal,
 * a named container's output and control socket; then its exit status. */
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "launch-internal.h"
#include "security.h"
#include "tty.h"
#include "util.h"

struct supervisor;
static int read_child_message(struct supervisor *s, bool read_input);
static void end_child(const struct supervisor *s);
static int read_identity(int fd, struct exec_identity **ret, struct launch_namespaces *ns);
static void discard_message(int fd);
static int read_sync_message(int fd, struct sync_message *m, int *ret_fd);
static int handle_sync_message(const struct sync_message *m, int fd, struct tty_relay *tty, bool read_input);
static void read_signal(struct supervisor *s);
static void forward_signal(struct supervisor *s, const struct signalfd_siginfo *si);
static void job_stopped(pid_t pid);
static void drain_after_exit(struct tty_relay *tty, int sigfd, bool wait);

/* The launcher while the container runs. */
struct supervisor {
        struct child *child;
        pid_t pid;
        int sync_fd;            /* -1 after sync step 9 */
        int sigfd;
        struct tty_relay tty;
        int failure;            /* -errno: the child's report (step 8) or ours */
        bool child_failed;      /* step 8 came: the end of file is no start */
        int end_signal;         /* the last signal told to end the command */
        int exit_status;        /* the command's, -1 while it runs */
};

/* The launcher's loop while the container runs: messages from the child,
 * signals to forward, and with -t the terminal's bytes. */
int supervise(struct child *child, pid_t pid, int sync_fd, int sigfd) {
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
                        (void) read_child_message(&s, true);
                tty_relay_ready(&s.tty, &fds[2], &fds[3], &fds[4]);
                if (fds[5].revents)
                        named_copy_output(child->named, false);
                if (fds[0].revents & POLLIN)
                        read_signal(&s);
                /* exec asks: answered once the command runs. */
                if (fds[6].revents & POLLIN)
                        control_answer(child->named->control_fd, child->named, s.sync_fd < 0);
        }
        /* What the child sent that the loop did not read before its exit
         * was seen: a failure written just before it (sync step 8), or
         * the end of file of step 9 behind the identity of step 6, when
         * the command (true) ended at once and one poll() returned all
         * three: the command did start, and -d must say so. */
        while (s.sync_fd >= 0 && read_child_message(&s, false) > 0)
                ;
        if (s.sync_fd >= 0)
                close(s.sync_fd);
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

int supervise_created(struct child *child, pid_t pid, int sync_fd) {
        _cleanup_close_ int pty_master = -1;

        (void) pid;
        for (;;) {
                struct pollfd p = { .fd = sync_fd, .events = POLLIN };
                struct sync_message m;
                int fd, r;

                if (poll(&p, 1, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        return log_errno(-errno, "poll");
                }
                r = read_sync_message(sync_fd, &m, &fd);
                if (r == 0)
                        continue;
                /* exec --detach: sync step 9, the command runs. */
                if (r == -EPIPE && child->oci_exec)
                        return child->oci_exec->started(child->oci_exec->userdata, pid, pty_master);
                if (r < 0)
                        return log_errno(r, "the container's process ended before it was created");
                if (m.type == SYNC_PTY && fd >= 0) {     /* sync step 7 */
                        if (pty_master >= 0)
                                close(pty_master);
                        pty_master = fd;
                        continue;
                }
                if (m.type == SYNC_MOUNTED && child->oci && child->oci->mounted) { /* sync step 11 */
                        if (fd >= 0)
                                close(fd);
                        r = child->oci->mounted(child->oci->userdata, pid);
                        if (r >= 0 && write(child->oci->mounted_fd[1], &(char) { SYNC_GO }, 1) != 1)
                                r = log_errno(-errno, "resuming the container's process");
                        if (r < 0)
                                return r;
                        continue;
                }
                if (m.type == SYNC_CREATED) {           /* sync step 10 */
                        if (fd >= 0)
                                close(fd);
                        return child->oci->created(child->oci->userdata, pid, pty_master);
                }
                r = handle_sync_message(&m, fd, NULL, false); /* sync step 8 */
                return r < 0 ? r : -EIO;
        }
}

/* What the child sent: sync steps 6 to 9. Returns 1 when it read a
 * message, 0 when none was there, -1 at the end of file (sync_fd then
 * closed). read_input: with -t, the pty's input is copied (while the
 * command runs). */
static int read_child_message(struct supervisor *s, bool read_input) {
        struct sync_message m;
        int32_t type;
        int fd, r;

        if (recv(s->sync_fd, &type, sizeof(type), MSG_PEEK | MSG_DONTWAIT) == sizeof(type) &&
            type == SYNC_IDENTITY) {
                if (s->child->named) {
                        r = read_identity(s->sync_fd, &s->child->named->identity, &s->child->named->ns);
                        if (r >= 0)
                                s->child->named->identity->ns_flags = (uint32_t) s->child->named->ns.flags;
                } else {
                        discard_message(s->sync_fd);
                        r = log_error("the container sent an identity nobody asked for");
                }
                if (r < 0 && !s->failure)
                        s->failure = r;
                if (r < 0)
                        end_child(s);
                return 1;
        }
        r = read_sync_message(s->sync_fd, &m, &fd);
        if (r > 0 && m.type == SYNC_FAILED)
                s->child_failed = true;
        if (r > 0) {
                /* With -t, standard input is copied into the pty whatever it
                 * is: a terminal, or a pipe or file as with ssh -tt. */
                r = handle_sync_message(&m, fd, &s->tty, read_input);
                if (r < 0 && !s->failure)
                        s->failure = r;
                if (r < 0)
                        end_child(s);
                return 1;
        }
        if (r == 0)
                return 0;
        /* sync step 9: end of file, the command was executed. */
        close(s->sync_fd);
        s->sync_fd = -1;
        log_step("command started");
        if (s->child->named && !s->child_failed) {
                r = named_started(s->child->named, s->pid, s->child->config->init, s->exit_status >= 0);
                if (r < 0) {
                        s->failure = r;
                        end_child(s);
                }
        }
        return -1;
}

/* SIGKILL to the child, while it is ours: once reaped, its pid may be
 * another process's. */
static void end_child(const struct supervisor *s) {
        if (s->exit_status < 0)
                kill(s->pid, SIGKILL);
}

/* The next message, unread: taken off the socket, with any fd it
 * carried (the kernel closes what no control buffer takes), so that the
 * next read sees the one after it. */
static void discard_message(int fd) {
        char byte;

        (void) recv(fd, &byte, sizeof(byte), MSG_DONTWAIT);
}

/* sync step 6: the identity, a datagram of its own size, with the
 * container's cgroup namespace when the child made it after step 1. */
static int read_identity(int fd, struct exec_identity **ret, struct launch_namespaces *ns) {
        ssize_t size = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
        _cleanup_free_ struct exec_identity *id = NULL;
        int cgroup_ns = -1;
        unsigned n_fds;

        if (size < (ssize_t) sizeof(*id) ||
            (size_t) size > sizeof(*id) + EXEC_IDENTITY_GROUPS_MAX * sizeof(id->groups[0])) {
                discard_message(fd);
                return log_error("the container sent a malformed identity");
        }
        id = malloc((size_t) size);
        if (!id) {
                discard_message(fd);
                return log_errno(-ENOMEM, "the container's identity");
        }
        if (fd_recv(fd, id, (size_t) size, &cgroup_ns, 1, &n_fds) != size || exec_identity_size(id) != (size_t) size) {
                if (n_fds)
                        close(cgroup_ns);
                return log_error("the container sent a malformed identity");
        }
        if (n_fds)
                launch_namespaces_add(ns, CLONE_NEWCGROUP, cgroup_ns);
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
                /* sync step 7: the pty master. */
                if (fd < 0)
                        return log_error("the container sent no pseudo-terminal");
                r = tty_relay_start(tty, fd, read_input);
                if (r < 0)
                        return log_errno(r, "putting the terminal in raw mode");
                return 0;
        }
        /* sync step 8: the child's failure, printed once, here. */
        if (fd >= 0)
                close(fd);
        log_error("%s", m->text);
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

