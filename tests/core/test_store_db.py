"""The SQLite helpers under contention from another connection."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from reader.core.search import SearchIndex
from reader.core.store.db import BUSY_TIMEOUT_MS, connect, write_unless_busy


@contextmanager
def another_session_writing(path: Path) -> Iterator[None]:
    """Another connection holds the write lock on `path` (a database in the rollback-journal
    mode another tool or an old release left it in) and commits a row 0.3 s later."""
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO t VALUES (1)")
    release = threading.Timer(0.3, lambda: holder.execute("COMMIT"))
    release.start()
    try:
        yield
    finally:
        release.join()
        holder.close()


def test_switching_to_wal_waits_for_a_writer_instead_of_failing(tmp_path: Path) -> None:
    # SQLite does not call the busy handler when a reader upgrades to a writer (it could deadlock),
    # and turning WAL on is such an upgrade: a second process opening the store while the first
    # holds the write lock got "database is locked" at once, not after the busy timeout.
    path = tmp_path / "state.db"
    with another_session_writing(path):
        conn = connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("SELECT x FROM t").fetchall() == [(1,)]
    conn.close()


def test_a_search_index_locked_by_another_session_is_waited_for_not_thrown_away(
    tmp_path: Path,
) -> None:
    path = tmp_path / "search.db"
    with another_session_writing(path):
        index = SearchIndex(path)
    assert index.notices == []
    check = sqlite3.connect(path)
    assert check.execute("SELECT x FROM t").fetchall() == [(1,)]  # the other session's write
    check.close()
    index.close()


def test_a_skippable_write_is_skipped_while_another_connection_writes(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    conn = connect(path)
    conn.execute("CREATE TABLE t (x)")
    other = connect(path)
    other.execute("BEGIN IMMEDIATE")
    with write_unless_busy(conn) as writing:
        assert not writing
    assert not conn.in_transaction
    other.execute("COMMIT")
    with write_unless_busy(conn) as writing:
        assert writing
        conn.execute("INSERT INTO t VALUES (1)")
    assert other.execute("SELECT x FROM t").fetchall() == [(1,)]
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == BUSY_TIMEOUT_MS
    conn.close()
    other.close()
