/* SPDX-License-Identifier: Apache-2.0 */
/* Capabilities: names to numbers (libcap), and the drop before exec:
 * bounding set, then ids, then what uid 0 keeps. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "security.h"
#include "util.h"

#define CAP_BIT(n) (UINT64_C(1) << (n))
/* The sets are 64-bit masks: one bit per capability. */
#define CAPS_MAX 63

int caps_from_name(const char *name, int *ret) {
        char buf[64] = "cap_";
        const char *bare;
        cap_value_t value;
        size_t len;

        if (!name)
                return -EINVAL;
        bare = name;
        if (strncasecmp(bare, "cap_", 4) == 0)
                bare += 4;
        len = strlen(bare);
        if (len == 0 || len + 5 > sizeof(buf))
                return -EINVAL;
        /* libcap's parser accepts a name followed by any non-word character
         * ("chown+ep", "chown,x") and plain numbers; a profile value must be
         * exactly one name, so only word characters reach it, after a fixed
         * "cap_" prefix that keeps numbers out. */
        for (size_t i = 0; i < len; i++) {
                if (!isalnum((unsigned char) bare[i]) && bare[i] != '_')
                        return -EINVAL;
                buf[4 + i] = (char) tolower((unsigned char) bare[i]);
        }
        buf[4 + len] = 0;
        if (cap_from_name(buf, &value) < 0 || value < 0 || value > CAPS_MAX)
                return -EINVAL;
        if (ret)
                *ret = value;
        return 0;
}

const char *caps_to_name(int cap) {
        /* libcap hands out a fresh "cap_chown" each time; callers want a
         * static "CHOWN", so the converted names are kept here once made. */
        static char names[CAPS_MAX + 1][32];
        char *s;

        if (cap < 0 || cap > CAPS_MAX)
                return NULL;
        if (names[cap][0])
                return names[cap];
        s = cap_to_name((cap_value_t) cap);
        if (!s)
                return NULL;
        /* Capabilities libcap has no name for come back as bare numbers. */
        if (strncasecmp(s, "cap_", 4) != 0 || strlen(s + 4) >= sizeof(names[cap])) {
                cap_free(s);
                return NULL;
        }
        for (size_t i = 0; s[4 + i]; i++)
                names[cap][i] = (char) toupper((unsigned char) s[4 + i]);
        cap_free(s);
        return names[cap];
}

int caps_last_cap(void) {
        static int cached = -1;
        int bits;

        if (cached >= 0)
                return cached;
        /* libcap probes the kernel with PR_CAPBSET_READ: no file to read, and
         * it works in a container whose /proc is not mounted yet. */
        bits = (int) cap_max_bits();
        if (bits > 0 && bits - 1 <= CAPS_MAX) {
                cached = bits - 1;
                return cached;
        }
        {
                _cleanup_close_ int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
                _cleanup_free_ char *s = NULL;
                int last;

                if (fd >= 0 && read_full_fd(fd, 32, &s, NULL) >= 0) {
                        s[strcspn(s, "\n")] = 0;
                        if (parse_int(s, &last) >= 0 && last >= 0 && last <= CAPS_MAX) {
                                cached = last;
                                return cached;
                        }
                }
        }
        return CAP_LAST_CAP;
}

static void cap_freep(cap_t *c) {
        if (*c)
                cap_free(*c);
}

static int caps_set_process(uint64_t effective, uint64_t permitted, uint64_t inheritable) {
        static const cap_flag_t flags[] = { CAP_EFFECTIVE, CAP_PERMITTED, CAP_INHERITABLE };
        const uint64_t bits[ELEMENTSOF(flags)] = { effective, permitted, inheritable };
        _cleanup_(cap_freep) cap_t caps = cap_init(); /* every set empty */
        int last = caps_last_cap();

        if (!caps)
                return -errno;
        for (int cap = 0; cap <= last; cap++) {
                cap_value_t v = cap;
                for (size_t i = 0; i < ELEMENTSOF(flags); i++)
                        if ((bits[i] & CAP_BIT(cap)) && cap_set_flag(caps, flags[i], 1, &v, CAP_SET) < 0)
                                return -errno;
        }
        if (cap_set_proc(caps) < 0)
                return -errno;
        return 0;
}

/* A bit the kernel does not know can be neither dropped nor kept. */
static uint64_t caps_known(uint64_t set) {
        int last = caps_last_cap();
        return last < CAPS_MAX ? set & (CAP_BIT(last + 1) - 1) : set;
}

/* The bounding set first: PR_CAPBSET_DROP needs CAP_SETPCAP, which may
 * itself be dropped later, so nothing may come before it that lowers the
 * effective set. The bounding set is what limits every later execve: a
 * setuid-root or file-capability binary inside can never gain a
 * capability dropped here. */
static int drop_bounding(uint64_t keep) {
        int last = caps_last_cap();

        for (int cap = 0; cap <= last; cap++) {
                if (keep & CAP_BIT(cap))
                        continue;
                if (prctl(PR_CAPBSET_DROP, (unsigned long) cap, 0, 0, 0) < 0) {
                        /* EINVAL: a capability this kernel build never had. */
                        if (errno == EINVAL)
                                continue;
                        return log_errno(-errno, "dropping capability %s from the bounding set",
                                         caps_to_name(cap) ?: "?");
                }
        }
        return 0;
}

/* Groups before ids: setgroups and setresgid need CAP_SETGID, which
 * setresuid to a non-zero uid clears. */
static int switch_ids(uid_t uid, gid_t gid, const gid_t *groups, size_t n_groups, bool set_groups) {
        if (set_groups && setgroups(n_groups, n_groups ? groups : NULL) < 0)
                return log_errno(-errno, "setgroups to %zu supplementary groups", n_groups);
        if (setresgid(gid, gid, gid) < 0)
                return log_errno(-errno, "setresgid to %u", (unsigned) gid);
        if (setresuid(uid, uid, uid) < 0)
                return log_errno(-errno, "setresuid to %u", (unsigned) uid);
        return 0;
}

int caps_apply(uint64_t keep, uid_t uid, gid_t gid, const gid_t *groups, size_t n_groups,
               bool set_groups) {
        int r;

        keep = caps_known(keep);
        r = drop_bounding(keep);
        /* No PR_SET_KEEPCAPS: the switch to a non-zero uid clears permitted
         * and effective, so a non-root --user keeps no capability. */
        if (r >= 0)
                r = switch_ids(uid, gid, groups, n_groups, set_groups);
        if (r < 0)
                return r;

        /* Inheritable empty and ambient cleared: a non-empty inheritable or
         * ambient set would hand capabilities across execve to programs
         * that never asked for them (CVE-2022-29162). Only uid 0 keeps
         * permitted and effective; the kernel recomputes them at execve
         * from the bounding set anyway. */
        r = caps_set_process(uid == 0 ? keep : 0, uid == 0 ? keep : 0, 0);
        if (r < 0)
                return log_errno(r, "setting the capability sets");
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
                return log_errno(-errno, "clearing the ambient capabilities");
        return 0;
}

/* config.json names every set itself (runc's and crun's meaning): here the
 * inheritable and ambient sets are what the engine asked for, so they are
 * set, not cleared as for a profile. */
int caps_apply_sets(const struct caps_sets *sets, uid_t uid, gid_t gid, const gid_t *groups, size_t n_groups,
                    bool set_groups) {
        int r;

        r = drop_bounding(caps_known(sets->bounding));
        if (r < 0)
                return r;
        /* Permitted must survive the switch to a non-zero uid, for the
         * effective and ambient sets the spec gives such a user. */
        if (uid != 0 && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
                return log_errno(-errno, "prctl(PR_SET_KEEPCAPS)");
        r = switch_ids(uid, gid, groups, n_groups, set_groups);
        if (r < 0)
                return r;
        r = caps_set_process(caps_known(sets->effective), caps_known(sets->permitted), caps_known(sets->inheritable));
        if (r < 0)
                return log_errno(r, "setting the effective, permitted and inheritable capabilities");
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
                return log_errno(-errno, "clearing the ambient capabilities");
        for (int cap = 0; cap <= caps_last_cap(); cap++)
                if ((sets->ambient & CAP_BIT(cap)) &&
                    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, (unsigned long) cap, 0, 0) < 0)
                        return log_errno(-errno, "raising the ambient capability %s (it must be permitted and "
                                         "inheritable)", caps_to_name(cap) ?: "?");
        return 0;
}
