/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* What oci-linux.c, oci-mounts.c and oci-features.c share. */

#include "oci-internal.h"
#include "oci-view.h"
#include "util.h"

/* oci_refuse(): *reason set to the sentence, a field's path first. */
#include "oci-spec-internal.h"

/* mounts: each entry in order into l->mounts; relative bind sources are
 * taken from bundle (may be NULL: left as given). */
int oci_mounts_parse(json_object *mounts, const char *bundle, struct oci_linux *l, char **reason);
void oci_mounts_free(struct oci_mount *m, size_t n);

/* "rprivate" -> MS_REC | MS_PRIVATE; -EINVAL when not a propagation. */
int oci_propagation_from_name(const char *name, unsigned long *ret);
/* features' mountOptions: the names of mounts[]' options userbox gives a
 * meaning (others go to the file system as its data), at most max, in
 * names; returns how many. */
size_t oci_mount_options_honoured(const char **names, size_t max);

/* linux.resources (oci-resources.c): the limits into c's [Limits]. */
int oci_resources_parse(json_object *v, struct config *c, struct oci_linux *l, char **reason);
typedef int (*oci_linux_parser)(json_object *v, struct config *c, struct oci_linux *l, char **reason);

/* null, false, 0, "", [] and {}: a field that asks for nothing. */
bool oci_json_is_empty(json_object *v);
/* o's key, NULL when absent or null (or o is no object). */
json_object *oci_field(json_object *o, const char *key);
