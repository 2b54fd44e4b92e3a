/* SPDX-License-Identifier: Apache-2.0 */
/* The image store, $XDG_DATA_HOME/userbox/images (design §11): import and
 * pull write an image into a locked .tmp-* directory with userbox-image
 * and rename it to its name at the end; rmi renames it away before
 * removing it. So an image is under its name whole or not at all, and a
 * .tmp-* whose lock is free is what a killed import or rmi left, which the
 * next one removes. Files of an image belong to the subordinate ids: what
 * writes or removes them runs in the user namespace of the id map. */
#include <dirent.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <json-c/json.h>

#include "image.h"
#include "launch.h"
#include "profile.h"
#include "security.h"
#include "state.h"
#include "util.h"

#define IMAGE_META_MAX (1 << 20)

static void json_putp(json_object **o) { json_object_put(*o); }

int image_store_path(char **ret) {
        _cleanup_free_ char *data = NULL;
        int r = user_xdg_dir("XDG_DATA_HOME", ".local/share", &data);

        *ret = NULL;
        if (r < 0 || !data)
                return r;
        *ret = path_join(data, "images");
        return *ret ? 0 : -ENOMEM;
}

/* mkdir -p, the store itself private (0700) as podman's storage is. */
static int mkdir_parents(const char *path, mode_t last_mode) {
        _cleanup_free_ char *p = strdup(path);

        if (!p)
                return -ENOMEM;
        for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
                *s = '\0';
                if (mkdir(p, 0755) < 0 && errno != EEXIST)
                        return -errno;
                *s = '/';
        }
        return mkdir(p, last_mode) < 0 && errno != EEXIST ? -errno : 0;
}

struct store {
        char *path;
        int fd;
        int lock_fd;    /* .lock, held while .tmp-* directories are made or judged */
};

static void store_done(struct store *s) {
        free(s->path);
        if (s->fd >= 0)
                close(s->fd);
        if (s->lock_fd >= 0)
                close(s->lock_fd);
}

static int store_open(struct store *s, bool create) {
        int r;

        *s = (struct store) { .fd = -1, .lock_fd = -1 };
        r = image_store_path(&s->path);
        if (r < 0)
                return log_errno(r, "the image store");
        if (!s->path)
                return log_error("the image store: no home directory (set HOME or XDG_DATA_HOME)");
        if (create && (r = mkdir_parents(s->path, 0700)) < 0)
                return log_errno(r, "creating the image store '%s'", s->path);
        s->fd = open(s->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (s->fd < 0)
                return errno == ENOENT && !create ? 0 : log_errno(-errno, "the image store '%s'", s->path);
        return 0;
}

static int store_lock(struct store *s) {
        s->lock_fd = openat(s->fd, ".lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (s->lock_fd < 0 || flock(s->lock_fd, LOCK_EX) < 0)
                return log_errno(-errno, "locking the image store '%s/.lock'", s->path);
        return 0;
}

static void store_unlock(struct store *s) {
        if (s->lock_fd >= 0)
                close(s->lock_fd);
        s->lock_fd = -1;
}

/* argv in the user namespace of the user's id map (the default --idmap
 * auto), where the image's owners are mapped. Its exit status, or -errno. */
static int run_in_userns(char **argv) {
        struct config c;
        int r;

        config_init(&c);
        config_finalize(&c);
        r = launch_helper(&c, argv);
        config_done(&c);
        return r;
}

/* rm -rf, inside: a root's files belong to subordinate ids, and some
 * directories may be read-only to their owners. */
static int remove_tree(const char *path) {
        char *argv[] = { (char *) "/bin/rm", (char *) "-rf", (char *) "--one-file-system", (char *) "--",
                         (char *) path, NULL };
        enum log_level level = log_get_level();
        int r;

        /* The id map's warnings were the import's to give, not rm's. */
        log_set_level(LOG_QUIET);
        r = run_in_userns(argv);
        log_set_level(level);

        if (r < 0)
                return r;
        return r == 0 ? 0 : log_error("removing '%s': rm exited with status %d", path, r);
}

/* A new .tmp-* directory, locked for as long as *ret_fd is open. Called
 * with the store locked, so that store_clean never takes it for stale. */
static int tmp_create(struct store *s, char **ret_path, int *ret_fd) {
        _cleanup_free_ char *path = NULL;
        int fd;

        if (asprintf(&path, "%s/.tmp-XXXXXX", s->path) < 0)
                return log_errno(-ENOMEM, "the image store");
        if (!mkdtemp(path))
                return log_errno(-errno, "creating a directory in the image store '%s'", s->path);
        fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0 || flock(fd, LOCK_EX) < 0) {
                int r = log_errno(-errno, "locking '%s'", path);
                if (fd >= 0)
                        close(fd);
                (void) rmdir(path);
                return r;
        }
        *ret_path = TAKE_PTR(path);
        *ret_fd = fd;
        return 0;
}

/* The store's entries, read through a descriptor of its own. */
static DIR *store_opendir(const struct store *s) {
        int fd = dup(s->fd);
        DIR *d = fd >= 0 ? fdopendir(fd) : NULL;

        if (!d && fd >= 0) {
                int saved = errno;
                close(fd);
                errno = saved;
        }
        return d;
}

/* The .tmp-* directories nobody holds: a killed import's or rmi's. */
static void store_clean(struct store *s) {
        _cleanup_strv_free_ char **stale = NULL;
        DIR *d = store_opendir(s);
        struct dirent *de;

        if (!d)
                return;
        while ((de = readdir(d))) {
                _cleanup_close_ int fd = -1;
                if (!startswith(de->d_name, ".tmp-"))
                        continue;
                fd = openat(s->fd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
                if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
                        (void) strv_push(&stale, path_join(s->path, de->d_name));
        }
        closedir(d);
        for (char **p = stale; p && *p; p++) {
                log_step("removing '%s', left by an import or rmi that did not finish", *p);
                (void) remove_tree(*p);
        }
}

/* An image's profile is found by its name on the search path, before the
 * shipped ones: an image named "default" would be loaded by every run. */
static int name_check(const char *name) {
        const char *why;
        if (state_name_check(name, &why) < 0)
                return log_error("'%s' is not an image name: it %s", name, why);
        if (streq(name, "default"))
                return log_error("'default' cannot name an image: every run loads the profile of that name "
                                 "(give another with --name)");
        return 0;
}

static int check_absent(const struct store *s, const char *name) {
        struct stat st;
        if (fstatat(s->fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
                return log_error("image '%s' already exists (remove it with 'userbox rmi %s')", name, name);
        return 0;
}

static json_object *read_json_at(int dir, const char *path) {
        _cleanup_close_ int fd = openat(dir, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        _cleanup_free_ char *text = NULL;
        size_t size;

        if (fd < 0 || read_full_fd(fd, IMAGE_META_MAX, &text, &size) < 0)
                return NULL;
        return json_tokener_parse(text);
}

static const char *json_string_of(json_object *o, const char *key) {
        json_object *v;
        return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
                       ? json_object_get_string(v) : NULL;
}

/* "docker.io/library/debian:12" -> "debian-12"; "busybox:latest" ->
 * "busybox". NULL for a bare tag ("12"), which names no image. */
static char *name_from_tag(const char *tag) {
        _cleanup_free_ char *t = tag ? strndup(tag, strcspn(tag, "@")) : NULL;
        char *colon = t ? strrchr(t, ':') : NULL, *slash, *repo, *name = NULL;

        if (!colon || strchr(colon, '/'))
                return NULL;
        *colon = '\0';
        slash = strrchr(t, '/');
        repo = slash ? slash + 1 : t;
        if (!*repo)
                return NULL;
        if (streq(colon + 1, "latest"))
                return strdup(repo);
        return asprintf(&name, "%s-%s", repo, colon + 1) < 0 ? NULL : name;
}

/* "/x/my-root.tar.gz" -> "my-root". */
static char *name_from_file(const char *source) {
        static const char *const suffixes[] = { ".tar.gz", ".tar.zst", ".tar.xz", ".tar.bz2", ".tgz", ".tar", ".oci" };
        _cleanup_free_ char *copy = strdup(source);
        char *base;

        if (!copy)
                return NULL;
        path_simplify(copy);
        base = (char *) path_basename(copy);
        for (size_t i = 0; i < ELEMENTSOF(suffixes); i++) {
                size_t n = strlen(base), m = strlen(suffixes[i]);
                if (n > m && streq(base + n - m, suffixes[i])) {
                        base[n - m] = '\0';
                        break;
                }
        }
        return strdup(base);
}

/* The name the image gets: --name, else its tag's, else its file's. */
static int choose_name(const struct image_request *req, json_object *meta, char **ret) {
        const char *tag = json_string_of(meta, "tag");
        char *name = req->name ? strdup(req->name) : name_from_tag(tag);
        const char *why;

        if (!name && !req->name)
                name = name_from_file(req->source);
        if (!name)
                return log_errno(-ENOMEM, "naming the image");
        if (!req->name && state_name_check(name, &why) < 0) {
                int r = log_error("cannot name the image after '%s' (the name %s): give one with --name", name, why);
                free(name);
                return r;
        }
        if (name_check(name) < 0) {
                free(name);
                return -EINVAL;
        }
        *ret = name;
        return 0;
}

/* After the helper: the profile, then the rename that makes it the image. */
static int import_finish(struct store *s, const char *tmp, int tmp_fd, const struct image_request *req,
                         const char *label) {
        _cleanup_(json_putp) json_object *meta = read_json_at(tmp_fd, "image.json");
        _cleanup_free_ char *name = NULL, *root = NULL, *config = NULL, *text = NULL, *ini = NULL;
        _cleanup_free_ char *env_path = NULL, *env = NULL;
        _cleanup_close_ int cfd = -1;
        size_t size;
        int r;

        if (!meta)
                return log_error("'%s/image.json': missing or not JSON (userbox-image did not finish)", tmp);
        r = choose_name(req, meta, &name);
        if (r < 0 || (r = check_absent(s, name)) < 0)
                return r;
        cfd = openat(tmp_fd, "config.json", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (cfd >= 0 && (r = read_full_fd(cfd, IMAGE_META_MAX, &config, &size)) < 0)
                return log_errno(r, "'%s/config.json'", tmp);
        if (asprintf(&root, "%s/%s/rootfs", s->path, name) < 0 || asprintf(&ini, "%s.ini", name) < 0 ||
            asprintf(&env_path, "%s/%s/env", s->path, name) < 0)
                return log_errno(-ENOMEM, "image %s", name);
        r = image_profile_text(name, root, env_path, config, label ?: json_string_of(meta, "source") ?: req->source,
                               json_string_of(meta, "digest"), &text, &env);
        if (r < 0)
                return r;
        r = write_new_file_at(tmp_fd, ini, text, strlen(text));
        if (r < 0)
                return log_errno(r, "writing '%s/%s'", tmp, ini);
        if (env && (r = write_new_file_at(tmp_fd, "env", env, strlen(env))) < 0)
                return log_errno(r, "writing '%s/env'", tmp);
        /* No other import or rmi renames in the store meanwhile. */
        r = store_lock(s);
        if (r < 0)
                return r;
        if (renameat2(s->fd, path_basename(tmp), s->fd, name, RENAME_NOREPLACE) < 0)
                return errno == EEXIST ? check_absent(s, name)
                                       : log_errno(-errno, "renaming '%s' to '%s/%s'", tmp, s->path, name);
        store_unlock(s);
        printf("%s\n", name);
        return 0;
}

/* SOURCE (absolute) through userbox-image into a new .tmp-*, then named. */
static int import_path(const struct image_request *req, const char *source, const char *ref, const char *label) {
        _cleanup_(store_done) struct store s = { .fd = -1, .lock_fd = -1 };
        _cleanup_free_ char *tmp = NULL, *helper = NULL;
        _cleanup_close_ int tmp_fd = -1;
        _cleanup_strv_free_ char **argv = NULL;
        int r;

        if (req->name && (r = name_check(req->name)) < 0)
                return r;
        r = self_helper(IMAGE_HELPER_NAME, &helper);
        if (r < 0)
                return log_errno(r, "'%s'", helper ?: IMAGE_HELPER_NAME);
        r = store_open(&s, true);
        if (r < 0 || (req->name && (r = check_absent(&s, req->name)) < 0))
                return r;
        r = store_lock(&s);
        if (r < 0)
                return r;
        store_clean(&s);
        r = tmp_create(&s, &tmp, &tmp_fd);
        store_unlock(&s);
        if (r < 0)
                return r;
        if (strv_extend(&argv, helper) < 0 || strv_extend(&argv, "unpack") < 0 ||
            (ref && (strv_extend(&argv, "--ref") < 0 || strv_extend(&argv, ref) < 0)) ||
            (label && (strv_extend(&argv, "--source-label") < 0 || strv_extend(&argv, label) < 0)) ||
            strv_extend(&argv, source) < 0 || strv_extend(&argv, tmp) < 0)
                r = log_errno(-ENOMEM, "import");
        else
                r = run_in_userns(argv);
        /* The helper said why it failed; a signal says nothing. */
        if (r > 128)
                r = log_error("import of '%s' interrupted (%s)", label ?: source, strsignal(r - 128));
        else if (r > 0)
                r = -EIO;
        if (r >= 0)
                r = import_finish(&s, tmp, tmp_fd, req, label);
        if (r < 0)
                (void) remove_tree(tmp);
        return r;
}

int image_import(const struct image_request *req) {
        _cleanup_free_ char *source = realpath(req->source, NULL);

        if (!source)
                return log_errno(-errno, "'%s'", req->source);
        return import_path(req, source, req->ref, NULL);
}

/* skopeo copy docker://REF oci:DIR:userbox, its progress on standard
 * error: standard output is for the image's name. */
static int skopeo_copy(const char *skopeo, const struct image_request *req, const char *layout) {
        _cleanup_free_ char *src = NULL, *dst = NULL;
        const char *argv[8];
        size_t n = 0;
        int status;
        pid_t pid;

        if (asprintf(&src, "docker://%s", req->source) < 0 || asprintf(&dst, "oci:%s:userbox", layout) < 0)
                return log_errno(-ENOMEM, "pull");
        argv[n++] = skopeo;
        argv[n++] = "copy";
        if (req->tls_verify >= 0)
                argv[n++] = req->tls_verify ? "--src-tls-verify=true" : "--src-tls-verify=false";
        if (log_get_level() == LOG_QUIET)
                argv[n++] = "--quiet";
        argv[n++] = src;
        argv[n++] = dst;
        argv[n] = NULL;
        log_step("running %s copy %s %s", skopeo, src, dst);
        pid = fork();
        if (pid < 0)
                return log_errno(-errno, "fork");
        if (pid == 0) {
                if (dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
                        _exit(EXIT_USERBOX_FAILED);
                execv(skopeo, (char **) argv);
                fprintf(stderr, "userbox: %s: %s\n", skopeo, strerror(errno));
                _exit(EXIT_USERBOX_FAILED);
        }
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return log_errno(-errno, "waiting for skopeo");
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                return 0;
        /* skopeo said why. */
        return log_error("pull of '%s' failed: skopeo %s %d", req->source,
                         WIFEXITED(status) ? "exited with status" : "killed by signal",
                         WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
}

int image_pull(const struct image_request *req) {
        _cleanup_(store_done) struct store s = { .fd = -1, .lock_fd = -1 };
        _cleanup_free_ char *skopeo = NULL, *tmp = NULL, *layout = NULL, *label = NULL,
                            *name = NULL, *full = NULL;
        _cleanup_close_ int tmp_fd = -1;
        struct image_request import = *req;
        const char *last = strrchr(req->source, '/');
        int r;

        if (path_find_program("skopeo", &skopeo) < 0)
                return log_error("pull needs skopeo, which is not in PATH (apt install skopeo)");
        /* A reference without a tag means :latest, as for docker. */
        if (!strchr(last ? last : req->source, ':') && !strchr(req->source, '@') &&
            asprintf(&full, "%s:latest", req->source) < 0)
                return log_errno(-ENOMEM, "pull");
        if (!req->name) {
                name = name_from_tag(full ?: req->source);
                if (!name)
                        return log_error("cannot name the image after '%s': give one with --name", req->source);
                import.name = name;
        }
        r = name_check(import.name);
        if (r < 0 || (r = store_open(&s, true)) < 0 || (r = check_absent(&s, import.name)) < 0)
                return r;
        r = store_lock(&s);
        if (r >= 0) {
                r = tmp_create(&s, &tmp, &tmp_fd);
                store_unlock(&s);
        }
        if (r < 0)
                return r;
        if (!(layout = path_join(tmp, "layout")) || asprintf(&label, "docker://%s", full ?: req->source) < 0)
                r = log_errno(-ENOMEM, "pull");
        if (r >= 0)
                r = skopeo_copy(skopeo, req, layout);
        if (r >= 0)
                r = import_path(&import, layout, "userbox", label);
        (void) remove_tree(tmp);
        return r;
}

/* The images' names, sorted. */
static int store_names(const struct store *s, char ***ret) {
        DIR *d = store_opendir(s);
        struct dirent *de;

        *ret = NULL;
        if (!d)
                return log_errno(-errno, "reading the image store '%s'", s->path);
        while ((de = readdir(d)))
                if (de->d_name[0] != '.' && de->d_type == DT_DIR && strv_extend(ret, de->d_name) < 0) {
                        closedir(d);
                        return log_errno(-ENOMEM, "the image store");
                }
        closedir(d);
        strv_sort(*ret);
        return 0;
}

/* 1234567 -> "1.2 MB", as podman prints sizes. */
static void format_size(char buf[static 16], int64_t bytes) {
        static const char *const units[] = { "B", "kB", "MB", "GB", "TB" };
        double v = (double) bytes;
        size_t u = 0;

        while (v >= 1000 && u + 1 < ELEMENTSOF(units))
                v /= 1000, u++;
        snprintf(buf, 16, u ? "%.3g %s" : "%.0f %s", v, units[u]);
}

static json_object *image_entry(const struct store *s, const char *name) {
        _cleanup_free_ char *file = NULL, *root = NULL;
        json_object *meta, *o = json_object_new_object(), *v;

        if (!o || asprintf(&file, "%s/image.json", name) < 0 || asprintf(&root, "%s/%s/rootfs", s->path, name) < 0) {
                json_object_put(o);
                return NULL;
        }
        meta = read_json_at(s->fd, file);
        json_object_object_add(o, "name", json_object_new_string(name));
        json_object_object_add(o, "size", json_object_new_int64(json_object_object_get_ex(meta, "bytes", &v)
                                                                        ? json_object_get_int64(v) : 0));
        json_object_object_add(o, "files", json_object_new_int64(json_object_object_get_ex(meta, "files", &v)
                                                                         ? json_object_get_int64(v) : 0));
        for (size_t i = 0; i < 4; i++) {
                static const char *const keys[] = { "created", "source", "digest", "format" };
                const char *t = json_string_of(meta, keys[i]);
                json_object_object_add(o, keys[i], t ? json_object_new_string(t) : NULL);
        }
        json_object_object_add(o, "root", json_object_new_string(root));
        json_object_put(meta);
        return o;
}

static void print_table_row(FILE *f, json_object *o) {
        /* An image's own text (its "created", the source) escaped: an
         * escape sequence in it must not drive the terminal. */
        _cleanup_free_ char *created = string_escape_cc(json_string_of(o, "created") ?: "-"),
                            *source = string_escape_cc(json_string_of(o, "source") ?: "-");
        json_object *v;
        char size[16];

        json_object_object_get_ex(o, "size", &v);
        format_size(size, json_object_get_int64(v));
        /* "2024-05-01T12:00:00.123Z" -> "2024-05-01T12:00" */
        fprintf(f, "%-24s %10s  %-16.16s  %s\n", json_string_of(o, "name"), size, created ?: "?", source ?: "?");
}

int image_list(FILE *f, bool json) {
        _cleanup_(store_done) struct store s = { .fd = -1, .lock_fd = -1 };
        _cleanup_strv_free_ char **names = NULL;
        _cleanup_(json_putp) json_object *all = json_object_new_array();
        int r = store_open(&s, false);

        if (r < 0)
                return r;
        if (!all)
                return log_errno(-ENOMEM, "images");
        if (s.fd >= 0 && (r = store_names(&s, &names)) < 0)
                return r;
        for (char **n = names; n && *n; n++) {
                json_object *o = image_entry(&s, *n);
                if (!o || json_object_array_add(all, o) < 0)
                        return log_errno(-ENOMEM, "images");
        }
        if (json) {
                fprintf(f, "%s\n", json_object_to_json_string_ext(all, JSON_C_TO_STRING_PRETTY |
                                                                       JSON_C_TO_STRING_NOSLASHESCAPE));
                return 0;
        }
        fprintf(f, "%-24s %10s  %-16s  %s\n", "NAME", "SIZE", "CREATED", "SOURCE");
        for (size_t i = 0; i < json_object_array_length(all); i++)
                print_table_row(f, json_object_array_get_idx(all, i));
        return 0;
}

/* A running container's launcher holds a shared lock on its root
 * (launch/parent.c): the root of one is not removed under it. */
static int image_not_in_use(const struct store *s, const char *name) {
        _cleanup_free_ char *root = NULL;
        _cleanup_close_ int fd = -1;

        if (asprintf(&root, "%s/rootfs", name) < 0)
                return log_errno(-ENOMEM, "image '%s'", name);
        fd = openat(s->fd, root, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK)
                return log_error("image '%s' is in use: a container runs in it (stop it first)", name);
        return 0;
}

/* Renamed away first, under the store's lock: the name and its profile
 * are gone at once, and a removal that dies half way is a .tmp-* the next
 * import removes. */
int image_remove(const char *name) {
        _cleanup_(store_done) struct store s = { .fd = -1, .lock_fd = -1 };
        _cleanup_free_ char *tmp = NULL;
        _cleanup_close_ int tmp_fd = -1;
        struct stat st;
        int r = name_check(name);

        if (r < 0 || (r = store_open(&s, false)) < 0)
                return r;
        if (s.fd < 0 || fstatat(s.fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode))
                return log_error("no image '%s' (userbox images lists them)", name);
        r = store_lock(&s);
        if (r < 0 || (r = image_not_in_use(&s, name)) < 0 || (r = tmp_create(&s, &tmp, &tmp_fd)) < 0)
                return r;
        if (renameat(s.fd, name, s.fd, path_basename(tmp)) < 0) {
                r = log_errno(-errno, "removing image '%s'", name);
                (void) rmdir(tmp);
                return r;
        }
        /* The lock was the empty directory's, which the rename replaced:
         * the image's own is taken before another import may judge it. */
        close(tmp_fd);
        tmp_fd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (tmp_fd < 0 || flock(tmp_fd, LOCK_EX) < 0)
                return log_errno(-errno, "locking '%s'", tmp);
        store_unlock(&s);
        return remove_tree(tmp);
}
