/* SPDX-License-Identifier: Apache-2.0 */
/* userbox-oci state, kill, delete and list: each reads ROOT/ID/state.json
 * and the process it names. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup.h"
#include "oci-life.h"
#include "util.h"

int oci_cmd_state(const struct oci_globals *g, int argc, char **argv) {
        _cleanup_(oci_state_done) struct oci_state s = { 0 };
        _cleanup_close_ int root_fd = -1;
        json_object *doc;
        int r;

        if (argc != 2)
                return log_error("usage: userbox-oci state ID");
        r = oci_root_open_as_owner(g, &root_fd);
        if (r >= 0)
                r = oci_state_load(root_fd, argv[1], &s);
        if (r < 0)
                return r;
        doc = oci_state_json(&s);
        printf("%s\n", json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(doc);
        return 0;
}

/* A pidfd of the container's process, only while it is the process the
 * state names (never a later one with its pid). */
static int open_process(const struct oci_state *s, int *ret_fd) {
        uint64_t start_time;
        int fd = sys_pidfd_open(s->pid, 0);

        if (fd < 0)
                return -errno;
        if (oci_process_start_time(s->pid, &start_time) < 0 || start_time != s->start_time) {
                close(fd);
                return -ESRCH;
        }
        *ret_fd = fd;
        return 0;
}

static int send_signal(const struct oci_state *s, int sig) {
        _cleanup_close_ int fd = -1;
        int r = open_process(s, &fd);

        if (r >= 0 && syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0) < 0)
                r = -errno;
        return r;
}

/* --all: every process of the container's cgroup, else its process. */
static int signal_all(const struct oci_state *s, int sig) {
        int r = send_signal(s, sig);

        for (size_t i = 0; s->cgroups && s->cgroups[i]; i++) {
                _cleanup_free_ char *procs = path_join(s->cgroups[i], "cgroup.procs");
                _cleanup_fclose_ FILE *f = procs ? fopen(procs, "re") : NULL;
                int pid;

                while (f && fscanf(f, "%d", &pid) == 1)
                        (void) kill(pid, sig);
        }
        return r;
}

/* TERM, SIGTERM, 15. */
static int parse_signal(const char *name) {
        static const struct { const char *name; int sig; } signals[] = {
                { "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT }, { "ILL", SIGILL },
                { "TRAP", SIGTRAP }, { "ABRT", SIGABRT }, { "IOT", SIGIOT }, { "BUS", SIGBUS },
                { "FPE", SIGFPE }, { "KILL", SIGKILL }, { "USR1", SIGUSR1 }, { "SEGV", SIGSEGV },
                { "USR2", SIGUSR2 }, { "PIPE", SIGPIPE }, { "ALRM", SIGALRM }, { "TERM", SIGTERM },
                { "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD }, { "CONT", SIGCONT }, { "STOP", SIGSTOP },
                { "TSTP", SIGTSTP }, { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU }, { "URG", SIGURG },
                { "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ }, { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF },
                { "WINCH", SIGWINCH }, { "IO", SIGIO }, { "PWR", SIGPWR }, { "SYS", SIGSYS },
        };
        const char *bare = startswith(name, "SIG") ?: name;
        int sig;

        if (parse_int(name, &sig) >= 0)
                return sig > 0 && sig < NSIG ? sig : -EINVAL;
        for (size_t i = 0; i < ELEMENTSOF(signals); i++)
                if (strcasecmp(bare, signals[i].name) == 0)
                        return signals[i].sig;
        return -EINVAL;
}

int oci_cmd_kill(const struct oci_globals *g, int argc, char **argv) {
        static const struct option options[] = { { "all", no_argument, NULL, 'a' }, {} };
        _cleanup_(oci_state_done) struct oci_state s = { 0 };
        _cleanup_close_ int root_fd = -1;
        bool all = false;
        int opt, sig = SIGTERM, r;

        optind = 0;
        while ((opt = getopt_long_only(argc, argv, "+a", options, NULL)) >= 0) {
                if (opt != 'a')
                        return -EINVAL;
                all = true;
        }
        if (optind != argc - 1 && optind != argc - 2)
                return log_error("usage: userbox-oci kill [--all] ID [SIGNAL]");
        if (optind == argc - 2) {
                sig = parse_signal(argv[argc - 1]);
                if (sig < 0)
                        return log_error("'%s' is not a signal", argv[argc - 1]);
        }
        r = oci_root_open_as_owner(g, &root_fd);
        if (r >= 0)
                r = oci_state_load(root_fd, argv[optind], &s);
        if (r < 0)
                return r;
        if (s.status == OCI_STOPPED)
                return log_error("container '%s' is not running", s.id);
        r = all ? signal_all(&s, sig) : send_signal(&s, sig);
        if (r == -ESRCH)
                return log_error("container '%s' is not running", s.id);
        return r < 0 ? log_errno(r, "signalling container '%s'", s.id) : 0;
}

/* Waits for the process to be gone (or a zombie nobody reaped yet). */
static void wait_gone(const struct oci_state *s) {
        _cleanup_close_ int fd = -1;

        if (open_process(s, &fd) >= 0)
                (void) poll(&(struct pollfd) { .fd = fd, .events = POLLIN }, 1, 10000);
}

static bool state_exists(int root_fd, const char *id) {
        _cleanup_free_ char *state = path_join(id, OCI_STATE_FILE);

        return state && faccessat(root_fd, state, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

int oci_delete_container(int root_fd, const char *id, bool force) {
        _cleanup_(oci_state_done) struct oci_state s = { 0 };
        _cleanup_(oci_hooks_freep) struct oci_hooks *hooks = NULL;
        _cleanup_free_ char *text = NULL;
        int r;

        r = oci_id_check(id);
        if (r < 0)
                return r;
        /* --force of a container with no state (a create that failed or
         * was killed, an engine cleaning up twice): what is left of it
         * goes, and that is no error, as with runc and crun. */
        if (force && !state_exists(root_fd, id))
                return oci_state_remove(root_fd, id);
        r = oci_state_load(root_fd, id, &s);
        if (r < 0)
                return r;
        /* runtime.md: delete of a container that is not stopped fails and
         * changes nothing; a created one too, its process waits yet. */
        if (s.status != OCI_STOPPED && !force)
                return log_error("container '%s' is %s: stop it first (kill), or delete --force", id,
                                 oci_status_name(s.status));
        if (s.status != OCI_STOPPED) {
                (void) signal_all(&s, SIGKILL);
                wait_gone(&s);
        }
        text = oci_state_text(&s, OCI_STOPPED);
        if (text && oci_hooks_load(root_fd, id, &hooks) >= 0 &&
            oci_hooks_run(hooks, OCI_HOOK_POSTSTOP, text, true) < 0)
                log_warning("a poststop hook failed; container '%s' is deleted all the same", id);
        /* What double-forked out of init's sight is still in its cgroups
         * (v1 and v2); then the empty levels linux.cgroupsPath named. */
        for (size_t i = 0; s.cgroups && s.cgroups[i]; i++) {
                cgroup_remove_path(s.cgroups[i]);
                if (s.cgroups_path)
                        cgroup_remove_levels(s.cgroups[i], s.cgroups_path + strspn(s.cgroups_path, "/"));
        }
        return oci_state_remove(root_fd, id);
}

int oci_cmd_delete(const struct oci_globals *g, int argc, char **argv) {
        static const struct option options[] = { { "force", no_argument, NULL, 'f' }, {} };
        _cleanup_close_ int root_fd = -1;
        bool force = false;
        int opt, r;

        optind = 0;
        while ((opt = getopt_long_only(argc, argv, "+f", options, NULL)) >= 0) {
                if (opt != 'f')
                        return -EINVAL;
                force = true;
        }
        if (optind != argc - 1)
                return log_error("usage: userbox-oci delete [--force] ID");
        r = oci_root_open_as_owner(g, &root_fd);
        if (r >= 0)
                r = oci_delete_container(root_fd, argv[optind], force);
        return r;
}

static int list_print(int root_fd, bool json, bool quiet) {
        _cleanup_close_ int fd = fcntl(root_fd, F_DUPFD_CLOEXEC, 3);
        DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
        json_object *all = json_object_new_array();
        struct dirent *e;

        if (!d)
                return log_errno(-errno, "listing the containers");
        fd = -1;
        if (!json && !quiet)
                printf("%-20s %-8s %-10s %-40s %-32s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
        while ((e = readdir(d))) {
                _cleanup_(oci_state_done) struct oci_state s = { 0 };

                /* One being created has no state yet. */
                if (e->d_name[0] == '.' || !state_exists(root_fd, e->d_name))
                        continue;
                if (oci_state_load(root_fd, e->d_name, &s) < 0)
                        continue;
                if (quiet)
                        printf("%s\n", s.id);
                else if (json)
                        json_object_array_add(all, oci_state_json(&s));
                else
                        printf("%-20s %-8d %-10s %-40s %-32s %u\n", s.id, s.status == OCI_STOPPED ? 0 : (int) s.pid,
                               oci_status_name(s.status), s.bundle, s.created, (unsigned) s.owner);
        }
        closedir(d);
        if (json)
                printf("%s\n", json_object_to_json_string_ext(all, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(all);
        return 0;
}

int oci_cmd_list(const struct oci_globals *g, int argc, char **argv) {
        static const struct option options[] = {
                { "format", required_argument, NULL, 'f' }, { "quiet", no_argument, NULL, 'q' }, {}
        };
        _cleanup_close_ int root_fd = -1;
        bool json = false, quiet = false;
        int opt, r;

        optind = 0;
        while ((opt = getopt_long_only(argc, argv, "+f:q", options, NULL)) >= 0) {
                if (opt == 'q')
                        quiet = true;
                else if (opt == 'f' && (streq(optarg, "json") || streq(optarg, "table")))
                        json = streq(optarg, "json");
                else
                        return opt == 'f' ? log_error("--format '%s': table or json", optarg) : -EINVAL;
        }
        if (optind != argc)
                return log_error("usage: userbox-oci list [--format table|json] [--quiet]");
        r = oci_root_open_as_owner(g, &root_fd);
        return r < 0 ? r : list_print(root_fd, json, quiet);
}
