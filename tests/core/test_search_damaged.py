"""A damaged search.db is rebuilt with a notice, but never deleted while another session has it
open (its connections, and its WAL, would be cut from under it): that session keeps it, this one
indexes in memory, and the next session to open it alone rebuilds it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from reader.core.library import Library
from reader.core.paths import StorePaths
from reader.core.search import SearchIndex
from reader.core.search_lock import users_lock
from tests.factories import make_posts, open_synced

GARBAGE = b"this is not a database " * 400


def _site(root: Path) -> Path:
    make_posts(
        root / "source" / "_posts",
        12,
        body=lambda n: f"{'needle ' if n % 3 == 0 else ''}text {n}\n",
    )
    return root


def _search_db(library: Library) -> Path:
    return library.index_path.with_name("search.db")


def _checkpoint(search_db: Path) -> None:
    connection = sqlite3.connect(search_db)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    finally:
        connection.close()


def _indexed_search(library: Library, query: str) -> int:
    for _ in library.update_search():
        pass
    return library.search(query).total


@pytest.mark.slow  # a process of its own (see the marker)
def test_a_damaged_search_db_open_in_another_session_is_kept(tmp_path: Path) -> None:
    site, data = _site(tmp_path / "site"), tmp_path / "data"
    first = open_synced(site, data)
    assert _indexed_search(first, "needle") == 4  # search.db open in this first session
    search_db = _search_db(first)
    _checkpoint(search_db)  # else the pages are read back from the WAL, not the damaged file
    search_db.write_bytes(GARBAGE)
    second = Library.open(site, paths=StorePaths.default(data))
    try:
        assert _indexed_search(second, "needle") == 4  # indexed in memory instead
        assert any("open in another session" in notice for notice in second.notices)
        assert search_db.read_bytes() == GARBAGE
    finally:
        second.close()
        first.close()
    third = Library.open(site, paths=StorePaths.default(data))
    try:
        assert _indexed_search(third, "needle") == 4
        assert any("search index rebuilt" in notice for notice in third.notices)
        assert search_db.read_bytes()[:16] == b"SQLite format 3\x00"
    finally:
        third.close()


def test_a_damaged_search_db_is_rebuilt_once_no_session_holds_it(tmp_path: Path) -> None:
    search_db = tmp_path / "search.db"
    search_db.write_bytes(GARBAGE)
    other_session = users_lock(search_db)
    assert other_session.acquire(shared=True)
    index = SearchIndex(search_db)
    try:
        assert index.in_memory and search_db.read_bytes() == GARBAGE
    finally:
        index.close()
    other_session.release()
    index = SearchIndex(search_db)
    try:
        assert not index.in_memory and index.notices == [index.notices[0]]
        assert "search index rebuilt" in index.notices[0]
        assert search_db.read_bytes()[:16] == b"SQLite format 3\x00"
    finally:
        index.close()
