/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "config.h"

/* The command's environment: a clean one (PATH, HOME, TERM, HOSTNAME,
 * container=userbox) unless Clear=no, plus Keep= from the launcher's
 * environment, plus the set variables. */
int env_build(const struct config *c, const char *home, const char *hostname, char ***ret);
