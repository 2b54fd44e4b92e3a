/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* What the unit tests of seccomp filters share: a call made in a forked
 * child under a filter, so that the test process itself stays unfiltered. */
#include <errno.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "security.h"

/* Makes call(which) in a child that installs filter first (with
 * no_new_privs, as an unprivileged process must): 0 when the call
 * succeeded, its errno when it failed, 255 when the filter would not
 * install, 1000 + the signal that killed the child. */
static inline int seccomp_outcome(const struct seccomp_filter *filter, long (*call)(int which), int which) {
        int status;
        pid_t pid = fork();

        if (pid < 0)
                return -1;
        if (pid == 0) {
                long r;

                if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || seccomp_install(filter) < 0)
                        _exit(255);
                r = call(which);
                _exit(r < 0 ? (errno & 0xff) : 0);
        }
        if (waitpid(pid, &status, 0) != pid)
                return -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 1000 + WTERMSIG(status);
}
