/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* Before a container starts: when the user could change the launcher's
 * binary (it is theirs, or writable to them: a build tree, ~/.local/bin),
 * re-executes the launcher from a sealed memfd copy of itself, so that
 * nothing inside the container can reach the file through /proc/PID/exe
 * or by executing /proc/self/exe (CVE-2019-5736). Returns 0 when running
 * from such a copy or from a binary out of the user's reach, -errno (the
 * message printed) when the copy failed; does not return when it
 * re-executed. */
int exe_seal(char **argv);

/* The launcher binary's path on the host, also from inside its sealed
 * copy; "" when unknown. Helpers and profiles beside it are found from
 * here, never through a path inside a container. */
const char *exe_seal_real_path(void);
