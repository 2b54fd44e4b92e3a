/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* util/: what every subsystem uses: strings, lists, paths, fds, the log, exit codes, raw syscalls, where userbox is installed. */

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Cleanup attributes: the variable's destructor runs when it leaves scope.
 * Destructors accept NULL / -1. */
static inline void freep(void *p) { free(*(void **) p); }
static inline void closep(int *fd) { if (*fd >= 0) { int saved = errno; close(*fd); errno = saved; } }
static inline void fclosep(FILE **f) { if (*f) fclose(*f); }
void strv_free(char **l);
static inline void strv_freep(char ***l) { strv_free(*l); }

#define _cleanup_(fn) __attribute__((cleanup(fn)))
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)
#define _cleanup_strv_free_ _cleanup_(strv_freep)

/* Hand ownership on: returns the value and leaves the variable empty. */
#define TAKE_PTR(p) ({ __typeof__(p) _p = (p); (p) = NULL; _p; })
#define TAKE_FD(fd) ({ int _fd = (fd); (fd) = -1; _fd; })

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))
#define _unused_ __attribute__((unused))
#define _printf_(a, b) __attribute__((format(printf, a, b)))

static inline bool streq(const char *a, const char *b) { return strcmp(a, b) == 0; }
static inline bool streq_ptr(const char *a, const char *b) {
        return a == b || (a && b && strcmp(a, b) == 0);
}
/* Returns the rest of s after prefix, or NULL when s does not start with it. */
const char *startswith(const char *s, const char *prefix);

/* Checked number parsing: the whole string must be the number, no sign,
 * no overflow. Return 0 or -EINVAL / -ERANGE. */
int parse_uint64(const char *s, uint64_t *ret);
int parse_uint32(const char *s, uint32_t *ret);
int parse_int(const char *s, int *ret);
/* "yes/no/true/false/1/0/on/off" (case-insensitive): 1, 0, or -EINVAL. */
int parse_boolean(const char *s);
/* A size with an optional K, M, G, T suffix (powers of 1024): "512M". */
int parse_size(const char *s, uint64_t *ret);

/* NULL-terminated string vectors. strv_push takes ownership of s (frees it
 * on failure). */
size_t strv_length(char * const *l);
int strv_push(char ***l, char *s);
int strv_extend(char ***l, const char *s); /* pushes a copy */
char **strv_copy(char * const *l);
bool strv_contains(char * const *l, const char *s);
/* Sorts l in place, in strcmp() order. */
void strv_sort(char **l);

/* Path helpers (pure string work, no file system access). */
bool path_is_absolute(const char *p);
/* Collapses "//", "/./" and trailing "/"; keeps "..": resolution is done
 * inside the root by the kernel, never by string games. */
char *path_simplify(char *p);
/* An absolute path simplified by path_simplify, with each ".." taking away
 * the component before it, as the words say (not as symlinks would). In
 * place; returns p. */
char *path_drop_dotdot(char *p);
/* Is path dir itself or below it (both simplified, absolute)? */
bool path_is_below(const char *path, const char *dir);
/* a + "/" + b with exactly one slash between them. NULL on ENOMEM. */
char *path_join(const char *a, const char *b);
/* True when one of the path's components is "..". */
bool path_has_dotdot(const char *p);
/* Last component of a path (points into p). */
const char *path_basename(const char *p);

/* The program name in a directory of $PATH (absolute ones only; when
 * PATH is unset or empty, /usr/bin:/bin:/usr/sbin:/sbin), as execvp would
 * find it: an executable file. -ENOENT when none has it. */
int path_find_program(const char *name, char **ret);

/* Reads a whole small file (at most max bytes, else -EFBIG). */
int read_full_fd(int fd, size_t max, char **ret, size_t *ret_size);

/* Room for one more element after the n of array, whose slots are counted
 * in *allocated: grown by doubling, so n appends cost log(n) reallocs, not
 * n (1000 --bind options). Returns the array, moved or not, or NULL when
 * out of memory (the array is then untouched). */
void *array_reserve_one(void *array, size_t n, size_t *allocated, size_t size);

/* All n bytes of buf to fd, across short writes and EINTR. */
int fd_write_all(int fd, const void *buf, size_t n);

/* A new file name in dir (mode 0644, never an existing one, never through
 * a symlink) holding data. */
int write_new_file_at(int dir, const char *name, const void *data, size_t size);

/* Writes a whole string to a path (used for /proc files). */
int write_file(const char *path, const char *s);
int write_file_at(int dir, const char *path, const char *s);

/* A string with a control character (other than tab) in it. */
bool string_has_cc(const char *s);
/* A copy of s with every control character and DEL written as \xNN, to be
 * printed: an ESC from a file or the command line would otherwise reach the
 * terminal and could rewrite its title or what is on screen. NULL on ENOMEM. */
char *string_escape_cc(const char *s);
/* The same into dst (size > 5), cut before an escape that would not fit. */
void string_escape_cc_into(char *dst, size_t size, const char *s);
/* vasprintf(), then string_escape_cc(): a message to print. NULL on ENOMEM. */
char *string_format_escaped(const char *fmt, va_list ap) _printf_(1, 0);

/* A name sethostname() takes and a resolver would: 1 to 64 of A-Z a-z 0-9
 * '.' '-', not starting with '-' or '.', not ending with '-'. */
bool hostname_is_valid(const char *s);

/* Edit distance ignoring case, a swap of two neighbours one edit (optimal
 * string alignment), for "did you mean" suggestions. */
unsigned string_distance(const char *a, const char *b);
/* The candidate closest to word, when it is close enough to be a typo of
 * it (profile sections and keys, options, commands, profile names); NULL
 * entries are skipped. NULL when none is. */
const char *string_closest(const char *word, const char *const *candidates, size_t n);

/* Splits a command line like a shell does: whitespace separates words,
 * 'single' and "double" quotes group, backslash escapes. No expansion.
 * -EINVAL on an unterminated quote. */
int split_command_line(const char *s, char ***ret);

/* Starts path (posix_spawn, environ, a clean signal mask) with its standard
 * output (and with_stderr, its standard error) on a pipe whose read end is
 * *ret_fd. Returns 0 or -errno; the exec's own error comes back too. */
int spawn_with_output(const char *path, char *const *argv, bool with_stderr, pid_t *ret_pid, int *ret_fd);
/* Waits for *pid when it is set (a cleanup helper), then clears it. */
void reap_pidp(pid_t *pid);

enum log_level {
        LOG_QUIET = 0,   /* errors only */
        LOG_NORMAL = 1,  /* errors and warnings */
        LOG_VERBOSE = 2, /* plus one line per setup step, with its time */
};

void log_init(void);
void log_set_level(enum log_level level);
enum log_level log_get_level(void);

/* After clone/fork the child must not print: it captures the first error
 * message and hands it to the parent on the sync fd. In deferred mode the
 * log_* functions write into that buffer instead of stderr. */
void log_set_deferred(bool deferred);
/* The name messages start with ("userbox-oci"), and where they go instead
 * of stderr (userbox-oci --log): level "error", "warning" or "debug", the
 * message without the name. */
void log_set_program(const char *name);
void log_set_sink(void (*fn)(const char *level, const char *msg));
const char *log_deferred_message(void);

/* "userbox: MESSAGE: strerror(-r)". Returns r (a negative errno) so that a
 * caller can write `return log_errno(r, "...")`. */
int log_errno(int r, const char *fmt, ...) _printf_(2, 3);
/* "userbox: MESSAGE". Returns -EINVAL for convenience. */
int log_error(const char *fmt, ...) _printf_(1, 2);
void log_warning(const char *fmt, ...) _printf_(1, 2);
/* With -v: "userbox: [   1.234 ms] MESSAGE", the time since log_init(). */
void log_step(const char *fmt, ...) _printf_(1, 2);
/* Milliseconds since log_init(). */
double log_elapsed_ms(void);

/* The launcher's exit statuses. The integration tests read the same values
 * (tests/integration/lib.sh mirrors them); change both together. */
#define EXIT_USERBOX_FAILED   125 /* userbox itself failed: bad profile, setup error */
#define EXIT_CANNOT_EXECUTE   126 /* the command exists but cannot be executed */
#define EXIT_NOT_FOUND        127 /* the command was not found */
#define EXIT_SIGNAL_BASE      128 /* 128+N: the command died of signal N */

/* Thin wrappers for system calls that glibc 2.36 lacks or that older
 * kernels lack. Each returns >= 0 or -errno, -ENOSYS when absent, and never
 * prints: the caller decides on a fallback. */

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

/* Datagrams with up to FD_PASS_MAX fds attached (SCM_RIGHTS; received
 * close-on-exec). fd_recv keeps at most max of them (the rest closed),
 * their number in *ret_n; a truncated datagram is -EMSGSIZE. Both return
 * the bytes or -errno and never print. */
#define FD_PASS_MAX 8
ssize_t fd_send(int sock, const void *data, size_t size, const int *fds, unsigned n);
ssize_t fd_recv(int sock, void *data, size_t size, int *fds, unsigned max, unsigned *ret_n);
void fd_close_all(const int *fds, unsigned n);
/* The proof that a peer is in our own user namespace: it sends an fd of
 * its /proc/self/ns/user (userns_open_own), which we check
 * (userns_is_own). */
int userns_open_own(void);
bool userns_is_own(int fd);

/* A pidfd: a handle on one process that a recycled pid can never stand
 * for (named containers' liveness, src/state/). */
static inline int sys_pidfd_open(pid_t pid, unsigned flags) {
#ifdef __NR_pidfd_open
        return sys_result(syscall(__NR_pidfd_open, pid, flags));
#else
        return -ENOSYS;
#endif
}

/* Where this userbox runs from, decided once, first thing in main: an
 * installed binary reads the shipped profiles from its datadir, one run
 * from its build directory (the quick start never installs) from the
 * source tree's conf/.
 *
 * exe is the path the binary was started from, exe_seal_real_path(): the
 * kernel's link /proc/self/exe, canonical already as the build directory
 * in paths.h is (pwd -P), or for a launcher that re-executed itself from a
 * sealed copy, the path it had before. A path that names no directory
 * (NULL, "", a memfd's) leaves the location unknown: installed paths. */
void self_locate(const char *exe);

/* Run from the build directory it was built in. */
bool self_uninstalled(void);

/* The directory of the shipped profiles: the source tree's conf/ when
 * uninstalled, else $(pkgdatadir)/profiles. */
const char *self_profile_dir(void);

/* The system-wide profiles: $(sysconfdir)/userbox. */
const char *self_sysconf_profile_dir(void);

/* userbox-subid: beside the binary when it is there (the build tree, a
 * copied pair), else $(pkglibexecdir)/userbox-subid. *ret is malloc'd;
 * -errno of access() when the configured one is not executable either. */
int self_subid_helper(char **ret);
/* The same for any of userbox's helpers (userbox-image). */
int self_helper(const char *name, char **ret);
