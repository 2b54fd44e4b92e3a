/* SPDX-License-Identifier: Apache-2.0 */
/* layer_apply: layers written here with libarchive (pax, as image tools
 * write them) and applied, as the user running the test, to a scratch
 * root with the single map (id_count 1: ownership is not kept; the
 * subordinate ids are the integration tests' business).
 *   BASE/root       the root the layers are applied to (made anew per case)
 *   BASE/outside/   with one file, sentinel: no layer may touch either */
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include "image-internal.h"
#include "unit.h"
#include "util.h"

static char base[] = "/tmp/userbox-unit-layer.XXXXXX";
static char outside[sizeof(base) + 16];
static int root_fd = -1, base_fd = -1;
static struct layer_stats stats;
/* What the last apply printed on stderr. */
static char errors[4096];

#define T1 1000000000 /* 2001-09-09 */
#define T2 1200000000 /* 2008-01-10 */

/* A layer being written: a memfd, read back by layer_apply. */
struct tar {
        struct archive *a;
        int fd;
};

static struct tar tar_new_filtered(int (*filter)(struct archive *)) {
        struct tar t = { archive_write_new(), memfd_create("layer", MFD_CLOEXEC) };

        if (!t.a || t.fd < 0 || archive_write_set_format_pax(t.a) != ARCHIVE_OK)
                abort();
        if (filter && filter(t.a) != ARCHIVE_OK)
                abort();
        if (archive_write_open_fd(t.a, t.fd) != ARCHIVE_OK)
                abort();
        return t;
}

static struct tar tar_new(void) {
        return tar_new_filtered(NULL);
}

static struct archive_entry *entry_new(const char *name, mode_t type, mode_t mode) {
        struct archive_entry *e = archive_entry_new();

        archive_entry_set_pathname(e, name);
        archive_entry_set_filetype(e, type);
        archive_entry_set_perm(e, mode);
        archive_entry_set_mtime(e, T1, 0);
        return e;
}

static void tar_put(struct tar *t, struct archive_entry *e, const char *data, size_t size) {
        if (archive_write_header(t->a, e) != ARCHIVE_OK)
                abort();
        if (size && archive_write_data(t->a, data, size) != (la_ssize_t) size)
                abort();
        archive_entry_free(e);
}

static void tar_file(struct tar *t, const char *name, const char *data) {
        struct archive_entry *e = entry_new(name, AE_IFREG, 0644);

        archive_entry_set_size(e, (la_int64_t) strlen(data));
        tar_put(t, e, data, strlen(data));
}

static void tar_dir(struct tar *t, const char *name, mode_t mode) {
        tar_put(t, entry_new(name, AE_IFDIR, mode), NULL, 0);
}

static void tar_symlink(struct tar *t, const char *name, const char *target) {
        struct archive_entry *e = entry_new(name, AE_IFLNK, 0777);

        archive_entry_set_symlink(e, target);
        tar_put(t, e, NULL, 0);
}

static void tar_hardlink(struct tar *t, const char *name, const char *target) {
        struct archive_entry *e = entry_new(name, AE_IFREG, 0644);

        archive_entry_set_hardlink(e, target);
        tar_put(t, e, NULL, 0);
}

/* A whiteout marker: an empty file (what docker and buildah write). */
static void tar_marker(struct tar *t, const char *name) {
        tar_file(t, name, "");
}

/* Applies t as layer n; its result, what it printed in errors. */
static int tar_apply_ids(struct tar *t, int n, uint32_t id_count) {
        char label[64];
        struct layer_options o = { .label = label, .id_count = id_count };
        int saved = dup(STDERR_FILENO), capture = memfd_create("stderr", MFD_CLOEXEC), r;
        ssize_t got;

        if (archive_write_free(t->a) != ARCHIVE_OK || lseek(t->fd, 0, SEEK_SET) != 0 || saved < 0 || capture < 0)
                abort();
        snprintf(label, sizeof(label), "layer %d (sha256:0123456789ab)", n);
        fflush(stderr);
        dup2(capture, STDERR_FILENO);
        r = layer_apply(root_fd, t->fd, &o, &stats);
        fflush(stderr);
        dup2(saved, STDERR_FILENO);
        got = pread(capture, errors, sizeof(errors) - 1, 0);
        errors[got > 0 ? got : 0] = '\0';
        if (errors[0])
                fprintf(stderr, "  (layer_apply said) %s", errors);
        close(saved);
        close(capture);
        close(t->fd);
        return r;
}

static int tar_apply(struct tar *t, int n) {
        return tar_apply_ids(t, n, 1);
}

/* A fresh, empty root for each case. */
static void root_reset(void) {
        if (root_fd >= 0)
                close(root_fd);
        if (remove_tree_at(base_fd, "root") < 0 || mkdirat(base_fd, "root", 0755) < 0)
                abort();
        root_fd = openat(base_fd, "root", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root_fd < 0)
                abort();
        memset(&stats, 0, sizeof(stats));
}

static void setup(void) {
        int fd;

        if (!mkdtemp(base))
                abort();
        snprintf(outside, sizeof(outside), "%s/outside", base);
        base_fd = open(base, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (base_fd < 0 || mkdirat(base_fd, "outside", 0755) < 0)
                abort();
        fd = openat(base_fd, "outside/sentinel", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0 || write(fd, "keep", 4) != 4)
                abort();
        close(fd);
}

static bool exists(const char *rel) {
        struct stat st;
        return fstatat(root_fd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static mode_t type_of(const char *rel) {
        struct stat st;
        return fstatat(root_fd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0 ? st.st_mode & S_IFMT : 0;
}

static const char *content(const char *rel) {
        static char buf[256];
        int fd = openat(root_fd, rel, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

        if (fd >= 0)
                close(fd);
        buf[n > 0 ? n : 0] = '\0';
        return n < 0 ? "(unreadable)" : buf;
}

/* The outside directory holds its sentinel, unchanged, and nothing else. */
static bool outside_untouched(void) {
        char buf[16] = "";
        struct stat st;
        int fd = openat(base_fd, "outside/sentinel", O_RDONLY | O_CLOEXEC);
        ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

        if (fd >= 0)
                close(fd);
        return n == 4 && streq(buf, "keep") && fstatat(base_fd, "outside", &st, 0) == 0 && st.st_nlink == 2 &&
               fstatat(base_fd, "outside/sentinel", &st, 0) == 0 && st.st_nlink == 1 &&
               st.st_size == 4;
}

static bool outside_has_one_entry(void) {
        char cmd[256];
        snprintf(cmd, sizeof(cmd), "test \"$(ls -A '%s')\" = sentinel", outside);
        return system(cmd) == 0;
}

TEST(files_directories_symlinks_keep_their_modes_and_times) {
        struct tar t = tar_new();
        struct archive_entry *e;
        struct stat st;
        char link[64] = "";

        root_reset();
        e = entry_new("./etc/", AE_IFDIR, 0750);
        archive_entry_set_mtime(e, T2, 0);
        tar_put(&t, e, NULL, 0);
        e = entry_new("./etc/motd", AE_IFREG, 0640);
        archive_entry_set_size(e, 5);
        tar_put(&t, e, "hello", 5);
        tar_symlink(&t, "./etc/link", "/etc/motd");
        CHECK(tar_apply(&t, 1) == 0);
        CHECK(fstatat(root_fd, "etc", &st, 0) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 0750);
        /* Set after the files were written in it. */
        CHECK(st.st_mtime == T2);
        CHECK(fstatat(root_fd, "etc/motd", &st, 0) == 0 && (st.st_mode & 07777) == 0640 && st.st_mtime == T1);
        CHECK_STREQ(content("etc/motd"), "hello");
        CHECK(readlinkat(root_fd, "etc/link", link, sizeof(link) - 1) == 9);
        CHECK_STREQ(link, "/etc/motd");
        CHECK(fstatat(root_fd, "etc/link", &st, AT_SYMLINK_NOFOLLOW) == 0 && st.st_mtime == T1);
        CHECK(stats.files == 3 && stats.bytes == 5);
}

TEST(compressed_layers_are_read) {
        static int (*const filters[])(struct archive *) = {
                archive_write_add_filter_gzip,
                archive_write_add_filter_zstd,
                archive_write_add_filter_xz,
                archive_write_add_filter_bzip2,
        };

        root_reset();
        for (size_t i = 0; i < ELEMENTSOF(filters); i++) {
                struct tar t = tar_new_filtered(filters[i]);
                char name[16];

                snprintf(name, sizeof(name), "f%zu", i);
                tar_file(&t, name, "data");
                CHECK(tar_apply(&t, (int) i + 1) == 0);
                CHECK_STREQ(content(name), "data");
        }
}

TEST(whiteout_removes_a_lower_file_and_a_lower_directory_tree) {
        struct tar t1 = tar_new(), t2 = tar_new();

        root_reset();
        tar_file(&t1, "a/f", "f");
        tar_file(&t1, "a/g", "g");
        tar_file(&t1, "d/x/y", "y");
        CHECK(tar_apply(&t1, 1) == 0);
        tar_marker(&t2, "a/.wh.f");
        tar_marker(&t2, ".wh.d");
        tar_marker(&t2, ".wh.never-was");
        CHECK(tar_apply(&t2, 2) == 0);
        CHECK(!exists("a/f") && !exists("d"));
        CHECK_STREQ(content("a/g"), "g");
        CHECK(!exists("a/.wh.f") && !exists(".wh.d") && !exists(".wh.never-was"));
}

TEST(whiteout_spares_what_its_own_layer_wrote) {
        struct tar t1 = tar_new(), t2 = tar_new();

        root_reset();
        tar_file(&t1, "a/f", "lower");
        CHECK(tar_apply(&t1, 1) == 0);
        tar_file(&t2, "a/f", "mine");
        tar_marker(&t2, "a/.wh.f");
        CHECK(tar_apply(&t2, 2) == 0);
        CHECK_STREQ(content("a/f"), "mine");
}

TEST(a_layer_that_removes_then_adds_a_path_ends_with_the_new_one) {
        struct tar t1 = tar_new(), t2 = tar_new();

        root_reset();
        tar_file(&t1, "d/old", "old");
        tar_file(&t1, "f", "old");
        CHECK(tar_apply(&t1, 1) == 0);
        tar_marker(&t2, ".wh.d");
        tar_file(&t2, "d/new", "new");
        tar_marker(&t2, ".wh.f");
        tar_dir(&t2, "f", 0755);
        CHECK(tar_apply(&t2, 2) == 0);
        CHECK(!exists("d/old"));
        CHECK_STREQ(content("d/new"), "new");
        CHECK(type_of("f") == S_IFDIR);
}

/* The marker first, as tools that sort it first write it. */
TEST(opaque_marker_before_its_layers_entries_empties_the_directory) {
        struct tar t1 = tar_new(), t2 = tar_new();

        root_reset();
        tar_file(&t1, "o/old", "old");
        tar_file(&t1, "o/sub/old", "old");
        tar_file(&t1, "keep", "keep");
        CHECK(tar_apply(&t1, 1) == 0);
        tar_dir(&t2, "o/", 0755);
        tar_marker(&t2, "o/.wh..wh..opq");
        tar_file(&t2, "o/new", "new");
        CHECK(tar_apply(&t2, 2) == 0);
        CHECK(!exists("o/old") && !exists("o/sub") && !exists("o/.wh..wh..opq"));
        CHECK_STREQ(content("o/new"), "new");
        CHECK_STREQ(content("keep"), "keep");
}

/* The marker after entries of its own layer in the directory (a name that
 * sorts before ".wh.", a subdirectory written first): those stay, what is
 * below them from lower layers goes. */
TEST(opaque_marker_after_its_layers_entries_keeps_them) {
        struct tar t1 = tar_new(), t2 = tar_new();

        root_reset();
        tar_file(&t1, "o/old", "old");
        tar_file(&t1, "o/sub/old", "old");
        CHECK(tar_apply(&t1, 1) == 0);
        tar_dir(&t2, "o/", 0755);
        tar_file(&t2, "o/!first", "first");
        tar_file(&t2, "o/sub/mine", "mine");
        tar_marker(&t2, "o/.wh..wh..opq");
        tar_file(&t2, "o/zz", "last");
        CHECK(tar_apply(&t2, 2) == 0);
        CHECK_STREQ(content("o/!first"), "first");
        CHECK_STREQ(content("o/sub/mine"), "mine");
        CHECK_STREQ(content("o/zz"), "last");
        CHECK(!exists("o/old") && !exists("o/sub/old") && !exists("o/.wh..wh..opq"));
}

TEST(entries_below_a_whiteout_name_are_not_written) {
        struct tar t = tar_new();

        root_reset();
        tar_file(&t, ".wh..wh.plnk/123", "aufs");
        tar_file(&t, "a/.wh.b/c", "x");
        CHECK(tar_apply(&t, 1) == 0);
        CHECK(!exists(".wh..wh.plnk") && !exists("a/.wh.b"));
}

TEST(a_file_replaced_by_a_directory_and_back) {
        struct tar t1 = tar_new(), t2 = tar_new(), t3 = tar_new();

        root_reset();
        tar_file(&t1, "p", "file");
        CHECK(tar_apply(&t1, 1) == 0);
        tar_dir(&t2, "p", 0755);
        tar_file(&t2, "p/in/deep", "deep");
        CHECK(tar_apply(&t2, 2) == 0);
        CHECK(type_of("p") == S_IFDIR);
        CHECK_STREQ(content("p/in/deep"), "deep");
        tar_file(&t3, "p", "file again");
        CHECK(tar_apply(&t3, 3) == 0);
        CHECK(type_of("p") == S_IFREG);
        CHECK_STREQ(content("p"), "file again");
}

TEST(a_directory_named_again_keeps_its_contents_and_takes_the_new_mode) {
        struct tar t1 = tar_new(), t2 = tar_new();
        struct stat st;

        root_reset();
        tar_dir(&t1, "d", 0755);
        tar_file(&t1, "d/x", "x");
        CHECK(tar_apply(&t1, 1) == 0);
        tar_dir(&t2, "d", 0711);
        tar_dir(&t2, "d", 0700); /* named twice: the later wins */
        CHECK(tar_apply(&t2, 2) == 0);
        CHECK_STREQ(content("d/x"), "x");
        CHECK(fstatat(root_fd, "d", &st, 0) == 0 && (st.st_mode & 07777) == 0700);
}

TEST(hard_link_to_a_lower_layers_file_is_the_same_file) {
        struct tar t1 = tar_new(), t2 = tar_new();
        struct stat a, b;

        root_reset();
        tar_file(&t1, "etc/passwd", "root:x:0:0::/root:/bin/sh\n");
        CHECK(tar_apply(&t1, 1) == 0);
        tar_hardlink(&t2, "usr/passwd.link", "./etc/passwd");
        CHECK(tar_apply(&t2, 2) == 0);
        CHECK(fstatat(root_fd, "etc/passwd", &a, 0) == 0 && fstatat(root_fd, "usr/passwd.link", &b, 0) == 0);
        CHECK(a.st_ino == b.st_ino && a.st_nlink == 2);
}

TEST(device_nodes_are_skipped_and_counted_fifos_made) {
        struct tar t = tar_new();
        struct archive_entry *e;

        root_reset();
        e = entry_new("dev/null", AE_IFCHR, 0666);
        archive_entry_set_rdev(e, makedev(1, 3));
        tar_put(&t, e, NULL, 0);
        e = entry_new("dev/sda", AE_IFBLK, 0660);
        archive_entry_set_rdev(e, makedev(8, 0));
        tar_put(&t, e, NULL, 0);
        tar_put(&t, entry_new("run/fifo", AE_IFIFO, 0600), NULL, 0);
        CHECK(tar_apply(&t, 1) == 0);
        CHECK(stats.devices == 2);
        CHECK(!exists("dev/null") && !exists("dev/sda"));
        CHECK(type_of("run/fifo") == S_IFIFO);
}

TEST(sparse_file_stays_sparse) {
        struct tar t = tar_new();
        struct archive_entry *e = entry_new("sparse", AE_IFREG, 0644);
        const size_t size = 8 << 20;
        _cleanup_free_ char *data = calloc(1, size);
        struct stat st;

        root_reset();
        memcpy(data, "head", 4);
        memcpy(data + size - 4, "tail", 4);
        archive_entry_set_size(e, (la_int64_t) size);
        archive_entry_sparse_add_entry(e, 0, 4096);
        archive_entry_sparse_add_entry(e, (la_int64_t) size - 4096, 4096);
        tar_put(&t, e, data, size);
        CHECK(tar_apply(&t, 1) == 0);
        CHECK(fstatat(root_fd, "sparse", &st, 0) == 0 && st.st_size == (off_t) size);
        /* Two blocks of data, a hole of 8 MiB between. */
        CHECK(st.st_blocks * 512 < 1 << 20);
        CHECK_STREQ(content("sparse"), "head");
}

TEST(xattrs_the_user_may_set_are_kept_others_counted) {
        struct tar t = tar_new();
        struct archive_entry *e = entry_new("x", AE_IFREG, 0644);
        char value[16] = "", path[sizeof(base) + 16];

        root_reset();
        if (getxattr(base, "user.probe", value, sizeof(value)) < 0 && errno == EOPNOTSUPP)
                SKIP("machine: /tmp takes no user.* extended attributes");
        archive_entry_xattr_add_entry(e, "user.kept", "yes", 3);
        /* A user namespace may not set trusted.*: dropped, not an error. */
        archive_entry_xattr_add_entry(e, "trusted.overlay.opaque", "y", 1);
        tar_put(&t, e, NULL, 0);
        CHECK(tar_apply(&t, 1) == 0);
        snprintf(path, sizeof(path), "%s/root/x", base);
        CHECK(lgetxattr(path, "user.kept", value, sizeof(value)) == 3 && memcmp(value, "yes", 3) == 0);
        CHECK(stats.xattrs_dropped == 1);
}

/* An entry refused: layer_apply fails, prints "LABEL: message", and
 * nothing outside the root changed. */
static void check_refused(struct tar *t, int n, const char *message) {
        char expected[512];

        snprintf(expected, sizeof(expected), "userbox: layer %d (sha256:0123456789ab): %s\n", n, message);
        CHECK(tar_apply(t, n) == -EPERM);
        CHECK_STREQ(errors, expected);
        CHECK(outside_untouched());
        CHECK(outside_has_one_entry());
}

TEST(absolute_name_is_refused) {
        struct tar t = tar_new();

        root_reset();
        tar_file(&t, "/etc/x", "x");
        check_refused(&t, 1, "/etc/x: refused: an absolute name");
}

TEST(dotdot_name_is_refused) {
        struct tar t = tar_new();

        root_reset();
        tar_file(&t, "a/../../outside/sentinel", "x");
        check_refused(&t, 1, "a/../../outside/sentinel: refused: a '..' component");
}

TEST(name_longer_than_path_max_is_refused) {
        struct tar t = tar_new();
        _cleanup_free_ char *name = malloc(PATH_MAX + 2);
        char expected[128];

        root_reset();
        for (size_t i = 0; i < PATH_MAX; i += 2)
                memcpy(name + i, "a/", 2);
        memcpy(name + PATH_MAX, "x", 2);
        tar_file(&t, name, "x");
        snprintf(expected, sizeof(expected), "%.64s...: refused: longer than PATH_MAX", name);
        check_refused(&t, 1, expected);
}

/* The tar slip: a symlink planted by one layer, written through by the next. */
TEST(write_through_a_lower_layers_symlink_is_refused) {
        struct tar t1 = tar_new(), t2 = tar_new();

        root_reset();
        tar_symlink(&t1, "etc", outside);
        CHECK(tar_apply(&t1, 1) == 0);
        tar_file(&t2, "etc/sentinel", "pwned");
        check_refused(&t2, 2, "etc/sentinel: refused: its parent etc is a symbolic link");
}

TEST(write_through_a_symlink_of_the_same_layer_is_refused) {
        struct tar t = tar_new();

        root_reset();
        tar_symlink(&t, "a", "../outside");
        tar_file(&t, "a/b/new", "pwned");
        check_refused(&t, 1, "a/b/new: refused: its parent a is a symbolic link");
}

/* The directory an earlier entry went in, replaced by a symlink later in
 * the same layer: what was checked before must be checked again. */
TEST(directory_replaced_by_a_symlink_in_the_same_layer_is_not_trusted_again) {
        struct tar t = tar_new();

        root_reset();
        tar_dir(&t, "a", 0755);
        tar_file(&t, "a/x", "x");
        tar_symlink(&t, "a", outside);
        tar_file(&t, "a/sentinel", "pwned");
        check_refused(&t, 1, "a/sentinel: refused: its parent a is a symbolic link");
}

TEST(hard_link_out_of_the_root_is_refused) {
        struct tar t1 = tar_new(), t2 = tar_new();
        char name[sizeof(outside) + 16], expected[sizeof(name) + 64];

        root_reset();
        tar_hardlink(&t1, "h", "../outside/sentinel");
        check_refused(&t1, 1, "h: refused: hard link to ../outside/sentinel: a '..' component");
        snprintf(name, sizeof(name), "%s/sentinel", outside);
        tar_hardlink(&t2, "h", name);
        snprintf(expected, sizeof(expected), "h: refused: hard link to %s: an absolute name", name);
        check_refused(&t2, 2, expected);
}

TEST(hard_link_through_a_symlink_is_refused) {
        struct tar t1 = tar_new(), t2 = tar_new();

        root_reset();
        tar_symlink(&t1, "etc", outside);
        CHECK(tar_apply(&t1, 1) == 0);
        tar_hardlink(&t2, "h", "etc/sentinel");
        check_refused(&t2, 2, "h: refused: hard link to etc/sentinel, whose parent etc is a symbolic link");
}

TEST(whiteouts_through_a_symlink_are_refused) {
        struct tar t1 = tar_new(), t2 = tar_new(), t3 = tar_new();

        root_reset();
        tar_symlink(&t1, "etc", outside);
        CHECK(tar_apply(&t1, 1) == 0);
        tar_marker(&t2, "etc/.wh.sentinel");
        check_refused(&t2, 2, "etc/.wh.sentinel: refused: its parent etc is a symbolic link");
        tar_marker(&t3, "etc/.wh..wh..opq");
        check_refused(&t3, 3, "etc/.wh..wh..opq: refused: its parent etc is a symbolic link");
}

TEST(whiteout_of_dotdot_is_refused) {
        struct tar t = tar_new();

        root_reset();
        tar_marker(&t, "a/.wh...");
        check_refused(&t, 1, "a/.wh...: refused: a whiteout of '..'");
}

TEST(owner_outside_the_subordinate_map_is_refused) {
        struct tar t = tar_new();
        struct archive_entry *e = entry_new("f", AE_IFREG, 0644);

        root_reset();
        archive_entry_set_uid(e, 70000);
        tar_put(&t, e, NULL, 0);
        CHECK(tar_apply_ids(&t, 1, 65536) == -EPERM);
        CHECK_STREQ(errors, "userbox: layer 1 (sha256:0123456789ab): f: owned by uid 70000, outside the 65536 ids "
                            "of your subordinate map\n");
        CHECK(!exists("f"));
}

TEST(truncated_layer_fails_naming_the_layer) {
        struct tar t = tar_new();
        _cleanup_free_ char *data = calloc(1, 100000);

        struct archive_entry *e = entry_new("big", AE_IFREG, 0644);

        root_reset();
        archive_entry_set_size(e, 100000);
        tar_put(&t, e, data, 100000);
        if (archive_write_close(t.a) != ARCHIVE_OK || ftruncate(t.fd, 50000) < 0)
                abort();
        CHECK(tar_apply(&t, 1) < 0);
        CHECK(startswith(errors, "userbox: layer 1 (sha256:0123456789ab): big: "));
}

int main(void) {
        static const struct unit_case cases[] = {
                UNIT(files_directories_symlinks_keep_their_modes_and_times),
                UNIT(compressed_layers_are_read),
                UNIT(whiteout_removes_a_lower_file_and_a_lower_directory_tree),
                UNIT(whiteout_spares_what_its_own_layer_wrote),
                UNIT(a_layer_that_removes_then_adds_a_path_ends_with_the_new_one),
                UNIT(opaque_marker_before_its_layers_entries_empties_the_directory),
                UNIT(opaque_marker_after_its_layers_entries_keeps_them),
                UNIT(entries_below_a_whiteout_name_are_not_written),
                UNIT(a_file_replaced_by_a_directory_and_back),
                UNIT(a_directory_named_again_keeps_its_contents_and_takes_the_new_mode),
                UNIT(hard_link_to_a_lower_layers_file_is_the_same_file),
                UNIT(device_nodes_are_skipped_and_counted_fifos_made),
                UNIT(sparse_file_stays_sparse),
                UNIT(xattrs_the_user_may_set_are_kept_others_counted),
                UNIT(absolute_name_is_refused),
                UNIT(dotdot_name_is_refused),
                UNIT(name_longer_than_path_max_is_refused),
                UNIT(write_through_a_lower_layers_symlink_is_refused),
                UNIT(write_through_a_symlink_of_the_same_layer_is_refused),
                UNIT(directory_replaced_by_a_symlink_in_the_same_layer_is_not_trusted_again),
                UNIT(hard_link_out_of_the_root_is_refused),
                UNIT(hard_link_through_a_symlink_is_refused),
                UNIT(whiteouts_through_a_symlink_are_refused),
                UNIT(whiteout_of_dotdot_is_refused),
                UNIT(owner_outside_the_subordinate_map_is_refused),
                UNIT(truncated_layer_fails_naming_the_layer),
        };
        int r;

        setup();
        r = unit_main(cases, ELEMENTSOF(cases));
        close(root_fd);
        if (remove_tree_at(AT_FDCWD, base) < 0)
                fprintf(stderr, "could not remove %s\n", base);
        close(base_fd);
        return r;
}
