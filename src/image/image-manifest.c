/* SPDX-License-Identifier: Apache-2.0 */
/* The JSON documents of an image: an OCI layout's oci-layout and
 * index.json, OCI and docker manifests, docker save's manifest.json and the
 * image config. Parsed from a buffer with json-c, every field that steers
 * what is read checked for its type; what userbox does not use is not
 * looked at, so a newer producer's extra fields do no harm. */
#include <json-c/json.h>

#include "image-internal.h"
#include "util.h"

static void json_object_putp(json_object **o) { json_object_put(*o); }
#define _cleanup_json_ _cleanup_(json_object_putp)
static void json_tokener_freep(json_tokener **t) { if (*t) json_tokener_free(*t); }

/* Deep enough for any config (its Labels, Healthcheck, history), shallow
 * enough that a crafted document cannot recurse the parser far. */
#define JSON_DEPTH 32

static const struct {
        const char *type;
        enum media_kind kind;
} media_types[] = {
        { "application/vnd.oci.image.index.v1+json",                       MEDIA_INDEX },
        { "application/vnd.docker.distribution.manifest.list.v2+json",     MEDIA_INDEX },
        { "application/vnd.oci.image.manifest.v1+json",                    MEDIA_MANIFEST },
        { "application/vnd.docker.distribution.manifest.v2+json",          MEDIA_MANIFEST },
        { "application/vnd.oci.image.config.v1+json",                      MEDIA_CONFIG },
        { "application/vnd.docker.container.image.v1+json",                MEDIA_CONFIG },
        { "application/vnd.oci.image.layer.v1.tar",                        MEDIA_LAYER },
        { "application/vnd.oci.image.layer.v1.tar+gzip",                   MEDIA_LAYER },
        { "application/vnd.oci.image.layer.v1.tar+zstd",                   MEDIA_LAYER },
        { "application/vnd.docker.image.rootfs.diff.tar",                  MEDIA_LAYER },
        { "application/vnd.docker.image.rootfs.diff.tar.gzip",             MEDIA_LAYER },
        /* Layers a registry may not serve (Windows base layers): their
         * content is not in the image, only a URL to fetch it from. */
        { "application/vnd.oci.image.layer.nondistributable.v1.tar",       MEDIA_LAYER_FOREIGN },
        { "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",  MEDIA_LAYER_FOREIGN },
        { "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",  MEDIA_LAYER_FOREIGN },
        { "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",     MEDIA_LAYER_FOREIGN },
};

enum media_kind media_type_kind(const char *media_type) {
        for (size_t i = 0; media_type && i < ELEMENTSOF(media_types); i++)
                if (streq(media_types[i].type, media_type))
                        return media_types[i].kind;
        return MEDIA_UNKNOWN;
}

const char *image_digest_invalid(const char *s) {
        const char *hex = startswith(s, "sha256:");
        const char *colon = strchr(s, ':');

        if (!hex)
                /* sha512 is a valid OCI algorithm, but no producer userbox
                 * reads from writes it: one algorithm is one less to trust. */
                return colon && colon != s ? "only sha256 digests are supported" : "not a digest";
        if (strspn(hex, "0123456789abcdef") != 64 || hex[64])
                return "not a digest (sha256: and 64 lowercase hex digits)";
        return NULL;
}

static int reason_set(char **reason, const char *fmt, ...) _printf_(2, 3);
static int reason_set(char **reason, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(reason, fmt, ap) < 0)
                *reason = NULL;
        va_end(ap);
        return *reason ? -EINVAL : -ENOMEM;
}

static int json_parse(const char *text, size_t size, json_type type, json_object **ret, char **reason) {
        _cleanup_(json_tokener_freep) json_tokener *tok = NULL;
        _cleanup_free_ char *copy = NULL;
        enum json_tokener_error error;

        if (size > IMAGE_JSON_MAX)
                return reason_set(reason, "larger than %u bytes", IMAGE_JSON_MAX);
        if (memchr(text, '\0', size))
                return reason_set(reason, "not JSON (a NUL byte)");
        tok = json_tokener_new_ex(JSON_DEPTH);
        copy = malloc(size + 1);
        if (!tok || !copy)
                return -ENOMEM;
        json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
        /* With its NUL counted, the end of the text ends a last literal. */
        memcpy(copy, text, size);
        copy[size] = '\0';
        *ret = json_tokener_parse_ex(tok, copy, (int) size + 1);
        error = json_tokener_get_error(tok);
        if (error != json_tokener_success) {
                json_object_put(*ret);
                *ret = NULL;
                return reason_set(reason, "not JSON: %s", json_tokener_error_desc(error));
        }
        if (!json_object_is_type(*ret, type)) {
                json_object_put(*ret);
                *ret = NULL;
                return reason_set(reason, "not a JSON %s", type == json_type_array ? "array" : "object");
        }
        return 0;
}

/* "where" names a field's object with a trailing dot ("layers[2]."). */
static int not_an_object(char **reason, const char *where) {
        return reason_set(reason, "%.*s: not an object", (int) strlen(where) - 1, where);
}

/* The member key of o, or NULL when absent (or JSON null: optional fields
 * written as null by some producers mean the same). */
static json_object *member(json_object *o, const char *key) {
        json_object *v = NULL;

        return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

/* A string field: 0 and *ret NULL when absent, -EINVAL when not a string
 * or when it hides a NUL (json-c keeps "\u0000"). */
static int string_dup(json_object *v, char **ret) {
        *ret = NULL;
        if (!v)
                return 0;
        if (!json_object_is_type(v, json_type_string) ||
            strlen(json_object_get_string(v)) != (size_t) json_object_get_string_len(v))
                return -EINVAL;
        *ret = strdup(json_object_get_string(v));
        return *ret ? 0 : -ENOMEM;
}

static int string_field(json_object *o, const char *where, const char *key, bool required, char **ret,
                        char **reason) {
        int r = string_dup(member(o, key), ret);

        if (r == -EINVAL)
                return reason_set(reason, "%s%s: not a string", where, key);
        if (r == 0 && required && !*ret)
                return reason_set(reason, "%s%s: missing", where, key);
        return r;
}

static int digest_field(json_object *o, const char *where, const char *key, char **ret, char **reason) {
        const char *invalid;
        int r = string_field(o, where, key, true, ret, reason);

        if (r < 0)
                return r;
        invalid = image_digest_invalid(*ret);
        if (invalid)
                return reason_set(reason, "%s%s: '%s': %s", where, key, *ret, invalid);
        return 0;
}


/* An index or a manifest: schema 2, and when it says its media type, of
 * the kind expected (a manifest where an index should be is refused). */
static int document_parse(const char *text, size_t size, enum media_kind kind, json_object **ret, char **reason) {
        _cleanup_json_ json_object *o = NULL;
        _cleanup_free_ char *media_type = NULL;
        json_object *version;
        int r = json_parse(text, size, json_type_object, &o, reason);

        if (r < 0)
                return r;
        version = member(o, "schemaVersion");
        if (!version || !json_object_is_type(version, json_type_int) || json_object_get_int64(version) != 2)
                return reason_set(reason, "schemaVersion: not 2%s",
                                  kind == MEDIA_MANIFEST ? " (docker's schema 1 manifests are not read)" : "");
        r = string_field(o, "", "mediaType", false, &media_type, reason);
        if (r < 0)
                return r;
        if (media_type && media_type_kind(media_type) != kind)
                return reason_set(reason, "mediaType '%s': not an image %s", media_type,
                                  kind == MEDIA_INDEX ? "index" : "manifest");
        *ret = TAKE_PTR(o);
        return 0;
}

/* An array of strings, each kept as given (digests checked when digests). */
static int strings_field(json_object *o, const char *where, const char *key, bool digests, char ***ret,
                         char **reason) {
        _cleanup_strv_free_ char **l = NULL;
        json_object *v = member(o, key);
        size_t n;
        int r;

        if (!v)
                return 0;
        if (!json_object_is_type(v, json_type_array))
                return reason_set(reason, "%s%s: not an array", where, key);
        n = json_object_array_length(v);
        l = calloc(n + 1, sizeof(char *));
        if (!l)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                const char *invalid;
                r = string_dup(json_object_array_get_idx(v, i), &l[i]);
                if (r == -ENOMEM)
                        return r;
                if (r < 0 || !l[i])
                        return reason_set(reason, "%s%s[%zu]: not a string", where, key, i);
                invalid = digests ? image_digest_invalid(l[i]) : NULL;
                if (invalid)
                        return reason_set(reason, "%s%s[%zu]: '%s': %s", where, key, i, l[i], invalid);
        }
        *ret = TAKE_PTR(l);
        return 0;
}

static void descriptor_done(struct image_descriptor *d) {
        free(d->media_type);
        free(d->digest);
        free(d->ref_name);
        free(d->os);
        free(d->architecture);
        free(d->variant);
        *d = (struct image_descriptor) { 0 };
}

/* The reference an index entry carries: containerd's annotation is the
 * whole "docker.io/library/debian:12", OCI's often only the tag "12". */
static int descriptor_ref_name(json_object *annotations, char **ret) {
        static const char *const keys[] = { "io.containerd.image.name", "org.opencontainers.image.ref.name" };

        if (annotations && !json_object_is_type(annotations, json_type_object))
                return -EINVAL;
        for (size_t i = 0; annotations && i < ELEMENTSOF(keys); i++) {
                int r = string_dup(member(annotations, keys[i]), ret);
                if (r < 0 || *ret)
                        return r;
        }
        return 0;
}

static int descriptor_parse(json_object *o, const char *where, struct image_descriptor *d, char **reason) {
        json_object *size = member(o, "size"), *platform = member(o, "platform");
        char platform_where[80];
        int r;

        if (!json_object_is_type(o, json_type_object))
                return not_an_object(reason, where);
        r = string_field(o, where, "mediaType", false, &d->media_type, reason);
        if (r >= 0)
                r = digest_field(o, where, "digest", &d->digest, reason);
        if (r < 0)
                return r;
        /* json-c clamps what overflows int64 to its limits: refused too. */
        if (!size || !json_object_is_type(size, json_type_int) || json_object_get_int64(size) < 0 ||
            json_object_get_int64(size) == INT64_MAX)
                return reason_set(reason, "%ssize: not a size in bytes", where);
        d->size = (uint64_t) json_object_get_int64(size);
        r = descriptor_ref_name(member(o, "annotations"), &d->ref_name);
        if (r == -EINVAL)
                return reason_set(reason, "%sannotations: not an object of strings", where);
        if (r < 0)
                return r;
        if (!platform)
                return 0;
        if (!json_object_is_type(platform, json_type_object))
                return reason_set(reason, "%splatform: not an object", where);
        snprintf(platform_where, sizeof(platform_where), "%splatform.", where);
        r = string_field(platform, platform_where, "os", false, &d->os, reason);
        if (r >= 0)
                r = string_field(platform, platform_where, "architecture", false, &d->architecture, reason);
        if (r >= 0)
                r = string_field(platform, platform_where, "variant", false, &d->variant, reason);
        return r;
}

static void descriptors_free(struct image_descriptor *l, size_t n) {
        for (size_t i = 0; l && i < n; i++)
                descriptor_done(&l[i]);
        free(l);
}

/* An array of descriptors: the manifests of an index, a manifest's layers. */
static int descriptors_parse(json_object *v, const char *key, size_t max, struct image_descriptor **ret,
                             size_t *ret_n, char **reason) {
        struct image_descriptor *l;
        size_t n;

        if (!v || !json_object_is_type(v, json_type_array))
                return reason_set(reason, "%s: %s", key, v ? "not an array" : "missing");
        n = json_object_array_length(v);
        if (n > max)
                return reason_set(reason, "%s: more than %zu entries", key, max);
        l = calloc(n ? n : 1, sizeof(*l));
        if (!l)
                return -ENOMEM;
        *ret = l;
        for (size_t i = 0; i < n; i++) {
                char where[64];
                int r;
                snprintf(where, sizeof(where), "%s[%zu].", key, i);
                r = descriptor_parse(json_object_array_get_idx(v, i), where, &l[i], reason);
                *ret_n = i + 1;
                if (r < 0)
                        return r;
        }
        *ret_n = n;
        return 0;
}

int image_layout_parse(const char *text, size_t size, char **reason) {
        _cleanup_json_ json_object *o = NULL;
        _cleanup_free_ char *version = NULL;
        int r = json_parse(text, size, json_type_object, &o, reason);

        if (r < 0)
                return r;
        r = string_field(o, "", "imageLayoutVersion", true, &version, reason);
        if (r < 0)
                return r;
        /* 1.0.0 is the only version there is; a 1.x would only add. */
        if (!startswith(version, "1."))
                return reason_set(reason, "imageLayoutVersion '%s': only 1.x layouts are read", version);
        return 0;
}

void image_index_done(struct image_index *i) {
        descriptors_free(i->manifests, i->n_manifests);
        *i = (struct image_index) { 0 };
}

/* An image index, OCI's or docker's manifest list (the same shape). */
int image_index_parse(const char *text, size_t size, struct image_index *ret, char **reason) {
        _cleanup_json_ json_object *o = NULL;
        struct image_index index = { 0 };
        int r = document_parse(text, size, MEDIA_INDEX, &o, reason);

        if (r < 0)
                return r;
        r = descriptors_parse(member(o, "manifests"), "manifests", SIZE_MAX / sizeof(struct image_descriptor),
                              &index.manifests, &index.n_manifests, reason);
        if (r < 0) {
                image_index_done(&index);
                return r;
        }
        if (index.n_manifests == 0) {
                image_index_done(&index);
                return reason_set(reason, "manifests: empty, no image in it");
        }
        *ret = index;
        return 0;
}

void image_manifest_done(struct image_manifest *m) {
        descriptor_done(&m->config);
        descriptors_free(m->layers, m->n_layers);
        *m = (struct image_manifest) { 0 };
}

/* An image manifest, OCI's or docker's schema 2 (the same shape). */
int image_manifest_parse(const char *text, size_t size, struct image_manifest *ret, char **reason) {
        _cleanup_json_ json_object *o = NULL;
        struct image_manifest m = { 0 };
        int r = document_parse(text, size, MEDIA_MANIFEST, &o, reason);

        if (r < 0)
                return r;
        if (!member(o, "config"))
                return reason_set(reason, "config: missing");
        r = descriptor_parse(member(o, "config"), "config.", &m.config, reason);
        if (r >= 0)
                r = descriptors_parse(member(o, "layers"), "layers", IMAGE_LAYERS_MAX, &m.layers, &m.n_layers,
                                      reason);
        if (r < 0) {
                image_manifest_done(&m);
                return r;
        }
        *ret = m;
        return 0;
}

void docker_manifest_done(struct docker_manifest *m) {
        for (size_t k = 0; m->images && k < m->n_images; k++) {
                free(m->images[k].config);
                strv_free(m->images[k].repo_tags);
                strv_free(m->images[k].layers);
        }
        free(m->images);
        *m = (struct docker_manifest) { 0 };
}

/* docker save's LayerSources: the descriptors of layers it left out. */
static int docker_layer_sources(json_object *sources, const char *where, bool *ret, char **reason) {
        if (!sources)
                return 0;
        if (!json_object_is_type(sources, json_type_object))
                return reason_set(reason, "%sLayerSources: not an object", where);
        json_object_object_foreach(sources, key, v) {
                json_object *type = json_object_is_type(v, json_type_object) ? member(v, "mediaType") : NULL;
                (void) key;
                if (type && json_object_is_type(type, json_type_string) &&
                    media_type_kind(json_object_get_string(type)) == MEDIA_LAYER_FOREIGN)
                        *ret = true;
        }
        return 0;
}

static int docker_image_parse(json_object *o, const char *where, struct docker_image *d, char **reason) {
        int r;

        if (!json_object_is_type(o, json_type_object))
                return not_an_object(reason, where);
        r = string_field(o, where, "Config", true, &d->config, reason);
        if (r >= 0)
                r = strings_field(o, where, "RepoTags", false, &d->repo_tags, reason);
        if (r >= 0 && !d->repo_tags)
                r = (d->repo_tags = calloc(1, sizeof(char *))) ? 0 : -ENOMEM;
        if (r >= 0)
                r = strings_field(o, where, "Layers", false, &d->layers, reason);
        if (r >= 0 && !d->layers)
                return reason_set(reason, "%sLayers: missing", where);
        if (r >= 0 && strv_length(d->layers) > IMAGE_LAYERS_MAX)
                return reason_set(reason, "%sLayers: more than %d layers", where, IMAGE_LAYERS_MAX);
        if (r >= 0)
                r = docker_layer_sources(member(o, "LayerSources"), where, &d->foreign, reason);
        return r;
}

int docker_manifest_parse(const char *text, size_t size, struct docker_manifest *ret, char **reason) {
        _cleanup_json_ json_object *o = NULL;
        struct docker_manifest m = { 0 };
        size_t n;
        int r = json_parse(text, size, json_type_array, &o, reason);

        if (r < 0)
                return r;
        n = json_object_array_length(o);
        if (n == 0)
                return reason_set(reason, "an empty list, no image in it");
        m.images = calloc(n, sizeof(*m.images));
        if (!m.images)
                return -ENOMEM;
        m.n_images = n;
        for (size_t i = 0; i < n; i++) {
                char where[32];
                snprintf(where, sizeof(where), "[%zu].", i);
                r = docker_image_parse(json_object_array_get_idx(o, i), where, &m.images[i], reason);
                if (r < 0) {
                        docker_manifest_done(&m);
                        return r;
                }
        }
        *ret = m;
        return 0;
}

void image_config_done(struct image_config *c) {
        free(c->created);
        strv_free(c->diff_ids);
        free(c->working_dir);
        *c = (struct image_config) { 0 };
}

/* The config: only what unpacking needs (when it was made, the layers'
 * digests); userbox reads the rest (Entrypoint, Env) from config.json. */
int image_config_parse(const char *text, size_t size, struct image_config *ret, char **reason) {
        _cleanup_json_ json_object *o = NULL;
        struct image_config c = { 0 };
        json_object *rootfs;
        int r = json_parse(text, size, json_type_object, &o, reason);

        if (r < 0)
                return r;
        rootfs = member(o, "rootfs");
        if (rootfs && !json_object_is_type(rootfs, json_type_object))
                return reason_set(reason, "rootfs: not an object");
        r = string_field(o, "", "created", false, &c.created, reason);
        if (r >= 0 && rootfs)
                r = strings_field(rootfs, "rootfs.", "diff_ids", true, &c.diff_ids, reason);
        /* Read for unpacking only where it is sound: any other value is
         * the profile's to refuse (image-profile.c). */
        if (r >= 0 && json_object_is_type(member(member(o, "config"), "WorkingDir"), json_type_string)) {
                const char *wd = json_object_get_string(member(member(o, "config"), "WorkingDir"));
                if (path_is_absolute(wd) && !(c.working_dir = strdup(wd)))
                        r = -ENOMEM;
        }
        if (r >= 0 && strv_length(c.diff_ids) > IMAGE_LAYERS_MAX)
                r = reason_set(reason, "rootfs.diff_ids: more than %d layers", IMAGE_LAYERS_MAX);
        if (r < 0) {
                image_config_done(&c);
                return r;
        }
        *ret = c;
        return 0;
}
