"""Read connections: index.db with state.db ATTACHed read-only as `st`, one per reader.

A reader borrows a connection for one query and gives it back; when every connection is
lent (another thread is counting, say), a new one is opened instead of waiting. In WAL mode
readers never block each other nor the writer, so no read waits for another read.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from urllib.parse import quote

from reader.core.store.db import BUSY_TIMEOUT_MS

TraceCallback = Callable[[str], object]
ProgressHandler = Callable[[], int]


def file_uri(path: str) -> str:
    """A URI for a database file (any character of the path escaped). Not `mode=ro`: a
    read-only connection to a WAL file can miss what another connection committed before it
    opened; readers refuse writes with `PRAGMA query_only` instead."""
    return f"file:{quote(path)}"


def is_memory_uri(uri: str) -> bool:
    return "mode=memory" in uri


class ReadPool:
    """Connections for reading; `index_uri()` and `state_uri()` name what they open now (they
    change when a store falls back to memory: then every idle connection is replaced)."""

    def __init__(self, index_uri: Callable[[], str], state_uri: Callable[[], str]) -> None:
        self._index_uri = index_uri
        self._state_uri = state_uri
        self._guard = threading.Lock()
        self._idle: list[tuple[tuple[str, str], sqlite3.Connection]] = []
        self._all: list[sqlite3.Connection] = []
        self._trace: TraceCallback | None = None
        self._progress: tuple[ProgressHandler | None, int] = (None, 0)
        self._closed = False
        self._watch_guard = threading.Lock()
        self._watch: tuple[tuple[str, str], sqlite3.Connection] | None = None

    def _open(self, target: tuple[str, str]) -> sqlite3.Connection:
        index, state = target
        conn = sqlite3.connect(
            index, uri=True, isolation_level=None, check_same_thread=False, timeout=10
        )
        try:
            conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            conn.execute("ATTACH DATABASE ? AS st", (state,))
            if is_memory_uri(index) or is_memory_uri(state):
                # Shared-cache memory databases lock per table and fail a locked read at once:
                # read uncommitted rows instead.
                conn.execute("PRAGMA read_uncommitted=1")
            conn.execute("PRAGMA query_only=1")
        except BaseException:
            conn.close()
            raise
        conn.set_trace_callback(self._trace)
        conn.set_progress_handler(*self._progress)
        return conn

    @contextmanager
    def reader(self) -> Iterator[sqlite3.Connection]:
        """A connection of this thread's own for the `with` block (fetch rows inside it)."""
        target = (self._index_uri(), self._state_uri())
        conn: sqlite3.Connection | None = None
        with self._guard:
            if self._closed:
                raise sqlite3.ProgrammingError("the library is closed")
            while self._idle and conn is None:
                kept_for, idle = self._idle.pop()
                if kept_for == target:
                    conn = idle
                else:
                    self._forget(idle)
        if conn is None:
            conn = self._open(target)
            with self._guard:
                self._all.append(conn)
        try:
            yield conn
        finally:
            if conn.in_transaction:
                with suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            self._give_back(target, conn)

    def _give_back(self, target: tuple[str, str], conn: sqlite3.Connection) -> None:
        with self._guard:
            if self._closed:  # closed while this connection was lent
                self._forget(conn)
            else:
                self._idle.append((target, conn))

    def _forget(self, conn: sqlite3.Connection) -> None:
        """Close a connection nobody holds (the caller holds the guard)."""
        with suppress(ValueError):
            self._all.remove(conn)
        with suppress(sqlite3.Error):
            conn.close()

    def release_memory(self) -> None:
        """Empty the page caches of the idle connections (up to 2 MB a database each, filled
        by what they read; they fill again as they read). SQLite's memory is outside Python's
        and is not free until this. One at a time: a reader meanwhile borrows another idle one
        rather than open a connection more."""
        with self._guard:
            count = len(self._idle)
        for _ in range(count):
            with self._guard:
                if not self._idle:
                    return
                target, conn = self._idle.pop(0)  # the oldest; given back at the end
            with suppress(sqlite3.Error):
                conn.execute("PRAGMA shrink_memory")
            self._give_back(target, conn)

    def versions(self) -> tuple[int, int]:
        """(index, state) data versions: they change when anyone commits to that file. Read on
        a connection of their own that never writes and never runs a long query."""
        target = (self._index_uri(), self._state_uri())
        with self._watch_guard:
            if self._watch is None or self._watch[0] != target:
                if self._watch is not None:
                    with suppress(sqlite3.Error):
                        self._watch[1].close()
                self._watch = (target, self._open(target))
            conn = self._watch[1]
            index = int(conn.execute("PRAGMA main.data_version").fetchone()[0])
            state = int(conn.execute("PRAGMA st.data_version").fetchone()[0])
            return index, state

    def set_trace_callback(self, callback: TraceCallback | None) -> None:
        """Trace the SQL of every connection, open and future (for tests and profiling)."""
        with self._guard:
            self._trace = callback
            for conn in self._all:
                conn.set_trace_callback(callback)

    def set_progress_handler(self, handler: ProgressHandler | None, every: int) -> None:
        """Call `handler` every `every` VM steps on every connection, open and future (to
        count the rows a query touches, or to hold one in the middle, in tests)."""
        with self._guard:
            self._progress = (handler, every)
            for conn in self._all:
                conn.set_progress_handler(handler, every)
        with self._watch_guard:
            if self._watch is not None:
                self._watch[1].set_progress_handler(handler, every)

    def size(self) -> int:
        """How many connections are open (idle or lent)."""
        with self._guard:
            return len(self._all)

    def close(self) -> None:
        with self._guard:
            self._closed = True
            for _, conn in self._idle:
                self._forget(conn)
            self._idle.clear()
        with self._watch_guard:
            if self._watch is not None:
                with suppress(sqlite3.Error):
                    self._watch[1].close()
                self._watch = None
