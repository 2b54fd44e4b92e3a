/* SPDX-License-Identifier: Apache-2.0 */
/* Datagrams with fds attached (SCM_RIGHTS), and the proof that a peer is
 * in one's own user namespace: an fd of it. */
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

ssize_t fd_send(int sock, const void *data, size_t size, const int *fds, unsigned n) {
        union {
                char buf[CMSG_SPACE(sizeof(int) * FD_PASS_MAX)];
                struct cmsghdr align;
        } control = { 0 };
        struct iovec iov = { (void *) data, size };
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

        if (n > FD_PASS_MAX)
                return -EINVAL;
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
        return sendmsg(sock, &msg, MSG_NOSIGNAL) < 0 ? -errno : (ssize_t) size;
}

ssize_t fd_recv(int sock, void *data, size_t size, int *fds, unsigned max, unsigned *ret_n) {
        union {
                char buf[CMSG_SPACE(sizeof(int) * FD_PASS_MAX)];
                struct cmsghdr align;
        } control;
        struct iovec iov = { data, size };
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                              .msg_controllen = sizeof(control.buf) };
        ssize_t got;

        *ret_n = 0;
        do
                got = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
        while (got < 0 && errno == EINTR);
        if (got < 0)
                return -errno;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
                unsigned k;
                if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
                        continue;
                k = (unsigned) ((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
                for (unsigned i = 0; i < k; i++) {
                        int one;
                        memcpy(&one, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
                        if (*ret_n < max)
                                fds[(*ret_n)++] = one;
                        else
                                close(one);
                }
        }
        if (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
                fd_close_all(fds, *ret_n);
                *ret_n = 0;
                return -EMSGSIZE;
        }
        return got;
}

void fd_close_all(const int *fds, unsigned n) {
        for (unsigned i = 0; i < n; i++)
                close(fds[i]);
}

/* A process inside a container has no fd of its parent's user namespace:
 * NS_GET_PARENT refuses what is outside the caller's scope, and userbox
 * leaves no host fd to what a container runs (the cgroup files its first
 * process is handed are closed before its command). A uid proves
 * nothing: a container's root is the user's own uid on the host. */
int userns_open_own(void) {
        int fd = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
        return fd < 0 ? -errno : fd;
}

bool userns_is_own(int fd) {
        _cleanup_close_ int own = userns_open_own();
        struct stat a, b;

        return own >= 0 && fstat(fd, &a) == 0 && fstat(own, &b) == 0 && a.st_dev == b.st_dev &&
               a.st_ino == b.st_ino;
}
