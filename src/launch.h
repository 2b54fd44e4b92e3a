/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "config.h"

/* Runs the container described by c. Returns the exit status for the
 * launcher (the command's status, 128+N, 126, 127), or -errno when userbox
 * itself failed (the message already printed). */
int launch_run(struct config *c);

struct copy_request;
/* `userbox cp`: the copy runs in a user and mount namespace with c's id map. */
int launch_copy(struct config *c, const struct copy_request *req);

/* `userbox unshare`: a host command in a user namespace with c's id map. */
int launch_unshare(struct config *c, char **argv);
