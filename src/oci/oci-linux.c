/* SPDX-License-Identifier: Apache-2.0 */
/* config.json: mounts, process.capabilities and linux.* (those of the
 * container's view; namespaces and id mappings are oci-spec.c's, seccomp
 * oci-seccomp.c's). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <linux/magic.h>

#include "oci-linux-internal.h"

const struct oci_linux *oci_view(const struct config *c) {
        return c && c->oci ? c->oci->linux_spec : NULL;
}

bool oci_view_replaces_mounts(const struct config *c) {
        return oci_view(c) && oci_view(c)->replaces_mounts;
}

bool oci_json_is_empty(json_object *v) {
        switch (json_object_get_type(v)) {
        case json_type_null:
                return true;
        case json_type_boolean:
                return !json_object_get_boolean(v);
        case json_type_int:
        case json_type_double:
                return json_object_get_double(v) == 0;
        case json_type_string:
                return json_object_get_string_len(v) == 0;
        case json_type_array:
                return json_object_array_length(v) == 0;
        case json_type_object:
                return json_object_object_length(v) == 0;
        }
        return false;
}

json_object *oci_field(json_object *o, const char *key) {
        json_object *v = NULL;
        if (!o || !json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, key, &v) ||
            json_object_is_type(v, json_type_null))
                return NULL;
        return v;
}

/* ---- process.capabilities ---------------------------------------------- */

static int caps_set_parse(json_object *list, const char *name, uint64_t *ret, char **reason) {
        *ret = 0;
        if (!list)
                return 0;
        if (!json_object_is_type(list, json_type_array))
                return oci_refuse(reason, "process.capabilities.%s: not an array", name);
        for (size_t i = 0; i < json_object_array_length(list); i++) {
                json_object *v = json_object_array_get_idx(list, i);
                const char *s = json_object_get_string(v);
                int cap;

                if (!json_object_is_type(v, json_type_string))
                        return oci_refuse(reason, "process.capabilities.%s[%zu]: not a string", name, i);
                /* CAP_ is required here, as the spec spells them; a bare
                 * "CHOWN" would be a profile's spelling. */
                if (strncmp(s, "CAP_", 4) != 0 || caps_from_name(s, &cap) < 0)
                        return oci_refuse(reason, "process.capabilities.%s[%zu]: unknown capability '%s'",
                                          name, i, s);
                *ret |= UINT64_C(1) << cap;
        }
        return 0;
}

int oci_capabilities_parse(json_object *process, struct config *c, struct oci_linux *l, char **reason) {
        json_object *caps = oci_field(process, "capabilities");
        const struct {
                const char *name;
                uint64_t *set;
        } sets[] = {
                { "bounding", &l->caps.bounding },       { "effective", &l->caps.effective },
                { "permitted", &l->caps.permitted },     { "inheritable", &l->caps.inheritable },
                { "ambient", &l->caps.ambient },
        };

        if (!caps)
                return 0;
        if (!json_object_is_type(caps, json_type_object))
                return oci_refuse(reason, "process.capabilities: not an object");
        for (size_t i = 0; i < ELEMENTSOF(sets); i++) {
                int r = caps_set_parse(oci_field(caps, sets[i].name), sets[i].name, sets[i].set, reason);
                if (r < 0)
                        return r;
        }
        l->has_caps = true;
        /* The bounding set is the profile's capability set too: what else
         * asks which capabilities the container has (the default seccomp
         * filter, which allows the mount calls with CAP_SYS_ADMIN) sees
         * the same. */
        c->cap_drop_all = true;
        c->cap_drop = 0;
        c->cap_add = l->caps.bounding;
        return 0;
}

/* ---- linux.mountLabel, process.selinuxLabel, process.apparmorProfile ---- */

/* Whether the kernel enforces the security module a label is for. */
static bool selinux_enabled(void) {
        struct statfs sf;
        return statfs("/sys/fs/selinux", &sf) == 0 && sf.f_type == SELINUX_MAGIC;
}

static bool apparmor_enabled(void) {
        _cleanup_close_ int fd = open("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);
        char c = 0;
        return fd >= 0 && read(fd, &c, 1) == 1 && c == 'Y';
}

enum { LABEL_MOUNT, LABEL_PROCESS_SELINUX, LABEL_PROCESS_APPARMOR };

static const struct label_field {
        const char *name;
        const char *module;
        bool (*enabled)(void);
} label_fields[] = {
        [LABEL_MOUNT]            = { "linux.mountLabel",        "SELinux",  selinux_enabled },
        [LABEL_PROCESS_SELINUX]  = { "process.selinuxLabel",    "SELinux",  selinux_enabled },
        [LABEL_PROCESS_APPARMOR] = { "process.apparmorProfile", "AppArmor", apparmor_enabled },
};

/* userbox applies no label. Where the kernel has the module, a label asks
 * for a confinement userbox cannot give: refused. Where it has not, no
 * runtime could confine with it, so it asks for nothing: accepted, as
 * crun accepts it then. An empty label always asks for nothing. */
static int label_parse(json_object *v, const struct label_field *f, char **reason) {
        if (!v || oci_json_is_empty(v))
                return 0;
        if (!json_object_is_type(v, json_type_string))
                return oci_refuse(reason, "%s: not a string", f->name);
        if (f->enabled())
                return oci_refuse(reason, "%s: '%s': not supported (the kernel enforces %s and userbox "
                                  "applies no label)", f->name, json_object_get_string(v), f->module);
        log_step("oci: %s '%s' ignored: the kernel has no %s", f->name, json_object_get_string(v), f->module);
        return 0;
}

int oci_process_labels_parse(json_object *process, char **reason) {
        int r = label_parse(oci_field(process, "selinuxLabel"), &label_fields[LABEL_PROCESS_SELINUX], reason);
        return r < 0 ? r : label_parse(oci_field(process, "apparmorProfile"), &label_fields[LABEL_PROCESS_APPARMOR],
                                       reason);
}

/* ---- linux.maskedPaths, readonlyPaths, rootfsPropagation ---------------- */

static int paths_parse(json_object *list, const char *name, char ***ret, char **reason) {
        if (!json_object_is_type(list, json_type_array))
                return oci_refuse(reason, "linux.%s: not an array", name);
        for (size_t i = 0; i < json_object_array_length(list); i++) {
                json_object *v = json_object_array_get_idx(list, i);
                const char *s = json_object_get_string(v);

                if (!json_object_is_type(v, json_type_string) || !path_is_absolute(s) || path_has_dotdot(s))
                        return oci_refuse(reason, "linux.%s[%zu]: not an absolute path without '..'", name, i);
                if (strv_extend(ret, s) < 0)
                        return -ENOMEM;
        }
        return 0;
}

static int masked_paths_parse(json_object *v, struct config *c, struct oci_linux *l, char **reason) {
        (void) c;
        return paths_parse(v, "maskedPaths", &l->masked_paths, reason);
}

static int readonly_paths_parse(json_object *v, struct config *c, struct oci_linux *l, char **reason) {
        (void) c;
        return paths_parse(v, "readonlyPaths", &l->readonly_paths, reason);
}

static int rootfs_propagation_parse(json_object *v, struct config *c, struct oci_linux *l, char **reason) {
        (void) c;
        if (oci_json_is_empty(v))
                return 0;
        if (!json_object_is_type(v, json_type_string) ||
            oci_propagation_from_name(json_object_get_string(v), &l->rootfs_propagation) < 0)
                return oci_refuse(reason, "linux.rootfsPropagation: unknown propagation '%s'",
                                  json_object_get_string(v));
        return 0;
}

static int mount_label_parse(json_object *v, struct config *c, struct oci_linux *l, char **reason) {
        (void) c; (void) l;
        return label_parse(v, &label_fields[LABEL_MOUNT], reason);
}

/* A "." or ".." level would climb out of the delegated directory. */
static bool has_dot_component(const char *path) {
        for (const char *p = path; *p; p += strcspn(p, "/"), p += strspn(p, "/")) {
                size_t n = strcspn(p, "/");
                if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
                        return true;
        }
        return false;
}

/* The container's cgroup (cgroup/): absolute, below each hierarchy's
 * root; relative, below the delegated directory. systemd's
 * "slice:prefix:name" names a unit, which userbox does not make
 * (--systemd-cgroup is accepted, not followed): the cgroup is then
 * userbox's own name. */
static int cgroups_path_parse(json_object *v, struct config *c, struct oci_linux *l, char **reason) {
        const char *path;

        if (!json_object_is_type(v, json_type_string))
                return oci_refuse(reason, "linux.cgroupsPath: not a string");
        path = json_object_get_string(v);
        free(l->cgroups_path);
        l->cgroups_path = strdup(path);
        if (!l->cgroups_path)
                return -ENOMEM;
        free(c->cgroup_path);
        c->cgroup_path = NULL;
        if (!*path || (path[0] != '/' && strchr(path, ':')))
                return 0;
        if (!path[strspn(path, "/")] || has_dot_component(path))
                return oci_refuse(reason, "linux.cgroupsPath '%s': not a cgroup's path", path);
        c->cgroup_path = strdup(path);
        return c->cgroup_path ? 0 : -ENOMEM;
}

/* ---- linux.sysctl ------------------------------------------------------- */

enum sysctl_ns { SYSCTL_IPC, SYSCTL_NET, SYSCTL_UTS };

/* The keys a namespace of the container's own holds (the runtime-spec's
 * list, runc's): any other would write the host's value. */
static const struct sysctl_key {
        const char *name;
        bool prefix;
        enum sysctl_ns ns;
} sysctl_keys[] = {
        { "kernel.msgmax", false, SYSCTL_IPC },          { "kernel.msgmnb", false, SYSCTL_IPC },
        { "kernel.msgmni", false, SYSCTL_IPC },          { "kernel.sem", false, SYSCTL_IPC },
        { "kernel.shmall", false, SYSCTL_IPC },          { "kernel.shmmax", false, SYSCTL_IPC },
        { "kernel.shmmni", false, SYSCTL_IPC },          { "kernel.shm_rmid_forced", false, SYSCTL_IPC },
        { "fs.mqueue.", true, SYSCTL_IPC },              { "net.", true, SYSCTL_NET },
        { "kernel.hostname", false, SYSCTL_UTS },        { "kernel.domainname", false, SYSCTL_UTS },
};

static const char *const sysctl_ns_names[] = {
        [SYSCTL_IPC] = "an IPC namespace", [SYSCTL_NET] = "a network namespace", [SYSCTL_UTS] = "a UTS namespace",
};

static int sysctl_check(const struct config *c, const char *key, char **reason) {
        for (size_t i = 0; i < ELEMENTSOF(sysctl_keys); i++) {
                const struct sysctl_key *k = &sysctl_keys[i];
                bool own;

                if (k->prefix ? !startswith(key, k->name) : !streq(key, k->name))
                        continue;
                /* -1: not set yet, the default (a namespace of its own). */
                own = k->ns == SYSCTL_IPC ? c->ipc != 0 : k->ns == SYSCTL_UTS ? c->uts != 0 : c->network != NET_HOST;
                if (!own)
                        return oci_refuse(reason, "linux.sysctl: '%s' needs %s of the container's own",
                                          key, sysctl_ns_names[k->ns]);
                return 0;
        }
        return oci_refuse(reason, "linux.sysctl: '%s' is not a namespaced key: it would change the host",
                          key);
}

static int sysctl_parse(json_object *v, struct config *c, struct oci_linux *l, char **reason) {
        if (!json_object_is_type(v, json_type_object))
                return oci_refuse(reason, "linux.sysctl: not an object");
        json_object_object_foreach(v, key, value) {
                struct oci_sysctl *s;
                int r;

                if (strchr(key, '/') || strstr(key, "..") || !json_object_is_type(value, json_type_string))
                        return oci_refuse(reason, "linux.sysctl: '%s': a dotted key with a string value",
                                          key);
                r = sysctl_check(c, key, reason);
                if (r < 0)
                        return r;
                s = realloc(l->sysctl, (l->n_sysctl + 1) * sizeof(*s));
                if (!s)
                        return -ENOMEM;
                l->sysctl = s;
                s[l->n_sysctl++] = (struct oci_sysctl) { strdup(key), strdup(json_object_get_string(value)) };
                if (!s[l->n_sysctl - 1].key || !s[l->n_sysctl - 1].value)
                        return -ENOMEM;
        }
        return 0;
}

/* ---- linux.devices, intelRdt, personality ------------------------------- */

/* mknod is denied in a user namespace: a device is the host's node at the
 * same path, bound (devices.c), so it must exist there, as given. */
static int device_parse(json_object *d, size_t i, struct config *c, char **reason) {
        const char *path = json_object_get_string(oci_field(d, "path"));
        const char *type = json_object_get_string(oci_field(d, "type"));
        struct device_entry *e;
        struct stat st;

        if (!path || !path_is_absolute(path) || path_has_dotdot(path))
                return oci_refuse(reason, "linux.devices[%zu].path: not an absolute path", i);
        if (stat(path, &st) < 0)
                return oci_refuse(reason, "linux.devices[%zu]: '%s' does not exist on the host (devices are "
                                  "bound from the host's, mknod is denied without root): %s", i, path, strerror(errno));
        if ((!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode)) ||
            (type && !streq(type, S_ISCHR(st.st_mode) ? "c" : "b") && !streq(type, "u")))
                return oci_refuse(reason, "linux.devices[%zu]: the host's '%s' is not a %s device", i, path,
                                  type && streq(type, "b") ? "block" : "character");
        if ((oci_field(d, "major") && json_object_get_int64(oci_field(d, "major")) != major(st.st_rdev)) ||
            (oci_field(d, "minor") && json_object_get_int64(oci_field(d, "minor")) != minor(st.st_rdev)))
                return oci_refuse(reason, "linux.devices[%zu]: the host's '%s' is %u:%u, not the numbers "
                                  "given", i, path, major(st.st_rdev), minor(st.st_rdev));
        e = array_reserve_one(c->devices, c->n_devices, &c->n_devices_allocated, sizeof(*c->devices));
        if (!e)
                return -ENOMEM;
        c->devices = e;
        e = &c->devices[c->n_devices];
        *e = (struct device_entry) { .host_path = strdup(path), .container_path = strdup(path) };
        c->n_devices++;
        return e->host_path && e->container_path ? 0 : -ENOMEM;
}

static int devices_parse(json_object *v, struct config *c, struct oci_linux *l, char **reason) {
        (void) l;
        if (!json_object_is_type(v, json_type_array))
                return oci_refuse(reason, "linux.devices: not an array");
        for (size_t i = 0; i < json_object_array_length(v); i++) {
                int r = device_parse(json_object_array_get_idx(v, i), i, c, reason);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int intel_rdt_parse(json_object *v, struct config *c, struct oci_linux *l, char **reason) {
        (void) c; (void) l;
        if (oci_json_is_empty(v))
                return 0;
        return oci_refuse(reason, "linux.intelRdt: not supported (resctrl needs root)");
}

/* LINUX is what every process has; LINUX32 would need a personality()
 * call the pipeline has no step for. */
static int personality_parse(json_object *v, struct config *c, struct oci_linux *l, char **reason) {
        const char *domain = json_object_get_string(oci_field(v, "domain"));
        json_object *flags = oci_field(v, "flags");

        (void) c; (void) l;
        if (oci_json_is_empty(v) || (streq_ptr(domain, "LINUX") && (!flags || oci_json_is_empty(flags))))
                return 0;
        return oci_refuse(reason, "linux.personality: only domain LINUX without flags is supported");
}


/* linux.* of the view, in the order they are read: devices before
 * resources, whose device rules may allow them. */
static const struct linux_field {
        const char *name;
        oci_linux_parser parse;
} linux_fields[] = {
        { "maskedPaths",       masked_paths_parse },
        { "readonlyPaths",     readonly_paths_parse },
        { "rootfsPropagation", rootfs_propagation_parse },
        { "mountLabel",        mount_label_parse },
        { "sysctl",            sysctl_parse },
        { "devices",           devices_parse },
        { "resources",         oci_resources_parse },
        { "cgroupsPath",       cgroups_path_parse },
        { "intelRdt",          intel_rdt_parse },
        { "personality",       personality_parse },
};

int oci_linux_parse(json_object *document, struct config *c, struct oci_spec *s, char **reason) {
        json_object *process = oci_field(document, "process"), *linux_object = oci_field(document, "linux");
        struct oci_linux *l = calloc(1, sizeof(*l));
        int r;

        if (!l)
                return -ENOMEM;
        oci_linux_free(s->linux_spec);
        s->linux_spec = l;
        r = oci_mounts_parse(oci_field(document, "mounts"), s->bundle, l, reason);
        if (r >= 0)
                r = oci_capabilities_parse(process, c, l, reason);
        if (r >= 0 && linux_object && !json_object_is_type(linux_object, json_type_object))
                r = oci_refuse(reason, "linux: not an object");
        for (size_t i = 0; r >= 0 && linux_object && i < ELEMENTSOF(linux_fields); i++) {
                json_object *v = oci_field(linux_object, linux_fields[i].name);
                if (v)
                        r = linux_fields[i].parse(v, c, l, reason);
        }
        if (r == -ENOMEM && !*reason)
                oci_refuse(reason, "out of memory");
        return r < 0 ? r : 0;
}

void oci_linux_free(struct oci_linux *l) {
        if (!l)
                return;
        oci_mounts_free(l->mounts, l->n_mounts);
        strv_free(l->masked_paths);
        strv_free(l->readonly_paths);
        for (size_t i = 0; i < l->n_sysctl; i++) {
                free(l->sysctl[i].key);
                free(l->sysctl[i].value);
        }
        free(l->sysctl);
        free(l->cgroups_path);
        free(l);
}
