/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* image/: reading an image (a docker or podman save archive, an OCI layout
 * or oci-archive, a plain root-filesystem tar) and applying its layers to a
 * directory (design §11). Built into userbox-image, the dynamic helper that
 * `userbox import` and `userbox pull` start inside the user namespace of the
 * user's id map; the static launcher links none of it.
 *
 * The contract between userbox and the helper (helpers/userbox-image.c):
 *
 *   userbox-image unpack [--ref REF] [--source-label TEXT] SOURCE DEST
 *
 * DEST is an empty directory userbox made in the store. The helper writes
 *   DEST/rootfs/       the root, every layer applied in order
 *   DEST/config.json   the image's config blob as it is in the image
 *                      (absent for a plain root-filesystem tar)
 *   DEST/image.json    what userbox lists and names the image by:
 *     { "format": "docker-archive" | "oci-layout" | "oci-archive" | "rootfs-tar",
 *       "source": TEXT or SOURCE made absolute,
 *       "digest": "sha256:..." (the manifest's; a plain tar's own),
 *       "tag": "debian:12" or null (the reference the image was saved as),
 *       "created": the config's "created" or null,
 *       "layers": N, "files": N, "bytes": N, "devices_skipped": N }
 * and prints nothing on success but one line per thing not kept
 * ("userbox: 3 device nodes skipped: a user namespace cannot make them").
 * On failure it prints one message naming the file (the layer and entry for
 * a refused entry) and exits 125; userbox then removes DEST. */

#define IMAGE_HELPER_NAME "userbox-image"

/* ---- userbox's side (image-store.c, image-profile.c; in libuserbox.a) ---- */

#include <stdbool.h>
#include <stdio.h>

struct image_request {
        const char *source;     /* import: a path; pull: a registry reference */
        const char *name;       /* --name; NULL: from the image's tag or the file's name */
        const char *ref;        /* import --ref: which image of several */
        int tls_verify;         /* pull --tls-verify: 0, 1, or -1 for skopeo's default */
};

/* `userbox import` and `userbox pull`: the image into the store under its
 * name, printed on standard output. Either the whole image is there, or
 * nothing of it: the helper unpacks into a locked .tmp-* directory of the
 * store, renamed to NAME at the end. Print why they fail. */
int image_import(const struct image_request *req);
int image_pull(const struct image_request *req);
/* `userbox images`: a table, or JSON. */
int image_list(FILE *f, bool json);
/* `userbox rmi NAME`: gone from the store, profile and root. */
int image_remove(const char *name);

/* The store, $XDG_DATA_HOME/userbox/images: *ret NULL when there is no
 * home directory (ENOMEM is the only error). */
int image_store_path(char **ret);

/* image-profile.c: the profile of image NAME, text for DEST/NAME.ini, from
 * the image's config (config_json: its text, NULL for a plain root tar) and
 * its image.json facts. Env values no profile line holds go to *ret_env,
 * the text of the file env_path (DEST/env) that the profile's File= names
 * (NULL: none). What cannot be kept at all is left out with a warning
 * each. */
int image_profile_text(const char *name, const char *root, const char *env_path, const char *config_json,
                       const char *source, const char *digest, char **ret, char **ret_env);
