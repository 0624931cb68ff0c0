"""SQLite helpers shared by the index and the state store.

Every connection gets a busy timeout and WAL; writes go through `write()`, a short
`BEGIN IMMEDIATE` transaction that is retried when another process holds the lock.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

BUSY_TIMEOUT_MS = 10_000
_RETRIES = 40
# SQLite binds at most this many variables per statement (32766 since 3.32; keep a margin).
MAX_VARIABLES = 900


def connect(
    path: Path | str,
    *,
    synchronous: str = "FULL",
    uri: bool = False,
    check_same_thread: bool = False,
) -> sqlite3.Connection:
    """Open a connection in autocommit mode (transactions are explicit), WAL, busy timeout."""
    conn = sqlite3.connect(
        str(path),
        timeout=BUSY_TIMEOUT_MS / 1000,
        isolation_level=None,
        uri=uri,
        check_same_thread=check_same_thread,
    )
    try:
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if str(path) != ":memory:" and not uri:
            # Turning WAL on upgrades a read lock to a write lock, and SQLite answers such an
            # upgrade with "locked" at once instead of waiting (it could deadlock), so retry.
            mode = retry_busy(lambda: conn.execute("PRAGMA journal_mode=WAL").fetchone())
            if mode is None or str(mode[0]).lower() != "wal":
                raise sqlite3.OperationalError(f"cannot use WAL for {path}")
        conn.execute(f"PRAGMA synchronous={synchronous}")
        conn.execute("PRAGMA foreign_keys=ON")
    except BaseException:
        conn.close()
        raise
    return conn


def is_busy(error: sqlite3.Error) -> bool:
    text = str(error).lower()
    return "locked" in text or "busy" in text


_lock_steps = 0
_lock_steps_guard = threading.Lock()


def waiting_for_lock() -> bool:
    """True while some thread runs a step that waits for another connection's lock (taking
    the write lock, committing): what a slow start is waiting for, to tell the user."""
    return _lock_steps > 0


def retry_busy(step: Callable[[], T]) -> T:
    """Run `step`, retrying with a growing pause while another connection holds the lock."""
    global _lock_steps
    with _lock_steps_guard:
        _lock_steps += 1
    try:
        for attempt in range(_RETRIES):
            try:
                return step()
            except sqlite3.OperationalError as error:
                if not is_busy(error) or attempt == _RETRIES - 1:
                    raise
                time.sleep(min(0.01 * (attempt + 1), 0.2))
        raise AssertionError("unreachable")
    finally:
        with _lock_steps_guard:
            _lock_steps -= 1


@contextmanager
def write(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A short write transaction; COMMIT on success, ROLLBACK on error."""
    retry_busy(lambda: conn.execute("BEGIN IMMEDIATE"))
    with _committed(conn):
        yield conn


@contextmanager
def write_unless_busy(conn: sqlite3.Connection) -> Iterator[bool]:
    """A short write transaction if the write lock is free now, else none (yields False): for
    writes that may be skipped (a cache) rather than wait for another writer (a sync's batch)."""
    conn.execute("PRAGMA busy_timeout=0")
    try:
        conn.execute("BEGIN IMMEDIATE")
        began = True
    except sqlite3.OperationalError as error:
        if not is_busy(error):
            raise
        began = False
    finally:
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    if not began:
        yield False
        return
    with _committed(conn):
        yield True


@contextmanager
def _committed(conn: sqlite3.Connection) -> Iterator[None]:
    """The end of a transaction begun by the caller: COMMIT on success, ROLLBACK on error."""
    try:
        yield
        retry_busy(lambda: conn.execute("COMMIT"))
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def chunks(items: Sequence[Any], size: int = MAX_VARIABLES) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def marks(count: int) -> str:
    """`?,?,?` for an IN list of `count` values."""
    return ",".join("?" * count)


# Relative paths may carry surrogate escapes for undecodable bytes, which SQLite's UTF-8 text
# cannot hold. Such a path is stored as NUL + its raw bytes read as Latin-1; a file name never
# contains NUL, so the two forms cannot collide.
def path_to_db(path: str) -> str:
    if path.isascii():
        return path
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return "\0" + path.encode("utf-8", "surrogateescape").decode("latin-1")
    return path


def path_from_db(text: str) -> str:
    if text[:1] == "\0":
        return text[1:].encode("latin-1").decode("utf-8", "surrogateescape")
    return text


Schema = frozenset[tuple[str, str, str, tuple[str, ...]]]


def schema_of(conn: sqlite3.Connection) -> Schema:
    """(type, name, table, columns) of every table, index, view and trigger of the main file."""
    items: set[tuple[str, str, str, tuple[str, ...]]] = set()
    for kind, name, table in conn.execute(
        "SELECT type, name, tbl_name FROM main.sqlite_master WHERE name NOT LIKE 'sqlite_%'"
    ).fetchall():
        pragma = "index_info" if kind == "index" else "table_info"
        quoted = '"' + str(name).replace('"', '""') + '"'
        columns = tuple(
            str(row[2 if kind == "index" else 1])
            for row in conn.execute(f"PRAGMA main.{pragma}({quoted})")
        )
        items.add((str(kind), str(name), str(table), columns))
    return frozenset(items)


def reference_schema(build: Callable[[sqlite3.Connection], object]) -> Schema:
    """The schema `build` makes in an empty in-memory database."""
    memory = sqlite3.connect(":memory:", isolation_level=None)
    try:
        build(memory)
        return schema_of(memory)
    finally:
        memory.close()


def check_schema(conn: sqlite3.Connection, expected: Schema, version: int) -> None:
    """Raise DatabaseError (damage, not an I/O fault) when a table or index that `version`
    has is missing or has other columns: such a store fails later, at first use. Objects of
    its own beside them are left alone."""
    missing = sorted({item[1] for item in expected - schema_of(conn)})
    if missing:
        raise sqlite3.DatabaseError(
            f"its tables do not match schema version {version} "
            f"(missing or changed: {', '.join(missing)})"
        )


def remove_db_files(path: Path) -> None:
    """Delete a database with its WAL and shared-memory files, ignoring absent ones."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        with suppress(FileNotFoundError):
            os.unlink(f"{path}{suffix}")


@contextmanager
def snapshot(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A read transaction: every statement in it sees the same state of the file (writes
    inside go to temp tables only)."""
    conn.execute("BEGIN")
    try:
        yield conn
    finally:
        if conn.in_transaction:
            conn.execute("COMMIT")
