/* SPDX-License-Identifier: Apache-2.0 */
/* Keeps the launcher's own binary out of the container's reach
 * (CVE-2019-5736 class): a launcher whose binary the user may change runs
 * from a sealed memory copy of itself, so that /proc/self/exe inside the
 * container never leads to a file on the host. */
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <limits.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "security.h"
#include "util.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

/* The variable that carries the binary's real path across the re-exec:
 * the sealed copy's /proc/self/exe reads "/memfd:userbox (deleted)", and
 * the helpers and profiles beside the binary are still found from it. */
#define EXE_SEAL_PATH_VARIABLE "USERBOX_EXE_PATH"

extern char **environ;

#if __SIZEOF_POINTER__ == 8
#define EXE_ELF_CLASS ELFCLASS64
#else
#define EXE_ELF_CLASS ELFCLASS32
#endif

#define SEALS_NEEDED (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

static char exe_path[PATH_MAX];
static bool exe_path_known;

const char *exe_seal_real_path(void) {
        if (!exe_path_known) {
                ssize_t n = readlink("/proc/self/exe", exe_path, sizeof(exe_path) - 1);
                exe_path[n > 0 ? n : 0] = '\0';
                exe_path_known = true;
        }
        return exe_path;
}

/* Is the running image a memfd that nobody can write any more? */
static bool exe_is_sealed(int exe_fd) {
        int seals = fcntl(exe_fd, F_GET_SEALS);

        return seals >= 0 && (seals & SEALS_NEEDED) == SEALS_NEEDED;
}

/* Who could change the binary from inside a container: the container's
 * root is the user (or, run by root, root), and with --idmap subid the
 * other ids inside are the user's subordinate ids, whose root has
 * CAP_FOWNER over their files. Only a binary owned by the host's root
 * that the user cannot write (a system install) is out of reach of all
 * of them, and costs no copy. fd may be an O_PATH fd. */
static bool exe_needs_copy(int exe_fd) {
        char path[64];
        struct stat st;

        if (fstat(exe_fd, &st) < 0)
                return true;
        if (st.st_uid != 0 || getuid() == 0)
                return true;
        snprintf(path, sizeof(path), "/proc/self/fd/%d", exe_fd);
        return access(path, W_OK) == 0;
}

/* How much of the binary exec needs: the ELF header and the program
 * headers and the data they point at, which the linker puts first. The
 * section headers, symbols and debug information after them (a third of
 * a build with -g) are left out of the copy, which is made at every start.
 * *ehdr gets the header, to be written back without the section table.
 * 0 when the file is not an ELF file of our own class: copy it all. */
static off_t exe_loaded_size(int exe_fd, off_t file_size, ElfW(Ehdr) *ehdr) {
        off_t end;

        if (pread(exe_fd, ehdr, sizeof(*ehdr), 0) != (ssize_t) sizeof(*ehdr) ||
            memcmp(ehdr->e_ident, ELFMAG, SELFMAG) != 0 || ehdr->e_ident[EI_CLASS] != EXE_ELF_CLASS ||
            ehdr->e_phentsize != sizeof(ElfW(Phdr)) || ehdr->e_phnum == 0 || ehdr->e_phnum > 64)
                return 0;
        end = (off_t) (ehdr->e_phoff + (ElfW(Off)) ehdr->e_phnum * sizeof(ElfW(Phdr)));
        for (unsigned i = 0; i < ehdr->e_phnum; i++) {
                ElfW(Phdr) ph;
                off_t at = (off_t) (ehdr->e_phoff + i * sizeof(ph));

                if (pread(exe_fd, &ph, sizeof(ph), at) != (ssize_t) sizeof(ph))
                        return 0;
                if ((off_t) (ph.p_offset + ph.p_filesz) > end)
                        end = (off_t) (ph.p_offset + ph.p_filesz);
        }
        return end <= file_size ? end : 0;
}

static int exe_copy_to_memfd(int exe_fd, int *ret) {
        _cleanup_close_ int memfd = -1;
        ElfW(Ehdr) ehdr;
        struct stat st;
        off_t offset = 0, size;

        if (fstat(exe_fd, &st) < 0)
                return -errno;
        size = exe_loaded_size(exe_fd, st.st_size, &ehdr);
        /* Without MFD_EXEC a kernel whose vm.memfd_noexec asks for it
         * would make the copy unexecutable; kernels before 6.3 refuse the
         * flag, and their memfds are executable anyway. */
        memfd = memfd_create("userbox", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
        if (memfd < 0 && errno == EINVAL)
                memfd = memfd_create("userbox", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (memfd < 0)
                return -errno;
        if (ftruncate(memfd, size ?: st.st_size) < 0)
                return -errno;
        while (offset < (size ?: st.st_size)) {
                ssize_t n = sendfile(memfd, exe_fd, &offset, (size_t) ((size ?: st.st_size) - offset));
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        return -EIO; /* the binary shrank under us */
        }
        if (size) {
                /* No section table in the copy: it was left behind. */
                ehdr.e_shoff = 0;
                ehdr.e_shnum = 0;
                ehdr.e_shstrndx = SHN_UNDEF;
                if (pwrite(memfd, &ehdr, sizeof(ehdr), 0) != (ssize_t) sizeof(ehdr))
                        return -EIO;
        }
        if (fcntl(memfd, F_ADD_SEALS, SEALS_NEEDED) < 0)
                return -errno;
        *ret = TAKE_FD(memfd);
        return 0;
}

/* A binary that may not be read (mode 0711) cannot be copied; it is fine
 * when nothing inside could change it. */
static int exe_unreadable(void) {
        _cleanup_close_ int fd = open("/proc/self/exe", O_PATH | O_CLOEXEC);

        if (fd >= 0 && !exe_needs_copy(fd))
                return 0;
        return log_error("'%s' may not be read, so userbox cannot run from a sealed copy of it, which a "
                         "binary you own or may write needs (userbox(1), SECURITY): make it readable, "
                         "or install userbox owned by root", exe_seal_real_path());
}

int exe_seal(char **argv) {
        _cleanup_close_ int exe_fd = -1, memfd = -1;
        const char *carried = getenv(EXE_SEAL_PATH_VARIABLE);
        int r;

        exe_fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
        if (exe_fd < 0 && errno == EACCES) {
                (void) unsetenv(EXE_SEAL_PATH_VARIABLE);
                return exe_unreadable();
        }
        if (exe_fd < 0)
                return log_errno(-errno, "opening our own binary '/proc/self/exe'");
        if (exe_is_sealed(exe_fd)) {
                /* The path comes from the launcher that made the copy; the
                 * command never sees the variable. Without it (the copy
                 * started from /proc/self/exe inside a container), no path
                 * is known: the memfd's name is none. */
                exe_path[0] = '\0';
                if (carried && path_is_absolute(carried) && strlen(carried) < sizeof(exe_path))
                        snprintf(exe_path, sizeof(exe_path), "%s", carried);
                exe_path_known = true;
                (void) unsetenv(EXE_SEAL_PATH_VARIABLE);
                /* ps -C userbox, pgrep and killall find us by our name,
                 * which the memfd's would replace. */
                (void) prctl(PR_SET_NAME, path_basename(argv[0]), 0, 0, 0);
                return 0;
        }
        (void) unsetenv(EXE_SEAL_PATH_VARIABLE);
        if (!exe_needs_copy(exe_fd))
                return 0;

        /* Sealing against writes fails with EBUSY while a page of the copy
         * still has a reference the kernel waits for (its per-CPU page
         * lists, a page scanner): once in ~10,000 launches on the test
         * machine (bench/README.md, session 12). A new copy has new pages. */
        for (int tries = 0; tries < 3; tries++) {
                r = exe_copy_to_memfd(exe_fd, &memfd);
                if (r != -EBUSY)
                        break;
        }
        if (r == -EACCES)
                return log_error("this system refuses executable memory files (vm.memfd_noexec), so userbox "
                                 "cannot run from a sealed copy of '%s', which a binary you own or may write "
                                 "needs (userbox(1), SECURITY): install userbox owned by root",
                                 exe_seal_real_path());
        if (r < 0)
                return log_errno(r, "copying '%s' to a sealed memory file", exe_seal_real_path());
        if (setenv(EXE_SEAL_PATH_VARIABLE, exe_seal_real_path(), 1) < 0)
                return log_errno(-errno, "re-executing from a sealed copy");
        /* A close-on-exec fd runs: the ELF loader maps it before the fd
         * table is closed (only a script could not find its fd). */
        syscall(SYS_execveat, memfd, "", argv, environ, AT_EMPTY_PATH);
        r = -errno;
        (void) unsetenv(EXE_SEAL_PATH_VARIABLE);
        return log_errno(r, "re-executing from a sealed copy of '%s'", exe_seal_real_path());
}
