/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <sys/stat.h>

#include "fs-internal.h"
#include "unit.h"
#include "util.h"

/* A scratch tree: BASE/root is the root, BASE/outside must stay untouched.
 *   root/etc/            root/mnt/t -> /etc        root/mnt/u -> ../../../etc
 *   root/mnt/d -> /nonexistent/x (dangling)        root/mnt/o -> BASE/outside
 *   root/etc/resolv.conf -> ../run/systemd/resolve/stub-resolv.conf (dangling)
 *   root/etc/rel -> ../var/made                    root/mnt/up -> ../../../../climbed/file
 *   root/mnt/chain -> next -> /chained/end         root/mnt/loop1 <-> root/mnt/loop2
 *   root/mnt/never -> /never/made (dangling, never created) */
static char base[] = "/tmp/userbox-unit-resolve.XXXXXX";
static int rootfd = -1;

static void at(char *buf, size_t size, const char *rel) {
        snprintf(buf, size, "%s/%s", base, rel);
}

static void setup(void) {
        static const struct {
                const char *at, *target;
        } links[] = {
                { "root/etc/resolv.conf", "../run/systemd/resolve/stub-resolv.conf" },
                { "root/etc/rel", "../var/made" },
                { "root/mnt/up", "../../../../climbed/file" },
                { "root/mnt/chain", "next" },
                { "root/mnt/next", "/chained/end" },
                { "root/mnt/never", "/never/made" },
                { "root/mnt/loop1", "loop2" },
                { "root/mnt/loop2", "loop1" },
        };
        char p[256], t[256];

        if (!mkdtemp(base))
                abort();
        at(p, sizeof(p), "root");
        mkdir(p, 0755);
        at(p, sizeof(p), "root/etc");
        mkdir(p, 0755);
        at(p, sizeof(p), "root/mnt");
        mkdir(p, 0755);
        at(p, sizeof(p), "outside");
        mkdir(p, 0755);
        at(p, sizeof(p), "root/mnt/t");
        if (symlink("/etc", p) < 0)
                abort();
        at(p, sizeof(p), "root/mnt/u");
        if (symlink("../../../etc", p) < 0)
                abort();
        at(p, sizeof(p), "root/mnt/d");
        if (symlink("/nonexistent/x", p) < 0)
                abort();
        at(p, sizeof(p), "root/mnt/o");
        at(t, sizeof(t), "outside");
        if (symlink(t, p) < 0)
                abort();
        for (size_t i = 0; i < ELEMENTSOF(links); i++) {
                at(p, sizeof(p), links[i].at);
                if (symlink(links[i].target, p) < 0)
                        abort();
        }
        at(p, sizeof(p), "root");
        rootfd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (rootfd < 0)
                abort();
}

static bool same_file(int fd, const char *rel) {
        char p[256];
        struct stat a, b;

        at(p, sizeof(p), rel);
        return fd >= 0 && fstat(fd, &a) == 0 && stat(p, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static bool exists(const char *rel) {
        char p[256];
        struct stat st;

        at(p, sizeof(p), rel);
        return lstat(p, &st) == 0;
}

TEST(absolute_symlink_resolves_inside_the_root) {
        _cleanup_close_ int fd = resolve_in_root(rootfd, "/mnt/t", false, false);
        CHECK(same_file(fd, "root/etc"));
}

TEST(dotdot_symlink_resolves_inside_the_root) {
        _cleanup_close_ int fd = resolve_in_root(rootfd, "/mnt/u", false, false);
        CHECK(same_file(fd, "root/etc"));
        _cleanup_close_ int fd2 = resolve_in_root(rootfd, "/../../../etc", false, false);
        CHECK(same_file(fd2, "root/etc"));
}

TEST(missing_directories_are_created_through_symlinks_inside_the_root) {
        _cleanup_close_ int fd = resolve_in_root(rootfd, "/mnt/t/new-dir/sub", true, false);
        CHECK(same_file(fd, "root/etc/new-dir/sub"));
        CHECK(access("/etc/new-dir", F_OK) < 0);
}

TEST(missing_file_is_created_empty) {
        char p[256];
        struct stat st;
        _cleanup_close_ int fd = resolve_in_root(rootfd, "/a/b/file", true, true);

        CHECK(same_file(fd, "root/a/b/file"));
        at(p, sizeof(p), "root/a/b/file");
        CHECK(stat(p, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0);
}

TEST(without_create_a_missing_path_is_enoent) {
        CHECK(resolve_in_root(rootfd, "/no/such/path", false, false) == -ENOENT);
        CHECK(!exists("root/no"));
}

static bool is_empty_file(const char *rel) {
        char p[256];
        struct stat st;

        at(p, sizeof(p), rel);
        return lstat(p, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0;
}

TEST(dangling_relative_symlink_target_is_created_where_it_points) {
        /* Ubuntu's /etc/resolv.conf: the link's directory is /etc. */
        _cleanup_close_ int fd = resolve_in_root(rootfd, "/etc/resolv.conf", true, true);

        CHECK(same_file(fd, "root/run/systemd/resolve/stub-resolv.conf"));
        CHECK(is_empty_file("root/run/systemd/resolve/stub-resolv.conf"));
        CHECK(!exists("run"));
        /* Now the link leads somewhere: the fast path finds the same file. */
        _cleanup_close_ int again = resolve_in_root(rootfd, "/etc/resolv.conf", true, true);
        CHECK(same_file(again, "root/run/systemd/resolve/stub-resolv.conf"));
}

TEST(dangling_relative_symlink_is_relative_to_its_real_directory) {
        /* /mnt/t -> /etc, so /mnt/t/rel is /etc/rel -> ../var/made: /var/made,
         * not /mnt/var/made. */
        _cleanup_close_ int fd = resolve_in_root(rootfd, "/mnt/t/rel/sub", true, false);

        CHECK(same_file(fd, "root/var/made/sub"));
        CHECK(!exists("root/mnt/var"));
}

TEST(dangling_absolute_symlink_target_is_created_inside_the_root) {
        _cleanup_close_ int fd = resolve_in_root(rootfd, "/mnt/d", true, false);

        CHECK(same_file(fd, "root/nonexistent/x"));
        CHECK(access("/nonexistent", F_OK) < 0);
}

TEST(dangling_symlink_climbing_above_the_root_stays_inside) {
        char p[256];
        _cleanup_close_ int fd = resolve_in_root(rootfd, "/mnt/up", true, true);

        CHECK(same_file(fd, "root/climbed/file"));
        CHECK(is_empty_file("root/climbed/file"));
        CHECK(!exists("climbed"));
        snprintf(p, sizeof(p), "%s/../climbed", base);
        CHECK(access(p, F_OK) < 0);
        CHECK(access("/climbed", F_OK) < 0);
}

TEST(dangling_symlink_chain_is_followed_to_its_end) {
        _cleanup_close_ int fd = resolve_in_root(rootfd, "/mnt/chain/below", true, false);
        CHECK(same_file(fd, "root/chained/end/below"));
}

TEST(dangling_symlink_is_not_followed_without_create) {
        CHECK(resolve_in_root(rootfd, "/mnt/never", false, true) == -ENOENT);
        CHECK(resolve_in_root(rootfd, "/mnt/never/below", false, false) == -ENOENT);
        CHECK(!exists("root/never"));
}

TEST(symlink_loop_is_eloop) {
        CHECK(resolve_in_root(rootfd, "/mnt/loop1", true, true) == -ELOOP);
        CHECK(resolve_in_root(rootfd, "/mnt/loop2/below", true, false) == -ELOOP);
        CHECK(resolve_in_root(rootfd, "/mnt/loop1", false, false) == -ELOOP);
}

TEST(symlink_to_an_outside_directory_stays_inside) {
        /* BASE/outside, read as a path in the root, is root/BASE/outside:
         * missing there, so it is made there, never in BASE/outside. */
        char rel[256];
        _cleanup_close_ int fd = resolve_in_root(rootfd, "/mnt/o/made", true, false);

        snprintf(rel, sizeof(rel), "root%s/outside/made", base);
        CHECK(same_file(fd, rel));
        CHECK(!exists("outside/made"));
}

TEST(trailing_slashes_and_dots_are_fine) {
        _cleanup_close_ int fd = resolve_in_root(rootfd, "/etc/./", false, false);
        CHECK(same_file(fd, "root/etc"));
        _cleanup_close_ int fd2 = resolve_in_root(rootfd, "/trail/dir/", true, false);
        CHECK(same_file(fd2, "root/trail/dir"));
}

TEST(nothing_is_created_inside_proc) {
        _cleanup_close_ int proc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
        CHECK(proc >= 0);
        CHECK(resolve_is_kernel_fs(proc));
        CHECK(!resolve_is_kernel_fs(rootfd));
        CHECK(resolve_in_root(proc, "/self/userbox-new-dir", true, false) == -EXDEV);
}

TEST(fd_path_names_the_fd) {
        char buf[RESOLVE_FD_PATH_MAX];
        CHECK_STREQ(resolve_fd_path(buf, 42), "/proc/self/fd/42");
}

int main(void) {
        static const struct unit_case cases[] = {
                UNIT(absolute_symlink_resolves_inside_the_root),
                UNIT(dotdot_symlink_resolves_inside_the_root),
                UNIT(missing_directories_are_created_through_symlinks_inside_the_root),
                UNIT(missing_file_is_created_empty),
                UNIT(without_create_a_missing_path_is_enoent),
                UNIT(dangling_relative_symlink_target_is_created_where_it_points),
                UNIT(dangling_relative_symlink_is_relative_to_its_real_directory),
                UNIT(dangling_absolute_symlink_target_is_created_inside_the_root),
                UNIT(dangling_symlink_is_not_followed_without_create),
                UNIT(dangling_symlink_climbing_above_the_root_stays_inside),
                UNIT(dangling_symlink_chain_is_followed_to_its_end),
                UNIT(symlink_loop_is_eloop),
                UNIT(symlink_to_an_outside_directory_stays_inside),
                UNIT(trailing_slashes_and_dots_are_fine),
                UNIT(nothing_is_created_inside_proc),
                UNIT(fd_path_names_the_fd),
        };
        char cmd[300];
        int r;

        setup();
        r = unit_main(cases, ELEMENTSOF(cases));
        close(rootfd);
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
        if (system(cmd) != 0)
                fprintf(stderr, "could not remove %s\n", base);
        return r;
}
