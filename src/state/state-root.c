/* SPDX-License-Identifier: Apache-2.0 */
/* The state root: $XDG_RUNTIME_DIR/userbox/containers, or without
 * XDG_RUNTIME_DIR /tmp/userbox-UID/containers. Every level is the user's
 * own and writable by nobody else: another user who could write there
 * could plant a lock, a state file pointing exec at their own process, or
 * a symlink that makes a removal unlink the user's files. */
#include <sys/stat.h>

#include "state-internal.h"
#include "util.h"

enum root_level_mode {
        LEVEL_PRIVATE,  /* owner only writes: the user's XDG_RUNTIME_DIR and below */
        LEVEL_EXACT,    /* exactly 0700: the /tmp fallback, where anyone could have made it first */
};

static int check_level(int fd, const char *path, enum root_level_mode mode) {
        struct stat st;

        if (fstat(fd, &st) < 0)
                return log_errno(-errno, "state directory '%s'", path);
        if (st.st_uid != geteuid())
                return log_errno(-EPERM, "state directory '%s' is owned by uid %u, not by you (%u): "
                                 "refusing to keep container state there",
                                 path, (unsigned) st.st_uid, (unsigned) geteuid());
        if (mode == LEVEL_EXACT && (st.st_mode & 07777) != 0700)
                return log_errno(-EPERM, "state directory '%s' has mode %04o, not 0700: "
                                 "refusing to keep container state there",
                                 path, (unsigned) (st.st_mode & 07777));
        if (st.st_mode & (S_IWGRP | S_IWOTH))
                return log_errno(-EPERM, "state directory '%s' is writable by group or others (mode %04o): "
                                 "refusing to keep container state there",
                                 path, (unsigned) (st.st_mode & 07777));
        return 0;
}

/* parent/name, created 0700 when missing, opened without following a
 * symlink, checked. */
static int open_level(int parent, const char *parent_path, const char *name,
                      enum root_level_mode mode, int *ret_fd) {
        _cleanup_free_ char *path = path_join(parent_path, name);
        _cleanup_close_ int fd = -1;
        bool created = false;

        if (!path)
                return log_errno(-ENOMEM, "state directory");
        if (mkdirat(parent, name, 0700) == 0)
                created = true;
        else if (errno != EEXIST)
                return log_errno(-errno, "cannot create state directory '%s'", path);
        fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 && (errno == ELOOP || errno == ENOTDIR))
                return log_errno(-errno, "state directory '%s' is a symlink or not a directory: "
                                 "refusing to keep container state there", path);
        if (fd < 0)
                return log_errno(-errno, "cannot open state directory '%s'", path);
        /* The umask may have taken bits away, never added them: 0700
         * exactly, so that the check below is of what was asked for. */
        if (created && fchmod(fd, 0700) < 0)
                return log_errno(-errno, "state directory '%s'", path);
        if (check_level(fd, path, mode) < 0)
                return -EPERM;
        *ret_fd = TAKE_FD(fd);
        return 0;
}

static int open_under_runtime_dir(const char *runtime_dir, int *ret_fd) {
        _cleanup_close_ int base = -1, userbox = -1;
        _cleanup_free_ char *userbox_path = NULL;
        int r;

        base = open(runtime_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (base < 0)
                return log_errno(-errno, "XDG_RUNTIME_DIR '%s'", runtime_dir);
        r = check_level(base, runtime_dir, LEVEL_PRIVATE);
        if (r < 0)
                return r;
        r = open_level(base, runtime_dir, "userbox", LEVEL_PRIVATE, &userbox);
        if (r < 0)
                return r;
        userbox_path = path_join(runtime_dir, "userbox");
        if (!userbox_path)
                return log_errno(-ENOMEM, "state directory");
        return open_level(userbox, userbox_path, "containers", LEVEL_PRIVATE, ret_fd);
}

static int open_under_tmp(const char *tmp_dir, int *ret_fd) {
        _cleanup_close_ int base = -1, user_dir = -1;
        _cleanup_free_ char *user_path = NULL;
        char name[32];
        int r;

        snprintf(name, sizeof(name), "userbox-%u", (unsigned) geteuid());
        base = open(tmp_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (base < 0)
                return log_errno(-errno, "XDG_RUNTIME_DIR is not set, and '%s'", tmp_dir);
        r = open_level(base, tmp_dir, name, LEVEL_EXACT, &user_dir);
        if (r < 0)
                return r;
        user_path = path_join(tmp_dir, name);
        if (!user_path)
                return log_errno(-ENOMEM, "state directory");
        return open_level(user_dir, user_path, "containers", LEVEL_EXACT, ret_fd);
}

int state_root_open_in(const char *runtime_dir, const char *tmp_dir, int *ret_fd) {
        if (runtime_dir && runtime_dir[0]) {
                if (!path_is_absolute(runtime_dir))
                        return log_errno(-EINVAL, "XDG_RUNTIME_DIR '%s' is not an absolute path", runtime_dir);
                return open_under_runtime_dir(runtime_dir, ret_fd);
        }
        return open_under_tmp(tmp_dir, ret_fd);
}

int state_root_open(int *ret_fd) {
        return state_root_open_in(getenv("XDG_RUNTIME_DIR"), "/tmp", ret_fd);
}
