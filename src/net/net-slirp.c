/* SPDX-License-Identifier: Apache-2.0 */
/* slirp4netns takes ports through its API socket (--api-socket), once it
 * is ready: one JSON request per connection, {"execute":"add_hostfwd",...},
 * answered {"return":...} or {"error":{"desc":"..."}}. pasta takes them
 * on its command line (net.c). */
#include <sys/socket.h>
#include <sys/un.h>

#include "net-internal.h"
#include "util.h"

/* Each answer is one short line. */
#define SLIRP_ANSWER_MAX 4096

/* Sends request, reads the answer to its end into answer. */
static int slirp_request(const char *api_socket, const char *request, char *answer, size_t size) {
        struct sockaddr_un a = { .sun_family = AF_UNIX };
        struct timeval timeout = { .tv_sec = 10 };
        _cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        size_t got = 0;

        if (fd < 0)
                return -errno;
        if (strlen(api_socket) >= sizeof(a.sun_path))
                return -ENAMETOOLONG;
        strcpy(a.sun_path, api_socket);
        if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout)) < 0 ||
            connect(fd, (struct sockaddr *) &a, sizeof(a)) < 0)
                return -errno;
        if (send(fd, request, strlen(request), MSG_NOSIGNAL) != (ssize_t) strlen(request) || shutdown(fd, SHUT_WR) < 0)
                return -errno;
        while (got < size - 1) {
                ssize_t n = recv(fd, answer + got, size - 1 - got, 0);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        break;
                got += (size_t) n;
        }
        answer[got] = '\0';
        return 0;
}

/* The "desc" of an error answer, in place; the whole answer if it has none. */
static const char *answer_error(char *answer) {
        char *desc = strstr(answer, "\"desc\":\"");
        char *end;

        if (!desc)
                return answer;
        desc += strlen("\"desc\":\"");
        end = strchr(desc, '"');
        if (end)
                *end = '\0';
        return desc;
}

static int publish_port(const char *api_socket, const struct publish_entry *e, unsigned k) {
        char request[256], answer[SLIRP_ANSWER_MAX], where[NET_PUBLISH_ORIGIN_MAX];
        const char *address = e->host_address ?: "0.0.0.0";
        unsigned host_port = e->host_port + k;
        _cleanup_free_ char *shown = NULL;
        int r;

        /* The address was checked to be IPv4 (profile-network.c). */
        snprintf(request, sizeof(request),
                 "{\"execute\":\"add_hostfwd\",\"arguments\":{\"proto\":\"%s\",\"host_addr\":\"%s\","
                 "\"host_port\":%u,\"guest_port\":%u}}",
                 e->udp ? "udp" : "tcp", address, host_port, e->container_port + k);
        r = slirp_request(api_socket, request, answer, sizeof(answer));
        net_publish_origin(e, where, sizeof(where));
        if (r < 0)
                return log_errno(r, "%s: asking slirp4netns through '%s'", where, api_socket);
        if (strstr(answer, "\"return\""))
                return 0;
        shown = string_escape_cc(answer_error(answer));
        return log_error("%s: slirp4netns cannot publish host port %u/%s on %s: %s", where, host_port,
                         e->udp ? "udp" : "tcp", address, shown ?: "?");
}

int net_slirp_publish(const char *api_socket, const struct config *c) {
        for (size_t i = 0; i < c->n_publish; i++)
                for (unsigned k = 0; k < c->publish[i].count; k++) {
                        int r = publish_port(api_socket, &c->publish[i], k);
                        if (r < 0)
                                return r;
                }
        return 0;
}
