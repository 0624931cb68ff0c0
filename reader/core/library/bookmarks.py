"""Bookmarks of whole posts and of their sections, with notes; kept for vanished posts."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from reader.core.library.context import LibraryContext
from reader.core.library.model import MISSING, Bookmark, Folder, PostRow, Sort
from reader.core.library.rows import Rows, with_note
from reader.core.store import library_reads as q
from reader.core.store.index import from_ts
from reader.core.store.state import BookmarkRecord, PostInfo, bookmarks_of, combined_note


class Bookmarks:
    def __init__(self, context: LibraryContext, rows: Rows) -> None:
        self._c = context
        self._rows = rows

    def add(
        self,
        path: str,
        *,
        heading: str | None = None,
        anchor: str | None = None,
        note: str | None = None,
        created: datetime | None = None,
        updated: datetime | None = None,
    ) -> Bookmark:
        """Bookmark a post (or its section `anchor`); `created`/`updated` restore the times of
        an imported bookmark. Raises KeyError for a path the library never had."""
        c = self._c
        row = self._rows.of(path)
        if row is None:
            with c.reader() as conn:
                old = bookmarks_of(conn, c.lib, [path], schema="st")
            if not old:
                raise KeyError(path)
            info = PostInfo(old[0].title, old[0].url, old[0].date, old[0].author, old[0].categories)
        else:
            date = row.date.timestamp() if row.date else None
            info = PostInfo(row.title, row.url, date, row.author, row.categories)
        times = None
        if created is not None:
            times = (created.timestamp(), (updated or created).timestamp())
        record = c.state.add_bookmark(
            c.lib, path, info, heading=heading, anchor=anchor, note=note, times=times
        )
        c.state_written()
        saved = c.saved([path])
        return replace(self._bookmark(record, row), saved=saved)

    def set_note(self, path: str, note: str | None, *, anchor: str | None = None) -> bool:
        """False when the note could not be saved."""
        c = self._c
        c.state.set_bookmark_note(c.lib, path, note, anchor)
        c.state_written()
        return c.saved([path])

    def remove(self, path: str, *, anchor: str | None = None) -> bool:
        """False when the removal could not be saved."""
        c = self._c
        c.state.remove_bookmark(c.lib, path, anchor)
        c.state_written()
        return c.saved([path])

    def all(self) -> list[Bookmark]:
        """Newest first; bookmarks of vanished posts are kept with missing=True and the post
        facts saved with them; present posts give their title, URL, date... as they are now."""
        records = self._c.state.bookmarks(self._c.lib)
        present = {r.path: r for r in self._rows.for_paths(sorted({b.path for b in records}))}
        return [self._bookmark(r, present.get(r.path)) for r in records]

    def at(self, path: str, anchor: str | None) -> Bookmark | None:
        """The bookmark of `path` at `anchor` (None: the whole post), if any: one lookup."""
        with self._c.reader() as conn:
            records = bookmarks_of(conn, self._c.lib, [path], schema="st")
        found = [r for r in records if r.anchor == anchor]
        return None if not found else self._bookmark(found[0], self._rows.of(path))

    def is_bookmarked(self, path: str) -> bool:
        with self._c.reader() as conn:
            return q.is_bookmarked(conn, self._c.lib, path)

    def _bookmark(self, record: BookmarkRecord, row: PostRow | None) -> Bookmark:
        """`row`: the post as indexed now; None when its file is gone (the saved facts then)."""
        return Bookmark(
            library=str(self._c.site.identity),
            path=record.path,
            title=record.title if row is None else row.title,
            url=record.url if row is None else row.url,
            heading=record.heading,
            anchor=record.anchor,
            note=record.note,
            created=datetime.fromtimestamp(record.created, UTC),
            updated=datetime.fromtimestamp(record.updated, UTC),
            missing=row is None,
            date=from_ts(record.date) if row is None else row.date,
            author=record.author if row is None else row.author,
            categories=record.categories if row is None else row.categories,
        )

    def folder_rows(self, folder: Folder, sort: Sort, words: list[str]) -> list[PostRow]:
        """The Bookmarked folder: one row per bookmarked post (vanished ones too), with the
        notes of all its bookmarks, newest bookmark first or by title."""
        del folder  # one bookmarked folder per library
        c = self._c
        records = c.state.bookmarks(c.lib)
        present = {r.path: r for r in self._rows.for_paths(sorted({b.path for b in records}))}
        by_path: dict[str, list[BookmarkRecord]] = {}
        for record in records:
            by_path.setdefault(record.path, []).append(record)
        rows: dict[str, PostRow] = {}
        for path, of_path in by_path.items():
            record = min(of_path, key=lambda r: (r.anchor is not None, r.created))
            row = present.get(path)
            if row is None:
                row = PostRow(
                    path=record.path,
                    title=record.title,
                    date=from_ts(record.date),
                    categories=record.categories,
                    author=record.author,
                    url=record.url,
                    read=False,
                    bookmarked=True,
                    updated=False,
                    error=MISSING,
                )
            rows[path] = with_note(row, combined_note(of_path))
        result = [r for r in rows.values() if all(w in r.title.casefold() for w in words)]
        if sort == "title":
            result.sort(key=lambda r: (r.title.casefold(), r.path))
        else:  # newest bookmark first (records come newest first)
            newest: dict[str, int] = {}
            for rank, record in enumerate(records):
                newest.setdefault(record.path, rank)
            result.sort(key=lambda r: newest[r.path])
        return c.flag_unsaved(result)
