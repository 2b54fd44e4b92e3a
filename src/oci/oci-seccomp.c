/* SPDX-License-Identifier: Apache-2.0 */
/* config.json: linux.seccomp, compiled with libseccomp into the program
 * the launch pipeline installs in place of userbox's own filter
 * (struct config's seccomp_program). */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libseccomp's header, not security/seccomp.c's. */
#include <seccomp.h>

#include "oci-internal.h"
#include "security.h"
#include "util.h"

/* The spec's actions. SCMP_ACT_KILL is the thread, as in libseccomp.
 * NOTIFY hands the call to a listener (listenerPath) that userbox-oci
 * does not have: refused rather than a filter that blocks forever. */
static const struct {
        const char *name;
        uint32_t action;        /* ERRNO and TRACE: errnoRet is added */
        bool takes_errno;
        bool supported;
} actions[] = {
        { "SCMP_ACT_KILL", SCMP_ACT_KILL_THREAD, false, true },
        { "SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD, false, true },
        { "SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS, false, true },
        { "SCMP_ACT_TRAP", SCMP_ACT_TRAP, false, true },
        { "SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0), true, true },
        { "SCMP_ACT_TRACE", SCMP_ACT_TRACE(0), true, true },
        { "SCMP_ACT_ALLOW", SCMP_ACT_ALLOW, false, true },
        { "SCMP_ACT_LOG", SCMP_ACT_LOG, false, true },
        { "SCMP_ACT_NOTIFY", 0, false, false },
};

static const struct {
        const char *name;
        enum scmp_compare op;
} operators[] = {
        { "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT },
        { "SCMP_CMP_LE", SCMP_CMP_LE }, { "SCMP_CMP_EQ", SCMP_CMP_EQ },
        { "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
        { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
};

/* The spec's architecture names: "SCMP_ARCH_" and libseccomp's own name
 * in capitals. Which of them this libseccomp knows is asked at run time. */
static const char *const architectures[] = {
        "SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM",
        "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32",
        "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
        "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X",
        "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64", "SCMP_ARCH_LOONGARCH64",
        "SCMP_ARCH_M68K", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB",
};
#define ARCH_PREFIX "SCMP_ARCH_"

/* The filter flags: those libseccomp sets through an attribute are
 * honoured (security/seccomp.c installs the program with them); the
 * others belong to a listener userbox-oci does not have, or to a newer
 * libseccomp. */
static const struct {
        const char *name;
        enum scmp_filter_attr attribute;        /* 0: not supported */
} filter_flags[] = {
        { "SECCOMP_FILTER_FLAG_TSYNC", SCMP_FLTATR_CTL_TSYNC },
        { "SECCOMP_FILTER_FLAG_LOG", SCMP_FLTATR_CTL_LOG },
        { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SCMP_FLTATR_CTL_SSB },
        { "SECCOMP_FILTER_FLAG_NEW_LISTENER", 0 },
        { "SECCOMP_FILTER_FLAG_TSYNC_ESRCH", 0 },
        { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 0 },
};

/* The kernel hands a filter's return value 16 bits of data. */
#define ERRNO_RET_MAX 0xffff
#define ARGS_MAX 6

static void json_object_putp(json_object **o) {
        json_object_put(*o);
}

static void ctx_releasep(scmp_filter_ctx *ctx) {
        if (*ctx)
                seccomp_release(*ctx);
}

static json_object *member(json_object *o, const char *key) {
        json_object *v = NULL;

        if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null))
                return NULL;
        return v;
}

/* An unsigned integer of JSON: json-c keeps those above INT64_MAX as
 * uint64, the negative ones as int64. */
static int unsigned_field(json_object *v, const char *where, const char *key, uint64_t max,
                          uint64_t *ret, char **reason) {
        if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 0 ||
            json_object_get_uint64(v) > max)
                return reason_format(reason, -EINVAL, "%s.%s: not an integer from 0 to %" PRIu64, where,
                                     key, max);
        *ret = json_object_get_uint64(v);
        return 0;
}

/* o's action_key and errno_key (defaultAction/defaultErrnoRet, or a
 * rule's action/errnoRet) as a libseccomp action. errnoRet defaults to
 * EPERM, as the spec says. */
static int action_parse(json_object *o, const char *where, const char *action_key,
                        const char *errno_key, uint32_t *ret, char **reason) {
        json_object *v = member(o, action_key), *e = member(o, errno_key);
        const char *name;
        uint64_t error = EPERM;
        int r;

        if (!v)
                return reason_format(reason, -EINVAL, "%s.%s: missing", where, action_key);
        if (!json_object_is_type(v, json_type_string))
                return reason_format(reason, -EINVAL, "%s.%s: not a string", where, action_key);
        name = json_object_get_string(v);
        for (size_t i = 0; i < ELEMENTSOF(actions); i++) {
                if (!streq(actions[i].name, name))
                        continue;
                if (!actions[i].supported)
                        return reason_format(reason, -EOPNOTSUPP,
                                             "%s.%s: '%s' not supported: userbox-oci has no listener for it",
                                             where, action_key, name);
                if (e && !actions[i].takes_errno)
                        return reason_format(reason, -EINVAL,
                                             "%s.%s: only for SCMP_ACT_ERRNO and SCMP_ACT_TRACE, not %s",
                                             where, errno_key, name);
                if (e) {
                        r = unsigned_field(e, where, errno_key, ERRNO_RET_MAX, &error, reason);
                        if (r < 0)
                                return r;
                }
                *ret = actions[i].action | (actions[i].takes_errno ? (uint32_t) error : 0);
                return 0;
        }
        return reason_format(reason, -EINVAL, "%s.%s: unknown action '%s'", where, action_key, name);
}

/* libseccomp's name of a spec architecture, 0 when it knows none. */
static uint32_t architecture_resolve(const char *name) {
        char lower[32];
        size_t i;

        if (strncmp(name, ARCH_PREFIX, strlen(ARCH_PREFIX)) != 0)
                return 0;
        name += strlen(ARCH_PREFIX);
        for (i = 0; name[i] && i + 1 < sizeof(lower); i++)
                lower[i] = (char) tolower((unsigned char) name[i]);
        if (name[i])
                return 0;
        lower[i] = '\0';
        return seccomp_arch_resolve_name(lower);
}

/* The context starts with the native ABI, which stays: a filter that
 * left the calls of the runtime's own ABI to the bad-architecture action
 * would kill every process. With no architectures listed the filter covers
 * every ABI of the machine, as userbox's own does: the rules name calls,
 * and their author means them for whichever ABI a program uses; a 32-bit
 * program would otherwise meet the bad-architecture action at its first
 * call. */
static int architectures_add(scmp_filter_ctx ctx, json_object *seccomp, char **reason) {
        json_object *list = member(seccomp, "architectures");
        uint32_t machine[3];
        size_t n;
        int r;

        if (list && !json_object_is_type(list, json_type_array))
                return reason_format(reason, -EINVAL, "linux.seccomp.architectures: not an array");
        if (!list || json_object_array_length(list) == 0) {
                n = seccomp_machine_arches(machine);
                for (size_t i = 1; i < n; i++) {
                        r = seccomp_arch_add(ctx, machine[i]);
                        if (r < 0 && r != -EEXIST)
                                return reason_format(reason, r, "linux.seccomp: adding the machine's ABIs: %s",
                                                     strerror(-r));
                }
                return 0;
        }
        for (size_t i = 0; i < json_object_array_length(list); i++) {
                json_object *v = json_object_array_get_idx(list, i);
                const char *name = json_object_get_string(v);
                uint32_t arch;

                if (!json_object_is_type(v, json_type_string))
                        return reason_format(reason, -EINVAL, "linux.seccomp.architectures[%zu]: not a string", i);
                arch = architecture_resolve(name);
                if (arch == 0)
                        return reason_format(reason, -EINVAL,
                                             "linux.seccomp.architectures[%zu]: unknown architecture '%s'", i, name);
                r = seccomp_arch_add(ctx, arch);
                /* -EDOM: the other byte order (s390x, ppc64 on x86_64),
                 * which cannot share a filter with the native ABI; no
                 * process of this machine enters the kernel through it,
                 * so there is nothing to filter, as with profiles that
                 * list every architecture. */
                if (r < 0 && r != -EEXIST && r != -EDOM)
                        return reason_format(reason, r, "linux.seccomp.architectures[%zu]: '%s': %s", i, name,
                                             strerror(-r));
        }
        return 0;
}

static int flags_set(scmp_filter_ctx ctx, json_object *seccomp, char **reason) {
        json_object *list = member(seccomp, "flags");

        if (!list)
                return 0;
        if (!json_object_is_type(list, json_type_array))
                return reason_format(reason, -EINVAL, "linux.seccomp.flags: not an array");
        for (size_t i = 0; i < json_object_array_length(list); i++) {
                json_object *v = json_object_array_get_idx(list, i);
                const char *name = json_object_get_string(v);
                size_t j;
                int r;

                if (!json_object_is_type(v, json_type_string))
                        return reason_format(reason, -EINVAL, "linux.seccomp.flags[%zu]: not a string", i);
                for (j = 0; j < ELEMENTSOF(filter_flags) && !streq(filter_flags[j].name, name); j++)
                        ;
                if (j == ELEMENTSOF(filter_flags))
                        return reason_format(reason, -EINVAL, "linux.seccomp.flags[%zu]: unknown flag '%s'", i,
                                             name);
                if (filter_flags[j].attribute == 0)
                        return reason_format(reason, -EOPNOTSUPP, "linux.seccomp.flags[%zu]: '%s' not supported",
                                             i, name);
                /* libseccomp refuses a flag the running kernel lacks. */
                r = seccomp_attr_set(ctx, filter_flags[j].attribute, 1);
                if (r < 0)
                        return reason_format(reason, r, "linux.seccomp.flags[%zu]: '%s': %s", i, name,
                                             strerror(-r));
        }
        return 0;
}

static int arg_parse(json_object *arg, const char *where, struct scmp_arg_cmp *ret, char **reason) {
        json_object *op = member(arg, "op"), *v;
        uint64_t index, value, value_two = 0;
        size_t i;
        int r;

        if (!json_object_is_type(arg, json_type_object))
                return reason_format(reason, -EINVAL, "%s: not an object", where);
        v = member(arg, "index");
        if (!v)
                return reason_format(reason, -EINVAL, "%s.index: missing", where);
        r = unsigned_field(v, where, "index", ARGS_MAX - 1, &index, reason);
        if (r < 0)
                return r;
        v = member(arg, "value");
        if (!v)
                return reason_format(reason, -EINVAL, "%s.value: missing", where);
        r = unsigned_field(v, where, "value", UINT64_MAX, &value, reason);
        if (r < 0)
                return r;
        v = member(arg, "valueTwo");
        if (v) {
                r = unsigned_field(v, where, "valueTwo", UINT64_MAX, &value_two, reason);
                if (r < 0)
                        return r;
        }
        if (!op || !json_object_is_type(op, json_type_string))
                return reason_format(reason, -EINVAL, "%s.op: %s", where, op ? "not a string" : "missing");
        for (i = 0; i < ELEMENTSOF(operators) && !streq(operators[i].name, json_object_get_string(op)); i++)
                ;
        if (i == ELEMENTSOF(operators))
                return reason_format(reason, -EINVAL, "%s.op: unknown operator '%s'", where,
                                     json_object_get_string(op));
        /* MASKED_EQ: value is the mask, valueTwo what the masked argument
         * must equal; libseccomp takes them in that order. */
        *ret = (struct scmp_arg_cmp) { (unsigned) index, operators[i].op, value, value_two };
        return 0;
}

/* A rule's args, all of which must hold (libseccomp ANDs the comparisons
 * of one rule; the same call in several rules is their OR). libseccomp
 * takes one comparison per argument in a rule: when an argument is
 * compared more than once, *ret_split says so and each comparison becomes
 * a rule of its own, ORed, as runc and crun read such a rule (the
 * personality rules of common profiles compare argument 0 with several
 * values, meaning any of them). */
static int args_parse(json_object *rule, const char *where, struct scmp_arg_cmp cmp[static ARGS_MAX],
                      unsigned *ret_n, bool *ret_split, char **reason) {
        json_object *list = member(rule, "args");
        char at[96];
        size_t n;
        int r;

        *ret_n = 0;
        *ret_split = false;
        if (!list)
                return 0;
        if (!json_object_is_type(list, json_type_array))
                return reason_format(reason, -EINVAL, "%s.args: not an array", where);
        n = json_object_array_length(list);
        if (n > ARGS_MAX)
                return reason_format(reason, -EINVAL, "%s.args: more than %d comparisons", where, ARGS_MAX);
        for (size_t i = 0; i < n; i++) {
                snprintf(at, sizeof(at), "%s.args[%zu]", where, i);
                r = arg_parse(json_object_array_get_idx(list, i), at, &cmp[i], reason);
                if (r < 0)
                        return r;
                for (size_t j = 0; j < i; j++)
                        if (cmp[j].arg == cmp[i].arg)
                                *ret_split = true;
        }
        *ret_n = (unsigned) n;
        return 0;
}

static int rule_add(scmp_filter_ctx ctx, uint32_t default_action, json_object *rule, size_t index,
                    char **reason) {
        struct scmp_arg_cmp cmp[ARGS_MAX];
        json_object *names = member(rule, "names");
        uint32_t action;
        unsigned n_cmp;
        bool split;
        char where[64];
        int r;

        snprintf(where, sizeof(where), "linux.seccomp.syscalls[%zu]", index);
        if (!json_object_is_type(rule, json_type_object))
                return reason_format(reason, -EINVAL, "%s: not an object", where);
        if (!names || !json_object_is_type(names, json_type_array))
                return reason_format(reason, -EINVAL, "%s.names: %s", where, names ? "not an array" : "missing");
        r = action_parse(rule, where, "action", "errnoRet", &action, reason);
        if (r < 0)
                return r;
        r = args_parse(rule, where, cmp, &n_cmp, &split, reason);
        if (r < 0)
                return r;
        for (size_t i = 0; i < json_object_array_length(names); i++) {
                json_object *v = json_object_array_get_idx(names, i);
                const char *name = json_object_get_string(v);
                int nr;

                if (!json_object_is_type(v, json_type_string))
                        return reason_format(reason, -EINVAL, "%s.names[%zu]: not a string", where, i);
                /* The default does this already; libseccomp refuses the
                 * rule as redundant. */
                if (action == default_action)
                        continue;
                /* A call this libseccomp does not know, as runc and crun
                 * do: profiles name the calls of newer kernels. */
                nr = seccomp_syscall_resolve_name(name);
                if (nr == __NR_SCMP_ERROR)
                        continue;
                if (!split)
                        r = seccomp_rule_add_array(ctx, action, nr, n_cmp, cmp);
                for (unsigned k = 0; split && k < n_cmp && r >= 0; k++)
                        r = seccomp_rule_add_array(ctx, action, nr, 1, &cmp[k]);
                if (r < 0)
                        return reason_format(reason, r, "%s.names[%zu]: '%s': %s", where, i, name, strerror(-r));
        }
        return 0;
}

static int syscalls_add(scmp_filter_ctx ctx, uint32_t default_action, json_object *seccomp, char **reason) {
        json_object *list = member(seccomp, "syscalls");
        int r;

        if (!list)
                return 0;
        if (!json_object_is_type(list, json_type_array))
                return reason_format(reason, -EINVAL, "linux.seccomp.syscalls: not an array");
        for (size_t i = 0; i < json_object_array_length(list); i++) {
                r = rule_add(ctx, default_action, json_object_array_get_idx(list, i), i, reason);
                if (r < 0)
                        return r;
        }
        return 0;
}

int oci_seccomp_parse(json_object *seccomp, struct seccomp_filter **ret, char **reason) {
        _cleanup_(ctx_releasep) scmp_filter_ctx ctx = NULL;
        json_object *listener;
        uint32_t default_action;
        int r;

        *ret = NULL;
        *reason = NULL;
        if (!json_object_is_type(seccomp, json_type_object))
                return reason_format(reason, -EINVAL, "linux.seccomp: not an object");
        r = action_parse(seccomp, "linux.seccomp", "defaultAction", "defaultErrnoRet", &default_action, reason);
        if (r < 0)
                return r;
        listener = member(seccomp, "listenerPath");
        if (listener && (!json_object_is_type(listener, json_type_string) || *json_object_get_string(listener)))
                return reason_format(reason, -EOPNOTSUPP, "linux.seccomp.listenerPath: not supported");
        ctx = seccomp_init(default_action);
        if (!ctx)
                return reason_format(reason, -EINVAL, "linux.seccomp.defaultAction: libseccomp refuses it");
        /* A call from an ABI the filter does not describe kills the
         * process, as in userbox's own filter: its numbers mean other
         * calls there, so no rule can be trusted to match. */
        r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
        if (r < 0)
                return reason_format(reason, r, "linux.seccomp: %s", strerror(-r));
        /* As in userbox's own: a binary tree rather than a list, since
         * podman's profile names hundreds of calls. */
        (void) seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);

        r = architectures_add(ctx, seccomp, reason);
        if (r >= 0)
                r = flags_set(ctx, seccomp, reason);
        if (r >= 0)
                r = syscalls_add(ctx, default_action, seccomp, reason);
        if (r < 0)
                return r;
        r = seccomp_filter_export(ctx, ret);
        if (r == -E2BIG)
                return reason_format(reason, r, "linux.seccomp: the filter is longer than the kernel's 4096 instructions");
        if (r < 0)
                return reason_format(reason, r, "linux.seccomp: compiling the filter: %s", strerror(-r));
        return 0;
}

/* A new array in o under key (o owns it), NULL when memory ran out. */
static json_object *array_member(json_object *o, const char *key) {
        json_object *a = json_object_new_array();

        if (a && json_object_object_add(o, key, a) < 0) {
                json_object_put(a);
                return NULL;
        }
        return a;
}

static int string_append(json_object *list, const char *s) {
        json_object *v = list ? json_object_new_string(s) : NULL;

        if (!v || json_object_array_add(list, v) < 0) {
                json_object_put(v);
                return -ENOMEM;
        }
        return 0;
}

int oci_seccomp_features(json_object **ret) {
        _cleanup_(json_object_putp) json_object *o = json_object_new_object();
        json_object *acts, *ops, *archs, *known, *supported;
        int r = 0;

        *ret = NULL;
        if (!o || json_object_object_add(o, "enabled", json_object_new_boolean(true)) < 0)
                return -ENOMEM;
        acts = array_member(o, "actions");
        ops = array_member(o, "operators");
        archs = array_member(o, "archs");
        known = array_member(o, "knownFlags");
        supported = array_member(o, "supportedFlags");
        for (size_t i = 0; i < ELEMENTSOF(actions); i++)
                if (actions[i].supported)
                        r |= string_append(acts, actions[i].name);
        for (size_t i = 0; i < ELEMENTSOF(operators); i++)
                r |= string_append(ops, operators[i].name);
        for (size_t i = 0; i < ELEMENTSOF(architectures); i++)
                if (architecture_resolve(architectures[i]) != 0)
                        r |= string_append(archs, architectures[i]);
        for (size_t i = 0; i < ELEMENTSOF(filter_flags); i++) {
                r |= string_append(known, filter_flags[i].name);
                if (filter_flags[i].attribute)
                        r |= string_append(supported, filter_flags[i].name);
        }
        if (r < 0)
                return -ENOMEM;
        *ret = TAKE_PTR(o);
        return 0;
}
