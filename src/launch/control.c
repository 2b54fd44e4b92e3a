/* SPDX-License-Identifier: Apache-2.0 */
/* What `userbox exec` needs from a named container's launcher: the
 * container's namespaces as fds and the command's identity, handed over
 * the control socket STATE/NAME/control. Both ends are here. */
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <sys/socket.h>
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

/* One connection: only the user's own processes get an answer (the
 * directory is 0700 too). The answer never blocks the launcher: a peer
 * that does not read it loses it. */
void control_answer(int listen_fd, const struct launch_namespaces *ns, const struct exec_identity *id) {
        _cleanup_close_ int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        union {
                char buf[CMSG_SPACE(sizeof(int) * LAUNCH_NS_MAX)];
                struct cmsghdr align;
        } control = { 0 };
        struct iovec iov = { (void *) id, id ? exec_identity_size(id) : 0 };
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
        struct ucred cred;
        socklen_t len = sizeof(cred);
        int fds[LAUNCH_NS_MAX];
        unsigned n = 0;

        if (fd < 0)
                return;
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 || cred.uid != getuid())
                return;
        if (!id)
                return; /* still starting: the peer reads end of file */
        for (unsigned i = 0; i < LAUNCH_NS_MAX; i++)
                if (ns->fd[i] >= 0)
                        fds[n++] = ns->fd[i];
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
        (void) sendmsg(fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* The answer's fds, in launch_ns_kinds order for the flags given. */
static int take_namespace_fds(struct msghdr *msg, unsigned long flags, struct launch_namespaces *ret) {
        struct launch_namespaces ns = LAUNCH_NAMESPACES_NULL;
        int fds[LAUNCH_NS_MAX];
        unsigned n = 0, k = 0;

        for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c))
                if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && n == 0) {
                        n = (unsigned) ((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
                        if (n > LAUNCH_NS_MAX)
                                n = LAUNCH_NS_MAX;
                        memcpy(fds, CMSG_DATA(c), sizeof(int) * n);
                }
        for (unsigned i = 0; i < LAUNCH_NS_MAX; i++)
                if ((flags & launch_ns_kinds[i].flag) && k < n) {
                        ns.fd[i] = fds[k++];
                        ns.flags |= launch_ns_kinds[i].flag;
                }
        for (; k < n; k++)
                close(fds[k]);
        *ret = ns;
        return ns.flags == flags ? 0 : -EBADMSG;
}

int control_ask(int dir_fd, const char *name, struct launch_namespaces *ret_ns, struct exec_identity **ret_id) {
        size_t size = sizeof(struct exec_identity) + EXEC_IDENTITY_GROUPS_MAX * sizeof(uint32_t);
        _cleanup_close_ int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
        _cleanup_free_ struct exec_identity *id = malloc(size);
        union {
                char buf[CMSG_SPACE(sizeof(int) * LAUNCH_NS_MAX)];
                struct cmsghdr align;
        } control;
        struct iovec iov = { id, size };
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                              .msg_controllen = sizeof(control.buf) };
        struct sockaddr_un sa;
        unsigned long flags;
        ssize_t n;
        int r;

        if (fd < 0 || !id)
                return log_errno(fd < 0 ? -errno : -ENOMEM, "container '%s': the control socket", name);
        r = control_address(dir_fd, &sa);
        if (r < 0)
                return log_errno(r, "container '%s': the control socket's address", name);
        if (connect(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0) {
                if (errno == ECONNREFUSED || errno == ENOENT)
                        return log_error("container '%s' is not running (its launcher does not answer)", name);
                return log_errno(-errno, "container '%s': connecting to its launcher", name);
        }
        do
                n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return log_errno(-errno, "container '%s': reading its launcher's answer", name);
        if (n == 0)
                return log_error("container '%s' is still starting or already stopping", name);
        /* The flags the fds stand for come with the identity: the
         * namespaces the container has, as its launcher opened them. */
        if ((size_t) n < sizeof(*id) || id->type != SYNC_IDENTITY || exec_identity_size(id) != (size_t) n ||
            id->n_groups > EXEC_IDENTITY_GROUPS_MAX) {
                struct launch_namespaces junk;
                (void) take_namespace_fds(&msg, 0, &junk);
                return log_error("container '%s': its launcher's answer is malformed", name);
        }
        flags = 0;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
                if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
                        flags = 1; /* some fds came */
        if (!flags)
                return log_error("container '%s': its launcher sent no namespaces", name);
        id->home[sizeof(id->home) - 1] = '\0';
        r = take_namespace_fds(&msg, id->ns_flags, ret_ns);
        if (r < 0) {
                launch_namespaces_done(ret_ns);
                return log_error("container '%s': its launcher's namespaces are not the ones it names", name);
        }
        *ret_id = TAKE_PTR(id);
        return 0;
}
