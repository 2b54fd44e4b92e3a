/* SPDX-License-Identifier: Apache-2.0 */
/* `userbox exec`, before its launch: the container found by name, the
 * configuration it was run with, and its namespaces and command identity
 * from its launcher. The launch itself is parent.c's exec mode. */
#include <fcntl.h>
#include <unistd.h>

#include "launch-internal.h"
#include "launch.h"
#include "state.h"
#include "util.h"

/* STATE/NAME, of a container that runs: its init is alive (pidfd, start
 * time). Prints why not. */
static int open_running(const char *name, int *ret_dir_fd, pid_t *ret_init_pid) {
        _cleanup_close_ int root_fd = -1, init_fd = -1;
        _cleanup_(state_done) struct state s = STATE_NULL;
        int r, fd;

        r = state_root_open(&root_fd);
        if (r < 0)
                return r;
        r = state_open_init_pidfd(root_fd, name, &init_fd);
        /* Its cgroups, for exec's command to join: read once the pidfd
         * shows the init alive. */
        if (r >= 0)
                r = state_read(root_fd, name, &s);
        if (r < 0)
                return r;
        *ret_init_pid = s.init_pid;
        fd = openat(root_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return log_errno(-errno, "container '%s'", name);
        *ret_dir_fd = fd;
        return 0;
}

/* The container NAME, asked for what exec needs (control.c), and the
 * config as run loaded into c: the launcher's own copy, never the file in
 * the state directory (which a container that reaches that directory
 * could rewrite). */
int launch_exec_find(const char *name, struct config *c, struct exec_target **ret) {
        _cleanup_close_ int dir_fd = -1;
        _cleanup_free_ char *where = NULL;
        struct exec_target *t;
        pid_t init_pid = 0;
        int r;

        r = open_running(name, &dir_fd, &init_pid);
        if (r < 0)
                return r;
        t = malloc(sizeof(*t));
        if (!t || asprintf(&where, "container '%s': its configuration", name) < 0) {
                free(t);
                return log_errno(-ENOMEM, "container '%s'", name);
        }
        r = control_ask(dir_fd, name, t);
        if (r < 0) {
                free(t);
                return r;
        }
        t->init_pid = init_pid;
        r = profile_load_string(c, where, t->config_text, t->config_size, false);
        if (r < 0) {
                launch_exec_target_free(t);
                return r;
        }
        /* Who the command is comes from the launcher, as run resolved it;
         * only exec's own -u names another user. And exec's command has a
         * terminal only when it asks for one. */
        free(c->user);
        c->user = NULL;
        c->tty = 0;
        *ret = t;
        return 0;
}

void launch_exec_target_free(struct exec_target *t) {
        if (!t)
                return;
        exec_target_done(t);
        free(t);
}
