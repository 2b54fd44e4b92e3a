/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>
#include "config.h"

/* True when name is a syscall of some ABI the filter covers: one that
 * libseccomp knows, or one of the newer calls the filter knows by number. */
bool seccomp_syscall_known(const char *name);
/* The group of the default filter that refuses name ("mounts", ...), or
 * NULL. */
const char *seccomp_default_group(const char *name);
/* "EPERM" -> EPERM; -EINVAL when unknown. */
int seccomp_errno_from_name(const char *name, int *ret);

/* Builds the filter (default table + SeccompDeny/SeccompAllow, every ABI
 * of the machine). *ret is NULL for Seccomp=unconfined. Runs before the
 * id map is ready; loading happens last, right before exec. */
int seccomp_build(const struct config *c, void **ret);
/* The same, always through libseccomp (seccomp_build takes the program
 * compiled at build time when c asks for the default filter). */
int seccomp_compile(const struct config *c, void **ret);
int seccomp_install(void *filter);
/* The compiled program as bytes, to hand it to another process (the
 * launcher builds it while the container mounts), and back. Empty: none. */
int seccomp_filter_data(void *filter, const void **ret_data, size_t *ret_size);
int seccomp_filter_from_data(const void *data, size_t size, void **ret);
void seccomp_filter_free(void *filter);
