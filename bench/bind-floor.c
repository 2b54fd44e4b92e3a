/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bind-floor MODE ROOT SOURCE N
 *
 * What N read-only binds cost the kernel alone on this machine, for bench/run
 * to set beside userbox's cost per bind. It is not a launcher: it enters a
 * user and a mount namespace (one id mapped), attaches a fresh recursive bind
 * of ROOT onto itself as userbox does with a container's root, binds SOURCE
 * read-only and recursively onto ROOT/mnt/b1 .. ROOT/mnt/bN, and exits, so
 * the namespace's teardown is timed too. It checks nothing: no destination is
 * kept inside ROOT, no source is looked at first.
 *
 * MODE fd:    open_tree_attr(SOURCE, clone, recursive, read-only) + move_mount
 *             onto the name + close: userbox's calls for a bind into a
 *             directory it has already resolved, without its statx of the name.
 * MODE mount: mount(2) MS_BIND|MS_REC + mount_setattr(AT_RECURSIVE, read-only)
 *             by name: the fewest calls that give a recursive read-only bind
 *             with any API (it follows a symlink swapped in at the name, which
 *             is why userbox does not use it).
 *
 * Exit status 0, or 1 with a message naming the call that failed.
 */
#define _GNU_SOURCE
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/mount.h>

#ifndef __NR_open_tree_attr
#define __NR_open_tree_attr 467 /* x86_64, aarch64: Linux 6.15 */
#endif

static void write_file(const char *path, const char *text) {
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t) strlen(text))
                err(1, "write %s", path);
        close(fd);
}

/* A detached read-only recursive clone of SOURCE, as userbox makes it:
 * open_tree_attr in one call, or open_tree + mount_setattr before 6.15. */
static int read_only_tree(const char *source, struct mount_attr *ro) {
        static int no_attr;
        unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE;
        int tree = -1;

        if (!no_attr) {
                tree = (int) syscall(__NR_open_tree_attr, AT_FDCWD, source, flags, ro, sizeof(*ro));
                no_attr = tree < 0 && errno == ENOSYS;
        }
        if (no_attr) {
                tree = (int) syscall(SYS_open_tree, AT_FDCWD, source, flags);
                if (tree >= 0 && syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | AT_RECURSIVE, ro, sizeof(*ro)) < 0)
                        err(1, "mount_setattr %s", source);
        }
        if (tree < 0)
                err(1, "open_tree %s", source);
        return tree;
}

int main(int argc, char **argv) {
        struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
        char map[64], name[32], mnt[4096];
        const char *mode, *root, *source;
        int n, tree;

        if (argc != 5 || (strcmp(argv[1], "fd") && strcmp(argv[1], "mount")))
                errx(2, "usage: bind-floor fd|mount ROOT SOURCE N");
        mode = argv[1], root = argv[2], source = argv[3], n = atoi(argv[4]);

        uid_t uid = getuid();
        gid_t gid = getgid();
        if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
                err(1, "unshare");
        write_file("/proc/self/setgroups", "deny");
        snprintf(map, sizeof(map), "0 %u 1", (unsigned) uid);
        write_file("/proc/self/uid_map", map);
        snprintf(map, sizeof(map), "0 %u 1", (unsigned) gid);
        write_file("/proc/self/gid_map", map);
        if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
                err(1, "make / private");

        tree = (int) syscall(SYS_open_tree, AT_FDCWD, root, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
        if (tree < 0 || syscall(SYS_move_mount, tree, "", AT_FDCWD, root, MOVE_MOUNT_F_EMPTY_PATH) < 0)
                err(1, "bind %s onto itself", root);
        close(tree);
        snprintf(mnt, sizeof(mnt), "%s/mnt", root);
        if (chdir(mnt) < 0)
                err(1, "chdir %s", mnt);

        for (int i = 1; i <= n; i++) {
                snprintf(name, sizeof(name), "b%d", i);
                if (mode[0] == 'f') {
                        tree = read_only_tree(source, &ro);
                        if (syscall(SYS_move_mount, tree, "", AT_FDCWD, name, MOVE_MOUNT_F_EMPTY_PATH) < 0)
                                err(1, "move_mount onto %s/%s", mnt, name);
                        close(tree);
                } else {
                        if (mount(source, name, NULL, MS_BIND | MS_REC, NULL) < 0)
                                err(1, "mount %s onto %s/%s", source, mnt, name);
                        if (syscall(SYS_mount_setattr, AT_FDCWD, name, AT_RECURSIVE | AT_SYMLINK_NOFOLLOW, &ro, sizeof(ro)) < 0)
                                err(1, "mount_setattr %s/%s", mnt, name);
                }
        }
        return 0;
}
