/* SPDX-License-Identifier: Apache-2.0 */
/* The container's cgroup: making and joining it, finding a running
 * container's, and removing it. cgroup-where.c plans where, cgroup-plan.c
 * which file gets which value. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup-internal.h"
#include "util.h"

static void closedirp(DIR **d) {
        if (*d)
                closedir(*d);
}

static int write_in(const char *dir, const char *file, const char *value);
static void remove_stale(const char *parent);
static int make_levels(struct cgroup *cg, struct cgroup_hierarchy *h, const char *below);
static bool writes_controller(const struct cgroup *cg, enum cgroup_controller k);
static int cpuset_inherit(const char *dir);
static void kill_and_remove(const char *path);
static void remove_below(const char *path);
static void kill_all(const char *path);
static bool in_own_cgroup(const char *own, const char *controllers, const char *path);
static bool kill_listed(const char *path);

/* Before clone, only what clone3 places the child in: the v2 cgroup,
 * made empty. The rest waits for cgroup_attach, after "go": the launch
 * waits for none of it (bench/README.md, issue 20). */
int cgroup_create(struct cgroup *cg, const struct config *c) {
        cg->config = c;
        if (c->name)
                snprintf(cg->leaf, sizeof(cg->leaf), "userbox-%s-%d", c->name, (int) getpid());
        else
                snprintf(cg->leaf, sizeof(cg->leaf), "userbox-%d", (int) getpid());
        for (size_t i = 0; i < cg->n_hierarchies; i++) {
                struct cgroup_hierarchy *h = &cg->hierarchies[i];
                int r;

                if (h->version != 2)
                        continue;
                r = make_levels(cg, h, h->below ?: cg->leaf);
                if (r < 0)
                        return r;
                h->fd = open(h->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (h->fd < 0)
                        return log_errno(-errno, "opening the cgroup '%s'", h->path);
                log_step("cgroup '%s' made", h->path);
        }
        return 0;
}

bool cgroup_dir(const struct cgroup *cg, const struct cgroup_hierarchy *h, char *buf, size_t size) {
        return (size_t) snprintf(buf, size, "%s/%s", h->parent, h->below ?: cg->leaf) < size;
}

/* What cgroup_create left for after clone, in every hierarchy: what
 * killed launchers left under the parent is removed, the v1 cgroups are
 * made, the limits written. Once, and only for a planned cgroup:
 * cgroup_of's (no config) were made by the container's launcher. */
static int complete(struct cgroup *cg) {
        if (cg->made || !cg->config)
                return 0;
        cg->made = true;
        for (size_t i = 0; i < cg->n_hierarchies; i++) {
                struct cgroup_hierarchy *h = &cg->hierarchies[i];
                int r;

                if (!h->below)
                        remove_stale(h->parent);
                if (!h->path) {
                        r = make_levels(cg, h, h->below ?: cg->leaf);
                        if (r < 0)
                                return r;
                }
                for (size_t j = 0; j < cg->n_writes; j++) {
                        const struct cgroup_write *w = &cg->writes[j];
                        if (!(h->controllers & (1u << w->controller)))
                                continue;
                        r = write_in(h->path, w->file, w->value);
                        if (r < 0)
                                return cgroup_limit_error(cg->config, w, "the kernel refuses %s in %s/%s: %s",
                                                          w->value, h->path, w->file, strerror(-r));
                }
        }
        log_step("cgroup made, limits written");
        return 0;
}

/* Makes h->parent/below, level by level (linux.cgroupsPath may name
 * several), and sets h->path. On v2 each level hands the controllers of
 * the limits down to the next (cgroup.subtree_control); a controller no
 * limit needs (linux.cgroupsPath alone) is handed down where it can be.
 * A level that exists is kept, the leaf too when linux.cgroupsPath names
 * it: the spec lets a runtime join a cgroup made before. */
static int make_levels(struct cgroup *cg, struct cgroup_hierarchy *h, const char *below) {
        _cleanup_free_ char *dir = strdup(h->parent);

        for (const char *p = below; dir && *p;) {
                size_t n = strcspn(p, "/");
                char *next = NULL;
                bool leaf = !p[n + strspn(p + n, "/")], made;

                for (enum cgroup_controller k = 0; h->version == 2 && k < _CGROUP_CONTROLLER_MAX; k++) {
                        char enable[32];
                        int r;
                        if (!(h->controllers & (1u << k)))
                                continue;
                        snprintf(enable, sizeof(enable), "+%s", cgroup_controller_name(k, 2));
                        r = write_in(dir, "cgroup.subtree_control", enable);
                        if (r < 0 && writes_controller(cg, k))
                                return log_errno(r, "enabling the %s controller in '%s/cgroup.subtree_control'",
                                                 cgroup_controller_name(k, 2), dir);
                }
                if (asprintf(&next, "%s/%.*s", dir, (int) n, p) < 0)
                        return log_errno(-ENOMEM, "making the cgroup");
                free(dir);
                dir = next;
                made = mkdir(dir, 0755) == 0;
                if (!made && (errno != EEXIST || (leaf && !h->below)))
                        return log_errno(-errno, "making the cgroup '%s'", dir);
                if (made && h->version == 1 && (h->controllers & (1u << CGROUP_CPUSET))) {
                        int r = cpuset_inherit(dir);
                        if (r < 0)
                                return log_errno(r, "copying the cpus and mems of the cgroup above '%s'", dir);
                }
                p += n;
                p += strspn(p, "/");
        }
        if (!dir)
                return log_errno(-ENOMEM, "making the cgroup");
        h->path = TAKE_PTR(dir);
        return 0;
}

/* A v1 cpuset cgroup is born with no cpus and no mems, and takes no
 * process until it has some: it gets its parent's (the limits, written
 * next, narrow them). */
static int cpuset_inherit(const char *dir) {
        static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
        _cleanup_free_ char *parent = strdup(dir);
        char *slash = parent ? strrchr(parent, '/') : NULL;

        if (!slash)
                return -ENOMEM;
        *slash = '\0';
        for (size_t i = 0; i < ELEMENTSOF(files); i++) {
                _cleanup_free_ char *file = path_join(parent, files[i]), *text = NULL;
                _cleanup_close_ int fd = file ? open(file, O_RDONLY | O_CLOEXEC) : -1;
                int r;

                if (fd < 0)
                        return -errno;
                r = read_full_fd(fd, 4096, &text, NULL);
                if (r < 0)
                        return r;
                text[strcspn(text, "\n")] = '\0';
                r = write_in(dir, files[i], text);
                if (r < 0)
                        return r;
        }
        return 0;
}

static bool writes_controller(const struct cgroup *cg, enum cgroup_controller k) {
        for (size_t j = 0; j < cg->n_writes; j++)
                if (cg->writes[j].controller == k)
                        return true;
        return false;
}

int cgroup_clone_fd(const struct cgroup *cg) {
        for (size_t i = 0; cg && i < cg->n_hierarchies; i++)
                if (cg->hierarchies[i].fd >= 0)
                        return cg->hierarchies[i].fd;
        return -1;
}

void cgroup_cloned_into(struct cgroup *cg) {
        cg->cloned_into = true;
}

int cgroup_attach(struct cgroup *cg, pid_t pid) {
        return cgroup_attach_leaving(cg, pid, NULL, NULL);
}

int cgroup_attach_leaving(struct cgroup *cg, pid_t pid, int *fds, unsigned *n_fds) {
        char value[16];
        int r = complete(cg);

        if (r < 0)
                return r;
        snprintf(value, sizeof(value), "%d", (int) pid);
        for (size_t i = 0; i < cg->n_hierarchies; i++) {
                if (cg->cloned_into && cg->hierarchies[i].fd >= 0)
                        continue;
                /* Where the tasks file cannot be opened, the move is ours
                 * after all. */
                if (fds && cg->hierarchies[i].version == 1) {
                        _cleanup_free_ char *tasks = path_join(cg->hierarchies[i].path, "tasks");
                        int fd = tasks ? open(tasks, O_WRONLY | O_CLOEXEC) : -1;
                        if (fd >= 0) {
                                fds[(*n_fds)++] = fd;
                                continue;
                        }
                }
                r = write_in(cg->hierarchies[i].path, "cgroup.procs", value);
                if (r < 0)
                        return log_errno(r, "moving pid %d into the container's cgroup '%s'", (int) pid,
                                         cg->hierarchies[i].path);
        }
        return 0;
}

int cgroup_enter(int *fds, unsigned n) {
        int r = 0;

        for (unsigned i = 0; i < n; i++) {
                int w = r < 0 ? 0 : fd_write_all(fds[i], "0", 1);

                if (w < 0) {
                        char link[64], dir[PATH_MAX] = "", *tasks;
                        ssize_t len;

                        snprintf(link, sizeof(link), "/proc/self/fd/%d", fds[i]);
                        /* Named by its directory, as everywhere else. */
                        len = readlink(link, dir, sizeof(dir) - 1);
                        dir[len > 0 ? len : 0] = '\0';
                        tasks = strrchr(dir, '/');
                        if (tasks)
                                *tasks = '\0';
                        r = log_errno(w, "entering the container's cgroup '%s'", dir);
                }
                close(fds[i]);
                fds[i] = -1;
        }
        return r;
}

int cgroup_join_of(pid_t container, pid_t pid) {
        _cleanup_(cgroup_freep) struct cgroup *cg = NULL;
        int r = cgroup_of(container, NULL, &cg);

        if (r < 0)
                return log_errno(r, "finding the cgroup of the container (its init is pid %d)", (int) container);
        return cg ? cgroup_attach(cg, pid) : 0;
}

int cgroup_join_paths(char *const *paths, pid_t pid) {
        char value[16];

        snprintf(value, sizeof(value), "%d", (int) pid);
        for (size_t i = 0; paths && paths[i]; i++) {
                int r = write_in(paths[i], "cgroup.procs", value);
                if (r < 0)
                        return log_errno(r, "moving pid %d into the container's cgroup '%s'", (int) pid, paths[i]);
        }
        return 0;
}

int cgroup_of(pid_t container, const char *leaf, struct cgroup **ret) {
        _cleanup_(cgroup_freep) struct cgroup *cg = calloc(1, sizeof(*cg));
        _cleanup_fclose_ FILE *f = NULL, *mounts = NULL;
        _cleanup_free_ char *line = NULL, *mline = NULL, *own = NULL;
        _cleanup_close_ int fd = -1;
        size_t size = 0, msize = 0;
        char file[64];
        const char *name = leaf ? path_basename(leaf) : NULL;

        *ret = NULL;
        if (!cg)
                return -ENOMEM;
        snprintf(file, sizeof(file), "/proc/%d/cgroup", (int) container);
        f = fopen(file, "re");
        if (!f)
                return -errno;
        fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
        if (fd < 0 || read_full_fd(fd, 1 << 16, &own, NULL) < 0)
                return -errno;
        /* Each "ID:CONTROLLERS:PATH" under the mount of its hierarchy: the
         * one whose super options hold the first controller (v1), or v2's.
         * Its cgroup: userbox-[NAME-]PID, or linux.cgroupsPath's, and not
         * where we are: a container without limits is in the cgroup of the
         * session that started it, which is no one's to kill. */
        while (getline(&line, &size, f) > 0 && cg->n_hierarchies < ELEMENTSOF(cg->hierarchies)) {
                char *controllers = strchr(line, ':'), *path, first[64];
                struct cgroup_hierarchy *h = &cg->hierarchies[cg->n_hierarchies];

                if (!controllers || !(path = strchr(++controllers, ':')))
                        continue;
                *path++ = '\0';
                path[strcspn(path, "\n")] = '\0';
                if (name ? !streq(path_basename(path), name) : !startswith(path_basename(path), "userbox-"))
                        continue;
                if (in_own_cgroup(own, controllers, path))
                        continue;
                snprintf(first, sizeof(first), "%.*s", (int) strcspn(controllers, ","), controllers);
                mounts = mounts ? (rewind(mounts), mounts) : fopen("/proc/self/mountinfo", "re");
                if (!mounts)
                        return -errno;
                while (!h->path && getline(&mline, &msize, mounts) > 0) {
                        char point[4096], fstype[64], super[1024];
                        const char *dash = strstr(mline, " - ");
                        if (!dash || sscanf(mline, "%*s %*s %*s %*s %4095s", point) != 1 ||
                            sscanf(dash, " - %63s %*s %1023s", fstype, super) != 2)
                                continue;
                        if (*first ? streq(fstype, "cgroup") && cgroup_word_in_list(first, super, ",")
                                   : streq(fstype, "cgroup2")) {
                                h->path = path_join(point, path);
                                if (!h->path)
                                        return -ENOMEM;
                        }
                }
                if (!h->path)
                        continue;
                h->version = *first ? 1 : 2;
                h->fd = -1;
                for (enum cgroup_controller k = 0; k < _CGROUP_CONTROLLER_MAX; k++)
                        if (*first && cgroup_word_in_list(cgroup_controller_name(k, 1), controllers, ","))
                                h->controllers |= 1u << k;
                cg->n_hierarchies++;
        }
        if (cg->n_hierarchies)
                *ret = TAKE_PTR(cg);
        return 0;
}

/* The line "ID:controllers:path" is in own (our /proc/self/cgroup). */
static bool in_own_cgroup(const char *own, const char *controllers, const char *path) {
        for (const char *p = own; *p; p += strcspn(p, "\n"), p += strspn(p, "\n")) {
                const char *c = strchr(p, ':');
                size_t n = strlen(controllers), m = strlen(path);
                if (c && c < p + strcspn(p, "\n") && strncmp(c + 1, controllers, n) == 0 && c[1 + n] == ':' &&
                    strncmp(c + 2 + n, path, m) == 0 && (c[2 + n + m] == '\n' || !c[2 + n + m]))
                        return true;
        }
        return false;
}

int cgroup_paths_of(pid_t container, const char *leaf, char ***ret) {
        _cleanup_(cgroup_freep) struct cgroup *cg = NULL;
        _cleanup_strv_free_ char **l = calloc(1, sizeof(char *));
        int r = cgroup_of(container, leaf, &cg);

        if (r < 0)
                return r;
        if (!l)
                return -ENOMEM;
        for (size_t i = 0; cg && i < cg->n_hierarchies; i++)
                if (strv_push(&l, TAKE_PTR(cg->hierarchies[i].path)) < 0)
                        return -ENOMEM;
        *ret = TAKE_PTR(l);
        return 0;
}

void cgroup_remove_path(const char *path) {
        kill_and_remove(path);
}

int cgroup_memory_usage(const struct cgroup *cg, uint64_t *ret) {
        for (size_t i = 0; cg && i < cg->n_hierarchies; i++) {
                const struct cgroup_hierarchy *h = &cg->hierarchies[i];
                _cleanup_free_ char *file = NULL, *text = NULL;
                _cleanup_close_ int fd = -1;

                /* v2's controllers are the ones its files show. */
                if (h->version == 1 && !(h->controllers & (1u << CGROUP_MEMORY)))
                        continue;
                file = path_join(h->path, h->version == 2 ? "memory.current" : "memory.usage_in_bytes");
                fd = file ? open(file, O_RDONLY | O_CLOEXEC) : -1;
                if (fd < 0 || read_full_fd(fd, 64, &text, NULL) < 0)
                        continue;
                *ret = strtoull(text, NULL, 10);
                return 0;
        }
        return -ENOENT;
}

void cgroup_kill(const struct cgroup *cg) {
        for (size_t i = 0; cg && i < cg->n_hierarchies; i++)
                if (cg->hierarchies[i].path)
                        kill_all(cg->hierarchies[i].path);
}

bool cgroup_memory_limit_reached(const struct cgroup *cg) {
        for (size_t i = 0; cg && i < cg->n_hierarchies; i++) {
                const struct cgroup_hierarchy *h = &cg->hierarchies[i];
                _cleanup_free_ char *file = NULL, *text = NULL;
                _cleanup_close_ int fd = -1;
                const char *count;

                if (!(h->controllers & (1u << CGROUP_MEMORY)) || !h->path)
                        continue;
                /* Both versions count the kills as "oom_kill N". */
                file = path_join(h->path, h->version == 2 ? "memory.events" : "memory.oom_control");
                fd = file ? open(file, O_RDONLY | O_CLOEXEC) : -1;
                if (fd < 0 || read_full_fd(fd, 4096, &text, NULL) < 0)
                        return false;
                count = strstr(text, "oom_kill ");
                return count && strtoull(count + strlen("oom_kill "), NULL, 10) > 0;
        }
        return false;
}

void cgroup_remove(struct cgroup *cg) {
        for (size_t i = 0; cg && i < cg->n_hierarchies; i++) {
                if (!cg->hierarchies[i].path)
                        continue;
                kill_and_remove(cg->hierarchies[i].path);
                cgroup_remove_levels(cg->hierarchies[i].path, cg->hierarchies[i].below);
                if (cg->hierarchies[i].fd >= 0)
                        close(cg->hierarchies[i].fd);
                cg->hierarchies[i].fd = -1;
                free(cg->hierarchies[i].path);
                cg->hierarchies[i].path = NULL;
        }
}

void cgroup_free(struct cgroup *cg) {
        if (!cg)
                return;
        for (size_t i = 0; i < cg->n_hierarchies; i++) {
                free(cg->hierarchies[i].parent);
                free(cg->hierarchies[i].below);
                free(cg->hierarchies[i].path);
                free(cg->hierarchies[i].mount);
                if (cg->hierarchies[i].fd >= 0)
                        close(cg->hierarchies[i].fd);
        }
        free(cg);
}

void cgroup_remove_levels(const char *path, const char *below) {
        _cleanup_free_ char *dir = strdup(path);

        /* One level above the leaf per further level of below, while empty. */
        for (const char *p = below ? strchr(below, '/') : NULL; dir && p; p = strchr(p + 1, '/')) {
                char *slash = strrchr(dir, '/');
                if (!slash)
                        return;
                *slash = '\0';
                if (rmdir(dir) < 0)
                        return;
        }
}

static int write_in(const char *dir, const char *file, const char *value) {
        _cleanup_free_ char *path = path_join(dir, file);
        _cleanup_close_ int fd = -1;

        if (!path)
                return -ENOMEM;
        fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        return fd_write_all(fd, value, strlen(value));
}

/* A launcher killed with -9 could not remove its cgroup. Its container
 * died with it (PR_SET_PDEATHSIG), which empties the cgroup: the next
 * launch under the same parent removes every userbox-[NAME-]PID whose PID
 * is gone and which is empty. One with processes stays: a userbox-oci
 * container's is named after its create, which has ended, and it runs on
 * until delete removes it. */
static void remove_stale(const char *parent) {
        _cleanup_(closedirp) DIR *d = opendir(parent);
        struct dirent *e;

        while (d && (e = readdir(d))) {
                const char *dash = strrchr(e->d_name, '-');
                char *end;
                long pid;

                if (e->d_type != DT_DIR || strncmp(e->d_name, "userbox-", 8) != 0 || !dash)
                        continue;
                pid = strtol(dash + 1, &end, 10);
                if (*end || pid <= 0 || kill((pid_t) pid, 0) == 0 || errno != ESRCH)
                        continue;
                (void) unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR);
        }
}

/* A cgroup with processes cannot be removed: v2 kills them all at once
 * (cgroup.kill, Linux 5.14), v1 needs a loop over cgroup.procs, which a
 * forking process escapes only until its children are read in turn. The
 * processes that just died leave it a moment later: a second at most. A
 * container with CAP_SYS_ADMIN in its user namespace may have made
 * cgroups below its own: they go with it. */
static void kill_and_remove(const char *path) {
        /* Empty, as it mostly is once the container's init is reaped: gone
         * at the first call. */
        if (rmdir(path) == 0 || errno == ENOENT)
                return;
        (void) write_in(path, "cgroup.kill", "1");
        for (int tries = 0; tries < 1000; tries++) {
                remove_below(path);
                if (rmdir(path) == 0 || errno == ENOENT)
                        return;
                if (errno != EBUSY)
                        break;
                kill_listed(path);
                nanosleep(&(struct timespec) { .tv_nsec = 1000000 }, NULL);
        }
        log_warning("removing the cgroup '%s': %m, leaving it", path);
}

/* fn on each cgroup directly below path; true when one call was. */
static bool each_below(const char *path, bool (*fn)(const char *below)) {
        _cleanup_(closedirp) DIR *d = opendir(path);
        struct dirent *e;
        bool any = false;

        while (d && (e = readdir(d))) {
                _cleanup_free_ char *below = NULL;

                if (e->d_type != DT_DIR || streq(e->d_name, ".") || streq(e->d_name, ".."))
                        continue;
                below = path_join(path, e->d_name);
                if (below && fn(below))
                        any = true;
        }
        return any;
}

static bool remove_one_below(const char *below) {
        kill_and_remove(below);
        return false;
}

/* The cgroups below path, deepest first, with what runs in them. */
static void remove_below(const char *path) {
        (void) each_below(path, remove_one_below);
}

/* The same without removing it: until cgroup.procs reads empty, below
 * path too. */
static void kill_all(const char *path) {
        if (write_in(path, "cgroup.kill", "1") >= 0)
                return;
        for (int tries = 0; tries < 1000 && kill_listed(path); tries++)
                nanosleep(&(struct timespec) { .tv_nsec = 1000000 }, NULL);
}

/* SIGKILL to each process cgroup.procs lists, at path and below; false
 * when none lists any. */
static bool kill_listed(const char *path) {
        _cleanup_free_ char *procs = path_join(path, "cgroup.procs"), *text = NULL;
        _cleanup_close_ int fd = procs ? open(procs, O_RDONLY | O_CLOEXEC) : -1;
        bool any = false;

        if (fd >= 0 && read_full_fd(fd, 1 << 20, &text, NULL) >= 0)
                for (char *p = text; *p; p += strcspn(p, "\n"), p += strspn(p, "\n")) {
                        (void) kill((pid_t) strtol(p, NULL, 10), SIGKILL);
                        any = true;
                }
        return each_below(path, kill_listed) || any;
}
