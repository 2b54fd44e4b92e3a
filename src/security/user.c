/* SPDX-License-Identifier: Apache-2.0 */
/* Who the command runs as: the User= spec, resolved with the container's
 * /etc/passwd and /etc/group; and the host's entries of the user. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"
#include "security.h"

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
                /* By hand: a sanitizer's strchr checks the whole rest of
                 * the text at every call, which would make this quadratic. */
                for (next = line; *next && *next != '\n'; next++)
                        ;
                if (*next)
                        *next++ = 0;
                else
                        next = NULL;
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

/* The gids a scan of /etc/group collects: appended in amortised constant
 * time, sorted and made unique once at the end. A hostile image may list
 * the user in every line of a 4 MiB file: a duplicate check per insertion
 * would cost seconds of CPU for each launch. */
struct gid_list {
        gid_t *gids;
        size_t n, allocated;
};

static int gid_list_add(struct gid_list *l, gid_t gid) {
        gid_t *gids = array_reserve_one(l->gids, l->n, &l->allocated, sizeof(gid_t));

        if (!gids)
                return -ENOMEM;
        gids[l->n++] = gid;
        l->gids = gids;
        return 0;
}

static void gid_list_done(struct gid_list *l) {
        free(l->gids);
}

static int gid_compare(const void *a, const void *b) {
        gid_t x = *(const gid_t *) a, y = *(const gid_t *) b;

        return x < y ? -1 : x > y;
}

static void gid_list_sort_unique(struct gid_list *l) {
        size_t kept = 0;

        if (l->n == 0)
                return;
        qsort(l->gids, l->n, sizeof(gid_t), gid_compare);
        for (size_t i = 1; i < l->n; i++)
                if (l->gids[i] != l->gids[kept])
                        l->gids[++kept] = l->gids[i];
        l->n = kept + 1;
}

/* The most supplementary groups setgroups() takes: more fails with EINVAL,
 * which would say nothing of the file that asked for them. */
static size_t groups_max(void) {
        long max = sysconf(_SC_NGROUPS_MAX);

        return max > 0 ? (size_t) max : NGROUPS_MAX;
}

/* Walks /etc/group: the gid of group_name (when not NULL) and the groups
 * that list user as a member (when not NULL). */
static int group_scan(char *db, const char *user, const char *group_name, gid_t *group_gid,
                      struct gid_list *groups) {
        char *f[4];
        int r;

        for (char *cursor = db; db_next(&cursor, f, 4);) {
                uint32_t gid;

                if (parse_id(f[2], &gid) < 0)
                        continue;
                if (group_name && streq(f[0], group_name))
                        *group_gid = gid;
                if (user && member_of(f[3], user)) {
                        r = gid_list_add(groups, gid);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

/* The groups of a user with a passwd entry, as initgroups() would set
 * them: the primary gid and each group that lists the user. */
static int user_groups(const char *user, gid_t gid, struct gid_list *groups) {
        int r = gid_list_add(groups, gid);

        if (r < 0)
                return log_errno(r, "user '%s'", user);
        gid_list_sort_unique(groups);
        if (groups->n > groups_max())
                return log_error("user '%s' is in %zu groups in /etc/group of the container, "
                                 "more than the %zu the kernel allows", user, groups->n, groups_max());
        return 0;
}

/* The names useradd takes: a letter or '_' first, then letters, digits,
 * '_', '.', '-', and a final '$' (Samba machine accounts); 32 at most. */
static bool user_name_valid(const char *s) {
        size_t n = strlen(s);

        if (n == 0 || n > 32 || !(isalpha((unsigned char) s[0]) || s[0] == '_'))
                return false;
        for (size_t i = 0; i < n; i++)
                if (!(isalnum((unsigned char) s[i]) || strchr("_.-", s[i]) || (s[i] == '$' && i == n - 1)))
                        return false;
        return true;
}

/* One name or id of a spec: a number is an id, anything else must be a
 * valid name. */
static bool user_spec_part(const char *s, bool *ret_numeric, uint32_t *ret_id) {
        *ret_numeric = parse_id(s, ret_id) >= 0;
        return *ret_numeric || user_name_valid(s);
}

void user_spec_done(struct user_spec *u) {
        free(u->user);
        *u = (struct user_spec) { .gid = UINT32_MAX };
}

int user_spec_parse(const char *spec, struct user_spec *ret) {
        _cleanup_(user_spec_done) struct user_spec u = { .gid = UINT32_MAX };
        char *colon;

        if (!spec)
                return -EINVAL;
        u.user = strdup(spec);
        if (!u.user)
                return -ENOMEM;
        colon = strchr(u.user, ':');
        if (colon) {
                *colon = 0;
                u.group = colon + 1;
                if (!user_spec_part(u.group, &u.numeric_group, &u.gid))
                        return -EINVAL;
        }
        if (!user_spec_part(u.user, &u.numeric_user, &u.uid))
                return -EINVAL;
        *ret = u;
        u = (struct user_spec) {};
        return 0;
}

/* One pass over /etc/group: the gid of a group given by name (when
 * group_name), and the supplementary groups of a user with an entry (when
 * member), as initgroups() would find them. A UID without an entry gets no
 * supplementary group, so that no host group survives. */
static int user_read_groups(int rootfd, const char *group_name, const char *member, uint32_t *group_gid,
                            struct gid_list *list) {
        _cleanup_free_ char *group = NULL;
        int r;

        if (!group_name && !member)
                return 0;
        r = user_db_read(rootfd, "group", &group);
        if (r < 0 && !(r == -ENOENT && !group_name))
                return user_db_error(r, "group");
        if (group) {
                r = group_scan(group, member, group_name, group_gid, list);
                if (r < 0)
                        return log_errno(r, "reading /etc/group of the container");
        }
        if (group_name && *group_gid == UINT32_MAX)
                return log_error("group '%s' not found in /etc/group of the container", group_name);
        return 0;
}

int user_resolve(int rootfd, const char *spec, uid_t own_uid, gid_t own_gid, struct user_identity *ret) {
        _cleanup_(user_spec_done) struct user_spec u = {};
        _cleanup_free_ char *passwd = NULL, *home_copy = NULL;
        _cleanup_(gid_list_done) struct gid_list list = {};
        struct passwd_entry pw = {};
        bool found, set_groups, group_by_name;
        uint32_t uid, gid;
        int r;

        r = user_spec_parse(spec, &u);
        if (r == -ENOMEM)
                return log_errno(r, "user '%s'", spec);
        if (r < 0)
                return log_error("not a user name or UID, with an optional :GROUP or :GID: '%s'", spec);
        group_by_name = u.group && !u.numeric_group;

        r = user_db_read(rootfd, "passwd", &passwd);
        /* No /etc/passwd at all is fine for a numeric UID (busybox roots). */
        if (r < 0 && !(r == -ENOENT && u.numeric_user))
                return user_db_error(r, "passwd");
        found = passwd && passwd_find(passwd, u.numeric_user ? NULL : u.user, u.uid, &pw);
        if (!found && !u.numeric_user)
                return log_error("user '%s' not found in /etc/passwd of the container", u.user);
        uid = found ? pw.uid : u.uid;
        /* The user's own identity keeps the host groups it came with: no
         * setgroups(), so a group-shared directory stays reachable and no
         * group that denies access is shed (CVE-2014-8989); another
         * identity gets exactly the image's groups. */
        set_groups = uid != own_uid;

        r = user_read_groups(rootfd, group_by_name ? u.group : NULL, found && set_groups ? pw.name : NULL,
                             &u.gid, &list);
        if (r < 0)
                return r;

        /* A UID no entry names runs in group 0, as docker, podman and runc
         * run it: its own number is no group the root gave it. */
        gid = u.group ? u.gid : found ? pw.gid : uid == own_uid ? own_gid : 0;
        if (found && set_groups) {
                r = user_groups(pw.name, gid, &list);
                if (r < 0)
                        return r;
        }
        if (found && pw.home && *pw.home) {
                home_copy = strdup(pw.home);
                if (!home_copy)
                        return log_errno(-ENOMEM, "user '%s'", spec);
        }
        *ret = (struct user_identity) {
                .uid = uid,
                .gid = gid,
                .home = TAKE_PTR(home_copy),
                .set_groups = set_groups,
                .groups = TAKE_PTR(list.gids),
                .n_groups = list.n,
        };
        return 0;
}

void user_identity_done(struct user_identity *u) {
        free(u->home);
        free(u->groups);
        *u = (struct user_identity) {};
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
        r = group_scan(db, NULL, name, &gid, NULL);
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
