/* SPDX-License-Identifier: Apache-2.0 */
/* Applying one layer to a root (stub: the layer helper replaces it). */
#include "image-internal.h"
#include "util.h"

int layer_apply(int root_fd, int fd, const struct layer_options *o, struct layer_stats *st) {
        (void) root_fd; (void) fd; (void) st;
        return log_error("%s: layers cannot be applied yet", o->label);
}
