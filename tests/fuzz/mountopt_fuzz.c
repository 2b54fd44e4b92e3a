/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: the [Mounts] specs, Bind=SRC[:DST[:OPTS]] (as a file
 * and as the command line would give it, read-write and read-only) and
 * Tmpfs=DST[:OPTS]. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct mount_entry m;
        char *spec, *reason = NULL;

        if (size > 4096)
                return 0;
        spec = malloc(size + 1);
        if (!spec)
                return 0;
        memcpy(spec, data, size);
        spec[size] = '\0';
        for (int i = 0; i < 4; i++) {
                if (profile_parse_bind(spec, i & 1, i & 2, &m, &reason) >= 0) {
                        /* A parsed bind is absolute at both ends. */
                        if (m.source[0] != '/' || m.destination[0] != '/')
                                abort();
                        profile_mount_entry_done(&m);
                }
                free(reason);
                reason = NULL;
        }
        if (profile_parse_tmpfs(spec, &m, &reason) >= 0) {
                if (m.destination[0] != '/' || m.source)
                        abort();
                profile_mount_entry_done(&m);
        }
        free(reason);
        free(spec);
        return 0;
}
