/* SPDX-License-Identifier: Apache-2.0 */
/* What `userbox exec` needs from a named container's launcher: the
 * container's namespaces as fds and the command's identity, handed over
 * the control socket STATE/NAME/control. Both ends are here. */
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
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

int launch_namespace_fd(const struct launch_namespaces *ns, unsigned long flag) {
        for (unsigned i = 0; i < LAUNCH_NS_MAX; i++)
                if (launch_ns_kinds[i].flag == flag)
                        return ns->fd[i];
        return -1;
}

size_t exec_identity_size(const struct exec_identity *id) {
        return sizeof(*id) + (size_t) id->n_groups * sizeof(id->groups[0]);
}

/* The socket's address: through /proc/self/fd, so that a long
 * $XDG_RUNTIME_DIR never overflows sun_path, and nothing but the
 * directory already opened (and checked) is named. */
static int control_address(int dir_fd, struct sockaddr_un *ret) {
        *ret = (struct sockaddr_un) { .sun_family = AF_UNIX };
        if ((size_t) snprintf(ret->sun_path, sizeof(ret->sun_path), "/proc/self/fd/%d/" STATE_FILE_CONTROL, dir_fd) >=
            sizeof(ret->sun_path))
                return -ENAMETOOLONG;
        return 0;
}

int control_listen(int dir_fd, int *ret_fd) {
        _cleanup_close_ int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        struct sockaddr_un sa;
        int r;

        if (fd < 0)
                return log_errno(-errno, "creating the control socket");
        r = control_address(dir_fd, &sa);
        if (r < 0)
                return log_errno(r, "the control socket's address");
        (void) unlinkat(dir_fd, STATE_FILE_CONTROL, 0);
        if (bind(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0 || listen(fd, 16) < 0)
                return log_errno(-errno, "creating the control socket");
        *ret_fd = TAKE_FD(fd);
        return 0;
}

/* The proof of being in a user namespace: an fd of it. A process inside a
 * container has none of its parent's (NS_GET_PARENT refuses what is
 * outside the caller's scope, and userbox hands no host fd in); a uid
 * proves nothing, as a container's root is the user's own uid on the
 * host. */
static int own_user_namespace(int *ret_fd) {
        int fd = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        *ret_fd = fd;
        return 0;
}

static bool same_namespace(int a, int b) {
        struct stat sa, sb;
        return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* One datagram with fds attached. */
static ssize_t send_with_fds(int fd, const void *data, size_t size, const int *fds, unsigned n) {
        union {
                char buf[CMSG_SPACE(sizeof(int) * (LAUNCH_NS_MAX + 1))];
                struct cmsghdr align;
        } control = { 0 };
        struct iovec iov = { (void *) data, size };
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

        if (n > 0) {
                struct cmsghdr *c;
                msg.msg_control = control.buf;
                msg.msg_controllen = CMSG_SPACE(sizeof(int) * n);
                c = CMSG_FIRSTHDR(&msg);
                c->cmsg_level = SOL_SOCKET;
                c->cmsg_type = SCM_RIGHTS;
                c->cmsg_len = CMSG_LEN(sizeof(int) * n);
                memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
        }
        return sendmsg(fd, &msg, MSG_NOSIGNAL);
}

/* One datagram; its fds (up to max) into fds, their number into *n. */
static ssize_t recv_with_fds(int fd, void *data, size_t size, int *fds, unsigned max, unsigned *n) {
        union {
                char buf[CMSG_SPACE(sizeof(int) * (LAUNCH_NS_MAX + 1))];
                struct cmsghdr align;
        } control;
        struct iovec iov = { data, size };
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                              .msg_controllen = sizeof(control.buf) };
        ssize_t got;

        *n = 0;
        do
                got = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
        while (got < 0 && errno == EINTR);
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
                unsigned k;
                if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
                        continue;
                k = (unsigned) ((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
                for (unsigned i = 0; i < k; i++) {
                        int one;
                        memcpy(&one, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
                        if (*n < max)
                                fds[(*n)++] = one;
                        else
                                close(one);
                }
        }
        if (got >= 0 && (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)))
                return -EMSGSIZE;
        return got < 0 ? -errno : got;
}

static void close_all(int *fds, unsigned n) {
        for (unsigned i = 0; i < n; i++)
                close(fds[i]);
}

#define CONTROL_REQUEST "userbox-exec-1"
#define CONTROL_CHUNK (32 * 1024)

/* One connection, answered at once: the peer asked with the proof that it
 * is in our user namespace, and gets ours with the answer: the
 * identity, the namespaces, then the config in chunks. A peer that does
 * not read holds the launcher for at most a second. */
void control_answer(int listen_fd, const struct named *n) {
        _cleanup_close_ int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC), own = -1;
        struct timeval timeout = { .tv_sec = 1 };
        char request[sizeof(CONTROL_REQUEST)] = "";
        int fds[LAUNCH_NS_MAX + 1], proof[1];
        unsigned k = 0, n_proof;
        ssize_t got;
        bool ok;

        if (fd < 0 || !n || !n->identity)
                return; /* still starting: the peer reads end of file */
        if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout)) < 0 ||
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout)) < 0)
                return;
        got = recv_with_fds(fd, request, sizeof(request), proof, 1, &n_proof);
        if (n_proof != 1)
                return;
        ok = got == (ssize_t) sizeof(request) && memcmp(request, CONTROL_REQUEST, sizeof(request)) == 0 &&
             own_user_namespace(&own) >= 0 && same_namespace(proof[0], own);
        close(proof[0]);
        if (!ok)
                return;
        for (unsigned i = 0; i < LAUNCH_NS_MAX; i++)
                if (n->ns.fd[i] >= 0)
                        fds[k++] = n->ns.fd[i];
        fds[k++] = own;
        n->identity->config_size = (uint32_t) n->config_size;
        if (send_with_fds(fd, n->identity, exec_identity_size(n->identity), fds, k) < 0)
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

static int read_answer(int fd, const char *name, int own, struct exec_target *ret) {
        size_t max = sizeof(struct exec_identity) + EXEC_IDENTITY_GROUPS_MAX * sizeof(uint32_t);
        _cleanup_free_ struct exec_identity *id = malloc(max);
        int fds[LAUNCH_NS_MAX + 1];
        unsigned n;
        ssize_t got;

        if (!id)
                return log_errno(-ENOMEM, "container '%s'", name);
        got = recv_with_fds(fd, id, max, fds, LAUNCH_NS_MAX + 1, &n);
        if (got == 0)
                return log_error("container '%s' is still starting or already stopping", name);
        if (got < 0) {
                close_all(fds, n);
                return log_errno((int) got, "container '%s': reading its launcher's answer", name);
        }
        /* The launcher's proof comes last: our own user namespace. */
        if (n < 2 || !same_namespace(fds[n - 1], own)) {
                close_all(fds, n);
                return log_error("container '%s': what answers on its control socket is not its launcher", name);
        }
        close(fds[--n]);
        if ((size_t) got < sizeof(*id) || id->type != SYNC_IDENTITY || id->n_groups > EXEC_IDENTITY_GROUPS_MAX ||
            exec_identity_size(id) != (size_t) got || take_namespaces(fds, n, id->ns_flags, &ret->ns) < 0) {
                launch_namespaces_done(&ret->ns);
                close_all(fds, n);
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
        r = own_user_namespace(&own);
        if (r < 0)
                return log_errno(r, "opening /proc/self/ns/user");
        r = control_address(dir_fd, &sa);
        if (r < 0)
                return log_errno(r, "container '%s': the control socket's address", name);
        if (connect(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0) {
                if (errno == ECONNREFUSED || errno == ENOENT)
                        return log_error("container '%s' is not running (its launcher does not answer)", name);
                return log_errno(-errno, "container '%s': connecting to its launcher", name);
        }
        if (send_with_fds(fd, CONTROL_REQUEST, sizeof(CONTROL_REQUEST), &own, 1) < 0)
                return log_errno(-errno, "container '%s': asking its launcher", name);
        r = read_answer(fd, name, own, &t);
        if (r >= 0)
                r = read_config(fd, name, &t);
        if (r < 0) {
                exec_target_done(&t);
                return r;
        }
        *ret = t;
        return 0;
}
