/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* state/: named containers without a daemon (design §10). A named container
 * is its launcher plus a directory ROOT/NAME/ under the state root
 * ($XDG_RUNTIME_DIR/userbox/containers, or /tmp/userbox-UID/containers):
 *
 *   NAME/lock    flock()ed exclusively by the launcher for its whole life:
 *                it makes the name unique and tells a live container from
 *                the remains of a killed one
 *   NAME/state   what other commands need, JSON, replaced atomically
 *   NAME/log     a detached container's output (written by the launcher),
 *   NAME/log.1   and the part before its last rotation
 *   NAME/config  the config as run, a profile (for exec)
 *   NAME/control the launcher's socket (for exec)
 *
 * A free lock is remains (the launcher was killed), removed by the next
 * command that sees them -- unless the state says "exited": that is a
 * finished detached container, kept (listed, its log and status readable)
 * until `userbox rm` or `stop` removes it.
 *
 * Every path below the root is opened relative to the root's fd with
 * O_NOFOLLOW: nothing in it is trusted to be what its name says. Names that
 * start with '.' are never container names: ".new-*" and ".remains-*" are
 * directories being created or removed.
 *
 * Functions return >= 0 or -errno; those that know the context (which
 * container, which file) print the message once, as util.h's log_* do. */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#define STATE_NAME_MAX 64

/* The files of ROOT/NAME/ that the launcher writes. */
#define STATE_FILE_LOG "log"
#define STATE_FILE_LOG_OLD "log.1"
#define STATE_FILE_CONFIG "config"
#define STATE_FILE_CONFIG_TMP ".config.tmp"
/* The launcher's socket: exec asks it for the container's namespaces. */
#define STATE_FILE_CONTROL "control"
/* The requests on it (the launcher's side is launch/control.c): each comes
 * with an fd of the asker's user namespace, and the answer with one of
 * the launcher's, the proof that neither is a process inside a container
 * (util.h, userns_is_own). */
#define STATE_CONTROL_PING "userbox-ping-1"
#define STATE_CONTROL_EXEC "userbox-exec-1"
/* NAME/log is renamed to NAME/log.1 once it holds this much. */
#define STATE_LOG_MAX (1024 * 1024)

/* 1. The state root: created 0700 where missing, every level checked to be
 * the user's own and writable by nobody else (a /tmp fallback must also be
 * exactly 0700 and no symlink). *ret_fd: the root, O_DIRECTORY|O_CLOEXEC.
 * Prints why it refused. */
int state_root_open(int *ret_fd);
/* The same with the environment spelled out, for tests: runtime_dir is
 * $XDG_RUNTIME_DIR (NULL or "" when unset), tmp_dir the fallback's parent
 * ("/tmp"). */
int state_root_open_in(const char *runtime_dir, const char *tmp_dir, int *ret_fd);

/* 2. Names. 1 to 64 of [A-Za-z0-9_.-], the first a letter or digit (as
 * podman takes them). 0, or -EINVAL and *reason a static sentence ("starts
 * with '-'"). reason may be NULL. Prints nothing. */
int state_name_check(const char *name, const char **reason);
/* "userbox-" and 8 random hex digits that name no entry of the root now.
 * The name may still be taken before state_create: that returns -EEXIST and
 * the caller picks again. *ret is malloc'd. */
int state_name_generate(int root_fd, char **ret);

/* 3. A claimed name: the container's directory and its held lock. */
struct state_claim {
        char *name;
        int dir_fd;     /* ROOT/NAME, O_DIRECTORY */
        /* The flock()ed ROOT/NAME/lock, O_CLOEXEC: it is not passed on by
         * execve, so neither the command nor a re-executed launcher has it.
         * The lock lives as long as any fd of this open file description:
         * the launcher keeps it until the container is gone, and a child
         * it clone()s without exec must close it (close_range) at once, or
         * the container could outlive a killed launcher and still look
         * alive. */
        int lock_fd;
};
#define STATE_CLAIM_NULL { .name = NULL, .dir_fd = -1, .lock_fd = -1 }
/* Closes the fds (which releases the lock) and frees; NULL-safe. The
 * directory stays: call state_remove() first when the container is over. */
void state_claim_done(struct state_claim *c);

/* Creates ROOT/NAME with its lock held, or takes over the remains of a
 * container whose launcher died (its lock free and its status not
 * "exited": a finished detached container is kept), removing them. Race-free:
 * of two creators of one name exactly one gets it, the other -EEXIST and
 * "container 'NAME' already exists". A finished detached container is
 * not taken over: -EEXIST, "... already exists (exited; remove it with
 * 'userbox rm NAME')". Checks the name. */
int state_create(int root_fd, const char *name, struct state_claim *ret);

/* Removes ROOT/NAME: renamed away at once (so the name is free the moment
 * this returns 0, even to a racing creator), then its known files and the
 * directory. The caller holds its lock, or found it free. */
int state_remove(int root_fd, const char *name);

/* 4. What ROOT/NAME/state holds. */
enum state_status {
        STATE_RUNNING,
        STATE_EXITED,   /* the command ended: the launcher finishing, or gone (detached, kept) */
};

struct state {
        pid_t launcher_pid;
        uint64_t launcher_start_time;   /* field 22 of /proc/PID/stat: ticks since boot */
        pid_t init_pid;                 /* the container's init, as the host sees it */
        uint64_t init_start_time;
        pid_t command_pid;              /* the command, as the host sees it */
        char *root;                     /* the root directory, as given */
        char **argv;                    /* the command, NULL-terminated, >= 1 word */
        int64_t created;                /* unix time */
        bool detached;
        char *log_path;                 /* -d's log, NULL when not detached */
        enum state_status status;
        int exit_status;                /* design §7's status, when STATE_EXITED */
};
#define STATE_NULL { .exit_status = -1 }
void state_done(struct state *s);

/* Writes dir_fd/state atomically (dir_fd/.state.tmp, then renameat). */
int state_write(int dir_fd, const struct state *s);
/* Writes size bytes of text to dir_fd/name atomically, 0600: written to
 * dir_fd/tmp, then renamed over name. Prints the error. */
int state_write_file(int dir_fd, const char *name, const char *tmp, const char *text, size_t size);
/* Reads ROOT/NAME/state strictly: not a regular file, a symlink, > 64 KiB,
 * not JSON, a missing, unknown or mistyped field: an error that names
 * the container, the file and the reason. -ENOENT unprinted when it is
 * not there (a container being created has none yet). */
int state_read(int root_fd, const char *name, struct state *ret);
/* The parser alone, on text of size bytes: 0, or -EINVAL and *reason (a
 * malloc'd sentence). Prints nothing. */
int state_parse(const char *text, size_t size, struct state *ret, char **reason);

/* 5. Liveness. The start time of process pid (field 22 of /proc/PID/stat). */
int state_pid_start_time(pid_t pid, uint64_t *ret);
/* Is ROOT/NAME/lock held by someone (tried from a new open file
 * description, so a holder in this very process counts too)? 1, 0 or
 * -errno; -ENOENT when there is no such container. */
int state_lock_held(int root_fd, const char *name);
/* A pidfd of pid, only if the process is still the one that started at
 * start_time: a pid the kernel has given to another process since is
 * -ESRCH, never that process. Prints nothing. */
int state_pidfd_open_checked(pid_t pid, uint64_t start_time, int *ret_pidfd);
/* The container is live: its lock is held and its launcher is the process
 * s recorded. 1 or 0; < 0 on errors other than "gone". */
int state_alive(int root_fd, const char *name, const struct state *s);
/* For exec: reads the state, checks the container is live and running
 * (state_find), and returns a pidfd of its init (checked as above).
 * Prints "container 'NAME' does not exist", "... is not running (exited
 * with status N)", "... is stopping (its init is gone)", ... */
int state_open_init_pidfd(int root_fd, const char *name, int *ret_pidfd);

/* NAME/control's address, through /proc/self/fd/DIR_FD, so that a long
 * $XDG_RUNTIME_DIR never overflows sun_path. */
struct sockaddr_un;
int state_control_address(int dir_fd, struct sockaddr_un *ret);
/* What listens on NAME/control (dir_fd) is the container's launcher, the
 * process launcher_pid: it proves it is in our user namespace and is the
 * process that listens. The state file names the pids, and a container
 * that reaches the state directory could rewrite it: stop and kill signal
 * nothing before this. Prints why not. */
int state_launcher_verify(int dir_fd, const char *name, pid_t launcher_pid);

/* 6. Listing. A container being set up has no state file yet. */
struct state_entry {
        char *name;
        bool have_state;
        struct state state;
        int64_t memory;         /* bytes its cgroup uses, -1: no cgroup with memory */
};
/* Every container of the root, live or finished (detached and exited),
 * sorted by name; remains and interrupted creations are removed on the
 * way. */
int state_list(int root_fd, struct state_entry **ret, size_t *ret_n);
void state_list_free(struct state_entry *entries, size_t n);
/* "running", "exited", or "created" for one without a state yet. */
const char *state_entry_status(const struct state_entry *e);
/* The table podman ps users expect: NAME STATE PID MEMORY ROOT COMMAND AGE.
 * now: the time the ages are counted to. */
int state_format_table(FILE *f, const struct state_entry *entries, size_t n, time_t now);
/* --format json: one array of objects. */
int state_format_json(FILE *f, const struct state_entry *entries, size_t n);

/* 7. Acting on a container (src/state/state-control.c, state-log.c). Each
 * prints its error, naming the container, and returns -errno. */
enum state_phase {
        STATE_PHASE_STARTING,   /* its launcher holds the lock, no state written yet */
        STATE_PHASE_RUNNING,    /* its recorded launcher lives, the state says running */
        STATE_PHASE_EXITED,     /* the command ended (status exited) */
};
/* What ROOT/NAME is now; *ret is filled unless STARTING. Remains found on
 * the way are removed, and NAME then does not exist: -ENOENT, "container
 * 'NAME' does not exist (its launcher was killed; its remains are
 * removed)". */
int state_find(int root_fd, const char *name, struct state *ret, enum state_phase *ret_phase);
/* A pidfd of the container's command, for kill: its recorded host pid,
 * opened and checked to be a child of the recorded init (or init itself,
 * under --no-init) that has not exited. */
int state_open_command_pidfd(int root_fd, const char *name, int *ret_pidfd);
/* kill: sig to the command, through that pidfd. */
int state_kill(int root_fd, const char *name, int sig);
/* stop: SIGTERM to the launcher (which passes it to the command), up to
 * timeout_s seconds for it to exit, then SIGKILL to init (the whole pid
 * namespace dies), wait for the launcher; then NAME/ is removed. */
int state_stop(int root_fd, const char *name, unsigned timeout_s);
/* wait: blocks until the launcher has exited; *ret_status is the
 * command's exit status (design section 7) as the state records it. */
int state_wait(int root_fd, const char *name, int *ret_status);
/* rm: removes a finished container's directory (or remains). A running
 * one is refused, or with force stopped at once (SIGKILL) first. */
int state_rm(int root_fd, const char *name, bool force);
/* logs: writes NAME/log.1 then NAME/log to out_fd; follow: then what is
 * added (across rotations) until the launcher has exited and all of it is
 * written. */
int state_logs(int root_fd, const char *name, bool follow, int out_fd);
