/* SPDX-License-Identifier: Apache-2.0 */
/* userbox-image: see src/image/image.h (stub: the source helper replaces it). */
#include "image.h"
#include "util.h"

int main(int argc, char **argv) {
        (void) argc; (void) argv;
        return log_error("userbox-image: not implemented yet") < 0 ? EXIT_USERBOX_FAILED : 0;
}
