/* SPDX-License-Identifier: Apache-2.0 */
/* `userbox exec`: a placeholder until the exec launch mode lands. */
#include "launch.h"
#include "util.h"

int launch_exec(const struct cli *cli _unused_) {
        return log_error("exec: not implemented yet");
}
