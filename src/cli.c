/* SPDX-License-Identifier: Apache-2.0 */
/* STUB */
#include "cli.h"
int cli_parse(int argc, char **argv, struct cli *ret) { return -ENOSYS; }
int cli_apply(const struct cli *cli, struct config *c) { return -ENOSYS; }
void cli_free(struct cli *cli) {}
void cli_help(FILE *f, const char *subcommand) {}
