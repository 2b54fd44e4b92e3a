/* SPDX-License-Identifier: Apache-2.0 */
/* userbox-subid: the user's subordinate ranges, read with libsubid, for the
 * launcher. userbox itself is linked statically (no dynamic loader, half
 * the memory, a quarter of a millisecond less per start), and a static
 * glibc binary can use neither NSS nor a shared library reliably: this
 * small dynamic program does both, only when a run needs the ranges.
 * configure links libsubid's static archive into it when there is one,
 * and those of libaudit and libselinux (with theirs) when they are there
 * too: of libsubid.so's eleven shared dependencies only libc is then
 * loaded (NSS needs it shared). Each step saves time per run: ~0.8 ms
 * with libsubid.a, ~0.25 ms more with the others static.
 *
 * It answers on standard output, one line each (idmap-grant.c reads it):
 *   user NAME | nouser
 *   uid R [START COUNT]...      R: 0, or a negative errno
 *   gid R [START COUNT]...
 *   end
 * and closes it before exiting, so the launcher need not wait for its
 * exit. libsubid's own complaints go to standard error. */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <shadow/subid.h>

#include "profile.h"

/* Ranges by user name, not uid: libsubid then asks whatever source
 * nsswitch.conf names for "subid" (files, SSSD, ...). */
static void print_ranges(const char *kind, const char *user) {
        struct subid_range *ranges = NULL;
        int count = kind[0] == 'g' ? subid_get_gid_ranges(user, &ranges) : subid_get_uid_ranges(user, &ranges);

        if (count < 0) {
                printf("%s %d\n", kind, -EIO);
        } else {
                printf("%s 0", kind);
                for (int i = 0; i < count; i++)
                        printf(" %lu %lu", ranges[i].start, ranges[i].count);
                printf("\n");
        }
#ifdef HAVE_SUBID_FREE
        subid_free(ranges);
#else
        free(ranges);
#endif
}

int main(int argc, char **argv) {
        struct passwd *pw;

        (void) argv;
        if (argc != 1) {
                fprintf(stderr, "userbox-subid: takes no arguments (it is run by userbox)\n");
                return 2;
        }
        /* Its complaints (an unreadable /etc/subuid, a broken NSS module)
         * read as userbox's. */
#ifdef HAVE_SUBID_INIT
        (void) subid_init("userbox", stderr);
#endif
        pw = getpwuid(getuid());
        if (!pw) {
                printf("nouser\nend\n");
                return fclose(stdout) == 0 ? 0 : 1;
        }
        printf("user %s\n", pw->pw_name);
        print_ranges("uid", pw->pw_name);
        print_ranges("gid", pw->pw_name);
        printf("end\n");
        return fclose(stdout) == 0 ? 0 : 1;
}
