/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>

/* `userbox cp SRC ROOT:/DST` or `userbox cp ROOT:/SRC DST`. */
struct copy_request {
        char *root;
        char *source;           /* host path, or path inside the root */
        char *destination;
        bool into_root;         /* host -> root */
        bool archive;           /* -a: recursive, keep links, owners, modes, times */
};

/* Splits the arguments: exactly one must be ROOT:/PATH. Prints errors. */
int copy_parse(const char *src, const char *dst, bool archive, struct copy_request *ret);
void copy_request_done(struct copy_request *r);

/* In the user namespace: opens the host side, chroots into the root, and
 * copies. Prints errors (deferred when run in the child). */
int copy_run(const struct copy_request *req);
