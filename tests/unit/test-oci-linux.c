/* SPDX-License-Identifier: Apache-2.0 */
/* config.json's mounts, process.capabilities and linux.* translated into
 * struct config and struct oci_linux (oci-linux.c, oci-mounts.c,
 * oci-resources.c); every refusal names its field. */
#include <string.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <linux/magic.h>

#include "unit.h"
#include "oci-internal.h"
#include "oci-spec-internal.h"
#include "oci-view.h"
#include "util.h"

struct parsed {
        struct config c;
        struct oci_spec s;
        char *reason;
        int r;
};

static void parse(struct parsed *p, const char *text) {
        json_object *doc = json_tokener_parse(text);

        memset(p, 0, sizeof(*p));
        config_init(&p->c);
        p->s.bundle = strdup("/bundles/b");
        CHECK(doc != NULL);
        p->r = oci_linux_parse(doc, &p->c, &p->s, &p->reason);
        json_object_put(doc);
}

static void parsed_done(struct parsed *p) {
        free(p->reason);
        oci_spec_done(&p->s);
        config_done(&p->c);
}

/* The refusal starts with the field it names. */
static void check_refused(const char *text, const char *field) {
        struct parsed p;

        parse(&p, text);
        CHECK(p.r < 0);
        CHECK(p.reason && strncmp(p.reason, field, strlen(field)) == 0);
        if (p.reason && strncmp(p.reason, field, strlen(field)) != 0)
                fprintf(stderr, "  reason: %s\n", p.reason);
        parsed_done(&p);
}

TEST(mounts_keep_their_order_type_and_options) {
        struct parsed p;
        parse(&p, "{\"mounts\":["
                  "{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
                  "{\"destination\":\"/tmp/x\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
                  "\"options\":[\"nosuid\",\"size=1m\",\"mode=755\",\"strictatime\"]},"
                  "{\"destination\":\"/tmp/x/data\",\"type\":\"bind\",\"source\":\"data\",\"options\":[\"rbind\",\"ro\",\"rslave\"]},"
                  "{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\",\"options\":[\"ro\"]},"
                  "{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup\",\"options\":[\"rro\"]},"
                  "{\"destination\":\"/mnt/h\",\"type\":\"none\",\"source\":\"/h\",\"options\":[\"bind\",\"rw\"]}]}");
        CHECK(p.r == 0);
        const struct oci_linux *l = p.s.linux_spec;
        CHECK(l && l->n_mounts == 6);
        if (l && l->n_mounts == 6) {
                CHECK(l->mounts[0].kind == OCI_MOUNT_FS && streq(l->mounts[0].type, "proc"));
                CHECK(l->mounts[1].kind == OCI_MOUNT_FS && l->mounts[1].flags == (MS_NOSUID | MS_STRICTATIME));
                CHECK_STREQ(l->mounts[1].data, "size=1m,mode=755");
                CHECK(l->mounts[2].kind == OCI_MOUNT_BIND && l->mounts[2].recursive);
                CHECK(l->mounts[2].flags == MS_RDONLY && l->mounts[2].propagation == (MS_REC | MS_SLAVE));
                CHECK_STREQ(l->mounts[2].source, "/bundles/b/data");
                CHECK(l->mounts[3].kind == OCI_MOUNT_SYSFS);
                CHECK(l->mounts[4].kind == OCI_MOUNT_CGROUP && l->mounts[4].recursive_read_only);
                CHECK(l->mounts[5].kind == OCI_MOUNT_BIND && !l->mounts[5].recursive && l->mounts[5].flags == 0);
                CHECK_STREQ(l->mounts[5].source, "/h");
        }
        parsed_done(&p);
}

TEST(mounts_replace_the_standard_ones_only_when_given) {
        struct parsed p;
        parse(&p, "{\"mounts\":[]}");
        CHECK(p.r == 0 && p.s.linux_spec->replaces_mounts && p.s.linux_spec->n_mounts == 0);
        parsed_done(&p);
        parse(&p, "{\"process\":{}}");
        CHECK(p.r == 0 && !p.s.linux_spec->replaces_mounts);
        parsed_done(&p);
}

TEST(a_relative_destination_is_taken_from_the_root) {
        struct parsed p;
        parse(&p, "{\"mounts\":[{\"destination\":\"run//x/\",\"type\":\"tmpfs\"}]}");
        CHECK(p.r == 0 && p.s.linux_spec->n_mounts == 1);
        CHECK_STREQ(p.s.linux_spec->mounts[0].destination, "/run/x");
        parsed_done(&p);
}

TEST(mounts_that_cannot_be_honoured_are_refused_naming_the_field) {
        check_refused("{\"mounts\":[{\"destination\":\"/a\",\"type\":\"tmpfs\"},"
                      "{\"destination\":\"/b\",\"type\":\"tmpfs\",\"options\":[\"tmpcopyup\"]}]}",
                      "mounts[1].options: 'tmpcopyup'");
        check_refused("{\"mounts\":[{\"destination\":\"/a\",\"type\":\"bind\",\"source\":\"/x\",\"options\":[\"idmap\"]}]}",
                      "mounts[0].options: 'idmap'");
        check_refused("{\"mounts\":[{\"destination\":\"/a\",\"source\":\"/x\"}]}", "mounts[0].type");
        check_refused("{\"mounts\":[{\"destination\":\"/a\",\"type\":\"bind\"}]}", "mounts[0].source");
        check_refused("{\"mounts\":[{\"destination\":\"/a/../../etc\",\"type\":\"tmpfs\"}]}", "mounts[0].destination");
        check_refused("{\"mounts\":[{\"type\":\"tmpfs\"}]}", "mounts[0].destination");
        check_refused("{\"mounts\":[{\"destination\":\"/\",\"type\":\"tmpfs\"}]}", "mounts[0].destination");
}

TEST(the_five_capability_sets_are_kept_apart) {
        struct parsed p;
        parse(&p, "{\"process\":{\"capabilities\":{"
                  "\"bounding\":[\"CAP_CHOWN\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"],"
                  "\"effective\":[\"CAP_KILL\"],\"permitted\":[\"CAP_KILL\",\"CAP_CHOWN\"],"
                  "\"inheritable\":[\"CAP_CHOWN\"],\"ambient\":[]}}}");
        CHECK(p.r == 0);
        const struct caps_sets *s = &p.s.linux_spec->caps;
        CHECK(p.s.linux_spec->has_caps);
        CHECK(s->bounding == ((1ULL << 0) | (1ULL << 5) | (1ULL << 10)));
        CHECK(s->effective == (1ULL << 5));
        CHECK(s->permitted == ((1ULL << 5) | 1ULL));
        CHECK(s->inheritable == 1ULL && s->ambient == 0);
        CHECK(config_effective_capabilities(&p.c) == s->bounding);
        parsed_done(&p);
}

TEST(no_capabilities_object_leaves_userbox_s_sets) {
        struct parsed p;
        parse(&p, "{\"process\":{\"args\":[\"sh\"]}}");
        CHECK(p.r == 0 && !p.s.linux_spec->has_caps);
        parsed_done(&p);
}

TEST(an_unknown_capability_is_named) {
        check_refused("{\"process\":{\"capabilities\":{\"effective\":[\"CAP_KILL\",\"CAP_FLY\"]}}}",
                      "process.capabilities.effective[1]: unknown capability 'CAP_FLY'");
        check_refused("{\"process\":{\"capabilities\":{\"bounding\":[\"KILL\"]}}}",
                      "process.capabilities.bounding[0]");
}

TEST(masked_and_read_only_paths_and_propagation) {
        struct parsed p;
        parse(&p, "{\"linux\":{\"maskedPaths\":[\"/proc/kcore\",\"/proc/acpi\"],"
                  "\"readonlyPaths\":[\"/proc/sys\"],\"rootfsPropagation\":\"rslave\",\"mountLabel\":\"\"},"
                  "\"process\":{\"selinuxLabel\":\"\",\"apparmorProfile\":\"\"}}");
        CHECK(p.r == 0);
        CHECK(strv_length(p.s.linux_spec->masked_paths) == 2);
        CHECK_STREQ(p.s.linux_spec->readonly_paths[0], "/proc/sys");
        CHECK(p.s.linux_spec->rootfs_propagation == (MS_REC | MS_SLAVE));
        parsed_done(&p);
        check_refused("{\"linux\":{\"maskedPaths\":[\"proc/kcore\"]}}", "linux.maskedPaths[0]");
        check_refused("{\"linux\":{\"rootfsPropagation\":\"sideways\"}}", "linux.rootfsPropagation");
}

/* Accepted when empty, or when the kernel lacks the module the label is
 * for; refused, naming the field, when it enforces it. */
static void check_label(const char *text, const char *field, bool module_enabled) {
        struct parsed p;

        if (module_enabled) {
                check_refused(text, field);
                return;
        }
        parse(&p, text);
        CHECK(p.r == 0);
        parsed_done(&p);
}

static void check_process_label(const char *text, const char *field, bool module_enabled) {
        json_object *process = json_tokener_parse(text);
        char *reason = NULL;
        int r = oci_process_labels_parse(process, &reason);

        CHECK(module_enabled ? r < 0 && reason && startswith(reason, field) : r == 0);
        free(reason);
        json_object_put(process);
}

TEST(labels_are_refused_only_where_the_kernel_enforces_them) {
        struct statfs sf;
        bool selinux = statfs("/sys/fs/selinux", &sf) == 0 && sf.f_type == SELINUX_MAGIC;
        _cleanup_fclose_ FILE *f = fopen("/sys/module/apparmor/parameters/enabled", "re");
        bool apparmor = f && fgetc(f) == 'Y';

        check_label("{\"linux\":{\"mountLabel\":\"\"}}", "linux.mountLabel", false);
        check_label("{\"linux\":{\"mountLabel\":\"system_u:object_r:x\"}}", "linux.mountLabel", selinux);
        check_refused("{\"linux\":{\"mountLabel\":7}}", "linux.mountLabel: not a string");
        check_process_label("{\"selinuxLabel\":\"\",\"apparmorProfile\":\"\"}", "", false);
        check_process_label("{\"selinuxLabel\":\"system_u:system_r:x\"}", "process.selinuxLabel", selinux);
        check_process_label("{\"apparmorProfile\":\"docker-default\"}", "process.apparmorProfile", apparmor);
        /* Not a string: refused whatever the kernel has. */
        check_process_label("{\"selinuxLabel\":7}", "process.selinuxLabel: not a string", true);
}

TEST(only_namespaced_sysctls_are_accepted) {
        struct parsed p;
        parse(&p, "{\"linux\":{\"sysctl\":{\"kernel.shmmax\":\"4096\",\"net.ipv4.ip_forward\":\"1\"}}}");
        CHECK(p.r == 0 && p.s.linux_spec->n_sysctl == 2);
        CHECK_STREQ(p.s.linux_spec->sysctl[0].key, "kernel.shmmax");
        CHECK_STREQ(p.s.linux_spec->sysctl[0].value, "4096");
        parsed_done(&p);
        check_refused("{\"linux\":{\"sysctl\":{\"kernel.panic\":\"1\"}}}", "linux.sysctl: 'kernel.panic'");
        check_refused("{\"linux\":{\"sysctl\":{\"kernel.shm_rmid_forced/../x\":\"1\"}}}", "linux.sysctl");

        /* The host's network: its net.* are the host's. */
        memset(&p, 0, sizeof(p));
        config_init(&p.c);
        p.c.network = NET_HOST;
        json_object *doc = json_tokener_parse("{\"linux\":{\"sysctl\":{\"net.ipv4.ip_forward\":\"1\"}}}");
        p.r = oci_linux_parse(doc, &p.c, &p.s, &p.reason);
        json_object_put(doc);
        CHECK(p.r < 0 && p.reason && strstr(p.reason, "network namespace"));
        parsed_done(&p);
}

TEST(resources_become_the_limits) {
        struct parsed p;
        parse(&p, "{\"linux\":{\"resources\":{\"memory\":{\"limit\":67108864,\"swap\":134217728},"
                  "\"pids\":{\"limit\":20},\"cpu\":{\"quota\":50000,\"period\":100000,\"shares\":0},"
                  "\"devices\":[{\"allow\":false,\"access\":\"rwm\"},"
                  "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rwm\"},"
                  "{\"allow\":true,\"type\":\"c\",\"major\":136,\"access\":\"rwm\"}]},"
                  "\"cgroupsPath\":\"user.slice:userbox:c1\"}}");
        CHECK(p.r == 0);
        CHECK(p.c.memory == 67108864 && p.c.memory_swap == 134217728);
        CHECK(p.c.pids == 20 && p.c.cpus_milli == 500);
        CHECK_STREQ(p.s.linux_spec->cgroups_path, "user.slice:userbox:c1");
        /* systemd's slice:prefix:name names a unit, not a directory. */
        CHECK(p.c.cgroup_path == NULL);
        parsed_done(&p);
}

TEST(shares_reservation_weight_and_hugepages_are_taken) {
        struct parsed p;
        parse(&p, "{\"linux\":{\"resources\":{\"cpu\":{\"shares\":512},\"memory\":{\"reservation\":1048576},"
                  "\"blockIO\":{\"weight\":300},\"cpu\":{\"shares\":512,\"cpus\":\"0-1\",\"mems\":\"0\"},"
                  "\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":2147483648}]}}}");
        CHECK(p.r == 0);
        CHECK(p.c.cpu_shares == 512 && p.c.memory_reservation == 1048576 && p.c.blkio_weight == 300);
        CHECK(streq_ptr(p.c.cpuset_cpus, "0-1") && streq_ptr(p.c.cpuset_mems, "0"));
        CHECK(p.c.n_hugepage_limits == 1 && streq(p.c.hugepage_limits[0].size, "2MB") &&
              p.c.hugepage_limits[0].limit == 2147483648u);
        parsed_done(&p);
}

TEST(cgroups_path_is_absolute_or_relative_without_dot_levels) {
        struct parsed p;
        parse(&p, "{\"linux\":{\"cgroupsPath\":\"/cgrouptest\"}}");
        CHECK(p.r == 0 && streq_ptr(p.c.cgroup_path, "/cgrouptest"));
        parsed_done(&p);
        parse(&p, "{\"linux\":{\"cgroupsPath\":\"testdir/cgrouptest/container\"}}");
        CHECK(p.r == 0 && streq_ptr(p.c.cgroup_path, "testdir/cgrouptest/container"));
        parsed_done(&p);
        check_refused("{\"linux\":{\"cgroupsPath\":\"a/../../b\"}}", "linux.cgroupsPath");
        check_refused("{\"linux\":{\"cgroupsPath\":\"/a/./b\"}}", "linux.cgroupsPath");
        check_refused("{\"linux\":{\"cgroupsPath\":\"/\"}}", "linux.cgroupsPath");
}

TEST(podman_rootless_resources_ask_for_nothing) {
        struct parsed p;
        parse(&p, "{\"linux\":{\"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}],"
                  "\"pids\":{\"limit\":-1},\"memory\":{}}}}");
        CHECK(p.r == 0 && p.c.memory == 0 && p.c.pids == 0);
        parsed_done(&p);
}

TEST(a_limit_userbox_cannot_enforce_is_named) {
        check_refused("{\"linux\":{\"resources\":{\"blockIO\":{\"leafWeight\":10}}}}",
                      "linux.resources.blockIO.leafWeight");
        check_refused("{\"linux\":{\"resources\":{\"cpu\":{\"cpus\":\"0;1\"}}}}", "linux.resources.cpu.cpus");
        check_refused("{\"linux\":{\"resources\":{\"cpu\":{\"realtimeRuntime\":1}}}}",
                      "linux.resources.cpu.realtimeRuntime");
        check_refused("{\"linux\":{\"resources\":{\"memory\":{\"kernel\":1024}}}}",
                      "linux.resources.memory.kernel");
        check_refused("{\"linux\":{\"resources\":{\"hugepageLimits\":[{\"pageSize\":\"2M/x\",\"limit\":1}]}}}",
                      "linux.resources.hugepageLimits[0].pageSize");
        check_refused("{\"linux\":{\"resources\":{\"devices\":[{\"allow\":false},"
                      "{\"allow\":true,\"type\":\"b\",\"major\":8,\"minor\":0}]}}}",
                      "linux.resources.devices[1]");
        check_refused("{\"linux\":{\"resources\":{\"devices\":[{\"allow\":true,\"access\":\"rwm\"}]}}}",
                      "linux.resources.devices[0]");
}

TEST(devices_are_the_host_s_nodes) {
        struct parsed p;
        parse(&p, "{\"linux\":{\"devices\":[{\"path\":\"/dev/full\",\"type\":\"c\",\"major\":1,\"minor\":7}],"
                  "\"resources\":{\"devices\":[{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":7}]}}}");
        CHECK(p.r == 0 && p.c.n_devices == 1);
        CHECK_STREQ(p.c.devices[0].host_path, "/dev/full");
        CHECK_STREQ(p.c.devices[0].container_path, "/dev/full");
        parsed_done(&p);
        check_refused("{\"linux\":{\"devices\":[{\"path\":\"/dev/no-such-userbox-node\",\"type\":\"c\"}]}}",
                      "linux.devices[0]: '/dev/no-such-userbox-node' does not exist on the host");
        check_refused("{\"linux\":{\"devices\":[{\"path\":\"/dev/null\",\"type\":\"c\",\"major\":1,\"minor\":5}]}}",
                      "linux.devices[0]");
}

TEST(intel_rdt_and_personality) {
        struct parsed p;
        parse(&p, "{\"linux\":{\"personality\":{\"domain\":\"LINUX\"}}}");
        CHECK(p.r == 0);
        parsed_done(&p);
        check_refused("{\"linux\":{\"personality\":{\"domain\":\"LINUX32\"}}}", "linux.personality");
        check_refused("{\"linux\":{\"intelRdt\":{\"closID\":\"x\"}}}", "linux.intelRdt");
}

int main(void) {
        static const struct unit_case cases[] = {
                UNIT(mounts_keep_their_order_type_and_options),
                UNIT(mounts_replace_the_standard_ones_only_when_given),
                UNIT(a_relative_destination_is_taken_from_the_root),
                UNIT(mounts_that_cannot_be_honoured_are_refused_naming_the_field),
                UNIT(the_five_capability_sets_are_kept_apart),
                UNIT(no_capabilities_object_leaves_userbox_s_sets),
                UNIT(an_unknown_capability_is_named),
                UNIT(masked_and_read_only_paths_and_propagation),
                UNIT(labels_are_refused_only_where_the_kernel_enforces_them),
                UNIT(only_namespaced_sysctls_are_accepted),
                UNIT(resources_become_the_limits),
                UNIT(podman_rootless_resources_ask_for_nothing),
                UNIT(shares_reservation_weight_and_hugepages_are_taken),
                UNIT(cgroups_path_is_absolute_or_relative_without_dot_levels),
                UNIT(a_limit_userbox_cannot_enforce_is_named),
                UNIT(devices_are_the_host_s_nodes),
                UNIT(intel_rdt_and_personality),
        };
        return unit_main(cases, ELEMENTSOF(cases));
}
