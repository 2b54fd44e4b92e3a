/* SPDX-License-Identifier: Apache-2.0 */
/* config.json: mounts, in their order, with their options. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "oci-linux-internal.h"

/* What an option does to a mount. Options no row names are the file
 * system's own (mode=, size=, uid=, gid=, newinstance, ptmxmode=...) and
 * are passed to it as its data, as runc and crun do. */
enum option_effect {
        OPTION_FLAG,            /* sets set and clears clear */
        OPTION_BIND,            /* a bind mount, of the top alone */
        OPTION_RBIND,           /* a bind mount of the whole tree */
        OPTION_RRO,             /* read-only all the way down (mount_setattr AT_RECURSIVE) */
        OPTION_PROPAGATION,     /* the mount's propagation after it is made */
        OPTION_REFUSED,         /* userbox cannot honour it */
        OPTION_IGNORED,
};

static const struct mount_option {
        const char *name;
        enum option_effect effect;
        unsigned long set, clear;
        const char *why;        /* OPTION_REFUSED */
} mount_options[] = {
        { "defaults",      OPTION_IGNORED,     0, 0, NULL },
        { "ro",            OPTION_FLAG,        MS_RDONLY, 0, NULL },
        { "rw",            OPTION_FLAG,        0, MS_RDONLY, NULL },
        { "nosuid",        OPTION_FLAG,        MS_NOSUID, 0, NULL },
        { "suid",          OPTION_FLAG,        0, MS_NOSUID, NULL },
        { "nodev",         OPTION_FLAG,        MS_NODEV, 0, NULL },
        { "dev",           OPTION_FLAG,        0, MS_NODEV, NULL },
        { "noexec",        OPTION_FLAG,        MS_NOEXEC, 0, NULL },
        { "exec",          OPTION_FLAG,        0, MS_NOEXEC, NULL },
        { "sync",          OPTION_FLAG,        MS_SYNCHRONOUS, 0, NULL },
        { "async",         OPTION_FLAG,        0, MS_SYNCHRONOUS, NULL },
        { "dirsync",       OPTION_FLAG,        MS_DIRSYNC, 0, NULL },
        { "noatime",       OPTION_FLAG,        MS_NOATIME, MS_RELATIME | MS_STRICTATIME, NULL },
        { "atime",         OPTION_FLAG,        0, MS_NOATIME, NULL },
        { "relatime",      OPTION_FLAG,        MS_RELATIME, MS_NOATIME | MS_STRICTATIME, NULL },
        { "norelatime",    OPTION_FLAG,        0, MS_RELATIME, NULL },
        { "strictatime",   OPTION_FLAG,        MS_STRICTATIME, MS_NOATIME | MS_RELATIME, NULL },
        { "nostrictatime", OPTION_FLAG,        0, MS_STRICTATIME, NULL },
        { "nodiratime",    OPTION_FLAG,        MS_NODIRATIME, 0, NULL },
        { "diratime",      OPTION_FLAG,        0, MS_NODIRATIME, NULL },
        { "bind",          OPTION_BIND,        0, 0, NULL },
        { "rbind",         OPTION_RBIND,       0, 0, NULL },
        { "rro",           OPTION_RRO,         MS_RDONLY, 0, NULL },
        { "private",       OPTION_PROPAGATION, 0, 0, NULL },
        { "rprivate",      OPTION_PROPAGATION, 0, 0, NULL },
        { "slave",         OPTION_PROPAGATION, 0, 0, NULL },
        { "rslave",        OPTION_PROPAGATION, 0, 0, NULL },
        { "shared",        OPTION_PROPAGATION, 0, 0, NULL },
        { "rshared",       OPTION_PROPAGATION, 0, 0, NULL },
        { "unbindable",    OPTION_PROPAGATION, 0, 0, NULL },
        { "runbindable",   OPTION_PROPAGATION, 0, 0, NULL },
        { "tmpcopyup",     OPTION_REFUSED,     0, 0, "copying the image's files up into a tmpfs is not supported" },
        { "idmap",         OPTION_REFUSED,     0, 0, "id-mapped mounts are not supported" },
        { "ridmap",        OPTION_REFUSED,     0, 0, "id-mapped mounts are not supported" },
};

static const struct propagation {
        const char *name;
        unsigned long flags;
} propagations[] = {
        { "private",     MS_PRIVATE },    { "rprivate",    MS_REC | MS_PRIVATE },
        { "slave",       MS_SLAVE },      { "rslave",      MS_REC | MS_SLAVE },
        { "shared",      MS_SHARED },     { "rshared",     MS_REC | MS_SHARED },
        { "unbindable",  MS_UNBINDABLE }, { "runbindable", MS_REC | MS_UNBINDABLE },
};

size_t oci_mount_options_honoured(const char **names, size_t max) {
        size_t n = 0;

        for (size_t i = 0; i < ELEMENTSOF(mount_options); i++)
                if (mount_options[i].effect != OPTION_REFUSED && n < max)
                        names[n++] = mount_options[i].name;
        return n;
}

int oci_propagation_from_name(const char *name, unsigned long *ret) {
        for (size_t i = 0; i < ELEMENTSOF(propagations); i++)
                if (streq(name, propagations[i].name)) {
                        *ret = propagations[i].flags;
                        return 0;
                }
        return -EINVAL;
}

static const struct mount_option *mount_option_find(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(mount_options); i++)
                if (streq(name, mount_options[i].name))
                        return &mount_options[i];
        return NULL;
}

static int data_append(char **data, const char *option) {
        char *s = NULL;

        if (asprintf(&s, "%s%s%s", *data ? *data : "", *data ? "," : "", option) < 0)
                return -ENOMEM;
        free(*data);
        *data = s;
        return 0;
}

/* One option of mounts[index]; *bind is set by bind/rbind. */
static int apply_option(struct oci_mount *m, size_t index, const char *name, bool *bind, char **reason) {
        const struct mount_option *o = mount_option_find(name);

        if (!o)
                return data_append(&m->data, name);
        switch (o->effect) {
        case OPTION_FLAG:
        case OPTION_RRO:
                m->flags = (m->flags & ~o->clear) | o->set;
                m->recursive_read_only = m->recursive_read_only || o->effect == OPTION_RRO;
                break;
        case OPTION_BIND:
        case OPTION_RBIND:
                *bind = true;
                m->recursive = o->effect == OPTION_RBIND;
                break;
        case OPTION_PROPAGATION:
                return oci_propagation_from_name(name, &m->propagation);
        case OPTION_REFUSED:
                return oci_refuse(reason, "mounts[%zu].options: '%s': %s", index, name, o->why);
        case OPTION_IGNORED:
                break;
        }
        return 0;
}

static int string_field(json_object *o, const char *key, size_t index, bool required, char **ret, char **reason) {
        json_object *v = NULL;

        *ret = NULL;
        if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null)) {
                if (required)
                        return oci_refuse(reason, "mounts[%zu].%s: missing", index, key);
                return 0;
        }
        if (!json_object_is_type(v, json_type_string))
                return oci_refuse(reason, "mounts[%zu].%s: not a string", index, key);
        *ret = strdup(json_object_get_string(v));
        return *ret ? 0 : -ENOMEM;
}

/* The kind follows the type, except that bind/rbind make any mount a bind
 * ("none" with "rbind" is podman's spelling). */
static int mount_kind(struct oci_mount *m, size_t index, bool bind, char **reason) {
        if (bind || streq_ptr(m->type, "bind"))
                m->kind = OCI_MOUNT_BIND;
        else if (!m->type || !*m->type)
                return oci_refuse(reason, "mounts[%zu].type: missing for a mount that is not a bind",
                                  index);
        else if (streq(m->type, "sysfs"))
                m->kind = OCI_MOUNT_SYSFS;
        else if (streq(m->type, "cgroup") || streq(m->type, "cgroup2"))
                m->kind = OCI_MOUNT_CGROUP;
        else
                m->kind = OCI_MOUNT_FS;
        if (m->kind == OCI_MOUNT_BIND && (!m->source || !*m->source))
                return oci_refuse(reason, "mounts[%zu].source: missing for a bind mount", index);
        if (m->kind == OCI_MOUNT_BIND && m->type && !streq(m->type, "bind") && !streq(m->type, "none"))
                /* The kernel ignores the type of a bind; so does runc. */
                log_step("oci: mounts[%zu]: type '%s' of a bind ignored", index, m->type);
        return 0;
}

/* Destinations are absolute (a relative one, which runtime-spec 1.0
 * allowed, is taken from the root) and never climb: they are resolved
 * inside the root at run time, this is only the string. */
static int mount_destination(struct oci_mount *m, size_t index, char **reason) {
        char *d = NULL;

        if (!*m->destination || path_has_dotdot(m->destination))
                return oci_refuse(reason, "mounts[%zu].destination: '%s': not a path inside the root "
                                  "('..' is refused)", index, m->destination);
        if (asprintf(&d, "%s%s", path_is_absolute(m->destination) ? "" : "/", m->destination) < 0)
                return -ENOMEM;
        free(m->destination);
        m->destination = path_simplify(d);
        if (streq(m->destination, "/"))
                return oci_refuse(reason, "mounts[%zu].destination: mounting over the root is refused",
                                  index);
        return 0;
}

static int bind_source(struct oci_mount *m, const char *bundle) {
        char *s;

        if (path_is_absolute(m->source) || !bundle)
                return 0;
        s = path_join(bundle, m->source);
        if (!s)
                return -ENOMEM;
        free(m->source);
        m->source = s;
        return 0;
}

static int mount_parse(json_object *o, size_t index, const char *bundle, struct oci_mount *m, char **reason) {
        json_object *options = NULL;
        bool bind = false;
        int r;

        if (!json_object_is_type(o, json_type_object))
                return oci_refuse(reason, "mounts[%zu]: not an object", index);
        r = string_field(o, "destination", index, true, &m->destination, reason);
        if (r >= 0)
                r = string_field(o, "type", index, false, &m->type, reason);
        if (r >= 0)
                r = string_field(o, "source", index, false, &m->source, reason);
        if (r >= 0)
                r = mount_destination(m, index, reason);
        if (r < 0)
                return r;
        if (json_object_object_get_ex(o, "options", &options) && !json_object_is_type(options, json_type_null)) {
                if (!json_object_is_type(options, json_type_array))
                        return oci_refuse(reason, "mounts[%zu].options: not an array", index);
                for (size_t i = 0; i < json_object_array_length(options); i++) {
                        json_object *v = json_object_array_get_idx(options, i);
                        if (!json_object_is_type(v, json_type_string))
                                return oci_refuse(reason, "mounts[%zu].options[%zu]: not a string", index, i);
                        r = apply_option(m, index, json_object_get_string(v), &bind, reason);
                        if (r < 0)
                                return r;
                }
        }
        r = mount_kind(m, index, bind, reason);
        if (r < 0)
                return r;
        return m->kind == OCI_MOUNT_BIND ? bind_source(m, bundle) : 0;
}

int oci_mounts_parse(json_object *mounts, const char *bundle, struct oci_linux *l, char **reason) {
        size_t n;

        if (!mounts || json_object_is_type(mounts, json_type_null))
                return 0;
        if (!json_object_is_type(mounts, json_type_array))
                return oci_refuse(reason, "mounts: not an array");
        l->replaces_mounts = true;
        n = json_object_array_length(mounts);
        l->mounts = calloc(n ? n : 1, sizeof(*l->mounts));
        if (!l->mounts)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                int r = mount_parse(json_object_array_get_idx(mounts, i), i, bundle, &l->mounts[i], reason);
                l->n_mounts = i + 1;
                if (r < 0)
                        return r == -ENOMEM && !*reason ? oci_refuse(reason, "mounts[%zu]: out of memory", i) : r;
        }
        return 0;
}

void oci_mounts_free(struct oci_mount *m, size_t n) {
        for (size_t i = 0; m && i < n; i++) {
                free(m[i].destination);
                free(m[i].type);
                free(m[i].source);
                free(m[i].data);
        }
        free(m);
}
