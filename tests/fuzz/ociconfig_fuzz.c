/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: config.json on arbitrary bytes. The bundle is the
 * caller's (podman, conmon, Slurm, a user), and userbox-oci reads it
 * before anything else: whatever oci_spec_parse refuses must say why
 * (a reason naming the field), whatever it accepts must yield a config
 * the launch pipeline can take (its seccomp filter copyable, within the
 * size the launcher sends), and nothing may crash or leak. linux.seccomp
 * (or the whole input, when it is a seccomp object itself) also goes
 * through oci_seccomp_parse alone, which compiles it with libseccomp:
 * the compiled program must be whole and fit the kernel's limit. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "oci-internal.h"
#include "security.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

/* A refusal says why, unless memory ran out; an acceptance says nothing. */
static void check_reason(int r, char **reason) {
        CHECK(r >= 0 ? *reason == NULL : (*reason != NULL || r == -ENOMEM));
        CHECK(!*reason || **reason);
        free(*reason);
        *reason = NULL;
}

static void check_filter(const struct seccomp_filter *f) {
        struct seccomp_filter *copy = NULL;
        const void *a, *b;
        size_t na, nb;

        if (!f)
                return;
        seccomp_filter_data(f, &a, &na);
        CHECK(na > 0 && na <= SECCOMP_FILTER_DATA_MAX);
        CHECK(seccomp_filter_copy(f, &copy) == 0 && copy);
        seccomp_filter_data(copy, &b, &nb);
        CHECK(na == nb && memcmp(a, b, na) == 0);
        seccomp_filter_free(copy);
}

static void fuzz_spec(const char *text, size_t size) {
        struct config c;
        struct oci_spec s = { 0 };
        struct seccomp_filter *f = NULL;
        char *reason = NULL;
        int r;

        config_init(&c);
        r = oci_spec_parse(text, size, "/bundle", &c, &s, &reason);
        check_reason(r, &reason);
        if (r >= 0) {
                CHECK(s.oci_version && s.bundle && streq(s.bundle, "/bundle"));
                check_filter(c.seccomp_program);
                /* What the launcher builds from it: config.json's own
                 * filter when it has one. */
                if (c.seccomp_program) {
                        CHECK(seccomp_build(&c, &f) == 0);
                        check_filter(f);
                        seccomp_filter_free(f);
                }
        }
        oci_spec_done(&s);
        config_done(&c);
}

static void fuzz_seccomp(const char *text, size_t size) {
        json_tokener *tok = json_tokener_new();
        json_object *doc, *linux_spec = NULL, *seccomp = NULL;
        struct seccomp_filter *f = NULL;
        char *reason = NULL;
        int r;

        if (!tok)
                return;
        doc = json_tokener_parse_ex(tok, text, (int) size);
        if (doc && json_tokener_get_error(tok) == json_tokener_success &&
            json_object_is_type(doc, json_type_object)) {
                if (!json_object_object_get_ex(doc, "linux", &linux_spec) ||
                    !json_object_object_get_ex(linux_spec, "seccomp", &seccomp))
                        seccomp = doc;
                r = oci_seccomp_parse(seccomp, &f, &reason);
                check_reason(r, &reason);
                CHECK(r >= 0 ? f != NULL : f == NULL);
                check_filter(f);
                seccomp_filter_free(f);
        }
        json_object_put(doc);
        json_tokener_free(tok);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        /* config.json is read whole into memory (OCI_SPEC_MAX); a larger
         * input only slows the search. */
        if (size > 1 << 20)
                return 0;
        fuzz_spec((const char *) data, size);
        fuzz_seccomp((const char *) data, size);
        return 0;
}
