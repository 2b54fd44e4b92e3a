/* SPDX-License-Identifier: Apache-2.0 */
/* STUB */
#include "exitcodes.h"
int main(int argc, char **argv) { return EXIT_USERBOX_FAILED; }
