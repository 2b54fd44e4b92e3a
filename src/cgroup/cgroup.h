/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* The container's own cgroup, for the limits of [Limits] Memory=, CPUs=
 * and PIDs= (design §13). A user may only write a cgroup an administrator
 * or systemd delegated to them: on cgroup v2 one directory for all
 * controllers, on cgroup v1 one per controller's hierarchy (a hybrid host
 * mixes both: each controller goes where it is mounted). userbox makes
 * userbox-[NAME-]PID below the delegated directory of each hierarchy it
 * needs: the v2 one before clone, which places the child in it (clone3),
 * the v1 ones and the limits at sync step 3, while the child builds its
 * root; run's child enters them itself before its command starts (it is
 * moved into them otherwise). It removes them, killing what is left,
 * when the container ends.
 * Without limits nothing here runs. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include "profile.h"

enum cgroup_controller {
        CGROUP_MEMORY,
        CGROUP_CPU,
        CGROUP_PIDS,
        CGROUP_BLKIO,           /* v2: io */
        CGROUP_HUGETLB,
        CGROUP_CPUSET,
        _CGROUP_CONTROLLER_MAX,
};

/* One file to write in the container's cgroup, and its value. */
struct cgroup_write {
        enum cgroup_controller controller;
        enum config_key key;    /* the [Limits] key it comes from */
        const char *setting;    /* else config.json's field (userbox-oci) */
        char file[48];
        char value[256];
};
#define CGROUP_WRITES_MAX 16

/* Which file gets which value for c's limits, on cgroup v1 (version 1) or
 * v2, in the order they are written. Returns how many (0: no limit). Pure:
 * the unit tests check it for both versions. */
size_t cgroup_plan_writes(const struct config *c, int version, struct cgroup_write w[CGROUP_WRITES_MAX]);
/* The controller's name in cgroup v1 (version 1) or v2. */
const char *cgroup_controller_name(enum cgroup_controller controller, int version);

/* One hierarchy the container's cgroup is made in. */
struct cgroup_hierarchy {
        int version;            /* 1 or 2 */
        unsigned controllers;   /* 1 << enum cgroup_controller it serves */
        char *parent;           /* the delegated directory, absolute */
        char *below;            /* the cgroup below parent: linux.cgroupsPath's
                                 * part; NULL: userbox-[NAME-]PID */
        char *path;             /* parent/below, once made */
        char *mount;            /* the hierarchy's mount point (planned ones) */
        int fd;                 /* v2: path opened, for clone3's CLONE_INTO_CGROUP; -1 */
};

struct cgroup {
        /* One per controller at most, and v2's without one (hybrid). */
        struct cgroup_hierarchy hierarchies[_CGROUP_CONTROLLER_MAX + 1];
        size_t n_hierarchies;
        struct cgroup_write writes[CGROUP_WRITES_MAX];
        size_t n_writes;
        bool cloned_into;       /* the child was born in the v2 cgroup: attach skips it */
        bool made;              /* cgroup_attach made the rest: not again */
        char leaf[300];         /* userbox-[NAME-]PID */
        const struct config *config;    /* whose limits: cgroup_create's; NULL
                                         * for cgroup_of's */
};

/* Before clone: where each controller c's limits need is delegated to
 * the user. *ret is NULL when c sets no cgroup limit. A limit that cannot
 * be enforced is an error, printed with the setting's origin and every
 * place looked at. */
int cgroup_plan(const struct config *c, struct cgroup **ret);
/* For `userbox config`: "# cgroup: v1 DIR/userbox-[NAME-]PID:
 * memory.limit_in_bytes=N", one line per hierarchy. */
void cgroup_print_plan(const struct cgroup *cg, const char *name, FILE *f);
/* Before clone: makes the cgroup userbox-[NAME-]PID (or
 * linux.cgroupsPath's) where clone3 can place the child, the v2 hierarchy.
 * Prints its error. */
int cgroup_create(struct cgroup *cg, const struct config *c);
/* The v2 cgroup's directory, for clone3's CLONE_INTO_CGROUP, or -1: a
 * process born in its cgroup is never moved there. A move waits in the
 * kernel (0.1 ms on the quiet test machine, 4 ms loaded) and slows the
 * child meanwhile: made after clone, the launch took longer
 * (bench/README.md, sessions 10 and 14). After a clone into it,
 * cgroup_cloned_into(). */
int cgroup_clone_fd(const struct cgroup *cg);
void cgroup_cloned_into(struct cgroup *cg);
/* The directory of the container's cgroup in hierarchy h of cg, made or
 * not yet (the child knows its name before the launcher makes it): into
 * buf; false when it does not fit. */
bool cgroup_dir(const struct cgroup *cg, const struct cgroup_hierarchy *h, char *buf, size_t size);
/* After clone, the first time: removes what killed launchers left under
 * each parent, makes the cgroups create did not and writes the limits.
 * Then moves pid into the cgroup of every hierarchy it was not born in.
 * Prints its error. */
int cgroup_attach(struct cgroup *cg, pid_t pid);
/* The same, leaving the v1 hierarchies to the child pid itself: the
 * `tasks` file of each is opened into fds (at most
 * _CGROUP_CONTROLLER_MAX + 1 of them, their number in *n_fds) for it to
 * enter with cgroup_enter. A move by another process takes a lock that
 * every fork and exit reads, and its writer waits for an RCU grace
 * period, which cannot end before the other core, where the child builds
 * its root, passes through the scheduler: the move waits for the child,
 * the child for the move (0.6-6.6 ms a launch on the test machine). A
 * thread that moves itself ("0" to tasks) takes no such lock since Linux
 * 5.5 (and 5.4.213); on an older kernel it does, but the writer is then
 * the child itself, and the launcher's core, idle by then, holds no grace
 * period back (bench/README.md, session 16). Where a tasks file cannot be
 * opened, pid is moved as by cgroup_attach. fds NULL: cgroup_attach. */
int cgroup_attach_leaving(struct cgroup *cg, pid_t pid, int *fds, unsigned *n_fds);
/* The child, single-threaded, before its command: enters the cgroup of
 * each tasks file of fds (cgroup_attach_leaving's), and closes them.
 * Prints its error. */
int cgroup_enter(int *fds, unsigned n);
/* The cgroup of a running container: in each hierarchy, the cgroup the
 * process container (its init, as the host sees it) is in when its name
 * is leaf's last component (linux.cgroupsPath's), or userbox-* for leaf
 * NULL, and it is not the caller's own: never the cgroup of the session
 * that started it. Found in this process's mounts. *ret is NULL when it
 * is in none. Prints nothing. */
int cgroup_of(pid_t container, const char *leaf, struct cgroup **ret);
/* The directories of cgroup_of(container, leaf): state of userbox-oci,
 * for exec, kill --all and delete. *ret is empty when it is in none. */
int cgroup_paths_of(pid_t container, const char *leaf, char ***ret);
/* Kills every process in the cgroup at path and removes it (delete of a
 * userbox-oci container). */
void cgroup_remove_path(const char *path);
/* exec: moves pid into the cgroup of the container (its init, as the host
 * sees it), so that what exec starts is under the container's limits and
 * ends with it. Prints its error. */
int cgroup_join_of(pid_t container, pid_t pid);
/* userbox-oci exec: moves pid into each cgroup directory of paths (the
 * container's, as its state recorded them). Prints its error. */
int cgroup_join_paths(char *const *paths, pid_t pid);
/* The bytes its processes use now: memory.current on v2,
 * memory.usage_in_bytes on v1; -ENOENT without the memory controller. */
int cgroup_memory_usage(const struct cgroup *cg, uint64_t *ret);
/* Kills every process in the cgroup (stop, after the grace period): what
 * left the container's pid namespace's sight cannot leave its cgroup. */
void cgroup_kill(const struct cgroup *cg);
/* After the container: true when its memory limit killed a process. */
bool cgroup_memory_limit_reached(const struct cgroup *cg);
/* Kills whatever is still in the cgroup and removes it, with the empty
 * levels above it that linux.cgroupsPath named. */
void cgroup_remove(struct cgroup *cg);
/* Those levels of path, made as path's last levels from below
 * (linux.cgroupsPath's relative part): removed while empty. */
void cgroup_remove_levels(const char *path, const char *below);
void cgroup_free(struct cgroup *cg);
static inline void cgroup_freep(struct cgroup **cg) {
        cgroup_free(*cg);
}
