/* SPDX-License-Identifier: Apache-2.0 */
/* Identity-map planning: pure functions from the user's grant to the
 * uid/gid maps of each mode, and the checks on explicit lines. The host
 * side (libsubid through idmap-grant.c, the helpers, writing the maps) is in
 * idmap-host.c. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>

#include "idmap.h"
#include "idmap-internal.h"
#include "util.h"

static const char *const mode_names[] = {
        /* unset resolves to the default */
        [IDMAP_UNSET] = "auto",
        [IDMAP_AUTO] = "auto",
        [IDMAP_SUBID] = "subid",
        [IDMAP_KEEP_ID] = "keep-id",
        [IDMAP_SINGLE] = "single",
};

const char *idmap_mode_to_string(enum idmap_mode mode) {
        return (unsigned) mode < ELEMENTSOF(mode_names) ? mode_names[mode] : NULL;
}

int idmap_mode_from_string(const char *name) {
        for (size_t i = IDMAP_UNSET + 1; i < ELEMENTSOF(mode_names); i++)
                if (streq(mode_names[i], name))
                        return (int) i;
        return -EINVAL;
}

const struct idmap_kind idmap_kinds[2] = {
        { "uid", "/etc/subuid", "newuidmap", NEWUIDMAP_PATH, KEY_IDMAP_UID, "UID", "--uidmap" },
        { "gid", "/etc/subgid", "newgidmap", NEWGIDMAP_PATH, KEY_IDMAP_GID, "GID", "--gidmap" },
};

int idmap_fail(char **reason, int r, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        r = reason_formatv(reason, r, fmt, ap);
        va_end(ap);
        return r;
}

/* ---- building a map within the kernel's limits ---- */

struct map_builder {
        struct id_triple *lines;
        size_t n;
        size_t bytes;           /* length of the map as written to the kernel */
        size_t max_lines;
        size_t max_bytes;
        uint32_t own;           /* the user's own id */
};

static size_t triple_text_length(uint32_t inside, uint32_t outside, uint32_t count) {
        return (size_t) snprintf(NULL, 0, "%" PRIu32 " %" PRIu32 " %" PRIu32 "\n",
                                 inside, outside, count);
}

/* Appends a line, merged into the previous one when it continues it on
 * both sides (fewer lines, same map). The user's own id stays a line of
 * its own: newuidmap grants it only as "OWN 1", never as part of a range
 * (a grant starting at uid+1 would otherwise be refused). False when the
 * map is full. */
static bool map_append(struct map_builder *m, uint64_t inside, uint64_t outside, uint64_t count) {
        size_t len;

        if (count == 0 || inside + count > ID_LIMIT || outside + count > ID_LIMIT)
                return false;
        if (m->n > 0 && outside != m->own) {
                struct id_triple *last = &m->lines[m->n - 1];
                if (last->outside != m->own &&
                    (uint64_t) last->inside + last->count == inside &&
                    (uint64_t) last->outside + last->count == outside) {
                        uint32_t merged = last->count + (uint32_t) count;
                        size_t bytes = m->bytes - triple_text_length(last->inside, last->outside, last->count) +
                                       triple_text_length(last->inside, last->outside, merged);
                        if (bytes > m->max_bytes)
                                return false;
                        last->count = merged;
                        m->bytes = bytes;
                        return true;
                }
        }
        len = triple_text_length((uint32_t) inside, (uint32_t) outside, (uint32_t) count);
        if (m->n >= m->max_lines || m->bytes + len > m->max_bytes)
                return false;
        m->lines[m->n++] = (struct id_triple) { (uint32_t) inside, (uint32_t) outside, (uint32_t) count };
        m->bytes += len;
        return true;
}

struct interval {
        uint64_t start, end;    /* [start, end) */
};

static bool interval_overlaps(const struct interval *i, uint64_t start, uint64_t end) {
        return i->start < end && start < i->end;
}

/* The granted host ids, in the order the ranges list them, as disjoint
 * pieces. The kernel refuses a whole map when two lines overlap, so a
 * range listed twice (a files entry plus an SSSD one), or one holding the
 * user's own id, must give each id once. */
static size_t pool_build(const struct id_triple *ranges, size_t n_ranges, uint32_t own,
                         struct interval *pool, size_t max) {
        const struct interval self = { own, (uint64_t) own + 1 };
        size_t n = 0;

        for (size_t i = 0; i < n_ranges && n < max; i++) {
                uint64_t start = ranges[i].outside;
                uint64_t end = MIN(start + ranges[i].count, ID_LIMIT);

                while (start < end && n < max) {
                        const struct interval *first = interval_overlaps(&self, start, end) ? &self : NULL;
                        struct interval piece;

                        for (size_t j = 0; j < n; j++)
                                if (interval_overlaps(&pool[j], start, end) &&
                                    (!first || pool[j].start < first->start))
                                        first = &pool[j];
                        piece = (struct interval) { start, first ? MIN(first->start, end) : end };
                        start = first ? (first->end > start ? first->end : start) : end;
                        if (piece.start >= piece.end)
                                continue;
                        if (n > 0 && pool[n - 1].end == piece.start)
                                pool[n - 1].end = piece.end;
                        else
                                pool[n++] = piece;
                }
        }
        return n;
}

static void plan_single(struct map_builder *m, uint32_t own) {
        (void) map_append(m, 0, own, 1);
}

/* 0 is the user; 1.. are every granted id, range after range. */
static void plan_subid(struct map_builder *m, uint32_t own, const struct interval *pool, size_t n_pool) {
        uint64_t inside = 1;

        if (!map_append(m, 0, own, 1))
                return;
        for (size_t i = 0; i < n_pool; i++) {
                uint64_t count = MIN(pool[i].end - pool[i].start, ID_LIMIT - inside);
                if (!map_append(m, inside, pool[i].start, count))
                        return;
                inside += count;
        }
}

/* The host id of an inside id in a map, false when it has none. */
static bool map_outside_of(const struct id_triple *lines, size_t n, uint32_t inside, uint32_t *ret) {
        for (size_t i = 0; i < n; i++)
                if (lines[i].inside <= inside && inside - lines[i].inside < lines[i].count) {
                        *ret = lines[i].outside + (inside - lines[i].inside);
                        return true;
                }
        return false;
}

/* The subid map with two ids swapped: the user keeps their id (own -> own)
 * and 0 takes the host id that own has under subid, every other id mapping
 * as under subid. One root directory then shows the same owners in both
 * modes but for 0 and own, and a user can switch modes on one root. When
 * the grant does not reach own, 0 takes the host id of the highest id
 * subid maps, which keep-id leaves out. */
static void plan_keep_id(struct map_builder *m, uint32_t own, const struct interval *pool, size_t n_pool) {
        struct id_triple subid[IDMAP_MAX_LINES];
        struct map_builder s = { subid, 0, 0, m->max_lines, m->max_bytes, own };
        size_t own_bytes = triple_text_length(own, own, 1);
        uint32_t swapped = own, zero_outside;
        bool own_mapped = false;

        plan_subid(&s, own, pool, n_pool);
        if (own == 0 || s.n < 2) {
                /* Root keeps 0 under either mode; with no grant there is
                 * only the user's own id. */
                for (size_t i = own == 0 ? 0 : 1; i < s.n; i++)
                        (void) map_append(m, subid[i].inside, subid[i].outside, subid[i].count);
                if (own != 0)
                        (void) map_append(m, own, own, 1);
                return;
        }
        if (!map_outside_of(subid, s.n, own, &zero_outside)) {
                swapped = subid[s.n - 1].inside + subid[s.n - 1].count - 1;
                zero_outside = subid[s.n - 1].outside + subid[s.n - 1].count - 1;
        }
        /* Room for the user's own line is kept until it is in: a map
         * without it would not be keep-id at all. */
        m->max_lines--;
        m->max_bytes -= own_bytes;
        if (!map_append(m, 0, zero_outside, 1))
                goto done;
        /* subid[0] is 0 -> own; the rest ascend from 1, and the id swapped
         * is cut out of its line. */
        for (size_t i = 1; i < s.n; i++) {
                const struct id_triple *t = &subid[i];
                uint64_t end = (uint64_t) t->inside + t->count;
                uint64_t before = swapped >= t->inside && swapped < end ? swapped - t->inside : t->count;

                if (!own_mapped && t->inside > own) {
                        m->max_lines++;
                        m->max_bytes += own_bytes;
                        own_mapped = map_append(m, own, own, 1);
                }
                if (before > 0 && !map_append(m, t->inside, t->outside, before))
                        goto done;
                if (before < t->count && !own_mapped && swapped == own) {
                        m->max_lines++;
                        m->max_bytes += own_bytes;
                        own_mapped = map_append(m, own, own, 1);
                }
                if (before + 1 < t->count &&
                    !map_append(m, t->inside + before + 1, t->outside + before + 1, t->count - before - 1))
                        goto done;
        }
done:
        if (!own_mapped) {
                m->max_lines++;
                m->max_bytes += own_bytes;
                (void) map_append(m, own, own, 1);
        }
}

static bool ranges_empty(const struct id_triple *ranges, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (ranges[i].count > 0)
                        return false;
        return true;
}

/* Host ids [start, end) all lie in the union of the ranges. */
static bool ranges_cover(const struct id_triple *ranges, size_t n, uint64_t start, uint64_t end) {
        while (start < end) {
                size_t i;
                for (i = 0; i < n; i++)
                        if (ranges[i].outside <= start && start < (uint64_t) ranges[i].outside + ranges[i].count)
                                break;
                if (i == n)
                        return false;
                start = (uint64_t) ranges[i].outside + ranges[i].count;
        }
        return true;
}

/* "100000-165535, 300000-300999": the host ids of ranges (or with inside,
 * the container ids of map lines), runs that continue each other merged. */
static void ranges_describe(const struct id_triple *ranges, size_t n, bool inside, char *buf, size_t size) {
        size_t len = 0, shown = 0;
        uint64_t start = 0, end = 0;    /* the run being gathered: [start, end) */

        buf[0] = '\0';
        for (size_t i = 0; i <= n && len < size; i++) {
                uint64_t first = i < n ? (inside ? ranges[i].inside : ranges[i].outside) : 0;

                if (i < n && ranges[i].count == 0)
                        continue;
                if (i < n && end > start && first == end) {
                        end += ranges[i].count;
                        continue;
                }
                if (end > start) {
                        if (shown++ == 8) {
                                snprintf(buf + len, size - len, ", ...");
                                return;
                        }
                        len += (size_t) snprintf(buf + len, size - len, "%s%" PRIu64, len ? ", " : "", start);
                        if (end - 1 > start && len < size)
                                len += (size_t) snprintf(buf + len, size - len, "-%" PRIu64, end - 1);
                }
                if (i < n) {
                        start = first;
                        end = first + ranges[i].count;
                }
        }
}

#define TRIPLE_FMT "%" PRIu32 ":%" PRIu32 ":%" PRIu32
#define TRIPLE_ARGS(t) (t).inside, (t).outside, (t).count

/* Explicit lines are refused here, before any helper runs, with a reason
 * naming the line: newuidmap would refuse them too, but only after the
 * namespaces exist, and with a message that does not say which line. */
static int check_explicit(const struct idmap_kind *kind, uint32_t own, const struct id_triple *lines, size_t n,
                          const struct id_triple *ranges, size_t n_ranges, char **reason) {
        size_t bytes = 0;

        if (n > IDMAP_MAX_LINES)
                return idmap_fail(reason, -E2BIG, "%zu %s map lines: the kernel accepts at most %d",
                            n, kind->name, IDMAP_MAX_LINES);
        for (size_t i = 0; i < n; i++) {
                const struct id_triple *t = &lines[i];

                if (t->count == 0)
                        return idmap_fail(reason, -EINVAL, "%s map line " TRIPLE_FMT ": the count is zero",
                                    kind->name, TRIPLE_ARGS(*t));
                if ((uint64_t) t->inside + t->count > ID_LIMIT || (uint64_t) t->outside + t->count > ID_LIMIT)
                        return idmap_fail(reason, -ERANGE, "%s map line " TRIPLE_FMT ": ids overflow "
                                    "(INSIDE+COUNT and OUTSIDE+COUNT must not pass %" PRIu64 ")",
                                    kind->name, TRIPLE_ARGS(*t), ID_LIMIT);
                for (size_t j = 0; j < i; j++) {
                        const struct id_triple *u = &lines[j];
                        bool inside = t->inside < (uint64_t) u->inside + u->count &&
                                      u->inside < (uint64_t) t->inside + t->count;
                        bool outside = t->outside < (uint64_t) u->outside + u->count &&
                                       u->outside < (uint64_t) t->outside + t->count;
                        if (inside || outside)
                                return idmap_fail(reason, -EINVAL, "%s map lines " TRIPLE_FMT " and " TRIPLE_FMT
                                            " overlap (%s ids)", kind->name, TRIPLE_ARGS(*u), TRIPLE_ARGS(*t),
                                            inside ? "container" : "host");
                }
                if (!(t->outside == own && t->count == 1) &&
                    !ranges_cover(ranges, n_ranges, t->outside, (uint64_t) t->outside + t->count)) {
                        char granted[256], ids[64];
                        ranges_describe(ranges, n_ranges, false, granted, sizeof(granted));
                        if (t->count == 1)
                                snprintf(ids, sizeof(ids), "host %s %" PRIu32 " is", kind->name, t->outside);
                        else
                                snprintf(ids, sizeof(ids), "host %ss %" PRIu32 "-%" PRIu64 " are", kind->name,
                                         t->outside, (uint64_t) t->outside + t->count - 1);
                        return idmap_fail(reason, -EPERM, "%s map line " TRIPLE_FMT ": %s not granted to %s %" PRIu32
                                    " (it may map %" PRIu32 " alone, count 1, and its %s ranges: %s)",
                                    kind->name, TRIPLE_ARGS(*t), ids, kind->name, own, own, kind->file,
                                    granted[0] ? granted : "none");
                }
                bytes += triple_text_length(t->inside, t->outside, t->count);
        }
        if (bytes > IDMAP_MAX_BYTES)
                return idmap_fail(reason, -E2BIG, "the %s map is %zu bytes: the kernel accepts at most %d in one write",
                            kind->name, bytes, IDMAP_MAX_BYTES);
        return 0;
}

static int plan_one(enum idmap_mode mode, const struct idmap_kind *kind, uint32_t own,
                    const struct id_triple *ranges, size_t n_ranges,
                    const struct id_triple *explicit, size_t n_explicit,
                    struct id_triple *lines, size_t *n_lines, char **reason) {
        struct map_builder m = { lines, 0, 0, IDMAP_MAX_LINES, IDMAP_MAX_BYTES, own };
        struct interval pool[IDMAP_MAX_LINES];
        size_t n_pool;
        int r;

        if (n_explicit > 0) {
                r = check_explicit(kind, own, explicit, n_explicit, ranges, n_ranges, reason);
                if (r < 0)
                        return r;
                memcpy(lines, explicit, n_explicit * sizeof(*lines));
                *n_lines = n_explicit;
                return 0;
        }
        if (mode == IDMAP_SINGLE) {
                plan_single(&m, own);
                *n_lines = m.n;
                return 0;
        }
        if (ranges_empty(ranges, n_ranges))
                return idmap_fail(reason, -ENOENT, "--idmap %s: no subordinate %s range in %s",
                            mode_names[mode], kind->name, kind->file);
        n_pool = pool_build(ranges, n_ranges, own, pool, ELEMENTSOF(pool));
        if (mode == IDMAP_KEEP_ID)
                plan_keep_id(&m, own, pool, n_pool);
        else
                plan_subid(&m, own, pool, n_pool);
        *n_lines = m.n;
        return 0;
}

bool idmap_lines_own_id_only(const struct id_triple *lines, size_t n, uint32_t own) {
        for (size_t i = 0; i < n; i++)
                if (lines[i].outside != own || lines[i].count != 1)
                        return false;
        return true;
}

/* newgidmap writes "deny" to setgroups itself unless a line of the map
 * lies in the user's subordinate gid ranges (shadow 4.6+, CVE-2018-7169):
 * a map of one's own gid alone gets what a direct write gets. */
static bool map_uses_grant(const struct id_triple *lines, size_t n, const struct id_triple *ranges, size_t n_ranges) {
        for (size_t i = 0; i < n; i++)
                if (ranges_cover(ranges, n_ranges, lines[i].outside, (uint64_t) lines[i].outside + lines[i].count))
                        return true;
        return false;
}

/* The inside id the host id maps to, or -1. */
static uint32_t map_inside_of(const struct id_triple *lines, size_t n, uint32_t outside) {
        for (size_t i = 0; i < n; i++)
                if (lines[i].outside <= outside && outside - lines[i].outside < lines[i].count)
                        return lines[i].inside + (outside - lines[i].outside);
        return UINT32_MAX;
}

int idmap_plan_from_ranges(enum idmap_mode mode, uid_t uid, gid_t gid,
                           const struct id_triple *uid_ranges, size_t n_uid_ranges,
                           const struct id_triple *gid_ranges, size_t n_gid_ranges,
                           const struct id_triple *explicit_uid, size_t n_explicit_uid,
                           const struct id_triple *explicit_gid, size_t n_explicit_gid,
                           struct idmap_plan *ret, char **reason) {
        _cleanup_free_ char *fallback = NULL;
        bool from_auto = false;
        int r;

        if (reason)
                *reason = NULL;
        memset(ret, 0, sizeof(*ret));
        if (mode == IDMAP_UNSET)
                mode = IDMAP_AUTO;
        if ((unsigned) mode >= ELEMENTSOF(mode_names))
                return idmap_fail(reason, -EINVAL, "unknown id-map mode %d", (int) mode);
        /* (uid_t) -1 is the kernel's "no id": it can never be mapped. */
        if ((uint64_t) uid >= ID_LIMIT || (uint64_t) gid >= ID_LIMIT)
                return idmap_fail(reason, -EINVAL, "uid %" PRIu64 " or gid %" PRIu64 " cannot be mapped",
                            (uint64_t) uid, (uint64_t) gid);
        if (mode == IDMAP_AUTO) {
                from_auto = true;
                if (ranges_empty(uid_ranges, n_uid_ranges) || ranges_empty(gid_ranges, n_gid_ranges)) {
                        mode = IDMAP_SINGLE;
                        fallback = strdup(ranges_empty(uid_ranges, n_uid_ranges) ?
                                          "no subordinate uid range" : "no subordinate gid range");
                        if (!fallback)
                                return idmap_fail(reason, -ENOMEM, "out of memory");
                } else
                        mode = IDMAP_SUBID;
        }

        r = plan_one(mode, &idmap_kinds[0], (uint32_t) uid, uid_ranges, n_uid_ranges,
                     explicit_uid, n_explicit_uid, ret->uid, &ret->n_uid, reason);
        if (r >= 0)
                r = plan_one(mode, &idmap_kinds[1], (uint32_t) gid, gid_ranges, n_gid_ranges,
                             explicit_gid, n_explicit_gid, ret->gid, &ret->n_gid, reason);
        if (r < 0) {
                memset(ret, 0, sizeof(*ret));
                return r;
        }

        ret->mode = mode;
        ret->from_auto = from_auto;
        ret->explicit_uid = n_explicit_uid > 0;
        ret->explicit_gid = n_explicit_gid > 0;
        ret->host_uid = uid;
        ret->host_gid = gid;
        ret->inside_uid = (uid_t) map_inside_of(ret->uid, ret->n_uid, (uint32_t) uid);
        ret->inside_gid = (gid_t) map_inside_of(ret->gid, ret->n_gid, (uint32_t) gid);
        /* Unprivileged, a process may write one line mapping its own id
         * and nothing else; any other map needs the setuid helpers. A plan
         * has a line at least, and no two overlap: "every line" is "the
         * one line". */
        ret->use_helpers = !(idmap_lines_own_id_only(ret->uid, ret->n_uid, (uint32_t) uid) &&
                             idmap_lines_own_id_only(ret->gid, ret->n_gid, (uint32_t) gid));
        ret->setgroups_denied = !ret->use_helpers || !map_uses_grant(ret->gid, ret->n_gid, gid_ranges, n_gid_ranges);
        ret->fallback_reason = TAKE_PTR(fallback);
        return 0;
}

static bool map_has_inside(const struct id_triple *lines, size_t n, uint32_t inside) {
        for (size_t i = 0; i < n; i++)
                if (lines[i].inside <= inside && inside - lines[i].inside < lines[i].count)
                        return true;
        return false;
}

int idmap_check_inside(const struct idmap_plan *p, uid_t uid, gid_t gid, char **reason) {
        const struct id_triple *lines[2] = { p->uid, p->gid };
        const size_t n[2] = { p->n_uid, p->n_gid };
        const uint32_t id[2] = { (uint32_t) uid, (uint32_t) gid };

        if (reason)
                *reason = NULL;
        for (int k = 0; k < 2; k++) {
                bool explicit = k == 0 ? p->explicit_uid : p->explicit_gid;
                char mapped[256];

                if (id[k] == UINT32_MAX || map_has_inside(lines[k], n[k], id[k]))
                        continue;
                ranges_describe(lines[k], n[k], true, mapped, sizeof(mapped));
                return idmap_fail(reason, -ERANGE, "%s %" PRIu32 " is not mapped in the container: "
                            "its %s map holds %ss %s only (%s%s)", idmap_kinds[k].name, id[k], idmap_kinds[k].name,
                            idmap_kinds[k].name, mapped, explicit ? "explicit lines" : "idmap ",
                            explicit ? "" : mode_names[p->mode]);
        }
        return 0;
}

int idmap_parse_triple(const char *s, struct id_triple *ret) {
        _cleanup_free_ char *copy = NULL;
        char *outside, *count;
        struct id_triple t;
        int r;

        if (!s)
                return -EINVAL;
        copy = strdup(s);
        if (!copy)
                return -ENOMEM;
        outside = strchr(copy, ':');
        if (!outside)
                return -EINVAL;
        *outside++ = '\0';
        count = strchr(outside, ':');
        if (!count)
                return -EINVAL;
        *count++ = '\0';
        if (strchr(count, ':'))
                return -EINVAL;
        if ((r = parse_uint32(copy, &t.inside)) < 0 ||
            (r = parse_uint32(outside, &t.outside)) < 0 ||
            (r = parse_uint32(count, &t.count)) < 0)
                return r;
        if (t.count == 0)
                return -EINVAL;
        if ((uint64_t) t.inside + t.count > ID_LIMIT || (uint64_t) t.outside + t.count > ID_LIMIT)
                return -ERANGE;
        *ret = t;
        return 0;
}

void idmap_print(const struct idmap_plan *p, FILE *f) {
        const char *why;

        for (size_t i = 0; i < p->n_uid; i++)
                fprintf(f, "# uid_map: %" PRIu32 " %" PRIu32 " %" PRIu32 "\n", TRIPLE_ARGS(p->uid[i]));
        for (size_t i = 0; i < p->n_gid; i++)
                fprintf(f, "# gid_map: %" PRIu32 " %" PRIu32 " %" PRIu32 "\n", TRIPLE_ARGS(p->gid[i]));
        if (p->fallback_reason)
                why = p->fallback_reason;
        else if (p->from_auto)
                why = "subordinate ranges and newuidmap/newgidmap found";
        else
                why = "requested";
        fprintf(f, "# idmap: %s (%s%s%s%s; %s%s)\n",
                idmap_mode_to_string(p->mode) ?: "?",
                p->from_auto ? "auto: " : "", why,
                p->explicit_uid ? "; explicit uid map" : "",
                p->explicit_gid ? "; explicit gid map" : "",
                p->use_helpers ? "written by newuidmap and newgidmap" : "written directly",
                p->setgroups_denied ? ", setgroups deny" : "");
}
