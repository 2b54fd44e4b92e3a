#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""mkimage.py: writes container images for the image tests, offline.

    mkimage.py [options] SPEC OUT

SPEC is a JSON file ("-": standard input) or "preset:NAME" (the images of
mkimage_presets.py; --list lists them). OUT is the file or directory written, in --format:

  docker-archive      `docker save` before Docker 25: <id>/layer.tar,
                      <id>/json, <id>/VERSION, <config-hex>.json,
                      manifest.json, repositories
  docker-archive-new  `docker save` of Docker 25 and later: blobs/sha256/,
                      index.json, oci-layout, manifest.json, repositories
  oci-layout          an OCI image layout directory
  oci-archive         the same as a tar (as `skopeo copy ... oci-archive:`)
  rootfs-tar          a plain root-filesystem tar: every layer's entries in
                      one tar, whiteouts and all (`docker export`, or a tarball
                      of a root); compressed as --compress says

Options:
  --compress none|gzip|xz   the layers (default: none; docker formats always
                            none, as docker writes them)
  --tag REF                 the reference the image carries (overrides the
                            spec's "tag"; "" for none)
  --corrupt layer:N|config  change one byte of that blob after its digest was
                            taken (the archive stays a valid tar)
  --sentinel DIR            the host directory the escape presets aim at
  --busybox PATH            a static busybox (default: /bin/busybox)
  --prefix ./               prefix every entry name of a rootfs-tar
  --last-id N               the last image id the user's map holds (default
                            66536: 65536 + 1000 subordinate ids); the presets
                            three-layer and bad-uid use it and N + 1

Prints a JSON summary: the digests as the image names them ("labels": what
userbox names each layer by, "layer N (sha256:<12 hex>)"), the diff_ids, the
config and manifest digests, and, for a preset that must be refused,
"refused": {"layer": N, "entry": NAME}.

The spec:
  {"tag": "busybox:1", "created": "2024-01-02T03:04:05Z",
   "config": {"Entrypoint": [...], "Cmd": [...], "Env": [...],
              "WorkingDir": "/", "User": "1000:1000"},
   "layers": [[ENTRY, ...], ...]}           (bottom layer first)
ENTRY: {"type": T, "path": P, ...} written in the given order, names verbatim:
  dir, file ("content" text, or "size" bytes of random data), symlink and
  hardlink ("target"), fifo, chardev and blockdev ("major", "minor"),
  whiteout (writes dirname(P)/.wh.basename(P)), opaque (writes P/.wh..wh..opq),
  busybox (a root: /bin/busybox with its applets as symbolic links, /etc/passwd
  and /etc/group with root, user 1000 and nobody 65534), many ("count" files
  of "size" bytes under the directory P);
  every entry: "mode" (octal string), "uid", "gid", "uname", "gname", "mtime",
  "pax" (extra pax records, {"KEY": "VALUE"}); a hardlink with "content"
  carries that data, as pax allows.
Python 3 standard library only.
"""

import argparse
import gzip
import hashlib
import io
import json
import lzma
import os
import platform
import random
import shutil
import subprocess
import sys
import tarfile
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from mkimage_presets import PRESETS  # noqa: E402

DEFAULT_MTIME = 1700000000
CREATED = "2024-01-02T03:04:05Z"
CHUNK = 1 << 20

MEDIA_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MEDIA_INDEX = "application/vnd.oci.image.index.v1+json"
MEDIA_CONFIG = "application/vnd.oci.image.config.v1+json"
MEDIA_LAYER = {
    "none": "application/vnd.oci.image.layer.v1.tar",
    "gzip": "application/vnd.oci.image.layer.v1.tar+gzip",
}
OCI_LAYOUT = b'{"imageLayoutVersion":"1.0.0"}'


def die(msg):
    print("mkimage.py: " + msg, file=sys.stderr)
    sys.exit(2)


# ----------------------------------------------------------------- entries

class RandomReader:
    """size bytes of random data, produced as they are read."""

    def __init__(self, size, seed):
        self.left = size
        self.rng = random.Random(seed)

    def read(self, n=-1):
        if n < 0 or n > self.left:
            n = self.left
        n = min(n, CHUNK)
        self.left -= n
        return self.rng.randbytes(n)


TYPES = {
    "dir": tarfile.DIRTYPE, "file": tarfile.REGTYPE, "symlink": tarfile.SYMTYPE,
    "hardlink": tarfile.LNKTYPE, "fifo": tarfile.FIFOTYPE,
    "chardev": tarfile.CHRTYPE, "blockdev": tarfile.BLKTYPE,
}
DEFAULT_MODE = {"dir": 0o755, "symlink": 0o777, "hardlink": 0o644, "fifo": 0o644,
                "chardev": 0o666, "blockdev": 0o660}


def tar_entry(e, path=None):
    """(TarInfo, fileobj or None) for one plain entry of the spec."""
    kind = e["type"]
    info = tarfile.TarInfo(e["path"] if path is None else path)
    info.type = TYPES[kind]
    mode = e.get("mode")
    info.mode = int(mode, 8) if isinstance(mode, str) else (mode if mode is not None else DEFAULT_MODE.get(kind, 0o644))
    info.uid = e.get("uid", 0)
    info.gid = e.get("gid", 0)
    info.uname = e.get("uname", "")
    info.gname = e.get("gname", "")
    info.mtime = e.get("mtime", DEFAULT_MTIME)
    data = None
    info.pax_headers = dict(e.get("pax", {}))
    if kind in ("symlink", "hardlink"):
        info.linkname = e["target"]
    if kind == "hardlink" and "content" in e:
        # pax lets a hard link carry data (libarchive then writes it to the
        # linked file): a pax record makes the archive pax for the reader.
        raw = e["content"].encode()
        info.size = len(raw)
        data = io.BytesIO(raw)
        info.pax_headers.setdefault("comment", "a hard link with data")
    elif kind in ("chardev", "blockdev"):
        info.devmajor = e.get("major", 1)
        info.devminor = e.get("minor", 3)
    elif kind == "file":
        if "content" in e:
            raw = e["content"].encode()
            info.size = len(raw)
            data = io.BytesIO(raw)
        else:
            info.size = e.get("size", 0)
            data = RandomReader(info.size, e["path"])
    return info, data


def passwd_entries():
    passwd = ("root:x:0:0:root:/root:/bin/sh\n"
              "user:x:1000:1000:user:/home/user:/bin/sh\n"
              "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n")
    group = "root:x:0:\nuser:x:1000:\nnogroup:x:65534:\n"
    return [{"type": "file", "path": "etc/passwd", "content": passwd},
            {"type": "file", "path": "etc/group", "content": group}]


def busybox_entries(busybox):
    """A minimal root around a static busybox, as lib.sh's make_root."""
    if not busybox or not os.access(busybox, os.X_OK):
        die("no busybox at %r (give --busybox PATH)" % busybox)
    out = []
    for d in ("bin", "sbin", "usr", "usr/bin", "usr/sbin", "etc", "proc", "dev", "sys",
              "root", "home", "run", "var", "mnt"):
        out.append({"type": "dir", "path": d, "mode": "0700" if d == "root" else "0755"})
    out += [{"type": "dir", "path": "tmp", "mode": "1777"},
            {"type": "dir", "path": "var/tmp", "mode": "1777"},
            {"type": "dir", "path": "home/user", "uid": 1000, "gid": 1000}]
    out.append({"type": "file", "path": "bin/busybox", "mode": "0755", "host": busybox})
    applets = subprocess.run([busybox, "--list"], check=True, capture_output=True, text=True).stdout.split()
    for applet in applets:
        if applet != "busybox":
            out.append({"type": "symlink", "path": "bin/" + applet, "target": "busybox"})
    return out + passwd_entries()


def expand(e, opts):
    """The plain entries (dir, file, ...) that one spec entry stands for."""
    kind = e["type"]
    if kind == "busybox":
        return busybox_entries(opts.busybox)
    if kind == "whiteout":
        head, _, tail = e["path"].rstrip("/").rpartition("/")
        return [dict(e, type="file", path=(head + "/" if head else "") + ".wh." + tail, content="")]
    if kind == "opaque":
        return [dict(e, type="file", path=e["path"].rstrip("/") + "/.wh..wh..opq", content="")]
    if kind == "many":
        base = e["path"].rstrip("/")
        size = e.get("size", 4096)
        files = ({"type": "file", "path": "%s/%06d" % (base, i), "size": size} for i in range(e["count"]))
        return [{"type": "dir", "path": base}, *files]
    if kind not in TYPES:
        die("unknown entry type %r" % kind)
    return [e]


def write_tar(tar, entries, opts, prefix=""):
    for spec_entry in entries:
        for e in expand(spec_entry, opts):
            info, data = tar_entry(e, prefix + e["path"])
            if "host" in e:
                with open(e["host"], "rb") as f:
                    info.size = os.fstat(f.fileno()).st_size
                    tar.addfile(info, f)
            else:
                tar.addfile(info, data)


# ------------------------------------------------------------------- blobs

def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            h.update(chunk)
    return "sha256:" + h.hexdigest()


def compress_file(src, dst, how):
    opener = {"gzip": lambda f: gzip.GzipFile(fileobj=f, mode="wb", mtime=0, compresslevel=1),
              "xz": lambda f: lzma.LZMAFile(f, "wb", preset=0)}[how]
    with open(src, "rb") as fin, open(dst, "wb") as raw, opener(raw) as fout:
        shutil.copyfileobj(fin, fout, CHUNK)


def flip_a_content_byte(tar_path):
    """Changes one byte of the first non-empty file's data: the tar stays
    valid, only its digest tells."""
    with tarfile.open(tar_path) as t:
        offset = next((m.offset_data for m in t if m.isreg() and m.size > 0), None)
    if offset is None:
        die("--corrupt: that layer has no file with content")
    with open(tar_path, "r+b") as f:
        f.seek(offset)
        b = f.read(1)
        f.seek(offset)
        f.write(bytes([b[0] ^ 0x20]))


class Blobs:
    """Blobs named by digest in DIR/blobs/sha256/, written once."""

    def __init__(self, root):
        self.dir = os.path.join(root, "blobs", "sha256")
        os.makedirs(self.dir, exist_ok=True)

    def add_bytes(self, data):
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        with open(self.path(digest), "wb") as f:
            f.write(data)
        return {"digest": digest, "size": len(data)}

    def add_file(self, path):
        digest = sha256_file(path)
        size = os.path.getsize(path)
        os.replace(path, self.path(digest))
        return {"digest": digest, "size": size}

    def path(self, digest):
        return os.path.join(self.dir, digest.split(":", 1)[1])


def json_bytes(obj):
    return json.dumps(obj, separators=(",", ":")).encode()


def oci_arch():
    machine = platform.machine()
    return {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "arm", "i686": "386",
            "ppc64le": "ppc64le", "s390x": "s390x", "riscv64": "riscv64"}.get(machine, machine)


def build_layers(spec, opts, blobs, work, compress):
    """Writes each layer (tar, then compressed) as a blob. Returns
    [(descriptor, diff_id, uncompressed tar path or None)]."""
    out = []
    for n, entries in enumerate(spec["layers"], 1):
        tar_path = os.path.join(work, "layer%d.tar" % n)
        with tarfile.open(tar_path, "w", format=tarfile.PAX_FORMAT) as tar:
            write_tar(tar, entries, opts)
        diff_id = sha256_file(tar_path)
        blob_path = tar_path
        if compress != "none":
            blob_path = tar_path + "." + compress
            compress_file(tar_path, blob_path, compress)
        desc = blobs.add_file(blob_path)
        desc["mediaType"] = MEDIA_LAYER[compress]
        if opts.corrupt == "layer:%d" % n:
            if compress == "none":
                flip_a_content_byte(blobs.path(desc["digest"]))
            else:
                flip_a_content_byte(tar_path)
                compress_file(tar_path, blobs.path(desc["digest"]), compress)
        out.append((desc, diff_id))
    return out


def image_config(spec, diff_ids):
    conf = {k: v for k, v in spec.get("config", {}).items() if v is not None}
    return {
        "created": spec.get("created", CREATED),
        "architecture": oci_arch(), "os": "linux",
        "config": conf,
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": [{"created": spec.get("created", CREATED), "created_by": "mkimage.py layer %d" % (i + 1)}
                    for i in range(len(diff_ids))],
    }


def write_config(blobs, spec, opts, diff_ids):
    desc = blobs.add_bytes(json_bytes(image_config(spec, diff_ids)))
    desc["mediaType"] = MEDIA_CONFIG
    if opts.corrupt == "config":
        path = blobs.path(desc["digest"])
        with open(path, "r+b") as f:
            data = f.read()
            f.seek(0)
            # "created": "2024..." -> "2025...": still JSON, another digest.
            f.write(data.replace(b'"2024', b'"2025', 1))
    return desc


# ------------------------------------------------------------------ formats

def split_ref(tag):
    """'docker.io/library/debian:12' -> ('docker.io/library/debian', '12')."""
    if not tag:
        return None, None
    head, sep, tail = tag.rpartition(":")
    if sep and "/" not in tail:
        return head, tail
    return tag, "latest"


def write_oci(spec, opts, root, compress):
    """An OCI layout in root; returns the summary."""
    os.makedirs(root, exist_ok=True)
    blobs = Blobs(root)
    with tempfile.TemporaryDirectory(dir=root, prefix=".mkimage-") as work:
        layers = build_layers(spec, opts, blobs, work, compress)
    diff_ids = [d for _, d in layers]
    config = write_config(blobs, spec, opts, diff_ids)
    manifest = {"schemaVersion": 2, "mediaType": MEDIA_MANIFEST, "config": config,
                "layers": [desc for desc, _ in layers]}
    mdesc = blobs.add_bytes(json_bytes(manifest))
    mdesc["mediaType"] = MEDIA_MANIFEST
    tag = spec.get("tag")
    if tag:
        mdesc["annotations"] = {"org.opencontainers.image.ref.name": tag}
    index = {"schemaVersion": 2, "mediaType": MEDIA_INDEX, "manifests": [mdesc]}
    with open(os.path.join(root, "index.json"), "wb") as f:
        f.write(json_bytes(index))
    with open(os.path.join(root, "oci-layout"), "wb") as f:
        f.write(OCI_LAYOUT)
    return summary(layers, [desc["digest"] for desc, _ in layers], config, mdesc["digest"])


def summary(layers, label_digests, config, manifest):
    return {"labels": ["layer %d (%s)" % (i + 1, d[:7 + 12]) for i, d in enumerate(label_digests)],
            "layers": [desc["digest"] for desc, _ in layers],
            "diff_ids": [d for _, d in layers],
            "config": config["digest"], "manifest": manifest}


def archive_dir(src, out, names):
    """A tar of the files under src, in the order of names (directories
    given as "dir/"), as image archives are written: root-owned, mode 0644."""
    with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as tar:
        for name in names:
            path = os.path.join(src, name)
            info = tarfile.TarInfo(name.rstrip("/"))
            info.mtime = 0
            if name.endswith("/"):
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                tar.addfile(info)
                continue
            info.mode = 0o644
            info.size = os.path.getsize(path)
            with open(path, "rb") as f:
                tar.addfile(info, f)


def blob_names(root):
    names = ["blobs/", "blobs/sha256/"]
    names += ["blobs/sha256/" + h for h in sorted(os.listdir(os.path.join(root, "blobs", "sha256")))]
    return names


def write_oci_archive(spec, opts, out, compress):
    with tempfile.TemporaryDirectory(dir=os.path.dirname(os.path.abspath(out)), prefix=".mkimage-") as d:
        result = write_oci(spec, opts, d, compress)
        # skopeo's order: the blobs, then index.json and oci-layout.
        archive_dir(d, out, blob_names(d) + ["index.json", "oci-layout"])
    return result


def docker_manifest(spec, config_name, layer_names):
    tag = spec.get("tag")
    repo, version = split_ref(tag)
    return [{"Config": config_name, "RepoTags": ["%s:%s" % (repo, version)] if tag else None,
             "Layers": layer_names}]


def repositories(spec, top_id):
    repo, version = split_ref(spec.get("tag"))
    return {repo: {version: top_id}} if repo else {}


def write_docker_old(spec, opts, out):
    """Docker before 25: one directory per layer, named by its v1 id."""
    with tempfile.TemporaryDirectory(dir=os.path.dirname(os.path.abspath(out)), prefix=".mkimage-") as d:
        blobs = Blobs(d)
        layers = build_layers(spec, opts, blobs, d, "none")
        diff_ids = [diff for _, diff in layers]
        config = write_config(blobs, spec, opts, diff_ids)
        names, layer_names, parent = [], [], ""
        for desc, diff_id in layers:
            # A v1 id: any 64 hex digits unique per chain; docker hashes the chain.
            layer_id = hashlib.sha256((parent + diff_id).encode()).hexdigest()
            os.makedirs(os.path.join(d, layer_id))
            os.replace(blobs.path(desc["digest"]), os.path.join(d, layer_id, "layer.tar"))
            with open(os.path.join(d, layer_id, "VERSION"), "w") as f:
                f.write("1.0")
            v1 = {"id": layer_id, "created": spec.get("created", CREATED)}
            if parent:
                v1["parent"] = parent
            with open(os.path.join(d, layer_id, "json"), "wb") as f:
                f.write(json_bytes(v1))
            names += [layer_id + "/", layer_id + "/VERSION", layer_id + "/json", layer_id + "/layer.tar"]
            layer_names.append(layer_id + "/layer.tar")
            parent = layer_id
        config_name = config["digest"].split(":", 1)[1] + ".json"
        os.replace(blobs.path(config["digest"]), os.path.join(d, config_name))
        with open(os.path.join(d, "manifest.json"), "wb") as f:
            f.write(json_bytes(docker_manifest(spec, config_name, layer_names)))
        with open(os.path.join(d, "repositories"), "wb") as f:
            f.write(json_bytes(repositories(spec, parent)))
        archive_dir(d, out, names + [config_name, "manifest.json", "repositories"])
    return summary(layers, diff_ids, config, None)


def write_docker_new(spec, opts, out):
    """Docker 25 and later: an OCI layout (uncompressed layers) plus
    manifest.json and repositories."""
    with tempfile.TemporaryDirectory(dir=os.path.dirname(os.path.abspath(out)), prefix=".mkimage-") as d:
        repo, version = split_ref(spec.get("tag"))
        # index.json carries the bare tag, as docker writes it; the name is
        # in manifest.json's RepoTags and containerd's annotation.
        oci_spec = dict(spec, tag=version)
        result = write_oci(oci_spec, opts, d, "none")
        with open(os.path.join(d, "index.json")) as f:
            index = json.load(f)
        if repo:
            index["manifests"][0].setdefault("annotations", {})["io.containerd.image.name"] = "%s:%s" % (repo, version)
        with open(os.path.join(d, "index.json"), "wb") as f:
            f.write(json_bytes(index))
        blob = lambda digest: "blobs/sha256/" + digest.split(":", 1)[1]
        manifest = docker_manifest(spec, blob(result["config"]), [blob(x) for x in result["layers"]])
        with open(os.path.join(d, "manifest.json"), "wb") as f:
            f.write(json_bytes(manifest))
        with open(os.path.join(d, "repositories"), "wb") as f:
            f.write(json_bytes(repositories(spec, result["layers"][-1].split(":", 1)[1])))
        archive_dir(d, out, blob_names(d) + ["index.json", "manifest.json", "oci-layout", "repositories"])
    return result


def write_rootfs(spec, opts, out, compress):
    with tempfile.TemporaryDirectory(dir=os.path.dirname(os.path.abspath(out)), prefix=".mkimage-") as d:
        tar_path = os.path.join(d, "root.tar")
        with tarfile.open(tar_path, "w", format=tarfile.PAX_FORMAT) as tar:
            for entries in spec["layers"]:
                write_tar(tar, entries, opts, opts.prefix)
        if compress != "none":
            compress_file(tar_path, tar_path + ".z", compress)
            tar_path += ".z"
        os.replace(tar_path, out)
    return {"labels": [os.path.abspath(out)], "layers": [], "diff_ids": [], "config": None, "manifest": None}


FORMATS = {
    "docker-archive": lambda s, o, out: write_docker_old(s, o, out),
    "docker-archive-new": lambda s, o, out: write_docker_new(s, o, out),
    "oci-layout": lambda s, o, out: write_oci(s, o, out, o.compress),
    "oci-archive": lambda s, o, out: write_oci_archive(s, o, out, o.compress),
    "rootfs-tar": lambda s, o, out: write_rootfs(s, o, out, o.compress),
}


# --------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description="Writes container images for the image tests.")
    ap.add_argument("spec", nargs="?")
    ap.add_argument("out", nargs="?")
    ap.add_argument("--format", choices=sorted(FORMATS), default="oci-layout")
    ap.add_argument("--compress", choices=["none", "gzip", "xz"], default="none")
    ap.add_argument("--tag")
    ap.add_argument("--corrupt")
    ap.add_argument("--sentinel")
    ap.add_argument("--busybox", default=os.environ.get("BUSYBOX", "/bin/busybox"))
    ap.add_argument("--prefix", default="")
    ap.add_argument("--last-id", type=int, default=66536,
                    help="the last id of the user's map (1 + its subordinate ids - 1)")
    ap.add_argument("--list", action="store_true", help="list the presets")
    opts = ap.parse_args()
    if opts.list:
        for name, fn in PRESETS.items():
            print("%-26s %s" % (name, (fn.__doc__ or "").strip().split("\n")[0]))
        return
    if not opts.spec or not opts.out:
        ap.error("SPEC and OUT are needed")
    if opts.compress == "xz" and opts.format != "rootfs-tar":
        ap.error("xz layers: only for rootfs-tar (OCI has no xz media type)")
    if opts.spec.startswith("preset:"):
        name = opts.spec[len("preset:"):]
        if name not in PRESETS:
            ap.error("no preset %r (see --list)" % name)
        spec = PRESETS[name](opts)
    else:
        with (sys.stdin if opts.spec == "-" else open(opts.spec)) as f:
            spec = json.load(f)
    if opts.tag is not None:
        spec["tag"] = opts.tag or None
    result = FORMATS[opts.format](spec, opts, opts.out)
    result["format"] = opts.format
    result["tag"] = spec.get("tag")
    refused = spec.get("refused")
    if refused:
        result["refused"] = dict(refused, label=result["labels"][refused["layer"] - 1])
    json.dump(result, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
