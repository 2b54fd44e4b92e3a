/* SPDX-License-Identifier: Apache-2.0 */
/* A named container's launcher (design §10): -d's fork into the
 * background, the claim of NAME/ before clone, NAME/config, NAME/state
 * once the command started, the command's output copied into NAME/log,
 * and what is left of NAME/ at the end. parent.c calls these at its
 * steps; state/ does the files. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "launch-internal.h"
#include "state.h"
#include "util.h"

/* One read of the command's output: at most this much is copied before
 * the launcher looks at its signals again. */
#define OUTPUT_CHUNK (64 * 1024)

void named_init(struct named *n, bool detach) {
        *n = (struct named) {
                .detach = detach, .root_fd = -1, .claim = STATE_CLAIM_NULL, .state = STATE_NULL,
                .notify_fd = -1, .null_fd = -1, .output = { -1, -1 }, .log_fd = -1,
                .ns = LAUNCH_NAMESPACES_NULL, .control_fd = -1,
        };
}

/* The foreground process of -d: the background one sends the name once
 * the command runs, or closes the socket having printed its error. */
static int wait_for_background(int fd, pid_t pid) {
        char name[STATE_NAME_MAX + 1];
        size_t got = 0;
        int status;

        for (;;) {
                ssize_t n = read(fd, name + got, sizeof(name) - 1 - got);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0 || (got += (size_t) n) == sizeof(name) - 1)
                        break;
        }
        if (got > 0) {
                printf("%.*s\n", (int) got, name);
                return 0;
        }
        /* It failed, removed NAME/ and ended the child: its status is
         * ours (125, or 126/127 when the command could not be executed). */
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return log_errno(-errno, "waiting for the container's launcher");
        if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
                return WEXITSTATUS(status);
        return log_error("the container's launcher ended before the command started (%s)",
                         WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) : "no status");
}

int named_detach(struct named *n, int *ret_status) {
        int sv[2];
        pid_t pid;

        /* A socket, not a pipe: a foreground process gone (^C) makes the
         * background's send fail with MSG_NOSIGNAL, not kill it. */
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
                return log_errno(-errno, "detaching");
        fflush(NULL);
        pid = fork();
        if (pid < 0) {
                close(sv[0]);
                close(sv[1]);
                return log_errno(-errno, "detaching");
        }
        if (pid > 0) {
                close(sv[1]);
                *ret_status = wait_for_background(sv[0], pid);
                close(sv[0]);
                return 1;
        }
        close(sv[0]);
        n->notify_fd = sv[1];
        /* Its own session: no terminal's hangup or keys reach it. Until
         * the command started, its stderr is still the user's. */
        if (setsid() < 0)
                return log_errno(-errno, "detaching");
        return 0;
}

/* ROOT/NAME/log as a path, for NAME/state. */
static int log_path(int dir_fd, char **ret) {
        char proc[64], dir[PATH_MAX];
        ssize_t n;

        snprintf(proc, sizeof(proc), "/proc/self/fd/%d", dir_fd);
        n = readlink(proc, dir, sizeof(dir) - 1);
        if (n < 0)
                return -errno;
        dir[n] = '\0';
        *ret = path_join(dir, STATE_FILE_LOG);
        return *ret ? 0 : -ENOMEM;
}

static int open_log(struct named *n) {
        struct stat st;

        n->log_fd = openat(n->claim.dir_fd, STATE_FILE_LOG,
                           O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (n->log_fd < 0 || fstat(n->log_fd, &st) < 0)
                return -errno;
        n->log_size = (uint64_t) st.st_size;
        return 0;
}

/* -d: the command's stdin /dev/null, its stdout and stderr a pipe the
 * launcher copies into NAME/log. */
static int prepare_output(struct named *n) {
        int r;

        n->null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (n->null_fd < 0)
                return log_errno(-errno, "opening /dev/null");
        if (pipe2(n->output, O_CLOEXEC) < 0)
                return log_errno(-errno, "container '%s': the output pipe", n->claim.name);
        if (fcntl(n->output[0], F_SETFL, O_NONBLOCK) < 0)
                return log_errno(-errno, "container '%s': the output pipe", n->claim.name);
        r = open_log(n);
        if (r >= 0)
                r = log_path(n->claim.dir_fd, &n->state.log_path);
        if (r < 0)
                return log_errno(r, "container '%s': cannot open its log", n->claim.name);
        return 0;
}

/* NAME/config: the configuration as run, as `userbox config` prints it. */
static int write_config(struct named *n, const struct config *c) {
        _cleanup_free_ char *text = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&text, &size);
        int r;

        if (!f)
                return log_errno(-ENOMEM, "container '%s': its configuration", n->claim.name);
        r = profile_print(c, f);
        if (fclose(f) != 0 && r >= 0)
                r = -errno;
        if (r < 0)
                return log_errno(r, "container '%s': its configuration", n->claim.name);
        /* The file is for the user to read; exec gets the launcher's own
         * copy over the control socket, never the file, which a container
         * that reaches the state directory could rewrite. */
        r = state_write_file(n->claim.dir_fd, STATE_FILE_CONFIG, STATE_FILE_CONFIG_TMP, text, size);
        if (r >= 0) {
                n->config_text = TAKE_PTR(text);
                n->config_size = size;
        }
        return r;
}

/* A name for -d without --name. state_name_generate picked one that was
 * free a moment ago; another creator may take it first (-EEXIST). */
static int claim_generated(struct named *n, struct config *c) {
        for (unsigned attempt = 0;; attempt++) {
                _cleanup_free_ char *name = NULL;
                int r = state_name_generate(n->root_fd, &name);

                if (r >= 0)
                        r = state_create(n->root_fd, name, &n->claim);
                if (r >= 0)
                        c->name = TAKE_PTR(name);
                if (r != -EEXIST || attempt == 3)
                        return r;
        }
}

static int fill_state(struct named *n, const struct config *c, char **argv) {
        int r;

        n->state.launcher_pid = getpid();
        r = state_pid_start_time(n->state.launcher_pid, &n->state.launcher_start_time);
        if (r < 0)
                return log_errno(r, "reading the launcher's start time");
        n->state.root = strdup(c->root ?: "/");
        n->state.argv = strv_copy(argv);
        n->state.created = (int64_t) time(NULL);
        n->state.detached = n->detach;
        if (!n->state.root || !n->state.argv)
                return log_errno(-ENOMEM, "container '%s'", n->claim.name);
        return 0;
}

int named_claim(struct named *n, struct config *c, char **argv) {
        int r = state_root_open(&n->root_fd);

        if (r < 0)
                return r;
        r = c->name ? state_create(n->root_fd, c->name, &n->claim) : claim_generated(n, c);
        if (r < 0)
                return r;
        r = fill_state(n, c, argv);
        if (r >= 0)
                r = write_config(n, c);
        if (r >= 0)
                r = control_listen(n->claim.dir_fd, &n->control_fd);
        if (r >= 0 && n->detach)
                r = prepare_output(n);
        return r;
}

int named_in_child(const struct named *n) {
        const int launcher_fds[] = { n->claim.lock_fd, n->claim.dir_fd, n->root_fd, n->notify_fd,
                                     n->output[0], n->log_fd, n->control_fd };

        for (size_t i = 0; i < ELEMENTSOF(launcher_fds); i++)
                if (launcher_fds[i] >= 0)
                        close(launcher_fds[i]);
        if (!n->detach)
                return 0;
        if (dup2(n->null_fd, STDIN_FILENO) < 0 || dup2(n->output[1], STDOUT_FILENO) < 0 ||
            dup2(n->output[1], STDERR_FILENO) < 0)
                return -errno;
        close(n->null_fd);
        close(n->output[1]);
        return 0;
}

void named_cloned(struct named *n) {
        /* The child holds the write end now: the launcher reads end of
         * file once the command and all it started are gone. */
        closep(&n->null_fd);
        closep(&n->output[1]);
        n->null_fd = n->output[1] = -1;
}

/* With init, the command is init's one child (vfork()ed, and at sync step
 * 7 executed). It may be gone already: then init's pid stands in, and
 * `kill` finds no command whose parent is init. */
static pid_t command_of_init(pid_t init) {
        _cleanup_free_ char *text = NULL;
        _cleanup_close_ int fd = -1;
        char path[64];
        size_t size;
        int pid;

        snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int) init, (int) init);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || read_full_fd(fd, 4096, &text, &size) < 0)
                return init;
        return sscanf(text, "%d", &pid) == 1 && pid > 0 ? (pid_t) pid : init;
}

/* -d, once the command runs: the name to the foreground process, which
 * prints it and exits 0; from now on nobody reads the launcher's stdio. */
static void detach_done(struct named *n) {
        _cleanup_close_ int null = open("/dev/null", O_RDWR | O_CLOEXEC);

        (void) send(n->notify_fd, n->claim.name, strlen(n->claim.name), MSG_NOSIGNAL);
        fflush(NULL);
        if (null >= 0)
                for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++)
                        (void) dup2(null, fd);
        closep(&n->notify_fd);
        n->notify_fd = -1;
}

int named_started(struct named *n, pid_t pid, bool init, bool reaped) {
        int r;

        n->state.init_pid = pid;
        /* A child already gone has no start time: 0, which no live
         * process has, so nothing takes its pid for it. One reaped may
         * have left its pid to another process: not asked. */
        if (reaped || state_pid_start_time(pid, &n->state.init_start_time) < 0)
                n->state.init_start_time = 0;
        n->state.command_pid = init && !reaped ? command_of_init(pid) : pid;
        n->state.status = STATE_RUNNING;
        r = state_write(n->claim.dir_fd, &n->state);
        if (r < 0)
                return r;
        n->started = true;
        if (n->detach)
                detach_done(n);
        return 0;
}

/* NAME/log grew past STATE_LOG_MAX: it becomes NAME/log.1 (replacing the
 * older one) and a new NAME/log starts. */
static int rotate_log(struct named *n) {
        closep(&n->log_fd);
        n->log_fd = -1;
        if (renameat(n->claim.dir_fd, STATE_FILE_LOG, n->claim.dir_fd, STATE_FILE_LOG_OLD) < 0)
                return -errno;
        return open_log(n);
}

/* Nobody would read an error here: the launcher's stderr is /dev/null. A
 * full disk loses output, never the container. */
static void log_append(struct named *n, const char *buf, size_t size) {
        if (n->log_size > 0 && n->log_size + size > STATE_LOG_MAX && rotate_log(n) < 0)
                return;
        if (n->log_fd < 0)
                return;
        while (size > 0) {
                ssize_t w = write(n->log_fd, buf, size);
                if (w < 0 && errno == EINTR)
                        continue;
                if (w <= 0)
                        return;
                n->log_size += (uint64_t) w;
                buf += w;
                size -= (size_t) w;
        }
}

void named_copy_output(struct named *n, bool to_end) {
        static char buf[OUTPUT_CHUNK];

        while (n->output[0] >= 0) {
                ssize_t got = read(n->output[0], buf, sizeof(buf));
                if (got < 0 && errno == EINTR)
                        continue;
                if (got < 0 && errno == EAGAIN)
                        return;
                if (got <= 0) {
                        closep(&n->output[0]);
                        n->output[0] = -1;
                        return;
                }
                log_append(n, buf, (size_t) got);
                if (!to_end)
                        return;
        }
}

int named_end(struct named *n, int r) {
        /* No exec into what is gone. */
        if (n->control_fd >= 0)
                (void) unlinkat(n->claim.dir_fd, STATE_FILE_CONTROL, 0);
        closep(&n->control_fd);
        launch_namespaces_done(&n->ns);
        free(n->identity);
        n->identity = NULL;
        free(n->config_text);
        n->config_text = NULL;
        if (n->claim.dir_fd >= 0) {
                if (n->detach && n->started) {
                        /* Kept for logs and wait until rm or stop. */
                        n->state.status = STATE_EXITED;
                        n->state.exit_status = r < 0 ? EXIT_USERBOX_FAILED : r;
                        (void) state_write(n->claim.dir_fd, &n->state);
                } else
                        (void) state_remove(n->root_fd, n->claim.name);
        }
        /* The lock goes with the claim; -d's foreground process reads end
         * of file on the socket only now, NAME/ gone. */
        state_claim_done(&n->claim);
        state_done(&n->state);
        closep(&n->root_fd);
        closep(&n->notify_fd);
        closep(&n->null_fd);
        closep(&n->output[0]);
        closep(&n->output[1]);
        closep(&n->log_fd);
        named_init(n, n->detach);
        return r;
}
