/* SPDX-License-Identifier: Apache-2.0 */
/* struct config's life: every field unset at first, released at the end,
 * the built-in defaults applied last, and how a setting's origin reads. */
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"
#include "profile-internal.h"
#include "security.h"
#include "util.h"

void config_init(struct config *c) {
        memset(c, 0, sizeof(*c));
        c->init = c->read_only = c->tty = -1;
        c->ipc = c->uts = c->cgroup = -1;
        c->env_clear = -1;
        c->no_new_privileges = -1;
}

void profile_mount_entry_done(struct mount_entry *m) {
        free(m->source);
        free(m->destination);
        free(m->data);
        memset(m, 0, sizeof(*m));
}

void profile_publish_entry_done(struct publish_entry *e) {
        free(e->host_address);
        memset(e, 0, sizeof(*e));
}

void profile_device_entry_done(struct device_entry *d) {
        free(d->host_path);
        free(d->container_path);
        memset(d, 0, sizeof(*d));
}

void config_done(struct config *c) {
        if (!c)
                return;
        free(c->description);
        strv_free(c->included);
        free(c->name);
        free(c->root);
        strv_free(c->command);
        strv_free(c->entrypoint);
        free(c->working_directory);
        free(c->hostname);
        free(c->user);
        free(c->overlay_dir);
        strv_free(c->layers);
        free(c->uid_map);
        free(c->gid_map);
        free(c->uid_map_origins.at);
        free(c->gid_map_origins.at);
        for (size_t i = 0; i < c->n_mounts; i++)
                profile_mount_entry_done(&c->mounts[i]);
        free(c->mounts);
        for (size_t i = 0; i < c->n_devices; i++)
                profile_device_entry_done(&c->devices[i]);
        free(c->devices);
        for (size_t i = 0; i < c->n_publish; i++)
                profile_publish_entry_done(&c->publish[i]);
        free(c->publish);
        strv_free(c->env_keep);
        strv_free(c->env_set);
        strv_free(c->env_files);
        free(c->env_files_origins.at);
        strv_free(c->seccomp_deny);
        seccomp_filter_free(c->seccomp_program);
        strv_free(c->seccomp_allow);
        free(c->env_keep_origins.at);
        free(c->env_set_origins.at);
        free(c->seccomp_deny_origins.at);
        free(c->seccomp_allow_origins.at);
        free(c->rlimits);
        free(c->cgroup_parent);
        free(c->cgroup_path);
        free(c->cpuset_cpus);
        free(c->cpuset_mems);
        strv_free(c->origin_files);
        memset(c, 0, sizeof(*c));
}

static void default_int(int *v, int def) {
        if (*v < 0)
                *v = def;
}

void config_finalize(struct config *c) {
        default_int(&c->init, 1);
        /* With no root the host's own / is the root: never writable. */
        default_int(&c->read_only, c->root ? 0 : 1);
        default_int(&c->tty, 0);
        default_int(&c->ipc, 1);
        default_int(&c->uts, 1);
        default_int(&c->cgroup, 1);
        default_int(&c->env_clear, 1);
        default_int(&c->no_new_privileges, 1);
        if (c->idmap_mode == IDMAP_UNSET)
                c->idmap_mode = IDMAP_AUTO;
        if (c->network == NET_UNSET)
                c->network = NET_HOST;
        if (c->overlay == OVERLAY_UNSET)
                c->overlay = OVERLAY_NONE;
        if (c->seccomp == SECCOMP_UNSET)
                c->seccomp = SECCOMP_DEFAULT;
        if (c->seccomp_errno == 0)
                c->seccomp_errno = EPERM;
}

/* The hostname of a container whose root's name is no hostname. */
#define CONTAINER_DEFAULT_HOSTNAME "userbox"

const char *config_hostname(const struct config *c) {
        if (!c->uts)
                return NULL;
        if (c->hostname)
                return c->hostname;
        if (!c->root)
                return NULL;
        return hostname_is_valid(path_basename(c->root)) ? path_basename(c->root) : CONTAINER_DEFAULT_HOSTNAME;
}

bool config_key_is_set(const struct config *c, enum config_key key) {
        return c->origins[key].file || c->origins[key].line;
}

const char *config_origin_name(const struct origin *o, const char *section, const char *key,
                               const char *option, char *buf, size_t size) {
        if (o && o->file)
                snprintf(buf, size, "%s:%u: [%s] %s", o->file, o->line, section, key);
        else if (o && o->line && option)
                snprintf(buf, size, "%s", option);
        else
                snprintf(buf, size, "[%s] %s", section, key);
        return buf;
}

#define CAP_BIT(n) (UINT64_C(1) << (n))

uint64_t config_default_capabilities(void) {
        /* The list docker and podman keep. CAP_SYS_ADMIN is never in it: with
         * it, masked and read-only mounts could be undone from inside. */
        return CAP_BIT(CAP_CHOWN) | CAP_BIT(CAP_DAC_OVERRIDE) | CAP_BIT(CAP_FOWNER) |
               CAP_BIT(CAP_FSETID) | CAP_BIT(CAP_KILL) | CAP_BIT(CAP_SETGID) |
               CAP_BIT(CAP_SETUID) | CAP_BIT(CAP_SETPCAP) | CAP_BIT(CAP_NET_BIND_SERVICE) |
               CAP_BIT(CAP_SYS_CHROOT) | CAP_BIT(CAP_SETFCAP);
}

uint64_t config_effective_capabilities(const struct config *c) {
        uint64_t set = c->cap_drop_all ? 0 : config_default_capabilities() & ~c->cap_drop;
        return set | c->cap_add;
}
