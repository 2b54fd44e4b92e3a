/* SPDX-License-Identifier: Apache-2.0 */
/* The log: messages to stderr prefixed "userbox: ", or after clone the
 * child's first error kept for the parent; -v timed steps. */
#include <stdarg.h>
#include <time.h>

#include "util.h"

static enum log_level level = LOG_NORMAL;
static struct timespec start;
static bool deferred;
/* The child's first error, sent to the parent on the sync fd. */
static char deferred_message[1024];
static const char *program = "userbox";
static void (*sink)(const char *level, const char *msg);

void log_set_program(const char *name) { program = name; }
void log_set_sink(void (*fn)(const char *level, const char *msg)) { sink = fn; }

void log_init(void) {
        clock_gettime(CLOCK_MONOTONIC, &start);
}

void log_set_level(enum log_level l) { level = l; }
enum log_level log_get_level(void) { return level; }

void log_set_deferred(bool d) {
        deferred = d;
        deferred_message[0] = '\0';
}

const char *log_deferred_message(void) {
        return deferred_message;
}

double log_elapsed_ms(void) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        return (double) (now.tv_sec - start.tv_sec) * 1e3 + (double) (now.tv_nsec - start.tv_nsec) / 1e6;
}

/* Messages quote paths, names and values from the user, the image and
 * profile files: a control character among them (an ESC that retitles the
 * terminal or rewrites the screen) is written as \xNN. Truncates to size. */
static void escape_control_characters(char *msg, size_t size) {
        char copy[1024];

        snprintf(copy, sizeof(copy), "%s", msg);
        string_escape_cc_into(msg, size, copy);
}

static void emit(const char *prefix, const char *fmt, va_list ap, int r) {
        char msg[sizeof(deferred_message)];
        int n = vsnprintf(msg, sizeof(msg), fmt, ap);

        if (r < 0 && n >= 0 && (size_t) n < sizeof(msg))
                snprintf(msg + n, sizeof(msg) - (size_t) n, ": %s", strerror(-r));
        escape_control_characters(msg, sizeof(msg));
        if (deferred) {
                /* Keep the first error: it names the step that failed. */
                if (!deferred_message[0])
                        snprintf(deferred_message, sizeof(deferred_message), "%s%s", prefix, msg);
                return;
        }
        if (sink) {
                sink(prefix[0] ? "warning" : "error", msg);
                return;
        }
        fprintf(stderr, "%s: %s%s\n", program, prefix, msg);
}

int log_errno(int r, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        emit("", fmt, ap, r);
        va_end(ap);
        return r;
}

int log_error(const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        emit("", fmt, ap, 0);
        va_end(ap);
        return -EINVAL;
}

void log_warning(const char *fmt, ...) {
        va_list ap;
        if (level < LOG_NORMAL || deferred)
                return;
        va_start(ap, fmt);
        emit("warning: ", fmt, ap, 0);
        va_end(ap);
}

void log_step(const char *fmt, ...) {
        char msg[512];
        va_list ap;
        if (level < LOG_VERBOSE)
                return;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        escape_control_characters(msg, sizeof(msg));
        /* Steps are progress, not errors: the child prints them too, so a
         * slow step is visible wherever it runs. */
        if (sink) {
                sink("debug", msg);
                return;
        }
        fprintf(stderr, "%s: [%8.3f ms] %s\n", program, log_elapsed_ms(), msg);
}
