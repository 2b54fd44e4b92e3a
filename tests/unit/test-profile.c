/* SPDX-License-Identifier: Apache-2.0 */
#include <dirent.h>
#include <pwd.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "profile.h"
#include "security.h"
#include "util.h"

static const struct origin file_origin = { "test.ini", 7 };
static const struct origin cli_origin = { NULL, 0 };

/* stderr of a block of code, as a string. */
static int saved_stderr = -1;
static FILE *captured;

static void capture_begin(void) {
        fflush(stderr);
        captured = tmpfile();
        saved_stderr = dup(2);
        dup2(fileno(captured), 2);
}

static char *capture_end(void) {
        char *out = NULL;
        size_t n = 0;
        fflush(stderr);
        dup2(saved_stderr, 2);
        close(saved_stderr);
        rewind(captured);
        out = calloc(1, 65536);
        if (out)
                n = fread(out, 1, 65535, captured);
        out[n] = '\0';
        fclose(captured);
        return out;
}

/* NULL when the setting is accepted, else the reason. */
static char *try_set(const char *section, const char *key, const char *value) {
        struct config c;
        char *reason = NULL;
        config_init(&c);
        if (profile_set(&c, section, key, value, &file_origin, &reason) >= 0) {
                free(reason);
                reason = NULL;
        } else if (!reason)
                reason = strdup("(no reason)");
        config_done(&c);
        return reason;
}

#define CHECK_VALID(s, k, v)                                                            \
        do {                                                                            \
                char *_r = try_set(s, k, v);                                            \
                if (_r)                                                                 \
                        fprintf(stderr, "  [%s] %s=%s refused: %s\n", s, k, v, _r);      \
                CHECK(!_r);                                                             \
                free(_r);                                                               \
        } while (0)

#define CHECK_INVALID(s, k, v, expected)                                                \
        do {                                                                            \
                char *_r = try_set(s, k, v);                                            \
                CHECK_STREQ(_r, expected);                                              \
                free(_r);                                                               \
        } while (0)

static int load_text(struct config *c, const char *text) {
        return profile_load_string(c, "test.ini", text, strlen(text), false);
}

/* load_text(), with *err set to what it printed on standard error. */
static int load_text_capturing(struct config *c, const char *text, char **err) {
        int r;
        capture_begin();
        r = load_text(c, text);
        *err = capture_end();
        return r;
}

/* userbox is static and reads the host's /etc/passwd itself, never NSS:
 * for a user listed there, ${USER} and a missing $HOME agree with NSS. */
TEST(user_and_home_come_from_etc_passwd_without_nss) {
        struct passwd *pw = getpwuid(getuid());
        _cleanup_free_ char *name = NULL, *home = NULL, *saved_home = NULL, *saved_user = NULL;
        struct config c;
        char *reason = NULL;
        const struct origin o = { "test.ini", 1 };

        if (!pw)
                SKIP("no passwd entry for the uid running the tests: run them as a user with one");
        CHECK(user_host_lookup(getuid(), &name, &home) == 0);
        CHECK_STREQ(name, pw->pw_name);
        CHECK_STREQ(home, pw->pw_dir);
        CHECK(user_host_lookup((uid_t) 4000000000U, NULL, NULL) == -ENOENT);

        saved_home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
        saved_user = getenv("USER") ? strdup(getenv("USER")) : NULL;
        unsetenv("HOME");
        setenv("USER", "someone-else", 1);
        config_init(&c);
        CHECK(profile_set(&c, "Container", "Root", "~/r/${USER}", &o, &reason) == 0);
        {
                _cleanup_free_ char *want = NULL;
                CHECK(asprintf(&want, "%s/r/%s", pw->pw_dir, pw->pw_name) > 0);
                CHECK_STREQ(c.root, want);
        }
        config_done(&c);
        if (saved_home)
                setenv("HOME", saved_home, 1);
        if (saved_user)
                setenv("USER", saved_user, 1);
        else
                unsetenv("USER");
}

/* The lookup reads the tree's etc/passwd, not NSS: a tree whose passwd
 * gives the caller's uid another name and home returns those. */
TEST(passwd_lookup_reads_the_file_not_nss) {
        char dir[] = "/tmp/userbox-unit-passwd.XXXXXX";
        _cleanup_free_ char *etc = NULL, *file = NULL, *name = NULL, *home = NULL;
        _cleanup_close_ int rootfd = -1;
        FILE *f;

        CHECK(mkdtemp(dir) != NULL);
        etc = path_join(dir, "etc");
        file = path_join(dir, "etc/passwd");
        CHECK(etc && file && mkdir(etc, 0755) == 0);
        f = file ? fopen(file, "we") : NULL;
        CHECK(f != NULL);
        if (f) {
                fprintf(f, "root:x:0:0::/root:/bin/sh\nnot-in-nss-%u:x:%u:%u::/nowhere/%u:/bin/sh\n",
                        (unsigned) getuid(), (unsigned) getuid(), (unsigned) getgid(), (unsigned) getuid());
                fclose(f);
        }
        rootfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        CHECK(rootfd >= 0);
        CHECK(user_passwd_lookup(rootfd, getuid(), &name, &home) == 0);
        {
                _cleanup_free_ char *want_name = NULL, *want_home = NULL;
                CHECK(asprintf(&want_name, "not-in-nss-%u", (unsigned) getuid()) > 0);
                CHECK(asprintf(&want_home, "/nowhere/%u", (unsigned) getuid()) > 0);
                CHECK_STREQ(name, want_name);
                CHECK_STREQ(home, want_home);
        }
        CHECK(user_passwd_lookup(rootfd, (uid_t) 4000000000U, NULL, NULL) == -ENOENT);
        if (file)
                unlink(file);
        if (etc)
                rmdir(etc);
        rmdir(dir);
}

TEST(booleans_take_every_spelling) {
        static const char *const yes[] = { "yes", "true", "1", "on", "YES", "On" };
        static const char *const no[] = { "no", "false", "0", "off", "No" };
        for (size_t i = 0; i < ELEMENTSOF(yes); i++) {
                struct config c;
                char *reason = NULL;
                config_init(&c);
                CHECK(profile_set(&c, "Container", "Tty", yes[i], &file_origin, &reason) == 0);
                CHECK(c.tty == 1);
                config_done(&c);
        }
        for (size_t i = 0; i < ELEMENTSOF(no); i++) {
                struct config c;
                char *reason = NULL;
                config_init(&c);
                CHECK(profile_set(&c, "Namespaces", "IPC", no[i], &file_origin, &reason) == 0);
                CHECK(c.ipc == 0);
                config_done(&c);
        }
        CHECK_INVALID("Container", "Init", "maybe", "not a boolean: 'maybe'");
        CHECK_INVALID("Container", "ReadOnly", "", "not a boolean: ''");
}

TEST(container_values) {
        CHECK_VALID("Container", "Root", "/srv/root");
        CHECK_INVALID("Container", "Root", "", "empty path");
        CHECK_INVALID("Container", "Root", "rel/root", "not an absolute path: 'rel/root'");
        CHECK_VALID("Container", "Command", "/bin/sh -c 'echo \"hi there\"'");
        CHECK_INVALID("Container", "Command", "'unterminated",
                      "unterminated quote or trailing backslash: ''unterminated'");
        CHECK_INVALID("Container", "Command", "", "empty command");
        CHECK_VALID("Container", "WorkingDirectory", "/src");
        CHECK_INVALID("Container", "WorkingDirectory", "src", "not an absolute path: 'src'");
        CHECK_VALID("Container", "Hostname", "box-1.example");
        CHECK_INVALID("Container", "Hostname", "a b", "not a valid hostname (1-64 of A-Z a-z 0-9 . -): 'a b'");
        CHECK_INVALID("Container", "Hostname", "-x", "not a valid hostname (1-64 of A-Z a-z 0-9 . -): '-x'");
        CHECK_VALID("Container", "User", "root");
        CHECK_VALID("Container", "User", "1000");
        CHECK_VALID("Container", "User", "1000:100");
        CHECK_VALID("Container", "User", "_apt");
        CHECK_INVALID("Container", "User", "1000:", "not a user name or UID, with an optional :GROUP or :GID: '1000:'");
        CHECK_INVALID("Container", "User", "", "not a user name or UID, with an optional :GROUP or :GID: ''");
        CHECK_VALID("Container", "Overlay", "none");
        CHECK_VALID("Container", "Overlay", "tmpfs");
        CHECK_VALID("Container", "Overlay", "/var/tmp/upper");
        CHECK_INVALID("Container", "Overlay", "", "empty path");
        CHECK_VALID("Container", "Layers", "/a:/b");
        CHECK_INVALID("Container", "Layers", "/a:b", "not an absolute path: 'b'");
        CHECK_INVALID("Container", "Hostname", "a\x01", "control character in value");
}

TEST(idmap_and_namespace_values) {
        CHECK_VALID("IDMap", "Mode", "auto");
        CHECK_VALID("IDMap", "Mode", "subid");
        CHECK_VALID("IDMap", "Mode", "keep-id");
        CHECK_VALID("IDMap", "Mode", "single");
        CHECK_INVALID("IDMap", "Mode", "Auto", "not an id-map mode (auto, subid, keep-id, single): 'Auto'");
        CHECK_INVALID("IDMap", "UID", "1:2", "not an INSIDE:OUTSIDE:COUNT id range: '1:2'");
        CHECK_VALID("Namespaces", "Network", "host");
        CHECK_VALID("Namespaces", "Network", "none");
        CHECK_VALID("Namespaces", "Network", "slirp4netns");
        CHECK_VALID("Namespaces", "Network", "pasta:allow-host-loopback");
        CHECK_INVALID("Namespaces", "Network", "bridge", "not a network mode (host, none, "
                      "slirp4netns[:allow-host-loopback], pasta[:allow-host-loopback]): 'bridge'");
        CHECK_INVALID("Namespaces", "Network", "host:allow-host-loopback",
                      "'host' takes no option: 'host:allow-host-loopback'");
        CHECK_INVALID("Namespaces", "Network", "pasta:loopback",
                      "unknown option 'loopback' of pasta (allow-host-loopback)");
        CHECK_VALID("Namespaces", "Cgroup", "no");
}

TEST(publish_values) {
        struct config c;
        char text[PROFILE_PUBLISH_TEXT_MAX];

        CHECK_VALID("Network", "Publish", "8080:80");
        CHECK_VALID("Network", "Publish", "127.0.0.1:53:53/udp");
        CHECK_VALID("Network", "Publish", "8000-8010:80-90/tcp");
        CHECK_INVALID("Network", "Publish", "80", "not [IP:]HOST:CONTAINER[/tcp|/udp]: '80'");
        CHECK_INVALID("Network", "Publish", "1:2:3:4", "not [IP:]HOST:CONTAINER[/tcp|/udp]: '1:2:3:4'");
        CHECK_INVALID("Network", "Publish", "0:80", "not [IP:]HOST:CONTAINER[/tcp|/udp], each port 1 to 65535 "
                      "or a range FIRST-LAST: '0:80'");
        CHECK_INVALID("Network", "Publish", "8080:80/sctp", "not a protocol (tcp, udp): 'sctp' in '8080:80/sctp'");
        CHECK_INVALID("Network", "Publish", "host:8080:80", "not an IPv4 address: 'host' in 'host:8080:80'");
        CHECK_INVALID("Network", "Publish", "8000-8010:80", "the ranges differ in length (11 host ports, 1 in "
                      "the container): '8000-8010:80'");
        CHECK_INVALID("Network", "Publish", "[::1]:8080:80", "an IPv6 address is not supported: '[::1]:8080:80' "
                      "(publish on an IPv4 address, or on every address with HOST:CONTAINER)");

        /* Repeated, each in order; the same one twice is one. */
        config_init(&c);
        CHECK(load_text(&c, "[Network]\nPublish=127.0.0.1:8000-8001:80-81\nPublish=53:53/udp\n"
                            "Publish=53:53/udp\n") == 0);
        CHECK(c.n_publish == 2);
        CHECK_STREQ(profile_publish_text(&c.publish[0], text, sizeof(text)), "127.0.0.1:8000-8001:80-81/tcp");
        CHECK_STREQ(profile_publish_text(&c.publish[1], text, sizeof(text)), "53:53/udp");
        CHECK(c.publish[1].udp && c.publish[1].count == 1 && c.publish[1].origin.line == 3);
        config_done(&c);
}

/* Needs the real idmap_parse_triple() (src/idmap/idmap.c). */
TEST(idmap_triples_accumulate) {
        struct config c;
        config_init(&c);
        CHECK(load_text(&c, "[IDMap]\nUID=0:1000:1\nUID=1:100000:65536\nGID=0:1000:1\nUID=0:1000:1\n") == 0);
        CHECK(c.n_uid_map == 2);
        CHECK(c.n_gid_map == 1);
        CHECK(c.n_uid_map == 2 && c.uid_map[1].inside == 1 && c.uid_map[1].outside == 100000 &&
              c.uid_map[1].count == 65536);
        config_done(&c);
}

TEST(mount_specs) {
        struct mount_entry m;
        char *reason = NULL;

        CHECK(profile_parse_bind("/a//b/:/dst", false, false, &m, &reason) == 0);
        CHECK_STREQ(m.source, "/a/b");
        CHECK_STREQ(m.destination, "/dst");
        CHECK(m.read_only == -1 && m.recursive && !m.nosuid);
        profile_mount_entry_done(&m);

        CHECK(profile_parse_bind("/a", false, false, &m, &reason) == 0);
        CHECK_STREQ(m.destination, "/a");
        profile_mount_entry_done(&m);

        CHECK(profile_parse_bind("/a:/b:ro,nosuid,nodev,noexec,norbind", false, false, &m, &reason) == 0);
        CHECK(m.read_only == 1 && m.nosuid && m.nodev && m.noexec && !m.recursive);
        profile_mount_entry_done(&m);

        CHECK(profile_parse_bind("/a:/b:rw", false, false, &m, &reason) == 0);
        CHECK(m.read_only == 0);
        profile_mount_entry_done(&m);

        CHECK(profile_parse_bind("/a:/b", true, false, &m, &reason) == 0);
        CHECK(m.read_only == 1);
        profile_mount_entry_done(&m);

        CHECK(profile_parse_bind("rel:/b", false, false, &m, &reason) < 0);
        CHECK_STREQ(reason, "not an absolute path: 'rel'");
        free(reason);

        /* The command line is relative to the working directory. */
        CHECK(profile_parse_bind("rel:/b", false, true, &m, &reason) == 0);
        {
                _cleanup_free_ char *cwd = getcwd(NULL, 0), *expect = path_join(cwd, "rel");
                CHECK_STREQ(m.source, expect);
        }
        profile_mount_entry_done(&m);

        CHECK(profile_parse_bind("/a:/b:bogus", false, false, &m, &reason) < 0);
        CHECK_STREQ(reason, "unknown bind option 'bogus'");
        free(reason);

        CHECK(profile_parse_bind("/a:/b:size=1M", false, false, &m, &reason) < 0);
        CHECK_STREQ(reason, "option 'size=1M' is for tmpfs, not for a bind");
        free(reason);

        CHECK(profile_parse_tmpfs("/run:size=64M,mode=755,nr_inodes=1k,nosuid", &m, &reason) == 0);
        CHECK(m.kind == MOUNT_TMPFS && !m.source);
        CHECK_STREQ(m.destination, "/run");
        CHECK_STREQ(m.data, "size=67108864,mode=0755,nr_inodes=1024");
        CHECK(m.nosuid && !m.nodev);
        profile_mount_entry_done(&m);

        CHECK(profile_parse_tmpfs("/tmp", &m, &reason) == 0);
        CHECK(!m.data);
        profile_mount_entry_done(&m);

        CHECK(profile_parse_tmpfs("/run:mode=8", &m, &reason) < 0);
        CHECK_STREQ(reason, "not an octal mode: '8'");
        free(reason);

        CHECK(profile_parse_tmpfs("run", &m, &reason) < 0);
        CHECK_STREQ(reason, "not an absolute path: 'run'");
        free(reason);

        CHECK(profile_parse_tmpfs("/run:ro:x", &m, &reason) < 0);
        CHECK_STREQ(reason, "too many ':' in '/run:ro:x' (DESTINATION[:OPTIONS])");
        free(reason);
}

TEST(mounts_keep_profile_order_and_origins) {
        struct config c;
        char *reason = NULL;
        config_init(&c);
        CHECK(load_text(&c, "[Mounts]\nBind=/a:/x\nTmpfs=/x/t\nBindReadOnly=/b:/y\nBind=/a:/x\n") == 0);
        CHECK(profile_set(&c, "Mounts", "Bind", "/c:/z", &cli_origin, &reason) == 0);
        /* A line repeated within one file is the user's own doing and is
         * kept; only a mount another source already gave is dropped. */
        CHECK(c.n_mounts == 5);
        if (c.n_mounts == 5) {
                CHECK(c.mounts[0].kind == MOUNT_BIND && c.mounts[0].origin.line == 2);
                CHECK(c.mounts[1].kind == MOUNT_TMPFS && c.mounts[1].origin.line == 3);
                CHECK(c.mounts[2].read_only == 1 && c.mounts[2].origin.line == 4);
                CHECK(c.mounts[3].origin.line == 5);
                CHECK_STREQ(c.mounts[0].origin.file, "test.ini");
                CHECK(!c.mounts[4].origin.file && c.mounts[4].origin.line);
        }
        CHECK(profile_set(&c, "Mounts", "Bind", "/a:/x", &cli_origin, &reason) == 0);
        CHECK(c.n_mounts == 5);
        config_done(&c);
}

TEST(devices) {
        struct config c;
        char *reason = NULL;
        struct stat st;

        config_init(&c);
        CHECK(profile_set(&c, "Devices", "Bind", "/dev/null:/dev/mynull", &file_origin, &reason) == 0);
        CHECK(c.n_devices == 1 && streq(c.devices[0].container_path, "/dev/mynull"));
        CHECK(profile_set(&c, "Devices", "Bind", "/dev/zero", &file_origin, &reason) == 0);
        CHECK(c.n_devices == 2 && streq(c.devices[1].container_path, "/dev/zero"));
        if (stat("/dev/fuse", &st) == 0 && S_ISCHR(st.st_mode)) {
                CHECK(profile_set(&c, "Devices", "Bind", "fuse", &file_origin, &reason) == 0);
                CHECK(c.n_devices == 3 && streq(c.devices[2].host_path, "/dev/fuse"));
        }
        if (stat("/dev/dri", &st) < 0) {
                CHECK(profile_set(&c, "Devices", "Bind", "dri", &file_origin, &reason) < 0);
                CHECK_STREQ(reason, "no device under /dev/dri on this host (device class 'dri')");
                free(reason);
        }
        CHECK(profile_set(&c, "Devices", "Bind", "dev/null", &file_origin, &reason) < 0);
        CHECK_STREQ(reason, "not an absolute path: 'dev/null'");
        free(reason);
        config_done(&c);
}

TEST(environment) {
        struct config c;
        char *reason = NULL;
        config_init(&c);
        capture_begin();
        CHECK(load_text(&c, "[Environment]\nClear=no\nKeep=LANG TERM\nKeep=LANG LC_ALL\nEDITOR=vi\n"
                            "PAGER=less\nEDITOR=vim\nEMPTY=\n") == 0);
        free(capture_end());
        CHECK(c.env_clear == 0);
        CHECK(strv_length(c.env_keep) == 3 && strv_contains(c.env_keep, "LC_ALL"));
        CHECK(strv_length(c.env_set) == 3);
        CHECK(strv_contains(c.env_set, "EDITOR=vim") && strv_contains(c.env_set, "EMPTY="));
        /* What -e K=V and --clear-env pass. */
        CHECK(profile_set(&c, "Environment", "FOO", "a=b c", &cli_origin, &reason) == 0);
        CHECK(strv_contains(c.env_set, "FOO=a=b c"));
        CHECK(profile_set(&c, "Environment", "Clear", "yes", &cli_origin, &reason) == 0);
        CHECK(c.env_clear == 1);
        /* Only Clear and Keep are reserved: other key names are variables. */
        CHECK(profile_set(&c, "Environment", "Hostname", "h", &cli_origin, &reason) == 0);
        CHECK(profile_set(&c, "Environment", "clear", "c", &cli_origin, &reason) == 0);
        CHECK(strv_contains(c.env_set, "Hostname=h") && strv_contains(c.env_set, "clear=c"));
        CHECK(profile_set(&c, "Environment", "A-B", "x", &cli_origin, &reason) < 0);
        CHECK_STREQ(reason, "not a valid variable name: 'A-B'");
        free(reason);
        config_done(&c);
}

/* Needs the real caps_from_name() and seccomp_syscall_known(). */
/* A name both kept and set: the later line wins, as for any key, so that
 * Keep=LANG in a profile including debian.ini (LANG=C.UTF-8) keeps the
 * host's LANG, and -e LANG=x wins over a profile's Keep=LANG. */
TEST(environment_keep_and_set_of_one_name_the_later_wins) {
        struct config c;
        char *reason = NULL;
        config_init(&c);
        CHECK(load_text(&c, "[Environment]\nLANG=C.UTF-8\nKeep=LANG TERM\n") == 0);
        CHECK(strv_length(c.env_set) == 0);
        CHECK(strv_length(c.env_keep) == 2 && streq(c.env_keep[0], "LANG"));
        CHECK(profile_set(&c, "Environment", "LANG", "de_DE.UTF-8", &cli_origin, &reason) == 0);
        CHECK(strv_length(c.env_keep) == 1 && streq(c.env_keep[0], "TERM"));
        CHECK(strv_length(c.env_set) == 1 && streq(c.env_set[0], "LANG=de_DE.UTF-8"));
        CHECK(c.env_keep_origins.at[0].line == 3);
        config_done(&c);
}

TEST(security_values) {
        CHECK_VALID("Security", "CapabilityAdd", "CHOWN");
        CHECK_VALID("Security", "CapabilityAdd", "cap_net_admin SYS_PTRACE");
        CHECK_INVALID("Security", "CapabilityAdd", "FOO", "unknown capability: 'FOO'");
        CHECK_VALID("Security", "CapabilityDrop", "all");
        CHECK_VALID("Security", "CapabilityDrop", "");
        CHECK_VALID("Security", "Seccomp", "unconfined");
        CHECK_INVALID("Security", "Seccomp", "off", "not a seccomp mode (default, unconfined): 'off'");
        CHECK_VALID("Security", "SeccompDeny", "keyctl add_key request_key");
        CHECK_VALID("Security", "SeccompAllow", "");
        CHECK_INVALID("Security", "SeccompDeny", "keyctl nosuchcall", "unknown system call: 'nosuchcall'");
        CHECK_VALID("Security", "SeccompErrno", "ENOSYS");
        CHECK_INVALID("Security", "SeccompErrno", "EFOO", "unknown errno name: 'EFOO'");
}

TEST(capabilities_later_settings_win) {
        struct config c;
        char *reason = NULL;
        config_init(&c);
        CHECK(load_text(&c, "[Security]\nCapabilityDrop=all\nCapabilityAdd=CHOWN SETUID\n") == 0);
        CHECK(c.cap_drop_all);
        CHECK(config_effective_capabilities(&c) == ((UINT64_C(1) << 0) | (UINT64_C(1) << 7)));
        CHECK(profile_set(&c, "Security", "CapabilityDrop", "SETUID", &cli_origin, &reason) == 0);
        CHECK(config_effective_capabilities(&c) == (UINT64_C(1) << 0));
        config_done(&c);
}

TEST(limits) {
        struct config c;
        char *reason = NULL;
        config_init(&c);
        capture_begin();
        CHECK(load_text(&c, "[Limits]\nNOFILE=1024\nSTACK=8M:infinity\nCORE=0\nNOFILE=512:4096\n"
                            "Memory=512M\nPIDs=256\nCPU=infinity\n") == 0);
        free(capture_end());
        CHECK(c.n_rlimits == 4);
        if (c.n_rlimits == 4) {
                CHECK(c.rlimits[0].resource == RLIMIT_NOFILE && c.rlimits[0].soft == 512 && c.rlimits[0].hard == 4096);
                CHECK(c.rlimits[1].resource == RLIMIT_STACK && c.rlimits[1].soft == 8 << 20 &&
                      c.rlimits[1].hard == RLIM_INFINITY);
                CHECK(c.rlimits[3].soft == RLIM_INFINITY);
        }
        CHECK(c.memory == UINT64_C(512) << 20 && c.pids == 256);
        /* What --limit K=V passes. */
        CHECK(profile_set(&c, "Limits", "NPROC", "100", &cli_origin, &reason) == 0);
        CHECK(c.n_rlimits == 5);
        CHECK(profile_set(&c, "Limits", "NOFILE", "1K", &cli_origin, &reason) < 0);
        CHECK_STREQ(reason, "not a number: '1K'");
        free(reason);
        CHECK(profile_set(&c, "Limits", "nofile", "1", &cli_origin, &reason) < 0);
        /* --limit has no "[Limits] nofile:" prefix: the reason names the key. */
        CHECK_STREQ(reason, "unknown key 'nofile', did you mean 'NOFILE'?");
        free(reason);
        config_done(&c);
}

TEST(expansion) {
        struct config c;
        char *reason = NULL, *expect = NULL;
        const char *old_home = getenv("HOME");
        _cleanup_free_ char *saved_home = old_home ? strdup(old_home) : NULL;

        setenv("HOME", "/home/tester", 1);
        setenv("XDG_RUNTIME_DIR", "/run/user/4242", 1);
        config_init(&c);
        CHECK(profile_set(&c, "Container", "Root", "~/roots/x", &file_origin, &reason) == 0);
        CHECK_STREQ(c.root, "/home/tester/roots/x");
        CHECK(profile_set(&c, "Container", "Root", "${XDG_RUNTIME_DIR}/r/${UID}", &file_origin, &reason) == 0);
        CHECK(asprintf(&expect, "/run/user/4242/r/%u", (unsigned) getuid()) > 0);
        CHECK_STREQ(c.root, expect);
        free(expect);
        CHECK(profile_set(&c, "Mounts", "Bind", "${HOME}/src:/src", &file_origin, &reason) == 0);
        CHECK(c.n_mounts == 1 && streq(c.mounts[0].source, "/home/tester/src"));
        CHECK(profile_set(&c, "Container", "Root", "/a/$HOME/b~", &file_origin, &reason) == 0);
        CHECK_STREQ(c.root, "/a/$HOME/b~");
        unsetenv("XDG_RUNTIME_DIR");
        CHECK(profile_set(&c, "Container", "Root", "${XDG_RUNTIME_DIR}/x", &file_origin, &reason) < 0);
        CHECK_STREQ(reason, "cannot expand ${XDG_RUNTIME_DIR}: not set");
        free(reason);
        CHECK(profile_set(&c, "Container", "Root", "${SHELL}/x", &file_origin, &reason) < 0);
        CHECK(reason && startswith(reason, "unknown variable '${SHELL}'"));
        free(reason);
        /* A relative root on the command line is taken from the working directory. */
        CHECK(profile_set(&c, "Container", "Root", "rootdir", &cli_origin, &reason) == 0);
        {
                _cleanup_free_ char *cwd = getcwd(NULL, 0), *abs = path_join(cwd, "rootdir");
                CHECK_STREQ(c.root, abs);
        }
        config_done(&c);
        if (saved_home)
                setenv("HOME", saved_home, 1);
}

TEST(scalars_last_wins_and_duplicates_warn) {
        struct config c;
        _cleanup_free_ char *err = NULL;
        config_init(&c);
        CHECK(load_text_capturing(&c, "[Container]\nHostname=one\nInit=no\n[Namespaces]\nIPC=no\n[Container]\nHostname=two\n",
                                  &err) == 0);
        CHECK_STREQ(c.hostname, "two");
        CHECK(c.origins[KEY_HOSTNAME].line == 7);
        CHECK_STREQ(err, "userbox: warning: test.ini:7: [Container] Hostname: also set on line 2, the last one wins\n");
        CHECK(config_key_is_set(&c, KEY_INIT));
        CHECK(!config_key_is_set(&c, KEY_TTY));
        config_done(&c);
}

/* A control character in a section name, a key or a value is refused with
 * FILE:LINE, and never reaches the terminal raw: "\e]0;...\a" in a
 * message would set the terminal's title. */
TEST(control_characters_are_refused_and_never_echoed) {
        static const struct {
                const char *text, *message;
        } cases[] = {
                { "[Container]\nFoo\x1b]0;pwned\x07=x\n",
                  "userbox: test.ini:2: control character in key: 'Foo\\x1b]0;pwned\\x07'\n" },
                { "[Cont\x1b[2Jainer]\nHostname=x\n",
                  "userbox: test.ini:1: control character in section name: '[Cont\\x1b[2Jainer]'\n" },
                { "[Container]\nHostname=a\x1b]0;pwned\x07\n",
                  "userbox: test.ini:2: [Container] Hostname: control character in value\n" },
                { "[Environment]\nFOO=a\x7f\n",
                  "userbox: test.ini:2: [Environment] FOO: control character in value\n" },
                { "[Container]\nHost\x01name\n",
                  "userbox: test.ini:2: control character in key: 'Host\\x01name'\n" },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                struct config c;
                _cleanup_free_ char *err = NULL;
                config_init(&c);
                CHECK(load_text_capturing(&c, cases[i].text, &err) == -EINVAL);
                CHECK_STREQ(err, cases[i].message);
                config_done(&c);
        }
}

/* A tab is a blank, and an inline comment is not part of the line. */
TEST(tabs_and_control_characters_in_comments_are_accepted) {
        struct config c;
        config_init(&c);
        CHECK(load_text(&c, "[Container]\n\tHostname\t=\tbox ; \x1b[31m red\n# \x07 bell\n") == 0);
        CHECK_STREQ(c.hostname, "box");
        config_done(&c);
}

/* userbox.ini(5): [Environment] NAME= is repeatable, the last value wins,
 * and (unlike a scalar set twice) draws no warning. */
TEST(environment_variable_set_twice_takes_the_last_value_silently) {
        struct config c;
        _cleanup_free_ char *err = NULL;
        config_init(&c);
        CHECK(load_text_capturing(&c, "[Environment]\nPAGER=less\nEDITOR=vi\nPAGER=more\n", &err) == 0);
        CHECK_STREQ(err, "");
        CHECK(strv_length(c.env_set) == 2);
        CHECK(strv_contains(c.env_set, "PAGER=more") && !strv_contains(c.env_set, "PAGER=less"));
        CHECK(c.env_set_origins.at && c.env_set_origins.at[0].line == 4);
        config_done(&c);
}

TEST(command_line_masks_files) {
        struct config c;
        char *reason = NULL;
        config_init(&c);
        CHECK(profile_set(&c, "Container", "Hostname", "fromcli", &cli_origin, &reason) == 0);
        CHECK(config_key_is_set(&c, KEY_HOSTNAME));
        CHECK(!c.origins[KEY_HOSTNAME].file);
        CHECK(load_text(&c, "[Container]\nHostname=fromfile\nInit=no\n") == 0);
        CHECK_STREQ(c.hostname, "fromcli");
        CHECK(c.init == 0);
        config_done(&c);
}

TEST(comments_and_blank_lines) {
        struct config c;
        config_init(&c);
        CHECK(load_text(&c, "\xef\xbb\xbf# comment\n; comment\n\n  [Container]   ; trailing\r\n"
                            "   Hostname = box ; inline\r\n\tInit=no\n; a very long comment line "
                            "...............................................................................................................................................................................\n") == 0);
        CHECK_STREQ(c.hostname, "box");
        CHECK(c.init == 0);
        config_done(&c);
}

TEST(include_refused_in_strings_and_on_the_command_line) {
        struct config c;
        char *reason = NULL;
        _cleanup_free_ char *err = NULL;
        config_init(&c);
        CHECK(load_text_capturing(&c, "[Profile]\nInclude=base\n", &err) < 0);
        CHECK_STREQ(err, "userbox: test.ini:2: [Profile] Include: not allowed here\n");
        CHECK(profile_set(&c, "Profile", "Include", "base", &cli_origin, &reason) < 0);
        CHECK_STREQ(reason, "only allowed in a profile file");
        free(reason);
        config_done(&c);
}

/* A temporary search path: user directory first, then "system". */
static char tmpdir[] = "/tmp/test-profile-XXXXXX";
static char *user_dir, *system_dir;

static void write_file_in(const char *dir, const char *name, const char *text) {
        _cleanup_free_ char *p = path_join(dir, name);
        FILE *f = fopen(p, "we");
        CHECK(f != NULL);
        if (!f)
                return;
        fputs(text, f);
        fclose(f);
        chmod(p, 0644);
}

static void search_path_setup(void) {
        char *path = NULL;
        CHECK(mkdtemp(tmpdir) != NULL);
        user_dir = path_join(tmpdir, "user");
        system_dir = path_join(tmpdir, "system");
        mkdir(user_dir, 0755);
        mkdir(system_dir, 0755);
        CHECK(asprintf(&path, "%s:%s", user_dir, system_dir) > 0);
        setenv("USERBOX_PROFILE_PATH", path, 1);
        free(path);
        write_file_in(system_dir, "default.ini", "[Container]\nHostname=default\nInit=no\n[Mounts]\nTmpfs=/d\n");
        write_file_in(system_dir, "base.ini", "[Profile]\nDescription=base\n[Container]\nHostname=base\nTty=yes\n"
                                              "[Mounts]\nTmpfs=/b\n");
        write_file_in(user_dir, "dev.ini", "[Profile]\nInclude=base\nDescription=dev\n[Container]\nHostname=dev\n"
                                           "[Mounts]\nTmpfs=/v\n");
        write_file_in(system_dir, "dev.ini", "[Profile]\nDescription=shadowed\n");
        write_file_in(user_dir, "base.ini", "[Profile]\nInclude=base\n[Container]\nUser=1000\n");
        write_file_in(user_dir, "late.ini", "[Container]\nHostname=late\n[Profile]\nInclude=base\n");
        write_file_in(user_dir, "nested.ini", "[Profile]\nInclude=sub/inner.ini\n");
        {
                _cleanup_free_ char *sub = path_join(user_dir, "sub");
                mkdir(sub, 0755);
        }
}

TEST(precedence_default_then_includes_then_own_keys) {
        struct config c;
        config_init(&c);
        CHECK(profile_load(&c, "dev", true) == 0);
        CHECK_STREQ(c.hostname, "dev");
        CHECK(c.init == 0);             /* from default.ini */
        CHECK(c.tty == 1);              /* from the system base.ini, through the user's base.ini */
        CHECK_STREQ(c.user, "1000");    /* the user's base.ini extends the system one */
        CHECK_STREQ(c.description, "dev");
        CHECK(c.n_mounts == 3);
        if (c.n_mounts == 3) {
                CHECK_STREQ(c.mounts[0].destination, "/d");
                CHECK_STREQ(c.mounts[1].destination, "/b");
                CHECK_STREQ(c.mounts[2].destination, "/v");
        }
        CHECK(strv_length(c.included) == 4);
        config_done(&c);

        config_init(&c);
        CHECK(profile_load(&c, "dev", false) == 0);
        CHECK(c.init == -1);
        CHECK(c.n_mounts == 2);
        config_done(&c);

        /* default.ini named explicitly is loaded once. */
        config_init(&c);
        CHECK(profile_load(&c, "default", true) == 0);
        CHECK(c.n_mounts == 1 && strv_length(c.included) == 1);
        config_done(&c);
}

TEST(includes_apply_before_the_files_own_keys_wherever_they_are) {
        struct config c;
        config_init(&c);
        CHECK(profile_load(&c, "late", false) == 0);
        CHECK_STREQ(c.hostname, "late");
        CHECK(c.tty == 1);
        CHECK(c.origins[KEY_HOSTNAME].line == 2);
        config_done(&c);
}

TEST(missing_profile_lists_where_it_looked) {
        struct config c;
        _cleanup_free_ char *err = NULL, *expect = NULL;
        config_init(&c);
        capture_begin();
        CHECK(profile_load(&c, "nope", true) < 0);
        err = capture_end();
        CHECK(asprintf(&expect, "userbox: profile 'nope' not found (looked for %s/nope.ini, %s/nope.ini)\n", user_dir,
                       system_dir) > 0);
        CHECK_STREQ(err, expect);
        config_done(&c);
}

static char *load_error(const char *name) {
        struct config c;
        char *err;
        config_init(&c);
        capture_begin();
        CHECK(profile_load(&c, name, false) < 0);
        err = capture_end();
        config_done(&c);
        return err;
}

TEST(unsafe_files_are_refused) {
        _cleanup_free_ char *p = path_join(user_dir, "gw.ini"), *err = NULL, *expect = NULL;
        write_file_in(user_dir, "gw.ini", "[Container]\n");
        /* Others, not the group: the user's private group may write. */
        chmod(p, 0646);
        err = load_error("gw");
        CHECK(asprintf(&expect, "userbox: %s: writable by group or others, refusing it (chmod go-w)\n", p) > 0);
        CHECK_STREQ(err, expect);
        free(err);
        free(expect);

        _cleanup_free_ char *d = path_join(user_dir, "dir.ini");
        mkdir(d, 0755);
        err = load_error("dir");
        CHECK(asprintf(&expect, "userbox: %s: not a regular file\n", d) > 0);
        CHECK_STREQ(err, expect);
        free(err);
        free(expect);

        _cleanup_free_ char *fifo = path_join(user_dir, "fifo.ini");
        CHECK(mkfifo(fifo, 0644) == 0);
        err = load_error("fifo");
        CHECK(asprintf(&expect, "userbox: %s: not a regular file\n", fifo) > 0);
        CHECK_STREQ(err, expect);
        free(err);
        free(expect);

        _cleanup_free_ char *link = path_join(user_dir, "link.ini");
        CHECK(symlink("dev.ini", link) == 0);
        err = load_error("link");
        CHECK(asprintf(&expect, "userbox: %s: is a symbolic link, refusing it\n", link) > 0);
        CHECK_STREQ(err, expect);
        free(err);
        free(expect);

        if (getuid() == 0) {
                _cleanup_free_ char *o = path_join(user_dir, "other.ini");
                write_file_in(user_dir, "other.ini", "[Container]\n");
                CHECK(chown(o, 4242, 4242) == 0);
                err = load_error("other");
                CHECK(asprintf(&expect, "userbox: %s: owned by uid 4242, neither you nor root, refusing it\n", o) > 0);
                CHECK_STREQ(err, expect);
                free(err);
                free(expect);
        }
        err = NULL;
        expect = NULL;
}

TEST(include_by_path_is_relative_to_the_including_file) {
        struct config c;
        _cleanup_free_ char *sub = path_join(user_dir, "sub");
        write_file_in(sub, "inner.ini", "[Container]\nHostname=inner\n");
        config_init(&c);
        CHECK(profile_load(&c, "nested", false) == 0);
        CHECK_STREQ(c.hostname, "inner");
        config_done(&c);
}

TEST(include_depth_is_limited) {
        _cleanup_free_ char *err = NULL;
        for (int i = 0; i < 10; i++) {
                char name[32], text[64];
                snprintf(name, sizeof(name), "deep%d.ini", i);
                snprintf(text, sizeof(text), "[Profile]\nInclude=deep%d\n", i + 1);
                write_file_in(user_dir, name, text);
        }
        write_file_in(user_dir, "deep10.ini", "[Container]\n");
        err = load_error("deep0");
        CHECK(strstr(err, "deep7.ini:2: [Profile] Include: includes nested deeper than 8 files") != NULL);
}

/* The *.ini files of src copied into a new directory of the temporary
 * tree with mode 0644: a checkout may be group-writable, which the file
 * checks rightly refuse. */
static char *copy_profiles(const char *src, const char *name) {
        char *dst = path_join(tmpdir, name);
        DIR *d = opendir(src);
        struct dirent *de;

        CHECK(d != NULL);
        if (!d || !dst)
                return dst;
        mkdir(dst, 0755);
        while ((de = readdir(d))) {
                size_t len = strlen(de->d_name), size = 0;
                _cleanup_free_ char *from = NULL, *text = NULL, *to = NULL;
                _cleanup_close_ int in = -1, out = -1;
                if (len < 5 || !streq(de->d_name + len - 4, ".ini"))
                        continue;
                from = path_join(src, de->d_name);
                to = path_join(dst, de->d_name);
                in = open(from, O_RDONLY | O_CLOEXEC);
                CHECK(in >= 0 && read_full_fd(in, 1 << 20, &text, &size) == 0);
                out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
                CHECK(out >= 0 && text && write(out, text, size) == (ssize_t) size);
                fchmod(out, 0644);
        }
        closedir(d);
        return dst;
}

/* Each bad profile with its exact message: tests/data/profiles/bad/NAME.ini
 * and NAME.expected, @DIR@ standing for the directory. */
TEST(malformed_corpus) {
        const char *top = getenv("top_srcdir") ?: ".";
        _cleanup_free_ char *src = path_join(top, "tests/data/profiles/bad");
        _cleanup_free_ char *dir = copy_profiles(src, "bad");
        _cleanup_free_ char *old_path = getenv("USERBOX_PROFILE_PATH") ? strdup(getenv("USERBOX_PROFILE_PATH")) : NULL;
        DIR *d = opendir(src);
        struct dirent *de;
        unsigned n = 0;

        CHECK(d != NULL);
        if (!d)
                return;
        setenv("USERBOX_PROFILE_PATH", dir, 1);
        while ((de = readdir(d))) {
                size_t len = strlen(de->d_name);
                _cleanup_free_ char *ini = NULL, *expected_path = NULL, *expected = NULL, *err = NULL, *got = NULL;
                _cleanup_close_ int fd = -1;
                if (len < 5 || !streq(de->d_name + len - 4, ".ini"))
                        continue;
                ini = path_join(dir, de->d_name);
                CHECK(asprintf(&expected_path, "%s/%.*s.expected", src, (int) (len - 4), de->d_name) > 0);
                fd = open(expected_path, O_RDONLY | O_CLOEXEC);
                CHECK(fd >= 0);
                if (fd < 0 || read_full_fd(fd, 65536, &expected, NULL) < 0) {
                        fprintf(stderr, "  no %s\n", expected_path);
                        continue;
                }
                err = load_error(ini);
                /* Put the placeholder back in place of the directory. */
                {
                        size_t size = 0, dl = strlen(dir);
                        FILE *f = open_memstream(&got, &size);
                        for (const char *p = err; *p;)
                                if (strncmp(p, dir, dl) == 0) {
                                        fputs("@DIR@", f);
                                        p += dl;
                                } else
                                        fputc(*p++, f);
                        fclose(f);
                }
                if (!streq(got, expected))
                        fprintf(stderr, "  %s:\n    got:      %s    expected: %s", de->d_name, got, expected);
                CHECK(streq(got, expected));
                n++;
        }
        closedir(d);
        CHECK(n >= 40);
        if (old_path)
                setenv("USERBOX_PROFILE_PATH", old_path, 1);
}

TEST(shipped_and_good_profiles_load) {
        const char *top = getenv("top_srcdir") ?: ".";
        static const char *const dirs[] = { "conf", "tests/data/profiles/good" };
        unsigned n = 0;

        setenv("HOME", "/home/tester", 1);
        for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
                _cleanup_free_ char *src = path_join(top, dirs[i]), *dir = NULL;
                char name[16];
                DIR *d;
                snprintf(name, sizeof(name), "good%zu", i);
                dir = copy_profiles(src, name);
                d = opendir(dir);
                struct dirent *de;
                CHECK(d != NULL);
                while (d && (de = readdir(d))) {
                        size_t len = strlen(de->d_name);
                        _cleanup_free_ char *p = NULL;
                        struct config c;
                        if (len < 5 || !streq(de->d_name + len - 4, ".ini"))
                                continue;
                        p = path_join(dir, de->d_name);
                        config_init(&c);
                        if (profile_load(&c, p, false) < 0) {
                                fprintf(stderr, "  %s does not load\n", p);
                                CHECK(false);
                        } else
                                n++;
                        config_done(&c);
                }
                if (d)
                        closedir(d);
        }
        CHECK(n >= 5);
}

/* The printed configuration loads back to the same settings. */
static char *print_config(const struct config *c) {
        char *out = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&out, &size);
        CHECK(profile_print(c, f) == 0);
        fclose(f);
        return out;
}

/* The printed text without its comment lines. */
static char *settings_only(const char *text) {
        char *out = strdup(text), *w = out;
        for (const char *p = text; *p;) {
                const char *nl = strchr(p, '\n');
                size_t n = nl ? (size_t) (nl - p + 1) : strlen(p);
                if (*p != ';') {
                        memcpy(w, p, n);
                        w += n;
                }
                p += n;
        }
        *w = '\0';
        return out;
}

TEST(print_loads_back_to_the_same_settings) {
        static const char *const sources[] = {
                "[Profile]\nDescription=a test ; comment\n"
                "[Container]\nRoot=/srv/root\nCommand=/bin/sh -c 'echo \"$x\" it'\\''s; done' \"\" x\\;y\n"
                "WorkingDirectory=/src\nHostname=box\nUser=1000:100\nInit=no\nReadOnly=yes\nOverlay=/var/upper\n"
                "Layers=/l/a:/l/b\nTty=yes\n"
                "[IDMap]\nMode=keep-id\n"
                "[Namespaces]\nNetwork=slirp4netns:allow-host-loopback\nIPC=no\nUTS=yes\nCgroup=no\n"
                "[Network]\nPublish=127.0.0.1:8080:80\nPublish=53-54:5353-5354/udp\n"
                "[Mounts]\nBind=/a:/x:ro,nosuid,norbind\nTmpfs=/x/t:size=1M,mode=1777,noexec\nBindReadOnly=/b\n"
                "Bind=/c:/z:rw\n"
                "[Devices]\nBind=/dev/null:/dev/n2\n"
                "[Environment]\nClear=no\nKeep=LANG TERM\nEDITOR=vi\nX=a=b\n"
                "[Security]\nNoNewPrivileges=no\nSeccomp=unconfined\n"
                "[Limits]\nNOFILE=1024:2048\nSTACK=infinity\nMemory=1G\nPIDs=20\n",
                "[Container]\nOverlay=tmpfs\n",
                "",
        };
        for (size_t i = 0; i < ELEMENTSOF(sources); i++) {
                struct config a, b;
                _cleanup_free_ char *first = NULL, *second = NULL, *s1 = NULL, *s2 = NULL;
                config_init(&a);
                config_init(&b);
                CHECK(load_text(&a, sources[i]) == 0);
                first = print_config(&a);
                CHECK(profile_load_string(&b, "printed.ini", first, strlen(first), false) == 0);
                second = print_config(&b);
                s1 = settings_only(first);
                s2 = settings_only(second);
                CHECK_STREQ(s1, s2);
                if (i == 0) {
                        CHECK(strv_length(a.command) == 5 && strv_length(b.command) == 5);
                        for (size_t j = 0; j < 5 && a.command && b.command; j++)
                                CHECK_STREQ(a.command[j], b.command[j]);
                        CHECK(strstr(first, "; from test.ini:4\nRoot=/srv/root\n") != NULL);
                }
                config_done(&a);
                config_done(&b);
        }
}

TEST(print_marks_the_command_line_and_defaults) {
        struct config c;
        char *reason = NULL;
        _cleanup_free_ char *out = NULL;
        config_init(&c);
        CHECK(profile_set(&c, "Container", "Hostname", "cli", &cli_origin, &reason) == 0);
        config_finalize(&c);
        out = print_config(&c);
        CHECK(strstr(out, "; from command line\nHostname=cli\n") != NULL);
        CHECK(strstr(out, "; Init=yes  (default)\n") != NULL);
        config_done(&c);
}

/* Every key of the table is in the man page, and every key the man page
 * documents is in the table. Key headings read: .TP, then .BI "Key=" ... */
/* Two files (one through Include=) and the command line add to the same
 * list keys: every value keeps the place it came from, through replacing,
 * duplicates and moves from one list to another. */
TEST(list_values_keep_their_own_origins) {
        static const char *const cli[][3] = {
                { "IDMap", "UID", "65537:300000:1000" },
                { "IDMap", "GID", "0:1000:1" },          /* already there: stays from the file */
                { "Environment", "Keep", "DISPLAY LANG" },
                { "Environment", "PAGER", "more" },      /* set again: the last origin wins */
                { "Security", "CapabilityAdd", "CHOWN" }, /* undoes the file's drop */
                { "Security", "SeccompDeny", "add_key" },
        };
        _cleanup_free_ char *base = path_join(user_dir, "originbase.ini");
        _cleanup_free_ char *top = path_join(user_dir, "origins.ini");
        _cleanup_free_ char *out = NULL, *again = NULL, *s1 = NULL, *s2 = NULL;
        struct config c, b;
        char *reason = NULL;

        write_file_in(user_dir, "originbase.ini",
                      "[IDMap]\nUID=0:1000:1\nGID=0:1000:1\n"                              /* 2-3 */
                      "[Environment]\nKeep=LANG TERM\nEDITOR=vi\nPAGER=less\n"            /* 5-7 */
                      "[Security]\nCapabilityAdd=NET_ADMIN SYS_PTRACE\nCapabilityDrop=CHOWN\n"
                      "SeccompDeny=keyctl add_key\n");                                    /* 9-11 */
        write_file_in(user_dir, "origins.ini",
                      "[Profile]\nInclude=originbase\n"
                      "[IDMap]\nUID=1:100000:65536\n"                                     /* 4 */
                      "[Environment]\nKeep=LC_ALL LANG\nEDITOR=vim\n"                     /* 6-7 */
                      "[Security]\nCapabilityDrop=SYS_PTRACE\nSeccompAllow=keyctl\nSeccompDeny=bpf\n"); /* 9-11 */
        config_init(&c);
        CHECK(profile_load(&c, "origins", false) == 0);
        for (size_t i = 0; i < ELEMENTSOF(cli); i++) {
                CHECK(profile_set(&c, cli[i][0], cli[i][1], cli[i][2], &cli_origin, &reason) == 0);
                free(reason);
        }

        CHECK(c.n_uid_map == 3 && c.uid_map_origins.at);
        if (c.n_uid_map == 3 && c.uid_map_origins.at) {
                CHECK_STREQ(c.uid_map_origins.at[0].file, base);
                CHECK(c.uid_map_origins.at[0].line == 2);
                CHECK_STREQ(c.uid_map_origins.at[1].file, top);
                CHECK(c.uid_map_origins.at[1].line == 4);
                CHECK(!c.uid_map_origins.at[2].file && c.uid_map_origins.at[2].line == PROFILE_LINE_COMMAND_LINE);
        }
        CHECK(c.n_gid_map == 1 && c.gid_map_origins.at && c.gid_map_origins.at[0].line == 3);
        CHECK(strv_length(c.env_keep) == 4 && c.env_keep_origins.at);
        CHECK(strv_length(c.env_set) == 2 && c.env_set_origins.at);
        if (strv_length(c.env_set) == 2 && c.env_set_origins.at) {
                CHECK_STREQ(c.env_set[0], "EDITOR=vim");
                CHECK_STREQ(c.env_set_origins.at[0].file, top);
                CHECK(c.env_set_origins.at[0].line == 7);
                CHECK_STREQ(c.env_set[1], "PAGER=more");
                CHECK(!c.env_set_origins.at[1].file && c.env_set_origins.at[1].line == PROFILE_LINE_COMMAND_LINE);
        }
        CHECK(strv_length(c.seccomp_deny) == 2 && strv_length(c.seccomp_allow) == 1);

        out = print_config(&c);
        CHECK(strstr(out, "last added") == NULL);
#define CHECK_PRINTED(fmt, ...)                                                         \
        do {                                                                            \
                char *_e = NULL;                                                        \
                CHECK(asprintf(&_e, fmt, __VA_ARGS__) > 0);                             \
                if (_e && !strstr(out, _e))                                             \
                        fprintf(stderr, "  not printed:\n%s", _e);                      \
                CHECK(_e && strstr(out, _e));                                           \
                free(_e);                                                               \
        } while (0)
        CHECK_PRINTED("; from %s:2\nUID=0:1000:1\n; from %s:4\nUID=1:100000:65536\n"
                      "; from command line\nUID=65537:300000:1000\n; from %s:3\nGID=0:1000:1\n", base, top, base);
        CHECK_PRINTED("; from %s:5\nKeep=LANG TERM\n; from %s:6\nKeep=LC_ALL\n"
                      "; from command line\nKeep=DISPLAY\n", base, top);
        CHECK_PRINTED("; from %s:7\nEDITOR=vim\n; from command line\nPAGER=more\n", top);
        CHECK_PRINTED("; from %s:9\nCapabilityDrop=SYS_PTRACE\n"
                      "; from command line\nCapabilityAdd=CHOWN\n; from %s:9\nCapabilityAdd=NET_ADMIN\n", top, base);
        CHECK_PRINTED("; from %s:11\nSeccompDeny=add_key\n; from %s:11\nSeccompDeny=bpf\n"
                      "; from %s:10\nSeccompAllow=keyctl\n", base, top, top);
#undef CHECK_PRINTED

        /* What it prints loads back to the same settings. */
        config_init(&b);
        CHECK(profile_load_string(&b, "printed.ini", out, strlen(out), false) == 0);
        again = print_config(&b);
        s1 = settings_only(out);
        s2 = settings_only(again);
        CHECK_STREQ(s1, s2);
        config_done(&b);
        config_done(&c);
}

TEST(capability_origins_follow_adds_and_drops) {
        struct config c;
        char *reason = NULL;
        _cleanup_free_ char *out = NULL;

        config_init(&c);
        CHECK(load_text(&c, "[Security]\nCapabilityAdd=CHOWN KILL\nCapabilityDrop=all\nCapabilityAdd=SETUID\n"
                            "CapabilityAdd=SETUID KILL\n") == 0);
        CHECK(c.cap_drop_all && c.cap_drop_all_origin.line == 3);
        CHECK(c.cap_add == ((UINT64_C(1) << 5) | (UINT64_C(1) << 7)));  /* KILL, SETUID */
        CHECK(c.cap_add_origin[7].line == 4);   /* the first add wins over a repeat */
        CHECK(c.cap_add_origin[5].line == 5);   /* added again after "all" */
        CHECK(c.cap_add_origin[0].line == 0);   /* CHOWN went with "all" */
        CHECK(profile_set(&c, "Security", "CapabilityDrop", "SETUID", &cli_origin, &reason) == 0);
        CHECK(profile_set(&c, "Security", "CapabilityAdd", "CHOWN", &cli_origin, &reason) == 0);
        CHECK(c.cap_add_origin[7].line == 0);
        CHECK(c.cap_add_origin[0].line == PROFILE_LINE_COMMAND_LINE);
        out = print_config(&c);
        CHECK(strstr(out, "; from test.ini:3\nCapabilityDrop=all\n"
                          "; from command line\nCapabilityAdd=CHOWN\n; from test.ini:5\nCapabilityAdd=KILL\n") != NULL);
        CHECK(strstr(out, "SETUID") == NULL);
        config_done(&c);
}

/* The Layers= lines of one file make one list, printed one layer a line
 * (a long list fits no line) under the last line that set it. */
TEST(layers_print_under_the_line_that_set_them) {
        struct config c;
        char *reason = NULL;
        _cleanup_free_ char *out = NULL, *err = NULL;

        config_init(&c);
        CHECK(load_text_capturing(&c, "[Container]\nLayers=/l/a:/l/b\nLayers=/l/c\n", &err) == 0);
        CHECK_STREQ(err, "");
        out = print_config(&c);
        CHECK(strstr(out, "; from test.ini:3\nLayers=/l/a\nLayers=/l/b\nLayers=/l/c\n") != NULL);
        free(out);
        CHECK(profile_set(&c, "Container", "Layers", "/l/d", &cli_origin, &reason) == 0);
        out = print_config(&c);
        CHECK(strstr(out, "; from command line\nLayers=/l/d\n;") != NULL);
        config_done(&c);
}

/* Another file's Layers= (the including one, or default.ini's successor)
 * replaces the list; the command line replaces it again, last --layers
 * winning; a file loaded a second time starts a list of its own. */
TEST(layers_lines_join_within_a_file_and_replace_across_files) {
        struct config c;
        char *reason = NULL;

        write_file_in(user_dir, "lbase.ini", "[Container]\nLayers=/b/1\nLayers=/b/2\n");
        write_file_in(user_dir, "ltop.ini", "[Profile]\nInclude=lbase\n[Container]\nLayers=/t/1\nLayers=/t/2:/t/3\n");
        write_file_in(user_dir, "lonly.ini", "[Profile]\nInclude=lbase\n");
        write_file_in(user_dir, "ltwice.ini", "[Profile]\nInclude=lbase\nInclude=lonly\n");
        config_init(&c);
        CHECK(profile_load(&c, "ltop", false) == 0);
        CHECK(strv_length(c.layers) == 3);
        if (strv_length(c.layers) == 3) {
                CHECK_STREQ(c.layers[0], "/t/1");
                CHECK_STREQ(c.layers[2], "/t/3");
        }
        CHECK(profile_set(&c, "Container", "Layers", "/c/1", &cli_origin, &reason) == 0);
        CHECK(profile_set(&c, "Container", "Layers", "/c/2", &cli_origin, &reason) == 0);
        CHECK(strv_length(c.layers) == 1 && streq(c.layers[0], "/c/2"));
        config_done(&c);

        config_init(&c);
        CHECK(profile_load(&c, "lonly", false) == 0);
        CHECK(strv_length(c.layers) == 2);
        config_done(&c);
        config_init(&c);
        CHECK(profile_load(&c, "ltwice", false) == 0);
        CHECK(strv_length(c.layers) == 2);
        config_done(&c);
}

TEST(man_page_matches_the_key_table) {
        const char *top = getenv("top_srcdir") ?: ".";
        _cleanup_free_ char *man = path_join(top, "man/userbox.ini.5.in"), *text = NULL, *table = NULL;
        _cleanup_free_ char *documented = NULL;
        size_t size = 0, dsize = 0;
        _cleanup_close_ int fd = open(man, O_RDONLY | O_CLOEXEC);
        FILE *f, *d;
        char section[64] = "";
        bool after_tp = false;

        CHECK(fd >= 0);
        if (fd < 0 || read_full_fd(fd, 1 << 20, &text, NULL) < 0)
                return;
        f = open_memstream(&table, &size);
        profile_keys_print(f);
        fclose(f);

        d = open_memstream(&documented, &dsize);
        for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
                const char *rest;
                if ((rest = startswith(line, ".SS \"[")) || (rest = startswith(line, ".SS ["))) {
                        snprintf(section, sizeof(section), "%.*s", (int) strcspn(rest, "]"), rest);
                        continue;
                }
                if (startswith(line, ".SH")) {
                        section[0] = '\0';
                        continue;
                }
                if (streq(line, ".TP")) {
                        after_tp = true;
                        continue;
                }
                if (after_tp && *section && (rest = startswith(line, ".BI \""))) {
                        size_t n = strcspn(rest, "=\"");
                        if (rest[n] == '=')
                                fprintf(d, "[%s] %.*s\n", section, (int) n, rest);
                }
                after_tp = false;
        }
        fclose(d);
        /* Both ways, line by line. */
        for (char *l = table, *nl; *l; l = nl + 1) {
                nl = strchr(l, '\n');
                *nl = '\0';
                bool found = false;
                for (const char *p = documented; (p = strstr(p, l)); p++)
                        if ((p == documented || p[-1] == '\n') && p[strlen(l)] == '\n')
                                found = true;
                if (!found)
                        fprintf(stderr, "  not in the man page: %s\n", l);
                CHECK(found);
                *nl = '\n';
        }
        for (char *l = documented, *nl; *l; l = nl + 1) {
                nl = strchr(l, '\n');
                *nl = '\0';
                bool found = false;
                for (const char *p = table; (p = strstr(p, l)); p++)
                        if ((p == table || p[-1] == '\n') && p[strlen(l)] == '\n')
                                found = true;
                if (!found)
                        fprintf(stderr, "  documented but not in the key table: %s\n", l);
                CHECK(found);
                *nl = '\n';
        }
}

static void remove_tree(const char *path) {
        char *cmd = NULL;
        if (asprintf(&cmd, "rm -rf '%s'", path) > 0 && system(cmd) != 0)
                fprintf(stderr, "  cannot remove %s\n", path);
        free(cmd);
}

int main(void) {
        static const struct unit_case cases[] = {
                UNIT(booleans_take_every_spelling),
                UNIT(user_and_home_come_from_etc_passwd_without_nss),
                UNIT(passwd_lookup_reads_the_file_not_nss),
                UNIT(container_values),
                UNIT(idmap_and_namespace_values),
                UNIT(publish_values),
                UNIT(idmap_triples_accumulate),
                UNIT(mount_specs),
                UNIT(mounts_keep_profile_order_and_origins),
                UNIT(devices),
                UNIT(environment),
                UNIT(environment_keep_and_set_of_one_name_the_later_wins),
                UNIT(security_values),
                UNIT(capabilities_later_settings_win),
                UNIT(limits),
                UNIT(expansion),
                UNIT(scalars_last_wins_and_duplicates_warn),
                UNIT(control_characters_are_refused_and_never_echoed),
                UNIT(environment_variable_set_twice_takes_the_last_value_silently),
                UNIT(tabs_and_control_characters_in_comments_are_accepted),
                UNIT(command_line_masks_files),
                UNIT(comments_and_blank_lines),
                UNIT(include_refused_in_strings_and_on_the_command_line),
                UNIT(precedence_default_then_includes_then_own_keys),
                UNIT(includes_apply_before_the_files_own_keys_wherever_they_are),
                UNIT(missing_profile_lists_where_it_looked),
                UNIT(unsafe_files_are_refused),
                UNIT(include_by_path_is_relative_to_the_including_file),
                UNIT(include_depth_is_limited),
                UNIT(malformed_corpus),
                UNIT(shipped_and_good_profiles_load),
                UNIT(print_loads_back_to_the_same_settings),
                UNIT(print_marks_the_command_line_and_defaults),
                UNIT(list_values_keep_their_own_origins),
                UNIT(capability_origins_follow_adds_and_drops),
                UNIT(layers_print_under_the_line_that_set_them),
                UNIT(layers_lines_join_within_a_file_and_replace_across_files),
                UNIT(man_page_matches_the_key_table),
        };
        int r;

        search_path_setup();
        r = unit_main(cases, ELEMENTSOF(cases));
        remove_tree(tmpdir);
        free(user_dir);
        free(system_dir);
        return r;
}
