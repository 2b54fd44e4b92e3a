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

/* The container's side of a launch: what runs in the cloned child after
 * clone (hostname, network, root file system, user,
 * environment, limits, terminal, init, exec), and the messages it sends
 * the launcher on the sync socket. */

/* What the child sends on the sync socket when it fails: the message is
 * printed once, by the parent. A successful exec closes the socket
 * (O_CLOEXEC), which the parent reads as end-of-file. */
enum sync_type {
        SYNC_FAILED,            /* setup or exec failed: print text */
        SYNC_PTY,               /* the pty master comes along (SCM_RIGHTS) */
};

struct sync_message {
        int32_t type;           /* enum sync_type */
        int32_t error;          /* positive errno */
        int32_t exit_status;    /* 125, or 126/127 for exec failures */
        char text[1024];
};

/* BPF_MAXINSNS instructions of 8 bytes, plus one byte of header. */
#define SECCOMP_MESSAGE_MAX (4096 * 8 + 1)

struct child {
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
        void *seccomp_filter;
        struct rootfs_state rootfs_state; /* container_prepare() to container_main() */
};

typedef void (*child_main_fn)(struct child *child);

/* Runs in the child right after clone: the sync steps, then main_fn. */
_Noreturn void child_start(struct child *child, child_main_fn main_fn);
/* userbox unshare's command and userbox cp's copy, in the child. */
_Noreturn void unshare_main(struct child *child);
_Noreturn void copy_main(struct child *child);

/* Before clone: what the container would otherwise refuse only after it:
 * a Hostname= without a UTS namespace, a numeric User= outside the id
 * map, a resource limit above the launcher's hard limit, a limit by cgroup
 * (not implemented). Prints the error with where the setting came from. */
int container_check(const struct config *c, const struct idmap_plan *plan);
/* The user's ids must be in the map, checked before clone for a numeric
 * User= and in the child for a name. named: the spec was a name. */
int check_user_mapped(const struct config *c, const struct idmap_plan *plan, uid_t uid, gid_t gid, bool named);
/* "FILE:LINE: [Limits] NOFILE" or "--limit NOFILE", for messages. */
const char *rlimit_origin_name(const struct rlimit_entry *e, char *buf, size_t size);
const char *rlimit_value_text(uint64_t value, char *buf, size_t size);
/* Reports r (and the captured message) to the launcher, then _exit()s. */
_Noreturn void child_fail(struct child *child, int r, int exit_status);
/* An exec that failed: 127 for not found, 126 otherwise. */
_Noreturn void exec_failed(struct child *child, int r);
/* Right after clone, before the id map is written: what needs no mapped
 * id (hostname, loopback, the mounts of rootfs_setup_early). Returns
 * -errno with the message captured; the caller reports it after the map. */
int container_prepare(struct child *child);
/* The container's PID 1 path, after the id map: never returns. */
_Noreturn void container_main(struct child *child);

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
