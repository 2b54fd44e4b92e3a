/* SPDX-License-Identifier: Apache-2.0 */
/* logs: a detached container's output, NAME/log.1 then NAME/log, and with
 * -f what the launcher adds to it. The launcher rotates at 1 MiB by
 * renaming log to log.1 and starting a new log: a follower that finds
 * another inode at NAME/log has read the old one to its end already (it
 * is no longer written) and goes on with the new one. */
#include <sys/stat.h>

#include "state-internal.h"
#include "util.h"

/* How often -f looks for more while the launcher lives. */
#define FOLLOW_INTERVAL_MS 100

/* Everything from fd's offset to its end, to out_fd. */
static int copy_to_end(int fd, int out_fd) {
        char buf[65536];

        for (;;) {
                ssize_t n = read(fd, buf, sizeof(buf));
                int r;
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        return 0;
                r = fd_write_all(out_fd, buf, (size_t) n);
                if (r < 0)
                        return r;
        }
}

/* dir/file, a regular file not followed through a link; -1 when missing. */
static int open_log(int dir, const char *file, int *ret_fd) {
        struct stat st;
        int fd = openat(dir, file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

        *ret_fd = -1;
        if (fd < 0)
                return errno == ENOENT ? 0 : -errno;
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
                close(fd);
                return -EINVAL;
        }
        *ret_fd = fd;
        return 0;
}

/* A new inode at dir/log, not the one fd reads: the log was rotated. */
static bool log_rotated(int dir, int fd) {
        struct stat a, b;

        if (fstatat(dir, STATE_FILE_LOG, &a, AT_SYMLINK_NOFOLLOW) < 0)
                return false;
        return fd < 0 || fstat(fd, &b) < 0 || a.st_dev != b.st_dev || a.st_ino != b.st_ino;
}

/* -f: until the launcher has exited, then what is left. */
static int follow(const char *name, int dir, int *log, int launcher, int out_fd) {
        for (bool exited = false;;) {
                int r;

                if (!exited && launcher >= 0) {
                        r = state_pidfd_wait(launcher, FOLLOW_INTERVAL_MS);
                        if (r < 0)
                                return log_errno(r, "container '%s': watching its launcher", name);
                        exited = r > 0;
                } else
                        exited = true;
                if (*log >= 0) {
                        r = copy_to_end(*log, out_fd);
                        if (r < 0)
                                return log_errno(r, "container '%s': copying its log", name);
                }
                if (log_rotated(dir, *log)) {
                        closep(log);
                        r = open_log(dir, STATE_FILE_LOG, log);
                        if (r < 0)
                                return log_errno(r, "container '%s': its log", name);
                        continue;
                }
                if (exited)
                        return 0;
        }
}

int state_logs(int root_fd, const char *name, bool follow_on, int out_fd) {
        _cleanup_(state_done) struct state s = STATE_NULL;
        _cleanup_close_ int dir = -1, old = -1, log = -1, launcher = -1;
        enum state_phase phase;
        int r;

        r = state_find(root_fd, name, &s, &phase);
        if (r < 0)
                return r;
        if (phase == STATE_PHASE_STARTING) {
                log_error("container '%s' is still starting", name);
                return -EAGAIN;
        }
        if (!s.detached) {
                log_error("container '%s' has no log: its output goes to the terminal of its 'userbox run' "
                          "(logs are kept for 'run -d')", name);
                return -ENODATA;
        }
        dir = openat(root_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (dir < 0)
                return log_errno(-errno, "container '%s'", name);
        /* The launcher first: a log read to its end after it exited is all
         * of it. */
        if (follow_on && phase == STATE_PHASE_RUNNING) {
                r = state_pidfd_open_checked(s.launcher_pid, s.launcher_start_time, &launcher);
                if (r < 0 && r != -ESRCH)
                        return log_errno(r, "container '%s': cannot open its launcher", name);
        }
        r = open_log(dir, STATE_FILE_LOG_OLD, &old);
        if (r >= 0)
                r = open_log(dir, STATE_FILE_LOG, &log);
        if (r < 0)
                return log_errno(r, "container '%s': its log", name);
        if (old >= 0)
                r = copy_to_end(old, out_fd);
        if (r >= 0 && log >= 0)
                r = copy_to_end(log, out_fd);
        if (r < 0)
                return log_errno(r, "container '%s': copying its log", name);
        if (follow_on && launcher >= 0)
                return follow(name, dir, &log, launcher, out_fd);
        return 0;
}
