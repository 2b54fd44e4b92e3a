/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

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
