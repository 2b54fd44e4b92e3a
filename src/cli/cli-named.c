/* SPDX-License-Identifier: Apache-2.0 */
/* The commands of named containers that act through their state (design
 * section 10): list, stop, kill, logs, wait, rm. Each NAME is handled in
 * order, every failure printed, and the status is 125 when any failed.
 * exec is a launch (launch_exec); run --name is run's. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli.h"
#include "cli-internal.h"
#include "state.h"
#include "util.h"

/* ------------------------------------------------------------- parsing */

/* "RTMIN", "RTMIN+N", "RTMAX-N" (without "SIG"), or 0. */
static int realtime_signal(const char *name) {
        const char *rest;
        unsigned offset = 0;
        int base, sig;

        if ((rest = startswith(name, "RTMIN")))
                base = SIGRTMIN;
        else if ((rest = startswith(name, "RTMAX")))
                base = SIGRTMAX;
        else
                return 0;
        if (*rest && ((base == SIGRTMIN && *rest != '+') || (base == SIGRTMAX && *rest != '-') ||
                      parse_uint32(rest + 1, &offset) < 0))
                return 0;
        sig = base == SIGRTMIN ? base + (int) offset : base - (int) offset;
        return sig >= SIGRTMIN && sig <= SIGRTMAX ? sig : 0;
}

int cli_parse_signal(const char *value, int *ret) {
        char upper[32];
        const char *name;
        unsigned number;
        size_t n = strlen(value);

        if (parse_uint32(value, &number) == 0) {
                if (number < 1 || number > (unsigned) SIGRTMAX)
                        return -EINVAL;
                *ret = (int) number;
                return 0;
        }
        if (n == 0 || n >= sizeof(upper))
                return -EINVAL;
        for (size_t i = 0; i <= n; i++)
                upper[i] = (char) (value[i] >= 'a' && value[i] <= 'z' ? value[i] - 'a' + 'A' : value[i]);
        name = startswith(upper, "SIG") ?: upper;
        for (int sig = 1; sig < SIGRTMIN; sig++)
                if (sigabbrev_np(sig) && streq(sigabbrev_np(sig), name)) {
                        *ret = sig;
                        return 0;
                }
        *ret = realtime_signal(name);
        return *ret > 0 ? 0 : -EINVAL;
}

int cli_take_names(struct cli *cli, char **words) {
        const char *cmd = cli->command == CLI_LIST ? "list" : NULL;
        size_t n = strv_length(words), n_names;

        for (size_t i = 0; !cmd; i++) {
                const char *name;
                enum cli_command command;
                if (!cli_command_info(i, &name, &command))
                        return -EINVAL;
                if (command == cli->command)
                        cmd = name;
        }
        switch (cli->command) {
        case CLI_LIST:
                return n > 0 ? cli_error("userbox list: unexpected argument '%s'", words[0]) : 0;
        case CLI_EXEC:
        case CLI_LOGS:
                n_names = 1;
                break;
        default:
                n_names = n;
        }
        if (n == 0)
                return cli_error("userbox %s: a container name is needed", cmd);
        if (cli->command == CLI_LOGS && n > 1)
                return cli_error("userbox logs: one container at a time ('%s' is one too many)", words[1]);
        for (size_t i = 0; i < n_names; i++) {
                const char *why;
                if (state_name_check(words[i], &why) < 0)
                        return cli_error("userbox %s: '%s' is not a container name: it %s", cmd, words[i], why);
                if (strv_extend(&cli->args, words[i]) < 0)
                        return -ENOMEM;
        }
        if (cli->command != CLI_EXEC)
                return 0;
        /* exec NAME [--] COMMAND... */
        words += 1 + (n > 1 && streq(words[1], "--"));
        if (!words[0])
                return cli_error("userbox exec: a command is needed after the container name");
        cli->command_argv = strv_copy(words);
        if (!cli->command_argv)
                return -ENOMEM;
        cli->command_given = true;
        return 0;
}

/* ------------------------------------------------------------ commands */

static int list(int root_fd, bool json) {
        struct state_entry *entries = NULL;
        size_t n = 0;
        int r;

        r = state_list(root_fd, &entries, &n);
        if (r < 0)
                return r;
        r = json ? state_format_json(stdout, entries, n) : state_format_table(stdout, entries, n, time(NULL));
        state_list_free(entries, n);
        return r;
}

/* One NAME: 0 (wait: the command's status) or -errno, printed. */
static int one(const struct cli *cli, int root_fd, const char *name) {
        int status = 0, r;

        switch (cli->command) {
        case CLI_STOP:
                return state_stop(root_fd, name, cli->stop_timeout);
        case CLI_KILL:
                return state_kill(root_fd, name, cli->signal);
        case CLI_LOGS:
                return state_logs(root_fd, name, cli->follow, STDOUT_FILENO);
        case CLI_WAIT:
                r = state_wait(root_fd, name, &status);
                return r < 0 ? r : status;
        case CLI_RM:
                return state_rm(root_fd, name, cli->force);
        default:
                return -EINVAL;
        }
}

int cli_named_command(const struct cli *cli) {
        _cleanup_close_ int root_fd = -1;
        int r, result = 0;

        r = state_root_open(&root_fd);
        if (r < 0)
                return r;
        if (cli->command == CLI_LIST)
                return list(root_fd, cli->format_json);
        for (char **name = cli->args; name && *name; name++) {
                r = one(cli, root_fd, *name);
                if (r < 0 || result >= 0)
                        result = r;
        }
        return result;
}
