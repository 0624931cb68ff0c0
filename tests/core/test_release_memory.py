"""Memory the store holds outside Python is given back on request: the page caches of the idle
read connections (SQLite's own memory, which no heap trim can free while they hold it)."""

from __future__ import annotations

import ctypes
from pathlib import Path

import pytest

from tests.factories import open_synced, write_post


def _sqlite_memory_used() -> int:
    """Bytes SQLite has allocated in this process (its own counter, read through ctypes)."""
    with open("/proc/self/maps") as maps:
        library = next((line.split()[-1] for line in maps if "libsqlite3" in line), None)
    if library is None:
        pytest.skip("this Python's sqlite3 does not load libsqlite3 as a shared library")
    used = ctypes.CDLL(library).sqlite3_memory_used
    used.restype = ctypes.c_int64
    return int(used())


def test_release_memory_empties_the_idle_read_connections_page_caches(tmp_path: Path) -> None:
    posts = tmp_path / "site" / "source" / "_posts"
    (tmp_path / "site" / "_config.yml").parent.mkdir(parents=True)
    (tmp_path / "site" / "_config.yml").write_text("title: t\n")
    body = "".join(f"Paragraph {n}: {'words of a post ' * 30}\n\n" for n in range(20))
    paths = [write_post(posts, f"p{n:03}.md", f"Post {n}", body=body) for n in range(150)]
    library = open_synced(tmp_path / "site", tmp_path / "data")
    try:
        for path in paths:  # converted and cached
            library.article(path.relative_to(posts).as_posix())
        for path in paths:  # read back: the cache's pages fill a read connection's page cache
            assert library.cached_article(path.relative_to(posts).as_posix()) is not None
        filled = _sqlite_memory_used()
        library.release_memory()
        released = _sqlite_memory_used()
        assert filled - released > 256 * 1024, (filled, released)
        # The connections are kept and read on as before
        assert library.cached_article(paths[0].relative_to(posts).as_posix()) is not None
    finally:
        library.close()
