"""The reading pane: a metadata header and the article's Markdown, rendered a block at a time.

`ArticleView` is a `ScrollView` over pre-rendered lines (Rich's Markdown, see article_render):
only visible lines are painted, the first screen shows as soon as its blocks are rendered and
the rest streams in from a thread worker that can be cancelled. The column is at most
`config.measure` cells wide and centred. Positions are saved as Markdown lines, so they survive
a change of width.
"""

from __future__ import annotations

import bisect
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Protocol

from rich.segment import Segment
from rich.style import Style
from rich.syntax import SyntaxTheme
from rich.text import Text
from textual import events, work
from textual.app import SuspendNotSupported
from textual.binding import BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader import linkopen
from reader.core.library import NOT_SAVED
from reader.core.model import category_label
from reader.core.sanitize import REPLACEMENT, sanitize_line
from reader.keys import bindings
from reader.linkopen import LinkTarget, classify
from reader.widgets.article_find import FindBar, Hit, find_hits, highlight
from reader.widgets.code_theme import COMPONENT_CLASSES as CODE_CLASSES
from reader.widgets.code_theme import code_theme
from reader.widgets.component_style import solid_style
from reader.widgets.memory_trim import TRIM_AFTER_LINES, trim_soon

if TYPE_CHECKING:
    from reader.core.library import Article, Bookmark, Library
    from reader.widgets.article_render import Block, RenderedLink

Line = list[Segment]
"""A rendered line of the article: its segments, exactly the column's width."""

BLOCK_GAP = 1
"""Blank lines between rendered blocks (Rich's own gap between Markdown blocks)."""
FIRST_SCREEN_HERE_CHARS = 32_000
"""A post file, and its Markdown, up to this size is converted and its first screen rendered on
the UI thread (a few ms for typical posts); a bigger one loads in a worker from the start."""
SAVE_DELAY = 0.6
"""Seconds of scroll quiet before the position is saved."""


class _Config(Protocol):
    measure: int
    mark_read_on: str


@dataclass(slots=True)
class _Chunk:
    """Rendered lines handed from the worker to the view (already in view order)."""

    lines: list[Line]
    blocks: list[tuple[Block, int, int]]
    """(block, first line, height) for each block in `lines`, lines counted from the top."""
    links: list[RenderedLink]


@dataclass(slots=True)
class _Document:
    path: str
    article: Article
    width: int
    lines: list[Line] = field(default_factory=list)
    """Every rendered line, exactly `width` cells (a Strip is made only for a line on screen:
    each Strip carries seven caches, ~1 KB, and a long post has 100,000 lines)."""
    block_starts: list[int] = field(default_factory=list)
    """First line of each rendered block (ascending)."""
    blocks: list[Block] = field(default_factory=list)
    block_lines: list[int] = field(default_factory=list)
    """Markdown line of each rendered block (ascending)."""
    heights: list[int] = field(default_factory=list)
    links: list[RenderedLink] = field(default_factory=list)
    total_blocks: int = 0
    complete: bool = False

    def line_for_source(self, source_line: int) -> int | None:
        """The rendered line showing Markdown line `source_line`, None if not rendered yet."""
        if not self.blocks or source_line <= 0:
            return 0
        index = bisect.bisect_right(self.block_lines, source_line) - 1
        if index < 0:
            return 0
        block = self.blocks[index]
        last = index == len(self.blocks) - 1
        if source_line >= block.line + block.lines and not self.complete and last:
            return None
        offset = min(source_line - block.line, block.lines - 1)
        return self.block_starts[index] + (offset * self.heights[index]) // max(block.lines, 1)

    def source_for_line(self, y: int) -> int:
        """The last Markdown line that `line_for_source` places at or above rendered line `y`,
        so that saving the position and restoring it lands on the same line, every time."""
        index = bisect.bisect_right(self.block_starts, y) - 1
        if index < 0:
            return 0
        block = self.blocks[index]
        offset = y - self.block_starts[index]
        if offset >= self.heights[index]:
            return block.line + block.lines - 1
        # the largest o with (o * height) // lines <= offset: the inverse of line_for_source
        last = ((offset + 1) * block.lines - 1) // max(self.heights[index], 1)
        return block.line + min(last, block.lines - 1)


class ArticleView(ScrollView, can_focus=True):
    """Shows one post; bindings for reading actions live here."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article--title",
        "article--meta",
        "article--source",
        "article--notice",
        "article--h1",
        "article--h2",
        "article--h3",
        "article--table-header",
        "article--link",
        "article--link-number",
        "article--code-inline",
        "article--code-block",
        "article--quote",
        "article--rule",
        "article--bullet",
        "article--find",
        "article--find-current",
        *CODE_CLASSES,
    }

    BINDINGS: ClassVar[list[BindingType]] = bindings("article")
    """From the one key table (reader/keys.py): close, back, outline, links, copy, bookmark,
    edit_note, find, and the reading moves (scroll_*, half_page, page_*)."""

    class Opened(Message):
        """A post was loaded and its first screen shown."""

        def __init__(self, path: str) -> None:
            self.path = path
            super().__init__()

    class Closed(Message):
        """Esc or q inside the article: go back to the list."""

    class OpenPost(Message):
        """A link to another post was followed; the view already shows it."""

        def __init__(self, path: str) -> None:
            self.path = path
            super().__init__()

    class MarkedRead(Message):
        """The post shown was marked read (on open, or at its end per config)."""

        def __init__(self, path: str) -> None:
            self.path = path
            super().__init__()

    class BookmarksChanged(Message):
        """A bookmark of `path` was added, edited or removed here."""

        def __init__(self, path: str) -> None:
            self.path = path
            super().__init__()

    class _Loaded(Message):
        def __init__(self, generation: int, document: _Document | None, error: str | None):
            self.generation = generation
            self.document = document
            self.error = error
            super().__init__()

    class _Rendered(Message):
        def __init__(
            self, generation: int, chunk: _Chunk, done: bool, error: str | None = None
        ) -> None:
            self.generation = generation
            self.chunk = chunk
            self.done = done
            self.error = error
            """Why the rest of the post could not be rendered (with `done`)."""
            super().__init__()

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
        self._doc: _Document | None = None
        self._generation = 0
        self._restore_line: int | None = None
        """Markdown line to scroll to once it is rendered."""
        self._history: list[str] = []
        self._preview = False
        self._jump: tuple[str, int] | None = None
        """(anchor, line) of the last outline jump: the current section while not scrolled."""
        self._read_marked = False
        self._unsaved_said: set[str] = set()
        self._save_timer: object | None = None
        self._error: str | None = None
        self._loading_path: str | None = None
        self._pending_anchor: str | None = None
        self._cache: dict[int, Strip] = {}
        self._trim: threading.Thread | None = None
        """The last memory trim started (after a long post was closed)."""
        self._find_query = ""
        self._hits: list[Hit] = []
        self._hit_index = -1
        self._hit_lines: dict[int, list[tuple[int, int, bool]]] = {}
        self._reveal_first_hit = False
        """Scroll to the first hit as soon as one is rendered (opened from search)."""
        self._follow_end = False
        """G was pressed before the post was all rendered: keep going to the end as it grows."""
        self._code_themes: dict[str, SyntaxTheme] = {}
        """Syntax colours by app theme name (made from the theme's variables)."""

    # -- public API -------------------------------------------------------------------------

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

    @property
    def find_active(self) -> bool:
        """True while an in-article find is active (n/N go to hits then, Esc ends it)."""
        return bool(self._find_query)

    @property
    def find_query(self) -> str:
        return self._find_query

    @property
    def hit_count(self) -> int:
        return len(self._hits)

    def find(self, query: str) -> int:
        """Highlight every hit of `query`, scroll to the first one from the top of the view."""
        self._find_query = " ".join(query.split())
        doc = self._doc
        self._hits = find_hits(doc.lines, self._find_query) if doc and self._find_query else []
        self._hit_index = -1
        if self._hits:
            top = round(self.scroll_y)
            self._hit_index = next((i for i, hit in enumerate(self._hits) if hit.line >= top), 0)
            self._reveal_hit()
        self._index_hits()
        self.refresh_bindings()
        return len(self._hits)

    def find_next(self) -> None:
        self._step_hit(1)

    def find_prev(self) -> None:
        self._step_hit(-1)

    def clear_find(self) -> None:
        self._find_query = ""
        self._hits = []
        self._hit_index = -1
        self._index_hits()
        self.refresh_bindings()

    def _step_hit(self, step: int) -> None:
        if not self._hits:
            if self._find_query:
                self.notify(f"Not found: {self._find_query}", markup=False)
            return
        self._hit_index = (self._hit_index + step) % len(self._hits)
        self._reveal_hit()
        self._index_hits()
        self.notify(f"{self._hit_index + 1}/{len(self._hits)}", timeout=1.5, markup=False)

    def _reveal_hit(self) -> None:
        line = self._hits[self._hit_index].line
        height = self.scrollable_content_region.height or self.size.height
        if not self.scroll_y <= line < self.scroll_y + height - 1:
            self.scroll_to(y=max(0, line - height // 3), animate=False, immediate=True, force=True)

    def _index_hits(self) -> None:
        lines: dict[int, list[tuple[int, int, bool]]] = {}
        for number, hit in enumerate(self._hits):
            for line, start, end in hit.spans:
                lines.setdefault(line, []).append((start, end, number == self._hit_index))
        self._hit_lines = lines
        self._cache.clear()
        self.refresh()

    def show(
        self, path: str, *, find: str = "", preview: bool = False, _from_history: bool = False
    ) -> None:
        """Load `path` in a worker, restore its saved position, mark it read per config.

        With `find`, highlight its hits instead and open at the first one (search results).
        A `preview` (the post under the list's cursor on a wide screen) is not marked read,
        saves no position and goes in no history: the reader has not opened it."""
        self.save_position()
        previous = self._doc.path if self._doc is not None else None
        if not (_from_history or self._preview) and previous not in (None, path):
            self._history.append(previous)
            del self._history[:-100]
        self._preview = preview
        self._generation += 1
        self._loading_path = path
        self._read_marked = False
        self._jump = None
        self._follow_end = False
        self._error = None
        self.clear_find()
        self._find_query = " ".join(find.split())
        self.refresh_bindings()
        self._reveal_first_hit = bool(self._find_query)
        try:
            self._restore_line = None if find else self._library.position(path)
        except Exception:  # a read-only or broken state store must not stop reading
            self._restore_line = 0
        self._open(
            path, self._generation, self._content_width(), self._styles(), self._code_theme()
        )

    def clear(self) -> None:
        """Show nothing (e.g. the selected post vanished)."""
        self.save_position()
        self._generation += 1
        self._set_document(None)
        self.virtual_size = Size(0, 0)
        self.refresh()

    @property
    def _hidden(self) -> bool:
        """Not on screen (the list pane of a narrow terminal): scroll_y says nothing then."""
        return not self.display or self.size.height == 0

    def save_position(self) -> None:
        doc = self._doc
        if (
            doc is None
            or not doc.lines
            or self._hidden
            or self._restore_line is not None
            or self._preview
        ):
            # Hidden, the view scrolled to 0; restoring, it is not at the saved line yet:
            # either way the position saved before is still the right one.
            return
        line = doc.source_for_line(round(self.scroll_y)) if self.scroll_y > 0 else 0
        try:
            saved = self._library.save_position(doc.path, line)
        except Exception as error:
            self.notify(f"Could not save the position: {error}", severity="warning", markup=False)
            return
        self._say_unsaved(saved, "Reading positions are kept for this session only")

    def current_section(self) -> tuple[str, str] | None:
        """(heading text, anchor) of the section at the top of the view, None at the very top."""
        doc = self._doc
        if doc is None or not doc.article.headings:
            return None
        y = round(self.scroll_y)
        if self._jump is not None and self._jump[1] == min(y, round(self.max_scroll_y)):
            anchor = self._jump[0]
            for heading in doc.article.headings:
                if heading.anchor == anchor:
                    return heading.text, heading.anchor
        if y <= 0:
            return None
        current: tuple[str, str] | None = None
        for heading in doc.article.headings:
            line = doc.line_for_source(heading.line)
            if line is None or line > y:
                break
            current = (heading.text, heading.anchor)
        return current

    def scroll_to_anchor(self, anchor: str) -> bool:
        """Scroll so the heading with `anchor` is at the top; False if there is none."""
        doc = self._doc
        if doc is None:
            return False
        for heading in doc.article.headings:
            if heading.anchor == anchor:
                line = doc.line_for_source(heading.line)
                if line is None:
                    self._restore_line = heading.line
                    return True
                self.scroll_to(y=line, animate=False, immediate=True, force=True)
                self._jump = (anchor, min(line, round(self.max_scroll_y)))
                return True
        return False

    # -- loading and rendering -------------------------------------------------------------

    def _config(self) -> _Config | None:
        return getattr(self.app, "config", None)

    def _content_width(self) -> int:
        measure = getattr(self._config(), "measure", 100)
        available = self.scrollable_content_region.width
        if not available:
            # Hidden until the layout shows it (a narrow terminal shows it full width): guess
            # that width now rather than render twice.
            styles = self.styles
            gutter = styles.gutter.width + int(styles.scrollbar_size_vertical)
            available = (self.app.size.width or 80) - gutter
        return max(10, min(int(measure), available - 2))

    def _code_theme(self) -> SyntaxTheme:
        theme = self.app.theme
        if theme not in self._code_themes:
            self._code_themes[theme] = code_theme(lambda name: solid_style(self, name))
        return self._code_themes[theme]

    def _styles(self) -> dict[str, Style]:
        def get(name: str) -> Style:
            return solid_style(self, name)

        return {
            "markdown.h1": get("article--h1"),
            "markdown.h2": get("article--h2"),
            "markdown.h3": get("article--h3"),
            "markdown.h4": get("article--h3"),
            "markdown.h5": get("article--h3"),
            "markdown.h6": get("article--h3"),
            "markdown.link": get("article--link"),
            "markdown.link_url": get("article--link"),
            "markdown.kbd": get("article--link-number"),
            "markdown.code": get("article--code-inline"),
            "markdown.code_block": get("article--code-block"),
            "markdown.block_quote": get("article--quote"),
            "markdown.hr": get("article--rule"),
            "markdown.table.border": get("article--rule"),
            "markdown.table.header": get("article--table-header"),
            "markdown.list": get("article--bullet"),
            "markdown.h7": get("article--h3"),
            "markdown.item.bullet": get("article--bullet"),
            "markdown.item.number": get("article--bullet"),
            "reader.title": get("article--title"),
            "reader.meta": get("article--meta"),
            "reader.source": get("article--source"),
            "reader.notice": get("article--notice"),
        }

    def _open(
        self,
        path: str,
        generation: int,
        width: int,
        styles: dict[str, Style],
        code_theme: SyntaxTheme,
    ) -> None:
        """Show the first screen of a small or cached post at once, on this thread (a worker
        would add its start and a fight for the GIL to every open); others load in a worker."""
        try:
            article = self._library.quick_article(path, FIRST_SCREEN_HERE_CHARS)
        except Exception:  # the worker tries again and shows the error in the pane
            article = None
        if article is None or len(article.markdown) > FIRST_SCREEN_HERE_CHARS:
            self._load(path, generation, width, styles, code_theme)
            return
        doc = _Document(path, article, width)
        chunks = self._chunks(doc, generation, styles, code_theme)
        try:
            chunk, done = next(chunks)
        except Exception:  # a post Rich cannot render: the worker shows what went wrong
            self._load(path, generation, width, styles, code_theme)
            return
        self._set_document(doc)
        self._add_chunk(chunk, done)
        if not done:  # the rest once the first screen is painted, not fighting it for the GIL
            self.call_after_refresh(self._render_rest_of, chunks, generation)

    def _render_rest_of(self, chunks: Iterator[tuple[_Chunk, bool]], generation: int) -> None:
        if generation == self._generation:  # not another post shown meanwhile
            self._render_rest(chunks, generation)

    @work(thread=True, exclusive=True, group="article", exit_on_error=False)
    def _load(
        self,
        path: str,
        generation: int,
        width: int,
        styles: dict[str, Style],
        code_theme: SyntaxTheme,
    ) -> None:
        try:
            article = self._library.article(path)
        except Exception as error:  # shown in the pane; the app keeps running
            self.post_message(self._Loaded(generation, None, f"Cannot open {path}: {error}"))
            return
        if self._generation != generation:
            return
        doc = _Document(path, article, width)
        self.post_message(self._Loaded(generation, doc, None))
        self._post_chunks(self._chunks(doc, generation, styles, code_theme), generation)

    @work(thread=True, exclusive=True, group="article", exit_on_error=False)
    def _render_rest(self, chunks: Iterator[tuple[_Chunk, bool]], generation: int) -> None:
        self._post_chunks(chunks, generation)

    def _post_chunks(self, chunks: Iterator[tuple[_Chunk, bool]], generation: int) -> None:
        try:
            for chunk, done in chunks:
                self.post_message(self._Rendered(generation, chunk, done))
        except Exception as error:  # what was rendered stays; the reader is told why no more
            message = f"Cannot show all of this post: {error}"
            self.post_message(self._Rendered(generation, _Chunk([], [], []), True, message))

    def _chunks(
        self, doc: _Document, generation: int, styles: dict[str, Style], code_theme: SyntaxTheme
    ) -> Iterator[tuple[_Chunk, bool]]:
        """Render `doc` in chunks of lines (with `done` on the last): the first as soon as it
        fills a screen, then about 400 lines each. Stops early once another post is shown."""
        # Imported here: Rich's Markdown, markdown-it and Pygments cost start-up otherwise.
        from reader.widgets.article_render import (
            make_console,
            render_block,
            render_text,
            split_blocks,
        )

        article, width = doc.article, doc.width
        console = make_console(width, styles)
        header: list[Line] = render_text(_header(article, styles), console, width)
        blank: Line = [Segment(" " * width)]
        blocks = split_blocks(article.markdown, (h.line for h in article.headings))
        doc.total_blocks = len(blocks)
        links: list[RenderedLink] = []
        sent_links = 0
        lines: list[Line] = [*header, blank]
        placed: list[tuple[Block, int, int]] = []
        top = 0
        first_screen = max(self.size.height, 24) + 10
        sent_first = False
        budget = 0
        for block in blocks:
            if self._generation != generation:
                return
            rendered = render_block(block, console, width, code_theme=code_theme, links=links)
            if not rendered:
                continue
            y = top + len(lines)
            placed.append((block, y, len(rendered)))
            lines.extend(rendered)
            lines.extend(blank for _ in range(BLOCK_GAP))
            budget += len(rendered)
            if (not sent_first and len(lines) + top >= first_screen) or budget >= 400:
                yield _Chunk(lines, placed, links[sent_links:]), False
                top += len(lines)
                lines, placed, sent_links = [], [], len(links)
                sent_first = True
                budget = 0
        yield _Chunk(lines, placed, links[sent_links:]), True

    def on_article_view__loaded(self, message: _Loaded) -> None:
        message.stop()
        if message.generation != self._generation:
            return
        if message.document is None:
            self._set_document(None)
            self._error = message.error
            self.virtual_size = Size(0, 1)
            self.refresh()
            if message.error:
                self.notify(message.error, severity="error", markup=False)
            return
        self._set_document(message.document)

    def _set_document(self, doc: _Document | None) -> None:
        old, self._doc = self._doc, doc
        self._loading_path = None
        self._cache.clear()
        if old is not None and old is not doc and len(old.lines) >= TRIM_AFTER_LINES:
            del old  # its lines are freed here; the trim then gives their pages back
            self._trim = trim_soon()

    def on_article_view__rendered(self, message: _Rendered) -> None:
        message.stop()
        if message.generation == self._generation:
            self._add_chunk(message.chunk, message.done)
            if message.error:
                self.notify(message.error, severity="error", markup=False)

    def _add_chunk(self, chunk: _Chunk, done: bool) -> None:
        doc = self._doc
        if doc is None:
            return
        first = not doc.lines
        doc.lines.extend(chunk.lines)
        for block, start, height in chunk.blocks:
            doc.blocks.append(block)
            doc.block_lines.append(block.line)
            doc.block_starts.append(start)
            doc.heights.append(height)
        doc.links.extend(chunk.links)
        doc.complete = done
        if self._find_query:
            self._hits = find_hits(doc.lines, self._find_query)
            self._hit_index = min(self._hit_index, len(self._hits) - 1)
            self._index_hits()
        self._cache.clear()
        self.virtual_size = Size(doc.width, len(doc.lines))
        if self._reveal_first_hit and self._hits:
            self._reveal_first_hit = False
            self._hit_index = 0
            self._reveal_hit()
            self._index_hits()
        if self._restore_line is not None:
            target = doc.line_for_source(self._restore_line)
            if target is not None:
                # Not laid out yet (opened at 80 columns, the pane still has no height), any
                # line is within max_scroll_y; the layout then clamps the view to the end of
                # this chunk. So keep going there until it is shown or all is rendered.
                if done or (target <= self.max_scroll_y and not self._hidden):
                    self._restore_line = None
                self.scroll_to(y=target, animate=False, immediate=True, force=True)
        if self._follow_end:
            self._follow_end = not done
            self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True, force=True)
        self.refresh()
        if first and not self._preview:
            self.post_message(self.Opened(doc.path))
            if getattr(self._config(), "mark_read_on", "open") != "end":
                # After the first screen is painted: a read mark waits for the disk.
                self.call_after_refresh(self._mark_read_if_showing, doc, self._generation)
        if done:
            self._check_end()

    def on_focus(self) -> None:
        """Focusing a preview (Tab from the list) is opening it: from here it counts as read."""
        doc = self._doc
        if self._preview and doc is not None:
            self._preview = False
            self.post_message(self.Opened(doc.path))
            if getattr(self._config(), "mark_read_on", "open") != "end":
                self._mark_read()

    def _mark_read_if_showing(self, doc: _Document, generation: int) -> None:
        if self._doc is doc and self._generation == generation:  # not another post meanwhile
            self._mark_read()

    def _mark_read(self) -> None:
        doc = self._doc
        if doc is None or self._read_marked or self._preview:
            return
        self._read_marked = True
        try:
            saved = self._library.mark_read(doc.path, True)
        except Exception as error:
            self.notify(f"Could not mark read: {error}", severity="warning", markup=False)
            return
        self._say_unsaved(saved, "Posts opened are marked read for this session only")
        self.post_message(self.MarkedRead(doc.path))

    def _say_unsaved(self, saved: bool, what: str) -> None:
        """Automatic writes (read on open, the position) say once that they are not saved."""
        if saved or what in self._unsaved_said:
            return
        self._unsaved_said.add(what)
        self.notify(f"{what}: {NOT_SAVED}", severity="warning", markup=False)

    def _check_end(self) -> None:
        if self._doc is not None and self._doc.complete and self.scroll_y >= self.max_scroll_y:
            self._mark_read()

    # -- painting -------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.watch(self.app, "theme", self._rerender, init=False)

    def _rerender(self) -> None:
        doc = self._doc
        if doc is None:
            return
        self.save_position()
        if self._restore_line is not None:
            pass  # still on its way to the saved line: keep going there
        elif self._hidden:
            try:
                self._restore_line = self._library.position(doc.path)
            except Exception:
                self._restore_line = 0
        else:
            self._restore_line = doc.source_for_line(round(self.scroll_y)) if self.scroll_y else 0
        self._generation += 1
        self._load(
            doc.path, self._generation, self._content_width(), self._styles(), self._code_theme()
        )

    def on_resize(self, event: events.Resize) -> None:
        doc = self._doc
        if doc is not None and doc.width != self._content_width():
            self._rerender()
        self._cache.clear()

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width or self.size.width
        doc = self._doc
        base = self.rich_style
        if doc is None or index >= len(doc.lines):
            if doc is None and self._error and index == 0:
                text = Text(self._error, style=base)
                return Strip(list(text.render(self.app.console)), text.cell_len).crop_extend(
                    0, width, base
                )
            return Strip.blank(width, base)
        cached = self._cache.get(index)
        if cached is None:
            margin = max(0, (width - doc.width) // 2)
            line = Strip(doc.lines[index], doc.width)
            hits = self._hit_lines.get(index)
            if hits:
                plain = solid_style(self, "article--find")
                current = solid_style(self, "article--find-current")
                line = highlight(line, [(a, b, current if now else plain) for a, b, now in hits])
            if margin:
                line = Strip([Segment(" " * margin), *line], margin + line.cell_length)
            cached = line.apply_style(base).crop_extend(0, width, base)
            self._cache[index] = cached
        return cached.apply_offsets(scroll_x, index)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if self._doc is None:
            return
        if new < old:
            self._follow_end = False  # the reader went back up: stop following the end
        if self._save_timer is None:
            self._save_timer = self.set_timer(SAVE_DELAY, self._save_soon)
        if getattr(self._config(), "mark_read_on", "open") == "end":
            self._check_end()

    def _save_soon(self) -> None:
        self._save_timer = None
        self.save_position()

    def on_unmount(self) -> None:
        self.save_position()
        self._generation += 1  # a render worker still running stops at its next block

    # -- actions --------------------------------------------------------------------------

    def action_find(self) -> None:
        if self._doc is None:
            return

        def done(keep: bool | None) -> None:
            if not keep:
                self.clear_find()
            elif not self._hits:
                self.notify(f"Not found: {self._find_query}", markup=False)

        self.app.push_screen(FindBar(self.find, self._find_query), done)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("find_next", "find_prev"):
            return self.find_active  # otherwise n/N go on to next/previous unread
        return True

    def action_find_next(self) -> None:
        self.find_next()

    def action_find_prev(self) -> None:
        self.find_prev()

    def action_scroll_home(self) -> None:
        """g: the top of the post at once, as G jumps to the end (Textual's own animates)."""
        self._restore_line = None
        self._follow_end = False
        self.scroll_to(y=0, animate=False, immediate=True, force=True)

    def action_scroll_end(self) -> None:
        """G: the end of the post, even while the rest of it is still being rendered."""
        self._restore_line = None
        self._follow_end = self._doc is not None and not self._doc.complete
        self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True, force=True)

    def action_half_page(self, direction: int) -> None:
        self.scroll_relative(y=direction * max(1, self.size.height // 2), animate=False)

    def action_close(self) -> None:
        if self.find_active:
            self.clear_find()
            return
        self.save_position()
        self.post_message(self.Closed())

    def action_back(self) -> None:
        while self._history:
            previous = self._history.pop()
            if previous != self.path:
                self.show(previous, _from_history=True)
                self.post_message(self.OpenPost(previous))
                return
        self.notify("No previous post", markup=False)

    def action_copy(self) -> None:
        doc = self._doc
        if doc is None:
            return
        url = self._library.source_url(doc.article.row)
        if not url:
            self.notify("This post has no source URL", severity="warning", markup=False)
            return
        self.copy_text(url)

    def copy_text(self, text: str) -> None:
        """Copy via OSC 52 (the app's own sequence) and show it for terminals that ignore it."""
        safe = sanitize_line(text)
        self.app.copy_to_clipboard(safe)
        self.notify(f"Copied: {safe}", markup=False)

    def action_outline(self) -> None:
        from reader.widgets.outline_panel import OutlineScreen

        doc = self._doc
        if doc is None:
            return
        if not doc.article.headings:
            self.notify("This post has no headings", markup=False)
            return
        section = self.current_section()

        def jump(anchor: str | None) -> None:
            if anchor is not None:
                self.scroll_to_anchor(anchor)

        self.app.push_screen(
            OutlineScreen(doc.article.headings, current=section[1] if section else None), jump
        )

    def action_links(self) -> None:
        from reader.screens.links import LinksScreen

        doc = self._doc
        if doc is None:
            return
        if not doc.links:
            more = "" if doc.complete else " yet"
            self.notify(f"No links in this post{more}", markup=False)
            return
        targets = self._targets(doc.links, doc.path)
        self.app.push_screen(LinksScreen(doc.links, targets), self.follow)

    def _targets(self, links: list[RenderedLink], post_path: str) -> list[LinkTarget]:
        """What following each link would do; `post:` links (Hexo's post_link) are looked up
        among the library's posts by slug."""
        from reader.core.convert import post_link_slug  # not needed before a link list

        root = self._library.root
        slugs = {link.href: post_link_slug(link.href) for link in links}
        found = self._find_slugs({slug for slug in slugs.values() if slug is not None})
        targets = []
        for link in links:
            slug = slugs[link.href]
            own = self._site_link(link.href) if slug is None else None
            if own is not None:  # the site's own permalink: the post, inside reader
                targets.append(LinkTarget("post", own[0], anchor=own[1]))
            elif slug is None:
                targets.append(classify(link.href, root=root, post_path=post_path))
            elif found.get(slug) is not None:
                targets.append(LinkTarget("post", found[slug] or ""))
            else:
                shown = sanitize_line(slug)
                targets.append(LinkTarget("refused", shown, f"no post {shown!r} in this library"))
        return targets

    def _site_link(self, href: str) -> tuple[str, str | None] | None:
        try:
            return self._library.post_for_link(href)
        except Exception as error:  # a broken index must not stop the link list
            self.notify(f"Could not look up a site link: {error}", markup=False)
            return None

    def _find_slugs(self, slugs: set[str]) -> dict[str, str | None]:
        """The post path each post_link slug names (None when no post matches)."""
        found: dict[str, str | None] = dict.fromkeys(slugs)
        try:
            for slug in slugs:
                found[slug] = self._library.post_for_slug(slug)
        except Exception as error:  # a broken index must not stop the link list
            self.notify(f"Could not look up post links: {error}", markup=False)
        return found

    def follow(self, target: LinkTarget | None) -> None:
        """Act on a link chosen in the link list."""
        if target is None:
            return
        if target.kind == "refused":
            self.notify(f"Link refused: {target.reason}", severity="warning", markup=False)
        elif target.kind == "anchor":
            if not self.scroll_to_anchor(target.value):
                self.notify(f"No section #{target.value} here", markup=False)
        elif target.kind == "external":
            self._open_outside(target.value)
        elif target.kind == "post":
            self.show(target.value)
            if target.anchor:
                self._pending_anchor = target.anchor
            self.post_message(self.OpenPost(target.value))

    def _open_outside(self, url: str) -> None:
        """A background opener, a terminal browser in the app's place, or an offer to copy."""
        from reader.screens.copy_link import CopyLinkScreen

        opener = None if linkopen.refused(url) else linkopen.opener_for(url)
        if opener is None or not opener.foreground:
            if opener is None and not linkopen.refused(url):
                self.app.push_screen(CopyLinkScreen(url))
                return
            self.notify(linkopen.open_external(url), markup=False)
            return
        try:
            with self.app.suspend():
                code = linkopen.run_foreground(opener.command)
        except SuspendNotSupported:
            self.notify(f"Cannot hand over the terminal here; the link is {url}", markup=False)
            return
        if code:  # it could not show the page (a desktop browser over SSH): copying still can
            name = sanitize_line(os.path.basename(opener.command[0]))
            self.app.push_screen(CopyLinkScreen(url, f"{name} ended with status {code}"))

    def on_article_view_opened(self, message: Opened) -> None:
        anchor, self._pending_anchor = self._pending_anchor, None
        if anchor is not None and message.path == self.path:
            self.call_after_refresh(self.scroll_to_anchor, anchor)

    def on_click(self, event: events.Click) -> None:
        number = event.style.meta.get("reader_link") if event.style else None
        doc = self._doc
        if isinstance(number, int) and doc is not None and 0 < number <= len(doc.links):
            link = doc.links[number - 1]
            from reader.screens.links import LinksScreen

            self.app.push_screen(LinksScreen([link], self._targets([link], doc.path)), self.follow)

    # -- bookmarks ------------------------------------------------------------------------

    def _bookmark_here(self) -> tuple[str | None, str | None, Bookmark | None]:
        doc = self._doc
        assert doc is not None
        section = self.current_section()
        heading, anchor = section if section else (None, None)
        existing = None
        for bookmark in self._library.bookmarks():
            if bookmark.path == doc.path and bookmark.anchor == anchor:
                existing = bookmark
                break
        return heading, anchor, existing

    def action_bookmark(self) -> None:
        self._open_note_dialog(create=True)

    def action_edit_note(self) -> None:
        self._open_note_dialog(create=False)

    def _open_note_dialog(self, *, create: bool) -> None:
        from reader.screens.note_dialog import NoteDialog, NoteResult

        doc = self._doc
        if doc is None:
            return
        heading, anchor, existing = self._bookmark_here()
        if existing is None and not create:
            self.notify("No bookmark here; press b to add one", markup=False)
            return
        path = doc.path
        title = doc.article.row.title

        def done(result: NoteResult | None) -> None:
            if result is None:
                return
            try:
                if result.remove:
                    saved = self._library.remove_bookmark(path, anchor=anchor)
                    done_text, unsaved_text = (
                        "Bookmark removed (u to undo)",
                        "Bookmark removed for this session only",
                    )
                elif existing is None:
                    saved = self._library.add_bookmark(
                        path, heading=heading, anchor=anchor, note=result.note
                    ).saved
                    where = f" › {sanitize_line(heading)}" if heading else ""
                    done_text = f"Bookmarked: {sanitize_line(title)}{where}"
                    unsaved_text = f"Bookmarked for this session only: {sanitize_line(title)}"
                else:
                    saved = self._library.set_bookmark_note(path, result.note, anchor=anchor)
                    done_text, unsaved_text = "Note saved", "Note kept for this session only"
                if saved:
                    self.notify(done_text, markup=False)
                else:
                    self.notify(f"{unsaved_text}; {NOT_SAVED}", severity="warning", markup=False)
            except Exception as error:
                self.notify(f"Bookmark not saved: {error}", severity="error", markup=False)
                return
            self.post_message(self.BookmarksChanged(path))

        self.app.push_screen(
            NoteDialog(
                title,
                heading,
                note=existing.note if existing else None,
                exists=existing is not None,
            ),
            done,
        )


def _header(article: Article, styles: dict[str, Style]) -> Text:
    """Title, date and author, category paths, source URL, notices: sanitized, no markup."""
    from reader.widgets.article_render import WrapText

    row = article.row
    text = WrapText(justify="left", overflow="fold")
    text.append(
        sanitize_line(row.title) or sanitize_line(row.path, REPLACEMENT), styles["reader.title"]
    )
    meta = []
    if row.date is not None:
        meta.append(row.date.strftime("%Y-%m-%d %H:%M").removesuffix(" 00:00"))
    if row.author:
        meta.append(sanitize_line(row.author))
    if meta:
        text.append("\n" + " · ".join(meta), styles["reader.meta"])
    if row.categories:
        paths = (category_label(path, sanitize_line) for path in row.categories)
        text.append("\n" + "  ·  ".join(paths), styles["reader.meta"])
    if row.url:
        text.append("\n" + sanitize_line(row.url), styles["reader.source"])
    for notice in (article.notice, row.error):
        if notice:
            text.append("\n⚠ " + sanitize_line(notice), styles["reader.notice"])
    return text
