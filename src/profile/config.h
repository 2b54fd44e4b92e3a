/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* struct config describes one container: everything a profile or the command
 * line can say. Every field starts "unset" (NULL, 0 count, -1, or the *_UNSET
 * enum value); profiles and the command line fill it through the key table in
 * profile-keys.c, each setting remembering where it came from; config_finalize()
 * applies the built-in defaults last. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Every profile key, one row each in profile-keys.c's key table. */
enum config_key {
        KEY_INCLUDE,            /* [Profile] Include= (repeatable) */
        KEY_DESCRIPTION,        /* [Profile] Description= */
        KEY_ROOT,               /* [Container] Root= */
        KEY_COMMAND,            /* [Container] Command= */
        KEY_WORKING_DIRECTORY,  /* [Container] WorkingDirectory= */
        KEY_HOSTNAME,           /* [Container] Hostname= */
        KEY_USER,               /* [Container] User= */
        KEY_INIT,               /* [Container] Init= */
        KEY_READ_ONLY,          /* [Container] ReadOnly= */
        KEY_OVERLAY,            /* [Container] Overlay= */
        KEY_LAYERS,             /* [Container] Layers= */
        KEY_TTY,                /* [Container] Tty= */
        KEY_IDMAP_MODE,         /* [IDMap] Mode= */
        KEY_IDMAP_UID,          /* [IDMap] UID= (repeatable) */
        KEY_IDMAP_GID,          /* [IDMap] GID= (repeatable) */
        KEY_NETWORK,            /* [Namespaces] Network= */
        KEY_IPC,                /* [Namespaces] IPC= */
        KEY_UTS,                /* [Namespaces] UTS= */
        KEY_CGROUP,             /* [Namespaces] Cgroup= */
        KEY_BIND,               /* [Mounts] Bind= (repeatable) */
        KEY_BIND_READ_ONLY,     /* [Mounts] BindReadOnly= (repeatable) */
        KEY_TMPFS,              /* [Mounts] Tmpfs= (repeatable) */
        KEY_DEVICE,             /* [Devices] Bind= (repeatable) */
        KEY_ENV_CLEAR,          /* [Environment] Clear= */
        KEY_ENV_KEEP,           /* [Environment] Keep= (repeatable) */
        KEY_ENV_SET,            /* [Environment] NAME=VALUE (repeatable) */
        KEY_CAP_DROP,           /* [Security] CapabilityDrop= (repeatable) */
        KEY_CAP_ADD,            /* [Security] CapabilityAdd= (repeatable) */
        KEY_NO_NEW_PRIVILEGES,  /* [Security] NoNewPrivileges= */
        KEY_SECCOMP,            /* [Security] Seccomp= */
        KEY_SECCOMP_DENY,       /* [Security] SeccompDeny= (repeatable) */
        KEY_SECCOMP_ALLOW,      /* [Security] SeccompAllow= (repeatable) */
        KEY_SECCOMP_ERRNO,      /* [Security] SeccompErrno= */
        KEY_RLIMIT,             /* [Limits] NOFILE= NPROC= ... (repeatable by name) */
        KEY_MEMORY,             /* [Limits] Memory= */
        KEY_PIDS,               /* [Limits] PIDs= */
        _KEY_MAX,
};

/* Where a setting came from: a profile file and line, or the command line
 * (file == NULL). file points at a string owned by struct config. */
struct origin {
        const char *file;
        unsigned line;
};

enum idmap_mode { IDMAP_UNSET = 0, IDMAP_AUTO, IDMAP_SUBID, IDMAP_KEEP_ID, IDMAP_SINGLE };
enum net_mode { NET_UNSET = 0, NET_HOST, NET_NONE };
enum overlay_mode { OVERLAY_UNSET = 0, OVERLAY_NONE, OVERLAY_TMPFS, OVERLAY_DIR };
enum seccomp_mode { SECCOMP_UNSET = 0, SECCOMP_DEFAULT, SECCOMP_UNCONFINED };

/* One line of a uid_map or gid_map: ids [inside, inside+count) in the
 * container are [outside, outside+count) on the host. */
struct id_triple {
        uint32_t inside;
        uint32_t outside;
        uint32_t count;
};

enum mount_kind { MOUNT_BIND, MOUNT_TMPFS };

/* A user mount, in the order the profiles and the command line gave them. */
struct mount_entry {
        enum mount_kind kind;
        char *source;           /* host path (bind), NULL for tmpfs */
        char *destination;      /* absolute path inside the container */
        int read_only;          /* -1 unset (bind: rw; tmpfs: rw), 0, 1 */
        bool nosuid, nodev, noexec;
        bool recursive;         /* bind: rbind unless "norbind" */
        char *data;             /* tmpfs: "size=..,mode=..,nr_inodes=.." or NULL */
        struct origin origin;
};

/* A host device node made available in the container's /dev. */
struct device_entry {
        char *host_path;        /* e.g. /dev/fuse */
        char *container_path;   /* e.g. /dev/fuse */
        struct origin origin;
};

struct rlimit_entry {
        int resource;           /* RLIMIT_* */
        uint64_t soft, hard;    /* RLIM_INFINITY for "infinity" */
        struct origin origin;
};

struct config {
        /* [Profile] */
        char *description;
        char **included;        /* files loaded, in order (for `config` output) */

        /* [Container] */
        char *root;             /* NULL: the host sandbox (host / read-only) */
        char **command;         /* argv; NULL: the image's /bin/sh */
        char *working_directory;
        char *hostname;
        char *user;             /* NAME or UID[:GID], resolved inside the root */
        int init;               /* -1 unset; default yes */
        int read_only;          /* -1 unset; default no (yes for the host sandbox) */
        enum overlay_mode overlay;
        char *overlay_dir;      /* OVERLAY_DIR: upper/work kept here */
        char **layers;          /* read-only layers above root, topmost first */
        int tty;                /* -1 unset; default no */

        /* [IDMap] */
        enum idmap_mode idmap_mode;
        struct id_triple *uid_map;
        size_t n_uid_map;
        struct id_triple *gid_map;
        size_t n_gid_map;
        /* Where each triple came from, parallel to uid_map / gid_map. */
        struct origin *uid_map_origins;
        struct origin *gid_map_origins;

        /* [Namespaces] */
        enum net_mode network;
        int ipc, uts, cgroup;   /* -1 unset; default yes */

        /* [Mounts] */
        struct mount_entry *mounts;
        size_t n_mounts, n_mounts_allocated;
        size_t mounts_run_start;        /* mounts[this..] come from the last mount's file (profile-lists.c) */

        /* [Devices] */
        struct device_entry *devices;
        size_t n_devices;

        /* [Environment] */
        int env_clear;          /* -1 unset; default yes */
        char **env_keep;        /* host variable names passed through */
        char **env_set;         /* "NAME=VALUE" */
        /* Where each entry came from, parallel to env_keep / env_set. */
        struct origin *env_keep_origins;
        struct origin *env_set_origins;

        /* [Security] */
        bool cap_drop_all;
        uint64_t cap_drop;      /* bit n = capability n */
        uint64_t cap_add;
        int no_new_privileges;  /* -1 unset; default yes */
        enum seccomp_mode seccomp;
        char **seccomp_deny;    /* syscall names */
        char **seccomp_allow;
        /* Where each name came from, parallel to seccomp_deny / seccomp_allow. */
        struct origin *seccomp_deny_origins;
        struct origin *seccomp_allow_origins;
        /* Where each bit of cap_add / cap_drop, and cap_drop_all, was set. */
        struct origin cap_add_origin[64];
        struct origin cap_drop_origin[64];
        struct origin cap_drop_all_origin;
        int seccomp_errno;      /* 0 unset; default EPERM */

        /* [Limits] */
        struct rlimit_entry *rlimits;
        size_t n_rlimits;
        uint64_t memory;        /* bytes, 0 unset */
        uint64_t pids;          /* 0 unset */

        /* Run-time options with no profile key. */
        unsigned preserve_fds;  /* --preserve-fds N */

        /* Where each key was last set (file NULL + line 0: never set). The
         * list keys above also keep one origin per entry: whoever adds an
         * entry outside profile_set() leaves those arrays NULL (printing then
         * falls back to this one) or keeps them in step. */
        struct origin origins[_KEY_MAX];
        /* Strings the origins point to, owned here. */
        char **origin_files;
};

void config_init(struct config *c);
void config_free(struct config *c);
/* Applies the built-in defaults to every field still unset. */
int config_finalize(struct config *c);
/* True when key was set by a profile or the command line. */
bool config_key_is_set(const struct config *c, enum config_key key);

/* Room for config_origin_name(): a path and a section/key or option. */
#define CONFIG_ORIGIN_NAME_MAX 4352
/* Names a setting by where it came from, for a message that follows
 * ": reason": "FILE:LINE: [Section] Key" for a profile line, option for the
 * command line ("--hostname", "--limit NOFILE"), "[Section] Key" when it
 * was never set or has no option. Writes into buf and returns it. */
const char *config_origin_name(const struct origin *o, const char *section, const char *key,
                               const char *option, char *buf, size_t size);

/* The capabilities kept by default (docker/podman's list). */
uint64_t config_default_capabilities(void);
/* The capability set the container ends up with. */
uint64_t config_effective_capabilities(const struct config *c);
