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
                return oci_refuse(reason, "%stype: unknown namespace '%s'", where, type);
        bool seen = ns->create & flag;
        for (size_t k = 0; k < ns->n_join; k++)
                seen = seen || ns->join_flag[k] == flag;
        if (seen)
                return oci_refuse(reason, "%stype: '%s' listed twice", where, type);
        if (!path || !path[0]) {
                ns->create |= flag;
                return 0;
        }
        /* Joined in the launcher before clone (pid) or first thing in the
         * child. A user namespace joined so would leave the launcher's
         * ids and the state behind; a mount namespace would take the
         * root's mounts and the pivot_root, which moves the root of every
         * process there, or only a chroot its process could leave. */
        if (flag == CLONE_NEWUSER)
                return oci_refuse(reason, "%spath: userbox cannot join an existing user namespace", where);
        if (flag == CLONE_NEWNS)
                return oci_refuse(reason, "%spath: userbox cannot join an existing mount namespace: it sets "
                                  "the root up by mounts and pivot_root in one of the container's own", where);
        if (ns->n_join >= OCI_JOIN_MAX)
                return -E2BIG;
        ns->join_flag[ns->n_join] = flag;
        ns->join_path[ns->n_join++] = TAKE_PTR(path);
        return 0;
}

int oci_namespaces_parse(json_object *linux_obj, struct config *c, struct oci_process *p, char **reason) {
        struct oci_namespaces *ns = &p->namespaces;
        unsigned long joined = 0;
        json_object *list;
        int r;

        r = oci_get_array(linux_obj, "namespaces", false, &list, "linux.", reason);
        for (size_t i = 0; r >= 0 && list && i < json_object_array_length(list); i++)
                r = parse_one_namespace(json_object_array_get_idx(list, i), i, ns, reason);
        if (r < 0)
                return r;
        for (size_t i = 0; i < ns->n_join; i++)
                joined |= ns->join_flag[i];
        /* Run by a normal user (not as root of podman's user namespace), a
         * config without a user namespace could make none of the others:
         * userbox adds one, with the id map run makes (design §14: "or the
         * subid plan"), as a rootless runtime must. uidMappings without a
         * user namespace stay an error below. */
        if (!(ns->create & CLONE_NEWUSER) && geteuid() != 0 &&
            !json_object_object_get_ex(linux_obj, "uidMappings", NULL) &&
            !json_object_object_get_ex(linux_obj, "gidMappings", NULL))
                ns->create |= CLONE_NEWUSER;
        /* The root is set up by mounts only this process sees: in the
         * runtime's mount namespace a normal user can mount nothing, and
         * root of a user namespace could enter the root only by a chroot
         * that its process could leave (design §6). */
        if (!(ns->create & CLONE_NEWNS))
                return oci_refuse(reason, "linux.namespaces: no 'mount': userbox needs a mount namespace of "
                                  "the container's own to set its root up");
        /* A uts or ipc namespace joined by path is the container's, not
         * the runtime's: the hostname and those sysctls go into it. */
        c->uts = !!((ns->create | joined) & CLONE_NEWUTS);
        c->ipc = !!((ns->create | joined) & CLONE_NEWIPC);
        c->cgroup = !!(ns->create & CLONE_NEWCGROUP);
        c->network = ns->create & CLONE_NEWNET ? NET_NONE : NET_HOST;
        if (c->hostname && c->hostname[0] && !c->uts)
                return oci_refuse(reason, "hostname: set without a uts namespace (new or joined by path)");

        r = parse_mappings(linux_obj, "uidMappings", &c->uid_map, &c->n_uid_map, &c->n_uid_map_allocated, reason);
        if (r >= 0)
                r = parse_mappings(linux_obj, "gidMappings", &c->gid_map, &c->n_gid_map, &c->n_gid_map_allocated,
                                   reason);
        if (r < 0)
                return r;
        if ((c->n_uid_map || c->n_gid_map) && !(ns->create & CLONE_NEWUSER))
                return oci_refuse(reason, "linux.uidMappings: given without a user namespace to map");
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
                        return oci_refuse(reason, "%s: needs containerID, hostID and a size above 0", where);
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
