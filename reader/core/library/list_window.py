"""A post list read ahead where the cursor will be: its length, the position of the post under
the cursor and the rows around it, all read on the thread that prepares it (a worker), so the
thread that shows it (the UI) makes no query for them.

While a sync streams posts in, the list is read again every half second; at 100k posts its
length, the cursor's position and, past the first screens, the whole id list take 50-300 ms of
queries: on the UI thread, every key pressed meanwhile waits for them."""

from __future__ import annotations

from collections.abc import Sequence

from reader.core.library.model import PostRow
from reader.core.library.post_lists import PostList

PAGE = 128
"""Rows are read ahead in pages of this size, aligned as a list view reads them."""
AROUND = 128
"""Rows read ahead on each side of the cursor: more than a screen's height."""


class ListWindow(PostList):
    """`posts` with its length, the position of `keep` and the rows around it read now. Each
    row read ahead is handed out once: a view that asks for it again dropped its copy because
    it is stale (a read mark changed), so it is read afresh."""

    def __init__(self, posts: PostList, keep: str | None, cursor: int) -> None:
        super().__init__(posts._rows_of, ())
        self._posts = posts
        self._length = len(posts)
        self._keep = keep
        self._keep_index = posts.index_of(keep) if keep else None
        at = self._keep_index if self._keep_index is not None else min(cursor, self._length - 1)
        start = max(0, at - AROUND) // PAGE * PAGE
        stop = min(self._length, (max(0, at + AROUND) // PAGE + 1) * PAGE)
        window = posts.rows(start, stop - start) if stop > start else []
        # Fewer rows than asked: posts vanished meanwhile, the positions would not hold.
        self._window = window if len(window) == stop - start else []
        self._start = start
        self._served: list[tuple[int, int]] = []

    def _all_ids(self) -> Sequence[int]:
        return self._posts._all_ids()

    def __len__(self) -> int:
        return self._length

    def rows(self, start: int, count: int) -> list[PostRow]:
        start = max(0, start)
        stop = min(start + max(0, count), self._length)
        if self._window and self._start <= start and stop <= self._start + len(self._window):
            if all(stop <= a or b <= start for a, b in self._served):
                self._served.append((start, stop))
                return self._window[start - self._start : stop - self._start]
            # Asked again: the view dropped what it had (marks changed): read them afresh.
            self._window = []
        return self._posts.rows(start, count)

    def index_of(self, path: str) -> int | None:
        if path == self._keep:
            return self._keep_index
        return self._posts.index_of(path)

    def next_unread(
        self, index: int, *, backwards: bool = False, skip: str | None = None
    ) -> str | None:
        return self._posts.next_unread(index, backwards=backwards, skip=skip)
