/* SPDX-License-Identifier: Apache-2.0 */
/* Profile files: the search path, the checks a file must pass before it is
 * read, a name resolved to a file, and `userbox profiles`. */
#include <dirent.h>
#include <fcntl.h>
#include <ini.h>
#include <stdarg.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include "util.h"
#include "profile.h"
#include "profile-internal.h"
#include "security.h"

#define PROFILE_MAX_SIZE (1024 * 1024)

/* Whether someone but the owner of st may write it: others, or a group
 * that holds more than the user (userbox.ini(5), FILE CHECKS). */
static bool others_may_write(const struct stat *st, int fd, const char *path) {
        static gid_t private_gid = (gid_t) -1;

        if (st->st_mode & S_IWOTH)
                return true;
        if (!(st->st_mode & S_IWGRP))
                return false;
        /* With an ACL, the group bits are the mask of its named entries,
         * which may give other users write access. */
        if ((fd >= 0 ? fgetxattr(fd, "system.posix_acl_access", NULL, 0)
                     : getxattr(path, "system.posix_acl_access", NULL, 0)) >= 0)
                return true;
        if (st->st_gid == private_gid)
                return false;
        if (!user_host_group_is_private(getuid(), st->st_gid))
                return true;
        private_gid = st->st_gid;
        return false;
}

static bool owner_trusted(const struct stat *st) {
        return st->st_uid == 0 || st->st_uid == getuid();
}

/* Whoever may write a directory above a profile may put another file in
 * its place, so each one up to / must be as safe as the file, as ssh
 * checks the directories above ~/.ssh. A sticky directory (/tmp) may be
 * writable by others: there only an entry's owner may rename or remove
 * it, and that entry is checked in turn. The path is the kernel's for the
 * file opened: no symlink in it, and it is the file that is read. */
static int check_directories(int fd, const char *path, char **reason) {
        char proc[64], dir[PATH_MAX];
        ssize_t n;

        snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
        n = readlink(proc, dir, sizeof(dir) - 1);
        if (n < 0)
                return profile_reason(reason, -errno, "%s: %s: %s", path, proc, strerror(errno));
        dir[n] = '\0';
        if (dir[0] != '/')
                return profile_reason(reason, -EINVAL, "%s: not in a directory ('%s')", path, dir);
        for (char *slash = strrchr(dir, '/'); slash; slash = strrchr(dir, '/')) {
                struct stat st;

                slash[slash == dir] = '\0'; /* the parent; "/" stays "/" */
                if (lstat(dir, &st) < 0)
                        return profile_reason(reason, -errno, "%s: directory %s: %s", path, dir, strerror(errno));
                if (!owner_trusted(&st))
                        return profile_reason(reason, -EPERM,
                                              "%s: in %s, owned by uid %u, neither you nor root, refusing it",
                                              path, dir, (unsigned) st.st_uid);
                if (!(st.st_mode & S_ISVTX) && others_may_write(&st, -1, dir))
                        return profile_reason(reason, -EPERM,
                                              "%s: in %s, writable by group or others, refusing it (chmod go-w %s)",
                                              path, dir, dir);
                if (streq(dir, "/"))
                        break;
        }
        return 0;
}

/* A regular file that only the user or root may have written or put in
 * place. fd may be an O_PATH fd: the ACL is then read by path. */
static int check_trusted(int fd, const char *path, struct stat *st, char **reason) {
        char proc[64];

        if (fstat(fd, st) < 0)
                return profile_reason(reason, -errno, "%s: %s", path, strerror(errno));
        if (!S_ISREG(st->st_mode))
                return profile_reason(reason, -EINVAL, "%s: not a regular file", path);
        snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
        if (others_may_write(st, -1, proc))
                return profile_reason(reason, -EPERM, "%s: writable by group or others, refusing it (chmod go-w)", path);
        if (!owner_trusted(st))
                return profile_reason(reason, -EPERM, "%s: owned by uid %u, neither you nor root, refusing it",
                                      path, (unsigned) st->st_uid);
        return check_directories(fd, path, reason);
}

int profile_file_trusted(const char *path, char **reason) {
        _cleanup_close_ int fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        struct stat st;

        if (fd < 0)
                return profile_reason(reason, -errno, "%s: %s", path, strerror(errno));
        return check_trusted(fd, path, &st, reason);
}

/* The checks ssh applies to its configuration: a profile decides what a
 * container may see, so nobody but its owner (or root) may have written it. */
int profile_open_file(const char *path, char **ret_text, size_t *ret_size, struct file_id *ret_id, char **reason) {
        _cleanup_close_ int fd = -1;
        struct stat st;
        int r;

        /* O_NONBLOCK: opening a FIFO must not hang; it is refused below. */
        fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0) {
                if (errno == ELOOP)
                        return profile_reason(reason, -ELOOP, "%s: is a symbolic link, refusing it", path);
                return profile_reason(reason, -errno, "%s: %s", path, strerror(errno));
        }
        r = check_trusted(fd, path, &st, reason);
        if (r < 0)
                return r;
        r = read_full_fd(fd, PROFILE_MAX_SIZE, ret_text, ret_size);
        if (r == -EFBIG)
                return profile_reason(reason, r, "%s: larger than %d bytes", path, PROFILE_MAX_SIZE);
        if (r < 0)
                return profile_reason(reason, r, "%s: %s", path, strerror(-r));
        *ret_id = (struct file_id) { st.st_dev, st.st_ino };
        return 0;
}

int profile_search_path(char ***ret) {
        _cleanup_strv_free_ char **l = NULL;
        const char *override = getenv("USERBOX_PROFILE_PATH");

        if (override) {
                _cleanup_free_ char *copy = strdup(override);
                char *save = NULL;
                if (!copy)
                        return -ENOMEM;
                for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save))
                        if (strv_extend(&l, d) < 0)
                                return -ENOMEM;
        } else {
                char *user = NULL;

                char *data = NULL, *images = NULL;

                if (user_xdg_dir("XDG_CONFIG_HOME", ".config", &user) < 0 || (user && strv_push(&l, user) < 0))
                        return -ENOMEM;
                /* The imported images' profiles (design §11), after the
                 * user's own: ~/.config/userbox/debian-12.ini may include
                 * the image's and change it. */
                if (user_xdg_dir("XDG_DATA_HOME", ".local/share", &data) < 0 ||
                    (data && !(images = path_join(data, "images/*"))) || (images && strv_push(&l, images) < 0)) {
                        free(data);
                        return -ENOMEM;
                }
                free(data);
                if (strv_extend(&l, self_sysconf_profile_dir()) < 0 || strv_extend(&l, self_profile_dir()) < 0)
                        return -ENOMEM;
        }
        if (!l && !(l = calloc(1, sizeof(char *))))
                return -ENOMEM;
        *ret = TAKE_PTR(l);
        return 0;
}

static int list_directory(const char *dir, char ***ret);

/* A directory of the search path holds DIR/NAME.ini; one written DIR/\*
 * (the image store) holds DIR/NAME/NAME.ini, one profile per image. */
static const char *image_store_of(const char *dir, size_t *len) {
        size_t n = strlen(dir);
        if (n < 2 || !streq(dir + n - 2, "/*"))
                return NULL;
        *len = n - 2;
        return dir;
}

static char *profile_candidate(const char *dir, const char *file) {
        size_t len;
        char *p = NULL;

        if (!image_store_of(dir, &len))
                return path_join(dir, file);
        return asprintf(&p, "%.*s/%.*s/%s", (int) len, dir, (int) (strlen(file) - 4), file, file) < 0 ? NULL : p;
}

/* The profile on the search path whose name is closest to file's ("debain.ini"
 * -> "debian"), or NULL. */
static char *closest_profile_name(char **path, const char *file) {
        _cleanup_strv_free_ char **all = NULL;
        _cleanup_free_ char *word = strndup(file, strlen(file) - 4);
        const char *best;

        for (char **d = path; word && *d; d++) {
                _cleanup_strv_free_ char **names = NULL;
                if (list_directory(*d, &names) < 0)
                        return NULL;
                for (char **n = names; n && *n; n++)
                        if (strv_extend(&all, *n) < 0)
                                return NULL;
        }
        best = word ? string_closest(word, (const char *const *) all, strv_length(all)) : NULL;
        return best ? strdup(best) : NULL;
}

/* A name is looked up on the search path; a value with a '/' is a path,
 * relative to the including file's directory (or the working directory).
 * A profile including its own name gets the next one on the path, so that
 * ~/.config/userbox/debian.ini can extend the shipped debian.ini. */
int profile_resolve(const char *name, const char *including_file, const struct file_id *including_id,
                           char **ret, char **reason) {
        _cleanup_strv_free_ char **path = NULL;
        _cleanup_free_ char *file = NULL, *looked = NULL;
        size_t looked_size = 0;
        FILE *f;
        int r;

        if (!*name)
                return profile_reason(reason, -EINVAL, "empty profile name");
        if (strchr(name, '/')) {
                _cleanup_free_ char *p = NULL;
                r = profile_expand(name, &p, reason);
                if (r < 0)
                        return r;
                if (!path_is_absolute(p) && including_file && strchr(including_file, '/')) {
                        _cleanup_free_ char *dir = strndup(including_file,
                                                           (size_t) (strrchr(including_file, '/') - including_file));
                        char *joined = dir ? path_join(*dir ? dir : "/", p) : NULL;
                        if (!joined)
                                return profile_reason(reason, -ENOMEM, "out of memory");
                        free(p);
                        p = joined;
                }
                *ret = path_simplify(TAKE_PTR(p));
                return 0;
        }
        if (name[0] == '.')
                return profile_reason(reason, -EINVAL, "not a profile name: '%s'", name);
        size_t n = strlen(name);
        r = n > 4 && streq(name + n - 4, ".ini") ? ((file = strdup(name)) ? 0 : -ENOMEM)
                                                  : asprintf(&file, "%s.ini", name) < 0 ? -ENOMEM : 0;
        if (r < 0 || profile_search_path(&path) < 0 || !(f = open_memstream(&looked, &looked_size)))
                return profile_reason(reason, -ENOMEM, "out of memory");
        for (char **d = path; *d; d++) {
                struct stat st;
                char *candidate = profile_candidate(*d, file);
                if (!candidate) {
                        fclose(f);
                        return profile_reason(reason, -ENOMEM, "out of memory");
                }
                fprintf(f, "%s%s", d == path ? "" : ", ", candidate);
                if (lstat(candidate, &st) == 0 &&
                    !profile_file_id_equal(&(struct file_id) { st.st_dev, st.st_ino }, including_id)) {
                        fclose(f);
                        *ret = candidate;
                        return 0;
                }
                free(candidate);
        }
        fclose(f);
        _cleanup_free_ char *suggestion = closest_profile_name(path, file);
        if (suggestion)
                return profile_reason(reason, -ENOENT, "profile '%s' not found, did you mean '%s'? (looked for %s)",
                                      name, suggestion, looked ?: "");
        return profile_reason(reason, -ENOENT, "profile '%s' not found (looked for %s)", name, looked ?: "");
}

static int description_handler(void *user, const char *section, const char *name, const char *value) {
        char **d = user;
        if (streq(section, "Profile") && streq(name, "Description") && !string_has_cc(value)) {
                free(*d);
                *d = strdup(value);
        }
        return 1;
}

static int list_directory(const char *dir, char ***ret) {
        size_t len;
        bool store = image_store_of(dir, &len);
        _cleanup_free_ char *base = store ? strndup(dir, len) : NULL;
        DIR *d = opendir(store ? base ?: "" : dir);
        struct dirent *de;

        *ret = NULL;
        if (!d)
                return 0;
        while ((de = readdir(d))) {
                size_t n = strlen(de->d_name);
                char ini[2 * NAME_MAX + 8];
                if (store && de->d_name[0] != '.' &&
                    (size_t) snprintf(ini, sizeof(ini), "%s/%s.ini", de->d_name, de->d_name) < sizeof(ini) &&
                    faccessat(dirfd(d), ini, F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
                        if (strv_extend(ret, de->d_name) < 0) {
                                closedir(d);
                                return -ENOMEM;
                        }
                        continue;
                }
                if (store || de->d_name[0] == '.' || n <= 4 || !streq(de->d_name + n - 4, ".ini"))
                        continue;
                if (strv_push(ret, strndup(de->d_name, n - 4)) < 0 || !(*ret)[strv_length(*ret) - 1]) {
                        closedir(d);
                        return -ENOMEM;
                }
        }
        closedir(d);
        strv_sort(*ret);
        return 0;
}

/* File names and descriptions may hold control characters: \xNN. */
static void print_escaped(FILE *f, const char *fmt, ...) _printf_(2, 3);
static void print_escaped(FILE *f, const char *fmt, ...) {
        _cleanup_free_ char *text = NULL;
        va_list ap;

        va_start(ap, fmt);
        text = string_format_escaped(fmt, ap);
        va_end(ap);
        fputs(text ?: "?", f);
}

/* Where a profile was looked for, so that "not found" explains itself. */
static void print_searched(FILE *f, char **path) {
        fputs(getenv("USERBOX_PROFILE_PATH") ? "\nsearched (USERBOX_PROFILE_PATH):\n" : "\nsearched, in order:\n", f);
        for (char **d = path; *d; d++) {
                struct stat st;

                size_t len;
                _cleanup_free_ char *base = image_store_of(*d, &len) ? strndup(*d, len) : NULL;

                print_escaped(f, "  %s", *d);
                if (stat(base ?: *d, &st) < 0)
                        print_escaped(f, "  (%s)", errno == ENOENT ? "missing" : strerror(errno));
                else if (self_uninstalled() && streq(*d, self_profile_dir()))
                        fputs("  (the source tree's: this userbox runs from its build directory)", f);
                fputc('\n', f);
        }
}

int profile_list(FILE *f) {
        _cleanup_strv_free_ char **path = NULL;
        unsigned found = 0;
        int r = profile_search_path(&path);

        if (r < 0)
                return r;
        for (size_t i = 0; path[i]; i++) {
                _cleanup_strv_free_ char **names = NULL;
                r = list_directory(path[i], &names);
                if (r < 0)
                        return r;
                for (char **n = names; n && *n; n++) {
                        _cleanup_free_ char *file = NULL, *p = NULL, *text = NULL, *reason = NULL, *desc = NULL;
                        const char *shadow = NULL;
                        size_t size;
                        struct file_id id;

                        if (asprintf(&file, "%s.ini", *n) < 0 || !(p = profile_candidate(path[i], file)))
                                return -ENOMEM;
                        for (size_t j = 0; j < i && !shadow; j++) {
                                _cleanup_free_ char *q = path_join(path[j], file);
                                struct stat st;
                                if (q && lstat(q, &st) == 0)
                                        shadow = path[j];
                        }
                        if (profile_open_file(p, &text, &size, &id, &reason) >= 0)
                                ini_parse_string(text, description_handler, &desc);
                        print_escaped(f, "%-14s %s", *n, p);
                        if (desc && *desc)
                                print_escaped(f, "  %s", desc);
                        if (reason)
                                print_escaped(f, "  (unusable: %s)", reason);
                        if (shadow)
                                print_escaped(f, "  (shadowed by %s/%s)", shadow, file);
                        fputc('\n', f);
                        found++;
                }
        }
        if (!found)
                fputs("no profiles found\n", f);
        print_searched(f, path);
        return 0;
}
