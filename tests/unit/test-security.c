/* SPDX-License-Identifier: Apache-2.0 */
/* Capability names, errno names and the seccomp filter (built here, loaded
 * only in forked children). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include <unistd.h>
#include <seccomp.h>

#include "security.h"
#include "profile.h"
#include "seccomp-default.h"
#include "seccomp-fixture.h"
#include "unit.h"
#include "util.h"

/* ---- capabilities ---- */

TEST(caps_names_accept_every_spelling) {
        int cap = -1;

        CHECK(caps_from_name("CHOWN", &cap) == 0 && cap == CAP_CHOWN);
        CHECK(caps_from_name("cap_chown", &cap) == 0 && cap == CAP_CHOWN);
        CHECK(caps_from_name("CAP_CHOWN", &cap) == 0 && cap == CAP_CHOWN);
        CHECK(caps_from_name("Cap_Sys_Admin", &cap) == 0 && cap == CAP_SYS_ADMIN);
        CHECK(caps_from_name("net_bind_service", &cap) == 0 && cap == CAP_NET_BIND_SERVICE);
}

TEST(caps_names_refuse_anything_else) {
        int cap = 1234;

        CHECK(caps_from_name(NULL, &cap) == -EINVAL);
        CHECK(caps_from_name("", &cap) == -EINVAL);
        CHECK(caps_from_name("cap_", &cap) == -EINVAL);
        CHECK(caps_from_name("CAP_BOGUS", &cap) == -EINVAL);
        /* libcap alone would read these as CAP_CHOWN or as a number. */
        CHECK(caps_from_name("chown+ep", &cap) == -EINVAL);
        CHECK(caps_from_name("chown,kill", &cap) == -EINVAL);
        CHECK(caps_from_name("cap_chown ", &cap) == -EINVAL);
        CHECK(caps_from_name("0", &cap) == -EINVAL);
        CHECK(caps_from_name("12", &cap) == -EINVAL);
        CHECK(caps_from_name("all", &cap) == -EINVAL);
        CHECK(cap == 1234);
}

TEST(caps_to_name_round_trips) {
        int last = caps_last_cap();

        CHECK_STREQ(caps_to_name(CAP_CHOWN), "CHOWN");
        CHECK_STREQ(caps_to_name(CAP_SYS_ADMIN), "SYS_ADMIN");
        CHECK(caps_to_name(-1) == NULL);
        CHECK(caps_to_name(64) == NULL);
        for (int i = 0; i <= last && i <= CAP_LAST_CAP; i++) {
                const char *name = caps_to_name(i);
                int back = -1;
                CHECK(name != NULL);
                if (name)
                        CHECK(caps_from_name(name, &back) == 0 && back == i);
        }
}

TEST(caps_last_cap_matches_the_kernel) {
        _cleanup_close_ int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
        char buf[16] = {};
        int last = caps_last_cap();

        CHECK(last >= CAP_AUDIT_READ);
        CHECK(last <= 63);
        if (fd >= 0 && read(fd, buf, sizeof(buf) - 1) > 0)
                CHECK(atoi(buf) == last);
}

/* caps_apply in a child that is uid 0 of a user namespace of its own, with
 * an ambient capability raised beforehand: afterwards the kernel must show
 * exactly the kept set, nothing inheritable, nothing ambient. Returns a
 * description of what differs ("" when all is well), or NULL when user
 * namespaces are not available here. */
static char *caps_apply_in_userns(uint64_t keep) {
        static char result[512];
        int pipefd[2], status;
        pid_t pid;
        ssize_t n;

        if (pipe(pipefd) < 0)
                return NULL;
        pid = fork();
        if (pid < 0)
                return NULL;
        if (pid == 0) {
                char map[64], line[256], out[512] = "";
                uid_t uid = getuid();
                gid_t gid = getgid();
                FILE *f;

                close(pipefd[0]);
                if (unshare(CLONE_NEWUSER) < 0)
                        _exit(77);
                snprintf(map, sizeof(map), "0 %u 1", (unsigned) uid);
                if (write_file("/proc/self/uid_map", map) < 0)
                        _exit(77);
                (void) write_file("/proc/self/setgroups", "deny");
                snprintf(map, sizeof(map), "0 %u 1", (unsigned) gid);
                if (write_file("/proc/self/gid_map", map) < 0)
                        _exit(77);
                /* CVE-2022-29162: an ambient capability that must not survive. */
                {
                        struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
                        struct __user_cap_data_struct d[2] = {};
                        if (syscall(SYS_capget, &h, d) == 0) {
                                d[0].inheritable |= 1U << CAP_CHOWN;
                                (void) !syscall(SYS_capset, &h, d);
                                (void) prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_CHOWN, 0, 0);
                        }
                }
                if (caps_apply(keep, 0, 0, NULL, 0, false) < 0)
                        _exit(1);
                f = fopen("/proc/self/status", "re");
                if (!f)
                        _exit(1);
                while (fgets(line, sizeof(line), f)) {
                        unsigned long long v;
                        char name[32];
                        if (sscanf(line, "%31[^:]:\t%llx", name, &v) != 2 || strncmp(name, "Cap", 3) != 0)
                                continue;
                        if (streq(name, "CapInh") || streq(name, "CapAmb") ? v != 0 : v != keep) {
                                size_t l = strlen(out);
                                snprintf(out + l, sizeof(out) - l, "%s=%llx ", name, v);
                        }
                }
                fclose(f);
                (void) !write(pipefd[1], out, strlen(out));
                _exit(0);
        }
        close(pipefd[1]);
        n = read(pipefd[0], result, sizeof(result) - 1);
        close(pipefd[0]);
        result[n > 0 ? n : 0] = 0;
        if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
                return NULL;
        if (WEXITSTATUS(status) == 77)
                return NULL;
        if (WEXITSTATUS(status) != 0)
                return strcpy(result, "caps_apply failed");
        return result;
}

TEST(caps_apply_leaves_exactly_the_kept_set) {
        const char *r = caps_apply_in_userns(config_default_capabilities());

        if (!r)
                SKIP("machine: no unprivileged user namespace here");
        if (*r)
                fprintf(stderr, "  default set: %s\n", r);
        CHECK(*r == 0);
        r = caps_apply_in_userns(0);
        CHECK(r && *r == 0);
        r = caps_apply_in_userns(UINT64_C(1) << CAP_SYS_ADMIN | UINT64_C(1) << CAP_KILL);
        CHECK(r && *r == 0);
}

/* ---- seccomp ---- */

TEST(seccomp_errno_names) {
        int e = 0;

        CHECK(seccomp_errno_from_name("EPERM", &e) == 0 && e == EPERM);
        CHECK(seccomp_errno_from_name("eacces", &e) == 0 && e == EACCES);
        CHECK(seccomp_errno_from_name("ENOSYS", &e) == 0 && e == ENOSYS);
        CHECK(seccomp_errno_from_name("EINVAL", &e) == 0 && e == EINVAL);
        CHECK(seccomp_errno_from_name("EFOO", &e) == -EINVAL);
        CHECK(seccomp_errno_from_name("", &e) == -EINVAL);
        CHECK(seccomp_errno_from_name("1", &e) == -EINVAL);
        CHECK(seccomp_errno_from_name(NULL, &e) == -EINVAL);
}

TEST(seccomp_syscall_names) {
        CHECK(seccomp_syscall_known("keyctl"));
        CHECK(seccomp_syscall_known("open_by_handle_at"));
        CHECK(!seccomp_syscall_known("no_such_call"));
        CHECK(!seccomp_syscall_known(""));
        CHECK(!seccomp_syscall_known(NULL));
#if defined(__x86_64__)
        /* Only the i386 ABI has these: it is covered on x86_64. */
        CHECK(seccomp_syscall_known("vm86"));
        CHECK(seccomp_syscall_known("stime"));
        /* s390 only: no ABI of this machine. */
        CHECK(!seccomp_syscall_known("s390_runtime_instr"));
#endif
}

static void config_for_test(struct config *c) {
        config_init(c);
        config_finalize(c);
}

TEST(seccomp_unconfined_builds_nothing) {
        struct config c;
        struct seccomp_filter *f = (struct seccomp_filter *) 1;

        config_for_test(&c);
        c.seccomp = SECCOMP_UNCONFINED;
        CHECK(seccomp_build(&c, &f) == 0);
        CHECK(f == NULL);
        CHECK(seccomp_install(NULL) == 0);
        seccomp_filter_free(NULL);
        config_done(&c);
}

TEST(seccomp_default_and_lists_build) {
        struct config c;
        struct seccomp_filter *f = NULL;

        config_for_test(&c);
        CHECK(seccomp_build(&c, &f) == 0);
        CHECK(f != NULL);
        seccomp_filter_free(f);
        f = NULL;

        CHECK(strv_extend(&c.seccomp_deny, "ptrace") == 0);
        CHECK(strv_extend(&c.seccomp_deny, "ptrace") == 0);
        CHECK(strv_extend(&c.seccomp_deny, "keyctl") == 0);
        CHECK(strv_extend(&c.seccomp_allow, "bpf") == 0);
        CHECK(strv_extend(&c.seccomp_allow, "clone") == 0);
        CHECK(strv_extend(&c.seccomp_allow, "getpid") == 0); /* in no default group */
        CHECK(seccomp_build(&c, &f) == 0);
        CHECK(f != NULL);
        seccomp_filter_free(f);
        f = NULL;

        /* Unconfined with a deny list of its own: just that list. */
        c.seccomp = SECCOMP_UNCONFINED;
        CHECK(seccomp_build(&c, &f) == 0);
        CHECK(f != NULL);
        seccomp_filter_free(f);
        config_done(&c);
}

TEST(seccomp_unknown_denied_name_is_an_error) {
        struct config c;
        struct seccomp_filter *f = (struct seccomp_filter *) 1;

        config_for_test(&c);
        CHECK(strv_extend(&c.seccomp_deny, "no_such_call") == 0);
        CHECK(seccomp_build(&c, &f) < 0);
        CHECK(f == NULL);
        config_done(&c);
}

/* What a call returns in a child with the filter loaded: 0 or the errno,
 * or 1000+signal when it died. */
enum probe {
        PROBE_KEYCTL,
        PROBE_KEYCTL_X32,
        PROBE_KEYCTL_I386,
        PROBE_TIOCSTI,
        PROBE_TIOCSTI_HIGH_BIT,
        PROBE_TIOCLINUX,
        PROBE_TCGETS,
        PROBE_UNSHARE_USER,
        PROBE_UNSHARE_FILES,
        PROBE_CLONE3,
        PROBE_PTRACE,
        PROBE_GETPID,
        PROBE_OPEN_TREE_ATTR,
        PROBE_OPEN_TREE_ATTR_X32,
        PROBE_OPEN_TREE_ATTR_I386,
};

#if defined(__x86_64__)
/* A call through the i386 entry (int 0x80), whose numbers and registers
 * differ from x86_64's. */
static long i386_syscall(long nr, long a, long b, long c, long d, long e) {
        long ret = nr;
        __asm__ volatile("int $0x80"
                         : "+a"(ret)
                         : "b"(a), "c"(b), "d"(c), "S"(d), "D"(e)
                         : "memory");
        if (ret < 0 && ret > -4096) {
                errno = (int) -ret;
                return -1;
        }
        return ret;
}
#endif

static long probe_call(enum probe p) {
        char ch = 'x';

        switch (p) {
        case PROBE_KEYCTL:
                return syscall(SYS_keyctl, 9999, 0, 0, 0, 0);
#if defined(__x86_64__)
        case PROBE_KEYCTL_X32:
                /* x32 keyctl is 250 with the x32 bit. */
                return syscall(0x40000000 | 250, 9999, 0, 0, 0, 0);
        case PROBE_KEYCTL_I386:
                /* i386 keyctl is 288. */
                return i386_syscall(288, 9999, 0, 0, 0, 0);
        /* open_tree_attr (467 on every ABI) with a size but no attributes:
         * the kernel refuses that with EINVAL (ENOSYS before Linux 6.15),
         * before any capability check. */
        case PROBE_OPEN_TREE_ATTR_X32:
                return syscall(0x40000000 | 467, -1, NULL, 0, NULL, 1);
        case PROBE_OPEN_TREE_ATTR_I386:
                return i386_syscall(467, -1, 0, 0, 0, 1);
#else
        case PROBE_KEYCTL_X32:
        case PROBE_KEYCTL_I386:
        case PROBE_OPEN_TREE_ATTR_X32:
        case PROBE_OPEN_TREE_ATTR_I386:
                errno = EPERM;
                return -1;
#endif
        case PROBE_OPEN_TREE_ATTR:
                return syscall(467, -1, NULL, 0, NULL, 1);
        case PROBE_TIOCSTI:
                return ioctl(-1, TIOCSTI, &ch);
        case PROBE_TIOCSTI_HIGH_BIT:
                return syscall(SYS_ioctl, -1, (1UL << 32) | TIOCSTI, &ch);
        case PROBE_TIOCLINUX:
                return ioctl(-1, TIOCLINUX, &ch);
        case PROBE_TCGETS:
                return ioctl(-1, TCGETS, &ch);
        case PROBE_UNSHARE_USER:
                return unshare(CLONE_NEWUSER);
        case PROBE_UNSHARE_FILES:
                return unshare(CLONE_FILES);
        case PROBE_CLONE3:
                return syscall(435, NULL, 0);
        case PROBE_PTRACE:
                return syscall(SYS_ptrace, 9999, 0, 0, 0);
        case PROBE_GETPID:
                return syscall(SYS_getpid) > 0 ? 0 : -1;
        }
        return -1;
}

static long probe_call_numbered(int p) {
        return probe_call((enum probe) p);
}

static int probe(const struct seccomp_filter *filter, enum probe p) {
        return seccomp_outcome(filter, probe_call_numbered, (int) p);
}

/* Whether int 0x80 reaches the kernel here (keyctl without a filter). */
static bool i386_entry_works(void) {
        int r = probe(NULL, PROBE_KEYCTL_I386);

        if (r != EOPNOTSUPP)
                fprintf(stderr, "  (no i386 entry on this kernel: %d)\n", r);
        return r == EOPNOTSUPP;
}

TEST(seccomp_default_filter_refuses_the_default_calls) {
        struct config c;
        struct seccomp_filter *f = NULL;

        config_for_test(&c);
        CHECK(seccomp_build(&c, &f) == 0);
        CHECK(probe(f, PROBE_GETPID) == 0);
        CHECK(probe(f, PROBE_KEYCTL) == EPERM);
        CHECK(probe(NULL, PROBE_KEYCTL) == EOPNOTSUPP);
        /* TIOCSTI with or without a high bit: refused before the bad fd is seen. */
        CHECK(probe(f, PROBE_TIOCSTI) == EPERM);
        CHECK(probe(f, PROBE_TIOCSTI_HIGH_BIT) == EPERM);
        CHECK(probe(f, PROBE_TIOCLINUX) == EPERM);
        CHECK(probe(NULL, PROBE_TIOCSTI_HIGH_BIT) == EBADF);
        CHECK(probe(f, PROBE_TCGETS) == EBADF);
        CHECK(probe(f, PROBE_UNSHARE_USER) == EPERM);
        CHECK(probe(f, PROBE_UNSHARE_FILES) == 0);
        CHECK(probe(f, PROBE_CLONE3) == ENOSYS);
        /* The other ABIs of the machine are covered too. */
        CHECK(probe(f, PROBE_KEYCTL_X32) == EPERM);
        if (i386_entry_works())
                CHECK(probe(f, PROBE_KEYCTL_I386) == EPERM);
        seccomp_filter_free(f);
        config_done(&c);
}

/* The calls that change the mount tree, by the prefixes of their names:
 * a call that a later kernel adds to this family (and libseccomp learns)
 * must not be silently allowed. */
static const char *const mount_api_prefixes[] = {
        "mount", "umount", "open_tree", "move_mount", "pivot_root",
        "fsopen", "fsconfig", "fsmount", "fspick",
};

static bool is_mount_api(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(mount_api_prefixes); i++)
                if (strncmp(name, mount_api_prefixes[i], strlen(mount_api_prefixes[i])) == 0)
                        return true;
        return false;
}

TEST(seccomp_every_mount_call_libseccomp_knows_is_in_the_mounts_group) {
        static const uint32_t arches[] = {
                SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32, SCMP_ARCH_AARCH64, SCMP_ARCH_ARM,
        };
        size_t found = 0;

        for (size_t a = 0; a < ELEMENTSOF(arches); a++)
                /* x32's numbers carry its bit. */
                for (int nr = 0; nr < 2048; nr++) {
                        int number = nr < 1024 ? nr : 0x40000000 | (nr - 1024);
                        _cleanup_free_ char *name = seccomp_syscall_resolve_num_arch(arches[a], number);
                        const char *group;

                        if (!name || !is_mount_api(name))
                                continue;
                        found++;
                        group = seccomp_default_group(name);
                        if (!group || !streq(group, "mounts"))
                                fprintf(stderr, "  %s (%d on arch %#x): not in the mounts group\n", name,
                                        number, (unsigned) arches[a]);
                        CHECK(group && streq(group, "mounts"));
                }
        /* mount, umount, umount2, pivot_root and the new mount API on
         * several ABIs: the list is libseccomp's, not empty. */
        CHECK(found >= 20);
}

/* Newer than what libseccomp may know: refused by number, on every ABI. */
TEST(seccomp_open_tree_attr_is_refused_on_every_abi) {
        struct config c;
        struct seccomp_filter *f = NULL;

        CHECK(seccomp_syscall_known("open_tree_attr"));
        CHECK_STREQ(seccomp_default_group("open_tree_attr"), "mounts");
        config_for_test(&c);
        CHECK(seccomp_build(&c, &f) == 0);
        CHECK(probe(NULL, PROBE_OPEN_TREE_ATTR) != EPERM);
        CHECK(probe(f, PROBE_OPEN_TREE_ATTR) == EPERM);
        CHECK(probe(f, PROBE_OPEN_TREE_ATTR_X32) == EPERM);
        if (i386_entry_works())
                CHECK(probe(f, PROBE_OPEN_TREE_ATTR_I386) == EPERM);
        CHECK(probe(f, PROBE_GETPID) == 0);
        seccomp_filter_free(f);
        f = NULL;

        /* The profile's lists take it by name as any other call. */
        CHECK(strv_extend(&c.seccomp_allow, "open_tree_attr") == 0);
        CHECK(seccomp_build(&c, &f) == 0);
        CHECK(probe(f, PROBE_OPEN_TREE_ATTR) != EPERM);
        seccomp_filter_free(f);
        f = NULL;
        c.seccomp = SECCOMP_UNCONFINED;
        c.seccomp_errno = EACCES;
        CHECK(strv_extend(&c.seccomp_deny, "open_tree_attr") == 0);
        CHECK(strv_extend(&c.seccomp_deny, "open_tree_attr") == 0);
        CHECK(seccomp_build(&c, &f) == 0);
        CHECK(probe(f, PROBE_OPEN_TREE_ATTR) == EACCES);
        CHECK(probe(f, PROBE_OPEN_TREE_ATTR_X32) == EACCES);
        CHECK(probe(f, PROBE_KEYCTL) == EOPNOTSUPP);
        seccomp_filter_free(f);
        config_done(&c);
}

TEST(seccomp_lists_change_the_default) {
        struct config c;
        struct seccomp_filter *f = NULL;

        config_for_test(&c);
        CHECK(strv_extend(&c.seccomp_allow, "keyctl") == 0);
        CHECK(strv_extend(&c.seccomp_deny, "ptrace") == 0);
        c.seccomp_errno = EACCES;
        CHECK(seccomp_build(&c, &f) == 0);
        CHECK(probe(f, PROBE_KEYCTL) == EOPNOTSUPP);
        CHECK(probe(f, PROBE_PTRACE) == EACCES);
        CHECK(probe(f, PROBE_TIOCSTI) == EPERM);
        seccomp_filter_free(f);
        f = NULL;

        /* Unconfined plus a deny list: nothing of the default remains. */
        c.seccomp = SECCOMP_UNCONFINED;
        strv_free(c.seccomp_allow);
        c.seccomp_allow = NULL;
        CHECK(seccomp_build(&c, &f) == 0);
        CHECK(probe(f, PROBE_KEYCTL) == EOPNOTSUPP);
        CHECK(probe(f, PROBE_PTRACE) == EACCES);
        seccomp_filter_free(f);
        config_done(&c);
}

TEST(seccomp_sys_admin_lifts_the_namespace_group) {
        struct config c;
        struct seccomp_filter *f = NULL;

        config_for_test(&c);
        c.cap_add = UINT64_C(1) << CAP_SYS_ADMIN;
        CHECK(seccomp_build(&c, &f) == 0);
        CHECK(probe(f, PROBE_CLONE3) != ENOSYS);
        /* The mount calls go as one group, the newest too. */
        CHECK(probe(f, PROBE_OPEN_TREE_ATTR) != EPERM);
        CHECK(probe(f, PROBE_KEYCTL) == EPERM);
        seccomp_filter_free(f);
        config_done(&c);
}

TEST(seccomp_precompiled_default_equals_a_fresh_compile) {
        struct config c;
        struct seccomp_filter *built = NULL, *compiled = NULL;
        const void *a, *b;
        size_t na, nb;
        bool precompiled = false;

        config_init(&c);
        config_finalize(&c);
        CHECK(seccomp_build(&c, &built) == 0 && built);
        CHECK(seccomp_compile(&c, &compiled) == 0 && compiled);
        seccomp_filter_data(built, &a, &na);
        seccomp_filter_data(compiled, &b, &nb);
        CHECK(na > 0 && na == nb && memcmp(a, b, na) == 0);
#ifdef SECCOMP_DEFAULT_ARCH
        /* ... and the program built into userbox equals it too: the
         * comparison above is trivial when seccomp_build() compiles. */
        precompiled = na == sizeof(seccomp_default_program) && memcmp(a, seccomp_default_program, na) == 0;
#endif
        seccomp_filter_free(built);
        seccomp_filter_free(compiled);
        config_done(&c);
#ifdef SECCOMP_DEFAULT_ARCH
        if (seccomp_arch_native() != SECCOMP_DEFAULT_ARCH)
                SKIP("machine: running under another architecture than the build's");
        CHECK(precompiled);
#else
        (void) precompiled;
        SKIP("this build has no precompiled seccomp filter");
#endif
}

TEST(seccomp_non_default_configs_are_compiled) {
        struct config c;
        struct seccomp_filter *built = NULL, *compiled = NULL;
        const void *a, *b;
        size_t na, nb;

        config_init(&c);
        CHECK(strv_extend(&c.seccomp_deny, "chmod") == 0);
        config_finalize(&c);
        CHECK(seccomp_build(&c, &built) == 0 && built);
        CHECK(seccomp_compile(&c, &compiled) == 0 && compiled);
        seccomp_filter_data(built, &a, &na);
        seccomp_filter_data(compiled, &b, &nb);
        CHECK(na == nb && memcmp(a, b, na) == 0);
        seccomp_filter_free(built);
        seccomp_filter_free(compiled);
        config_done(&c);
}

int main(void) {
        static const struct unit_case cases[] = {
                UNIT(caps_names_accept_every_spelling),
                UNIT(caps_names_refuse_anything_else),
                UNIT(caps_to_name_round_trips),
                UNIT(caps_last_cap_matches_the_kernel),
                UNIT(caps_apply_leaves_exactly_the_kept_set),
                UNIT(seccomp_errno_names),
                UNIT(seccomp_syscall_names),
                UNIT(seccomp_unconfined_builds_nothing),
                UNIT(seccomp_default_and_lists_build),
                UNIT(seccomp_unknown_denied_name_is_an_error),
                UNIT(seccomp_default_filter_refuses_the_default_calls),
                UNIT(seccomp_every_mount_call_libseccomp_knows_is_in_the_mounts_group),
                UNIT(seccomp_open_tree_attr_is_refused_on_every_abi),
                UNIT(seccomp_lists_change_the_default),
                UNIT(seccomp_sys_admin_lifts_the_namespace_group),
                UNIT(seccomp_precompiled_default_equals_a_fresh_compile),
                UNIT(seccomp_non_default_configs_are_compiled),
        };
        return unit_main(cases, ELEMENTSOF(cases));
}
