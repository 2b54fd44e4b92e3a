/* SPDX-License-Identifier: Apache-2.0 */
/* Words a docker or podman user types that userbox does not take, each
 * with what userbox offers instead, or that it does not yet: the user
 * learns the spelling from the error instead of from the manual. Only
 * words userbox refuses anyway get a hint, so none changes what a valid
 * command line does. */
#include <ctype.h>

#include "cli-internal.h"
#include "util.h"

#define HINT_PUBLISH_ALL "name each port: --publish HOST:CONTAINER (with --net slirp4netns or pasta); " \
                         "--net host, the default, shares the host's ports"

static const struct {
        const char *option;
        const char *hint;
} docker_options[] = {
        { "--volume", "bind a directory with -b/--bind SRC:DST[:ro] (-v is --verbose)" },
        { "--mount", "use -b/--bind SRC:DST, --ro-bind SRC:DST or --tmpfs DST" },
        { "--publish-all", HINT_PUBLISH_ALL },
        { "-P", HINT_PUBLISH_ALL },
        { "--rm", "not needed: userbox keeps nothing of a container once it exits (the root directory "
                  "is changed in place unless --overlay or --read-only is given); a detached one (-d) "
                  "is kept until 'userbox rm NAME'" },
        { "--network", "use --net MODE (host, none, slirp4netns, pasta)" },
        { "--init", "an init is the default (--no-init runs the command as PID 1)" },
        { "--ulimit", "use --limit NAME=VALUE (NOFILE=1024, NPROC=64:128, ...)" },
};

const char *cli_docker_hint(const char *option) {
        for (size_t i = 0; i < ELEMENTSOF(docker_options); i++)
                if (streq(option, docker_options[i].option))
                        return docker_options[i].hint;
        return NULL;
}

bool cli_looks_like_ports(const char *value) {
        const char *slash = strchr(value, '/');
        size_t n = slash ? (size_t) (slash - value) : strlen(value);
        bool digit = false, colon = false, bracket = false;

        if (slash && !streq(slash, "/tcp") && !streq(slash, "/udp") && !streq(slash, "/sctp"))
                return false;
        for (size_t i = 0; i < n; i++) {
                unsigned char ch = (unsigned char) value[i];
                /* Ports, port ranges, IPv4 addresses and [IPv6] ones. */
                if (ch == '[' || ch == ']')
                        bracket = ch == '[';
                else if (!isdigit(ch) && ch != '.' && ch != ':' && ch != '-' && !(bracket && isxdigit(ch)))
                        return false;
                digit = digit || isdigit(ch);
                colon = colon || (ch == ':' && !bracket);
        }
        return digit && (colon || slash);
}

bool cli_looks_like_volume(const char *value) {
        const char *colon = strchr(value, ':');
        return colon && colon != value && colon[1] == '/';
}
