/* SPDX-License-Identifier: Apache-2.0 */
/* Value parsers of the profile format that are more than one line: path
 * expansion, the [Mounts] specs, rlimit values and [Devices] classes. */
#include <dirent.h>
#include <inttypes.h>
#include <stdarg.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "profile.h"
#include "profile-internal.h"
#include "security.h"
#include "util.h"

int profile_reason(char **reason, int r, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        if (vasprintf(reason, fmt, ap) < 0)
                *reason = NULL;
        va_end(ap);
        return r;
}

/* The name in /etc/passwd, else $USER (a user known only to LDAP or SSSD:
 * user_host_lookup() does not use NSS). */
static int expand_user(char **ret) {
        const char *name = getenv("USER");
        int r = user_host_lookup(getuid(), ret, NULL);

        if (r == 0 || r == -ENOMEM)
                return r;
        if (!name || !*name)
                return -ENOENT;
        *ret = strdup(name);
        return *ret ? 0 : -ENOMEM;
}

static int expand_uid(char **ret) {
        return asprintf(ret, "%u", (unsigned) getuid()) < 0 ? -ENOMEM : 0;
}

static int expand_runtime_dir(char **ret) {
        const char *d = getenv("XDG_RUNTIME_DIR");
        if (!d || !path_is_absolute(d))
                return -ENOENT;
        *ret = strdup(d);
        return *ret ? 0 : -ENOMEM;
}

/* The launcher's real working directory, not $PWD, which a shell may have
 * left stale. */
static int expand_pwd(char **ret) {
        *ret = getcwd(NULL, 0);
        return *ret ? 0 : -errno;
}

static const struct {
        const char *name;
        int (*get)(char **ret);
} expansions[] = {
        { "HOME", user_home },
        { "USER", expand_user },
        { "UID", expand_uid },
        { "XDG_RUNTIME_DIR", expand_runtime_dir },
        { "PWD", expand_pwd },
};

static int expand_one(const char *name, char **ret, char **reason) {
        for (size_t i = 0; i < ELEMENTSOF(expansions); i++) {
                if (!streq(expansions[i].name, name))
                        continue;
                int r = expansions[i].get(ret);
                if (r == -ENOMEM)
                        return profile_reason(reason, r, "out of memory");
                if (r < 0)
                        return profile_reason(reason, r, "cannot expand ${%s}: not set", name);
                return 0;
        }
        return profile_reason(reason, -EINVAL,
                              "unknown variable '${%s}' (known: ${HOME} ${USER} ${UID} ${XDG_RUNTIME_DIR} ${PWD})",
                              name);
}

int profile_expand(const char *value, char **ret, char **reason) {
        _cleanup_free_ char *out = NULL;
        size_t size = 0;
        FILE *f;
        const char *p = value;
        int r = 0;

        /* Most values name nothing to expand: no memory stream (8 KiB
         * zeroed each) for them, so 1000 --bind stay cheap. */
        if (!strstr(value, "${") && !(value[0] == '~' && (value[1] == '/' || value[1] == '\0'))) {
                *ret = strdup(value);
                return *ret ? 0 : profile_reason(reason, -ENOMEM, "out of memory");
        }
        f = open_memstream(&out, &size);
        if (!f)
                return profile_reason(reason, -ENOMEM, "out of memory");
        if (p[0] == '~' && (p[1] == '/' || p[1] == '\0')) {
                _cleanup_free_ char *home = NULL;
                r = expand_one("HOME", &home, reason);
                if (r < 0)
                        goto finish;
                fputs(home, f);
                p++;
        }
        while (*p) {
                if (p[0] != '$' || p[1] != '{') {
                        fputc(*p++, f);
                        continue;
                }
                const char *end = strchr(p + 2, '}');
                if (!end) {
                        r = profile_reason(reason, -EINVAL, "unterminated '${' in '%s'", value);
                        goto finish;
                }
                _cleanup_free_ char *name = strndup(p + 2, (size_t) (end - p - 2));
                _cleanup_free_ char *v = NULL;
                if (!name) {
                        r = profile_reason(reason, -ENOMEM, "out of memory");
                        goto finish;
                }
                r = expand_one(name, &v, reason);
                if (r < 0)
                        goto finish;
                fputs(v, f);
                p = end + 1;
        }
finish:
        if (fclose(f) != 0 && r >= 0)
                r = profile_reason(reason, -ENOMEM, "out of memory");
        if (r < 0)
                return r;
        *ret = TAKE_PTR(out);
        return 0;
}

/* A path value: not empty, variables expanded. */
static int expand_path(const char *value, char **ret, char **reason) {
        if (!*value)
                return profile_reason(reason, -EINVAL, "empty path");
        return profile_expand(value, ret, reason);
}

int profile_host_path(const char *value, bool command_line, char **ret, char **reason) {
        _cleanup_free_ char *p = NULL;
        int r = expand_path(value, &p, reason);

        if (r < 0)
                return r;
        if (!path_is_absolute(p)) {
                if (!command_line)
                        return profile_reason(reason, -EINVAL, "not an absolute path: '%s'", p);
                _cleanup_free_ char *cwd = getcwd(NULL, 0);
                if (!cwd)
                        return profile_reason(reason, -errno, "cannot get the working directory: %s",
                                              strerror(errno));
                char *abs = path_join(cwd, p);
                if (!abs)
                        return profile_reason(reason, -ENOMEM, "out of memory");
                free(p);
                p = abs;
        }
        *ret = path_simplify(TAKE_PTR(p));
        return 0;
}

int profile_container_path(const char *value, char **ret, char **reason) {
        _cleanup_free_ char *p = NULL;
        int r = expand_path(value, &p, reason);

        if (r < 0)
                return r;
        if (!path_is_absolute(p))
                return profile_reason(reason, -EINVAL, "not an absolute path: '%s'", p);
        /* Destinations are resolved inside the root by the kernel; ".." is
         * refused anyway so that what a profile says is what it gets. */
        if (path_has_dotdot(p))
                return profile_reason(reason, -EINVAL, "'..' in a container path: '%s'", p);
        *ret = path_simplify(TAKE_PTR(p));
        return 0;
}

/* Splits "A:B:C" into at most max fields (NULL for missing ones). */
static int split_colons(const char *spec, char *fields[], size_t max, const char *syntax, char **reason) {
        const char *p = spec;
        size_t n = 0;

        for (;;) {
                const char *colon = strchr(p, ':');
                if (n == max)
                        return profile_reason(reason, -EINVAL, "too many ':' in '%s' (%s)", spec, syntax);
                fields[n] = colon ? strndup(p, (size_t) (colon - p)) : strdup(p);
                if (!fields[n])
                        return profile_reason(reason, -ENOMEM, "out of memory");
                n++;
                if (!colon)
                        return 0;
                p = colon + 1;
        }
}

static void free_fields(char *fields[], size_t n) {
        for (size_t i = 0; i < n; i++)
                free(fields[i]);
}

enum {
        OPT_RO = 1 << 0, OPT_RW = 1 << 1, OPT_NOSUID = 1 << 2, OPT_NODEV = 1 << 3,
        OPT_NOEXEC = 1 << 4, OPT_RBIND = 1 << 5, OPT_NORBIND = 1 << 6,
        OPT_SIZE = 1 << 7, OPT_MODE = 1 << 8, OPT_NR_INODES = 1 << 9,
};

static const struct {
        const char *name;       /* "size=" takes a value */
        unsigned bit;
        unsigned conflicts;
        bool bind, tmpfs;
} mount_options[] = {
        { "ro", OPT_RO, OPT_RW, true, true },
        { "rw", OPT_RW, OPT_RO, true, true },   /* a tmpfs is read-write anyway */
        { "nosuid", OPT_NOSUID, 0, true, true },
        { "nodev", OPT_NODEV, 0, true, true },
        { "noexec", OPT_NOEXEC, 0, true, true },
        { "rbind", OPT_RBIND, OPT_NORBIND, true, false },
        { "norbind", OPT_NORBIND, OPT_RBIND, true, false },
        { "size=", OPT_SIZE, 0, false, true },
        { "mode=", OPT_MODE, 0, false, true },
        { "nr_inodes=", OPT_NR_INODES, 0, false, true },
};

struct parsed_options {
        unsigned set;
        uint64_t size, nr_inodes;
        unsigned mode;
};

static int parse_mode(const char *s, unsigned *ret) {
        unsigned v = 0;
        if (!*s || strlen(s) > 5)
                return -EINVAL;
        for (; *s; s++) {
                if (*s < '0' || *s > '7')
                        return -EINVAL;
                v = v * 8 + (unsigned) (*s - '0');
        }
        if (v > 07777)
                return -EINVAL;
        *ret = v;
        return 0;
}

static int parse_mount_options(const char *list, bool tmpfs, struct parsed_options *ret, char **reason) {
        _cleanup_free_ char *copy = strdup(list);
        char *save = NULL;

        if (!copy)
                return profile_reason(reason, -ENOMEM, "out of memory");
        if (!*list || list[0] == ',' || list[strlen(list) - 1] == ',' || strstr(list, ",,"))
                return profile_reason(reason, -EINVAL, "empty mount option in '%s'", list);
        for (char *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
                size_t i;
                const char *arg = NULL;

                for (i = 0; i < ELEMENTSOF(mount_options); i++) {
                        const char *name = mount_options[i].name;
                        size_t n = strlen(name);
                        if (name[n - 1] == '=' ? strncmp(o, name, n) == 0 : streq(o, name)) {
                                arg = o + n;
                                break;
                        }
                }
                if (i == ELEMENTSOF(mount_options))
                        return profile_reason(reason, -EINVAL, "unknown %s option '%s'",
                                              tmpfs ? "tmpfs" : "bind", o);
                if (!(tmpfs ? mount_options[i].tmpfs : mount_options[i].bind))
                        return profile_reason(reason, -EINVAL, "option '%s' is for %s, not for a %s", o,
                                              tmpfs ? "binds" : "tmpfs", tmpfs ? "tmpfs" : "bind");
                if (ret->set & mount_options[i].bit)
                        return profile_reason(reason, -EINVAL, "option '%s' given twice", o);
                if (ret->set & mount_options[i].conflicts)
                        return profile_reason(reason, -EINVAL, "conflicting options in '%s'", list);
                ret->set |= mount_options[i].bit;
                if (mount_options[i].bit == OPT_SIZE && parse_size(arg, &ret->size) < 0)
                        return profile_reason(reason, -EINVAL, "not a size: '%s'", arg);
                if (mount_options[i].bit == OPT_NR_INODES && parse_size(arg, &ret->nr_inodes) < 0)
                        return profile_reason(reason, -EINVAL, "not a number: '%s'", arg);
                if (mount_options[i].bit == OPT_MODE && parse_mode(arg, &ret->mode) < 0)
                        return profile_reason(reason, -EINVAL, "not an octal mode: '%s'", arg);
        }
        return 0;
}

int profile_parse_bind(const char *spec, bool read_only, bool command_line,
                       struct mount_entry *ret, char **reason) {
        char *fields[3] = { NULL, NULL, NULL };
        struct parsed_options opts = { 0 };
        struct mount_entry m = { .kind = MOUNT_BIND, .read_only = read_only ? 1 : -1, .recursive = true };
        int r;

        r = split_colons(spec, fields, 3, "SOURCE[:DESTINATION[:OPTIONS]]", reason);
        if (r < 0)
                goto out;
        r = profile_host_path(fields[0], command_line, &m.source, reason);
        if (r < 0)
                goto out;
        if (fields[1])
                r = profile_container_path(fields[1], &m.destination, reason);
        else if ((m.destination = strdup(m.source)))
                /* "At the same path": --bind ../data from a build directory
                 * lands where the words lead, not refused for its "..". */
                path_drop_dotdot(m.destination);
        else
                r = profile_reason(reason, -ENOMEM, "out of memory");
        if (r < 0)
                goto out;
        if (fields[2]) {
                r = parse_mount_options(fields[2], false, &opts, reason);
                if (r < 0)
                        goto out;
        }
        if (read_only && (opts.set & OPT_RW)) {
                r = profile_reason(reason, -EINVAL, "'rw' in a read-only bind");
                goto out;
        }
        if (opts.set & OPT_RO)
                m.read_only = 1;
        if (opts.set & OPT_RW)
                m.read_only = 0;
        m.nosuid = opts.set & OPT_NOSUID;
        m.nodev = opts.set & OPT_NODEV;
        m.noexec = opts.set & OPT_NOEXEC;
        m.recursive = !(opts.set & OPT_NORBIND);
        *ret = m;
        memset(&m, 0, sizeof(m));
out:
        free_fields(fields, ELEMENTSOF(fields));
        profile_mount_entry_done(&m);
        return r;
}

int profile_parse_tmpfs(const char *spec, struct mount_entry *ret, char **reason) {
        char *fields[2] = { NULL, NULL };
        struct parsed_options opts = { 0 };
        struct mount_entry m = { .kind = MOUNT_TMPFS, .read_only = -1 };
        int r;

        r = split_colons(spec, fields, 2, "DESTINATION[:OPTIONS]", reason);
        if (r < 0)
                goto out;
        r = profile_container_path(fields[0], &m.destination, reason);
        if (r < 0)
                goto out;
        if (fields[1]) {
                r = parse_mount_options(fields[1], true, &opts, reason);
                if (r < 0)
                        goto out;
        }
        if (opts.set & (OPT_SIZE | OPT_MODE | OPT_NR_INODES)) {
                char buf[128] = "";
                size_t n = 0;
                if (opts.set & OPT_SIZE)
                        n += (size_t) snprintf(buf + n, sizeof(buf) - n, ",size=%" PRIu64, opts.size);
                if (opts.set & OPT_MODE)
                        n += (size_t) snprintf(buf + n, sizeof(buf) - n, ",mode=%04o", opts.mode);
                if (opts.set & OPT_NR_INODES)
                        snprintf(buf + n, sizeof(buf) - n, ",nr_inodes=%" PRIu64, opts.nr_inodes);
                m.data = strdup(buf + 1);
                if (!m.data) {
                        r = profile_reason(reason, -ENOMEM, "out of memory");
                        goto out;
                }
        }
        if (opts.set & OPT_RO)
                m.read_only = 1;
        m.nosuid = opts.set & OPT_NOSUID;
        m.nodev = opts.set & OPT_NODEV;
        m.noexec = opts.set & OPT_NOEXEC;
        *ret = m;
        memset(&m, 0, sizeof(m));
out:
        free_fields(fields, ELEMENTSOF(fields));
        profile_mount_entry_done(&m);
        return r;
}

/* Limits counted in bytes take K/M/G/T suffixes; the others are counts,
 * seconds (CPU), microseconds (RTTIME) or priorities. */
static const int byte_rlimits[] = {
        RLIMIT_AS, RLIMIT_CORE, RLIMIT_DATA, RLIMIT_FSIZE, RLIMIT_MEMLOCK, RLIMIT_MSGQUEUE, RLIMIT_STACK,
};

bool profile_rlimit_is_bytes(int resource) {
        for (size_t i = 0; i < ELEMENTSOF(byte_rlimits); i++)
                if (byte_rlimits[i] == resource)
                        return true;
        return false;
}

const char *profile_rlimit_name(int resource) {
        for (size_t i = 0; i < profile_n_keys; i++)
                if (profile_keys[i].id == KEY_RLIMIT && profile_keys[i].arg == resource)
                        return profile_keys[i].key;
        return NULL;
}

static int parse_limit_number(int resource, const char *s, uint64_t *ret, char **reason) {
        int r;
        if (streq(s, "infinity")) {
                *ret = RLIM_INFINITY;
                return 0;
        }
        r = profile_rlimit_is_bytes(resource) ? parse_size(s, ret) : parse_uint64(s, ret);
        if (r < 0)
                return profile_reason(reason, -EINVAL, "not a %s: '%s'",
                                      profile_rlimit_is_bytes(resource) ? "size" : "number", s);
        return 0;
}

int profile_parse_rlimit_value(int resource, const char *value, uint64_t *soft, uint64_t *hard,
                               char **reason) {
        const char *colon = strchr(value, ':');
        int r;

        if (!colon) {
                r = parse_limit_number(resource, value, soft, reason);
                if (r < 0)
                        return r;
                *hard = *soft;
                return 0;
        }
        _cleanup_free_ char *first = strndup(value, (size_t) (colon - value));
        if (!first)
                return profile_reason(reason, -ENOMEM, "out of memory");
        r = parse_limit_number(resource, first, soft, reason);
        if (r < 0)
                return r;
        r = parse_limit_number(resource, colon + 1, hard, reason);
        if (r < 0)
                return r;
        if (*soft > *hard)
                return profile_reason(reason, -EINVAL, "soft limit above the hard limit: '%s'", value);
        return 0;
}

static const struct {
        const char *name;
        const char *path;       /* a node, or a directory whose nodes are all taken */
        bool directory;
} device_classes[] = {
        { "fuse", "/dev/fuse", false },
        { "kvm", "/dev/kvm", false },
        { "tun", "/dev/net/tun", false },
        { "dri", "/dev/dri", true },
};

static int device_directory_nodes(const char *dir, char ***ret) {
        _cleanup_strv_free_ char **nodes = NULL;
        DIR *d = opendir(dir);
        struct dirent *de;
        int r = 0;

        if (!d)
                return -errno;
        while ((de = readdir(d))) {
                struct stat st;
                _cleanup_free_ char *p = path_join(dir, de->d_name);
                if (!p) {
                        r = -ENOMEM;
                        break;
                }
                if (de->d_name[0] == '.' || lstat(p, &st) < 0 || !S_ISCHR(st.st_mode))
                        continue;
                r = strv_push(&nodes, TAKE_PTR(p));
                if (r < 0)
                        break;
        }
        closedir(d);
        if (r < 0)
                return r;
        if (!nodes)
                return -ENOENT;
        strv_sort(nodes);
        *ret = TAKE_PTR(nodes);
        return 0;
}

const char *profile_device_class_name(size_t i) {
        return i < ELEMENTSOF(device_classes) ? device_classes[i].name : NULL;
}

int profile_device_class(const char *name, char ***ret_paths, char **reason) {
        for (size_t i = 0; i < ELEMENTSOF(device_classes); i++) {
                struct stat st;
                if (!streq(device_classes[i].name, name))
                        continue;
                if (device_classes[i].directory) {
                        int r = device_directory_nodes(device_classes[i].path, ret_paths);
                        if (r == -ENOMEM)
                                return profile_reason(reason, r, "out of memory");
                        if (r < 0)
                                return profile_reason(reason, r, "no device under %s on this host (device class '%s')",
                                                      device_classes[i].path, name);
                        return 0;
                }
                if (stat(device_classes[i].path, &st) < 0 || !S_ISCHR(st.st_mode))
                        return profile_reason(reason, -ENOENT, "no %s on this host (device class '%s')",
                                              device_classes[i].path, name);
                *ret_paths = NULL;
                if (strv_extend(ret_paths, device_classes[i].path) < 0)
                        return profile_reason(reason, -ENOMEM, "out of memory");
                return 0;
        }
        return profile_reason(reason, -EINVAL,
                              "not an absolute path or a device class (fuse, kvm, tun, dri): '%s'", name);
}
