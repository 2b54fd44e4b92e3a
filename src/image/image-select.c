/* SPDX-License-Identifier: Apache-2.0 */
/* Which image of a file that holds several: by the reference the user
 * gave (--ref), and of a multi-platform image by this machine's platform. */
#include <sys/utsname.h>

#include "image-internal.h"
#include "util.h"

/* uname's machine names in OCI's (Go's) words. */
static const struct {
        const char *machine;
        struct image_platform platform;
} machines[] = {
        { "x86_64",      { "linux", "amd64",   NULL } },
        { "i386",        { "linux", "386",     NULL } },
        { "i486",        { "linux", "386",     NULL } },
        { "i586",        { "linux", "386",     NULL } },
        { "i686",        { "linux", "386",     NULL } },
        { "aarch64",     { "linux", "arm64",   "v8" } },
        { "armv8l",      { "linux", "arm",     "v7" } },
        { "armv7l",      { "linux", "arm",     "v7" } },
        { "armv6l",      { "linux", "arm",     "v6" } },
        { "armv5tel",    { "linux", "arm",     "v5" } },
        { "ppc64le",     { "linux", "ppc64le", NULL } },
        { "ppc64",       { "linux", "ppc64",   NULL } },
        { "s390x",       { "linux", "s390x",   NULL } },
        { "riscv64",     { "linux", "riscv64", NULL } },
        { "loongarch64", { "linux", "loong64", NULL } },
        { "mips64",      { "linux", "mips64le", NULL } },
};

int image_platform_of_machine(struct image_platform *ret) {
        static struct utsname u;

        if (uname(&u) < 0)
                return -errno;
        for (size_t i = 0; i < ELEMENTSOF(machines); i++)
                if (streq(machines[i].machine, u.machine)) {
                        *ret = machines[i].platform;
                        return 0;
                }
        /* An architecture the table lacks: Go's name is often uname's. */
        *ret = (struct image_platform) { "linux", u.machine, NULL };
        return 0;
}

/* A variant differs only when both say one: an index entry without it
 * runs on every variant (arm64's only one is v8). */
static bool platform_matches(const struct image_descriptor *d, const struct image_platform *p) {
        if (!streq_ptr(d->os, p->os) || !streq_ptr(d->architecture, p->architecture))
                return false;
        return !d->variant || !p->variant || streq(d->variant, p->variant);
}

/* A reference names an image as the user would write it: "busybox:1"
 * names what docker saved as "docker.io/library/busybox:1", and podman's
 * "localhost/busybox:1". */
static bool ref_matches(const char *name, const char *ref) {
        static const char *const implied[] = { "docker.io/library/", "docker.io/", "localhost/" };

        if (!name)
                return false;
        if (streq(name, ref))
                return true;
        for (size_t i = 0; i < ELEMENTSOF(implied); i++)
                if (streq_ptr(startswith(name, implied[i]), ref))
                        return true;
        return false;
}

/* The names a message lists, each once; a long list is cut short (an
 * index may hold thousands of entries). */
#define NAMES_LISTED 16

static int names_add(char ***names, const char *name) {
        size_t n = strv_length(*names);

        if (n > NAMES_LISTED || strv_contains(*names, name))
                return 0;
        return strv_extend(names, n == NAMES_LISTED ? "..." : name);
}

static int names_reason(char **reason, const char *what, char **names) {
        _cleanup_free_ char *list = NULL;
        size_t size = 1;
        char *p;

        for (size_t i = 0; names && names[i]; i++)
                size += strlen(names[i]) + 2;
        p = list = malloc(size);
        if (!list)
                return -ENOMEM;
        *p = '\0';
        for (size_t i = 0; names && names[i]; i++)
                p = stpcpy(stpcpy(p, i ? ", " : ""), names[i]);
        if (asprintf(reason, "%s (it has: %s)", what, list) < 0)
                return -ENOMEM;
        return -EINVAL;
}

static int index_names(const struct image_index *index, char ***ret) {
        for (size_t i = 0; i < index->n_manifests; i++) {
                int r = names_add(ret, index->manifests[i].ref_name ?: "(no name)");
                if (r < 0)
                        return r;
        }
        return 0;
}

static int index_platforms(const struct image_index *index, char ***ret) {
        for (size_t i = 0; i < index->n_manifests; i++) {
                const struct image_descriptor *d = &index->manifests[i];
                _cleanup_free_ char *s = NULL;
                int r;
                if (asprintf(&s, "%s/%s%s%s", d->os ?: "?", d->architecture ?: "?", d->variant ? "/" : "",
                             d->variant ?: "") < 0)
                        return -ENOMEM;
                r = names_add(ret, s);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int reason_list(char **reason, const char *what, int (*list)(const struct image_index *, char ***),
                       const struct image_index *index) {
        _cleanup_strv_free_ char **names = NULL;
        int r = list(index, &names);

        return r < 0 ? r : names_reason(reason, what, names);
}

int image_index_select(const struct image_index *index, const char *ref, const struct image_platform *p,
                       size_t *ret, char **reason) {
        _cleanup_free_ char *what = NULL;
        const char *name = NULL;
        size_t n = 0, last = 0, found = SIZE_MAX;
        bool several_names = false;

        for (size_t i = 0; i < index->n_manifests; i++) {
                const struct image_descriptor *d = &index->manifests[i];
                if (ref && !ref_matches(d->ref_name, ref))
                        continue;
                several_names = several_names || (n > 0 && !streq_ptr(name, d->ref_name));
                name = d->ref_name;
                last = i;
                n++;
                if (found == SIZE_MAX && platform_matches(d, p))
                        found = i;
        }
        if (n == 0 && asprintf(&what, "no image '%s'", ref) < 0)
                return -ENOMEM;
        if (n == 0)
                return reason_list(reason, what, index_names, index);
        if (several_names)
                return reason_list(reason, "several images: pick one with --ref", index_names, index);
        if (n == 1) {
                /* The only image of that name: its platform, if it says
                 * one, is the image's business (an amd64 image may run on
                 * an x86_64 with qemu-user, or fail at run). */
                *ret = last;
                return 0;
        }
        if (found == SIZE_MAX && asprintf(&what, "no image for %s/%s", p->os, p->architecture) < 0)
                return -ENOMEM;
        if (found == SIZE_MAX)
                return reason_list(reason, what, index_platforms, index);
        *ret = found;
        return 0;
}

static int docker_tags(const struct docker_manifest *m, char ***ret) {
        for (size_t i = 0; i < m->n_images; i++) {
                const struct docker_image *d = &m->images[i];
                int r = d->repo_tags[0] ? 0 : names_add(ret, "(untagged)");
                for (size_t k = 0; r >= 0 && d->repo_tags[k]; k++)
                        r = names_add(ret, d->repo_tags[k]);
                if (r < 0)
                        return r;
        }
        return 0;
}

int docker_manifest_select(const struct docker_manifest *m, const char *ref, size_t *ret,
                           const char **ret_tag, char **reason) {
        _cleanup_strv_free_ char **tags = NULL;
        _cleanup_free_ char *what = NULL;
        int r;

        for (size_t i = 0; ref && i < m->n_images; i++)
                for (size_t k = 0; m->images[i].repo_tags[k]; k++)
                        if (ref_matches(m->images[i].repo_tags[k], ref)) {
                                *ret = i;
                                *ret_tag = m->images[i].repo_tags[k];
                                return 0;
                        }
        if (!ref && m->n_images == 1) {
                *ret = 0;
                *ret_tag = m->images[0].repo_tags[0];
                return 0;
        }
        r = docker_tags(m, &tags);
        if (r < 0)
                return r;
        if (ref && asprintf(&what, "no image '%s'", ref) < 0)
                return -ENOMEM;
        return names_reason(reason, what ?: "several images: pick one with --ref", tags);
}
