"""state.db: what cannot be rebuilt (read marks, positions, bookmarks, undo log, libraries).

One file for all libraries, keyed by (library root, relative path). Writes are short
`BEGIN IMMEDIATE` transactions with `synchronous=FULL`, so a change reported as saved survives
a crash, and two processes never lose each other's updates. Faults never crash the caller:
a corrupt file is moved aside to a timestamped backup; an unwritable directory or a full disk
switches to an in-memory copy (`read_only`), with a notice saying so.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from reader.core.paths import StorePaths
from reader.core.store import read_texts
from reader.core.store.db import (
    chunks,
    connect,
    is_busy,
    marks,
    path_from_db,
    path_to_db,
    write,
)
from reader.core.store.migrations import (
    STATE_VERSION,
    check_state_schema,
    migrate_state,
    state_version,
)
from reader.core.store.readers import file_uri

T = TypeVar("T")
UNDO_KEEP = 100


@dataclass(frozen=True, slots=True)
class BookmarkRecord:
    path: str
    anchor: str | None
    heading: str | None
    note: str | None
    created: float
    updated: float
    title: str
    url: str | None
    date: float | None
    author: str | None
    categories: tuple[tuple[str, ...], ...]


NOTE_SEPARATOR = " · "


def combined_note(records: Sequence[BookmarkRecord]) -> str | None:
    """The notes of one post's bookmarks for its row: the whole post's first, then each
    section's as `Heading: note`, oldest first; None when no bookmark has a note."""
    ordered = sorted(records, key=lambda r: (r.anchor is not None, r.created))
    parts = [
        f"{r.heading}: {r.note}" if r.anchor is not None and r.heading else r.note
        for r in ordered
        if r.note
    ]
    return NOTE_SEPARATOR.join(parts) if parts else None


@dataclass(frozen=True, slots=True)
class PostInfo:
    """The post metadata a bookmark keeps, so it can be shown after the file vanished."""

    title: str
    url: str | None
    date: float | None
    author: str | None
    categories: tuple[tuple[str, ...], ...]


def _now() -> float:
    return time.time()


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S")


class StateStore:
    """All access to state.db. Thread-safe (one lock around one connection)."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path,
        *,
        read_only: bool,
        memory_uri: str | None = None,
    ) -> None:
        self.conn = conn
        self.path = path
        self.read_only = read_only
        self.memory_uri = memory_uri
        """Where a store kept in memory is reached by other connections (see `reader_uri`)."""
        self.notices: list[str] = []
        self.lock = threading.RLock()

    # ---------------------------------------------------------------- opening and faults
    @classmethod
    def open(cls, paths: StorePaths) -> StateStore:
        path = paths.state_db
        notices: list[str] = []
        try:
            store = cls._open_file(path)
        except sqlite3.OperationalError as error:
            if is_busy(error):
                raise
            store = cls._in_memory(path, f"state is not being saved: cannot write {path} ({error})")
        except OSError as error:
            where = error.filename or path.parent
            reason = error.strerror or str(error)
            store = cls._in_memory(
                path, f"state is not being saved: cannot write {where} ({reason})"
            )
        except sqlite3.DatabaseError as error:
            backup = cls._move_aside(path)
            if backup is None:
                store = cls._in_memory(path, f"state is not being saved: {path} is damaged")
            else:
                notices.append(
                    f"{path.name} was damaged ({error}); it was moved to {backup} "
                    "and a fresh one was started"
                )
                try:
                    store = cls._open_file(path)
                except (sqlite3.Error, OSError) as again:
                    store = cls._in_memory(path, f"state is not being saved: {again}")
        store.notices[:0] = notices
        return store

    @classmethod
    def _open_file(cls, path: Path) -> StateStore:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = connect(path, synchronous="FULL")
        try:
            check = conn.execute("PRAGMA quick_check").fetchone()
            if check is None or check[0] != "ok":
                raise sqlite3.DatabaseError(f"integrity check failed: {check and check[0]}")
            found = state_version(conn)
            if found > STATE_VERSION:
                conn.close()
                return cls._in_memory(
                    path,
                    f"state is not being saved: {path} was written by a newer reader "
                    f"(schema {found})",
                )
            check_state_schema(conn)  # now, not as "no such table" at first use
            migrate_state(conn)
        except BaseException:
            conn.close()
            raise
        return cls(conn, path, read_only=False)

    @classmethod
    def _in_memory(cls, path: Path, notice: str) -> StateStore:
        """A private copy of whatever can still be read, so the session keeps working."""
        memory, uri = _shared_memory()
        for query in ("mode=ro", "immutable=1"):
            if not path.exists():
                break
            try:
                source = sqlite3.connect(f"file:{path}?{query}", uri=True)
                try:
                    source.execute("PRAGMA quick_check").fetchone()
                    source.backup(memory)
                finally:
                    source.close()
                break
            except sqlite3.Error:
                continue
        if state_version(memory) > STATE_VERSION:
            pass  # newer schema: used as it is
        else:
            try:
                check_state_schema(memory)
                migrate_state(memory)
            except sqlite3.Error:
                memory.close()
                memory, uri = _shared_memory()
                migrate_state(memory)
        store = cls(memory, path, read_only=True, memory_uri=uri)
        store.notices.append(notice)
        return store

    @staticmethod
    def _move_aside(path: Path) -> Path | None:
        backup = path.with_name(f"{path.name}.corrupt-{_stamp()}")
        n = 1
        while backup.exists():
            n += 1
            backup = path.with_name(f"{path.name}.corrupt-{_stamp()}-{n}")
        try:
            os.replace(path, backup)
            for suffix in ("-wal", "-journal"):
                if os.path.exists(f"{path}{suffix}"):
                    os.replace(f"{path}{suffix}", f"{backup}{suffix}")
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{path}-shm")
        except OSError:
            return None
        return backup

    def _write(self, action: Callable[[sqlite3.Connection], T]) -> T:
        """Run one write transaction; on a full disk or an unwritable file, continue in memory."""
        with self.lock:
            try:
                with write(self.conn):
                    return action(self.conn)
            except sqlite3.OperationalError as error:
                if self.read_only or is_busy(error):
                    raise
                self._go_read_only(f"state is not being saved: {error}")
                with write(self.conn):
                    return action(self.conn)

    def _go_read_only(self, notice: str) -> None:
        memory, uri = _shared_memory()
        self.conn.backup(memory)
        self.conn.close()
        self.conn = memory
        self.memory_uri = uri
        self.read_only = True
        self.notices.append(notice)

    def reader_uri(self) -> str:
        """What a read connection ATTACHes to read this store (read-only)."""
        if self.memory_uri is not None:
            return self.memory_uri
        return file_uri(str(self.path))

    def data_version(self) -> int:
        """Changes when another connection committed to the store."""
        with self.lock:
            return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def close(self) -> None:
        with self.lock:
            self.conn.close()

    # ---------------------------------------------------------------- libraries
    def library_id(self, root: str, *, touch: bool = True) -> int:
        key = path_to_db(root)

        def action(conn: sqlite3.Connection) -> int:
            conn.execute(
                "INSERT INTO libraries (root, last_opened) VALUES (?, ?) "
                "ON CONFLICT (root) DO UPDATE SET last_opened = excluded.last_opened",
                (key, _now()),
            )
            return int(conn.execute("SELECT id FROM libraries WHERE root=?", (key,)).fetchone()[0])

        if touch:
            return self._write(action)
        with self.lock:
            row = self.conn.execute("SELECT id FROM libraries WHERE root=?", (key,)).fetchone()
        return int(row[0]) if row else self._write(action)

    def begin_visit(self, lib: int) -> None:
        """A session of the app with library `lib` begins: the one before becomes the last
        visit, whose start "New since last visit" counts from."""

        def action(conn: sqlite3.Connection) -> None:
            conn.execute(
                "UPDATE libraries SET last_visit_started = visit_started, visit_started = ? "
                "WHERE id = ?",
                (_now(), lib),
            )

        self._write(action)

    def first_seen_stamp(self, lib: int) -> float:
        """When posts a sync finds now count as first seen: now, or 0 (from the start) while
        the library has had no visit before this one: the first session has nothing new."""
        with self.lock:
            row = self.conn.execute(
                "SELECT last_visit_started FROM libraries WHERE id = ?", (lib,)
            ).fetchone()
        return _now() if row is not None and row[0] is not None else 0.0

    def record_first_seen(self, lib: int, paths: Sequence[str], stamp: float) -> None:
        """Posts found for the first time at `stamp`; those seen before keep their time."""
        rows = [(lib, path_to_db(path), stamp) for path in paths]
        if rows:
            insert = "INSERT OR IGNORE INTO first_seen VALUES (?, ?, ?)"
            self._write(lambda conn: conn.executemany(insert, rows))

    def known_roots(self) -> list[str]:
        with self.lock:
            rows = self.conn.execute(
                "SELECT root FROM libraries ORDER BY last_opened DESC, id DESC"
            ).fetchall()
        return [path_from_db(r[0]) for r in rows]

    # ---------------------------------------------------------------- read marks
    def reads(self, lib: int) -> dict[str, str | None]:
        """path -> content hash seen when it was read."""
        with self.lock:
            rows = self.conn.execute(
                "SELECT path, seen_hash FROM reads WHERE library_id=?", (lib,)
            ).fetchall()
        return {path_from_db(p): h for p, h in rows}

    def seen_hash(self, lib: int, path: str) -> str | None:
        """The content hash of `path` when it was read (None: unread, or not known)."""
        with self.lock:
            row = self.conn.execute(
                "SELECT seen_hash FROM reads WHERE library_id=? AND path=?", (lib, path_to_db(path))
            ).fetchone()
        return row[0] if row is not None else None

    def read_text(self, lib: int, path: str, content_hash: str) -> read_texts.ReadText | None:
        """The file of `path` as it was read with `content_hash` (see read_texts.kept)."""
        with self.lock:
            return read_texts.kept(self.conn, lib, path, content_hash)

    def set_read(
        self,
        lib: int,
        items: Sequence[tuple[str, str | None]],
        read: bool,
        description: str,
        texts: Mapping[str, bytes] | None = None,
    ) -> int:
        """Mark (path, hash) items read or unread; one undo entry. Returns how many changed.
        `texts` are the files of posts read (path -> bytes with the item's hash), kept to show
        what changes in them later."""
        keyed = [(path_to_db(p), h) for p, h in items]
        kept = [(p, h, texts[p]) for p, h in items if texts and p in texts and h and read]

        def action(conn: sqlite3.Connection) -> int:
            before: dict[str, tuple[float, str | None]] = {}
            for part in chunks([k for k, _ in keyed]):
                for p, at, h in conn.execute(
                    f"SELECT path, read_at, seen_hash FROM reads "
                    f"WHERE library_id=? AND path IN ({marks(len(part))})",
                    (lib, *part),
                ):
                    before[p] = (at, h)
            now = _now()
            if read:
                changed = [(k, h) for k, h in keyed if k not in before or before[k][1] != h]
                conn.executemany(
                    "INSERT INTO reads (library_id, path, read_at, seen_hash) VALUES (?,?,?,?) "
                    "ON CONFLICT DO UPDATE SET read_at=excluded.read_at, "
                    "seen_hash=excluded.seen_hash",
                    [(lib, k, now, h) for k, h in changed],
                )
                undo = [[k, *before[k]] if k in before else [k, None, None] for k, _ in changed]
            else:
                changed = [(k, h) for k, h in keyed if k in before]
                conn.executemany(
                    "DELETE FROM reads WHERE library_id=? AND path=?",
                    [(lib, k) for k, _ in changed],
                )
                undo = [[k, *before[k]] for k, _ in changed]
            if changed:
                self._log_undo(conn, lib, description, {"kind": "read", "items": undo})
            for path, content_hash, data in kept:
                seen_before = before.get(path_to_db(path), (0.0, None))[1]
                read_texts.keep(conn, lib, path, content_hash, data, seen_before)
            return len(changed)

        return self._write(action)

    # ---------------------------------------------------------------- positions
    def position(self, lib: int, path: str) -> int:
        with self.lock:
            row = self.conn.execute(
                "SELECT line FROM positions WHERE library_id=? AND path=?",
                (lib, path_to_db(path)),
            ).fetchone()
        return int(row[0]) if row else 0

    def save_position(self, lib: int, path: str, line: int) -> None:
        def action(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT INTO positions (library_id, path, line, updated) VALUES (?,?,?,?) "
                "ON CONFLICT DO UPDATE SET line=excluded.line, updated=excluded.updated",
                (lib, path_to_db(path), max(0, int(line)), _now()),
            )

        self._write(action)

    # ---------------------------------------------------------------- bookmarks
    _BOOKMARK_COLUMNS = (
        "path, anchor, heading, note, created, updated, title, url, date, author, categories"
    )

    def bookmarks(self, lib: int) -> list[BookmarkRecord]:
        with self.lock:
            rows = self.conn.execute(
                f"SELECT {self._BOOKMARK_COLUMNS} FROM bookmarks WHERE library_id=? "
                "ORDER BY created DESC, rowid DESC",
                (lib,),
            ).fetchall()
        return [_bookmark(row) for row in rows]

    def bookmarked_paths(self, lib: int) -> dict[str, str | None]:
        """path -> the notes of all its bookmarks in one line (see `combined_note`)."""
        by_path: dict[str, list[BookmarkRecord]] = {}
        for record in self.bookmarks(lib):
            by_path.setdefault(record.path, []).append(record)
        return {path: combined_note(records) for path, records in by_path.items()}

    def add_bookmark(
        self,
        lib: int,
        path: str,
        info: PostInfo,
        *,
        heading: str | None,
        anchor: str | None,
        note: str | None,
        times: tuple[float, float] | None = None,
    ) -> BookmarkRecord:
        """Add or update a bookmark; `times` = (created, updated) restores an imported one."""
        key = (lib, path_to_db(path), anchor or "")

        def action(conn: sqlite3.Connection) -> BookmarkRecord:
            before = self._bookmark_row(conn, key)
            now = _now() if times is None else times[1]
            created = times[0] if times is not None else (before[4] if before else now)
            keep_note = note if note is not None else (before[3] if before else None)
            conn.execute(
                "INSERT OR REPLACE INTO bookmarks (library_id, path, anchor, heading, note, "
                "created, updated, title, url, date, author, categories) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    *key,
                    heading,
                    keep_note,
                    created,
                    now,
                    info.title,
                    info.url,
                    info.date,
                    info.author,
                    json.dumps([list(c) for c in info.categories], ensure_ascii=False),
                ),
            )
            self._log_undo(
                conn,
                lib,
                f"bookmark {info.title}",
                {"kind": "bookmark", "key": key[1:], "row": before},
            )
            row = self._bookmark_row(conn, key)
            assert row is not None
            return _bookmark(row)

        return self._write(action)

    def set_bookmark_note(self, lib: int, path: str, note: str | None, anchor: str | None) -> None:
        key = (lib, path_to_db(path), anchor or "")

        def action(conn: sqlite3.Connection) -> None:
            before = self._bookmark_row(conn, key)
            if before is None:
                return
            conn.execute(
                "UPDATE bookmarks SET note=?, updated=? WHERE library_id=? AND path=? AND anchor=?",
                (note, _now(), *key),
            )
            self._log_undo(
                conn,
                lib,
                f"note on {before[6]}",
                {"kind": "bookmark", "key": key[1:], "row": before},
            )

        self._write(action)

    def remove_bookmark(self, lib: int, path: str, anchor: str | None) -> bool:
        key = (lib, path_to_db(path), anchor or "")

        def action(conn: sqlite3.Connection) -> bool:
            before = self._bookmark_row(conn, key)
            if before is None:
                return False
            conn.execute("DELETE FROM bookmarks WHERE library_id=? AND path=? AND anchor=?", key)
            self._log_undo(
                conn,
                lib,
                f"remove bookmark {before[6]}",
                {"kind": "bookmark", "key": key[1:], "row": before},
            )
            return True

        return self._write(action)

    def _bookmark_row(self, conn: sqlite3.Connection, key: tuple[int, str, str]) -> Any:
        return conn.execute(
            f"SELECT {self._BOOKMARK_COLUMNS} FROM bookmarks "
            "WHERE library_id=? AND path=? AND anchor=?",
            key,
        ).fetchone()

    # ---------------------------------------------------------------- undo
    def _log_undo(
        self, conn: sqlite3.Connection, lib: int, description: str, payload: dict[str, Any]
    ) -> None:
        cur = conn.execute(
            "INSERT INTO undo (library_id, created, description, payload) VALUES (?,?,?,?)",
            # A title made from a file name that is not UTF-8 holds lone surrogates, which
            # SQLite cannot store: the description is for people, the payload escapes them.
            (
                lib,
                _now(),
                description.encode("utf-8", "replace").decode("utf-8"),
                json.dumps(payload),
            ),
        )
        conn.execute(
            "DELETE FROM undo WHERE library_id=? AND id <= ?",
            (lib, (cur.lastrowid or 0) - UNDO_KEEP),
        )

    def undo(self, lib: int) -> str | None:
        """Revert the newest logged action of this library; its description, or None."""

        def action(conn: sqlite3.Connection) -> str | None:
            row = conn.execute(
                "SELECT id, description, payload FROM undo WHERE library_id=? "
                "ORDER BY id DESC LIMIT 1",
                (lib,),
            ).fetchone()
            if row is None:
                return None
            conn.execute("DELETE FROM undo WHERE id=?", (row[0],))
            payload = json.loads(row[2])
            if payload["kind"] == "read":
                for path, read_at, seen_hash in payload["items"]:
                    if read_at is None:
                        conn.execute("DELETE FROM reads WHERE library_id=? AND path=?", (lib, path))
                    else:
                        conn.execute(
                            "INSERT OR REPLACE INTO reads (library_id, path, read_at, seen_hash) "
                            "VALUES (?,?,?,?)",
                            (lib, path, read_at, seen_hash),
                        )
            else:
                path, anchor = payload["key"]
                conn.execute(
                    "DELETE FROM bookmarks WHERE library_id=? AND path=? AND anchor=?",
                    (lib, path, anchor),
                )
                if payload["row"] is not None:
                    conn.execute(
                        f"INSERT INTO bookmarks (library_id, {self._BOOKMARK_COLUMNS}) "
                        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                        (lib, *payload["row"]),
                    )
            return str(row[1])

        return self._write(action)

    # ---------------------------------------------------------------- relink
    def relink(self, lib: int, moves: Iterable[tuple[str, str]]) -> int:
        """Move read mark, position and bookmarks of renamed files (old -> new path) when the
        new path has no state of its own. Returns how many posts were relinked."""
        pairs = [(path_to_db(old), path_to_db(new)) for old, new in moves]
        if not pairs:
            return 0

        def action(conn: sqlite3.Connection) -> int:
            moved = 0
            for old, new in pairs:
                hit = 0
                for table in ("reads", "positions", "bookmarks"):
                    exists = conn.execute(
                        f"SELECT 1 FROM {table} WHERE library_id=? AND path=? LIMIT 1", (lib, new)
                    ).fetchone()
                    if exists:
                        continue
                    cur = conn.execute(
                        f"UPDATE {table} SET path=? WHERE library_id=? AND path=?", (new, lib, old)
                    )
                    hit += cur.rowcount
                moved += 1 if hit else 0
                # Seen first when the old path was: a post renamed is not new
                conn.execute(
                    "INSERT OR REPLACE INTO first_seen SELECT library_id, ?, seen_at "
                    "FROM first_seen WHERE library_id=? AND path=?",
                    (new, lib, old),
                )
                conn.execute("DELETE FROM first_seen WHERE library_id=? AND path=?", (lib, old))
                if hit:
                    read_texts.move(conn, lib, old, new)
            return moved

        return self._write(action)


def bookmarks_of(
    conn: sqlite3.Connection, lib: int, paths: Sequence[str], *, schema: str = "main"
) -> list[BookmarkRecord]:
    """The bookmarks of `paths` (one indexed query per chunk); `schema` is where state.db is
    attached on `conn` ("st" on a read connection of the index)."""
    records: list[BookmarkRecord] = []
    for part in chunks([path_to_db(p) for p in paths]):
        rows = conn.execute(
            f"SELECT {StateStore._BOOKMARK_COLUMNS} FROM {schema}.bookmarks "
            f"WHERE library_id=? AND path IN ({marks(len(part))}) "
            "ORDER BY created DESC, rowid DESC",
            (lib, *part),
        ).fetchall()
        records.extend(_bookmark(row) for row in rows)
    return records


_memory_names = itertools.count(1)


def _shared_memory() -> tuple[sqlite3.Connection, str]:
    """A new in-memory database that read connections of this process can ATTACH by name."""
    uri = f"file:reader-state-{os.getpid()}-{next(_memory_names)}?mode=memory&cache=shared"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA read_uncommitted=1")
    return conn, uri


def _bookmark(row: Sequence[Any]) -> BookmarkRecord:
    categories = tuple(tuple(str(s) for s in c) for c in json.loads(row[10] or "[]"))
    return BookmarkRecord(
        path=path_from_db(row[0]),
        anchor=row[1] or None,
        heading=row[2],
        note=row[3],
        created=float(row[4]),
        updated=float(row[5]),
        title=row[6],
        url=row[7],
        date=row[8],
        author=row[9],
        categories=categories,
    )


def known_roots(paths: StorePaths) -> list[str]:
    """Library roots from state.db without creating or changing it; last opened first."""
    path = paths.state_db
    if not path.exists():
        return []
    for query in ("mode=ro", "immutable=1"):
        try:
            conn = sqlite3.connect(f"file:{path}?{query}", uri=True)
            try:
                rows = conn.execute(
                    "SELECT root FROM libraries ORDER BY last_opened DESC, id DESC"
                ).fetchall()
            finally:
                conn.close()
            return [path_from_db(r[0]) for r in rows]
        except sqlite3.Error:
            continue
    return []
