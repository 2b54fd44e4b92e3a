/* SPDX-License-Identifier: Apache-2.0 */
/* userbox-oci features and spec: what the runtime supports, and the
 * config.json a new bundle starts from. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include <seccomp.h>

#include "fs.h"
#include "oci-internal.h"
#include "oci-linux-internal.h"
#include "security.h"
#include "util.h"

#define OCI_VERSION_MIN "1.0.0"
#define OCI_VERSION_MAX "1.1.0"
/* What `spec` writes: the newest version the runtime reads. */
#define OCI_VERSION_SPEC OCI_VERSION_MAX

static const char *const hooks[] = {
        "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
};

static const char *const namespaces[] = {
        "cgroup", "ipc", "mount", "network", "pid", "user", "uts",
};

/* linux.cgroup: the limits go through a delegated cgroup (cgroup/),
 * never through systemd. */
static const struct {
        const char *key;
        bool value;
} cgroup_features[] = {
        { "v1", true }, { "v2", true }, { "systemd", false }, { "systemdUser", false }, { "rdma", false },
};

static void json_object_putp(json_object **o) {
        json_object_put(*o);
}

/* o[key] = value, o owning value (which may be NULL: out of memory). */
static int member_add(json_object *o, const char *key, json_object *value) {
        if (!value || json_object_object_add(o, key, value) < 0) {
                json_object_put(value);
                return -ENOMEM;
        }
        return 0;
}

static json_object *string_array(const char *const *names, size_t n) {
        json_object *a = json_object_new_array();

        for (size_t i = 0; a && i < n; i++) {
                json_object *s = json_object_new_string(names[i]);

                if (!s || json_object_array_add(a, s) < 0) {
                        json_object_put(s);
                        json_object_put(a);
                        return NULL;
                }
        }
        return a;
}

/* "CAP_CHOWN", ...: the capabilities libcap has a name for, or those of
 * set when it is not all of them. */
static json_object *capability_names(uint64_t set) {
        const char *names[64];
        char buf[64][40];
        size_t n = 0;

        for (int cap = 0; cap < 64; cap++) {
                const char *name = caps_to_name(cap);

                if (!name || !(set & (UINT64_C(1) << cap)))
                        continue;
                snprintf(buf[n], sizeof(buf[n]), "CAP_%s", name);
                names[n] = buf[n];
                n++;
        }
        return string_array(names, n);
}

static json_object *flags_object(const char *const *keys, const bool *values, size_t n) {
        json_object *o = json_object_new_object();

        for (size_t i = 0; o && i < n; i++)
                if (member_add(o, keys[i], json_object_new_boolean(values[i])) < 0) {
                        json_object_put(o);
                        return NULL;
                }
        return o;
}

static json_object *linux_features(void) {
        _cleanup_(json_object_putp) json_object *o = json_object_new_object();
        const char *keys[ELEMENTSOF(cgroup_features)];
        bool values[ELEMENTSOF(cgroup_features)];
        json_object *seccomp = NULL;
        int r;

        if (!o)
                return NULL;
        for (size_t i = 0; i < ELEMENTSOF(cgroup_features); i++) {
                keys[i] = cgroup_features[i].key;
                values[i] = cgroup_features[i].value;
        }
        r = member_add(o, "namespaces", string_array(namespaces, ELEMENTSOF(namespaces)));
        if (r >= 0)
                r = member_add(o, "capabilities", capability_names(UINT64_MAX));
        if (r >= 0)
                r = member_add(o, "cgroup", flags_object(keys, values, ELEMENTSOF(cgroup_features)));
        if (r >= 0 && oci_seccomp_features(&seccomp) >= 0)
                r = member_add(o, "seccomp", seccomp);
        else
                r = -ENOMEM;
        /* userbox confines with namespaces, capabilities and seccomp, not
         * with a security module. */
        if (r >= 0)
                r = member_add(o, "apparmor", flags_object((const char *[]) { "enabled" }, (bool[]) { false }, 1));
        if (r >= 0)
                r = member_add(o, "selinux", flags_object((const char *[]) { "enabled" }, (bool[]) { false }, 1));
        if (r >= 0)
                r = member_add(o, "intelRdt", flags_object((const char *[]) { "enabled" }, (bool[]) { false }, 1));
        return r < 0 ? NULL : TAKE_PTR(o);
}

static json_object *annotations(void) {
        const struct scmp_version *v = seccomp_version();
        json_object *o = json_object_new_object();
        char version[64];

        snprintf(version, sizeof(version), "%u.%u.%u", v->major, v->minor, v->micro);
        if (o && member_add(o, "io.github.seccomp.libseccomp.version", json_object_new_string(version)) < 0) {
                json_object_put(o);
                return NULL;
        }
        return o;
}

int oci_features_print(FILE *f) {
        _cleanup_(json_object_putp) json_object *o = json_object_new_object();
        int r;

        if (!o)
                return log_errno(-ENOMEM, "features");
        r = member_add(o, "ociVersionMin", json_object_new_string(OCI_VERSION_MIN));
        if (r >= 0)
                r = member_add(o, "ociVersionMax", json_object_new_string(OCI_VERSION_MAX));
        if (r >= 0)
                r = member_add(o, "hooks", string_array(hooks, ELEMENTSOF(hooks)));
        if (r >= 0) {
                const char *names[64];
                r = member_add(o, "mountOptions", string_array(names, oci_mount_options_honoured(names, 64)));
        }
        if (r >= 0)
                r = member_add(o, "linux", linux_features());
        if (r >= 0)
                r = member_add(o, "annotations", annotations());
        if (r < 0)
                return log_errno(r, "features");
        fprintf(f, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                                                  JSON_C_TO_STRING_NOSLASHESCAPE));
        return fflush(f) == 0 ? 0 : log_errno(-errno, "features");
}

/* ---- spec ---- */

#define STRINGS(...) ((const char *const[]) { __VA_ARGS__, NULL })

enum template_when { ALWAYS, ROOTFUL, ROOTLESS };

/* The mounts a new bundle lists, in order. */
static const struct template_mount {
        const char *destination, *type, *source;
        const char *const *options;
        enum template_when when;
} template_mounts[] = {
        { "/proc", "proc", "proc", STRINGS("nosuid", "noexec", "nodev"), ALWAYS },
        { "/dev", "tmpfs", "tmpfs", STRINGS("nosuid", "strictatime", "mode=755", "size=65536k"), ALWAYS },
        /* gid=5 (tty) exists inside only when more than the caller's own
         * group is mapped. */
        { "/dev/pts", "devpts", "devpts",
          STRINGS("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"), ROOTFUL },
        { "/dev/pts", "devpts", "devpts", STRINGS("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"),
          ROOTLESS },
        { "/dev/shm", "tmpfs", "shm", STRINGS("nosuid", "noexec", "nodev", "mode=1777", "size=65536k"), ALWAYS },
        { "/dev/mqueue", "mqueue", "mqueue", STRINGS("nosuid", "noexec", "nodev"), ALWAYS },
        { "/sys", "sysfs", "sysfs", STRINGS("nosuid", "noexec", "nodev", "ro"), ROOTFUL },
        /* A user namespace may mount sysfs only with a network namespace
         * of its own: the host's, bound read-only, works either way. */
        { "/sys", "bind", "/sys", STRINGS("rbind", "nosuid", "noexec", "nodev", "ro"), ROOTLESS },
        { "/sys/fs/cgroup", "cgroup", "cgroup", STRINGS("nosuid", "noexec", "nodev", "relatime", "ro"), ALWAYS },
};

static const char *const template_namespaces[] = { "pid", "ipc", "uts", "mount", "network" };

static json_object *strv_array(const char *const *l) {
        size_t n = 0;

        while (l[n])
                n++;
        return string_array(l, n);
}

static json_object *template_mount_new(const struct template_mount *m) {
        _cleanup_(json_object_putp) json_object *o = json_object_new_object();

        if (!o || member_add(o, "destination", json_object_new_string(m->destination)) < 0 ||
            member_add(o, "type", json_object_new_string(m->type)) < 0 ||
            member_add(o, "source", json_object_new_string(m->source)) < 0 ||
            member_add(o, "options", strv_array(m->options)) < 0)
                return NULL;
        return TAKE_PTR(o);
}

static json_object *template_mounts_new(bool rootless) {
        _cleanup_(json_object_putp) json_object *a = json_object_new_array();

        for (size_t i = 0; a && i < ELEMENTSOF(template_mounts); i++) {
                const struct template_mount *m = &template_mounts[i];
                json_object *o;

                if (m->when != ALWAYS && (m->when == ROOTLESS) != rootless)
                        continue;
                o = template_mount_new(m);
                if (!o || json_object_array_add(a, o) < 0) {
                        json_object_put(o);
                        return NULL;
                }
        }
        return TAKE_PTR(a);
}

/* The capabilities userbox keeps by default (docker's and podman's list),
 * none inheritable or ambient, as userbox itself runs a command. */
static json_object *template_capabilities(void) {
        _cleanup_(json_object_putp) json_object *o = json_object_new_object();
        uint64_t keep = config_default_capabilities();

        if (!o || member_add(o, "bounding", capability_names(keep)) < 0 ||
            member_add(o, "effective", capability_names(keep)) < 0 ||
            member_add(o, "inheritable", json_object_new_array()) < 0 ||
            member_add(o, "permitted", capability_names(keep)) < 0 ||
            member_add(o, "ambient", json_object_new_array()) < 0)
                return NULL;
        return TAKE_PTR(o);
}

/* { k0: v0, k1: v1 }, NULL when memory ran out. */
static json_object *pair_object(const char *k0, json_object *v0, const char *k1, json_object *v1) {
        _cleanup_(json_object_putp) json_object *o = json_object_new_object();
        int r = o ? member_add(o, k0, v0) : (json_object_put(v0), -ENOMEM);

        if (r >= 0)
                r = member_add(o, k1, v1);
        else
                json_object_put(v1);
        return r < 0 ? NULL : TAKE_PTR(o);
}

static json_object *template_process(void) {
        _cleanup_(json_object_putp) json_object *o = json_object_new_object();

        if (!o ||
            member_add(o, "user", pair_object("uid", json_object_new_int(0), "gid", json_object_new_int(0))) < 0 ||
            member_add(o, "terminal", json_object_new_boolean(true)) < 0 ||
            member_add(o, "args", strv_array(STRINGS("sh"))) < 0 ||
            member_add(o, "env", strv_array(STRINGS("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                                                    "TERM=xterm"))) < 0 ||
            member_add(o, "cwd", json_object_new_string("/")) < 0 ||
            member_add(o, "capabilities", template_capabilities()) < 0 ||
            member_add(o, "noNewPrivileges", json_object_new_boolean(true)) < 0)
                return NULL;
        return TAKE_PTR(o);
}

/* [{ containerID 0, hostID id, size 1 }]: the caller alone, as root. */
static json_object *template_mapping(unsigned id) {
        json_object *a = json_object_new_array(), *m = json_object_new_object();

        if (!a || !m || json_object_array_add(a, m) < 0) {
                json_object_put(m);
                json_object_put(a);
                return NULL;
        }
        if (member_add(m, "containerID", json_object_new_int(0)) < 0 ||
            member_add(m, "hostID", json_object_new_int64(id)) < 0 || member_add(m, "size", json_object_new_int(1)) < 0) {
                json_object_put(a);
                return NULL;
        }
        return a;
}

static json_object *template_paths(enum inner_action action) {
        _cleanup_strv_free_ char **paths = NULL;

        if (mounts_inner_paths(action, &paths) < 0)
                return NULL;
        return string_array((const char *const *) paths, strv_length(paths));
}

/* No resources: a limit in a template would fail where no cgroup is
 * delegated, and userbox makes only the standard device nodes, so a
 * device rule would add nothing. */
static json_object *template_namespaces_new(bool rootless) {
        _cleanup_(json_object_putp) json_object *a = json_object_new_array();

        for (size_t i = 0; a && i < ELEMENTSOF(template_namespaces) + rootless; i++) {
                const char *type = i < ELEMENTSOF(template_namespaces) ? template_namespaces[i] : "user";
                json_object *entry = json_object_new_object();

                if (!entry || member_add(entry, "type", json_object_new_string(type)) < 0 ||
                    json_object_array_add(a, entry) < 0) {
                        json_object_put(entry);
                        return NULL;
                }
        }
        return TAKE_PTR(a);
}

static json_object *template_linux(bool rootless) {
        _cleanup_(json_object_putp) json_object *o = json_object_new_object();
        int r = o ? member_add(o, "namespaces", template_namespaces_new(rootless)) : -ENOMEM;

        if (r >= 0 && rootless) {
                r = member_add(o, "uidMappings", template_mapping(getuid()));
                if (r >= 0)
                        r = member_add(o, "gidMappings", template_mapping(getgid()));
        }
        if (r >= 0)
                r = member_add(o, "maskedPaths", template_paths(INNER_MASK));
        if (r >= 0)
                r = member_add(o, "readonlyPaths", template_paths(INNER_READ_ONLY));
        return r < 0 ? NULL : TAKE_PTR(o);
}

int oci_spec_template(bool rootless, json_object **ret) {
        _cleanup_(json_object_putp) json_object *o = json_object_new_object();

        *ret = NULL;
        if (!o || member_add(o, "ociVersion", json_object_new_string(OCI_VERSION_SPEC)) < 0 ||
            member_add(o, "process", template_process()) < 0 ||
            member_add(o, "root", pair_object("path", json_object_new_string("rootfs"),
                                              "readonly", json_object_new_boolean(true))) < 0 ||
            member_add(o, "hostname", json_object_new_string("userbox")) < 0 ||
            member_add(o, "mounts", template_mounts_new(rootless)) < 0 ||
            member_add(o, "linux", template_linux(rootless)) < 0)
                return log_errno(-ENOMEM, "spec");
        *ret = TAKE_PTR(o);
        return 0;
}
