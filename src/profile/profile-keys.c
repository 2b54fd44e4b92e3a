/* SPDX-License-Identifier: Apache-2.0 */
/* The key table: every profile key and command-line setting, its section,
 * its parser and where it lands in struct config; and the parsers of the
 * keys that hold one value. Keys that add to a list are in
 * profile-lists.c. */
#include <stddef.h>
#include <sys/resource.h>

#include "security.h"
#include "idmap.h"
#include "profile.h"
#include "profile-internal.h"
#include "state.h"
#include "util.h"

#define FIELD(type, c, k) ((type *) (void *) ((char *) (c) + (k)->offset))

struct enum_name {
        enum config_key id;
        const char *name;
        int value;
};

static const struct enum_name enum_names[] = {
        { KEY_SECCOMP, "default", SECCOMP_DEFAULT },
        { KEY_SECCOMP, "unconfined", SECCOMP_UNCONFINED },
        { KEY_OVERLAY, "none", OVERLAY_NONE },
        { KEY_OVERLAY, "tmpfs", OVERLAY_TMPFS },
};

/* The id-map modes' names are idmap's table, the network's
 * profile-network.c's. */
const char *profile_enum_name(enum config_key id, int value) {
        if (id == KEY_IDMAP_MODE)
                return value == IDMAP_UNSET ? NULL : idmap_mode_to_string(value);
        if (id == KEY_NETWORK)
                return profile_network_mode_name(value);
        for (size_t i = 0; i < ELEMENTSOF(enum_names); i++)
                if (enum_names[i].id == id && enum_names[i].value == value)
                        return enum_names[i].name;
        return NULL;
}

static int enum_value(enum config_key id, const char *name) {
        if (id == KEY_IDMAP_MODE)
                return idmap_mode_from_string(name);
        for (size_t i = 0; i < ELEMENTSOF(enum_names); i++)
                if (enum_names[i].id == id && streq(enum_names[i].name, name))
                        return enum_names[i].value;
        return -EINVAL;
}

static int parse_enum(struct config *c, const struct profile_key *k, const char *key _unused_,
                      const char *value, const struct origin *o _unused_, char **reason) {
        static const char *const what[] = {
                [KEY_IDMAP_MODE] = "an id-map mode (auto, subid, keep-id, single)",
                [KEY_SECCOMP] = "a seccomp mode (default, unconfined)",
        };
        int v = enum_value(k->id, value);

        if (v < 0)
                return profile_reason(reason, -EINVAL, "not %s: '%s'", what[k->id], value);
        *FIELD(int, c, k) = v;
        return 0;
}

static int parse_bool(struct config *c, const struct profile_key *k, const char *key _unused_,
                      const char *value, const struct origin *o _unused_, char **reason) {
        int b = parse_boolean(value);
        if (b < 0)
                return profile_reason(reason, -EINVAL, "not a boolean: '%s'", value);
        *FIELD(int, c, k) = b;
        return 0;
}

static int set_string(char **field, const char *value, char **reason) {
        char *s = strdup(value);
        if (!s)
                return OOM(reason);
        free(*field);
        *field = s;
        return 0;
}

static int parse_string(struct config *c, const struct profile_key *k, const char *key _unused_,
                        const char *value, const struct origin *o _unused_, char **reason) {
        return set_string(FIELD(char *, c, k), value, reason);
}

static int parse_include(struct config *c _unused_, const struct profile_key *k _unused_, const char *key _unused_,
                         const char *value _unused_, const struct origin *o _unused_, char **reason) {
        return profile_reason(reason, -EINVAL, "only allowed in a profile file");
}

static int parse_host_path(struct config *c, const struct profile_key *k, const char *key _unused_,
                           const char *value, const struct origin *o, char **reason) {
        char *p = NULL;
        int r = profile_host_path(value, profile_origin_is_command_line(o), &p, reason);
        if (r < 0)
                return r;
        free(*FIELD(char *, c, k));
        *FIELD(char *, c, k) = p;
        return 0;
}

static int parse_container_path(struct config *c, const struct profile_key *k, const char *key _unused_,
                                const char *value, const struct origin *o _unused_, char **reason) {
        char *p = NULL;
        int r = profile_container_path(value, &p, reason);
        if (r < 0)
                return r;
        free(*FIELD(char *, c, k));
        *FIELD(char *, c, k) = p;
        return 0;
}

/* Command= and Entrypoint=: words split as a shell would, nothing
 * expanded. Only Entrypoint= may be empty: no entrypoint (the command
 * line's --entrypoint "" drops a profile's, as docker's does). */
static int parse_command(struct config *c, const struct profile_key *k, const char *key _unused_,
                         const char *value, const struct origin *o _unused_, char **reason) {
        char ***field = k->id == KEY_ENTRYPOINT ? &c->entrypoint : &c->command;
        char **argv = NULL;
        int r = split_command_line(value, &argv);
        if (r == -ENOMEM)
                return OOM(reason);
        if (r < 0)
                return profile_reason(reason, r, "unterminated quote or trailing backslash: '%s'", value);
        if (!argv[0] && k->id == KEY_COMMAND) {
                strv_free(argv);
                return profile_reason(reason, -EINVAL, "empty command");
        }
        strv_free(*field);
        *field = argv;
        return 0;
}

static int parse_hostname(struct config *c, const struct profile_key *k, const char *key,
                          const char *value, const struct origin *o, char **reason) {
        if (!hostname_is_valid(value))
                return profile_reason(reason, -EINVAL,
                                      "not a valid hostname (1-64 of A-Z a-z 0-9 . -): '%s'", value);
        return parse_string(c, k, key, value, o, reason);
}

/* The rules of state_name_check: the name is a directory's under the
 * state root, and a word other commands are given. */
static int parse_name(struct config *c, const struct profile_key *k, const char *key,
                      const char *value, const struct origin *o, char **reason) {
        const char *why;

        if (state_name_check(value, &why) < 0)
                return profile_reason(reason, -EINVAL, "not a container name: '%s' %s", value, why);
        return parse_string(c, k, key, value, o, reason);
}

static int parse_user(struct config *c, const struct profile_key *k, const char *key,
                      const char *value, const struct origin *o, char **reason) {
        _cleanup_(user_spec_done) struct user_spec u = {};
        int r = user_spec_parse(value, &u);

        if (r == -ENOMEM)
                return OOM(reason);
        /* A group by name is looked up in the root at run time, as an
         * image's "User": "postgres:postgres" is. */
        if (r < 0)
                return profile_reason(reason, -EINVAL, "not a user name or UID, with an optional :GROUP or :GID: '%s'",
                                      value);
        return parse_string(c, k, key, value, o, reason);
}

static int parse_overlay(struct config *c, const struct profile_key *k, const char *key _unused_,
                         const char *value, const struct origin *o, char **reason) {
        int v = enum_value(k->id, value);
        char *dir = NULL;

        if (v < 0) {
                int r = profile_host_path(value, profile_origin_is_command_line(o), &dir, reason);
                if (r < 0)
                        return r;
                v = OVERLAY_DIR;
        }
        free(c->overlay_dir);
        c->overlay_dir = dir;
        c->overlay = v;
        return 0;
}

static int parse_layers(struct config *c, const struct profile_key *k _unused_, const char *key _unused_,
                        const char *value, const struct origin *o, char **reason) {
        _cleanup_strv_free_ char **layers = NULL;
        _cleanup_free_ char *copy = strdup(value);
        char *p = copy;

        if (!copy)
                return OOM(reason);
        for (;;) {
                char *colon = strchr(p, ':'), *path = NULL;
                int r;
                if (colon)
                        *colon = '\0';
                if (!*p)
                        return profile_reason(reason, -EINVAL, "empty layer in '%s'", value);
                r = profile_host_path(p, profile_origin_is_command_line(o), &path, reason);
                if (r < 0)
                        return r;
                if (strv_push(&layers, path) < 0)
                        return OOM(reason);
                if (!colon)
                        break;
                p = colon + 1;
        }
        /* A line holds 197 characters: a long list is written over several
         * Layers= lines of one file, which add to each other in order.
         * Another file's lines, or --layers, replace the list as a whole.
         * A file loaded twice starts its lines again, so a line that is not
         * past the last one of the same file starts a new list too. */
        if (o->file && streq_ptr(c->origins[KEY_LAYERS].file, o->file) && c->origins[KEY_LAYERS].line < o->line) {
                for (char **l = layers; *l; l++)
                        if (strv_extend(&c->layers, *l) < 0)
                                return OOM(reason);
                return 0;
        }
        strv_free(c->layers);
        c->layers = TAKE_PTR(layers);
        return 0;
}

static int parse_seccomp_errno(struct config *c, const struct profile_key *k _unused_, const char *key _unused_,
                               const char *value, const struct origin *o _unused_, char **reason) {
        int e;
        if (seccomp_errno_from_name(value, &e) < 0 || e <= 0)
                return profile_reason(reason, -EINVAL, "unknown errno name: '%s'", value);
        c->seccomp_errno = e;
        return 0;
}

/* Memory= and MemorySwap= (memory and swap together, as docker's
 * --memory-swap): a size, into the field the row names. */
static int parse_memory(struct config *c, const struct profile_key *k, const char *key _unused_,
                        const char *value, const struct origin *o _unused_, char **reason) {
        uint64_t v;
        if (parse_size(value, &v) < 0 || v == 0)
                return profile_reason(reason, -EINVAL, "not a size: '%s'", value);
        *FIELD(uint64_t, c, k) = v;
        return 0;
}

/* The kernel refuses a pids.max above PID_MAX_LIMIT, 4194304 on 64-bit:
 * refused here, before anything starts, not by the kernel later. */
#define PIDS_MAX 4194304

static int parse_pids(struct config *c, const struct profile_key *k _unused_, const char *key _unused_,
                      const char *value, const struct origin *o _unused_, char **reason) {
        uint64_t v;
        if (parse_uint64(value, &v) < 0 || v == 0)
                return profile_reason(reason, -EINVAL, "not a positive number: '%s'", value);
        if (v > PIDS_MAX)
                return profile_reason(reason, -EINVAL, "more than %d, the most processes the kernel counts: '%s'",
                                      PIDS_MAX, value);
        c->pids = v;
        return 0;
}

/* CPUs=0.5 as docker's --cpus: at most three decimals, kept as
 * thousandths, which the CFS quota (per 100 ms period) takes exactly; at
 * least 0.01, as the kernel refuses a quota under 1 ms. */
static int parse_cpus(struct config *c, const struct profile_key *k _unused_, const char *key _unused_,
                      const char *value, const struct origin *o _unused_, char **reason) {
        static const unsigned place[] = { 100, 10, 1 };
        uint64_t whole = 0, milli = 0;
        const char *p = value;
        unsigned digits = 0, decimals = 0;
        bool point = false;

        for (; *p >= '0' && *p <= '9' && whole < 100000; p++, digits++)
                whole = whole * 10 + (uint64_t) (*p - '0');
        if (*p == '.')
                for (point = true; *++p >= '0' && *p <= '9'; decimals++) {
                        if (decimals >= ELEMENTSOF(place))
                                return profile_reason(reason, -EINVAL, "more than three decimals: '%s'", value);
                        milli += (uint64_t) (*p - '0') * place[decimals];
                }
        if (*p || digits + decimals == 0 || (point && !decimals) || whole >= 100000 || whole * 1000 + milli == 0)
                return profile_reason(reason, -EINVAL, "not a positive number of CPUs (such as 0.5 or 2): '%s'",
                                      value);
        if (whole * 1000 + milli < 10)
                return profile_reason(reason, -EINVAL, "less than 0.01 CPUs, the smallest quota the kernel takes "
                                      "(1 ms per 100 ms): '%s'", value);
        c->cpus_milli = whole * 1000 + milli;
        return 0;
}

/* A cgroup path, as /proc/self/cgroup writes it: absolute, no "..". */
static int parse_cgroup_parent(struct config *c, const struct profile_key *k, const char *key,
                               const char *value, const struct origin *o, char **reason) {
        if (value[0] != '/' || strstr(value, "/../") || strstr(value, "/./") ||
            (strlen(value) >= 3 && strcmp(value + strlen(value) - 3, "/..") == 0))
                return profile_reason(reason, -EINVAL,
                                      "not an absolute cgroup path without '..' (such as /user/me): '%s'", value);
        return parse_string(c, k, key, value, o, reason);
}

#define OFF(field) offsetof(struct config, field)
#define RLIMIT_ROW(name, res) { "Limits", name, profile_add_rlimit, KEY_RLIMIT, false, res, 0 }

const struct profile_key profile_keys[] = {
        { "Profile", "Include", parse_include, KEY_INCLUDE, true, 0, 0 },
        { "Profile", "Description", parse_string, KEY_DESCRIPTION, false, 0, OFF(description) },
        { "Container", "Name", parse_name, KEY_NAME, false, 0, OFF(name) },
        { "Container", "Root", parse_host_path, KEY_ROOT, false, 0, OFF(root) },
        { "Container", "Command", parse_command, KEY_COMMAND, false, 0, 0 },
        { "Container", "Entrypoint", parse_command, KEY_ENTRYPOINT, false, 0, 0 },
        { "Container", "WorkingDirectory", parse_container_path, KEY_WORKING_DIRECTORY, false, 0, OFF(working_directory) },
        { "Container", "Hostname", parse_hostname, KEY_HOSTNAME, false, 0, OFF(hostname) },
        { "Container", "User", parse_user, KEY_USER, false, 0, OFF(user) },
        { "Container", "Init", parse_bool, KEY_INIT, false, 0, OFF(init) },
        { "Container", "ReadOnly", parse_bool, KEY_READ_ONLY, false, 0, OFF(read_only) },
        { "Container", "Overlay", parse_overlay, KEY_OVERLAY, false, 0, 0 },
        { "Container", "Layers", parse_layers, KEY_LAYERS, false, 0, 0 },
        { "Container", "Tty", parse_bool, KEY_TTY, false, 0, OFF(tty) },
        { "IDMap", "Mode", parse_enum, KEY_IDMAP_MODE, false, 0, OFF(idmap_mode) },
        { "IDMap", "UID", profile_add_id_range, KEY_IDMAP_UID, true, 0, 0 },
        { "IDMap", "GID", profile_add_id_range, KEY_IDMAP_GID, true, 0, 0 },
        { "Namespaces", "Network", profile_parse_network, KEY_NETWORK, false, 0, 0 },
        { "Namespaces", "IPC", parse_bool, KEY_IPC, false, 0, OFF(ipc) },
        { "Namespaces", "UTS", parse_bool, KEY_UTS, false, 0, OFF(uts) },
        { "Namespaces", "Cgroup", parse_bool, KEY_CGROUP, false, 0, OFF(cgroup) },
        { "Network", "Publish", profile_add_publish, KEY_PUBLISH, true, 0, 0 },
        { "Mounts", "Bind", profile_add_mount, KEY_BIND, true, 0, 0 },
        { "Mounts", "BindReadOnly", profile_add_mount, KEY_BIND_READ_ONLY, true, 0, 0 },
        { "Mounts", "Tmpfs", profile_add_mount, KEY_TMPFS, true, 0, 0 },
        { "Devices", "Bind", profile_add_device, KEY_DEVICE, true, 0, 0 },
        { "Environment", "Clear", parse_bool, KEY_ENV_CLEAR, false, 0, OFF(env_clear) },
        { "Environment", "Keep", profile_add_env_keep, KEY_ENV_KEEP, true, 0, 0 },
        { "Environment", "File", profile_add_env_file, KEY_ENV_FILE, true, 0, 0 },
        { "Environment", NULL, profile_add_env_set, KEY_ENV_SET, true, 0, 0 },
        { "Security", "CapabilityDrop", profile_add_caps, KEY_CAP_DROP, true, 0, 0 },
        { "Security", "CapabilityAdd", profile_add_caps, KEY_CAP_ADD, true, 0, 0 },
        { "Security", "NoNewPrivileges", parse_bool, KEY_NO_NEW_PRIVILEGES, false, 0, OFF(no_new_privileges) },
        { "Security", "Seccomp", parse_enum, KEY_SECCOMP, false, 0, OFF(seccomp) },
        { "Security", "SeccompDeny", profile_add_syscalls, KEY_SECCOMP_DENY, true, 0, 0 },
        { "Security", "SeccompAllow", profile_add_syscalls, KEY_SECCOMP_ALLOW, true, 0, 0 },
        { "Security", "SeccompErrno", parse_seccomp_errno, KEY_SECCOMP_ERRNO, false, 0, 0 },
        RLIMIT_ROW("NOFILE", RLIMIT_NOFILE),
        RLIMIT_ROW("NPROC", RLIMIT_NPROC),
        RLIMIT_ROW("CORE", RLIMIT_CORE),
        RLIMIT_ROW("AS", RLIMIT_AS),
        RLIMIT_ROW("CPU", RLIMIT_CPU),
        RLIMIT_ROW("FSIZE", RLIMIT_FSIZE),
        RLIMIT_ROW("DATA", RLIMIT_DATA),
        RLIMIT_ROW("STACK", RLIMIT_STACK),
        RLIMIT_ROW("MEMLOCK", RLIMIT_MEMLOCK),
        RLIMIT_ROW("LOCKS", RLIMIT_LOCKS),
        RLIMIT_ROW("SIGPENDING", RLIMIT_SIGPENDING),
        RLIMIT_ROW("MSGQUEUE", RLIMIT_MSGQUEUE),
        RLIMIT_ROW("NICE", RLIMIT_NICE),
        RLIMIT_ROW("RTPRIO", RLIMIT_RTPRIO),
        RLIMIT_ROW("RTTIME", RLIMIT_RTTIME),
        { "Limits", "Memory", parse_memory, KEY_MEMORY, false, 0, OFF(memory) },
        { "Limits", "PIDs", parse_pids, KEY_PIDS, false, 0, 0 },
        { "Limits", "MemorySwap", parse_memory, KEY_MEMORY_SWAP, false, 0, OFF(memory_swap) },
        { "Limits", "CPUs", parse_cpus, KEY_CPUS, false, 0, 0 },
        { "Limits", "CgroupParent", parse_cgroup_parent, KEY_CGROUP_PARENT, false, 0, OFF(cgroup_parent) },
};
const size_t profile_n_keys = ELEMENTSOF(profile_keys);

const char *const profile_sections[] = {
        "Profile", "Container", "IDMap", "Namespaces", "Network", "Mounts", "Devices", "Environment", "Security", "Limits",
};
const size_t profile_n_sections = ELEMENTSOF(profile_sections);
