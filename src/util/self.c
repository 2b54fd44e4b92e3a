/* SPDX-License-Identifier: Apache-2.0 */
/* Where this userbox runs from (self_locate() in util.h). The installation directories are
 * compiled in here and nowhere else: paths.h is written by make, and only
 * this file is rebuilt when ./configure --prefix (or make prefix=) changes
 * them. */
#include <limits.h>

#include "paths.h"
#include "util.h"
#include "profile.h"

static struct {
        char dir[PATH_MAX];     /* the binary's directory; "": unknown */
        bool uninstalled;
} self;

void self_locate(const char *exe) {
        size_t n;

        /* A memfd's link ("/memfd:userbox (deleted)") is no place. */
        if (!exe || exe[0] != '/' || startswith(exe, "/memfd:"))
                return;
        n = (size_t) (strrchr(exe, '/') - exe);
        if (n >= sizeof(self.dir))
                return;
        if (n == 0)
                n = 1; /* in "/" itself */
        memcpy(self.dir, exe, n);
        self.dir[n] = '\0';
        self.uninstalled = streq(self.dir, USERBOX_BUILDDIR);
}

bool self_uninstalled(void) {
        return self.uninstalled;
}

const char *self_profile_dir(void) {
        return self.uninstalled ? USERBOX_SRCDIR "/conf" : USERBOX_PROFILEDIR;
}

const char *self_sysconf_profile_dir(void) {
        return USERBOX_SYSCONFPROFILEDIR;
}

int self_subid_helper(char **ret) {
        return self_helper("userbox-subid", ret);
}

int self_helper(const char *name, char **ret) {
        if (self.dir[0]) {
                _cleanup_free_ char *reason = NULL;

                *ret = path_join(self.dir, name);
                if (!*ret)
                        return -ENOMEM;
                /* It runs as the user: one beside a copy of userbox in a
                 * directory others may write (/tmp) must be the user's own,
                 * as a profile there must. */
                if (access(*ret, X_OK) == 0 && profile_file_trusted(*ret, &reason) >= 0)
                        return 0;
                if (reason)
                        log_warning("ignoring %s", reason);
                free(*ret);
        }
        *ret = path_join(USERBOX_LIBEXECDIR, name);
        if (!*ret)
                return -ENOMEM;
        return access(*ret, X_OK) == 0 ? 0 : -errno;
}
