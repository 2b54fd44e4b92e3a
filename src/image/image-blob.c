/* SPDX-License-Identifier: Apache-2.0 */
/* An image's files and blobs: opened inside the image's directory (a link
 * in a layout or an archive resolves inside it, never outside), checked
 * against the digest and size that name them before anything uses them. */
#include <inttypes.h>
#include <nettle/sha2.h>
#include <sys/stat.h>

#include "image-internal.h"
#include "util.h"

/* Big enough that hashing costs no more system calls than reading does. */
#define HASH_CHUNK (64u << 10)

void image_source_done(struct image_source *s) {
        for (size_t i = 0; s->layers && i < s->n_layers; i++)
                closep(&s->layers[i].fd);
        free(s->layers);
        closep(&s->dir_fd);
        free(s->where);
        free(s->tag);
        free(s->digest);
        free(s->created);
        free(s->working_dir);
        free(s->config);
        s->layers = NULL;
        s->n_layers = 0;
        s->dir_fd = -1;
        s->where = s->tag = s->digest = s->created = s->working_dir = s->config = NULL;
}

static void sha256_hex(struct sha256_ctx *ctx, char hex[SHA256_HEX_SIZE]) {
        uint8_t d[SHA256_DIGEST_SIZE];

        sha256_digest(ctx, sizeof(d), d);
        for (size_t i = 0; i < sizeof(d); i++)
                snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

/* Opens path below s->dir_fd, resolved as if dir_fd were "/": an absolute
 * link or ".." cannot leave it. A file that is not regular (a FIFO that
 * would block the read forever, a directory) is refused. */
static int image_open(const struct image_source *s, const char *path, int *ret) {
        struct open_how how = {
                .flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
                .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
        };
        _cleanup_close_ int fd = sys_openat2(s->dir_fd, path, &how, sizeof(how));
        struct stat st;

        /* Linux < 5.6 (or a sandbox that hides openat2): no link followed
         * at all, which only a docker save with <id>/layer.tar links needs. */
        if (fd == -ENOSYS)
                fd = layer_open_beneath(s->dir_fd, path, (int) how.flags);

        if (fd == -ENOENT) {
                log_error("%s%s: missing", s->where, path);
                return fd;
        }
        if (fd < 0)
                return log_errno(fd, "%s%s", s->where, path);
        if (fstat(fd, &st) < 0)
                return log_errno(-errno, "%s%s", s->where, path);
        if (!S_ISREG(st.st_mode))
                return log_error("%s%s: not a regular file", s->where, path);
        *ret = TAKE_FD(fd);
        return 0;
}

int image_read_file(const struct image_source *s, const char *path, size_t max, char **ret, size_t *ret_size) {
        _cleanup_close_ int fd = -1;
        int r = image_open(s, path, &fd);

        if (r < 0)
                return r;
        r = read_full_fd(fd, max, ret, ret_size);
        if (r == -EFBIG)
                return log_error("%s%s: larger than %zu bytes: not an image's", s->where, path, max);
        if (r < 0)
                return log_errno(r, "%s%s", s->where, path);
        return 0;
}

static int blob_check(const char *hex, uint64_t size, const char *actual, uint64_t actual_size) {
        if (size != UINT64_MAX && size != actual_size)
                return log_error("blob sha256:%s: size mismatch (it has %" PRIu64 " bytes, its descriptor says %"
                                 PRIu64 ")", hex, actual_size, size);
        if (!streq(hex, actual))
                return log_error("blob sha256:%s: digest mismatch (its content is sha256:%s)", hex, actual);
        return 0;
}

int image_read_blob(const struct image_source *s, const char *path, const char *hex, uint64_t size, size_t max,
                    char **ret, size_t *ret_size) {
        _cleanup_free_ char *data = NULL;
        char actual[SHA256_HEX_SIZE];
        struct sha256_ctx ctx;
        size_t n;
        int r = image_read_file(s, path, max, &data, &n);

        if (r < 0)
                return r;
        sha256_init(&ctx);
        sha256_update(&ctx, n, (const uint8_t *) data);
        sha256_hex(&ctx, actual);
        r = blob_check(hex, size, actual, n);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(data);
        *ret_size = n;
        return 0;
}

/* SHA-256 of everything fd holds, read in chunks: memory stays the same
 * whatever the layer's size. */
static int hash_fd(int fd, char hex[SHA256_HEX_SIZE], uint64_t *ret_size) {
        _cleanup_free_ uint8_t *buf = malloc(HASH_CHUNK);
        struct sha256_ctx ctx;
        uint64_t total = 0;

        if (!buf)
                return -ENOMEM;
        (void) posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
        sha256_init(&ctx);
        for (;;) {
                ssize_t n = read(fd, buf, HASH_CHUNK);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        break;
                sha256_update(&ctx, (size_t) n, buf);
                total += (uint64_t) n;
        }
        sha256_hex(&ctx, hex);
        *ret_size = total;
        return 0;
}

int image_add_layer(struct image_source *s, const char *path, const char *hex, uint64_t size) {
        struct image_layer *l = &s->layers[s->n_layers];
        char actual[SHA256_HEX_SIZE];
        uint64_t actual_size = 0;
        int r;

        /* s->layers has room for every layer of the manifest (the resolver
         * allocated it); the label is made first, so the blob's messages
         * and the layer's agree. */
        snprintf(l->label, sizeof(l->label), "layer %zu (sha256:%.12s)", s->n_layers + 1, hex);
        r = image_open(s, path, &l->fd);
        if (r < 0)
                return r;
        s->n_layers++;
        r = hash_fd(l->fd, actual, &actual_size);
        if (r < 0)
                return log_errno(r, "%s%s", s->where, path);
        r = blob_check(hex, size, actual, actual_size);
        if (r < 0)
                return r;
        if (lseek(l->fd, 0, SEEK_SET) < 0)
                return log_errno(-errno, "%s%s", s->where, path);
        return 0;
}
