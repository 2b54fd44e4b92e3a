/* SPDX-License-Identifier: Apache-2.0 */
/* Reading an image's manifests and blobs (stub: the source helper replaces it). */
#include "image-internal.h"
#include "util.h"
