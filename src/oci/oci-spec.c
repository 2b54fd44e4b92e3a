/* SPDX-License-Identifier: Apache-2.0 */
/* config.json: the document, root, process, hostname, annotations; the
 * namespaces and id maps (oci-namespaces.c) and hooks (oci-hooks.c) are
 * read from here too, mounts and the rest of linux by oci-linux.c, the
 * seccomp filter by oci-seccomp.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "oci-life.h"
#include "oci-spec-internal.h"
#include "util.h"

/* config.json is small; a bigger one is a mistake or an attack. */
#define OCI_SPEC_MAX (4 * 1024 * 1024)

static int parse_root(json_object *doc, const char *bundle, struct config *c, char **reason);

static int process_absent(struct config *c, struct oci_process *p);
static int parse_hostname(json_object *doc, struct config *c, char **reason);

int oci_spec_parse(const char *text, size_t size, const char *bundle, struct config *c,
                   struct oci_spec *s, char **reason) {
        json_tokener *tok = json_tokener_new();
        json_object *doc, *seccomp = NULL, *linux_obj = NULL;
        int r;

        *reason = NULL;
        if (!tok)
                return -ENOMEM;
        doc = json_tokener_parse_ex(tok, text, (int) size);
        if (!doc || json_tokener_get_error(tok) != json_tokener_success) {
                r = oci_refuse(reason, "not JSON: %s", json_tokener_error_desc(json_tokener_get_error(tok)));
                json_tokener_free(tok);
                json_object_put(doc);
                return r;
        }
        json_tokener_free(tok);
        s->document = doc;
        if (!json_object_is_type(doc, json_type_object))
                return oci_refuse(reason, "not a JSON object");
        s->bundle = strdup(bundle);
        s->process = calloc(1, sizeof(*s->process));
        s->hooks = calloc(1, sizeof(*s->hooks));
        if (!s->bundle || !s->process || !s->hooks)
                return -ENOMEM;
        s->process->umask = -1;
        c->oci = s;

        r = oci_get_string(doc, "ociVersion", true, &s->oci_version, "", reason);
        if (r >= 0 && strncmp(s->oci_version, "1.", 2) != 0)
                r = oci_refuse(reason, "ociVersion: '%s' is not a version 1 of the runtime spec", s->oci_version);
        if (r >= 0)
                r = parse_root(doc, bundle, c, reason);
        if (r >= 0 && json_object_object_get_ex(doc, "process", NULL))
                r = oci_process_parse(doc, c, s->process, reason);
        else if (r >= 0)
                r = process_absent(c, s->process);
        if (r >= 0)
                r = parse_hostname(doc, c, reason);
        if (r >= 0)
                r = oci_get_object(doc, "annotations", false, NULL, "", reason);
        if (r >= 0)
                r = oci_hooks_parse(doc, s->hooks, reason);
        if (r >= 0)
                r = oci_get_object(doc, "linux", false, &linux_obj, "", reason);
        if (r >= 0)
                r = oci_namespaces_parse(linux_obj, c, s->process, reason);
        if (r >= 0)
                r = oci_linux_parse(doc, c, s, reason);
        /* No linux.seccomp is no filter at all, as the spec means it. */
        if (r >= 0)
                r = oci_get_object(linux_obj, "seccomp", false, &seccomp, "linux.", reason);
        if (r >= 0 && seccomp) {
                r = oci_seccomp_parse(seccomp, &c->seccomp_program, reason);
                if (r >= 0)
                        c->seccomp = SECCOMP_DEFAULT;
        } else if (r >= 0)
                c->seccomp = SECCOMP_UNCONFINED;
        /* The process is the container's pid 1, as with runc and crun: the
         * state's pid is its host pid, and conmon reaps it. */
        c->init = 0;
        return r;
}

int oci_spec_load(const char *bundle, struct config *c, struct oci_spec *s) {
        _cleanup_free_ char *path = path_join(bundle, "config.json"), *text = NULL, *reason = NULL;
        _cleanup_close_ int fd = -1;
        size_t size;
        int r;

        if (!path)
                return log_errno(-ENOMEM, "config.json");
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return log_errno(-errno, "cannot open '%s'", path);
        r = read_full_fd(fd, OCI_SPEC_MAX, &text, &size);
        if (r < 0)
                return log_errno(r, "cannot read '%s'", path);
        r = oci_spec_parse(text, size, bundle, c, s, &reason);
        if (r < 0)
                return reason ? log_error("%s: %s", path, reason) : log_errno(r, "%s", path);
        return 0;
}

void oci_spec_done(struct oci_spec *s) {
        if (!s)
                return;
        oci_linux_free(s->linux_spec);
        oci_process_free(s->process);
        oci_hooks_free(s->hooks);
        if (s->document)
                json_object_put(s->document);
        free(s->bundle);
        free(s->oci_version);
        *s = (struct oci_spec) { 0 };
}

void oci_process_free(struct oci_process *p) {
        if (!p)
                return;
        for (size_t i = 0; i < p->namespaces.n_join; i++)
                free(p->namespaces.join_path[i]);
        free(p->additional_gids);
        free(p);
}

/* root.path, relative to the bundle; root.readonly. The root is used as
 * it is: the runtime spec has the caller prepare it. */
static int parse_root(json_object *doc, const char *bundle, struct config *c, char **reason) {
        _cleanup_free_ char *path = NULL;
        json_object *root;
        int ro = 0, r;

        r = oci_get_object(doc, "root", true, &root, "", reason);
        if (r >= 0)
                r = oci_get_string(root, "path", true, &path, "root.", reason);
        if (r >= 0)
                r = oci_get_bool(root, "readonly", &ro, "root.", reason);
        if (r < 0)
                return r;
        free(c->root);
        c->root = path_is_absolute(path) ? strdup(path) : path_join(bundle, path);
        if (!c->root)
                return -ENOMEM;
        path_simplify(c->root);
        c->read_only = ro;
        c->overlay = OVERLAY_NONE;
        return 0;
}

/* process.user: numeric ids only, as the spec says for Linux. */
static int parse_user(json_object *process, struct config *c, struct oci_process *p, char **reason) {
        json_object *user, *gids = NULL;
        int64_t uid = 0, gid = 0;
        int64_t umask_value = -1;
        int r;

        r = oci_get_object(process, "user", false, &user, "process.", reason);
        if (r < 0 || !user)
                return r;
        r = oci_get_id(user, "uid", &uid, "process.user.", reason);
        if (r >= 0)
                r = oci_get_id(user, "gid", &gid, "process.user.", reason);
        if (r >= 0)
                r = oci_get_id(user, "umask", &umask_value, "process.user.", reason);
        if (r >= 0 && json_object_object_get_ex(user, "username", NULL))
                r = oci_refuse(reason, "process.user.username: a user by name is for Windows; give uid and gid");
        if (r >= 0)
                r = oci_get_array(user, "additionalGids", false, &gids, "process.user.", reason);
        if (r < 0)
                return r;
        if (umask_value > 0777)
                return oci_refuse(reason, "process.user.umask: %lld is no umask", (long long) umask_value);
        p->umask = (int) umask_value;
        p->uid = (uid_t) uid;
        p->gid = (gid_t) gid;
        free(c->user);
        if (asprintf(&c->user, "%lld:%lld", (long long) uid, (long long) gid) < 0)
                return -ENOMEM;
        /* exec --process reads a second process over config.json's. */
        free(p->additional_gids);
        p->n_additional_gids = gids ? json_object_array_length(gids) : 0;
        p->additional_gids = calloc(p->n_additional_gids + 1, sizeof(gid_t));
        if (!p->additional_gids)
                return -ENOMEM;
        for (size_t i = 0; i < p->n_additional_gids; i++) {
                json_object *g = json_object_array_get_idx(gids, i);
                if (!json_object_is_type(g, json_type_int) || json_object_get_int64(g) < 0 ||
                    json_object_get_int64(g) >= UINT32_MAX)
                        return oci_refuse(reason, "process.user.additionalGids[%zu]: not a group id", i);
                p->additional_gids[i] = (gid_t) json_object_get_int64(g);
        }
        return 0;
}

/* process.rlimits: [{type: "RLIMIT_NOFILE", soft, hard}] into c->rlimits. */
static int parse_rlimits(json_object *process, struct config *c, char **reason) {
        json_object *list;
        int r = oci_get_array(process, "rlimits", false, &list, "process.", reason);

        for (size_t i = 0; r >= 0 && list && i < json_object_array_length(list); i++) {
                json_object *e = json_object_array_get_idx(list, i);
                _cleanup_free_ char *type = NULL, *where = NULL;
                int64_t soft = 0, hard = 0;
                int resource = -1;
                struct rlimit_entry *slot;

                if (asprintf(&where, "process.rlimits[%zu].", i) < 0)
                        return -ENOMEM;
                r = oci_get_string(e, "type", true, &type, where, reason);
                if (r >= 0)
                        r = oci_get_u64(e, "soft", &soft, where, reason);
                if (r >= 0)
                        r = oci_get_u64(e, "hard", &hard, where, reason);
                if (r < 0)
                        return r;
                for (int res = 0; res < RLIM_NLIMITS; res++) {
                        const char *name = profile_rlimit_name(res);
                        if (name && startswith(type, "RLIMIT_") && streq(type + 7, name))
                                resource = res;
                }
                if (resource < 0)
                        return oci_refuse(reason, "%stype: unknown limit '%s'", where, type);
                slot = array_reserve_one(c->rlimits, c->n_rlimits, &c->n_rlimits_allocated, sizeof(*slot));
                if (!slot)
                        return -ENOMEM;
                c->rlimits = slot;
                c->rlimits[c->n_rlimits++] = (struct rlimit_entry) {
                        .resource = resource, .soft = (uint64_t) soft, .hard = (uint64_t) hard,
                };
        }
        return r;
}

int oci_process_parse(json_object *doc, struct config *c, struct oci_process *p, char **reason) {
        json_object *process;
        _cleanup_free_ char *cwd = NULL;
        char **args = NULL, **env = NULL;
        int terminal = 0, nnp = 0, r;
        int64_t oom = 0;

        r = oci_get_object(doc, "process", true, &process, "", reason);
        if (r >= 0)
                r = oci_get_strv(process, "args", true, &args, "process.", reason);
        if (r >= 0 && !args[0])
                r = oci_refuse(reason, "process.args: empty: the container needs a command");
        if (r >= 0)
                r = oci_get_strv(process, "env", false, &env, "process.", reason);
        if (r >= 0)
                r = oci_get_string(process, "cwd", true, &cwd, "process.", reason);
        if (r >= 0 && !path_is_absolute(cwd))
                r = oci_refuse(reason, "process.cwd: '%s' is not an absolute path", cwd);
        if (r >= 0)
                r = oci_get_bool(process, "terminal", &terminal, "process.", reason);
        if (r >= 0)
                r = oci_get_bool(process, "noNewPrivileges", &nnp, "process.", reason);
        /* exec --process's file replaces config.json's. */
        p->has_oom_score_adj = false;
        if (r >= 0 && json_object_object_get_ex(process, "oomScoreAdj", NULL)) {
                r = oci_get_int(process, "oomScoreAdj", &oom, "process.", reason);
                if (r >= 0 && (oom < -1000 || oom > 1000))
                        r = oci_refuse(reason, "process.oomScoreAdj: %lld is not in -1000..1000", (long long) oom);
                p->has_oom_score_adj = true;
                p->oom_score_adj = (int) oom;
        }
        if (r >= 0)
                r = parse_user(process, c, p, reason);
        /* Limits are the process's own: exec --process replaces them. */
        if (r >= 0) {
                c->n_rlimits = 0;
                r = parse_rlimits(process, c, reason);
        }
        if (r >= 0)
                r = oci_process_labels_parse(process, reason);
        if (r < 0) {
                strv_free(args);
                strv_free(env);
                return r;
        }
        strv_free(c->command);
        c->command = args;

        strv_free(c->env_set);
        c->env_set = env;
        c->env_clear = 1;
        free(c->working_directory);
        c->working_directory = TAKE_PTR(cwd);
        c->tty = terminal;
        p->terminal = terminal;
        c->no_new_privileges = nnp;
        return 0;
}

/* No process: optional in config.json, required by start (runtime-spec
 * config.md, runtime.md "start"). The container is made as any other,
 * its process in "/" as the id the map gives the caller (no user to
 * check against the map); it waits and never execs: start refuses it,
 * and should the FIFO be written all the same, the process ends
 * (oci-create.c). The command only fills the launch's argv. */
static int process_absent(struct config *c, struct oci_process *p) {
        p->absent = true;
        strv_free(c->command);
        c->command = strv_copy((char *[]) { (char *) "/", NULL });
        free(c->working_directory);
        c->working_directory = strdup("/");
        c->env_clear = 1;
        return c->command && c->working_directory ? 0 : -ENOMEM;
}

static int parse_hostname(json_object *doc, struct config *c, char **reason) {
        _cleanup_free_ char *hostname = NULL;
        int r = oci_get_string(doc, "hostname", false, &hostname, "", reason);

        if (r < 0 || !hostname)
                return r;
        if (hostname[0] && !hostname_is_valid(hostname))
                return oci_refuse(reason, "hostname: '%s' is not a valid hostname", hostname);
        free(c->hostname);
        c->hostname = TAKE_PTR(hostname);
        return 0;
}
