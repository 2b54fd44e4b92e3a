/* SPDX-License-Identifier: Apache-2.0 */
/* STUB */
#include "env.h"
#include "util.h"
int env_build(const struct config *c, const char *home, const char *hostname, char ***ret) { return -ENOSYS; }
