/* SPDX-License-Identifier: Apache-2.0 */
/* From an image's index or manifest.json to its config and layers, each
 * checked against its digest before the first layer is applied: an OCI
 * layout (a directory or an oci-archive), or a docker or podman save
 * archive (the old layout, <id>/layer.tar checked by the config's diff_ids,
 * or docker 25's, blobs/sha256/<hex> checked by their names). */
#include "image-internal.h"
#include "util.h"

/* An index that names an index that names...: real ones nest once (a
 * multi-platform image under a tag). */
#define INDEX_NESTING_MAX 4

static int parse_error(const struct image_source *s, const char *path, int r, char *reason) {
        if (r == -ENOMEM)
                return log_errno(r, "%s%s", s->where, path);
        log_error("%s%s: %s", s->where, path, reason);
        free(reason);
        return r;
}

static char *blob_path(const char *digest) {
        char *path;

        return asprintf(&path, "blobs/sha256/%s", digest_hex(digest)) < 0 ? NULL : path;
}

static int oci_read_index(struct image_source *s, struct image_index *ret) {
        _cleanup_free_ char *layout = NULL, *text = NULL;
        char *reason = NULL;
        size_t size;
        int r;

        /* The file that says "this directory is an OCI layout", and which
         * version of one. */
        r = image_read_file(s, "oci-layout", 4096, &layout, &size);
        if (r < 0)
                return r;
        r = image_layout_parse(layout, size, &reason);
        if (r < 0)
                return parse_error(s, "oci-layout", r, reason);
        r = image_read_file(s, "index.json", IMAGE_JSON_MAX, &text, &size);
        if (r < 0)
                return r;
        r = image_index_parse(text, size, ret, &reason);
        if (r < 0)
                return parse_error(s, "index.json", r, reason);
        return 0;
}

/* Follows index entries (by --ref, then by platform) down to an image
 * manifest: *ret_text is its blob, checked; s->digest its digest. */
static int oci_find_manifest(struct image_source *s, struct image_index *index, char **ret_text,
                             size_t *ret_size) {
        _cleanup_free_ char *nested_path = NULL;
        const char *from = "index.json";
        struct image_platform platform;
        char *reason = NULL;
        size_t pick;
        int r = image_platform_of_machine(&platform);

        if (r < 0)
                return log_errno(r, "uname");
        r = image_index_select(index, s->ref, &platform, &pick, &reason);
        if (r < 0)
                return parse_error(s, from, r, reason);
        if (index->manifests[pick].ref_name && !(s->tag = strdup(index->manifests[pick].ref_name)))
                return log_errno(-ENOMEM, "%s", s->source);
        for (unsigned depth = 0;; depth++) {
                const struct image_descriptor *d = &index->manifests[pick];
                enum media_kind kind = media_type_kind(d->media_type);
                struct image_index nested = { 0 };
                _cleanup_free_ char *path = blob_path(d->digest), *text = NULL;
                size_t size;

                if (!path)
                        return log_errno(-ENOMEM, "%s", s->source);
                if (kind != MEDIA_INDEX && kind != MEDIA_MANIFEST)
                        return log_error("%s%s: %s: media type '%s' is not an image manifest", s->where, from,
                                         d->digest, d->media_type ?: "(none)");
                r = image_read_blob(s, path, digest_hex(d->digest), d->size, IMAGE_JSON_MAX, &text, &size);
                if (r < 0)
                        return r;
                if (kind == MEDIA_MANIFEST) {
                        if (!(s->digest = strdup(d->digest)))
                                return log_errno(-ENOMEM, "%s", s->source);
                        *ret_text = TAKE_PTR(text);
                        *ret_size = size;
                        return 0;
                }
                if (depth == INDEX_NESTING_MAX)
                        return log_error("%s%s: indexes nested more than %d deep", s->where, path,
                                         INDEX_NESTING_MAX);
                r = image_index_parse(text, size, &nested, &reason);
                if (r < 0)
                        return parse_error(s, path, r, reason);
                image_index_done(index);
                *index = nested;
                free(nested_path);
                from = nested_path = TAKE_PTR(path);
                /* Below the tag, the entries are its platforms. */
                r = image_index_select(index, NULL, &platform, &pick, &reason);
                if (r < 0)
                        return parse_error(s, from, r, reason);
        }
}

static int config_read(struct image_source *s, const char *path, const char *hex, uint64_t size,
                       struct image_config *ret) {
        char *reason = NULL;
        int r = image_read_blob(s, path, hex, size, IMAGE_JSON_MAX, &s->config, &s->config_size);

        if (r < 0)
                return r;
        r = image_config_parse(s->config, s->config_size, ret, &reason);
        if (r < 0)
                return parse_error(s, path, r, reason);
        if ((ret->created && !(s->created = strdup(ret->created))) ||
            (ret->working_dir && !(s->working_dir = strdup(ret->working_dir))))
                return log_errno(-ENOMEM, "%s", s->source);
        return 0;
}

/* Every layer's media type is looked at before any blob is hashed: an
 * image userbox cannot unpack is refused at once. */
static int oci_check_media_types(const struct image_source *s, const char *manifest, const struct image_manifest *m) {
        if (media_type_kind(m->config.media_type) != MEDIA_CONFIG)
                return log_error("%s%s: config media type '%s': not a container image (an artifact?)", s->where,
                                 manifest, m->config.media_type ?: "(none)");
        for (size_t i = 0; i < m->n_layers; i++) {
                const struct image_descriptor *d = &m->layers[i];
                switch (media_type_kind(d->media_type)) {
                case MEDIA_LAYER:
                        break;
                case MEDIA_LAYER_FOREIGN:
                        return log_error("layer %zu (sha256:%.12s): a non-distributable layer (%s): "
                                         "its content is not in the image", i + 1, digest_hex(d->digest),
                                         d->media_type);
                default:
                        return log_error("layer %zu (sha256:%.12s): media type '%s' is not a layer userbox "
                                         "can read", i + 1, digest_hex(d->digest), d->media_type ?: "(none)");
                }
        }
        return 0;
}

int image_resolve_oci(struct image_source *s) {
        _cleanup_(image_index_done) struct image_index index = { 0 };
        _cleanup_(image_manifest_done) struct image_manifest m = { 0 };
        _cleanup_(image_config_done) struct image_config config = { 0 };
        _cleanup_free_ char *text = NULL, *manifest = NULL, *config_path = NULL;
        char *reason = NULL;
        size_t size = 0;
        int r = oci_read_index(s, &index);

        if (r >= 0)
                r = oci_find_manifest(s, &index, &text, &size);
        if (r < 0)
                return r;
        manifest = blob_path(s->digest);
        if (!manifest)
                return log_errno(-ENOMEM, "%s", s->source);
        r = image_manifest_parse(text, size, &m, &reason);
        if (r < 0)
                return parse_error(s, manifest, r, reason);
        r = oci_check_media_types(s, manifest, &m);
        if (r < 0)
                return r;
        config_path = blob_path(m.config.digest);
        if (!config_path)
                return log_errno(-ENOMEM, "%s", s->source);
        r = config_read(s, config_path, digest_hex(m.config.digest), m.config.size, &config);
        if (r < 0)
                return r;
        s->layers = calloc(m.n_layers ?: 1, sizeof(*s->layers));
        if (!s->layers)
                return log_errno(-ENOMEM, "%s", s->source);
        for (size_t i = 0; i < m.n_layers; i++) {
                _cleanup_free_ char *path = blob_path(m.layers[i].digest);
                if (!path)
                        return log_errno(-ENOMEM, "%s", s->source);
                r = image_add_layer(s, path, digest_hex(m.layers[i].digest), m.layers[i].size);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* The digest a docker archive's file name carries: docker 25's
 * "blobs/sha256/<hex>", or with suffix, the old "<hex>.json" of configs. */
static const char *docker_name_digest(const char *path, const char *suffix) {
        const char *hex = startswith(path, "blobs/sha256/");

        if (hex && hex_span(hex) == 64 && !hex[64])
                return hex;
        if (suffix && hex_span(path) == 64 && streq(path + 64, suffix))
                return path;
        return NULL;
}

static int docker_config(struct image_source *s, const struct docker_image *d, struct image_config *ret) {
        const char *hex = docker_name_digest(d->config, ".json");
        _cleanup_free_ char *hex_copy = NULL;
        int r;

        if (!hex)
                return log_error("%smanifest.json: Config '%s': its name carries no sha256 digest to check it by",
                                 s->where, d->config);
        hex_copy = strndup(hex, 64);
        if (!hex_copy || asprintf(&s->digest, "sha256:%s", hex_copy) < 0)
                return log_errno(-ENOMEM, "%s", s->source);
        r = config_read(s, d->config, hex_copy, UINT64_MAX, ret);
        if (r < 0)
                return r;
        if (!ret->diff_ids)
                return log_error("%s%s: rootfs.diff_ids: missing", s->where, d->config);
        if (strv_length(ret->diff_ids) != strv_length(d->layers))
                return log_error("%smanifest.json: %zu layers, but its config lists %zu (rootfs.diff_ids)",
                                 s->where, strv_length(d->layers), strv_length(ret->diff_ids));
        return 0;
}

int image_resolve_docker(struct image_source *s) {
        _cleanup_(docker_manifest_done) struct docker_manifest m = { 0 };
        _cleanup_(image_config_done) struct image_config config = { 0 };
        _cleanup_free_ char *text = NULL;
        const struct docker_image *d;
        const char *tag = NULL;
        char *reason = NULL;
        size_t size, pick;
        int r = image_read_file(s, "manifest.json", IMAGE_JSON_MAX, &text, &size);

        if (r < 0)
                return r;
        r = docker_manifest_parse(text, size, &m, &reason);
        if (r >= 0)
                r = docker_manifest_select(&m, s->ref, &pick, &tag, &reason);
        if (r < 0)
                return parse_error(s, "manifest.json", r, reason);
        d = &m.images[pick];
        if (tag && !(s->tag = strdup(tag)))
                return log_errno(-ENOMEM, "%s", s->source);
        if (d->foreign)
                return log_error("%smanifest.json: the image has non-distributable layers, which an archive "
                                 "leaves out", s->where);
        r = docker_config(s, d, &config);
        if (r < 0)
                return r;
        s->layers = calloc(strv_length(d->layers) ?: 1, sizeof(*s->layers));
        if (!s->layers)
                return log_errno(-ENOMEM, "%s", s->source);
        for (size_t i = 0; d->layers[i]; i++) {
                /* The old layout's <id>/layer.tar is named by no digest:
                 * the config's diff_id is its uncompressed content's. */
                const char *hex = docker_name_digest(d->layers[i], NULL) ?: digest_hex(config.diff_ids[i]);
                r = image_add_layer(s, d->layers[i], hex, UINT64_MAX);
                if (r < 0)
                        return r;
        }
        return 0;
}
