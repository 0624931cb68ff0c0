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


def test_conversions_made_by_an_older_converter_are_not_used(tmp_path: Path) -> None:
    """A change in what a post converts to (image links, issue 12.8) must reach posts whose
    Markdown was cached before it: the cache key carries the converter's version."""
    from reader.core.store.db import connect
    from reader.core.store.index import get_converted, put_converted
    from reader.core.store.migrations import create_index_schema

    conn = connect(tmp_path / "index.db")
    create_index_schema(conn, str(tmp_path))
    conn.execute("INSERT INTO converted VALUES ('abc', 'old markdown', NULL, 0)")
    conn.commit()
    assert get_converted(conn, "abc") is None  # cached by the previous converter
    put_converted(conn, "abc", "new markdown", None)
    assert get_converted(conn, "abc") == ("new markdown", None)
    conn.close()
