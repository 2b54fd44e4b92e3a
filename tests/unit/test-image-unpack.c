/* SPDX-License-Identifier: Apache-2.0 */
/* src/image/: image_unpack, the whole of `userbox-image unpack`, on images
 * built here (an OCI layout, the same as an oci-archive, an old docker
 * save archive, a plain root tar): what it writes into DEST, and that an
 * image whose blob is not what its digest says, or an archive whose names
 * leave it, writes nothing. Runs as any user: id_count 1, ownership not
 * kept. */
#include <archive.h>
#include <archive_entry.h>
#include <json-c/json.h>
#include <nettle/sha2.h>
#include <sys/stat.h>

#include "image-internal.h"
#include "unit.h"
#include "util.h"

struct entry {
        const char *name;
        const char *content;  /* NULL: a directory */
        size_t size;          /* 0: strlen(content) */
};

/* A tar of entries at path, uncompressed: names verbatim. */
static void tar_write(const char *path, const struct entry *e, size_t n) {
        struct archive *a = archive_write_new();
        struct archive_entry *ae = archive_entry_new();

        archive_write_set_format_pax_restricted(a);
        CHECK(archive_write_open_filename(a, path) == ARCHIVE_OK);
        for (size_t i = 0; i < n; i++) {
                size_t size = e[i].content ? (e[i].size ?: strlen(e[i].content)) : 0;
                archive_entry_clear(ae);
                archive_entry_set_pathname(ae, e[i].name);
                archive_entry_set_filetype(ae, e[i].content ? AE_IFREG : AE_IFDIR);
                archive_entry_set_perm(ae, e[i].content ? 0644 : 0755);
                archive_entry_set_size(ae, (la_int64_t) size);
                CHECK(archive_write_header(a, ae) == ARCHIVE_OK);
                if (size)
                        CHECK(archive_write_data(a, e[i].content, size) == (la_ssize_t) size);
        }
        archive_entry_free(ae);
        archive_write_close(a);
        archive_write_free(a);
}

static char *file_read(const char *dir, const char *name, size_t *size) {
        _cleanup_free_ char *path = path_join(dir, name);
        _cleanup_close_ int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
        char *data = NULL;

        if (fd < 0 || read_full_fd(fd, 64 << 20, &data, size) < 0)
                return NULL;
        return data;
}

static void file_write(const char *dir, const char *name, const char *data, size_t size) {
        _cleanup_free_ char *path = path_join(dir, name);
        _cleanup_fclose_ FILE *f = path ? fopen(path, "we") : NULL;

        CHECK(f && fwrite(data, 1, size, f) == size);
}

static void sha256_of(const char *data, size_t size, char hex[SHA256_HEX_SIZE]) {
        struct sha256_ctx ctx;
        uint8_t d[SHA256_DIGEST_SIZE];

        sha256_init(&ctx);
        sha256_update(&ctx, size, (const uint8_t *) data);
        sha256_digest(&ctx, sizeof(d), d);
        for (size_t i = 0; i < sizeof(d); i++)
                snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

/* A blob into dir/blobs/sha256/<hex>; hex is returned. */
static void blob_put(const char *dir, const char *data, size_t size, char hex[SHA256_HEX_SIZE]) {
        char name[128];

        sha256_of(data, size, hex);
        snprintf(name, sizeof(name), "blobs/sha256/%s", hex);
        file_write(dir, name, data, size);
}

struct fixture {
        char dir[64];     /* everything: the image's files and DEST */
        char image[96];   /* the OCI layout */
        char dest[96];
        char layer_hex[2][SHA256_HEX_SIZE];
        size_t layer_size[2];
        char config_hex[SHA256_HEX_SIZE], manifest_hex[SHA256_HEX_SIZE];
        struct layer_stats st;
};

static const char config_json[] = "{\"created\": \"2024-01-02T03:04:05Z\", \"architecture\": \"amd64\", \"os\": \"linux\","
                                  " \"config\": {\"Cmd\": [\"/bin/sh\"]}, \"rootfs\": {\"type\": \"layers\", \"diff_ids\": []}}";

/* Two layers: etc/hello, then etc/second. */
static void layout_make(struct fixture *f) {
        static const struct entry layers[2][2] = {
                { { "etc/", NULL, 0 }, { "etc/hello", "hello\n", 0 } },
                { { "etc/", NULL, 0 }, { "etc/second", "second\n", 0 } },
        };
        char manifest[1024], index[512], path[160];

        snprintf(f->dir, sizeof(f->dir), "/tmp/userbox-unit-XXXXXX");
        CHECK(mkdtemp(f->dir));
        snprintf(f->image, sizeof(f->image), "%s/layout", f->dir);
        snprintf(f->dest, sizeof(f->dest), "%s/dest", f->dir);
        CHECK(mkdir(f->image, 0755) == 0 && mkdir(f->dest, 0755) == 0);
        snprintf(path, sizeof(path), "%s/blobs", f->image);
        CHECK(mkdir(path, 0755) == 0);
        snprintf(path, sizeof(path), "%s/blobs/sha256", f->image);
        CHECK(mkdir(path, 0755) == 0);
        for (int i = 0; i < 2; i++) {
                _cleanup_free_ char *data = NULL;
                size_t size = 0;
                snprintf(path, sizeof(path), "%s/layer%d.tar", f->dir, i);
                tar_write(path, layers[i], 2);
                data = file_read(f->dir, path + strlen(f->dir) + 1, &size);
                CHECK(data);
                if (data)
                        blob_put(f->image, data, size, f->layer_hex[i]);
                f->layer_size[i] = size;
        }
        blob_put(f->image, config_json, strlen(config_json), f->config_hex);
        snprintf(manifest, sizeof(manifest),
                 "{\"schemaVersion\": 2, \"mediaType\": \"application/vnd.oci.image.manifest.v1+json\","
                 " \"config\": {\"mediaType\": \"application/vnd.oci.image.config.v1+json\", \"digest\": \"sha256:%s\", \"size\": %zu},"
                 " \"layers\": [{\"mediaType\": \"application/vnd.oci.image.layer.v1.tar\", \"digest\": \"sha256:%s\", \"size\": %zu},"
                 "              {\"mediaType\": \"application/vnd.oci.image.layer.v1.tar\", \"digest\": \"sha256:%s\", \"size\": %zu}]}",
                 f->config_hex, strlen(config_json), f->layer_hex[0], f->layer_size[0], f->layer_hex[1], f->layer_size[1]);
        blob_put(f->image, manifest, strlen(manifest), f->manifest_hex);
        file_write(f->image, "oci-layout", "{\"imageLayoutVersion\": \"1.0.0\"}", 31);
        snprintf(index, sizeof(index),
                 "{\"schemaVersion\": 2, \"manifests\": [{\"mediaType\": \"application/vnd.oci.image.manifest.v1+json\","
                 " \"digest\": \"sha256:%s\", \"size\": %zu, \"annotations\": {\"org.opencontainers.image.ref.name\": \"1.0\"}}]}",
                 f->manifest_hex, strlen(manifest));
        file_write(f->image, "index.json", index, strlen(index));
}

static void fixture_end(struct fixture *f) {
        char cmd[128];

        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
        if (f->dir[0] && system(cmd) != 0)
                fprintf(stderr, "  could not remove %s\n", f->dir);
}

/* image_unpack of source into f->dest; *message is what it printed. */
static int unpack(struct fixture *f, const char *source, const char **message) {
        static char copy[1024];
        struct image_unpack_options o = { .id_count = 1 };
        int r;

        log_set_deferred(true);
        r = image_unpack(source, f->dest, &o, &f->st);
        snprintf(copy, sizeof(copy), "%s", log_deferred_message());
        log_set_deferred(false);
        *message = copy;
        return r;
}

static bool exists_in(const char *dir, const char *name) {
        _cleanup_free_ char *path = path_join(dir, name);
        struct stat st;

        return path && lstat(path, &st) == 0;
}

static const char *image_json_string(const char *dest, const char *key) {
        static char value[256];
        _cleanup_free_ char *text = NULL;
        json_object *o, *v;
        size_t size;

        value[0] = '\0';
        text = file_read(dest, "image.json", &size);
        o = text ? json_tokener_parse(text) : NULL;
        if (o && json_object_object_get_ex(o, key, &v))
                snprintf(value, sizeof(value), "%s", v ? json_object_get_string(v) : "null");
        json_object_put(o);
        return value;
}

TEST(oci_layout_is_unpacked_and_described) {
        struct fixture f = { 0 };
        _cleanup_free_ char *hello = NULL, *config = NULL;
        const char *message;
        char want[80];
        size_t size;

        layout_make(&f);
        CHECK(unpack(&f, f.image, &message) == 0);
        hello = file_read(f.dest, "rootfs/etc/hello", &size);
        CHECK_STREQ(hello, "hello\n");
        CHECK(exists_in(f.dest, "rootfs/etc/second"));
        config = file_read(f.dest, "config.json", &size);
        CHECK(config && size == strlen(config_json) && memcmp(config, config_json, size) == 0);
        CHECK_STREQ(image_json_string(f.dest, "format"), "oci-layout");
        CHECK_STREQ(image_json_string(f.dest, "source"), f.image);
        snprintf(want, sizeof(want), "sha256:%s", f.manifest_hex);
        CHECK_STREQ(image_json_string(f.dest, "digest"), want);
        CHECK_STREQ(image_json_string(f.dest, "tag"), "1.0");
        CHECK_STREQ(image_json_string(f.dest, "created"), "2024-01-02T03:04:05Z");
        CHECK_STREQ(image_json_string(f.dest, "layers"), "2");
        fixture_end(&f);
}

/* tar -C layout -cf x.tar . writes "./" first: still an image archive. */
TEST(oci_archive_made_with_tar_dot_is_staged_and_the_staging_removed) {
        struct fixture f = { 0 };
        char cmd[512], archive[128];
        const char *message;

        layout_make(&f);
        snprintf(archive, sizeof(archive), "%s/image.tar", f.dir);
        snprintf(cmd, sizeof(cmd), "tar -cf '%s' -C '%s' .", archive, f.image);
        CHECK(system(cmd) == 0);
        CHECK(unpack(&f, archive, &message) == 0);
        CHECK_STREQ(image_json_string(f.dest, "format"), "oci-archive");
        CHECK(exists_in(f.dest, "rootfs/etc/second"));
        CHECK(!exists_in(f.dest, ".staging"));
        fixture_end(&f);
}

TEST(a_layer_not_matching_its_digest_is_refused_before_any_layer_is_applied) {
        struct fixture f = { 0 };
        char name[128], want[256], actual[SHA256_HEX_SIZE];
        _cleanup_free_ char *data = NULL;
        const char *message;
        size_t size;

        layout_make(&f);
        /* The second layer, same size, one byte changed. */
        snprintf(name, sizeof(name), "blobs/sha256/%s", f.layer_hex[1]);
        data = file_read(f.image, name, &size);
        CHECK(data && size > 600 && size == f.layer_size[1]);
        if (!data) {
                fixture_end(&f);
                return;
        }
        data[520] ^= 1;
        file_write(f.image, name, data, size);
        CHECK(unpack(&f, f.image, &message) < 0);
        sha256_of(data, size, actual);
        snprintf(want, sizeof(want), "blob sha256:%s: digest mismatch (its content is sha256:%s)", f.layer_hex[1], actual);
        CHECK_STREQ(message, want);
        /* Not even the first layer's file: nothing was applied. */
        CHECK(!exists_in(f.dest, "rootfs/etc/hello"));
        CHECK(!exists_in(f.dest, "image.json"));
        fixture_end(&f);
}

/* <id>/layer.tar is named by no digest: the config's diff_ids check it. */
static int docker_archive_unpack(struct fixture *f, bool swapped, char config_hex[SHA256_HEX_SIZE],
                                 const char **message) {
        _cleanup_free_ char *l0 = NULL, *l1 = NULL;
        char config[512], config_name[80], manifest[256], archive[128], name[128];
        size_t n0 = 0, n1 = 0;

        snprintf(name, sizeof(name), "blobs/sha256/%s", f->layer_hex[0]);
        l0 = file_read(f->image, name, &n0);
        snprintf(name, sizeof(name), "blobs/sha256/%s", f->layer_hex[1]);
        l1 = file_read(f->image, name, &n1);
        if (!l0 || !l1)
                return -ENOENT;
        snprintf(config, sizeof(config), "{\"created\": \"2024-01-02T03:04:05Z\", \"rootfs\": {\"type\": \"layers\","
                 " \"diff_ids\": [\"sha256:%s\", \"sha256:%s\"]}}", f->layer_hex[0], f->layer_hex[1]);
        sha256_of(config, strlen(config), config_hex);
        snprintf(config_name, sizeof(config_name), "%s.json", config_hex);
        snprintf(manifest, sizeof(manifest), "[{\"Config\": \"%s\", \"RepoTags\": [\"debian:12\"],"
                 " \"Layers\": [\"1111/layer.tar\", \"2222/layer.tar\"]}]", config_name);
        {
                const struct entry e[] = {
                        { "repositories", "{}", 0 }, { "1111/", NULL, 0 }, { "1111/layer.tar", l0, n0 },
                        { "2222/", NULL, 0 }, { "2222/layer.tar", swapped ? l0 : l1, swapped ? n0 : n1 },
                        { config_name, config, 0 }, { "manifest.json", manifest, 0 },
                };
                snprintf(archive, sizeof(archive), "%s/docker.tar", f->dir);
                tar_write(archive, e, ELEMENTSOF(e));
        }
        return unpack(f, archive, message);
}

TEST(old_docker_archive_layers_are_checked_by_the_configs_diff_ids) {
        struct fixture f = { 0 };
        char config_hex[SHA256_HEX_SIZE], want[256];
        const char *message;

        layout_make(&f);
        CHECK(docker_archive_unpack(&f, false, config_hex, &message) == 0);
        CHECK_STREQ(image_json_string(f.dest, "format"), "docker-archive");
        CHECK_STREQ(image_json_string(f.dest, "tag"), "debian:12");
        snprintf(want, sizeof(want), "sha256:%s", config_hex);
        CHECK_STREQ(image_json_string(f.dest, "digest"), want);
        CHECK(exists_in(f.dest, "rootfs/etc/second"));
        fixture_end(&f);

        layout_make(&f);
        CHECK(docker_archive_unpack(&f, true, config_hex, &message) < 0);
        snprintf(want, sizeof(want), "blob sha256:%s: digest mismatch (its content is sha256:%s)", f.layer_hex[1],
                 f.layer_hex[0]);
        CHECK_STREQ(message, want);
        CHECK(!exists_in(f.dest, "rootfs/etc/hello"));
        fixture_end(&f);
}

TEST(staged_names_that_leave_the_archive_are_refused) {
        static const struct { const char *name, *message; } cases[] = {
                { "../escape", "refused: a '..' component" },
                { "/tmp/escape", "refused: an absolute name" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                struct fixture f = { 0 };
                const struct entry e[] = { { "manifest.json", "[]", 0 }, { cases[i].name, "x", 0 } };
                char archive[128];
                const char *message;

                layout_make(&f);
                snprintf(archive, sizeof(archive), "%s/hostile.tar", f.dir);
                tar_write(archive, e, ELEMENTSOF(e));
                CHECK(unpack(&f, archive, &message) < 0);
                CHECK(strstr(message, cases[i].message));
                CHECK(!exists_in(f.dest, ".staging") && !exists_in(f.dir, "escape"));
                fixture_end(&f);
        }
}

TEST(plain_root_tar_is_one_layer_named_by_its_path) {
        struct fixture f = { 0 };
        const struct entry e[] = { { "./", NULL, 0 }, { "./etc/", NULL, 0 }, { "./etc/os-release", "ID=test\n", 0 } };
        char archive[128];
        const char *message;

        layout_make(&f);
        snprintf(archive, sizeof(archive), "%s/root.tar", f.dir);
        tar_write(archive, e, ELEMENTSOF(e));
        CHECK(unpack(&f, archive, &message) == 0);
        CHECK(exists_in(f.dest, "rootfs/etc/os-release"));
        CHECK(!exists_in(f.dest, "config.json"));
        CHECK_STREQ(image_json_string(f.dest, "format"), "rootfs-tar");
        CHECK_STREQ(image_json_string(f.dest, "digest"), "null");
        CHECK_STREQ(image_json_string(f.dest, "layers"), "1");
        fixture_end(&f);
}

int main(void) {
        static const struct unit_case cases[] = {
                UNIT(oci_layout_is_unpacked_and_described),
                UNIT(oci_archive_made_with_tar_dot_is_staged_and_the_staging_removed),
                UNIT(a_layer_not_matching_its_digest_is_refused_before_any_layer_is_applied),
                UNIT(old_docker_archive_layers_are_checked_by_the_configs_diff_ids),
                UNIT(staged_names_that_leave_the_archive_are_refused),
                UNIT(plain_root_tar_is_one_layer_named_by_its_path),
        };
        return unit_main(cases, ELEMENTSOF(cases));
}
