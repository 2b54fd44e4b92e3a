/* SPDX-License-Identifier: Apache-2.0 */
/* The container's root: the plan made before clone (sources, overlay,
 * standard directories, working directory), then in the child the root
 * bind, the mounts in order, and pivot_root. */
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "fs.h"
#include "util.h"
#include "fs-internal.h"
#include "oci-view.h"
#include "security.h"

/* The mount points rootfs_setup() needs directly under the root. */
static const struct standard_dir {
        const char *name;
        unsigned bit;
        bool required;          /* without it there is no container */
        bool read_only_only;    /* only mounted over a read-only root */
} standard_dirs[] = {
        { "proc", ROOTFS_CREATE_PROC, true,  false },
        { "dev",  ROOTFS_CREATE_DEV,  true,  false },
        { "sys",  ROOTFS_CREATE_SYS,  false, false },
        { "tmp",  ROOTFS_CREATE_TMP,  false, false },
        { "run",  ROOTFS_CREATE_RUN,  false, true },
};

/* ---- parent: checks on the host ----------------------------------------- */

void rootfs_plan_free(struct rootfs_plan *p) {
        if (!p)
                return;
        free(p->root);
        free(p->cwd);
        free(p->home);
        free(p->overlay_upper);
        free(p->overlay_work);
        free(p->overlay_dir_to_make);
        strv_free(p->layers);
        for (size_t i = 0; p->sources && i < p->n_sources; i++) {
                free(p->sources[i].path);
                free(p->sources[i].destination);
        }
        free(p->sources);
        devices_free(p->devices, p->n_devices);
        rootfs_files_free(p);
        free(p);
}

static void rootfs_plan_freep(struct rootfs_plan **p) {
        rootfs_plan_free(*p);
}

/* Overlay options are comma- and colon-separated: such characters in a path
 * would change the meaning of the option string. */
static int check_overlay_path(const char *what, const char *path) {
        if (strpbrk(path, ",:\\"))
                return log_error("%s '%s': overlayfs cannot take a path with ',', ':' or '\\'", what, path);
        return 0;
}

static int resolve_directory(const char *what, const char *path, char **ret) {
        _cleanup_free_ char *resolved = realpath(path, NULL);
        struct stat st;

        if (!resolved)
                return log_errno(-errno, "%s '%s'", what, path);
        if (stat(resolved, &st) < 0)
                return log_errno(-errno, "%s '%s'", what, path);
        if (!S_ISDIR(st.st_mode))
                return log_errno(-ENOTDIR, "%s '%s'", what, path);
        *ret = TAKE_PTR(resolved);
        return 0;
}

/* Overlay=DIR: the directory, or, when it is missing but its parent is
 * there, where launch makes it (rootfs_make_overlay_dir()): `userbox
 * config` plans the same overlay and creates nothing. */
static int resolve_overlay_directory(const char *path, char **ret, bool *ret_missing) {
        _cleanup_free_ char *parent = NULL, *resolved = NULL;
        const char *name = strrchr(path, '/');
        struct stat st;

        *ret_missing = false;
        /* A dangling symlink is not missing: it is refused, not followed. */
        if (lstat(path, &st) == 0 || errno != ENOENT || !name || !name[1])
                return resolve_directory("overlay directory", path, ret);
        parent = strndup(path, name == path ? 1 : (size_t) (name - path));
        if (!parent)
                return log_errno(-ENOMEM, "overlay directory '%s'", path);
        resolved = realpath(parent, NULL);
        if (!resolved || stat(resolved, &st) < 0)
                return log_errno(-errno, "overlay directory '%s': its parent '%s'", path, parent);
        if (!S_ISDIR(st.st_mode))
                return log_errno(-ENOTDIR, "overlay directory '%s': its parent '%s'", path, parent);
        *ret = path_join(resolved, name + 1);
        if (!*ret)
                return log_errno(-ENOMEM, "overlay directory '%s'", path);
        *ret_missing = true;
        return 0;
}

int rootfs_make_overlay_dir(const struct rootfs_plan *p) {
        if (!p->overlay_dir_to_make)
                return 0;
        /* Made by the launcher, before any namespace: the user's own, as a
         * directory they made themselves would be, and theirs alone. */
        if (mkdir(p->overlay_dir_to_make, 0700) < 0) {
                /* Made meanwhile, by a run started at the same time. */
                if (errno == EEXIST)
                        return 0;
                return log_errno(-errno, "create the overlay directory '%s'", p->overlay_dir_to_make);
        }
        log_step("rootfs: made the overlay directory '%s'", p->overlay_dir_to_make);
        return 0;
}

static int prepare_standard_dirs(const struct config *c, struct rootfs_plan *p) {
        _cleanup_close_ int rootfd = open(p->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
        /* Through an overlay the container writes to the upper layer, so a
         * missing directory is made there, never in the root directory. */
        bool writable = p->overlay || access(p->root, W_OK) == 0;

        if (rootfd < 0)
                return log_errno(-errno, "root '%s'", p->root);
        for (size_t i = 0; i < ELEMENTSOF(standard_dirs); i++) {
                const struct standard_dir *d = &standard_dirs[i];
                struct stat st;

                if (d->read_only_only && c->read_only <= 0)
                        continue;
                if (fstatat(rootfd, d->name, &st, AT_SYMLINK_NOFOLLOW) >= 0) {
                        if (S_ISLNK(st.st_mode))
                                return log_error("root '%s': '/%s' is a symbolic link, refusing to follow it",
                                                 p->root, d->name);
                        if (!S_ISDIR(st.st_mode))
                                return log_error("root '%s': '/%s' is not a directory", p->root, d->name);
                        continue;
                }
                if (errno != ENOENT)
                        return log_errno(-errno, "root '%s': '/%s'", p->root, d->name);
                if (writable)
                        p->create |= d->bit;
                else if (d->required)
                        return log_error("root '%s' has no /%s directory and is not writable "
                                         "(create it, or use --overlay)", p->root, d->name);
                else
                        p->skip |= d->bit;
        }
        return 0;
}

static int prepare_overlay(const struct config *c, struct rootfs_plan *p) {
        int r;

        p->overlay = c->overlay == OVERLAY_TMPFS || c->overlay == OVERLAY_DIR || strv_length(c->layers) > 0;
        if (!p->overlay)
                return 0;
        if (p->host_sandbox)
                return log_error("--overlay and --layers need a root directory");
        r = check_overlay_path("root", p->root);
        if (r < 0)
                return r;
        for (size_t i = 0; c->layers && c->layers[i]; i++) {
                char *layer;

                r = resolve_directory("layer", c->layers[i], &layer);
                if (r < 0)
                        return r;
                r = strv_push(&p->layers, layer);
                if (r < 0)
                        return log_errno(r, "layer '%s'", c->layers[i]);
                r = check_overlay_path("layer", layer);
                if (r < 0)
                        return r;
                /* overlayfs refuses overlapping layers with a bare ELOOP. */
                if (path_is_below(layer, p->root) || path_is_below(p->root, layer))
                        return log_error("layer '%s' and root '%s' must not contain each other", layer, p->root);
        }
        if (c->overlay == OVERLAY_DIR) {
                _cleanup_free_ char *dir = NULL;
                bool missing;

                if (!c->overlay_dir)
                        return log_error("overlay: no directory given");
                r = resolve_overlay_directory(c->overlay_dir, &dir, &missing);
                if (r < 0)
                        return r;
                r = check_overlay_path("overlay directory", dir);
                if (r < 0)
                        return r;
                /* overlayfs refuses an upper layer inside a lower one (and
                 * the reverse) with a bare EINVAL: say it here. */
                if (path_is_below(dir, p->root) || path_is_below(p->root, dir))
                        return log_error("overlay directory '%s' and root '%s' must not contain each other",
                                         dir, p->root);
                p->overlay_upper = path_join(dir, "upper");
                p->overlay_work = path_join(dir, "work");
                if (!p->overlay_upper || !p->overlay_work)
                        return log_errno(-ENOMEM, "overlay directory '%s'", dir);
                if (missing)
                        p->overlay_dir_to_make = TAKE_PTR(dir);
                /* upper/ and work/ are made by the child: `userbox config`
                 * runs this too and must not change anything. */
        }
        return 0;
}

static int prepare_sources(const struct config *c, struct rootfs_plan *p) {
        p->sources = calloc(c->n_mounts ? c->n_mounts : 1, sizeof(*p->sources));
        if (!p->sources)
                return log_errno(-ENOMEM, "mounts");
        p->n_sources = c->n_mounts;
        for (size_t i = 0; i < c->n_mounts; i++) {
                const struct mount_entry *m = &c->mounts[i];
                struct rootfs_source *s = &p->sources[i];
                struct stat st;
                int r;

                if (!m->destination)
                        return log_error("mount %zu: no destination", i + 1);
                r = mounts_check_destination(m->destination);
                if (r < 0)
                        return r;
                s->destination = strdup(m->destination);
                if (!s->destination)
                        return log_errno(-ENOMEM, "mount destination '%s'", m->destination);
                path_simplify(s->destination);
                if (m->kind != MOUNT_BIND)
                        continue;
                if (!m->source)
                        return log_error("bind to '%s': no source", m->destination);
                if (lstat(m->source, &st) < 0)
                        return log_errno(-errno, "bind source '%s'", m->source);
                /* One lstat per source when nothing is a symlink: the cost
                 * of a bind stays a few microseconds (the start-up target:
                 * 1000 binds at most 10 microseconds each). A source
                 * that reaches the root through a symlinked directory is
                 * still caught when bound: the root is unbindable, and a
                 * recursive bind of its /proc or /sys keeps their masks.
                 * Not so with norbind, which would show them unmasked: such
                 * a source is always resolved. */
                if (S_ISLNK(st.st_mode) || !path_is_absolute(m->source) || !m->recursive) {
                        s->path = realpath(m->source, NULL);
                        if (!s->path || stat(s->path, &st) < 0)
                                return log_errno(-errno, "bind source '%s'", m->source);
                        log_step("mounts: bind source '%s' resolves to '%s'", m->source, s->path);
                } else if (!(s->path = strdup(m->source)))
                        return log_errno(-ENOMEM, "bind source '%s'", m->source);
                s->is_dir = S_ISDIR(st.st_mode);
                /* Until the pivot the root's host path shows the container's
                 * own (unbindable) tree: a source in it cannot be bound. */
                if (!p->host_sandbox && path_is_below(s->path, p->root))
                        return log_error("bind source '%s' is inside the root '%s': not supported",
                                         m->source, p->root);
        }
        return 0;
}

/* The host sandbox keeps the current directory writable, at the same path,
 * unless it is the whole root or something the sandbox replaces. */
static int prepare_cwd(struct rootfs_plan *p) {
        static const char *const replaced[] = { "/proc", "/sys", "/dev" };
        _cleanup_free_ char *cwd = getcwd(NULL, 0);

        if (!cwd)
                return log_errno(-errno, "current directory");
        if (streq(cwd, "/"))
                return 0;
        for (size_t i = 0; i < ELEMENTSOF(replaced); i++)
                if (path_is_below(cwd, replaced[i]))
                        return 0;
        p->cwd = TAKE_PTR(cwd);
        return 0;
}

/* The host sandbox's HOME: the user's own home, seen read-only like the
 * rest of the host. The root's passwd is the host's, whose entry for uid 0
 * inside is root's, and /root is not the user's to read. NULL (HOME=/)
 * when the user has no home directory to read. */
static int prepare_home(struct rootfs_plan *p) {
        _cleanup_free_ char *home = NULL;
        struct stat st;
        int r = user_home(&home);

        if (r == -ENOMEM)
                return log_errno(r, "home directory");
        if (r < 0 || stat(home, &st) < 0 || !S_ISDIR(st.st_mode) || access(home, R_OK | X_OK) < 0)
                return 0;
        p->home = TAKE_PTR(home);
        return 0;
}

int rootfs_prepare(const struct config *c, struct rootfs_plan **ret) {
        _cleanup_(rootfs_plan_freep) struct rootfs_plan *p = calloc(1, sizeof(*p));
        int r;

        if (!p)
                return log_errno(-ENOMEM, "plan");
        if (c->root) {
                r = resolve_directory("root", c->root, &p->root);
                if (r < 0)
                        return r;
        } else {
                p->host_sandbox = true;
                p->root = strdup("/");
                if (!p->root)
                        return log_errno(-ENOMEM, "plan");
                r = prepare_cwd(p);
                if (r >= 0)
                        r = prepare_home(p);
                if (r < 0)
                        return r;
        }
        if (c->working_directory && !path_is_absolute(c->working_directory))
                return log_error("working directory '%s': not an absolute path", c->working_directory);

        r = prepare_overlay(c, p);
        if (r < 0)
                return r;
        /* config.json makes its own mount points: none is planned. */
        if (!p->host_sandbox && !oci_view_replaces_mounts(c)) {
                r = prepare_standard_dirs(c, p);
                if (r < 0)
                        return r;
        }
        r = prepare_sources(c, p);
        if (r < 0)
                return r;
        r = devices_prepare(c, &p->devices, &p->n_devices);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(p);
        return 0;
}

/* ---- child: the root ---------------------------------------------------- */

/* The new root sits at its own host path until the pivot: a bind source
 * that holds that path (--bind ~:/home with the root under ~) would copy the
 * container's tree into itself, doubling with every bind. An unbindable
 * mount is left out of every recursive bind. */
static int make_unbindable(int fd) {
        struct mount_attr a = { .propagation = MS_UNBINDABLE };
        return sys_mount_setattr(fd, "", AT_EMPTY_PATH, &a, sizeof(a));
}


static int create_standard_dirs(const struct rootfs_plan *p, int rootfd) {
        for (size_t i = 0; i < ELEMENTSOF(standard_dirs); i++)
                if ((p->create & standard_dirs[i].bit) && mkdirat(rootfd, standard_dirs[i].name, 0755) < 0 &&
                    errno != EEXIST)
                        return log_errno(-errno, "create '/%s' in root '%s'", standard_dirs[i].name, p->root);
        return 0;
}

static int pivot(const struct config *c, const struct rootfs_plan *p, int rootfd) {
        const char *wd = c->working_directory ? c->working_directory : p->cwd ? p->cwd : "/";
        int r;

        if (fchdir(rootfd) < 0)
                return log_errno(-errno, "enter root '%s'", p->root);
        /* pivot_root(".", "."): the old root ends up stacked on the new one
         * and is detached at once, so nothing of the host stays reachable. */
        r = sys_pivot_root(".", ".");
        if (r < 0)
                return log_errno(r, "pivot_root into '%s'", p->root);
        if (umount2(".", MNT_DETACH) < 0)
                return log_errno(-errno, "detach the old root");
        if (chdir("/") < 0)
                return log_errno(-errno, "chdir to the new root");
        /* The view is built: from now on nothing arrives from the host.
         * As slaves, the mounts inside would receive whatever the host
         * mounts later below a bind source, /sys or the host sandbox's /
         * (on a host whose / is shared, as under systemd), with the
         * host's flags: read-write inside a read-only view. Private, and
         * not unbindable, for / too: a nested container may rbind it. */
        if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
                return log_errno(-errno, "make the container's mounts private");
        /* config.json's read-only paths and propagation, over that. */
        if (oci_view(c)) {
                r = mounts_oci_finish(c, rootfd);
                if (r < 0)
                        return r;
        }
        log_step("rootfs: pivoted into '%s'", p->root);
        return rootfs_enter_workdir(rootfd, wd);
}

/* Resolved in the root (rootfd names it: the mount pivoted into) without
 * magic links: a working directory of /proc/self/fd/N would otherwise lead
 * to whatever host directory an inherited fd N names (runc
 * CVE-2024-21626). */
int rootfs_enter_workdir(int rootfd, const char *wd) {
        _cleanup_close_ int fd = resolve_in_root(rootfd, wd, false, false);

        if (fd < 0)
                return log_errno(fd, "working directory '%s'", wd);
        if (fchdir(fd) < 0)
                return log_errno(-errno, "working directory '%s'", wd);
        return 0;
}

/* The root's mount: a bind of the root directory or an overlay over it,
 * made read-only if asked, attached on the root directory; s->rootfd then
 * names it. */
static int mount_root(const struct config *c, const struct rootfs_plan *p, struct rootfs_state *s) {
        /* The root directory is looked up by its path once: what is built
         * is attached onto this very directory even if the path is swapped
         * for a symlink meanwhile. */
        struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS };
        _cleanup_close_ int dir = sys_openat2(AT_FDCWD, p->root, &how, sizeof(how));
        bool detached = false;
        int r;

        /* The plan resolved every link in the root's path. */
        if (dir == -ENOSYS)
                dir = sys_result(open(p->root, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (dir == -ELOOP || dir == -ENOTDIR)
                return log_errno(dir, "root '%s' changed since it was checked: a symlink leads to it now", p->root);
        if (dir < 0)
                return log_errno(dir, "open root '%s'", p->root);
        if (p->overlay) {
                r = rootfs_overlay_mount(p, dir, &s->rootfd, &detached);
                if (r < 0)
                        return r;
                log_step("rootfs: overlay on '%s'", p->root);
        } else {
                /* A detached clone of the root's tree: pivot_root needs a
                 * mount point, and the clone can be made read-only before
                 * anything can see it. */
                s->rootfd = sys_open_tree(dir, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
                if (s->rootfd < 0) {
                        r = s->rootfd;
                        s->rootfd = -1;
                        return log_errno(r, "bind root '%s'%s", p->root,
                                         r == -ENOSYS ? " (open_tree needs Linux 5.2+)" : "");
                }
                detached = true;
        }

        r = create_standard_dirs(p, s->rootfd);
        if (r < 0)
                return r;
        /* config.json's root is made read-only after its mounts. */
        if (c->read_only > 0 && !oci_view_replaces_mounts(c)) {
                struct mount_attr a = { .attr_set = MOUNT_ATTR_RDONLY };

                r = mounts_create_user_mount_points(c, p, s->rootfd);
                if (r < 0)
                        return r;
                mounts_create_file_points(c, p, s->rootfd);
                r = sys_mount_setattr(s->rootfd, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof(a));
                if (r < 0)
                        return log_errno(r, "make root '%s' read-only%s", p->root,
                                         r == -ENOSYS ? " (mount_setattr needs Linux 5.12+)" : "");
        }
        if (detached) {
                r = sys_move_mount(s->rootfd, "", dir, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
                if (r < 0)
                        return log_errno(r, "bind root '%s'", p->root);
        }
        /* Before the root is unbindable: the view's entries are its binds. */
        r = etc_view_setup(p, s->rootfd, &s->etc_view_fd);
        if (r < 0)
                return r;
        r = make_unbindable(s->rootfd);
        if (r < 0)
                return log_errno(r, "make root '%s' unbindable", p->root);
        log_step("rootfs: root '%s' bound%s", p->root, c->read_only > 0 ? " read-only" : "");
        return oci_view_replaces_mounts(c) ? 0 : mounts_setup_standard(c, p, s);
}

int rootfs_setup_early(const struct config *c, const struct rootfs_plan *p, struct rootfs_state *s) {
        /* Nothing done here ever propagates back to the host. Slave, not
         * private, until the pivot: a bind source below an automount point
         * may still be mounted by the host while the view is built. */
        if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
                return log_errno(-errno, "make '/' a recursive slave");
        log_step("rootfs: propagation to the host cut");
        /* Left to after the map: an overlay, whose upper layer is made on
         * a tmpfs of our own; and the user's mount points that a read-only
         * root needs made first, which may be in directories of
         * subordinate ids: until the map no id is mapped, so no capability
         * lets the child write there. (The missing standard mount points
         * are made only when the user may write the root: see
         * prepare_standard_dirs.) config.json's mounts make their mount
         * points, all after the map. And a view of /etc, whose files are
         * made on a tmpfs of our own. */
        if (oci_view_replaces_mounts(c) || p->overlay || p->etc_view ||
            (c->read_only > 0 && (c->n_mounts > 0 || devices_any_outside_dev(p))))
                return 0;
        return mount_root(c, p, s);
}

static int pivot_after_hook(const struct config *c, const struct rootfs_plan *p, struct rootfs_state *s) {
        int r = s->before_pivot ? s->before_pivot(s->before_pivot_userdata) : 0;

        return r < 0 ? r : pivot(c, p, s->rootfd);
}

int rootfs_setup(const struct config *c, const struct rootfs_plan *p, struct rootfs_state *s) {
        int r;

        if (s->rootfd < 0) {
                r = mount_root(c, p, s);
                if (r < 0)
                        return r;
        }
        if (oci_view_replaces_mounts(c)) {
                r = mounts_setup_oci(c, p, s->rootfd);
                return r < 0 ? r : pivot_after_hook(c, p, s);
        }
        r = mounts_fill_standard(c, p, s);
        if (r < 0)
                return r;
        r = mounts_setup_files(c, p, s->rootfd);
        if (r < 0)
                return r;
        r = mounts_setup_user(c, p, s->rootfd);
        if (r < 0)
                return r;
        r = etc_view_seal(&s->etc_view_fd);
        if (r < 0)
                return r;
        r = devices_populate_outside_dev(p, s->rootfd);
        if (r >= 0 && oci_view(c))
                r = mounts_oci_extras(c, s->rootfd);
        if (r < 0)
                return r;
        return pivot_after_hook(c, p, s);
}

/* ---- `userbox config` --------------------------------------------------- */

void rootfs_print_plan(const struct config *c, const struct rootfs_plan *p, FILE *f) {
        const char *root = p ? p->root : c->root ? c->root : "/";
        const char *ro = c->read_only > 0 ? ",ro" : "";

        if (p && p->overlay) {
                _cleanup_free_ char *layers = NULL;
                if (rootfs_join_layers(p, 0, &layers) < 0)
                        return;
                fprintf(f, "# mount: overlay lowerdir=%s%s,upperdir=%s -> / (userxattr%s)\n", layers, root,
                        p->overlay_upper ? p->overlay_upper : "tmpfs", ro);
        } else
                fprintf(f, "# mount: bind %s -> / (rbind%s)\n", root, ro);
        if (p && p->etc_view)
                fprintf(f, "# mount: tmpfs tmpfs -> /etc (ro,nosuid,nodev: the container's own view, "
                           "each entry of the root's /etc bound in%s)\n", c->read_only > 0 ? " read-only" : "");
        mounts_print_standard(c, p, f);
        mounts_print_files(c, p, f);
        mounts_print_user(c, p, f);
}
