/* SPDX-License-Identifier: Apache-2.0 */
/* userbox-oci exec, before its launch: what joining a container takes
 * when no launcher of ours is there to ask (create's exited): its
 * namespaces from /proc/PID/ns, and who the command is from config.json
 * and exec's options. The launch itself is parent.c's oci-exec mode. */
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "launch-internal.h"
#include "util.h"

/* True when /proc/PID/ns/NAME is another namespace than ours: one the
 * container shares with us (podman's user namespace, the host's network)
 * is not joined, and setns() into one's own user namespace fails. */
static int namespace_differs(pid_t pid, const char *name) {
        char path[64];
        struct stat theirs, ours;

        snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int) pid, name);
        if (stat(path, &theirs) < 0)
                return log_errno(-errno, "the container's %s namespace ('%s')", name, path);
        snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
        if (stat(path, &ours) < 0)
                return log_errno(-errno, "'%s'", path);
        return theirs.st_ino != ours.st_ino || theirs.st_dev != ours.st_dev;
}

/* Whether the container's user namespace lets it set its groups (a map
 * written directly denies it). */
static bool setgroups_allowed(pid_t pid) {
        char path[64], text[16] = "";
        _cleanup_fclose_ FILE *f = NULL;

        snprintf(path, sizeof(path), "/proc/%d/setgroups", (int) pid);
        f = fopen(path, "re");
        return !f || !fgets(text, sizeof(text), f) || !startswith(text, "deny");
}

int oci_exec_target(const struct launch_oci_exec *e, const struct config *c, struct launch_namespaces *ns,
                    struct exec_identity **ret) {
        unsigned long flags = 0;
        struct exec_identity *id;
        int r;

        (void) c;
        for (unsigned i = 0; i < LAUNCH_NS_MAX; i++) {
                r = namespace_differs(e->container_pid, launch_ns_kinds[i].name);
                if (r < 0)
                        return r;
                if (r > 0)
                        flags |= launch_ns_kinds[i].flag;
        }
        r = launch_namespaces_open(e->container_pid, flags, ns);
        if (r < 0)
                return r;
        if (e->n_groups > EXEC_IDENTITY_GROUPS_MAX)
                return log_error("process.user.additionalGids: more than %d groups", EXEC_IDENTITY_GROUPS_MAX);
        id = calloc(1, sizeof(*id) + e->n_groups * sizeof(id->groups[0]));
        if (!id)
                return log_errno(-ENOMEM, "the command's identity");
        *id = (struct exec_identity) {
                .type = SYNC_IDENTITY, .ns_flags = (uint32_t) flags, .uid = e->uid, .gid = e->gid,
                .own_uid = e->uid, .own_gid = e->gid,
                .setgroups_allowed = setgroups_allowed(e->container_pid),
                .n_groups = (uint32_t) e->n_groups,
        };
        id->set_groups = id->setgroups_allowed;
        snprintf(id->home, sizeof(id->home), "/");
        for (size_t i = 0; i < e->n_groups; i++)
                id->groups[i] = (uint32_t) e->groups[i];
        *ret = id;
        return 0;
}
