/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* Thin wrappers for system calls that glibc 2.36 lacks or that older
 * kernels lack. Each returns >= 0 or -errno, -ENOSYS when absent, and never
 * prints: the caller decides on a fallback. */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/mount.h>
#include <linux/openat2.h>

#ifndef __NR_pivot_root
#error "pivot_root is required"
#endif

static inline int sys_result(long r) { return r < 0 ? -errno : (int) r; }

static inline int sys_pivot_root(const char *new_root, const char *put_old) {
        return sys_result(syscall(__NR_pivot_root, new_root, put_old));
}

static inline int sys_openat2(int dirfd, const char *path, struct open_how *how, size_t size) {
#ifdef __NR_openat2
        return sys_result(syscall(__NR_openat2, dirfd, path, how, size));
#else
        return -ENOSYS;
#endif
}

static inline int sys_open_tree(int dirfd, const char *path, unsigned flags) {
#ifdef __NR_open_tree
        return sys_result(syscall(__NR_open_tree, dirfd, path, flags));
#else
        return -ENOSYS;
#endif
}

/* open_tree_attr (Linux 6.15) is open_tree with mount_setattr's attributes
 * applied to the clone: one call instead of two. Debian 12's headers
 * predate it; its number is the same on every architecture that uses the
 * common table. */
#if !defined(__NR_open_tree_attr) && (defined(__x86_64__) || defined(__aarch64__))
#define __NR_open_tree_attr 467
#endif

static inline int sys_open_tree_attr(int dirfd, const char *path, unsigned flags,
                                     struct mount_attr *attr, size_t size) {
#ifdef __NR_open_tree_attr
        return sys_result(syscall(__NR_open_tree_attr, dirfd, path, flags, attr, size));
#else
        return -ENOSYS;
#endif
}

static inline int sys_move_mount(int from_dirfd, const char *from_path, int to_dirfd,
                                 const char *to_path, unsigned flags) {
#ifdef __NR_move_mount
        return sys_result(syscall(__NR_move_mount, from_dirfd, from_path, to_dirfd, to_path, flags));
#else
        return -ENOSYS;
#endif
}

static inline int sys_mount_setattr(int dirfd, const char *path, unsigned flags,
                                    struct mount_attr *attr, size_t size) {
#ifdef __NR_mount_setattr
        return sys_result(syscall(__NR_mount_setattr, dirfd, path, flags, attr, size));
#else
        return -ENOSYS;
#endif
}

static inline int sys_fsopen(const char *fs_name, unsigned flags) {
#ifdef __NR_fsopen
        return sys_result(syscall(__NR_fsopen, fs_name, flags));
#else
        return -ENOSYS;
#endif
}

static inline int sys_fsconfig(int fd, unsigned cmd, const char *key, const void *value, int aux) {
#ifdef __NR_fsconfig
        return sys_result(syscall(__NR_fsconfig, fd, cmd, key, value, aux));
#else
        return -ENOSYS;
#endif
}

static inline int sys_fsmount(int fd, unsigned flags, unsigned attr_flags) {
#ifdef __NR_fsmount
        return sys_result(syscall(__NR_fsmount, fd, flags, attr_flags));
#else
        return -ENOSYS;
#endif
}

static inline int sys_close_range(unsigned first, unsigned last, unsigned flags) {
#ifdef __NR_close_range
        return sys_result(syscall(__NR_close_range, first, last, flags));
#else
        return -ENOSYS;
#endif
}

static inline int sys_pidfd_open(pid_t pid, unsigned flags) {
#ifdef __NR_pidfd_open
        return sys_result(syscall(__NR_pidfd_open, pid, flags));
#else
        return -ENOSYS;
#endif
}
