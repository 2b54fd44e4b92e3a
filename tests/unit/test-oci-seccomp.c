/* SPDX-License-Identifier: Apache-2.0 */
/* config.json's linux.seccomp: filters compiled from JSON, installed only
 * in forked children, where the calls they match are made; and the
 * features and spec documents, which describe what it accepts. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "oci-internal.h"
#include "seccomp-fixture.h"
#include "security.h"
#include "unit.h"
#include "util.h"

/* The calls a child needs after its filter is in, to report and exit:
 * an allow-list profile lets them through. */
#define CHILD_CALLS "\"exit_group\", \"exit\", \"write\", \"rt_sigreturn\", \"rt_sigprocmask\""
/* And what a sanitizer's runtime calls in the child (sigaltstack, mmap...)
 * under a filter whose default refuses everything else. */
#define RUNTIME_CALLS "\"sigaltstack\", \"mmap\", \"munmap\", \"mprotect\", \"madvise\", \"rt_sigaction\", " \
        "\"getpid\", \"gettid\", \"tgkill\", \"prctl\", \"futex\", \"sched_yield\", \"read\", \"openat\", " \
        "\"close\", \"fstat\", \"newfstatat\", \"lseek\", \"getrlimit\", \"prlimit64\", \"readlink\", \"brk\""

/* The filter of a linux.seccomp document, NULL (and *reason) on error. */
static struct seccomp_filter *compile(const char *text, int *ret_error, char **reason) {
        json_object *o = json_tokener_parse(text);
        struct seccomp_filter *f = NULL;
        int r;

        if (!o) {
                fprintf(stderr, "  not JSON: %s\n", text);
                *ret_error = -EBADMSG;
                return NULL;
        }
        r = oci_seccomp_parse(o, &f, reason);
        json_object_put(o);
        *ret_error = r;
        if (r < 0 && *reason)
                fprintf(stderr, "  (refused: %s)\n", *reason);
        return f;
}

static struct seccomp_filter *compile_ok(const char *text) {
        char *reason = NULL;
        int r;
        struct seccomp_filter *f = compile(text, &r, &reason);

        CHECK(r == 0 && f && !reason);
        free(reason);
        return f;
}

/* The reason text is refused with. */
static char *refusal(const char *text) {
        char *reason = NULL;
        int r;
        struct seccomp_filter *f = compile(text, &r, &reason);

        CHECK(r < 0 && !f && reason);
        seccomp_filter_free(f);
        return reason;
}

enum call {
        CALL_GETPPID,
        CALL_GETPPID_X32,
        CALL_DUP_100,
        CALL_DUP_101,
        CALL_DUP_102,
        CALL_DUP3_100_200,
        CALL_DUP3_100_201,
        CALL_DUP3_99_200,
        CALL_UMASK_0777,
        CALL_UMASK_0022,
};

static long call_make(enum call c) {
        switch (c) {
        case CALL_GETPPID:
                return syscall(SYS_getppid);
        case CALL_GETPPID_X32:
#if defined(__x86_64__)
                /* x32's getppid, 110 with the x32 bit: the filter sees it
                 * before the kernel, which may lack the x32 entry. */
                return syscall(0x40000000 | 110);
#else
                errno = ENOSYS;
                return -1;
#endif
        case CALL_DUP_100:
                return syscall(SYS_dup, 100);
        case CALL_DUP_101:
                return syscall(SYS_dup, 101);
        case CALL_DUP_102:
                return syscall(SYS_dup, 102);
        case CALL_DUP3_100_200:
                return syscall(SYS_dup3, 100, 200, 0);
        case CALL_DUP3_100_201:
                return syscall(SYS_dup3, 100, 201, 0);
        case CALL_DUP3_99_200:
                return syscall(SYS_dup3, 99, 200, 0);
        case CALL_UMASK_0777:
                return syscall(SYS_umask, 0777);
        case CALL_UMASK_0022:
                return syscall(SYS_umask, 0022);
        }
        return -1;
}

static long call_numbered(int c) {
        return call_make((enum call) c);
}

static int outcome(const struct seccomp_filter *filter, enum call c) {
        return seccomp_outcome(filter, call_numbered, (int) c);
}

TEST(oci_seccomp_denied_call_returns_the_errno_ret) {
        struct seccomp_filter *f = compile_ok(
                "{ \"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
                "  { \"names\": [\"getppid\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 42 } ] }");

        CHECK(outcome(NULL, CALL_GETPPID) == 0);
        CHECK(outcome(f, CALL_GETPPID) == 42);
        CHECK(outcome(f, CALL_UMASK_0022) == 0);
        seccomp_filter_free(f);
}

TEST(oci_seccomp_errno_without_errno_ret_is_eperm) {
        struct seccomp_filter *f = compile_ok(
                "{ \"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
                "  { \"names\": [\"getppid\"], \"action\": \"SCMP_ACT_ERRNO\" } ] }");

        CHECK(outcome(f, CALL_GETPPID) == EPERM);
        seccomp_filter_free(f);
}

TEST(oci_seccomp_default_action_and_default_errno_ret_apply_to_the_rest) {
        struct seccomp_filter *f = compile_ok(
                "{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38, \"syscalls\": ["
                "  { \"names\": [" CHILD_CALLS ", " RUNTIME_CALLS ", \"umask\"], \"action\": \"SCMP_ACT_ALLOW\" } ] }");

        CHECK(outcome(f, CALL_GETPPID) == ENOSYS);
        CHECK(outcome(f, CALL_UMASK_0022) == 0);
        seccomp_filter_free(f);
}

TEST(oci_seccomp_args_rule_matches_only_its_values) {
        struct seccomp_filter *f = compile_ok(
                "{ \"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
                "  { \"names\": [\"dup\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 7,"
                "    \"args\": [ { \"index\": 0, \"value\": 100, \"op\": \"SCMP_CMP_EQ\" } ] },"
                "  { \"names\": [\"umask\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 42,"
                "    \"args\": [ { \"index\": 0, \"value\": 448, \"valueTwo\": 448, \"op\": \"SCMP_CMP_MASKED_EQ\" } ] } ] }");

        /* dup of an fd that is not open: EBADF, unless the rule matched. */
        CHECK(outcome(f, CALL_DUP_100) == E2BIG);
        CHECK(outcome(f, CALL_DUP_101) == EBADF);
        /* 0777 & 0700 == 0700; 0022 & 0700 == 0. */
        CHECK(outcome(f, CALL_UMASK_0777) == 42);
        CHECK(outcome(f, CALL_UMASK_0022) == 0);
        seccomp_filter_free(f);
}

TEST(oci_seccomp_args_of_one_rule_all_hold_and_rules_of_one_call_add_up) {
        struct seccomp_filter *f = compile_ok(
                "{ \"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
                "  { \"names\": [\"dup3\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 42, \"args\": ["
                "      { \"index\": 0, \"value\": 100, \"op\": \"SCMP_CMP_EQ\" },"
                "      { \"index\": 1, \"value\": 200, \"op\": \"SCMP_CMP_EQ\" } ] },"
                "  { \"names\": [\"dup\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 7,"
                "    \"args\": [ { \"index\": 0, \"value\": 100, \"op\": \"SCMP_CMP_EQ\" } ] },"
                "  { \"names\": [\"dup\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 7,"
                "    \"args\": [ { \"index\": 0, \"value\": 101, \"op\": \"SCMP_CMP_EQ\" } ] } ] }");

        CHECK(outcome(f, CALL_DUP3_100_200) == 42);
        CHECK(outcome(f, CALL_DUP3_100_201) == EBADF);
        CHECK(outcome(f, CALL_DUP3_99_200) == EBADF);
        CHECK(outcome(f, CALL_DUP_100) == E2BIG);
        CHECK(outcome(f, CALL_DUP_101) == E2BIG);
        CHECK(outcome(f, CALL_DUP_102) == EBADF);
        seccomp_filter_free(f);
}

/* An argument compared twice in one rule: each comparison is a rule of
 * its own, ORed, as runc and crun read it (the conformance suite's default
 * profile allows personality for any of several values so). */
TEST(oci_seccomp_an_argument_compared_twice_is_any_of_its_values) {
        struct seccomp_filter *f = compile_ok(
                "{ \"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
                "  { \"names\": [\"dup\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 7, \"args\": ["
                "      { \"index\": 0, \"value\": 100, \"op\": \"SCMP_CMP_EQ\" },"
                "      { \"index\": 0, \"value\": 101, \"op\": \"SCMP_CMP_EQ\" } ] } ] }");

        CHECK(outcome(f, CALL_DUP_100) == E2BIG);
        CHECK(outcome(f, CALL_DUP_101) == E2BIG);
        CHECK(outcome(f, CALL_DUP_102) == EBADF);
        seccomp_filter_free(f);
}

TEST(oci_seccomp_kill_actions_kill) {
        static const char *const kills[] = { "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
                                             "SCMP_ACT_TRAP" };

        for (size_t i = 0; i < ELEMENTSOF(kills); i++) {
                char text[256];
                struct seccomp_filter *f;

                snprintf(text, sizeof(text),
                         "{ \"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
                         "  { \"names\": [\"getppid\"], \"action\": \"%s\" } ] }", kills[i]);
                f = compile_ok(text);
                CHECK(outcome(f, CALL_GETPPID) == 1000 + SIGSYS);
                CHECK(outcome(f, CALL_UMASK_0022) == 0);
                seccomp_filter_free(f);
        }
}

TEST(oci_seccomp_unknown_syscall_name_is_skipped) {
        struct seccomp_filter *f = compile_ok(
                "{ \"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
                "  { \"names\": [\"no_such_call_in_any_kernel\", \"getppid\"], \"action\": \"SCMP_ACT_ERRNO\","
                "    \"errnoRet\": 42 } ] }");

        CHECK(outcome(f, CALL_GETPPID) == 42);
        seccomp_filter_free(f);
}

TEST(oci_seccomp_rule_like_the_default_is_accepted) {
        struct seccomp_filter *f = compile_ok(
                "{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": ["
                "  { \"names\": [" CHILD_CALLS "], \"action\": \"SCMP_ACT_ALLOW\" },"
                "  { \"names\": [\"getppid\"], \"action\": \"SCMP_ACT_ERRNO\" } ] }");

        CHECK(outcome(f, CALL_GETPPID) == EPERM);
        seccomp_filter_free(f);
}

/* No architectures: every ABI of the machine, the rules by name on each;
 * the native one alone: a call of another ABI is killed. */
TEST(oci_seccomp_no_architectures_covers_the_machine) {
        struct seccomp_filter *every = compile_ok(
                "{ \"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
                "  { \"names\": [\"getppid\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 42 } ] }");
        struct seccomp_filter *native = compile_ok(
                "{ \"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_X86_64\"],"
                "  \"syscalls\": [ { \"names\": [\"getppid\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 42 } ] }");

#if defined(__x86_64__)
        CHECK(outcome(every, CALL_GETPPID_X32) == 42);
        CHECK(outcome(native, CALL_GETPPID_X32) == 1000 + SIGSYS);
        CHECK(outcome(native, CALL_GETPPID) == 42);
#else
        CHECK(outcome(every, CALL_GETPPID) == 42);
#endif
        seccomp_filter_free(every);
        seccomp_filter_free(native);
}

TEST(oci_seccomp_flags_travel_with_the_filter) {
        struct seccomp_filter *f = compile_ok(
                "{ \"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": [\"SECCOMP_FILTER_FLAG_LOG\"], \"syscalls\": ["
                "  { \"names\": [\"getppid\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 42 } ] }");
        struct seccomp_filter *copy = NULL;
        const void *a, *b;
        size_t na, nb;

        seccomp_filter_data(f, &a, &na);
        /* The program, then 4 bytes of flags. */
        CHECK(na % 8 == 4 && na <= SECCOMP_FILTER_DATA_MAX);
        CHECK(seccomp_filter_copy(f, &copy) == 0 && copy);
        seccomp_filter_data(copy, &b, &nb);
        CHECK(na == nb && memcmp(a, b, na) == 0);
        CHECK(outcome(copy, CALL_GETPPID) == 42);
        seccomp_filter_free(f);
        seccomp_filter_free(copy);
}

TEST(oci_seccomp_refusals_name_the_field) {
        static const struct {
                const char *text;
                const char *reason;
        } cases[] = {
                { "[]", "linux.seccomp: not an object" },
                { "{}", "linux.seccomp.defaultAction: missing" },
                { "{ \"defaultAction\": \"SCMP_ACT_X\" }", "linux.seccomp.defaultAction: unknown action 'SCMP_ACT_X'" },
                { "{ \"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [ { \"names\": [\"dup\"], \"action\": \"SCMP_ACT_ALLOW\" },"
                  " { \"names\": [\"dup\"], \"action\": \"X\" } ] }",
                  "linux.seccomp.syscalls[1].action: unknown action 'X'" },
                { "{ \"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [ { \"names\": [\"dup\"], \"action\": \"SCMP_ACT_ERRNO\","
                  " \"args\": [ { \"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_X\" } ] } ] }",
                  "linux.seccomp.syscalls[0].args[0].op: unknown operator 'SCMP_CMP_X'" },
                { "{ \"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [ { \"names\": [\"dup\"], \"action\": \"SCMP_ACT_ERRNO\","
                  " \"args\": [ { \"index\": 6, \"value\": 1, \"op\": \"SCMP_CMP_EQ\" } ] } ] }",
                  "linux.seccomp.syscalls[0].args[0].index: not an integer from 0 to 5" },
                { "{ \"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [ { \"names\": [\"dup\"], \"action\": \"SCMP_ACT_ERRNO\","
                  " \"args\": [ { \"index\": 0, \"value\": -1, \"op\": \"SCMP_CMP_EQ\" } ] } ] }",
                  "linux.seccomp.syscalls[0].args[0].value: not an integer from 0 to 18446744073709551615" },
                { "{ \"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [ { \"names\": [\"dup\"], \"action\": \"SCMP_ACT_NOTIFY\" } ] }",
                  "linux.seccomp.syscalls[0].action: 'SCMP_ACT_NOTIFY' not supported: userbox-oci has no listener for it" },
                { "{ \"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [ { \"names\": [\"dup\"], \"action\": \"SCMP_ACT_KILL\","
                  " \"errnoRet\": 1 } ] }",
                  "linux.seccomp.syscalls[0].errnoRet: only for SCMP_ACT_ERRNO and SCMP_ACT_TRACE, not SCMP_ACT_KILL" },
                { "{ \"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [ { \"action\": \"SCMP_ACT_KILL\" } ] }",
                  "linux.seccomp.syscalls[0].names: missing" },
                { "{ \"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_VAX\"] }",
                  "linux.seccomp.architectures[1]: unknown architecture 'SCMP_ARCH_VAX'" },
                { "{ \"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": [\"SECCOMP_FILTER_FLAG_NEW_LISTENER\"] }",
                  "linux.seccomp.flags[0]: 'SECCOMP_FILTER_FLAG_NEW_LISTENER' not supported" },
                { "{ \"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": [\"SECCOMP_FILTER_FLAG_X\"] }",
                  "linux.seccomp.flags[0]: unknown flag 'SECCOMP_FILTER_FLAG_X'" },
                { "{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 65536 }",
                  "linux.seccomp.defaultErrnoRet: not an integer from 0 to 65535" },
                { "{ \"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/run/agent.sock\" }",
                  "linux.seccomp.listenerPath: not supported" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                char *reason = refusal(cases[i].text);

                CHECK_STREQ(reason, cases[i].reason);
                free(reason);
        }
}

/* The seed of the fuzz target that has podman's default profile, as
 * podman writes it into config.json for a rootless container: it compiles,
 * and fits the message the launcher sends it in. */
TEST(oci_seccomp_podman_default_profile_compiles_and_fits) {
        const char *srcdir = getenv("top_srcdir");
        char path[4096];
        json_object *document, *seccomp = NULL;
        struct seccomp_filter *f = NULL;
        char *reason = NULL;
        const void *data;
        size_t size;

        snprintf(path, sizeof(path), "%s/tests/fuzz/corpus/ociconfig_fuzz/podman.json", srcdir ? srcdir : ".");
        document = json_object_from_file(path);
        CHECK(document);
        if (!document)
                return;
        CHECK(json_object_object_get_ex(document, "linux", &seccomp) &&
              json_object_object_get_ex(seccomp, "seccomp", &seccomp));
        CHECK(oci_seccomp_parse(seccomp, &f, &reason) == 0 && f);
        if (reason)
                fprintf(stderr, "  %s\n", reason);
        seccomp_filter_data(f, &data, &size);
        CHECK(size > 0 && size <= SECCOMP_FILTER_DATA_MAX);
        /* An allow list: what it does not name fails as the profile says. */
        CHECK(outcome(f, CALL_UMASK_0022) == 0);
        seccomp_filter_free(f);
        free(reason);
        json_object_put(document);
}

/* ---- features and spec ---- */

static json_object *features(void) {
        char *text = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&text, &size);
        json_object *o = NULL;

        CHECK(f);
        if (!f)
                return NULL;
        CHECK(oci_features_print(f) == 0);
        fclose(f);
        o = json_tokener_parse(text);
        free(text);
        CHECK(o);
        return o;
}

static json_object *path_get(json_object *o, const char *a, const char *b) {
        json_object *v = NULL;

        if (!json_object_object_get_ex(o, a, &v) || (b && !json_object_object_get_ex(v, b, &v)))
                return NULL;
        return v;
}

/* a[i], NULL when a is no array or too short. */
static json_object *item(json_object *a, size_t i) {
        if (!json_object_is_type(a, json_type_array) || i >= json_object_array_length(a))
                return NULL;
        return json_object_array_get_idx(a, i);
}

static bool array_has(json_object *a, const char *s) {
        for (size_t i = 0; item(a, i); i++)
                if (streq_ptr(json_object_get_string(item(a, i)), s))
                        return true;
        return false;
}

TEST(oci_features_says_what_config_json_may_use) {
        json_object *o = features(), *seccomp = path_get(o, "linux", "seccomp");

        CHECK_STREQ(json_object_get_string(path_get(o, "ociVersionMin", NULL)), "1.0.0");
        CHECK_STREQ(json_object_get_string(path_get(o, "ociVersionMax", NULL)), "1.1.0");
        CHECK(array_has(path_get(o, "hooks", NULL), "createRuntime"));
        CHECK(array_has(path_get(o, "mountOptions", NULL), "rbind"));
        CHECK(array_has(path_get(o, "linux", "namespaces"), "user"));
        CHECK(array_has(path_get(o, "linux", "capabilities"), "CAP_SYS_ADMIN"));
        CHECK(json_object_get_boolean(path_get(seccomp, "enabled", NULL)));
        CHECK(array_has(path_get(seccomp, "actions", NULL), "SCMP_ACT_KILL_PROCESS"));
        CHECK(!array_has(path_get(seccomp, "actions", NULL), "SCMP_ACT_NOTIFY"));
        CHECK(array_has(path_get(seccomp, "operators", NULL), "SCMP_CMP_MASKED_EQ"));
        CHECK(array_has(path_get(seccomp, "archs", NULL), "SCMP_ARCH_X86_64"));
        CHECK(array_has(path_get(seccomp, "supportedFlags", NULL), "SECCOMP_FILTER_FLAG_LOG"));
        CHECK(!array_has(path_get(seccomp, "supportedFlags", NULL), "SECCOMP_FILTER_FLAG_NEW_LISTENER"));
        CHECK(!json_object_get_boolean(path_get(path_get(o, "linux", "selinux"), "enabled", NULL)));
        json_object_put(o);
}

/* Every architecture and action features lists, oci_seccomp_parse takes. */
TEST(oci_features_seccomp_lists_only_what_compiles) {
        json_object *o = features(), *seccomp = path_get(o, "linux", "seccomp");
        json_object *archs = path_get(seccomp, "archs", NULL), *acts = path_get(seccomp, "actions", NULL);

        for (size_t i = 0; item(archs, i); i++) {
                char text[256];

                snprintf(text, sizeof(text), "{ \"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"%s\"] }",
                         json_object_get_string(item(archs, i)));
                seccomp_filter_free(compile_ok(text));
        }
        for (size_t i = 0; item(acts, i); i++) {
                char text[256];

                snprintf(text, sizeof(text), "{ \"defaultAction\": \"%s\" }",
                         json_object_get_string(item(acts, i)));
                seccomp_filter_free(compile_ok(text));
        }
        json_object_put(o);
}

static bool has_namespace(json_object *spec, const char *type) {
        json_object *ns = path_get(spec, "linux", "namespaces");

        for (size_t i = 0; item(ns, i); i++)
                if (streq_ptr(json_object_get_string(path_get(item(ns, i), "type", NULL)), type))
                        return true;
        return false;
}

static const char *mount_type(json_object *spec, const char *destination) {
        json_object *mounts = path_get(spec, "mounts", NULL);

        for (size_t i = 0; item(mounts, i); i++) {
                json_object *m = item(mounts, i);

                if (streq_ptr(json_object_get_string(path_get(m, "destination", NULL)), destination))
                        return json_object_get_string(path_get(m, "type", NULL));
        }
        return NULL;
}

TEST(oci_spec_rootless_maps_the_caller_to_root) {
        json_object *spec = NULL, *map;

        CHECK(oci_spec_template(true, &spec) == 0 && spec);
        CHECK(has_namespace(spec, "user") && has_namespace(spec, "pid") && has_namespace(spec, "mount"));
        map = item(path_get(spec, "linux", "uidMappings"), 0);
        CHECK(map && json_object_get_int64(path_get(map, "containerID", NULL)) == 0 &&
              json_object_get_int64(path_get(map, "hostID", NULL)) == (int64_t) getuid() &&
              json_object_get_int64(path_get(map, "size", NULL)) == 1);
        CHECK(!item(path_get(spec, "linux", "uidMappings"), 1));
        map = item(path_get(spec, "linux", "gidMappings"), 0);
        CHECK(map && json_object_get_int64(path_get(map, "hostID", NULL)) == (int64_t) getgid());
        CHECK(!path_get(spec, "linux", "resources"));
        CHECK_STREQ(mount_type(spec, "/sys"), "bind");
        CHECK_STREQ(json_object_get_string(path_get(spec, "root", "path")), "rootfs");
        CHECK(array_has(path_get(spec, "linux", "maskedPaths"), "/proc/kcore"));
        CHECK(array_has(path_get(spec, "linux", "readonlyPaths"), "/proc/sys"));
        json_object_put(spec);
}

TEST(oci_spec_without_rootless_has_no_user_namespace) {
        json_object *spec = NULL;

        CHECK(oci_spec_template(false, &spec) == 0 && spec);
        CHECK(!has_namespace(spec, "user") && has_namespace(spec, "network"));
        CHECK(!path_get(spec, "linux", "uidMappings"));
        CHECK_STREQ(mount_type(spec, "/sys"), "sysfs");
        CHECK_STREQ(mount_type(spec, "/dev/pts"), "devpts");
        CHECK(json_object_get_boolean(path_get(spec, "process", "terminal")));
        CHECK_STREQ(json_object_get_string(item(path_get(spec, "process", "args"), 0)), "sh");
        json_object_put(spec);
}

int main(void) {
        static const struct unit_case cases[] = {
                UNIT(oci_seccomp_denied_call_returns_the_errno_ret),
                UNIT(oci_seccomp_errno_without_errno_ret_is_eperm),
                UNIT(oci_seccomp_default_action_and_default_errno_ret_apply_to_the_rest),
                UNIT(oci_seccomp_args_rule_matches_only_its_values),
                UNIT(oci_seccomp_args_of_one_rule_all_hold_and_rules_of_one_call_add_up),
                UNIT(oci_seccomp_an_argument_compared_twice_is_any_of_its_values),
                UNIT(oci_seccomp_kill_actions_kill),
                UNIT(oci_seccomp_unknown_syscall_name_is_skipped),
                UNIT(oci_seccomp_rule_like_the_default_is_accepted),
                UNIT(oci_seccomp_no_architectures_covers_the_machine),
                UNIT(oci_seccomp_flags_travel_with_the_filter),
                UNIT(oci_seccomp_refusals_name_the_field),
                UNIT(oci_seccomp_podman_default_profile_compiles_and_fits),
                UNIT(oci_features_says_what_config_json_may_use),
                UNIT(oci_features_seccomp_lists_only_what_compiles),
                UNIT(oci_spec_rootless_maps_the_caller_to_root),
                UNIT(oci_spec_without_rootless_has_no_user_namespace),
        };

        return unit_main(cases, ELEMENTSOF(cases));
}
