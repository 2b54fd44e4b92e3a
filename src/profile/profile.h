/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* profile/: struct config, what a container is made of, and how profiles and options fill it. */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

struct seccomp_filter;
struct oci_spec;

/* struct config describes one container: everything a profile or the command
 * line can say. Every field starts "unset" (NULL, 0 count, -1, or the *_UNSET
 * enum value); profiles and the command line fill it through the key table in
 * profile-keys.c, each setting remembering where it came from; config_finalize()
 * applies the built-in defaults last. */

/* Every profile key, one row each in profile-keys.c's key table. */
enum config_key {
        KEY_INCLUDE,            /* [Profile] Include= (repeatable) */
        KEY_DESCRIPTION,        /* [Profile] Description= */
        KEY_NAME,               /* [Container] Name= */
        KEY_ROOT,               /* [Container] Root= */
        KEY_COMMAND,            /* [Container] Command= */
        KEY_ENTRYPOINT,         /* [Container] Entrypoint= */
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
        KEY_PUBLISH,            /* [Network] Publish= (repeatable) */
        KEY_BIND,               /* [Mounts] Bind= (repeatable) */
        KEY_BIND_READ_ONLY,     /* [Mounts] BindReadOnly= (repeatable) */
        KEY_TMPFS,              /* [Mounts] Tmpfs= (repeatable) */
        KEY_DEVICE,             /* [Devices] Bind= (repeatable) */
        KEY_ENV_CLEAR,          /* [Environment] Clear= */
        KEY_ENV_KEEP,           /* [Environment] Keep= (repeatable) */
        KEY_ENV_FILE,           /* [Environment] File= (repeatable) */
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
        KEY_CPUS,               /* [Limits] CPUs= */
        KEY_MEMORY_SWAP,        /* [Limits] MemorySwap= */
        KEY_CGROUP_PARENT,      /* [Limits] CgroupParent= */
        _KEY_MAX,
};

/* Where a setting came from: a profile file and line, or the command line
 * (file == NULL). file points at a string owned by struct config. */
struct origin {
        const char *file;
        unsigned line;
};

enum idmap_mode { IDMAP_UNSET = 0, IDMAP_AUTO, IDMAP_SUBID, IDMAP_KEEP_ID, IDMAP_SINGLE };
/* host: the host's network; none: a namespace with its loopback alone;
 * slirp4netns and pasta: a namespace of its own, connected by that
 * helper (src/net/, design §12). */
enum net_mode { NET_UNSET = 0, NET_HOST, NET_NONE, NET_SLIRP4NETNS, NET_PASTA };
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

/* A port published on the host ([Network] Publish=, --publish
 * [IP:]HOST:CONTAINER[/tcp|/udp]): count ports from host_port on the host
 * lead to as many from container_port in the container. */
struct publish_entry {
        char *host_address;     /* an IPv4 address to listen on; NULL: every address */
        uint16_t host_port;
        uint16_t container_port;
        uint16_t count;         /* 1, or the length of a range (8000-8010:80-90) */
        bool udp;               /* else tcp */
        struct origin origin;
};

/* A host device node made available in the container's /dev. */
struct device_entry {
        char *host_path;        /* e.g. /dev/fuse */
        char *container_path;   /* e.g. /dev/fuse */
        struct origin origin;
};

/* Where each entry of a list kept as a bare array (id ranges, variable
 * names, system calls) came from, in step with it: at[i] is entry i's.
 * at stays NULL for a list filled outside profile_set(); printing then
 * falls back to the key's origin. */
struct origin_list {
        struct origin *at;
        size_t allocated;
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
        char *name;             /* a named container (run --name); NULL: none */
        char *root;             /* NULL: the host sandbox (host / read-only) */
        char **command;         /* argv; NULL: the image's /bin/sh */
        /* Words put before the command, as an image's Entrypoint: a command
         * given on the command line replaces Command= and keeps these.
         * NULL or empty: none. */
        char **entrypoint;
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
        size_t n_uid_map, n_uid_map_allocated;
        struct id_triple *gid_map;
        size_t n_gid_map, n_gid_map_allocated;
        struct origin_list uid_map_origins, gid_map_origins;

        /* [Namespaces] */
        enum net_mode network;
        /* Network=slirp4netns:allow-host-loopback (pasta too): the host's
         * loopback reachable from inside, through the gateway's address. */
        bool network_host_loopback;
        int ipc, uts, cgroup;   /* -1 unset; default yes */

        /* [Mounts] */
        struct mount_entry *mounts;
        size_t n_mounts, n_mounts_allocated;
        size_t mounts_run_start;        /* mounts[this..] come from the last mount's file (profile-lists.c) */

        /* [Network] */
        struct publish_entry *publish;
        size_t n_publish, n_publish_allocated;

        /* [Devices] */
        struct device_entry *devices;
        size_t n_devices, n_devices_allocated;

        /* [Environment] */
        int env_clear;          /* -1 unset; default yes */
        char **env_keep;        /* host variable names passed through */
        char **env_set;         /* "NAME=VALUE" */
        /* File=: files of NAME=VALUE lines, read when the key is set: their
         * variables are in env_keep and env_set, each with its file's line
         * as origin. */
        char **env_files;
        struct origin_list env_keep_origins, env_set_origins, env_files_origins;

        /* [Security] */
        bool cap_drop_all;
        uint64_t cap_drop;      /* bit n = capability n */
        uint64_t cap_add;
        int no_new_privileges;  /* -1 unset; default yes */
        enum seccomp_mode seccomp;
        char **seccomp_deny;    /* syscall names */
        char **seccomp_allow;
        struct origin_list seccomp_deny_origins, seccomp_allow_origins;
        /* Where each bit of cap_add / cap_drop, and cap_drop_all, was set. */
        struct origin cap_add_origin[64];
        struct origin cap_drop_origin[64];
        struct origin cap_drop_all_origin;
        int seccomp_errno;      /* 0 unset; default EPERM */

        /* [Limits] */
        struct rlimit_entry *rlimits;
        size_t n_rlimits, n_rlimits_allocated;
        uint64_t memory;        /* bytes, 0 unset */
        uint64_t pids;          /* 0 unset */
        uint64_t memory_swap;   /* bytes of memory and swap together, 0 unset */
        uint64_t cpus_milli;    /* CPUs= in thousandths of a CPU, 0 unset */
        char *cgroup_parent;    /* the delegated cgroup to create under, below
                                 * each hierarchy's root; NULL: found */

        /* Run-time options with no profile key. */
        unsigned preserve_fds;  /* --preserve-fds N */

        /* Set by userbox-oci alone (src/oci/), NULL otherwise. */
        /* A filter compiled elsewhere (config.json's linux.seccomp), run as
         * it is instead of one built from [Security]; owned here. */
        struct seccomp_filter *seccomp_program;
        /* What config.json says that no profile key can (oci-internal.h);
         * the caller's, not freed by config_done. */
        struct oci_spec *oci;
        /* linux.cgroupsPath: the container's cgroup, below each
         * hierarchy's root when absolute (as CgroupParent=), below the
         * delegated directory when relative; NULL: userbox-[NAME-]PID. */
        char *cgroup_path;
        /* linux.resources that no [Limits] key has; 0 unset. */
        uint64_t cpu_shares;
        uint64_t memory_reservation;    /* bytes */
        uint64_t blkio_weight;
        char *cpuset_cpus;              /* "0-1": the CPUs it may run on */
        char *cpuset_mems;              /* the memory nodes it may use */
        struct hugepage_limit {
                char size[16];          /* the kernel's spelling: "2MB", "1GB" */
                uint64_t limit;         /* bytes */
        } hugepage_limits[4];
        size_t n_hugepage_limits;

        /* Where each key was last set (file NULL + line 0: never set). The
         * list keys above also keep one origin per entry: in the entry
         * (mounts, devices, rlimits), in an origin_list beside a bare array,
         * or per bit (capabilities). Whoever adds an entry outside
         * profile_set() leaves an origin_list empty or keeps it in step. */
        struct origin origins[_KEY_MAX];
        /* Strings the origins point to, owned here. */
        char **origin_files;
};

void config_init(struct config *c);
/* Releases what c holds; c itself is the caller's. Throughout userbox a
 * _done function releases an object's contents, a _free one the object. */
void config_done(struct config *c);
/* Applies the built-in defaults to every field still unset. */
void config_finalize(struct config *c);
/* The container's hostname: Hostname=; else the root directory's name (as
 * systemd-nspawn names a machine), or "userbox" when that name is no
 * hostname (a root of "/", a name too long or with other characters).
 * NULL when the host's name stays: the host's UTS namespace, or the host
 * sandbox. */
const char *config_hostname(const struct config *c);
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

/* Profiles: the key table (section, key, parser, destination), the search
 * path, Include=, strict FILE:LINE errors, and printing a merged config back
 * as INI. The command line goes through the same key table (profile_set)
 * so a CLI option and its profile key can never disagree. */

/* Applies one setting. o->file == NULL means the command line. On failure
 * returns -errno and sets *reason to a malloc'd sentence without location
 * ("not a boolean: 'maybe'"); the caller adds FILE:LINE or the option. */
int profile_set(struct config *c, const char *section, const char *key, const char *value,
                const struct origin *o, char **reason);

/* [Container] Command= from the command line, where the command comes
 * as its words already: a copy of argv. -ENOMEM, else 0. */
int profile_set_command(struct config *c, char *const *argv);
/* argv as one Command= value, quoted so that the profile reads it back
 * word for word (profile-print.c). NULL on ENOMEM. */
char *profile_quote_command(char * const *argv);
/* A variable's name: a letter or '_', then letters, digits and '_'. */
bool profile_env_name_valid(const char *name);
/* Whether the line "key=value" reads back as value: inih strips blanks
 * around a value, cuts it at " ;", and holds 197 characters a line. */
bool profile_value_survives_ini(const char *key, const char *value);

/* Loads default.ini from the search path (when load_default) and then the
 * profile NAME (a name on the search path, or a path when it has a '/';
 * NULL for none), includes first. Prints every error as
 * "FILE:LINE: [Section] Key: reason" and returns -errno on the first. */
int profile_load(struct config *c, const char *name, bool load_default);

/* The search path: $XDG_CONFIG_HOME/userbox (or ~/.config/userbox),
 * $(sysconfdir)/userbox, and the shipped profiles (self_profile_dir():
 * the source tree's conf/ for a binary in its build directory).
 * Overridable for tests with USERBOX_PROFILE_PATH (colon-separated). */
int profile_search_path(char ***ret);

/* `userbox config`: the merged configuration as a loadable INI profile, each
 * value commented with its origin. */
int profile_print(const struct config *c, FILE *f);

/* `userbox profiles`: every profile on the search path, then the
 * directories searched. */
int profile_list(FILE *f);

/* Parses a profile held in memory, named file in messages, with the same
 * rules as a file (line limit, strict errors, duplicates). Include= is
 * refused unless allow_include (the fuzz target and unit tests use this
 * without touching the file system). Prints errors; -EINVAL on the first. */
int profile_load_string(struct config *c, const char *file, const char *text, size_t size,
                        bool allow_include);

/* The [Mounts] specs, shared by Bind=/BindReadOnly=/Tmpfs= and the CLI's
 * --bind/--ro-bind/--tmpfs: "SRC[:DST[:OPTS]]" and "DST[:OPTS]". Relative
 * sources are refused in files and made absolute on the command line.
 * Fill *ret (free with profile_mount_entry_done) or set *reason. */
int profile_parse_bind(const char *spec, bool read_only, bool command_line,
                       struct mount_entry *ret, char **reason);
int profile_parse_tmpfs(const char *spec, struct mount_entry *ret, char **reason);

/* [Network] Publish= and --publish: "[IP:]HOST:CONTAINER[/tcp|/udp]",
 * HOST and CONTAINER a port or a range of as many ports ("8000-8010").
 * Fills *ret (free with profile_publish_entry_done) or sets *reason. */
int profile_parse_publish(const char *spec, struct publish_entry *ret, char **reason);
void profile_publish_entry_done(struct publish_entry *e);
/* An entry as Publish= takes it back: "127.0.0.1:8000-8010:80-90/udp". */
#define PROFILE_PUBLISH_TEXT_MAX 64
const char *profile_publish_text(const struct publish_entry *e, char *buf, size_t size);
/* The name of a network mode ("slirp4netns"), NULL for none; whether a
 * helper program connects it (and takes :allow-host-loopback). */
#define PROFILE_NETWORK_HOST_LOOPBACK "allow-host-loopback"
const char *profile_network_mode_name(int mode);
bool profile_network_mode_has_helper(int mode);
/* Network= as a profile writes it: "pasta:allow-host-loopback". */
const char *profile_network_text(const struct config *c, char *buf, size_t size);

/* The [Limits] name of an RLIMIT_* resource ("NOFILE"), NULL when it has
 * none: from the profile key table, the one list of these names. */
const char *profile_rlimit_name(int resource);
/* A limit's value as a profile writes it: "infinity" or the number. */
#define PROFILE_RLIMIT_VALUE_MAX 32
const char *profile_rlimit_value_text(uint64_t value, char *buf, size_t size);
void profile_mount_entry_done(struct mount_entry *m);

/* One "[Section] Key" line per row of the key table ("[Environment] NAME"
 * for the variables, one line per rlimit), for the man page check. */
void profile_keys_print(FILE *f);

/* The line recorded in a setting's origin when it came from the command
 * line (its file is NULL; line 0 with file NULL means "never set"). */
#define PROFILE_LINE_COMMAND_LINE UINT32_MAX

/* Whether nobody but the user or root may have written the regular file
 * at path or put it there (the checks of a profile file, userbox.ini(5),
 * FILE CHECKS): 0, or -errno with *reason (malloc'd) saying why not. */
int profile_file_trusted(const char *path, char **reason);
