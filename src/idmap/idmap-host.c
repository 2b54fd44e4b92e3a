/* SPDX-License-Identifier: Apache-2.0 */
/* The host side of identity mapping: the plan from the user's grant
 * (idmap-grant.c), the newuidmap/newgidmap helpers, and writing the maps
 * into a new user namespace. The pure planning is in idmap.c. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <sys/wait.h>

#include "idmap-internal.h"
#include "util.h"


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

int idmap_plan(const struct config *c, struct idmap_plan *ret) {
        enum idmap_mode mode = c->idmap_mode == IDMAP_UNSET ? IDMAP_AUTO : c->idmap_mode;
        const struct id_triple *explicit[2] = { c->uid_map, c->gid_map };
        const size_t n_explicit[2] = { c->n_uid_map, c->n_gid_map };
        const uint32_t own[2] = { (uint32_t) getuid(), (uint32_t) getgid() };
        _cleanup_(subid_answer_done) struct subid_answer grant = { .result = { -ENOENT, -ENOENT } };
        _cleanup_(reap_pidp) pid_t asked = 0;
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
                      !idmap_lines_own_id_only(c->uid_map, c->n_uid_map, own[0]) ||
                      !idmap_lines_own_id_only(c->gid_map, c->n_gid_map, own[1]);
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
                                             "so no subordinate %s range", own[0], idmap_kinds[k].name);
                        else if (r < 0)
                                r = asprintf(why[k], "libsubid cannot read the subordinate %s ranges of user '%s'",
                                             idmap_kinds[k].name, user);
                        else if (grant.n[k] == 0)
                                r = asprintf(why[k], "user '%s' has no subordinate %s range in %s",
                                             user, idmap_kinds[k].name, idmap_kinds[k].file);
                        else
                                continue;
                        if (r < 0)
                                return log_errno(-ENOMEM, "cannot plan the id map");
                }
                need_helpers = true;
        }
        if (need_helpers)
                for (int k = 0; k < 2; k++) {
                        r = helper_find(idmap_kinds[k].configured, idmap_kinds[k].helper, helper[k]);
                        if (r == -ENOMEM)
                                return log_errno(r, "cannot plan the id map");
                        if (r < 0 && asprintf(missing[k], "%s is neither at '%s' nor in PATH "
                                              "(install the Debian package 'uidmap')",
                                              idmap_kinds[k].helper, idmap_kinds[k].configured) < 0)
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
                                                 idmap_mode_to_string(mode), *why[k], idmap_kinds[k].name, user);
                        return log_error("--idmap %s: %s", idmap_mode_to_string(mode), *why[k]);
                }
        }

        r = idmap_plan_from_ranges(mode, (uid_t) own[0], (gid_t) own[1],
                                   grant.ranges[0], grant.n[0], grant.ranges[1], grant.n[1],
                                   explicit[0], n_explicit[0], explicit[1], n_explicit[1], ret, &reason);
        if (r < 0)
                return reason ? log_error("%s", reason) : log_errno(r, "cannot plan the id map");
        /* The container is set up as the launcher's own ids (the child
         * creates /dev's nodes, the mount points, ...): left unmapped, it
         * would be the overflow id, and every file it creates EOVERFLOW. */
        for (int k = 0; k < 2; k++) {
                const uint32_t inside = k == 0 ? (uint32_t) ret->inside_uid : (uint32_t) ret->inside_gid;
                char where[CONFIG_ORIGIN_NAME_MAX];

                if (inside != UINT32_MAX)
                        continue;
                idmap_plan_done(ret);
                config_origin_name(&c->origins[idmap_kinds[k].key], "IDMap", idmap_kinds[k].key_name, idmap_kinds[k].option,
                                   where, sizeof(where));
                return log_error("%s: the %s map must include your own %s %" PRIu32 " (a line INSIDE:%" PRIu32 ":1)",
                                 where, idmap_kinds[k].name, idmap_kinds[k].name, own[k], own[k]);
        }

        if (ret->use_helpers)
                for (int k = 0; k < 2; k++)
                        if (!*helper[k]) {
                                idmap_plan_done(ret);
                                if (n_explicit[0] + n_explicit[1] > 0)
                                        return log_error("the explicit id map needs %s: %s",
                                                         idmap_kinds[k].helper, *missing[k]);
                                return log_error("--idmap %s needs %s: %s", idmap_mode_to_string(mode),
                                                 idmap_kinds[k].helper, *missing[k]);
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
        reap_pidp(&p->subid_helper);
}

void idmap_plan_done(struct idmap_plan *p) {
        if (!p)
                return;
        reap_pidp(&p->subid_helper);
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
                        r = helper_collect(idmap_kinds[k].helper, job->helper[k], job->output[k], report);
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
                        return log_errno(r, "cannot start %s '%s'", idmap_kinds[k].helper, paths[k] ? paths[k] : "");
                }
        }
        return 0;
}

int idmap_finish(struct idmap_job *job) {
        if (!job->running)
                return 0;
        return job_collect(job, true);
}

