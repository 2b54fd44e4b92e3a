/* SPDX-License-Identifier: Apache-2.0 */
/* userbox-oci exec: a command in a running container. Create's launcher
 * is gone, so nothing is asked of it: the container's namespaces come
 * from /proc/PID/ns (the caller owns its user namespace), and what the
 * command gets (filter, capabilities, limits, environment) from the
 * bundle's config.json, with exec's --process or options on top. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "launch.h"
#include "oci-life.h"
#include "util.h"

struct exec_options {
        const char *process;
        const char *console_socket;
        const char *pid_file;
        const char *cwd;
        const char *user;
        char **env;
        bool tty, detach;
        unsigned preserve_fds;
};

static const struct option exec_long_options[] = {
        { "process",        required_argument, NULL, 'p' },
        { "console-socket", required_argument, NULL, 'c' },
        { "pid-file",       required_argument, NULL, 'P' },
        { "cwd",            required_argument, NULL, 'w' },
        { "user",           required_argument, NULL, 'u' },
        { "env",            required_argument, NULL, 'e' },
        { "tty",            no_argument,       NULL, 't' },
        { "detach",         no_argument,       NULL, 'd' },
        { "preserve-fds",   required_argument, NULL, 'f' },
        { "no-new-privs",   no_argument,       NULL, 'n' },
        {}
};

static int parse_exec(int argc, char **argv, struct exec_options *o) {
        int opt;

        optind = 0;
        while ((opt = getopt_long_only(argc, argv, "+p:w:u:e:td", exec_long_options, NULL)) >= 0) {
                switch (opt) {
                case 'p': o->process = optarg; break;
                case 'c': o->console_socket = optarg; break;
                case 'P': o->pid_file = optarg; break;
                case 'w': o->cwd = optarg; break;
                case 'u': o->user = optarg; break;
                case 't': o->tty = true; break;
                case 'd': o->detach = true; break;
                case 'n': break;
                case 'e':
                        if (!strchr(optarg, '=') || strv_extend(&o->env, optarg) < 0)
                                return log_error("--env '%s': NAME=VALUE", optarg);
                        break;
                case 'f':
                        if (parse_uint32(optarg, &o->preserve_fds) < 0 || o->preserve_fds > 1024)
                                return log_error("--preserve-fds '%s': not a number up to 1024", optarg);
                        break;
                default: return -EINVAL;
                }
        }
        if (optind >= argc || (!o->process && optind + 1 >= argc))
                return log_error("usage: userbox-oci exec [OPTIONS] ID (--process FILE | COMMAND [ARG...])");
        return 0;
}

/* --process FILE: a process object, as config.json's; its capabilities,
 * when it names them, replace config.json's five sets. Its oomScoreAdj
 * is the command's, as config.json's is without --process; a file that
 * has none leaves the command the caller's. */
static int load_process_file(const char *path, struct config *c, struct oci_spec *s) {
        _cleanup_free_ char *text = NULL, *reason = NULL;
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        json_object *process, *doc;
        size_t size;
        int r;

        if (fd < 0)
                return log_errno(-errno, "--process '%s'", path);
        r = read_full_fd(fd, 1024 * 1024, &text, &size);
        if (r < 0)
                return log_errno(r, "--process '%s'", path);
        process = json_tokener_parse(text);
        if (!process)
                return log_error("--process '%s': not JSON", path);
        doc = json_object_new_object();
        json_object_object_add(doc, "process", process);
        r = oci_process_parse(doc, c, s->process, &reason);
        if (r >= 0)
                r = oci_capabilities_parse(process, c, s->linux_spec, &reason);
        json_object_put(doc);
        if (r < 0)
                return reason ? log_error("--process '%s': %s", path, reason) : log_errno(r, "--process '%s'", path);
        return 0;
}

/* exec's options over config.json's process. */
static int apply_options(const struct exec_options *o, char **command, struct config *c, struct oci_process *p) {
        if (command) {
                strv_free(c->command);
                c->command = strv_copy(command);
                if (!c->command)
                        return log_errno(-ENOMEM, "the command");
                c->tty = o->tty;
                p->terminal = o->tty;
        }
        for (size_t i = 0; o->env && o->env[i]; i++)
                if (strv_extend(&c->env_set, o->env[i]) < 0)
                        return log_errno(-ENOMEM, "--env");
        if (o->cwd) {
                if (!path_is_absolute(o->cwd))
                        return log_error("--cwd '%s': not an absolute path", o->cwd);
                free(c->working_directory);
                c->working_directory = strdup(o->cwd);
        }
        if (o->user) {
                uint32_t uid, gid = p->gid;
                _cleanup_free_ char *copy = strdup(o->user);
                char *colon = copy ? strchr(copy, ':') : NULL;

                if (colon)
                        *colon = '\0';
                if (!copy || parse_uint32(copy, &uid) < 0 || (colon && parse_uint32(colon + 1, &gid) < 0))
                        return log_error("--user '%s': UID[:GID], numbers", o->user);
                p->uid = uid;
                p->gid = gid;
        }
        c->preserve_fds = o->preserve_fds;
        if (p->terminal && (!o->console_socket || !o->detach))
                return log_error("a terminal (--tty, process.terminal) goes to a --console-socket, with --detach");
        return 0;
}

struct exec_context {
        const struct exec_options *options;
};

static int on_started(void *userdata, pid_t pid, int pty_master) {
        struct exec_context *x = userdata;
        int r = 0;

        if (x->options->console_socket)
                r = oci_send_console(x->options->console_socket, pty_master);
        if (r >= 0 && x->options->pid_file)
                r = oci_write_pid_file(x->options->pid_file, pid);
        return r;
}

int oci_cmd_exec(const struct oci_globals *g, int argc, char **argv) {
        _cleanup_(oci_state_done) struct oci_state s = { 0 };
        _cleanup_(config_done) struct config c;
        _cleanup_(oci_spec_done) struct oci_spec spec = { 0 };
        _cleanup_close_ int root_fd = -1;
        struct exec_options o = { 0 };
        struct exec_context x = { .options = &o };
        struct launch_oci_exec e;
        int r;

        config_init(&c);
        r = parse_exec(argc, argv, &o);
        if (r >= 0)
                r = oci_root_open(g, &root_fd);
        if (r >= 0)
                r = oci_state_load(root_fd, argv[optind], &s);
        if (r >= 0 && s.status != OCI_RUNNING)
                r = log_error("container '%s' is %s: exec needs a running one", s.id, oci_status_name(s.status));
        if (r >= 0)
                r = oci_spec_load(s.bundle, &c, &spec);
        if (r >= 0 && o.process)
                r = load_process_file(o.process, &c, &spec);
        if (r >= 0)
                r = apply_options(&o, o.process ? NULL : argv + optind + 1, &c, spec.process);
        if (r < 0) {
                strv_free(o.env);
                return r;
        }
        config_finalize(&c);
        e = (struct launch_oci_exec) {
                .container_pid = s.pid, .cgroups = s.cgroups, .uid = spec.process->uid, .gid = spec.process->gid,
                .groups = spec.process->additional_gids, .n_groups = spec.process->n_additional_gids,
                .has_oom_score_adj = spec.process->has_oom_score_adj,
                .oom_score_adj = spec.process->oom_score_adj,
                .detach = o.detach, .started = on_started, .userdata = &x,
        };
        r = launch_oci_exec(&c, &e);
        strv_free(o.env);
        return r;
}
