"""Posts rendered whole ahead of being opened: the one the list's cursor rests on, and the
last few read.

Opening a post renders its first screen while the key waits and the rest after the paint; that
rest moves the scrollbar a frame later, a second burst of output. A post rendered ahead opens in
one paint: the key costs what a repaint costs. Kept only while the text, width and colours it
was rendered with are the ones asked for.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.worker import get_current_worker

from reader.core.errors import LibraryError
from reader.core.give_way import give_way
from reader.foreground import may_run_of
from reader.widgets.article_document import Chunk, Document
from reader.widgets.article_loader import FIRST_SCREEN_HERE_CHARS, render_chunks

if TYPE_CHECKING:
    from textual.widget import Widget

    from reader.core.library import Article, Library
    from reader.widgets.article_loader import RenderRequest

KEEP_POSTS = 6
KEEP_LINES = 6_000
"""Rendered lines kept in all (a line is ~0.5 KB of segments: a few MB at most)."""
LONGEST = 2_000
"""Lines of the longest post kept: a long one renders its rest after the paint anyway, and
would push the others out."""

GROUP = "prepare"
"""The worker group of renderings ahead."""


def _same_text(kept: Article, article: Article) -> bool:
    """The same header and body (a read mark or bookmark changes the row, not the text)."""
    if kept is article:
        return True
    old, new = kept.row, article.row
    return (
        kept.markdown == article.markdown
        and kept.notice == article.notice
        and (old.title, old.date, old.author, old.categories, old.url, old.error)
        == (new.title, new.date, new.author, new.categories, new.url, new.error)
    )


def render_whole(
    library: Library, request: RenderRequest, wanted: Callable[[], bool]
) -> Document | None:
    """`request.path` rendered to its end, or None: too long to keep, not wanted any more, or
    failing (opening it shows why)."""
    try:
        article = library.quick_article(request.path, FIRST_SCREEN_HERE_CHARS)
    except LibraryError:
        return None
    if article is None or len(article.markdown) > FIRST_SCREEN_HERE_CHARS:
        return None
    doc = Document(request.path, article, request.width, look=request.look)
    try:
        for chunk, done in render_chunks(doc, request, wanted):
            doc.add(chunk, done)
    except Exception:  # Rich's rendering of a hostile post can fail in any way
        return None
    return doc if doc.complete else None


class PreparedPosts:
    """Complete renderings by post path, the least recently used dropped first. Kept from
    the UI thread (a post opened) and from the worker that renders ahead."""

    def __init__(self, library: Library) -> None:
        self._library = library
        self._kept: OrderedDict[str, Document] = OrderedDict()
        self._lock = threading.Lock()

    def prepare(self, pane: Widget, request: RenderRequest) -> None:
        """Render `request.path` in a worker of `pane`, giving way to keys; a newer prepare
        cancels it."""
        with self._lock:
            kept = self._kept.get(request.path)
        if kept is not None and kept.look == request.look:
            return
        may_run = may_run_of(pane.app)

        def render() -> None:
            worker = get_current_worker()

            def wanted() -> bool:
                give_way(may_run)
                return not worker.is_cancelled

            doc = render_whole(self._library, request, wanted)
            if doc is not None and not worker.is_cancelled:
                self.keep(doc)

        pane.run_worker(render, thread=True, group=GROUP, exclusive=True, exit_on_error=False)

    def whole(self, request: RenderRequest, article: Article) -> Chunk | None:
        """Every line of the kept rendering, as one last chunk, when it shows `article` as
        `request` asks; else None."""
        with self._lock:
            doc = self._kept.get(request.path)
            if doc is None or doc.look != request.look:
                return None
            self._kept.move_to_end(request.path)
        if not _same_text(doc.article, article):
            return None
        blocks = list(zip(doc.blocks, doc.block_starts, doc.heights, strict=True))
        return Chunk(list(doc.lines), blocks, list(doc.links))

    def keep(self, doc: Document) -> None:
        """Keep `doc` if it is complete and not too long."""
        if not doc.complete or len(doc.lines) > LONGEST:
            return
        with self._lock:
            self._kept[doc.path] = doc
            self._kept.move_to_end(doc.path)
            lines = sum(len(kept.lines) for kept in self._kept.values())
            while len(self._kept) > KEEP_POSTS or lines > KEEP_LINES:
                _, dropped = self._kept.popitem(last=False)
                lines -= len(dropped.lines)
