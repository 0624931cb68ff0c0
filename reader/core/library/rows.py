"""Post rows as the list shows them: the post with its read mark, bookmark note and whether
a change to it could not be saved."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import replace

from reader.core.library.context import LibraryContext
from reader.core.library.model import PostRow
from reader.core.store import library_reads as q
from reader.core.store.db import path_from_db
from reader.core.store.index import from_iso
from reader.core.store.state import BookmarkRecord, bookmarks_of, combined_note


def _row(values: q.RowValues) -> PostRow:
    read = bool(values[7])
    return PostRow(
        path=path_from_db(values[1]),
        title=values[2],
        date=from_iso(values[3]),
        categories=tuple(tuple(c) for c in json.loads(values[4])),
        author=values[5],
        url=values[6],
        read=read,
        bookmarked=bool(values[10]),
        updated=read and values[8] is not None and values[9] is not None and values[8] != values[9],
        error=values[11],
    )


def with_note(row: PostRow, note: str | None) -> PostRow:
    return replace(row, note=note)


class Rows:
    def __init__(self, context: LibraryContext) -> None:
        self._c = context
        self.context = context

    def for_ids(self, ids: Sequence[int]) -> list[PostRow]:
        """The rows of `ids`, in that order (vanished ones left out)."""
        if not ids:
            return []
        c = self._c
        with c.reader() as conn:
            found = {values[0]: _row(values) for values in q.rows_by_ids(conn, c.lib, ids)}
            rows = self._with_notes(conn, [found[i] for i in ids if i in found])
        return c.flag_unsaved(rows)

    def for_paths(self, paths: Sequence[str]) -> list[PostRow]:
        """The rows of the indexed ones of `paths`."""
        c = self._c
        with c.reader() as conn:
            rows = [_row(values) for values in q.rows_by_paths(conn, c.lib, paths)]
            rows = self._with_notes(conn, rows)
        return c.flag_unsaved(rows)

    def of(self, path: str) -> PostRow | None:
        rows = self.for_paths([path])
        return rows[0] if rows else None

    def _with_notes(self, conn: sqlite3.Connection, rows: list[PostRow]) -> list[PostRow]:
        """Rows of bookmarked posts with the notes of their bookmarks (one indexed query)."""
        marked = [r.path for r in rows if r.bookmarked]
        if not marked:
            return rows
        by_path: dict[str, list[BookmarkRecord]] = {}
        for record in bookmarks_of(conn, self._c.lib, marked, schema="st"):
            by_path.setdefault(record.path, []).append(record)
        return [
            with_note(r, combined_note(by_path[r.path])) if r.path in by_path else r for r in rows
        ]

    def unread_of_ids(self, ids: Sequence[int]) -> list[str]:
        """Paths of the unread posts among `ids`, in the order of `ids`."""
        if not ids:
            return []
        with self._c.reader() as conn:
            found = q.unread_ids(conn, self._c.lib, ids)
        return [found[i] for i in ids if i in found]

    def unread_of_paths(self, paths: Sequence[str]) -> list[str]:
        """Those of `paths` that are indexed and unread, in the order of `paths`."""
        if not paths:
            return []
        with self._c.reader() as conn:
            found = q.unread_paths(conn, self._c.lib, paths)
        return [p for p in paths if p in found]
