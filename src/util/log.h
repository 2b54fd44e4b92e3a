/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include "util.h"

enum log_level {
        LOG_QUIET = 0,   /* errors only */
        LOG_NORMAL = 1,  /* errors and warnings */
        LOG_VERBOSE = 2, /* plus one line per setup step, with its time */
};

void log_init(void);
void log_set_level(enum log_level level);
enum log_level log_get_level(void);

/* After clone/fork the child must not print: it captures the first error
 * message and hands it to the parent on the sync fd. In deferred mode the
 * log_* functions write into that buffer instead of stderr. */
void log_set_deferred(bool deferred);
const char *log_deferred_message(void);

/* "userbox: MESSAGE: strerror(-r)". Returns r (a negative errno) so that a
 * caller can write `return log_errno(r, "...")`. */
int log_errno(int r, const char *fmt, ...) _printf_(2, 3);
/* "userbox: MESSAGE". Returns -EINVAL for convenience. */
int log_error(const char *fmt, ...) _printf_(1, 2);
void log_warning(const char *fmt, ...) _printf_(1, 2);
/* With -v: "userbox: [   1.234 ms] MESSAGE", the time since log_init(). */
void log_step(const char *fmt, ...) _printf_(1, 2);
/* Milliseconds since log_init(). */
double log_elapsed_ms(void);
