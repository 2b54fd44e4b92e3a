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

/* One read of the pty gives at most what its line discipline holds (4 KiB);
 * gathering several before writing keeps stdout writes few and large. */
#define RELAY_BUFFER_SIZE 65536
/* How often the pty's mode is looked at after the end of input. */
#define EOF_WATCH_MS 20

/* The outer terminal: stdin when it is one, else stdout, else -1. */
static int outer_terminal(void) {
        if (isatty(STDIN_FILENO))
                return STDIN_FILENO;
        if (isatty(STDOUT_FILENO))
                return STDOUT_FILENO;
        return -1;
}

int tty_relay_start(struct tty_relay *t, int master, bool read_input) {
        struct sigaction ignore = { .sa_handler = SIG_IGN };
        int flags;

        t->master = master;
        t->input = read_input ? STDIN_FILENO : -1;
        t->raw = false;
        t->last_byte = -1;

        /* stdout may be a pipe whose reader left: that ends the copy
         * (-EPIPE), it must not kill the launcher with the outer terminal
         * still raw. */
        if (!t->sigpipe_saved && sigaction(SIGPIPE, &ignore, &t->saved_sigpipe) == 0)
                t->sigpipe_saved = true;
        /* Never block on the pty: a command writing output while we write
         * its input would wait for us while we wait for it. */
        flags = fcntl(master, F_GETFL);
        if (flags < 0 || fcntl(master, F_SETFL, flags | O_NONBLOCK) < 0)
                return -errno;

        if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &t->saved) == 0) {
                struct termios raw = t->saved;
                /* Every key goes to the pty: ^C, ^Z and ^\ become signals of
                 * the container's own line discipline, not ours. */
                cfmakeraw(&raw);
                if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) < 0)
                        return -errno;
                t->raw = true;
        }
        tty_relay_resize(t);
        return 0;
}

void tty_relay_suspend(struct tty_relay *t) {
        if (t->raw)
                (void) tcsetattr(STDIN_FILENO, TCSANOW, &t->saved);
}

void tty_relay_resume(struct tty_relay *t) {
        if (t->raw) {
                struct termios raw = t->saved;
                cfmakeraw(&raw);
                (void) tcsetattr(STDIN_FILENO, TCSANOW, &raw);
        }
        tty_relay_resize(t);
}

void tty_relay_resize(struct tty_relay *t) {
        struct winsize ws;
        int outer = outer_terminal();

        if (t->master >= 0 && outer >= 0 && ioctl(outer, TIOCGWINSZ, &ws) == 0)
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

/* Copies what the pty holds to stdout. Returns the number of bytes copied
 * (0: nothing there now), or < 0 when every slave is closed (-EIO) or
 * stdout failed. */
static ssize_t relay_master_once(struct tty_relay *t) {
        char buf[RELAY_BUFFER_SIZE];
        size_t len = 0;
        int r;

        while (len < sizeof(buf)) {
                ssize_t n = read(t->master, buf + len, sizeof(buf) - len);
                if (n > 0) {
                        len += (size_t) n;
                        continue;
                }
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && errno == EAGAIN)
                        break;
                /* EIO (no slave left) only once what it held is out; the
                 * next call reports it. */
                if (len == 0)
                        return n < 0 ? -errno : -EIO;
                break;
        }
        if (len == 0)
                return 0;
        r = write_all(STDOUT_FILENO, buf, len);
        return r < 0 ? r : (ssize_t) len;
}

int tty_relay_from_master(struct tty_relay *t) {
        ssize_t n = relay_master_once(t);

        if (n >= 0)
                return 0;
        /* The session's terminal is gone: stdin has nowhere to go, and
         * left in the poll set, pending input would wake it forever. */
        t->input = -1;
        return (int) n;
}

/* Input for the pty; while it is full, its output is copied out, so that a
 * command that writes before it reads on can go on (else both sides wait). */
static int write_to_master(struct tty_relay *t, const char *buf, size_t n) {
        while (n > 0) {
                ssize_t w = write(t->master, buf, n);
                if (w < 0) {
                        struct pollfd p = { .fd = t->master, .events = POLLIN | POLLOUT };
                        if (errno == EINTR)
                                continue;
                        if (errno != EAGAIN)
                                return -errno;
                        if (poll(&p, 1, -1) < 0 && errno != EINTR)
                                return -errno;
                        if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
                                ssize_t r = relay_master_once(t);
                                if (r < 0)
                                        return (int) r;
                        }
                        continue;
                }
                buf += w;
                n -= (size_t) w;
        }
        return 0;
}

static bool is_special(const struct termios *tio, int cc, int byte) {
        return tio->c_cc[cc] != _POSIX_VDISABLE && tio->c_cc[cc] == byte;
}

/* A pty has no half-close: the end of input is the terminal's EOF
 * character. In canonical mode it ends a read only at the start of a
 * line; after a partial line, the first one only hands the line over. */
static int send_end_of_input(struct tty_relay *t) {
        struct termios tio;
        char eof[2];
        size_t n = 1;

        if (tcgetattr(t->master, &tio) < 0)
                return -errno;
        eof[0] = eof[1] = (char) tio.c_cc[VEOF];
        if ((tio.c_lflag & ICANON) && t->last_byte >= 0 && t->last_byte != '\n' &&
            !is_special(&tio, VEOL, t->last_byte) && !is_special(&tio, VEOL2, t->last_byte) &&
            !is_special(&tio, VEOF, t->last_byte) &&
            !(t->last_byte == '\r' && (tio.c_iflag & ICRNL) && !(tio.c_iflag & IGNCR)))
                n = 2;
        return write_to_master(t, eof, n);
}

int tty_relay_from_input(struct tty_relay *t) {
        char buf[RELAY_BUFFER_SIZE];
        ssize_t n = read(t->input, buf, sizeof(buf));
        int r;

        if (n < 0 && (errno == EINTR || errno == EAGAIN))
                return 0;
        if (n <= 0) {
                struct termios tio;

                /* A read error (EIO: the outer terminal hung up) ends the
                 * input as end of file does. */
                t->input = -1;
                r = send_end_of_input(t);
                /* Sent in canonical mode: watch (about 10 s, in ticks of
                 * EOF_WATCH_MS) for a switch to raw mode that drops it. */
                if (r >= 0 && tcgetattr(t->master, &tio) == 0 && (tio.c_lflag & ICANON))
                        t->eof_watch = 10000 / EOF_WATCH_MS;
                return r;
        }
        r = write_to_master(t, buf, (size_t) n);
        if (r < 0)
                return r;
        t->last_byte = (unsigned char) buf[n - 1];
        return 0;
}

int tty_relay_timeout(const struct tty_relay *t) {
        return t->eof_watch > 0 && t->master >= 0 ? EOF_WATCH_MS : -1;
}

int tty_relay_tick(struct tty_relay *t) {
        struct termios tio;

        if (t->eof_watch <= 0 || t->master < 0)
                return 0;
        t->eof_watch--;
        if (tcgetattr(t->master, &tio) < 0 || (tio.c_lflag & ICANON))
                return 0;
        /* Raw now: the end sent in canonical mode reached it as a NUL
         * byte. A line editor takes the EOF character on an empty line as
         * the end of input. Once only. */
        t->eof_watch = 0;
        t->last_byte = -1;
        return send_end_of_input(t);
}

void tty_relay_stop(struct tty_relay *t) {
        if (t->master >= 0) {
                /* What the command wrote just before it exited. A read, not
                 * poll(), pushes the kernel's pending pty buffer through; it
                 * ends with EIO once every slave is closed. */
                while (relay_master_once(t) > 0)
                        ;
                close(t->master);
                t->master = -1;
        }
        if (t->raw) {
                (void) tcsetattr(STDIN_FILENO, TCSANOW, &t->saved);
                t->raw = false;
        }
        if (t->sigpipe_saved) {
                (void) sigaction(SIGPIPE, &t->saved_sigpipe, NULL);
                t->sigpipe_saved = false;
        }
        t->input = -1;
}

int tty_open_pair(int *ret_master, int *ret_slave) {
        _cleanup_close_ int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
        struct termios tio;
        struct winsize ws;
        int slave, outer;

        if (master < 0)
                return -errno;
        if (unlockpt(master) < 0)
                return -errno;
        /* Opening the peer through the master cannot be redirected by a
         * path: the slave is the one of this master, in this devpts. */
        slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (slave < 0)
                return -errno;
        /* The user's terminal settings (erase key, UTF-8 input) carry over,
         * as with script(1) and ssh; the size is there before the command
         * starts, not only when the launcher gets to it. The launcher makes
         * the outer terminal raw only after this. */
        outer = outer_terminal();
        if (outer >= 0) {
                if (tcgetattr(outer, &tio) == 0)
                        (void) tcsetattr(slave, TCSANOW, &tio);
                if (ioctl(outer, TIOCGWINSZ, &ws) == 0)
                        (void) ioctl(slave, TIOCSWINSZ, &ws);
        }
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
