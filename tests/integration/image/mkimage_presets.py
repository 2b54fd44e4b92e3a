# SPDX-License-Identifier: Apache-2.0
"""The images mkimage.py writes by name (preset:NAME): each a function of
the options returning a spec (see mkimage.py). An escape preset's spec
says which entry must be refused: "refused": {"layer": N, "entry": NAME,
"mark": a part of NAME any message about it shows (the start of a long
name, which a message may shorten)}."""

import os

BUSYBOX_CONFIG = {"Cmd": ["/bin/sh"], "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]}


def preset_busybox(opts):
    """A busybox root, as docker.io/library/busybox is."""
    marker = {"type": "file", "path": "etc/image-marker", "content": "busybox image\n"}
    return {"tag": "busybox:1", "config": BUSYBOX_CONFIG, "layers": [[{"type": "busybox"}, marker]]}


def preset_three_layer(opts):
    """Three layers: a whiteout of a file and of a directory, two opaque
    directories (the marker before and after the layer's own entries), a
    file replaced by a directory and back, a hard link to a lower layer's
    file, a path removed and re-added in one layer; owners 0, 1000 (named
    "daemon" in the tar: names must not be looked up), 65534, 66000 (in the
    second subordinate range of the test user) and --last-id (the last id
    of the map); modes, times, symbolic links, a FIFO and two device nodes."""
    f = lambda path, content, **kw: dict(type="file", path=path, content=content, **kw)
    d = lambda path, **kw: dict(type="dir", path=path, **kw)
    layer1 = [
        {"type": "busybox"},
        d("old"), f("old/gone", "gone\n"), f("old/kept", "kept\n"),
        d("gonedir"), d("gonedir/sub"), f("gonedir/sub/file", "deep\n"),
        d("opq1"), f("opq1/lower-a", "a\n"), d("opq1/sub"), f("opq1/sub/lower-deep", "deep\n"),
        d("opq2"), f("opq2/lower-b", "b\n"),
        f("swap", "v1\n"),
        d("data"), f("data/target", "hello\n", mode="0640", uid=1000, gid=1000),
        d("own"),
        f("own/root", "0\n"),
        f("own/user", "1000\n", uid=1000, gid=1000, uname="daemon", gname="daemon"),
        f("own/nobody", "65534\n", uid=65534, gid=65534),
        f("own/second", "66000\n", uid=min(66000, opts.last_id), gid=min(66000, opts.last_id)),
        f("own/mixed", "mixed\n", uid=1000, gid=65534),
        f("own/last", "last\n", uid=opts.last_id, gid=opts.last_id),
        d("own/userdir", uid=1000, gid=1000, mode="0750"),
        f("own/userdir/inner", "inner\n", uid=1000, gid=1000),
        d("modes"),
        f("modes/f640", "x\n", mode="0640"), f("modes/f755", "x\n", mode="0755"),
        f("modes/suid", "x\n", mode="4755"), f("modes/f600", "x\n", mode="0600"),
        d("modes/sgiddir", mode="2775"), d("modes/sticky", mode="1777"), d("modes/private", mode="0700"),
        d("times", mtime=1100000000), f("times/file", "t\n", mtime=1000000000),
        d("links"),
        {"type": "symlink", "path": "links/rel", "target": "../data/target"},
        {"type": "symlink", "path": "links/abs", "target": "/data/target"},
        {"type": "symlink", "path": "links/dangling", "target": "/nowhere"},
        {"type": "fifo", "path": "fifo", "mode": "0640"},
        {"type": "chardev", "path": "dev/null-node", "major": 1, "minor": 3},
        {"type": "blockdev", "path": "dev/loop-node", "major": 7, "minor": 0},
        d("readd"), f("readd/f", "old\n"),
    ]
    layer2 = [
        {"type": "whiteout", "path": "old/gone"},
        {"type": "whiteout", "path": "gonedir"},
        d("opq1"), {"type": "opaque", "path": "opq1"}, f("opq1/new-a", "new a\n"),
        d("opq2"), f("opq2/new-b", "new b\n"), {"type": "opaque", "path": "opq2"},
        d("swap"), f("swap/inner", "inner\n"),
        {"type": "hardlink", "path": "data/link", "target": "data/target"},
    ]
    layer3 = [
        f("swap", "v3\n"),
        {"type": "whiteout", "path": "readd/f"}, f("readd/f", "new\n"),
    ]
    return {"tag": "three:layers", "config": BUSYBOX_CONFIG, "layers": [layer1, layer2, layer3]}


ENTRY_SCRIPT = """#!/bin/sh
printf 'args:'; for a in "$@"; do printf '[%s]' "$a"; done; echo
echo "pwd:$(pwd)"
echo "id:$(id -u):$(id -g)"
echo "FOO:$FOO"
echo "QUOTED:$QUOTED"
echo "DOLLAR:$DOLLAR"
echo "PATH:$PATH"
echo "HOSTVAR:${USERBOX_IMAGE_TEST_HOSTVAR-unset}"
"""


def preset_config(opts):
    """Entrypoint, Cmd, Env, WorkingDir and User: the entry script prints
    what it was given."""
    layer = [{"type": "busybox"},
             {"type": "file", "path": "usr/bin/entry", "mode": "0755", "content": ENTRY_SCRIPT},
             {"type": "dir", "path": "work"},
             {"type": "dir", "path": "work/dir", "uid": 1000, "gid": 1000}]
    config = {"Entrypoint": ["/usr/bin/entry", "--from-entrypoint"],
              "Cmd": ["default", "two words", "it's"],
              "Env": ["PATH=/usr/bin:/bin", "FOO=bar  baz", 'QUOTED=say "hi"', "DOLLAR=${HOME}x"],
              "WorkingDir": "/work/dir", "User": "1000:1000"}
    return {"tag": "config:test", "config": config, "layers": [layer]}


def preset_cmd_only(opts):
    """Cmd and no Entrypoint: a `--` command replaces it whole."""
    spec = preset_config(opts)
    spec["config"] = dict(spec["config"], Entrypoint=None, Cmd=["/usr/bin/entry", "from-cmd"])
    spec["tag"] = "cmd:only"
    return spec


def preset_big(opts):
    """A busybox layer and a second one of 40,000 files: long enough to be
    interrupted. big/000100 appears early in the second layer."""
    return {"tag": "big:1", "config": BUSYBOX_CONFIG,
            "layers": [[{"type": "busybox"}], [{"type": "many", "path": "big", "count": 40000, "size": 2048}]]}


# The escape presets: lower content owned by image uid 1000 (subordinate
# ids: the user cannot remove it from the host, so a failed import must
# clean up inside the user namespace), then the entry that must be refused.
def debris():
    return [{"type": "dir", "path": "debris", "uid": 1000, "gid": 1000, "mode": "0700"},
            {"type": "file", "path": "debris/f", "uid": 1000, "gid": 1000, "content": "debris\n"},
            {"type": "dir", "path": "d1000", "uid": 1000, "gid": 1000},
            {"type": "file", "path": "d1000/x", "uid": 65534, "gid": 65534, "content": "x\n"}]


def escape(layers, layer, entry, mark):
    return {"tag": "bad:1", "layers": layers, "refused": {"layer": layer, "entry": entry, "mark": mark}}


def sentinel(opts):
    if not opts.sentinel or not os.path.isabs(opts.sentinel):
        raise SystemExit("mkimage.py: this preset needs --sentinel ABSOLUTE-DIR")
    return opts.sentinel.rstrip("/")


def up(opts):
    """A relative path from anywhere in a root to the sentinel: more ..
    than any root is deep."""
    return "../" * 40 + sentinel(opts).lstrip("/")


def preset_bad_absolute(opts):
    """An absolute name aimed into the sentinel."""
    name = sentinel(opts) + "/abs-escape"
    return escape([debris() + [{"type": "file", "path": name, "content": "escaped\n"}]], 1, name, name[:24])


def preset_bad_dotdot(opts):
    """A name of leading .. components aimed at the sentinel."""
    name = up(opts) + "/dotdot-escape"
    return escape([debris() + [{"type": "file", "path": name, "content": "escaped\n"}]], 1, name, name[:24])


def preset_bad_dotdot_inner(opts):
    """A name with .. components after a real directory."""
    name = "debris/" + up(opts) + "/inner-escape"
    return escape([debris() + [{"type": "file", "path": name, "content": "escaped\n"}]], 1, name, name[:24])


def preset_bad_symlink_write(opts):
    """etc -> the sentinel in one layer, etc/x in the next."""
    return escape([debris() + [{"type": "symlink", "path": "etc", "target": sentinel(opts)}],
                   [{"type": "file", "path": "etc/x", "content": "escaped\n"}]], 2, "etc/x", "etc/x")


def preset_bad_symlink_write_same(opts):
    """A relative link to the sentinel and a write through it, one layer."""
    return escape([debris() + [{"type": "symlink", "path": "up", "target": up(opts)},
                               {"type": "file", "path": "up/y", "content": "escaped\n"}]], 1, "up/y", "up/y")


def preset_bad_symlink_dir(opts):
    """A directory entry through a planted link (mkdir, chmod, chown there)."""
    return escape([debris() + [{"type": "symlink", "path": "etc", "target": sentinel(opts)}],
                   [{"type": "dir", "path": "etc/newdir", "mode": "0777"}]], 2, "etc/newdir", "etc/newdir")


def preset_bad_hardlink_abs(opts):
    """A hard link to the sentinel's file by its absolute name."""
    target = sentinel(opts) + "/secret"
    return escape([debris() + [{"type": "hardlink", "path": "h", "target": target}]], 1, "h", "h")


def preset_bad_hardlink_dotdot(opts):
    """A hard link to the sentinel's file through .. components."""
    target = up(opts) + "/secret"
    return escape([debris() + [{"type": "hardlink", "path": "h", "target": target}]], 1, "h", "h")


def preset_bad_hardlink_via_symlink(opts):
    """s -> the sentinel, then a hard link to s/secret."""
    return escape([debris() + [{"type": "symlink", "path": "s", "target": sentinel(opts)}],
                   [{"type": "hardlink", "path": "h", "target": "s/secret"}]], 2, "h", "h")


def preset_bad_whiteout_via_symlink(opts):
    """s -> the sentinel, then s/.wh.secret: must not remove the host's file."""
    return escape([debris() + [{"type": "symlink", "path": "s", "target": sentinel(opts)}],
                   [{"type": "whiteout", "path": "s/secret"}]], 2, "s/.wh.secret", "s/.wh.secret")


def preset_bad_opaque_via_symlink(opts):
    """s -> the sentinel, then s/.wh..wh..opq: must not empty the host's directory."""
    return escape([debris() + [{"type": "symlink", "path": "s", "target": sentinel(opts)}],
                   [{"type": "opaque", "path": "s"}]], 2, "s/.wh..wh..opq", "s/.wh..wh..opq")


def preset_bad_longname(opts):
    """A name longer than PATH_MAX (4096)."""
    name = "/".join(["long%03d-" % i + "n" * 240 for i in range(18)])
    assert len(name) > 4096
    return escape([debris() + [{"type": "file", "path": name, "content": "long\n"}]], 1, name, "long000-nnnnnnnn")


def preset_bad_uid(opts):
    """A file of the first uid outside the map (--last-id + 1)."""
    uid = opts.last_id + 1
    name = "f-%d" % uid
    return escape([debris() + [{"type": "file", "path": name, "uid": uid, "gid": 0, "content": "x\n"}]],
                  1, name, name)


def preset_whiteout_symlink(opts):
    """s -> the sentinel, then .wh.s: removes the link, never what it points to."""
    return {"tag": "wh:symlink", "layers": [debris() + [{"type": "symlink", "path": "s", "target": sentinel(opts)}],
                                            [{"type": "whiteout", "path": "s"}]]}


PRESETS = {name[len("preset_"):].replace("_", "-"): fn for name, fn in globals().items() if name.startswith("preset_")}
