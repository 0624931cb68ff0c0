"""The hostile library generator itself: deterministic, self-contained, and really hostile."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest

from reader.devtools import hostile


def _fingerprint(root: Path) -> dict[bytes, str]:
    """Kind and content hash of every entry under root (without following links)."""
    out: dict[bytes, str] = {}
    base = os.fsencode(root)
    for dirpath, dirnames, filenames in os.walk(base):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, base)
            st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode):
                out[rel] = "link:" + os.fsdecode(os.readlink(path))
            elif stat.S_ISREG(st.st_mode):
                if st.st_mode & 0o777 == 0 or name == b"hostile-manifest.json":
                    out[rel] = f"locked:{st.st_size}"
                    continue
                with open(path, "rb") as f:
                    out[rel] = hashlib.sha256(f.read(1 << 20)).hexdigest() + f":{st.st_size}"
            else:
                out[rel] = f"mode:{stat.S_IFMT(st.st_mode)}"
    return out


def test_small_library_is_deterministic(tmp_path: Path) -> None:
    first = hostile.build(tmp_path / "a", small=True)
    second = hostile.build(tmp_path / "b", small=True)
    assert [e.relpath for e in first.entries] == [e.relpath for e in second.entries]
    fa = _fingerprint(tmp_path / "a")
    fb = _fingerprint(tmp_path / "b")
    assert fa.keys() == fb.keys()
    differing = [k for k in fa if fa[k] != fb[k] and not k.startswith(b"source/_posts/yaml/")]
    assert differing == []  # only the YAML exec canary names its own site path


def test_ids_are_unique_and_in_every_name(tmp_path: Path) -> None:
    manifest = hostile.build(tmp_path / "lib", small=True)
    ids = [e.id for e in manifest.entries]
    assert len(ids) == len(set(ids))
    for entry in manifest.entries:
        assert entry.id.encode() in entry.relpath


def test_library_holds_every_hostile_kind(tmp_path: Path) -> None:
    manifest = hostile.build(tmp_path / "lib", small=True)
    posts = Path(manifest.posts_root)
    groups = {e.group for e in manifest.entries}
    assert groups >= {"escape", "markup", "bidi", "huge", "yaml", "dates", "fs", "names", "same"}
    raw = b"".join(
        open(os.fsencode(posts) + b"/" + e.relpath, "rb").read()  # noqa: SIM115
        for e in manifest.by_group("escape")
    )
    for needle in (b"\\u001b]52;", b"\x1b]0;", b"\x1bP", b"\x1b_", b"&#27;]52", b"\\u009d"):
        assert needle in raw, needle
    names = [e.relpath for e in manifest.entries]
    assert any(b"\x1b" in n for n in names)
    assert any(not _is_utf8(n) for n in names)
    fifo = next(e for e in manifest.entries if e.kind == "FIFO named .md")
    assert stat.S_ISFIFO(os.lstat(os.fsencode(posts) + b"/" + fifo.relpath).st_mode)
    locked = next(e for e in manifest.entries if e.kind == "chmod 000 file")
    assert os.lstat(os.fsencode(posts) + b"/" + locked.relpath).st_mode & 0o777 == 0
    assert len(manifest.by_group("same")) >= 50
    assert (tmp_path / "lib" / "hostile-manifest.json").is_file()


def test_refuses_a_non_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "x").write_text("keep me")
    with pytest.raises(FileExistsError):
        hostile.build(tmp_path)
    assert hostile.main([str(tmp_path)]) == 2


def _is_utf8(name: bytes) -> bool:
    try:
        name.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
