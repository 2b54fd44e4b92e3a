/* SPDX-License-Identifier: Apache-2.0 */
/* `userbox exec`, before its launch: the container found by name, the
 * configuration it was run with, and its namespaces and command identity
 * from its launcher. The launch itself is parent.c's exec mode. */
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "launch-internal.h"
#include "launch.h"
#include "state.h"
#include "util.h"

#define EXEC_CONFIG_FILE "config"
#define EXEC_CONFIG_MAX (1024 * 1024)

/* STATE/NAME, of a container that runs: its init is alive (pidfd, start
 * time). Prints why not. */
static int open_running(const char *name, int *ret_dir_fd) {
        _cleanup_close_ int root_fd = -1, init_fd = -1;
        int r, fd;

        r = state_root_open(&root_fd);
        if (r < 0)
                return r;
        r = state_open_init_pidfd(root_fd, name, &init_fd);
        if (r < 0)
                return r;
        fd = openat(root_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return log_errno(-errno, "container '%s'", name);
        *ret_dir_fd = fd;
        return 0;
}

/* The config as run: written by the container's launcher (0600, in the
 * user's own 0700 directory), where nothing of the container reaches. */
int launch_exec_load(const char *name, struct config *c) {
        _cleanup_close_ int dir_fd = -1, fd = -1;
        _cleanup_free_ char *text = NULL, *where = NULL;
        struct stat st;
        ssize_t n;
        int r;

        r = open_running(name, &dir_fd);
        if (r < 0)
                return r;
        if (asprintf(&where, "container '%s': %s", name, EXEC_CONFIG_FILE) < 0)
                return log_errno(-ENOMEM, "container '%s'", name);
        fd = openat(dir_fd, EXEC_CONFIG_FILE, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
                return log_errno(-errno, "%s", where);
        if (fstat(fd, &st) < 0)
                return log_errno(-errno, "%s", where);
        if (!S_ISREG(st.st_mode) || st.st_uid != getuid() || (st.st_mode & 0077))
                return log_error("%s: not a private regular file of yours", where);
        if (st.st_size > EXEC_CONFIG_MAX)
                return log_error("%s: larger than 1 MiB", where);
        text = malloc((size_t) st.st_size + 1);
        if (!text)
                return log_errno(-ENOMEM, "%s", where);
        n = read(fd, text, (size_t) st.st_size);
        if (n != st.st_size)
                return log_errno(n < 0 ? -errno : -EIO, "reading %s", where);
        r = profile_load_string(c, where, text, (size_t) n, false);
        if (r < 0)
                return r;
        /* Who the command is comes from the launcher, as run resolved it;
         * only exec's own -u names another user. And exec's command has a
         * terminal only when it asks for one. */
        free(c->user);
        c->user = NULL;
        c->tty = 0;
        return 0;
}

int exec_join_find(const char *name, struct launch_namespaces *ret_ns, struct exec_identity **ret_id) {
        _cleanup_close_ int dir_fd = -1;
        int r;

        r = open_running(name, &dir_fd);
        if (r < 0)
                return r;
        return control_ask(dir_fd, name, ret_ns, ret_id);
}
