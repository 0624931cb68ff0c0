"""The reading pane's display: one post's rendered lines, loaded, painted, and its position.

`ArticlePane` is a `ScrollView` over pre-rendered lines (Rich's Markdown, see article_render):
only visible lines are painted, the first screen shows as soon as its blocks are rendered and
the rest streams in from a cancellable thread worker. The column is at most `config.measure`
cells wide, centred. Positions are saved as Markdown lines, so they survive a change of width.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

from textual import events, work
from textual.geometry import Size
from textual.strip import Strip

from reader.after_keys import once_keys_pause
from reader.core.errors import LibraryError
from reader.widgets import article_messages as messages
from reader.widgets.article_document import Chunk, Document
from reader.widgets.article_find import FindState
from reader.widgets.article_loader import (
    FIRST_SCREEN_HERE_CHARS,
    REST_IN_FRAME_SECONDS,
    STYLE_CLASSES,
    Colours,
    RenderRequest,
    article_here,
    column_width,
    guarded,
    render_chunks,
    render_request,
)
from reader.widgets.article_marks import ReadingMarks
from reader.widgets.article_paint import BaseStylePerPaint, PaintedLines, paint_text
from reader.widgets.article_prepared import GROUP as PREPARE_GROUP
from reader.widgets.article_prepared import PreparedPosts
from reader.widgets.article_read_mark import MarksPostRead
from reader.widgets.code_theme import COMPONENT_CLASSES as CODE_CLASSES
from reader.widgets.focus_styles import FocusStyleCache
from reader.widgets.memory_trim import trim_when_idle
from reader.widgets.pending_place import PendingPlace
from reader.widgets.scroll_growth import grow_below, resize_content

if TYPE_CHECKING:
    from reader.core.library import Article, Library
    from reader.widgets.article_blocks import RenderedLink

SAVE_DELAY = 0.6
"""Seconds of scroll quiet before the position is saved."""
HEAD_WAIT = 0.3
"""Seconds a post opened waits at most for its first screen being rendered ahead."""


class ArticlePane(MarksPostRead, FocusStyleCache, BaseStylePerPaint, can_focus=True):
    """Shows one post: loads and paints it, keeps its position and read mark."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        *STYLE_CLASSES.values(),
        "article--find",
        "article--find-current",
        *CODE_CLASSES,
    }

    def __init__(
        self,
        library: Library,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._library = library
        self._doc: Document | None = None
        self._generation = 0
        """Counts the renderings started: a worker's stale chunks are told by theirs."""
        self._restore = PendingPlace()
        self._preview = False
        self._read_marked = False
        self._marks = ReadingMarks(library, self)
        self._save_timer: object | None = None
        self._error: str | None = None
        self._loading_path: str | None = None
        self._painted = PaintedLines()
        self.finder = FindState()
        self._reveal_first_hit = False
        """Scroll to the first hit as soon as one is rendered (opened from search)."""
        self._follow_end = False
        """G was pressed before the post was all rendered: keep going to the end as it grows."""
        self._colours = Colours()
        """Syntax colours and text styles by app theme (made from the theme's variables)."""
        self._prepared = PreparedPosts(library)
        self._before: Document | None = None
        """The rendering shown before the one under way for a new width or theme: its
        lines are the view's height and place the reader until the new ones are all there."""
        self._rest: list[messages.Rendered] = []
        """Chunks after the first screen, held while a key is answered."""

    @property
    def path(self) -> str | None:
        """The post shown (or loading), None when empty."""
        return self._doc.path if self._doc is not None else self._loading_path

    @property
    def article(self) -> Article | None:
        return self._doc.article if self._doc is not None else None

    @property
    def links(self) -> list[RenderedLink]:
        """Links rendered so far, numbered as in the text."""
        return list(self._doc.links) if self._doc is not None else []

    @property
    def rendering_complete(self) -> bool:
        return self._doc is not None and self._doc.complete

    def show(self, path: str, *, find: str = "", preview: bool = False) -> None:
        """Load `path`, restore its saved position, mark it read per config.

        With `find`, highlight its hits instead and open at the first one (search results).
        A `preview` (the post under the list's cursor on a wide screen) is not marked read
        and saves no position: the reader has not opened it."""
        self.save_position()
        self._preview = preview
        self._generation += 1
        self._loading_path = path
        self._read_marked = False
        self._follow_end = False
        self._error = None
        self.finder.clear(find)
        self._repaint_hits()
        if self.has_focus:  # else its keys are not shown: the focus coming tells the footer
            self.refresh_bindings()
        self._reveal_first_hit = self.finder.active
        self._restore.start(None if find else self._marks.position(path))
        self._before = None
        self._open(self._request(path))

    def prepare(self, path: str) -> None:
        """Render `path` ahead, in a worker: the list's cursor rests on it."""
        self._prepared.prepare(self, self._request(path), self._painted.made_for)

    @property
    def _hidden(self) -> bool:
        """Not on screen (the list pane of a narrow terminal): scroll_y says nothing then."""
        return not self.display or self.size.height == 0

    def save_position(self) -> None:
        doc, y = self._doc, round(self.scroll_y)
        if doc is not None and y >= len(doc.lines) and not doc.complete and self._before:
            doc = self._before  # rendering again, not yet down to the reader's place
        restoring = self._restore.line(self.scroll_y, self.max_scroll_y) is not None
        if doc is None or not doc.lines or self._hidden or restoring or self._preview:
            # Hidden, the view scrolled to 0; restoring, it is not at the saved line yet:
            # either way the position saved before is still the right one.
            return
        self._marks.save_position(doc.path, doc.source_for_line(y) if y > 0 else 0)

    def _reveal_hit(self) -> None:
        line = self.finder.current_line
        height = self.scrollable_content_region.height or self.size.height
        if not self.scroll_y <= line < self.scroll_y + height - 1:
            self.scroll_to(y=max(0, line - height // 3), animate=False, immediate=True, force=True)

    def _repaint_hits(self) -> None:
        self._painted.clear()
        self.refresh()

    # -- loading and rendering -------------------------------------------------------------

    def _content_width(self) -> int:
        return column_width(self, getattr(getattr(self.app, "config", None), "measure", 100))

    def _request(self, path: str) -> RenderRequest:
        """Render `path` now, as the view is now (width, colours), superseding any before."""
        return render_request(self, path, self._generation, self._content_width(), self._colours)

    def _wanted(self, request: RenderRequest) -> bool:
        """Not superseded: no other post, width or theme asked for since."""
        return request.generation == self._generation

    def _open(self, request: RenderRequest) -> None:
        """Show the first screen of a small or cached post at once, on this thread (a worker
        would add its start and a fight for the GIL to every open); others load in a worker."""
        try:
            article = self._prepared.current_article(request.path) or article_here(
                self._library, request.path, FIRST_SCREEN_HERE_CHARS
            )
        except LibraryError:  # the worker tries again and shows the error in the pane
            article = None
        if article is None:
            self._load(request)
            return
        doc = Document(request.path, article, request.width, look=request.look)
        kept = self._prepared.kept(request, article, HEAD_WAIT)  # rendered ahead: one paint
        self.workers.cancel_group(self, PREPARE_GROUP)  # not fighting this one for the GIL
        # Lazy: it renders on from what `doc` holds at its first step (after a kept head, in
        # a worker: a head fills the screen, and the rest waits for the keys anyway)
        in_frame = None if kept is not None else REST_IN_FRAME_SECONDS
        chunks = render_chunks(doc, request, lambda: self._wanted(request), in_frame)
        try:
            chunk, done = kept if kept is not None else next(chunks)
        except Exception:  # Rich's rendering of a hostile post can fail in any way: the worker
            self._load(request)  # tries again and shows what went wrong
            return
        self._set_document(doc)
        if kept and not self.finder.active and (painted := self._prepared.painted(request)):
            self._painted.adopt(*painted)  # its first screen, painted ahead too
        self._add_chunk(chunk, done)
        if kept is None and not done:  # what renders in this frame's time; the rest after
            self._show_chunk(*next(guarded(chunks)))
        if not self.rendering_complete:  # not fighting the first screen's paint for the GIL
            self.call_after_refresh(self._render_rest_of, chunks, request)

    def _render_rest_of(self, chunks: Iterator[tuple[Chunk, bool]], request: RenderRequest) -> None:
        if self._wanted(request):  # not another post shown meanwhile
            self._render_rest(chunks, request.generation)

    @work(thread=True, exclusive=True, group="article", exit_on_error=False)
    def _load(self, request: RenderRequest, article: Article | None = None) -> None:
        path, generation = request.path, request.generation
        try:
            article = article or self._library.article(path)
        except LibraryError as error:  # shown in the pane; the app keeps running
            self.post_message(messages.Loaded(generation, None, f"Cannot open {path}: {error}"))
            return
        if not self._wanted(request):
            return
        doc = Document(path, article, request.width, look=request.look)
        self.post_message(messages.Loaded(generation, doc, None))
        self._post_chunks(render_chunks(doc, request, lambda: self._wanted(request)), generation)

    @work(thread=True, exclusive=True, group="article", exit_on_error=False)
    def _render_rest(self, chunks: Iterator[tuple[Chunk, bool]], generation: int) -> None:
        self._post_chunks(chunks, generation)

    def _post_chunks(self, chunks: Iterator[tuple[Chunk, bool]], generation: int) -> None:
        for chunk, done, error in guarded(chunks):
            self.post_message(messages.Rendered(generation, chunk, done, error))

    def on_article_view_loaded(self, message: messages.Loaded) -> None:
        message.stop()
        if message.generation != self._generation:
            return
        self._set_document(message.document)
        if message.document is None:
            self._error = message.error
            self.virtual_size = Size(0, 1)
            self.refresh()
            if message.error:
                self.notify(message.error, severity="error", markup=False)

    def _set_document(self, doc: Document | None) -> None:
        old, self._doc = self._doc, doc
        self._loading_path = None
        self._painted.clear()
        if old is not None and old is not doc:  # what it held may go back to the system
            trim_when_idle(self, self._library.release_memory)

    def on_article_view_rendered(self, message: messages.Rendered) -> None:
        """The first screen at once; the rest, below it, once the keys pause, as other news
        from background work: else its repaint lands in the answer to the key that opened it."""
        message.stop()
        if message.generation != self._generation:
            return
        if self._doc is None or not self._doc.lines:
            self._show_chunk(message.chunk, message.done, message.error)
            return
        self._rest.append(message)
        if len(self._rest) == 1:
            once_keys_pause(self, self._show_rest)

    def _show_rest(self) -> None:
        held, self._rest = self._rest, []
        for message in held:  # in order, all of them: each adds the lines after the last
            if message.generation == self._generation:
                self._show_chunk(message.chunk, message.done, message.error)

    def _show_chunk(self, chunk: Chunk, done: bool, error: str | None) -> None:
        self._add_chunk(chunk, done, whole=error is None)
        if error:  # why the rest of the post is missing
            self.notify(error, severity="error", markup=False)

    def _add_chunk(self, chunk: Chunk, done: bool, *, whole: bool = True) -> None:
        """Show the next lines; with `done` and `whole` (no error cut the post short) the
        post is all there and kept for its next opening."""
        doc = self._doc
        if doc is None:
            return
        first, before = not doc.lines, len(doc.lines)
        # Asked before the new size moves the view: that move is not the reader's
        restore = self._restore.line(self.scroll_y, self.max_scroll_y)
        doc.add(chunk, done)
        if self.finder.active:  # new hits may fall on lines painted already
            self.finder.refind(doc.lines)
            self._painted.clear()
        below = not (first or self._hidden) and before >= self.scroll_y + self.size.height
        # Rendering again: as tall as before meanwhile, so the view is not clamped back up
        kept = 0 if done or self._before is None else len(self._before.lines)
        if done:
            self._before = None
        size = Size(doc.width, max(len(doc.lines), kept))
        if below:  # nothing on screen changes but the scrollbar
            grow_below(self, size)
        else:
            resize_content(self, size)
        if self._reveal_first_hit and self.finder.hits:
            self._reveal_first_hit = False
            self.finder.select(0)
            self._reveal_hit()
        if restore is not None:
            target = doc.line_for_source(restore)
            if target is not None:
                self.scroll_to(y=target, animate=False, immediate=True, force=True)
                # Not laid out yet (a new session at 80 columns) any line looks reachable.
                arrived = done or (target <= self.max_scroll_y and not self._hidden)
                self._restore.put(self.scroll_y, arrived=arrived)
        if self._follow_end:
            self._follow_end = not done
            self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True, force=True)
        if not below or self.finder.active:
            self.refresh()
        if first and not self._preview:
            self.post_message(messages.Opened(doc.path))
            if not self._read_at_end:
                # After the first screen is painted: a read mark waits for the disk.
                self.call_after_refresh(self._mark_read_if_showing, doc, self._generation)
        if done:  # after the paint, with the view laid out: a read mark waits for the disk
            self.call_after_refresh(self._check_end)
            if whole:
                self._prepared.keep(doc)

    # -- read marks -----------------------------------------------------------------------

    def on_focus(self) -> None:
        """Focusing a preview (Tab from the list) is opening it: from here it counts as read."""
        doc = self._doc
        if self._preview and doc is not None:
            self._preview = False
            self.post_message(messages.Opened(doc.path))
            if not self._read_at_end:
                self._mark_read()

    # -- painting -------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.watch(self.app, "theme", lambda: self._rerender(), init=False)

    def _rerender(self, article: Article | None = None) -> None:
        """Render the text loaded again (`article`: as changed): the file may be gone since."""
        doc = self._doc
        if doc is None:
            return
        self.save_position()
        if self._restore.line(self.scroll_y, self.max_scroll_y) is not None:
            pass  # still on its way to the saved line: keep going there
        elif self._hidden:
            self._restore.start(self._marks.position(doc.path))
        else:
            place = doc.source_for_line(round(self.scroll_y)) if self.scroll_y else 0
            self._restore.start(place, at=self.scroll_y)
        self._before = doc if doc.complete or self._before is None else self._before
        self._generation += 1
        self._load(self._request(doc.path), article or doc.article)

    def on_resize(self, event: events.Resize) -> None:
        if self._doc is not None and self._doc.width != self._content_width():
            self._rerender()
        self._painted.clear()

    def render_line(self, y: int) -> Strip:
        # Lines are cut to the view's width: it never scrolls sideways
        index, doc, base = self.scroll_offset.y + y, self._doc, self.painted_base
        width = self.scrollable_content_region.width or self.size.width
        if doc is None or index >= len(doc.lines):
            if doc is None and self._error and index == 0:
                return paint_text(self, self._error, width, base)
            return Strip.blank(width, base)
        return self._painted.line(self, doc, index, width, base, self.finder.by_line.get(index))

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if self._doc is None:
            return
        if new < old:
            self._follow_end = False  # the reader went back up: stop following the end
        if self._save_timer is None:
            self._save_timer = self.set_timer(SAVE_DELAY, self._save_soon)
        if self._read_at_end:
            self._check_end()

    def _save_soon(self) -> None:
        self._save_timer = None
        self.save_position()

    def on_unmount(self) -> None:
        self.save_position()
        self._generation += 1  # a render worker still running stops at its next block
