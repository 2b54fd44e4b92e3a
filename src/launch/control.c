/* SPDX-License-Identifier: Apache-2.0 */
/* What `userbox exec` needs from a named container's launcher: the
 * container's namespaces as fds and the command's identity, handed over
 * the control socket STATE/NAME/control. Both ends are here. */
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "launch-internal.h"
#include "state.h"
#include "util.h"


/* The order fds are held and joined in: the user namespace first, for
 * joining the others takes the capabilities it gives. */
const struct launch_ns_kind launch_ns_kinds[LAUNCH_NS_MAX] = {
        { CLONE_NEWUSER, "user" },   { CLONE_NEWNS, "mnt" },  { CLONE_NEWPID, "pid" },
        { CLONE_NEWUTS, "uts" },     { CLONE_NEWIPC, "ipc" }, { CLONE_NEWNET, "net" },
        { CLONE_NEWCGROUP, "cgroup" },
};

/* The launcher opens them while its child is dumpable (sync step 1):
 * /proc/PID/ns of a non-dumpable process belongs to root, and the
 * container's init stays non-dumpable for its whole life. */
int launch_namespaces_open(pid_t pid, unsigned long flags, struct launch_namespaces *ret) {
        struct launch_namespaces ns = LAUNCH_NAMESPACES_NULL;

        for (unsigned i = 0; i < LAUNCH_NS_MAX; i++) {
                char path[64];
                if (!(flags & launch_ns_kinds[i].flag))
                        continue;
                snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int) pid, launch_ns_kinds[i].name);
                ns.fd[i] = open(path, O_RDONLY | O_CLOEXEC);
                if (ns.fd[i] < 0) {
                        int r = log_errno(-errno, "opening '%s'", path);
                        launch_namespaces_done(&ns);
                        return r;
                }
                ns.flags |= launch_ns_kinds[i].flag;
        }
        *ret = ns;
        return 0;
}

void launch_namespaces_done(struct launch_namespaces *ns) {
        for (unsigned i = 0; i < LAUNCH_NS_MAX; i++)
                if (ns->fd[i] >= 0) {
                        close(ns->fd[i]);
                        ns->fd[i] = -1;
                }
        ns->flags = 0;
}

void launch_namespaces_add(struct launch_namespaces *ns, unsigned long flag, int fd) {
        for (unsigned i = 0; i < LAUNCH_NS_MAX; i++)
                if (launch_ns_kinds[i].flag == flag) {
                        if (ns->fd[i] >= 0)
                                close(ns->fd[i]);
                        ns->fd[i] = fd;
                        ns->flags |= flag;
                        return;
                }
        close(fd);
}

int launch_namespace_fd(const struct launch_namespaces *ns, unsigned long flag) {
        for (unsigned i = 0; i < LAUNCH_NS_MAX; i++)
                if (launch_ns_kinds[i].flag == flag)
                        return ns->fd[i];
        return -1;
}

size_t exec_identity_size(const struct exec_identity *id) {
        return sizeof(*id) + (size_t) id->n_groups * sizeof(id->groups[0]);
}

int control_listen(int dir_fd, int *ret_fd) {
        _cleanup_close_ int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        struct sockaddr_un sa;
        int r;

        if (fd < 0)
                return log_errno(-errno, "creating the control socket");
        r = state_control_address(dir_fd, &sa);
        if (r < 0)
                return log_errno(r, "the control socket's address");
        (void) unlinkat(dir_fd, STATE_FILE_CONTROL, 0);
        if (bind(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0 || listen(fd, 16) < 0)
                return log_errno(-errno, "creating the control socket");
        *ret_fd = TAKE_FD(fd);
        return 0;
}

#define CONTROL_CHUNK (32 * 1024)

/* One connection, answered at once, to a peer that asked with the proof
 * that it is in our user namespace (util.h: a uid proves nothing), and
 * with ours: a ping (stop and kill check they have the container's
 * launcher) gets that alone; exec, once the command runs, the identity
 * and the namespaces, then the config in chunks. A peer that does not
 * read holds the launcher for at most a second. */
void control_answer(int listen_fd, const struct named *n, bool started) {
        _cleanup_close_ int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC), own = userns_open_own();
        struct timeval timeout = { .tv_sec = 1 };
        char request[sizeof(STATE_CONTROL_EXEC)] = "";
        int fds[LAUNCH_NS_MAX + 1], proof[1];
        unsigned k = 0, n_proof;
        ssize_t got;
        bool ok;

        if (fd < 0 || own < 0)
                return;
        if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout)) < 0 ||
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout)) < 0)
                return;
        got = fd_recv(fd, request, sizeof(request), proof, 1, &n_proof);
        if (n_proof != 1)
                return;
        ok = userns_is_own(proof[0]);
        close(proof[0]);
        if (!ok)
                return;
        if (got == (ssize_t) sizeof(STATE_CONTROL_PING) && memcmp(request, STATE_CONTROL_PING, (size_t) got) == 0) {
                (void) fd_send(fd, "p", 1, &own, 1);
                return;
        }
        if (got != (ssize_t) sizeof(STATE_CONTROL_EXEC) || memcmp(request, STATE_CONTROL_EXEC, (size_t) got) != 0 ||
            !started || !n->identity)
                return; /* the peer reads end of file */
        for (unsigned i = 0; i < LAUNCH_NS_MAX; i++)
                if (n->ns.fd[i] >= 0)
                        fds[k++] = n->ns.fd[i];
        fds[k++] = own;
        n->identity->config_size = (uint32_t) n->config_size;
        if (fd_send(fd, n->identity, exec_identity_size(n->identity), fds, k) < 0)
                return;
        for (size_t off = 0; off < n->config_size; off += CONTROL_CHUNK) {
                size_t len = n->config_size - off < CONTROL_CHUNK ? n->config_size - off : CONTROL_CHUNK;
                if (send(fd, n->config_text + off, len, MSG_NOSIGNAL) != (ssize_t) len)
                        return;
        }
}

void exec_target_done(struct exec_target *t) {
        launch_namespaces_done(&t->ns);
        free(t->identity);
        free(t->config_text);
        *t = (struct exec_target) { .ns = LAUNCH_NAMESPACES_NULL };
}

/* The answer's namespace fds, in launch_ns_kinds order for its flags. */
static int take_namespaces(const int *fds, unsigned n, unsigned long flags, struct launch_namespaces *ret) {
        unsigned k = 0;

        *ret = (struct launch_namespaces) LAUNCH_NAMESPACES_NULL;
        for (unsigned i = 0; i < LAUNCH_NS_MAX; i++)
                if ((flags & launch_ns_kinds[i].flag) && k < n) {
                        ret->fd[i] = fds[k++];
                        ret->flags |= launch_ns_kinds[i].flag;
                }
        return ret->flags == flags && k == n ? 0 : -EBADMSG;
}

static int read_answer(int fd, const char *name, struct exec_target *ret) {
        size_t max = sizeof(struct exec_identity) + EXEC_IDENTITY_GROUPS_MAX * sizeof(uint32_t);
        _cleanup_free_ struct exec_identity *id = malloc(max);
        int fds[LAUNCH_NS_MAX + 1];
        unsigned n;
        ssize_t got;

        if (!id)
                return log_errno(-ENOMEM, "container '%s'", name);
        got = fd_recv(fd, id, max, fds, LAUNCH_NS_MAX + 1, &n);
        if (got == 0)
                return log_error("container '%s' is still starting or already stopping", name);
        if (got < 0) {
                fd_close_all(fds, n);
                return log_errno((int) got, "container '%s': reading its launcher's answer", name);
        }
        /* The launcher's proof comes last: our own user namespace. */
        if (n < 2 || !userns_is_own(fds[n - 1])) {
                fd_close_all(fds, n);
                return log_error("container '%s': what answers on its control socket is not its launcher", name);
        }
        close(fds[--n]);
        if ((size_t) got < sizeof(*id) || id->type != SYNC_IDENTITY || id->n_groups > EXEC_IDENTITY_GROUPS_MAX ||
            exec_identity_size(id) != (size_t) got || take_namespaces(fds, n, id->ns_flags, &ret->ns) < 0) {
                launch_namespaces_done(&ret->ns);
                fd_close_all(fds, n);
                return log_error("container '%s': its launcher's answer is malformed", name);
        }
        id->home[sizeof(id->home) - 1] = '\0';
        ret->identity = TAKE_PTR(id);
        return 0;
}

static int read_config(int fd, const char *name, struct exec_target *t) {
        size_t size = t->identity->config_size, off = 0;

        t->config_text = malloc(size + 1);
        if (!t->config_text)
                return log_errno(-ENOMEM, "container '%s'", name);
        while (off < size) {
                ssize_t got = recv(fd, t->config_text + off, size - off, 0);
                if (got < 0 && errno == EINTR)
                        continue;
                if (got <= 0)
                        return log_error("container '%s': its launcher's answer ended early", name);
                off += (size_t) got;
        }
        t->config_text[size] = '\0';
        t->config_size = size;
        return 0;
}

int control_ask(int dir_fd, const char *name, struct exec_target *ret) {
        _cleanup_close_ int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0), own = -1;
        struct exec_target t = { .ns = LAUNCH_NAMESPACES_NULL };
        struct sockaddr_un sa;
        int r;

        if (fd < 0)
                return log_errno(-errno, "container '%s': the control socket", name);
        own = userns_open_own();
        if (own < 0)
                return log_errno(own, "opening /proc/self/ns/user");
        r = state_control_address(dir_fd, &sa);
        if (r < 0)
                return log_errno(r, "container '%s': the control socket's address", name);
        if (connect(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0) {
                if (errno == ECONNREFUSED || errno == ENOENT)
                        return log_error("container '%s' is not running (its launcher does not answer)", name);
                return log_errno(-errno, "container '%s': connecting to its launcher", name);
        }
        r = (int) fd_send(fd, STATE_CONTROL_EXEC, sizeof(STATE_CONTROL_EXEC), &own, 1);
        if (r < 0)
                return log_errno(r, "container '%s': asking its launcher", name);
        r = read_answer(fd, name, &t);
        if (r >= 0)
                r = read_config(fd, name, &t);
        if (r < 0) {
                exec_target_done(&t);
                return r;
        }
        *ret = t;
        return 0;
}
