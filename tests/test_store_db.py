"""The SQLite helpers under contention from another connection."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from reader.core.search import SearchIndex
from reader.core.store.db import connect


def rollback_journal_db(path: Path) -> sqlite3.Connection:
    """A database in the rollback-journal mode another tool or an old release left it in."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("CREATE TABLE t (x)")
    return conn


def held_for_a_moment(conn: sqlite3.Connection) -> threading.Timer:
    """Take the write lock on `conn` now; the returned timer gives it back 0.3 s later."""
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO t VALUES (1)")
    release = threading.Timer(0.3, lambda: conn.execute("COMMIT"))
    release.start()
    return release


def test_switching_to_wal_waits_for_a_writer_instead_of_failing(tmp_path: Path) -> None:
    # SQLite does not call the busy handler when a reader upgrades to a writer (it could deadlock),
    # and turning WAL on is such an upgrade: a second process opening the store while the first
    # holds the write lock got "database is locked" at once, not after the busy timeout.
    path = tmp_path / "state.db"
    holder = rollback_journal_db(path)
    release = held_for_a_moment(holder)
    try:
        conn = connect(path)
    finally:
        release.join()
        holder.close()
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("SELECT x FROM t").fetchall() == [(1,)]
    conn.close()


def test_a_search_index_locked_by_another_session_is_waited_for_not_thrown_away(
    tmp_path: Path,
) -> None:
    path = tmp_path / "search.db"
    holder = rollback_journal_db(path)
    release = held_for_a_moment(holder)
    try:
        index = SearchIndex(path)
    finally:
        release.join()
        holder.close()
    assert index.notices == []
    check = sqlite3.connect(path)
    assert check.execute("SELECT x FROM t").fetchall() == [(1,)]  # the other session's write
    check.close()
    index.close()
