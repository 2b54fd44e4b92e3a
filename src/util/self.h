/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>

/* Where this userbox runs from, decided once, first thing in main: an
 * installed binary reads the shipped profiles from its datadir, one run
 * from its build directory (the quick start never installs) from the
 * source tree's conf/.
 *
 * exe is the path the binary was started from, exe_seal_real_path(): the
 * kernel's link /proc/self/exe, canonical already as the build directory
 * in paths.h is (pwd -P), or for a launcher that re-executed itself from a
 * sealed copy, the path it had before. A path that names no directory
 * (NULL, "", a memfd's) leaves the location unknown: installed paths. */
void self_locate(const char *exe);

/* Run from the build directory it was built in. */
bool self_uninstalled(void);

/* The directory of the shipped profiles: the source tree's conf/ when
 * uninstalled, else $(pkgdatadir)/profiles. */
const char *self_profile_dir(void);

/* The system-wide profiles: $(sysconfdir)/userbox. */
const char *self_sysconf_profile_dir(void);

/* userbox-subid: beside the binary when it is there (the build tree, a
 * copied pair), else $(pkglibexecdir)/userbox-subid. *ret is malloc'd;
 * -errno of access() when the configured one is not executable either. */
int self_subid_helper(char **ret);
