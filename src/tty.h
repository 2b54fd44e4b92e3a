/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* -t: the launcher's side of the container's pseudo-terminal. The pty
 * itself is allocated inside the container's own devpts instance; the
 * launcher receives its master over the sync socket, puts the outer
 * terminal in raw mode and copies bytes both ways. */

#include <stdbool.h>
#include <termios.h>

struct tty_relay {
        int master;             /* the container's pty master, -1 when none */
        int input;              /* stdin while it is read, else -1 */
        bool raw;               /* the outer terminal was put in raw mode */
        struct termios saved;   /* the outer terminal's modes, to restore */
};

#define TTY_RELAY_NULL { .master = -1, .input = -1 }

/* Takes ownership of master. read_input: copy stdin into the pty (a
 * terminal, or -i). Puts stdin in raw mode when it is a terminal and copies
 * its window size. */
int tty_relay_start(struct tty_relay *t, int master, bool read_input);
/* SIGWINCH: the outer window size onto the pty (the kernel then signals the
 * pty's foreground process group). */
void tty_relay_resize(struct tty_relay *t);
/* One read and write in each direction that poll() said is ready; on end
 * of input the pty gets an end-of-file character. Returns 0, or -EIO when
 * the pty has no more readers. */
int tty_relay_from_input(struct tty_relay *t);
int tty_relay_from_master(struct tty_relay *t);
/* Copies what the pty still holds, restores the outer terminal, closes. */
void tty_relay_stop(struct tty_relay *t);

/* Child side: opens a pty in the container's /dev/ptmx; returns the master
 * and the slave (opened through the master, never by path). */
int tty_open_pair(int *ret_master, int *ret_slave);
/* Makes slave the command's controlling terminal and its stdio. */
int tty_attach(int slave);
