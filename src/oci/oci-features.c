/* SPDX-License-Identifier: Apache-2.0 */
/* userbox-oci features and spec: what the runtime supports, and the
 * config.json a new bundle starts from. */
#include <errno.h>

#include "oci-internal.h"
#include "util.h"

int oci_features_print(FILE *f) {
        (void) f;
        return log_errno(-EOPNOTSUPP, "features");
}

int oci_spec_template(bool rootless, json_object **ret) {
        (void) rootless;
        *ret = NULL;
        return log_errno(-EOPNOTSUPP, "spec");
}
