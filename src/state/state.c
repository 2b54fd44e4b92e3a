/* SPDX-License-Identifier: Apache-2.0 */
/* Names, claiming a name, removing a container's directory, and telling a
 * live container from remains. */
#include <dirent.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>

#include "state-internal.h"
#include "util.h"

const char *const state_known_files[] = {
        STATE_FILE_STATE, STATE_FILE_STATE_TMP, STATE_FILE_LOG, STATE_FILE_LOG_OLD,
        STATE_FILE_CONFIG, STATE_FILE_CONFIG_TMP, STATE_FILE_CONTROL, STATE_FILE_LOCK,
};
const size_t state_n_known_files = ELEMENTSOF(state_known_files);

/* ---------------------------------------------------------------- names */

static bool is_alnum_ascii(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

int state_name_check(const char *name, const char **reason) {
        const char *why = NULL;
        size_t n = name ? strlen(name) : 0;

        if (n == 0)
                why = "is empty";
        else if (n > STATE_NAME_MAX)
                why = "is longer than 64 characters";
        else if (strchr(name, '/'))
                why = "contains '/'";
        else if (string_has_cc(name) || strchr(name, '\t'))
                why = "contains a control character";
        else if (name[0] == '.')
                why = "starts with '.'";
        else if (name[0] == '-')
                why = "starts with '-'";
        else if (!is_alnum_ascii(name[0]))
                why = "does not start with a letter or digit";
        for (size_t i = 0; !why && i < n; i++)
                if (!is_alnum_ascii(name[i]) && !strchr("_.-", name[i]))
                        why = "may hold only letters, digits, '_', '.' and '-'";
        if (reason)
                *reason = why;
        return why ? -EINVAL : 0;
}

int state_random_hex(char *buf, size_t bytes) {
        uint8_t raw[32];
        size_t got = 0;

        if (bytes > sizeof(raw))
                return -EINVAL;
        while (got < bytes) {
                ssize_t n = getrandom(raw + got, bytes - got, 0);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                got += (size_t) n;
        }
        for (size_t i = 0; i < bytes; i++)
                snprintf(buf + 2 * i, 3, "%02x", raw[i]);
        return 0;
}

int state_name_generate(int root_fd, char **ret) {
        for (unsigned attempt = 0; attempt < 16; attempt++) {
                char name[sizeof("userbox-") + 8];
                struct stat st;
                int r;

                memcpy(name, "userbox-", 8);
                r = state_random_hex(name + 8, 4);
                if (r < 0)
                        return log_errno(r, "cannot pick a container name");
                if (fstatat(root_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
                        continue;
                if (errno != ENOENT)
                        return log_errno(-errno, "cannot pick a container name");
                *ret = strdup(name);
                return *ret ? 0 : log_errno(-ENOMEM, "cannot pick a container name");
        }
        return log_errno(-EEXIST, "cannot pick a free container name");
}

/* ------------------------------------------------------ claim and remove */

void state_claim_done(struct state_claim *c) {
        if (!c)
                return;
        free(c->name);
        closep(&c->dir_fd);
        closep(&c->lock_fd);
        *c = (struct state_claim) STATE_CLAIM_NULL;
}

static bool same_inode(const struct stat *a, const struct stat *b) {
        return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* ROOT/entry is still the directory dir_fd is. */
static bool entry_is(int root_fd, const char *entry, int dir_fd) {
        struct stat a, b;
        return fstatat(root_fd, entry, &a, AT_SYMLINK_NOFOLLOW) == 0 && fstat(dir_fd, &b) == 0 &&
               same_inode(&a, &b);
}

int state_remove_entry(int root_fd, const char *entry) {
        _cleanup_close_ int dir = openat(root_fd, entry, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        DIR *d;
        int fd;

        if (dir < 0)
                return -errno;
        for (size_t i = 0; i < state_n_known_files; i++)
                if (unlinkat(dir, state_known_files[i], 0) < 0 && errno != ENOENT)
                        return -errno;
        /* Whatever else was put there (by hand, or by a container that
         * reaches the directory): links are removed, never followed; a
         * directory in it is left, and so is this one then. */
        fd = dup(dir);
        d = fd >= 0 ? fdopendir(fd) : NULL;
        if (!d) {
                if (fd >= 0)
                        close(fd);
                return -errno;
        }
        for (struct dirent *de; (de = readdir(d));)
                if (de->d_type != DT_DIR)
                        (void) unlinkat(dir, de->d_name, 0);
        closedir(d);
        return unlinkat(root_fd, entry, AT_REMOVEDIR) < 0 ? -errno : 0;
}

/* Renames ROOT/entry to a ".remains-" name no one else uses, then removes
 * it: the name is free from the rename on. */
static int rename_away_and_remove(int root_fd, const char *entry) {
        char away[sizeof(STATE_PREFIX_REMAINS) + 16];
        int r;

        /* Remains already: removed where they are, quietly (the warning
         * was given when they were renamed). */
        if (strncmp(entry, STATE_PREFIX_REMAINS, sizeof(STATE_PREFIX_REMAINS) - 1) == 0) {
                (void) state_remove_entry(root_fd, entry);
                return 0;
        }
        memcpy(away, STATE_PREFIX_REMAINS, sizeof(STATE_PREFIX_REMAINS) - 1);
        r = state_random_hex(away + sizeof(STATE_PREFIX_REMAINS) - 1, 8);
        if (r < 0)
                return r;
        if (renameat(root_fd, entry, root_fd, away) < 0)
                return -errno;
        r = state_remove_entry(root_fd, away);
        if (r < 0)
                log_warning("could not remove the remains of container '%s' (now '%s'): %s",
                            entry, away, strerror(-r));
        return 0;
}

static void sleep_ms(long ms) {
        struct timespec ts = { .tv_sec = 0, .tv_nsec = ms * 1000000 };
        nanosleep(&ts, NULL);
}

/* Another prober or cleaner holds a free lock for microseconds; a launcher
 * holds it for good. A few tries over ~5 ms tell them apart. */
static int lock_with_retries(int lock_fd) {
        for (unsigned attempt = 0;; attempt++) {
                if (flock(lock_fd, LOCK_EX | LOCK_NB) == 0)
                        return 0;
                if (errno != EWOULDBLOCK)
                        return -errno;
                if (attempt == 5)
                        return -EBUSY;
                sleep_ms(1);
        }
}

/* ROOT/entry, locked: removed when its lock is free and, given
 * expect_dir >= 0, it is still that directory; a finished container is
 * kept when keep_exited. */
static int clean_if_free(int root_fd, const char *entry, int expect_dir, bool keep_exited) {
        _cleanup_close_ int dir = -1, lock = -1;
        int r;

        dir = openat(root_fd, entry, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (dir < 0)
                return -errno;
        if (expect_dir >= 0 && !entry_is(root_fd, entry, expect_dir))
                return -ENOENT;
        /* Created when missing: a directory without its lock (an
         * interrupted removal, or one made by hand) is locked like any
         * other, so that two cleaners never both act on it. */
        lock = openat(dir, STATE_FILE_LOCK, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (lock < 0)
                return -errno;
        r = lock_with_retries(lock);
        if (r < 0)
                return r;
        /* Locked, but perhaps a directory that someone else renamed away
         * between our open and our lock: only the one still at the name is
         * ours to remove. */
        if (!entry_is(root_fd, entry, dir))
                return -ENOENT;
        /* Read under the lock: no launcher can be writing it now. */
        if (keep_exited && state_dir_is_exited(dir) > 0)
                return -EEXIST;
        return rename_away_and_remove(root_fd, entry);
}

int state_clean_if_free(int root_fd, const char *entry) {
        return clean_if_free(root_fd, entry, -1, true);
}

int state_remove_if_free(int root_fd, const char *name, int dir_fd) {
        return clean_if_free(root_fd, name, dir_fd, false);
}

/* A fresh ".new-" directory with its lock held: the container's directory
 * before it has its name. Removed again on failure. */
static int make_new_dir(int root_fd, char *tmp, size_t tmp_size, struct state_claim *c) {
        int r;

        snprintf(tmp, tmp_size, "%s", STATE_PREFIX_NEW);
        r = state_random_hex(tmp + strlen(tmp), 8);
        if (r < 0)
                return r;
        if (mkdirat(root_fd, tmp, 0700) < 0)
                return -errno;
        c->dir_fd = openat(root_fd, tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (c->dir_fd >= 0)
                c->lock_fd = openat(c->dir_fd, STATE_FILE_LOCK,
                                    O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (c->lock_fd >= 0 && flock(c->lock_fd, LOCK_EX | LOCK_NB) == 0)
                return 0;
        r = -errno;
        closep(&c->dir_fd);
        closep(&c->lock_fd);
        c->dir_fd = c->lock_fd = -1;
        (void) state_remove_entry(root_fd, tmp);
        return r;
}

/* RENAME_NOREPLACE makes the name's appearance atomic: of two creators,
 * one rename succeeds and the other sees EEXIST, and the directory is
 * never seen at its name without its lock held. */
static int install_new_dir(int root_fd, const char *tmp, const char *name) {
        for (unsigned attempt = 0; attempt < 8; attempt++) {
                int r;

                if (renameat2(root_fd, tmp, root_fd, name, RENAME_NOREPLACE) == 0)
                        return 0;
                if (errno != EEXIST)
                        return log_errno(-errno, "cannot create the state of container '%s'", name);
                r = state_clean_if_free(root_fd, name);
                if (r == -EBUSY) {
                        log_error("container '%s' already exists", name);
                        return -EEXIST;
                }
                if (r == -EEXIST) {
                        log_error("container '%s' already exists (exited; remove it with 'userbox rm %s')",
                                  name, name);
                        return -EEXIST;
                }
                if (r < 0 && r != -ENOENT)
                        return log_errno(r, "container '%s' exists and its remains cannot be removed", name);
        }
        log_error("container '%s' already exists", name);
        return -EEXIST;
}

int state_create(int root_fd, const char *name, struct state_claim *ret) {
        _cleanup_(state_claim_done) struct state_claim c = STATE_CLAIM_NULL;
        char tmp[sizeof(STATE_PREFIX_NEW) + 16];
        const char *reason;
        int r;

        if (state_name_check(name, &reason) < 0)
                return log_error("container name '%s' %s", name ? name : "", reason);
        /* A lister may remove a ".new-" directory whose lock it found free
         * between our mkdir and our lock: then we simply make another. */
        for (unsigned attempt = 0;; attempt++) {
                r = make_new_dir(root_fd, tmp, sizeof(tmp), &c);
                if (r >= 0)
                        break;
                if (attempt == 4 || (r != -ENOENT && r != -EWOULDBLOCK && r != -EEXIST))
                        return log_errno(r, "cannot create the state of container '%s'", name);
        }
        r = install_new_dir(root_fd, tmp, name);
        if (r < 0) {
                (void) state_remove_entry(root_fd, tmp);
                return r;
        }
        c.name = strdup(name);
        if (!c.name) {
                (void) state_remove(root_fd, name);
                return log_errno(-ENOMEM, "container '%s'", name);
        }
        *ret = c;
        c = (struct state_claim) STATE_CLAIM_NULL;
        return 0;
}

int state_remove(int root_fd, const char *name) {
        const char *reason;
        int r;

        if (state_name_check(name, &reason) < 0)
                return -EINVAL;
        r = rename_away_and_remove(root_fd, name);
        return r == -ENOENT ? 0 : r;
}

/* -------------------------------------------------------------- liveness */

int state_pid_stat_field(pid_t pid, unsigned field, uint64_t *ret) {
        _cleanup_close_ int fd = -1;
        _cleanup_free_ char *text = NULL;
        char path[64], *p, *end;
        size_t size;
        int r;

        if (field < 3)
                return -EINVAL;
        snprintf(path, sizeof(path), "/proc/%d/stat", (int) pid);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return errno == ENOENT ? -ESRCH : -errno;
        r = read_full_fd(fd, 4096, &text, &size);
        if (r < 0)
                return r;
        /* The command name (field 2) may hold spaces and ')': the fields
         * are counted from the last ')', each after one space. */
        p = strrchr(text, ')');
        if (!p)
                return -EINVAL;
        for (unsigned i = 3; i <= field; i++) {
                p = strchr(p + 1, ' ');
                if (!p)
                        return -EINVAL;
        }
        p++;
        end = strchr(p, ' ');
        if (end)
                *end = '\0';
        return parse_uint64(p, ret);
}

int state_pid_start_time(pid_t pid, uint64_t *ret) {
        return state_pid_stat_field(pid, 22, ret);
}

int state_lock_held(int root_fd, const char *name) {
        _cleanup_close_ int dir = -1, lock = -1;

        dir = openat(root_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (dir < 0)
                return errno == ELOOP || errno == ENOTDIR ? -ENOENT : -errno;
        lock = openat(dir, STATE_FILE_LOCK, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (lock < 0)
                return errno == ENOENT ? 0 : -errno;
        /* A shared lock conflicts only with the holder's exclusive one, and
         * is dropped by the close. */
        if (flock(lock, LOCK_SH | LOCK_NB) == 0)
                return 0;
        return errno == EWOULDBLOCK ? 1 : -errno;
}

int state_pidfd_open_checked(pid_t pid, uint64_t start_time, int *ret_pidfd) {
        _cleanup_close_ int pidfd = -1;
        uint64_t now;
        int r;

        if (pid <= 0)
                return -ESRCH;
        pidfd = sys_pidfd_open(pid, 0);
        if (pidfd < 0)
                return pidfd;
        /* The pidfd pins the process, not the number: read the start time
         * after opening it, and check it still lives after reading, so the
         * time read is the pidfd's process's and not a successor's. */
        r = state_pid_start_time(pid, &now);
        if (r < 0)
                return r;
        if (now != start_time)
                return -ESRCH;
        {
                struct pollfd exited = { .fd = pidfd, .events = POLLIN };
                /* A pidfd polls readable once its process has exited. */
                r = poll(&exited, 1, 0);
                if (r < 0)
                        return -errno;
                if (r > 0)
                        return -ESRCH;
        }
        *ret_pidfd = TAKE_FD(pidfd);
        return 0;
}

int state_alive(int root_fd, const char *name, const struct state *s) {
        _cleanup_close_ int pidfd = -1;
        int r = state_lock_held(root_fd, name);

        if (r <= 0)
                return r == -ENOENT ? 0 : r;
        r = state_pidfd_open_checked(s->launcher_pid, s->launcher_start_time, &pidfd);
        if (r == -ESRCH)
                return 0;
        return r < 0 ? r : 1;
}
