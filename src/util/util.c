/* SPDX-License-Identifier: Apache-2.0 */
/* The helpers every subsystem uses and none prints from: number parsing,
 * string vectors, paths, whole-file reads and writes, processes
 * (util-strings.c has the text: escapes, command lines, spellings). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "util.h"

const char *startswith(const char *s, const char *prefix) {
        size_t n = strlen(prefix);
        return strncmp(s, prefix, n) == 0 ? s + n : NULL;
}

int parse_uint64(const char *s, uint64_t *ret) {
        char *end;
        unsigned long long v;

        /* strtoull accepts leading blanks and a minus sign: refuse both. */
        if (!s || !isdigit((unsigned char) s[0]))
                return -EINVAL;
        errno = 0;
        v = strtoull(s, &end, 10);
        if (errno == ERANGE)
                return -ERANGE;
        if (*end != '\0')
                return -EINVAL;
        *ret = v;
        return 0;
}

int parse_uint32(const char *s, uint32_t *ret) {
        uint64_t v;
        int r = parse_uint64(s, &v);
        if (r < 0)
                return r;
        if (v > UINT32_MAX)
                return -ERANGE;
        *ret = (uint32_t) v;
        return 0;
}

int parse_int(const char *s, int *ret) {
        uint64_t v;
        int r = parse_uint64(s, &v);
        if (r < 0)
                return r;
        if (v > INT_MAX)
                return -ERANGE;
        *ret = (int) v;
        return 0;
}

int parse_boolean(const char *s) {
        static const char *const yes[] = { "1", "yes", "true", "on" };
        static const char *const no[] = { "0", "no", "false", "off" };
        for (size_t i = 0; i < ELEMENTSOF(yes); i++)
                if (strcasecmp(s, yes[i]) == 0)
                        return 1;
        for (size_t i = 0; i < ELEMENTSOF(no); i++)
                if (strcasecmp(s, no[i]) == 0)
                        return 0;
        return -EINVAL;
}

int parse_size(const char *s, uint64_t *ret) {
        static const struct { char suffix; unsigned shift; } units[] = {
                { 'K', 10 }, { 'M', 20 }, { 'G', 30 }, { 'T', 40 },
        };
        _cleanup_free_ char *digits = NULL;
        size_t n;
        unsigned shift = 0;
        uint64_t v;
        int r;

        if (!s || !*s)
                return -EINVAL;
        n = strlen(s);
        for (size_t i = 0; i < ELEMENTSOF(units); i++)
                if (toupper((unsigned char) s[n - 1]) == units[i].suffix) {
                        shift = units[i].shift;
                        n--;
                        break;
                }
        digits = strndup(s, n);
        if (!digits)
                return -ENOMEM;
        r = parse_uint64(digits, &v);
        if (r < 0)
                return r;
        if (shift && v > (UINT64_MAX >> shift))
                return -ERANGE;
        *ret = v << shift;
        return 0;
}

void strv_free(char **l) {
        if (!l)
                return;
        for (char **p = l; *p; p++)
                free(*p);
        free(l);
}

size_t strv_length(char * const *l) {
        size_t n = 0;
        while (l && l[n])
                n++;
        return n;
}

int strv_push(char ***l, char *s) {
        size_t n = strv_length(*l);
        char **nl = realloc(*l, (n + 2) * sizeof(char *));
        if (!nl) {
                free(s);
                return -ENOMEM;
        }
        nl[n] = s;
        nl[n + 1] = NULL;
        *l = nl;
        return 0;
}

int strv_extend(char ***l, const char *s) {
        char *copy = strdup(s);
        if (!copy)
                return -ENOMEM;
        return strv_push(l, copy);
}

char **strv_copy(char * const *l) {
        size_t n = strv_length(l);
        char **c = calloc(n + 1, sizeof(char *));
        if (!c)
                return NULL;
        for (size_t i = 0; i < n; i++) {
                c[i] = strdup(l[i]);
                if (!c[i]) {
                        strv_free(c);
                        return NULL;
                }
        }
        return c;
}

bool strv_contains(char * const *l, const char *s) {
        for (size_t i = 0; l && l[i]; i++)
                if (streq(l[i], s))
                        return true;
        return false;
}

static int compare_strings(const void *a, const void *b) {
        return strcmp(*(char * const *) a, *(char * const *) b);
}

void strv_sort(char **l) {
        if (l)
                qsort(l, strv_length(l), sizeof(char *), compare_strings);
}

bool path_is_absolute(const char *p) {
        return p && p[0] == '/';
}

char *path_simplify(char *p) {
        bool absolute = *p == '/';
        char *out = p;
        const char *in = p;

        /* Copy component by component, dropping empty ones and ".". */
        while (*in) {
                const char *end;
                size_t len;

                while (*in == '/')
                        in++;
                end = strchrnul(in, '/');
                len = (size_t) (end - in);
                if (len == 0 || (len == 1 && in[0] == '.')) {
                        in = end;
                        continue;
                }
                if (out != p || absolute)
                        *out++ = '/';
                memmove(out, in, len);
                out += len;
                in = end;
        }
        if (out == p)
                *out++ = absolute ? '/' : '.';
        *out = '\0';
        return p;
}

char *path_drop_dotdot(char *p) {
        char *out = p;
        const char *in = p;

        while (*in) {
                const char *start = in + 1, *end = strchrnul(start, '/');
                size_t len = (size_t) (end - start);

                if (len == 2 && start[0] == '.' && start[1] == '.') {
                        while (out > p && *--out != '/')
                                ;
                } else {
                        *out++ = '/';
                        memmove(out, start, len);
                        out += len;
                }
                in = end;
        }
        if (out == p)
                *out++ = '/';
        *out = '\0';
        return p;
}

bool path_is_below(const char *path, const char *dir) {
        const char *rest = startswith(path, dir);
        return rest && (!*rest || *rest == '/' || streq(dir, "/"));
}

char *path_join(const char *a, const char *b) {
        size_t la = strlen(a);
        char *r;

        while (la > 0 && a[la - 1] == '/')
                la--;
        while (*b == '/')
                b++;
        r = malloc(la + 1 + strlen(b) + 1);
        if (!r)
                return NULL;
        memcpy(r, a, la);
        r[la] = '/';
        strcpy(r + la + 1, b);
        return r;
}

bool path_has_dotdot(const char *p) {
        for (const char *c = p; (c = strstr(c, "..")); c += 2)
                if ((c == p || c[-1] == '/') && (c[2] == '/' || c[2] == '\0'))
                        return true;
        return false;
}

const char *path_basename(const char *p) {
        const char *s = strrchr(p, '/');
        return s ? s + 1 : p;
}

int path_find_program(const char *name, char **ret) {
        const char *path = getenv("PATH");

        if (!path || !*path)
                path = "/usr/bin:/bin:/usr/sbin:/sbin";
        while (*path) {
                size_t len = strcspn(path, ":");
                if (len > 0 && path[0] == '/') {
                        _cleanup_free_ char *dir = strndup(path, len);
                        char *candidate = dir ? path_join(dir, name) : NULL;
                        struct stat st;

                        if (!candidate)
                                return -ENOMEM;
                        if (access(candidate, X_OK) == 0 && stat(candidate, &st) == 0 && S_ISREG(st.st_mode)) {
                                *ret = candidate;
                                return 0;
                        }
                        free(candidate);
                }
                path += len;
                if (*path == ':')
                        path++;
        }
        return -ENOENT;
}

int read_full_fd(int fd, size_t max, char **ret, size_t *ret_size) {
        _cleanup_free_ char *buf = NULL;
        size_t size = 0, allocated = 0;

        for (;;) {
                ssize_t n;
                if (allocated - size < 4096) {
                        size_t want = allocated ? allocated * 2 : 4096;
                        char *nb;
                        if (want > max + 1)
                                want = max + 1;
                        if (want <= size)
                                return -EFBIG;
                        nb = realloc(buf, want + 1);
                        if (!nb)
                                return -ENOMEM;
                        buf = nb;
                        allocated = want;
                }
                n = read(fd, buf + size, allocated - size);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (n == 0)
                        break;
                size += (size_t) n;
                if (size > max)
                        return -EFBIG;
        }
        buf[size] = '\0';
        if (ret_size)
                *ret_size = size;
        *ret = TAKE_PTR(buf);
        return 0;
}

int write_file_at(int dir, const char *path, const char *s) {
        _cleanup_close_ int fd = openat(dir, path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
        size_t n = strlen(s);
        ssize_t w;

        if (fd < 0)
                return -errno;
        /* One write: /proc files such as uid_map take their text whole. */
        w = write(fd, s, n);
        if (w < 0)
                return -errno;
        return (size_t) w == n ? 0 : -EIO;
}

int fd_write_all(int fd, const void *buf, size_t n) {
        const char *p = buf;

        while (n > 0) {
                ssize_t w = write(fd, p, n);
                if (w < 0 && errno == EINTR)
                        continue;
                if (w < 0)
                        return -errno;
                p += w;
                n -= (size_t) w;
        }
        return 0;
}

int write_new_file_at(int dir, const char *name, const void *data, size_t size) {
        _cleanup_close_ int fd = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        int r;

        /* 0644 whatever the umask: what others may read of it is the
         * directory's to say. */
        if (fd < 0 || fchmod(fd, 0644) < 0)
                return -errno;
        r = fd_write_all(fd, data, size);
        return r < 0 ? r : close(TAKE_FD(fd)) < 0 ? -errno : 0;
}

int write_file(const char *path, const char *s) {
        return write_file_at(AT_FDCWD, path, s);
}

void *array_reserve_one(void *array, size_t n, size_t *allocated, size_t size) {
        size_t want;
        void *p;

        if (n < *allocated)
                return array;
        want = n < 8 ? 8 : n * 2;
        p = reallocarray(array, want, size);
        if (p)
                *allocated = want;
        return p;
}

extern char **environ;

/* Starts path with its standard output (and with_stderr, its standard
 * error) on a pipe whose read end is *ret_fd. */
int spawn_with_output(const char *path, char *const *argv, bool with_stderr, pid_t *ret_pid,
                             int *ret_fd) {
        _cleanup_close_ int out_read = -1, out_write = -1;
        posix_spawn_file_actions_t actions;
        posix_spawnattr_t attr;
        sigset_t none, all;
        pid_t pid;
        int fds[2], r;

        if (pipe2(fds, O_CLOEXEC) < 0)
                return -errno;
        out_read = fds[0];
        out_write = fds[1];

        r = posix_spawn_file_actions_init(&actions);
        if (r != 0)
                return -r;
        r = posix_spawn_file_actions_adddup2(&actions, out_write, STDOUT_FILENO);
        if (r == 0 && with_stderr)
                r = posix_spawn_file_actions_adddup2(&actions, out_write, STDERR_FILENO);
        if (r == 0)
                r = posix_spawnattr_init(&attr);
        if (r != 0) {
                posix_spawn_file_actions_destroy(&actions);
                return -r;
        }
        /* The launcher may block or ignore signals for its own wait loop;
         * the helper starts clean. */
        sigemptyset(&none);
        sigfillset(&all);
        (void) posix_spawnattr_setsigmask(&attr, &none);
        (void) posix_spawnattr_setsigdefault(&attr, &all);
        (void) posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
        /* glibc's posix_spawn is clone(CLONE_VM|CLONE_VFORK) + exec: no
         * copy of the launcher, and it returns the exec error itself. */
        r = posix_spawn(&pid, path, &actions, &attr, argv, environ);
        posix_spawnattr_destroy(&attr);
        posix_spawn_file_actions_destroy(&actions);
        if (r != 0)
                return -r;
        *ret_pid = pid;
        *ret_fd = TAKE_FD(out_read);
        return 0;
}

void reap_pidp(pid_t *pid) {
        if (*pid > 0)
                while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
                        ;
        *pid = 0;
}
