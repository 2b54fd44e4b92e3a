/* SPDX-License-Identifier: Apache-2.0 */
/* Typed fields of config.json, each refusal naming the field. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "oci-spec-internal.h"

int oci_refuse(char **reason, const char *fmt, ...) {
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = reason_formatv(reason, -EINVAL, fmt, ap);
        va_end(ap);
        return *reason ? r : -ENOMEM;
}

/* The field, or NULL when absent; refuses a missing required one and one
 * of another type (null counts as absent, as the Go runtimes read it). */
static int get_typed(json_object *obj, const char *key, bool required, json_type type, const char *what,
                     json_object **ret, const char *where, char **reason) {
        json_object *v = NULL;

        *ret = NULL;
        if (obj && json_object_object_get_ex(obj, key, &v) && v) {
                if (!json_object_is_type(v, type) && !(type == json_type_double && json_object_is_type(v, json_type_int)))
                        return oci_refuse(reason, "%s%s: not %s", where, key, what);
                *ret = v;
                return 0;
        }
        if (required)
                return oci_refuse(reason, "%s%s: missing", where, key);
        return 0;
}

int oci_get_object(json_object *obj, const char *key, bool required, json_object **ret, const char *where,
                   char **reason) {
        json_object *v;
        int r = get_typed(obj, key, required, json_type_object, "an object", &v, where, reason);

        if (r >= 0 && ret)
                *ret = v;
        return r;
}

int oci_get_array(json_object *obj, const char *key, bool required, json_object **ret, const char *where,
                  char **reason) {
        return get_typed(obj, key, required, json_type_array, "an array", ret, where, reason);
}

int oci_get_string(json_object *obj, const char *key, bool required, char **ret, const char *where,
                   char **reason) {
        json_object *v;
        int r = get_typed(obj, key, required, json_type_string, "a string", &v, where, reason);

        if (r < 0 || !v)
                return r;
        free(*ret);
        *ret = strdup(json_object_get_string(v));
        return *ret ? 0 : -ENOMEM;
}

int oci_get_strv(json_object *obj, const char *key, bool required, char ***ret, const char *where,
                 char **reason) {
        _cleanup_strv_free_ char **l = NULL;
        json_object *v;
        size_t n;
        int r = get_typed(obj, key, required, json_type_array, "an array of strings", &v, where, reason);

        if (r < 0 || !v)
                return r;
        n = json_object_array_length(v);
        l = calloc(n + 1, sizeof(char *));
        if (!l)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                json_object *s = json_object_array_get_idx(v, i);
                if (!json_object_is_type(s, json_type_string))
                        return oci_refuse(reason, "%s%s[%zu]: not a string", where, key, i);
                l[i] = strdup(json_object_get_string(s));
                if (!l[i])
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

int oci_get_bool(json_object *obj, const char *key, int *ret, const char *where, char **reason) {
        json_object *v;
        int r = get_typed(obj, key, false, json_type_boolean, "true or false", &v, where, reason);

        if (r >= 0 && v)
                *ret = json_object_get_boolean(v);
        return r;
}

static int get_number(json_object *obj, const char *key, int64_t min, uint64_t max, int64_t *ret,
                      const char *where, char **reason) {
        json_object *v;
        int r = get_typed(obj, key, false, json_type_int, "an integer", &v, where, reason);

        if (r < 0 || !v)
                return r;
        errno = 0;
        if (json_object_get_int64(v) < 0) {
                if (json_object_get_int64(v) < min)
                        return oci_refuse(reason, "%s%s: out of range", where, key);
                *ret = json_object_get_int64(v);
                return 0;
        }
        if (json_object_get_uint64(v) > max)
                return oci_refuse(reason, "%s%s: out of range", where, key);
        *ret = (int64_t) json_object_get_uint64(v);
        return 0;
}

int oci_get_int(json_object *obj, const char *key, int64_t *ret, const char *where, char **reason) {
        return get_number(obj, key, INT32_MIN, INT32_MAX, ret, where, reason);
}

int oci_get_u64(json_object *obj, const char *key, int64_t *ret, const char *where, char **reason) {
        return get_number(obj, key, 0, UINT64_MAX, ret, where, reason);
}

int oci_get_id(json_object *obj, const char *key, int64_t *ret, const char *where, char **reason) {
        return get_number(obj, key, 0, UINT32_MAX - 1, ret, where, reason);
}
