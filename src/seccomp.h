/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "config.h"

/* True when name is a syscall libseccomp knows on some architecture. */
bool seccomp_syscall_known(const char *name);
/* "EPERM" -> EPERM; -EINVAL when unknown. */
int seccomp_errno_from_name(const char *name, int *ret);

/* Builds the filter (default table + SeccompDeny/SeccompAllow, every ABI
 * of the machine). *ret is NULL for Seccomp=unconfined. Runs before the
 * id map is ready; loading happens last, right before exec. */
int seccomp_build(const struct config *c, void **ret);
int seccomp_install(void *filter);
void seccomp_filter_free(void *filter);
