/* SPDX-License-Identifier: Apache-2.0 */
/* Which cgroup file gets which value, on v1 and v2 (cgroup-plan.c): the
 * v2 files cannot be exercised on a host whose v2 hierarchy has no
 * controllers, so their spelling is pinned here. */
#include <string.h>

#include "unit.h"
#include "cgroup.h"
#include "profile.h"
#include "util.h"

static int load(struct config *c, const char *text) {
        config_init(c);
        return profile_load_string(c, "test.ini", text, strlen(text), false);
}

/* "file=value file=value", the writes in order. */
static char *writes_text(const struct config *c, int version) {
        struct cgroup_write w[CGROUP_WRITES_MAX];
        size_t n = cgroup_plan_writes(c, version, w);
        char *s = strdup("");

        for (size_t i = 0; s && i < n; i++) {
                char *t = NULL;
                if (asprintf(&t, "%s%s%s=%s", s, i ? " " : "", w[i].file, w[i].value) < 0)
                        t = NULL;
                free(s);
                s = t;
        }
        return s;
}

TEST(v1_and_v2_spell_the_same_limits_in_their_own_files) {
        struct config c;
        CHECK(load(&c, "[Limits]\nMemory=64M\nCPUs=0.5\nPIDs=20\n") == 0);
        _cleanup_free_ char *v1 = writes_text(&c, 1), *v2 = writes_text(&c, 2);
        CHECK(streq_ptr(v1, "memory.limit_in_bytes=67108864 cpu.cfs_period_us=100000 cpu.cfs_quota_us=50000 "
                            "pids.max=20"));
        CHECK(streq_ptr(v2, "memory.max=67108864 cpu.max=50000 100000 pids.max=20"));
        config_done(&c);
}

TEST(memory_swap_is_memory_and_swap_together_on_v1_and_swap_alone_on_v2) {
        struct config c;
        CHECK(load(&c, "[Limits]\nMemory=64M\nMemorySwap=96M\n") == 0);
        _cleanup_free_ char *v1 = writes_text(&c, 1), *v2 = writes_text(&c, 2);
        CHECK(streq_ptr(v1, "memory.limit_in_bytes=67108864 memory.memsw.limit_in_bytes=100663296"));
        CHECK(streq_ptr(v2, "memory.max=67108864 memory.swap.max=33554432"));
        config_done(&c);
}

TEST(config_json_s_shares_reservation_weight_and_hugepages_on_v1_and_v2) {
        struct config c;
        config_init(&c);
        c.cpu_shares = 1024;
        c.memory_reservation = 1048576;
        c.blkio_weight = 500;
        c.hugepage_limits[0] = (struct hugepage_limit) { "2MB", 2097152 };
        c.n_hugepage_limits = 1;
        _cleanup_free_ char *v1 = writes_text(&c, 1), *v2 = writes_text(&c, 2);
        CHECK(streq_ptr(v1, "memory.soft_limit_in_bytes=1048576 cpu.shares=1024 blkio.weight=500 "
                            "hugetlb.2MB.limit_in_bytes=2097152"));
        /* shares 2..262144 onto weight 1..10000, blkio 10..1000 onto io 1..10000. */
        CHECK(streq_ptr(v2, "memory.low=1048576 cpu.weight=39 io.weight=default 4950 hugetlb.2MB.max=2097152"));
        c.cpu_shares = 2;
        c.blkio_weight = 1000;
        c.n_hugepage_limits = 0;
        c.memory_reservation = 0;
        _cleanup_free_ char *low = writes_text(&c, 2);
        CHECK(streq_ptr(low, "cpu.weight=1 io.weight=default 10000"));
        c.cpu_shares = 262144;
        _cleanup_free_ char *high = writes_text(&c, 2);
        CHECK(streq_ptr(high, "cpu.weight=10000 io.weight=default 10000"));
        config_done(&c);
}

TEST(cpus_and_mems_are_cpuset_s_files_on_both_versions) {
        struct config c;
        config_init(&c);
        c.cpuset_cpus = strdup("0-1,4");
        c.cpuset_mems = strdup("0");
        _cleanup_free_ char *v1 = writes_text(&c, 1), *v2 = writes_text(&c, 2);
        CHECK(streq_ptr(v1, "cpuset.cpus=0-1,4 cpuset.mems=0"));
        CHECK(streq_ptr(v2, "cpuset.cpus=0-1,4 cpuset.mems=0"));
        config_done(&c);
}

TEST(the_controllers_have_their_v2_names) {
        CHECK(streq(cgroup_controller_name(CGROUP_BLKIO, 1), "blkio"));
        CHECK(streq(cgroup_controller_name(CGROUP_BLKIO, 2), "io"));
        CHECK(streq(cgroup_controller_name(CGROUP_HUGETLB, 2), "hugetlb"));
        CHECK(cgroup_controller_name(_CGROUP_CONTROLLER_MAX, 2) == NULL);
}

TEST(no_limit_plans_no_write) {
        struct config c;
        struct cgroup *cg = (struct cgroup *) 1;
        CHECK(load(&c, "[Limits]\nNOFILE=64\n") == 0);
        _cleanup_free_ char *v2 = writes_text(&c, 2);
        CHECK(streq_ptr(v2, ""));
        /* Nothing is read from /proc either: no cgroup, no error. */
        CHECK(cgroup_plan(&c, &cg) == 0 && cg == NULL);
        config_done(&c);
}

TEST(cpus_takes_thousandths_of_a_cpu) {
        struct config c;
        CHECK(load(&c, "[Limits]\nCPUs=2\n") == 0 && c.cpus_milli == 2000);
        config_done(&c);
        CHECK(load(&c, "[Limits]\nCPUs=0.125\n") == 0 && c.cpus_milli == 125);
        _cleanup_free_ char *v2 = writes_text(&c, 2);
        CHECK(streq_ptr(v2, "cpu.max=12500 100000"));
        config_done(&c);
        CHECK(load(&c, "[Limits]\nCPUs=.5\n") == 0 && c.cpus_milli == 500);
        config_done(&c);
        static const char *const refused[] = { "0", "0.0", "0.0005", "-1", "1e3", "", "1.", "x", "100000" };
        for (size_t i = 0; i < ELEMENTSOF(refused); i++) {
                _cleanup_free_ char *text = NULL;
                CHECK(asprintf(&text, "[Limits]\nCPUs=%s\n", refused[i]) > 0);
                CHECK(load(&c, text) == -EINVAL);
                config_done(&c);
        }
}

TEST(cgroup_parent_is_an_absolute_path_without_dotdot) {
        struct config c;
        CHECK(load(&c, "[Limits]\nCgroupParent=/user/me\n") == 0 && streq_ptr(c.cgroup_parent, "/user/me"));
        config_done(&c);
        CHECK(load(&c, "[Limits]\nCgroupParent=user/me\n") == -EINVAL);
        config_done(&c);
        CHECK(load(&c, "[Limits]\nCgroupParent=/user/../x\n") == -EINVAL);
        config_done(&c);
        CHECK(load(&c, "[Limits]\nCgroupParent=/user/..\n") == -EINVAL);
        config_done(&c);
}

int main(void) {
        static const struct unit_case cases[] = {
                UNIT(v1_and_v2_spell_the_same_limits_in_their_own_files),
                UNIT(memory_swap_is_memory_and_swap_together_on_v1_and_swap_alone_on_v2),
                UNIT(config_json_s_shares_reservation_weight_and_hugepages_on_v1_and_v2),
                UNIT(cpus_and_mems_are_cpuset_s_files_on_both_versions),
                UNIT(the_controllers_have_their_v2_names),
                UNIT(no_limit_plans_no_write),
                UNIT(cpus_takes_thousandths_of_a_cpu),
                UNIT(cgroup_parent_is_an_absolute_path_without_dotdot),
        };
        return unit_main(cases, ELEMENTSOF(cases));
}
