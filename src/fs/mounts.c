/* SPDX-License-Identifier: Apache-2.0 */
/* The standard mounts (/proc with its masks, /sys, /tmp, /run, /dev) from
 * one table, and the mount primitives the other fs/ files share. */
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "fs.h"
#include "util.h"
#include "fs-internal.h"

int mounts_check_destination(const char *destination) {
        static const char *const refused[] = { "/proc", "/sys" };

        if (!path_is_absolute(destination))
                return log_error("mount destination '%s': not an absolute path", destination);
        if (path_has_dotdot(destination))
                return log_error("mount destination '%s': '..' is not allowed", destination);
        if (streq(destination, "/"))
                return log_error("mount destination '/': mounting over the root is not allowed");
        for (size_t i = 0; i < ELEMENTSOF(refused); i++)
                if (path_is_below(destination, refused[i]))
                        return log_error("mount destination '%s': mounts into %s are refused", destination, refused[i]);
        return 0;
}

int mounts_bind_with_attr_at(int dirfd, const char *path, bool recursive, uint64_t attr, int target_fd,
                     const char *target_name) {
        /* Whether the kernel has open_tree_attr: learnt on the first bind. */
        static bool no_open_tree_attr;
        unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0) |
                         (path[0] ? 0 : AT_EMPTY_PATH);
        /* The kernel takes the atime mode as one field: a mode is set
         * only with the whole field cleared (EINVAL otherwise). */
        struct mount_attr a = { .attr_set = attr, .attr_clr = attr & MOUNT_ATTR__ATIME ? MOUNT_ATTR__ATIME : 0 };
        _cleanup_close_ int tree = -ENOSYS;
        int r;

        if (attr && !no_open_tree_attr) {
                tree = sys_open_tree_attr(dirfd, path, flags, &a, sizeof(a));
                /* EPERM as well: a seccomp policy that does not know the
                 * call (userbox inside another container) refuses it so. */
                no_open_tree_attr = tree == -ENOSYS || tree == -EPERM;
                if (no_open_tree_attr)
                        tree = -ENOSYS;
        }
        if (tree == -ENOSYS) {
                tree = sys_open_tree(dirfd, path, flags);
                if (tree < 0)
                        return tree;
                if (attr) {
                        r = sys_mount_setattr(tree, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &a,
                                              sizeof(a));
                        if (r < 0)
                                return r;
                }
        }
        if (tree < 0)
                return tree;
        return sys_move_mount(tree, "", target_fd, target_name,
                              MOVE_MOUNT_F_EMPTY_PATH | (target_name[0] ? 0 : MOVE_MOUNT_T_EMPTY_PATH));
}

int mounts_bind_with_attr(int dirfd, const char *path, bool recursive, uint64_t attr, int target_fd) {
        return mounts_bind_with_attr_at(dirfd, path, recursive, attr, target_fd, "");
}

int mounts_mount_on_fd(const char *source, int fd, const char *type, unsigned long flags, const char *data) {
        char buf[RESOLVE_FD_PATH_MAX];
        return mount(source, resolve_fd_path(buf, fd), type, flags, data) < 0 ? -errno : 0;
}

const char *mounts_attr_hint(int r) {
        if (r == -EINVAL)
                /* open_tree refuses an unbindable mount: the root is one
                 * until the pivot, whatever path (or link) leads there. */
                return " (is the source inside the root? Its files cannot be bound into it)";
        return r == -ENOSYS ? " (the kernel lacks open_tree/mount_setattr, Linux 5.12+: refusing to protect only the top)" : "";
}

/* ---- the standard mounts ------------------------------------------------ */


/* Paths inside /proc and /sys that leak host information or allow host
 * changes (runc's masked and read-only lists): masked ones read as empty,
 * read-only ones can be read but not written. */
struct inner_path {
        const char *path;
        enum inner_action action;
        bool directory;         /* for `userbox config`: the mask is chosen by fstat */
};

static const struct inner_path proc_paths[] = {
        { "acpi",           INNER_MASK, true },
        { "asound",         INNER_MASK, true },
        { "kcore",          INNER_MASK, false },
        { "keys",           INNER_MASK, false },
        { "latency_stats",  INNER_MASK, false },
        { "timer_list",     INNER_MASK, false },
        { "timer_stats",    INNER_MASK, false },
        { "sched_debug",    INNER_MASK, false },
        { "scsi",           INNER_MASK, true },
        { "bus",            INNER_READ_ONLY, true },
        { "fs",             INNER_READ_ONLY, true },
        { "irq",            INNER_READ_ONLY, true },
        { "sys",            INNER_READ_ONLY, true },
        { "sysrq-trigger",  INNER_READ_ONLY, false },
};

static const struct inner_path sys_paths[] = {
        { "firmware",                 INNER_MASK, true },
        { "devices/virtual/powercap", INNER_MASK, true },
};

/* Read-only and inert (no setuid, devices or exec): the same four flags
 * for mount(2), and for mount_setattr(2). */
#define READ_ONLY_MS (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)
#define READ_ONLY_ATTR (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC)

struct standard_mount;
typedef bool (*standard_wanted_fn)(const struct config *c, const struct rootfs_plan *p, const struct standard_mount *m);

struct standard_mount {
        const char *name;          /* the directory under / */
        const char *type;          /* file system type; NULL: rbind of the host's source, read-only */
        const char *source;
        unsigned long flags;
        const char *data;
        unsigned create_bit;       /* ROOTFS_CREATE_* */
        standard_wanted_fn wanted; /* NULL: always */
        const struct inner_path *inner;
        size_t n_inner;
        bool dev;                  /* populated by devices.c */
};

static bool user_mounts_on(const struct config *c, const struct rootfs_plan *p, const char *dest) {
        for (size_t i = 0; i < c->n_mounts; i++)
                if (streq_ptr(p && p->sources ? p->sources[i].destination : c->mounts[i].destination, dest))
                        return true;
        return false;
}

static bool want_unless_user_mount(const struct config *c, const struct rootfs_plan *p, const struct standard_mount *m) {
        char dest[16];
        snprintf(dest, sizeof(dest), "/%s", m->name);
        return !user_mounts_on(c, p, dest);
}

/* /run must stay writable when the root is not: daemons put sockets and
 * pid files there. */
static bool want_run(const struct config *c, const struct rootfs_plan *p, const struct standard_mount *m) {
        return c->read_only > 0 && want_unless_user_mount(c, p, m);
}

static const struct standard_mount standard_mounts[] = {
        /* /dev first: the /proc masks take their empty file from it. */
        { "dev",  "tmpfs", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=755", ROOTFS_CREATE_DEV, NULL, NULL, 0, true },
        { "proc", "proc",  "proc",  MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, ROOTFS_CREATE_PROC, NULL,
          proc_paths, ELEMENTSOF(proc_paths), false },
        /* sysfs cannot be mounted without a network namespace of one's own:
         * the host's is bound, read-only all the way down. */
        { "sys",  NULL,    "/sys",  0, NULL, ROOTFS_CREATE_SYS, NULL, sys_paths, ELEMENTSOF(sys_paths), false },
        { "tmp",  "tmpfs", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777", ROOTFS_CREATE_TMP, want_unless_user_mount, NULL, 0, false },
        { "run",  "tmpfs", "tmpfs", MS_NOSUID | MS_NODEV, "mode=755", ROOTFS_CREATE_RUN, want_run, NULL, 0, false },
};

_Static_assert(ELEMENTSOF(standard_mounts) == ROOTFS_N_STANDARD, "rootfs_state has a slot per standard mount");
_Static_assert(ELEMENTSOF(proc_paths) <= 16 && ELEMENTSOF(sys_paths) <= 16, "a pending mask is a bit of a uint16_t");

int mounts_inner_paths(enum inner_action action, char ***ret) {
        static const struct {
                const char *dir;
                const struct inner_path *paths;
                size_t n;
        } dirs[] = { { "/proc", proc_paths, ELEMENTSOF(proc_paths) }, { "/sys", sys_paths, ELEMENTSOF(sys_paths) } };
        _cleanup_strv_free_ char **l = NULL;

        for (size_t i = 0; i < ELEMENTSOF(dirs); i++)
                for (size_t j = 0; j < dirs[i].n; j++) {
                        char *path = NULL;

                        if (dirs[i].paths[j].action != action)
                                continue;
                        if (asprintf(&path, "%s/%s", dirs[i].dir, dirs[i].paths[j].path) < 0 ||
                            strv_push(&l, path) < 0)
                                return -ENOMEM;
                }
        *ret = TAKE_PTR(l);
        return 0;
}

static bool standard_wanted(const struct config *c, const struct rootfs_plan *p, const struct standard_mount *m) {
        if (p && (p->skip & m->create_bit))
                return false;
        return !m->wanted || m->wanted(c, p, m);
}

/* The standard mount points are single names under the root: a symlink
 * there (/dev -> /home/u/victim) is refused, never followed. */
static int open_standard(int rootfd, const char *name) {
        int fd = openat(rootfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        struct stat st;

        if (fd >= 0)
                return fd;
        if (errno == ENOTDIR && fstatat(rootfd, name, &st, AT_SYMLINK_NOFOLLOW) >= 0 && S_ISLNK(st.st_mode))
                return -ELOOP;
        return -errno;
}

/* Masked files get an empty file, bound read-only: reads give nothing and
 * opening for write fails with EROFS (a /dev/null bind, runc's choice,
 * would swallow writes). The file is made in the container's fresh /dev
 * tmpfs and unlinked once bound: the binds keep it alive, unreachable. */
#define MASK_FILE_NAME ".userbox-mask"

struct mask_source {
        int rootfd;
        int dev;                /* the container's /dev, -1 until first needed */
        int file;
};

static int mask_source_open(struct mask_source *ms) {
        if (ms->file >= 0)
                return 0;
        ms->dev = open_standard(ms->rootfd, "dev");
        if (ms->dev < 0)
                return ms->dev;
        ms->file = openat(ms->dev, MASK_FILE_NAME, O_CREAT | O_EXCL | O_RDONLY | O_NOFOLLOW | O_CLOEXEC, 0444);
        return ms->file < 0 ? -errno : 0;
}

static int mask_source_close(struct mask_source *ms) {
        int r = 0;

        if (ms->file >= 0 && unlinkat(ms->dev, MASK_FILE_NAME, 0) < 0)
                r = -errno;
        closep(&ms->file);
        closep(&ms->dev);
        return r;
}

/* Without ms (the first pass) a masked file is left for later: *ret_pending
 * is then set. */
static int mask_inner(int fsfd, const char *mount_name, const struct inner_path *ip, struct mask_source *ms,
                      bool *ret_pending) {
        _cleanup_close_ int fd = openat(fsfd, ip->path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        struct stat st;
        int r;

        if (fd < 0)
                return errno == ENOENT ? 0 : log_errno(-errno, "open '/%s/%s'", mount_name, ip->path);
        if (fstat(fd, &st) < 0)
                return log_errno(-errno, "stat '/%s/%s'", mount_name, ip->path);
        if (ip->action == INNER_READ_ONLY) {
                r = mounts_bind_with_attr(fd, "", true, READ_ONLY_ATTR, fd);
                if (r < 0)
                        return log_errno(r, "make '/%s/%s' read-only%s", mount_name, ip->path, mounts_attr_hint(r));
        } else if (S_ISDIR(st.st_mode)) {
                r = mounts_mount_on_fd("tmpfs", fd, "tmpfs", READ_ONLY_MS, "mode=555");
                if (r < 0)
                        return log_errno(r, "mask '/%s/%s' with an empty tmpfs", mount_name, ip->path);
        } else if (!ms) {
                /* The empty file cannot be made yet: second pass. */
                *ret_pending = true;
        } else {
                r = mask_source_open(ms);
                if (r < 0)
                        return log_errno(r, "create the empty file that masks '/%s/%s'", mount_name, ip->path);
                r = mounts_bind_with_attr(ms->file, "", false, READ_ONLY_ATTR, fd);
                if (r < 0)
                        return log_errno(r, "mask '/%s/%s' with an empty file", mount_name, ip->path);
        }
        return 0;
}

/* First pass: the file system itself, read-only paths and masked
 * directories. Masked files are noted in *pending for the second. */
static int mount_standard(const struct standard_mount *m, int rootfd, uint16_t *pending) {
        _cleanup_close_ int fd = open_standard(rootfd, m->name);
        _cleanup_close_ int top = -1;
        int r;

        if (fd == -ELOOP)
                return log_errno(fd, "'/%s' in the root is a symbolic link, refusing to follow it", m->name);
        if (fd < 0)
                return log_errno(fd, "mount point '/%s'", m->name);

        if (m->type)
                r = mounts_mount_on_fd(m->source, fd, m->type, m->flags, m->data);
        else
                r = mounts_bind_with_attr(AT_FDCWD, m->source, true, READ_ONLY_ATTR, fd);
        if (r < 0)
                return log_errno(r, "mount %s on '/%s'%s", m->type ? m->type : m->source, m->name,
                                 m->type ? "" : mounts_attr_hint(r));

        if (!m->n_inner)
                return 0;
        /* The fd above still names the directory under the new mount. */
        top = open_standard(rootfd, m->name);
        if (top < 0)
                return log_errno(top, "open '/%s'", m->name);
        for (size_t i = 0; i < m->n_inner; i++) {
                bool later = false;

                r = mask_inner(top, m->name, &m->inner[i], NULL, &later);
                if (r < 0)
                        return r;
                if (later)
                        *pending |= (uint16_t) (1u << i);
        }
        return 0;
}

/* Second pass: /dev's nodes and links, and the empty file over masked files. */
static int fill_standard(const struct config *c, const struct rootfs_plan *p, const struct rootfs_state *s,
                         const struct standard_mount *m, uint16_t pending) {
        _cleanup_close_ int top = -1;
        int r = 0, k;

        if (!pending && !m->dev)
                return 0;
        top = open_standard(s->rootfd, m->name);
        if (top < 0)
                return log_errno(top, "open '/%s'", m->name);
        if (m->dev)
                return devices_populate(c, p, s->rootfd, top, s->tty_gid_mapped);

        struct mask_source ms = { .rootfd = s->rootfd, .dev = -1, .file = -1 };
        for (size_t i = 0; i < m->n_inner && r >= 0; i++)
                if (pending & (1u << i))
                        r = mask_inner(top, m->name, &m->inner[i], &ms, NULL);
        k = mask_source_close(&ms);
        if (k < 0 && r >= 0)
                r = log_errno(k, "remove '/dev/%s'", MASK_FILE_NAME);
        return r;
}

int mounts_setup_standard(const struct config *c, const struct rootfs_plan *p, struct rootfs_state *s) {
        for (size_t i = 0; i < ELEMENTSOF(standard_mounts); i++) {
                const struct standard_mount *m = &standard_mounts[i];
                int r;

                s->file_masks[i] = 0;
                if (!standard_wanted(c, p, m))
                        continue;
                r = mount_standard(m, s->rootfd, &s->file_masks[i]);
                if (r < 0)
                        return r;
        }
        log_step("mounts: /proc, /sys, /dev, /tmp mounted");
        return 0;
}

int mounts_fill_standard(const struct config *c, const struct rootfs_plan *p, const struct rootfs_state *s) {
        for (size_t i = 0; i < ELEMENTSOF(standard_mounts); i++) {
                const struct standard_mount *m = &standard_mounts[i];
                int r;

                if (!standard_wanted(c, p, m))
                        continue;
                r = fill_standard(c, p, s, m, s->file_masks[i]);
                if (r < 0)
                        return r;
        }
        return 0;
}

bool mounts_below_standard_tmpfs(const struct config *c, const struct rootfs_plan *p, const char *dest) {
        for (size_t i = 0; i < ELEMENTSOF(standard_mounts); i++) {
                const struct standard_mount *m = &standard_mounts[i];
                char path[16];

                snprintf(path, sizeof(path), "/%s", m->name);
                if (m->type && streq(m->type, "tmpfs") && standard_wanted(c, p, m) && path_is_below(dest, path))
                        return true;
        }
        return false;
}

/* ---- `userbox config` --------------------------------------------------- */

static const struct {
        unsigned long flag;
        const char *name;
} ms_names[] = {
        { MS_RDONLY, "ro" }, { MS_NOSUID, "nosuid" }, { MS_NODEV, "nodev" }, { MS_NOEXEC, "noexec" },
};

void mounts_print_line(FILE *f, const char *type, const char *source, const char *dest,
                       const char *prefix, unsigned long flags, const char *data) {
        const char *sep = "";

        fprintf(f, "# mount: %s %s -> %s (", type, source, dest);
        if (prefix && *prefix) {
                fputs(prefix, f);
                sep = ",";
        }
        for (size_t i = 0; i < ELEMENTSOF(ms_names); i++)
                if (flags & ms_names[i].flag) {
                        fprintf(f, "%s%s", sep, ms_names[i].name);
                        sep = ",";
                }
        if (data && *data) {
                fprintf(f, "%s%s", sep, data);
                sep = ",";
        }
        fprintf(f, "%s)\n", *sep ? "" : "rw");
}

void mounts_print_standard(const struct config *c, const struct rootfs_plan *p, FILE *f) {
        for (size_t i = 0; i < ELEMENTSOF(standard_mounts); i++) {
                const struct standard_mount *m = &standard_mounts[i];
                char dest[16];

                if (!standard_wanted(c, p, m))
                        continue;
                snprintf(dest, sizeof(dest), "/%s", m->name);
                if (m->type)
                        mounts_print_line(f, m->type, m->source, dest, NULL, m->flags, m->data);
                else
                        mounts_print_line(f, "bind", m->source, dest, "rbind", READ_ONLY_MS, NULL);
                for (size_t j = 0; j < m->n_inner; j++) {
                        const struct inner_path *ip = &m->inner[j];
                        char path[64];

                        snprintf(path, sizeof(path), "/%s/%s", m->name, ip->path);
                        if (ip->action == INNER_READ_ONLY)
                                mounts_print_line(f, "bind", path, path, NULL, READ_ONLY_MS, NULL);
                        else if (ip->directory)
                                mounts_print_line(f, "tmpfs", "tmpfs", path, "mask", READ_ONLY_MS, "mode=555");
                        else
                                mounts_print_line(f, "bind", "empty-file", path, "mask", MS_RDONLY, NULL);
                }
                if (m->dev)
                        devices_print(c, p, f);
        }
}
