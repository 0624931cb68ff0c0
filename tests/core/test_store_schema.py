"""A store whose tables do not match its `user_version` is damaged: found at open, not at
first use. state.db is backed up and started afresh with the notice; the caches are rebuilt."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from reader.core.library import Folder, Library
from reader.core.paths import StorePaths
from reader.core.search import SearchIndex
from reader.core.store.state import StateStore
from reader.launch import sample_library
from tests.conftest import run_reader


def _drop(path: Path, *tables: str) -> None:
    """Drop tables the way a stray tool would: `user_version` stays as it was."""
    conn = sqlite3.connect(path)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for table in tables:
            conn.execute(f"DROP TABLE {table}")
        conn.commit()
        assert conn.execute("PRAGMA user_version").fetchone()[0] == version
    finally:
        conn.close()


@pytest.mark.parametrize(
    "tables", [("undo", "bookmarks", "positions", "reads", "libraries"), ("reads",)]
)
def test_state_db_with_dropped_tables_is_backed_up_and_started_afresh(
    tmp_path: Path, tables: tuple[str, ...]
) -> None:
    paths = StorePaths.default(tmp_path / "data")
    store = StateStore.open(paths)
    store.set_read(store.library_id("/lib"), [("a.md", None)], True, "m")
    store.close()
    _drop(paths.state_db, *tables)

    again = StateStore.open(paths)
    assert not again.read_only
    backups = list(paths.data_dir.glob("state.db.corrupt-*"))
    assert len(backups) == 1
    assert any(str(backups[0]) in notice for notice in again.notices)
    lib = again.library_id("/lib")  # no "no such table" at first use
    again.set_read(lib, [("b.md", None)], True, "m")
    assert again.reads(lib) == {"b.md": None}


@pytest.mark.slow
def test_the_cli_starts_on_a_state_db_with_dropped_tables(tmp_path: Path) -> None:
    data = tmp_path / "data"
    Library.open(sample_library(), paths=StorePaths.default(data)).close()
    _drop(StorePaths.default(data).state_db, "libraries", "reads")
    result = run_reader("--data-dir", str(data), "stats", str(sample_library()))
    assert result.returncode == 0, result.stderr
    assert "no such table" not in result.stderr
    assert list(data.glob("state.db.corrupt-*"))


def test_index_db_with_dropped_tables_is_rebuilt(tmp_path: Path) -> None:
    paths = StorePaths.default(tmp_path / "data")
    library = Library.open(sample_library(), paths=paths)
    for _ in library.sync():
        pass
    total = len(library.posts(Folder("all")))
    index = library.index_path
    library.close()
    _drop(index, "post_tags", "posts")

    again = Library.open(sample_library(), paths=paths)
    try:
        assert any("rebuilding" in notice for notice in again.notices)
        assert again.index_path == index  # rebuilt in place, not moved to a fallback
        for _ in again.sync():
            pass
        assert len(again.posts(Folder("all"))) == total
    finally:
        again.close()


def test_search_db_with_dropped_tables_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "search.db"
    SearchIndex(path).close()
    _drop(path, "docs", "bodies")
    index = SearchIndex(path)
    try:
        assert any("rebuilt" in notice for notice in index.notices)
        assert len(index) == 0 and not index.complete
    finally:
        index.close()
