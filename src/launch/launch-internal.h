/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* What only the files of launch/ share. */

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "profile.h"
#include "idmap.h"
#include "fs.h"
#include "state.h"
#include "net.h"
#include "launch.h"

/* The sync protocol between the launcher (parent.c) and the child it
 * clones (child.c), over a SOCK_SEQPACKET socket pair. Every place in the
 * code that performs a step says "sync step N". In order:
 *
 *  1. child -> launcher: the byte SYNC_DUMPABLE. The child made itself
 *     dumpable: /proc/PID of a non-dumpable task belongs to root, so only
 *     now can the launcher (or newuidmap/newgidmap) write its id map.
 *  2. launcher: writes the id map; nothing is sent. Meanwhile the child
 *     does what needs no mapped id (mode->prepare), and the launcher
 *     builds the seccomp filter (mode->seccomp). Once
 *     the map is written, with a network helper (mode->network, --net
 *     slirp4netns or pasta) the launcher starts it on the child's
 *     namespaces, opened while the child is still dumpable (src/net/).
 *  3. launcher -> child: the byte SYNC_GO: the map is written. The child
 *     checks the launcher is still there, makes itself non-dumpable again,
 *     reports a failure of step 2's work (step 8), then runs
 *     mode->child_main. With limits by cgroup, the launcher now makes the
 *     container's cgroups it did not make before clone and writes the
 *     limits, while the child builds its root; it moves the child into
 *     those it was not cloned into, unless mode->enters_cgroups.
 *  4. launcher -> child (mode->seccomp): the filter, one datagram: a byte
 *     saying whether a program follows (0: Seccomp=unconfined), then the
 *     BPF program; with mode->enters_cgroups, the `tasks` file of each v1
 *     cgroup the child was not cloned into rides along (SCM_RIGHTS). The
 *     child reads it once its root is set up, before exec (userbox-oci's
 *     with a cgroup of its own and no step 11: before its pivot, to show
 *     that cgroup in its /sys/fs/cgroup), enters those cgroups and closes
 *     the files; then, if it waited for its cgroup (step 3), it makes its
 *     cgroup namespace. A child already gone is no error here: its report
 *     is queued.
 *  5. launcher -> child (mode->network, with a helper): the byte
 *     SYNC_NETWORK_READY once the helper said its interface is up and the
 *     ports are published. The child reads it last before exec: the
 *     command never starts without its network. A helper that fails ends
 *     the launch instead, with the helper's message.
 *  6. child -> launcher (a named container's run): a SYNC_IDENTITY
 *     datagram (struct exec_identity): the user, groups and home the
 *     command gets, which the launcher hands to `userbox exec` so that it
 *     never reads them from the container's own files.
 *  7. child -> launcher (-t): a SYNC_PTY message carrying the pty master
 *     (SCM_RIGHTS); the launcher relays the terminal from then on.
 *  8. child -> launcher: a SYNC_FAILED message, at most once, at any point
 *     after step 1, then the child exits. The launcher prints its text;
 *     126 and 127 (exec failures) are the command's status, not userbox's.
 *  9. child: the command's execve closes the child's end (SOCK_CLOEXEC;
 *     with init, init closes its copy first): the launcher reads end of
 *     file, the command started.
 * 10. child -> launcher (userbox-oci create, in place of 9): a
 *     SYNC_CREATED message once everything but the seccomp filter and
 *     the ids is done; the child then gives up its parent-death signal,
 *     closes its end and waits for start (struct launch_oci). The
 *     launcher records the container and exits without waiting for it.
 * 11. child -> launcher (userbox-oci create with create-time hooks, struct
 *     launch_oci's mounted): a SYNC_MOUNTED message once the view is
 *     built, before pivot_root; the launcher runs its hooks and writes
 *     SYNC_GO to the pipe mounted_fd (nothing if they failed: it kills
 *     the child), then the child runs its own and pivots.
 *
 * A mode that joins a running container (exec) has no id map to write:
 * steps 1 to 3 are skipped, the rest are the same (exec joins the
 * container's network as it is: no step 5). */
enum sync_byte {
        SYNC_DUMPABLE = 'd',    /* step 1 */
        SYNC_GO = '1',          /* step 3 */
        SYNC_NETWORK_READY = 'n', /* step 5 */
};

/* The messages of steps 6 to 8. */
enum sync_type {
        SYNC_FAILED,            /* step 8: setup or exec failed: print text */
        SYNC_PTY,               /* step 7: the pty master comes along (SCM_RIGHTS) */
        SYNC_IDENTITY,          /* step 6: struct exec_identity */
        SYNC_CREATED,           /* step 10: waiting for start */
        SYNC_MOUNTED,           /* step 11: the view is built, not yet pivoted into */
};

struct sync_message {
        int32_t type;           /* enum sync_type */
        int32_t error;          /* positive errno */
        int32_t exit_status;    /* 125, or 126/127 for exec failures */
        char text[1024];
};

/* Step 4: the filter's bytes, plus one byte of header. */
#define SECCOMP_MESSAGE_MAX (SECCOMP_FILTER_DATA_MAX + 1)

/* Step 6, and what the launcher of a named container hands `userbox exec`
 * over its control socket: who the command is. One datagram: the header,
 * then n_groups gids. */
#define EXEC_IDENTITY_GROUPS_MAX 16384
struct exec_identity {
        int32_t type;           /* SYNC_IDENTITY */
        uint32_t ns_flags;      /* the launcher's answer: the CLONE_NEW* its fds are */
        uint32_t uid, gid;      /* the command's, inside */
        uint32_t own_uid, own_gid; /* the user's own ids inside (the id map's) */
        uint32_t set_groups;    /* 0: the command keeps the groups it has */
        uint32_t setgroups_allowed; /* 0: the id map denies setgroups */
        uint32_t n_groups;
        uint32_t config_size;   /* the control answer: the config's bytes that follow */
        char home[4096];
        uint32_t groups[];
};

/* The namespaces of a running container, as fds: opened by its launcher
 * while its first process is dumpable (sync step 1), handed to exec. */
enum { LAUNCH_NS_MAX = 7 };
struct launch_namespaces {
        unsigned long flags;            /* CLONE_NEW* of the fds held */
        int fd[LAUNCH_NS_MAX];          /* in the order of launch_ns_kinds, -1: not held */
};
#define LAUNCH_NAMESPACES_NULL { 0, { -1, -1, -1, -1, -1, -1, -1 } }
struct launch_ns_kind {
        unsigned long flag;
        const char *name;               /* /proc/PID/ns/NAME */
};
extern const struct launch_ns_kind launch_ns_kinds[LAUNCH_NS_MAX];
/* Opens /proc/PID/ns/X for each namespace of flags. */
int launch_namespaces_open(pid_t pid, unsigned long flags, struct launch_namespaces *ret);
void launch_namespaces_done(struct launch_namespaces *ns);
/* Holds fd as the namespace flag (a CLONE_NEW* flag), closing one held. */
void launch_namespaces_add(struct launch_namespaces *ns, unsigned long flag, int fd);
/* The fd of one namespace (a CLONE_NEW* flag), or -1. */
int launch_namespace_fd(const struct launch_namespaces *ns, unsigned long flag);


struct named;
/* The control socket of a named container, STATE/NAME/control: the
 * launcher listens (control_listen) and answers a peer that proves it is
 * in the launcher's own user namespace (control_answer) with the
 * container's namespaces, the command's identity and the config as run;
 * exec asks (control_ask) and checks the launcher's proof in turn. A
 * process inside a container cannot give that proof, whatever its uid
 * (see control.c). */
int control_listen(int dir_fd, int *ret_fd);
/* started: the command runs (before, exec's peer reads end of file). */
void control_answer(int listen_fd, const struct named *n, bool started);
/* What exec gets: the namespaces, the identity, and the config text. */
struct exec_target {
        struct launch_namespaces ns;
        struct exec_identity *identity;
        char *config_text;
        size_t config_size;
        pid_t init_pid;         /* the container's init, as the host sees it */
};
int control_ask(int dir_fd, const char *name, struct exec_target *ret);
void exec_target_done(struct exec_target *t);
size_t exec_identity_size(const struct exec_identity *id);

struct child;
struct cgroup;
struct user_identity;

/* What a subcommand does differently: a launch is one row of these
 * (parent.c), and spawn() and child_start() consult the row, never the
 * subcommand. A new subcommand (exec, OCI create/start) plugs in as a
 * row, its child_main in child.c and an entry point in parent.c that
 * fills a struct child with the row and calls launch(); a step no row
 * had before becomes a field here, read at one place on each side. */
struct launch_mode {
        const char *name;               /* the subcommand */
        unsigned long clone_flags;      /* the namespaces every launch gets */
        bool profile_namespaces;        /* and UTS, IPC, cgroup, network as c asks */
        bool rootfs;                    /* launch_check() before clone: the root
                                         * planned, container_check() */
        bool seccomp;                   /* sync step 4: the filter is sent */
        bool enters_cgroups;            /* sync step 4: the child enters its v1
                                         * cgroups itself (cgroup.h); else the
                                         * launcher moves it at step 3 */
        bool joins;                     /* no namespace of its own: joins those of
                                         * a running container (exec); no id map,
                                         * sync steps 1 to 3 skipped */
        bool own_process_group;         /* the command leads a process group */
        bool network;                   /* sync steps 2 and 5: a helper connects the
                                         * network namespace (--net slirp4netns, pasta) */
        /* In the child during sync step 2, what needs no mapped id; NULL
         * for nothing. Returns -errno with the message captured. */
        int (*prepare)(struct child *child);
        /* In the child after sync step 3; never returns. */
        void (*child_main)(struct child *child);
};

/* One launch, as both sides see it (the child has a copy). */
struct child {
        const struct launch_mode *mode;
        struct config *config;
        const struct idmap_plan *plan;
        const struct rootfs_plan *rootfs;
        char **argv;
        const struct copy_request *copy; /* userbox cp */
        int sync_fd;
        int tty_slave;          /* -t: the command's terminal, else -1 */
        bool job;               /* unshare on a terminal: the command is a
                                 * job of its own there ... */
        bool foreground;        /* ... which starts in the foreground */
        sigset_t saved_mask;
        struct seccomp_filter *seccomp_filter; /* sync step 4, received */
        bool seccomp_received;  /* the child's: receive_seccomp() ran */
        struct rootfs_state rootfs_state; /* container_prepare() to container_main() */
        struct named *named;    /* run --name / -d, else NULL */
        /* exec: the container joined, and who the command is (the
         * identity as run resolved it, unless exec's own -u, join_user). */
        const struct launch_namespaces *join_ns;
        const struct exec_identity *join_identity;
        const char *join_user;
        struct cgroup *cgroup;  /* limits by cgroup: the container's, else NULL */
        int cgroup_ns_fd;       /* the child's: its cgroup namespace, made after sync
                                 * step 4, until sent with step 6; -1 */
        bool cgroup_ns_made;    /* the child's: launch_cgroup_namespace() ran */
        pid_t join_cgroup_of;   /* exec: the container's init, whose cgroups
                                 * the command joins (sync step 4) */
        char *const *join_cgroups; /* userbox-oci exec: the cgroups it joins */
        /* The launcher's alone (the child never touches them): the
         * network's plan, and its helper once started (sync step 2). */
        const struct net_plan *net_plan;
        struct net_helper *net_helper;
        const struct launch_oci *oci; /* userbox-oci create, else NULL */
        const struct launch_oci_exec *oci_exec; /* userbox-oci exec, else NULL */
};

/* The launcher from sync step 6 on (supervise.c): the child's messages,
 * the signals it forwards, the terminal, until the command exits. Returns
 * its exit status, or -errno (printed). Closes sync_fd. */
int supervise(struct child *child, pid_t pid, int sync_fd, int sigfd);
/* userbox-oci create's launcher after sync step 5: the terminal (step 7)
 * and step 10, then child->oci->created; exec --detach's: step 7 and the
 * command's exec (9), then child->oci_exec->started. Returns its result,
 * or -errno (printed) when the child failed. Does not close sync_fd. */
int supervise_created(struct child *child, pid_t pid, int sync_fd);

/* The child's side, right after clone: sync steps 1 and 3 around
 * mode->prepare, then mode->child_main. */
_Noreturn void child_start(struct child *child);
/* The child_main of each mode: userbox run's container, unshare's host
 * command, cp's copy, exec's command in a running container. */
_Noreturn void container_main(struct child *child);
_Noreturn void unshare_main(struct child *child);
_Noreturn void copy_main(struct child *child);
_Noreturn void helper_main(struct child *child);
_Noreturn void exec_main(struct child *child);
/* run's prepare: what needs no id map (hostname, loopback, the mounts of
 * rootfs_setup_early). */
int container_prepare(struct child *child);
/* sync step 8: reports r (and the message log_deferred captured) to the
 * launcher, or after step 10 prints it, then _exit()s with exit_status. */
_Noreturn void child_fail(struct child *child, int r, int exit_status);
/* child.c, for every mode that runs a command in a container: its
 * environment, limits, filter, network and terminal (sync steps 4, 5, 7),
 * then the last steps and its execve (sync step 9). */
int prepare_command(struct child *child, const struct user_identity *id, char ***env);
/* The child's cgroup namespace, once it is in the container's cgroups
 * (entered at sync step 4, or moved there by the launcher by then and by
 * its answer to step 11): its root is then the container's cgroup. Once;
 * a no-op without a cgroup of its own (clone made the namespace). */
int launch_cgroup_namespace(struct child *child);
/* /sys/fs/cgroup as the container's own (mounts_cgroup_view()): run's
 * after the pivot (rootfd -1), userbox-oci's before it, in the root
 * rootfd names. Prints its errors. */
int launch_cgroup_view(struct child *child, int rootfd);
/* sync step 4: the seccomp filter, once (the launcher made the
 * container's cgroups before it sent it), and the cgroups the child
 * enters itself, entered. Prints its errors. */
int receive_seccomp(struct child *child);
_Noreturn void command_exec(struct child *child, const struct user_identity *id, char **env);
/* exec-child.c: a joining mode's child, right after clone (no id map to
 * wait for: no sync steps 1 to 3), then mode->child_main. */
_Noreturn void child_start_joined(struct child *child);

/* Plans what the mode needs and spawns the child (parent.c): the one
 * entry every mode's launch goes through. Returns the command's exit
 * status, or -errno (printed). */
int launch_child(struct child *child);

/* userbox-oci (oci-launch.c, oci-child.c). Without a user namespace in
 * config.json: the ids our own namespace maps, as the plan. */
void oci_plan_without_user_namespace(struct idmap_plan *plan);
/* Under AddressSanitizer, LeakSanitizer's check now rather than at exit:
 * call it before joining a pid namespace (parent.c). */
void launch_leak_check_now(void);
/* Before clone: the pid namespace config.json names by path, if any. */
int oci_join_pid_namespace(const struct launch_oci *o);
/* The child's prepare: the namespaces config.json names by path joined,
 * then container_prepare. */
int oci_prepare(struct child *child);
/* process.oomScoreAdj for this process and what it forks: /proc/self of
 * a non-dumpable process belongs to root, so the caller is dumpable (the
 * create child until "go") or makes itself so (exec's launcher). Prints
 * why it cannot (going lower takes CAP_SYS_RESOURCE). */
int oci_oom_score_adj_set(int value);
/* sync step 10: says "created" and waits for start. */
void oci_wait_for_start(struct child *child);
/* userbox-oci exec (oci-join.c): the namespaces of pid that differ from ours,
 * and the identity e gives, as userbox exec has them from a launcher. */
int oci_exec_target(const struct launch_oci_exec *e, const struct config *c, struct launch_namespaces *ns,
                    struct exec_identity **ret);

/* Before clone: what the container would otherwise refuse only after it:
 * a Hostname= without a UTS namespace, a numeric User= outside the id
 * map, a resource limit above the launcher's hard limit. (A limit by
 * cgroup is planned in launch(), by cgroup_plan().) Prints the error with
 * where the setting came from. */
int container_check(const struct config *c, const struct idmap_plan *plan);
/* The user's ids must be in the map, checked before clone for a numeric
 * User= and in the child for a name. named: the spec was a name. */
int check_user_mapped(const struct config *c, const struct idmap_plan *plan, uid_t uid, gid_t gid, bool named);
/* "FILE:LINE: [Limits] NOFILE" or "--limit NOFILE", for messages. */
const char *rlimit_origin_name(const struct rlimit_entry *e, char *buf, size_t size);
/* PID 1 of the container: forwards signals to child, reaps every orphan,
 * and exits with child's status (128+N for a signal). Never returns. */
_Noreturn void init_run(pid_t child);

/* A wait status as an exit status: the code, or 128+N for signal N. */
int init_exit_status(int status);

/* The signals init and the launcher forward to the command. */
extern const int init_forwarded_signals[];
extern const unsigned init_n_forwarded_signals;

/* SIGTERM, SIGINT, SIGHUP, SIGQUIT: what ends a command. */
bool init_is_end_signal(int sig);

/* Sends sig to the process group pid leads, or to pid alone while it
 * leads none (before its setsid or setpgid). */
void init_signal_group(pid_t pid, int sig);

/* A named container (design §10), named.c: what its launcher holds. The
 * launcher claims NAME/ before clone and keeps its lock for its whole
 * life; the child closes every fd of this at once (named_in_child). */
struct named {
        bool detach;
        bool started;           /* sync step 9 passed: NAME/state written */
        int root_fd;            /* the state root */
        struct state_claim claim;
        struct state state;     /* NAME/state as last written */
        int notify_fd;          /* -d: the socket to the foreground process, until step 9 */
        int null_fd;            /* -d: the command's stdin, until clone */
        int output[2];          /* -d: the command's stdout and stderr; [1] until clone */
        int log_fd;             /* -d: NAME/log, O_APPEND */
        uint64_t log_size;
        /* For exec: the container's namespaces (opened at sync step 1), the
         * command's identity (sent at sync step 6), and the control socket
         * STATE/NAME/control that hands them out. */
        struct launch_namespaces ns;
        struct exec_identity *identity;
        int control_fd;
        char *config_text;      /* the config as run, as `userbox config` prints it */
        size_t config_size;
};

void named_init(struct named *n, bool detach);
/* -d: forks. The foreground process waits until the background one has
 * started the command or failed: returns 1 with *ret_status, the exit
 * status for userbox (0 once the name is printed). The background one
 * returns 0 in a session of its own, the launcher from then on. */
int named_detach(struct named *n, int *ret_status);
/* After launch_check, before clone: claims NAME/ (a generated name for -d
 * without one, put in c->name), writes NAME/config, and for -d prepares
 * the command's stdio and NAME/log. argv: the command. */
int named_claim(struct named *n, struct config *c, char **argv);
/* In the child, first thing: closes the launcher's fds (the lock above
 * all: a container must not keep a killed launcher's name looking alive),
 * and for -d makes 0, 1, 2 /dev/null and the output pipe. */
int named_in_child(const struct named *n);
/* In the launcher right after clone: the child has its copies. */
void named_cloned(struct named *n);
/* sync step 9: writes NAME/state; -d: tells the foreground process the
 * name, and leaves the launcher's stdio to /dev/null. reaped: the child
 * ended, and was waited for, before the launcher read it. */
int named_started(struct named *n, pid_t pid, bool init, bool reaped);
/* -d: copies the command's output into NAME/log, rotated at STATE_LOG_MAX:
 * one read, or to_end everything there is. */
void named_copy_output(struct named *n, bool to_end);
/* The launch is over with r (an exit status, or -errno): -d after step 9
 * leaves NAME/ with status "exited"; otherwise NAME/ is removed. Releases
 * everything. Returns r. */
int named_end(struct named *n, int r);
