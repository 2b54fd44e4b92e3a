/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* Shared by cli.c (the option table and the parser), cli-options.c (its
 * messages for a bad word) and cli-hints.c (what a docker or podman user
 * types, and what userbox offers for it). Not a public interface:
 * everything else goes through cli.h. */

#include <stdbool.h>

#include "cli.h"
#include "util.h"

struct option;
/* getopt_long's '?' or ':' (opt) for subcommand cmd, with optopt and the
 * word it stopped at, made one message. Returns -EINVAL (-ENOMEM). */
int cli_report_bad_option(const char *cmd, int opt, const char *word, const struct option *longopts,
                          size_t n_long);

/* "PREFIX: unknown WHAT 'WORD'", with the closest of names. -EINVAL. */
int cli_report_unknown(const char *prefix, const char *what, const char *word, const char *const *names, size_t n);

/* Prints the message, its typed words escaped; returns -EINVAL. */
int cli_error(const char *fmt, ...) _printf_(1, 2);
/* "-b" or "--bind", as the user wrote the option, in buf. */
const char *cli_typed_option(char buf[static 64], const char *name, char short_name);

/* kill -s: a signal name, with or without "SIG", any case ("TERM",
 * "sigterm", "RTMIN+2"), or a number from 1 to SIGRTMAX. */
int cli_parse_signal(const char *value, int *ret);
/* The words after the options of the named-container commands: exec's
 * NAME [--] COMMAND..., logs' NAME, the NAMEs of stop, kill, wait and rm,
 * nothing for list. Each NAME checked as state_name_check does. */
int cli_take_names(struct cli *cli, char **words);
/* cli-image.c: import and pull's options (--name, --ref, --tls-verify) and
 * the image commands' arguments. */
int cli_take_image_option(struct cli *cli, const char *option, const char *arg);
int cli_take_image_args(struct cli *cli, char **words);

/* The pointer for an option docker and podman know and userbox refuses
 * ("--rm", "--volume"), as typed without its value; NULL for any
 * other. */
const char *cli_docker_hint(const char *option);
/* docker's -p/--publish value: [IP:]HOST:CONTAINER[/PROTOCOL], or a
 * CONTAINER port with its protocol ("8080:80", "127.0.0.1:53:53/udp"). */
bool cli_looks_like_ports(const char *value);
/* docker's -v/--volume value: SRC:DST[:OPTIONS], DST absolute. */
bool cli_looks_like_volume(const char *value);
