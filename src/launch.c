/* SPDX-License-Identifier: Apache-2.0 */
/* STUB */
#include "launch.h"
#include "util.h"
int launch_run(struct config *c) { return -ENOSYS; }
int launch_unshare(struct config *c, char **argv) { return -ENOSYS; }
