/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: layer_apply on what a hostile image could hold.
 *
 * Input starting with 'L': lines that describe the layers, written here
 * as tars with libarchive, so that the fuzzer plays with names, links and
 * whiteouts rather than with tar checksums:
 *     f NAME | d NAME | p NAME | c NAME | l NAME TARGET | h NAME TARGET
 * (file, directory, FIFO, char device, symlink, hard link); "-" starts the
 * next layer. Any other input is one layer as it is (a tar, compressed or
 * not: libarchive's readers).
 *
 * Whatever the layers say: nothing outside the root changes (a sentinel
 * directory beside it), no whiteout marker is left in the root, and a
 * refused layer says why. */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "image-internal.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static char base[] = "/tmp/userbox-layer-fuzz.XXXXXX";
static int base_fd = -1;

static void setup(void) {
        int fd;

        CHECK(mkdtemp(base));
        base_fd = open(base, O_PATH | O_DIRECTORY | O_CLOEXEC);
        CHECK(base_fd >= 0 && mkdirat(base_fd, "outside", 0755) == 0);
        fd = openat(base_fd, "outside/sentinel", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        CHECK(fd >= 0 && write(fd, "keep", 4) == 4);
        close(fd);
}

/* A layer may leave directories the user cannot enter (mode 0): opened
 * up before the next input's root replaces this one. */
static void open_up(int dir_fd, const char *name) {
        DIR *d;
        struct dirent *de;
        int fd;

        if (fchmodat(dir_fd, name, 0700, 0) < 0)
                return;
        fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 || !(d = fdopendir(fd))) {
                if (fd >= 0)
                        close(fd);
                return;
        }
        while ((de = readdir(d)))
                if (de->d_type == DT_DIR && !streq(de->d_name, ".") && !streq(de->d_name, ".."))
                        open_up(dirfd(d), de->d_name);
        closedir(d);
}

static bool outside_untouched(void) {
        struct stat dir, file;
        char buf[8] = "";
        int fd = openat(base_fd, "outside/sentinel", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        bool same = fd >= 0 && read(fd, buf, sizeof(buf)) == 4 && memcmp(buf, "keep", 4) == 0;

        if (fd >= 0)
                close(fd);
        return same && fstatat(base_fd, "outside", &dir, AT_SYMLINK_NOFOLLOW) == 0 && dir.st_nlink == 2 &&
               fstatat(base_fd, "outside/sentinel", &file, AT_SYMLINK_NOFOLLOW) == 0 && file.st_nlink == 1 &&
               (file.st_mode & 07777) == 0644;
}

static int no_marker(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
        (void) st, (void) flag;
        return strncmp(path + ftw->base, ".wh.", 4) == 0;
}

static void entry_put(struct archive *a, char type, const char *name, const char *target) {
        static const struct {
                char letter;
                mode_t type;
        } types[] = { { 'f', AE_IFREG }, { 'd', AE_IFDIR }, { 'p', AE_IFIFO }, { 'c', AE_IFCHR },
                      { 'l', AE_IFLNK }, { 'h', AE_IFREG } };
        struct archive_entry *e = archive_entry_new();

        for (size_t i = 0; i < ELEMENTSOF(types); i++)
                if (types[i].letter == type)
                        archive_entry_set_filetype(e, types[i].type);
        if (!archive_entry_filetype(e))
                archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_pathname(e, name);
        archive_entry_set_perm(e, type == 'd' ? 0755 : 0644);
        if (type == 'l')
                archive_entry_set_symlink(e, target);
        if (type == 'h')
                archive_entry_set_hardlink(e, target);
        if (type == 'f')
                archive_entry_set_size(e, 1);
        if (archive_write_header(a, e) == ARCHIVE_OK && type == 'f')
                archive_write_data(a, "x", 1);
        archive_entry_free(e);
}

/* The layers of a described input, as memfds; returns how many. */
static size_t layers_build(const char *text, int fds[], size_t max) {
        _cleanup_free_ char *copy = strdup(text);
        struct archive *a = NULL;
        size_t n = 0;
        char *save = NULL;

        if (!copy)
                return 0;
        for (char *line = strtok_r(copy, "\n", &save);; line = strtok_r(NULL, "\n", &save)) {
                if (!line || streq(line, "-")) {
                        if (a)
                                archive_write_free(a);
                        a = NULL;
                        if (!line || n == max)
                                return n;
                        continue;
                }
                if (!a) {
                        fds[n] = memfd_create("layer", MFD_CLOEXEC);
                        a = archive_write_new();
                        CHECK(fds[n] >= 0 && a);
                        archive_write_set_format_pax(a);
                        archive_write_open_fd(a, fds[n++]);
                }
                if (strlen(line) > 2 && line[1] == ' ') {
                        char *target = strchr(line + 2, ' ');

                        if (target)
                                *target++ = '\0';
                        entry_put(a, line[0], line + 2, target ? target : "");
                }
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct layer_stats st = {};
        int fds[4], root_fd;
        size_t n = 0;

        if (base_fd < 0)
                setup();
        if (size > 65536)
                return 0;
        if (size > 0 && data[0] == 'L') {
                _cleanup_free_ char *text = strndup((const char *) data + 1, size - 1);

                if (text)
                        n = layers_build(text, fds, ELEMENTSOF(fds));
        } else {
                fds[0] = memfd_create("layer", MFD_CLOEXEC);
                CHECK(fds[0] >= 0 && write(fds[0], data, size) == (ssize_t) size);
                n = 1;
        }
        open_up(base_fd, "root");
        CHECK(remove_tree_at(base_fd, "root") == 0 && mkdirat(base_fd, "root", 0755) == 0);
        root_fd = openat(base_fd, "root", O_PATH | O_DIRECTORY | O_CLOEXEC);
        CHECK(root_fd >= 0);
        for (size_t i = 0; i < n; i++) {
                struct layer_options o = { .label = "layer", .id_count = 1 };
                int r;

                /* The messages, kept rather than printed: a refusal must have one. */
                log_set_deferred(true);
                lseek(fds[i], 0, SEEK_SET);
                r = layer_apply(root_fd, fds[i], &o, &st);
                CHECK(r >= 0 || log_deferred_message()[0]);
                log_set_deferred(false);
                CHECK(outside_untouched());
                if (r < 0)
                        break;
        }
        {
                char root[sizeof(base) + 8];

                snprintf(root, sizeof(root), "%s/root", base);
                CHECK(nftw(root, no_marker, 16, FTW_PHYS) == 0);
        }
        for (size_t i = 0; i < n; i++)
                close(fds[i]);
        close(root_fd);
        return 0;
}
