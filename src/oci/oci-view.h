/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* What config.json says about the container's view that no profile key
 * can: its mounts in their order, the five capability sets, the masked
 * and read-only paths, the root's propagation and the sysctls. oci-linux.c
 * fills it from the document; fs/ (mounts-oci.c) and the child's last
 * steps (caps) apply it. When present, the spec's mounts replace userbox's
 * standard ones: podman and the conformance suite list /proc, /dev, /sys
 * and the rest themselves. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "profile.h"
#include "security.h"

enum oci_mount_kind {
        OCI_MOUNT_BIND,         /* type "bind", or options bind/rbind */
        OCI_MOUNT_FS,           /* a file system of its own: tmpfs, proc, devpts, mqueue... */
        OCI_MOUNT_SYSFS,        /* sysfs: mounted, else the host's /sys bound read-only */
        OCI_MOUNT_CGROUP,       /* cgroup, cgroup2: the host's /sys/fs/cgroup bound */
};

struct oci_mount {
        enum oci_mount_kind kind;
        char *destination;      /* absolute, simplified: resolved inside the root */
        char *type;             /* the file system type as given */
        char *source;           /* bind: absolute host path (relative ones from the bundle) */
        bool recursive;         /* rbind */
        unsigned long flags;    /* MS_RDONLY, MS_NOSUID, ... as the options set them */
        bool recursive_read_only;       /* rro: read-only all the way down */
        unsigned long propagation;      /* MS_PRIVATE, MS_SLAVE, MS_SHARED (| MS_REC); 0: none */
        char *data;             /* the file system's options ("size=1m,mode=755"), or NULL */
};

struct oci_sysctl {
        char *key;              /* "kernel.shmmax" */
        char *value;
};

struct oci_linux {
        /* "mounts" given (even empty): they replace the standard mounts.
         * Without it the container gets userbox's own view, with the
         * masks, read-only paths and sysctls below on top. */
        bool replaces_mounts;
        struct oci_mount *mounts;
        size_t n_mounts;
        bool has_caps;          /* process.capabilities given: caps replaces userbox's */
        struct caps_sets caps;
        char **masked_paths;
        char **readonly_paths;
        unsigned long rootfs_propagation;       /* MS_* | MS_REC; 0: userbox's (private) */
        struct oci_sysctl *sysctl;
        size_t n_sysctl;
        char *cgroups_path;     /* linux.cgroupsPath, accepted */
};

/* The view of a container userbox-oci runs; NULL for userbox itself. */
const struct oci_linux *oci_view(const struct config *c);
/* Whether config.json's mounts replace userbox's standard ones. */
bool oci_view_replaces_mounts(const struct config *c);
