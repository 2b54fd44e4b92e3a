/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* oci/: userbox-oci, the OCI runtime personality (design §14): the same
 * binary, chosen by the name it is run as, speaking the runtime command
 * line runc and crun speak, so that podman, conmon, Slurm's oci.conf and
 * the OCI conformance suite can drive it. config.json is translated into
 * the struct config a profile fills and runs through the same launch
 * pipeline. */

#include <stdbool.h>

/* True when argv0's base name is "userbox-oci". */
bool oci_invoked_as(const char *argv0);

/* The whole of userbox-oci: global options, then the subcommand. Returns
 * the process's exit status. */
int oci_main(int argc, char **argv);
