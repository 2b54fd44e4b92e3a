/* SPDX-License-Identifier: Apache-2.0 */
/* The host side of identity mapping: the user's grant from libsubid, the
 * helpers, and writing the maps into a new user namespace. The pure
 * planning is in idmap.c. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "idmap.h"
#include "log.h"
#include "user.h"
#include "util.h"

extern char **environ;

#define ID_LIMIT ((uint64_t) UINT32_MAX)
#define MIN(a, b) ((a) < (b) ? (a) : (b))

static const struct {
        const char *name;
        const char *file;
        const char *helper;
        const char *configured;
} kinds[2] = {
        { "uid", "/etc/subuid", "newuidmap", NEWUIDMAP_PATH },
        { "gid", "/etc/subgid", "newgidmap", NEWGIDMAP_PATH },
};

/* ---- the user's grant and the helpers ---- */

/* Starts path with its standard output (and with_stderr, its standard
 * error) on a pipe whose read end is *ret_fd. */
static int spawn_with_output(const char *path, char *const *argv, bool with_stderr, pid_t *ret_pid,
                             int *ret_fd) {
        _cleanup_close_ int out_read = -1, out_write = -1;
        posix_spawn_file_actions_t actions;
        posix_spawnattr_t attr;
        sigset_t none, all;
        pid_t pid;
        int fds[2], r;

        if (pipe2(fds, O_CLOEXEC) < 0)
                return -errno;
        out_read = fds[0];
        out_write = fds[1];

        r = posix_spawn_file_actions_init(&actions);
        if (r != 0)
                return -r;
        r = posix_spawn_file_actions_adddup2(&actions, out_write, STDOUT_FILENO);
        if (r == 0 && with_stderr)
                r = posix_spawn_file_actions_adddup2(&actions, out_write, STDERR_FILENO);
        if (r == 0)
                r = posix_spawnattr_init(&attr);
        if (r != 0) {
                posix_spawn_file_actions_destroy(&actions);
                return -r;
        }
        /* The launcher may block or ignore signals for its own wait loop;
         * the helper starts clean. */
        sigemptyset(&none);
        sigfillset(&all);
        (void) posix_spawnattr_setsigmask(&attr, &none);
        (void) posix_spawnattr_setsigdefault(&attr, &all);
        (void) posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
        /* glibc's posix_spawn is clone(CLONE_VM|CLONE_VFORK) + exec: no
         * copy of the launcher, and it returns the exec error itself. */
        r = posix_spawn(&pid, path, &actions, &attr, argv, environ);
        posix_spawnattr_destroy(&attr);
        posix_spawn_file_actions_destroy(&actions);
        if (r != 0)
                return -r;
        *ret_pid = pid;
        *ret_fd = TAKE_FD(out_read);
        return 0;
}


/* What userbox-subid answered (the protocol is in subid-helper.c). */
struct subid_answer {
        char *helper;                   /* the userbox-subid that was run (or looked for) */
        char *user;                     /* NULL: no name in the user database */
        int status;                     /* its wait status, when it gave no answer */
        int result[2];                  /* uid, gid: 0 or -errno */
        struct id_triple *ranges[2];
        size_t n[2];
};

static void subid_answer_done(struct subid_answer *a) {
        free(a->helper);
        free(a->user);
        free(a->ranges[0]);
        free(a->ranges[1]);
}

/* Empties *a but for the helper's path. */
static void subid_answer_reset(struct subid_answer *a) {
        char *helper = TAKE_PTR(a->helper);

        subid_answer_done(a);
        memset(a, 0, sizeof(*a));
        a->helper = helper;
        a->result[0] = a->result[1] = -ENOENT;
}

static void reap_helperp(pid_t *pid) {
        if (*pid > 0)
                while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
                        ;
        *pid = 0;
}

/* Next to our own executable first (the build tree, a relocated install),
 * then where configure put it. */
static int subid_helper_find(char **ret) {
        _cleanup_free_ char *self = realpath("/proc/self/exe", NULL);
        char *slash = self ? strrchr(self, '/') : NULL;

        if (slash) {
                *slash = '\0';
                *ret = path_join(self, "userbox-subid");
                if (!*ret)
                        return -ENOMEM;
                if (access(*ret, X_OK) == 0)
                        return 0;
                free(*ret);
        }
        *ret = strdup(USERBOX_SUBID_PATH);
        if (!*ret)
                return -ENOMEM;
        return access(*ret, X_OK) == 0 ? 0 : -errno;
}

/* "uid R START COUNT ...": ranges past the id space are clipped or
 * dropped, as the kernel has no ids there. Anything else on the line is
 * not an answer. */
static int subid_parse_ranges(const char *text, struct subid_answer *a, int k) {
        unsigned long long start, count;
        const char *p = text;
        int n, result;

        if (sscanf(p, "%d%n", &result, &n) != 1)
                return -EBADMSG;
        p += n;
        a->result[k] = result > 0 ? -result : result;
        while (sscanf(p, " %llu %llu%n", &start, &count, &n) == 2) {
                struct id_triple *t;

                p += n;
                if (start >= ID_LIMIT || count == 0)
                        continue;
                t = reallocarray(a->ranges[k], a->n[k] + 1, sizeof(*t));
                if (!t)
                        return -ENOMEM;
                a->ranges[k] = t;
                t[a->n[k]++] = (struct id_triple) { .outside = (uint32_t) start,
                                                    .count = (uint32_t) MIN(count, ID_LIMIT - start) };
        }
        return p[strspn(p, " ")] == '\0' ? 0 : -EBADMSG;
}

static int subid_parse(char *text, struct subid_answer *a) {
        bool end = false;
        char *save = NULL;
        int r;

        for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                const char *v;

                if (end)
                        return -EBADMSG;
                if ((v = startswith(line, "user ")) && !a->user) {
                        if (!(a->user = strdup(v)))
                                return -ENOMEM;
                } else if ((v = startswith(line, "uid ")) || (v = startswith(line, "gid "))) {
                        r = subid_parse_ranges(v, a, line[0] == 'g');
                        if (r < 0)
                                return r;
                } else if (streq(line, "end"))
                        end = true;
                else if (!streq(line, "nouser"))
                        return -EBADMSG;
        }
        return end ? 0 : -EBADMSG;
}

/* ---- the answer, remembered ----
 *
 * userbox-subid costs a fork, an exec and a dynamic load (1.4 ms on the
 * benchmark's machine, a quarter of a start) for an answer that changes
 * only when what it is made of changes. So a complete answer is kept in
 * the user's cache (~/.cache/userbox/subid-HOST), under a key of the uid,
 * the helper and every file libsubid reads for it: /etc/subuid,
 * /etc/subgid, and /etc/passwd and /etc/group, where it looks the owner up
 * to match numeric lines, and /etc/nsswitch.conf (device, inode, size,
 * modification and change times of each). It is kept only while those
 * files are all there is: not when nsswitch.conf gives subid a service
 * (sss, ...), nor when the user or the group of the user's name could come
 * from somewhere else than /etc/passwd and /etc/group. The file is trusted
 * no more than its owner, who must be us: it only chooses the ranges
 * newuidmap and newgidmap are asked for, and they check them against the
 * real grant. */

static const char *const subid_inputs[] = {
        "/etc/subuid", "/etc/subgid", "/etc/passwd", "/etc/group", "/etc/nsswitch.conf",
};

struct subid_cache {
        char *path;             /* NULL: nothing is cached */
        struct idmap_nss_sources nss;
        char key[1280];
};

static void subid_cache_done(struct subid_cache *c) {
        free(c->path);
}

static size_t stamp(char *buf, size_t size, const char *path) {
        struct stat st;
        int n;

        if (stat(path, &st) < 0)
                n = snprintf(buf, size, " %s:-", path);
        else
                n = snprintf(buf, size, " %s:%ju:%ju:%jd:%jd.%09ld:%jd.%09ld", path, (uintmax_t) st.st_dev,
                             (uintmax_t) st.st_ino, (intmax_t) st.st_size, (intmax_t) st.st_mtim.tv_sec,
                             st.st_mtim.tv_nsec, (intmax_t) st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
        return n < 0 || (size_t) n >= size ? size : (size_t) n;
}

/* The nearest of path and its two parents that exists is a directory of
 * ours (symlinks followed: ~/.cache is often a link to scratch space on
 * clusters): root running with a user's HOME (sudo -E) neither reads that
 * user's cache nor leaves a root-owned ~/.cache behind. */
static bool cache_dir_is_ours(const char *path) {
        _cleanup_free_ char *p = strdup(path);

        for (int up = 0; p && up < 3; up++) {
                struct stat st;
                char *slash;

                if (stat(p, &st) == 0)
                        return S_ISDIR(st.st_mode) && st.st_uid == geteuid();
                if (errno != ENOENT || !(slash = strrchr(p, '/')) || slash == p)
                        return false;
                *slash = '\0';
        }
        return false;
}

/* Leaves c->path NULL when nothing can be cached: no home of ours, a subid
 * service, or a key too long for its buffer. */
static int subid_cache_setup(struct subid_cache *c, const char *helper) {
        _cleanup_free_ char *dir = NULL, *nsswitch = NULL;
        _cleanup_close_ int fd = -1;
        struct utsname u;
        size_t len, size;
        int r;

        r = user_xdg_dir("XDG_CACHE_HOME", ".cache", &dir);
        if (r < 0 || !dir || !cache_dir_is_ours(dir))
                return r;
        /* Unreadable or missing (some distributions keep theirs in /usr/etc,
         * unstamped): nothing is cached. */
        fd = open("/etc/nsswitch.conf", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
                return 0;
        r = read_full_fd(fd, 64 * 1024, &nsswitch, &size);
        if (r < 0)
                return r == -ENOMEM ? r : 0;
        idmap_nss_sources(nsswitch, &c->nss);
        if (c->nss.subid_service || !c->nss.passwd_files_first || !c->nss.group_files_first)
                return 0;
        len = (size_t) snprintf(c->key, sizeof(c->key), "userbox subid cache 1 uid:%u", (unsigned) getuid());
        len += stamp(c->key + len, sizeof(c->key) - len, helper);
        for (size_t i = 0; i < ELEMENTSOF(subid_inputs) && len < sizeof(c->key); i++)
                len += stamp(c->key + len, sizeof(c->key) - len, subid_inputs[i]);
        if (len >= sizeof(c->key))
                return 0;
        /* One file per machine: a home shared by a cluster's nodes. */
        if (uname(&u) < 0 || strchr(u.nodename, '/') || asprintf(&c->path, "%s/subid-%s", dir, u.nodename) < 0)
                c->path = NULL;
        return 0;
}

static bool subid_cache_read(const struct subid_cache *c, struct subid_answer *a) {
        /* Not through a symlink, and never blocked by a FIFO. */
        _cleanup_close_ int fd = open(c->path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        _cleanup_free_ char *text = NULL;
        size_t size, len = strlen(c->key);
        struct stat st;

        if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
            read_full_fd(fd, 64 * 1024, &text, &size) < 0)
                return false;
        if (strncmp(text, c->key, len) != 0 || text[len] != '\n')
                return false;
        if (subid_parse(text + len + 1, a) == 0)
                return true;
        subid_answer_reset(a);
        return false;
}

/* Is this answer made only of what the key stamps? A complete one (a user,
 * both sides read), whose user is the one in /etc/passwd, and whose
 * owner's group, when other sources follow "files", is in /etc/group. */
static bool subid_answer_cacheable(const struct subid_cache *c, const struct subid_answer *a) {
        _cleanup_free_ char *name = NULL;
        gid_t gid;

        if (!a->user || a->result[0] < 0 || a->result[1] < 0)
                return false;
        if (user_host_lookup(getuid(), &name, NULL) < 0 || !streq(name, a->user))
                return false;
        return c->nss.group_files_only || user_host_group_lookup(a->user, &gid) == 0;
}

/* Best effort: a cache that cannot be written is only slower. */
static void subid_cache_write(const struct subid_cache *c, const char *answer) {
        _cleanup_free_ char *dir = strdup(c->path), *tmp = NULL;
        char *slash = dir ? strrchr(dir, '/') : NULL;
        _cleanup_close_ int fd = -1;
        int r = -ENOMEM;

        if (!slash || asprintf(&tmp, "%s.XXXXXX", c->path) < 0) {
                tmp = NULL;
                goto fail;
        }
        *slash = '\0';
        if (mkdir(dir, 0700) < 0 && errno == ENOENT) {
                /* ~/.cache itself may not exist yet: one level, no more. */
                slash = strrchr(dir, '/');
                *slash = '\0';
                (void) mkdir(dir, 0700);
                *slash = '/';
                (void) mkdir(dir, 0700);
        }
        fd = mkostemp(tmp, O_CLOEXEC);
        if (fd < 0) {
                r = -errno;
                free(TAKE_PTR(tmp));
                goto fail;
        }
        if (dprintf(fd, "%s\n%s", c->key, answer) < 0 || close(TAKE_FD(fd)) < 0 || rename(tmp, c->path) < 0) {
                r = -errno;
                goto fail;
        }
        log_step("subordinate ranges cached in '%s'", c->path);
        return;
fail:
        if (tmp)
                (void) unlink(tmp);
        log_step("subordinate ranges not cached in '%s': %s", c->path, strerror(-r));
}

/* Runs userbox-subid and reads its answer, or takes it from the cache; the
 * helper's standard error is ours (libsubid's complaints, or the
 * loader's). It closes its output before it exits: *ret_pid is left to
 * reap once its exit no longer delays a start (idmap_reap_helper). */
static int subid_ask(struct subid_answer *a, pid_t *ret_pid) {
        _cleanup_(subid_cache_done) struct subid_cache cache = { 0 };
        _cleanup_free_ char *text = NULL, *copy = NULL;
        _cleanup_close_ int fd = -1;
        char *argv[2];
        size_t size;
        int r;

        memset(a, 0, sizeof(*a));
        a->result[0] = a->result[1] = -ENOENT;
        r = subid_helper_find(&a->helper);
        if (r < 0)
                return r;
        r = subid_cache_setup(&cache, a->helper);
        if (r < 0)
                return r;
        if (cache.path && subid_cache_read(&cache, a)) {
                log_step("subordinate ranges read (cached in '%s')", cache.path);
                return 0;
        }
        argv[0] = a->helper;
        argv[1] = NULL;
        r = spawn_with_output(a->helper, argv, false, ret_pid, &fd);
        if (r < 0)
                return r;
        r = read_full_fd(fd, 64 * 1024, &text, &size);
        if (r >= 0 && cache.path && !(copy = strdup(text)))
                r = -ENOMEM;
        if (r >= 0)
                r = subid_parse(text, a);
        if (r == -EBADMSG) {
                /* No answer: how it ended says why. */
                while (waitpid(*ret_pid, &a->status, 0) < 0 && errno == EINTR)
                        ;
                *ret_pid = 0;
        }
        if (r < 0)
                return r;
        log_step("subordinate ranges read (userbox-subid)");
        if (copy && subid_answer_cacheable(&cache, a))
                subid_cache_write(&cache, copy);
        return 0;
}

/* The configured path first, then PATH: a distribution may keep the
 * helpers elsewhere than where configure saw them. */
static int helper_find(const char *configured, const char *name, char **ret) {
        const char *path = getenv("PATH");

        if (configured && access(configured, X_OK) == 0) {
                *ret = strdup(configured);
                return *ret ? 0 : -ENOMEM;
        }
        if (!path || !*path)
                path = "/usr/bin:/bin:/usr/sbin:/sbin";
        while (*path) {
                size_t len = strcspn(path, ":");
                if (len > 0 && path[0] == '/') {
                        _cleanup_free_ char *dir = strndup(path, len);
                        char *candidate;
                        if (!dir)
                                return -ENOMEM;
                        candidate = path_join(dir, name);
                        if (!candidate)
                                return -ENOMEM;
                        if (access(candidate, X_OK) == 0) {
                                *ret = candidate;
                                return 0;
                        }
                        free(candidate);
                }
                path += len;
                if (*path == ':')
                        path++;
        }
        return -ENOENT;
}

static bool explicit_is_own_id_only(const struct id_triple *lines, size_t n, uint32_t own) {
        for (size_t i = 0; i < n; i++)
                if (lines[i].outside != own || lines[i].count != 1)
                        return false;
        return true;
}

int idmap_plan(const struct config *c, struct idmap_plan *ret) {
        enum idmap_mode mode = c->idmap_mode == IDMAP_UNSET ? IDMAP_AUTO : c->idmap_mode;
        const struct id_triple *explicit[2] = { c->uid_map, c->gid_map };
        const size_t n_explicit[2] = { c->n_uid_map, c->n_gid_map };
        const uint32_t own[2] = { (uint32_t) getuid(), (uint32_t) getgid() };
        _cleanup_(subid_answer_done) struct subid_answer grant = { .result = { -ENOENT, -ENOENT } };
        _cleanup_(reap_helperp) pid_t asked = 0;
        _cleanup_free_ char *helper0 = NULL, *helper1 = NULL;
        _cleanup_free_ char *why0 = NULL, *why1 = NULL, *reason = NULL;
        char **helper[2] = { &helper0, &helper1 };
        char **why[2] = { &why0, &why1 };     /* why this side cannot use its ranges */
        _cleanup_free_ char *missing0 = NULL, *missing1 = NULL;
        char **missing[2] = { &missing0, &missing1 };   /* why a helper cannot run */
        bool need_ranges, need_helpers = false;
        const char *fallback = NULL, *user = NULL;
        int r;

        memset(ret, 0, sizeof(*ret));
        /* Single mode needs neither libsubid nor the helpers: the fast path
         * stays free of the passwd and subid lookups. */
        need_ranges = mode != IDMAP_SINGLE ||
                      !explicit_is_own_id_only(c->uid_map, c->n_uid_map, own[0]) ||
                      !explicit_is_own_id_only(c->gid_map, c->n_gid_map, own[1]);
        if (need_ranges) {
                int asking = subid_ask(&grant, &asked);

                if (asking == -ENOMEM)
                        return log_errno(asking, "cannot plan the id map");
                user = grant.user;
                for (int k = 0; k < 2; k++) {
                        r = grant.result[k];
                        if (asking == -EBADMSG)
                                r = asprintf(why[k], "the helper that reads the ranges with libsubid, '%s', "
                                             "gave no answer (%s %d)", grant.helper,
                                             WIFSIGNALED(grant.status) ? "killed by signal" : "exit status",
                                             WIFSIGNALED(grant.status) ? WTERMSIG(grant.status)
                                                                       : WEXITSTATUS(grant.status));
                        else if (asking < 0)
                                r = asprintf(why[k], "the helper that reads the ranges with libsubid, '%s', "
                                             "cannot run: %s", grant.helper ? grant.helper : "userbox-subid",
                                             strerror(-asking));
                        else if (!user)
                                r = asprintf(why[k], "uid %" PRIu32 " has no name in the user database, "
                                             "so no subordinate %s range", own[0], kinds[k].name);
                        else if (r < 0)
                                r = asprintf(why[k], "libsubid cannot read the subordinate %s ranges of user '%s'",
                                             kinds[k].name, user);
                        else if (grant.n[k] == 0)
                                r = asprintf(why[k], "user '%s' has no subordinate %s range in %s",
                                             user, kinds[k].name, kinds[k].file);
                        else
                                continue;
                        if (r < 0)
                                return log_errno(-ENOMEM, "cannot plan the id map");
                }
                need_helpers = true;
        }
        if (need_helpers)
                for (int k = 0; k < 2; k++) {
                        r = helper_find(kinds[k].configured, kinds[k].helper, helper[k]);
                        if (r == -ENOMEM)
                                return log_errno(r, "cannot plan the id map");
                        if (r < 0 && asprintf(missing[k], "%s is neither at '%s' nor in PATH "
                                              "(install the Debian package 'uidmap')",
                                              kinds[k].helper, kinds[k].configured) < 0)
                                return log_errno(-ENOMEM, "cannot plan the id map");
                }

        if (mode == IDMAP_AUTO) {
                for (int k = 0; k < 2 && !fallback; k++)
                        fallback = *why[k];
                for (int k = 0; k < 2 && !fallback; k++)
                        fallback = *missing[k];
                mode = fallback ? IDMAP_SINGLE : IDMAP_SUBID;
                if (fallback)
                        log_warning("idmap auto: %s; mapping only uid %" PRIu32 " and gid %" PRIu32
                                    " (to 0) as with --idmap single", fallback, own[0], own[1]);
        } else if (mode != IDMAP_SINGLE) {
                for (int k = 0; k < 2; k++) {
                        if (!*why[k] || n_explicit[k] > 0)
                                continue;
                        if (user && grant.result[k] == 0 && grant.n[k] == 0)
                                return log_error("--idmap %s: %s (an administrator grants one with: usermod --add-sub%ss FIRST-LAST %s)",
                                                 idmap_mode_to_string(mode), *why[k], kinds[k].name, user);
                        return log_error("--idmap %s: %s", idmap_mode_to_string(mode), *why[k]);
                }
        }

        r = idmap_plan_from_ranges(mode, (uid_t) own[0], (gid_t) own[1],
                                   grant.ranges[0], grant.n[0], grant.ranges[1], grant.n[1],
                                   explicit[0], n_explicit[0], explicit[1], n_explicit[1], ret, &reason);
        if (r < 0)
                return reason ? log_error("%s", reason) : log_errno(r, "cannot plan the id map");

        if (ret->use_helpers)
                for (int k = 0; k < 2; k++)
                        if (!*helper[k]) {
                                idmap_plan_done(ret);
                                if (n_explicit[0] + n_explicit[1] > 0)
                                        return log_error("the explicit id map needs %s: %s",
                                                         kinds[k].helper, *missing[k]);
                                return log_error("--idmap %s needs %s: %s", idmap_mode_to_string(mode),
                                                 kinds[k].helper, *missing[k]);
                        }
        if (ret->use_helpers) {
                ret->uid_helper = TAKE_PTR(helper0);
                ret->gid_helper = TAKE_PTR(helper1);
        }
        ret->from_auto = c->idmap_mode == IDMAP_AUTO || c->idmap_mode == IDMAP_UNSET;
        /* Reaped by idmap_plan_done(): its exit need not delay the start. */
        ret->subid_helper = asked;
        asked = 0;
        if (fallback) {
                ret->fallback_reason = strdup(fallback);
                if (!ret->fallback_reason) {
                        idmap_plan_done(ret);
                        return log_errno(-ENOMEM, "cannot plan the id map");
                }
        }
        return 0;
}

void idmap_reap_helper(struct idmap_plan *p) {
        reap_helperp(&p->subid_helper);
}

void idmap_plan_done(struct idmap_plan *p) {
        if (!p)
                return;
        reap_helperp(&p->subid_helper);
        free(p->uid_helper);
        free(p->gid_helper);
        free(p->fallback_reason);
        p->uid_helper = p->gid_helper = p->fallback_reason = NULL;
}

/* ---- writing the maps ---- */

static size_t map_format(const struct id_triple *lines, size_t n, char *buf, size_t size) {
        size_t len = 0;

        buf[0] = '\0';
        for (size_t i = 0; i < n && len < size; i++)
                len += (size_t) snprintf(buf + len, size - len, "%" PRIu32 " %" PRIu32 " %" PRIu32 "\n",
                                         lines[i].inside, lines[i].outside, lines[i].count);
        return len;
}

static int write_maps_directly(const struct idmap_plan *p, pid_t target) {
        char path[64], map[IDMAP_MAX_BYTES + 1];
        _cleanup_close_ int dir = -1;
        int r;

        snprintf(path, sizeof(path), "/proc/%d", (int) target);
        dir = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (dir < 0)
                return log_errno(-errno, "cannot open '%s'", path);
        /* An unprivileged writer gets a gid_map only once setgroups is
         * denied (3.19+): otherwise the container could drop a group that
         * the host uses to deny access (CVE-2014-8989). */
        r = write_file_at(dir, "setgroups", "deny");
        if (r < 0)
                return log_errno(r, "cannot write 'deny' to '%s/setgroups'", path);
        if (map_format(p->uid, p->n_uid, map, sizeof(map)) >= sizeof(map))
                return log_errno(-E2BIG, "cannot write '%s/uid_map'", path);
        r = write_file_at(dir, "uid_map", map);
        if (r < 0)
                return log_errno(r, "cannot write '%s/uid_map'", path);
        if (map_format(p->gid, p->n_gid, map, sizeof(map)) >= sizeof(map))
                return log_errno(-E2BIG, "cannot write '%s/gid_map'", path);
        r = write_file_at(dir, "gid_map", map);
        if (r < 0)
                return log_errno(r, "cannot write '%s/gid_map'", path);
        return 0;
}

/* argv: HELPER PID INSIDE OUTSIDE COUNT ... The helper's own words are
 * the best error message there is: its stdout and stderr go to the pipe
 * that idmap_finish reads. */
static int helper_spawn(const char *path, pid_t target, const struct id_triple *lines, size_t n,
                        pid_t *ret_pid, int *ret_fd) {
        _cleanup_free_ char *text = malloc((3 * n + 1) * 12);
        _cleanup_free_ char **argv = calloc(3 * n + 3, sizeof(char *));
        size_t k = 0;
        char *p;

        if (!text || !argv)
                return -ENOMEM;
        p = text;
        argv[k++] = (char *) path;
        argv[k++] = p;
        p += sprintf(p, "%d", (int) target) + 1;
        for (size_t i = 0; i < n; i++) {
                const uint32_t v[3] = { lines[i].inside, lines[i].outside, lines[i].count };
                for (int j = 0; j < 3; j++) {
                        argv[k++] = p;
                        p += sprintf(p, "%" PRIu32, v[j]) + 1;
                }
        }
        argv[k] = NULL;
        return spawn_with_output(path, argv, true, ret_pid, ret_fd);
}

/* Reads what the helper said (the first bytes; the rest is drained so it
 * never blocks on a full pipe), waits for it, and reports its failure. */
static int helper_collect(const char *name, pid_t pid, int fd, bool report) {
        char text[2048];
        size_t len = 0;
        int status, r = 0;

        for (;;) {
                char drain[512];
                char *buf = len < sizeof(text) - 1 ? text + len : drain;
                size_t size = len < sizeof(text) - 1 ? sizeof(text) - 1 - len : sizeof(drain);
                ssize_t n = read(fd, buf, size);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                if (buf == text + len)
                        len += (size_t) n;
        }
        text[len] = '\0';
        while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == ' '))
                text[--len] = '\0';

        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return report ? log_errno(-errno, "cannot wait for %s", name) : -errno;
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                return 0;
        r = -EPERM;
        if (!report)
                return r;
        if (len > 0)
                log_error("%s failed: %s", name, text);
        else if (WIFEXITED(status))
                log_error("%s failed with exit status %d", name, WEXITSTATUS(status));
        else
                log_error("%s was killed by signal %d (%s)", name, WTERMSIG(status), strsignal(WTERMSIG(status)));
        return r;
}

static int job_collect(struct idmap_job *job, bool report) {
        int ret = 0;

        for (int k = 0; k < 2; k++) {
                int r = 0;
                if (job->helper[k] > 0)
                        r = helper_collect(kinds[k].helper, job->helper[k], job->output[k], report);
                if (job->output[k] >= 0)
                        close(job->output[k]);
                job->helper[k] = 0;
                job->output[k] = -1;
                if (r < 0 && ret == 0)
                        ret = r;
        }
        job->running = false;
        return ret;
}

int idmap_start(const struct idmap_plan *p, pid_t target, struct idmap_job *job) {
        const char *const paths[2] = { p->uid_helper, p->gid_helper };
        const struct id_triple *const lines[2] = { p->uid, p->gid };
        const size_t n[2] = { p->n_uid, p->n_gid };

        *job = (struct idmap_job) { .target = target, .output = { -1, -1 } };
        if (!p->use_helpers)
                return write_maps_directly(p, target);

        job->running = true;
        /* Both helpers run at once: each costs a setuid exec and a read of
         * /etc/sub[ug]id, and neither needs the other's result. */
        for (int k = 0; k < 2; k++) {
                int r = paths[k] ? helper_spawn(paths[k], target, lines[k], n[k], &job->helper[k], &job->output[k])
                                 : -ENOENT;
                if (r < 0) {
                        (void) job_collect(job, false);
                        return log_errno(r, "cannot start %s '%s'", kinds[k].helper, paths[k] ? paths[k] : "");
                }
        }
        return 0;
}

int idmap_finish(struct idmap_job *job) {
        if (!job->running)
                return 0;
        return job_collect(job, true);
}

