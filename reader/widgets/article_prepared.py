"""Posts rendered ahead of being opened: the one the list's cursor rests on, and the last
few read.

Opening a post renders its first screen while the key waits and the rest after the paint; that
rest moves the scrollbar a frame later, a second burst of output. A post rendered ahead opens in
one paint: the key costs what a repaint costs. One still being rendered ahead when it is opened
(a long post with tables and code takes a few hundred ms) shows the lines rendered so far, a
screen or more, and goes on from there; so does a post too long to keep whole (its head is
kept). Kept only while the text, width and colours it was rendered with are the ones asked for.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import TYPE_CHECKING

from textual.worker import Worker, get_current_worker

from reader.core.errors import LibraryError
from reader.core.give_way import give_way
from reader.foreground import may_run_of
from reader.widgets.article_document import Chunk, Document
from reader.widgets.article_loader import CACHED_HERE_CHARS, article_here, render_chunks
from reader.widgets.article_paint import paint_head

if TYPE_CHECKING:
    from rich.style import Style
    from textual.strip import Strip
    from textual.widget import Widget

    from reader.core.library import Article, Library
    from reader.widgets.article_loader import RenderRequest

KEEP_POSTS = 6
KEEP_LINES = 6_000
"""Rendered lines kept in all (a line is ~0.5 KB of segments: a few MB at most)."""
LONGEST = 2_000
"""Lines of the longest post kept whole; of a longer one, its first LONGEST lines are kept
(its rest renders after the paint anyway, and would push the others out)."""

REST_BEFORE_THE_REST = 0.4
"""Seconds the rendering ahead waits once it has a post's first screen, before it renders the
rest: a reader who opens the post sooner finds that screen, and the rest renders after the
paint. Rendered on at once, a long post (tables: 120-160 ms) was still rendering when Enter
came, and the key's frame shared the GIL with it (28-43 ms against a median of 11 at 10k)."""

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


def _rest(worker: Worker[None], seconds: float) -> bool:
    """Wait `seconds` holding nothing; False as soon as `worker` is cancelled."""
    deadline = time.monotonic() + seconds
    while not worker.is_cancelled:
        left = deadline - time.monotonic()
        if left <= 0:
            return True
        time.sleep(min(left, 0.02))
    return False


def start_document(library: Library, request: RenderRequest) -> Document | None:
    """A document to render `request.path` into, or None: too big to render ahead (it loads
    in a worker when opened), or failing (opening it shows why)."""
    try:  # converted here, in a worker, up to the size a post opens from when cached
        article = article_here(library, request.path, CACHED_HERE_CHARS)
    except LibraryError:
        return None
    if article is None:
        return None
    return Document(request.path, article, request.width, look=request.look)


class PreparedPosts:
    """Renderings by post path, whole or a head of them, the least recently used dropped
    first. Kept from the UI thread (a post opened) and from the worker that renders ahead,
    which publishes each chunk as it renders: a post opened meanwhile shows them."""

    def __init__(self, library: Library) -> None:
        self._library = library
        self._kept: OrderedDict[str, Document] = OrderedDict()
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        """Told of each chunk kept, and of a rendering ahead ending."""
        self._rendering: tuple[str, object] | None = None
        """The post being rendered ahead, with a token of that run."""
        self._head_painted: tuple[str, object, tuple[int, Style], dict[int, Strip]] | None = None
        """(path, look, made for, lines) of the last first screen painted ahead."""
        self._awaited = threading.Event()
        """A post is being opened from that rendering: it gives way to keys no more."""

    def prepare(
        self, pane: Widget, request: RenderRequest, paint: tuple[int, Style] | None = None
    ) -> None:
        """Render `request.path` in a worker of `pane`, giving way to keys, from where an
        earlier rendering ahead stopped; a newer prepare cancels it. With `paint` (the
        pane's width and base style), its first screen is also painted (`painted`)."""
        with self._lock:
            kept = self._kept.get(request.path)
            kept = kept.copy() if kept is not None and kept.look == request.look else None
        if kept is not None and (kept.complete or len(kept.lines) >= LONGEST):
            return
        may_run = may_run_of(pane.app)

        def render() -> None:
            worker = get_current_worker()
            run = (request.path, object())
            with self._lock:
                self._rendering = run
            try:
                render_ahead(worker)
            finally:
                with self._changed:
                    if self._rendering is run:
                        self._rendering = None
                    self._changed.notify_all()

        def render_ahead(worker: Worker[None]) -> None:
            def wanted() -> bool:
                give_way(may_run, unless=self._awaited)
                return not worker.is_cancelled

            doc = start_document(self._library, request)
            if doc is None:
                return
            if kept is not None and _same_text(kept.article, doc.article):
                doc = kept
            rested = False
            try:
                # Every block kept as it comes: a post opened meanwhile shows all there is
                for chunk, done in render_chunks(doc, request, wanted, chunk_seconds=0.0):
                    if worker.is_cancelled:
                        return
                    with self._changed:  # a post opened now copies all or none of the chunk
                        doc.add(chunk, done)
                        self._keep(doc)
                        self._changed.notify_all()
                    if len(doc.lines) >= LONGEST:
                        return  # its head is kept; the rest renders once it is opened
                    if not rested and (done or len(doc.lines) >= request.first_screen):
                        rested = True
                        if paint is not None:
                            strips = paint_head(pane, doc, paint, request.first_screen)
                            self._head_painted = (request.path, request.look, paint, strips)
                        if not done and not _rest(worker, REST_BEFORE_THE_REST):
                            return
            except Exception:  # Rich's rendering of a hostile post can fail in any way:
                return  # opening it shows why

        pane.run_worker(render, thread=True, group=GROUP, exclusive=True, exit_on_error=False)

    def kept(
        self, request: RenderRequest, article: Article, wait: float = 0.0
    ) -> tuple[Chunk, bool] | None:
        """The lines kept of `article` rendered as `request` asks, as one chunk, and whether
        that is all of it; None when nothing is kept or less than a screen. While it is being
        rendered ahead, its first screen is waited for, `wait` seconds at most: rendering it
        again here would repeat what that worker has done so far (the first code block of a
        language compiles its lexer: 25-270 ms), and fight it for the GIL."""
        deadline = time.monotonic() + wait
        with self._changed:
            self._awaited.set()
            try:
                doc = self._head(request)
                while doc is None and self._rendering is not None:
                    left = deadline - time.monotonic()
                    if self._rendering[0] != request.path or left <= 0:
                        break
                    self._changed.wait(left)
                    doc = self._head(request)
            finally:
                self._awaited.clear()
            if doc is None:
                return None
            self._kept.move_to_end(request.path)
            chunk, done = doc.as_chunk(), doc.complete
        if not _same_text(doc.article, article):
            return None
        return chunk, done

    def painted(self, request: RenderRequest) -> tuple[tuple[int, Style], dict[int, Strip]] | None:
        """The first screen of `request.path` painted ahead for this rendering's look, with the
        (width, base style) it was painted for."""
        head = self._head_painted
        if head is None or head[:2] != (request.path, request.look):
            return None
        return head[2], head[3]

    def current_article(self, path: str) -> Article | None:
        """The article of `path` kept (rendered ahead, or read lately) if its file did not
        change since: opening it then asks the store nothing (while a worker renders on, each
        query waits for the GIL two or three times: ~10 ms of a key)."""
        with self._lock:
            doc = self._kept.get(path)
        if doc is None or not self._library.is_current(doc.article):
            return None
        return doc.article

    def _head(self, request: RenderRequest) -> Document | None:
        """The rendering kept of `request.path`, if it is as asked and fills a screen."""
        doc = self._kept.get(request.path)
        if doc is None or doc.look != request.look:
            return None
        if not doc.complete and len(doc.lines) < request.first_screen:
            return None
        return doc

    def keep(self, doc: Document) -> None:
        """Keep `doc` if it is complete and not too long."""
        if not doc.complete or len(doc.lines) > LONGEST:
            return
        with self._lock:
            self._keep(doc)

    def _keep(self, doc: Document) -> None:
        self._kept[doc.path] = doc
        self._kept.move_to_end(doc.path)
        lines = sum(len(kept.lines) for kept in self._kept.values())
        while len(self._kept) > KEEP_POSTS or lines > KEEP_LINES:
            _, dropped = self._kept.popitem(last=False)
            lines -= len(dropped.lines)
