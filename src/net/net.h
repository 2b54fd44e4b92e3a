/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* net/: a network of the container's own, connected by a helper program
 * (--net slirp4netns, --net pasta; design §12): the plan made before
 * clone, the helper's life (started on the container's namespaces, ready
 * before the command runs, ended with the container), the ports it
 * publishes on the host, and the /etc/resolv.conf and /etc/hosts the
 * container reads. --net host and none need nothing of this. */

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "profile.h"

struct rootfs_plan;

/* Whether c's network is connected by a helper (slirp4netns, pasta). */
bool net_has_helper(const struct config *c);

/* What the checks before clone learnt (net.c). */
struct net_plan;

/* Before clone, for run and config alike: the helper found on PATH,
 * /dev/net/tun usable, the published ports sound, the container's
 * /etc/resolv.conf and /etc/hosts added to the root's plan. *ret stays
 * NULL when c's network needs no helper (and publishes nothing). Prints
 * the first error, with where the setting came from. */
int net_prepare(const struct config *c, struct rootfs_plan *rootfs, struct net_plan **ret);
void net_plan_free(struct net_plan *p);
/* run only, before clone: every host port to publish can be bound now
 * (a port taken is refused before anything starts, naming it). */
int net_check_ports(const struct config *c);
/* `userbox config`: "# network:" lines, the helper's command line among
 * them, and "# publish:" ones. */
void net_print_plan(const struct config *c, const struct net_plan *p, FILE *f);

/* The running helper, the launcher's (net-helper.c). */
struct net_helper;

/* sync step 2, once the id map is written: starts the helper on the
 * namespaces of pid (which must still be dumpable: they are opened
 * here) in a process group of its own, with the launcher's signal mask
 * before clone (mask) and SIGKILL as its parent-death signal. Prints
 * errors. */
int net_helper_start(const struct net_plan *p, const struct config *c, pid_t pid, const sigset_t *mask,
                     struct net_helper **ret);
/* Before sync step 5: waits until the helper reports the network
 * configured, then publishes the ports it was not given on its command
 * line. Prints errors (with the helper's own last words). */
int net_helper_wait_ready(struct net_helper *h, const struct config *c);
/* With the container: the helper killed and reaped, what it left
 * removed. NULL is fine. */
void net_helper_stop(struct net_helper *h);
