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

static int caps_set_process(uint64_t keep) {
        _cleanup_(cap_freep) cap_t caps = cap_init(); /* every set empty */
        int last = caps_last_cap();

        if (!caps)
                return -errno;
        for (int cap = 0; cap <= last; cap++) {
                cap_value_t v = cap;
                if (!(keep & CAP_BIT(cap)))
                        continue;
                if (cap_set_flag(caps, CAP_PERMITTED, 1, &v, CAP_SET) < 0 ||
                    cap_set_flag(caps, CAP_EFFECTIVE, 1, &v, CAP_SET) < 0)
                        return -errno;
        }
        if (cap_set_proc(caps) < 0)
                return -errno;
        return 0;
}

int caps_apply(uint64_t keep, uid_t uid, gid_t gid, const gid_t *groups, size_t n_groups,
               bool set_groups) {
        int last = caps_last_cap(), r;

        /* A bit the kernel does not know can be neither dropped nor kept. */
        if (last < CAPS_MAX)
                keep &= CAP_BIT(last + 1) - 1;

        /* The bounding set first: PR_CAPBSET_DROP needs CAP_SETPCAP, which
         * may itself be dropped here, so nothing may come before it that
         * lowers the effective set. The bounding set is what limits every
         * later execve: a setuid-root or file-capability binary inside can
         * never gain a capability dropped here. */
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

        /* Groups before ids: setgroups and setresgid need CAP_SETGID, which
         * setresuid to a non-zero uid clears. */
        if (set_groups && setgroups(n_groups, n_groups ? groups : NULL) < 0)
                return log_errno(-errno, "setgroups to %zu supplementary groups", n_groups);
        if (setresgid(gid, gid, gid) < 0)
                return log_errno(-errno, "setresgid to %u", (unsigned) gid);
        /* No PR_SET_KEEPCAPS: the switch to a non-zero uid clears permitted
         * and effective, so a non-root --user keeps no capability. */
        if (setresuid(uid, uid, uid) < 0)
                return log_errno(-errno, "setresuid to %u", (unsigned) uid);

        /* Inheritable empty and ambient cleared: a non-empty inheritable or
         * ambient set would hand capabilities across execve to programs
         * that never asked for them (CVE-2022-29162). Only uid 0 keeps
         * permitted and effective; the kernel recomputes them at execve
         * from the bounding set anyway. */
        r = caps_set_process(uid == 0 ? keep : 0);
        if (r < 0)
                return log_errno(r, "setting the capability sets");
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
                return log_errno(-errno, "clearing the ambient capabilities");
        return 0;
}
