/* SPDX-License-Identifier: Apache-2.0 */
/* config.json: linux.resources, into the [Limits] of struct config that
 * the cgroup work (src/cgroup/) enforces, or refuses naming the limit. A
 * limit userbox has no file for is refused here, naming the field: podman
 * rootless on cgroup v1 asks for none but the device rules below. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "oci-linux-internal.h"

/* Fields of an object the caller reads itself; every other one must ask
 * for nothing. */
static int only_fields(json_object *o, const char *path, const char *const *known, char **reason) {
        json_object_object_foreach(o, key, value) {
                bool found = false;
                for (size_t i = 0; known[i] && !found; i++)
                        found = streq(key, known[i]);
                if (!found && !oci_json_is_empty(value))
                        return oci_refuse(reason, "%s.%s: this limit cannot be enforced by userbox",
                                          path, key);
        }
        return 0;
}

/* A limit in the document: absent, null, 0 and -1 (the spec's
 * "unlimited") leave it unset; else a positive integer. */
static int limit_field(json_object *o, const char *path, const char *key, uint64_t *ret, char **reason) {
        json_object *v = oci_field(o, key);
        int64_t n;

        if (!v)
                return 0;
        if (!json_object_is_type(v, json_type_int))
                return oci_refuse(reason, "%s.%s: not an integer", path, key);
        n = json_object_get_int64(v);
        if (n < -1)
                return oci_refuse(reason, "%s.%s: %" PRId64 " is not a limit", path, key, n);
        *ret = n > 0 ? (uint64_t) n : 0;
        return 0;
}

static int memory_parse(json_object *o, struct config *c, char **reason) {
        static const char *const known[] = { "limit", "swap", "reservation", "disableOOMKiller", "useHierarchy",
                                             "checkBeforeUpdate", NULL };
        int r = only_fields(o, "linux.resources.memory", known, reason);

        if (r >= 0)
                r = limit_field(o, "linux.resources.memory", "limit", &c->memory, reason);
        if (r >= 0)
                r = limit_field(o, "linux.resources.memory", "swap", &c->memory_swap, reason);
        if (r >= 0)
                r = limit_field(o, "linux.resources.memory", "reservation", &c->memory_reservation, reason);
        return r;
}

static int pids_parse(json_object *o, struct config *c, char **reason) {
        static const char *const known[] = { "limit", NULL };
        int r = only_fields(o, "linux.resources.pids", known, reason);
        return r < 0 ? r : limit_field(o, "linux.resources.pids", "limit", &c->pids, reason);
}

/* cpus, mems: a list such as "0-1,4", as cpuset.cpus takes it. */
static int cpu_list_field(json_object *o, const char *key, char **ret, char **reason) {
        json_object *v = oci_field(o, key);
        const char *list = v ? json_object_get_string(v) : NULL;

        if (!v || !*list)
                return 0;
        if (!json_object_is_type(v, json_type_string) || strspn(list, "0123456789,-") != strlen(list) ||
            strlen(list) > 200)
                return oci_refuse(reason, "linux.resources.cpu.%s: not a list such as 0-1,4", key);
        free(*ret);
        *ret = strdup(list);
        return *ret ? 0 : -ENOMEM;
}

/* quota/period is CPUs= in thousandths of a CPU (the period defaults to
 * the kernel's 100 ms). */
static int cpu_parse(json_object *o, struct config *c, char **reason) {
        static const char *const known[] = { "quota", "period", "shares", "cpus", "mems", NULL };
        uint64_t quota = 0, period = 0;
        int r = only_fields(o, "linux.resources.cpu", known, reason);

        if (r >= 0)
                r = limit_field(o, "linux.resources.cpu", "shares", &c->cpu_shares, reason);
        if (r >= 0)
                r = cpu_list_field(o, "cpus", &c->cpuset_cpus, reason);
        if (r >= 0)
                r = cpu_list_field(o, "mems", &c->cpuset_mems, reason);
        if (r >= 0)
                r = limit_field(o, "linux.resources.cpu", "quota", &quota, reason);
        if (r >= 0)
                r = limit_field(o, "linux.resources.cpu", "period", &period, reason);
        if (r < 0 || !quota)
                return r;
        if (!period)
                period = 100000;
        c->cpus_milli = quota * 1000 / period;
        if (!c->cpus_milli)
                return oci_refuse(reason, "linux.resources.cpu.quota: less than a thousandth of a CPU");
        return 0;
}

/* The proportional weight alone: the per-device weights and throttles
 * name devices by number, which userbox does not check. */
static int blkio_parse(json_object *o, struct config *c, char **reason) {
        static const char *const known[] = { "weight", NULL };
        int r = only_fields(o, "linux.resources.blockIO", known, reason);
        return r < 0 ? r : limit_field(o, "linux.resources.blockIO", "weight", &c->blkio_weight, reason);
}

/* [{"pageSize": "2MB", "limit": N}]: the size as the kernel spells it in
 * hugetlb.<size>.limit_in_bytes (v1) and hugetlb.<size>.max (v2). */
static int hugepages_parse(json_object *list, struct config *c, char **reason) {
        if (!json_object_is_type(list, json_type_array))
                return oci_refuse(reason, "linux.resources.hugepageLimits: not an array");
        for (size_t i = 0; i < json_object_array_length(list); i++) {
                json_object *entry = json_object_array_get_idx(list, i);
                const char *size = json_object_get_string(oci_field(entry, "pageSize"));
                struct hugepage_limit *h = &c->hugepage_limits[c->n_hugepage_limits];
                uint64_t limit = 0;
                int r;

                if (!size || !*size || strlen(size) >= sizeof(h->size) || strspn(size, "0123456789KMGTPB") != strlen(size))
                        return oci_refuse(reason, "linux.resources.hugepageLimits[%zu].pageSize: not a page size "
                                          "such as 2MB", i);
                r = limit_field(entry, "linux.resources.hugepageLimits[]", "limit", &limit, reason);
                if (r < 0)
                        return r;
                if (c->n_hugepage_limits == ELEMENTSOF(c->hugepage_limits))
                        return oci_refuse(reason, "linux.resources.hugepageLimits: more than %zu page sizes",
                                          ELEMENTSOF(c->hugepage_limits));
                snprintf(h->size, sizeof(h->size), "%s", size);
                h->limit = limit;
                c->n_hugepage_limits++;
        }
        return 0;
}

/* The device cgroup needs root (v1's devices.allow, v2's BPF program), so
 * the rules are not enforced. What the container can open is what it is
 * given: the standard nodes and linux.devices, bound from the host with
 * the host's permissions, since nothing inside can mknod. So a list is
 * accepted when it only denies, or allows no more than those nodes (and
 * the pseudo-terminals); an allow of anything else would promise access
 * the container cannot have, and is refused. */
static const struct { unsigned major, minor; } standard_nodes[] = {
        { 1, 3 }, { 1, 5 }, { 1, 7 }, { 1, 8 }, { 1, 9 }, { 5, 0 }, { 5, 1 }, { 5, 2 },
};
#define PTS_MAJOR 136

static bool device_given(const struct config *c, char type, int64_t major_number, int64_t minor_number) {
        if (type == 'c' && major_number == PTS_MAJOR)
                return true;
        for (size_t i = 0; type == 'c' && i < ELEMENTSOF(standard_nodes); i++)
                if (standard_nodes[i].major == major_number && standard_nodes[i].minor == minor_number)
                        return true;
        for (size_t i = 0; i < c->n_devices; i++) {
                struct stat st;
                if (stat(c->devices[i].host_path, &st) == 0 && (S_ISCHR(st.st_mode) ? 'c' : 'b') == type &&
                    major(st.st_rdev) == major_number && minor(st.st_rdev) == minor_number)
                        return true;
        }
        return false;
}

static int device_rules_parse(json_object *list, const struct config *c, char **reason) {
        if (!json_object_is_type(list, json_type_array))
                return oci_refuse(reason, "linux.resources.devices: not an array");
        for (size_t i = 0; i < json_object_array_length(list); i++) {
                json_object *rule = json_object_array_get_idx(list, i);
                json_object *major_v = oci_field(rule, "major"), *minor_v = oci_field(rule, "minor");
                const char *type = json_object_get_string(oci_field(rule, "type"));

                if (!json_object_get_boolean(oci_field(rule, "allow")))
                        continue;
                if (type && strlen(type) == 1 && major_v && minor_v &&
                    device_given(c, type[0], json_object_get_int64(major_v), json_object_get_int64(minor_v)))
                        continue;
                if (type && streq(type, "c") && major_v && json_object_get_int64(major_v) == PTS_MAJOR)
                        continue;
                return oci_refuse(reason, "linux.resources.devices[%zu]: allowing devices beyond the "
                                  "standard nodes and linux.devices cannot be enforced without root", i);
        }
        return 0;
}

int oci_resources_parse(json_object *v, struct config *c, struct oci_linux *l, char **reason) {
        static const char *const known[] = { "memory", "pids", "cpu", "blockIO", "devices", "hugepageLimits", NULL };
        static const struct {
                const char *name;
                int (*parse)(json_object *o, struct config *c, char **reason);
        } parts[] = {
                { "memory", memory_parse }, { "pids", pids_parse }, { "cpu", cpu_parse }, { "blockIO", blkio_parse },
        };
        json_object *devices = oci_field(v, "devices"), *hugepages = oci_field(v, "hugepageLimits");
        int r;

        (void) l;
        if (!json_object_is_type(v, json_type_object))
                return oci_refuse(reason, "linux.resources: not an object");
        r = only_fields(v, "linux.resources", known, reason);
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(parts); i++) {
                json_object *o = oci_field(v, parts[i].name);
                if (!o)
                        continue;
                if (!json_object_is_type(o, json_type_object))
                        return oci_refuse(reason, "linux.resources.%s: not an object", parts[i].name);
                r = parts[i].parse(o, c, reason);
        }
        if (r >= 0 && devices)
                r = device_rules_parse(devices, c, reason);
        if (r >= 0 && hugepages)
                r = hugepages_parse(hugepages, c, reason);
        return r;
}
