/* SPDX-License-Identifier: Apache-2.0 */
/* config.json's linux.namespaces and linux.uidMappings/gidMappings: which
 * namespaces the container gets, which it joins by path, and its id map.
 * They decide the lifecycle, which is why they are read here and not
 * with the rest of linux (oci-linux.c). */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "oci-spec-internal.h"

static const struct {
        const char *type;
        unsigned long flag;
} namespace_types[] = {
        { "pid",     CLONE_NEWPID },
        { "network", CLONE_NEWNET },
        { "mount",   CLONE_NEWNS },
        { "ipc",     CLONE_NEWIPC },
        { "uts",     CLONE_NEWUTS },
        { "user",    CLONE_NEWUSER },
        { "cgroup",  CLONE_NEWCGROUP },
};

static int parse_mappings(json_object *linux_obj, const char *key, struct id_triple **ret, size_t *ret_n,
                          size_t *ret_allocated, char **reason);

static int parse_one_namespace(json_object *e, size_t i, struct oci_namespaces *ns, char **reason) {
        _cleanup_free_ char *type = NULL, *path = NULL, *where = NULL;
        unsigned long flag = 0;
        int r;

        if (asprintf(&where, "linux.namespaces[%zu].", i) < 0)
                return -ENOMEM;
        r = oci_get_string(e, "type", true, &type, where, reason);
        if (r >= 0)
                r = oci_get_string(e, "path", false, &path, where, reason);
        if (r < 0)
                return r;
        for (size_t k = 0; k < ELEMENTSOF(namespace_types); k++)
                if (streq(type, namespace_types[k].type))
                        flag = namespace_types[k].flag;
        if (!flag)
                return oci_reason(reason, "%stype: unknown namespace '%s'", where, type);
        bool seen = ns->create & flag;
        for (size_t k = 0; k < ns->n_join; k++)
                seen = seen || ns->join_flag[k] == flag;
        if (seen)
                return oci_reason(reason, "%stype: '%s' listed twice", where, type);
        if (!path || !path[0]) {
                ns->create |= flag;
                return 0;
        }
        /* Joined in the launcher before clone (pid) or first thing in the
         * child: a mount or user namespace joined so would leave the
         * launcher's own view of the bundle and the state. */
        if (flag == CLONE_NEWNS || flag == CLONE_NEWUSER)
                return oci_reason(reason, "%spath: userbox cannot join an existing %s namespace", where, type);
        if (ns->n_join >= OCI_JOIN_MAX)
                return -E2BIG;
        ns->join_flag[ns->n_join] = flag;
        ns->join_path[ns->n_join++] = TAKE_PTR(path);
        return 0;
}

int oci_namespaces_parse(json_object *linux_obj, struct config *c, struct oci_process *p, char **reason) {
        struct oci_namespaces *ns = &p->namespaces;
        json_object *list;
        int r;

        r = oci_get_array(linux_obj, "namespaces", false, &list, "linux.", reason);
        for (size_t i = 0; r >= 0 && list && i < json_object_array_length(list); i++)
                r = parse_one_namespace(json_object_array_get_idx(list, i), i, ns, reason);
        if (r < 0)
                return r;
        /* The root is set up by mounts only this process sees. */
        if (!(ns->create & CLONE_NEWNS))
                return oci_reason(reason, "linux.namespaces: userbox needs a mount namespace ('mount')");
        c->uts = !!(ns->create & CLONE_NEWUTS);
        c->ipc = !!(ns->create & CLONE_NEWIPC);
        c->cgroup = !!(ns->create & CLONE_NEWCGROUP);
        c->network = ns->create & CLONE_NEWNET ? NET_NONE : NET_HOST;
        if (c->hostname && c->hostname[0] && !c->uts)
                return oci_reason(reason, "hostname: set without a uts namespace of its own");

        r = parse_mappings(linux_obj, "uidMappings", &c->uid_map, &c->n_uid_map, &c->n_uid_map_allocated, reason);
        if (r >= 0)
                r = parse_mappings(linux_obj, "gidMappings", &c->gid_map, &c->n_gid_map, &c->n_gid_map_allocated,
                                   reason);
        if (r < 0)
                return r;
        if ((c->n_uid_map || c->n_gid_map) && !(ns->create & CLONE_NEWUSER))
                return oci_reason(reason, "linux.uidMappings: given without a user namespace to map");
        /* The caller's own id alone is written directly; anything more
         * takes newuidmap and newgidmap and the caller's subordinate ids. */
        if (c->n_uid_map == 1 && c->n_gid_map == 1 && c->uid_map[0].count == 1 && c->gid_map[0].count == 1 &&
            c->uid_map[0].outside == getuid() && c->gid_map[0].outside == getgid())
                c->idmap_mode = IDMAP_SINGLE;
        else if (c->n_uid_map || c->n_gid_map)
                c->idmap_mode = IDMAP_SUBID;
        return 0;
}

static int parse_mappings(json_object *linux_obj, const char *key, struct id_triple **ret, size_t *ret_n,
                          size_t *ret_allocated, char **reason) {
        json_object *list;
        int r = oci_get_array(linux_obj, key, false, &list, "linux.", reason);

        for (size_t i = 0; r >= 0 && list && i < json_object_array_length(list); i++) {
                json_object *e = json_object_array_get_idx(list, i);
                _cleanup_free_ char *where = NULL;
                int64_t inside = -1, outside = -1, size = -1;
                struct id_triple *slot;

                if (asprintf(&where, "linux.%s[%zu].", key, i) < 0)
                        return -ENOMEM;
                r = oci_get_id(e, "containerID", &inside, where, reason);
                if (r >= 0)
                        r = oci_get_id(e, "hostID", &outside, where, reason);
                if (r >= 0)
                        r = oci_get_id(e, "size", &size, where, reason);
                if (r < 0)
                        return r;
                if (inside < 0 || outside < 0 || size <= 0)
                        return oci_reason(reason, "%s: needs containerID, hostID and a size above 0", where);
                slot = array_reserve_one(*ret, *ret_n, ret_allocated, sizeof(*slot));
                if (!slot)
                        return -ENOMEM;
                *ret = slot;
                (*ret)[(*ret_n)++] = (struct id_triple) {
                        .inside = (uint32_t) inside, .outside = (uint32_t) outside, .count = (uint32_t) size,
                };
        }
        return r;
}
