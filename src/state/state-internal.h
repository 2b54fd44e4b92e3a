/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* What only src/state/ files share. */

#include <stdbool.h>
#include <errno.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <unistd.h>

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
 * 0 -- unless it is a finished detached container (its state says
 * "exited"), which is kept for `logs`, `wait` and `rm`: -EEXIST. Held,
 * after a few short retries (a lister holds it for microseconds while it
 * probes or cleans): -EBUSY. -ENOENT when the entry went away meanwhile.
 * Prints only what the user must know (a directory that could not be
 * emptied). */
int state_clean_if_free(int root_fd, const char *entry);

/* The same for a container whatever its status (rm, stop), and only when
 * ROOT/name is still the directory dir_fd is (dir_fd < 0: any). */
int state_remove_if_free(int root_fd, const char *name, int dir_fd);

/* 1 when dir_fd/state parses and says "exited", else 0. Prints nothing:
 * a cleaner asks, and a broken file is remains like a missing one. */
int state_dir_is_exited(int dir_fd);

/* Field `field` (from 1) of /proc/PID/stat, a number. -ESRCH when there
 * is no such process. */
int state_pid_stat_field(pid_t pid, unsigned field, uint64_t *ret);

/* pidfd_send_signal(2). */
static inline int state_pidfd_signal(int pidfd, int sig) {
#ifdef __NR_pidfd_send_signal
        return syscall(__NR_pidfd_send_signal, pidfd, sig, NULL, 0) < 0 ? -errno : 0;
#else
        return -ENOSYS;
#endif
}

/* Polls pidfd until its process exits (1) or timeout_ms pass (0; < 0:
 * no timeout). */
int state_pidfd_wait(int pidfd, int timeout_ms);

/* Unlinks the known files of ROOT/entry and removes it; an entry already
 * renamed away. Prints nothing. */
int state_remove_entry(int root_fd, const char *entry);
