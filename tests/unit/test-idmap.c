/* SPDX-License-Identifier: Apache-2.0 */
/* Id-map planning from given ranges: no libsubid, no helpers, no kernel. */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>

#include "idmap.h"
#include "unit.h"
#include "util.h"

#define U 1000
#define G 1001

static const struct id_triple one_range[] = { { 0, 100000, 65536 } };
static const struct id_triple two_ranges[] = { { 0, 100000, 65536 }, { 0, 300000, 1000 } };

static bool line_is(const struct id_triple *t, uint32_t inside, uint32_t outside, uint32_t count) {
        if (t->inside == inside && t->outside == outside && t->count == count)
                return true;
        fprintf(stderr, "  line %u %u %u, expected %u %u %u\n", t->inside, t->outside, t->count,
                inside, outside, count);
        return false;
}

/* Plans with the same ranges for uids and gids. */
static int plan(enum idmap_mode mode, const struct id_triple *ranges, size_t n,
                const struct id_triple *xu, size_t nxu, const struct id_triple *xg, size_t nxg,
                struct idmap_plan *p, char **reason) {
        return idmap_plan_from_ranges(mode, U, G, ranges, n, ranges, n, xu, nxu, xg, nxg, p, reason);
}

/* ---- idmap_parse_triple ---- */

TEST(parse_triple_accepts_three_numbers) {
        struct id_triple t;
        CHECK(idmap_parse_triple("0:1000:1", &t) == 0);
        CHECK(line_is(&t, 0, 1000, 1));
        CHECK(idmap_parse_triple("1:100000:65536", &t) == 0);
        CHECK(line_is(&t, 1, 100000, 65536));
        CHECK(idmap_parse_triple("0:0:4294967295", &t) == 0);
        CHECK(line_is(&t, 0, 0, 4294967295u));
        CHECK(idmap_parse_triple("4294967294:4294967294:1", &t) == 0);
}

TEST(parse_triple_refuses_garbage) {
        static const char *const bad[] = {
                "", ":", "::", "1:2", "1:2:3:4", "a:b:c", "-1:0:1", " 1:2:3", "1:2:3 ",
                "+1:2:3", "0x1:2:3", "1::3", ":1:2", "1:2:", "1,2,3", "1 2 3", "1:2:3\n",
        };
        struct id_triple t = { 7, 7, 7 };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                int r = idmap_parse_triple(bad[i], &t);
                if (r != -EINVAL)
                        fprintf(stderr, "  '%s' gave %d\n", bad[i], r);
                CHECK(r == -EINVAL);
        }
        CHECK(idmap_parse_triple(NULL, &t) == -EINVAL);
        CHECK(line_is(&t, 7, 7, 7));
}

TEST(parse_triple_refuses_zero_count) {
        struct id_triple t;
        CHECK(idmap_parse_triple("0:1000:0", &t) == -EINVAL);
}

TEST(parse_triple_refuses_overflow) {
        struct id_triple t;
        CHECK(idmap_parse_triple("4294967295:0:1", &t) == -ERANGE);
        CHECK(idmap_parse_triple("0:4294967290:10", &t) == -ERANGE);
        CHECK(idmap_parse_triple("1:0:4294967295", &t) == -ERANGE);
        CHECK(idmap_parse_triple("4294967296:0:1", &t) == -ERANGE);
        CHECK(idmap_parse_triple("99999999999999999999999:0:1", &t) == -ERANGE);
}

/* ---- the modes ---- */

TEST(single_maps_only_the_user_and_needs_no_helper) {
        struct idmap_plan p;
        CHECK(plan(IDMAP_SINGLE, two_ranges, 2, NULL, 0, NULL, 0, &p, NULL) == 0);
        CHECK(p.mode == IDMAP_SINGLE);
        CHECK(p.n_uid == 1 && line_is(&p.uid[0], 0, U, 1));
        CHECK(p.n_gid == 1 && line_is(&p.gid[0], 0, G, 1));
        CHECK(!p.use_helpers);
        CHECK(p.setgroups_denied);
        CHECK(p.inside_uid == 0 && p.inside_gid == 0);
        idmap_plan_done(&p);
}

TEST(single_needs_no_ranges) {
        struct idmap_plan p;
        CHECK(plan(IDMAP_SINGLE, NULL, 0, NULL, 0, NULL, 0, &p, NULL) == 0);
        CHECK(p.n_uid == 1 && line_is(&p.uid[0], 0, U, 1));
        idmap_plan_done(&p);
}

TEST(subid_from_one_range) {
        struct idmap_plan p;
        CHECK(plan(IDMAP_SUBID, one_range, 1, NULL, 0, NULL, 0, &p, NULL) == 0);
        CHECK(p.mode == IDMAP_SUBID && !p.from_auto);
        CHECK(p.n_uid == 2);
        CHECK(line_is(&p.uid[0], 0, U, 1));
        CHECK(line_is(&p.uid[1], 1, 100000, 65536));
        CHECK(p.n_gid == 2);
        CHECK(line_is(&p.gid[0], 0, G, 1));
        CHECK(line_is(&p.gid[1], 1, 100000, 65536));
        CHECK(p.use_helpers);
        CHECK(!p.setgroups_denied);
        CHECK(p.inside_uid == 0 && p.inside_gid == 0);
        idmap_plan_done(&p);
}

TEST(subid_maps_every_range_not_only_the_first) {
        struct idmap_plan p;
        CHECK(plan(IDMAP_SUBID, two_ranges, 2, NULL, 0, NULL, 0, &p, NULL) == 0);
        CHECK(p.n_uid == 3);
        CHECK(line_is(&p.uid[0], 0, U, 1));
        CHECK(line_is(&p.uid[1], 1, 100000, 65536));
        CHECK(line_is(&p.uid[2], 65537, 300000, 1000));
        CHECK(p.n_gid == 3);
        CHECK(line_is(&p.gid[2], 65537, 300000, 1000));
        idmap_plan_done(&p);
}

TEST(subid_merges_adjacent_ranges_and_skips_repeats) {
        static const struct id_triple ranges[] = {
                { 0, 100000, 10 }, { 0, 100010, 10 }, { 0, 100000, 20 }, { 0, 100005, 30 }, { 0, 5000, 0 },
        };
        struct idmap_plan p;
        CHECK(plan(IDMAP_SUBID, ranges, 5, NULL, 0, NULL, 0, &p, NULL) == 0);
        /* 100000..100034: ids granted twice appear once. */
        CHECK(p.n_uid == 2);
        CHECK(line_is(&p.uid[0], 0, U, 1));
        CHECK(line_is(&p.uid[1], 1, 100000, 35));
        idmap_plan_done(&p);
}

TEST(subid_never_maps_the_users_own_id_twice) {
        static const struct id_triple ranges[] = { { 0, 990, 20 } };
        struct idmap_plan p;
        CHECK(plan(IDMAP_SUBID, ranges, 1, NULL, 0, NULL, 0, &p, NULL) == 0);
        /* 990..1009 holds U=1000 and G=1001: each is carved out. */
        CHECK(p.n_uid == 3);
        CHECK(line_is(&p.uid[0], 0, U, 1));
        CHECK(line_is(&p.uid[1], 1, 990, 10));
        CHECK(line_is(&p.uid[2], 11, 1001, 9));
        CHECK(p.n_gid == 3);
        CHECK(line_is(&p.gid[1], 1, 990, 11));
        CHECK(line_is(&p.gid[2], 12, 1002, 8));
        idmap_plan_done(&p);
}

TEST(subid_keeps_the_users_line_apart_from_a_grant_next_to_it) {
        static const struct id_triple ranges[] = { { 0, U + 1, 100 } };
        struct idmap_plan p;
        /* "0 U 101" would be the same map, but newuidmap refuses it. */
        CHECK(plan(IDMAP_SUBID, ranges, 1, NULL, 0, NULL, 0, &p, NULL) == 0);
        CHECK(p.n_uid == 2);
        CHECK(line_is(&p.uid[0], 0, U, 1));
        CHECK(line_is(&p.uid[1], 1, U + 1, 100));
        idmap_plan_done(&p);
        CHECK(plan(IDMAP_KEEP_ID, ranges, 1, NULL, 0, NULL, 0, &p, NULL) == 0);
        CHECK(p.n_uid == 3);
        CHECK(line_is(&p.uid[0], 0, U + 100, 1));
        CHECK(line_is(&p.uid[1], 1, U + 1, 99));
        CHECK(line_is(&p.uid[2], U, U, 1));
        idmap_plan_done(&p);
}

TEST(subid_without_ranges_is_refused) {
        struct idmap_plan p;
        char *reason = NULL;
        CHECK(plan(IDMAP_SUBID, NULL, 0, NULL, 0, NULL, 0, &p, &reason) == -ENOENT);
        CHECK(reason && strstr(reason, "/etc/subuid"));
        free(reason);
        /* Only the gid side missing. */
        CHECK(idmap_plan_from_ranges(IDMAP_KEEP_ID, U, G, one_range, 1, NULL, 0, NULL, 0, NULL, 0,
                                     &p, &reason) == -ENOENT);
        CHECK(reason && strstr(reason, "/etc/subgid"));
        free(reason);
}

/* Under keep-id 0 is the host id that U has under subid, and U is U. */
TEST(keep_id_from_one_range) {
        struct idmap_plan p;
        CHECK(plan(IDMAP_KEEP_ID, one_range, 1, NULL, 0, NULL, 0, &p, NULL) == 0);
        CHECK(p.mode == IDMAP_KEEP_ID);
        CHECK(p.n_uid == 4);
        CHECK(line_is(&p.uid[0], 0, 100000 + U - 1, 1));
        CHECK(line_is(&p.uid[1], 1, 100000, U - 1));
        CHECK(line_is(&p.uid[2], U, U, 1));
        CHECK(line_is(&p.uid[3], U + 1, 100000 + U, 65536 - U));
        CHECK(p.n_gid == 4);
        CHECK(line_is(&p.gid[0], 0, 100000 + G - 1, 1));
        CHECK(line_is(&p.gid[1], 1, 100000, G - 1));
        CHECK(line_is(&p.gid[2], G, G, 1));
        CHECK(line_is(&p.gid[3], G + 1, 100000 + G, 65536 - G));
        CHECK(p.inside_uid == U && p.inside_gid == G);
        CHECK(p.use_helpers);
        idmap_plan_done(&p);
}

TEST(keep_id_takes_every_range_as_subid_does) {
        static const struct id_triple ranges[] = { { 0, 100000, 500 }, { 0, 300000, 1000 } };
        struct idmap_plan p;
        CHECK(plan(IDMAP_KEEP_ID, ranges, 2, NULL, 0, NULL, 0, &p, NULL) == 0);
        /* subid: 1..500 from the first range, 501..1500 from the second. */
        CHECK(p.n_uid == 5);
        CHECK(line_is(&p.uid[0], 0, 300000 + U - 501, 1));
        CHECK(line_is(&p.uid[1], 1, 100000, 500));
        CHECK(line_is(&p.uid[2], 501, 300000, U - 501));
        CHECK(line_is(&p.uid[3], U, U, 1));
        CHECK(line_is(&p.uid[4], U + 1, 300000 + U - 500, 1500 - U));
        idmap_plan_done(&p);
}

/* subid maps 1..10 only: U has no host id there, so 0 takes the one of 10,
 * which keep-id leaves out. */
TEST(keep_id_with_fewer_ids_than_the_uid_gives_0_the_last_one) {
        static const struct id_triple ranges[] = { { 0, 100000, 10 } };
        struct idmap_plan p;
        CHECK(plan(IDMAP_KEEP_ID, ranges, 1, NULL, 0, NULL, 0, &p, NULL) == 0);
        CHECK(p.n_uid == 3);
        CHECK(line_is(&p.uid[0], 0, 100009, 1));
        CHECK(line_is(&p.uid[1], 1, 100000, 9));
        CHECK(line_is(&p.uid[2], U, U, 1));
        CHECK(p.inside_uid == U);
        idmap_plan_done(&p);
}

/* The host id of inside id x in a map, or -1. */
static int64_t outside_of(const struct id_triple *lines, size_t n, uint32_t x) {
        for (size_t i = 0; i < n; i++)
                if (lines[i].inside <= x && x - lines[i].inside < lines[i].count)
                        return (int64_t) lines[i].outside + (x - lines[i].inside);
        return -1;
}

/* One root shows the same owners under both modes but for 0 and U, which
 * trade places (or, when subid does not reach U, 0 and the highest id):
 * checked id by id over every id subid maps. */
static bool same_owners_but_0_and_own(const struct id_triple *ranges, size_t n, uint32_t own) {
        struct idmap_plan sub, keep;
        uint32_t swapped;
        bool ok = true;

        if (idmap_plan_from_ranges(IDMAP_SUBID, own, own, ranges, n, ranges, n, NULL, 0, NULL, 0, &sub, NULL) < 0 ||
            idmap_plan_from_ranges(IDMAP_KEEP_ID, own, own, ranges, n, ranges, n, NULL, 0, NULL, 0, &keep, NULL) < 0)
                return false;
        swapped = outside_of(sub.uid, sub.n_uid, own) >= 0 ? own
                                                           : sub.uid[sub.n_uid - 1].inside + sub.uid[sub.n_uid - 1].count - 1;
        for (size_t i = 0; i < sub.n_uid && ok; i++)
                for (uint64_t x = sub.uid[i].inside; x < (uint64_t) sub.uid[i].inside + sub.uid[i].count && ok; x++) {
                        int64_t want = (int64_t) sub.uid[i].outside + (int64_t) (x - sub.uid[i].inside);
                        int64_t got = outside_of(keep.uid, keep.n_uid, (uint32_t) x);
                        if (x == 0)
                                want = outside_of(sub.uid, sub.n_uid, swapped);
                        else if (x == own)
                                want = own;
                        else if (x == swapped)
                                want = -1;
                        if (got != want) {
                                fprintf(stderr, "  own %u: inside %" PRIu64 " is host %" PRId64 " under keep-id, "
                                        "%" PRId64 " expected\n", own, x, got, want);
                                ok = false;
                        }
                }
        ok = ok && outside_of(keep.uid, keep.n_uid, own) == own;
        idmap_plan_done(&sub);
        idmap_plan_done(&keep);
        return ok;
}

TEST(keep_id_and_subid_agree_but_on_0_and_the_user) {
        static const struct id_triple scattered[] = { { 0, 200000, 7 }, { 0, 100000, 3000 }, { 0, 990, 20 } };
        CHECK(same_owners_but_0_and_own(one_range, 1, U));
        CHECK(same_owners_but_0_and_own(two_ranges, 2, U));
        CHECK(same_owners_but_0_and_own(two_ranges, 2, 1));
        CHECK(same_owners_but_0_and_own(two_ranges, 2, 65536));
        CHECK(same_owners_but_0_and_own(two_ranges, 2, 65537));
        CHECK(same_owners_but_0_and_own(two_ranges, 2, 0));
        CHECK(same_owners_but_0_and_own(scattered, 3, U));
        CHECK(same_owners_but_0_and_own(scattered, 3, 5));
        CHECK(same_owners_but_0_and_own(scattered, 3, 123456));
}

TEST(keep_id_keeps_the_user_even_when_the_map_is_full) {
        static struct id_triple ranges[1000];
        struct idmap_plan p;
        bool found = false;
        /* Scattered single ids: each one a line, far more than fit. */
        for (size_t i = 0; i < 1000; i++)
                ranges[i] = (struct id_triple) { 0, (uint32_t) (2000000 + 2 * i), 1 };
        CHECK(plan(IDMAP_KEEP_ID, ranges, 1000, NULL, 0, NULL, 0, &p, NULL) == 0);
        CHECK(p.n_uid <= IDMAP_MAX_LINES);
        for (size_t i = 0; i < p.n_uid; i++)
                if (line_is(&p.uid[i], p.uid[i].inside, p.uid[i].outside, p.uid[i].count) &&
                    p.uid[i].outside == U)
                        found = p.uid[i].inside == U && p.uid[i].count == 1;
        CHECK(found);
        CHECK(p.inside_uid == U);
        idmap_plan_done(&p);
}

TEST(many_ranges_stay_within_the_kernel_limits) {
        static struct id_triple ranges[1000];
        struct idmap_plan p;
        size_t bytes = 0;
        for (size_t i = 0; i < 1000; i++)
                ranges[i] = (struct id_triple) { 0, (uint32_t) (4000000000u + 3 * i), 2 };
        CHECK(plan(IDMAP_SUBID, ranges, 1000, NULL, 0, NULL, 0, &p, NULL) == 0);
        CHECK(p.n_uid > 1 && p.n_uid <= IDMAP_MAX_LINES);
        for (size_t i = 0; i < p.n_uid; i++)
                bytes += (size_t) snprintf(NULL, 0, "%u %u %u\n", p.uid[i].inside, p.uid[i].outside, p.uid[i].count);
        CHECK(bytes <= IDMAP_MAX_BYTES);
        idmap_plan_done(&p);
}

TEST(unmappable_ids_are_refused) {
        struct idmap_plan p;
        CHECK(idmap_plan_from_ranges(IDMAP_SINGLE, (uid_t) -1, G, NULL, 0, NULL, 0, NULL, 0, NULL, 0,
                                     &p, NULL) == -EINVAL);
        CHECK(idmap_plan_from_ranges(99, U, G, NULL, 0, NULL, 0, NULL, 0, NULL, 0, &p, NULL) == -EINVAL);
}

TEST(range_reaching_the_top_is_clipped) {
        static const struct id_triple ranges[] = { { 0, 4294967290u, 100 } };
        struct idmap_plan p;
        CHECK(plan(IDMAP_SUBID, ranges, 1, NULL, 0, NULL, 0, &p, NULL) == 0);
        CHECK(p.n_uid == 2);
        CHECK(line_is(&p.uid[1], 1, 4294967290u, 5));
        idmap_plan_done(&p);
}

TEST(auto_with_ranges_is_subid) {
        struct idmap_plan p;
        CHECK(plan(IDMAP_AUTO, two_ranges, 2, NULL, 0, NULL, 0, &p, NULL) == 0);
        CHECK(p.mode == IDMAP_SUBID && p.from_auto && !p.fallback_reason);
        CHECK(p.n_uid == 3);
        idmap_plan_done(&p);
}

TEST(auto_without_gid_ranges_falls_back_to_single_and_says_why) {
        struct idmap_plan p;
        CHECK(idmap_plan_from_ranges(IDMAP_AUTO, U, G, one_range, 1, NULL, 0, NULL, 0, NULL, 0, &p, NULL) == 0);
        CHECK(p.mode == IDMAP_SINGLE && p.from_auto);
        CHECK(p.fallback_reason && strstr(p.fallback_reason, "gid"));
        CHECK(p.n_uid == 1 && line_is(&p.uid[0], 0, U, 1));
        CHECK(!p.use_helpers);
        idmap_plan_done(&p);
        CHECK(!p.fallback_reason);
}

/* ---- explicit lines ---- */

TEST(explicit_lines_replace_the_mode_for_their_side) {
        static const struct id_triple xu[] = { { 0, U, 1 }, { 1, 100000, 65536 }, { 70000, 300000, 1000 } };
        struct idmap_plan p;
        /* Host uid 300000 is not in one_range. */
        CHECK(plan(IDMAP_KEEP_ID, one_range, 1, xu, 3, NULL, 0, &p, NULL) == -EPERM);
        CHECK(plan(IDMAP_KEEP_ID, two_ranges, 2, xu, 3, NULL, 0, &p, NULL) == 0);
        CHECK(p.explicit_uid && !p.explicit_gid);
        CHECK(p.n_uid == 3 && line_is(&p.uid[2], 70000, 300000, 1000));
        CHECK(p.n_gid == 5 && line_is(&p.gid[2], G, G, 1));
        CHECK(p.inside_uid == 0 && p.inside_gid == G);
        idmap_plan_done(&p);
}

TEST(explicit_line_outside_the_grant_is_refused) {
        static const struct id_triple xu[] = { { 0, 5000, 1 } };
        struct idmap_plan p;
        char *reason = NULL;
        CHECK(plan(IDMAP_SUBID, two_ranges, 2, xu, 1, NULL, 0, &p, &reason) == -EPERM);
        CHECK(reason && strstr(reason, "0:5000:1") && strstr(reason, "not granted"));
        CHECK(reason && strstr(reason, "100000-165535"));
        free(reason);
}

TEST(explicit_line_must_stay_inside_the_ranges) {
        static const struct id_triple past_end[] = { { 0, 165000, 1000 } };
        static const struct id_triple own_twice[] = { { 0, U, 2 } };
        static const struct id_triple adjacent_ok[] = { { 0, 100000, 20 } };
        static const struct id_triple adjacent[] = { { 0, 100000, 10 }, { 0, 100010, 10 } };
        struct idmap_plan p;
        CHECK(plan(IDMAP_SUBID, two_ranges, 2, past_end, 1, NULL, 0, &p, NULL) == -EPERM);
        CHECK(plan(IDMAP_SUBID, two_ranges, 2, own_twice, 1, NULL, 0, &p, NULL) == -EPERM);
        /* A line may span ranges that touch. */
        CHECK(plan(IDMAP_SUBID, adjacent, 2, adjacent_ok, 1, NULL, 0, &p, NULL) == 0);
        idmap_plan_done(&p);
}

TEST(explicit_own_id_alone_needs_no_helper) {
        static const struct id_triple xu[] = { { 1000, U, 1 } };
        static const struct id_triple xg[] = { { 5, G, 1 } };
        struct idmap_plan p;
        CHECK(plan(IDMAP_SINGLE, NULL, 0, xu, 1, xg, 1, &p, NULL) == 0);
        CHECK(!p.use_helpers);
        CHECK(p.inside_uid == 1000 && p.inside_gid == 5);
        idmap_plan_done(&p);
}

TEST(own_gid_alone_through_newgidmap_denies_setgroups) {
        static const struct id_triple xu[] = { { 0, U, 1 }, { 1, 100000, 10 } };
        static const struct id_triple xg[] = { { 0, G, 1 }, { 1, 100000, 10 } };
        struct idmap_plan p;
        CHECK(plan(IDMAP_SUBID, one_range, 1, xu, 2, NULL, 0, &p, NULL) == 0);
        CHECK(p.use_helpers && !p.setgroups_denied);
        idmap_plan_done(&p);
        /* The uid side needs newuidmap; newgidmap then gets "0 G 1" alone. */
        CHECK(plan(IDMAP_SINGLE, one_range, 1, xu, 2, NULL, 0, &p, NULL) == 0);
        CHECK(p.use_helpers && p.setgroups_denied);
        idmap_plan_done(&p);
        CHECK(plan(IDMAP_SINGLE, one_range, 1, xu, 2, xg, 2, &p, NULL) == 0);
        CHECK(p.use_helpers && !p.setgroups_denied);
        idmap_plan_done(&p);
}

TEST(explicit_lines_leaving_the_user_out_say_so) {
        static const struct id_triple xu[] = { { 0, 100000, 10 } };
        struct idmap_plan p;
        CHECK(plan(IDMAP_SUBID, one_range, 1, xu, 1, NULL, 0, &p, NULL) == 0);
        CHECK(p.inside_uid == (uid_t) -1);
        CHECK(p.use_helpers);
        idmap_plan_done(&p);
}

TEST(inside_ids_outside_the_map_are_named_with_the_mapped_range) {
        struct idmap_plan p;
        char *reason = NULL;

        CHECK(plan(IDMAP_SINGLE, NULL, 0, NULL, 0, NULL, 0, &p, NULL) == 0);
        CHECK(idmap_check_inside(&p, 0, 0, &reason) == 0 && !reason);
        CHECK(idmap_check_inside(&p, 5, 0, &reason) == -ERANGE);
        CHECK_STREQ(reason, "uid 5 is not mapped in the container: its uid map holds uids 0 only (idmap single)");
        free(reason);
        CHECK(idmap_check_inside(&p, 0, 5, &reason) == -ERANGE);
        CHECK_STREQ(reason, "gid 5 is not mapped in the container: its gid map holds gids 0 only (idmap single)");
        free(reason);
        /* (gid_t) -1: the gid is not known yet, only the uid is checked. */
        CHECK(idmap_check_inside(&p, 0, (gid_t) -1, NULL) == 0);
        idmap_plan_done(&p);

        /* Lines that continue each other inside read as one range. */
        CHECK(plan(IDMAP_SUBID, two_ranges, 2, NULL, 0, NULL, 0, &p, NULL) == 0);
        CHECK(idmap_check_inside(&p, 66536, 66536, NULL) == 0);
        CHECK(idmap_check_inside(&p, 66537, 0, &reason) == -ERANGE);
        CHECK_STREQ(reason, "uid 66537 is not mapped in the container: its uid map holds uids 0-66536 only (idmap subid)");
        free(reason);
        idmap_plan_done(&p);
}

TEST(inside_ids_outside_explicit_lines_list_each_range) {
        static const struct id_triple xu[] = { { 0, U, 1 }, { 10, 100000, 5 }, { 15, 100005, 5 } };
        struct idmap_plan p;
        char *reason = NULL;

        CHECK(plan(IDMAP_SUBID, one_range, 1, xu, 3, NULL, 0, &p, NULL) == 0);
        CHECK(idmap_check_inside(&p, 19, 0, NULL) == 0);
        CHECK(idmap_check_inside(&p, 5, 0, &reason) == -ERANGE);
        CHECK_STREQ(reason, "uid 5 is not mapped in the container: its uid map holds uids 0, 10-19 only "
                            "(explicit lines)");
        free(reason);
        idmap_plan_done(&p);
}

TEST(explicit_overflow_is_refused) {
        static const struct id_triple inside[] = { { 4294967290u, 100000, 10 } };
        static const struct id_triple outside[] = { { 0, 4294967290u, 10 } };
        static const struct id_triple huge[] = { { 0, 0, UINT32_MAX } };
        struct idmap_plan p;
        char *reason = NULL;
        CHECK(plan(IDMAP_SUBID, one_range, 1, inside, 1, NULL, 0, &p, &reason) == -ERANGE);
        CHECK(reason && strstr(reason, "overflow"));
        free(reason);
        CHECK(plan(IDMAP_SUBID, one_range, 1, NULL, 0, outside, 1, &p, NULL) == -ERANGE);
        CHECK(plan(IDMAP_SUBID, one_range, 1, huge, 1, NULL, 0, &p, NULL) == -EPERM);
}

TEST(explicit_overlap_is_refused) {
        static const struct id_triple inside[] = { { 0, U, 1 }, { 0, 100000, 10 } };
        static const struct id_triple outside[] = { { 0, 100000, 10 }, { 20, 100005, 10 } };
        static const struct id_triple touching[] = { { 0, 100000, 10 }, { 10, 100010, 10 } };
        struct idmap_plan p;
        char *reason = NULL;
        CHECK(plan(IDMAP_SUBID, one_range, 1, inside, 2, NULL, 0, &p, &reason) == -EINVAL);
        CHECK(reason && strstr(reason, "overlap") && strstr(reason, "container"));
        free(reason);
        CHECK(plan(IDMAP_SUBID, one_range, 1, outside, 2, NULL, 0, &p, &reason) == -EINVAL);
        CHECK(reason && strstr(reason, "overlap") && strstr(reason, "host"));
        free(reason);
        CHECK(plan(IDMAP_SUBID, one_range, 1, touching, 2, NULL, 0, &p, NULL) == 0);
        idmap_plan_done(&p);
}

TEST(explicit_zero_count_is_refused) {
        static const struct id_triple zero[] = { { 0, 100000, 0 } };
        struct idmap_plan p;
        CHECK(plan(IDMAP_SUBID, one_range, 1, zero, 1, NULL, 0, &p, NULL) == -EINVAL);
}

TEST(explicit_more_than_340_lines_is_refused) {
        static const struct id_triple low[] = { { 0, 0, 1000 } };
        static struct id_triple lines[IDMAP_MAX_LINES + 1];
        struct idmap_plan p;
        char *reason = NULL;
        /* Short numbers, so that 340 lines fit in one page. */
        for (size_t i = 0; i < ELEMENTSOF(lines); i++)
                lines[i] = (struct id_triple) { (uint32_t) i, (uint32_t) i, 1 };
        CHECK(plan(IDMAP_SUBID, low, 1, lines, IDMAP_MAX_LINES + 1, NULL, 0, &p, &reason) == -E2BIG);
        CHECK(reason && strstr(reason, "340"));
        free(reason);
        CHECK(plan(IDMAP_SUBID, low, 1, lines, IDMAP_MAX_LINES, NULL, 0, &p, NULL) == 0);
        CHECK(p.n_uid == IDMAP_MAX_LINES);
        idmap_plan_done(&p);
}

TEST(explicit_map_longer_than_a_page_is_refused) {
        static const struct id_triple big[] = { { 0, 1000000000u, 3000000000u } };
        static struct id_triple lines[300];
        struct idmap_plan p;
        char *reason = NULL;
        for (size_t i = 0; i < ELEMENTSOF(lines); i++)
                lines[i] = (struct id_triple) { (uint32_t) (1000000000u + i), (uint32_t) (1000000000u + i), 1 };
        /* 300 lines of 32 bytes: fine by count, too long for one write. */
        CHECK(idmap_plan_from_ranges(IDMAP_SUBID, U, G, big, 1, big, 1, lines, 300, NULL, 0, &p, &reason) == -E2BIG);
        CHECK(reason && strstr(reason, "bytes"));
        free(reason);
}

TEST(print_is_ini_comments) {
        struct idmap_plan p;
        char *text = NULL;
        size_t size = 0;
        FILE *f;
        CHECK(plan(IDMAP_SUBID, two_ranges, 2, NULL, 0, NULL, 0, &p, NULL) == 0);
        f = open_memstream(&text, &size);
        CHECK(f);
        if (!f)
                return;
        idmap_print(&p, f);
        fclose(f);
        CHECK(strstr(text, "# uid_map: 0 1000 1\n# uid_map: 1 100000 65536\n# uid_map: 65537 300000 1000\n"));
        CHECK(strstr(text, "# gid_map: 0 1001 1\n"));
        CHECK(strstr(text, "# idmap: subid (requested"));
        for (char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
                CHECK(line[0] == '#');
        free(text);
        idmap_plan_done(&p);
}

TEST(print_names_the_fallback_reason) {
        struct idmap_plan p;
        char *text = NULL;
        size_t size = 0;
        FILE *f;
        CHECK(plan(IDMAP_AUTO, NULL, 0, NULL, 0, NULL, 0, &p, NULL) == 0);
        f = open_memstream(&text, &size);
        if (!f)
                return;
        idmap_print(&p, f);
        fclose(f);
        CHECK(strstr(text, "# idmap: single (auto: no subordinate uid range; written directly, setgroups deny)\n"));
        free(text);
        idmap_plan_done(&p);
}

/* The cache of the grant holds only while libsubid reads files. */
static struct idmap_nss_sources nss(const char *text) {
        struct idmap_nss_sources n;
        idmap_nss_sources(text, &n);
        return n;
}

TEST(nsswitch_missing_lines_mean_files) {
        struct idmap_nss_sources n = nss("");

        CHECK(!n.subid_service && n.passwd_files_first && n.group_files_first && n.group_files_only);
        n = nss("hosts: files dns\n# subid: sss\nsubidx: sss\nsubid:\n");
        CHECK(!n.subid_service && n.passwd_files_first && n.group_files_first && n.group_files_only);
}

TEST(nsswitch_subid_files_is_no_service) {
        CHECK(!nss("subid: files\n").subid_service);
        CHECK(!nss("  subid :\tfiles # sss later\n").subid_service);
        CHECK(!nss("subid: files [NOTFOUND=return]\n").subid_service);
}

TEST(nsswitch_subid_service_is_seen) {
        CHECK(nss("subid: sss\n").subid_service);
        CHECK(nss("SUBID: sss\n").subid_service);
        CHECK(nss("subid: filesx\n").subid_service);
        CHECK(nss("group: files\nsubid:ldap").subid_service);
        /* libsubid reads only the first word and skips indented lines;
         * counting more is only over-cautious. */
        CHECK(nss("subid: files sss\n").subid_service);
        CHECK(nss("\tsubid: sss\n").subid_service);
}

TEST(nsswitch_passwd_and_group_order) {
        struct idmap_nss_sources n = nss("passwd: files systemd\ngroup: files systemd\n");

        CHECK(n.passwd_files_first && n.group_files_first && !n.group_files_only);
        n = nss("passwd: sss files\ngroup:\tfiles\n");
        CHECK(!n.passwd_files_first && n.group_files_first && n.group_files_only);
        n = nss("passwd: compat\nGroup: ldap [NOTFOUND=return] files\n");
        CHECK(!n.passwd_files_first && !n.group_files_first && !n.group_files_only);
}

int main(void) {
        static const struct unit_case cases[] = {
                UNIT(parse_triple_accepts_three_numbers),
                UNIT(parse_triple_refuses_garbage),
                UNIT(parse_triple_refuses_zero_count),
                UNIT(parse_triple_refuses_overflow),
                UNIT(single_maps_only_the_user_and_needs_no_helper),
                UNIT(single_needs_no_ranges),
                UNIT(subid_from_one_range),
                UNIT(subid_maps_every_range_not_only_the_first),
                UNIT(subid_merges_adjacent_ranges_and_skips_repeats),
                UNIT(subid_never_maps_the_users_own_id_twice),
                UNIT(subid_keeps_the_users_line_apart_from_a_grant_next_to_it),
                UNIT(subid_without_ranges_is_refused),
                UNIT(keep_id_from_one_range),
                UNIT(keep_id_takes_every_range_as_subid_does),
                UNIT(keep_id_with_fewer_ids_than_the_uid_gives_0_the_last_one),
                UNIT(keep_id_and_subid_agree_but_on_0_and_the_user),
                UNIT(keep_id_keeps_the_user_even_when_the_map_is_full),
                UNIT(many_ranges_stay_within_the_kernel_limits),
                UNIT(unmappable_ids_are_refused),
                UNIT(range_reaching_the_top_is_clipped),
                UNIT(auto_with_ranges_is_subid),
                UNIT(auto_without_gid_ranges_falls_back_to_single_and_says_why),
                UNIT(explicit_lines_replace_the_mode_for_their_side),
                UNIT(explicit_line_outside_the_grant_is_refused),
                UNIT(explicit_line_must_stay_inside_the_ranges),
                UNIT(explicit_own_id_alone_needs_no_helper),
                UNIT(own_gid_alone_through_newgidmap_denies_setgroups),
                UNIT(explicit_lines_leaving_the_user_out_say_so),
                UNIT(inside_ids_outside_the_map_are_named_with_the_mapped_range),
                UNIT(inside_ids_outside_explicit_lines_list_each_range),
                UNIT(explicit_overflow_is_refused),
                UNIT(explicit_overlap_is_refused),
                UNIT(explicit_zero_count_is_refused),
                UNIT(explicit_more_than_340_lines_is_refused),
                UNIT(explicit_map_longer_than_a_page_is_refused),
                UNIT(print_is_ini_comments),
                UNIT(print_names_the_fallback_reason),
                UNIT(nsswitch_missing_lines_mean_files),
                UNIT(nsswitch_subid_files_is_no_service),
                UNIT(nsswitch_subid_service_is_seen),
                UNIT(nsswitch_passwd_and_group_order),
        };
        return unit_main(cases, sizeof(cases) / sizeof(cases[0]));
}
