/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* The container's file system view (design §4): propagation cut from the
 * host, the root bind (with overlay and layers), the standard mounts, /dev,
 * the user's mounts, pivot_root and the old root detached. */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include "config.h"

/* Standard mount points that rootfs_setup() creates inside the root because
 * the root lacks them (bit set in rootfs_plan.create). */
enum {
        ROOTFS_CREATE_PROC = 1 << 0,
        ROOTFS_CREATE_DEV  = 1 << 1,
        ROOTFS_CREATE_SYS  = 1 << 2,
        ROOTFS_CREATE_TMP  = 1 << 3,
        ROOTFS_CREATE_RUN  = 1 << 4,
};

/* A host source checked before clone. */
struct rootfs_source {
        char *path;             /* symlinks resolved on the host; NULL for tmpfs */
        char *destination;      /* simplified, absolute, checked */
        bool is_dir;            /* the mount point to create: directory or file */
};

/* A host device node to bring into the container (classes expanded). */
struct rootfs_device {
        char *host_path;        /* resolved: a character or block device */
        char *container_path;   /* absolute, inside the container */
        mode_t mode;            /* the host node's type and permission bits */
        dev_t rdev;
        bool outside_dev;       /* made after the user's mounts, not in /dev */
};

/* Everything rootfs_prepare() learnt on the host, read by the child. */
struct rootfs_plan {
        char *root;             /* resolved root directory; "/" for the host sandbox */
        bool host_sandbox;      /* config root == NULL: the host's / read-only */
        char *cwd;              /* host sandbox: the current directory, bound writable */
        char *home;             /* host sandbox: the user's home, HOME without User= */
        unsigned create;        /* ROOTFS_CREATE_*: missing, made inside the root */
        unsigned skip;          /* ROOTFS_CREATE_*: missing, root not writable, not mounted */
        bool overlay;           /* kernel overlayfs over the root (tmpfs, DIR or layers) */
        char *overlay_upper;    /* Overlay=DIR: DIR/upper and DIR/work; NULL: tmpfs */
        char *overlay_work;
        char *overlay_dir_to_make;      /* Overlay=DIR missing, its parent there: made at run */
        char **layers;          /* resolved, topmost first */
        struct rootfs_source *sources; /* one per config mount, same order */
        size_t n_sources;
        struct rootfs_device *devices;
        size_t n_devices;
};

/* Parent, before clone: checks the root and every mount source (existence,
 * type), resolves symlinked sources on the host, plans /proc and /dev
 * creation. Prints errors ("userbox: root '/x': No such file or directory").
 * No namespace exists yet, so nothing can be left behind. */
int rootfs_prepare(const struct config *c, struct rootfs_plan **ret);
/* Parent, before clone, for a run only: makes the overlay directory the plan
 * found missing (mode 0700). Prints errors. */
int rootfs_make_overlay_dir(const struct rootfs_plan *p);
void rootfs_plan_free(struct rootfs_plan *p);

/* The child builds the view in two steps. Until the id map is written it
 * can mount but cannot create a file on a file system of its own (no id of
 * its namespace is mapped yet: EOVERFLOW); everything else is done first, so
 * that it overlaps the writing of the map (newuidmap and newgidmap). */
#define ROOTFS_N_STANDARD 5     /* the standard mounts of mounts.c */
struct rootfs_state {
        int rootfd;             /* the root's mount once made, else -1 */
        uint16_t file_masks[ROOTFS_N_STANDARD]; /* masked files left for after the map (mounts.c) */
        bool tty_gid_mapped;    /* the map gives gid 5 (tty): devpts gets gid=5 */
};
/* Child, right after clone, before the id map: propagation cut from the
 * host, the root bound, and the standard file systems mounted. With an
 * overlay root, or a read-only root with user mount points to make first,
 * only the first (they may need to create files as the container's root). */
int rootfs_setup_early(const struct config *c, const struct rootfs_plan *p, struct rootfs_state *s);
/* Child, after the id map: the rest of the view, then pivot_root into it;
 * on return the cwd is the container's working directory
 * (c->working_directory, else "/"; the host sandbox: the current directory),
 * "/" is the container root and s->rootfd (close-on-exec) names it. Errors of both go through log_errno
 * (deferred in the child) with the path and the step. */
int rootfs_setup(const struct config *c, const struct rootfs_plan *p, struct rootfs_state *s);
/* `userbox config`: the mount plan, one "# mount: TYPE SRC -> DST (FLAGS)"
 * line per mount in the order rootfs_setup() makes them. p may be NULL (the
 * plan could not be made): sources are then shown as configured. */
void rootfs_print_plan(const struct config *c, const struct rootfs_plan *p, FILE *f);
