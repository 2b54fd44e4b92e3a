/* SPDX-License-Identifier: Apache-2.0 */
/* config.json's hooks, and running them: each gets the container's state
 * on its standard input (the runtime spec's "POSIX-platform Hooks"). The
 * moments of the lifecycle the runtime's own hooks run at are here too
 * (the end of the file); createContainer and startContainer run in the
 * container's process, which oci-create.c sets up. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "oci-spec-internal.h"

/* As config.json's bound (oci-spec.c): a bigger file is no hooks of ours. */
#define OCI_HOOKS_MAX (4 * 1024 * 1024)

static const char *const hook_names[_OCI_HOOK_MAX] = {
        [OCI_HOOK_PRESTART] = "prestart",
        [OCI_HOOK_CREATE_RUNTIME] = "createRuntime",
        [OCI_HOOK_CREATE_CONTAINER] = "createContainer",
        [OCI_HOOK_START_CONTAINER] = "startContainer",
        [OCI_HOOK_POSTSTART] = "poststart",
        [OCI_HOOK_POSTSTOP] = "poststop",
};

const char *oci_hook_name(enum oci_hook_kind kind) {
        return kind < _OCI_HOOK_MAX ? hook_names[kind] : NULL;
}

static int parse_hook(json_object *e, const char *where, struct oci_hook *h, char **reason) {
        int64_t timeout = 0;
        int r = oci_get_string(e, "path", true, &h->path, where, reason);

        if (r >= 0 && !path_is_absolute(h->path))
                r = oci_refuse(reason, "%spath: '%s' is not an absolute path", where, h->path);
        if (r >= 0)
                r = oci_get_strv(e, "args", false, &h->args, where, reason);
        if (r >= 0)
                r = oci_get_strv(e, "env", false, &h->env, where, reason);
        if (r >= 0)
                r = oci_get_int(e, "timeout", &timeout, where, reason);
        if (r >= 0 && json_object_object_get_ex(e, "timeout", NULL) && timeout <= 0)
                r = oci_refuse(reason, "%stimeout: must be above 0", where);
        h->timeout = (int) timeout;
        return r;
}

/* 1.0, 1.0.2, 1.0.2-dev, 1.0.0-rc5: a version whose config.md has
 * prestart run at start. */
static bool prestart_at_start(json_object *doc) {
        json_object *v;
        const char *rest;

        if (!json_object_object_get_ex(doc, "ociVersion", &v) || !json_object_is_type(v, json_type_string))
                return false;
        rest = startswith(json_object_get_string(v), "1.0");
        return rest && (*rest == '\0' || *rest == '.' || *rest == '-');
}

int oci_hooks_parse(json_object *doc, struct oci_hooks *h, char **reason) {
        json_object *hooks;
        int r = oci_get_object(doc, "hooks", false, &hooks, "", reason);

        h->prestart_at_start = prestart_at_start(doc);

        for (int kind = 0; r >= 0 && hooks && kind < _OCI_HOOK_MAX; kind++) {
                _cleanup_free_ char *where = NULL;
                json_object *list;
                size_t n;

                if (asprintf(&where, "hooks.") < 0)
                        return -ENOMEM;
                r = oci_get_array(hooks, hook_names[kind], false, &list, where, reason);
                if (r < 0 || !list)
                        continue;
                n = json_object_array_length(list);
                h->hooks[kind] = calloc(n + 1, sizeof(struct oci_hook));
                if (!h->hooks[kind])
                        return -ENOMEM;
                h->n[kind] = n;
                for (size_t i = 0; r >= 0 && i < n; i++) {
                        _cleanup_free_ char *at = NULL;
                        if (asprintf(&at, "hooks.%s[%zu].", hook_names[kind], i) < 0)
                                return -ENOMEM;
                        r = parse_hook(json_object_array_get_idx(list, i), at, &h->hooks[kind][i], reason);
                }
        }
        return r;
}

void oci_hooks_free(struct oci_hooks *h) {
        if (!h)
                return;
        for (int kind = 0; kind < _OCI_HOOK_MAX; kind++) {
                for (size_t i = 0; i < h->n[kind]; i++) {
                        free(h->hooks[kind][i].path);
                        strv_free(h->hooks[kind][i].args);
                        strv_free(h->hooks[kind][i].env);
                }
                free(h->hooks[kind]);
        }
        free(h);
}

int oci_hooks_save(int dir_fd, const struct oci_spec *s) {
        json_object *o = json_object_new_object(), *hooks = NULL;
        const char *text = NULL;
        int r = -ENOMEM;

        if (o && json_object_object_add(o, "ociVersion", json_object_new_string(s->oci_version)) >= 0 &&
            (!json_object_object_get_ex(s->document, "hooks", &hooks) ||
             json_object_object_add(o, "hooks", json_object_get(hooks)) >= 0))
                text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
        if (text)
                r = write_new_file_at(dir_fd, OCI_HOOKS_FILE, text, strlen(text));
        json_object_put(o);
        return r < 0 ? log_errno(r, "keeping the container's hooks") : 0;
}

int oci_hooks_load(int root_fd, const char *id, struct oci_hooks **ret) {
        _cleanup_free_ char *path = path_join(id, OCI_HOOKS_FILE), *text = NULL, *reason = NULL;
        _cleanup_close_ int fd = -1;
        struct oci_hooks *h = calloc(1, sizeof(*h));
        json_object *doc = NULL;
        size_t size;
        int r = 0;

        if (!path || !h) {
                free(h);
                return log_errno(-ENOMEM, "container '%s': its hooks", id);
        }
        fd = openat(root_fd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 && errno != ENOENT)
                r = -errno;
        if (fd >= 0)
                r = read_full_fd(fd, OCI_HOOKS_MAX, &text, &size);
        if (fd >= 0 && r >= 0) {
                doc = json_tokener_parse(text);
                r = doc ? oci_hooks_parse(doc, h, &reason) : -EINVAL;
                json_object_put(doc);
        }
        if (r < 0) {
                oci_hooks_free(h);
                return log_errno(r, "container '%s': cannot read its hooks%s%s", id, reason ? ": " : "",
                                 reason ? reason : "");
        }
        *ret = h;
        return 0;
}

/* Waits for pid, killing it once timeout seconds (0: none) have passed. */
static int wait_hook(pid_t pid, int timeout, int *ret_status) {
        struct timespec deadline;

        clock_gettime(CLOCK_MONOTONIC, &deadline);
        deadline.tv_sec += timeout;
        for (;;) {
                struct timespec now;
                pid_t w = waitpid(pid, ret_status, timeout ? WNOHANG : 0);

                if (w == pid)
                        return 0;
                if (w < 0 && errno != EINTR)
                        return -errno;
                clock_gettime(CLOCK_MONOTONIC, &now);
                if (timeout && now.tv_sec >= deadline.tv_sec) {
                        kill(pid, SIGKILL);
                        (void) waitpid(pid, ret_status, 0);
                        return -ETIMEDOUT;
                }
                if (timeout)
                        (void) poll(NULL, 0, 10);
        }
}

/* One hook: the state on a pipe to its stdin, its stdout and stderr ours. */
static int run_hook(const struct oci_hook *h, const char *kind, const char *state_json) {
        static char *const no_env[] = { NULL };
        char *const default_argv[] = { h->path, NULL };
        posix_spawn_file_actions_t actions;
        posix_spawnattr_t attr;
        sigset_t none, all;
        int pipefd[2], status = 0, r;
        pid_t pid;

        if (pipe2(pipefd, O_CLOEXEC) < 0)
                return log_errno(-errno, "hook %s '%s'", kind, h->path);
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, pipefd[0], STDIN_FILENO);
        /* The launcher blocks the signals it forwards: a hook starts with
         * none blocked and every disposition at its default. */
        sigemptyset(&none);
        sigfillset(&all);
        posix_spawnattr_init(&attr);
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
        posix_spawnattr_setsigmask(&attr, &none);
        posix_spawnattr_setsigdefault(&attr, &all);
        r = -posix_spawn(&pid, h->path, &actions, &attr, h->args && h->args[0] ? h->args : default_argv,
                         h->env ? h->env : no_env);
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attr);
        close(pipefd[0]);
        if (r < 0) {
                close(pipefd[1]);
                return log_errno(r, "hook %s: cannot run '%s'", kind, h->path);
        }
        /* A hook that does not read its stdin must not block us: its
         * end closes at exit, and SIGPIPE is ignored for the write. */
        (void) fd_write_all(pipefd[1], state_json, strlen(state_json));
        close(pipefd[1]);
        r = wait_hook(pid, h->timeout, &status);
        if (r == -ETIMEDOUT)
                return log_error("hook %s '%s' did not finish within %d seconds: killed", kind, h->path, h->timeout);
        if (r < 0)
                return log_errno(r, "hook %s '%s'", kind, h->path);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                return 0;
        if (WIFSIGNALED(status))
                return log_error("hook %s '%s' was killed by signal %d", kind, h->path, WTERMSIG(status));
        return log_error("hook %s '%s' failed with status %d", kind, h->path, WEXITSTATUS(status));
}

int oci_hooks_run(const struct oci_hooks *h, enum oci_hook_kind kind, const char *state_json,
                  bool continue_on_error) {
        struct sigaction ignore = { .sa_handler = SIG_IGN }, saved;
        int first = 0;

        if (!h || h->n[kind] == 0)
                return 0;
        sigaction(SIGPIPE, &ignore, &saved);
        for (size_t i = 0; i < h->n[kind]; i++) {
                int r = run_hook(&h->hooks[kind][i], hook_names[kind], state_json);
                if (r < 0 && !first)
                        first = r;
                if (r < 0 && !continue_on_error)
                        break;
        }
        sigaction(SIGPIPE, &saved, NULL);
        return first;
}

/* ---- the moments: which hooks run when, with which state ---- */

bool oci_hooks_at_create(const struct oci_hooks *h) {
        return (!h->prestart_at_start && h->n[OCI_HOOK_PRESTART] > 0) || h->n[OCI_HOOK_CREATE_RUNTIME] > 0 ||
               h->n[OCI_HOOK_CREATE_CONTAINER] > 0;
}

/* create, before the process's pivot_root, in the runtime's namespaces:
 * prestart (deprecated; from runtime-spec 1.1, as 1.0 runs it at start),
 * then createRuntime. */
int oci_hooks_run_create_runtime(const struct oci_hooks *h, const struct oci_state *s) {
        _cleanup_free_ char *text = oci_state_text(s, OCI_CREATED);
        int r = 0;

        if (!text)
                return log_errno(-ENOMEM, "the container's state");
        if (!h->prestart_at_start)
                r = oci_hooks_run(h, OCI_HOOK_PRESTART, text, false);
        return r < 0 ? r : oci_hooks_run(h, OCI_HOOK_CREATE_RUNTIME, text, false);
}

/* An ociVersion 1.0 container's prestart hooks: start was called, the
 * process waits still. One failing ends the container as delete would,
 * poststop hooks and all, and start with an error (runtime-spec 1.0.2,
 * config.md "Prestart" and lifecycle step 3). */
int oci_hooks_run_prestart_at_start(int root_fd, const struct oci_state *s, const struct oci_hooks *h) {
        _cleanup_free_ char *text = oci_state_text(s, OCI_CREATED);
        int r;

        if (!text)
                return log_errno(-ENOMEM, "the container's state");
        r = oci_hooks_run(h, OCI_HOOK_PRESTART, text, false);
        if (r < 0)
                (void) oci_delete_container(root_fd, s->id, true);
        return r;
}

/* poststart: after the start, failures only warned of (runtime spec). */
void oci_hooks_run_poststart(int root_fd, const char *id) {
        _cleanup_(oci_state_done) struct oci_state s = { 0 };
        _cleanup_(oci_hooks_freep) struct oci_hooks *h = NULL;
        _cleanup_free_ char *text = NULL;

        if (oci_state_load(root_fd, id, &s) < 0 || oci_hooks_load(root_fd, id, &h) < 0 ||
            h->n[OCI_HOOK_POSTSTART] == 0)
                return;
        /* The process ran, and may have ended already. */
        text = oci_state_text(&s, s.status == OCI_STOPPED ? OCI_STOPPED : OCI_RUNNING);
        if (text && oci_hooks_run(h, OCI_HOOK_POSTSTART, text, true) < 0)
                log_warning("a poststart hook failed; the container runs on");
}
