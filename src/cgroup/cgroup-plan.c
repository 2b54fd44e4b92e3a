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
};

const char *cgroup_controller_name(enum cgroup_controller controller) {
        return controller < _CGROUP_CONTROLLER_MAX ? controller_names[controller] : NULL;
}

_printf_(6, 7)
static void add(struct cgroup_write w[CGROUP_WRITES_MAX], size_t *n, enum cgroup_controller controller,
                enum config_key key, const char *file, const char *format, ...) {
        va_list ap;

        if (*n >= CGROUP_WRITES_MAX)
                return;
        w[*n].controller = controller;
        w[*n].key = key;
        w[*n].file = file;
        va_start(ap, format);
        vsnprintf(w[*n].value, sizeof(w[*n].value), format, ap);
        va_end(ap);
        (*n)++;
}

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
        return n;
}
