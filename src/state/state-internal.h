/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* What only src/state/ files share. */

#include <stdbool.h>
#include <stddef.h>

#include "state.h"

/* Every file the launcher and these functions put in a container's
 * directory: removal unlinks exactly these, then the directory (an unknown
 * file there makes the rmdir fail, and the directory stays for a human to
 * look at rather than being emptied blindly). The lock is last, so that a
 * directory holding nothing else is still recognisably a container's. */
#define STATE_FILE_LOCK "lock"
#define STATE_FILE_STATE "state"
#define STATE_FILE_STATE_TMP ".state.tmp"
extern const char *const state_known_files[];
extern const size_t state_n_known_files;

/* Prefixes of the root's entries that are no container: a creator's
 * directory before it is renamed to its name, and a container's being
 * removed. A name never starts with '.'. */
#define STATE_PREFIX_NEW ".new-"
#define STATE_PREFIX_REMAINS ".remains-"

/* 2*bytes random hex digits and a NUL into buf (getrandom). */
int state_random_hex(char *buf, size_t bytes);

/* Tries to take the lock of ROOT/entry (any entry: a container, a ".new-"
 * or ".remains-" directory). Free: the entry is renamed away and removed,
 * 0. Held, after a few short retries (a lister holds it for microseconds
 * while it probes or cleans), or free but a detached container whose
 * command ended (status "exited": kept until rm): -EBUSY. -ENOENT when the entry went away
 * meanwhile. Prints only what the user must know (a directory that could
 * not be emptied). */
int state_clean_if_free(int root_fd, const char *entry);

/* dir_fd/state says "exited": a finished detached container, not remains.
 * Quiet: a missing or unreadable state is false. */
bool state_dir_exited(int dir_fd);

/* Unlinks the known files of ROOT/entry and removes it; an entry already
 * renamed away. Prints nothing. */
int state_remove_entry(int root_fd, const char *entry);
