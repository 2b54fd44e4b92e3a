/* SPDX-License-Identifier: Apache-2.0 */
/* Which cgroup file gets which value: the same limits are spelled
 * differently on cgroup v1 and v2. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include "cgroup.h"
#include "util.h"

/* The CFS period CPUs= is a share of: 100 ms, the kernel's default, so
 * that a quota of thousandths of a CPU is a whole number of microseconds. */
#define CPU_PERIOD_US 100000

static const char *const controller_names[_CGROUP_CONTROLLER_MAX] = {
        [CGROUP_MEMORY] = "memory",
        [CGROUP_CPU] = "cpu",
        [CGROUP_PIDS] = "pids",
        [CGROUP_BLKIO] = "blkio",
        [CGROUP_HUGETLB] = "hugetlb",
        [CGROUP_CPUSET] = "cpuset",
};

const char *cgroup_controller_name(enum cgroup_controller controller, int version) {
        if (controller == CGROUP_BLKIO && version == 2)
                return "io";
        return controller < _CGROUP_CONTROLLER_MAX ? controller_names[controller] : NULL;
}

_printf_(7, 0)
static void add_write(struct cgroup_write w[CGROUP_WRITES_MAX], size_t *n, enum cgroup_controller controller,
                      enum config_key key, const char *setting, const char *file, const char *format, va_list ap) {
        if (*n >= CGROUP_WRITES_MAX)
                return;
        w[*n] = (struct cgroup_write) { .controller = controller, .key = key, .setting = setting };
        snprintf(w[*n].file, sizeof(w[*n].file), "%s", file);
        vsnprintf(w[*n].value, sizeof(w[*n].value), format, ap);
        (*n)++;
}

/* A write of a [Limits] key. */
_printf_(6, 7)
static void add(struct cgroup_write w[CGROUP_WRITES_MAX], size_t *n, enum cgroup_controller controller,
                enum config_key key, const char *file, const char *format, ...) {
        va_list ap;

        va_start(ap, format);
        add_write(w, n, controller, key, NULL, file, format, ap);
        va_end(ap);
}

static void plan_oci_writes(const struct config *c, int version, struct cgroup_write w[CGROUP_WRITES_MAX], size_t *n);

size_t cgroup_plan_writes(const struct config *c, int version, struct cgroup_write w[CGROUP_WRITES_MAX]) {
        uint64_t quota = c->cpus_milli * (CPU_PERIOD_US / 1000);
        size_t n = 0;

        if (c->memory)
                add(w, &n, CGROUP_MEMORY, KEY_MEMORY, version == 2 ? "memory.max" : "memory.limit_in_bytes",
                    "%" PRIu64, c->memory);
        /* v1 limits memory and swap together, after the memory limit it
         * may not be below; v2 the swap alone. */
        if (c->memory_swap && version == 2)
                add(w, &n, CGROUP_MEMORY, KEY_MEMORY_SWAP, "memory.swap.max", "%" PRIu64,
                    c->memory_swap > c->memory ? c->memory_swap - c->memory : 0);
        else if (c->memory_swap)
                add(w, &n, CGROUP_MEMORY, KEY_MEMORY_SWAP, "memory.memsw.limit_in_bytes", "%" PRIu64, c->memory_swap);
        if (c->cpus_milli && version == 2)
                add(w, &n, CGROUP_CPU, KEY_CPUS, "cpu.max", "%" PRIu64 " %" PRIu64, quota, (uint64_t) CPU_PERIOD_US);
        else if (c->cpus_milli) {
                /* The period first: the quota is checked against it. */
                add(w, &n, CGROUP_CPU, KEY_CPUS, "cpu.cfs_period_us", "%" PRIu64, (uint64_t) CPU_PERIOD_US);
                add(w, &n, CGROUP_CPU, KEY_CPUS, "cpu.cfs_quota_us", "%" PRIu64, quota);
        }
        if (c->pids)
                add(w, &n, CGROUP_PIDS, KEY_PIDS, "pids.max", "%" PRIu64, c->pids);
        plan_oci_writes(c, version, w, &n);
        return n;
}

/* A write of a config.json field, which errors name. */
_printf_(6, 7)
static void add_field(struct cgroup_write w[CGROUP_WRITES_MAX], size_t *n, enum cgroup_controller controller,
                      const char *setting, const char *file, const char *format, ...) {
        va_list ap;

        va_start(ap, format);
        add_write(w, n, controller, _KEY_MAX, setting, file, format, ap);
        va_end(ap);
}

/* linux.resources beyond [Limits]. v2 spells v1's cpu.shares (2 to
 * 262144, default 1024) as cpu.weight (1 to 10000, default 100) and
 * blkio.weight (10 to 1000, default 500) as io.weight (1 to 10000,
 * default 100): both map range onto range linearly, as the kernel's
 * cgroup-v2 documentation and crun do, so the defaults almost meet. */
static void plan_oci_writes(const struct config *c, int version, struct cgroup_write w[CGROUP_WRITES_MAX], size_t *n) {
        if (c->memory_reservation)
                add_field(w, n, CGROUP_MEMORY, "linux.resources.memory.reservation",
                          version == 2 ? "memory.low" : "memory.soft_limit_in_bytes", "%" PRIu64,
                          c->memory_reservation);
        if (c->cpu_shares && version == 2) {
                uint64_t shares = c->cpu_shares < 2 ? 2 : c->cpu_shares > 262144 ? 262144 : c->cpu_shares;
                add_field(w, n, CGROUP_CPU, "linux.resources.cpu.shares", "cpu.weight", "%" PRIu64,
                          1 + (shares - 2) * 9999 / 262142);
        } else if (c->cpu_shares)
                add_field(w, n, CGROUP_CPU, "linux.resources.cpu.shares", "cpu.shares", "%" PRIu64, c->cpu_shares);
        if (c->cpuset_cpus)
                add_field(w, n, CGROUP_CPUSET, "linux.resources.cpu.cpus", "cpuset.cpus", "%s", c->cpuset_cpus);
        if (c->cpuset_mems)
                add_field(w, n, CGROUP_CPUSET, "linux.resources.cpu.mems", "cpuset.mems", "%s", c->cpuset_mems);
        if (c->blkio_weight && version == 2) {
                uint64_t weight = c->blkio_weight < 10 ? 10 : c->blkio_weight > 1000 ? 1000 : c->blkio_weight;
                add_field(w, n, CGROUP_BLKIO, "linux.resources.blockIO.weight", "io.weight", "default %" PRIu64,
                          1 + (weight - 10) * 9999 / 990);
        } else if (c->blkio_weight)
                add_field(w, n, CGROUP_BLKIO, "linux.resources.blockIO.weight", "blkio.weight", "%" PRIu64,
                          c->blkio_weight);
        for (size_t i = 0; i < c->n_hugepage_limits; i++) {
                char file[48];
                snprintf(file, sizeof(file), "hugetlb.%s.%s", c->hugepage_limits[i].size,
                         version == 2 ? "max" : "limit_in_bytes");
                add_field(w, n, CGROUP_HUGETLB, "linux.resources.hugepageLimits", file, "%" PRIu64,
                          c->hugepage_limits[i].limit);
        }
}
