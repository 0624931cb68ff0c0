"""index.db details: the private fallback directory used when the cache dir is unwritable."""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

from reader.core.store.index import _private_dir


def test_private_fallback_dir_is_ours_or_a_fresh_one() -> None:
    name = f"reader-test-{uuid.uuid4().hex}"
    shared = Path(tempfile.gettempdir()) / name
    try:
        first = _private_dir(name)
        assert first == shared and (os.stat(first).st_mode & 0o777) == 0o700
        assert _private_dir(name) == first  # reused
        shared.chmod(0o777)  # as if someone else made it world-writable
        other = _private_dir(name)
        assert other != shared and other.parent == shared.parent
        assert (os.stat(other).st_mode & 0o777) == 0o700
        other.rmdir()
    finally:
        shared.rmdir()


def test_a_symlink_in_place_of_the_fallback_dir_is_not_followed(tmp_path: Path) -> None:
    name = f"reader-test-{uuid.uuid4().hex}"
    link = Path(tempfile.gettempdir()) / name
    target = tmp_path / "elsewhere"
    target.mkdir(mode=0o700)
    link.symlink_to(target)
    try:
        chosen = _private_dir(name)
        assert chosen not in (link, target)
        chosen.rmdir()
    finally:
        link.unlink()
