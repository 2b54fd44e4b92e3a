/* SPDX-License-Identifier: Apache-2.0 */
/* src/image/: the parsers of an image's JSON documents (oci-layout, an
 * index, a manifest, docker save's manifest.json, the config) and the
 * choice of one image among several, by reference and by platform. */
#include "image-internal.h"
#include "unit.h"
#include "util.h"

#define HEX_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HEX_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define HEX_C "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
#define OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define OCI_INDEX "application/vnd.oci.image.index.v1+json"

/* Parses text with parse; returns the reason it was refused (to free), or
 * NULL when it was accepted. */
#define REFUSED(parse, text, result)                                                          \
        ({                                                                                    \
                char *_reason = NULL;                                                         \
                int _r = parse(text, strlen(text), result, &_reason);                         \
                CHECK((_r == 0) == (_reason == NULL));                                        \
                CHECK(_r == 0 || _r == -EINVAL);                                              \
                _reason;                                                                      \
        })

static bool reason_has(char *reason, const char *part) {
        bool found = reason && strstr(reason, part);

        if (!found)
                fprintf(stderr, "  reason '%s' lacks '%s'\n", reason ?: "(accepted)", part);
        free(reason);
        return found;
}

TEST(digests_are_sha256_and_64_lowercase_hex_digits) {
        CHECK(!image_digest_invalid("sha256:" HEX_A));
        CHECK(streq(image_digest_invalid("sha512:" HEX_A HEX_A), "only sha256 digests are supported"));
        CHECK(image_digest_invalid("sha256:" HEX_A "a"));
        CHECK(image_digest_invalid("sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
        CHECK(image_digest_invalid("sha256:"));
        CHECK(image_digest_invalid(HEX_A));
        CHECK(image_digest_invalid(":" HEX_A));
        CHECK(image_digest_invalid("sha256:../../../../etc/passwd"));
}

TEST(media_types_sort_into_kinds) {
        CHECK(media_type_kind(OCI_INDEX) == MEDIA_INDEX);
        CHECK(media_type_kind("application/vnd.docker.distribution.manifest.list.v2+json") == MEDIA_INDEX);
        CHECK(media_type_kind(OCI_MANIFEST) == MEDIA_MANIFEST);
        CHECK(media_type_kind("application/vnd.docker.container.image.v1+json") == MEDIA_CONFIG);
        CHECK(media_type_kind("application/vnd.oci.image.layer.v1.tar+zstd") == MEDIA_LAYER);
        CHECK(media_type_kind("application/vnd.docker.image.rootfs.diff.tar.gzip") == MEDIA_LAYER);
        CHECK(media_type_kind("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip") == MEDIA_LAYER_FOREIGN);
        CHECK(media_type_kind("application/vnd.oci.image.layer.nondistributable.v1.tar+gzip") == MEDIA_LAYER_FOREIGN);
        CHECK(media_type_kind("application/vnd.oci.image.layer.v1.tar+gzip+encrypted") == MEDIA_UNKNOWN);
        CHECK(media_type_kind(NULL) == MEDIA_UNKNOWN);
}

static int layout_parse(const char *text, size_t size, void *unused, char **reason) {
        (void) unused;
        return image_layout_parse(text, size, reason);
}

TEST(layout_file_says_version_1) {
        CHECK(!REFUSED(layout_parse, "{\"imageLayoutVersion\": \"1.0.0\"}", NULL));
        CHECK(reason_has(REFUSED(layout_parse, "{\"imageLayoutVersion\": \"2.0.0\"}", NULL), "only 1.x"));
        CHECK(reason_has(REFUSED(layout_parse, "{}", NULL), "imageLayoutVersion: missing"));
        CHECK(reason_has(REFUSED(layout_parse, "{\"imageLayoutVersion\": 1}", NULL), "not a string"));
        CHECK(reason_has(REFUSED(layout_parse, "[]", NULL), "not a JSON object"));
        CHECK(reason_has(REFUSED(layout_parse, "{\"imageLayoutVersion\": \"1.0.0\"} x", NULL), "not JSON"));
        CHECK(reason_has(REFUSED(layout_parse, "", NULL), "not JSON"));
}

TEST(index_entries_keep_digest_size_reference_and_platform) {
        struct image_index index = { 0 };
        const char *text =
                "{\"schemaVersion\": 2, \"manifests\": ["
                "{\"mediaType\": \"" OCI_MANIFEST "\", \"digest\": \"sha256:" HEX_A "\", \"size\": 503,"
                " \"annotations\": {\"org.opencontainers.image.ref.name\": \"12\"},"
                " \"platform\": {\"os\": \"linux\", \"architecture\": \"arm\", \"variant\": \"v7\"}},"
                "{\"mediaType\": \"" OCI_INDEX "\", \"digest\": \"sha256:" HEX_B "\", \"size\": 0,"
                " \"annotations\": {\"org.opencontainers.image.ref.name\": \"12\","
                "                   \"io.containerd.image.name\": \"docker.io/library/debian:12\"}}]}";

        CHECK(!REFUSED(image_index_parse, text, &index));
        CHECK(index.n_manifests == 2);
        if (index.n_manifests != 2)
                return;
        CHECK_STREQ(index.manifests[0].media_type, OCI_MANIFEST);
        CHECK_STREQ(index.manifests[0].digest, "sha256:" HEX_A);
        CHECK(index.manifests[0].size == 503);
        CHECK_STREQ(index.manifests[0].ref_name, "12");
        CHECK_STREQ(index.manifests[0].architecture, "arm");
        CHECK_STREQ(index.manifests[0].variant, "v7");
        /* containerd's annotation is the whole reference: it names the image. */
        CHECK_STREQ(index.manifests[1].ref_name, "docker.io/library/debian:12");
        CHECK(!index.manifests[1].os);
        image_index_done(&index);
}

TEST(index_refusals_name_the_field) {
        struct image_index index = { 0 };
        static const struct { const char *text, *reason; } cases[] = {
                { "{\"manifests\": []}", "schemaVersion: not 2" },
                { "{\"schemaVersion\": 2}", "manifests: missing" },
                { "{\"schemaVersion\": 2, \"manifests\": []}", "manifests: empty" },
                { "{\"schemaVersion\": 2, \"manifests\": {}}", "manifests: not an array" },
                { "{\"schemaVersion\": 2, \"mediaType\": \"" OCI_MANIFEST "\", \"manifests\": []}", "not an image index" },
                { "{\"schemaVersion\": 2, \"manifests\": [7]}", "manifests[0]: not an object" },
                { "{\"schemaVersion\": 2, \"manifests\": [{\"size\": 1}]}", "manifests[0].digest: missing" },
                { "{\"schemaVersion\": 2, \"manifests\": [{\"digest\": \"sha512:" HEX_A HEX_A "\", \"size\": 1}]}",
                  "only sha256 digests are supported" },
                { "{\"schemaVersion\": 2, \"manifests\": [{\"digest\": \"sha256:" HEX_A "\"}]}",
                  "manifests[0].size: not a size" },
                { "{\"schemaVersion\": 2, \"manifests\": [{\"digest\": \"sha256:" HEX_A "\", \"size\": -1}]}",
                  "manifests[0].size: not a size" },
                { "{\"schemaVersion\": 2, \"manifests\": [{\"digest\": \"sha256:" HEX_A "\", \"size\": 1e3}]}",
                  "manifests[0].size: not a size" },
                { "{\"schemaVersion\": 2, \"manifests\": [{\"digest\": \"sha256:" HEX_A "\", \"size\": 99999999999999999999}]}",
                  "manifests[0].size: not a size" },
                { "{\"schemaVersion\": 2, \"manifests\": [{\"digest\": \"sha256:" HEX_A "\", \"size\": 1, \"annotations\": 3}]}",
                  "annotations: not an object" },
                { "{\"schemaVersion\": 2, \"manifests\": [{\"digest\": \"sha256:" HEX_A "\", \"size\": 1, \"platform\": {\"os\": 1}}]}",
                  "manifests[0].platform.os: not a string" },
                { "{\"schemaVersion\": 2, \"manifests\": [{\"digest\": \"sha256:" HEX_A "\", \"mediaType\": \"a\\u0000b\", \"size\": 1}]}",
                  "mediaType: not a string" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                CHECK(reason_has(REFUSED(image_index_parse, cases[i].text, &index), cases[i].reason));
        CHECK(!index.manifests);
}

TEST(manifest_has_config_and_layers_in_order) {
        struct image_manifest m = { 0 };
        const char *text =
                "{\"schemaVersion\": 2, \"mediaType\": \"" OCI_MANIFEST "\","
                " \"config\": {\"mediaType\": \"application/vnd.oci.image.config.v1+json\","
                "             \"digest\": \"sha256:" HEX_A "\", \"size\": 438},"
                " \"layers\": [{\"mediaType\": \"application/vnd.oci.image.layer.v1.tar+gzip\","
                "              \"digest\": \"sha256:" HEX_B "\", \"size\": 134},"
                "             {\"mediaType\": \"application/vnd.oci.image.layer.v1.tar\","
                "              \"digest\": \"sha256:" HEX_C "\", \"size\": 10240}],"
                " \"annotations\": {\"anything\": [1, 2]}}";

        CHECK(!REFUSED(image_manifest_parse, text, &m));
        CHECK_STREQ(m.config.digest, "sha256:" HEX_A);
        CHECK(m.config.size == 438);
        CHECK(m.n_layers == 2);
        if (m.n_layers == 2) {
                CHECK_STREQ(m.layers[0].digest, "sha256:" HEX_B);
                CHECK_STREQ(m.layers[1].media_type, "application/vnd.oci.image.layer.v1.tar");
                CHECK(m.layers[1].size == 10240);
        }
        image_manifest_done(&m);
}

TEST(manifest_refusals_name_the_field) {
        struct image_manifest m = { 0 };
        static const struct { const char *text, *reason; } cases[] = {
                { "{\"schemaVersion\": 1, \"fsLayers\": []}", "schema 1 manifests are not read" },
                { "{\"schemaVersion\": 2, \"mediaType\": \"" OCI_INDEX "\"}", "not an image manifest" },
                { "{\"schemaVersion\": 2, \"layers\": []}", "config: missing" },
                { "{\"schemaVersion\": 2, \"config\": null, \"layers\": []}", "config: missing" },
                { "{\"schemaVersion\": 2, \"config\": {\"digest\": \"sha256:" HEX_A "\", \"size\": 1}}", "layers: missing" },
                { "{\"schemaVersion\": 2, \"config\": {\"digest\": \"md5:x\", \"size\": 1}, \"layers\": []}",
                  "config.digest: 'md5:x': only sha256" },
                { "{\"schemaVersion\": 2, \"config\": {\"digest\": \"sha256:" HEX_A "\", \"size\": 1},"
                  " \"layers\": [{\"digest\": \"sha256:../x\", \"size\": 1}]}", "layers[0].digest: 'sha256:../x': not a digest" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                CHECK(reason_has(REFUSED(image_manifest_parse, cases[i].text, &m), cases[i].reason));
        CHECK(!m.layers && !m.config.digest);
}

TEST(docker_manifest_lists_images_with_tags_and_layer_files) {
        struct docker_manifest m = { 0 };
        const char *text =
                "[{\"Config\": \"" HEX_A ".json\", \"RepoTags\": [\"debian:12\", \"debian:latest\"],"
                "  \"Layers\": [\"" HEX_B "/layer.tar\", \"" HEX_C "/layer.tar\"]},"
                " {\"Config\": \"blobs/sha256/" HEX_B "\", \"RepoTags\": null, \"Layers\": [],"
                "  \"LayerSources\": {\"sha256:" HEX_C "\": {\"mediaType\": "
                "   \"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip\", \"size\": 1, \"digest\": \"x\"}}}]";

        CHECK(!REFUSED(docker_manifest_parse, text, &m));
        CHECK(m.n_images == 2);
        if (m.n_images != 2)
                return;
        CHECK_STREQ(m.images[0].config, HEX_A ".json");
        CHECK(strv_length(m.images[0].repo_tags) == 2);
        CHECK_STREQ(m.images[0].layers[1], HEX_C "/layer.tar");
        CHECK(!m.images[0].foreign);
        CHECK(strv_length(m.images[1].repo_tags) == 0);
        CHECK(strv_length(m.images[1].layers) == 0);
        CHECK(m.images[1].foreign);
        docker_manifest_done(&m);
}

TEST(docker_manifest_refusals) {
        struct docker_manifest m = { 0 };
        static const struct { const char *text, *reason; } cases[] = {
                { "{}", "not a JSON array" },
                { "[]", "no image in it" },
                { "[{\"Layers\": []}]", "[0].Config: missing" },
                { "[{\"Config\": \"c\"}]", "[0].Layers: missing" },
                { "[{\"Config\": \"c\", \"Layers\": [1]}]", "[0].Layers[0]: not a string" },
                { "[{\"Config\": \"c\", \"Layers\": [], \"RepoTags\": \"x\"}]", "[0].RepoTags: not an array" },
                { "[{\"Config\": \"c\", \"Layers\": []}, 5]", "[1]: not an object" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                CHECK(reason_has(REFUSED(docker_manifest_parse, cases[i].text, &m), cases[i].reason));
        CHECK(!m.images);
}

TEST(config_gives_created_and_diff_ids) {
        struct image_config c = { 0 };

        CHECK(!REFUSED(image_config_parse,
                       "{\"created\": \"2024-01-02T03:04:05Z\", \"architecture\": \"amd64\", \"config\": {\"Env\": []},"
                       " \"rootfs\": {\"type\": \"layers\", \"diff_ids\": [\"sha256:" HEX_A "\", \"sha256:" HEX_B "\"]}}",
                       &c));
        CHECK_STREQ(c.created, "2024-01-02T03:04:05Z");
        CHECK(strv_length(c.diff_ids) == 2);
        image_config_done(&c);
        CHECK(!REFUSED(image_config_parse, "{}", &c));
        CHECK(!c.created && !c.diff_ids);
        CHECK(reason_has(REFUSED(image_config_parse, "{\"rootfs\": {\"diff_ids\": [\"sha1:ab\"]}}", &c),
                         "rootfs.diff_ids[0]: 'sha1:ab': only sha256"));
        CHECK(reason_has(REFUSED(image_config_parse, "{\"rootfs\": []}", &c), "rootfs: not an object"));
        CHECK(reason_has(REFUSED(image_config_parse, "{\"created\": 5}", &c), "created: not a string"));
        /* Deeper than any config nests: refused, not recursed into. */
        CHECK(reason_has(REFUSED(image_config_parse,
                                 "{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}", &c),
                         "not JSON"));
}

/* An index as the selection sees it. */
#define ENTRY(name_, os_, arch_, variant_) { .digest = (char *) "sha256:" HEX_A, .ref_name = (char *) (name_), \
        .os = (char *) (os_), .architecture = (char *) (arch_), .variant = (char *) (variant_) }

static const struct image_platform amd64 = { "linux", "amd64", NULL };
static const struct image_platform armv7 = { "linux", "arm", "v7" };

static char *select_reason(const struct image_descriptor *entries, size_t n, const char *ref,
                           const struct image_platform *p, size_t *pick) {
        struct image_index index = { (struct image_descriptor *) entries, n };
        char *reason = NULL;
        int r = image_index_select(&index, ref, p, pick, &reason);

        CHECK((r == 0) == (reason == NULL));
        return reason;
}

TEST(index_select_by_ref_then_platform) {
        static const struct image_descriptor tags[] = {
                ENTRY("busybox:1", NULL, NULL, NULL), ENTRY("12", NULL, NULL, NULL),
                ENTRY("docker.io/library/debian:11", NULL, NULL, NULL),
        };
        static const struct image_descriptor platforms[] = {
                ENTRY(NULL, "linux", "arm64", "v8"), ENTRY(NULL, "linux", "arm", "v6"),
                ENTRY(NULL, "linux", "arm", "v7"), ENTRY(NULL, "linux", "amd64", NULL),
        };
        size_t pick = 99;

        CHECK(!select_reason(tags, 3, "12", &amd64, &pick) && pick == 1);
        /* As the user writes it: docker.io/library/ is implied. */
        CHECK(!select_reason(tags, 3, "debian:11", &amd64, &pick) && pick == 2);
        CHECK(reason_has(select_reason(tags, 3, NULL, &amd64, &pick),
                         "several images: pick one with --ref (it has: busybox:1, 12, docker.io/library/debian:11)"));
        CHECK(reason_has(select_reason(tags, 3, "13", &amd64, &pick), "no image '13' (it has: busybox:1, 12,"));
        /* A single image is taken whatever its platform says. */
        CHECK(!select_reason(tags, 1, NULL, &armv7, &pick) && pick == 0);
        CHECK(!select_reason(platforms, 4, NULL, &amd64, &pick) && pick == 3);
        CHECK(!select_reason(platforms, 4, NULL, &armv7, &pick) && pick == 2);
        CHECK(reason_has(select_reason(platforms, 3, NULL, &amd64, &pick),
                         "no image for linux/amd64 (it has: linux/arm64/v8, linux/arm/v6, linux/arm/v7)"));
        CHECK(reason_has(select_reason(platforms, 4, "x", &amd64, &pick), "no image 'x' (it has: (no name))"));
}

TEST(machine_platform_is_in_oci_words) {
        struct image_platform p;

        CHECK(image_platform_of_machine(&p) == 0);
        CHECK_STREQ(p.os, "linux");
#if defined(__x86_64__)
        CHECK_STREQ(p.architecture, "amd64");
#elif defined(__aarch64__)
        CHECK_STREQ(p.architecture, "arm64");
#endif
}

TEST(docker_select_by_repo_tag) {
        char *tags_a[] = { (char *) "docker.io/library/busybox:1", (char *) "busybox:latest", NULL };
        char *tags_b[] = { NULL };
        char *no_layers[] = { NULL };
        struct docker_image images[] = {
                { .config = (char *) "a.json", .repo_tags = tags_a, .layers = no_layers },
                { .config = (char *) "b.json", .repo_tags = tags_b, .layers = no_layers },
        };
        struct docker_manifest m = { images, 2 };
        const char *tag = NULL;
        char *reason = NULL;
        size_t pick = 99;

        CHECK(docker_manifest_select(&m, "busybox:1", &pick, &tag, &reason) == 0 && pick == 0);
        CHECK_STREQ(tag, "docker.io/library/busybox:1");
        CHECK(docker_manifest_select(&m, NULL, &pick, &tag, &reason) == -EINVAL);
        CHECK(reason_has(reason, "several images: pick one with --ref (it has: docker.io/library/busybox:1, "
                                 "busybox:latest, (untagged))"));
        m.n_images = 1;
        CHECK(docker_manifest_select(&m, NULL, &pick, &tag, &reason) == 0 && pick == 0);
        CHECK_STREQ(tag, "docker.io/library/busybox:1");
        CHECK(docker_manifest_select(&m, "busybox:2", &pick, &tag, &reason) == -EINVAL);
        CHECK(reason_has(reason, "no image 'busybox:2'"));
        m.images = &images[1];
        CHECK(docker_manifest_select(&m, NULL, &pick, &tag, &reason) == 0 && pick == 0 && tag == NULL);
}

int main(void) {
        static const struct unit_case cases[] = {
                UNIT(digests_are_sha256_and_64_lowercase_hex_digits),
                UNIT(media_types_sort_into_kinds),
                UNIT(layout_file_says_version_1),
                UNIT(index_entries_keep_digest_size_reference_and_platform),
                UNIT(index_refusals_name_the_field),
                UNIT(manifest_has_config_and_layers_in_order),
                UNIT(manifest_refusals_name_the_field),
                UNIT(docker_manifest_lists_images_with_tags_and_layer_files),
                UNIT(docker_manifest_refusals),
                UNIT(config_gives_created_and_diff_ids),
                UNIT(index_select_by_ref_then_platform),
                UNIT(machine_platform_is_in_oci_words),
                UNIT(docker_select_by_repo_tag),
        };
        return unit_main(cases, ELEMENTSOF(cases));
}
