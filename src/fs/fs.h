/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* fs/: the root, its mounts, its /dev, and `userbox cp`. */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include "profile.h"
#include "idmap.h"

/* The container's file system view, built in this order: propagation cut
 * from the host, the root bind (with overlay and layers), the standard
 * mounts, /dev, the user's mounts, pivot_root and the old root detached. */

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

/* A file of userbox's own over one of the root's (the network's
 * /etc/resolv.conf and /etc/hosts, design §12): written in the
 * container's /dev and bound over the root's file, which stays as it is
 * on disk (mounts-files.c). */
struct rootfs_file {
        char *path;             /* in the container, absolute */
        char *content;
        bool make;              /* the root has none: an empty one made in the
                                 * overlay, or on a tmpfs of the container's */
        bool in_etc_view;       /* the root has none: made in the container's
                                 * own view of /etc (etc-view.c) */
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
        struct rootfs_file *files;      /* rootfs_plan_file(), bound in order */
        size_t n_files;
        bool etc_view;          /* a file in_etc_view: /etc is a view of the root's */
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
/* Before clone: content to be bound over the root's file at path (looked
 * up in the root, and its layers, as the container will see it; a link
 * into a tmpfs the container gets fresh has its target made there).
 * A file missing from a root without an overlay is made in a view of
 * /etc of the container's own (the root directory is never written).
 * Returns 1 when planned; 0 with a warning when the root has no such
 * regular file and none can be made (no /etc, or not a regular file
 * there); -errno, printed. */
int rootfs_plan_file(const struct config *c, struct rootfs_plan *p, const char *path, const char *content);

/* The child builds the view in two steps. Until the id map is written it
 * can mount but cannot create a file on a file system of its own (no id of
 * its namespace is mapped yet: EOVERFLOW); everything else is done first, so
 * that it overlaps the writing of the map (newuidmap and newgidmap). */
#define ROOTFS_N_STANDARD 5     /* the standard mounts of mounts.c */
struct rootfs_state {
        int rootfd;             /* the root's mount once made, else -1 */
        uint16_t file_masks[ROOTFS_N_STANDARD]; /* masked files left for after the map (mounts.c) */
        bool tty_gid_mapped;    /* the map gives gid 5 (tty): devpts gets gid=5 */
        int etc_view_fd;        /* the container's own /etc until it is made
                                 * read-only (etc-view.c), else -1 */
        /* userbox-oci: called once the view is built, before pivot_root
         * (NULL: nothing); 0 or -errno, printed. */
        int (*before_pivot)(void *userdata);
        void *before_pivot_userdata;
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
/* Opens (O_PATH) the directory path names inside the root rootfd names,
 * making each missing component (mode 0755) as resolve_in_root does:
 * never through a magic link or out of the root. -errno, unprinted. */
int resolve_make_dir(int rootfd, const char *path);
/* chdir to wd, resolved inside the root rootfd names (never through a
 * magic link or out of it). Prints the error. */
int rootfs_enter_workdir(int rootfd, const char *wd);
/* `userbox config`: the mount plan, one "# mount: TYPE SRC -> DST (FLAGS)"
 * line per mount in the order rootfs_setup() makes them. p may be NULL (the
 * plan could not be made): sources are then shown as configured. */
void rootfs_print_plan(const struct config *c, const struct rootfs_plan *p, FILE *f);

/* Parent: expands device classes (fuse, kvm, tun, dri) and checks that each
 * host path is a character or block device. Prints its errors. */
int devices_prepare(const struct config *c, struct rootfs_device **ret, size_t *ret_n);
void devices_free(struct rootfs_device *d, size_t n);

/* The container's /dev: a tmpfs with null zero full random urandom tty (by
 * mknod where permitted, else bound from the host onto empty files),
 * devpts + ptmx, shm, mqueue, the fd/std links, and the extra devices.
 * devfd is the freshly mounted /dev tmpfs. */
int devices_populate(const struct config *c, const struct rootfs_plan *p, int rootfd, int devfd,
                     bool tty_gid_mapped);
/* The extra devices outside /dev, after the user's mounts: one below a
 * user's --tmpfs or --bind lands on it, not under it. */
int devices_populate_outside_dev(const struct rootfs_plan *p, int rootfd);
/* Whether a --device goes outside /dev (a read-only root then waits for
 * the id map to make its file). */
bool devices_any_outside_dev(const struct rootfs_plan *p);
/* Whether the id map gives the container the tty group (gid 5): devpts
 * refuses a gid= that is not mapped (the single-id map). */
bool devices_tty_gid_mapped(const struct idmap_plan *plan);

void devices_print(const struct config *c, const struct rootfs_plan *p, FILE *f);

/* Standard mounts (/proc with masks, /sys, /tmp, /run, /dev) from one table
 * (mounts.c), the user's binds and tmpfs (mounts-user.c; destinations
 * resolved by resolve.h). */

/* Makes every user mount point that is missing, while the root is still
 * writable (before it is made read-only). */
int mounts_create_user_mount_points(const struct config *c, const struct rootfs_plan *p, int rootfd);

/* The standard table (/proc and its masks, /sys, /tmp, /run, /dev) is made
 * in two passes. Until the id map is written the child can mount but cannot
 * create a file on a file system of its own (no id of its namespace is
 * mapped: EOVERFLOW), so the first pass mounts every file system and does
 * what needs no new file, while newuidmap and newgidmap run; the second,
 * after the map, fills /dev and binds an empty file over masked files. */
int mounts_setup_standard(const struct config *c, const struct rootfs_plan *p, struct rootfs_state *s);
int mounts_fill_standard(const struct config *c, const struct rootfs_plan *p, const struct rootfs_state *s);
/* The user's mounts, in order, below the root fd (after the id map). */
int mounts_setup_user(const struct config *c, const struct rootfs_plan *p, int rootfd);

/* userbox-oci: config.json's mounts in order instead of the standard
 * ones, /dev's nodes, sysctls, masked and read-only paths (mounts-oci.c),
 * after the id map. */
int mounts_setup_oci(const struct config *c, const struct rootfs_plan *p, int rootfd);
/* Before the pivot, after the mounts (config.json's or the standard
 * ones): linux.sysctl and linux.maskedPaths. */
int mounts_oci_extras(const struct config *c, int rootfd);
/* After the pivot: linux.readonlyPaths, linux.rootfsPropagation and the
 * mounts' own propagation. */
int mounts_oci_finish(const struct config *c, int rootfd);
/* The standard nodes and links into devfd (-1: none; root_dev: the
 * root's own /dev, whose links stay as they are) and the extra devices
 * wherever they go. */
int devices_populate_oci(const struct rootfs_plan *p, int rootfd, int devfd, bool root_dev);

/* /sys/fs/cgroup as the container's own (mounts-cgroup.c), in the child
 * while it still has CAP_SYS_ADMIN in its user namespace: each cgroup
 * directory of the container, as the host names it, bound read-only
 * (nosuid, nodev, noexec) over its hierarchy's mount point; one outside
 * /sys/fs/cgroup is left out. rootfd -1: run's, after the pivot, the host's
 * paths in its /sys; else the host's /sys/fs/cgroup is bound at
 * destination inside the root rootfd names, not pivoted into, and both
 * paths are taken there. Prints its errors. */
struct cgroup_view_bind {
        const char *directory;          /* the container's cgroup */
        const char *mount_point;        /* its hierarchy's */
};
int mounts_cgroup_view(const struct cgroup_view_bind *binds, size_t n, int rootfd, const char *destination);
/* userbox-oci, before the pivot: mounts_cgroup_view() on each `cgroup`
 * mount of config.json, or on the standard /sys without its mounts;
 * mounts_oci_show_cgroups() says whether there is one. */
bool mounts_oci_show_cgroups(const struct config *c);
int mounts_cgroup_view_oci(const struct config *c, int rootfd, const struct cgroup_view_bind *binds, size_t n);

/* The files of rootfs_plan_file(), bound after the standard mounts and
 * before the user's (a user's mount there wins). */
int mounts_setup_files(const struct config *c, const struct rootfs_plan *p, int rootfd);
/* With --read-only over an overlay: their empty files made in the upper
 * layer while it is still writable. */
void mounts_create_file_points(const struct config *c, const struct rootfs_plan *p, int rootfd);
void mounts_print_files(const struct config *c, const struct rootfs_plan *p, FILE *f);
void rootfs_files_free(struct rootfs_plan *p);

/* Checks a user mount destination before clone ("/", "..", /proc, /sys). */
int mounts_check_destination(const char *destination);

/* The "# mount:" lines of `userbox config`. */
void mounts_print_standard(const struct config *c, const struct rootfs_plan *p, FILE *f);
void mounts_print_user(const struct config *c, const struct rootfs_plan *p, FILE *f);

/* Clones the tree at (dirfd, path) — recursively when recursive — applies
 * the MOUNT_ATTR_* bits in attr to all of it, and attaches it on target_fd.
 * The attributes are set while the clone is detached, so there is no moment
 * where the mount is visible without them. Never prints. */
int mounts_bind_with_attr(int dirfd, const char *path, bool recursive, uint64_t attr, int target_fd);

/* The paths of /proc and /sys userbox masks (INNER_MASK) or leaves
 * read-only (INNER_READ_ONLY), absolute: what `userbox-oci spec` lists. */
enum inner_action { INNER_MASK, INNER_READ_ONLY };
int mounts_inner_paths(enum inner_action action, char ***ret);

/* `userbox cp SRC ROOT:/DST` or `userbox cp ROOT:/SRC DST`. */
struct copy_request {
        char *root;
        char *source;           /* host path, or path inside the root */
        char *destination;
        bool into_root;         /* host -> root */
        bool archive;           /* -a: recursive, keep links, owners, modes, times */
};

/* Splits the arguments: exactly one must be ROOT:/PATH. Prints errors. */
int copy_parse(const char *src, const char *dst, bool archive, struct copy_request *ret);
void copy_request_done(struct copy_request *r);

/* In the user namespace: opens the host side, chroots into the root, and
 * copies. Prints errors (deferred when run in the child). */
int copy_run(const struct copy_request *req);
