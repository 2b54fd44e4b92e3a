/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* -t: the launcher's side of the container's pseudo-terminal. The pty
 * itself is allocated inside the container's own devpts instance; the
 * launcher receives its master over the sync socket, puts the outer
 * terminal in raw mode and copies bytes both ways. There is no escape key:
 * every byte typed goes to the container. */

#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <termios.h>

struct tty_relay {
        int master;             /* the container's pty master, -1 when none */
        int input;              /* stdin while it is read, else -1 */
        /* Bytes read and not yet written: the relay never waits for a
         * full pty or a blocked stdout, so the launcher's loop goes on
         * forwarding signals meanwhile. out: from the pty to stdout; in:
         * from stdin (or the end-of-file characters) to the pty. */
        char *out, *in;
        size_t out_len, out_off, in_len, in_off;
        bool stdout_is_file;    /* a regular file: any write completes */
        bool raw;               /* the outer terminal was put in raw mode */
        int last_byte;          /* the last byte written into the pty, -1 before any */
        bool sigpipe_saved;     /* saved_sigpipe holds the launcher's action */
        int eof_watch;          /* ticks left to watch for a switch to raw mode after EOF */
        struct termios saved;   /* the outer terminal's modes, to restore */
        struct sigaction saved_sigpipe;
};

#define TTY_RELAY_NULL { .master = -1, .input = -1, .last_byte = -1 }

/* Takes ownership of master. read_input: copy stdin into the pty
 * (false only when the command has already exited). Puts stdin in raw mode when it is a terminal and copies
 * its window size. On failure the outer terminal is left as it was and
 * master is still owned by t (tty_relay_stop closes it). */
int tty_relay_start(struct tty_relay *t, int master, bool read_input);
/* SIGWINCH: the outer window size onto the pty (the kernel then signals the
 * pty's foreground process group). */
void tty_relay_resize(struct tty_relay *t);
/* What to poll: the pty (its output while none is waiting for stdout, and
 * room for pending input), stdin (while no input is pending), stdout
 * (while output is pending). An fd of -1 is not polled. */
void tty_relay_poll_set(const struct tty_relay *t, struct pollfd *master, struct pollfd *input,
                        struct pollfd *out);
/* One round of copying for what poll() said is ready, never waiting. At
 * end of input the pty gets the end-of-file character (twice when a line is
 * open, so that a reader in canonical mode sees the end). Return 0, or < 0
 * when that direction is over: every slave of the pty closed (-EIO), or
 * stdout is gone; then input is no longer read (t->input = -1), and the
 * caller closes the master. */
int tty_relay_from_input(struct tty_relay *t);
int tty_relay_to_master(struct tty_relay *t);
int tty_relay_from_master(struct tty_relay *t);
int tty_relay_to_stdout(struct tty_relay *t);
/* A program that puts its terminal in raw mode after the end of input was
 * sent in canonical mode (a shell starting its line editor) reads that end
 * as a NUL byte and would wait for input forever: tty_relay_timeout() is
 * how long poll() may then wait (-1: forever), and tty_relay_tick() sends
 * the end-of-file character once more when the switch has happened. */
int tty_relay_timeout(const struct tty_relay *t);
int tty_relay_tick(struct tty_relay *t);
/* SIGTSTP from outside (kill -TSTP; ^Z itself goes to the container): the
 * outer terminal gets its own modes back while the launcher is stopped.
 * SIGCONT: raw again, and the window may have changed meanwhile. */
void tty_relay_suspend(struct tty_relay *t);
void tty_relay_resume(struct tty_relay *t);
/* The copying tty_relay_from_input ... to_stdout do, for the fds
 * tty_relay_poll_set gave and poll() found ready; closes the master when a
 * direction is over. */
void tty_relay_ready(struct tty_relay *t, const struct pollfd *master, const struct pollfd *input,
                     const struct pollfd *out);

/* The signals that concern the relay. The launcher blocks them for its
 * signalfd (tty_relay_add_signals adds them to mask) and hands each to
 * tty_relay_signal: SIGWINCH, SIGTSTP, SIGCONT are handled (true); one
 * whose default action ends the launcher, and that it does not forward
 * (tty_relay_is_fatal_signal), makes it die of it with the outer terminal
 * restored (tty_relay_die_of_signal); any other is the caller's (false). */
void tty_relay_add_signals(sigset_t *mask);
bool tty_relay_is_fatal_signal(int sig);
bool tty_relay_signal(struct tty_relay *t, int sig);
_Noreturn void tty_relay_die_of_signal(struct tty_relay *t, int sig);

/* Restores the outer terminal and closes the pty (what it still holds is
 * the caller's to copy first, with tty_relay_from_master/to_stdout). Safe
 * to call more than once and on TTY_RELAY_NULL. */
void tty_relay_stop(struct tty_relay *t);

/* Child side: opens a pty in the container's /dev/ptmx; returns the master
 * and the slave (opened through the master, never by path). The slave
 * starts with the modes and window size of the launcher's terminal, when
 * stdin or stdout is one. */
int tty_open_pair(int *ret_master, int *ret_slave);
/* Makes slave the command's controlling terminal and its stdio. */
int tty_attach(int slave);
