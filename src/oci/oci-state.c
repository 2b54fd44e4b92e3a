/* SPDX-License-Identifier: Apache-2.0 */
/* userbox-oci's state: ROOT/ID/ holds state.json (written once, by
 * create's launcher, atomically) and while the container is created and
 * not started the FIFO its process waits on. The status is never stored:
 * it is read from the process (alive, and the same process: its start
 * time is kept against pid reuse) and the FIFO. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oci-life.h"
#include "oci-spec-internal.h"
#include "util.h"

static const char *const status_names[] = {
        [OCI_CREATING] = "creating",
        [OCI_CREATED] = "created",
        [OCI_RUNNING] = "running",
        [OCI_STOPPED] = "stopped",
};

const char *oci_status_name(enum oci_status status) {
        return status_names[status];
}

/* Root acting on the containers of another user: Slurm's slurmstepd runs
 * RunTimeQuery, RunTimeKill and RunTimeDelete as root at the end of a step
 * on the state the user's own `run` made. Root becomes the directory's
 * owner and group first (no supplementary groups: the static launcher has
 * no NSS to ask for them), so that nothing that user wrote there (a pid,
 * cgroups to empty, the bundle's poststop hooks) is acted on with more
 * rights than the user has. */
static int become_owner(const char *path, const struct stat *st) {
        if (setgroups(0, NULL) < 0 || setresgid(st->st_gid, st->st_gid, st->st_gid) < 0 ||
            setresuid(st->st_uid, st->st_uid, st->st_uid) < 0)
                return log_errno(-errno, "state directory '%s': cannot become its owner %u", path,
                                 (unsigned) st->st_uid);
        return 0;
}

/* dir, created 0700 when missing; must be a directory the caller owns
 * that nobody else may write. as_owner: root takes on the rights of
 * another user who owns it, and never creates it for them. */
static int open_private_dir(const char *path, bool exact, bool as_owner, int *ret_fd) {
        _cleanup_close_ int fd = -1;
        struct stat st;
        int r;

        as_owner = as_owner && geteuid() == 0;
        if (!as_owner && mkdir(path, 0700) < 0 && errno != EEXIST)
                return log_errno(-errno, "cannot create the state directory '%s'", path);
        fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return log_errno(-errno, "cannot open the state directory '%s'", path);
        if (fstat(fd, &st) < 0)
                return log_errno(-errno, "state directory '%s'", path);
        if (as_owner && st.st_uid != 0) {
                r = become_owner(path, &st);
                if (r < 0)
                        return r;
        }
        if (st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH)) ||
            (exact && (st.st_mode & 07777) != 0700))
                return log_errno(-EPERM, "state directory '%s' is not yours alone (owner %u, mode %04o): "
                                 "refusing to keep container state there", path, (unsigned) st.st_uid,
                                 (unsigned) (st.st_mode & 07777));
        *ret_fd = TAKE_FD(fd);
        return 0;
}

static int root_open(const struct oci_globals *g, bool as_owner, int *ret_fd) {
        _cleanup_free_ char *path = NULL;
        const char *runtime_dir = getenv("XDG_RUNTIME_DIR");

        if (g->root)
                return open_private_dir(g->root, false, as_owner, ret_fd);
        if (runtime_dir && path_is_absolute(runtime_dir))
                path = path_join(runtime_dir, "userbox-oci");
        else if (asprintf(&path, "/tmp/userbox-oci-%u", (unsigned) geteuid()) < 0)
                path = NULL;
        if (!path)
                return log_errno(-ENOMEM, "state directory");
        /* In /tmp anyone could have made it first: exactly 0700, ours. */
        return open_private_dir(path, !runtime_dir || !path_is_absolute(runtime_dir), as_owner, ret_fd);
}

int oci_root_open(const struct oci_globals *g, int *ret_fd) {
        return root_open(g, false, ret_fd);
}

int oci_root_open_as_owner(const struct oci_globals *g, int *ret_fd) {
        return root_open(g, true, ret_fd);
}

int oci_id_check(const char *id) {
        size_t n = strlen(id);

        if (n == 0 || n > 1024 || streq(id, ".") || streq(id, "..") ||
            strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.+-") != n)
                return log_error("'%s' is not a container id: 1 to 1024 of letters, digits, '_', '.', '+', '-'",
                                 id);
        return 0;
}

/* The state letter and start time of pid, from /proc/PID/stat. */
static int process_stat(pid_t pid, char *ret_state, uint64_t *ret_start_time) {
        _cleanup_fclose_ FILE *f = NULL;
        char path[64], buf[2048], *p;
        unsigned long long start = 0;
        size_t n;

        snprintf(path, sizeof(path), "/proc/%d/stat", (int) pid);
        f = fopen(path, "re");
        if (!f)
                return -errno;
        n = fread(buf, 1, sizeof(buf) - 1, f);
        buf[n] = '\0';
        /* The command name may hold anything: fields count from its end. */
        p = strrchr(buf, ')');
        if (!p || sscanf(p + 2, "%c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %llu",
                         ret_state, &start) != 2)
                return -EIO;
        *ret_start_time = start;
        return 0;
}

/* created or running while the process lives, stopped once it is gone
 * (a zombie is gone: it runs nothing) or its pid is another's. */
static enum oci_status status_of(int dir_fd, const struct oci_state *s) {
        uint64_t start_time;
        char state;

        if (s->pid <= 0 || process_stat(s->pid, &state, &start_time) < 0 || start_time != s->start_time ||
            state == 'Z' || state == 'X')
                return OCI_STOPPED;
        return faccessat(dir_fd, OCI_FIFO, F_OK, AT_SYMLINK_NOFOLLOW) == 0 ? OCI_CREATED : OCI_RUNNING;
}

static int state_from_json(json_object *doc, struct oci_state *s, char **reason) {
        json_object *cgroups = NULL;
        int64_t pid = 0, owner = 0, start_time = 0;
        int no_process = 0, r;

        r = oci_get_string(doc, "id", true, &s->id, "", reason);
        if (r >= 0)
                r = oci_get_int(doc, "pid", &pid, "", reason);
        if (r >= 0)
                r = oci_get_u64(doc, "startTime", &start_time, "", reason);
        if (r >= 0)
                r = oci_get_string(doc, "bundle", true, &s->bundle, "", reason);
        if (r >= 0)
                r = oci_get_string(doc, "created", true, &s->created, "", reason);
        if (r >= 0)
                r = oci_get_id(doc, "owner", &owner, "", reason);
        if (r >= 0)
                r = oci_get_strv(doc, "cgroups", false, &s->cgroups, "", reason);
        if (r >= 0)
                r = oci_get_string(doc, "cgroupsPath", false, &s->cgroups_path, "", reason);
        if (r >= 0)
                r = oci_get_bool(doc, "noProcess", &no_process, "", reason);
        if (r >= 0)
                r = oci_get_object(doc, "annotations", false, &cgroups, "", reason);
        if (r < 0)
                return r;
        s->no_process = no_process;
        s->annotations = cgroups ? json_object_get(cgroups) : NULL;
        s->pid = (pid_t) pid;
        s->start_time = (uint64_t) start_time;
        s->owner = (uid_t) owner;
        return 0;
}

int oci_state_load(int root_fd, const char *id, struct oci_state *s) {
        _cleanup_close_ int dir_fd = -1, fd = -1;
        _cleanup_free_ char *text = NULL, *reason = NULL;
        json_object *doc;
        size_t size;
        int r;

        *s = (struct oci_state) { 0 };
        r = oci_id_check(id);
        if (r < 0)
                return r;
        dir_fd = openat(root_fd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (dir_fd >= 0)
                fd = openat(dir_fd, OCI_STATE_FILE, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT) {
                log_error("container '%s' does not exist", id);
                return -ENOENT;
        }
        if (fd < 0)
                return log_errno(-errno, "container '%s'", id);
        r = read_full_fd(fd, 1024 * 1024, &text, &size);
        if (r < 0)
                return log_errno(r, "container '%s': cannot read its state", id);
        doc = json_tokener_parse(text);
        r = doc ? state_from_json(doc, s, &reason) : -EINVAL;
        json_object_put(doc);
        if (r < 0) {
                oci_state_done(s);
                return log_error("container '%s': its state file is damaged%s%s", id, reason ? ": " : "",
                                 reason ? reason : "");
        }
        s->status = status_of(dir_fd, s);
        return 0;
}

json_object *oci_state_json(const struct oci_state *s) {
        json_object *o = json_object_new_object();

        json_object_object_add(o, "ociVersion", json_object_new_string("1.2.0"));
        json_object_object_add(o, "id", json_object_new_string(s->id));
        json_object_object_add(o, "status", json_object_new_string(oci_status_name(s->status)));
        if (s->status != OCI_STOPPED)
                json_object_object_add(o, "pid", json_object_new_int(s->pid));
        else
                json_object_object_add(o, "pid", json_object_new_int(0));
        json_object_object_add(o, "bundle", json_object_new_string(s->bundle));
        json_object_object_add(o, "created", json_object_new_string(s->created));
        json_object_object_add(o, "owner", json_object_new_int64(s->owner));
        json_object_object_add(o, "annotations",
                               s->annotations ? json_object_get(s->annotations) : json_object_new_object());
        return o;
}

char *oci_state_text(const struct oci_state *s, enum oci_status status) {
        struct oci_state copy = *s;
        json_object *doc;
        char *text;

        copy.status = status;
        doc = oci_state_json(&copy);
        text = strdup(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(doc);
        return text;
}

int oci_state_save(int dir_fd, const struct oci_state *s) {
        json_object *o = oci_state_json(s), *cgroups = json_object_new_array();
        int r;

        json_object_object_del(o, "status");
        json_object_object_add(o, "pid", json_object_new_int(s->pid));
        json_object_object_add(o, "startTime", json_object_new_uint64(s->start_time));
        for (size_t i = 0; s->cgroups && s->cgroups[i]; i++)
                json_object_array_add(cgroups, json_object_new_string(s->cgroups[i]));
        json_object_object_add(o, "cgroups", cgroups);
        if (s->cgroups_path)
                json_object_object_add(o, "cgroupsPath", json_object_new_string(s->cgroups_path));
        if (s->no_process)
                json_object_object_add(o, "noProcess", json_object_new_boolean(true));
        r = process_stat(s->pid, &(char) { 0 }, &(uint64_t) { 0 });
        if (r >= 0) {
                const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
                _cleanup_free_ char *tmp = NULL;
                if (asprintf(&tmp, ".%s.tmp", OCI_STATE_FILE) < 0)
                        r = -ENOMEM;
                /* Written aside and renamed: state never reads half a file. */
                if (r >= 0) {
                        (void) unlinkat(dir_fd, tmp, 0);
                        r = write_new_file_at(dir_fd, tmp, text, strlen(text));
                }
                if (r >= 0 && renameat(dir_fd, tmp, dir_fd, OCI_STATE_FILE) < 0)
                        r = -errno;
        }
        json_object_put(o);
        return r < 0 ? log_errno(r, "writing the container's state") : 0;
}

void oci_state_done(struct oci_state *s) {
        free(s->id);
        free(s->bundle);
        free(s->created);
        strv_free(s->cgroups);
        free(s->cgroups_path);
        json_object_put(s->annotations);
        *s = (struct oci_state) { 0 };
}

/* The process's start time, for the state. */
int oci_process_start_time(pid_t pid, uint64_t *ret) {
        char state;

        return process_stat(pid, &state, ret);
}

int oci_state_remove(int root_fd, const char *id) {
        _cleanup_close_ int dir_fd = openat(root_fd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        static const char *const files[] = { OCI_FIFO, OCI_STATE_FILE, "." OCI_STATE_FILE ".tmp", OCI_HOOKS_FILE };

        if (dir_fd < 0)
                return errno == ENOENT ? 0 : log_errno(-errno, "removing container '%s'", id);
        for (size_t i = 0; i < ELEMENTSOF(files); i++)
                (void) unlinkat(dir_fd, files[i], 0);
        if (unlinkat(root_fd, id, AT_REMOVEDIR) < 0 && errno != ENOENT)
                return log_errno(-errno, "removing container '%s'", id);
        return 0;
}
