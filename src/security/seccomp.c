/* SPDX-License-Identifier: Apache-2.0 */
/* The seccomp filter: the default groups of denied calls, the profile's
 * additions, compiled with libseccomp (or at build time) and installed. */
#include <errno.h>
#include <sched.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

/* libseccomp's header, not this module's: src/ is an -iquote directory. */
#include <seccomp.h>
#include "util.h"
#include "security.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef TIOCLINUX
#define TIOCLINUX 0x541C
#endif

enum rule_kind {
        RULE_CALL,          /* the call, whatever its arguments */
        RULE_NS_FLAGS,      /* clone/unshare only with a CLONE_NEW* flag in argument 0 */
        RULE_TERMINAL,      /* ioctl only with TIOCSTI or TIOCLINUX */
};

struct syscall_group {
        const char *name;
        enum rule_kind kind;
        int error;              /* errno returned by a denied call */
        bool unless_sys_admin;  /* allowed when CAP_SYS_ADMIN is kept, as docker does */
        const char *const *syscalls;
};

#define CALLS(...) ((const char *const[]) { __VA_ARGS__, NULL })

/* The default filter: what a container never needs and what has a record of
 * being the way out of one, in the spirit of docker's default profile. The
 * reasons are in the SECURITY section of userbox(1); keep both in step. */
static const struct syscall_group default_groups[] = {
        /* The keyring is not namespaced: keys of the host user would be
         * reachable, and keyctl has been a steady source of kernel bugs. */
        { "keyring", RULE_CALL, EPERM, false, CALLS("keyctl", "add_key", "request_key") },
        /* Replacing the running kernel. */
        { "kexec", RULE_CALL, EPERM, false, CALLS("kexec_load", "kexec_file_load") },
        /* Loading code into the kernel. */
        { "modules", RULE_CALL, EPERM, false,
          CALLS("init_module", "finit_module", "delete_module", "create_module", "query_module",
                "get_kernel_syms") },
        /* BPF programs: a large kernel surface, and a way to read kernel memory. */
        { "bpf", RULE_CALL, EPERM, false, CALLS("bpf") },
        /* Performance events leak kernel addresses and other processes' activity. */
        { "perf", RULE_CALL, EPERM, false, CALLS("perf_event_open") },
        /* Stops the kernel at a chosen page fault: the usual tool to win
         * kernel races in exploits. */
        { "userfaultfd", RULE_CALL, EPERM, false, CALLS("userfaultfd") },
        /* Opening by file handle bypasses the mount view: the 2014 "shocker"
         * escape read the host's files this way. */
        { "handles", RULE_CALL, EPERM, false, CALLS("open_by_handle_at", "name_to_handle_at") },
        /* The clock is not namespaced: setting it changes the host's. */
        { "clock", RULE_CALL, EPERM, false,
          CALLS("clock_settime", "clock_settime64", "clock_adjtime", "clock_adjtime64",
                "settimeofday", "adjtimex", "stime") },
        { "swap", RULE_CALL, EPERM, false, CALLS("swapon", "swapoff") },
        /* Host-wide: process accounting, disk quotas, profiling cookies, reboot. */
        { "host", RULE_CALL, EPERM, false,
          CALLS("acct", "quotactl", "quotactl_fd", "lookup_dcookie", "reboot") },
        /* Hardware access from user space: I/O ports, virtual 8086 mode. */
        { "hardware", RULE_CALL, EPERM, false, CALLS("iopl", "ioperm", "vm86", "vm86old") },
        /* Obsolete interfaces that only old exploits use. */
        { "obsolete", RULE_CALL, EPERM, false,
          CALLS("nfsservctl", "uselib", "ustat", "sysfs", "_sysctl") },
        /* New namespaces and mounts: a user namespace created inside gives
         * back every capability the container dropped, which turns each
         * namespaced kernel interface into attack surface again. */
        { "namespaces", RULE_NS_FLAGS, EPERM, true, CALLS("clone", "unshare") },
        /* clone3 passes its flags in memory, out of the filter's sight:
         * ENOSYS makes the C library fall back to clone, which is checked. */
        { "clone3", RULE_CALL, ENOSYS, true, CALLS("clone3") },
        { "mounts", RULE_CALL, EPERM, true,
          CALLS("setns", "mount", "umount", "umount2", "pivot_root", "fsopen", "fsconfig",
                "fsmount", "fspick", "open_tree", "open_tree_attr", "move_mount",
                "mount_setattr") },
        /* Pushing characters into the terminal's input queue: a command
         * inside would type into the shell that started userbox once it
         * exits (CVE-2017-5226). */
        { "terminal", RULE_TERMINAL, EPERM, false, CALLS("ioctl") },
};

static const unsigned long namespace_flags[] = {
        CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC,
        CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET,
};

static const unsigned long terminal_requests[] = { TIOCSTI, TIOCLINUX };

/* Calls newer than the libseccomp userbox is built with (2.5.4 knows Linux
 * 5.16's): it knows neither their names nor, on the other ABIs, their
 * numbers, so they are refused by number, in instructions of our own ahead
 * of its program. From 424 on the kernel numbers a call alike on every
 * architecture, above the ABI's base (x32's bit): the number is enough. */
static const struct {
        const char *name;
        int nr;
} unified_syscalls[] = {
        { "open_tree_attr", 467 },
};

/* A call of the unified table that libseccomp knows everywhere (2.4 and
 * later): where it lies on an ABI gives the ABI's base. */
#define UNIFIED_REFERENCE_NAME "open_tree"
#define UNIFIED_REFERENCE_NR 428

/* The filter while it is built: libseccomp's context, and the calls of
 * unified_syscalls that a rule refuses. */
struct filter_build {
        scmp_filter_ctx ctx;
        struct {
                int nr;
                uint32_t action;
        } unified[ELEMENTSOF(unified_syscalls)];
        size_t n_unified;
};

/* The ABIs a process of the native architecture can switch to: a filter for
 * the native one alone would let a 32-bit syscall through untouched. */
static const struct {
        uint32_t native;
        uint32_t others[2];
} arch_families[] = {
        { SCMP_ARCH_X86_64, { SCMP_ARCH_X86, SCMP_ARCH_X32 } },
        { SCMP_ARCH_AARCH64, { SCMP_ARCH_ARM, 0 } },
};

static const struct {
        const char *name;
        int value;
} errno_names[] = {
        { "EPERM", EPERM }, { "ENOENT", ENOENT }, { "ESRCH", ESRCH }, { "EINTR", EINTR },
        { "EIO", EIO }, { "ENXIO", ENXIO }, { "E2BIG", E2BIG }, { "EBADF", EBADF },
        { "EAGAIN", EAGAIN }, { "ENOMEM", ENOMEM }, { "EACCES", EACCES }, { "EFAULT", EFAULT },
        { "EBUSY", EBUSY }, { "EEXIST", EEXIST }, { "ENODEV", ENODEV }, { "EINVAL", EINVAL },
        { "ENOTTY", ENOTTY }, { "ENOSPC", ENOSPC }, { "EROFS", EROFS }, { "ENOSYS", ENOSYS },
        { "EOPNOTSUPP", EOPNOTSUPP }, { "ENOTSUP", ENOTSUP }, { "EAFNOSUPPORT", EAFNOSUPPORT },
        { "ECONNREFUSED", ECONNREFUSED },
};

/* The compiled filter: libseccomp's BPF copied out at build time, so that
 * the generation cost falls before the id map is ready, and installing is
 * one system call right before exec. */
struct seccomp_filter {
        struct sock_fprog prog;
        /* SECCOMP_FILTER_FLAG_* that config.json asked for: they are not
         * part of the program, so they travel beside it (see
         * seccomp_filter_data) and seccomp(2) installs it with them. */
        uint32_t flags;
};

/* The flags libseccomp can set through an attribute, as the kernel
 * names them. */
static const struct {
        enum scmp_filter_attr attribute;
        uint32_t flag;
} flag_attributes[] = {
        { SCMP_FLTATR_CTL_TSYNC, SECCOMP_FILTER_FLAG_TSYNC },
        { SCMP_FLTATR_CTL_LOG, SECCOMP_FILTER_FLAG_LOG },
        { SCMP_FLTATR_CTL_SSB, SECCOMP_FILTER_FLAG_SPEC_ALLOW },
};
#define FLAGS_KNOWN (SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW)

size_t seccomp_machine_arches(uint32_t ret[static 3]) {
        uint32_t native = seccomp_arch_native();
        size_t n = 0;

        ret[n++] = native;
        for (size_t i = 0; i < ELEMENTSOF(arch_families); i++) {
                if (arch_families[i].native != native)
                        continue;
                for (size_t j = 0; j < ELEMENTSOF(arch_families[i].others); j++)
                        if (arch_families[i].others[j])
                                ret[n++] = arch_families[i].others[j];
        }
        return n;
}

static bool libseccomp_knows(const char *name) {
        uint32_t arches[3];
        size_t n = seccomp_machine_arches(arches);

        for (size_t i = 0; i < n; i++)
                if (seccomp_syscall_resolve_name_arch(arches[i], name) >= 0)
                        return true;
        return false;
}

static int unified_number(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(unified_syscalls); i++)
                if (streq(unified_syscalls[i].name, name))
                        return unified_syscalls[i].nr;
        return -ENOENT;
}

bool seccomp_syscall_known(const char *name) {
        if (!name || !*name)
                return false;
        return libseccomp_knows(name) || unified_number(name) >= 0;
}

const char *seccomp_default_group(const char *name) {
        for (size_t i = 0; name && i < ELEMENTSOF(default_groups); i++)
                for (const char *const *s = default_groups[i].syscalls; *s; s++)
                        if (streq(*s, name))
                                return default_groups[i].name;
        return NULL;
}

int seccomp_errno_from_name(const char *name, int *ret) {
        if (!name)
                return -EINVAL;
        for (size_t i = 0; i < ELEMENTSOF(errno_names); i++)
                if (strcasecmp(errno_names[i].name, name) == 0) {
                        if (ret)
                                *ret = errno_names[i].value;
                        return 0;
                }
        return -EINVAL;
}

static int unified_rule_add(struct filter_build *b, enum rule_kind kind, int nr, uint32_t action) {
        if (kind != RULE_CALL)
                return -EOPNOTSUPP;
        for (size_t i = 0; i < b->n_unified; i++)
                if (b->unified[i].nr == nr)
                        return -EEXIST;
        b->unified[b->n_unified].nr = nr;
        b->unified[b->n_unified++].action = action;
        return 0;
}

static int rule_add(struct filter_build *b, const struct syscall_group *g, const char *name,
                    uint32_t action) {
        enum rule_kind kind = g ? g->kind : RULE_CALL;
        scmp_filter_ctx ctx = b->ctx;
        int nr, r;

        if (!libseccomp_knows(name)) {
                nr = unified_number(name);
                /* Otherwise a name this machine's ABIs do not have (vm86
                 * on aarch64): nothing to block. */
                return nr < 0 ? 0 : unified_rule_add(b, kind, nr, action);
        }
        /* libseccomp maps the number to each ABI of the filter. */
        nr = seccomp_syscall_resolve_name(name);
        if (nr == __NR_SCMP_ERROR)
                return 0;
        switch (kind) {
        case RULE_CALL:
                return seccomp_rule_add(ctx, action, nr, 0);
        case RULE_NS_FLAGS:
                for (size_t i = 0; i < ELEMENTSOF(namespace_flags); i++) {
                        r = seccomp_rule_add(ctx, action, nr, 1,
                                             SCMP_A0(SCMP_CMP_MASKED_EQ, namespace_flags[i],
                                                     namespace_flags[i]));
                        if (r < 0)
                                return r;
                }
                /* For clone, 0x80 is part of the exit signal, not CLONE_NEWTIME. */
                if (streq(name, "unshare"))
                        return seccomp_rule_add(ctx, action, nr, 1,
                                                SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWTIME,
                                                        CLONE_NEWTIME));
                return 0;
        case RULE_TERMINAL:
                for (size_t i = 0; i < ELEMENTSOF(terminal_requests); i++) {
                        /* The kernel reads the request as 32 bits: comparing all
                         * 64 would let (1<<32)|TIOCSTI through (CVE-2019-10063). */
                        r = seccomp_rule_add(ctx, action, nr, 1,
                                             SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffUL,
                                                     terminal_requests[i]));
                        if (r < 0)
                                return r;
                }
                return 0;
        }
        return -EINVAL;
}

static int filter_add_defaults(struct filter_build *b, const struct config *c) {
        bool sys_admin = config_effective_capabilities(c) & (UINT64_C(1) << CAP_SYS_ADMIN);
        int r;

        for (size_t i = 0; i < ELEMENTSOF(default_groups); i++) {
                const struct syscall_group *g = &default_groups[i];

                if (g->unless_sys_admin && sys_admin)
                        continue;
                for (const char *const *s = g->syscalls; *s; s++) {
                        /* SeccompAllow= removes an entry; a SeccompDeny= of the
                         * same call replaces it with the user's errno. */
                        if (strv_contains(c->seccomp_allow, *s) ||
                            strv_contains(c->seccomp_deny, *s))
                                continue;
                        r = rule_add(b, g, *s, SCMP_ACT_ERRNO((uint32_t) g->error));
                        if (r < 0)
                                return log_errno(r, "seccomp: adding the rule for %s (%s)", *s,
                                                 g->name);
                }
        }
        return 0;
}

static int filter_add_denied(struct filter_build *b, const struct config *c) {
        int error = c->seccomp_errno > 0 ? c->seccomp_errno : EPERM, r;

        for (char **name = c->seccomp_deny; name && *name; name++) {
                if (!seccomp_syscall_known(*name))
                        return log_error("SeccompDeny: unknown system call '%s'", *name);
                r = rule_add(b, NULL, *name, SCMP_ACT_ERRNO((uint32_t) error));
                /* The same name listed twice. */
                if (r == -EEXIST)
                        continue;
                if (r < 0)
                        return log_errno(r, "seccomp: adding the rule for %s (SeccompDeny)", *name);
        }
        return 0;
}

/* The unified-table rules, one block per ABI of the filter (3 at most),
 * each falling through to the next and the last to libseccomp's program,
 * which loads what it tests itself:
 *     ld arch; jeq ARCH ? 0 : skip the block; ld nr;
 *     jeq BASE+NR ? 0 : 1; ret ACTION; ...   (one pair per rule)
 * Returns the number of instructions written to prog. */
#define UNIFIED_PRELUDE_MAX (3 * (3 + 2 * ELEMENTSOF(unified_syscalls)))
_Static_assert(1 + 2 * ELEMENTSOF(unified_syscalls) <= UINT8_MAX, "a block is skipped by an 8-bit jump");

static int unified_prelude(const struct filter_build *b, struct sock_filter prog[static UNIFIED_PRELUDE_MAX]) {
        uint32_t arches[3];
        size_t n_arches = seccomp_machine_arches(arches), n = 0;

        for (size_t i = 0; b->n_unified > 0 && i < n_arches; i++) {
                int base = seccomp_syscall_resolve_name_arch(arches[i], UNIFIED_REFERENCE_NAME);
                /* An x32 call reaches the filter with x86_64's arch and the
                 * x32 bit in its number (which the base carries). */
                uint32_t audit_arch = arches[i] == SCMP_ARCH_X32 ? SCMP_ARCH_X86_64 : arches[i];

                if (base < 0)
                        return -EOPNOTSUPP;
                base -= UNIFIED_REFERENCE_NR;
                prog[n++] = (struct sock_filter) BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                                          offsetof(struct seccomp_data, arch));
                prog[n++] = (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, audit_arch, 0,
                                                          (uint8_t) (1 + 2 * b->n_unified));
                prog[n++] = (struct sock_filter) BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                                          offsetof(struct seccomp_data, nr));
                for (size_t j = 0; j < b->n_unified; j++) {
                        prog[n++] = (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
                                                                  (uint32_t) (base + b->unified[j].nr), 0, 1);
                        prog[n++] = (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, b->unified[j].action);
                }
        }
        return (int) n;
}

/* A filter of n instructions and flags. Its bytes are what
 * seccomp_filter_data hands out: the program, then the flags in 4 more
 * bytes when there are any, so that a size that is a multiple of 8 (the
 * program compiled at build time, every filter without flags) is a bare
 * program. */
static int filter_new(const struct sock_filter *parts[static 2], const size_t n_parts[static 2],
                      uint32_t flags, struct seccomp_filter **ret) {
        _cleanup_free_ struct seccomp_filter *f = NULL;
        size_t n = n_parts[0] + n_parts[1];

        if (n == 0 || n > BPF_MAXINSNS || (flags & ~FLAGS_KNOWN))
                return n > BPF_MAXINSNS ? -E2BIG : -EINVAL;
        f = calloc(1, sizeof(*f));
        if (!f)
                return -ENOMEM;
        f->prog.filter = calloc(1, n * sizeof(struct sock_filter) + sizeof(flags));
        if (!f->prog.filter)
                return -ENOMEM;
        if (n_parts[0])
                memcpy(f->prog.filter, parts[0], n_parts[0] * sizeof(struct sock_filter));
        memcpy(f->prog.filter + n_parts[0], parts[1], n_parts[1] * sizeof(struct sock_filter));
        memcpy(f->prog.filter + n, &flags, sizeof(flags));
        f->prog.len = (unsigned short) n;
        f->flags = flags;
        *ret = TAKE_PTR(f);
        return 0;
}

/* libseccomp's program for ctx after the n_prelude instructions of our
 * own, with the flags its attributes would have loaded it with. */
static int program_export(scmp_filter_ctx ctx, const struct sock_filter *prelude, size_t n_prelude,
                          struct seccomp_filter **ret) {
        _cleanup_close_ int fd = -1;
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        uint32_t flags = 0, value;
        int r;

        for (size_t i = 0; i < ELEMENTSOF(flag_attributes); i++)
                if (seccomp_attr_get(ctx, flag_attributes[i].attribute, &value) == 0 && value)
                        flags |= flag_attributes[i].flag;
        fd = memfd_create("userbox-seccomp", MFD_CLOEXEC);
        if (fd < 0)
                return -errno;
        r = seccomp_export_bpf(ctx, fd);
        if (r < 0)
                return r;
        if (lseek(fd, 0, SEEK_SET) < 0)
                return -errno;
        /* BPF_MAXINSNS is the kernel's limit on one filter. */
        r = read_full_fd(fd, BPF_MAXINSNS * sizeof(struct sock_filter), &buf, &size);
        if (r < 0)
                return r;
        if (size == 0 || size % sizeof(struct sock_filter) != 0)
                return -EINVAL;
        return filter_new((const struct sock_filter *[]) { prelude, (const struct sock_filter *) buf },
                          (const size_t[]) { n_prelude, size / sizeof(struct sock_filter) }, flags, ret);
}

int seccomp_filter_export(void *ctx, struct seccomp_filter **ret) {
        *ret = NULL;
        return program_export(ctx, NULL, 0, ret);
}

static int filter_export(const struct filter_build *b, struct seccomp_filter **ret) {
        struct sock_filter prelude[UNIFIED_PRELUDE_MAX];
        int r = unified_prelude(b, prelude);

        if (r < 0)
                return r;
        return program_export(b->ctx, prelude, (size_t) r, ret);
}

static void seccomp_ctx_releasep(scmp_filter_ctx *ctx) {
        if (*ctx)
                seccomp_release(*ctx);
}

int seccomp_compile(const struct config *c, struct seccomp_filter **ret) {
        _cleanup_(seccomp_ctx_releasep) scmp_filter_ctx ctx = NULL;
        struct seccomp_filter *f = NULL;
        struct filter_build b = { 0 };
        uint32_t arches[3];
        size_t n;
        int r;

        *ret = NULL;
        /* Unconfined with a deny list of its own: only that list. */
        if (c->seccomp == SECCOMP_UNCONFINED && strv_length(c->seccomp_deny) == 0)
                return 0;

        ctx = seccomp_init(SCMP_ACT_ALLOW);
        if (!ctx)
                return log_errno(-ENOMEM, "seccomp: creating the filter");
        /* A call from an ABI the filter does not describe kills the process:
         * its syscall numbers mean something else, so nothing can be allowed. */
        r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
        if (r < 0)
                return log_errno(r, "seccomp: setting the action for other architectures");
        /* no_new_privs is the profile's choice (NoNewPrivileges=), not
         * libseccomp's: by default seccomp_load would set it. */
        r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
        if (r < 0)
                return log_errno(r, "seccomp: clearing the no_new_privs attribute");
        /* A binary tree instead of a linear list: every system call of the
         * command walks this filter. Older libseccomp lacks it: no harm. */
        (void) seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);

        n = seccomp_machine_arches(arches);
        for (size_t i = 1; i < n; i++) {
                r = seccomp_arch_add(ctx, arches[i]);
                if (r < 0 && r != -EEXIST)
                        return log_errno(r, "seccomp: adding an architecture");
        }

        b.ctx = ctx;
        if (c->seccomp != SECCOMP_UNCONFINED) {
                r = filter_add_defaults(&b, c);
                if (r < 0)
                        return r;
        }
        r = filter_add_denied(&b, c);
        if (r < 0)
                return r;

        r = filter_export(&b, &f);
        if (r < 0)
                return log_errno(r, "seccomp: generating the filter");
        *ret = f;
        return 0;
}

#ifndef USERBOX_SECCOMP_GENERATOR
/* The default filter, compiled by seccomp-gen when userbox was built:
 * libseccomp takes ~0.5 ms of CPU and a few hundred KiB to generate it,
 * on every start. */
#include "seccomp-default.h"
#endif

#if defined(SECCOMP_DEFAULT_ARCH) && !defined(USERBOX_SECCOMP_GENERATOR)
/* The configuration the precompiled program was made for. */
static bool is_default_filter(const struct config *c) {
        return c->seccomp == SECCOMP_DEFAULT && strv_length(c->seccomp_deny) == 0 &&
               strv_length(c->seccomp_allow) == 0 &&
               !(config_effective_capabilities(c) & (UINT64_C(1) << CAP_SYS_ADMIN));
}
#endif

int seccomp_build(const struct config *c, struct seccomp_filter **ret) {
        if (c->seccomp_program)
                return seccomp_filter_copy(c->seccomp_program, ret);
#if defined(SECCOMP_DEFAULT_ARCH) && !defined(USERBOX_SECCOMP_GENERATOR)
        /* Only for the architecture it was generated on: a binary run under
         * another personality compiles its own. */
        if (is_default_filter(c) && seccomp_arch_native() == SECCOMP_DEFAULT_ARCH) {
                int r = seccomp_filter_from_data(seccomp_default_program, sizeof(seccomp_default_program), ret);
                return r < 0 ? log_errno(r, "seccomp: the precompiled filter") : 0;
        }
#endif
        return seccomp_compile(c, ret);
}

int seccomp_filter_copy(const struct seccomp_filter *filter, struct seccomp_filter **ret) {
        const void *data;
        size_t size;
        int r = seccomp_filter_data(filter, &data, &size);

        if (r < 0)
                return r;
        return seccomp_filter_from_data(data, size, ret);
}

int seccomp_install(const struct seccomp_filter *f) {
        if (!f)
                return 0;
        /* The kernel accepts a filter only with no_new_privs set or with
         * CAP_SYS_ADMIN in the current user namespace: the child installs it
         * before it changes ids and drops capabilities (command_exec in
         * launch/child.c). */
        if (f->flags == 0 ? prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &f->prog, 0, 0) < 0
                          : syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, f->flags, &f->prog) != 0)
                return log_errno(-errno, "installing the seccomp filter");
        return 0;
}

void seccomp_filter_free(struct seccomp_filter *f) {
        if (!f)
                return;
        free(f->prog.filter);
        free(f);
}

int seccomp_filter_data(const struct seccomp_filter *f, const void **ret_data, size_t *ret_size) {
        *ret_data = f ? f->prog.filter : NULL;
        *ret_size = f ? f->prog.len * sizeof(struct sock_filter) + (f->flags ? sizeof(f->flags) : 0) : 0;
        return 0;
}

int seccomp_filter_from_data(const void *data, size_t size, struct seccomp_filter **ret) {
        size_t n = size / sizeof(struct sock_filter);
        uint32_t flags = 0;

        *ret = NULL;
        if (size == 0)
                return 0; /* unconfined */
        switch (size % sizeof(struct sock_filter)) {
        case 0:
                break;
        case sizeof(flags):
                memcpy(&flags, (const struct sock_filter *) data + n, sizeof(flags));
                if (flags == 0)
                        return -EINVAL;
                break;
        default:
                return -EINVAL;
        }
        return filter_new((const struct sock_filter *[]) { NULL, data }, (const size_t[]) { 0, n }, flags, ret);
}
