/* SPDX-License-Identifier: Apache-2.0 */
/* userbox-oci's command line: the global options, then one subcommand. */
#include <errno.h>
#include <string.h>

#include "oci.h"
#include "oci-internal.h"
#include "util.h"

bool oci_invoked_as(const char *argv0) {
        const char *base;

        if (!argv0)
                return false;
        base = strrchr(argv0, '/');
        return streq(base ? base + 1 : argv0, "userbox-oci");
}

int oci_main(int argc, char **argv) {
        (void) argc;
        (void) argv;
        log_error("userbox-oci: not built yet");
        return 125;
}
