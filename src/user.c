/* SPDX-License-Identifier: Apache-2.0 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "log.h"
#include "syscalls.h"
#include "user.h"
#include "util.h"

/* /etc/passwd and /etc/group belong to the image, not to the host: a real
 * one is a few kB, a hostile one may be a FIFO (a read would block forever,
 * CVE-2022-1227), a device, a symlink to a host file, or gigabytes. */
#define USER_DB_MAX (4U * 1024 * 1024)

struct passwd_entry {
        const char *name;
        uid_t uid;
        gid_t gid;
        const char *home;
};

/* Opens etc/<name> of the root: resolved by the kernel inside rootfd, so
 * neither ".." nor an absolute symlink reaches the host; O_NONBLOCK so that
 * a FIFO cannot stall the launch. */
static int user_db_open(int rootfd, const char *name) {
        struct open_how how = {
                .flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY,
                .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
        };
        _cleanup_free_ char *path = path_join("etc", name);
        _cleanup_close_ int etcfd = -1;
        int fd;

        if (!path)
                return -ENOMEM;
        for (int tries = 0; tries < 3; tries++) {
                fd = sys_openat2(rootfd, path, &how, sizeof(how));
                /* EAGAIN: a rename raced with the in-root walk. */
                if (fd != -EAGAIN)
                        break;
        }
        if (fd != -ENOSYS)
                return fd;
        /* Before Linux 5.6: no symlink followed at all, which is stricter. */
        etcfd = openat(rootfd, "etc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (etcfd < 0)
                return -errno;
        fd = openat(etcfd, name, (int) how.flags | O_NOFOLLOW);
        return fd < 0 ? -errno : fd;
}

static int user_db_read(int rootfd, const char *name, char **ret) {
        _cleanup_close_ int fd = -1;
        struct stat st;
        int r;

        fd = user_db_open(rootfd, name);
        if (fd < 0)
                return fd;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (S_ISDIR(st.st_mode))
                return -EISDIR;
        if (!S_ISREG(st.st_mode))
                return -EBADFD;
        if ((uint64_t) st.st_size > USER_DB_MAX)
                return -EFBIG;
        r = read_full_fd(fd, USER_DB_MAX, ret, NULL);
        return r < 0 ? r : 0;
}

static int user_db_error(int r, const char *name) {
        const char *why = r == -EBADFD ? "not a regular file"
                        : r == -EFBIG  ? "larger than 4 MiB"
                        : r == -ELOOP  ? "a symbolic link"
                                       : strerror(-r);
        log_error("reading /etc/%s of the container: %s", name, why);
        return r;
}

/* Splits line into exactly n ':'-separated fields (in place). */
static bool split_fields(char *line, char **fields, size_t n) {
        for (size_t i = 0; i < n; i++) {
                fields[i] = line;
                line = strchr(line, ':');
                if (i + 1 == n)
                        return line == NULL;
                if (!line)
                        return false;
                *line++ = 0;
        }
        return true;
}

static int parse_id(const char *s, uint32_t *ret) {
        uint32_t v;
        int r = parse_uint32(s, &v);

        if (r < 0)
                return r;
        /* (uid_t) -1 means "unchanged" to setresuid: never an identity. */
        if (v == UINT32_MAX)
                return -ERANGE;
        *ret = v;
        return 0;
}

/* The next line of n fields of a passwd or group database, from *cursor
 * on; edits the text in place and moves *cursor past the line. */
static bool db_next(char **cursor, char **fields, size_t n) {
        for (char *line = *cursor, *next; line && *line; line = next) {
                next = strchr(line, '\n');
                if (next)
                        *next++ = 0;
                /* Comments and NIS "+"/"-" lines are not entries. */
                if (*line == '#' || *line == '+' || *line == '-' || !split_fields(line, fields, n))
                        continue;
                *cursor = next;
                return true;
        }
        *cursor = NULL;
        return false;
}

static bool passwd_next(char **cursor, struct passwd_entry *ret) {
        char *f[7];
        uint32_t id, gid;

        while (db_next(cursor, f, 7))
                if (parse_id(f[2], &id) >= 0 && parse_id(f[3], &gid) >= 0) {
                        *ret = (struct passwd_entry) { .name = f[0], .uid = id, .gid = gid, .home = f[5] };
                        return true;
                }
        return false;
}

/* Finds the passwd line for name (or for uid when name is NULL). Points
 * into db, which it edits. */
static bool passwd_find(char *db, const char *name, uid_t uid, struct passwd_entry *ret) {
        for (char *cursor = db; passwd_next(&cursor, ret);)
                if (name ? streq(ret->name, name) : ret->uid == uid)
                        return true;
        return false;
}

static bool member_of(char *members, const char *user) {
        char *save = NULL;

        for (char *m = strtok_r(members, ",", &save); m; m = strtok_r(NULL, ",", &save))
                if (streq(m, user))
                        return true;
        return false;
}

static int groups_add(gid_t **groups, size_t *n, gid_t gid) {
        gid_t *l;

        for (size_t i = 0; i < *n; i++)
                if ((*groups)[i] == gid)
                        return 0;
        l = realloc(*groups, (*n + 1) * sizeof(gid_t));
        if (!l)
                return -ENOMEM;
        l[(*n)++] = gid;
        *groups = l;
        return 0;
}

/* Walks /etc/group: the gid of group_name (when not NULL) and the groups
 * that list user as a member (when not NULL). */
static int group_scan(char *db, const char *user, const char *group_name, gid_t *group_gid,
                      gid_t **groups, size_t *n_groups) {
        char *f[4];
        int r;

        for (char *cursor = db; db_next(&cursor, f, 4);) {
                uint32_t gid;

                if (parse_id(f[2], &gid) < 0)
                        continue;
                if (group_name && streq(f[0], group_name))
                        *group_gid = gid;
                if (user && member_of(f[3], user)) {
                        r = groups_add(groups, n_groups, gid);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

int user_resolve(int rootfd, const char *spec, uid_t *uid, gid_t *gid, char **home,
                 gid_t **groups, size_t *n_groups) {
        _cleanup_free_ char *user_part = NULL, *passwd = NULL, *group = NULL, *home_copy = NULL;
        _cleanup_free_ gid_t *list = NULL;
        struct passwd_entry pw = {};
        const char *group_part = NULL;
        bool numeric_user, numeric_group = false, found;
        uint32_t id = 0, group_id = UINT32_MAX;
        size_t n = 0;
        char *colon;
        int r;

        if (!spec || !*spec)
                return log_error("empty user: expected a name or UID[:GID]");
        if (string_has_cc(spec))
                return log_error("user name with a control character refused");
        user_part = strdup(spec);
        if (!user_part)
                return log_errno(-ENOMEM, "user '%s'", spec);
        colon = strchr(user_part, ':');
        if (colon) {
                *colon = 0;
                group_part = colon + 1;
                if (!*group_part)
                        return log_error("user '%s': empty group after ':'", spec);
                numeric_group = parse_id(group_part, &group_id) >= 0;
        }
        if (!*user_part)
                return log_error("user '%s': empty user name", spec);
        numeric_user = parse_id(user_part, &id) >= 0;
        if (!numeric_user && isdigit((unsigned char) user_part[0]))
                return log_error("user '%s': not a valid UID", spec);

        r = user_db_read(rootfd, "passwd", &passwd);
        /* No /etc/passwd at all is fine for a numeric UID (busybox roots). */
        if (r < 0 && !(r == -ENOENT && numeric_user))
                return user_db_error(r, "passwd");
        found = passwd && passwd_find(passwd, numeric_user ? NULL : user_part, id, &pw);
        if (!found && !numeric_user)
                return log_error("user '%s' not found in /etc/passwd of the container", user_part);

        /* One pass over /etc/group: the gid of a group given by name, and
         * the supplementary groups of a user with an entry, as initgroups()
         * would find them. A UID without an entry gets no supplementary
         * group, so that no host group survives. */
        if ((group_part && !numeric_group) || found) {
                r = user_db_read(rootfd, "group", &group);
                if (r < 0 && !(r == -ENOENT && !(group_part && !numeric_group)))
                        return user_db_error(r, "group");
                if (group) {
                        r = group_scan(group, found ? pw.name : NULL,
                                       numeric_group ? NULL : group_part, &group_id, &list, &n);
                        if (r < 0)
                                return log_errno(r, "reading /etc/group of the container");
                }
                if (group_part && group_id == UINT32_MAX)
                        return log_error("group '%s' not found in /etc/group of the container",
                                         group_part);
        }

        *uid = found ? pw.uid : id;
        *gid = group_part ? group_id : found ? pw.gid : id;
        if (found) {
                r = groups_add(&list, &n, *gid);
                if (r < 0)
                        return log_errno(r, "user '%s'", spec);
                if (pw.home && *pw.home) {
                        home_copy = strdup(pw.home);
                        if (!home_copy)
                                return log_errno(-ENOMEM, "user '%s'", spec);
                }
        }

        if (home)
                *home = TAKE_PTR(home_copy);
        if (groups)
                *groups = TAKE_PTR(list);
        if (n_groups)
                *n_groups = n;
        return 0;
}

int user_host_lookup(uid_t uid, char **ret_name, char **ret_home) {
        _cleanup_close_ int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

        if (rootfd < 0)
                return -errno;
        return user_passwd_lookup(rootfd, uid, ret_name, ret_home);
}

int user_host_group_lookup(const char *name, gid_t *ret) {
        _cleanup_close_ int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        _cleanup_free_ char *db = NULL;
        gid_t gid = (gid_t) -1;
        int r;

        if (rootfd < 0)
                return -errno;
        r = user_db_read(rootfd, "group", &db);
        if (r < 0)
                return r;
        r = group_scan(db, NULL, name, &gid, NULL, NULL);
        if (r < 0)
                return r;
        if (gid == (gid_t) -1)
                return -ENOENT;
        *ret = gid;
        return 0;
}

/* The user-private-group convention (Debian's adduser, useradd with
 * USERGROUPS_ENAB): the group is named like the user, is the user's
 * primary group, and has nobody else in it, neither as a primary group
 * nor as a listed member. */
bool user_host_group_is_private(uid_t uid, gid_t gid) {
        _cleanup_close_ int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        _cleanup_free_ char *passwd = NULL, *group = NULL;
        struct passwd_entry e;
        const char *name = NULL;
        bool named = false;
        char *f[4];

        if (rootfd < 0 || user_db_read(rootfd, "passwd", &passwd) < 0 || user_db_read(rootfd, "group", &group) < 0)
                return false;
        for (char *cursor = passwd; passwd_next(&cursor, &e);) {
                if (e.uid == uid && !name && e.gid == gid)
                        name = e.name;
                else if (e.gid == gid)
                        return false;
        }
        if (!name)
                return false;
        for (char *cursor = group; db_next(&cursor, f, 4);) {
                char *save = NULL;
                uint32_t id;

                if (parse_id(f[2], &id) < 0 || id != gid)
                        continue;
                if (!streq(f[0], name))
                        return false;
                for (char *m = strtok_r(f[3], ",", &save); m; m = strtok_r(NULL, ",", &save))
                        if (!streq(m, name))
                                return false;
                named = true;
        }
        return named;
}

int user_passwd_lookup(int rootfd, uid_t uid, char **ret_name, char **ret_home) {
        _cleanup_free_ char *db = NULL;
        struct passwd_entry e;
        int r;

        r = user_db_read(rootfd, "passwd", &db);
        if (r < 0)
                return r;
        if (!passwd_find(db, NULL, uid, &e))
                return -ENOENT;
        if (ret_name && !(*ret_name = strdup(e.name)))
                return -ENOMEM;
        if (ret_home && !(*ret_home = strdup(e.home))) {
                if (ret_name) {
                        free(*ret_name);
                        *ret_name = NULL;
                }
                return -ENOMEM;
        }
        return 0;
}

int user_home(char **ret) {
        const char *home = getenv("HOME");
        _cleanup_free_ char *db_home = NULL;

        if (!home || !path_is_absolute(home)) {
                if (user_host_lookup(getuid(), NULL, &db_home) == -ENOMEM)
                        return -ENOMEM;
                home = db_home;
        }
        if (!home || !path_is_absolute(home))
                return -ENOENT;
        *ret = strdup(home);
        return *ret ? 0 : -ENOMEM;
}

int user_xdg_dir(const char *variable, const char *fallback, char **ret) {
        const char *base = getenv(variable);
        _cleanup_free_ char *home = NULL, *dir = NULL;
        int r;

        *ret = NULL;
        if (base && path_is_absolute(base))
                return (*ret = path_join(base, "userbox")) ? 0 : -ENOMEM;
        r = user_home(&home);
        if (r < 0)
                return r == -ENOMEM ? r : 0;
        dir = path_join(home, fallback);
        if (!dir)
                return -ENOMEM;
        return (*ret = path_join(dir, "userbox")) ? 0 : -ENOMEM;
}
