/* SPDX-License-Identifier: Apache-2.0 */
/* userbox-image: reads an image and unpacks it into a directory of the
 * store (the contract with userbox is in src/image/image.h). userbox starts
 * it as root of a user namespace with the user's id map, so that a file of
 * uid N in the image lands on the id that map gives N. A separate, dynamic
 * program: libarchive, its compressors, nettle and json-c stay out of the
 * static launcher, and a crash on a hostile image ends this process only. */
#include <getopt.h>
#include <inttypes.h>

#include "image-internal.h"
#include "util.h"

static const char usage[] = "usage: userbox-image unpack [--ref REF] [--source-label TEXT] SOURCE DEST";

/* The ids 0..N-1 the map of path gives this namespace with no gap: a map
 * has at most 340 lines, in any order. */
#define ID_MAP_LINES_MAX 340

static int id_map_count(const char *path, uint64_t *ret) {
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        uint64_t inside[ID_MAP_LINES_MAX], count[ID_MAP_LINES_MAX], outside, covered = 0;
        size_t n = 0;
        bool grew = true;

        if (!f)
                return log_errno(-errno, "%s", path);
        while (n < ID_MAP_LINES_MAX && fscanf(f, "%" SCNu64 " %" SCNu64 " %" SCNu64, &inside[n], &outside, &count[n]) == 3)
                n++;
        while (grew) {
                grew = false;
                for (size_t i = 0; i < n; i++)
                        if (inside[i] == covered && count[i] > 0) {
                                covered += count[i];
                                grew = true;
                        }
        }
        *ret = covered;
        return 0;
}

/* The lesser of the two maps: an image id beyond either cannot own a file. */
static int id_count_read(uint32_t *ret) {
        uint64_t uids, gids;
        int r = id_map_count("/proc/self/uid_map", &uids);

        if (r >= 0)
                r = id_map_count("/proc/self/gid_map", &gids);
        if (r < 0)
                return r;
        uids = uids < gids ? uids : gids;
        *ret = uids > UINT32_MAX ? UINT32_MAX : (uint32_t) uids;
        return 0;
}

/* What was not kept, one line each: the import worked, but the root is
 * not quite the image. */
static void summary_print(const struct layer_stats *st, uint32_t id_count) {
        if (st->devices)
                fprintf(stderr, "userbox: %" PRIu64 " device node%s skipped: a user namespace cannot make them\n",
                        st->devices, st->devices == 1 ? "" : "s");
        if (st->xattrs_dropped)
                fprintf(stderr, "userbox: %" PRIu64 " extended attribute%s not kept: a user namespace may not set "
                        "them\n", st->xattrs_dropped, st->xattrs_dropped == 1 ? "" : "s");
        if (id_count == 1)
                fprintf(stderr, "userbox: ownership not kept: without subordinate ids every file belongs to you\n");
}

static int parse_arguments(int argc, char **argv, struct image_unpack_options *o, const char **ret_source,
                           const char **ret_dest) {
        static const struct option options[] = {
                { "ref",          required_argument, NULL, 'r' },
                { "source-label", required_argument, NULL, 'l' },
                { "help",         no_argument,       NULL, 'h' },
                {}
        };
        int c;

        if (argc < 2 || !streq(argv[1], "unpack"))
                return log_error("%s", usage);
        /* After "unpack"; getopt's own messages would name the wrong program. */
        argc--;
        argv++;
        opterr = 0;
        while ((c = getopt_long(argc, argv, "+", options, NULL)) >= 0)
                switch (c) {
                case 'r':
                        o->ref = optarg;
                        break;
                case 'l':
                        o->source_label = optarg;
                        break;
                case 'h':
                        printf("%s\n", usage);
                        return 0;
                default:
                        return log_error("userbox-image: unknown option '%s' (%s)", argv[optind - 1], usage);
                }
        if (argc - optind != 2)
                return log_error("%s", usage);
        *ret_source = argv[optind];
        *ret_dest = argv[optind + 1];
        return 1;
}

int main(int argc, char **argv) {
        struct image_unpack_options o = { 0 };
        struct layer_stats st = { 0 };
        const char *source = NULL, *dest = NULL;
        int r;

        log_init();
        r = parse_arguments(argc, argv, &o, &source, &dest);
        if (r <= 0)
                return r < 0 ? EXIT_USERBOX_FAILED : 0;
        /* As root of the namespace the layers' owners can be set; as
         * anyone else every chown would fail halfway through a layer. */
        r = geteuid() == 0 ? id_count_read(&o.id_count)
                           : log_error("userbox-image: must run as root of a user namespace (userbox import starts it so)");
        if (r >= 0 && o.id_count == 0)
                r = log_error("userbox-image: no id 0 in this user namespace's map");
        if (r >= 0)
                r = image_unpack(source, dest, &o, &st);
        if (r < 0)
                return EXIT_USERBOX_FAILED;
        summary_print(&st, o.id_count);
        return 0;
}
