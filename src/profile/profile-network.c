/* SPDX-License-Identifier: Apache-2.0 */
/* The network's keys: [Namespaces] Network= (a mode, and for the modes a
 * helper connects, its option) and [Network] Publish= (the ports published
 * on the host). What they mean at run time is src/net/'s. */
#include <arpa/inet.h>
#include <ctype.h>

#include "profile.h"
#include "profile-internal.h"
#include "util.h"

/* The modes with their names; helper: a program connects the namespace
 * (design §12), and the mode takes the options below. */
static const struct {
        enum net_mode mode;
        const char *name;
        bool helper;
} network_modes[] = {
        { NET_HOST, "host", false },
        { NET_NONE, "none", false },
        { NET_SLIRP4NETNS, "slirp4netns", true },
        { NET_PASTA, "pasta", true },
};

#define NETWORK_MODES_TEXT "host, none, slirp4netns[:allow-host-loopback], pasta[:allow-host-loopback]"
#define HOST_LOOPBACK_OPTION PROFILE_NETWORK_HOST_LOOPBACK

const char *profile_network_mode_name(int mode) {
        for (size_t i = 0; i < ELEMENTSOF(network_modes); i++)
                if ((int) network_modes[i].mode == mode)
                        return network_modes[i].name;
        return NULL;
}

bool profile_network_mode_has_helper(int mode) {
        for (size_t i = 0; i < ELEMENTSOF(network_modes); i++)
                if ((int) network_modes[i].mode == mode)
                        return network_modes[i].helper;
        return false;
}

int profile_parse_network(struct config *c, const struct profile_key *k _unused_, const char *key _unused_,
                          const char *value, const struct origin *o _unused_, char **reason) {
        const char *colon = strchr(value, ':');
        size_t n = colon ? (size_t) (colon - value) : strlen(value);

        for (size_t i = 0; i < ELEMENTSOF(network_modes); i++) {
                if (strlen(network_modes[i].name) != n || strncmp(network_modes[i].name, value, n) != 0)
                        continue;
                if (colon && !network_modes[i].helper)
                        return profile_reason(reason, -EINVAL, "'%s' takes no option: '%s'",
                                              network_modes[i].name, value);
                if (colon && !streq(colon + 1, HOST_LOOPBACK_OPTION))
                        return profile_reason(reason, -EINVAL, "unknown option '%s' of %s (%s)", colon + 1,
                                              network_modes[i].name, HOST_LOOPBACK_OPTION);
                c->network = network_modes[i].mode;
                c->network_host_loopback = colon != NULL;
                return 0;
        }
        return profile_reason(reason, -EINVAL, "not a network mode (%s): '%s'", NETWORK_MODES_TEXT, value);
}

const char *profile_network_text(const struct config *c, char *buf, size_t size) {
        const char *name = profile_network_mode_name((int) c->network);

        snprintf(buf, size, "%s%s", name ? name : "", c->network_host_loopback ? ":" HOST_LOOPBACK_OPTION : "");
        return buf;
}

/* "PORT" or "FIRST-LAST": the first port and how many. */
static int parse_port_range(const char *s, uint16_t *ret_first, uint16_t *ret_count) {
        const char *dash = strchr(s, '-');
        _cleanup_free_ char *first = dash ? strndup(s, (size_t) (dash - s)) : strdup(s);
        uint32_t a, b;

        if (!first)
                return -ENOMEM;
        if (!isdigit((unsigned char) first[0]) || parse_uint32(first, &a) < 0 || a < 1 || a > 65535)
                return -EINVAL;
        b = a;
        if (dash && (!isdigit((unsigned char) dash[1]) || parse_uint32(dash + 1, &b) < 0 || b < a || b > 65535))
                return -EINVAL;
        *ret_first = (uint16_t) a;
        *ret_count = (uint16_t) (b - a + 1);
        return 0;
}

int profile_parse_publish(const char *spec, struct publish_entry *ret, char **reason) {
        static const char form[] = "[IP:]HOST:CONTAINER[/tcp|/udp]";
        _cleanup_free_ char *copy = strdup(spec);
        struct publish_entry e = { 0 };
        char *fields[3], *slash, *p;
        uint16_t host_count, container_count;
        size_t n = 0;
        struct in_addr address;
        int r;

        if (!copy)
                return OOM(reason);
        if (spec[0] == '[')
                return profile_reason(reason, -EINVAL, "an IPv6 address is not supported: '%s' (publish on an "
                                      "IPv4 address, or on every address with HOST:CONTAINER)", spec);
        slash = strchr(copy, '/');
        if (slash) {
                *slash++ = '\0';
                if (!streq(slash, "tcp") && !streq(slash, "udp"))
                        return profile_reason(reason, -EINVAL, "not a protocol (tcp, udp): '%s' in '%s'", slash, spec);
                e.udp = streq(slash, "udp");
        }
        for (p = copy; n < ELEMENTSOF(fields); n++) {
                fields[n] = p;
                p = strchr(p, ':');
                if (!p)
                        break;
                *p++ = '\0';
        }
        if (p || n < 1)
                return profile_reason(reason, -EINVAL, "not %s: '%s'", form, spec);
        if (n == 2) {
                if (inet_pton(AF_INET, fields[0], &address) != 1)
                        return profile_reason(reason, -EINVAL, "not an IPv4 address: '%s' in '%s'", fields[0], spec);
                e.host_address = strdup(fields[0]);
                if (!e.host_address)
                        return OOM(reason);
        }
        r = parse_port_range(fields[n - 1], &e.host_port, &host_count);
        if (r >= 0)
                r = parse_port_range(fields[n], &e.container_port, &container_count);
        if (r == -ENOMEM) {
                profile_publish_entry_done(&e);
                return OOM(reason);
        }
        if (r < 0 || host_count != container_count) {
                profile_publish_entry_done(&e);
                if (r < 0)
                        return profile_reason(reason, -EINVAL, "not %s, each port 1 to 65535 or a range "
                                              "FIRST-LAST: '%s'", form, spec);
                return profile_reason(reason, -EINVAL, "the ranges differ in length (%u host ports, %u in the "
                                      "container): '%s'", host_count, container_count, spec);
        }
        e.count = host_count;
        *ret = e;
        return 0;
}

static int port_range_text(char *buf, size_t size, uint16_t first, uint16_t count) {
        if (count > 1)
                return snprintf(buf, size, "%u-%u", first, first + count - 1);
        return snprintf(buf, size, "%u", first);
}

const char *profile_publish_text(const struct publish_entry *e, char *buf, size_t size) {
        char host[16], container[16];

        port_range_text(host, sizeof(host), e->host_port, e->count);
        port_range_text(container, sizeof(container), e->container_port, e->count);
        snprintf(buf, size, "%s%s%s:%s/%s", e->host_address ? e->host_address : "", e->host_address ? ":" : "",
                 host, container, e->udp ? "udp" : "tcp");
        return buf;
}

static bool publish_equal(const struct publish_entry *a, const struct publish_entry *b) {
        return streq_ptr(a->host_address, b->host_address) && a->host_port == b->host_port &&
               a->container_port == b->container_port && a->count == b->count && a->udp == b->udp;
}

int profile_add_publish(struct config *c, const struct profile_key *k _unused_, const char *key _unused_,
                        const char *value, const struct origin *o, char **reason) {
        struct publish_entry e, *nl;
        int r = profile_parse_publish(value, &e, reason);

        if (r < 0)
                return r;
        /* A printed profile loaded with the one it came from names each
         * port twice: one publication, where it came first. Two different
         * ones of the same host port are refused before the run (net.c). */
        for (size_t i = 0; i < c->n_publish; i++)
                if (publish_equal(&c->publish[i], &e)) {
                        profile_publish_entry_done(&e);
                        return 0;
                }
        nl = array_reserve_one(c->publish, c->n_publish, &c->n_publish_allocated, sizeof(*nl));
        if (!nl) {
                profile_publish_entry_done(&e);
                return OOM(reason);
        }
        e.origin = *o;
        nl[c->n_publish++] = e;
        c->publish = nl;
        return 0;
}
