/* SPDX-License-Identifier: Apache-2.0 */
/* User lookups in hostile roots: the image's /etc/passwd and /etc/group. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "user.h"
#include "util.h"

static char *make_root(void) {
        char tmpl[] = "/tmp/test-user.XXXXXX";
        char *dir = mkdtemp(tmpl) ? strdup(tmpl) : NULL;
        _cleanup_free_ char *etc = dir ? path_join(dir, "etc") : NULL;

        if (!etc || mkdir(etc, 0755) < 0) {
                free(dir);
                return NULL;
        }
        return dir;
}

static void remove_root(char *dir) {
        char cmd[512];

        if (!dir)
                return;
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        CHECK(system(cmd) == 0);
        free(dir);
}

static void write_in_root(const char *root, const char *rel, const char *content) {
        _cleanup_free_ char *p = path_join(root, rel);
        _cleanup_close_ int fd = p ? open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) : -1;

        CHECK(fd >= 0 && write(fd, content, strlen(content)) == (ssize_t) strlen(content));
}

static const char passwd_text[] =
        "root:x:0:0:root:/root:/bin/sh\n"
        "# a comment\n"
        "broken line\n"
        "bad:x:notanumber:1::/:/bin/sh\n"
        "minus:x:4294967295:1::/:/bin/sh\n"
        "alice:x:1000:1000:Alice:/home/alice:/bin/sh\n"
        "nohome:x:1001:1001:::/bin/sh\n";

static const char group_text[] =
        "root:x:0:\n"
        "wheel:x:10:root,alice\n"
        "audio:x:29:bob,alice\n"
        "alice:x:1000:\n"
        "video:x:44:bob\n";

struct lookup {
        int r;
        uid_t uid;
        gid_t gid;
        char *home;
        gid_t *groups;
        size_t n_groups;
};

static void lookup(const char *root, const char *spec, struct lookup *l) {
        _cleanup_close_ int fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);

        *l = (struct lookup) { .uid = 4242, .gid = 4242 };
        alarm(5); /* a FIFO must never block: fail loudly instead of hanging */
        l->r = user_resolve(fd, spec, &l->uid, &l->gid, &l->home, &l->groups, &l->n_groups);
        alarm(0);
}

static void lookup_done(struct lookup *l) {
        free(l->home);
        free(l->groups);
}

static bool has_group(const struct lookup *l, gid_t g) {
        for (size_t i = 0; i < l->n_groups; i++)
                if (l->groups[i] == g)
                        return true;
        return false;
}

TEST(user_found_by_name_with_groups) {
        char *root = make_root();
        struct lookup l;

        CHECK(root);
        if (!root)
                return;
        write_in_root(root, "etc/passwd", passwd_text);
        write_in_root(root, "etc/group", group_text);

        lookup(root, "alice", &l);
        CHECK(l.r == 0 && l.uid == 1000 && l.gid == 1000);
        CHECK_STREQ(l.home, "/home/alice");
        CHECK(l.n_groups == 3 && has_group(&l, 1000) && has_group(&l, 10) && has_group(&l, 29));
        CHECK(!has_group(&l, 44));
        lookup_done(&l);

        lookup(root, "alice:video", &l);
        CHECK(l.r == 0 && l.uid == 1000 && l.gid == 44 && has_group(&l, 44));
        lookup_done(&l);

        lookup(root, "alice:7", &l);
        CHECK(l.r == 0 && l.uid == 1000 && l.gid == 7);
        lookup_done(&l);

        lookup(root, "nohome", &l);
        CHECK(l.r == 0 && l.uid == 1001 && l.home == NULL);
        lookup_done(&l);

        lookup(root, "root", &l);
        CHECK(l.r == 0 && l.uid == 0 && l.gid == 0 && has_group(&l, 10));
        CHECK_STREQ(l.home, "/root");
        lookup_done(&l);
        remove_root(root);
}

TEST(user_groups_listed_twice_count_once) {
        char *root = make_root();
        struct lookup l;

        CHECK(root);
        if (!root)
                return;
        write_in_root(root, "etc/passwd", passwd_text);
        write_in_root(root, "etc/group",
                      "wheel:x:10:alice\n"
                      "wheel-again:x:10:alice,alice\n"
                      "alice:x:1000:alice\n"
                      "audio:x:29:alice\n");
        lookup(root, "alice", &l);
        CHECK(l.r == 0 && l.n_groups == 3);
        CHECK(has_group(&l, 10) && has_group(&l, 29) && has_group(&l, 1000));
        lookup_done(&l);
        remove_root(root);
}

/* Writes an /etc/group listing alice in n groups besides her primary one
 * (gid 1000), one line each, in gids from 100000 up. */
static void write_many_groups(const char *root, size_t n) {
        _cleanup_free_ char *p = path_join(root, "etc/group");
        _cleanup_fclose_ FILE *f = p ? fopen(p, "we") : NULL;

        CHECK(f);
        if (!f)
                return;
        for (size_t i = 0; i < n; i++)
                fprintf(f, "g%zu:x:%zu:alice\n", i, 100000 + i);
}

/* The kernel's limit, exactly: at it the user gets every group (and the
 * reading, linear, is done well within the alarm of lookup()); one more
 * is an error rather than an EINVAL from setgroups at the last step. */
TEST(user_in_more_groups_than_the_kernel_allows_is_refused) {
        long max = sysconf(_SC_NGROUPS_MAX);
        char *root = make_root();
        struct lookup l;

        CHECK(root && max > 0);
        if (!root || max <= 0)
                return;
        write_in_root(root, "etc/passwd", passwd_text);
        write_many_groups(root, (size_t) max - 1);
        lookup(root, "alice", &l);
        CHECK(l.r == 0 && l.n_groups == (size_t) max);
        CHECK(has_group(&l, 1000) && has_group(&l, 100000) && has_group(&l, (gid_t) (100000 + max - 2)));
        lookup_done(&l);

        write_many_groups(root, (size_t) max);
        lookup(root, "alice", &l);
        CHECK(l.r < 0 && l.groups == NULL);
        lookup_done(&l);
        remove_root(root);
}

TEST(user_numeric_with_and_without_entry) {
        char *root = make_root();
        struct lookup l;

        CHECK(root);
        if (!root)
                return;
        /* No /etc/passwd at all: a UID still works, a name does not. */
        lookup(root, "1234", &l);
        CHECK(l.r == 0 && l.uid == 1234 && l.gid == 1234 && l.home == NULL && l.n_groups == 0);
        lookup_done(&l);
        lookup(root, "alice", &l);
        CHECK(l.r < 0);
        lookup_done(&l);

        write_in_root(root, "etc/passwd", passwd_text);
        lookup(root, "1000", &l);
        CHECK(l.r == 0 && l.uid == 1000 && l.gid == 1000);
        CHECK_STREQ(l.home, "/home/alice");
        lookup_done(&l);
        lookup(root, "1234:55", &l);
        CHECK(l.r == 0 && l.uid == 1234 && l.gid == 55 && l.n_groups == 0);
        lookup_done(&l);
        remove_root(root);
}

TEST(user_bad_specs_and_unknown_names) {
        const char *bad[] = { "", ":", "alice:", ":5", "99999999999", "4294967295", "1x", "a\nb",
                              "bob", "alice:nosuchgroup" };
        char *root = make_root();
        struct lookup l;

        CHECK(root);
        if (!root)
                return;
        write_in_root(root, "etc/passwd", passwd_text);
        write_in_root(root, "etc/group", group_text);
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                lookup(root, bad[i], &l);
                if (l.r >= 0)
                        fprintf(stderr, "  accepted: '%s'\n", bad[i]);
                CHECK(l.r < 0);
                CHECK(l.uid == 4242 && l.home == NULL && l.groups == NULL);
                lookup_done(&l);
        }
        /* "minus" has uid 4294967295 (the "unchanged" value): not an entry. */
        lookup(root, "minus", &l);
        CHECK(l.r < 0);
        lookup_done(&l);
        remove_root(root);
}

TEST(user_passwd_fifo_fails_without_blocking) {
        char *root = make_root();
        _cleanup_free_ char *p = root ? path_join(root, "etc/passwd") : NULL;
        struct lookup l;

        CHECK(p && mkfifo(p, 0644) == 0);
        lookup(root, "alice", &l);
        CHECK(l.r < 0);
        lookup_done(&l);
        lookup(root, "1000", &l);
        CHECK(l.r < 0);
        lookup_done(&l);
        remove_root(root);
}

TEST(user_passwd_directory_or_device_is_refused) {
        char *root = make_root();
        _cleanup_free_ char *p = root ? path_join(root, "etc/passwd") : NULL;
        struct lookup l;

        CHECK(p && mkdir(p, 0755) == 0);
        lookup(root, "alice", &l);
        CHECK(l.r < 0);
        lookup_done(&l);
        CHECK(p && rmdir(p) == 0 && symlink("/dev/null", p) == 0);
        /* In the root there is no /dev/null: the link cannot reach the host's
         * device, so there is no passwd file at all. */
        lookup(root, "root", &l);
        CHECK(l.r == -ENOENT);
        lookup_done(&l);
        lookup(root, "0", &l);
        CHECK(l.r == 0 && l.uid == 0 && l.home == NULL);
        lookup_done(&l);
        remove_root(root);
}

TEST(user_passwd_symlink_stays_in_root) {
        char *root = make_root();
        _cleanup_free_ char *p = root ? path_join(root, "etc/passwd") : NULL;
        struct lookup l;

        CHECK(p && symlink("/etc/shadow", p) == 0);
        /* Without an etc/shadow in the root the link leads nowhere. */
        lookup(root, "root", &l);
        CHECK(l.r < 0);
        lookup_done(&l);

        /* With one, it is that file that is read, never the host's. */
        write_in_root(root, "etc/shadow", "mallory:x:77:78::/m:/bin/sh\n");
        lookup(root, "mallory", &l);
        CHECK(l.r == 0 && l.uid == 77 && l.gid == 78);
        lookup_done(&l);
        lookup(root, "root", &l);
        CHECK(l.r < 0);
        lookup_done(&l);

        CHECK(unlink(p) == 0 && symlink("../../../../../../../etc/shadow", p) == 0);
        lookup(root, "mallory", &l);
        CHECK(l.r == 0 && l.uid == 77);
        lookup_done(&l);
        remove_root(root);
}

TEST(user_passwd_oversize_is_refused) {
        char *root = make_root();
        _cleanup_free_ char *p = root ? path_join(root, "etc/passwd") : NULL;
        _cleanup_close_ int fd = p ? open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0644) : -1;
        struct lookup l;

        CHECK(fd >= 0);
        /* 100 MB, sparse: the size alone must be enough to refuse it. */
        CHECK(write(fd, passwd_text, strlen(passwd_text)) > 0);
        CHECK(ftruncate(fd, 100 * 1024 * 1024) == 0);
        lookup(root, "alice", &l);
        CHECK(l.r == -EFBIG);
        lookup_done(&l);
        remove_root(root);
}

int main(void) {
        static const struct unit_case cases[] = {
                UNIT(user_found_by_name_with_groups),
                UNIT(user_groups_listed_twice_count_once),
                UNIT(user_in_more_groups_than_the_kernel_allows_is_refused),
                UNIT(user_numeric_with_and_without_entry),
                UNIT(user_bad_specs_and_unknown_names),
                UNIT(user_passwd_fifo_fails_without_blocking),
                UNIT(user_passwd_directory_or_device_is_refused),
                UNIT(user_passwd_symlink_stays_in_root),
                UNIT(user_passwd_oversize_is_refused),
        };
        return unit_main(cases, ELEMENTSOF(cases));
}
