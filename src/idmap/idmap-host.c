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
        if (configured && access(configured, X_OK) == 0) {
                *ret = strdup(configured);
                return *ret ? 0 : -ENOMEM;
        }
        return path_find_program(name, ret);
}

/* What the host offers each side ([0] uid, [1] gid), gathered before the
 * mode is resolved. */
struct host_offer {
        struct subid_answer grant;
        pid_t asked;                    /* userbox-subid, to reap */
        char *helper[2];                /* paths of newuidmap and newgidmap */
        char *why[2];                   /* why a side cannot use its ranges */
        char *missing[2];               /* why a helper cannot run */
};

static void host_offer_done(struct host_offer *h) {
        for (int k = 0; k < 2; k++) {
                free(h->helper[k]);
                free(h->why[k]);
                free(h->missing[k]);
        }
        reap_pidp(&h->asked);
        subid_answer_done(&h->grant);
}

/* Why side k's ranges cannot be used (asking: what subid_ask returned),
 * into *ret; NULL when they can. 0 or -ENOMEM. */
static int grant_why(const struct subid_answer *g, int asking, int k, uint32_t uid, char **ret) {
        const char *name = idmap_kinds[k].name;
        int r;

        if (asking == -EBADMSG)
                r = asprintf(ret, "the helper that reads the ranges with libsubid, '%s', gave no answer (%s %d)",
                             g->helper, WIFSIGNALED(g->status) ? "killed by signal" : "exit status",
                             WIFSIGNALED(g->status) ? WTERMSIG(g->status) : WEXITSTATUS(g->status));
        else if (asking < 0)
                r = asprintf(ret, "the helper that reads the ranges with libsubid, '%s', cannot run: %s",
                             g->helper ? g->helper : "userbox-subid", strerror(-asking));
        else if (!g->user)
                r = asprintf(ret, "uid %" PRIu32 " has no name in the user database, so no subordinate %s range",
                             uid, name);
        else if (g->result[k] < 0)
                r = asprintf(ret, "libsubid cannot read the subordinate %s ranges of user '%s'", name, g->user);
        else if (g->n[k] == 0)
                r = asprintf(ret, "user '%s' has no subordinate %s range in %s", g->user, name, idmap_kinds[k].file);
        else
                return 0;
        return r < 0 ? -ENOMEM : 0;
}

/* The user's grant (userbox-subid) and the helpers, with what keeps each
 * side from using them. Only -ENOMEM fails: the rest is said in why and
 * missing, for the mode to decide on. */
static int host_offer_gather(struct host_offer *h, uint32_t uid) {
        int asking = subid_ask(&h->grant, &h->asked), r;

        if (asking == -ENOMEM)
                return asking;
        for (int k = 0; k < 2; k++) {
                r = grant_why(&h->grant, asking, k, uid, &h->why[k]);
                if (r < 0)
                        return r;
        }
        for (int k = 0; k < 2; k++) {
                r = helper_find(idmap_kinds[k].configured, idmap_kinds[k].helper, &h->helper[k]);
                if (r == -ENOMEM)
                        return r;
                if (r < 0 && asprintf(&h->missing[k], "%s is neither at '%s' nor in PATH "
                                      "(install the Debian package 'uidmap')",
                                      idmap_kinds[k].helper, idmap_kinds[k].configured) < 0)
                        return -ENOMEM;
        }
        return 0;
}

/* auto becomes subid when both sides have their ranges and helpers, else
 * single, with a warning saying why (*fallback). subid and keep-id fail
 * on a side without ranges, unless explicit lines replace its map. */
static int mode_resolve(const struct config *c, const struct host_offer *h, const uint32_t own[2],
                        enum idmap_mode *mode, const char **fallback, char **reason) {
        const size_t n_explicit[2] = { c->n_uid_map, c->n_gid_map };

        if (*mode == IDMAP_AUTO) {
                for (int k = 0; k < 2 && !*fallback; k++)
                        *fallback = h->why[k];
                for (int k = 0; k < 2 && !*fallback; k++)
                        *fallback = h->missing[k];
                *mode = *fallback ? IDMAP_SINGLE : IDMAP_SUBID;
                if (*fallback)
                        log_warning("idmap auto: %s; mapping only uid %" PRIu32 " and gid %" PRIu32
                                    " (to 0) as with --idmap single", *fallback, own[0], own[1]);
                return 0;
        }
        if (*mode == IDMAP_SINGLE)
                return 0;
        for (int k = 0; k < 2; k++) {
                if (!h->why[k] || n_explicit[k] > 0)
                        continue;
                if (h->grant.user && h->grant.result[k] == 0 && h->grant.n[k] == 0)
                        return idmap_fail(reason, -EINVAL, "--idmap %s: %s (an administrator grants one with: "
                                          "usermod --add-sub%ss FIRST-LAST %s)", idmap_mode_to_string(*mode),
                                          h->why[k], idmap_kinds[k].name, h->grant.user);
                return idmap_fail(reason, -EINVAL, "--idmap %s: %s", idmap_mode_to_string(*mode), h->why[k]);
        }
        return 0;
}

/* The container is set up as the launcher's own ids (the child creates
 * /dev's nodes, the mount points, ...): left unmapped, it would be the
 * overflow id, and every file it creates EOVERFLOW. */
static int plan_check_own_ids(const struct config *c, const struct idmap_plan *p, const uint32_t own[2],
                              char **reason) {
        const uint32_t inside[2] = { (uint32_t) p->inside_uid, (uint32_t) p->inside_gid };

        for (int k = 0; k < 2; k++) {
                const struct idmap_kind *kind = &idmap_kinds[k];
                char where[CONFIG_ORIGIN_NAME_MAX];

                if (inside[k] != UINT32_MAX)
                        continue;
                config_origin_name(&c->origins[kind->key], "IDMap", kind->key_name, kind->option,
                                   where, sizeof(where));
                return idmap_fail(reason, -EINVAL, "%s: the %s map must include your own %s %" PRIu32
                                  " (a line INSIDE:%" PRIu32 ":1)", where, kind->name, kind->name, own[k], own[k]);
        }
        return 0;
}

static int plan_check_helpers(const struct config *c, const struct idmap_plan *p, const struct host_offer *h,
                              char **reason) {
        for (int k = 0; p->use_helpers && k < 2; k++) {
                if (h->helper[k])
                        continue;
                if (c->n_uid_map + c->n_gid_map > 0)
                        return idmap_fail(reason, -EINVAL, "the explicit id map needs %s: %s",
                                          idmap_kinds[k].helper, h->missing[k]);
                return idmap_fail(reason, -EINVAL, "--idmap %s needs %s: %s", idmap_mode_to_string(p->mode),
                                  idmap_kinds[k].helper, h->missing[k]);
        }
        return 0;
}

/* idmap_plan() without its messages: a failure it can explain comes with
 * *reason, any other is out of memory or from the planner. */
static int plan_on_host(const struct config *c, struct idmap_plan *ret, char **reason) {
        enum idmap_mode mode = c->idmap_mode == IDMAP_UNSET ? IDMAP_AUTO : c->idmap_mode;
        const uint32_t own[2] = { (uint32_t) getuid(), (uint32_t) getgid() };
        _cleanup_(host_offer_done) struct host_offer h = { .grant.result = { -ENOENT, -ENOENT } };
        const char *fallback = NULL;
        int r;

        memset(ret, 0, sizeof(*ret));
        /* Single mode needs neither libsubid nor the helpers: the fast path
         * stays free of the passwd and subid lookups. */
        if (mode != IDMAP_SINGLE ||
            !idmap_lines_own_id_only(c->uid_map, c->n_uid_map, own[0]) ||
            !idmap_lines_own_id_only(c->gid_map, c->n_gid_map, own[1])) {
                r = host_offer_gather(&h, own[0]);
                if (r < 0)
                        return r;
        }
        r = mode_resolve(c, &h, own, &mode, &fallback, reason);
        if (r < 0)
                return r;
        r = idmap_plan_from_ranges(mode, (uid_t) own[0], (gid_t) own[1],
                                   h.grant.ranges[0], h.grant.n[0], h.grant.ranges[1], h.grant.n[1],
                                   c->uid_map, c->n_uid_map, c->gid_map, c->n_gid_map, ret, reason);
        if (r >= 0)
                r = plan_check_own_ids(c, ret, own, reason);
        if (r >= 0)
                r = plan_check_helpers(c, ret, &h, reason);
        if (r < 0)
                return r;

        if (ret->use_helpers) {
                ret->uid_helper = TAKE_PTR(h.helper[0]);
                ret->gid_helper = TAKE_PTR(h.helper[1]);
        }
        ret->from_auto = c->idmap_mode == IDMAP_AUTO || c->idmap_mode == IDMAP_UNSET;
        /* Reaped by idmap_plan_done(): its exit need not delay the start. */
        ret->subid_helper = h.asked;
        h.asked = 0;
        if (fallback) {
                ret->fallback_reason = strdup(fallback);
                if (!ret->fallback_reason)
                        return -ENOMEM;
        }
        return 0;
}

int idmap_plan(const struct config *c, struct idmap_plan *ret) {
        _cleanup_free_ char *reason = NULL;
        int r = plan_on_host(c, ret, &reason);

        if (r >= 0)
                return r;
        idmap_plan_done(ret);
        return reason ? log_error("%s", reason) : log_errno(r, "cannot plan the id map");
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

