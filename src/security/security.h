/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* security/: capabilities, the seccomp filter, the user and groups, the environment, and the sealed launcher copy. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "profile.h"

/* "CHOWN", "cap_chown", "CAP_CHOWN" (any case) -> CAP_CHOWN; -EINVAL. */
int caps_from_name(const char *name, int *ret);
/* "CHOWN" for CAP_CHOWN (static string), NULL when unknown. */
const char *caps_to_name(int cap);
/* Highest capability the running kernel knows. */
int caps_last_cap(void);

/* Right before exec, in the container: reduces the bounding set to keep,
 * switches to uid/gid, and to the supplementary groups when set_groups
 * (else the process keeps the ones it has), leaves permitted = effective =
 * keep for uid 0 and empty for any other uid, inheritable and ambient
 * empty. */
int caps_apply(uint64_t keep, uid_t uid, gid_t gid, const gid_t *groups, size_t n_groups,
               bool set_groups);

/* The five sets as config.json gives them (one bit per capability). */
struct caps_sets {
        uint64_t bounding, effective, permitted, inheritable, ambient;
};
/* caps_apply() with each set as given: the bounding set reduced, the ids
 * switched keeping the permitted set (for a non-zero uid too), then
 * effective, permitted and inheritable set, and the ambient ones raised.
 * An effective or ambient capability outside permitted (or ambient outside
 * inheritable) is refused by the kernel, and reported. */
int caps_apply_sets(const struct caps_sets *sets, uid_t uid, gid_t gid, const gid_t *groups, size_t n_groups,
                    bool set_groups);

/* The command's environment: a clean one (PATH, HOME, TERM, HOSTNAME,
 * container=userbox) unless Clear=no, plus Keep= from the launcher's
 * environment, plus the set variables. */
int env_build(const struct config *c, const char *home, const char *hostname, char ***ret);

/* Before a container starts: when the user could change the launcher's
 * binary (it is theirs, or writable to them: a build tree, ~/.local/bin),
 * re-executes the launcher from a sealed memfd copy of itself, so that
 * nothing inside the container can reach the file through /proc/PID/exe
 * or by executing /proc/self/exe (CVE-2019-5736). Returns 0 when running
 * from such a copy or from a binary out of the user's reach, -errno (the
 * message printed) when the copy failed; does not return when it
 * re-executed. */
int exe_seal(char **argv);

/* The launcher binary's path on the host, also from inside its sealed
 * copy; "" when unknown. Helpers and profiles beside it are found from
 * here, never through a path inside a container. */
const char *exe_seal_real_path(void);

/* The ABIs (libseccomp's SCMP_ARCH_* values) a process of this machine
 * can enter the kernel through, the native one first; returns how many. */
size_t seccomp_machine_arches(uint32_t ret[static 3]);
/* True when name is a syscall of some ABI the filter covers: one that
 * libseccomp knows, or one of the newer calls the filter knows by number. */
bool seccomp_syscall_known(const char *name);
/* The group of the default filter that refuses name ("mounts", ...), or
 * NULL. */
const char *seccomp_default_group(const char *name);
/* "EPERM" -> EPERM; -EINVAL when unknown. */
int seccomp_errno_from_name(const char *name, int *ret);

/* Builds the filter (c->seccomp_program when config.json gave one; else
 * the default table + SeccompDeny/SeccompAllow, every ABI
 * of the machine). *ret is NULL for Seccomp=unconfined. Runs before the
 * id map is ready; loading happens last, right before exec. */
struct seccomp_filter;
int seccomp_build(const struct config *c, struct seccomp_filter **ret);
/* The same, always through libseccomp (seccomp_build takes the program
 * compiled at build time when c asks for the default filter). */
int seccomp_compile(const struct config *c, struct seccomp_filter **ret);
int seccomp_install(const struct seccomp_filter *filter);
/* The compiled program as bytes, to hand it to another process (the
 * launcher builds it while the container mounts), and back. Empty: none;
 * at most SECCOMP_FILTER_DATA_MAX: BPF_MAXINSNS instructions of 8 bytes,
 * and 4 bytes of flags when config.json set some. */
#define SECCOMP_FILTER_DATA_MAX (4096 * 8 + 4)
int seccomp_filter_data(const struct seccomp_filter *filter, const void **ret_data, size_t *ret_size);
int seccomp_filter_from_data(const void *data, size_t size, struct seccomp_filter **ret);
void seccomp_filter_free(struct seccomp_filter *filter);
/* The filter a libseccomp context (scmp_filter_ctx) describes, with the
 * flags its attributes set (TSYNC, LOG, SSB): how config.json's filter,
 * compiled elsewhere, becomes one (oci/oci-seccomp.c). */
int seccomp_filter_export(void *ctx, struct seccomp_filter **ret);
int seccomp_filter_copy(const struct seccomp_filter *filter, struct seccomp_filter **ret);

/* What --user names, as the container's /etc/passwd and /etc/group give
 * it. */
struct user_identity {
        uid_t uid;
        gid_t gid;
        char *home;             /* the passwd home (malloc'd), or NULL */
        bool set_groups;        /* false: the command keeps the groups it has */
        gid_t *groups;          /* set_groups: the supplementary groups (malloc'd) */
        size_t n_groups;
};

/* A User= spec: NAME or UID, optionally followed by :GROUP or :GID. A name
 * is one useradd takes (a letter or '_', then letters, digits, '_', '.',
 * '-', a final '$'; 32 at most); an id is a number below 4294967295, which
 * setresuid() and chown() read as "no id". The one parser of the spec: the
 * profile, the check before clone and user_resolve() use it. */
struct user_spec {
        char *user;             /* malloc'd; group points into it */
        const char *group;      /* NULL when absent */
        bool numeric_user, numeric_group;
        uint32_t uid, gid;      /* when numeric; gid is UINT32_MAX otherwise */
};
/* 0 with *ret filled (free with user_spec_done), -EINVAL when spec is not
 * one, -ENOMEM. Never prints: each caller says why in its own words. */
int user_spec_parse(const char *spec, struct user_spec *ret);
void user_spec_done(struct user_spec *u);

/* Resolves --user NAME or UID[:GID] with the container's /etc/passwd and
 * /etc/group, read through rootfd (in-root resolution, regular files only,
 * size-capped, never a FIFO) in one pass each. A numeric UID without an
 * entry is allowed and gets no supplementary group. own_uid and own_gid
 * are the user's own host identity inside: that uid keeps the groups it
 * has, so that the user's host groups stay in force, and without an entry
 * or a group given it keeps own_gid. Another uid gets the groups the
 * image gives it, at most NGROUPS_MAX of them. */
int user_resolve(int rootfd, const char *spec, uid_t own_uid, gid_t own_gid, struct user_identity *ret);
void user_identity_done(struct user_identity *u);

/* The host's own /etc/passwd entry for uid: its name and home (malloc'd;
 * either pointer may be NULL). -ENOENT when uid has no line there. userbox
 * is linked statically and does not use NSS, whose modules a static binary
 * cannot load reliably: users known only to LDAP or SSSD are not found here
 * (the caller falls back to $USER and $HOME; userbox-subid, a dynamic
 * program, looks names up with NSS for libsubid). */
int user_host_lookup(uid_t uid, char **ret_name, char **ret_home);
/* The gid of the group called name in the host's own /etc/group; -ENOENT
 * when it has no line there. */
int user_host_group_lookup(const char *name, gid_t *ret);
/* Whether gid is the private group of the user uid in the host's own
 * /etc/passwd and /etc/group: named like the user, the user's primary
 * group, nobody else's primary group and no other member listed. False
 * when either file does not say so (no NSS, as above). */
bool user_host_group_is_private(uid_t uid, gid_t gid);
/* The same as user_host_lookup in the etc/passwd of the tree at rootfd. */
int user_passwd_lookup(int rootfd, uid_t uid, char **ret_name, char **ret_home);

/* The user's home: $HOME when it is an absolute path, else the host's
 * /etc/passwd (no NSS, as above). -ENOENT when neither gives one. */
int user_home(char **ret);

/* The user's own directory of a kind for userbox: $VARIABLE/userbox when
 * VARIABLE (XDG_CONFIG_HOME, XDG_CACHE_HOME) is an absolute path (the XDG
 * base directory spec ignores a relative one), else HOME/FALLBACK/userbox,
 * with HOME from the environment or the host's /etc/passwd. *ret is NULL
 * when there is no home either; -ENOMEM is the only error. */
int user_xdg_dir(const char *variable, const char *fallback, char **ret);
