/* SPDX-License-Identifier: Apache-2.0 */
/* The profile an import writes from an image's config: what the profile
 * parser reads back from it, and what it leaves out. */
#include <unistd.h>

#include "unit.h"
#include "image.h"
#include "profile.h"
#include "util.h"

/* text loaded back as a profile file into c (config_init()ed). */
static int load_text(const char *text, struct config *c) {
        char path[] = "/tmp/userbox-unit-image-XXXXXX.ini";
        int fd = mkstemps(path, 4), r;

        if (fd < 0)
                return -errno;
        r = write(fd, text, strlen(text)) == (ssize_t) strlen(text) ? 0 : -EIO;
        close(fd);
        config_init(c);
        if (r >= 0)
                r = profile_load(c, path, false);
        unlink(path);
        return r;
}

static bool env_has(const struct config *c, const char *entry) {
        return strv_contains(c->env_set, entry);
}

TEST(test_image_config_becomes_the_keys_run_reads) {
        const char *json = "{\"architecture\":\"amd64\",\"config\":{"
                           "\"Entrypoint\":[\"/bin/tini\",\"--\"],"
                           "\"Cmd\":[\"sh\",\"-c\",\"echo 'a b' \\\"$HOME\\\"\"],"
                           "\"Env\":[\"PATH=/usr/local/bin:/usr/bin:/bin\",\"GREETING=hello world\",\"EMPTY=\"],"
                           "\"WorkingDir\":\"/srv/app\",\"User\":\"1000:100\"}}";
        _cleanup_free_ char *text = NULL;
        struct config c;

        CHECK(image_profile_text("app", "/store/app/rootfs", json, "/tmp/app.tar", "sha256:abc", &text) == 0);
        CHECK(text && strstr(text, "Root=/store/app/rootfs\n"));
        CHECK(load_text(text, &c) == 0);
        CHECK_STREQ(c.root, "/store/app/rootfs");
        CHECK(strv_length(c.entrypoint) == 2);
        CHECK_STREQ(c.entrypoint ? c.entrypoint[0] : NULL, "/bin/tini");
        CHECK_STREQ(c.entrypoint ? c.entrypoint[1] : NULL, "--");
        CHECK(strv_length(c.command) == 3);
        CHECK_STREQ(c.command ? c.command[2] : NULL, "echo 'a b' \"$HOME\"");
        CHECK_STREQ(c.working_directory, "/srv/app");
        CHECK_STREQ(c.user, "1000:100");
        CHECK(env_has(&c, "PATH=/usr/local/bin:/usr/bin:/bin"));
        CHECK(env_has(&c, "GREETING=hello world"));
        CHECK(env_has(&c, "EMPTY="));
        CHECK(c.description && strstr(c.description, "/tmp/app.tar") && strstr(c.description, "sha256:abc"));
        config_done(&c);
}

/* Values a profile line would read differently are left out, not
 * changed: a comment cut, blanks stripped, a reserved key. */
TEST(test_image_values_a_profile_cannot_hold_are_left_out) {
        const char *json = "{\"config\":{\"Env\":[\"CUT=a ;b\",\"LEAD= x\",\"Clear=yes\",\"NOEQUALS\","
                           "\"OK=1\",\"NL=a\\nb\"],\"WorkingDir\":\"relative\",\"Cmd\":[]}}";
        _cleanup_free_ char *text = NULL;
        struct config c;

        CHECK(image_profile_text("x", "/r", json, "src", NULL, &text) == 0);
        CHECK(text && !strstr(text, "CUT=") && !strstr(text, "LEAD=") && !strstr(text, "Clear=") &&
              !strstr(text, "NL=") && !strstr(text, "WorkingDirectory=") && !strstr(text, "Command="));
        CHECK(load_text(text, &c) == 0);
        CHECK(env_has(&c, "OK=1"));
        CHECK(strv_length(c.env_set) == 1);
        CHECK(!c.command && !c.entrypoint);
        config_done(&c);
}

/* A plain root tar has no config; a config without "config" says nothing
 * of how the image runs. */
TEST(test_image_without_config_gets_a_root_only) {
        _cleanup_free_ char *a = NULL, *b = NULL;
        struct config c;

        CHECK(image_profile_text("r", "/r/rootfs", NULL, "/x/r.tar", NULL, &a) == 0);
        CHECK(image_profile_text("r", "/r/rootfs", "{\"config\":null}", "/x/r.tar", NULL, &b) == 0);
        CHECK(load_text(a, &c) == 0);
        CHECK_STREQ(c.root, "/r/rootfs");
        CHECK(!c.command && !c.entrypoint && !c.env_set);
        config_done(&c);
        CHECK(b && strstr(b, "Root=/r/rootfs"));
}

TEST(test_image_config_not_json_is_refused) {
        char *text = NULL;
        CHECK(image_profile_text("r", "/r", "{\"config\":", "s", NULL, &text) < 0);
        CHECK(image_profile_text("r", "/r", "[1]", "s", NULL, &text) < 0);
        CHECK(text == NULL);
}

int main(void) {
        static const struct unit_case cases[] = {
                UNIT(test_image_config_becomes_the_keys_run_reads),
                UNIT(test_image_values_a_profile_cannot_hold_are_left_out),
                UNIT(test_image_without_config_gets_a_root_only),
                UNIT(test_image_config_not_json_is_refused),
        };
        return unit_main(cases, ELEMENTSOF(cases));
}
