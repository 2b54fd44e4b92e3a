/* SPDX-License-Identifier: Apache-2.0 */
/* userbox-oci create, start and run: config.json into a struct config,
 * the container set up by the launch pipeline with its process left
 * waiting on ROOT/ID/exec.fifo, the state written once it waits; start
 * opens the FIFO and the process execs. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "launch.h"
#include "oci-life.h"
#include "util.h"

struct create_options {
        const char *bundle;
        const char *pid_file;
        const char *console_socket;
        unsigned preserve_fds;
        bool detach;            /* run */
        bool run_waits;         /* run without --detach */
};

/* What the launcher needs once the process waits (created()). */
struct create_context {
        const char *id;
        int dir_fd;
        const struct create_options *options;
        const struct oci_spec *spec;
        pid_t pid;
        /* A create-time hook failed: the state poststop hooks get once
         * the process is gone (NULL otherwise). */
        char *poststop_state;
        /* A write end of the FIFO the process keeps until its exec: a
         * byte there tells start that a startContainer hook failed. */
        int failed_fd;
        const char *cgroups_path; /* linux.cgroupsPath, for the state */
        /* Set before the launch: the process's hooks tell the same. */
        char *created;
        uid_t owner;
};

static int on_created(void *userdata, pid_t pid, int pty_master);
static int on_released(void *userdata, pid_t pid);
static int on_released_without_process(void *userdata, pid_t pid);
static int on_mounted(void *userdata, pid_t pid);
static int on_mounted_inside(void *userdata, pid_t pid);
static void close_pairp(int (*fds)[2]);
static char *rfc3339_now(void);
static void wait_for_exec(int fifo_fd, bool hooks_run);
static int pass_listen_fds(struct config *c, const struct oci_spec *s, unsigned *preserve_fds);

/* The whole of create, for create and run. *ret_pid: the process. */
static int create_container(const struct oci_globals *g, const char *id, const struct create_options *o,
                            int root_fd, pid_t *ret_pid) {
        _cleanup_(config_done) struct config c;
        _cleanup_(oci_spec_done) struct oci_spec spec = { 0 };
        _cleanup_free_ char *bundle = NULL;
        _cleanup_close_ int dir_fd = -1, fifo_fd = -1, start_fd = -1, failed_fd = -1;
        _cleanup_(close_pairp) int mounted_fd[2] = { -1, -1 };
        _cleanup_free_ char *created = rfc3339_now();
        struct create_context context = {
                .id = id, .options = o, .spec = &spec, .failed_fd = -1, .created = created, .owner = geteuid(),
        };
        unsigned preserve_fds = o->preserve_fds;
        struct launch_oci lo;
        int r;

        (void) g;
        config_init(&c);
        if (!created)
                return log_errno(-ENOMEM, "the container's state");
        bundle = realpath(o->bundle ? o->bundle : ".", NULL);
        if (!bundle)
                return log_errno(-errno, "bundle '%s'", o->bundle ? o->bundle : ".");
        r = oci_spec_load(bundle, &c, &spec);
        if (r < 0)
                return r;
        config_finalize(&c);
        if (spec.process->terminal && !o->console_socket)
                return log_error("process.terminal is true: a --console-socket must receive the terminal");
        if (!spec.process->terminal && o->console_socket)
                return log_error("--console-socket given, but process.terminal is false: there is no terminal "
                                 "to pass");
        r = pass_listen_fds(&c, &spec, &preserve_fds);
        if (r < 0)
                return r;
        c.preserve_fds = preserve_fds;

        if (mkdirat(root_fd, id, 0700) < 0)
                return errno == EEXIST ? log_errno(-EEXIST, "container '%s' already exists", id)
                                       : log_errno(-errno, "cannot create the state of container '%s'", id);
        dir_fd = openat(root_fd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (dir_fd < 0 || mkfifoat(dir_fd, OCI_FIFO, 0600) < 0)
                r = log_errno(-errno, "cannot create the state of container '%s'", id);
        /* The read end, open without a writer thanks to O_NONBLOCK, goes
         * to the process above the fds it passes on; start opens the
         * write end. */
        if (r >= 0) {
                fifo_fd = openat(dir_fd, OCI_FIFO, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
                start_fd = fifo_fd < 0 ? -1 : fcntl(fifo_fd, F_DUPFD_CLOEXEC, (int) (3 + preserve_fds));
                if (start_fd < 0)
                        r = log_errno(-errno, "cannot open '%s/%s'", id, OCI_FIFO);
        }
        if (r >= 0 && spec.hooks->n[OCI_HOOK_START_CONTAINER] > 0) {
                failed_fd = openat(dir_fd, OCI_FIFO, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
                if (failed_fd < 0)
                        r = log_errno(-errno, "cannot open '%s/%s'", id, OCI_FIFO);
                context.failed_fd = failed_fd;
        }
        if (r >= 0 && oci_hooks_at_create(spec.hooks) && pipe2(mounted_fd, O_CLOEXEC) < 0)
                r = log_errno(-errno, "cannot create the state of container '%s'", id);
        if (r >= 0)
                r = oci_hooks_save(dir_fd, &spec);
        /* process.user.umask, inherited by the process through clone and
         * exec (it sets its oomScoreAdj itself: oci-child.c). */
        if (r >= 0 && spec.process->umask >= 0)
                umask((mode_t) spec.process->umask);
        if (r >= 0) {
                context.dir_fd = dir_fd;
                context.cgroups_path = c.cgroup_path;
                lo = (struct launch_oci) {
                        .namespaces = spec.process->namespaces.create,
                        .join_flag = spec.process->namespaces.join_flag,
                        .join_path = spec.process->namespaces.join_path,
                        .n_join = spec.process->namespaces.n_join,
                        .groups = spec.process->additional_gids,
                        .n_groups = spec.process->n_additional_gids,
                        .has_oom_score_adj = spec.process->has_oom_score_adj,
                        .oom_score_adj = spec.process->oom_score_adj,
                        .start_fd = start_fd,
                        .waited = o->run_waits,
                        .created = on_created,
                        .released = spec.process->absent ? on_released_without_process
                                    : failed_fd >= 0       ? on_released
                                                           : NULL,
                        .mounted = mounted_fd[0] >= 0 ? on_mounted : NULL,
                        .mounted_inside = mounted_fd[0] >= 0 ? on_mounted_inside : NULL,
                        .mounted_fd = { mounted_fd[0], mounted_fd[1] },
                        .userdata = &context,
                };
                r = launch_oci_create(&c, &lo);
        }
        /* A create that fails leaves nothing: no state, no process. Once
         * create-time hooks ran it goes on as delete would: poststop hooks
         * run, the process gone (runtime spec, lifecycle steps 3 to 5 and
         * 13). */
        if (r < 0 && context.poststop_state)
                (void) oci_hooks_run(spec.hooks, OCI_HOOK_POSTSTOP, context.poststop_state, true);
        free(context.poststop_state);
        if (r < 0) {
                (void) oci_state_remove(root_fd, id);
                return r;
        }
        *ret_pid = context.pid;
        return 0;
}

static void close_pairp(int (*fds)[2]) {
        for (int i = 0; i < 2; i++)
                if ((*fds)[i] >= 0)
                        close((*fds)[i]);
}

/* Socket activation: the fds LISTEN_FDS counts, from 3, pass through
 * after the --preserve-fds ones, and the process is told of them; its
 * LISTEN_PID is 1, which it is in a pid namespace of its own. */
static int pass_listen_fds(struct config *c, const struct oci_spec *s, unsigned *preserve_fds) {
        const char *value = getenv("LISTEN_FDS");
        char buf[64];
        uint32_t n;

        if (!value)
                return 0;
        if (parse_uint32(value, &n) < 0 || n > 1024)
                return log_error("LISTEN_FDS='%s': not a number of file descriptors", value);
        *preserve_fds += n;
        snprintf(buf, sizeof(buf), "LISTEN_FDS=%u", n);
        if (strv_extend(&c->env_set, buf) < 0)
                return log_errno(-ENOMEM, "LISTEN_FDS");
        if ((s->process->namespaces.create & CLONE_NEWPID) && strv_extend(&c->env_set, "LISTEN_PID=1") < 0)
                return log_errno(-ENOMEM, "LISTEN_PID");
        return 0;
}

static char *rfc3339_now(void) {
        struct timespec ts;
        struct tm tm;
        char date[64], *ret = NULL;

        clock_gettime(CLOCK_REALTIME, &ts);
        gmtime_r(&ts.tv_sec, &tm);
        strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
        if (asprintf(&ret, "%s.%09ldZ", date, ts.tv_nsec) < 0)
                return NULL;
        return ret;
}

/* The cgroups the launch made for the container, v1 and v2, which kill
 * --all and delete read; none where they cannot be read. NULL: out of
 * memory. */
static char **made_cgroups(pid_t pid, const char *cgroups_path) {
        char **l = NULL;
        int r = cgroup_paths_of(pid, cgroups_path, &l);

        if (r == -ENOMEM)
                return NULL;
        return r < 0 ? calloc(1, sizeof(char *)) : l;
}

int oci_send_console(const char *socket_path, int pty_master) {
        struct sockaddr_un addr = { .sun_family = AF_UNIX };
        _cleanup_close_ int fd = -1;

        if (strlen(socket_path) >= sizeof(addr.sun_path))
                return log_error("--console-socket '%s': path too long", socket_path);
        strcpy(addr.sun_path, socket_path);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *) &addr, sizeof(addr)) < 0)
                return log_errno(-errno, "--console-socket '%s'", socket_path);
        if (pty_master < 0)
                return log_error("the container's terminal did not arrive");
        if (fd_send(fd, "/dev/ptmx", strlen("/dev/ptmx"), &pty_master, 1) < 0)
                return log_errno(-errno, "--console-socket '%s': passing the terminal", socket_path);
        return 0;
}

int oci_write_pid_file(const char *path, pid_t pid) {
        _cleanup_free_ char *tmp = NULL;
        char text[32];
        int r;

        if (asprintf(&tmp, "%s.tmp", path) < 0)
                return log_errno(-ENOMEM, "--pid-file");
        snprintf(text, sizeof(text), "%d", (int) pid);
        (void) unlink(tmp);
        r = write_new_file_at(AT_FDCWD, tmp, text, strlen(text));
        if (r >= 0 && rename(tmp, path) < 0)
                r = -errno;
        if (r < 0) {
                (void) unlink(tmp);
                return log_errno(r, "--pid-file '%s'", path);
        }
        return 0;
}

/* The state of the container whose process is pid, as create knows it. */
static int state_of(const struct create_context *x, pid_t pid, struct oci_state *s) {
        json_object *annotations = NULL;

        *s = (struct oci_state) {
                .id = strdup(x->id), .pid = pid, .bundle = strdup(x->spec->bundle), .created = strdup(x->created),
                .owner = x->owner, .status = OCI_CREATED,
        };
        if (json_object_object_get_ex(x->spec->document, "annotations", &annotations) && annotations)
                s->annotations = json_object_get(annotations);
        if (!s->id || !s->bundle || !s->created)
                return log_errno(-ENOMEM, "the container's state");
        return 0;
}

/* The hooks of kind for the container whose process is pid, the state
 * created on their stdin (the spec's: from lifecycle step 2 on). */
static int run_created_hooks(const struct create_context *x, pid_t pid, enum oci_hook_kind kind) {
        _cleanup_(oci_state_done) struct oci_state s = { 0 };
        _cleanup_free_ char *text = NULL;
        int r = state_of(x, pid, &s);

        if (r < 0)
                return r;
        text = oci_state_text(&s, OCI_CREATED);
        if (!text)
                return log_errno(-ENOMEM, "the container's state");
        return oci_hooks_run(x->spec->hooks, kind, text, false);
}

/* sync step 11, in the launcher: the process built its view and waits
 * before its pivot_root: the runtime's create-time hooks
 * (oci-hooks.c). From here a failure of the create runs the poststop
 * hooks. */
static int on_mounted(void *userdata, pid_t pid) {
        struct create_context *x = userdata;
        _cleanup_(oci_state_done) struct oci_state s = { 0 };
        int r = state_of(x, pid, &s);

        if (r < 0)
                return r;
        x->poststop_state = oci_state_text(&s, OCI_STOPPED);
        if (!x->poststop_state)
                return log_errno(-ENOMEM, "the container's state");
        return oci_hooks_run_create_runtime(x->spec->hooks, &s);
}

/* Then in the process, in its namespaces, the host's tree still there:
 * createContainer. */
static int on_mounted_inside(void *userdata, pid_t pid) {
        return run_created_hooks(userdata, pid, OCI_HOOK_CREATE_CONTAINER);
}

/* In the process, released by start: the startContainer hooks run here,
 * in the container, before its program (runtime spec, lifecycle step 7).
 * A failure is written to the FIFO, for start to report. */
static int on_released(void *userdata, pid_t pid) {
        struct create_context *x = userdata;
        int r = run_created_hooks(x, pid, OCI_HOOK_START_CONTAINER);

        if (r < 0)
                (void) !write(x->failed_fd, "F", 1);
        return r;
}

/* A container without process is never started (oci_start_container
 * refuses it): a byte in its FIFO from elsewhere ends the process, which
 * has nothing to run. */
static int on_released_without_process(void *userdata, pid_t pid) {
        const struct create_context *x = userdata;

        (void) pid;
        return log_error("container '%s': config.json has no process: there is nothing to run", x->id);
}

/* sync step 10, in the launcher: the process waits for start. */
static int on_created(void *userdata, pid_t pid, int pty_master) {
        struct create_context *x = userdata;
        _cleanup_(oci_state_done) struct oci_state s = { 0 };
        int r = state_of(x, pid, &s);

        if (r < 0)
                return r;
        s.no_process = x->spec->process->absent;
        s.cgroups = made_cgroups(pid, x->cgroups_path);
        if (!s.cgroups || (x->cgroups_path && !(s.cgroups_path = strdup(x->cgroups_path))))
                return log_errno(-ENOMEM, "the container's state");
        r = oci_process_start_time(pid, &s.start_time);
        if (r < 0)
                return log_errno(r, "the container's process");
        if (x->options->console_socket) {
                r = oci_send_console(x->options->console_socket, pty_master);
                if (r < 0)
                        return r;
        }
        r = oci_state_save(x->dir_fd, &s);
        if (r >= 0 && x->options->pid_file)
                r = oci_write_pid_file(x->options->pid_file, pid);
        if (r < 0)
                return r;
        x->pid = pid;
        return 0;
}

int oci_start_container(int root_fd, const char *id) {
        _cleanup_(oci_state_done) struct oci_state s = { 0 };
        _cleanup_(oci_hooks_freep) struct oci_hooks *hooks = NULL;
        _cleanup_close_ int dir_fd = -1, fd = -1;
        int unread = 0, r = oci_state_load(root_fd, id, &s);

        if (r < 0)
                return r;
        if (s.status != OCI_CREATED)
                return log_error("container '%s' is %s: only a created container can be started", id,
                                 oci_status_name(s.status));
        /* runtime.md: start MUST fail without process; the container
         * stays as it is, for kill and delete. */
        if (s.no_process)
                return log_error("container '%s' has no process to start: its config.json had none at create", id);
        dir_fd = openat(root_fd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        fd = dir_fd < 0 ? -1 : openat(dir_fd, OCI_FIFO, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0 && errno == ENXIO)
                return log_error("container '%s' is not waiting to be started: its process is gone", id);
        if (fd < 0)
                return log_errno(-errno, "starting container '%s'", id);
        r = oci_hooks_load(root_fd, id, &hooks);
        if (r >= 0 && hooks->prestart_at_start)
                r = oci_hooks_run_prestart_at_start(root_fd, &s, hooks);
        if (r < 0)
                return r;
        if (write(fd, "0", 1) != 1)
                return log_errno(-errno, "starting container '%s'", id);
        /* Running from now on: the FIFO is what "created" is. */
        (void) unlinkat(dir_fd, OCI_FIFO, 0);
        wait_for_exec(fd, hooks->n[OCI_HOOK_START_CONTAINER] > 0);
        /* A byte left in the FIFO: the process wrote its hook's failure,
         * or ended before it read ours. */
        if (hooks->n[OCI_HOOK_START_CONTAINER] > 0 && ioctl(fd, FIONREAD, &unread) >= 0 && unread > 0) {
                log_error("container '%s': a startContainer hook failed: its program did not run", id);
                (void) oci_delete_container(root_fd, id, true);
                return -ECANCELED;
        }
        return 0;
}

/* The process holds the FIFO's read end close-on-exec: once no reader is
 * left (POLLERR on our write end) it has executed the user's program, or
 * died, and poststart may run (lifecycle steps 8 and 9). Bounded, should
 * anything else hold the FIFO open, but for startContainer hooks, which
 * have timeouts of their own. */
static void wait_for_exec(int fifo_fd, bool hooks_run) {
        struct pollfd p = { .fd = fifo_fd, .events = 0 };

        while (poll(&p, 1, hooks_run ? -1 : 10000) < 0 && errno == EINTR)
                ;
}

int oci_cmd_start(const struct oci_globals *g, int argc, char **argv) {
        _cleanup_close_ int root_fd = -1;
        int r;

        if (argc != 2)
                return log_error("usage: userbox-oci start ID");
        r = oci_root_open(g, &root_fd);
        if (r >= 0)
                r = oci_start_container(root_fd, argv[1]);
        if (r >= 0)
                oci_hooks_run_poststart(root_fd, argv[1]);
        return r;
}

static const struct option create_options[] = {
        { "bundle",         required_argument, NULL, 'b' },
        { "pid-file",       required_argument, NULL, 'p' },
        { "console-socket", required_argument, NULL, 'c' },
        { "preserve-fds",   required_argument, NULL, 'f' },
        { "no-pivot",       no_argument,       NULL, 'P' },
        { "no-new-keyring", no_argument,       NULL, 'K' },
        { "detach",         no_argument,       NULL, 'd' },
        { "keep",           no_argument,       NULL, 'k' },
        { "no-subreaper",   no_argument,       NULL, 'S' },
        {}
};

/* create's and run's options; run alone takes --detach. */
static int parse_create(int argc, char **argv, bool run, struct create_options *o, const char **ret_id) {
        int opt;

        optind = 0;
        while ((opt = getopt_long_only(argc, argv, "+b:d", create_options, NULL)) >= 0) {
                switch (opt) {
                case 'b': o->bundle = optarg; break;
                case 'p': o->pid_file = optarg; break;
                case 'c': o->console_socket = optarg; break;
                case 'f':
                        if (parse_uint32(optarg, &o->preserve_fds) < 0 || o->preserve_fds > 1024)
                                return log_error("--preserve-fds '%s': not a number up to 1024", optarg);
                        break;
                case 'd':
                        if (!run)
                                return log_error("create: unknown option --detach");
                        o->detach = true;
                        break;
                case 'P': case 'K': case 'k': case 'S': break;
                default: return -EINVAL;
                }
        }
        if (optind != argc - 1)
                return log_error("usage: userbox-oci %s [--bundle DIR] [OPTIONS] ID", run ? "run" : "create");
        *ret_id = argv[optind];
        return oci_id_check(*ret_id);
}

int oci_cmd_create(const struct oci_globals *g, int argc, char **argv) {
        struct create_options o = { 0 };
        _cleanup_close_ int root_fd = -1;
        const char *id;
        pid_t pid;
        int r = parse_create(argc, argv, false, &o, &id);

        if (r >= 0)
                r = oci_root_open(g, &root_fd);
        if (r >= 0)
                r = create_container(g, id, &o, root_fd, &pid);
        return r;
}

/* run in the foreground: what ends or signals run goes to the process. */
static pid_t run_pid;

static void forward_to_process(int sig) {
        if (run_pid > 0)
                kill(run_pid, sig);
}

static void forward_signals(pid_t pid) {
        static const int signals[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };
        struct sigaction sa = { .sa_handler = forward_to_process, .sa_flags = SA_RESTART };

        run_pid = pid;
        for (size_t i = 0; i < ELEMENTSOF(signals); i++)
                sigaction(signals[i], &sa, NULL);
}

/* run: create and start; without --detach it waits for the process,
 * deletes the container and returns the process's status. */
int oci_cmd_run(const struct oci_globals *g, int argc, char **argv) {
        struct create_options o = { 0 };
        _cleanup_close_ int root_fd = -1;
        const char *id;
        pid_t pid = 0;
        int status, r = parse_create(argc, argv, true, &o, &id);

        o.run_waits = !o.detach;
        if (r >= 0)
                r = oci_root_open(g, &root_fd);
        if (r >= 0)
                r = create_container(g, id, &o, root_fd, &pid);
        /* A start that fails leaves nothing of run's container. */
        if (r >= 0) {
                r = oci_start_container(root_fd, id);
                if (r < 0)
                        (void) oci_delete_container(root_fd, id, true);
        }
        if (r >= 0)
                oci_hooks_run_poststart(root_fd, id);
        if (r < 0 || o.detach)
                return r;
        /* The process is this one's child: create's launcher cloned it. */
        forward_signals(pid);
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return log_errno(-errno, "waiting for the container");
        r = oci_delete_container(root_fd, id, false);
        if (r < 0)
                return r;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
