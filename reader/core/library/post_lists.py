"""Post lists: a folder's posts in order, filtered by title words, read a window at a time."""

from __future__ import annotations

import operator
import sqlite3
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from reader.core.library.context import LibraryContext, Versions
from reader.core.library.model import Folder, PostRow, Sort
from reader.core.library.rows import Rows, with_note
from reader.core.library.title_filter import Titled, keep_ids, words_of
from reader.core.store import folder_queries as fq
from reader.core.store import library_reads as q

_FIRST_UNREAD_PAGE = 8
_LAST_UNREAD_PAGE = 512
_HEAD_ROWS = 256
"""All's first and last rows are read by position from the index (OFFSET: the cost grows with
the distance to the nearer end); between them, from the whole id list."""


class PostList:
    """A materialised, ordered selection; rows(start, count) costs the same at any offset."""

    def __init__(self, rows: Rows, ids: Sequence[int]) -> None:
        self._rows_of = rows
        self._ids = ids

    def _all_ids(self) -> Sequence[int]:
        return self._ids

    def __len__(self) -> int:
        return len(self._all_ids())

    def rows(self, start: int, count: int) -> list[PostRow]:
        start = max(0, start)
        return self._rows_of.for_ids(self._all_ids()[start : start + max(0, count)])

    def same_posts(self, rows: Sequence[PostRow]) -> list[PostRow]:
        """`rows` read again, as they are now (read marks, bookmarks), in their places; a
        post gone meanwhile keeps its row."""
        fresh = {row.path: row for row in self._rows_of.for_paths([r.path for r in rows])}
        return [fresh.get(row.path, row) for row in rows]

    def index_of(self, path: str) -> int | None:
        with self._rows_of.context.reader() as conn:
            post_id = q.post_id(conn, path)
        if post_id is None:
            return None
        # index() runs in C (~0.3 ms for 100k ids at worst): no position map to build and
        # keep for every list shown (~5 MB at 100k).
        try:
            return self._all_ids().index(post_id)
        except ValueError:
            return None

    def next_unread(
        self, index: int, *, backwards: bool = False, skip: str | None = None
    ) -> str | None:
        """The first unread post after position `index` (before it, `backwards`), not `skip`.
        Looks a page at a time with one indexed query per page, pages growing: the cost
        grows with the distance to that post, not with the length of the list."""
        page = _FIRST_UNREAD_PAGE
        if backwards:
            end = min(index, len(self))
            while end > 0:
                start = max(0, end - page)
                for path in reversed(self._unread_paths(start, end)):
                    if path != skip:
                        return path
                end, page = start, min(page * 2, _LAST_UNREAD_PAGE)
        else:
            start = max(0, index + 1)
            while start < len(self):
                for path in self._unread_paths(start, start + page):
                    if path != skip:
                        return path
                start, page = start + page, min(page * 2, _LAST_UNREAD_PAGE)
        return None

    def _unread_paths(self, start: int, stop: int) -> list[str]:
        """The unread posts among positions start..stop, in list order."""
        return self._rows_of.unread_of_ids(self._all_ids()[start:stop])


@dataclass(frozen=True)
class ByDate:
    """How a list newest first reads ids by position from the date index."""

    head: Callable[[sqlite3.Connection, int, int], Sequence[int]]
    """(start, count): the ids at those positions."""
    tail: Callable[[sqlite3.Connection, int, int, int], Sequence[int]]
    """(start, count, total): the same near the end, read from the index's other end."""
    position: Callable[[sqlite3.Connection, str], int | None]


def _all_by_date(words: Sequence[str]) -> ByDate:
    """All newest first, or its posts whose titles hold every one of `words`."""
    return ByDate(
        lambda conn, start, count: q.ids_by_date(conn, start, count, words),
        lambda conn, start, count, total: q.ids_by_date_from_end(conn, start, count, total, words),
        lambda conn, path: q.position_by_date(conn, path, words),
    )


def _virtual_by_date(lib: int, folder: fq.VirtualFolder) -> ByDate:
    return ByDate(
        lambda conn, start, count: fq.ids_newest_first(conn, lib, folder, start, count),
        lambda conn, start, count, total: fq.ids_newest_first_from_end(
            conn, lib, folder, start, count, total
        ),
        lambda conn, path: fq.position_newest_first(conn, lib, folder, path),
    )


class NewestFirstList(PostList):
    """A list newest first read by position from the date index: All, All filtered by title
    words (what the first screen and a filter typed afresh show), or a virtual folder that
    can be counted quickly (Unread). Its length, its first and last screens and the position
    of one post cost the same at any size, and no id list is made; the whole id list (8 bytes
    a post) is read once the list is moved through past them."""

    def __init__(
        self,
        rows: Rows,
        count: int,
        all_ids: Callable[[], Sequence[int]],
        by_date: ByDate,
    ) -> None:
        super().__init__(rows, ())
        self._count = count
        self._load = all_ids
        self._loaded: Sequence[int] | None = None
        self._by_date = by_date

    def _all_ids(self) -> Sequence[int]:
        if self._loaded is None:
            self._loaded = self._load()
        return self._loaded

    def __len__(self) -> int:
        return self._count if self._loaded is None else len(self._loaded)

    def rows(self, start: int, count: int) -> list[PostRow]:
        start = max(0, start)
        if self._loaded is None and start + count <= _HEAD_ROWS:
            with self._rows_of.context.reader() as conn:
                ids = self._by_date.head(conn, start, count)
            return self._rows_of.for_ids(ids)
        if self._loaded is None and start >= self._count - _HEAD_ROWS:
            # The last screens (G), from the index's other end: while a sync commits, every
            # list is a fresh one, and reading the whole id list took 50-150 ms at 100k.
            with self._rows_of.context.reader() as conn:
                ids = self._by_date.tail(conn, start, count, self._count)
            return self._rows_of.for_ids(ids)
        return super().rows(start, count)

    def index_of(self, path: str) -> int | None:
        if self._loaded is not None:
            return super().index_of(path)
        with self._rows_of.context.reader() as conn:
            return self._by_date.position(conn, path)


class StaticPostList(PostList):
    """Rows known up front (the Bookmarked folder, which includes vanished posts)."""

    def __init__(self, rows: Rows, known: list[PostRow]) -> None:
        super().__init__(rows, [])
        self._known = known

    def __len__(self) -> int:
        return len(self._known)

    def rows(self, start: int, count: int) -> list[PostRow]:
        start = max(0, start)
        return self.same_posts(self._known[start : start + max(0, count)])

    def same_posts(self, rows: Sequence[PostRow]) -> list[PostRow]:
        """As they are now, with the note each was listed with (vanished ones as they were)."""
        fresh = {r.path: r for r in self._rows_of.for_paths([r.path for r in rows])}
        result = []
        for row in rows:
            now = fresh.get(row.path)
            result.append(row if now is None else with_note(now, row.note))
        return result

    def index_of(self, path: str) -> int | None:
        for n, row in enumerate(self._known):
            if row.path == path:
                return n
        return None

    def _unread_paths(self, start: int, stop: int) -> list[str]:
        return self._rows_of.unread_of_paths([r.path for r in self._known[start:stop]])


def _all_titled(conn: sqlite3.Connection) -> Titled:
    return Titled(*q.titled_by_date(conn, [], decoded=True))


def _folder_ids(lib: int, folder: Folder, sort: Sort, conn: sqlite3.Connection) -> Sequence[int]:
    return fq.folder_ids(conn, lib, folder.kind, folder.value, sort)


def _in_order_of(
    order: Sequence[int], lib: int, virtual: fq.VirtualFolder, conn: sqlite3.Connection
) -> Sequence[int]:
    """A virtual folder's posts read in no order, then put in `order` (All's, one pass in C)."""
    return keep_ids(order, fq.virtual_members(conn, lib, virtual))


KeptLists = dict[tuple[Folder, str], Sequence[int]]
"""The state-dependent lists kept before a read mark."""


def _without(ids: Sequence[int], post: int) -> Sequence[int]:
    """`ids` less `post`, as a new sequence (the kept one may be a list on screen)."""
    try:
        at = ids.index(post)
    except ValueError:
        return ids
    kept = array("q", ids[:at])
    kept.extend(ids[at + 1 :])
    return kept


class PostLists:
    """The lists of every folder, cached until a commit changes them."""

    def __init__(
        self,
        context: LibraryContext,
        rows: Rows,
        listed_by_state: Callable[[Folder, Sort, list[str]], list[PostRow]],
    ) -> None:
        self._c = context
        self._rows = rows
        self._listed_by_state = listed_by_state
        context.state_dependent.update(f.kind for f in fq.VIRTUAL_FOLDERS if f.depends)

    def posts(self, folder: Folder, *, sort: Sort = "date", filter_text: str = "") -> PostList:
        """The posts of a folder, ordered; filter_text keeps titles containing every word
        (case-insensitive)."""
        words = words_of(filter_text)
        versions = self._c.refresh()
        virtual = fq.virtual_folder(folder.kind)
        if virtual is not None and virtual.listed_by_state:
            return StaticPostList(self._rows, self._listed_by_state(folder, sort, words))
        newest_first = folder.kind == "all" and sort == "date"
        if words and newest_first and not self._in_memory(words):
            # Typed afresh before the titles were read: count and show the first screen from
            # the index; the whole result is read (and kept to narrow) only when needed.
            with self._c.reader() as conn:
                count = q.post_count(conn, words)
            return NewestFirstList(
                self._rows,
                count,
                lambda: self._matching(words, versions).ids,
                _all_by_date(words),
            )
        if words:
            matching = self._matching(words, versions)
            if newest_first:
                return PostList(self._rows, matching.ids)
            return PostList(self._rows, keep_ids(self.ids(folder, sort, versions), matching.ids))
        if self._by_position(folder, sort):
            with self._c.reader() as conn:
                if virtual is not None and virtual.quick_count is not None:
                    count = fq.count_quickly(conn, self._c.lib, virtual)
                    by_date = _virtual_by_date(self._c.lib, virtual)
                else:
                    count, by_date = q.post_count(conn), _all_by_date(())
            return NewestFirstList(
                self._rows, count, lambda: self.ids(folder, sort, versions), by_date
            )
        return PostList(self._rows, self.ids(folder, sort, versions))

    def _by_position(self, folder: Folder, sort: Sort) -> bool:
        """Whether the folder's list is read by position from the date index: All or a
        virtual folder that counts quickly, newest first, its id list not kept."""
        if sort != "date" or (folder, sort) in self._c.ids:
            return False
        virtual = fq.virtual_folder(folder.kind)
        return folder.kind == "all" or (virtual is not None and virtual.quick_count is not None)

    def ready(self, folder: Folder, sort: Sort) -> bool:
        """Whether `posts(folder)` answers without reading a whole folder's ids (kept, or
        read by position from the index): else ~0.1 s at 100k posts, a worker's job."""
        self._c.refresh()
        virtual = fq.virtual_folder(folder.kind)
        if virtual is not None and virtual.listed_by_state:
            return True  # the bookmarks, from the state store
        return self._by_position(folder, sort) or (folder, sort) in self._c.ids

    def kept_before_marks(self) -> KeptLists:
        """The kept lists a read mark changes, before this session writes one."""
        c = self._c
        with c.cache_lock:
            return {key: ids for key, ids in c.ids.items() if key[0].kind in c.state_dependent}

    def after_marked_read(self, kept: KeptLists, versions: Versions, paths: Sequence[str]) -> None:
        """Keep the lists of `kept` again, the posts at `paths` taken out where they left,
        after this session marked them read (and nothing else was written: `versions`): else
        the next look at such a list (Unread moved through, or by title) read its ids again
        (~0.12 s at 100k). Not when a post joined a list: those are read again when asked."""
        c = self._c
        patched: dict[tuple[Folder, str], Sequence[int]] = {}
        with c.reader() as conn:
            for key, ids in kept.items():
                virtual = fq.virtual_folder(key[0].kind)
                if virtual is None:
                    continue
                members = fq.membership(conn, c.lib, virtual, paths)
                if any(member and post not in ids for post, member in members.items()):
                    continue
                for post in (post for post, member in members.items() if not member):
                    ids = _without(ids, post)
                patched[key] = ids
        with c.cache_lock:
            if c.is_current(versions):
                c.ids.update(patched)

    def prepare_filter(self) -> None:
        """Read every title now, from a worker (~0.12 s CPU at 100k posts), so that a text
        typed afresh is one pass in memory, whole, instead of a count over the index whose
        whole result is read again once the list is moved through. ~9 MB at 100k posts."""
        c = self._c
        versions = c.refresh()
        if c.titles is None:
            c.read_to_cache(versions, _all_titled, partial(setattr, c, "titles"))

    def _in_memory(self, words: list[str]) -> bool:
        """Whether the posts matching `words` come from memory: every title was read, or the
        text grew from the last result kept."""
        last = self._c.last_filter
        return self._c.titles is not None or (
            last is not None and " ".join(words).startswith(last[0])
        )

    def _matching(self, words: list[str], versions: Versions) -> Titled:
        """Every post whose title holds every word, newest first. Typing narrows the last
        result: when the text only grew, every match of the new text was one of the old.
        Any other text is a pass over every title: in memory once they were read
        (`prepare_filter`), else one scan of the index."""
        c = self._c
        text = " ".join(words)
        last, every = c.last_filter, c.titles
        if last is not None and text.startswith(last[0]):
            found = last[1].having(words)
        elif every is not None:
            found = every.having(words)
        else:
            with c.reader() as conn:
                found = Titled(*q.titled_by_date(conn, words))
        with c.cache_lock:
            if c.is_current(versions):
                c.last_filter = (text, found)
        return found

    def ids(self, folder: Folder, sort: Sort, versions: Versions) -> Sequence[int]:
        """The ids of a folder's posts in order (cached)."""
        c = self._c
        key = (folder, sort)
        cached = c.ids.get(key)
        if cached is not None:
            return cached
        virtual = fq.virtual_folder(folder.kind)
        query: Callable[[sqlite3.Connection], Sequence[int]]
        if virtual is not None and folder.kind != "all":
            everything = self.ids(Folder("all"), sort, versions)
            query = partial(_in_order_of, everything, c.lib, virtual)
        else:
            query = partial(_folder_ids, c.lib, folder, sort)
        return c.read_to_cache(versions, query, partial(operator.setitem, c.ids, key))
