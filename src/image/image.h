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
