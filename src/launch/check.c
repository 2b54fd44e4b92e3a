/* SPDX-License-Identifier: Apache-2.0 */
/* The checks made before clone: settings the container would otherwise
 * refuse only after it, each refused with where it came from. */
#include <inttypes.h>
#include <stdio.h>
#include <sys/resource.h>

#include "launch-internal.h"
#include "security.h"
#include "util.h"
#include "profile.h"

/* "FILE:LINE: [Limits] NOFILE" or "--limit NOFILE", for messages. */
const char *rlimit_origin_name(const struct rlimit_entry *e, char *buf, size_t size) {
        const char *name = profile_rlimit_name(e->resource) ?: "?";
        char option[64];

        snprintf(option, sizeof(option), "--limit %s", name);
        return config_origin_name(&e->origin, "Limits", name, option, buf, size);
}

/* Raising a hard limit needs CAP_SYS_RESOURCE in the initial user
 * namespace, which no container has: a limit above the launcher's own hard
 * limit would fail after clone, so it is refused here. */
static int check_rlimits(const struct config *c) {
        for (size_t i = 0; i < c->n_rlimits; i++) {
                const struct rlimit_entry *e = &c->rlimits[i];
                char where[CONFIG_ORIGIN_NAME_MAX], wanted[PROFILE_RLIMIT_VALUE_MAX], allowed[PROFILE_RLIMIT_VALUE_MAX];
                struct rlimit now;

                if (getrlimit(e->resource, &now) < 0)
                        return log_errno(-errno, "%s: reading the current limit",
                                         rlimit_origin_name(e, where, sizeof(where)));
                if (e->hard > (uint64_t) now.rlim_max)
                        return log_error("%s: %s is above the hard limit of this session, %s, which only "
                                         "root can raise", rlimit_origin_name(e, where, sizeof(where)),
                                         profile_rlimit_value_text(e->hard, wanted, sizeof(wanted)),
                                         profile_rlimit_value_text(now.rlim_max, allowed, sizeof(allowed)));
        }
        return 0;
}

/* The user's ids must be in the map: setresuid/setresgid to an unmapped
 * id fails with EINVAL, which says nothing of why. named: the spec was a
 * name, whose ids came from the container's /etc/passwd. */
int check_user_mapped(const struct config *c, const struct idmap_plan *plan, uid_t uid, gid_t gid,
                             bool named) {
        _cleanup_free_ char *reason = NULL;
        char where[CONFIG_ORIGIN_NAME_MAX];
        int r = idmap_check_inside(plan, uid, gid, &reason);

        if (r >= 0)
                return 0;
        config_origin_name(&c->origins[KEY_USER], "Container", "User", "--user", where, sizeof(where));
        if (named)
                return log_error("%s: '%s' in the container's /etc/passwd: %s", where, c->user,
                                 reason ?: strerror(-r));
        return log_error("%s: %s", where, reason ?: strerror(-r));
}

/* A numeric User= is checked before clone; a name only can be, after the
 * root's /etc/passwd is read in container_main(). */
static int check_numeric_user(const struct config *c, const struct idmap_plan *plan) {
        _cleanup_(user_spec_done) struct user_spec u = {};
        int r = c->user ? user_spec_parse(c->user, &u) : -EINVAL;

        if (r == -ENOMEM)
                return log_errno(r, "checking the user");
        if (r < 0 || !u.numeric_user)
                return 0; /* user_resolve() says what is wrong with it */
        return check_user_mapped(c, plan, (uid_t) u.uid, (gid_t) u.gid, false);
}

/* MemorySwap= counts memory and swap together, as docker's --memory-swap:
 * without Memory=, or below it, it means nothing the kernel takes. */
static int check_memory_swap(const struct config *c) {
        char where[CONFIG_ORIGIN_NAME_MAX];

        if (!c->memory_swap || (c->memory && c->memory_swap >= c->memory))
                return 0;
        config_origin_name(&c->origins[KEY_MEMORY_SWAP], "Limits", "MemorySwap", "--limit MemorySwap", where,
                           sizeof(where));
        if (!c->memory)
                return log_error("%s: needs Memory= (it is memory and swap together)", where);
        return log_error("%s: is memory and swap together: at least Memory= (%" PRIu64 " bytes)", where, c->memory);
}

int container_check(const struct config *c, const struct idmap_plan *plan) {
        char where[CONFIG_ORIGIN_NAME_MAX];
        int r;

        /* Without a UTS namespace of its own the container has the host's
         * name, which it may not change: the name asked for would only
         * reach $HOSTNAME, a lie to every program that asks the kernel. */
        if (c->hostname && !c->uts)
                return log_error("%s: needs [Namespaces] UTS=yes",
                                 config_origin_name(&c->origins[KEY_HOSTNAME], "Container", "Hostname",
                                                    "--hostname", where, sizeof(where)));
        r = check_numeric_user(c, plan);
        if (r >= 0)
                r = check_rlimits(c);
        if (r >= 0)
                r = check_memory_swap(c);
        return r;
}

