/* SPDX-License-Identifier: Apache-2.0 */
/* The user's grant: the answer of userbox-subid, which reads the user's
 * subordinate ranges with libsubid (helpers/userbox-subid.c has the
 * protocol), and that answer remembered in the user's cache, trusted only
 * while nsswitch.conf leaves the ranges to files. Planning from it, and the
 * newuidmap/newgidmap helpers, are in idmap-host.c. */
#include <errno.h>
#include <fcntl.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "idmap-internal.h"
#include "util.h"
#include "security.h"


/* The services of one nsswitch.conf line: whether the first is "files"
 * and whether it is the only one ("[NOTFOUND=return]"-style actions are
 * not services). An empty list is glibc's default, "files". */
static void nss_services(const char *p, bool *files_first, bool *files_only) {
        size_t n = 0;

        *files_first = *files_only = true;
        for (;;) {
                size_t word;
                bool files;

                p += strspn(p, " \t");
                word = strcspn(p, " \t\n#");
                if (word == 0)
                        break;
                files = word == strlen("files") && strncmp(p, "files", word) == 0;
                if (*p != '[') {
                        if (n++ == 0)
                                *files_first = files;
                        if (!files)
                                *files_only = false;
                }
                p += word;
        }
}

static bool nss_database_is(const char *line, size_t len, const char *name) {
        return len == strlen(name) && strncasecmp(line, name, len) == 0;
}

void idmap_nss_sources(const char *text, struct idmap_nss_sources *ret) {
        *ret = (struct idmap_nss_sources) {
                .passwd_files_first = true,
                .group_files_first = true, .group_files_only = true,
        };
        while (*text) {
                size_t len = strcspn(text, "\n"), name;
                const char *line = text + strspn(text, " \t"), *p;
                bool first, only;

                text += len + (text[len] == '\n');
                name = strcspn(line, " \t:\n#");
                p = line + name + strspn(line + name, " \t");
                if (*p != ':')
                        continue;
                nss_services(p + 1, &first, &only);
                if (nss_database_is(line, name, "subid"))
                        ret->subid_service = !only;
                else if (nss_database_is(line, name, "passwd"))
                        ret->passwd_files_first = first;
                else if (nss_database_is(line, name, "group")) {
                        ret->group_files_first = first;
                        ret->group_files_only = only;
                }
        }
}

void subid_answer_done(struct subid_answer *a) {
        free(a->helper);
        free(a->user);
        free(a->ranges[0]);
        free(a->ranges[1]);
}

/* Empties *a but for the helper's path. */
static void subid_answer_reset(struct subid_answer *a) {
        char *helper = TAKE_PTR(a->helper);

        subid_answer_done(a);
        memset(a, 0, sizeof(*a));
        a->helper = helper;
        a->result[0] = a->result[1] = -ENOENT;
}

/* "uid R START COUNT ...": ranges past the id space are clipped or
 * dropped, as the kernel has no ids there. Anything else on the line is
 * not an answer. */
static int subid_parse_ranges(const char *text, struct subid_answer *a, int k) {
        unsigned long long start, count;
        const char *p = text;
        int n, result;

        if (sscanf(p, "%d%n", &result, &n) != 1)
                return -EBADMSG;
        p += n;
        a->result[k] = result > 0 ? -result : result;
        while (sscanf(p, " %llu %llu%n", &start, &count, &n) == 2) {
                struct id_triple *t;

                p += n;
                if (start >= ID_LIMIT || count == 0)
                        continue;
                t = array_reserve_one(a->ranges[k], a->n[k], &a->allocated[k], sizeof(*t));
                if (!t)
                        return -ENOMEM;
                a->ranges[k] = t;
                t[a->n[k]++] = (struct id_triple) { .outside = (uint32_t) start,
                                                    .count = (uint32_t) MIN(count, ID_LIMIT - start) };
        }
        return p[strspn(p, " ")] == '\0' ? 0 : -EBADMSG;
}

static int subid_parse(char *text, struct subid_answer *a) {
        bool end = false;
        char *save = NULL;
        int r;

        for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                const char *v;

                if (end)
                        return -EBADMSG;
                if ((v = startswith(line, "user ")) && !a->user) {
                        if (!(a->user = strdup(v)))
                                return -ENOMEM;
                } else if ((v = startswith(line, "uid ")) || (v = startswith(line, "gid "))) {
                        r = subid_parse_ranges(v, a, line[0] == 'g');
                        if (r < 0)
                                return r;
                } else if (streq(line, "end"))
                        end = true;
                else if (!streq(line, "nouser"))
                        return -EBADMSG;
        }
        return end ? 0 : -EBADMSG;
}

/* ---- the answer, remembered ----
 *
 * userbox-subid costs a fork, an exec and a dynamic load (1.4 ms on the
 * benchmark's machine, a quarter of a start) for an answer that changes
 * only when what it is made of changes. So a complete answer is kept in
 * the user's cache (~/.cache/userbox/subid-HOST), under a key of the uid,
 * the helper and every file libsubid reads for it: /etc/subuid,
 * /etc/subgid, and /etc/passwd and /etc/group, where it looks the owner up
 * to match numeric lines, and /etc/nsswitch.conf (device, inode, size,
 * modification and change times of each). It is kept only while those
 * files are all there is: not when nsswitch.conf gives subid a service
 * (sss, ...), nor when the user or the group of the user's name could come
 * from somewhere else than /etc/passwd and /etc/group. The file is trusted
 * no more than its owner, who must be us: it only chooses the ranges
 * newuidmap and newgidmap are asked for, and they check them against the
 * real grant. */

static const char *const subid_inputs[] = {
        "/etc/subuid", "/etc/subgid", "/etc/passwd", "/etc/group", "/etc/nsswitch.conf",
};

struct subid_cache {
        char *path;             /* NULL: nothing is cached */
        struct idmap_nss_sources nss;
        char key[1280];
};

static void subid_cache_done(struct subid_cache *c) {
        free(c->path);
}

/* fd, when not -1, is path already open. */
static size_t stamp(char *buf, size_t size, const char *path, int fd) {
        struct stat st;
        int n;

        if ((fd >= 0 ? fstat(fd, &st) : stat(path, &st)) < 0)
                n = snprintf(buf, size, " %s:-", path);
        else
                n = snprintf(buf, size, " %s:%ju:%ju:%jd:%jd.%09ld:%jd.%09ld", path, (uintmax_t) st.st_dev,
                             (uintmax_t) st.st_ino, (intmax_t) st.st_size, (intmax_t) st.st_mtim.tv_sec,
                             st.st_mtim.tv_nsec, (intmax_t) st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
        return n < 0 || (size_t) n >= size ? size : (size_t) n;
}

/* The nearest of path and its two parents that exists is a directory of
 * ours (symlinks followed: ~/.cache is often a link to scratch space on
 * clusters): root running with a user's HOME (sudo -E) neither reads that
 * user's cache nor leaves a root-owned ~/.cache behind. */
static bool cache_dir_is_ours(const char *path) {
        _cleanup_free_ char *p = strdup(path);

        for (int up = 0; p && up < 3; up++) {
                struct stat st;
                char *slash;

                if (stat(p, &st) == 0)
                        return S_ISDIR(st.st_mode) && st.st_uid == geteuid();
                if (errno != ENOENT || !(slash = strrchr(p, '/')) || slash == p)
                        return false;
                *slash = '\0';
        }
        return false;
}

/* Leaves c->path NULL when nothing can be cached: no home of ours, a subid
 * service, or a key too long for its buffer. */
static int subid_cache_setup(struct subid_cache *c, const char *helper) {
        _cleanup_free_ char *dir = NULL, *nsswitch = NULL;
        _cleanup_close_ int fd = -1;
        struct utsname u;
        size_t len, size;
        int r;

        r = user_xdg_dir("XDG_CACHE_HOME", ".cache", &dir);
        if (r < 0 || !dir || !cache_dir_is_ours(dir))
                return r;
        /* Unreadable or missing (some distributions keep theirs in /usr/etc,
         * unstamped): nothing is cached. */
        fd = open("/etc/nsswitch.conf", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
                return 0;
        r = read_full_fd(fd, 64 * 1024, &nsswitch, &size);
        if (r < 0)
                return r == -ENOMEM ? r : 0;
        idmap_nss_sources(nsswitch, &c->nss);
        if (c->nss.subid_service || !c->nss.passwd_files_first || !c->nss.group_files_first)
                return 0;
        len = (size_t) snprintf(c->key, sizeof(c->key), "userbox subid cache 1 uid:%u", (unsigned) getuid());
        len += stamp(c->key + len, sizeof(c->key) - len, helper, -1);
        for (size_t i = 0; i < ELEMENTSOF(subid_inputs) && len < sizeof(c->key); i++)
                len += stamp(c->key + len, sizeof(c->key) - len, subid_inputs[i],
                             streq(subid_inputs[i], "/etc/nsswitch.conf") ? fd : -1);
        if (len >= sizeof(c->key))
                return 0;
        /* One file per machine: a home shared by a cluster's nodes. */
        if (uname(&u) < 0 || strchr(u.nodename, '/') || asprintf(&c->path, "%s/subid-%s", dir, u.nodename) < 0)
                c->path = NULL;
        return 0;
}

static bool subid_cache_read(const struct subid_cache *c, struct subid_answer *a) {
        /* Not through a symlink, and never blocked by a FIFO. */
        _cleanup_close_ int fd = open(c->path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        _cleanup_free_ char *text = NULL;
        size_t size, len = strlen(c->key);
        struct stat st;

        if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
            read_full_fd(fd, 64 * 1024, &text, &size) < 0)
                return false;
        if (strncmp(text, c->key, len) != 0 || text[len] != '\n')
                return false;
        if (subid_parse(text + len + 1, a) == 0)
                return true;
        subid_answer_reset(a);
        return false;
}

/* Is this answer made only of what the key stamps? A complete one (a user,
 * both sides read), whose user is the one in /etc/passwd, and whose
 * owner's group, when other sources follow "files", is in /etc/group. */
static bool subid_answer_cacheable(const struct subid_cache *c, const struct subid_answer *a) {
        _cleanup_free_ char *name = NULL;
        gid_t gid;

        if (!a->user || a->result[0] < 0 || a->result[1] < 0)
                return false;
        if (user_host_lookup(getuid(), &name, NULL) < 0 || !streq(name, a->user))
                return false;
        return c->nss.group_files_only || user_host_group_lookup(a->user, &gid) == 0;
}

/* Best effort: a cache that cannot be written is only slower. */
static void subid_cache_write(const struct subid_cache *c, const char *answer) {
        _cleanup_free_ char *dir = strdup(c->path), *tmp = NULL;
        char *slash = dir ? strrchr(dir, '/') : NULL;
        _cleanup_close_ int fd = -1;
        int r = -ENOMEM;

        if (!slash || asprintf(&tmp, "%s.XXXXXX", c->path) < 0) {
                tmp = NULL;
                goto fail;
        }
        *slash = '\0';
        if (mkdir(dir, 0700) < 0 && errno == ENOENT) {
                /* ~/.cache itself may not exist yet: one level, no more. */
                slash = strrchr(dir, '/');
                *slash = '\0';
                (void) mkdir(dir, 0700);
                *slash = '/';
                (void) mkdir(dir, 0700);
        }
        fd = mkostemp(tmp, O_CLOEXEC);
        if (fd < 0) {
                r = -errno;
                free(TAKE_PTR(tmp));
                goto fail;
        }
        if (dprintf(fd, "%s\n%s", c->key, answer) < 0 || close(TAKE_FD(fd)) < 0 || rename(tmp, c->path) < 0) {
                r = -errno;
                goto fail;
        }
        log_step("subordinate ranges cached in '%s'", c->path);
        return;
fail:
        if (tmp)
                (void) unlink(tmp);
        log_step("subordinate ranges not cached in '%s': %s", c->path, strerror(-r));
}

/* The helper's standard error is ours: libsubid's complaints, or the
 * loader's. */
int subid_ask(struct subid_answer *a, pid_t *ret_pid) {
        _cleanup_(subid_cache_done) struct subid_cache cache = { 0 };
        _cleanup_free_ char *text = NULL, *copy = NULL;
        _cleanup_close_ int fd = -1;
        char *argv[2];
        size_t size;
        int r;

        memset(a, 0, sizeof(*a));
        a->result[0] = a->result[1] = -ENOENT;
        r = self_subid_helper(&a->helper);
        if (r < 0)
                return r;
        r = subid_cache_setup(&cache, a->helper);
        if (r < 0)
                return r;
        if (cache.path && subid_cache_read(&cache, a)) {
                log_step("subordinate ranges read (cached in '%s')", cache.path);
                return 0;
        }
        argv[0] = a->helper;
        argv[1] = NULL;
        r = spawn_with_output(a->helper, argv, false, ret_pid, &fd);
        if (r < 0)
                return r;
        r = read_full_fd(fd, 64 * 1024, &text, &size);
        if (r >= 0 && cache.path && !(copy = strdup(text)))
                r = -ENOMEM;
        if (r >= 0)
                r = subid_parse(text, a);
        if (r == -EBADMSG) {
                /* No answer: how it ended says why. */
                while (waitpid(*ret_pid, &a->status, 0) < 0 && errno == EINTR)
                        ;
                *ret_pid = 0;
        }
        if (r < 0)
                return r;
        log_step("subordinate ranges read (userbox-subid)");
        if (copy && subid_answer_cacheable(&cache, a))
                subid_cache_write(&cache, copy);
        return 0;
}
