/* SPDX-License-Identifier: Apache-2.0 */
/* The container's PID 1 (Init=yes): forwards signals to the command, reaps
 * orphans, exits with the command's status; and the signal lists it shares
 * with the launcher. */
#include <signal.h>
#include <sys/wait.h>

#include "util.h"
#include "launch-internal.h"

const int init_forwarded_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };
const unsigned init_n_forwarded_signals = ELEMENTSOF(init_forwarded_signals);

int init_exit_status(int status) {
        if (WIFEXITED(status))
                return WEXITSTATUS(status);
        if (WIFSIGNALED(status))
                return EXIT_SIGNAL_BASE + WTERMSIG(status);
        return EXIT_USERBOX_FAILED;
}

bool init_is_end_signal(int sig) {
        return sig == SIGTERM || sig == SIGINT || sig == SIGHUP || sig == SIGQUIT;
}

void init_signal_group(pid_t pid, int sig) {
        if (kill(-pid, sig) < 0)
                (void) kill(pid, sig);
}

/* What a terminal sends to its whole foreground job: a shell waiting for
 * a child passes SIGINT on only once that child died of it, so the command
 * alone getting it would not end `sh -c 'make; echo done'`. SIGTERM goes to
 * the command alone, which may end its children its own way; whatever is
 * left dies with the pid namespace when it exits. */
static bool is_terminal_signal(int sig) {
        return sig == SIGINT || sig == SIGQUIT || sig == SIGHUP;
}

_Noreturn void init_run(pid_t child) {
        sigset_t set;

        /* The caller blocked these before forking the command, so no signal
         * can slip between fork and here. PID 1 of a pid namespace gets no
         * default action for signals it has no handler for: waiting for them
         * synchronously is the only way to pass them on. */
        sigemptyset(&set);
        sigaddset(&set, SIGCHLD);
        for (unsigned i = 0; i < init_n_forwarded_signals; i++)
                sigaddset(&set, init_forwarded_signals[i]);

        for (;;) {
                siginfo_t info;
                int sig = sigwaitinfo(&set, &info);

                if (sig < 0)
                        continue;
                if (sig != SIGCHLD) {
                        if (is_terminal_signal(sig))
                                init_signal_group(child, sig);
                        else
                                kill(child, sig);
                        continue;
                }
                /* Reap every orphan that was re-parented to us; when the
                 * command itself is gone, hand back its status. Whatever is
                 * still running dies with the pid namespace when we exit. */
                for (;;) {
                        int status;
                        pid_t pid = waitpid(-1, &status, WNOHANG);
                        if (pid <= 0)
                                break;
                        if (pid == child)
                                _exit(init_exit_status(status));
                }
        }
}
