/* SPDX-License-Identifier: Apache-2.0 */
/* The helper's life, in the launcher: started on the container's
 * namespaces once its id map is written (sync step 2), waited for until it
 * reports the network configured and the ports are published (before sync
 * step 5), killed and reaped with the container. A launcher killed with -9
 * takes it along: its parent-death signal is SIGKILL (and slirp4netns
 * exits on its exit fd too), so no helper outlives the launch and no
 * published port stays open. */
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "net-internal.h"
#include "util.h"

extern char **environ;

/* How long a helper may take to configure the namespace (pasta takes
 * ~0.2 s on a loaded 2-core VM, slirp4netns less). */
#define HELPER_READY_TIMEOUT_MS 20000
/* What is read of the end of its output for a message. */
#define HELPER_OUTPUT_MAX 65536

struct net_helper {
        const struct net_plan *plan;
        pid_t pid;              /* 0 once reaped */
        int ready;              /* the read end of its ready pipe */
        int exit_fd;            /* the write end of its exit pipe: closed, slirp4netns exits */
        int output;             /* a memfd with its standard output and error */
        char *api_dir;          /* slirp4netns with ports: its API socket's directory, until published */
        char *api_socket;
        double started_ms;
};

static void helper_free(struct net_helper *h) {
        if (!h)
                return;
        closep(&h->ready);
        closep(&h->exit_fd);
        closep(&h->output);
        if (h->api_socket)
                (void) unlink(h->api_socket);
        if (h->api_dir)
                (void) rmdir(h->api_dir);
        free(h->api_socket);
        free(h->api_dir);
        free(h);
}

/* The last line the helper wrote, escaped for the terminal; "" for none. */
static char *helper_last_words(const struct net_helper *h) {
        _cleanup_free_ char *text = NULL;
        off_t size = lseek(h->output, 0, SEEK_END);
        char *line = NULL, *end;
        ssize_t n;

        text = malloc(HELPER_OUTPUT_MAX + 1);
        if (!text)
                return NULL;
        /* Its end: a helper that talked a lot said the last of it last. */
        n = pread(h->output, text, HELPER_OUTPUT_MAX, size > HELPER_OUTPUT_MAX ? size - HELPER_OUTPUT_MAX : 0);
        text[n > 0 ? n : 0] = '\0';
        for (end = text + strlen(text); end > text && (end[-1] == '\n' || end[-1] == '\r'); end--)
                *(end - 1) = '\0';
        line = strrchr(text, '\n');
        return string_escape_cc(line ? line + 1 : text);
}

/* The helper's directory for slirp4netns's API socket: private (0700),
 * in the user's runtime directory (else /tmp), removed once the ports
 * are published. */
static int make_api_dir(struct net_helper *h) {
        const char *base = getenv("XDG_RUNTIME_DIR");
        struct stat st;

        if (!base || !path_is_absolute(base) || stat(base, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != getuid())
                base = "/tmp";
        if (asprintf(&h->api_dir, "%s/userbox-net.XXXXXX", base) < 0) {
                h->api_dir = NULL;
                return log_errno(-ENOMEM, "the network helper's directory");
        }
        if (!mkdtemp(h->api_dir)) {
                int r = log_errno(-errno, "creating '%s'", h->api_dir);
                free(h->api_dir);
                h->api_dir = NULL;
                return r;
        }
        h->api_socket = path_join(h->api_dir, "api");
        return h->api_socket ? 0 : log_errno(-ENOMEM, "the network helper's directory");
}

static char *argv_joined(char **argv) {
        char *out = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&out, &size);

        if (!f)
                return NULL;
        for (char **a = argv; *a; a++)
                fprintf(f, "%s%s", a == argv ? "" : " ", *a);
        if (fclose(f) != 0) {
                free(out);
                return NULL;
        }
        return out;
}

/* vfork: the helper borrows the launcher's memory until its exec, which
 * it reaches through system calls alone (its fds were given numbers out of
 * the way of 0 to 6 beforehand, so the dup2s cannot clobber one another). */
static pid_t helper_spawn(const char *program, char **argv, const int from[], const int to[], size_t n,
                          const sigset_t *mask) {
        pid_t launcher = getpid(), pid;

        pid = vfork();
        if (pid != 0)
                return pid < 0 ? -errno : pid;
        /* Out of the terminal's process group: a ^C for the container is
         * the launcher's to pass on, not the helper's to die of. */
        (void) setpgid(0, 0);
        if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != launcher)
                _exit(EXIT_USERBOX_FAILED);
        for (size_t i = 0; i < n; i++)
                if (dup2(from[i], to[i]) < 0)
                        _exit(EXIT_USERBOX_FAILED);
        sigprocmask(SIG_SETMASK, mask, NULL);
        execve(program, argv, environ);
        _exit(EXIT_NOT_FOUND);
}

/* Its fds moved above 6, each close-on-exec (the dup2 in the helper
 * clears that for the copy it keeps). */
static int fd_above_helper_fds(int fd) {
        int moved = fcntl(fd, F_DUPFD_CLOEXEC, HELPER_FD_EXIT + 1);
        return moved < 0 ? -errno : moved;
}

int net_helper_start(const struct net_plan *p, const struct config *c, pid_t pid, const sigset_t *mask,
                     struct net_helper **ret) {
        struct net_helper *h = calloc(1, sizeof(*h));
        _cleanup_strv_free_ char **argv = NULL;
        _cleanup_free_ char *shown = NULL;
        int ready[2] = { -1, -1 }, exit_pipe[2] = { -1, -1 };
        int from[7] = { -1, -1, -1, -1, -1, -1, -1 };
        const int to[7] = { STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO, HELPER_FD_USERNS, HELPER_FD_NETNS,
                            HELPER_FD_READY, HELPER_FD_EXIT };
        char path[64];
        int r = 0;

        if (!h)
                return log_errno(-ENOMEM, "starting %s", p->kind->program);
        *h = (struct net_helper) { .plan = p, .ready = -1, .exit_fd = -1, .output = -1 };
        if (p->kind->publish_by_api && c->n_publish)
                r = make_api_dir(h);
        if (r >= 0)
                r = p->kind->command_line(p, c, h->api_socket, &argv) < 0 ? log_errno(-ENOMEM, "starting %s",
                                                                                        p->kind->program) : 0;
        if (r >= 0 && (pipe2(ready, O_CLOEXEC) < 0 || pipe2(exit_pipe, O_CLOEXEC) < 0))
                r = log_errno(-errno, "starting %s: pipe", p->kind->program);
        if (r >= 0 && (h->output = memfd_create("userbox-network-helper", MFD_CLOEXEC)) < 0)
                r = log_errno(-errno, "starting %s: memfd_create", p->kind->program);
        /* The container's namespaces, opened while it is dumpable: its
         * /proc/PID belongs to root after sync step 3. */
        for (size_t i = 3; r >= 0 && i < 5; i++) {
                snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int) pid, i == 3 ? "user" : "net");
                from[i] = open(path, O_RDONLY | O_CLOEXEC);
                if (from[i] < 0)
                        r = log_errno(-errno, "starting %s: opening '%s'", p->kind->program, path);
        }
        if (r >= 0) {
                from[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
                from[1] = fcntl(h->output, F_DUPFD_CLOEXEC, 0);
                from[2] = fcntl(h->output, F_DUPFD_CLOEXEC, 0);
                from[5] = fcntl(ready[1], F_DUPFD_CLOEXEC, 0);
                from[6] = fcntl(exit_pipe[0], F_DUPFD_CLOEXEC, 0);
        }
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(from); i++) {
                int moved = from[i] < 0 ? -EBADF : fd_above_helper_fds(from[i]);
                closep(&from[i]);
                from[i] = moved;
                if (moved < 0)
                        r = log_errno(moved, "starting %s: its fds", p->kind->program);
        }
        if (r >= 0) {
                h->started_ms = log_elapsed_ms();
                h->pid = helper_spawn(p->program, argv, from, to, ELEMENTSOF(from), mask);
                if (h->pid < 0)
                        r = log_errno(h->pid, "starting %s", p->kind->program);
                h->pid = h->pid < 0 ? 0 : h->pid;
        }
        for (size_t i = 0; i < ELEMENTSOF(from); i++)
                closep(&from[i]);
        closep(&ready[1]);
        closep(&exit_pipe[0]);
        h->ready = ready[0];
        h->exit_fd = exit_pipe[1];
        if (r < 0) {
                net_helper_stop(h);
                return r;
        }
        shown = argv_joined(argv);
        log_step("network: started %s, pid %d: %s", p->kind->program, (int) h->pid, shown ?: "");
        *ret = h;
        return 0;
}

/* Waits for the first byte on the ready pipe: slirp4netns's "1", pasta's
 * pid. End of file: it exited first. */
static int wait_ready(struct net_helper *h) {
        const char *name = h->plan->kind->program;
        struct timespec start, now;
        int status = 0, timeout = HELPER_READY_TIMEOUT_MS;

        clock_gettime(CLOCK_MONOTONIC, &start);
        for (;;) {
                struct pollfd pfd = { .fd = h->ready, .events = POLLIN };
                char byte;
                ssize_t n;
                int k = poll(&pfd, 1, timeout);

                if (k < 0 && errno != EINTR)
                        return log_errno(-errno, "waiting for %s", name);
                if (k > 0) {
                        n = read(h->ready, &byte, 1);
                        if (n == 1)
                                return 0;
                        if (n == 0)
                                break;
                        if (errno != EINTR && errno != EAGAIN)
                                return log_errno(-errno, "waiting for %s", name);
                }
                clock_gettime(CLOCK_MONOTONIC, &now);
                timeout = HELPER_READY_TIMEOUT_MS - (int) ((now.tv_sec - start.tv_sec) * 1000 +
                                                           (now.tv_nsec - start.tv_nsec) / 1000000);
                if (timeout <= 0) {
                        _cleanup_free_ char *words = helper_last_words(h);
                        return log_error("%s did not configure the network within %d s%s%s", name,
                                         HELPER_READY_TIMEOUT_MS / 1000, words && *words ? ": " : "",
                                         words ?: "");
                }
        }
        /* It left: how, and its last words. */
        _cleanup_free_ char *words = helper_last_words(h);
        if (waitpid(h->pid, &status, 0) == h->pid)
                h->pid = 0;
        return log_error("%s exited before the network was ready (%s %d)%s%s", name,
                         WIFSIGNALED(status) ? "signal" : "status",
                         WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status),
                         words && *words ? ": " : "", words ?: "");
}

int net_helper_wait_ready(struct net_helper *h, const struct config *c) {
        int r = wait_ready(h);

        if (r < 0)
                return r;
        log_step("network: %s ready after %.1f ms", h->plan->kind->program, log_elapsed_ms() - h->started_ms);
        if (!h->api_socket)
                return 0;
        r = net_slirp_publish(h->api_socket, c);
        /* Nobody else connects to it again: no other process of the user
         * adds ports to the container. */
        (void) unlink(h->api_socket);
        (void) rmdir(h->api_dir);
        free(h->api_socket);
        free(h->api_dir);
        h->api_socket = h->api_dir = NULL;
        if (r >= 0)
                log_step("network: %zu ports published", c->n_publish);
        return r;
}

void net_helper_stop(struct net_helper *h) {
        int status = 0;

        if (!h)
                return;
        if (h->pid > 0) {
                /* Gone before the container: it says why, at least. */
                if (waitpid(h->pid, &status, WNOHANG) == h->pid) {
                        _cleanup_free_ char *words = helper_last_words(h);
                        log_warning("%s ended while the container ran (%s %d)%s%s", h->plan->kind->program,
                                    WIFSIGNALED(status) ? "signal" : "status",
                                    WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status),
                                    words && *words ? ": " : "", words ?: "");
                } else {
                        kill(h->pid, SIGKILL);
                        while (waitpid(h->pid, NULL, 0) < 0 && errno == EINTR)
                                ;
                }
                log_step("network: %s stopped", h->plan->kind->program);
        }
        helper_free(h);
}
