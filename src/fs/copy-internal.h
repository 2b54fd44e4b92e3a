/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* What copy.c and copy-paths.c share: the paths the user wrote, opened. */
#include <stdbool.h>

/* Where the copy's top entry goes. */
struct copy_destination {
        int dir;                /* the directory it is made in */
        char *name;             /* its name there; "." for dir itself */
        bool into_dir;          /* the destination is an existing directory: the
                                 * copy goes into it under the source's name */
        bool must_be_dir;       /* it names a directory that does not exist yet
                                 * (a trailing slash) */
};

void copy_destination_done(struct copy_destination *d);

/* When the destination is an existing directory, the copy goes into it
 * under src_name (when there is one). */
int copy_resolve_destination(const char *dst, const char *src_name, struct copy_destination *ret);

/* The last component of path, which names the copy when the destination
 * is an existing directory; *ret NULL when there is none ("/", "..", "."). */
int copy_last_component(const char *path, char **ret);

/* Opens the directory that holds path and returns the last component in
 * *ret_name, or "." with path itself opened when it has no last component
 * or must be a directory (a trailing slash). Returns the fd or -errno. */
int copy_open_parent(const char *path, char **ret_name);

/* "ROOT:PATH", as the user wrote it, for messages. NULL on ENOMEM. */
char *copy_shown_in_root(const char *root, const char *path);
