/* SPDX-License-Identifier: Apache-2.0 */
/* The network's plan, made before clone for run and config alike: which
 * helper and where it is, the container's address, gateway and resolver,
 * the /etc/resolv.conf and /etc/hosts it reads them from, and the ports
 * it publishes (sound, and free on the host when run starts). The
 * helper's life is net-helper.c's. */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "fs.h"
#include "net-internal.h"
#include "util.h"

/* pasta forwards the DNS queries sent to this address to the host's
 * resolver, wherever that is (127.0.0.53 too): a link-local address,
 * which no network of the host's can be. */
#define PASTA_DNS "169.254.1.1"

static int slirp_command_line(const struct net_plan *p, const struct config *c, const char *api_socket,
                              char ***ret);
static int pasta_command_line(const struct net_plan *p, const struct config *c, const char *api_socket,
                              char ***ret);

static const struct net_helper_kind helper_kinds[] = {
        /* Its own network behind NAT, 10.0.2.0/24: the gateway 10.0.2.2
         * is the host (its loopback too, when allowed), 10.0.2.3 forwards
         * DNS to the host's resolver. */
        { NET_SLIRP4NETNS, "slirp4netns", "slirp4netns", "10.0.2.3", "10.0.2.100", "10.0.2.2",
          slirp_command_line, true },
        /* The host's own address and gateway, copied into the namespace;
         * the gateway's address reaches the host's loopback when allowed. */
        { NET_PASTA, "pasta", "passt", PASTA_DNS, NULL, NULL, pasta_command_line, false },
};

bool net_has_helper(const struct config *c) {
        return profile_network_mode_has_helper((int) c->network);
}

void net_plan_free(struct net_plan *p) {
        if (!p)
                return;
        free(p->program);
        free(p->address);
        free(p->gateway);
        free(p);
}

static void net_plan_freep(struct net_plan **p) {
        net_plan_free(*p);
}

/* ---- the helpers' command lines ------------------------------------------ */

static int argv_add(char ***argv, const char *fmt, ...) _printf_(2, 3);
static int argv_add(char ***argv, const char *fmt, ...) {
        char *s;
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&s, fmt, ap);
        va_end(ap);
        return r < 0 ? -ENOMEM : strv_push(argv, s);
}

/* Words, up to NULL. */
static int argv_add_words(char ***argv, ...) {
        va_list ap;
        int r = 0;

        va_start(ap, argv);
        for (const char *w = va_arg(ap, const char *); w && r >= 0; w = va_arg(ap, const char *))
                r = strv_extend(argv, w);
        va_end(ap);
        return r;
}

#define FD_PATH(n) "/proc/self/fd/" HELPER_FD_TEXT(n)

/* It joins the namespaces named by its fds; its ready fd gets "1" once
 * the interface is configured, and it exits when its exit fd reads end of
 * file: when the launcher is gone. It parses every packet the container
 * sends: --enable-seccomp narrows what a bug there could do. */
static int slirp_command_line(const struct net_plan *p, const struct config *c, const char *api_socket,
                              char ***ret) {
        _cleanup_strv_free_ char **argv = NULL;
        int r = argv_add_words(&argv, p->program, "--configure", "--mtu=65520", NULL);

        if (r >= 0 && !c->network_host_loopback)
                r = argv_add_words(&argv, "--disable-host-loopback", NULL);
        if (r >= 0)
                r = argv_add_words(&argv, "--enable-seccomp", "--ready-fd=" HELPER_FD_TEXT(HELPER_FD_READY),
                                   "--exit-fd=" HELPER_FD_TEXT(HELPER_FD_EXIT), NULL);
        if (r >= 0 && api_socket)
                r = argv_add(&argv, "--api-socket=%s", api_socket);
        if (r >= 0)
                r = argv_add_words(&argv, "--netns-type=path", "--userns-path=" FD_PATH(HELPER_FD_USERNS),
                                   FD_PATH(HELPER_FD_NETNS), "tap0", NULL);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(argv);
        return 0;
}

/* One -t or -u option per publication: "[ADDR/]HOST[-LAST]:PORT[-LAST]". */
static int pasta_add_ports(char ***argv, const struct config *c, bool udp) {
        const char *option = udp ? "--udp-ports" : "--tcp-ports";
        bool any = false;
        int r = 0;

        for (size_t i = 0; i < c->n_publish && r >= 0; i++) {
                const struct publish_entry *e = &c->publish[i];
                unsigned last = e->count - 1u;
                char host[16] = "", container[16] = "";

                if (e->udp != udp)
                        continue;
                any = true;
                if (last) {
                        snprintf(host, sizeof(host), "-%u", e->host_port + last);
                        snprintf(container, sizeof(container), "-%u", e->container_port + last);
                }
                r = argv_add_words(argv, option, NULL);
                if (r >= 0)
                        r = argv_add(argv, "%s%s%u%s:%u%s", e->host_address ?: "", e->host_address ? "/" : "",
                                     e->host_port, host, e->container_port, container);
        }
        /* Its default is every port bound inside, found as it goes. */
        return r >= 0 && !any ? argv_add_words(argv, option, "none", NULL) : r;
}

/* --foreground: it stays the launcher's child, to be killed and reaped
 * (its parent-death signal covers a launcher killed with -9); --pid names
 * its ready fd, where it writes its pid once the namespace is configured.
 * --tcp-ns/--udp-ns none: the container's own 127.0.0.1 stays its own
 * (pasta's default forwards it to the host's). */
static int pasta_command_line(const struct net_plan *p, const struct config *c, const char *api_socket _unused_,
                              char ***ret) {
        _cleanup_strv_free_ char **argv = NULL;
        int r = argv_add_words(&argv, p->program, "--config-net", "--foreground", "--quiet", NULL);

        if (r >= 0 && !c->network_host_loopback)
                r = argv_add_words(&argv, "--no-map-gw", NULL);
        if (r >= 0)
                r = argv_add_words(&argv, "--dns-forward", PASTA_DNS, NULL);
        if (r >= 0)
                r = pasta_add_ports(&argv, c, false);
        if (r >= 0)
                r = pasta_add_ports(&argv, c, true);
        if (r >= 0)
                r = argv_add_words(&argv, "--tcp-ns", "none", "--udp-ns", "none", "--pid", FD_PATH(HELPER_FD_READY),
                                   "--userns", FD_PATH(HELPER_FD_USERNS), "--netns", FD_PATH(HELPER_FD_NETNS), NULL);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(argv);
        return 0;
}

/* ---- the plan ------------------------------------------------------------ */

/* "--net pasta" or "FILE:LINE: [Namespaces] Network=pasta", for messages. */
static const char *network_origin(const struct config *c, char *buf, size_t size) {
        char where[CONFIG_ORIGIN_NAME_MAX], value[64];
        const struct origin *o = &c->origins[KEY_NETWORK];

        config_origin_name(o, "Namespaces", "Network", "--net", where, sizeof(where));
        snprintf(buf, size, "%s%s%s", where, o->file ? "=" : " ", profile_network_text(c, value, sizeof(value)));
        return buf;
}

const char *net_publish_origin(const struct publish_entry *e, char *buf, size_t size) {
        char where[CONFIG_ORIGIN_NAME_MAX], text[PROFILE_PUBLISH_TEXT_MAX];

        config_origin_name(&e->origin, "Network", "Publish", "--publish", where, sizeof(where));
        snprintf(buf, size, "%s%s%s", where, e->origin.file ? "=" : " ", profile_publish_text(e, text, sizeof(text)));
        return buf;
}

/* The helper opens /dev/net/tun inside the container's namespaces, where
 * its failure would only be a line of its output: checked here, with
 * what to do about it. */
static int check_tun(const struct config *c) {
        static const char tun[] = "/dev/net/tun";
        char where[NET_PUBLISH_ORIGIN_MAX];
        _cleanup_close_ int fd = open(tun, O_RDWR | O_CLOEXEC);
        struct stat st;

        if (fd >= 0)
                return 0;
        network_origin(c, where, sizeof(where));
        if (errno == ENOENT)
                return log_error("%s: %s: %s: the kernel has no tun device (as root: modprobe tun)", where, tun,
                                 strerror(ENOENT));
        if ((errno == EACCES || errno == EPERM) && stat(tun, &st) == 0)
                return log_error("%s: %s: %s: the user cannot open it (mode %04o; Debian's udev rules make it "
                                 "0666)", where, tun, strerror(errno), (unsigned) (st.st_mode & 07777));
        return log_errno(-errno, "%s: %s", where, tun);
}

/* Two publications of one host port (protocol and address alike) would
 * have the second fail in the helper, or pasta take only the first. */
static bool publish_overlap(const struct publish_entry *a, const struct publish_entry *b) {
        return a->udp == b->udp && (!a->host_address || !b->host_address || streq(a->host_address, b->host_address)) &&
               a->host_port < b->host_port + b->count && b->host_port < a->host_port + a->count;
}

static int check_publish(const struct config *c) {
        char where[NET_PUBLISH_ORIGIN_MAX], other[NET_PUBLISH_ORIGIN_MAX];

        for (size_t i = 0; i < c->n_publish; i++) {
                if (!net_has_helper(c))
                        return log_error("%s: publishing a port needs --net slirp4netns or --net pasta (%s)",
                                         net_publish_origin(&c->publish[i], where, sizeof(where)),
                                         c->network == NET_HOST ? "with --net host the container's ports are "
                                                                  "the host's already"
                                                                : "--net none has no network to reach");
                for (size_t j = 0; j < i; j++)
                        if (publish_overlap(&c->publish[j], &c->publish[i]))
                                return log_error("%s: a host port of it is published already by %s",
                                                 net_publish_origin(&c->publish[i], where, sizeof(where)),
                                                 net_publish_origin(&c->publish[j], other, sizeof(other)));
        }
        return 0;
}

/* The host's IPv4 default route, as pasta finds it: the first default
 * route's interface, its first address and the gateway. -ENOENT when
 * the host has none. */
static int host_default_route(char **ret_address, char **ret_gateway) {
        _cleanup_fclose_ FILE *f = fopen("/proc/net/route", "re");
        char line[256], iface[IF_NAMESIZE + 1] = "", text[INET_ADDRSTRLEN];
        struct ifaddrs *all = NULL;
        unsigned destination, gateway, flags;
        int r = -ENOENT;

        if (!f)
                return -errno;
        while (fgets(line, sizeof(line), f))
                if (sscanf(line, "%16s %x %x %x", iface, &destination, &gateway, &flags) == 4 && destination == 0 &&
                    (flags & 1) /* RTF_UP */)
                        break;
                else
                        iface[0] = '\0';
        if (!iface[0] || getifaddrs(&all) < 0)
                return iface[0] ? -errno : -ENOENT;
        for (struct ifaddrs *a = all; a; a = a->ifa_next)
                if (a->ifa_addr && a->ifa_addr->sa_family == AF_INET && streq(a->ifa_name, iface)) {
                        struct in_addr gw = { .s_addr = (in_addr_t) gateway };
                        inet_ntop(AF_INET, &((struct sockaddr_in *) (void *) a->ifa_addr)->sin_addr, text, sizeof(text));
                        *ret_address = strdup(text);
                        *ret_gateway = strdup(inet_ntop(AF_INET, &gw, text, sizeof(text)));
                        r = *ret_address && *ret_gateway ? 0 : -ENOMEM;
                        break;
                }
        freeifaddrs(all);
        return r;
}

/* nameserver: the helper's; search and options: the host's, as podman
 * and docker keep them. */
static int resolv_conf_content(const struct net_plan *p, char **ret) {
        _cleanup_free_ char *host = NULL;
        _cleanup_close_ int fd = open("/etc/resolv.conf", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        char *out = NULL, *save = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&out, &size);
        struct stat st;

        if (!f)
                return -ENOMEM;
        fprintf(f, "# written by userbox for --net %s\nnameserver %s\n", p->kind->program, p->kind->dns);
        if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && read_full_fd(fd, 65536, &host, NULL) >= 0)
                for (char *line = strtok_r(host, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
                        if (startswith(line, "search") || startswith(line, "options"))
                                fprintf(f, "%s\n", line);
        if (fclose(f) != 0) {
                free(out);
                return -ENOMEM;
        }
        *ret = out;
        return 0;
}

/* Generated whole, as docker does: localhost, and the container's own
 * name at its address. */
static int hosts_content(const struct net_plan *p, const struct config *c, char **ret) {
        char host[HOST_NAME_MAX + 1] = "";
        const char *name = config_hostname(c);

        if (!name) {
                /* The host's UTS namespace, or the host sandbox's copy. */
                (void) gethostname(host, sizeof(host) - 1);
                name = host;
        }
        if (asprintf(ret, "# written by userbox for --net %s\n127.0.0.1\tlocalhost\n"
                          "::1\tlocalhost ip6-localhost ip6-loopback\n%s\t%s\n",
                     p->kind->program, p->address, name) < 0)
                return -ENOMEM;
        return 0;
}

/* A mount of the user's own onto the file wins: they chose it. */
static bool user_mounts_on(const struct config *c, const char *path) {
        for (size_t i = 0; i < c->n_mounts; i++) {
                _cleanup_free_ char *d = c->mounts[i].destination ? strdup(c->mounts[i].destination) : NULL;
                if (d && streq(path_simplify(d), path))
                        return true;
        }
        return false;
}

static int plan_files(const struct net_plan *p, const struct config *c, struct rootfs_plan *rootfs) {
        static const char *const files[] = { "/etc/resolv.conf", "/etc/hosts" };

        for (size_t i = 0; i < ELEMENTSOF(files); i++) {
                _cleanup_free_ char *content = NULL;
                int r;

                if (user_mounts_on(c, files[i])) {
                        log_step("network: %s is the user's mount, not written", files[i]);
                        continue;
                }
                r = i == 0 ? resolv_conf_content(p, &content) : hosts_content(p, c, &content);
                if (r < 0)
                        return log_errno(r, "writing %s", files[i]);
                r = rootfs_plan_file(c, rootfs, files[i], content);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int plan_helper(const struct config *c, struct net_plan *p) {
        char where[NET_PUBLISH_ORIGIN_MAX];
        int r;

        for (size_t i = 0; i < ELEMENTSOF(helper_kinds); i++)
                if (helper_kinds[i].mode == (int) c->network)
                        p->kind = &helper_kinds[i];
        if (!p->kind)
                return log_error("network mode %d has no helper", (int) c->network);
        r = path_find_program(p->kind->program, &p->program);
        if (r == -ENOENT)
                return log_error("%s needs %s, which is not on PATH (apt install %s)",
                                 network_origin(c, where, sizeof(where)), p->kind->program, p->kind->package);
        if (r < 0)
                return log_errno(r, "looking for %s", p->kind->program);
        if (p->kind->address) {
                p->address = strdup(p->kind->address);
                p->gateway = strdup(p->kind->gateway);
                return p->address && p->gateway ? 0 : log_errno(-ENOMEM, "network plan");
        }
        r = host_default_route(&p->address, &p->gateway);
        if (r == -ENOENT)
                return log_error("%s: the host has no IPv4 default route, whose interface %s copies into the "
                                 "container", network_origin(c, where, sizeof(where)), p->kind->program);
        return r < 0 ? log_errno(r, "reading the host's default route") : 0;
}

int net_prepare(const struct config *c, struct rootfs_plan *rootfs, struct net_plan **ret) {
        _cleanup_(net_plan_freep) struct net_plan *p = NULL;
        int r = check_publish(c);

        *ret = NULL;
        if (r < 0 || !net_has_helper(c))
                return r;
        p = calloc(1, sizeof(*p));
        if (!p)
                return log_errno(-ENOMEM, "network plan");
        r = plan_helper(c, p);
        if (r >= 0)
                r = check_tun(c);
        if (r >= 0)
                r = plan_files(p, c, rootfs);
        if (r < 0)
                return r;
        log_step("network: %s found at '%s'", p->kind->program, p->program);
        *ret = TAKE_PTR(p);
        return 0;
}

/* ---- ports taken ---------------------------------------------------------- */

/* Bound as the helper will bind it. A TCP port in TIME_WAIT is no
 * obstacle (SO_REUSEADDR, as both helpers set it); a listener is. */
static int probe_port(const struct publish_entry *e, uint16_t port) {
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
        _cleanup_close_ int fd = socket(AF_INET, (e->udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
        int one = 1;

        if (fd < 0)
                return -errno;
        if (e->host_address && inet_pton(AF_INET, e->host_address, &a.sin_addr) != 1)
                return -EINVAL;
        if (!e->udp && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
                return -errno;
        return bind(fd, (struct sockaddr *) &a, sizeof(a)) < 0 ? -errno : 0;
}

int net_check_ports(const struct config *c) {
        char where[NET_PUBLISH_ORIGIN_MAX];

        for (size_t i = 0; i < c->n_publish; i++) {
                const struct publish_entry *e = &c->publish[i];

                for (unsigned k = 0; k < e->count; k++) {
                        uint16_t port = (uint16_t) (e->host_port + k);
                        int r = probe_port(e, port);

                        if (r == -EADDRINUSE)
                                return log_error("%s: host port %u/%s on %s is taken: %s", net_publish_origin(e, where, sizeof(where)),
                                                 port, e->udp ? "udp" : "tcp", e->host_address ?: "0.0.0.0",
                                                 strerror(EADDRINUSE));
                        if (r == -EACCES)
                                return log_error("%s: host port %u is below the host's first unprivileged port "
                                                 "(sysctl net.ipv4.ip_unprivileged_port_start): publish on a "
                                                 "higher one", net_publish_origin(e, where, sizeof(where)), port);
                        if (r < 0)
                                return log_errno(r, "%s: host port %u/%s on %s", net_publish_origin(e, where, sizeof(where)),
                                                 port, e->udp ? "udp" : "tcp", e->host_address ?: "0.0.0.0");
                }
        }
        return 0;
}

/* ---- `userbox config` ----------------------------------------------------- */

void net_print_plan(const struct config *c, const struct net_plan *p, FILE *f) {
        _cleanup_strv_free_ char **argv = NULL;
        char text[PROFILE_PUBLISH_TEXT_MAX];

        if (!p)
                return;
        fprintf(f, "# network: %s, address %s, gateway %s, DNS %s; the host's loopback %s\n", p->kind->program,
                p->address, p->gateway, p->kind->dns,
                c->network_host_loopback ? "reachable at the gateway's address" : "unreachable");
        if (p->kind->command_line(p, c, p->kind->publish_by_api && c->n_publish ? "RUNTIME_DIR/userbox-net.XXXXXX/api"
                                                                                : NULL, &argv) >= 0) {
                fputs("# network: ", f);
                for (char **a = argv; *a; a++)
                        fprintf(f, "%s%s", a == argv ? "" : " ", *a);
                fputs("\n", f);
        }
        for (size_t i = 0; i < c->n_publish; i++)
                fprintf(f, "# publish: %s (%s)\n", profile_publish_text(&c->publish[i], text, sizeof(text)),
                        p->kind->publish_by_api ? "through its API socket" : "on its command line");
}
