/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: the parsers of an image's JSON documents (oci-layout,
 * an index, a manifest, docker save's manifest.json, the config) and the
 * choice of an image among an index's entries, on arbitrary bytes. Every
 * one of them reads what an image's maker wrote: whatever they accept
 * must be whole (each digest "sha256:" and 64 hex digits, every name
 * there), whatever they refuse must say why, and none may crash or leak. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image-internal.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static void check_refusal(int r, char **reason) {
        CHECK(r == 0 || r == -EINVAL);
        CHECK((r == 0) == (*reason == NULL));
        free(*reason);
        *reason = NULL;
}

static void check_descriptor(const struct image_descriptor *d) {
        CHECK(d->digest && !image_digest_invalid(d->digest));
        CHECK(d->size < INT64_MAX);
}

static void fuzz_index(const char *text, size_t size) {
        static const struct image_platform platform = { "linux", "amd64", NULL };
        struct image_index index = { 0 };
        char *reason = NULL;
        size_t pick = SIZE_MAX;
        int r = image_index_parse(text, size, &index, &reason);

        check_refusal(r, &reason);
        if (r < 0) {
                CHECK(!index.manifests);
                return;
        }
        CHECK(index.n_manifests > 0);
        for (size_t i = 0; i < index.n_manifests; i++)
                check_descriptor(&index.manifests[i]);
        /* Without a reference, by one that may be there, by one that is. */
        r = image_index_select(&index, NULL, &platform, &pick, &reason);
        check_refusal(r, &reason);
        CHECK(r < 0 || pick < index.n_manifests);
        r = image_index_select(&index, "latest", &platform, &pick, &reason);
        check_refusal(r, &reason);
        if (index.manifests[0].ref_name) {
                r = image_index_select(&index, index.manifests[0].ref_name, &platform, &pick, &reason);
                check_refusal(r, &reason);
                CHECK(r < 0 || pick < index.n_manifests);
        }
        image_index_done(&index);
}

static void fuzz_manifest(const char *text, size_t size) {
        struct image_manifest m = { 0 };
        char *reason = NULL;
        int r = image_manifest_parse(text, size, &m, &reason);

        check_refusal(r, &reason);
        if (r < 0) {
                CHECK(!m.layers && !m.config.digest);
                return;
        }
        check_descriptor(&m.config);
        CHECK(m.n_layers <= IMAGE_LAYERS_MAX);
        for (size_t i = 0; i < m.n_layers; i++)
                check_descriptor(&m.layers[i]);
        image_manifest_done(&m);
}

static void fuzz_docker(const char *text, size_t size) {
        struct docker_manifest m = { 0 };
        const char *tag = NULL;
        char *reason = NULL;
        size_t pick = SIZE_MAX;
        int r = docker_manifest_parse(text, size, &m, &reason);

        check_refusal(r, &reason);
        if (r < 0) {
                CHECK(!m.images);
                return;
        }
        for (size_t i = 0; i < m.n_images; i++)
                CHECK(m.images[i].config && m.images[i].repo_tags && m.images[i].layers &&
                      strv_length(m.images[i].layers) <= IMAGE_LAYERS_MAX);
        r = docker_manifest_select(&m, NULL, &pick, &tag, &reason);
        check_refusal(r, &reason);
        CHECK(r < 0 || pick < m.n_images);
        r = docker_manifest_select(&m, "busybox:latest", &pick, &tag, &reason);
        check_refusal(r, &reason);
        CHECK(r < 0 || (pick < m.n_images && tag));
        docker_manifest_done(&m);
}

static void fuzz_config(const char *text, size_t size) {
        struct image_config c = { 0 };
        char *reason = NULL;
        int r = image_config_parse(text, size, &c, &reason);

        check_refusal(r, &reason);
        if (r < 0) {
                CHECK(!c.created && !c.diff_ids);
                return;
        }
        for (size_t i = 0; c.diff_ids && c.diff_ids[i]; i++)
                CHECK(!image_digest_invalid(c.diff_ids[i]));
        image_config_done(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        const char *text = (const char *) data;
        char *reason = NULL;

        /* Every parser on every input: one corpus of JSON feeds all. */
        check_refusal(image_layout_parse(text, size, &reason), &reason);
        fuzz_index(text, size);
        fuzz_manifest(text, size);
        fuzz_docker(text, size);
        fuzz_config(text, size);
        return 0;
}
