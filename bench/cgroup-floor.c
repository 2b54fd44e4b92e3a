/* SPDX-License-Identifier: Apache-2.0 */
/* bench/cgroup-floor: the kernel's own share of what a Memory= and PIDs=
 * launch costs on a hybrid host, with nothing of userbox around it. A
 * launch is a clone3 of new user, pid, mount, uts and ipc namespaces that
 * runs /bin/true, of one of four kinds:
 *   plain   a cgroup namespace from clone, as userbox run makes it
 *           without limits
 *   v1+v2   a new cgroup in V2DIR that clone3 places the child in, new
 *           memory and pids cgroups in MEMDIR and PIDSDIR with a limit
 *           each, which the child enters itself before it execs (their
 *           tasks files, opened by the launcher, come with the word that
 *           the limits are written) and its cgroup namespace made then,
 *           the three removed after it: the cgroup calls of a launch, in
 *           userbox's order
 *   v1      the same without the v2 cgroup
 *   noview  v1+v2 without the view (below)
 * With ROOT, each launch is also what a launch makes the kernel do
 * around those calls (bench/README.md, session 15), in the order of
 * userbox's --idmap single launch: the launcher reads /proc/self/exe and
 * writes the child's id map (one id); the child builds a container's
 * root from ROOT: before "go" its propagation cut, ROOT bound, tmpfs on
 * /dev, a fresh /proc, the host's /sys bound read-only and tmpfs on /tmp;
 * after it, while the launcher makes the v1 cgroups, six
 * host device nodes bound into /dev, devpts, /dev/shm and mqueue,
 * pivot_root and its tree made private. A limited launch (not plain)
 * also makes the least check that can come before clone (its own
 * cgroups read from /proc/self/cgroup, each parent tried for writing)
 * and, with its cgroup namespace, the container's view of
 * /sys/fs/cgroup, userbox's choice (each of the three cgroups bound over
 * its hierarchy's mount point, /sys/fs/cgroup/NAME as on a hybrid host;
 * noview leaves it out). Without ROOT the child execs at once.
 *   cgroup-floor N V2DIR MEMDIR PIDSDIR [ROOT]
 * times N rounds of one launch of each kind in an order shuffled each
 * round and prints the median of each and its cost over plain, in
 * microseconds;
 *   cgroup-floor once KIND V2DIR MEMDIR PIDSDIR [ROOT]
 * makes one launch of KIND and exits with its status: bench/limits times
 * it beside userbox, in the same rounds. The directories are cgroups
 * delegated to the user (the parents `userbox config --limit Memory=1M
 * --limit PIDs=1` names), below /sys/fs/cgroup/HIERARCHY for the view.
 * With CGROUP_FLOOR_STEPS set in the environment, each step's time is
 * printed on stderr as userbox run -v prints its own, for bench/steps.
 *   cc -O2 -o cgroup-floor bench/cgroup-floor.c */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <linux/mount.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { PLAIN, V1_V2, V1, NOVIEW, KINDS };

/* ROOT, or NULL: the child execs at once. */
static const char *root;

static double now_us(void) {
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        return (double) t.tv_sec * 1e6 + (double) t.tv_nsec / 1e3;
}

/* A cgroup call that failed: the launch did less than a limited one, and
 * says so (once: exit status 1). */
static int failed;

/* CGROUP_FLOOR_STEPS set: each step's time since the program started on
 * stderr, "[   T ms] STEP" as userbox run -v prints them, for bench/steps
 * to set beside userbox's. */
static double started;
static bool steps;

static void step(const char *what) {
        if (steps)
                fprintf(stderr, "[%8.3f ms] %s\n", (now_us() - started) / 1000, what);
}

static void check(int r, const char *what) {
        if (r < 0) {
                perror(what);
                failed = 1;
        }
}

static void write_file(const char *dir, const char *file, const char *value) {
        char path[4096];
        int fd;

        snprintf(path, sizeof(path), "%s/%s", dir, file);
        fd = open(path, O_WRONLY | O_CLOEXEC);
        check(fd < 0 ? -1 : (int) write(fd, value, strlen(value)), path);
        if (fd >= 0)
                close(fd);
}

/* mkdir of a cgroup: whether it was made, so that only a made one is
 * removed. */
static bool make_cgroup(const char *dir) {
        bool made = mkdir(dir, 0755) == 0;

        check(made ? 0 : -1, dir);
        return made;
}

static int compare(const void *a, const void *b) {
        double x = *(const double *) a, y = *(const double *) b;
        return x < y ? -1 : x > y;
}

/* root/path, in one of a few static buffers (the child's, before exec). */
static const char *in_root(const char *path) {
        static char buf[4][4096];
        static int i;

        i = (i + 1) % 4;
        snprintf(buf[i], sizeof(buf[i]), "%s%s", root, path);
        return buf[i];
}

/* The child's calls; a failed one says which and ends it with status 2. */
static void must(long r, const char *what) {
        if (r < 0) {
                perror(what);
                _exit(2);
        }
}

/* What every container's child does to its mounts before its command,
 * plain or limited, in the order of userbox's --idmap single launch of a
 * plain root (design §2 and §4): the standard mounts while the launcher
 * writes the id map, before "go"; /dev's nodes and file systems and the
 * pivot after it, while the launcher makes and joins the v1 cgroups. */
static void build_root_early(void) {
        struct mount_attr read_only = { .attr_set = MOUNT_ATTR_RDONLY };

        must(mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL), "propagation");
        must(mount(root, root, NULL, MS_BIND | MS_REC, NULL), root);
        must(mount("tmpfs", in_root("/dev"), "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=755"), "/dev");
        must(mount("proc", in_root("/proc"), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL), "/proc");
        must(mount("/sys", in_root("/sys"), NULL, MS_BIND | MS_REC, NULL), "/sys");
        must(syscall(SYS_mount_setattr, AT_FDCWD, in_root("/sys"), AT_RECURSIVE, &read_only, sizeof(read_only)),
             "/sys read-only");
        must(mount("tmpfs", in_root("/tmp"), "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777"), "/tmp");
}

static void build_root(void) {
        static const char *const nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };
        static const struct { const char *type, *dir, *data; unsigned long flags; } fs[] = {
                { "devpts", "/dev/pts", "newinstance,ptmxmode=0666,mode=620", MS_NOSUID | MS_NOEXEC },
                { "tmpfs", "/dev/shm", "mode=1777", MS_NOSUID | MS_NODEV | MS_NOEXEC },
                { "mqueue", "/dev/mqueue", NULL, MS_NOSUID | MS_NODEV | MS_NOEXEC },
        };

        for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
                char source[64];
                const char *target;
                int fd;

                snprintf(source, sizeof(source), "/dev/%s", nodes[i]);
                target = in_root(source);
                fd = open(target, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
                must(fd, target);
                close(fd);
                must(mount(source, target, NULL, MS_BIND, NULL), target);
        }
        for (size_t i = 0; i < sizeof(fs) / sizeof(fs[0]); i++) {
                must(mkdir(in_root(fs[i].dir), 0755), fs[i].dir);
                must(mount(fs[i].type, in_root(fs[i].dir), fs[i].type, fs[i].flags, fs[i].data), fs[i].dir);
        }
        must(chdir(root), root);
        must(syscall(SYS_pivot_root, ".", "."), "pivot_root");
        must(umount2(".", MNT_DETACH), "the old root");
        must(chdir("/"), "/");
        must(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), "private");
}

/* What every rootless launcher does with /proc, plain or limited: userbox
 * reads its /proc/self/exe (the sealed copy, issue 14), and the child's id
 * map is written there (one id, as --idmap single). So the limited
 * launch's read of /proc/self/cgroup is not the process's first access to
 * /proc, which costs more than the next ones (session 14). */
static void touch_proc(void) {
        char exe[4096];

        check(readlink("/proc/self/exe", exe, sizeof(exe)) < 0 ? -1 : 0, "/proc/self/exe");
}

static void write_id_map(pid_t pid) {
        char dir[64], line[64];

        snprintf(dir, sizeof(dir), "/proc/%d", (int) pid);
        write_file(dir, "setgroups", "deny");
        snprintf(line, sizeof(line), "0 %d 1", (int) getuid());
        write_file(dir, "uid_map", line);
        snprintf(line, sizeof(line), "0 %d 1", (int) getgid());
        write_file(dir, "gid_map", line);
}

/* The container's cgroup dir bound over its hierarchy's mount point,
 * /sys/fs/cgroup/HIERARCHY, through the host's /sys the root shows. */
static void bind_view(const char *dir) {
        const char *prefix = "/sys/fs/cgroup/", *end;
        char mount_point[4096];

        if (strncmp(dir, prefix, strlen(prefix)) != 0) {
                fprintf(stderr, "cgroup-floor: %s is not below %s\n", dir, prefix);
                _exit(3);
        }
        end = strchrnul(dir + strlen(prefix), '/');
        snprintf(mount_point, sizeof(mount_point), "%.*s", (int) (end - dir), dir);
        must(mount(dir, mount_point, NULL, MS_BIND, NULL), dir);
}

/* The least a limited launch must check before clone: where its own
 * cgroups are, and that it may write their parents. */
static void least_check(char *const dirs[3]) {
        char text[4096];
        int fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);

        check(fd < 0 ? -1 : (int) read(fd, text, sizeof(text)), "/proc/self/cgroup");
        if (fd >= 0)
                close(fd);
        for (int i = 0; i < 3; i++)
                check(access(dirs[i], W_OK), dirs[i]);
}

/* The launcher's word that the limits are written, with the tasks files
 * of the v1 cgroups (n of fds) for the child to enter. */
static void send_tasks(int sock, const int *fds, int n) {
        union {
                char buf[CMSG_SPACE(2 * sizeof(int))];
                struct cmsghdr align;
        } control = { 0 };
        struct iovec iov = { "m", 1 };
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                              .msg_controllen = CMSG_SPACE(n * sizeof(int)) };
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(n * sizeof(int));
        memcpy(CMSG_DATA(c), fds, n * sizeof(int));
        check(sendmsg(sock, &msg, MSG_NOSIGNAL) < 0 && errno != EPIPE ? -1 : 0, "sending the tasks files");
}

/* The child: that word, and into each cgroup whose tasks file came with
 * it, as userbox's child enters them (one thread, writing "0"). */
static void enter_sent(int sock) {
        union {
                char buf[CMSG_SPACE(2 * sizeof(int))];
                struct cmsghdr align;
        } control;
        char byte;
        struct iovec iov = { &byte, 1 };
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                              .msg_controllen = sizeof(control.buf) };

        must(recvmsg(sock, &msg, MSG_CMSG_CLOEXEC), "the word that the limits are written");
        if (msg.msg_flags & MSG_CTRUNC) {
                fprintf(stderr, "cgroup-floor: the tasks files did not all come\n");
                _exit(2);
        }
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
                for (size_t i = 0; c->cmsg_type == SCM_RIGHTS && i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++) {
                        int fd;
                        memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
                        must(write(fd, "0", 1), "entering a cgroup");
                        close(fd);
                }
}

/* One launch of kind k: its wall time in microseconds, -1 when clone3
 * failed; *status the child's. */
static double launch(int k, char *const dirs[3], int *status) {
        char v2[4096], memory[4096], pids[4096];
        struct clone_args args = { .flags = CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS |
                                            CLONE_NEWIPC | (k == PLAIN ? CLONE_NEWCGROUP : 0),
                                   .exit_signal = SIGCHLD };
        int go[2], cgroup_fd = -1;
        bool made_v2 = false, made_memory = false, made_pids = false;
        double start = now_us();
        pid_t pid;

        *status = 1;

        snprintf(v2, sizeof(v2), "%s/floor-%d", dirs[0], (int) getpid());
        snprintf(memory, sizeof(memory), "%s/floor-%d", dirs[1], (int) getpid());
        snprintf(pids, sizeof(pids), "%s/floor-%d", dirs[2], (int) getpid());
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, go) < 0)
                return -1;
        if (root)
                touch_proc();
        if (root && k != PLAIN)
                least_check(dirs);
        step("checked");
        if (k == V1_V2 || k == NOVIEW) {
                made_v2 = make_cgroup(v2);
                cgroup_fd = open(v2, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                check(cgroup_fd, v2);
                args.flags |= CLONE_INTO_CGROUP;
                args.cgroup = (uint64_t) cgroup_fd;
        }
        step("cgroup made");
        pid = (pid_t) syscall(SYS_clone3, &args, sizeof(args));
        if (pid < 0)
                perror("clone3");
        if (pid == 0) {
                char byte;
                close(go[1]);
                /* The root's first part, "go" (the id map is written),
                 * the rest; then the word that the limits are written,
                 * or the end of the socket (plain). */
                if (root) {
                        step("child started");
                        build_root_early();
                        step("root's first part");
                        must(read(go[0], &byte, 1), "go");
                        build_root();
                        step("root file system ready");
                }
                if (k == PLAIN)
                        must(read(go[0], &byte, 1), "the end of the socket");
                else
                        enter_sent(go[0]);
                if (k != PLAIN && unshare(CLONE_NEWCGROUP) < 0)
                        _exit(1);
                if (root && k != PLAIN && k != NOVIEW) {
                        if (k == V1_V2)
                                bind_view(v2);
                        bind_view(memory);
                        bind_view(pids);
                }
                step("exec");
                execl("/bin/true", "true", (char *) NULL);
                _exit(127);
        }
        close(go[0]);
        /* A child that died before "go" fails by its status. */
        if (root && pid > 0) {
                step("cloned");
                write_id_map(pid);
                step("id map written");
                if (write(go[1], "g", 1) != 1 && errno != EPIPE)
                        check(-1, "go");
        }
        if (k != PLAIN && pid > 0) {
                int tasks[2];
                char path[4096 + 8];

                made_memory = make_cgroup(memory);
                made_pids = make_cgroup(pids);
                write_file(memory, "memory.limit_in_bytes", "268435456");
                write_file(pids, "pids.max", "100");
                snprintf(path, sizeof(path), "%s/tasks", memory);
                tasks[0] = open(path, O_WRONLY | O_CLOEXEC);
                check(tasks[0], path);
                snprintf(path, sizeof(path), "%s/tasks", pids);
                tasks[1] = open(path, O_WRONLY | O_CLOEXEC);
                check(tasks[1], path);
                if (tasks[0] >= 0 && tasks[1] >= 0)
                        send_tasks(go[1], tasks, 2);
                for (int i = 0; i < 2; i++)
                        if (tasks[i] >= 0)
                                close(tasks[i]);
        }
        step("limits written");
        close(go[1]);
        if (pid > 0)
                waitpid(pid, status, 0);
        step("child ended");
        if (made_memory)
                check(rmdir(memory), memory);
        if (made_pids)
                check(rmdir(pids), pids);
        if (cgroup_fd >= 0)
                close(cgroup_fd);
        if (made_v2)
                check(rmdir(v2), v2);
        step("cgroups removed");
        return pid > 0 ? now_us() - start : -1;
}

int main(int argc, char **argv) {
        static const char *const names[KINDS] = { "plain", "v1+v2", "v1", "noview" };
        double *times[KINDS], median[KINDS];
        int n = argc == 5 || argc == 6 ? atoi(argv[1]) : 0, status, order[KINDS];
        char *const *dirs = argv + 2;

        started = now_us();
        steps = getenv("CGROUP_FLOOR_STEPS") != NULL;

        /* A child that died before "go" fails the launch, not the program:
         * its cgroups are still removed. */
        signal(SIGPIPE, SIG_IGN);

        if ((argc == 6 || argc == 7) && strcmp(argv[1], "once") == 0) {
                root = argc == 7 ? argv[6] : NULL;
                for (int k = 0; k < KINDS; k++)
                        if (strcmp(argv[2], names[k]) == 0) {
                                if (launch(k, argv + 3, &status) < 0 || failed)
                                        return 1;
                                return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
                        }
                n = 0;
        }
        if (n <= 0) {
                fprintf(stderr, "usage: cgroup-floor N V2DIR MEMDIR PIDSDIR [ROOT]\n"
                                "       cgroup-floor once plain|v1+v2|v1|noview V2DIR MEMDIR PIDSDIR [ROOT]\n");
                return 2;
        }
        root = argc == 6 ? argv[5] : NULL;
        srand((unsigned) getpid());
        for (int k = 0; k < KINDS; k++) {
                order[k] = k;
                if (!(times[k] = calloc((size_t) n, sizeof(double))))
                        return 1;
        }
        /* A fixed order would hand the kernel's leftover work of a
         * limited launch to the same kind (bench/README.md, session 12). */
        for (int i = 0; i < n; i++) {
                for (int j = KINDS - 1; j > 0; j--) {
                        int r = rand() % (j + 1), t = order[j];
                        order[j] = order[r];
                        order[r] = t;
                }
                for (int j = 0; j < KINDS; j++) {
                        int k = order[j];
                        if ((times[k][i] = launch(k, dirs, &status)) < 0 || failed ||
                            !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                                fprintf(stderr, "cgroup-floor: a %s launch failed (status %#x)\n", names[k], status);
                                return 1;
                        }
                }
        }
        for (int k = 0; k < KINDS; k++) {
                qsort(times[k], (size_t) n, sizeof(double), compare);
                median[k] = times[k][n / 2];
                printf("%-6s median %6.0f us  (%+.0f us)\n", names[k], median[k], median[k] - median[PLAIN]);
        }
        return 0;
}
