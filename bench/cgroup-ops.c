/* SPDX-License-Identifier: Apache-2.0 */
/* bench/cgroup-ops DIR [FILE VALUE] [N]: what each step of a container's
 * cgroup costs the kernel, in a cgroup directory DIR delegated to the
 * user (v1 or v2), N times (100): mkdir of a child cgroup, the write of
 * FILE (a limit, e.g. memory.limit_in_bytes 268435456), moving a fresh
 * process there (fork, then its pid into cgroup.procs: what a launch did
 * before clone3), cloning it there at once (clone3 CLONE_INTO_CGROUP, v2
 * only), and rmdir. Prints the mean of each in microseconds.
 *   cc -O2 -o cgroup-ops bench/cgroup-ops.c */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_us(void) {
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        return (double) t.tv_sec * 1e6 + (double) t.tv_nsec / 1e3;
}

static int write_file(const char *dir, const char *file, const char *value) {
        char path[4096];
        int fd, r = 0;

        snprintf(path, sizeof(path), "%s/%s", dir, file);
        fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write(fd, value, strlen(value)) < 0)
                r = -errno;
        if (fd >= 0)
                close(fd);
        if (r < 0)
                fprintf(stderr, "cgroup-ops: %s: %s\n", path, strerror(-r));
        return r;
}

/* A process that waits to be killed. */
static void end_child(pid_t pid) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
}

int main(int argc, char **argv) {
        const char *parent = argc > 1 ? argv[1] : NULL;
        const char *file = argc > 3 ? argv[2] : NULL, *value = argc > 3 ? argv[3] : NULL;
        int n = argc > 4 ? atoi(argv[4]) : argc == 3 ? atoi(argv[2]) : 100, into = 0;
        double t_mkdir = 0, t_limit = 0, t_move = 0, t_clone_into = 0, t_rmdir = 0, t0;
        char dir[4096], pid_text[16];

        if (!parent || n <= 0) {
                fprintf(stderr, "usage: cgroup-ops DIR [FILE VALUE] [N]\n");
                return 2;
        }
        for (int i = 0; i < n; i++) {
                struct clone_args args = { .flags = CLONE_INTO_CGROUP, .exit_signal = SIGCHLD };
                pid_t pid;
                int fd;

                snprintf(dir, sizeof(dir), "%s/cgroup-ops-%d-%d", parent, (int) getpid(), i);
                t0 = now_us();
                if (mkdir(dir, 0755) < 0) {
                        perror(dir);
                        return 1;
                }
                t_mkdir += now_us() - t0;
                t0 = now_us();
                if (file && write_file(dir, file, value) < 0)
                        return 1;
                t_limit += now_us() - t0;

                t0 = now_us();
                pid = fork();
                if (pid == 0)
                        for (;;)
                                pause();
                snprintf(pid_text, sizeof(pid_text), "%d", (int) pid);
                if (write_file(dir, "cgroup.procs", pid_text) < 0)
                        return 1;
                t_move += now_us() - t0;
                end_child(pid);

                fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                args.cgroup = (uint64_t) fd;
                t0 = now_us();
                pid = (pid_t) syscall(SYS_clone3, &args, sizeof(args));
                if (pid == 0)
                        for (;;)
                                pause();
                if (pid > 0) {
                        t_clone_into += now_us() - t0;
                        into++;
                        end_child(pid);
                }
                close(fd);

                t0 = now_us();
                while (rmdir(dir) < 0 && errno == EBUSY)
                        ;
                t_rmdir += now_us() - t0;
        }
        printf("%s: mkdir %.0f, %s %.0f, fork + move %.0f, clone3 into %s, rmdir %.0f us (mean of %d)\n", parent,
               t_mkdir / n, file ? file : "no limit", t_limit / n, t_move / n,
               into ? (snprintf(pid_text, sizeof(pid_text), "%.0f", t_clone_into / into), pid_text) : "n/a (v1)",
               t_rmdir / n, n);
        return 0;
}
