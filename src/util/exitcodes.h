/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* The launcher's exit statuses. The integration tests read the same values
 * (tests/integration/lib.sh mirrors them); change both together. */
#define EXIT_USERBOX_FAILED   125 /* userbox itself failed: bad profile, setup error */
#define EXIT_CANNOT_EXECUTE   126 /* the command exists but cannot be executed */
#define EXIT_NOT_FOUND        127 /* the command was not found */
#define EXIT_SIGNAL_BASE      128 /* 128+N: the command died of signal N */
