/* SPDX-License-Identifier: Apache-2.0 */
/* bench/cgroup-floor: the kernel's own share of what a Memory= and PIDs=
 * launch costs on a hybrid host, with nothing of userbox around it. A
 * launch is a clone3 of new user, pid, mount, uts and ipc namespaces that
 * runs /bin/true, of one of three kinds:
 *   plain   a cgroup namespace from clone, as userbox run makes it
 *           without limits
 *   v1+v2   a new cgroup in V2DIR that clone3 places the child in, new
 *           memory and pids cgroups in MEMDIR and PIDSDIR with a limit
 *           each, the child moved into them before it runs and its cgroup
 *           namespace made then, the three removed after it: the cgroup
 *           calls of a launch, in userbox's order
 *   v1      the same without the v2 cgroup
 *   cgroup-floor N V2DIR MEMDIR PIDSDIR
 * times N rounds of one launch of each kind in turn and prints the median
 * of each and its cost over plain, in microseconds;
 *   cgroup-floor once KIND V2DIR MEMDIR PIDSDIR
 * makes one launch of KIND and exits with its status: bench/limits times
 * it beside userbox, in the same rounds. The directories are cgroups
 * delegated to the user (the parents `userbox config --limit Memory=1M
 * --limit PIDs=1` names).
 *   cc -O2 -o cgroup-floor bench/cgroup-floor.c */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
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

enum { PLAIN, V1_V2, V1, KINDS };

static double now_us(void) {
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        return (double) t.tv_sec * 1e6 + (double) t.tv_nsec / 1e3;
}

/* A cgroup call that failed: the launch did less than a limited one, and
 * says so (once: exit status 1). */
static int failed;

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

static int compare(const void *a, const void *b) {
        double x = *(const double *) a, y = *(const double *) b;
        return x < y ? -1 : x > y;
}

/* One launch of kind k: its wall time in microseconds, -1 when clone3
 * failed; *status the child's. */
static double launch(int k, char *const dirs[3], int *status) {
        char v2[4096], memory[4096], pids[4096], pid_text[32];
        struct clone_args args = { .flags = CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS |
                                            CLONE_NEWIPC | (k == PLAIN ? CLONE_NEWCGROUP : 0),
                                   .exit_signal = SIGCHLD };
        int go[2], cgroup_fd = -1;
        double start = now_us();
        pid_t pid;

        *status = 1;

        snprintf(v2, sizeof(v2), "%s/floor-%d", dirs[0], (int) getpid());
        snprintf(memory, sizeof(memory), "%s/floor-%d", dirs[1], (int) getpid());
        snprintf(pids, sizeof(pids), "%s/floor-%d", dirs[2], (int) getpid());
        if (pipe2(go, O_CLOEXEC) < 0)
                return -1;
        if (k == V1_V2) {
                check(mkdir(v2, 0755), v2);
                cgroup_fd = open(v2, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                args.flags |= CLONE_INTO_CGROUP;
                args.cgroup = (uint64_t) cgroup_fd;
        }
        pid = (pid_t) syscall(SYS_clone3, &args, sizeof(args));
        if (pid < 0)
                perror("clone3");
        if (pid == 0) {
                char byte;
                close(go[1]);
                if (read(go[0], &byte, 1) < 0 || (k != PLAIN && unshare(CLONE_NEWCGROUP) < 0))
                        _exit(1);
                execl("/bin/true", "true", (char *) NULL);
                _exit(127);
        }
        close(go[0]);
        if (k != PLAIN && pid > 0) {
                snprintf(pid_text, sizeof(pid_text), "%d", (int) pid);
                check(mkdir(memory, 0755), memory);
                check(mkdir(pids, 0755), pids);
                write_file(memory, "memory.limit_in_bytes", "268435456");
                write_file(pids, "pids.max", "100");
                write_file(memory, "cgroup.procs", pid_text);
                write_file(pids, "cgroup.procs", pid_text);
        }
        close(go[1]);
        if (pid > 0)
                waitpid(pid, status, 0);
        if (k != PLAIN) {
                check(rmdir(memory), memory);
                check(rmdir(pids), pids);
        }
        if (cgroup_fd >= 0) {
                close(cgroup_fd);
                check(rmdir(v2), v2);
        }
        return pid > 0 ? now_us() - start : -1;
}

int main(int argc, char **argv) {
        static const char *const names[KINDS] = { "plain", "v1+v2", "v1" };
        double *times[KINDS], median[KINDS];
        int n = argc == 5 ? atoi(argv[1]) : 0, status;

        if (argc == 6 && strcmp(argv[1], "once") == 0) {
                for (int k = 0; k < KINDS; k++)
                        if (strcmp(argv[2], names[k]) == 0) {
                                if (launch(k, argv + 3, &status) < 0 || failed)
                                        return 1;
                                return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
                        }
                n = 0;
        }
        if (n <= 0) {
                fprintf(stderr, "usage: cgroup-floor N V2DIR MEMDIR PIDSDIR\n"
                                "       cgroup-floor once plain|v1+v2|v1 V2DIR MEMDIR PIDSDIR\n");
                return 2;
        }
        for (int k = 0; k < KINDS; k++)
                if (!(times[k] = calloc((size_t) n, sizeof(double))))
                        return 1;
        for (int i = 0; i < n; i++)
                for (int k = 0; k < KINDS; k++)
                        if ((times[k][i] = launch(k, argv + 2, &status)) < 0 || failed)
                                return 1;
        for (int k = 0; k < KINDS; k++) {
                qsort(times[k], (size_t) n, sizeof(double), compare);
                median[k] = times[k][n / 2];
                printf("%-6s median %6.0f us  (%+.0f us)\n", names[k], median[k], median[k] - median[PLAIN]);
        }
        return 0;
}
