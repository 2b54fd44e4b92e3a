/* SPDX-License-Identifier: Apache-2.0 */
/* Which cgroup file gets which value, on v1 and v2 (cgroup-plan.c): the
 * v2 files cannot be exercised on a host whose v2 hierarchy has no
 * controllers, so their spelling is pinned here. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "cgroup.h"
#include "cgroup-internal.h"
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
        CHECK(load(&c, "[Limits]\nCPUs=0.01\n") == 0 && c.cpus_milli == 10);
        config_done(&c);
        /* 0.009: a quota under the kernel's smallest, 1 ms. */
        static const char *const refused[] = { "0", "0.0", "0.0005", "0.009", "-1", "1e3", "", "1.", "x", "100000" };
        for (size_t i = 0; i < ELEMENTSOF(refused); i++) {
                _cleanup_free_ char *text = NULL;
                CHECK(asprintf(&text, "[Limits]\nCPUs=%s\n", refused[i]) > 0);
                CHECK(load(&c, text) == -EINVAL);
                config_done(&c);
        }
}

TEST(pids_is_at_most_what_the_kernel_counts) {
        struct config c;
        CHECK(load(&c, "[Limits]\nPIDs=4194304\n") == 0 && c.pids == 4194304);
        config_done(&c);
        CHECK(load(&c, "[Limits]\nPIDs=4194305\n") == -EINVAL);
        config_done(&c);
        CHECK(load(&c, "[Limits]\nPIDs=0\n") == -EINVAL);
        config_done(&c);
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

/* The mount table of a hybrid host such as the test machine: v1
 * hierarchies, cpu and cpuacct mounted together, v2 without controllers
 * at unified. */
static const char hybrid_mountinfo[] =
        "22 1 0:21 / /sys rw,nosuid - sysfs sysfs rw\n"
        "30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
        "31 30 0:28 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct\n"
        "34 30 0:31 / /sys/fs/cgroup/memory rw,relatime shared:9 - cgroup cgroup rw,memory\n"
        "38 30 0:35 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
        "40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
static const char hybrid_own[] =
        "9:name=systemd:/\n"
        "8:pids:/ci/session\n"
        "4:memory:/jobs/7/ci/session\n"
        "1:cpu,cpuacct:/ci/session\n"
        "0::/ci/session\n";

/* "vVERSION MOUNT OWN" of a place, "-ERRNO" for an error. */
static char *place_text(int r, struct cgroup_place *p) {
        char *s = NULL;

        if ((r < 0 ? asprintf(&s, "%d", r) : asprintf(&s, "v%d %s %s", p->version, p->mount, p->own)) < 0)
                s = NULL;
        free(p->mount);
        free(p->own);
        *p = (struct cgroup_place) {};
        return s;
}

static char *mounted(const char *mountinfo, const char *own, const char *name) {
        struct cgroup_place p = {};
        return place_text(cgroup_mounted_place(mountinfo, own, name, true, &p), &p);
}

TEST(the_mount_table_finds_each_controller_on_a_hybrid_host) {
        _cleanup_free_ char *memory = mounted(hybrid_mountinfo, hybrid_own, "memory"),
                            *cpu = mounted(hybrid_mountinfo, hybrid_own, "cpu"),
                            *pids = mounted(hybrid_mountinfo, hybrid_own, "pids"),
                            *hugetlb = mounted(hybrid_mountinfo, hybrid_own, "hugetlb"),
                            *v2 = mounted(hybrid_mountinfo, hybrid_own, NULL);

        CHECK_STREQ(memory, "v1 /sys/fs/cgroup/memory /sys/fs/cgroup/memory/jobs/7/ci/session");
        CHECK_STREQ(cpu, "v1 /sys/fs/cgroup/cpu,cpuacct /sys/fs/cgroup/cpu,cpuacct/ci/session");
        CHECK_STREQ(pids, "v1 /sys/fs/cgroup/pids /sys/fs/cgroup/pids/ci/session");
        /* No v1 hierarchy has it: the v2 one, where its controllers are
         * looked at later. */
        CHECK_STREQ(hugetlb, "v2 /sys/fs/cgroup/unified /sys/fs/cgroup/unified/ci/session");
        CHECK_STREQ(v2, "v2 /sys/fs/cgroup/unified /sys/fs/cgroup/unified/ci/session");
}

TEST(the_mount_table_of_a_v2_host_puts_every_controller_on_v2) {
        static const char mountinfo[] = "25 22 0:22 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n";
        static const char own[] = "0::/user.slice/user-1000.slice/user@1000.service/app.slice\n";
        _cleanup_free_ char *memory = mounted(mountinfo, own, "memory"), *v2 = mounted(mountinfo, own, NULL);

        CHECK_STREQ(memory, "v2 /sys/fs/cgroup /sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/app.slice");
        CHECK_STREQ(v2, memory);
}

TEST(the_mount_table_of_a_subtree_takes_the_mounted_part_off) {
        /* A container's view without a cgroup namespace: its own cgroup
         * mounted where the hierarchy's root would be. */
        static const char mountinfo[] =
                "801 790 0:31 /docker/abc /sys/fs/cgroup/memory ro,nosuid - cgroup cgroup rw,memory\n";
        static const char own[] = "4:memory:/docker/abc/inner\n";
        _cleanup_free_ char *memory = mounted(mountinfo, own, "memory");

        CHECK_STREQ(memory, "v1 /sys/fs/cgroup/memory /sys/fs/cgroup/memory/inner");
}

TEST(the_mount_table_without_the_hierarchy_says_so) {
        static const char mountinfo[] = "34 30 0:31 / /cgroup/memory rw - cgroup cgroup rw,memory\n";
        static const char own[] = "4:memory:/\n";
        struct cgroup_place p = {};
        _cleanup_free_ char *pids = mounted(mountinfo, own, "pids"), *v2 = NULL, *loud = NULL;

        CHECK_STREQ(pids, "-13");       /* -EACCES: quiet */
        v2 = mounted(mountinfo, own, NULL);
        CHECK_STREQ(v2, "-2");          /* -ENOENT: no v2 hierarchy */
        loud = place_text(cgroup_mounted_place(mountinfo, own, "pids", false, &p), &p);
        CHECK_STREQ(loud, "-22");
}

static int read_text(const char *path, char **ret) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        return fd < 0 ? -errno : read_full_fd(fd, 1 << 20, ret, NULL);
}

/* On the machine that runs the test: where the usual layout finds a
 * hierarchy, the mount table says the same. */
TEST(the_usual_layout_agrees_with_the_mount_table_here) {
        static const char *const names[] = { "memory", "cpu", "pids", "cpuset", "hugetlb", NULL };
        _cleanup_free_ char *mountinfo = NULL, *own = NULL;
        int found = 0;

        CHECK(read_text("/proc/self/mountinfo", &mountinfo) >= 0);
        CHECK(read_text("/proc/self/cgroup", &own) >= 0);
        if (!mountinfo || !own)
                return;
        for (size_t i = 0; i < ELEMENTSOF(names); i++) {
                struct cgroup_place p = {};
                int r = cgroup_usual_place(own, names[i], &p);
                _cleanup_free_ char *usual = NULL, *table = NULL;

                CHECK(r >= 0);
                if (r <= 0)
                        continue;
                found++;
                usual = place_text(0, &p);
                table = place_text(cgroup_mounted_place(mountinfo, own, names[i], true, &p), &p);
                CHECK_STREQ(usual, table);
        }
        if (!found)
                SKIP("machine: no cgroup hierarchy where the usual layout mounts it");
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
                UNIT(pids_is_at_most_what_the_kernel_counts),
                UNIT(cgroup_parent_is_an_absolute_path_without_dotdot),
                UNIT(the_mount_table_finds_each_controller_on_a_hybrid_host),
                UNIT(the_mount_table_of_a_v2_host_puts_every_controller_on_v2),
                UNIT(the_mount_table_of_a_subtree_takes_the_mounted_part_off),
                UNIT(the_mount_table_without_the_hierarchy_says_so),
                UNIT(the_usual_layout_agrees_with_the_mount_table_here),
        };
        return unit_main(cases, ELEMENTSOF(cases));
}
