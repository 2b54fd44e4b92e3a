/* SPDX-License-Identifier: Apache-2.0 */
/* Where the container's cgroup may be made (cgroup_plan): the hierarchy
 * of each controller its limits need, and the directory delegated to the
 * user there. cgroup-plan.c says which file gets which value, cgroup.c
 * makes, joins and removes it. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "cgroup-internal.h"
#include "util.h"

/* /proc/self/cgroup, read once for the whole plan, and
 * /proc/self/mountinfo only when a hierarchy is not where the usual
 * layout mounts it: a launch that reads mountinfo takes 0.1-0.3 ms
 * longer on the test machine (bench/README.md, issue 20), more than the
 * read itself, as it waits for the mount table. */
struct cgroup_sources {
        char *own;
        char *mountinfo;        /* NULL until needed */
};

static void cgroup_sources_done(struct cgroup_sources *src) {
        free(src->mountinfo);
        free(src->own);
}

static int read_proc(const char *path, char **ret);
static int find_place(struct cgroup_sources *src, const char *name, bool quiet, struct cgroup_place *ret);
static int mounted_place(char *mountinfo, char *own, const char *name, bool quiet, struct cgroup_place *ret);
static int find_delegated(const struct config *c, enum cgroup_controller controller, const struct cgroup_write *w,
                          const struct cgroup_place *place, char **ret_parent, char **ret_below);
static int plan_hierarchy(const struct config *c, struct cgroup_sources *src, struct cgroup *cg,
                          enum cgroup_controller k, const struct cgroup_write *w);
static int split_existing(char *full, size_t root_len, char **ret_parent, char **ret_below);
static bool walk_up_writable(char *dir, const char *mount);
static int plan_unified(const struct config *c, struct cgroup_sources *src, struct cgroup *cg);

int cgroup_plan(const struct config *c, struct cgroup **ret) {
        _cleanup_(cgroup_freep) struct cgroup *cg = NULL;
        struct cgroup_write writes[CGROUP_WRITES_MAX];
        const struct cgroup_write *first[_CGROUP_CONTROLLER_MAX] = {};
        _cleanup_(cgroup_sources_done) struct cgroup_sources src = {};
        unsigned needed = 0;
        int r;

        *ret = NULL;
        /* The controllers first, on either version: the files follow the
         * version each one is found on. */
        for (size_t i = 0, n = cgroup_plan_writes(c, 1, writes); i < n; i++) {
                needed |= 1u << writes[i].controller;
                if (!first[writes[i].controller])
                        first[writes[i].controller] = &writes[i];
        }
        if (!needed && !c->cgroup_path)
                return 0;
        cg = calloc(1, sizeof(*cg));
        if (!cg)
                return log_errno(-ENOMEM, "planning the cgroup");
        r = read_proc("/proc/self/cgroup", &src.own);
        if (r < 0)
                return r;
        /* linux.cgroupsPath without a limit: the cgroup where it may be
         * made, and none where not, as crun does rootless (podman asks for
         * one on every container). */
        for (enum cgroup_controller k = 0; k < _CGROUP_CONTROLLER_MAX; k++)
                if ((needed & (1u << k)) || (!needed && k <= CGROUP_PIDS)) {
                        r = plan_hierarchy(c, &src, cg, k, first[k]);
                        if (r < 0 && (needed || r != -EACCES))
                                return r;
                }
        r = plan_unified(c, &src, cg);
        if (r < 0)
                return r;
        /* Each controller's files as its hierarchy's version spells them;
         * a file the kernel lacks (swap not accounted) refuses its limit. */
        for (size_t i = 0; i < cg->n_hierarchies; i++) {
                const struct cgroup_hierarchy *h = &cg->hierarchies[i];
                for (size_t j = 0, n = cgroup_plan_writes(c, h->version, writes); j < n; j++) {
                        _cleanup_free_ char *file = NULL;
                        if (!(h->controllers & (1u << writes[j].controller)))
                                continue;
                        file = path_join(h->parent, writes[j].file);
                        if (!file)
                                return log_errno(-ENOMEM, "planning the cgroup");
                        if (access(file, F_OK) < 0)
                                return cgroup_limit_error(c, &writes[j], "this kernel has no %s (looked at %s)",
                                                   writes[j].file, file);
                        cg->writes[cg->n_writes++] = writes[j];
                }
        }
        if (!cg->n_hierarchies)
                return 0;
        log_step("cgroup planned in %zu hierarch%s", cg->n_hierarchies, cg->n_hierarchies == 1 ? "y" : "ies");
        *ret = TAKE_PTR(cg);
        return 0;
}

/* Where controller k goes: its hierarchy's delegated directory, shared
 * with the controllers already planned there. w: its first write, NULL
 * when it has none (linux.cgroupsPath alone): then a hierarchy that is
 * missing or not delegated is -EACCES, unprinted. */
static int plan_hierarchy(const struct config *c, struct cgroup_sources *src, struct cgroup *cg,
                          enum cgroup_controller k, const struct cgroup_write *w) {
        struct cgroup_place place = {};
        _cleanup_free_ char *parent = NULL, *below = NULL;
        size_t i;
        int r;

        r = find_place(src, cgroup_controller_name(k, 1), !w, &place);
        if (r >= 0)
                r = find_delegated(c, k, w, &place, &parent, &below);
        free(place.own);
        if (r < 0) {
                free(place.mount);
                return r;
        }
        for (i = 0; i < cg->n_hierarchies; i++)
                if (streq(cg->hierarchies[i].parent, parent))
                        break;
        if (i == cg->n_hierarchies) {
                cg->hierarchies[i].version = place.version;
                cg->hierarchies[i].parent = TAKE_PTR(parent);
                cg->hierarchies[i].below = TAKE_PTR(below);
                cg->hierarchies[i].mount = TAKE_PTR(place.mount);
                cg->hierarchies[i].fd = -1;
                cg->n_hierarchies++;
        }
        free(place.mount);
        cg->hierarchies[i].controllers |= 1u << k;
        return 0;
}

static int read_proc(const char *path, char **ret) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        int r;

        if (fd < 0)
                return log_errno(-errno, "reading %s", path);
        r = read_full_fd(fd, 1 << 20, ret, NULL);
        return r < 0 ? log_errno(r, "reading %s", path) : 0;
}

/* "/a/b/" is "/a/b"; "/" stays. */
static void trim_trailing_slashes(char *path) {
        for (size_t n = strlen(path); n > 1 && path[n - 1] == '/'; n--)
                path[n - 1] = '\0';
}

/* The next line of *p, NUL-terminated in place; NULL at the end. */
static char *next_line(char **p) {
        char *line = *p;

        if (!*line)
                return NULL;
        *p = line + strcspn(line, "\n");
        if (**p)
                *(*p)++ = '\0';
        return line;
}

/* The hierarchy of the controller name: a cgroup v1 mount that has it,
 * else the cgroup v2 one (whose controllers are checked at the delegated
 * directory). name NULL: the v2 one, -ENOENT unprinted when there is
 * none. quiet: -EACCES unprinted when there is none. Where the usual
 * layout mounts it, else as the mount table says. */
static int find_place(struct cgroup_sources *src, const char *name, bool quiet, struct cgroup_place *ret) {
        int r = cgroup_usual_place(src->own, name, ret);

        if (r != 0)
                return r < 0 ? log_errno(r, "planning the cgroup") : 0;
        if (!src->mountinfo) {
                r = read_proc("/proc/self/mountinfo", &src->mountinfo);
                if (r < 0)
                        return r;
        }
        return cgroup_mounted_place(src->mountinfo, src->own, name, quiet, ret);
}

/* The usual layout (systemd's, every distribution's): v1 hierarchies at
 * /sys/fs/cgroup/CONTROLLERS, v2 at /sys/fs/cgroup or, on a hybrid host,
 * /sys/fs/cgroup/unified, each mounted from its root. It holds when the
 * path is a cgroup file system of the version /proc/self/cgroup gives and
 * this process's cgroup a directory in it: a mount of a subtree (a
 * container's view) has no such directory but by chance. A v1 hierarchy
 * mounted at another's name would be taken for it: its limit files are
 * checked before anything is made. */
int cgroup_usual_place(const char *own, const char *name, struct cgroup_place *ret) {
        static const char *const v2_mounts[] = { "/sys/fs/cgroup", "/sys/fs/cgroup/unified" };
        const char *line, *controllers = NULL, *path = NULL;
        size_t n_controllers = 0, n_path = 0;
        _cleanup_free_ char *mount = NULL, *dir = NULL;
        struct statfs sf;
        struct stat st;

        /* "ID:CONTROLLERS:PATH": name's v1 line, else v2's "0::PATH". */
        for (int pass = name ? 1 : 2; pass <= 2 && !path; pass++)
                for (line = own; *line && !path; line += strcspn(line, "\n"), line += strspn(line, "\n")) {
                        size_t len = strcspn(line, "\n");
                        const char *c = memchr(line, ':', len), *p = NULL;
                        _cleanup_free_ char *list = NULL;

                        if (c)
                                c++, p = memchr(c, ':', line + len - c);
                        if (!p)
                                continue;
                        if (pass == 2 ? p != c : p == c)
                                continue;
                        if (pass == 1) {
                                list = strndup(c, p - c);
                                if (!list)
                                        return -ENOMEM;
                                if (!cgroup_word_in_list(name, list, ","))
                                        continue;
                        }
                        controllers = c;
                        n_controllers = p - c;
                        path = p + 1;
                        n_path = line + len - path;
                }
        if (!path)
                return 0;
        for (size_t i = 0; !mount && i < (n_controllers ? 1 : ELEMENTSOF(v2_mounts)); i++) {
                char candidate[4096];

                if (n_controllers)
                        snprintf(candidate, sizeof(candidate), "/sys/fs/cgroup/%.*s", (int) n_controllers, controllers);
                else
                        snprintf(candidate, sizeof(candidate), "%s", v2_mounts[i]);
                if (statfs(candidate, &sf) < 0 ||
                    sf.f_type != (n_controllers ? CGROUP_SUPER_MAGIC : CGROUP2_SUPER_MAGIC))
                        continue;
                mount = strdup(candidate);
                if (!mount)
                        return -ENOMEM;
        }
        if (!mount)
                return 0;
        dir = malloc(strlen(mount) + n_path + 1);
        if (!dir)
                return -ENOMEM;
        sprintf(dir, "%s%.*s", mount, (int) n_path, path);
        if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
                return 0;
        trim_trailing_slashes(dir);
        *ret = (struct cgroup_place) { .version = n_controllers ? 1 : 2, .mount = TAKE_PTR(mount), .own = TAKE_PTR(dir) };
        return 1;
}

int cgroup_mounted_place(const char *mountinfo_text, const char *own_text, const char *name, bool quiet,
                         struct cgroup_place *ret) {
        /* Copies: the parse cuts them into lines. */
        _cleanup_free_ char *mountinfo = strdup(mountinfo_text), *own = strdup(own_text);

        if (!mountinfo || !own)
                return log_errno(-ENOMEM, "reading /proc/self/mountinfo");
        return mounted_place(mountinfo, own, name, quiet, ret);
}

static int mounted_place(char *mountinfo, char *own, const char *name, bool quiet, struct cgroup_place *ret) {
        _cleanup_free_ char *v2_mount = NULL, *v2_root = NULL, *mount = NULL, *root = NULL;
        char *p, *line;
        int version = 0;

        for (p = mountinfo; (line = next_line(&p));) {
                char mroot[4096], point[4096], fstype[64], super[1024];
                const char *dash = strstr(line, " - ");

                if (!dash || sscanf(line, "%*s %*s %*s %4095s %4095s", mroot, point) != 2 ||
                    sscanf(dash, " - %63s %*s %1023s", fstype, super) != 2)
                        continue;
                if (streq(fstype, "cgroup2") && !v2_mount) {
                        v2_mount = strdup(point);
                        v2_root = strdup(mroot);
                        if (!v2_mount || !v2_root)
                                return log_errno(-ENOMEM, "reading /proc/self/mountinfo");
                } else if (name && streq(fstype, "cgroup") && cgroup_word_in_list(name, super, ",") && !mount) {
                        mount = strdup(point);
                        root = strdup(mroot);
                        if (!mount || !root)
                                return log_errno(-ENOMEM, "reading /proc/self/mountinfo");
                        version = 1;
                }
        }
        if (!mount && v2_mount) {
                mount = TAKE_PTR(v2_mount);
                root = TAKE_PTR(v2_root);
                version = 2;
        }
        if (!mount && !name)
                return -ENOENT;
        if (!mount && quiet)
                return -EACCES;
        if (!mount)
                return log_error("the %s controller has no cgroup hierarchy on this machine (looked in "
                                 "/proc/self/mountinfo)", name);

        /* "ID:CONTROLLERS:PATH", one line per hierarchy; v2's is "0::PATH". */
        for (p = own; (line = next_line(&p));) {
                char *controllers = strchr(line, ':'), *path;

                if (!controllers || !(path = strchr(++controllers, ':')))
                        continue;
                *path++ = '\0';
                if (version == 2 ? *controllers != '\0' : !cgroup_word_in_list(name, controllers, ","))
                        continue;
                /* A mount of a subtree (a container's view) shows the path
                 * from the hierarchy's root: take the mounted part off. */
                if (!streq(root, "/") && strncmp(path, root, strlen(root)) == 0)
                        path += strlen(root);
                ret->version = version;
                ret->own = path_join(mount, path);
                ret->mount = TAKE_PTR(mount);
                if (!ret->own)
                        return log_errno(-ENOMEM, "reading /proc/self/cgroup");
                trim_trailing_slashes(ret->own);
                return 0;
        }
        if (!name)
                return -ENOENT;
        if (quiet)
                return -EACCES;
        return log_error("the %s controller: this process's cgroup is not in /proc/self/cgroup", name);
}

/* The directory delegated to the user in the hierarchy of place:
 * CgroupParent= below its root, or the cgroup userbox runs in, and up
 * from there while the user may still write the parent (systemd's
 * user@UID.service on v2: its leaves hold processes, and a v2 cgroup
 * with processes can give no controller to a child). An absolute
 * linux.cgroupsPath names the container's cgroup below the root: the
 * delegated directory is its deepest ancestor that exists, and the rest
 * is made; a relative one goes below the delegated directory found. w
 * NULL: -EACCES, unprinted, where it is not delegated. */
static int find_delegated(const struct config *c, enum cgroup_controller controller, const struct cgroup_write *w,
                          const struct cgroup_place *place, char **ret_parent, char **ret_below) {
        const char *name = cgroup_controller_name(controller, place->version);
        bool absolute = c->cgroup_path && c->cgroup_path[0] == '/';
        _cleanup_free_ char *dir = NULL, *controllers = NULL, *below = NULL;
        const char *why = NULL, *origin = " (the cgroup userbox runs in)";
        struct stat st;

        if (absolute)
                dir = path_join(place->mount, c->cgroup_path);
        else
                dir = c->cgroup_parent ? path_join(place->mount, c->cgroup_parent) : strdup(place->own);
        if (!dir)
                return log_errno(-ENOMEM, "planning the cgroup");
        trim_trailing_slashes(dir);
        if (absolute) {
                int r = split_existing(TAKE_PTR(dir), strlen(place->mount), &dir, &below);
                if (r < 0)
                        return r == -ENOMEM ? log_errno(r, "planning the cgroup")
                                            : log_error("linux.cgroupsPath '%s': names no cgroup", c->cgroup_path);
                origin = " (linux.cgroupsPath)";
        } else if (c->cgroup_parent)
                origin = " (CgroupParent=)";
        /* The cgroup userbox runs in: its topmost ancestor we may write,
         * else itself, which is mostly a leaf of the delegated tree
         * (systemd's, pam_cgfs'): checked only when nothing above it
         * is writable. */
        if ((c->cgroup_parent || absolute || !walk_up_writable(dir, place->mount)) && !cgroup_writable(dir))
                why = stat(dir, &st) < 0 ? "does not exist" : "not writable";
        if (why && !w)
                return -EACCES;
        if (why)
                return cgroup_limit_error(c, w, "the %s controller is not delegated to you: looked at %s%s: %s (ask your "
                                   "administrator to delegate a cgroup, see userbox(1) LIMITS)", name, dir, origin, why);
        if (place->version == 2 && name) {
                _cleanup_free_ char *file = path_join(dir, "cgroup.controllers");
                _cleanup_close_ int fd = file ? open(file, O_RDONLY | O_CLOEXEC) : -1;
                if (fd < 0 || read_full_fd(fd, 4096, &controllers, NULL) < 0 || !cgroup_word_in_list(name, controllers, " \n")) {
                        if (!w)
                                return -EACCES;
                        return cgroup_limit_error(c, w, "the %s controller is not delegated to you: looked at %s: it is not in "
                                           "its cgroup.controllers (ask your administrator to delegate it, see "
                                           "userbox(1) LIMITS)", name, dir);
                }
        }
        if (c->cgroup_path && !absolute)
                below = strdup(c->cgroup_path);
        if (c->cgroup_path && !below)
                return log_errno(-ENOMEM, "planning the cgroup");
        *ret_parent = TAKE_PTR(dir);
        *ret_below = TAKE_PTR(below);
        return 0;
}

/* full, a path below root_len's: its deepest proper ancestor that
 * exists (root at least), and the rest below it. Takes full. */
static int split_existing(char *full, size_t root_len, char **ret_parent, char **ret_below) {
        _cleanup_free_ char *owned = full, *parent = NULL;
        size_t cut = strlen(full);
        struct stat st;

        if (cut <= root_len + 1)
                return -EINVAL;
        for (;;) {
                while (cut > root_len && full[--cut] != '/')
                        ;
                free(parent);
                parent = strndup(full, cut);
                if (!parent)
                        return -ENOMEM;
                if (cut <= root_len || stat(parent, &st) == 0)
                        break;
        }
        *ret_below = strdup(full + cut + 1);
        if (!*ret_below)
                return -ENOMEM;
        *ret_parent = TAKE_PTR(parent);
        return 0;
}

/* "ORIGIN: reason", ORIGIN the key's line or --limit option, or the
 * config.json field. */
int cgroup_limit_error(const struct config *c, const struct cgroup_write *w, const char *format, ...) {
        static const struct { enum config_key key; const char *name, *field; } limits[] = {
                { KEY_MEMORY, "Memory", "linux.resources.memory.limit" },
                { KEY_MEMORY_SWAP, "MemorySwap", "linux.resources.memory.swap" },
                { KEY_CPUS, "CPUs", "linux.resources.cpu.quota" },
                { KEY_PIDS, "PIDs", "linux.resources.pids.limit" },
        };
        _cleanup_free_ char *reason = NULL;
        char where[CONFIG_ORIGIN_NAME_MAX], option[32];
        const char *name = "Memory", *setting = w->setting;
        va_list ap;

        va_start(ap, format);
        if (vasprintf(&reason, format, ap) < 0)
                reason = NULL;
        va_end(ap);
        for (size_t i = 0; i < ELEMENTSOF(limits); i++)
                if (limits[i].key == w->key) {
                        name = limits[i].name;
                        if (c->oci)
                                setting = limits[i].field;
                }
        if (!setting) {
                snprintf(option, sizeof(option), "--limit %s", name);
                setting = config_origin_name(&c->origins[w->key], "Limits", name, option, where, sizeof(where));
        }
        return log_error("%s: %s", setting, reason ?: "out of memory");
}

/* dir becomes its topmost proper ancestor below mount we may write, up
 * from its parent while each level is writable: true when there is one
 * (dir itself is not checked), false with dir unchanged. */
static bool walk_up_writable(char *dir, const char *mount) {
        bool moved = false;

        for (;;) {
                char *slash = strrchr(dir, '/');
                if (!slash || (size_t) (slash - dir) < strlen(mount))
                        return moved;
                *slash = '\0';
                if (!cgroup_writable(dir)) {
                        *slash = '/';
                        return moved;
                }
                moved = true;
        }
}

/* A hybrid host puts the limits on v1, and its v2 hierarchy has no
 * controller; where the user may write it, the container gets a cgroup
 * there too, which holds no limit but all its processes: cgroup.kill
 * ends them at once, and a process that double-forks stays in sight. */
static int plan_unified(const struct config *c, struct cgroup_sources *src, struct cgroup *cg) {
        struct cgroup_place place = {};
        _cleanup_free_ char *parent = NULL, *below = NULL;
        int r;

        for (size_t i = 0; i < cg->n_hierarchies; i++)
                if (cg->hierarchies[i].version == 2)
                        return 0;
        r = find_place(src, NULL, false, &place);
        if (r == -ENOENT)
                return 0;
        if (r >= 0)
                r = find_delegated(c, _CGROUP_CONTROLLER_MAX, NULL, &place, &parent, &below);
        free(place.own);
        if (r < 0) {
                free(place.mount);
                return r == -EACCES ? 0 : r;
        }
        cg->hierarchies[cg->n_hierarchies++] = (struct cgroup_hierarchy) {
                .version = 2, .parent = TAKE_PTR(parent), .below = TAKE_PTR(below), .mount = TAKE_PTR(place.mount),
                .fd = -1,
        };
        return 0;
}

/* Writable by us, and a process may be moved into it. */
bool cgroup_writable(const char *dir) {
        _cleanup_free_ char *procs = path_join(dir, "cgroup.procs");
        return procs && access(dir, W_OK) == 0 && access(procs, W_OK) == 0;
}

bool cgroup_word_in_list(const char *word, const char *list, const char *separators) {
        size_t n = strlen(word);

        for (const char *p = list; *p; p += strcspn(p, separators), p += strspn(p, separators))
                if (strncmp(p, word, n) == 0 && (p[n] == '\0' || strchr(separators, p[n])))
                        return true;
        return false;
}

void cgroup_print_plan(const struct cgroup *cg, const char *name, FILE *f) {
        for (size_t i = 0; cg && i < cg->n_hierarchies; i++) {
                const struct cgroup_hierarchy *h = &cg->hierarchies[i];
                if (h->below)
                        fprintf(f, "# cgroup: v%d %s/%s:", h->version, h->parent, h->below);
                else
                        fprintf(f, "# cgroup: v%d %s/userbox-%s%sPID:", h->version, h->parent, name ?: "",
                                name ? "-" : "");
                for (size_t j = 0; j < cg->n_writes; j++)
                        if (h->controllers & (1u << cg->writes[j].controller))
                                fprintf(f, " %s=%s", cg->writes[j].file, cg->writes[j].value);
                fputc('\n', f);
        }
}
