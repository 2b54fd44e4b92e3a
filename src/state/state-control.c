/* SPDX-License-Identifier: Apache-2.0 */
/* What the commands that act on a named container share: finding what
 * NAME is now (cleaning remains on the way), checked pidfds of its
 * processes, and stop, wait and rm. Every process is reached through a
 * pidfd checked against its recorded start time: a recycled pid is never
 * signalled. */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>

#include "state-internal.h"
#include "cgroup.h"
#include "util.h"

/* The launcher of a non-detached container, or of one being stopped, may
 * take a moment after its command ends: it removes or updates NAME/. */
#define LAUNCHER_FINISH_MS 10000

int state_pidfd_wait(int pidfd, int timeout_ms) {
        struct pollfd p = { .fd = pidfd, .events = POLLIN };
        struct timespec start;

        clock_gettime(CLOCK_MONOTONIC, &start);
        for (;;) {
                struct timespec now;
                int left = timeout_ms, r;

                if (timeout_ms >= 0) {
                        clock_gettime(CLOCK_MONOTONIC, &now);
                        left = timeout_ms - (int) ((now.tv_sec - start.tv_sec) * 1000 +
                                                   (now.tv_nsec - start.tv_nsec) / 1000000);
                        if (left < 0)
                                left = 0;
                }
                r = poll(&p, 1, left);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r < 0)
                        return -errno;
                return r > 0;
        }
}

static int does_not_exist(const char *name, bool had_remains) {
        if (had_remains)
                log_error("container '%s' does not exist (its launcher was killed; its remains are removed)", name);
        else
                log_error("container '%s' does not exist", name);
        return -ENOENT;
}

static int not_running(const char *name, const struct state *s) {
        log_error("container '%s' is not running (exited with status %d)", name, s->exit_status);
        return -ESRCH;
}

static int still_starting(const char *name) {
        log_error("container '%s' is still starting", name);
        return -EAGAIN;
}

/* NAME whose launcher is gone: removed, unless it finished meanwhile
 * (its launcher wrote "exited" and left): then *ret is that state. */
static int find_after_launcher_gone(int root_fd, const char *name, struct state *ret, enum state_phase *ret_phase) {
        int r = state_clean_if_free(root_fd, name);

        if (r == -EEXIST) {
                state_done(ret);
                r = state_read(root_fd, name, ret);
                if (r == -ENOENT)
                        return does_not_exist(name, false);
                if (r < 0)
                        return r;
                *ret_phase = STATE_PHASE_EXITED;
                return 0;
        }
        if (r == -EBUSY) {
                /* Held again: a new container took the name meanwhile. */
                *ret_phase = STATE_PHASE_STARTING;
                return 0;
        }
        if (r < 0 && r != -ENOENT)
                return log_errno(r, "container '%s': cannot remove its remains", name);
        return does_not_exist(name, r == 0);
}

int state_find(int root_fd, const char *name, struct state *ret, enum state_phase *ret_phase) {
        int r;

        *ret = (struct state) STATE_NULL;
        r = state_read(root_fd, name, ret);
        if (r == -ENOENT) {
                r = state_lock_held(root_fd, name);
                if (r > 0) {
                        *ret_phase = STATE_PHASE_STARTING;
                        return 0;
                }
                if (r == 0)
                        return find_after_launcher_gone(root_fd, name, ret, ret_phase);
                return r == -ENOENT ? does_not_exist(name, false) : log_errno(r, "container '%s'", name);
        }
        if (r < 0)
                return r;
        if (ret->status == STATE_EXITED) {
                *ret_phase = STATE_PHASE_EXITED;
                return 0;
        }
        r = state_alive(root_fd, name, ret);
        if (r < 0)
                return log_errno(r, "container '%s'", name);
        if (r == 0)
                return find_after_launcher_gone(root_fd, name, ret, ret_phase);
        *ret_phase = STATE_PHASE_RUNNING;
        return 0;
}

int state_control_address(int dir_fd, struct sockaddr_un *ret) {
        *ret = (struct sockaddr_un) { .sun_family = AF_UNIX };
        if ((size_t) snprintf(ret->sun_path, sizeof(ret->sun_path), "/proc/self/fd/%d/" STATE_FILE_CONTROL, dir_fd) >=
            sizeof(ret->sun_path))
                return -ENAMETOOLONG;
        return 0;
}

int state_launcher_verify(int dir_fd, const char *name, pid_t launcher_pid) {
        _cleanup_close_ int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0), own = userns_open_own();
        struct timeval timeout = { .tv_sec = 5 };
        struct sockaddr_un sa;
        struct ucred cred;
        socklen_t len = sizeof(cred);
        int proof[1], r;
        unsigned n;
        char reply;
        bool ok;

        if (fd < 0 || own < 0)
                return log_errno(fd < 0 ? -errno : own, "container '%s': checking its launcher", name);
        r = state_control_address(dir_fd, &sa);
        if (r < 0)
                return log_errno(r, "container '%s': checking its launcher", name);
        if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout)) < 0 ||
            connect(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0 ||
            getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
                return log_error("container '%s': its launcher does not answer on its control socket", name);
        if (cred.pid != launcher_pid)
                return log_error("container '%s': its state names pid %d as its launcher, but pid %d listens: "
                                 "the state was changed; nothing is signalled", name, (int) launcher_pid,
                                 (int) cred.pid);
        r = (int) fd_send(fd, STATE_CONTROL_PING, sizeof(STATE_CONTROL_PING), &own, 1);
        if (r >= 0)
                r = (int) fd_recv(fd, &reply, 1, proof, 1, &n);
        if (r < 0 || n != 1)
                return log_error("container '%s': its launcher does not answer on its control socket", name);
        ok = userns_is_own(proof[0]);
        close(proof[0]);
        if (!ok)
                return log_error("container '%s': what listens on its control socket is not its launcher", name);
        return 0;
}

/* The launcher the state names is the one listening on its control
 * socket, and the init it names is that launcher's child. */
static int verify_launcher_and_init(int root_fd, const char *name, const struct state *s) {
        _cleanup_close_ int dir = openat(root_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        uint64_t parent = 0;
        int r;

        if (dir < 0)
                return log_errno(-errno, "container '%s'", name);
        r = state_launcher_verify(dir, name, s->launcher_pid);
        if (r < 0)
                return r;
        if (s->init_pid == s->launcher_pid)
                return 0; /* at worst, the launcher itself is signalled */
        r = state_pid_stat_field(s->init_pid, 4, &parent);
        if (r >= 0 && parent != (uint64_t) s->launcher_pid)
                return log_error("container '%s': its state names pid %d as its init, which is not its "
                                 "launcher's child: the state was changed; nothing is signalled", name,
                                 (int) s->init_pid);
        return 0;
}

/* The state of a running container, and a checked pidfd of its init. */
static int open_init(int root_fd, const char *name, struct state *s, int *ret_pidfd) {
        enum state_phase phase;
        int r = state_find(root_fd, name, s, &phase);

        if (r < 0)
                return r;
        if (phase == STATE_PHASE_STARTING)
                return still_starting(name);
        if (phase == STATE_PHASE_EXITED)
                return not_running(name, s);
        r = state_pidfd_open_checked(s->init_pid, s->init_start_time, ret_pidfd);
        if (r == -ESRCH) {
                log_error("container '%s' is stopping (its init is gone)", name);
                return -ESRCH;
        }
        if (r < 0)
                return log_errno(r, "container '%s': cannot open its init", name);
        r = verify_launcher_and_init(root_fd, name, s);
        if (r < 0) {
                close(*ret_pidfd);
                *ret_pidfd = -1;
        }
        return r;
}

int state_open_init_pidfd(int root_fd, const char *name, int *ret_pidfd) {
        _cleanup_(state_done) struct state s = STATE_NULL;

        return open_init(root_fd, name, &s, ret_pidfd);
}

int state_open_command_pidfd(int root_fd, const char *name, int *ret_pidfd) {
        _cleanup_(state_done) struct state s = STATE_NULL;
        _cleanup_close_ int init = -1, pidfd = -1;
        uint64_t parent = 0;
        int r;

        r = open_init(root_fd, name, &s, &init);
        if (r < 0)
                return r;
        /* --no-init: the command is init. */
        if (s.command_pid == s.init_pid) {
                *ret_pidfd = TAKE_FD(init);
                return 0;
        }
        /* No start time is recorded for the command: its parent stands for
         * it. The pid is pinned by the pidfd first, then its parent read:
         * a child of the container's own init (checked above) is the
         * command, or at worst another process of the same container. */
        pidfd = sys_pidfd_open(s.command_pid, 0);
        if (pidfd >= 0)
                r = state_pid_stat_field(s.command_pid, 4, &parent);
        else
                r = pidfd;
        if (r >= 0 && parent != (uint64_t) s.init_pid)
                r = -ESRCH;
        if (r >= 0 && state_pidfd_wait(pidfd, 0) > 0)
                r = -ESRCH;
        if (r == -ESRCH) {
                log_error("container '%s': its command (pid %d) has exited", name, (int) s.command_pid);
                return r;
        }
        if (r < 0)
                return log_errno(r, "container '%s': cannot open its command (pid %d)", name, (int) s.command_pid);
        *ret_pidfd = TAKE_FD(pidfd);
        return 0;
}

int state_kill(int root_fd, const char *name, int sig) {
        _cleanup_close_ int pidfd = -1;
        int r = state_open_command_pidfd(root_fd, name, &pidfd);

        if (r < 0)
                return r;
        r = state_pidfd_signal(pidfd, sig);
        if (r < 0)
                return log_errno(r, "container '%s': cannot send signal %d to its command", name, sig);
        return 0;
}

/* After TERM and the timeout: SIGKILL to init ends every process of the
 * pid namespace; the launcher then sees its child die and exits. One that
 * does not (stopped, or stuck) is killed too: its container is gone. */
static int kill_and_reap(const char *name, int init, int launcher) {
        int r;

        if (init >= 0) {
                r = state_pidfd_signal(init, SIGKILL);
                if (r < 0 && r != -ESRCH)
                        return log_errno(r, "container '%s': cannot kill its init", name);
        }
        r = state_pidfd_wait(launcher, LAUNCHER_FINISH_MS);
        if (r == 0) {
                log_warning("container '%s': its launcher did not exit with its init gone; killing it", name);
                r = state_pidfd_signal(launcher, SIGKILL);
                if (r < 0 && r != -ESRCH)
                        return log_errno(r, "container '%s': cannot kill its launcher", name);
                r = state_pidfd_wait(launcher, -1);
        }
        return r < 0 ? log_errno(r, "container '%s': waiting for its launcher", name) : 0;
}

int state_stop(int root_fd, const char *name, unsigned timeout_s) {
        _cleanup_(state_done) struct state s = STATE_NULL;
        _cleanup_(cgroup_freep) struct cgroup *cgroup = NULL;
        _cleanup_close_ int dir = -1, launcher = -1, init = -1;
        enum state_phase phase;
        int r;

        r = state_find(root_fd, name, &s, &phase);
        if (r < 0)
                return r;
        if (phase == STATE_PHASE_STARTING)
                return still_starting(name);
        if (phase == STATE_PHASE_EXITED)
                return not_running(name, &s);
        /* The directory of this container: the one removed at the end,
         * even if the name is taken by a new one meanwhile. */
        dir = openat(root_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (dir < 0)
                return log_errno(-errno, "container '%s'", name);
        r = state_pidfd_open_checked(s.launcher_pid, s.launcher_start_time, &launcher);
        if (r >= 0) {
                r = verify_launcher_and_init(root_fd, name, &s);
                if (r < 0)
                        return r;
                r = state_pidfd_open_checked(s.init_pid, s.init_start_time, &init);
                if (r < 0 && r != -ESRCH)
                        return log_errno(r, "container '%s': cannot open its init", name);
                /* With limits, its cgroup (design §13): found while its init
                 * is sure to be that process. */
                if (r >= 0)
                        (void) cgroup_of(s.init_pid, NULL, &cgroup);
                r = state_pidfd_signal(launcher, SIGTERM);
                if (r < 0 && r != -ESRCH)
                        return log_errno(r, "container '%s': cannot signal its launcher", name);
                r = state_pidfd_wait(launcher, (int) (timeout_s > 3600 ? 3600000 : timeout_s * 1000));
                if (r == 0) {
                        /* Everything in its cgroup, wherever the signals of
                         * TERM could not reach, then its init. */
                        cgroup_kill(cgroup);
                        r = kill_and_reap(name, init, launcher);
                }
                /* A launcher killed above removed nothing. */
                cgroup_remove(cgroup);
                if (r < 0)
                        return r;
        } else if (r != -ESRCH)
                return log_errno(r, "container '%s': cannot open its launcher", name);
        r = state_remove_if_free(root_fd, name, dir);
        if (r < 0 && r != -ENOENT)
                return log_errno(r, "container '%s' is stopped, but its state cannot be removed", name);
        return 0;
}

/* A container starting: its state is written once its command runs. */
static int find_waiting_while_starting(int root_fd, const char *name, struct state *s, enum state_phase *phase) {
        for (;;) {
                int r = state_find(root_fd, name, s, phase);
                if (r < 0 || *phase != STATE_PHASE_STARTING)
                        return r;
                nanosleep(&(struct timespec) { .tv_nsec = 20 * 1000000 }, NULL);
        }
}

int state_wait(int root_fd, const char *name, int *ret_status) {
        _cleanup_(state_done) struct state s = STATE_NULL;
        _cleanup_close_ int launcher = -1;
        enum state_phase phase;
        int r;

        r = find_waiting_while_starting(root_fd, name, &s, &phase);
        if (r < 0)
                return r;
        if (phase == STATE_PHASE_RUNNING) {
                r = state_pidfd_open_checked(s.launcher_pid, s.launcher_start_time, &launcher);
                if (r >= 0)
                        r = state_pidfd_wait(launcher, -1);
                if (r < 0 && r != -ESRCH)
                        return log_errno(r, "container '%s': waiting for its launcher", name);
                state_done(&s);
                r = state_read(root_fd, name, &s);
                if (r == -ENOENT) {
                        log_error("container '%s' has ended, and its launcher removed its state: "
                                  "its status is that of its 'userbox run' (it was not started with -d)", name);
                        return -ESRCH;
                }
                if (r < 0)
                        return r;
                if (s.status != STATE_EXITED) {
                        (void) state_clean_if_free(root_fd, name);
                        log_error("container '%s' has ended without a status: its launcher was killed", name);
                        return -ESRCH;
                }
        }
        *ret_status = s.exit_status;
        return 0;
}

int state_rm(int root_fd, const char *name, bool force) {
        _cleanup_(state_done) struct state s = STATE_NULL;
        _cleanup_close_ int launcher = -1;
        enum state_phase phase;
        int r;

        /* A free lock: a finished container or remains, removed alike
         * (even with a state file too broken to read). */
        r = state_lock_held(root_fd, name);
        if (r == -ENOENT)
                return does_not_exist(name, false);
        if (r == 0) {
                r = state_remove_if_free(root_fd, name, -1);
                if (r == -ENOENT)
                        return does_not_exist(name, false);
                if (r != -EBUSY)
                        return r < 0 ? log_errno(r, "container '%s': cannot remove it", name) : 0;
        } else if (r < 0)
                return log_errno(r, "container '%s'", name);

        r = state_find(root_fd, name, &s, &phase);
        if (r < 0)
                return r;
        if (phase == STATE_PHASE_STARTING)
                return still_starting(name);
        if (phase == STATE_PHASE_RUNNING) {
                if (!force) {
                        log_error("container '%s' is running; stop it first or rm -f", name);
                        return -EBUSY;
                }
                return state_stop(root_fd, name, 0);
        }
        /* Exited, its launcher finishing: it lets go of the lock soon. */
        r = state_pidfd_open_checked(s.launcher_pid, s.launcher_start_time, &launcher);
        if (r >= 0 && state_pidfd_wait(launcher, LAUNCHER_FINISH_MS) == 0) {
                log_error("container '%s' has exited, but its launcher is still running", name);
                return -EBUSY;
        }
        r = state_remove_if_free(root_fd, name, -1);
        if (r == -ENOENT)
                return 0;
        return r < 0 ? log_errno(r, "container '%s': cannot remove it", name) : 0;
}
