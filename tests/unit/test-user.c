/* SPDX-License-Identifier: Apache-2.0 */
/* User lookups in hostile roots: the image's /etc/passwd and /etc/group. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "security.h"
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

/* A root with these etc/passwd and etc/group (none when NULL). */
static char *make_root_with(const char *passwd, const char *group) {
        char *root = make_root();

        CHECK(root);
        if (root && passwd)
                write_in_root(root, "etc/passwd", passwd);
        if (root && group)
                write_in_root(root, "etc/group", group);
        return root;
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
        struct user_identity id;
};

/* own_uid is the uid that stands for the user's own identity; lookup()
 * passes one no entry has, so that every user gets the image's groups. */
static void lookup_as(const char *root, const char *spec, uid_t own_uid, struct lookup *l) {
        _cleanup_close_ int fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);

        *l = (struct lookup) { .id = { .uid = 4242, .gid = 4242 } };
        /* A FIFO must never block: fail loudly instead of hanging. Not a
         * timing test: the bound is far above any lookup on a busy machine. */
        alarm(60);
        l->r = user_resolve(fd, spec, own_uid, 77777, &l->id);
        alarm(0);
}

static void lookup(const char *root, const char *spec, struct lookup *l) {
        lookup_as(root, spec, 99999, l);
}

static void lookup_done(struct lookup *l) {
        user_identity_done(&l->id);
}

/* What user_resolve returns for spec, all else dropped. */
static int lookup_result(const char *root, const char *spec) {
        struct lookup l;

        lookup(root, spec, &l);
        lookup_done(&l);
        return l.r;
}

static bool has_group(const struct lookup *l, gid_t g) {
        for (size_t i = 0; i < l->id.n_groups; i++)
                if (l->id.groups[i] == g)
                        return true;
        return false;
}

TEST(user_found_by_name_with_groups) {
        char *root = make_root_with(passwd_text, group_text);
        struct lookup l;

        if (!root)
                return;

        lookup(root, "alice", &l);
        CHECK(l.r == 0 && l.id.uid == 1000 && l.id.gid == 1000);
        CHECK_STREQ(l.id.home, "/home/alice");
        CHECK(l.id.n_groups == 3 && has_group(&l, 1000) && has_group(&l, 10) && has_group(&l, 29));
        CHECK(!has_group(&l, 44));
        lookup_done(&l);

        lookup(root, "alice:video", &l);
        CHECK(l.r == 0 && l.id.uid == 1000 && l.id.gid == 44 && has_group(&l, 44));
        lookup_done(&l);

        lookup(root, "alice:7", &l);
        CHECK(l.r == 0 && l.id.uid == 1000 && l.id.gid == 7);
        lookup_done(&l);

        lookup(root, "nohome", &l);
        CHECK(l.r == 0 && l.id.uid == 1001 && l.id.home == NULL);
        lookup_done(&l);

        lookup(root, "root", &l);
        CHECK(l.r == 0 && l.id.uid == 0 && l.id.gid == 0 && has_group(&l, 10));
        CHECK_STREQ(l.id.home, "/root");
        lookup_done(&l);
        remove_root(root);
}

TEST(user_groups_listed_twice_count_once) {
        char *root = make_root_with(passwd_text,
                                    "wheel:x:10:alice\n"
                                    "wheel-again:x:10:alice,alice\n"
                                    "alice:x:1000:alice\n"
                                    "audio:x:29:alice\n");
        struct lookup l;

        if (!root)
                return;
        lookup(root, "alice", &l);
        CHECK(l.r == 0 && l.id.n_groups == 3);
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
        char *root = make_root_with(passwd_text, NULL);
        struct lookup l;

        CHECK(max > 0);
        if (!root || max <= 0)
                return;
        write_many_groups(root, (size_t) max - 1);
        lookup(root, "alice", &l);
        CHECK(l.r == 0 && l.id.n_groups == (size_t) max);
        CHECK(has_group(&l, 1000) && has_group(&l, 100000) && has_group(&l, (gid_t) (100000 + max - 2)));
        lookup_done(&l);

        write_many_groups(root, (size_t) max);
        lookup(root, "alice", &l);
        CHECK(l.r < 0 && l.id.groups == NULL);
        lookup_done(&l);
        remove_root(root);
}

/* The uid that is the user's own identity keeps the groups it has: the
 * image's /etc/group is not asked for them (and may be unreadable), but
 * still names the group of USER:GROUP. */
TEST(user_own_identity_keeps_its_groups) {
        char *root = make_root_with(passwd_text, group_text);
        struct lookup l;

        if (!root)
                return;
        lookup_as(root, "alice", 1000, &l);
        CHECK(l.r == 0 && l.id.uid == 1000 && l.id.gid == 1000 && !l.id.set_groups);
        CHECK(l.id.groups == NULL && l.id.n_groups == 0);
        CHECK_STREQ(l.id.home, "/home/alice");
        lookup_done(&l);
        lookup_as(root, "1000:video", 1000, &l);
        CHECK(l.r == 0 && l.id.gid == 44 && !l.id.set_groups);
        lookup_done(&l);
        /* Any other user, root included, gets exactly the image's. */
        lookup_as(root, "root", 1000, &l);
        CHECK(l.r == 0 && l.id.set_groups && l.id.n_groups == 2 && has_group(&l, 0) && has_group(&l, 10));
        lookup_done(&l);
        lookup_as(root, "1234", 1000, &l);
        CHECK(l.r == 0 && l.id.set_groups && l.id.n_groups == 0);
        lookup_done(&l);
        /* The own uid without an entry keeps the own gid, not its number. */
        lookup_as(root, "4321", 4321, &l);
        CHECK(l.r == 0 && l.id.uid == 4321 && l.id.gid == 77777 && !l.id.set_groups);
        lookup_done(&l);

        /* A group file the own identity does not need cannot stop it. */
        write_many_groups(root, (size_t) sysconf(_SC_NGROUPS_MAX));
        lookup_as(root, "alice", 1000, &l);
        CHECK(l.r == 0 && !l.id.set_groups);
        lookup_done(&l);
        remove_root(root);
}

TEST(user_numeric_with_and_without_entry) {
        char *root = make_root_with(NULL, NULL);
        struct lookup l;

        if (!root)
                return;
        /* No /etc/passwd at all: a UID still works, in group 0 as docker
         * runs it; a name does not. */
        lookup(root, "1234", &l);
        CHECK(l.r == 0 && l.id.uid == 1234 && l.id.gid == 0 && l.id.home == NULL && l.id.n_groups == 0);
        lookup_done(&l);
        CHECK(lookup_result(root, "alice") < 0);

        write_in_root(root, "etc/passwd", passwd_text);
        lookup(root, "1000", &l);
        CHECK(l.r == 0 && l.id.uid == 1000 && l.id.gid == 1000);
        CHECK_STREQ(l.id.home, "/home/alice");
        lookup_done(&l);
        lookup(root, "1234:55", &l);
        CHECK(l.r == 0 && l.id.uid == 1234 && l.id.gid == 55 && l.id.n_groups == 0);
        lookup_done(&l);
        remove_root(root);
}

TEST(user_bad_specs_and_unknown_names) {
        const char *bad[] = { "", ":", "alice:", ":5", "99999999999", "4294967295", "1x", "a\nb",
                              "bob", "alice:nosuchgroup" };
        char *root = make_root_with(passwd_text, group_text);
        struct lookup l;

        if (!root)
                return;
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                lookup(root, bad[i], &l);
                if (l.r >= 0)
                        fprintf(stderr, "  accepted: '%s'\n", bad[i]);
                CHECK(l.r < 0);
                CHECK(l.id.uid == 4242 && l.id.home == NULL && l.id.groups == NULL);
                lookup_done(&l);
        }
        /* "minus" has uid 4294967295 (the "unchanged" value): not an entry. */
        CHECK(lookup_result(root, "minus") < 0);
        remove_root(root);
}

TEST(user_passwd_fifo_fails_without_blocking) {
        char *root = make_root();
        _cleanup_free_ char *p = root ? path_join(root, "etc/passwd") : NULL;

        CHECK(p && mkfifo(p, 0644) == 0);
        CHECK(lookup_result(root, "alice") < 0);
        CHECK(lookup_result(root, "1000") < 0);
        remove_root(root);
}

TEST(user_passwd_directory_or_device_is_refused) {
        char *root = make_root();
        _cleanup_free_ char *p = root ? path_join(root, "etc/passwd") : NULL;
        struct lookup l;

        CHECK(p && mkdir(p, 0755) == 0);
        CHECK(lookup_result(root, "alice") < 0);
        CHECK(p && rmdir(p) == 0 && symlink("/dev/null", p) == 0);
        /* In the root there is no /dev/null: the link cannot reach the host's
         * device, so there is no passwd file at all. */
        CHECK(lookup_result(root, "root") == -ENOENT);
        lookup(root, "0", &l);
        CHECK(l.r == 0 && l.id.uid == 0 && l.id.home == NULL);
        lookup_done(&l);
        remove_root(root);
}

TEST(user_passwd_symlink_stays_in_root) {
        char *root = make_root();
        _cleanup_free_ char *p = root ? path_join(root, "etc/passwd") : NULL;
        struct lookup l;

        CHECK(p && symlink("/etc/shadow", p) == 0);
        /* Without an etc/shadow in the root the link leads nowhere. */
        CHECK(lookup_result(root, "root") < 0);

        /* With one, it is that file that is read, never the host's. */
        write_in_root(root, "etc/shadow", "mallory:x:77:78::/m:/bin/sh\n");
        lookup(root, "mallory", &l);
        CHECK(l.r == 0 && l.id.uid == 77 && l.id.gid == 78);
        lookup_done(&l);
        CHECK(lookup_result(root, "root") < 0);

        CHECK(unlink(p) == 0 && symlink("../../../../../../../etc/shadow", p) == 0);
        lookup(root, "mallory", &l);
        CHECK(l.r == 0 && l.id.uid == 77);
        lookup_done(&l);
        remove_root(root);
}

TEST(user_passwd_oversize_is_refused) {
        char *root = make_root();
        _cleanup_free_ char *p = root ? path_join(root, "etc/passwd") : NULL;
        _cleanup_close_ int fd = p ? open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0644) : -1;

        CHECK(fd >= 0);
        /* 100 MB, sparse: the size alone must be enough to refuse it. */
        CHECK(write(fd, passwd_text, strlen(passwd_text)) > 0);
        CHECK(ftruncate(fd, 100 * 1024 * 1024) == 0);
        CHECK(lookup_result(root, "alice") == -EFBIG);
        remove_root(root);
}

/* The one grammar of User=, which the profile, the check before clone and
 * user_resolve() share: NAME or UID, then :GROUP or :GID. */
TEST(user_spec_names_ids_and_groups) {
        const char *bad[] = { "", ":", "alice:", ":5", "1x", "4294967295", "a b", "a\nb", "alice:1:2",
                              "x23456789012345678901234567890123" };
        struct user_spec u = {};

        CHECK(user_spec_parse("alice", &u) == 0);
        CHECK(!u.numeric_user && !u.group && u.gid == UINT32_MAX);
        CHECK_STREQ(u.user, "alice");
        user_spec_done(&u);
        CHECK(user_spec_parse("1000:100", &u) == 0);
        CHECK(u.numeric_user && u.uid == 1000 && u.numeric_group && u.gid == 100);
        user_spec_done(&u);
        CHECK(user_spec_parse("1000:video", &u) == 0);
        CHECK(u.numeric_user && !u.numeric_group && u.gid == UINT32_MAX);
        CHECK_STREQ(u.group, "video");
        user_spec_done(&u);
        CHECK(user_spec_parse("_apt$", &u) == 0);
        user_spec_done(&u);
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                if (user_spec_parse(bad[i], &u) == 0)
                        fprintf(stderr, "  accepted: '%s'\n", bad[i]);
                CHECK(u.user == NULL);
                user_spec_done(&u);
        }
}

int main(void) {
        static const struct unit_case cases[] = {
                UNIT(user_found_by_name_with_groups),
                UNIT(user_groups_listed_twice_count_once),
                UNIT(user_in_more_groups_than_the_kernel_allows_is_refused),
                UNIT(user_own_identity_keeps_its_groups),
                UNIT(user_numeric_with_and_without_entry),
                UNIT(user_bad_specs_and_unknown_names),
                UNIT(user_spec_names_ids_and_groups),
                UNIT(user_passwd_fifo_fails_without_blocking),
                UNIT(user_passwd_directory_or_device_is_refused),
                UNIT(user_passwd_symlink_stays_in_root),
                UNIT(user_passwd_oversize_is_refused),
        };
        return unit_main(cases, ELEMENTSOF(cases));
}
