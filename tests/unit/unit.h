/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* A tiny unit-test harness: TEST(name) defines a case, CHECK() records a
 * failure with file:line, SKIP(reason) ends a case that cannot run here,
 * unit_main() runs every case and prints the closing "N passed, N failed,
 * N skipped" line. tests/run reports a skip as the integration tests'
 * are: under CI=true it fails unless the reason starts with "machine:". */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct unit_case {
        const char *name;
        void (*fn)(void);
};

extern int unit_failures_in_case;
extern const char *unit_skip_reason;

#define SKIP(reason)                                                                \
        do {                                                                        \
                unit_skip_reason = (reason);                                        \
                return;                                                             \
        } while (0)

#define CHECK(cond)                                                                 \
        do {                                                                        \
                if (!(cond)) {                                                      \
                        fprintf(stderr, "  %s:%d: CHECK failed: %s\n", __FILE__,   \
                                __LINE__, #cond);                                   \
                        unit_failures_in_case++;                                    \
                }                                                                   \
        } while (0)

#define CHECK_STREQ(a, b)                                                           \
        do {                                                                        \
                const char *_a = (a), *_b = (b);                                    \
                if (!_a || !_b || strcmp(_a, _b) != 0) {                            \
                        fprintf(stderr, "  %s:%d: '%s' != '%s'\n", __FILE__,       \
                                __LINE__, _a ? _a : "(null)", _b ? _b : "(null)"); \
                        unit_failures_in_case++;                                    \
                }                                                                   \
        } while (0)

#define TEST(name) static void name(void)
#define UNIT(name) { #name, name }

int unit_failures_in_case;
const char *unit_skip_reason;

static inline int unit_main(const struct unit_case *cases, size_t n) {
        unsigned passed = 0, failed = 0, skipped = 0;
        for (size_t i = 0; i < n; i++) {
                unit_failures_in_case = 0;
                unit_skip_reason = NULL;
                cases[i].fn();
                if (unit_failures_in_case) {
                        printf("FAIL: %s\n", cases[i].name);
                        failed++;
                } else if (unit_skip_reason) {
                        printf("SKIP: %s (%s)\n", cases[i].name, unit_skip_reason);
                        skipped++;
                } else {
                        printf("PASS: %s\n", cases[i].name);
                        passed++;
                }
        }
        printf("%u passed, %u failed, %u skipped\n", passed, failed, skipped);
        return failed ? 1 : 0;
}
