"""Posts as they were read: the file of each post opened, zlib-packed in state.db, so what
changed since can be shown. The total is capped; the oldest are dropped first, and a row
without its text still says that it was kept once."""

from __future__ import annotations

import sqlite3
import zlib
from dataclasses import dataclass

from reader.core.store.db import path_to_db

TOTAL_CAP = 64 * 1024 * 1024
"""Packed bytes kept for all libraries together."""
ONE_CAP = 4 * 1024 * 1024
"""Packed bytes of one post beyond which it is not kept."""


@dataclass(frozen=True, slots=True)
class ReadText:
    data: bytes | None
    """The file as read; None when it was dropped for the size cap."""


def keep(
    conn: sqlite3.Connection,
    lib: int,
    path: str,
    content_hash: str,
    data: bytes,
    seen_before: str | None,
) -> None:
    """(In a write transaction.) Keep `data`, the file of `path` read with `content_hash`. The
    version seen before stays too: undoing this read mark brings it back in use."""
    key = path_to_db(path)
    packed = zlib.compress(data, 6)
    body = packed if len(packed) <= ONE_CAP else None
    conn.execute(
        "INSERT INTO read_texts (library_id, path, hash, saved_at, size, body) "
        "VALUES (?, ?, ?, julianday('now'), ?, ?) ON CONFLICT DO UPDATE SET "
        "saved_at=excluded.saved_at, size=excluded.size, body=excluded.body",
        (lib, key, content_hash, len(body) if body is not None else 0, body),
    )
    conn.execute(
        "DELETE FROM read_texts WHERE library_id=? AND path=? AND hash NOT IN (?, ?)",
        (lib, key, content_hash, seen_before or content_hash),
    )
    _drop_past_cap(conn)


def _drop_past_cap(conn: sqlite3.Connection) -> None:
    (total,) = conn.execute("SELECT total(size) FROM read_texts WHERE body IS NOT NULL").fetchone()
    if total <= TOTAL_CAP:
        return
    dropped: list[int] = []
    for rowid, size in conn.execute(
        "SELECT rowid, size FROM read_texts WHERE body IS NOT NULL ORDER BY saved_at"
    ):
        if total <= TOTAL_CAP:
            break
        dropped.append(rowid)
        total -= size
    conn.executemany(
        "UPDATE read_texts SET body=NULL, size=0 WHERE rowid=?", [(r,) for r in dropped]
    )


def kept(conn: sqlite3.Connection, lib: int, path: str, content_hash: str) -> ReadText | None:
    """The file of `path` as read with `content_hash`; None when it was never kept."""
    row = conn.execute(
        "SELECT body FROM read_texts WHERE library_id=? AND path=? AND hash=?",
        (lib, path_to_db(path), content_hash),
    ).fetchone()
    if row is None:
        return None
    return ReadText(zlib.decompress(row[0]) if row[0] is not None else None)


def move(conn: sqlite3.Connection, lib: int, old: str, new: str) -> None:
    """(In a write transaction.) A renamed post keeps the texts read under its old path
    (both paths as stored)."""
    conn.execute(
        "UPDATE OR IGNORE read_texts SET path=? WHERE library_id=? AND path=?", (new, lib, old)
    )
    conn.execute("DELETE FROM read_texts WHERE library_id=? AND path=?", (lib, old))
