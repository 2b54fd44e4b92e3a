/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* What only the files of net/ share: net.c (the plan), net-helper.c (the
 * helper's life), net-slirp.c (slirp4netns's API socket). */

#include <stdbool.h>

#include "net.h"

/* The helper's own fds, at fixed numbers in its process: its command
 * line names them (HELPER_FD_TEXT). Everything else it inherits is
 * close-on-exec. */
#define HELPER_FD_USERNS 3      /* /proc/PID/ns/user of the container */
#define HELPER_FD_NETNS 4       /* /proc/PID/ns/net */
#define HELPER_FD_READY 5       /* a pipe: written once the network is up */
#define HELPER_FD_EXIT 6        /* a pipe: end of file when the launcher is gone */
#define HELPER_FD_TEXT_(n) #n
#define HELPER_FD_TEXT(n) HELPER_FD_TEXT_(n)

/* One row per helper (net.c): what differs between slirp4netns and
 * pasta. */
struct net_helper_kind {
        int mode;               /* enum net_mode */
        const char *program;    /* looked for on PATH */
        const char *package;    /* Debian's package that has it */
        const char *dns;        /* the resolver's address inside */
        const char *address;    /* the container's IPv4 address; NULL: the host's (copied) */
        const char *gateway;    /* the gateway inside; NULL: the host's */
        /* Its command line (argv[0] the program's path). api_socket: where
         * ports are published after ready, NULL for none. */
        int (*command_line)(const struct net_plan *p, const struct config *c, const char *api_socket,
                            char ***ret);
        /* Ports go through an API socket once it is ready (slirp4netns),
         * rather than on its command line (pasta). */
        bool publish_by_api;
};

struct net_plan {
        const struct net_helper_kind *kind;
        char *program;          /* the helper's path */
        char *address;          /* the container's IPv4 address */
        char *gateway;          /* the gateway's, which reaches the host's loopback when allowed */
};

/* "--publish 8080:80/tcp" or "FILE:LINE: [Network] Publish=8080:80/tcp",
 * for messages: CONFIG_ORIGIN_NAME_MAX + PROFILE_PUBLISH_TEXT_MAX. */
#define NET_PUBLISH_ORIGIN_MAX (CONFIG_ORIGIN_NAME_MAX + PROFILE_PUBLISH_TEXT_MAX)
const char *net_publish_origin(const struct publish_entry *e, char *buf, size_t size);

/* slirp4netns's API socket (net-slirp.c): one add_hostfwd request per port
 * of each publication. Prints errors naming the publication. */
int net_slirp_publish(const char *api_socket, const struct config *c);
