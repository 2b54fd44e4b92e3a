/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* What the lifecycle files of oci/ share (oci-main.c, oci-spec.c,
 * oci-state.c, oci-create.c, oci-hooks.c): what config.json's process,
 * namespaces and hooks say beyond struct config, the state directory, and
 * the commands. */

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "oci-internal.h"

/* linux.namespaces as the launch takes them: what to create (CLONE_NEW*)
 * and what to join by path. */
#define OCI_JOIN_MAX 8
struct oci_namespaces {
        unsigned long create;
        unsigned long join_flag[OCI_JOIN_MAX];
        char *join_path[OCI_JOIN_MAX];
        size_t n_join;
};

/* process, and linux.namespaces: what no profile key says. */
struct oci_process {
        struct oci_namespaces namespaces;
        uid_t uid;                      /* process.user */
        gid_t gid;
        bool terminal;
        /* config.json has no process (it is optional until start): the
         * container is made, and its process waits for a start that
         * refuses it. */
        bool absent;
        int umask;                      /* -1: the caller's */
        bool has_oom_score_adj;
        int oom_score_adj;
        gid_t *additional_gids;
        size_t n_additional_gids;
};

/* The hooks of the runtime spec, in the order of the lifecycle. */
enum oci_hook_kind {
        OCI_HOOK_PRESTART,
        OCI_HOOK_CREATE_RUNTIME,
        OCI_HOOK_CREATE_CONTAINER,
        OCI_HOOK_START_CONTAINER,
        OCI_HOOK_POSTSTART,
        OCI_HOOK_POSTSTOP,
        _OCI_HOOK_MAX,
};

struct oci_hook {
        char *path;
        char **args;                    /* NULL: path alone as argv[0] */
        char **env;                     /* NULL: an empty environment */
        int timeout;                    /* seconds, 0: none */
};

struct oci_hooks {
        struct oci_hook *hooks[_OCI_HOOK_MAX];
        size_t n[_OCI_HOOK_MAX];
        /* An ociVersion 1.0.x config: prestart runs once start is called,
         * before the process does (runtime-spec 1.0.2's config.md); from
         * 1.1 it runs at create, before createRuntime. */
        bool prestart_at_start;
};

/* The hook kinds' names in config.json ("prestart", "createRuntime"...). */
const char *oci_hook_name(enum oci_hook_kind kind);
void oci_hooks_free(struct oci_hooks *h);
static inline void oci_hooks_freep(struct oci_hooks **h) { oci_hooks_free(*h); }
void oci_process_free(struct oci_process *p);

/* Runs the hooks of kind in order, the state JSON on their stdin. A
 * failure is printed; returns the first -errno. continue_on_error: the
 * rest still run (poststart, poststop: the spec only warns). */
int oci_hooks_run(const struct oci_hooks *h, enum oci_hook_kind kind, const char *state_json,
                  bool continue_on_error);
/* create keeps config.json's ociVersion and hooks in ROOT/ID/hooks.json:
 * start and delete run those, whatever became of config.json since (the
 * runtime spec: updates after create do not affect the container).
 * Both print their errors; a container without the file has no hooks. */
#define OCI_HOOKS_FILE "hooks.json"
int oci_hooks_save(int dir_fd, const struct oci_spec *s);
int oci_hooks_load(int root_fd, const char *id, struct oci_hooks **ret);

/* ---- the state directory (oci-state.c) ---- */

/* The global options every command reads. */
struct oci_globals {
        const char *root;               /* --root, NULL: the default */
        bool debug;
};

enum oci_status { OCI_CREATING, OCI_CREATED, OCI_RUNNING, OCI_STOPPED };

/* ROOT/ID/state.json, as create wrote it. */
struct oci_state {
        char *id;
        pid_t pid;
        uint64_t start_time;            /* of pid, /proc/PID/stat field 22 */
        char *bundle;
        char *created;                  /* RFC 3339 */
        uid_t owner;
        json_object *annotations;       /* owned, may be NULL */
        char **cgroups;                 /* directories userbox made, to remove on delete */
        char *cgroups_path;             /* linux.cgroupsPath, whose empty levels delete
                                         * removes too; NULL when none */
        bool no_process;                /* config.json had none: start refuses */
        enum oci_status status;         /* computed on read */
};

#define OCI_FIFO "exec.fifo"
#define OCI_STATE_FILE "state.json"

/* The root directory (--root, or the default), created 0700 when
 * missing. Prints why not. */
int oci_root_open(const struct oci_globals *g, int *ret_fd);
/* The same for state, kill, delete and list, which act on what is there:
 * root given another user's directory becomes that user (as Slurm's
 * slurmstepd runs them), and creates none. */
int oci_root_open_as_owner(const struct oci_globals *g, int *ret_fd);
/* An id is 1..1024 characters of [A-Za-z0-9_.+-], not "." or "..". */
int oci_id_check(const char *id);
/* ROOT/ID/state.json into s, with its status. Prints "container 'ID'
 * does not exist" when absent. */
int oci_state_load(int root_fd, const char *id, struct oci_state *s);
int oci_state_save(int dir_fd, const struct oci_state *s);
void oci_state_done(struct oci_state *s);
const char *oci_status_name(enum oci_status status);
/* The state as the runtime spec prints it (state, and the hooks' stdin). */
json_object *oci_state_json(const struct oci_state *s);
/* The same as one line of text with status set (malloc'd; NULL: ENOMEM),
 * what hooks read on stdin. */
char *oci_state_text(const struct oci_state *s, enum oci_status status);
/* The start time of pid (/proc/PID/stat field 22). */
int oci_process_start_time(pid_t pid, uint64_t *ret);
/* Removes ROOT/ID (and what is in it). */
int oci_state_remove(int root_fd, const char *id);

/* ---- the commands ---- */
int oci_cmd_create(const struct oci_globals *g, int argc, char **argv);
int oci_cmd_run(const struct oci_globals *g, int argc, char **argv);
int oci_cmd_start(const struct oci_globals *g, int argc, char **argv);
int oci_cmd_state(const struct oci_globals *g, int argc, char **argv);
int oci_cmd_kill(const struct oci_globals *g, int argc, char **argv);
int oci_cmd_delete(const struct oci_globals *g, int argc, char **argv);
int oci_cmd_list(const struct oci_globals *g, int argc, char **argv);
int oci_cmd_exec(const struct oci_globals *g, int argc, char **argv);

/* config.json's process (doc holds it as "process"), into c and p: exec
 * --process reads its file with it. */
int oci_process_parse(json_object *doc, struct config *c, struct oci_process *p, char **reason);
/* The console socket gets the terminal's master; the pid file the pid,
 * written aside and renamed. Both print their errors. */
int oci_send_console(const char *socket_path, int pty_master);
int oci_write_pid_file(const char *path, pid_t pid);

/* start's release of a created container: its process execs. */
int oci_start_container(int root_fd, const char *id);
/* delete: a stopped or created container (any with force; SIGKILL
 * first), its poststop hooks, cgroups and ROOT/ID. */
int oci_delete_container(int root_fd, const char *id, bool force);

/* ---- the moments of the runtime's hooks (oci-hooks.c) ---- */

/* Whether create has hooks to run before the process's pivot_root (sync
 * step 11): prestart from runtime-spec 1.1, createRuntime, createContainer. */
bool oci_hooks_at_create(const struct oci_hooks *h);
/* create, in the launcher, the process waiting before its pivot_root:
 * prestart (1.1), then createRuntime, with s as created. */
int oci_hooks_run_create_runtime(const struct oci_hooks *h, const struct oci_state *s);
/* start of an ociVersion 1.0 container: its prestart hooks; one failing
 * deletes the container (poststop hooks and all). */
int oci_hooks_run_prestart_at_start(int root_fd, const struct oci_state *s, const struct oci_hooks *h);
/* After start: poststart, whose failures are only warned of. */
void oci_hooks_run_poststart(int root_fd, const char *id);
