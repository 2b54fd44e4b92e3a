/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <stdint.h>

#include "unit.h"
#include "profile.h"
#include "util.h"

TEST(parse_numbers_refuse_signs_blanks_and_overflow) {
        uint64_t v;
        uint32_t w;
        CHECK(parse_uint64("42", &v) == 0 && v == 42);
        CHECK(parse_uint64("-1", &v) == -EINVAL);
        CHECK(parse_uint64(" 1", &v) == -EINVAL);
        CHECK(parse_uint64("1x", &v) == -EINVAL);
        CHECK(parse_uint64("", &v) == -EINVAL);
        CHECK(parse_uint64("99999999999999999999999", &v) == -ERANGE);
        CHECK(parse_uint32("4294967295", &w) == 0 && w == UINT32_MAX);
        CHECK(parse_uint32("4294967296", &w) == -ERANGE);
}

TEST(parse_boolean_accepts_the_documented_words) {
        CHECK(parse_boolean("yes") == 1);
        CHECK(parse_boolean("On") == 1);
        CHECK(parse_boolean("1") == 1);
        CHECK(parse_boolean("TRUE") == 1);
        CHECK(parse_boolean("no") == 0);
        CHECK(parse_boolean("off") == 0);
        CHECK(parse_boolean("false") == 0);
        CHECK(parse_boolean("0") == 0);
        CHECK(parse_boolean("maybe") == -EINVAL);
        CHECK(parse_boolean("") == -EINVAL);
}

TEST(parse_size_units_and_overflow) {
        uint64_t v;
        CHECK(parse_size("512", &v) == 0 && v == 512);
        CHECK(parse_size("64K", &v) == 0 && v == 65536);
        CHECK(parse_size("512M", &v) == 0 && v == 512ull << 20);
        CHECK(parse_size("2g", &v) == 0 && v == 2ull << 30);
        CHECK(parse_size("M", &v) == -EINVAL);
        CHECK(parse_size("17179869184T", &v) == -ERANGE);
        CHECK(parse_size("1.5G", &v) == -EINVAL);
}

TEST(path_simplify_folds_slashes_and_dots_but_keeps_dotdot) {
        char a[] = "//a///b/./c/";
        char b[] = "/";
        char c[] = "/./";
        char d[] = "/a/../b";
        char e[] = "a/./b";
        CHECK_STREQ(path_simplify(a), "/a/b/c");
        CHECK_STREQ(path_simplify(b), "/");
        CHECK_STREQ(path_simplify(c), "/");
        CHECK_STREQ(path_simplify(d), "/a/../b");
        CHECK_STREQ(path_simplify(e), "a/b");
}

TEST(path_drop_dotdot_takes_away_the_component_before) {
        char a[] = "/a/b/../c";
        char b[] = "/a/..";
        char c[] = "/../../x";
        char d[] = "/a/b/c/../../d/..";
        char e[] = "/plain/path";
        CHECK_STREQ(path_drop_dotdot(a), "/a/c");
        CHECK_STREQ(path_drop_dotdot(b), "/");
        CHECK_STREQ(path_drop_dotdot(c), "/x");
        CHECK_STREQ(path_drop_dotdot(d), "/a");
        CHECK_STREQ(path_drop_dotdot(e), "/plain/path");
}

TEST(path_join_and_dotdot_detection) {
        char *j = path_join("/root/", "/etc/passwd");
        CHECK_STREQ(j, "/root/etc/passwd");
        free(j);
        CHECK(path_has_dotdot("/a/../b"));
        CHECK(path_has_dotdot(".."));
        CHECK(!path_has_dotdot("/a/..b/c"));
        CHECK(!path_has_dotdot("/a/b.."));
        CHECK_STREQ(path_basename("/x/y/debian"), "debian");
        CHECK(path_is_absolute("/x") && !path_is_absolute("x"));
}

TEST(split_command_line_quotes_like_a_shell) {
        char **v = NULL;
        CHECK(split_command_line("/bin/bash -l", &v) == 0);
        CHECK(strv_length(v) == 2);
        CHECK_STREQ(v[1], "-l");
        strv_free(v);
        v = NULL;
        CHECK(split_command_line("sh -c 'echo \"a b\"' \"x y\" z\\ w", &v) == 0);
        CHECK(strv_length(v) == 5);
        if (strv_length(v) == 5) {
                CHECK_STREQ(v[2], "echo \"a b\"");
                CHECK_STREQ(v[3], "x y");
                CHECK_STREQ(v[4], "z w");
        }
        strv_free(v);
        v = NULL;
        CHECK(split_command_line("sh -c 'unterminated", &v) == -EINVAL);
        CHECK(v == NULL);
        CHECK(split_command_line("   ", &v) == 0 && strv_length(v) == 0);
        strv_free(v);
}

/* $'...' is the one way a profile line says a newline (an image's sh -c
 * script): split reads bash's escapes, and what profile_quote_command
 * writes splits back to the same words. */
TEST(split_command_line_reads_ansi_c_quotes_and_quote_command_writes_them) {
        char *const words[] = { "sh", "-c", "echo one\necho \"two\" 'x' ;y\tz\\", NULL };
        _cleanup_free_ char *line = profile_quote_command(words);
        char **v = NULL;

        CHECK(split_command_line("a $'b\\nc' d", &v) == 0);
        CHECK(strv_length(v) == 3);
        if (strv_length(v) == 3)
                CHECK_STREQ(v[1], "b\nc");
        strv_free(v);
        v = NULL;
        CHECK(split_command_line("$'bad\\q'", &v) == -EINVAL);
        CHECK(split_command_line("$'open", &v) == -EINVAL);
        CHECK(line && !string_has_cc(line) && !strstr(line, " ;"));
        CHECK(line && split_command_line(line, &v) == 0);
        CHECK(strv_length(v) == 3);
        if (strv_length(v) == 3)
                CHECK_STREQ(v[2], words[2]);
        strv_free(v);
}

TEST(strv_helpers) {
        char **l = NULL, **c;
        CHECK(strv_extend(&l, "a") == 0);
        CHECK(strv_extend(&l, "b") == 0);
        CHECK(strv_length(l) == 2);
        CHECK(strv_contains(l, "b") && !strv_contains(l, "c"));
        c = strv_copy(l);
        CHECK(strv_length(c) == 2);
        strv_free(l);
        strv_free(c);
}

TEST(read_full_fd_caps_the_size) {
        int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
        char *s = NULL;
        CHECK(fd >= 0);
        CHECK(read_full_fd(fd, 16, &s, NULL) == -EFBIG);
        CHECK(s == NULL);
        close(fd);
        fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
        CHECK(read_full_fd(fd, 1 << 20, &s, NULL) == 0 && s && strstr(s, "Uid:"));
        free(s);
        close(fd);
}

TEST(control_characters_and_distance) {
        CHECK(string_has_cc("a\nb"));
        CHECK(string_has_cc("a\x1b[0m"));
        CHECK(!string_has_cc("a\tb c"));
        CHECK(string_distance("Hostnme", "Hostname") == 1);
        CHECK(string_distance("hostname", "Hostname") == 0);
        CHECK(string_distance("abc", "xyz") == 3);
        CHECK(string_distance("rnu", "run") == 1);
        CHECK(string_distance("debain", "debian") == 1);
        CHECK(string_distance("", "run") == 3);
        {
                const char *const names[] = { "run", "config", NULL, "profiles" };
                CHECK(streq_ptr(string_closest("rnu", names, 4), "run"));
                CHECK(streq_ptr(string_closest("profils", names, 4), "profiles"));
                CHECK(string_closest("frobnicate", names, 4) == NULL);
                CHECK(string_closest("nope", (const char *const[]) { "base" }, 1) == NULL);
        }
}

int main(void) {
        static const struct unit_case cases[] = {
                UNIT(parse_numbers_refuse_signs_blanks_and_overflow),
                UNIT(parse_boolean_accepts_the_documented_words),
                UNIT(parse_size_units_and_overflow),
                UNIT(path_simplify_folds_slashes_and_dots_but_keeps_dotdot),
                UNIT(path_drop_dotdot_takes_away_the_component_before),
                UNIT(path_join_and_dotdot_detection),
                UNIT(split_command_line_quotes_like_a_shell),
                UNIT(split_command_line_reads_ansi_c_quotes_and_quote_command_writes_them),
                UNIT(strv_helpers),
                UNIT(read_full_fd_caps_the_size),
                UNIT(control_characters_and_distance),
        };
        return unit_main(cases, ELEMENTSOF(cases));
}
