/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* What only the files of oci/ share.
 *
 * config.json is read in three parts, each into the one struct config
 * the launch pipeline runs (profile.h) and, for what no profile can say,
 * into struct oci_spec, which c->oci points at:
 *   oci-spec.c     the document, ociVersion, root, process, hostname,
 *                  annotations, hooks; calls the two below
 *   oci-linux.c    mounts, process.capabilities and linux.* (namespaces,
 *                  id mappings, maskedPaths, readonlyPaths, sysctl,
 *                  rootfsPropagation, resources, devices)
 *   oci-seccomp.c  linux.seccomp, compiled with libseccomp
 * A parser fails with -errno and *reason, a malloc'd sentence that starts
 * with the field's path in the document ("linux.seccomp.syscalls[2].action:
 * unknown action 'X'"); the caller prefixes BUNDLE/config.json. Fields the
 * spec does not know are ignored, as it requires; a field userbox cannot
 * honour is refused, naming it. */

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <sys/types.h>

#include "profile.h"

struct seccomp_filter;
struct oci_process;     /* oci-spec.c's: what process says beyond struct config */
struct oci_linux;       /* oci-linux.c's: what mounts and linux say beyond it */
struct oci_hooks;       /* oci-spec.c's: hooks, run by the lifecycle */

struct oci_spec {
        char *bundle;                   /* absolute, as given to create --bundle */
        char *oci_version;
        json_object *document;          /* the whole of config.json, parsed */
        struct oci_process *process;
        struct oci_linux *linux_spec;
        struct oci_hooks *hooks;
};

/* Reads BUNDLE/config.json into c (config_init()ed by the caller) and s.
 * Prints "userbox-oci: BUNDLE/config.json: FIELD: reason" on error. The
 * caller runs config_finalize(c) after. */
int oci_spec_load(const char *bundle, struct config *c, struct oci_spec *s);
/* The same from memory, printing nothing (the fuzz target's entry). */
int oci_spec_parse(const char *text, size_t size, const char *bundle, struct config *c,
                   struct oci_spec *s, char **reason);
void oci_spec_done(struct oci_spec *s);

/* oci-linux.c: mounts, process.capabilities and linux.* of document. */
int oci_linux_parse(json_object *document, struct config *c, struct oci_spec *s, char **reason);
void oci_linux_free(struct oci_linux *l);
/* process.capabilities of process (absent: nothing changes) into l's
 * five sets and c's capability set: exec --process reads its file's. */
int oci_capabilities_parse(json_object *process, struct config *c, struct oci_linux *l, char **reason);

/* oci-seccomp.c: linux.seccomp (an object) compiled for every
 * architecture it names (the native one when it names none). */
int oci_seccomp_parse(json_object *seccomp, struct seccomp_filter **ret, char **reason);
/* The features document's linux.seccomp: what oci_seccomp_parse takes. */
int oci_seccomp_features(json_object **ret);

/* oci-features.c: what `features` prints (the runtime-spec's features
 * document: ociVersionMin/Max, hooks, mountOptions, linux.namespaces,
 * capabilities, seccomp actions/operators/archs...), and the config.json
 * `spec` writes into a bundle (rootless: a user namespace with the
 * caller's id mapped to 0, no cgroup settings). */
int oci_features_print(FILE *f);
int oci_spec_template(bool rootless, json_object **ret);
