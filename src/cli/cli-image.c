/* SPDX-License-Identifier: Apache-2.0 */
/* import, pull, images and rmi (design §11): their arguments, and each to
 * the image store's entry point (src/image/image-store.c). */
#include "cli.h"
#include "cli-internal.h"
#include "image.h"
#include "util.h"

int cli_take_image_option(struct cli *cli, const char *option, const char *arg) {
        if (streq(option, "tls-verify")) {
                int b = arg ? parse_boolean(arg) : 1;
                if (b < 0)
                        return cli_error("userbox pull: --tls-verify '%s': expected yes or no", arg);
                cli->tls_verify = b;
                return 0;
        }
        char **field = streq(option, "name") ? &cli->image_name : &cli->image_ref;
        free(*field);
        *field = strdup(arg);
        return *field ? 0 : -ENOMEM;
}

int cli_take_image_args(struct cli *cli, char **words) {
        static const char *const what[] = {
                [CLI_IMPORT] = "import: a SOURCE (an image archive, an OCI layout or a root tar)",
                [CLI_PULL] = "pull: a REFERENCE (such as docker.io/library/debian:12)",
        };
        size_t n = strv_length(words);

        switch (cli->command) {
        case CLI_IMAGES:
                return n > 0 ? cli_error("userbox images: unexpected argument '%s'", words[0]) : 0;
        case CLI_RMI:
                if (n == 0)
                        return cli_error("userbox rmi: an image name is needed");
                break;
        default:
                if (n == 0)
                        return cli_error("userbox %s is needed", what[cli->command]);
                if (n > 1)
                        return cli_error("userbox %s: one at a time ('%s' is one too many)",
                                         cli->command == CLI_IMPORT ? "import" : "pull", words[1]);
        }
        cli->args = strv_copy(words);
        return cli->args ? 0 : -ENOMEM;
}

int cli_image_command(const struct cli *cli) {
        struct image_request req = { .name = cli->image_name, .ref = cli->image_ref, .tls_verify = cli->tls_verify };
        int r = 0;

        switch (cli->command) {
        case CLI_IMPORT:
                req.source = cli->args[0];
                return image_import(&req);
        case CLI_PULL:
                req.source = cli->args[0];
                return image_pull(&req);
        case CLI_IMAGES:
                return image_list(stdout, cli->format_json);
        case CLI_RMI:
                /* Each in order; any failure fails the whole, each printed. */
                for (char **n = cli->args; *n; n++)
                        if (image_remove(*n) < 0)
                                r = -EIO;
                return r;
        default:
                return -EINVAL;
        }
}
