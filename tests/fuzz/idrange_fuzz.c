/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: idmap_parse_triple on arbitrary text, and
 * idmap_plan_from_ranges on arbitrary grants and explicit lines. Every
 * accepted plan must be one the kernel takes: lines within the limits, no
 * overflow, no overlap, and only granted host ids. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "idmap.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static const uint8_t *take(const uint8_t **data, size_t *size, size_t n) {
        const uint8_t *p = *data;
        if (*size < n)
                return NULL;
        *data += n;
        *size -= n;
        return p;
}

static uint32_t u32(const uint8_t *p) {
        uint32_t v;
        memcpy(&v, p, sizeof(v));
        return v;
}

/* n triples from the input; small numbers are common so that ranges,
 * the user's id and explicit lines actually meet. */
static size_t take_triples(const uint8_t **data, size_t *size, struct id_triple *t, size_t n) {
        size_t i;
        for (i = 0; i < n; i++) {
                const uint8_t *p = take(data, size, 13);
                if (!p)
                        break;
                t[i].inside = u32(p);
                t[i].outside = u32(p + 4);
                t[i].count = u32(p + 8);
                if (p[12] & 1) {
                        t[i].inside %= 4096;
                        t[i].outside %= 4096;
                        t[i].count %= 512;
                }
        }
        return i;
}

static bool covered(const struct id_triple *r, size_t n, uint64_t start, uint64_t end) {
        while (start < end) {
                size_t i;
                for (i = 0; i < n; i++)
                        if (r[i].outside <= start && start < (uint64_t) r[i].outside + r[i].count)
                                break;
                if (i == n)
                        return false;
                start = (uint64_t) r[i].outside + r[i].count;
        }
        return true;
}

static void check_map(const struct id_triple *l, size_t n, uint32_t own, const struct id_triple *ranges, size_t n_ranges) {
        size_t bytes = 0;

        CHECK(n >= 1 && n <= IDMAP_MAX_LINES);
        for (size_t i = 0; i < n; i++) {
                CHECK(l[i].count > 0);
                CHECK((uint64_t) l[i].inside + l[i].count <= UINT32_MAX);
                CHECK((uint64_t) l[i].outside + l[i].count <= UINT32_MAX);
                CHECK((l[i].outside == own && l[i].count == 1) ||
                      covered(ranges, n_ranges, l[i].outside, (uint64_t) l[i].outside + l[i].count));
                for (size_t j = 0; j < i; j++) {
                        CHECK(!(l[i].inside < (uint64_t) l[j].inside + l[j].count &&
                                l[j].inside < (uint64_t) l[i].inside + l[i].count));
                        CHECK(!(l[i].outside < (uint64_t) l[j].outside + l[j].count &&
                                l[j].outside < (uint64_t) l[i].outside + l[i].count));
                }
                bytes += (size_t) snprintf(NULL, 0, "%u %u %u\n", l[i].inside, l[i].outside, l[i].count);
        }
        CHECK(bytes <= IDMAP_MAX_BYTES);
}

static void fuzz_parse(const uint8_t *data, size_t size) {
        char *text = strndup((const char *) data, size), *line, *save = NULL;
        if (!text)
                return;
        for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                struct id_triple t;
                if (idmap_parse_triple(line, &t) == 0) {
                        CHECK(t.count > 0);
                        CHECK((uint64_t) t.inside + t.count <= UINT32_MAX);
                        CHECK((uint64_t) t.outside + t.count <= UINT32_MAX);
                }
        }
        free(text);
}

static void fuzz_plan(const uint8_t *data, size_t size) {
        static struct id_triple ur[1024], gr[1024], xu[IDMAP_MAX_LINES + 8], xg[IDMAP_MAX_LINES + 8];
        static struct idmap_plan p;
        const uint8_t *h = take(&data, &size, 16);
        size_t nur, ngr, nxu, nxg;
        enum idmap_mode mode;
        uint32_t uid, gid;
        char *reason = NULL;
        int r;

        if (!h)
                return;
        mode = (enum idmap_mode) (h[0] % 6);    /* 5: out of range, must be refused */
        uid = h[1] & 1 ? u32(h + 2) : u32(h + 2) % 4096;
        gid = h[1] & 2 ? u32(h + 6) : u32(h + 6) % 4096;
        nur = take_triples(&data, &size, ur, h[10] % 8 == 7 ? ELEMENTSOF(ur) : h[10] % 8);
        ngr = take_triples(&data, &size, gr, h[11] % 8 == 7 ? ELEMENTSOF(gr) : h[11] % 8);
        nxu = take_triples(&data, &size, xu, h[12] % 8 == 7 ? ELEMENTSOF(xu) : h[12] % 8 == 6 ? 0 : h[12] % 8);
        nxg = take_triples(&data, &size, xg, h[13] % 8 == 7 ? ELEMENTSOF(xg) : h[13] % 8 == 6 ? 0 : h[13] % 8);

        r = idmap_plan_from_ranges(mode, uid, gid, ur, nur, gr, ngr, nxu ? xu : NULL, nxu,
                                   nxg ? xg : NULL, nxg, &p, h[14] & 1 ? &reason : NULL);
        if (r < 0) {
                CHECK(!(h[14] & 1) || reason);
                free(reason);
                return;
        }
        CHECK(!reason);
        CHECK(mode != 5);
        CHECK(p.mode == IDMAP_SUBID || p.mode == IDMAP_KEEP_ID || p.mode == IDMAP_SINGLE);
        check_map(p.uid, p.n_uid, uid, ur, nur);
        check_map(p.gid, p.n_gid, gid, gr, ngr);
        if (nxu == 0 && p.mode == IDMAP_KEEP_ID)
                CHECK(p.inside_uid == uid);
        if (nxu == 0 && p.mode != IDMAP_KEEP_ID)
                CHECK(p.inside_uid == 0);
        if (!p.use_helpers)
                CHECK(p.n_uid == 1 && p.uid[0].outside == uid && p.n_gid == 1 && p.gid[0].outside == gid);
        idmap_plan_done(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        if (size > 0 && data[0] == 'T')
                fuzz_parse(data + 1, size - 1);
        else
                fuzz_plan(data, size);
        return 0;
}
