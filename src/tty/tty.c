/* SPDX-License-Identifier: Apache-2.0 */
/* -t: the launcher's relay between the outer terminal and the container's
 * pty, the signals that concern it, and the child's opening of the pty. */
#include <fcntl.h>
#include <signal.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
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

        struct stat st;

        /* Input is read only once all of this has worked. */
        t->master = master;
        t->input = -1;
        t->raw = false;
        t->last_byte = -1;
        t->stdout_is_file = fstat(STDOUT_FILENO, &st) == 0 && S_ISREG(st.st_mode);
        t->out = malloc(RELAY_BUFFER_SIZE);
        t->in = malloc(RELAY_BUFFER_SIZE);
        if (!t->out || !t->in)
                return -ENOMEM;

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
        t->input = read_input ? STDIN_FILENO : -1;
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

/* Reads what the pty holds into the (empty) output buffer. Returns the
 * number of bytes read (0: nothing there now), or < 0 when every slave is
 * closed (-EIO). */
static ssize_t read_master(struct tty_relay *t) {
        size_t len = 0;

        while (len < RELAY_BUFFER_SIZE) {
                ssize_t n = read(t->master, t->out + len, RELAY_BUFFER_SIZE - len);
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
        t->out_len = len;
        t->out_off = 0;
        return (ssize_t) len;
}

void tty_relay_poll_set(const struct tty_relay *t, struct pollfd *master, struct pollfd *input,
                        struct pollfd *out) {
        bool want_output = t->out_len == 0, want_room = t->in_len > 0;

        *master = (struct pollfd) { .fd = want_output || want_room ? t->master : -1,
                                    .events = (short) ((want_output ? POLLIN : 0) | (want_room ? POLLOUT : 0)) };
        *input = (struct pollfd) { .fd = t->master >= 0 && t->in_len == 0 ? t->input : -1, .events = POLLIN };
        *out = (struct pollfd) { .fd = t->out_len > 0 ? STDOUT_FILENO : -1, .events = POLLOUT };
}

static int stop_input(struct tty_relay *t, int r) {
        /* The session's terminal is gone: stdin has nowhere to go, and
         * left in the poll set, pending input would wake it forever. */
        t->input = -1;
        t->in_len = t->in_off = 0;
        return r;
}

int tty_relay_from_master(struct tty_relay *t) {
        ssize_t n;

        if (t->out_len > 0)
                return 0;
        n = read_master(t);
        return n < 0 ? stop_input(t, (int) n) : 0;
}

/* One write of what is pending in buf[*off..*len), at most max bytes. */
static int write_pending(struct tty_relay *t, int fd, const char *buf, size_t *off, size_t *len, size_t max) {
        size_t n = *len - *off;
        ssize_t w;

        if (n == 0)
                return 0;
        w = write(fd, buf + *off, n < max ? n : max);
        if (w < 0 && (errno == EINTR || errno == EAGAIN))
                return 0;
        if (w < 0) {
                /* Nowhere to go: what waits is dropped, or poll() would
                 * report the failed side again and again. */
                *len = *off = 0;
                return stop_input(t, -errno);
        }
        *off += (size_t) w;
        if (*off == *len)
                *len = *off = 0;
        return 0;
}

int tty_relay_to_stdout(struct tty_relay *t) {
        /* poll() promises room for a page in a pipe, less on a terminal:
         * a write that large does not hold the launcher for long. */
        return write_pending(t, STDOUT_FILENO, t->out, &t->out_off, &t->out_len,
                             t->stdout_is_file ? SIZE_MAX : 4096);
}

int tty_relay_to_master(struct tty_relay *t) {
        return write_pending(t, t->master, t->in, &t->in_off, &t->in_len, SIZE_MAX);
}

/* Input for the pty, written as far as it takes now; the rest waits for
 * room (tty_relay_to_master), while the pty's output keeps being copied out,
 * so a command that writes before it reads on can go on. */
static int queue_for_master(struct tty_relay *t, const char *buf, size_t n) {
        if (t->in_len + n > RELAY_BUFFER_SIZE)
                return -ENOBUFS;
        memcpy(t->in + t->in_len, buf, n);
        t->in_len += n;
        return tty_relay_to_master(t);
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
        return queue_for_master(t, eof, n);
}

int tty_relay_from_input(struct tty_relay *t) {
        char *buf = t->in;
        ssize_t n;
        int r;

        if (t->in_len > 0)
                return 0;
        n = read(t->input, buf, RELAY_BUFFER_SIZE);

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
        t->last_byte = (unsigned char) buf[n - 1];
        t->in_len = (size_t) n;
        t->in_off = 0;
        return tty_relay_to_master(t);
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
                close(t->master);
                t->master = -1;
        }
        free(t->out);
        free(t->in);
        t->out = t->in = NULL;
        t->out_len = t->out_off = t->in_len = t->in_off = 0;
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

void tty_relay_ready(struct tty_relay *t, const struct pollfd *master, const struct pollfd *input,
                     const struct pollfd *out) {
        int r = 0;

        /* A pty that takes no more input only ends the input. */
        if (master->revents & POLLOUT)
                (void) tty_relay_to_master(t);
        if (out->revents)
                r = tty_relay_to_stdout(t);
        if (r >= 0 && (master->revents & (POLLIN | POLLHUP | POLLERR)))
                r = tty_relay_from_master(t);
        if (r < 0) {
                /* No slave left (the command is going: wait for it), or
                 * stdout is gone (hang up its terminal). */
                close(t->master);
                t->master = -1;
        }
        if (input->revents && t->master >= 0 && tty_relay_from_input(t) < 0)
                t->input = -1;
}

/* The signals whose default action ends the launcher and that it does not
 * forward: it restores the outer terminal, then dies of them (faults such
 * as SIGSEGV are left alone: blocking them is undefined; SIGPIPE is
 * ignored while the relay runs, see tty_relay_start). */
static const int fatal_signals[] = {
        SIGALRM, SIGVTALRM, SIGPROF, SIGXCPU, SIGXFSZ, SIGIO, SIGSYS,
#ifdef SIGPWR
        SIGPWR,
#endif
#ifdef SIGSTKFLT
        SIGSTKFLT,
#endif
};

bool tty_relay_is_fatal_signal(int sig) {
        for (unsigned i = 0; i < ELEMENTSOF(fatal_signals); i++)
                if (fatal_signals[i] == sig)
                        return true;
        return sig >= SIGRTMIN && sig <= SIGRTMAX;
}

void tty_relay_add_signals(sigset_t *mask) {
        /* Stopped from outside, the launcher first gives the outer terminal
         * its modes back (tty_relay_suspend/resume). */
        sigaddset(mask, SIGTSTP);
        sigaddset(mask, SIGCONT);
        /* And killed by any catchable signal, too (SIGKILL alone leaves the
         * terminal raw). */
        for (unsigned i = 0; i < ELEMENTSOF(fatal_signals); i++)
                sigaddset(mask, fatal_signals[i]);
        for (int sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
                sigaddset(mask, sig);
}

bool tty_relay_signal(struct tty_relay *t, int sig) {
        switch (sig) {
        case SIGWINCH:
                /* The kernel tells the pty's foreground group. */
                tty_relay_resize(t);
                return true;
        case SIGTSTP:
                tty_relay_suspend(t);
                raise(SIGSTOP);
                return true;
        case SIGCONT:
                tty_relay_resume(t);
                return true;
        }
        if (tty_relay_is_fatal_signal(sig))
                tty_relay_die_of_signal(t, sig);
        return false;
}

_Noreturn void tty_relay_die_of_signal(struct tty_relay *t, int sig) {
        sigset_t one;

        tty_relay_stop(t);
        signal(sig, SIG_DFL);
        sigemptyset(&one);
        sigaddset(&one, sig);
        raise(sig);
        sigprocmask(SIG_UNBLOCK, &one, NULL);
        _exit(EXIT_SIGNAL_BASE + sig);
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
