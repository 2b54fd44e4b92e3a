/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* The readers of config.json's lifecycle parts (oci-spec.c,
 * oci-namespaces.c, oci-hooks.c) and the typed field getters they share
 * (oci-json.c). A getter fails with -EINVAL and *reason "WHEREKEY: what
 * is wrong", where is the path of obj in the document with a trailing
 * dot ("process.user."); an absent optional field leaves *ret as it was
 * (objects, arrays, strings: NULL). */

#include <json-c/json.h>
#include <stdint.h>

#include "oci-life.h"
#include "util.h"

int oci_refuse(char **reason, const char *fmt, ...) _printf_(2, 3);
int oci_get_object(json_object *obj, const char *key, bool required, json_object **ret, const char *where,
                   char **reason);
int oci_get_array(json_object *obj, const char *key, bool required, json_object **ret, const char *where,
                  char **reason);
int oci_get_string(json_object *obj, const char *key, bool required, char **ret, const char *where,
                   char **reason);
/* An array of strings, NULL-terminated. */
int oci_get_strv(json_object *obj, const char *key, bool required, char ***ret, const char *where,
                 char **reason);
int oci_get_bool(json_object *obj, const char *key, int *ret, const char *where, char **reason);
int oci_get_int(json_object *obj, const char *key, int64_t *ret, const char *where, char **reason);
/* 0 ... 2^64-1 (json-c reads bigger numbers as uint64). */
int oci_get_u64(json_object *obj, const char *key, int64_t *ret, const char *where, char **reason);
/* A uid or gid: 0 ... 2^32-2. */
int oci_get_id(json_object *obj, const char *key, int64_t *ret, const char *where, char **reason);

/* linux.namespaces, linux.uidMappings, linux.gidMappings. */
int oci_namespaces_parse(json_object *linux_obj, struct config *c, struct oci_process *p, char **reason);
/* process.selinuxLabel and process.apparmorProfile (oci-linux.c). */
int oci_process_labels_parse(json_object *process, char **reason);
/* hooks. */
int oci_hooks_parse(json_object *doc, struct oci_hooks *h, char **reason);
