"""Post lists: a folder's posts in order, filtered by title words, read a window at a time."""

from __future__ import annotations

import operator
from collections.abc import Callable
from functools import partial

from reader.core.library.context import LibraryContext, Versions
from reader.core.library.model import Folder, PostRow, Sort
from reader.core.library.rows import Rows, with_note
from reader.core.store import folder_queries as fq
from reader.core.store import library_reads as q

_FIRST_UNREAD_PAGE = 8
_LAST_UNREAD_PAGE = 512


class PostList:
    """A materialised, ordered selection; rows(start, count) costs the same at any offset."""

    def __init__(self, rows: Rows, ids: list[int]) -> None:
        self._rows_of = rows
        self._ids = ids

    def __len__(self) -> int:
        return len(self._ids)

    def rows(self, start: int, count: int) -> list[PostRow]:
        start = max(0, start)
        return self._rows_of.for_ids(self._ids[start : start + max(0, count)])

    def index_of(self, path: str) -> int | None:
        with self._rows_of.context.reader() as conn:
            post_id = q.post_id(conn, path)
        if post_id is None:
            return None
        # list.index runs in C (~0.3 ms for 100k ids at worst): no position map to build and
        # keep for every list shown (~5 MB at 100k).
        try:
            return self._ids.index(post_id)
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
        return self._rows_of.unread_of_ids(self._ids[start:stop])


class StaticPostList(PostList):
    """Rows known up front (the Bookmarked folder, which includes vanished posts)."""

    def __init__(self, rows: Rows, known: list[PostRow]) -> None:
        super().__init__(rows, [])
        self._known = known

    def __len__(self) -> int:
        return len(self._known)

    def rows(self, start: int, count: int) -> list[PostRow]:
        start = max(0, start)
        chosen = self._known[start : start + max(0, count)]
        fresh = {r.path: r for r in self._rows_of.for_paths([r.path for r in chosen])}
        result = []
        for row in chosen:
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
        words = filter_text.casefold().split()
        versions = self._c.refresh()
        virtual = fq.virtual_folder(folder.kind)
        if virtual is not None and virtual.listed_by_state:
            return StaticPostList(self._rows, self._listed_by_state(folder, sort, words))
        ids = self.ids(folder, sort, versions)
        if words:
            ids = self._filtered(ids, words, versions)
        return PostList(self._rows, list(ids))

    def prepare_filter(self) -> None:
        """Read every title for filtering now (~0.1 s at 100k posts), from a worker, so that
        the first key typed in the filter does not pay for it."""
        self._title_map(self._c.refresh())

    def _filtered(self, base: list[int], words: list[str], versions: Versions) -> list[int]:
        """`base` ids whose titles hold every word. Typing narrows the last result: when the
        text only grew, every match of the new text was a match of the old one."""
        text = " ".join(words)
        source = base
        last = self._c.last_filter
        if last is not None and last[0] is base and text.startswith(last[1]):
            source = last[2]
        titles = self._title_map(versions)
        if len(words) == 1:
            word = words[0]
            found = [i for i in source if word in titles.get(i, "")]
        else:
            found = [i for i in source if all(w in titles.get(i, "") for w in words)]
        self._c.last_filter = (base, text, found)
        return found

    def ids(self, folder: Folder, sort: Sort, versions: Versions) -> list[int]:
        """The ids of a folder's posts in order (cached)."""
        c = self._c
        key = (folder, sort)
        cached = c.ids.get(key)
        if cached is not None:
            return cached
        return c.read_to_cache(
            versions,
            lambda conn: fq.folder_ids(conn, c.lib, folder.kind, folder.value, sort),
            partial(operator.setitem, c.ids, key),
        )

    def _title_map(self, versions: Versions) -> dict[int, str]:
        c = self._c
        titles = c.titles
        if titles is None:
            titles = c.read_to_cache(versions, q.folded_titles, partial(setattr, c, "titles"))
        return titles
