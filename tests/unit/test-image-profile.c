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
        _cleanup_free_ char *text = NULL, *env = NULL;
        struct config c;

        CHECK(image_profile_text("app", "/store/app/rootfs", "/store/app/env", json, "/tmp/app.tar", "sha256:abc",
                                 &text, &env) == 0);
        CHECK(text && strstr(text, "Root=/store/app/rootfs\n"));
        CHECK(env == NULL && !strstr(text, "File="));
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
        CHECK(c.description && strstr(c.description, "/tmp/app.tar"));
        CHECK(strstr(text, "\n; digest sha256:abc\n"));
        config_done(&c);
}

/* Values a profile line would read differently (a comment cut, blanks
 * stripped, a reserved name, a value longer than a line) go to the env
 * file File= reads, unchanged; what no file line holds either (a newline)
 * and what is no variable are left out. */
TEST(test_image_values_a_profile_line_cannot_hold_go_to_its_env_file) {
        char long_entry[400] = "LONG=";
        char json[1024];
        _cleanup_free_ char *text = NULL, *env = NULL;
        char path[] = "/tmp/userbox-unit-image-env-XXXXXX";
        struct config c;
        int fd;

        memset(long_entry + 5, 'K', 300);
        long_entry[305] = '\0';
        fd = mkstemp(path);
        CHECK(fd >= 0);
        snprintf(json, sizeof(json), "{\"config\":{\"Env\":[\"CUT=a ;b\",\"LEAD= x\",\"Clear=yes\",\"NOEQUALS\","
                 "\"OK=1\",\"NL=a\\nb\",\"%s\"],\"WorkingDir\":\"relative\",\"Cmd\":[]}}", long_entry);
        CHECK(image_profile_text("x", "/r", path, json, "src", NULL, &text, &env) == 0);
        CHECK(text && !strstr(text, "CUT=") && !strstr(text, "LEAD=") && !strstr(text, "Clear=") &&
              !strstr(text, "NL=") && !strstr(text, "LONG=") && !strstr(text, "WorkingDirectory=") &&
              !strstr(text, "Command="));
        CHECK(text && strstr(text, "\nFile=/tmp/userbox-unit-image-env-"));
        CHECK(env && write(fd, env, strlen(env)) == (ssize_t) strlen(env));
        close(fd);
        CHECK(load_text(text, &c) == 0);
        unlink(path);
        CHECK(env_has(&c, "OK=1"));
        CHECK(env_has(&c, "CUT=a ;b"));
        CHECK(env_has(&c, "LEAD= x"));
        CHECK(env_has(&c, "Clear=yes"));
        CHECK(env_has(&c, long_entry));
        CHECK(strv_length(c.env_set) == 5);
        CHECK(!c.command && !c.entrypoint);
        config_done(&c);
}

/* A plain root tar has no config; a config without "config" says nothing
 * of how the image runs. */
TEST(test_image_without_config_gets_a_root_only) {
        _cleanup_free_ char *a = NULL, *b = NULL, *env_a = NULL, *env_b = NULL;
        struct config c;

        CHECK(image_profile_text("r", "/r/rootfs", "/r/env", NULL, "/x/r.tar", NULL, &a, &env_a) == 0);
        CHECK(image_profile_text("r", "/r/rootfs", "/r/env", "{\"config\":null}", "/x/r.tar", NULL, &b, &env_b) == 0);
        CHECK(!env_a && !env_b);
        CHECK(load_text(a, &c) == 0);
        CHECK_STREQ(c.root, "/r/rootfs");
        CHECK(!c.command && !c.entrypoint && !c.env_set);
        config_done(&c);
        CHECK(b && strstr(b, "Root=/r/rootfs"));
}

TEST(test_image_config_not_json_is_refused) {
        char *text = NULL, *env = NULL;
        CHECK(image_profile_text("r", "/r", "/env", "{\"config\":", "s", NULL, &text, &env) < 0);
        CHECK(image_profile_text("r", "/r", "/env", "[1]", "s", NULL, &text, &env) < 0);
        CHECK(text == NULL && env == NULL);
}

int main(void) {
        static const struct unit_case cases[] = {
                UNIT(test_image_config_becomes_the_keys_run_reads),
                UNIT(test_image_values_a_profile_line_cannot_hold_go_to_its_env_file),
                UNIT(test_image_without_config_gets_a_root_only),
                UNIT(test_image_config_not_json_is_refused),
        };
        return unit_main(cases, ELEMENTSOF(cases));
}
