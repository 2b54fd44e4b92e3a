/* SPDX-License-Identifier: Apache-2.0 */
/* userbox cp's arguments: which side is the root, and where the copy
 * starts and ends, as the paths the user wrote name them. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include "fs.h"
#include "fs-internal.h"
#include "util.h"

void copy_request_done(struct copy_request *r) {
        free(r->root);
        free(r->source);
        free(r->destination);
}

/* ROOT:/PATH: the first ":/" splits; ROOT must be non-empty. */
static int split_root_path(const char *arg, char **root, char **path) {
        const char *sep = strstr(arg, ":/");
        if (!sep || sep == arg)
                return 0;
        *root = strndup(arg, (size_t) (sep - arg));
        *path = strdup(sep + 1);
        if (!*root || !*path)
                return -ENOMEM;
        return 1;
}

int copy_parse(const char *src, const char *dst, bool archive, struct copy_request *ret) {
        _cleanup_free_ char *r1 = NULL, *p1 = NULL, *r2 = NULL, *p2 = NULL;
        int a = split_root_path(src, &r1, &p1);
        int b = split_root_path(dst, &r2, &p2);

        if (a < 0 || b < 0)
                return -ENOMEM;
        if (a == b)
                return log_error("cp: exactly one of SRC and DST must be ROOT:/PATH (got '%s' and '%s')", src, dst);
        memset(ret, 0, sizeof(*ret));
        ret->archive = archive;
        ret->into_root = b;
        if (b) {
                ret->root = TAKE_PTR(r2);
                ret->source = strdup(src);
                ret->destination = TAKE_PTR(p2);
        } else {
                ret->root = TAKE_PTR(r1);
                ret->source = TAKE_PTR(p1);
                ret->destination = strdup(dst);
        }
        if (!ret->source || !ret->destination) {
                copy_request_done(ret);
                return -ENOMEM;
        }
        return 0;
}

static bool has_trailing_slash(const char *path) {
        size_t n = strlen(path);
        return n > 1 && (path[n - 1] == '/' || (path[n - 1] == '.' && path[n - 2] == '/'));
}

/* The last component of path, which names the copy when the destination is
 * an existing directory; NULL when there is none ("/", "..", "."): then the
 * destination is the copy itself and the directory's contents go into it. */
int copy_last_component(const char *path, char **ret) {
        _cleanup_free_ char *copy = strdup(path);
        const char *name;

        *ret = NULL;
        if (!copy)
                return -ENOMEM;
        path_simplify(copy);
        name = path_basename(copy);
        if (name[0] == '\0' || streq(name, ".") || streq(name, ".."))
                return 0;
        *ret = strdup(name);
        return *ret ? 0 : -ENOMEM;
}

/* Opens the directory that holds path and returns the last component, or,
 * when path has no last component or must be a directory (a trailing
 * slash), opens path itself and returns ".". */
int copy_open_parent(const char *path, char **ret_name) {
        _cleanup_free_ char *copy = strdup(path);
        char *slash, *name;
        int fd;

        if (!copy)
                return -ENOMEM;
        path_simplify(copy);
        name = (char *) path_basename(copy);
        if (has_trailing_slash(path) || streq(copy, "/") || streq(name, ".") || streq(name, "..")) {
                *ret_name = strdup(".");
                if (!*ret_name)
                        return -ENOMEM;
                fd = open(copy, O_PATH | O_DIRECTORY | O_CLOEXEC);
                return fd < 0 ? -errno : fd;
        }
        *ret_name = strdup(name);
        if (!*ret_name)
                return -ENOMEM;
        slash = strrchr(copy, '/');
        if (!slash) {
                fd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
                return fd < 0 ? -errno : fd;
        }
        *slash = '\0';
        fd = open(copy[0] ? copy : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        return fd < 0 ? -errno : fd;
}

void copy_destination_done(struct copy_destination *d) {
        if (d->dir >= 0)
                close(d->dir);
        free(d->name);
}

int copy_resolve_destination(const char *dst, const char *src_name, struct copy_destination *ret) {
        struct stat st;
        bool is_dir = stat(dst, &st) == 0 && S_ISDIR(st.st_mode);

        if (is_dir && src_name) {
                ret->into_dir = true;
                ret->name = strdup(src_name);
                if (!ret->name)
                        return -ENOMEM;
                ret->dir = open(dst, O_PATH | O_DIRECTORY | O_CLOEXEC);
                return ret->dir < 0 ? -errno : 0;
        }
        if (!is_dir && has_trailing_slash(dst)) {
                /* "DIR/" that does not exist: created by a directory copy,
                 * an error for anything else (like cp). */
                _cleanup_free_ char *trimmed = strdup(dst);
                if (!trimmed)
                        return -ENOMEM;
                path_simplify(trimmed);
                ret->must_be_dir = true;
                ret->dir = copy_open_parent(trimmed, &ret->name);
                return ret->dir < 0 ? ret->dir : 0;
        }
        ret->dir = copy_open_parent(dst, &ret->name);
        return ret->dir < 0 ? ret->dir : 0;
}

char *copy_shown_in_root(const char *root, const char *path) {
        char *s;

        return asprintf(&s, "%s:%s", root, path) < 0 ? NULL : s;
}
