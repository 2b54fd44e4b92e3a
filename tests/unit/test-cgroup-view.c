/* SPDX-License-Identifier: Apache-2.0 */
/* The plan of /sys/fs/cgroup inside a container with a cgroup of its own
 * (mounts-cgroup.c), from /proc/self/cgroup: the usual layout's names. */
#include <errno.h>

#include "fs.h"
#include "unit.h"
#include "util.h"

TEST(hybrid_host_gets_a_directory_per_v1_hierarchy_and_unified) {
        char text[] = "9:name=systemd:/\n8:pids:/\n4:memory:/\n1:cpu,cpuacct:/\n0::/\n";
        struct cgroup_view v;

        CHECK(cgroup_view_plan(text, &v) == 0);
        CHECK(v.n == 5);
        if (v.n != 5)
                return;
        CHECK_STREQ(v.hierarchies[0].directory, "systemd");
        CHECK_STREQ(v.hierarchies[0].field, "name=systemd");
        CHECK_STREQ(v.hierarchies[1].directory, "pids");
        CHECK_STREQ(v.hierarchies[2].directory, "memory");
        CHECK_STREQ(v.hierarchies[3].directory, "cpu,cpuacct");
        CHECK_STREQ(v.hierarchies[3].field, "cpu,cpuacct");
        CHECK_STREQ(v.hierarchies[4].directory, "unified");
        CHECK(v.hierarchies[4].unified && !v.hierarchies[3].unified);
}

TEST(v2_only_host_is_the_directory_itself) {
        char text[] = "0::/user.slice/user-1000.slice/session-2.scope\n";
        struct cgroup_view v;

        CHECK(cgroup_view_plan(text, &v) == 0);
        CHECK(v.n == 0);
}

TEST(v1_only_host_has_no_unified_directory) {
        char text[] = "2:pids:/\n1:memory:/";
        struct cgroup_view v;

        CHECK(cgroup_view_plan(text, &v) == 0);
        CHECK(v.n == 2);
        CHECK(v.n == 2 && !v.hierarchies[1].unified);
}

TEST(a_name_that_is_no_path_component_is_left_out) {
        char text[] = "3:name=a/b:/\n2:name=..:/\n1:memory:/\n";
        struct cgroup_view v;

        CHECK(cgroup_view_plan(text, &v) == 0);
        CHECK(v.n == 1);
        CHECK(v.n == 1 && strcmp(v.hierarchies[0].directory, "memory") == 0);
}

TEST(malformed_or_empty_text_is_refused) {
        char garbage[] = "memory\n", empty[] = "";
        struct cgroup_view v;

        CHECK(cgroup_view_plan(garbage, &v) == -EINVAL);
        CHECK(cgroup_view_plan(empty, &v) == -ENOENT);
}

int main(void) {
        static const struct unit_case cases[] = {
                UNIT(hybrid_host_gets_a_directory_per_v1_hierarchy_and_unified),
                UNIT(v2_only_host_is_the_directory_itself),
                UNIT(v1_only_host_has_no_unified_directory),
                UNIT(a_name_that_is_no_path_component_is_left_out),
                UNIT(malformed_or_empty_text_is_refused),
        };
        return unit_main(cases, ELEMENTSOF(cases));
}
