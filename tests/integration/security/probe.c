/* SPDX-License-Identifier: Apache-2.0 */
/* The attacks of the security tests, run from inside a container. The tests
 * compile it statically at test time (the busybox root has no libc) and
 * bind it in. Each subcommand prints one line per attempt, "WHAT: RESULT",
 * RESULT being OK or the errno name; the tests decide what must be seen. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static const char *err_name(int e) {
        static char buf[32];
        static const struct { int e; const char *n; } names[] = {
                { EPERM, "EPERM" }, { EACCES, "EACCES" }, { ENOENT, "ENOENT" }, { EBADF, "EBADF" },
                { ENXIO, "ENXIO" }, { ENOTTY, "ENOTTY" }, { EIO, "EIO" }, { EINVAL, "EINVAL" },
                { ENOSYS, "ENOSYS" }, { ETXTBSY, "ETXTBSY" }, { EROFS, "EROFS" }, { EEXIST, "EEXIST" },
                { EOPNOTSUPP, "EOPNOTSUPP" }, { ESRCH, "ESRCH" }, { EBUSY, "EBUSY" }, { ELOOP, "ELOOP" },
                { EISDIR, "EISDIR" }, { ENODEV, "ENODEV" },
        };
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
                if (names[i].e == e)
                        return names[i].n;
        snprintf(buf, sizeof(buf), "errno%d", e);
        return buf;
}

static void report(const char *what, long r) {
        printf("%s: %s\n", what, r < 0 ? err_name(errno) : "OK");
        fflush(stdout);
}

/* sti FD|tty [high]: push one character into a terminal's input queue. The
 * character itself is never printed, so that seeing it on the outer
 * terminal means an injection. */
static int cmd_sti(int argc, char **argv) {
        unsigned long req = TIOCSTI;
        char c = argc > 3 ? argv[3][0] : '#';
        int fd;

        if (argc > 2 && strcmp(argv[2], "high") == 0)
                req |= 1UL << 32;
        if (strcmp(argv[1], "tty") == 0) {
                fd = open("/dev/tty", O_RDWR | O_NOCTTY);
                if (fd < 0) {
                        report("open /dev/tty", -1);
                        return 0;
                }
        } else
                fd = atoi(argv[1]);
        report(req == TIOCSTI ? "TIOCSTI" : "TIOCSTI|1<<32", syscall(SYS_ioctl, fd, req, &c));
        return 0;
}

/* inject TEXT: the text and a newline, one TIOCSTI per byte, on stdin, on
 * /dev/tty, and with the high-bit request on both. */
static int cmd_inject(int argc, char **argv) {
        int fds[2] = { 0, open("/dev/tty", O_RDWR | O_NOCTTY) };
        const char *names[2] = { "stdin", "/dev/tty" };

        for (int i = 0; i < 2; i++)
                for (int high = 0; high < 2; high++) {
                        unsigned long req = TIOCSTI | (high ? 1UL << 32 : 0);
                        char what[64];
                        long r = fds[i] < 0 ? (errno = ENXIO, -1) : 0;

                        for (const char *p = argv[1]; r == 0 && *p; p++)
                                r = syscall(SYS_ioctl, fds[i], req, p);
                        if (r == 0)
                                r = syscall(SYS_ioctl, fds[i], req, "\n");
                        snprintf(what, sizeof(what), "%s %s", names[i], high ? "TIOCSTI|1<<32" : "TIOCSTI");
                        report(what, r);
                }
        return 0;
}

static int cmd_fds(void) {
        DIR *d = opendir("/proc/self/fd");
        struct dirent *e;

        if (!d)
                return report("opendir /proc/self/fd", -1), 1;
        while ((e = readdir(d)))
                if (e->d_name[0] != '.' && atoi(e->d_name) != dirfd(d))
                        printf("%s\n", e->d_name);
        closedir(d);
        return 0;
}

/* exe DEV INO: every /proc/PID/exe visible: can it be reached (the host
 * binary, identified by device and inode as the host sees it), can it be
 * opened for writing. Nothing is ever written. */
static int cmd_exe(int argc, char **argv) {
        unsigned long long dev = strtoull(argv[1], NULL, 0), ino = strtoull(argv[2], NULL, 0);
        DIR *d = opendir("/proc");
        struct dirent *e;

        if (!d)
                return report("opendir /proc", -1), 1;
        while ((e = readdir(d))) {
                char path[300], what[320];
                struct stat st;
                int fd;

                if (e->d_name[0] < '0' || e->d_name[0] > '9')
                        continue;
                snprintf(path, sizeof(path), "/proc/%s/exe", e->d_name);
                if (stat(path, &st) == 0 && st.st_dev == dev && st.st_ino == ino)
                        printf("REACHABLE %s\n", path);
                fd = open(path, O_WRONLY | O_CLOEXEC);
                if (fd >= 0) {
                        printf("WRITABLE %s\n", path);
                        close(fd);
                }
                fd = open(path, O_PATH | O_CLOEXEC);
                snprintf(what, sizeof(what), "%s O_PATH", path);
                report(what, fd);
                if (fd >= 0) {
                        char again[64];
                        snprintf(again, sizeof(again), "/proc/self/fd/%d", fd);
                        int w = open(again, O_WRONLY | O_CLOEXEC);
                        if (w >= 0) {
                                printf("WRITABLE %s via O_PATH\n", path);
                                close(w);
                        }
                        close(fd);
                }
        }
        closedir(d);
        fflush(stdout);
        return 0;
}

/* chroot MARKER: the classic escapes from a chroot; ESCAPED when MARKER
 * (a path that exists only on the host) is reachable afterwards. */
static int cmd_chroot(int argc, char **argv) {
        int root = open("/", O_RDONLY | O_DIRECTORY);

        mkdir("/tmp/jail", 0755);
        report("chroot /tmp/jail", chroot("/tmp/jail"));
        /* 1: cwd left outside the new root, walk up. */
        for (int i = 0; i < 64; i++)
                (void) !chdir("..");
        report("chroot . (walked up)", chroot("."));
        printf("%s\n", access(argv[1], F_OK) == 0 ? "ESCAPED walk" : "contained walk");
        /* 2: a directory fd kept from before. */
        if (root >= 0) {
                report("fchdir", fchdir(root));
                for (int i = 0; i < 64; i++)
                        (void) !chdir("..");
                report("chroot . (fd)", chroot("."));
                printf("%s\n", access(argv[1], F_OK) == 0 ? "ESCAPED fd" : "contained fd");
        }
        return 0;
}

/* mknod DIR...: a character device (1:3, the null device) in each, then
 * open it. A node that opens is a device the container made itself. */
static int cmd_mknod(int argc, char **argv) {
        for (int i = 1; i < argc; i++) {
                char path[4096], what[4200];
                int fd;

                snprintf(path, sizeof(path), "%s/probe-node", argv[i]);
                snprintf(what, sizeof(what), "mknod %s", path);
                if (mknod(path, S_IFCHR | 0666, makedev(1, 3)) < 0) {
                        report(what, -1);
                        continue;
                }
                report(what, 0);
                fd = open(path, O_RDWR | O_CLOEXEC);
                snprintf(what, sizeof(what), "open %s", path);
                report(what, fd);
                if (fd >= 0)
                        printf("DEVICE OPENED %s\n", path);
                if (fd >= 0)
                        close(fd);
                unlink(path);
        }
        return 0;
}

/* syscalls: the calls of the default filter, with arguments that the
 * kernel itself would refuse with another errno than EPERM. */
static int cmd_syscalls(void) {
        report("keyctl", syscall(SYS_keyctl, 9999, 0, 0, 0, 0));
        report("add_key", syscall(SYS_add_key, NULL, NULL, NULL, 0, 0));
        report("bpf", syscall(SYS_bpf, 9999, NULL, 0));
        report("perf_event_open", syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0));
        report("userfaultfd", syscall(SYS_userfaultfd, ~0));
        report("open_by_handle_at", syscall(SYS_open_by_handle_at, -1, NULL, 0));
        report("unshare CLONE_NEWUSER", unshare(CLONE_NEWUSER));
        report("unshare CLONE_NEWNS", unshare(CLONE_NEWNS));
        report("setns", syscall(SYS_setns, -1, 0));
        report("clone3", syscall(435, NULL, 0));
        report("ptrace", syscall(SYS_ptrace, 9999, 0, 0, 0));
        /* Flags or sizes the kernel refuses before it checks capabilities. */
        report("umount2", syscall(SYS_umount2, "/", ~0));
        report("open_tree", syscall(428, -1, "", ~0U));
        report("open_tree_attr", syscall(467, -1, "", 0, NULL, 1));
        report("mount_setattr", syscall(442, -1, "", ~0U, NULL, 0));
        fflush(stdout);
        return 0;
}

static int cmd_setgroups(void) {
        gid_t none[1];
        report("setgroups", setgroups(0, none));
        return 0;
}

static int cmd_session(void) {
        printf("session leader: %s\n", getsid(0) == getpid() ? "yes" : "no");
        report("open /dev/tty", open("/dev/tty", O_RDWR | O_NOCTTY));
        return 0;
}

static volatile sig_atomic_t signals_counted;

static void count_signal(int sig) {
        (void) sig;
        signals_counted++;
}

/* sigcount SIGNO: counts deliveries of SIGNO for 2 s after printing
 * "ready", then prints "count=N". A handler runs once per delivery, where
 * a shell's trap may fold two into one. */
static int cmd_sigcount(int argc, char **argv) {
        struct sigaction sa = { .sa_handler = count_signal };
        struct timespec left = { 2, 0 };

        (void) argc;
        sigemptyset(&sa.sa_mask);
        if (sigaction(atoi(argv[1]), &sa, NULL) < 0) {
                perror("sigaction");
                return 1;
        }
        printf("ready\n");
        fflush(stdout);
        while (nanosleep(&left, &left) < 0 && errno == EINTR)
                ;
        printf("count=%d\n", (int) signals_counted);
        return 0;
}

/* exchange A B SECONDS: swap two paths atomically, over and over, for a
 * while: a root directory and a symlink, to race userbox's setup. */
static int cmd_exchange(int argc, char **argv) {
        time_t end = time(NULL) + (argc > 3 ? atoi(argv[3]) : 5);

        while (time(NULL) < end)
                for (int i = 0; i < 1000; i++)
                        if (syscall(SYS_renameat2, AT_FDCWD, argv[1], AT_FDCWD, argv[2], 2 /* RENAME_EXCHANGE */) < 0) {
                                perror("renameat2");
                                return 1;
                        }
        return 0;
}

/* lease FILE [DIR TARGET]: takes a read lease on FILE and prints "lease:
 * OK"; once someone opens FILE for writing (the kernel tells the holder
 * with SIGIO: that open now waits, up to fs.lease-break-time), prints
 * "break: OK". Alone, then holds the lease until killed. With DIR and
 * TARGET, renames DIR to DIR.old, puts a symlink DIR -> TARGET in its
 * place, prints "swap: OK" and lets the opener go. */
static int cmd_lease(int argc, char **argv) {
        struct timespec wait = { 60, 0 };
        char old[4096];
        sigset_t io;
        int fd;

        sigemptyset(&io);
        sigaddset(&io, SIGIO);
        sigprocmask(SIG_BLOCK, &io, NULL);
        fd = open(argv[1], O_RDONLY);
        if (fd < 0 || fcntl(fd, F_SETLEASE, F_RDLCK) < 0) {
                report("lease", -1);
                return 1;
        }
        report("lease", 0);
        if (sigtimedwait(&io, NULL, &wait) < 0) {
                report("break", -1);
                return 1;
        }
        report("break", 0);
        if (argc < 4)
                for (;;)
                        pause();
        snprintf(old, sizeof(old), "%s.old", argv[2]);
        report("swap", rename(argv[2], old) < 0 ? -1 : symlink(argv[3], argv[2]));
        fcntl(fd, F_SETLEASE, F_UNLCK);
        return 0;
}

int main(int argc, char **argv) {
        if (argc < 2) {
                fprintf(stderr, "usage: probe sti|inject|fds|exe|chroot|mknod|syscalls|setgroups|session|sigcount|exchange|lease ...\n");
                return 2;
        }
        argv++, argc--;
        if (strcmp(argv[0], "sti") == 0 && argc >= 2)
                return cmd_sti(argc, argv);
        if (strcmp(argv[0], "inject") == 0 && argc >= 2)
                return cmd_inject(argc, argv);
        if (strcmp(argv[0], "fds") == 0)
                return cmd_fds();
        if (strcmp(argv[0], "exe") == 0 && argc >= 3)
                return cmd_exe(argc, argv);
        if (strcmp(argv[0], "chroot") == 0 && argc >= 2)
                return cmd_chroot(argc, argv);
        if (strcmp(argv[0], "mknod") == 0)
                return cmd_mknod(argc, argv);
        if (strcmp(argv[0], "syscalls") == 0)
                return cmd_syscalls();
        if (strcmp(argv[0], "setgroups") == 0)
                return cmd_setgroups();
        if (strcmp(argv[0], "session") == 0)
                return cmd_session();
        if (strcmp(argv[0], "sigcount") == 0 && argc >= 2)
                return cmd_sigcount(argc, argv);
        if (strcmp(argv[0], "exchange") == 0 && argc >= 3)
                return cmd_exchange(argc, argv);
        if (strcmp(argv[0], "lease") == 0 && argc >= 2)
                return cmd_lease(argc, argv);
        fprintf(stderr, "probe: unknown command '%s'\n", argv[0]);
        return 2;
}
