/* SPDX-License-Identifier: Apache-2.0 */
/* userbox-subid: the user's subordinate ranges, read with libsubid, for the
 * launcher. userbox itself is linked statically (no dynamic loader, half
 * the memory, a quarter of a millisecond less per start), and a static
 * binary can neither dlopen a shared library nor use NSS reliably: this
 * small dynamic program does both, only when a run needs the ranges.
 *
 * It answers on standard output, one line each (idmap-host.c reads it):
 *   user NAME | nouser
 *   dlerror TEXT                (when libsubid cannot be loaded)
 *   uid R [START COUNT]...      R: 0, or a negative errno
 *   gid R [START COUNT]...
 *   end
 * and closes it before exiting, so the launcher need not wait for its
 * exit. libsubid's own complaints go to standard error, as userbox's. */
#include <dlfcn.h>
#include <errno.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <shadow/subid.h>

#include "config.h"

static struct {
        void *handle;
        bool (*init)(const char *progname, FILE *logfd);
        int (*get_uid_ranges)(const char *owner, struct subid_range **ranges);
        int (*get_gid_ranges)(const char *owner, struct subid_range **ranges);
        void (*free)(void *ptr); /* subid_free() exists only from shadow 4.16 on */
} libsubid;

/* dlopen rather than a link: a machine without libsubid still gets an
 * answer (and `auto` its fallback), with the loader's reason. */
static int subid_load(void) {
        libsubid.handle = dlopen(LIBSUBID_SONAME, RTLD_NOW | RTLD_LOCAL);
        if (!libsubid.handle)
                return -ELIBACC;
        libsubid.init = (bool (*)(const char *, FILE *)) dlsym(libsubid.handle, "subid_init");
        libsubid.get_uid_ranges = (int (*)(const char *, struct subid_range **)) dlsym(libsubid.handle, "subid_get_uid_ranges");
        libsubid.get_gid_ranges = (int (*)(const char *, struct subid_range **)) dlsym(libsubid.handle, "subid_get_gid_ranges");
        libsubid.free = (void (*)(void *)) dlsym(libsubid.handle, "subid_free");
        if (!libsubid.free)
                libsubid.free = free;
        if (!libsubid.get_uid_ranges || !libsubid.get_gid_ranges)
                return -ELIBBAD;
        /* libsubid prints its own complaints (an unreadable /etc/subuid, a
         * broken NSS module): make them read as the launcher's. */
        if (libsubid.init)
                (void) libsubid.init("userbox", stderr);
        return 0;
}

/* Ranges by user name, not uid: libsubid then asks whatever source
 * nsswitch.conf names for "subid" (files, SSSD, ...). */
static void print_ranges(const char *kind, const char *user, int load) {
        struct subid_range *ranges = NULL;
        int count;

        if (load < 0) {
                printf("%s %d\n", kind, load);
                return;
        }
        count = kind[0] == 'g' ? libsubid.get_gid_ranges(user, &ranges) : libsubid.get_uid_ranges(user, &ranges);
        if (count < 0) {
                printf("%s %d\n", kind, -EIO);
        } else {
                printf("%s 0", kind);
                for (int i = 0; i < count; i++)
                        printf(" %lu %lu", ranges[i].start, ranges[i].count);
                printf("\n");
        }
        if (ranges)
                libsubid.free(ranges);
}

int main(int argc, char **argv) {
        struct passwd *pw;
        int load;

        (void) argv;
        if (argc != 1) {
                fprintf(stderr, "userbox-subid: takes no arguments (it is run by userbox)\n");
                return 2;
        }
        pw = getpwuid(getuid());
        if (!pw) {
                printf("nouser\nend\n");
                return fclose(stdout) == 0 ? 0 : 1;
        }
        printf("user %s\n", pw->pw_name);
        load = subid_load();
        if (load == -ELIBACC) {
                const char *e = dlerror();
                printf("dlerror %s\n", e ? e : "unknown error");
        }
        print_ranges("uid", pw->pw_name, load);
        print_ranges("gid", pw->pw_name, load);
        printf("end\n");
        return fclose(stdout) == 0 ? 0 : 1;
}
