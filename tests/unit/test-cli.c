/* SPDX-License-Identifier: Apache-2.0 */
#include <signal.h>

#include "cli.h"
#include "unit.h"
#include "util.h"

static int parse(struct cli *cli, char **argv) {
        return cli_parse((int) strv_length(argv), argv, cli);
}

/* The command line is refused (and leaves nothing to free). */
static bool refused(char **argv) {
        struct cli cli;
        int r = parse(&cli, argv);
        cli_done(&cli);
        return r == -EINVAL;
}

static const struct cli_setting *find(const struct cli *cli, const char *key) {
        for (size_t i = 0; i < cli->n_settings; i++)
                if (streq(cli->settings[i].key, key))
                        return &cli->settings[i];
        return NULL;
}

TEST(root_and_command_are_split_at_dashdash) {
        struct cli cli;
        char *argv[] = { "userbox", "run", "-H", "box", "/r", "--", "ls", "-l", NULL };
        CHECK(parse(&cli, argv) == 0);
        CHECK(cli.command == CLI_RUN);
        CHECK(strv_length(cli.args) == 1 && streq(cli.args[0], "/r"));
        CHECK(strv_length(cli.command_argv) == 2 && streq(cli.command_argv[1], "-l"));
        CHECK(find(&cli, "Hostname") && streq(find(&cli, "Hostname")->value, "box"));
        cli_done(&cli);
}

TEST(dashdash_first_means_no_root) {
        struct cli cli;
        char *argv[] = { "userbox", "run", "--", "id", "-u", NULL };
        CHECK(parse(&cli, argv) == 0);
        CHECK(cli.args == NULL);
        CHECK(strv_length(cli.command_argv) == 2 && streq(cli.command_argv[0], "id"));
        cli_done(&cli);
}

TEST(command_named_like_an_option_after_dashdash_is_a_command) {
        struct cli cli;
        char *argv[] = { "userbox", "run", "/r", "--", "--bind", "/x:/y", NULL };
        CHECK(parse(&cli, argv) == 0);
        CHECK(cli.n_settings == 0);
        CHECK(strv_length(cli.command_argv) == 2 && streq(cli.command_argv[0], "--bind"));
        cli_done(&cli);
}

TEST(options_after_root_belong_to_the_command) {
        struct cli cli;
        char *argv[] = { "userbox", "run", "/r", "ls", "-v", NULL };
        CHECK(parse(&cli, argv) == 0);
        CHECK(cli.log_level == LOG_NORMAL);
        CHECK(strv_length(cli.command_argv) == 2 && streq(cli.command_argv[1], "-v"));
        cli_done(&cli);
}

TEST(unknown_option_and_missing_value_fail) {
        char *a[] = { "userbox", "run", "--frobnicate", "/r", NULL };
        char *b[] = { "userbox", "run", "--bind", NULL };
        char *c[] = { "userbox", "frob", NULL };
        char *d[] = { "userbox", "run", "-e", "=NONAME", "/r", NULL };
        CHECK(refused(a));
        CHECK(refused(b));
        CHECK(refused(c));
        CHECK(refused(d));
}

TEST(options_map_to_profile_keys) {
        struct cli cli;
        char *argv[] = { "userbox", "run", "--read-only", "--overlay", "--no-init", "-e", "A=b=c",
                         "--limit", "NOFILE=64", "-b", "/a:/b:ro", "--idmap", "single", "-v", "/r", NULL };
        CHECK(parse(&cli, argv) == 0);
        CHECK(find(&cli, "ReadOnly") && streq(find(&cli, "ReadOnly")->value, "yes"));
        CHECK(find(&cli, "Overlay") && streq(find(&cli, "Overlay")->value, "tmpfs"));
        CHECK(find(&cli, "Init") && streq(find(&cli, "Init")->value, "no"));
        CHECK(find(&cli, "A") && streq(find(&cli, "A")->value, "b=c") && streq(find(&cli, "A")->section, "Environment"));
        CHECK(find(&cli, "NOFILE") && streq(find(&cli, "NOFILE")->section, "Limits"));
        CHECK(find(&cli, "Bind") && streq(find(&cli, "Bind")->value, "/a:/b:ro"));
        CHECK(find(&cli, "Mode") && streq(find(&cli, "Mode")->value, "single"));
        CHECK(cli.log_level == LOG_VERBOSE);
        cli_done(&cli);
}

TEST(overlay_with_a_directory) {
        struct cli cli;
        char *argv[] = { "userbox", "run", "--overlay=/keep", "/r", NULL };
        CHECK(parse(&cli, argv) == 0);
        CHECK(find(&cli, "Overlay") && streq(find(&cli, "Overlay")->value, "/keep"));
        cli_done(&cli);
}

TEST(preserve_fds_is_checked) {
        struct cli cli;
        char *a[] = { "userbox", "run", "--preserve-fds", "2", "/r", NULL };
        char *b[] = { "userbox", "run", "--preserve-fds", "-1", "/r", NULL };
        CHECK(parse(&cli, a) == 0 && cli.preserve_fds == 2);
        cli_done(&cli);
        CHECK(refused(b));
}

TEST(options_of_another_command_are_refused) {
        struct cli cli;
        char *a[] = { "userbox", "profiles", "--bind", "/a:/b", NULL };
        char *b[] = { "userbox", "cp", "-a", "x", "r:/y", NULL };
        CHECK(refused(a));
        CHECK(parse(&cli, b) == 0 && cli.archive && strv_length(cli.args) == 2);
        cli_done(&cli);
}

TEST(after_root_option_every_word_is_the_command) {
        struct cli cli;
        char *a[] = { "userbox", "run", "-r", "/r", "hostname", NULL };
        char *b[] = { "userbox", "run", "--root=/r", "bash", "-c", "echo hi", NULL };
        char *c[] = { "userbox", "config", "-r", "/r", "/", NULL };
        char *d[] = { "userbox", "run", "-r", "/r", "/", "--", "true", NULL };
        CHECK(parse(&cli, a) == 0 && cli.args == NULL && strv_length(cli.command_argv) == 1 &&
              streq(cli.command_argv[0], "hostname"));
        cli_done(&cli);
        CHECK(parse(&cli, b) == 0 && cli.args == NULL && strv_length(cli.command_argv) == 3 &&
              streq(cli.command_argv[0], "bash") && streq(cli.command_argv[1], "-c"));
        cli_done(&cli);
        /* A second root, positional: refused. */
        CHECK(refused(c));
        CHECK(refused(d));
}

TEST(env_name_alone_keeps_the_hosts_variable) {
        struct cli cli;
        char *argv[] = { "userbox", "run", "-e", "LANG", "/r", NULL };
        CHECK(parse(&cli, argv) == 0);
        CHECK(find(&cli, "Keep") && streq(find(&cli, "Keep")->value, "LANG") &&
              streq(find(&cli, "Keep")->section, "Environment"));
        cli_done(&cli);
}

TEST(tty_takes_an_optional_value_but_t_none) {
        struct cli cli;
        char *a[] = { "userbox", "run", "--tty=no", "/r", NULL };
        char *b[] = { "userbox", "run", "-ti", "/r", NULL };
        CHECK(parse(&cli, a) == 0 && find(&cli, "Tty") && streq(find(&cli, "Tty")->value, "no"));
        cli_done(&cli);
        CHECK(parse(&cli, b) == 0 && find(&cli, "Tty") && streq(find(&cli, "Tty")->value, "yes") &&
              streq(cli.args[0], "/r"));
        cli_done(&cli);
}

TEST(docker_words_are_refused) {
        struct cli cli;
        char *a[] = { "userbox", "run", "-p", "8080:80", "/r", NULL };
        char *b[] = { "userbox", "run", "--rm", "/r", NULL };
        char *c[] = { "userbox", "run", "-v", "/no/such:/mnt", "/r", NULL };
        char *d[] = { "userbox", "run", "-p", "my-profile", "-v", "/r", NULL };
        CHECK(refused(a));
        CHECK(refused(b));
        CHECK(refused(c));
        CHECK(parse(&cli, d) == 0 && streq(cli.profile, "my-profile") && cli.log_level == LOG_VERBOSE);
        cli_done(&cli);
}

TEST(run_name_and_detach) {
        struct cli cli;
        char *a[] = { "userbox", "run", "--name", "db", "-d", "/r", "--", "sleep", "1", NULL };
        char *b[] = { "userbox", "run", "--name", "a/b", "/r", NULL };
        char *c[] = { "userbox", "run", "-d", "-t", "/r", NULL };
        char *d[] = { "userbox", "run", "-td", "/r", NULL };
        char *e[] = { "userbox", "run", "-d", "--tty=no", "/r", NULL };
        char *g[] = { "userbox", "config", "-d", "/r", NULL };
        CHECK(parse(&cli, a) == 0 && cli.detach && find(&cli, "Name") && streq(find(&cli, "Name")->value, "db") &&
              streq(find(&cli, "Name")->section, "Container") && streq(cli.args[0], "/r"));
        cli_done(&cli);
        CHECK(refused(b));
        CHECK(refused(c));
        CHECK(refused(d));
        CHECK(parse(&cli, e) == 0 && cli.detach);
        cli_done(&cli);
        CHECK(refused(g));
}

TEST(exec_takes_name_command_and_run_settings) {
        struct cli cli;
        char *a[] = { "userbox", "exec", "-t", "-u", "0", "-w", "/tmp", "-e", "A=b", "--keep-env", "TERM", "db", "ls",
                      "-l", NULL };
        char *b[] = { "userbox", "exec", "db", "--", "--weird", NULL };
        char *c[] = { "userbox", "exec", "db", NULL };
        char *d[] = { "userbox", "exec", "-b", "/a:/b", "db", "true", NULL };
        char *e[] = { "userbox", "exec", "../x", "true", NULL };
        CHECK(parse(&cli, a) == 0 && cli.command == CLI_EXEC && strv_length(cli.args) == 1 &&
              streq(cli.args[0], "db") && strv_length(cli.command_argv) == 2 && streq(cli.command_argv[1], "-l"));
        CHECK(find(&cli, "Tty") && find(&cli, "User") && find(&cli, "WorkingDirectory") && find(&cli, "A") &&
              find(&cli, "Keep"));
        cli_done(&cli);
        CHECK(parse(&cli, b) == 0 && streq(cli.command_argv[0], "--weird"));
        cli_done(&cli);
        CHECK(refused(c));
        CHECK(refused(d));
        CHECK(refused(e));
}

TEST(stop_kill_logs_list_rm_options) {
        struct cli cli;
        char *a[] = { "userbox", "stop", "-t", "3", "a", "b", NULL };
        char *b[] = { "userbox", "kill", "-s", "sigterm", "a", NULL };
        char *c[] = { "userbox", "kill", "--signal=9", "a", NULL };
        char *d[] = { "userbox", "kill", "-s", "RTMIN+2", "a", NULL };
        char *e[] = { "userbox", "logs", "-f", "a", NULL };
        char *g[] = { "userbox", "ps", "--format", "json", NULL };
        char *h[] = { "userbox", "rm", "-f", "a", NULL };
        char *i[] = { "userbox", "kill", "a", NULL };
        CHECK(parse(&cli, a) == 0 && cli.stop_timeout == 3 && strv_length(cli.args) == 2);
        cli_done(&cli);
        CHECK(parse(&cli, b) == 0 && cli.signal == SIGTERM);
        cli_done(&cli);
        CHECK(parse(&cli, c) == 0 && cli.signal == 9);
        cli_done(&cli);
        CHECK(parse(&cli, d) == 0 && cli.signal == SIGRTMIN + 2);
        cli_done(&cli);
        CHECK(parse(&cli, e) == 0 && cli.follow && streq(cli.args[0], "a"));
        cli_done(&cli);
        CHECK(parse(&cli, g) == 0 && cli.command == CLI_LIST && cli.format_json);
        cli_done(&cli);
        CHECK(parse(&cli, h) == 0 && cli.force);
        cli_done(&cli);
        CHECK(parse(&cli, i) == 0 && cli.signal == SIGKILL && cli.stop_timeout == 10);
        cli_done(&cli);
}

TEST(named_commands_refuse_bad_words) {
        char *a[] = { "userbox", "stop", NULL };
        char *b[] = { "userbox", "stop", "-t", "soon", "a", NULL };
        char *c[] = { "userbox", "kill", "-s", "NOPE", "a", NULL };
        char *d[] = { "userbox", "kill", "-s", "0", "a", NULL };
        char *e[] = { "userbox", "logs", "a", "b", NULL };
        char *g[] = { "userbox", "list", "--format", "yaml", NULL };
        char *h[] = { "userbox", "list", "x", NULL };
        char *i[] = { "userbox", "rm", "a", "-bad", NULL };
        char *j[] = { "userbox", "wait", "a\tb", NULL };
        CHECK(refused(a));
        CHECK(refused(b));
        CHECK(refused(c));
        CHECK(refused(d));
        CHECK(refused(e));
        CHECK(refused(g));
        CHECK(refused(h));
        CHECK(refused(i));
        CHECK(refused(j));
}

int main(void) {
        static const struct unit_case cases[] = {
                UNIT(root_and_command_are_split_at_dashdash),
                UNIT(dashdash_first_means_no_root),
                UNIT(command_named_like_an_option_after_dashdash_is_a_command),
                UNIT(options_after_root_belong_to_the_command),
                UNIT(unknown_option_and_missing_value_fail),
                UNIT(options_map_to_profile_keys),
                UNIT(overlay_with_a_directory),
                UNIT(preserve_fds_is_checked),
                UNIT(options_of_another_command_are_refused),
                UNIT(after_root_option_every_word_is_the_command),
                UNIT(env_name_alone_keeps_the_hosts_variable),
                UNIT(tty_takes_an_optional_value_but_t_none),
                UNIT(docker_words_are_refused),
                UNIT(run_name_and_detach),
                UNIT(exec_takes_name_command_and_run_settings),
                UNIT(stop_kill_logs_list_rm_options),
                UNIT(named_commands_refuse_bad_words),
        };
        return unit_main(cases, ELEMENTSOF(cases));
}
