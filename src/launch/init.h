/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/* PID 1 of the container: forwards signals to child, reaps every orphan,
 * and exits with child's status (128+N for a signal). Never returns. */
_Noreturn void init_run(pid_t child);

/* A wait status as an exit status: the code, or 128+N for signal N. */
int init_exit_status(int status);

/* The signals init and the launcher forward to the command. */
extern const int init_forwarded_signals[];
extern const unsigned init_n_forwarded_signals;

/* SIGTERM, SIGINT, SIGHUP, SIGQUIT: what ends a command. */
bool init_is_end_signal(int sig);

/* Sends sig to the process group pid leads, or to pid alone while it
 * leads none (before its setsid or setpgid). */
void init_signal_group(pid_t pid, int sig);
