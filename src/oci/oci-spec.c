/* SPDX-License-Identifier: Apache-2.0 */
/* config.json: the document, root, process, hostname, hooks. */
#include <errno.h>
#include <stdlib.h>

#include "oci-internal.h"
#include "util.h"

int oci_spec_parse(const char *text, size_t size, const char *bundle, struct config *c,
                   struct oci_spec *s, char **reason) {
        (void) text; (void) size; (void) bundle; (void) c; (void) s;
        *reason = strdup("not built yet");
        return -EOPNOTSUPP;
}

int oci_spec_load(const char *bundle, struct config *c, struct oci_spec *s) {
        (void) bundle; (void) c; (void) s;
        return log_errno(-EOPNOTSUPP, "config.json");
}

void oci_spec_done(struct oci_spec *s) {
        if (!s)
                return;
        oci_linux_free(s->linux_spec);
        if (s->document)
                json_object_put(s->document);
        free(s->bundle);
        free(s->oci_version);
        *s = (struct oci_spec) { 0 };
}
