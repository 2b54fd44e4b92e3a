/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* What the unit tests of src/state/ share: a state root of their own, the
 * messages printed, and child processes standing for launchers. */
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "state.h"
#include "util.h"

/* A fresh directory standing for XDG_RUNTIME_DIR, and the root in it. */
struct fixture {
        char dir[64];
        int root;
};

static inline void fixture_start(struct fixture *f) {
        snprintf(f->dir, sizeof(f->dir), "/tmp/userbox-unit-XXXXXX");
        f->root = -1;
        if (!mkdtemp(f->dir)) {
                f->dir[0] = '\0';
                return;
        }
        (void) state_root_open_in(f->dir, "/nonexistent", &f->root);
}

static inline void fixture_end(struct fixture *f) {
        char cmd[128];
        closep(&f->root);
        if (!f->dir[0])
                return;
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
        if (system(cmd) != 0)
                fprintf(stderr, "  could not remove %s\n", f->dir);
}

/* The message a call printed (log_* write it into a buffer meanwhile). */
static inline void capture_start(void) { log_set_deferred(true); }
static inline const char *capture_end(void) {
        static char copy[1024];
        snprintf(copy, sizeof(copy), "%s", log_deferred_message());
        log_set_deferred(false);
        return copy;
}

static inline bool path_exists_at(int dir, const char *path) {
        struct stat st;
        return fstatat(dir, path, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static inline void fill_state(struct state *s, const char *root) {
        static char *argv[] = { "sleep", "infinity", NULL };
        uint64_t start = 0;

        (void) state_pid_start_time(getpid(), &start);
        *s = (struct state) STATE_NULL;
        s->launcher_pid = s->init_pid = s->command_pid = getpid();
        s->launcher_start_time = s->init_start_time = start;
        s->root = (char *) root;
        s->argv = argv;
        s->created = 1700000000;
        s->status = STATE_RUNNING;
}


/* A launcher's control socket, as far as stop and kill ask it: a ping,
 * answered with the proof of our user namespace (launch/control.c has the
 * real one). */
static int fake_control_fd = -1;
static inline int fake_control_listen(int dir_fd) {
        struct sockaddr_un sa;

        fake_control_fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
        if (fake_control_fd < 0 || state_control_address(dir_fd, &sa) < 0 ||
            bind(fake_control_fd, (struct sockaddr *) &sa, sizeof(sa)) < 0 || listen(fake_control_fd, 4) < 0)
                return -1;
        return 0;
}

/* Until release is closed. */
static inline void fake_control_serve(int release) {
        for (;;) {
                struct pollfd fds[2] = { { .fd = release, .events = POLLIN }, { .fd = fake_control_fd, .events = POLLIN } };
                if (poll(fds, 2, -1) < 0)
                        return;
                if (fds[0].revents)
                        return;
                if (fds[1].revents) {
                        int fd = accept4(fake_control_fd, NULL, NULL, SOCK_CLOEXEC), proof[1], own = userns_open_own();
                        char buf[64];
                        unsigned n = 0;
                        if (fd >= 0 && fd_recv(fd, buf, sizeof(buf), proof, 1, &n) >= 0 && n == 1) {
                                close(proof[0]);
                                (void) fd_send(fd, "p", 1, &own, 1);
                        }
                        if (own >= 0)
                                close(own);
                        if (fd >= 0)
                                close(fd);
                }
        }
}

/* A child that creates name and holds it until told to go, or (hold=false)
 * dies at once, as a launcher killed with -9 does. Returns its pid; *go is
 * the pipe end whose close lets it go. exit_status >= 0: the state it
 * writes is a detached container's that exited with it (its launcher
 * finishing, or with hold=false gone). */
static inline pid_t spawn_launcher(int root, const char *name, bool hold, int *go, int exit_status) {
        int ready[2], release[2];
        pid_t pid;
        char c = 0;

        if (pipe2(ready, O_CLOEXEC) < 0 || pipe2(release, O_CLOEXEC) < 0)
                return -1;
        pid = fork();
        if (pid == 0) {
                struct state_claim claim = STATE_CLAIM_NULL;
                struct state s;
                close(ready[0]);
                close(release[1]);
                if (state_create(root, name, &claim) < 0)
                        _exit(1);
                fill_state(&s, "/srv/root");
                if (exit_status >= 0) {
                        s.status = STATE_EXITED;
                        s.exit_status = exit_status;
                        s.detached = true;
                        s.log_path = (char *) "log";
                }
                if (state_write(claim.dir_fd, &s) < 0)
                        _exit(1);
                if (hold && fake_control_listen(claim.dir_fd) < 0)
                        _exit(1);
                if (write(ready[1], "R", 1) != 1)
                        _exit(1);
                if (hold)
                        fake_control_serve(release[0]);
                _exit(0);
        }
        close(ready[1]);
        close(release[0]);
        if (read(ready[0], &c, 1) != 1)
                c = 0;
        close(ready[0]);
        *go = release[1];
        if (!hold) {
                close(release[1]);
                *go = -1;
                waitpid(pid, NULL, 0);
        }
        return c == 'R' ? pid : -1;
}


static inline pid_t spawn_holder(int root, const char *name, bool hold, int *go) {
        return spawn_launcher(root, name, hold, go, -1);
}

static inline int write_string_at(int dir, const char *file, const char *text) {
        int fd = openat(dir, file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        ssize_t n;

        if (fd < 0)
                return -errno;
        n = write(fd, text, strlen(text));
        close(fd);
        return n == (ssize_t) strlen(text) ? 0 : -EIO;
}
