/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "tty.h"
#include "util.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

int tty_relay_start(struct tty_relay *t, int master, bool read_input) {
        struct winsize ws;

        t->master = master;
        t->input = read_input ? STDIN_FILENO : -1;
        t->raw = false;
        if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &t->saved) == 0) {
                struct termios raw = t->saved;
                /* Every key goes to the pty: ^C, ^Z and ^\ become signals of
                 * the container's own line discipline, not ours. */
                cfmakeraw(&raw);
                if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) < 0)
                        return -errno;
                t->raw = true;
        }
        if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 || ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
                (void) ioctl(master, TIOCSWINSZ, &ws);
        return 0;
}

void tty_relay_resize(struct tty_relay *t) {
        struct winsize ws;
        if (t->master >= 0 && (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 || ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0))
                (void) ioctl(t->master, TIOCSWINSZ, &ws);
}

static int write_all(int fd, const char *buf, size_t n) {
        while (n > 0) {
                ssize_t w = write(fd, buf, n);
                if (w < 0) {
                        if (errno == EINTR)
                                continue;
                        if (errno == EAGAIN) {
                                struct pollfd p = { .fd = fd, .events = POLLOUT };
                                (void) poll(&p, 1, -1);
                                continue;
                        }
                        return -errno;
                }
                buf += w;
                n -= (size_t) w;
        }
        return 0;
}

int tty_relay_from_input(struct tty_relay *t) {
        char buf[65536];
        ssize_t n = read(t->input, buf, sizeof(buf));

        if (n < 0 && (errno == EINTR || errno == EAGAIN))
                return 0;
        if (n <= 0) {
                /* A pty has no half-close: end of input is the terminal's
                 * EOF character, which ends a read in canonical mode. */
                struct termios tio;
                char eof = tcgetattr(t->master, &tio) == 0 ? (char) tio.c_cc[VEOF] : 4;
                (void) write_all(t->master, &eof, 1);
                t->input = -1;
                return 0;
        }
        return write_all(t->master, buf, (size_t) n);
}

int tty_relay_from_master(struct tty_relay *t) {
        char buf[65536];
        ssize_t n = read(t->master, buf, sizeof(buf));

        if (n < 0 && (errno == EINTR || errno == EAGAIN))
                return 0;
        if (n <= 0)
                return -EIO; /* every slave closed */
        return write_all(STDOUT_FILENO, buf, (size_t) n);
}

void tty_relay_stop(struct tty_relay *t) {
        if (t->master >= 0) {
                int flags = fcntl(t->master, F_GETFL);
                if (flags >= 0)
                        (void) fcntl(t->master, F_SETFL, flags | O_NONBLOCK);
                while (tty_relay_from_master(t) == 0) {
                        struct pollfd p = { .fd = t->master, .events = POLLIN };
                        if (poll(&p, 1, 0) <= 0)
                                break;
                }
                close(t->master);
                t->master = -1;
        }
        if (t->raw) {
                (void) tcsetattr(STDIN_FILENO, TCSANOW, &t->saved);
                t->raw = false;
        }
        t->input = -1;
}

int tty_open_pair(int *ret_master, int *ret_slave) {
        _cleanup_close_ int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
        int slave;

        if (master < 0)
                return -errno;
        if (unlockpt(master) < 0)
                return -errno;
        /* Opening the peer through the master cannot be redirected by a
         * path: the slave is the one of this master, in this devpts. */
        slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (slave < 0)
                return -errno;
        *ret_master = TAKE_FD(master);
        *ret_slave = slave;
        return 0;
}

int tty_attach(int slave) {
        if (setsid() < 0)
                return -errno;
        if (ioctl(slave, TIOCSCTTY, 0) < 0)
                return -errno;
        for (int fd = 0; fd < 3; fd++)
                if (dup2(slave, fd) < 0)
                        return -errno;
        if (slave > 2)
                close(slave);
        return 0;
}
